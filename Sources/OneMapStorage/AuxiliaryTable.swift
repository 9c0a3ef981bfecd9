import Foundation
import GRDB
import OneMapGeometry

/// A table OneMap keeps beside the six layers (risk map versions and their areas, …),
/// registered in `gpkg_contents` so that GDAL and QGIS list it: as a feature table with
/// geometry and an R-tree, or as an attributes table.
public struct AuxiliaryTable: Sendable {
    public struct Column: Sendable {
        public var name: String
        /// SQL type and constraints, e.g. `INTEGER NOT NULL`.
        public var sql: String
        /// What the column holds, for docs/SCHEMA.md.
        public var meaning: String

        public init(_ name: String, _ sql: String, _ meaning: String) {
            self.name = name
            self.sql = sql
            self.meaning = meaning
        }
    }

    public var name: String
    public var title: String
    /// The declared geometry type (`MULTIPOLYGON`), or nil for an attributes table.
    public var geometryType: String?
    public var columns: [Column]
    /// Column lists to index, for the lookups the table serves.
    public var indexes: [[String]]

    public init(name: String, title: String, geometryType: String?, columns: [Column], indexes: [[String]] = []) {
        self.name = name
        self.title = title
        self.geometryType = geometryType
        self.columns = columns
        self.indexes = indexes
    }
}

/// One row of an auxiliary table: its geometry (feature tables) and values in column order.
public struct AuxiliaryRow: Sendable, Equatable {
    public var geometry: Geometry?
    public var values: [FieldValue]

    public init(geometry: Geometry?, values: [FieldValue]) {
        self.geometry = geometry
        self.values = values
    }

    /// Value `index`, `.null` past the last (as ``LayerRecord/value(_:)`` reads).
    public func value(_ index: Int) -> FieldValue { values.indices.contains(index) ? values[index] : .null }
}

extension WriteSession {
    /// Creates `table` with its registration (and R-tree) unless the file has it.
    public func create(_ table: AuxiliaryTable) throws {
        guard try !db.tableExists(table.name) else { return }
        let columns = table.columns.map { "\($0.name) \($0.sql)" }.joined(separator: ", ")
        if let type = table.geometryType {
            for sql in GeoPackageSchema.featureTable(name: table.name, title: table.title, geometryType: type, columns: columns) {
                try db.execute(sql: sql)
            }
        } else {
            try db.execute(sql: "CREATE TABLE \(table.name) (fid INTEGER PRIMARY KEY AUTOINCREMENT, \(columns))")
            try db.execute(sql: "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES (?, 'attributes', ?, ?)",
                           arguments: [table.name, table.name, table.title])
        }
        for (i, list) in table.indexes.enumerated() {
            try db.execute(sql: "CREATE INDEX \(table.name)_idx\(i) ON \(table.name) (\(list.joined(separator: ", ")))")
        }
    }

    /// Inserts one row; `values` in the table's column order. Returns its fid.
    @discardableResult
    public func insert(into table: AuxiliaryTable, geometry: Geometry?, values: [FieldValue]) throws -> Int64 {
        var names = table.columns.map(\.name)
        var arguments: [DatabaseValueConvertible?] = values.map(\.databaseValue)
        if table.geometryType != nil {
            guard let geometry else { throw StorageError.sqlite(path: path, message: "\(table.name): a row needs a geometry") }
            names.insert("geom", at: 0)
            arguments.insert(Data(GeoPackageBinary.encode(geometry)), at: 0)
        }
        let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
        try db.execute(sql: "INSERT INTO \(table.name) (\(names.joined(separator: ", "))) VALUES (\(marks))",
                       arguments: StatementArguments(arguments))
        return db.lastInsertedRowID
    }

    /// Records a feature table's extent and change time in `gpkg_contents`.
    public func updateExtent(of table: AuxiliaryTable) throws {
        guard table.geometryType != nil else { return }
        let rtree = "rtree_\(table.name)_geom"
        try db.execute(sql: """
            UPDATE gpkg_contents SET (min_x, min_y, max_x, max_y) = (SELECT min(minx), min(miny), max(maxx), max(maxy) FROM \(rtree)),
              last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?
            """, arguments: [table.name])
    }
}

extension ReadSession {
    /// Whether the file has `table`.
    public func has(_ table: AuxiliaryTable) throws -> Bool { try db.tableExists(table.name) }

    /// The rows of `table` whose `column` equals `value` (all rows without one), by fid.
    public func rows(of table: AuxiliaryTable, where column: String? = nil, equals value: FieldValue = .null) throws -> [AuxiliaryRow] {
        guard try has(table) else { return [] }
        let names = (table.geometryType != nil ? ["geom"] : []) + table.columns.map(\.name)
        var sql = "SELECT \(names.joined(separator: ", ")) FROM \(table.name)"
        var arguments: [DatabaseValueConvertible?] = []
        if let column {
            sql += " WHERE \(column) = ?"
            arguments.append(value.databaseValue)
        }
        sql += " ORDER BY fid"
        let offset = table.geometryType != nil ? 1 : 0
        return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
            var geometry: Geometry?
            if offset == 1, let blob: Data = row[0] { geometry = try GeoPackageBinary.decode([UInt8](blob)) }
            let values = (0..<table.columns.count).map { FieldValue(row[$0 + offset] as DatabaseValue) }
            return AuxiliaryRow(geometry: geometry, values: values)
        }
    }
}

extension FieldValue {
    var databaseValue: DatabaseValueConvertible? {
        switch self {
        case .null: nil
        case .integer(let i): i
        case .real(let d): d
        case .text(let s): s
        }
    }

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .int64(let i): self = .integer(i)
        case .double(let d): self = .real(d)
        case .string(let s): self = .text(s)
        default: self = .null
        }
    }
}
