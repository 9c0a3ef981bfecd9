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
}
