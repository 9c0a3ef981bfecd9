import Foundation
import GRDB
import OneMapGeometry

/// Write access inside one transaction (see ``GeoPackage/write(_:)``).
public struct WriteSession {
    let db: Database
    let path: String

    public var reader: ReadSession { ReadSession(db: db, path: path) }

    /// A writer for `layer`, creating the table and its spatial index if the file lacks
    /// them. With `replacing`, the layer's existing features are deleted first (in the
    /// same transaction, so a failed reload keeps the old features).
    public func writer(for layer: Layer, replacing: Bool) throws -> LayerWriter {
        if try db.tableExists(layer.tableName) {
            let present = Set(try db.columns(in: layer.tableName).map(\.name))
            let missing = (["fid", "geom", "id", "properties"] + layer.columns.map(\.name)).filter { !present.contains($0) }
            guard missing.isEmpty else { throw StorageError.incompatibleTable(layer, missingColumns: missing) }
            if replacing { try db.execute(sql: "DELETE FROM \(layer.tableName)") }
        } else {
            for sql in GeoPackageSchema.layer(layer) { try db.execute(sql: sql) }
        }
        let empty = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(layer.tableName)") == 0
        return try LayerWriter(db: db, layer: layer, startsEmpty: empty)
    }
}

/// Inserts records into one layer through a prepared statement.
public final class LayerWriter {
    let db: Database
    public let layer: Layer
    private let insert: Statement
    public private(set) var inserted = 0
    /// The exact extent of what this writer inserted (the R-tree's is float32, rounded outward).
    private var extent = BoundingBox.empty
    private let startsEmpty: Bool

    init(db: Database, layer: Layer, startsEmpty: Bool) throws {
        self.db = db
        self.layer = layer
        self.startsEmpty = startsEmpty
        let names = ["geom", "id"] + layer.columns.map(\.name) + ["properties"]
        let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
        insert = try db.makeStatement(sql: "INSERT INTO \(layer.tableName) (\(names.joined(separator: ", "))) VALUES (\(marks))")
    }

    /// Inserts one record; a record whose id the layer already has is refused.
    public func insert(_ record: LayerRecord) throws {
        var arguments: [DatabaseValue] = []
        arguments.reserveCapacity(record.values.count + 3)
        arguments.append(Data(GeoPackageBinary.encode(record.geometry)).databaseValue)
        arguments.append(record.id.databaseValue)
        for value in record.values {
            switch value {
            case .null: arguments.append(.null)
            case .integer(let i): arguments.append(i.databaseValue)
            case .real(let d): arguments.append(d.databaseValue)
            case .text(let s): arguments.append(s.databaseValue)
            }
        }
        arguments.append(record.extra.isEmpty ? .null : JSONWriter.string(.object(record.extra)).databaseValue)
        do {
            try insert.execute(arguments: StatementArguments(arguments))
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StorageError.duplicateID(record.id, layer: layer)
        }
        inserted += 1
        if let box = record.geometry.boundingBox { extent.extend(box) }
    }

    /// Records the layer's exact extent and change time in `gpkg_contents` (GDAL and QGIS
    /// read the extent from there); call after the last insert.
    public func finish() throws {
        var box = extent
        if !startsEmpty, let row = try Row.fetchOne(db, sql: "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?", arguments: [layer.tableName]),
            let minX: Double = row[0], let minY: Double = row[1], let maxX: Double = row[2], let maxY: Double = row[3]
        {
            box.extend(BoundingBox(minX: minX, minY: minY, maxX: maxX, maxY: maxY))
        }
        try db.execute(
            sql: "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?",
            arguments: box.isEmpty ? [nil, nil, nil, nil, layer.tableName] : [box.minX, box.minY, box.maxX, box.maxY, layer.tableName])
    }
}
