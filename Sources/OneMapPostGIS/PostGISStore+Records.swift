import Foundation
import OneMapGeometry
import OneMapStorage
import PostgresNIO

extension PostGISStore {
    /// Adds `records` to `layer` in one transaction with `COPY … FROM STDIN` (text format,
    /// geometries as hex EWKB in WGS84, so coordinates arrive bit for bit), after deleting
    /// the layer's features when `replacing`. Returns how many were copied. A record the
    /// server refuses fails the whole copy, and the error names the line (the record's
    /// position, counted from 1) and the column.
    /// - Parameter gridCodes: hazards' `grid_code`s to set in the same transaction (by id),
    ///   when grids are imported and the hazards' derived codes change with them.
    /// - Parameter logging: change-log rows written in the same transaction (an import's
    ///   `reload` of the layer, so running replicas read it again), each notified.
    @discardableResult
    public func copy(_ records: [LayerRecord], into layer: Layer, replacing: Bool = false, gridCodes: [(id: String, code: String?)] = [],
                     logging: [ChangeLog.Entry] = [], progress: (@Sendable (Int) -> Void)? = nil) async throws(PostGISError) -> Int {
        let once = Once(records)
        return try await copy(chunks: { once.take() }, into: layer, replacing: replacing, gridCodes: gridCodes, logging: logging, progress: progress)
    }

    /// As ``copy(_:into:replacing:gridCodes:progress:)``, the records arriving in chunks:
    /// `next` is called until it returns nil (it may wait for its producer); an error it
    /// throws ends the copy and rolls the transaction back.
    @discardableResult
    public func copy(chunks next: @escaping @Sendable () throws -> [LayerRecord]?, into layer: Layer, replacing: Bool = false,
                     gridCodes: [(id: String, code: String?)] = [], logging: [ChangeLog.Entry] = [],
                     progress: (@Sendable (Int) -> Void)? = nil) async throws(PostGISError) -> Int {
        let columns = ["geom", "id"] + layer.columns.map(\.name) + ["properties"]
        return try await run("copying features into \(layer)") {
            try await self.connection.withTransaction(logger: self.logger) { connection in
                // OneMap logs this load itself (one `reload` row), not the layer's trigger row by row.
                try await connection.query(PostGISLiveStore.ownWrite, logger: self.logger)
                if replacing { try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(layer.tableName)"), logger: self.logger) }
                var copied = 0
                try await connection.copyFrom(table: layer.tableName, columns: columns, format: .text(.init()), logger: self.logger) { writer in
                    var buffer = ByteBuffer()
                    buffer.reserveCapacity(1 << 20)
                    var line: [UInt8] = []
                    while let chunk = try next() {
                        for record in chunk {
                            line.removeAll(keepingCapacity: true)
                            Self.copyLine(record, columns: layer.columns.count, into: &line)
                            buffer.writeBytes(line)
                            copied += 1
                            if buffer.readableBytes >= 1 << 20 {
                                try await writer.write(buffer)
                                buffer.clear()
                                progress?(copied)
                            }
                        }
                    }
                    if buffer.readableBytes > 0 { try await writer.write(buffer) }
                }
                progress?(copied)
                // One statement for all of them: ids and codes as two arrays, unnested.
                if !gridCodes.isEmpty {
                    let ids = gridCodes.map(\.id), codes = gridCodes.map { $0.code ?? "" }, none = gridCodes.map { $0.code == nil }
                    try await connection.query(
                        "UPDATE hazards SET grid_code = CASE WHEN changed.none THEN NULL ELSE changed.code END FROM unnest(\(ids)::text[], \(codes)::text[], \(none)::boolean[]) AS changed (id, code, none) WHERE hazards.id = changed.id",
                        logger: self.logger)
                }
                for entry in logging {
                    try await connection.query(PostGISTableWriter.changeLock, logger: self.logger)
                    let number = try await connection.query(PostGISTableWriter.insert(entry), logger: self.logger).collect().first?.decode(Int64.self) ?? 0
                    try await connection.query(PostGISTableWriter.notify(number), logger: self.logger)
                }
                return copied
            }
        }
    }

    /// Every record of `layer`, in feature-id (`fid`) order.
    public func records(in layer: Layer) async throws(PostGISError) -> [LayerRecord] {
        let select = Self.selectList(layer)
        return try await run("reading \(layer)") {
            var records: [LayerRecord] = []
            let rows = try await self.connection.query(PostgresQuery(unsafeSQL: "SELECT \(select) FROM \(layer.tableName) ORDER BY fid"), logger: self.logger)
            for try await row in rows { records.append(try Self.record(row, layer: layer)) }
            return records
        }
    }

    /// The columns a layer's rows are read with (``record(_:layer:)`` decodes them).
    static func selectList(_ layer: Layer) -> String {
        (["ST_AsBinary(geom)", "id"] + layer.columns.map(\.name) + ["properties::text"]).joined(separator: ", ")
    }

    /// One row read with ``selectList(_:)`` as a record.
    static func record(_ row: PostgresRow, layer: Layer) throws -> LayerRecord {
        let columns = layer.columns
        let cells = row.makeRandomAccess()
        let id = try cells[1].decode(String.self)
        let geometry: Geometry
        do {
            let wkb = try cells[0].decode(ByteBuffer.self)
            geometry = try WKBReader.decode(wkb.readableBytesView)
        } catch {
            throw StorageError.badGeometry(layer, id: id, reason: "\(error)")
        }
        var values = PackedValues.Packer(capacity: 8 * columns.count)
        for (i, column) in columns.enumerated() {
            let cell = cells[i + 2]
            switch PostGISSchema.type(column.kind) {
            case "bigint": if let v = try cell.decode(Int64?.self) { values.appendInteger(v) } else { values.appendNull() }
            case "double precision": if let v = try cell.decode(Double?.self) { values.appendReal(v) } else { values.appendNull() }
            default: values.append(try cell.decode(String?.self).map(FieldValue.text) ?? .null)
            }
        }
        var extra: [JSONMember] = []
        if let text = try cells[columns.count + 2].decode(String?.self),
           case .object(let members) = try JSONParser(ByteStream(string: text)).parseValue() {
            extra = members
        }
        return LayerRecord(id: id, geometry: geometry, packed: values.packed, extra: extra)
    }

    /// `record` as one line of COPY's text format: tab-separated, `\N` for null, backslash,
    /// tab, newline and carriage return escaped.
    static func copyLine(_ record: LayerRecord, columns: Int, into line: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        for byte in extendedWKB(record.geometry) {
            line.append(hex[Int(byte >> 4)])
            line.append(hex[Int(byte & 15)])
        }
        line.append(9)
        appendText(record.id, into: &line)
        for i in 0..<columns {
            line.append(9)
            switch record.value(i) {
            case .null: line.append(contentsOf: [92, 78])  // \N
            case .integer(let v): line.append(contentsOf: String(v).utf8)
            // Swift's shortest decimal reads back as the same double; reals are finite (columns check ranges).
            case .real(let v): if v.isFinite { line.append(contentsOf: String(v).utf8) } else { line.append(contentsOf: [92, 78]) }
            case .text(let s): appendText(s, into: &line)
            }
        }
        line.append(9)
        if record.extra.isEmpty { line.append(contentsOf: [92, 78]) } else { appendText(JSONWriter.string(.object(record.extra)), into: &line) }
        line.append(10)
    }

    static func appendText(_ text: String, into line: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case 92: line.append(contentsOf: [92, 92])
            case 9: line.append(contentsOf: [92, 116])
            case 10: line.append(contentsOf: [92, 110])
            case 13: line.append(contentsOf: [92, 114])
            default: line.append(byte)
            }
        }
    }

    /// PostGIS's extended WKB of `geometry` with SRID 4326: the SRID flag in the first
    /// type word and the SRID after it.
    static func extendedWKB(_ geometry: Geometry) -> [UInt8] {
        var wkb = WKBWriter.encode(geometry)
        // Little-endian: byte 0 is the order, bytes 1…4 the type; 0x20 in byte 4 flags the SRID.
        wkb[4] |= 0x20
        wkb.insert(contentsOf: [0xE6, 0x10, 0x00, 0x00], at: 5)
        return wkb
    }
}

/// A value handed out once (the whole of a copy's records as its one chunk).
private final class Once: @unchecked Sendable {
    private let lock = NSLock()
    private var value: [LayerRecord]?
    init(_ value: [LayerRecord]) { self.value = value }
    func take() -> [LayerRecord]? { lock.withLock { defer { value = nil }; return value } }
}
