import Foundation

/// How a single risk source gets its level: the method and the thresholds, as
/// `config/risk-rules.json` states them (defaults from DOMAIN.md).
public struct RiskRules: Sendable, Equatable {
    /// Which evidence decides a source's level.
    public enum SourceMethod: String, Sendable, CaseIterable {
        /// The level the source data gives.
        case given
        /// D = L × E × C from the source's LEC factors.
        case lec
        /// R = L × S from the source's risk-matrix factors.
        case matrix
        /// The given level, else LEC factors, else matrix factors.
        case auto
    }

    /// LEC: red when D > redAbove; orange when D ≥ orangeFrom; yellow when D ≥ yellowFrom.
    public struct LECThresholds: Sendable, Equatable {
        public var redAbove: Double
        public var orangeFrom: Double
        public var yellowFrom: Double

        public func level(_ d: Double) -> RiskLevel {
            if d > redAbove { return .red }
            if d >= orangeFrom { return .orange }
            if d >= yellowFrom { return .yellow }
            return .blue
        }
    }

    /// Risk matrix: red when R ≥ redFrom; orange when R ≥ orangeFrom; yellow when R ≥ yellowFrom.
    public struct MatrixThresholds: Sendable, Equatable {
        public var redFrom: Double
        public var orangeFrom: Double
        public var yellowFrom: Double

        public func level(_ r: Double) -> RiskLevel {
            if r >= redFrom { return .red }
            if r >= orangeFrom { return .orange }
            if r >= yellowFrom { return .yellow }
            return .blue
        }
    }

    public var sourceMethod: SourceMethod
    public var lec: LECThresholds
    public var matrix: MatrixThresholds
    /// How an area's level follows from the sources reaching it.
    public var areaRule: AreaRule
    public var density: DensityRule

    /// DOMAIN.md's rules; `config/risk-rules.json` as committed says the same (a test checks).
    public static let standard = RiskRules(
        sourceMethod: .auto,
        lec: LECThresholds(redAbove: 320, orangeFrom: 160, yellowFrom: 70),
        matrix: MatrixThresholds(redFrom: 20, orangeFrom: 10, yellowFrom: 4))

    public init(sourceMethod: SourceMethod, lec: LECThresholds, matrix: MatrixThresholds,
                areaRule: AreaRule = .mostSevere, density: DensityRule = .standard) {
        self.sourceMethod = sourceMethod
        self.lec = lec
        self.matrix = matrix
        self.areaRule = areaRule
        self.density = density
    }
}

/// Why a rules file was refused, naming the file and the member.
public struct RiskRulesError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "\(path): \(reason)" }
}

extension RiskRules {
    /// Reads a rules file. Members left out keep the standard values; unknown members
    /// other than `comment` are refused, as are thresholds out of order.
    public static func load(path: String) throws(RiskRulesError) -> RiskRules {
        func fail(_ reason: String) -> RiskRulesError { RiskRulesError(path: path, reason: reason) }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot read the file") }
        guard let object = try? JSONSerialization.jsonObject(with: data), let root = object as? [String: Any] else {
            throw fail("not a JSON object")
        }
        var rules = RiskRules.standard
        let members = ["comment", "source_method", "lec", "matrix", "area_rule", "density"]
        for key in root.keys where !members.contains(key) {
            throw fail("unknown member '\(key)'; expected \(members.dropFirst().joined(separator: ", "))")
        }
        if let value = root["area_rule"] {
            guard let text = value as? String, let rule = AreaRule(rawValue: text) else {
                throw fail("area_rule must be one of \(AreaRule.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            rules.areaRule = rule
        }
        if let value = root["source_method"] {
            guard let text = value as? String, let method = SourceMethod(rawValue: text) else {
                throw fail("source_method must be one of \(SourceMethod.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            rules.sourceMethod = method
        }
        func thresholds(_ member: String, _ names: [String], also: [String] = []) throws(RiskRulesError) -> [Double]? {
            guard let value = root[member] else { return nil }
            guard let table = value as? [String: Any] else { throw fail("\(member) must be an object") }
            for key in table.keys where !(names + also).contains(key) {
                throw fail("\(member) has an unknown member '\(key)'; expected \((also + names).joined(separator: ", "))")
            }
            var numbers: [Double] = []
            for name in names {
                guard let n = (table[name] as? NSNumber)?.doubleValue, n.isFinite else {
                    throw fail("\(member).\(name) must be a number")
                }
                numbers.append(n)
            }
            guard numbers[0] >= numbers[1], numbers[1] >= numbers[2] else {
                throw fail("\(member) thresholds must not increase from red to yellow (\(names.joined(separator: " ≥ ")))")
            }
            return numbers
        }
        if let t = try thresholds("lec", ["red_above", "orange_from", "yellow_from"]) {
            rules.lec = LECThresholds(redAbove: t[0], orangeFrom: t[1], yellowFrom: t[2])
        }
        if let t = try thresholds("matrix", ["red_from", "orange_from", "yellow_from"]) {
            rules.matrix = MatrixThresholds(redFrom: t[0], orangeFrom: t[1], yellowFrom: t[2])
        }
        func densityWeights() throws(RiskRulesError) -> [Double] {
            guard let given = (root["density"] as? [String: Any])?["weights"] else { return rules.density.weights }
            guard let table = given as? [String: Any] else { throw fail("density.weights must be an object") }
            var weights = rules.density.weights
            for (key, value) in table {
                guard let level = RiskLevel.allCases.first(where: { $0.description == key }) else {
                    throw fail("density.weights has an unknown level '\(key)'; expected red, orange, yellow, blue")
                }
                guard let n = (value as? NSNumber)?.doubleValue, n.isFinite, n >= 0 else {
                    throw fail("density.weights.\(key) must be a number ≥ 0")
                }
                weights[level.rawValue - 1] = n
            }
            return weights
        }
        if let t = try thresholds("density", ["red_from", "orange_from", "yellow_from"], also: ["weights"]) {
            rules.density = DensityRule(weights: try densityWeights(), redFrom: t[0], orangeFrom: t[1], yellowFrom: t[2])
        }
        return rules
    }
}
