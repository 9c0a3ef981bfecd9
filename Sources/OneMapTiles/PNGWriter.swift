import CZlib
import Foundation

/// Writes cairo's premultiplied ARGB pixels as an RGBA PNG (8 bits per channel).
///
/// cairo's own PNG writer goes through libpng at zlib's default level, which took over half
/// of a tile's time; map tiles are large areas of one colour, which the fastest deflate
/// level with per-row Sub/Up filtering compresses nearly as well, several times faster.
enum PNGWriter {
    static func encode(pixels: UnsafeRawPointer, width: Int, height: Int, stride: Int, level: Int32 = 1) throws(TileError) -> Data {
        let rowBytes = 1 + width * 4
        var raw = [UInt8](repeating: 0, count: rowBytes * height)
        var previous = [UInt8](repeating: 0, count: width * 4)
        var current = [UInt8](repeating: 0, count: width * 4)
        raw.withUnsafeMutableBufferPointer { out in
            for y in 0..<height {
                let row = (pixels + y * stride).assumingMemoryBound(to: UInt32.self)
                for x in 0..<width {
                    let p = row[x], a = p >> 24
                    let i = x * 4
                    if a == 0 {
                        current[i] = 0; current[i + 1] = 0; current[i + 2] = 0; current[i + 3] = 0
                    } else if a == 255 {
                        current[i] = UInt8(p >> 16 & 0xFF); current[i + 1] = UInt8(p >> 8 & 0xFF); current[i + 2] = UInt8(p & 0xFF); current[i + 3] = 255
                    } else {
                        // Undo the premultiplication, rounding to nearest.
                        func straight(_ c: UInt32) -> UInt8 { UInt8(min(255, (c * 255 + a / 2) / a)) }
                        current[i] = straight(p >> 16 & 0xFF); current[i + 1] = straight(p >> 8 & 0xFF)
                        current[i + 2] = straight(p & 0xFF); current[i + 3] = UInt8(a)
                    }
                }
                // Sub (difference from the pixel to the left) or Up (from the row above),
                // whichever leaves smaller values: libpng's usual heuristic, on two filters.
                var sub = 0, up = 0
                for i in 0..<(width * 4) {
                    let left = i >= 4 ? current[i - 4] : 0
                    sub += Int(Int8(bitPattern: current[i] &- left).magnitude)
                    up += Int(Int8(bitPattern: current[i] &- previous[i]).magnitude)
                }
                let base = y * rowBytes
                let useUp = y > 0 && up < sub
                out[base] = useUp ? 2 : 1
                for i in 0..<(width * 4) {
                    let reference = useUp ? previous[i] : (i >= 4 ? current[i - 4] : 0)
                    out[base + 1 + i] = current[i] &- reference
                }
                swap(&previous, &current)
            }
        }
        var compressedSize = compressBound(uLong(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(compressedSize))
        let status = compress2(&compressed, &compressedSize, raw, uLong(raw.count), level)
        guard status == Z_OK else { throw .drawing("zlib could not compress the tile (status \(status))") }

        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = [UInt8]()
        header.append(contentsOf: bigEndian(UInt32(width)))
        header.append(contentsOf: bigEndian(UInt32(height)))
        header.append(contentsOf: [8, 6, 0, 0, 0])  // 8 bits, RGBA, deflate, adaptive filters, no interlace
        chunk("IHDR", header, into: &png)
        chunk("IDAT", compressed[0..<Int(compressedSize)], into: &png)
        chunk("IEND", [], into: &png)
        return png
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }

    private static func chunk<C: Collection<UInt8>>(_ type: String, _ body: C, into png: inout Data) {
        let typeBytes = Array(type.utf8)
        let bytes = Array(body)
        png.append(contentsOf: bigEndian(UInt32(bytes.count)))
        png.append(contentsOf: typeBytes)
        png.append(contentsOf: bytes)
        var crc = crc32(0, typeBytes, uInt(typeBytes.count))
        crc = bytes.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
        png.append(contentsOf: bigEndian(UInt32(crc)))
    }
}

/// PNG chunks as others read them (a photo from the field is checked chunk by chunk).
public enum PNGChunk {
    /// The CRC-32 of a chunk's type and data (zlib's), which the chunk stores after them.
    public static func crc(_ typeAndData: ArraySlice<UInt8>) -> UInt32 {
        typeAndData.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
    }
}
