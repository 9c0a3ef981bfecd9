import OneMapGeometry

/// One feature as a layer stores it: identifier, WGS84 geometry, typed column values in
/// the layer's column order, and the other properties as JSON members.
///
/// The values are held packed (``PackedValues``: one small block instead of 24 bytes a value
/// and a block per long text); ``value(_:)`` reads one, ``values`` builds the list.
public struct LayerRecord: Hashable, Sendable {
    public var id: String
    public var geometry: Geometry
    public private(set) var packed: PackedValues
    /// Properties that match no typed column, kept as they came.
    public var extra: [JSONMember]

    public init(id: String, geometry: Geometry, values: [FieldValue], extra: [JSONMember]) {
        self.init(id: id, geometry: geometry, packed: PackedValues(values), extra: extra)
    }

    public init(id: String, geometry: Geometry, packed: PackedValues, extra: [JSONMember]) {
        self.id = id
        self.geometry = geometry
        self.packed = packed
        self.extra = extra
    }

    /// Values in ``Layer/columns`` order, built on each read: read one with ``value(_:)``.
    public var values: [FieldValue] {
        get { packed.decoded }
        set { packed = PackedValues(newValue) }
    }

    /// Value `column` (an index into ``Layer/columns``); `.null` past the last.
    public func value(_ column: Int) -> FieldValue { packed.value(column) }

    /// How many values the record has.
    public var valueCount: Int { packed.count }

    /// Records are equal when their ids, geometries, values and other properties are (values
    /// compared as values: a real `0.0` equals `-0.0`, as `FieldValue` has it).
    public static func == (lhs: LayerRecord, rhs: LayerRecord) -> Bool {
        lhs.id == rhs.id && lhs.geometry == rhs.geometry && lhs.extra == rhs.extra
            && (lhs.packed.bytes == rhs.packed.bytes || lhs.values == rhs.values)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(geometry)
        hasher.combine(values)
        hasher.combine(extra)
    }

    /// The record as a GeoJSON feature: typed columns (non-null) first under their
    /// canonical names, then the kept properties.
    public func feature(in layer: Layer) -> Feature {
        var properties: [JSONMember] = []
        let columns = layer.columns
        packed.forEach { index, value in
            guard index < columns.count else { return }
            let name = columns[index].name
            switch value {
            case .null: break
            case .integer(let i): properties.append(JSONMember(name, .number(Double(i))))
            case .real(let d): properties.append(JSONMember(name, .number(d)))
            case .text(let s): properties.append(JSONMember(name, .string(s)))
            }
        }
        properties.append(contentsOf: extra)
        return Feature(id: id, geometry: geometry, properties: properties)
    }

    /// Writes ``feature(in:)`` straight into `out` up to its own last property (no closing
    /// braces: the caller adds its members, then `}}`), without building the feature — the
    /// same bytes as `GeoJSONWriter.write`; returns whether no property was written (the
    /// next member needs no comma).
    public func writeFeatureStart(in layer: Layer, into out: inout [UInt8]) -> Bool {
        out.append(contentsOf: #"{"type":"Feature","id":"#.utf8)
        JSONWriter.writeString(id, into: &out)
        out.append(contentsOf: #","geometry":"#.utf8)
        GeoJSONWriter.writeGeometry(geometry, into: &out)
        out.append(contentsOf: #","properties":{"#.utf8)
        var first = true
        let keys = Self.jsonKeys[layer] ?? []
        let columns = layer.columns
        packed.forEach { index, value in
            guard index < columns.count else { return }
            if case .null = value { return }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            if index < keys.count {
                out.append(contentsOf: keys[index])
            } else {
                JSONWriter.writeKey(columns[index].name, into: &out)
            }
            switch value {
            case .null: break
            case .integer(let i): JSONWriter.writeNumber(Double(i), into: &out)
            case .real(let d): JSONWriter.writeNumber(d, into: &out)
            case .text(let s): JSONWriter.writeString(s, into: &out)
            }
        }
        for member in extra {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONWriter.writeKey(member.key, into: &out)
            JSONWriter.write(member.value, into: &out)
        }
        return first
    }

    /// Each layer's column names as JSON keys with their colon (`"name":`), made once.
    private static let jsonKeys: [Layer: [[UInt8]]] = Dictionary(uniqueKeysWithValues: Layer.allCases.map { layer in
        (layer, layer.columns.map { column in
            var key: [UInt8] = []
            JSONWriter.writeKey(column.name, into: &key)
            return key
        })
    })
}
