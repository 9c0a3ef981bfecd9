#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The character encoding of a text source (GeoJSON, CSV). OneMap reads UTF-8; Excel and
/// many Chinese GIS tools write GBK or GB18030, which read as UTF-8 turn every Chinese name
/// into U+FFFD. So a source that is not valid UTF-8 is refused, naming the file, the line
/// and the likely encoding, and `--encoding gbk|gb18030` converts it (iconv) first.
public enum SourceEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case gbk
    case gb18030
    /// Western European Windows code page (older Shapefiles from Finland and elsewhere).
    case windows1252 = "windows-1252"
    case latin1 = "iso-8859-1"

    /// Parses the names users and Shapefile `.cpg` files give: `utf-8`, `utf8`, `65001`,
    /// `gbk`, `gb2312` and `cp936`/`936` (read as GBK, their superset), `gb18030`,
    /// `windows-1252`/`cp1252`/`1252`, `iso-8859-1`/`latin1`/`8859_1`.
    public init?(name: String) {
        switch name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().replacingOccurrences(of: "_", with: "-") {
        case "utf-8", "utf8", "65001": self = .utf8
        case "gbk", "gb2312", "cp936", "936", "ansi 936": self = .gbk
        case "gb18030", "54936": self = .gb18030
        case "windows-1252", "cp1252", "1252", "ansi 1252": self = .windows1252
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "8859-1", "88591": self = .latin1
        default: return nil
        }
    }

    var iconvName: String {
        switch self {
        case .utf8: "UTF-8"
        case .gbk: "GBK"
        case .gb18030: "GB18030"
        case .windows1252: "WINDOWS-1252"
        case .latin1: "ISO-8859-1"
        }
    }

    /// `bytes` as text in this encoding, or nil when they are not valid in it (never U+FFFD).
    public func decode(_ bytes: [UInt8]) -> String? {
        if self == .utf8 || bytes.allSatisfy({ $0 < 0x80 }) { return String(validating: bytes, as: UTF8.self) }
        guard let utf8 = try? Self.convert(bytes, from: self, final: true) else { return nil }
        return String(validating: utf8, as: UTF8.self)
    }

    /// Checks that the file at `path` is valid UTF-8, reading it in 1 MiB pieces.
    static func requireUTF8(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ImportError.source(file: path, message: "cannot open") }
        defer { try? handle.close() }
        var carry: [UInt8] = []
        var line = 1
        var offset = 0
        while true {
            let chunk = [UInt8](handle.readData(ofLength: 1 << 20))
            let bytes = carry + chunk
            let end = chunk.isEmpty ? bytes.count : Self.completePrefix(bytes)
            if let bad = Self.firstInvalid(bytes[..<end]) {
                line += bytes[..<bad].lazy.filter { $0 == 0x0A }.count
                let sample = Array(bytes[bad..<min(bytes.count, bad + 4096)])
                let guess = Self.decodes(sample, from: .gb18030) ? "; it looks like GBK/GB18030 (what Excel and many Chinese GIS tools write): give --encoding gbk or --encoding gb18030" : "; give --encoding with the file's encoding"
                throw ImportError.source(file: path, message: "line \(line): byte \(offset + bad - carry.count) is not UTF-8\(guess)")
            }
            line += bytes[..<end].lazy.filter { $0 == 0x0A }.count
            offset += chunk.count
            carry = Array(bytes[end...])
            if chunk.isEmpty { return }
        }
    }

    /// The length of the longest prefix that does not end inside a multi-byte sequence.
    private static func completePrefix(_ bytes: [UInt8]) -> Int {
        var i = bytes.count
        var back = 0
        while i > 0, back < 4, bytes[i - 1] & 0xC0 == 0x80 { i -= 1; back += 1 }
        guard i > 0 else { return bytes.count }
        let lead = bytes[i - 1]
        let need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        return need > back + 1 ? i - 1 : bytes.count
    }

    /// The index of the first byte that starts an invalid UTF-8 sequence, if any.
    private static func firstInvalid(_ bytes: ArraySlice<UInt8>) -> Int? {
        // The standard library's validation is fast; parse by hand only to place an error.
        if String(validating: bytes, as: UTF8.self) != nil { return nil }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var position = bytes.startIndex
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): position += scalar.count
            case .emptyInput: return nil
            case .error: return position
            }
        }
    }

    /// Whether `bytes` convert from `encoding` without error (a trailing cut sequence allowed).
    static func decodes(_ bytes: [UInt8], from encoding: SourceEncoding) -> Bool {
        (try? convert(bytes, from: encoding, final: false)) != nil
    }

    /// Converts the file at `path` to a UTF-8 file beside the system's temporary files and returns its path.
    static func convertedCopy(of path: String, from encoding: SourceEncoding) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw ImportError.source(file: path, message: "cannot open") }
        let utf8: [UInt8]
        do {
            utf8 = try convert([UInt8](data), from: encoding, final: true)
        } catch let offset as ConversionError {
            let line = 1 + data.prefix(offset.offset).filter { $0 == 0x0A }.count
            throw ImportError.source(file: path, message: "line \(line): byte \(offset.offset) is not \(encoding.iconvName); check --encoding")
        }
        let ext = URL(fileURLWithPath: path).pathExtension
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("onemap-import-\(UUID().uuidString).\(ext)").path
        guard FileManager.default.createFile(atPath: out, contents: Data(utf8)) else {
            throw ImportError.source(file: path, message: "cannot write the UTF-8 copy to \(out)")
        }
        return out
    }

    struct ConversionError: Error { var offset: Int }

    /// iconv from `encoding` to UTF-8. With `final: false`, an incomplete sequence at the end is not an error.
    static func convert(_ input: [UInt8], from encoding: SourceEncoding, final: Bool) throws -> [UInt8] {
        let cd = iconv_open("UTF-8", encoding.iconvName)
        guard cd != iconv_t(bitPattern: -1) else { throw ConversionError(offset: 0) }
        defer { iconv_close(cd) }
        // A single-byte code page grows up to three times in UTF-8 (€ is E2 82 AC).
        var output = [UInt8](repeating: 0, count: input.count * 3 + 16)
        var source = input
        let result: (done: Int, written: Int, ok: Bool, incomplete: Bool) = source.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr = UnsafeMutableRawPointer(inBuf.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBuf.count
                var outPtr = UnsafeMutableRawPointer(outBuf.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuf.count
                let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                let failed = r == -1
                return (inBuf.count - inLeft, outBuf.count - outLeft, !failed, failed && errno == EINVAL)
            }
        }
        if !result.ok && !(result.incomplete && !final) { throw ConversionError(offset: result.done) }
        return Array(output.prefix(result.written))
    }
}
