import OneMapTiles

/// A photo from the field, checked by its bytes (not by what the client says it is):
/// JPEG or PNG, whole, with its size in pixels; where and when it was taken from its EXIF
/// (GPS position, DateTimeOriginal) when present; and its bytes with the metadata stripped
/// (EXIF, XMP, IPTC and comments in a JPEG; eXIf, text and time chunks in a PNG), so a
/// stored photo tells no more than the picture and what OneMap records beside it.
public struct ImageBytes: Sendable, Equatable {
    public var contentType: String
    public var width: Int
    public var height: Int
    /// EXIF DateTimeOriginal as `YYYY-MM-DDTHH:MM:SS` (the camera's clock, no zone).
    public var takenAt: String?
    public var longitude: Double?
    public var latitude: Double?
    /// The bytes to store: the image without its metadata.
    public var stripped: [UInt8]

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notAnImage(String)
        case corrupt(String)
        public var description: String {
            switch self {
            case .notAnImage(let reason): "not a JPEG or PNG image: \(reason)"
            case .corrupt(let reason): "the image is damaged or cut short: \(reason)"
            }
        }
    }

    /// Reads `bytes` as a JPEG or a PNG.
    public static func read(_ bytes: [UInt8]) throws(Failure) -> ImageBytes {
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return try jpeg(bytes) }
        if bytes.count >= 8, Array(bytes[0..<8]) == pngSignature { return try png(bytes) }
        let head = bytes.prefix(8).map { String($0, radix: 16) }.joined(separator: " ")
        throw .notAnImage(bytes.isEmpty ? "the body is empty" : "it starts with bytes \(head)")
    }

    // MARK: JPEG

    static func jpeg(_ b: [UInt8]) throws(Failure) -> ImageBytes {
        var out: [UInt8] = [0xFF, 0xD8]
        out.reserveCapacity(b.count)
        var i = 2
        var size: (Int, Int)?
        var exif: Exif?
        while true {
            // Markers may be padded with 0xFF.
            guard i < b.count, b[i] == 0xFF else { throw .corrupt("expected a JPEG marker at byte \(i)") }
            while i < b.count, b[i] == 0xFF { i += 1 }
            guard i < b.count else { throw .corrupt("the file ends inside a marker") }
            let marker = b[i]
            i += 1
            if marker == 0xD9 { throw .corrupt("the image ends before its picture data") }
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { out += [0xFF, marker]; continue }
            guard i + 2 <= b.count else { throw .corrupt("segment FF\(String(marker, radix: 16)) is cut short") }
            let length = Int(b[i]) << 8 | Int(b[i + 1])
            guard length >= 2, i + length <= b.count else { throw .corrupt("segment FF\(String(marker, radix: 16)) runs past the end") }
            let body = b[(i + 2)..<(i + length)]
            let isSOF = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isSOF {
                guard body.count >= 5 else { throw .corrupt("the frame header is too short") }
                let s = body.startIndex
                let height = Int(body[s + 1]) << 8 | Int(body[s + 2])
                let width = Int(body[s + 3]) << 8 | Int(body[s + 4])
                guard width > 0, height > 0 else { throw .corrupt("the frame is \(width)×\(height) pixels") }
                size = (width, height)
            }
            if marker == 0xE1, body.starts(with: Array("Exif\0\0".utf8)) {
                exif = Exif(tiff: Array(body.dropFirst(6)))
            }
            // EXIF/XMP (APP1), IPTC (APP13) and comments (COM) are not stored.
            let strip = marker == 0xE1 || marker == 0xED || marker == 0xFE
            if !strip { out += [0xFF, marker]; out += b[i..<(i + length)] }
            i += length
            if marker == 0xDA {
                // The picture data runs to the end-of-image marker.
                guard size != nil else { throw .corrupt("picture data before the frame header") }
                var end = b.count
                while end > i, b[end - 1] != 0xD9 || b[end - 2] != 0xFF {
                    end -= 1
                    if b.count - end > 64 * 1024 { break }
                }
                guard end >= i + 2, b[end - 2] == 0xFF, b[end - 1] == 0xD9 else { throw .corrupt("no end-of-image marker: the upload was cut short") }
                out += b[i..<end]
                break
            }
        }
        guard let (width, height) = size else { throw .corrupt("no frame header") }
        return ImageBytes(contentType: "image/jpeg", width: width, height: height, takenAt: exif?.takenAt,
                          longitude: exif?.longitude, latitude: exif?.latitude, stripped: out)
    }

    // MARK: PNG

    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func png(_ b: [UInt8]) throws(Failure) -> ImageBytes {
        var out = pngSignature
        out.reserveCapacity(b.count)
        var i = 8
        var size: (Int, Int)?
        var exif: Exif?
        var sawData = false
        while true {
            guard i + 12 <= b.count else { throw .corrupt("the file ends inside a chunk (no IEND)") }
            let length = Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
            let type = String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self)
            guard length <= b.count - i - 12 else { throw .corrupt("chunk \(type) runs past the end") }
            let end = i + 12 + length
            let stored = UInt32(b[end - 4]) << 24 | UInt32(b[end - 3]) << 16 | UInt32(b[end - 2]) << 8 | UInt32(b[end - 1])
            guard PNGChunk.crc(b[(i + 4)..<(end - 4)]) == stored else { throw .corrupt("chunk \(type) fails its checksum") }
            let data = b[(i + 8)..<(end - 4)]
            if size == nil {
                guard type == "IHDR", data.count == 13 else { throw .corrupt("the first chunk is not IHDR") }
                let s = data.startIndex
                let width = Int(data[s]) << 24 | Int(data[s + 1]) << 16 | Int(data[s + 2]) << 8 | Int(data[s + 3])
                let height = Int(data[s + 4]) << 24 | Int(data[s + 5]) << 16 | Int(data[s + 6]) << 8 | Int(data[s + 7])
                guard width > 0, height > 0 else { throw .corrupt("the image is \(width)×\(height) pixels") }
                size = (width, height)
            }
            if type == "IDAT" { sawData = true }
            if type == "eXIf" { exif = Exif(tiff: Array(data)) }
            if !["eXIf", "tEXt", "zTXt", "iTXt", "tIME"].contains(type) { out += b[i..<end] }
            i = end
            if type == "IEND" { break }
        }
        guard let (width, height) = size else { throw .corrupt("no IHDR") }
        guard sawData else { throw .corrupt("no picture data (IDAT)") }
        return ImageBytes(contentType: "image/png", width: width, height: height, takenAt: exif?.takenAt,
                          longitude: exif?.longitude, latitude: exif?.latitude, stripped: out)
    }
}

/// The few EXIF fields OneMap keeps (DateTimeOriginal, GPS position), read from a TIFF
/// structure with every offset checked; anything unreadable is left out, never trusted.
struct Exif {
    var takenAt: String?
    var longitude: Double?
    var latitude: Double?

    init(tiff t: [UInt8]) {
        guard t.count >= 8 else { return }
        let little: Bool
        switch (t[0], t[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= t.count else { return nil }
            return little ? Int(t[at]) | Int(t[at + 1]) << 8 : Int(t[at]) << 8 | Int(t[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard at >= 0, at + 4 <= t.count else { return nil }
            let b = (Int(t[at]), Int(t[at + 1]), Int(t[at + 2]), Int(t[at + 3]))
            return little ? b.0 | b.1 << 8 | b.2 << 16 | b.3 << 24 : b.0 << 24 | b.1 << 16 | b.2 << 8 | b.3
        }
        /// The entries of the directory at `offset`: tag → (type, count, value offset or inline position).
        func directory(_ offset: Int) -> [Int: (type: Int, count: Int, at: Int)] {
            guard let n = u16(offset), n <= 512 else { return [:] }
            var entries: [Int: (Int, Int, Int)] = [:]
            for k in 0..<n {
                let e = offset + 2 + 12 * k
                guard let tag = u16(e), let type = u16(e + 2), let count = u32(e + 4) else { break }
                let unit = [1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8][type] ?? 1
                guard count >= 0, count <= 1 << 20 else { continue }
                let at = unit * count <= 4 ? e + 8 : (u32(e + 8) ?? -1)
                entries[tag] = (type, count, at)
            }
            return entries
        }
        func ascii(_ entry: (type: Int, count: Int, at: Int)?) -> String? {
            guard let entry, entry.type == 2, entry.at >= 0, entry.at + entry.count <= t.count else { return nil }
            return String(decoding: t[entry.at..<(entry.at + entry.count)].prefix { $0 != 0 }, as: UTF8.self)
        }
        func degrees(_ entry: (type: Int, count: Int, at: Int)?) -> Double? {
            guard let entry, entry.type == 5, entry.count == 3 else { return nil }
            var parts: [Double] = []
            for k in 0..<3 {
                guard let n = u32(entry.at + 8 * k), let d = u32(entry.at + 8 * k + 4), d != 0 else { return nil }
                parts.append(Double(n) / Double(d))
            }
            return parts[0] + parts[1] / 60 + parts[2] / 3600
        }
        guard let first = u32(4) else { return }
        let ifd0 = directory(first)
        if let exifAt = ifd0[0x8769].flatMap({ u32($0.at) }) {
            let sub = directory(exifAt)
            if let text = ascii(sub[0x9003] ?? sub[0x9004]), text.count == 19 {
                // "YYYY:MM:DD HH:MM:SS" → ISO 8601.
                let chars = Array(text)
                let digitsAt = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
                if digitsAt.allSatisfy({ chars[$0].isASCII && chars[$0].isNumber }) {
                    takenAt = String(chars[0..<4]) + "-" + String(chars[5..<7]) + "-" + String(chars[8..<10]) + "T" + String(chars[11..<19])
                }
            }
        }
        if let gpsAt = ifd0[0x8825].flatMap({ u32($0.at) }) {
            let gps = directory(gpsAt)
            if let lat = degrees(gps[2]), let lon = degrees(gps[4]), lat <= 90, lon <= 180 {
                let south = ascii(gps[1]) == "S", west = ascii(gps[3]) == "W"
                latitude = south ? -lat : lat
                longitude = west ? -lon : lon
            }
        }
    }
}
