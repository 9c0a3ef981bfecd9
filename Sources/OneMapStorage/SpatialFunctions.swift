import GRDB
import GRDBSQLite
import OneMapGeometry

/// The SQL functions GeoPackage R-tree triggers call (ST_IsEmpty, ST_MinX, ST_MaxX,
/// ST_MinY, ST_MaxY). SQLite has none of them built in, so every connection that writes
/// a layer, ours or one GDAL made, must register them first.
///
/// They run five times for every inserted feature, so they are plain C callbacks on the
/// raw connection that read the blob in place; GRDB's `DatabaseFunction` would copy the
/// blob into `Data` and box every argument on each call.
enum SpatialFunctions {
    static func register(on db: Database) throws {
        let functions: [(String, @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void)] = [
            ("ST_IsEmpty", { context, _, arguments in
                withEnvelope(context, arguments) { sqlite3_result_int(context, $0 == nil ? 1 : 0) }
            }),
            ("ST_MinX", { context, _, arguments in withEnvelope(context, arguments) { result(context, $0?.minX) } }),
            ("ST_MaxX", { context, _, arguments in withEnvelope(context, arguments) { result(context, $0?.maxX) } }),
            ("ST_MinY", { context, _, arguments in withEnvelope(context, arguments) { result(context, $0?.minY) } }),
            ("ST_MaxY", { context, _, arguments in withEnvelope(context, arguments) { result(context, $0?.maxY) } }),
        ]
        for (name, function) in functions {
            let code = sqlite3_create_function_v2(db.sqliteConnection, name, 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, function, nil, nil, nil)
            guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot register \(name)") }
        }
    }
}

/// Calls `body` with the envelope of the blob argument (nil for an empty geometry);
/// SQL NULL gives NULL, a blob that is not a GeoPackage geometry gives an SQL error.
private func withEnvelope(_ context: OpaquePointer?, _ arguments: UnsafeMutablePointer<OpaquePointer?>?, _ body: (BoundingBox?) -> Void) {
    guard let value = arguments?[0], sqlite3_value_type(value) == SQLITE_BLOB else {
        sqlite3_result_null(context)
        return
    }
    let bytes = UnsafeRawBufferPointer(start: sqlite3_value_blob(value), count: Int(sqlite3_value_bytes(value)))
    do {
        body(try GeoPackageBinary.envelope(bytes))
    } catch {
        sqlite3_result_error(context, "\(error)", -1)
    }
}

private func result(_ context: OpaquePointer?, _ value: Double?) {
    if let value { sqlite3_result_double(context, value) } else { sqlite3_result_null(context) }
}
