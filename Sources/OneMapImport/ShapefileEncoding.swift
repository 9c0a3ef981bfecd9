import Foundation

/// The encoding of a Shapefile's attributes, as the file itself tells it.
///
/// ESRI's tools write a `.cpg` file beside the `.dbf` naming the code page; older tools
/// set only the DBF header's language driver byte (offset 29); many Chinese files have
/// neither and are GBK. GDAL, given neither, assumes ISO-8859-1 and every Chinese name
/// comes out as mojibake, so OneMap settles the encoding itself.
enum ShapefileEncoding {
    /// The encoding and the reason for it, for the import's report and errors.
    /// - Parameter sample: raw text to judge by when the file declares nothing (field names).
    static func detect(path: String, reportedPath: String, sample: [[UInt8]]) throws -> (SourceEncoding, String) {
        let base = URL(fileURLWithPath: path).deletingPathExtension().path
        for ext in ["cpg", "CPG"] {
            guard let data = FileManager.default.contents(atPath: "\(base).\(ext)") else { continue }
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let encoding = SourceEncoding(name: text) else {
                throw ImportError.source(file: reportedPath, message: "its .\(ext) file names the encoding \"\(text)\", which OneMap does not read; give --encoding (utf-8, gbk, gb18030, windows-1252, iso-8859-1)")
            }
            return (encoding, "the .\(ext) file says \(text)")
        }
        var dbf: [UInt8] = []
        for ext in ["dbf", "DBF"] {
            if let handle = FileHandle(forReadingAtPath: "\(base).\(ext)") {
                dbf = [UInt8]((try? handle.read(upToCount: 4096)) ?? Data())
                try? handle.close()
                break
            }
        }
        if dbf.count > 29, let encoding = languageDriver(dbf[29]) {
            return (encoding, String(format: "the DBF language byte is 0x%02X", dbf[29]))
        }
        // Nothing declared: judge by the bytes of the field names and the first records.
        let bytes = sample.flatMap { $0 } + records(dbf)
        if String(validating: bytes, as: UTF8.self) != nil {
            return (.utf8, "no .cpg file or language byte; the text is valid UTF-8")
        }
        if SourceEncoding.decodes(bytes, from: .gbk) {
            return (.gbk, "no .cpg file or language byte; the text is not UTF-8 and decodes as GBK")
        }
        throw ImportError.source(file: reportedPath, message: "no .cpg file or language byte names the encoding and the text is neither UTF-8 nor GBK; give --encoding")
    }

    /// The DBF header's language driver ids OneMap reads (ESRI's table).
    static func languageDriver(_ byte: UInt8) -> SourceEncoding? {
        switch byte {
        case 0x4D, 0x7A: .gbk  // 936, Chinese simplified (GBK)
        case 0x03, 0x57, 0x58, 0x59: .windows1252  // Windows ANSI, Western European
        default: nil
        }
    }

    /// The record bytes in the first part of a DBF (after the header), for judging.
    private static func records(_ dbf: [UInt8]) -> [UInt8] {
        guard dbf.count > 10 else { return [] }
        let headerLength = Int(dbf[8]) | Int(dbf[9]) << 8
        // Cut at the last ASCII byte so a multi-byte character is never split.
        var slice = Array(dbf.dropFirst(min(headerLength, dbf.count)))
        while let last = slice.last, last >= 0x80 { slice.removeLast() }
        return slice
    }
}
