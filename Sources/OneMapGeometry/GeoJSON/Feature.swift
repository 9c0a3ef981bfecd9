/// A geometry with an identifier and properties: one row of a layer, one GeoJSON Feature.
public struct Feature: Hashable, Sendable {
    /// The feature's own identifier (GeoJSON `id`, or an `id` property), if it has one.
    public var id: String?
    public var geometry: Geometry
    /// Properties in source order.
    public var properties: [JSONMember]

    public init(id: String?, geometry: Geometry, properties: [JSONMember] = []) {
        self.id = id
        self.geometry = geometry
        self.properties = properties
    }

    public subscript(property key: String) -> JSONValue? {
        properties.first { $0.key == key }?.value
    }
}
