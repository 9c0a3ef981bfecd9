import OneMapStorage

/// A condition on one typed column: one of some values, or a numeric bound.
/// Several filters on a query must all hold.
public struct AttributeFilter: Sendable, Equatable, CustomStringConvertible {
    public enum Test: Sendable, Equatable {
        /// The value is one of these (as text; "red" and "1" both mean level 1).
        case oneOf([String])
        /// The value is none of these (a missing value passes).
        case noneOf([String])
        case atLeast(Double)
        case atMost(Double)
    }

    public var column: String
    public var test: Test

    public init(column: String, test: Test) {
        self.column = column
        self.test = test
    }

    /// Reads `COLUMN=V[,V…]`, `COLUMN>=N` or `COLUMN<=N`.
    public init(parsing text: String) throws(QueryError) {
        for (op, make) in [(">=", { Test.atLeast($0) }), ("<=", { Test.atMost($0) })] as [(String, (Double) -> Test)] {
            if let range = text.range(of: op) {
                let name = String(text[..<range.lowerBound]), bound = String(text[range.upperBound...])
                guard !name.isEmpty, let number = Double(bound) else { throw .badFilter(text) }
                self.init(column: name, test: make(number))
                return
            }
        }
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else { throw .badFilter(text) }
        let values = text[text.index(after: eq)...].split(separator: ",").map(String.init)
        guard !values.isEmpty else { throw .badFilter(text) }
        self.init(column: String(text[..<eq]), test: .oneOf(values))
    }

    public var description: String {
        switch test {
        case .oneOf(let values): "\(column)=\(values.joined(separator: ","))"
        case .noneOf(let values): "\(column)!=\(values.joined(separator: ","))"
        case .atLeast(let n): "\(column)>=\(n)"
        case .atMost(let n): "\(column)<=\(n)"
        }
    }
}

/// Filters resolved against a layer's columns once per query, so each candidate costs an
/// array read and a comparison.
struct RecordPredicate: Sendable, Hashable {
    enum Check: Sendable, Hashable {
        case oneOf(column: Int, values: [FieldValue])
        case noneOf(column: Int, values: [FieldValue])
        case atLeast(column: Int, bound: Double)
        case atMost(column: Int, bound: Double)
        /// capacity − occupancy ≥ persons (a missing occupancy counts as empty).
        case room(capacity: Int, occupancy: Int, persons: Double)
    }

    var checks: [Check]

    static let always = RecordPredicate(checks: [])

    init(checks: [Check]) { self.checks = checks }

    init(_ filters: [AttributeFilter], layer: Layer) throws(QueryError) {
        var checks: [Check] = []
        for filter in filters {
            let index = try Self.column(filter.column, in: layer)
            let column = layer.columns[index]
            switch filter.test {
            case .oneOf(let texts), .noneOf(let texts):
                var values: [FieldValue] = []
                for text in texts {
                    switch column.value(parsing: text) {
                    case .value(let v): values.append(v)
                    case .rejected(let reason): throw .badValue(column: column.name, value: text, reason: reason)
                    }
                }
                if case .oneOf = filter.test { checks.append(.oneOf(column: index, values: values)) } else { checks.append(.noneOf(column: index, values: values)) }
            case .atLeast(let bound), .atMost(let bound):
                // A bound on text would silently match nothing: refuse it.
                guard column.kind.sqlType != "TEXT" else {
                    throw .badValue(column: column.name, value: filter.description, reason: "a range filter takes a numeric column (\(column.kind.summary) is not)")
                }
                if case .atLeast = filter.test { checks.append(.atLeast(column: index, bound: bound)) } else { checks.append(.atMost(column: index, bound: bound)) }
            }
        }
        self.checks = checks
    }

    static func column(_ name: String, in layer: Layer) throws(QueryError) -> Int {
        guard let index = layer.columns.firstIndex(where: { $0.name == name }) else {
            throw .unknownColumn(layer: layer, column: name, known: layer.columns.map(\.name))
        }
        return index
    }

    var isAlways: Bool { checks.isEmpty }

    func matches(_ record: LayerRecord) -> Bool {
        for check in checks {
            switch check {
            case .oneOf(let column, let accepted):
                if !accepted.contains(record.value(column)) { return false }
            case .noneOf(let column, let refused):
                if refused.contains(record.value(column)) { return false }
            case .atLeast(let column, let bound):
                guard let n = record.value(column).number, n >= bound else { return false }
            case .atMost(let column, let bound):
                guard let n = record.value(column).number, n <= bound else { return false }
            case .room(let capacity, let occupancy, let persons):
                guard let total = record.value(capacity).number else { return false }
                if total - (record.value(occupancy).number ?? 0) < persons { return false }
            }
        }
        return true
    }
}
