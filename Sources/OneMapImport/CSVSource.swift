import Foundation
import OneMapGeometry

/// CSV (RFC 4180: quoted fields, doubled quotes, newlines inside quotes) with a header row
/// and either coordinate columns (lon/lat, or x/y in a projected CRS) or a WKT column.
/// Values stay text; the layer schema converts the typed ones.
struct CSVSource: FeatureSource {
    let path: String
    let totalBytes: Int?
    let xColumn: String?
    let yColumn: String?
    var declaredCRS: CoordinateReferenceSystem? { nil }
    var readerDescription: String { "OneMap's CSV reader" }

    static let xNames = ["lon", "lng", "long", "longitude", "x", "经度", "easting"]
    static let yNames = ["lat", "latitude", "y", "纬度", "northing"]
    static let wktNames = ["wkt", "geometry", "geom", "the_geom", "shape"]

    func forEach(_ body: (SourceFeature, Int) throws -> Void) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ImportError.source(file: path, message: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let stream = ByteStream(fileDescriptor: fd)
        var reader = CSVRecordReader(stream: stream)
        guard let header = try reader.nextRecord() else { throw ImportError.source(file: path, message: "the file is empty; expected a header row") }
        let names = header.fields.enumerated().map { $0 == 0 ? $1.trimmingPrefix("\u{FEFF}") : Substring($1) }.map { String($0).trimmingCharacters(in: .whitespaces) }
        func find(_ explicit: String?, _ candidates: [String], _ what: String, option: String) throws -> Int? {
            if let explicit {
                guard let i = names.firstIndex(of: explicit) else {
                    throw ImportError.source(file: path, message: "no column \"\(explicit)\" (\(option)); the header has \(names.joined(separator: ", "))")
                }
                return i
            }
            return names.firstIndex { candidates.contains($0.lowercased()) }
        }
        let xIndex = try find(xColumn, Self.xNames, "x", option: "--x-column")
        let yIndex = try find(yColumn, Self.yNames, "y", option: "--y-column")
        let wktIndex = names.firstIndex { Self.wktNames.contains($0.lowercased()) }
        if (xIndex == nil || yIndex == nil) && wktIndex == nil {
            let missing = xIndex == nil ? "longitude/x (looked for \(Self.xNames.joined(separator: ", ")))" : "latitude/y (looked for \(Self.yNames.joined(separator: ", ")))"
            throw ImportError.source(file: path, message: "missing column: no \(missing) and no WKT column; name them with --x-column and --y-column")
        }
        let geos = GEOSContext()
        while let record = try reader.nextRecord() {
            if record.fields.count == 1 && record.fields[0].isEmpty { continue }  // blank line
            let location = "line \(record.line)"
            // A record that cannot make a feature (a short row, coordinates that are not
            // numbers) is passed on with its problem: the import fails on it, or sets it
            // aside under --skip-invalid, and the reader goes on to the next line.
            var problem: String?
            if record.fields.count != names.count { problem = "\(record.fields.count) fields where the header has \(names.count)" }
            func field(_ i: Int) -> String { i < record.fields.count ? record.fields[i] : "" }
            var geometry = Geometry.geometryCollection([])
            if problem == nil {
                if let xIndex, let yIndex {
                    if let x = DecimalText.number(field(xIndex).trimmingCharacters(in: .whitespaces)),
                        let y = DecimalText.number(field(yIndex).trimmingCharacters(in: .whitespaces)) {
                        geometry = .point(Coordinate(x, y))
                    } else {
                        problem = "coordinates \"\(field(xIndex))\", \"\(field(yIndex))\" are not numbers"
                    }
                } else if let wktIndex {
                    do {
                        geometry = try geos.geometry(fromWKT: field(wktIndex))
                    } catch let e as GeometryError {
                        problem = "\(e)"
                    }
                }
            }
            let skip: Set<Int> = Set([xIndex, yIndex, wktIndex].compactMap { $0 })
            var properties: [JSONMember] = []
            var id: String?
            for (i, name) in names.enumerated() where !skip.contains(i) && i < record.fields.count {
                if name == "id" { id = record.fields[i]; continue }
                properties.append(JSONMember(name, .string(record.fields[i])))
            }
            try body(SourceFeature(feature: Feature(id: id?.isEmpty == false ? id : nil, geometry: geometry, properties: properties), location: location, problem: problem), stream.offset)
        }
    }
}

/// Splits CSV bytes into records of fields, tracking line numbers.
struct CSVRecordReader {
    let stream: ByteStream
    var line = 1

    struct Record {
        var fields: [String]
        /// The line the record starts on.
        var line: Int
    }

    mutating func nextRecord() throws -> Record? {
        guard try stream.peek() != nil else { return nil }
        let start = line
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        while let b = try stream.next() {
            if quoted {
                if b == UInt8(ascii: "\"") {
                    if try stream.peek() == UInt8(ascii: "\"") {
                        _ = try stream.next()
                        field.append(b)
                    } else {
                        quoted = false
                    }
                } else {
                    if b == 0x0A { line += 1 }
                    field.append(b)
                }
                continue
            }
            switch b {
            case UInt8(ascii: "\"") where field.isEmpty: quoted = true
            case UInt8(ascii: ","):
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            case 0x0D: continue
            case 0x0A:
                line += 1
                fields.append(String(decoding: field, as: UTF8.self))
                return Record(fields: fields, line: start)
            default: field.append(b)
            }
        }
        fields.append(String(decoding: field, as: UTF8.self))
        return Record(fields: fields, line: start)
    }
}
