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
}
