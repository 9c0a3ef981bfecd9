import Foundation

/// Images made byte by byte, so a test knows exactly what the stored (stripped) bytes must be.
public enum TestImages {
    public static func crc(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c >> 1) ^ (0xEDB8_8320 & (0 &- (c & 1))) }
        }
        return ~c
    }

    public static func be32(_ n: Int) -> [UInt8] { [UInt8((n >> 24) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)] }
    public static func be16(_ n: Int) -> [UInt8] { [UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)] }

    /// A PNG (stored, uncompressed deflate) with a tEXt chunk, and the same without it.
    public static func png(width: Int, height: Int, text: String) -> (bytes: [UInt8], stripped: [UInt8]) {
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return be32(data.count) + body + be32(Int(crc(body)))
        }
        var raw: [UInt8] = []
        for _ in 0..<height { raw += [0] + Array(repeating: [0xC6, 0x28, 0x28], count: width).flatMap { $0 } }
        // zlib: header, one stored block, Adler-32.
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        let len = raw.count
        let zlib: [UInt8] = [0x78, 0x01, 0x01, UInt8(len & 0xFF), UInt8(len >> 8), UInt8(~len & 0xFF), UInt8((~len >> 8) & 0xFF)] + raw + be32(Int(b << 16 | a))
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let header = chunk("IHDR", be32(width) + be32(height) + [8, 2, 0, 0, 0])
        let textChunk = chunk("tEXt", Array("Comment".utf8) + [0] + Array(text.utf8))
        let rest = chunk("IDAT", zlib) + chunk("IEND", [])
        return (signature + header + textChunk + rest, signature + header + rest)
    }

    /// A baseline JPEG's structure (SOF0 3×2, one component, SOS, entropy bytes) with an
    /// EXIF APP1 (GPS and DateTimeOriginal) and a comment, and the same without both.
    public static func jpegWithExif(latitude: (Int, Int, Double), longitude: (Int, Int, Double), taken: String, comment: String) -> (bytes: [UInt8], stripped: [UInt8]) {
        // TIFF, big-endian: IFD0 at 8 (2 entries), Exif IFD, GPS IFD, then values.
        var t: [UInt8] = Array("MM".utf8) + [0, 42] + be32(8)
        let ifd0 = 8, exifIFD = ifd0 + 2 + 2 * 12 + 4, gpsIFD = exifIFD + 2 + 12 + 4
        let timeAt = gpsIFD + 2 + 4 * 12 + 4, latAt = timeAt + 20, lonAt = latAt + 24
        func entry(_ tag: Int, _ type: Int, _ count: Int, _ value: [UInt8]) -> [UInt8] { be16(tag) + be16(type) + be32(count) + value }
        t += be16(2) + entry(0x8769, 4, 1, be32(exifIFD)) + entry(0x8825, 4, 1, be32(gpsIFD)) + be32(0)
        t += be16(1) + entry(0x9003, 2, 20, be32(timeAt)) + be32(0)
        t += be16(4) + entry(1, 2, 2, Array("N".utf8) + [0, 0, 0]) + entry(2, 5, 3, be32(latAt)) + entry(3, 2, 2, Array("E".utf8) + [0, 0, 0]) + entry(4, 5, 3, be32(lonAt)) + be32(0)
        t += Array(taken.utf8) + [0]
        func rationals(_ d: (Int, Int, Double)) -> [UInt8] { be32(d.0) + be32(1) + be32(d.1) + be32(1) + be32(Int((d.2 * 10).rounded())) + be32(10) }
        t += rationals(latitude) + rationals(longitude)
        let app1Body = Array("Exif".utf8) + [0, 0] + t
        let app1: [UInt8] = [0xFF, 0xE1] + be16(app1Body.count + 2) + app1Body
        let com: [UInt8] = [0xFF, 0xFE] + be16(comment.utf8.count + 2) + Array(comment.utf8)
        let sof: [UInt8] = [0xFF, 0xC0] + be16(11) + [8] + be16(2) + be16(3) + [1, 1, 0x11, 0]
        let sos: [UInt8] = [0xFF, 0xDA] + be16(8) + [1, 1, 0x00, 0, 63, 0]
        let entropy: [UInt8] = [0x12, 0x34, 0xFF, 0x00, 0x56]
        let soi: [UInt8] = [0xFF, 0xD8], eoi: [UInt8] = [0xFF, 0xD9]
        return (soi + app1 + com + sof + sos + entropy + eoi, soi + sof + sos + entropy + eoi)
    }
}
