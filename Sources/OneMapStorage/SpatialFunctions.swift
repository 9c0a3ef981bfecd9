import Foundation
import GRDB
import OneMapGeometry

/// The SQL functions GeoPackage R-tree triggers call (ST_IsEmpty, ST_MinX, ST_MaxX,
/// ST_MinY, ST_MaxY). SQLite has none of them built in, so every connection that writes
/// a layer, ours or one GDAL made, must register them first.
enum SpatialFunctions {
    static var all: [DatabaseFunction] {
        [
            DatabaseFunction("ST_IsEmpty", argumentCount: 1, pure: true) { args in
                try envelope(args[0]).map { $0 == nil ? 1 : 0 }
            },
            bound("ST_MinX") { $0.minX },
            bound("ST_MaxX") { $0.maxX },
            bound("ST_MinY") { $0.minY },
            bound("ST_MaxY") { $0.maxY },
        ]
    }

    private static func bound(_ name: String, _ pick: @escaping @Sendable (BoundingBox) -> Double) -> DatabaseFunction {
        DatabaseFunction(name, argumentCount: 1, pure: true) { args in
            guard let box = try envelope(args[0]) else { return nil }
            return box.map(pick)
        }
    }

    /// nil for SQL NULL; .some(nil) for an empty geometry; the envelope otherwise.
    private static func envelope(_ value: DatabaseValue) throws -> BoundingBox?? {
        guard case .blob(let data) = value.storage else { return nil }
        return .some(try data.withUnsafeBytes { try GeoPackageBinary.envelope($0) })
    }
}
