import ArgumentParser
import OneMap

/// Command-line spellings shared by the subcommands, each refused with the same message.
enum Arguments {
    /// The layer a `--layer` value names.
    static func layer(_ name: String) throws -> Layer {
        guard let layer = Layer(name: name) else {
            throw ValidationError("unknown layer \"\(name)\"; choose one of \(Layer.allCases.map(\.tableName).joined(separator: ", "))")
        }
        return layer
    }

    /// The relation a `--relation` value names.
    static func relation(_ name: String) throws -> SpatialRelation {
        guard let relation = SpatialRelation(rawValue: name) else {
            throw ValidationError("--relation takes within or intersects, got \"\(name)\"")
        }
        return relation
    }

    /// The lon/lat box a `--bbox` value gives: four numbers, west ≤ east, south ≤ north.
    static func box(_ text: String) throws -> BoundingBox {
        let parts = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4 else { throw ValidationError("--bbox takes four numbers minLon,minLat,maxLon,maxLat, got \"\(text)\"") }
        let box = BoundingBox(minX: parts[0], minY: parts[1], maxX: parts[2], maxY: parts[3])
        guard (-180...180).contains(box.minX), (-180...180).contains(box.maxX), (-90...90).contains(box.minY), (-90...90).contains(box.maxY) else {
            throw ValidationError("--bbox \"\(text)\": longitudes run from -180 to 180 and latitudes from -90 to 90")
        }
        guard box.minX <= box.maxX, box.minY <= box.maxY else {
            throw ValidationError("--bbox: min must not exceed max, got \"\(text)\"")
        }
        return box
    }
}
