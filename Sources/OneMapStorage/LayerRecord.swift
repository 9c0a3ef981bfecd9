import OneMapGeometry

/// One feature as a layer stores it: identifier, WGS84 geometry, typed column values in
/// the layer's column order, and the other properties as JSON members.
public struct LayerRecord: Hashable, Sendable {
    public var id: String
    public var geometry: Geometry
    /// Values in ``Layer/columns`` order.
    public var values: [FieldValue]
    /// Properties that match no typed column, kept as they came.
    public var extra: [JSONMember]

    public init(id: String, geometry: Geometry, values: [FieldValue], extra: [JSONMember]) {
        self.id = id
        self.geometry = geometry
        self.values = values
        self.extra = extra
    }

    /// The record as a GeoJSON feature: typed columns (non-null) first under their
    /// canonical names, then the kept properties.
    public func feature(in layer: Layer) -> Feature {
        var properties: [JSONMember] = []
        for (column, value) in zip(layer.columns, values) {
            switch value {
            case .null: continue
            case .integer(let i): properties.append(JSONMember(column.name, .number(Double(i))))
            case .real(let d): properties.append(JSONMember(column.name, .number(d)))
            case .text(let s): properties.append(JSONMember(column.name, .string(s)))
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
        for (index, value) in values.enumerated() where index < layer.columns.count {
            if case .null = value { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            if index < keys.count {
                out.append(contentsOf: keys[index])
            } else {
                JSONWriter.writeKey(layer.columns[index].name, into: &out)
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
