import Foundation
import OneMapGeometry

/// A reusable mapping for one data source, `--mapping F.json`: how its columns and values
/// land in a layer and how to read it. Every member is optional; flags given on the
/// command line win over the file.
///
/// ```json
/// {
///   "columns": {"隐患名称": "name", "风险级别": "level", "amenity": "kind"},
///   "values": {"level": {"严重": "1", "较重": "2"}, "kind": {"fuel": "gas_station"}},
///   "crs": "EPSG:4547", "encoding": "gbk", "source_layer": "隐患台账",
///   "x_column": "东经", "y_column": "北纬", "where": "状态 <> '已销号'"
/// }
/// ```
public struct ImportMapping: Codable, Sendable, Equatable {
    /// Source column → layer column, as `--map`.
    public var columns: [String: String]?
    /// Layer column → source value → the value to store (checked by the column's vocabulary).
    public var values: [String: [String: String]]?
    public var crs: String?
    public var encoding: String?
    public var sourceLayer: String?
    public var xColumn: String?
    public var yColumn: String?
    /// An OGR SQL condition on attributes, for sources read through GDAL.
    public var `where`: String?

    public init() {}

    /// Reads a mapping file; errors name the file and the member at fault.
    public static func load(path: String) throws -> ImportMapping {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError.source(file: path, message: "cannot read the mapping file")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(ImportMapping.self, from: data)
        } catch let error as DecodingError {
            throw ImportError.source(file: path, message: DecodingExplanation.explain(error))
        }
    }

    /// Applies the file under the options already set: what the options name stays.
    public func applied(to options: inout ImportOptions, file: String) throws {
        for (source, target) in columns ?? [:] where options.columnMap[source] == nil { options.columnMap[source] = target }
        for (column, table) in values ?? [:] {
            for (source, target) in table where options.valueMap[column]?[source] == nil {
                options.valueMap[column, default: [:]][source] = target
            }
        }
        if options.crs == nil, let crs {
            do {
                options.crs = try CoordinateReferenceSystem.parse(crs)
            } catch {
                throw ImportError.source(file: file, message: "'crs': \(error)")
            }
        }
        if options.encoding == nil, let encoding {
            guard let e = SourceEncoding(name: encoding) else {
                throw ImportError.source(file: file, message: "'encoding': \"\(encoding)\" is not one of \(SourceEncoding.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            options.encoding = e
        }
        options.sourceLayer = options.sourceLayer ?? sourceLayer
        options.xColumn = options.xColumn ?? xColumn
        options.yColumn = options.yColumn ?? yColumn
        options.whereClause = options.whereClause ?? `where`
    }
}
