import OneMapGeometry

/// Turns source features into ``LayerRecord``s: matches property names to typed columns
/// (by name, alias, or the user's `--map SOURCE=COLUMN`), normalises values and checks
/// that the geometry fits the layer.
public struct RecordMapper: Sendable {
    public let layer: Layer
    /// The layer's columns, computed once (``Layer/columns`` builds them anew on each call).
    private let columns: [Column]
    /// Source key exactly as spelled → column index: the fast path for canonical names.
    private let exact: [String: Int]
    /// Folded source key → column index.
    private let lookup: [String: Int]
    /// Column index → source value (as text) → the value to store instead.
    private let valueMap: [Int: [String: JSONValue]]

    /// - Parameters:
    ///   - explicit: source property name → column name, taking precedence over aliases.
    ///   - values: column name → source value as text → the value to use instead
    ///     (`{"level": {"严重": "1"}}`), applied before the column's own vocabulary.
    public init(layer: Layer, explicit: [String: String] = [:], values: [String: [String: JSONValue]] = [:]) throws {
        self.layer = layer
        let columns = layer.columns
        self.columns = columns
        var lookup: [String: Int] = [:]
        for (index, column) in columns.enumerated() {
            for alias in column.aliases { lookup[Column.foldKey(alias)] = index }
        }
        // Canonical names win over another column's alias ("class" is an alias of
        // road_class, but a column literally named so would still be found first).
        for (index, column) in columns.enumerated() { lookup[Column.foldKey(column.name)] = index }
        for (source, target) in explicit {
            guard let index = columns.firstIndex(where: { $0.name == target }) else {
                throw MappingError.unknownColumn(target, layer: layer)
            }
            lookup[Column.foldKey(source)] = index
        }
        self.lookup = lookup
        var valueMap: [Int: [String: JSONValue]] = [:]
        for (target, table) in values {
            guard let index = columns.firstIndex(where: { $0.name == target }) else {
                throw MappingError.unknownColumn(target, layer: layer)
            }
            valueMap[index] = table
        }
        self.valueMap = valueMap
        // Exact spellings resolve to what their folded form resolves to, so both paths agree.
        var exact: [String: Int] = [:]
        for spelling in columns.flatMap({ [$0.name] + $0.aliases }) + Array(explicit.keys) {
            exact[spelling] = lookup[Column.foldKey(spelling)]
        }
        self.exact = exact
    }

    /// The column a source property name lands in (by name, alias or explicit mapping), if any.
    public func columnName(for key: String) -> String? {
        (exact[key] ?? lookup[Column.foldKey(key)]).map { columns[$0].name }
    }

    /// The record for `feature`.
    /// - Parameter fallbackID: used when the feature has no id of its own.
    public func record(for feature: Feature, fallbackID: @autoclosure () -> String) throws -> LayerRecord {
        var values = [FieldValue](repeating: .null, count: columns.count)
        var filled = [Bool](repeating: false, count: columns.count)
        var extra: [JSONMember] = []
        var unmapped: [UnmappedValue] = []
        var id = feature.id
        for member in feature.properties {
            if member.key == "id" {
                // The identifier, whether it came as the GeoJSON id or as a property.
                if id == nil { id = member.value.identifierText }
                if id == member.value.identifierText { continue }
            }
            guard let index = exact[member.key] ?? lookup[Column.foldKey(member.key)], !filled[index] else {
                extra.append(member)
                continue
            }
            let column = columns[index]
            var value = member.value
            if !valueMap.isEmpty, let table = valueMap[index], let text = value.identifierText ?? value.stringValue, let mapped = table[text] { value = mapped }
            switch column.kind.normalize(value) {
            case .value(let value):
                values[index] = value
                filled[index] = true
            case .rejected(let reason):
                // Vocabulary misses are gathered, so that an import can report every
                // unmapped value of a feature, not just the first.
                if case .vocabulary = column.kind {
                    unmapped.append(UnmappedValue(property: member.key, column: column.name, value: value.identifierText ?? value.stringValue ?? "\(value)", reason: reason))
                    continue
                }
                throw MappingError.badValue(property: member.key, column: column.name, reason: reason)
            }
        }
        if !unmapped.isEmpty { throw MappingError.unmapped(unmapped) }
        let geometry = try conform(feature.geometry)
        var record = LayerRecord(id: id ?? fallbackID(), geometry: geometry, values: values, extra: extra)
        DerivedFields.fill(&record, layer: layer)
        return record
    }

    /// Checks the geometry against the layer's rule, promoting or unwrapping where that
    /// loses nothing (Polygon → MultiPolygon, a one-part MultiPoint → Point).
    func conform(_ geometry: Geometry) throws -> Geometry {
        switch (layer.geometryRule, geometry) {
        case (.any, .geometryCollection):
            throw MappingError.wrongGeometry(got: geometry.typeName, layer: layer, allowed: "Point, LineString, Polygon or their Multi forms")
        case (.any, _): return geometry
        case (.point, .point): return geometry
        case (.point, .multiPoint(let cs)) where cs.count == 1: return .point(cs[0])
        case (.lineString, .lineString): return geometry
        case (.lineString, .multiLineString(let lines)) where lines.count == 1: return .lineString(lines[0])
        case (.multiPolygon, .multiPolygon): return geometry
        case (.multiPolygon, .polygon(let rings)): return .multiPolygon([rings])
        case (.point, _): throw MappingError.wrongGeometry(got: geometry.typeName, layer: layer, allowed: "Point")
        case (.lineString, _):
            throw MappingError.wrongGeometry(got: geometry.typeName, layer: layer, allowed: "LineString (split multi-part lines into one feature per part)")
        case (.multiPolygon, _): throw MappingError.wrongGeometry(got: geometry.typeName, layer: layer, allowed: "Polygon or MultiPolygon")
        }
    }
}

/// A source value that a vocabulary column does not know.
public struct UnmappedValue: Sendable, Equatable, Hashable {
    public var property: String
    public var column: String
    /// The value as text, as the source has it.
    public var value: String
    public var reason: String
}

/// A source feature that does not fit its layer.
public enum MappingError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownColumn(String, layer: Layer)
    case badValue(property: String, column: String, reason: String)
    /// Values no vocabulary term (or mapping-file entry) matches, every one in the feature.
    case unmapped([UnmappedValue])
    case wrongGeometry(got: String, layer: Layer, allowed: String)

    public var description: String {
        switch self {
        case .unknownColumn(let name, let layer):
            "layer \(layer) has no column \"\(name)\"; its columns are \(layer.columns.map(\.name).joined(separator: ", "))"
        case .badValue(let property, let column, let reason):
            "property \"\(property)\" (column \(column)): \(reason)"
        case .unmapped(let values):
            values.map { "property \"\($0.property)\" (column \($0.column)): \($0.reason)" }.joined(separator: "; ")
        case .wrongGeometry(let got, let layer, let allowed):
            "layer \(layer) takes \(allowed), got a \(got)"
        }
    }
}
