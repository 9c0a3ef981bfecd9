import Foundation
import GRDB
import OneMapGeometry

/// A feature table of another GeoPackage (GDAL's, QGIS's, or OneMap's own). Attribute
/// columns become properties; a OneMap `properties` JSON column is unpacked.
struct GeoPackageSource: FeatureSource {
    let path: String
    let table: String
    let geometryColumn: String
    let declaredCRS: CoordinateReferenceSystem?
    var totalBytes: Int? { nil }
    var readerDescription: String { "OneMap's GeoPackage reader, table \(table)" }
    private let queue: DatabaseQueue

    init(path: String, sourceLayer: String?, preferred: String) throws {
        self.path = path
        var config = Configuration()
        config.readonly = true
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            let tables = try queue.read { db -> [String] in
                guard try db.tableExists("gpkg_contents") else { return [] }
                return try String.fetchAll(db, sql: "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name")
            }
            guard !tables.isEmpty else { throw ImportError.source(file: path, message: "not a GeoPackage with feature tables") }
            let chosen: String
            if let sourceLayer {
                guard tables.contains(sourceLayer) else {
                    throw ImportError.source(file: path, message: "no feature table \"\(sourceLayer)\"; it has \(tables.joined(separator: ", "))")
                }
                chosen = sourceLayer
            } else if tables.count == 1 {
                chosen = tables[0]
            } else if tables.contains(preferred) {
                chosen = preferred
            } else {
                throw ImportError.source(file: path, message: "several feature tables (\(tables.joined(separator: ", "))); choose one with --source-layer")
            }
            table = chosen
            let (column, crs) = try queue.read { db -> (String, CoordinateReferenceSystem?) in
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT g.column_name, s.organization, s.organization_coordsys_id FROM gpkg_geometry_columns g
                    LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id WHERE g.table_name = ?
                    """, arguments: [chosen])
                else { throw ImportError.source(file: path, message: "table \(chosen) has no entry in gpkg_geometry_columns") }
                let organization: String? = row[1]
                let code: Int? = row[2]
                var crs: CoordinateReferenceSystem?
                if organization?.uppercased() == "EPSG", let code { crs = code == 4326 ? .wgs84 : .epsg(code) }
                return (row[0], crs)
            }
            geometryColumn = column
            declaredCRS = crs
        } catch let e as DatabaseError {
            throw ImportError.source(file: path, message: "cannot read as a GeoPackage: \(e.message ?? "\(e)")")
        }
    }

    func forEach(_ body: (SourceFeature, Int) throws -> Void) throws {
        try queue.read { db in
            let columns = try db.columns(in: table)
            let primaryKey = try db.primaryKey(table).columns
            let attributes = columns.map(\.name).filter { $0 != geometryColumn && !primaryKey.contains($0) }
            let quoted = ([geometryColumn] + primaryKey.prefix(1) + attributes).map { "\"\($0)\"" }.joined(separator: ", ")
            let cursor = try Row.fetchCursor(db, sql: "SELECT \(quoted) FROM \"\(table)\"")
            while let row = try cursor.next() {
                let fid: DatabaseValue = row[1]
                let location = "table \(table), fid \(fid)"
                guard let blob: Data = row[0] else {
                    throw ImportError.feature(file: path, location: location, message: "the feature has no geometry")
                }
                let geometry: Geometry
                do {
                    geometry = try GeoPackageBinary.decode([UInt8](blob))
                } catch let e as GeometryError {
                    throw ImportError.feature(file: path, location: location, message: "\(e)")
                }
                var properties: [JSONMember] = []
                var id: String?
                for (i, name) in attributes.enumerated() {
                    let value: DatabaseValue = row[i + 2]
                    if name == "id", let text = Self.text(value) { id = text; continue }
                    // A OneMap file's `properties` holds its other properties as JSON; NULL
                    // means there are none (it was read as a property `properties: null`).
                    if name == "properties", value.isNull { continue }
                    if name == "properties", case .string(let json) = value.storage,
                        case .object(let members)? = try? JSONParser(ByteStream(string: json)).parseValue()
                    {
                        properties.append(contentsOf: members)
                        continue
                    }
                    properties.append(JSONMember(name, Self.json(value)))
                }
                try body(SourceFeature(feature: Feature(id: id, geometry: geometry, properties: properties), location: location), 0)
            }
        }
    }

    static func json(_ v: DatabaseValue) -> JSONValue {
        switch v.storage {
        case .null: .null
        case .int64(let i): .number(Double(i))
        case .double(let d): .number(d)
        case .string(let s): .string(s)
        case .blob(let b): .string(b.base64EncodedString())
        }
    }

    static func text(_ v: DatabaseValue) -> String? {
        switch v.storage {
        case .int64(let i): String(i)
        case .string(let s): s
        default: nil
        }
    }
}
