import Foundation
import OneMapDefaults

/// Where each configuration file comes from: a flag, an `ONEMAP_*` variable, `config/NAME`
/// in the working directory, or the default compiled into the binary (``Defaults``).
public enum Configuration {
    /// The path to read for `file`, or nil for the compiled-in default.
    public static func path(_ file: Defaults.File, given: String?) -> String? {
        Defaults.path(file, given: given, environment: ProcessInfo.processInfo.environment) { FileManager.default.fileExists(atPath: $0) }
    }

    /// Where a setting came from, for logs and summaries.
    public static func origin(_ file: Defaults.File, given: String?) -> String {
        path(file, given: given) ?? "built-in \(file.name)"
    }

    /// Writes every default into `directory` (created if missing); refuses to replace an
    /// existing file unless `replace`. Returns the paths written.
    public static func dump(into directory: String, replace: Bool) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var written: [String] = []
        for file in Defaults.all {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(file.name).path
            if !replace, FileManager.default.fileExists(atPath: path) {
                throw FileError.cannotWrite(path: path, reason: "it exists; give --force to replace it")
            }
            guard FileManager.default.createFile(atPath: path, contents: Data(file.bytes)) else {
                throw FileError.cannotWrite(path: path, reason: "cannot create the file")
            }
            written.append(path)
        }
        return written
    }
}
