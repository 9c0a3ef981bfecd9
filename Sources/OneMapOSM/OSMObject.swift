import OneMapGeometry
import OneMapOGR

/// One OpenStreetMap object as GDAL's OSM driver assembles it: a node (points), a way
/// (lines) or a closed way or multipolygon relation (multipolygons), with every tag.
struct OSMObject {
    /// `node/123`, `way/456` or `relation/789`.
    var id: String
    var tags: [String: String]
    var geometry: Geometry

    subscript(_ key: String) -> String? { tags[key] }
}

/// Reads the layers of an OSM file (`.osm.pbf` or `.osm`) through GDAL.
struct OSMReader {
    let path: String
    private let dataset: OGRDataset

    init(path: String) throws {
        self.path = path
        dataset = try OGRDataset(path: path)
        guard dataset.driverName == "OSM" else {
            throw OSMError.notOSM(path: path, driver: dataset.driverName)
        }
    }

    /// Every object of `layer` (`points`, `lines`, `multipolygons`) with a geometry.
    func forEach(_ layerName: String, _ body: (OSMObject) throws -> Void) throws {
        let layer = try dataset.layer(named: layerName)
        let names = layer.fields.map { String(decoding: $0.rawName, as: UTF8.self) }
        let otherTags = names.firstIndex(of: "other_tags")
        // The driver's id columns: osm_id for nodes, ways and relations; osm_way_id for
        // closed ways in multipolygons (whose osm_id is then null).
        let osmID = names.firstIndex(of: "osm_id"), wayID = names.firstIndex(of: "osm_way_id")
        let kind = layerName == "points" ? "node" : "way"
        try layer.forEach { record in
            guard let geometry = record.geometry else { return }
            var tags: [String: String] = [:]
            var id = ""
            for (i, value) in record.values.enumerated() {
                guard case .text(let bytes) = value else { continue }
                let text = String(decoding: bytes, as: UTF8.self)
                if i == otherTags {
                    for tag in OSMTags.parse(text) { tags[tag.key] = tag.value }
                } else if i == osmID {
                    id = (layerName == "multipolygons" ? "relation/" : "\(kind)/") + text
                } else if i == wayID {
                    id = "way/" + text
                } else {
                    tags[names[i]] = text
                }
            }
            try body(OSMObject(id: id, tags: tags, geometry: geometry))
        }
    }
}

/// Why an OpenStreetMap build could not run.
public enum OSMError: Error, Equatable, Sendable, CustomStringConvertible {
    case notOSM(path: String, driver: String)
    case profile(path: String, reason: String)
    case boundary(path: String, reason: String)
    case empty(path: String)
    case option(String)

    public var description: String {
        switch self {
        case .notOSM(let path, let driver): "\(path): GDAL reads it as \(driver), not as OpenStreetMap (.osm.pbf or .osm)"
        case .profile(let path, let reason): "\(path): \(reason)"
        case .boundary(let path, let reason): "\(path): \(reason)"
        case .empty(let path): "\(path): no roads and no boundary: nothing to lay grids over"
        case .option(let reason): reason
        }
    }
}
