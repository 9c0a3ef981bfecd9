import Crypto
import Foundation

/// The write tokens of a service, as a JSON file that holds only their SHA-256 hashes.
///
/// ```json
/// {"version": 2, "tokens": [
///   {"name": "张网格员", "role": "grid_worker", "grid": "150603001001001",
///    "sha256": "…", "created_at": "2026-12-01T08:00:00Z"},
///   {"name": "规划科", "role": "planner", "sha256": "…", "created_at": "…", "revoked_at": "…"}
/// ]}
/// ```
/// A token is 128 random bits, shown once when it is made (`onemap tokens add`); the file
/// cannot give it back. Version 1 files held tokens in plain text (`"token": "…"`): they
/// still load (hashed in memory) and are rewritten as version 2 by the next change or by
/// `onemap tokens migrate`. The file is written atomically with mode 0600.
public struct TokenFile: Sendable {
    public static let schemaVersion = 2

    public struct Entry: Sendable, Equatable {
        public var name: String
        public var role: Author.Role
        public var grid: String?
        /// Lowercase hex SHA-256 of the token's UTF-8 bytes.
        public var sha256: String
        public var createdAt: String?
        public var revokedAt: String?

        public var author: Author { Author(name: name, role: role, grid: grid) }
        public var isActive: Bool { revokedAt == nil }
    }

    public let path: String
    public private(set) var entries: [Entry]
    /// The version the file had on disk (1: plain tokens, which a save hashes).
    public let loadedVersion: Int

    /// Reads `path`; a missing file is an empty book (`tokens add` starts one). Errors
    /// name the file and the entry.
    public static func load(path: String, missingIsEmpty: Bool = false) throws -> TokenFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            if missingIsEmpty && !FileManager.default.fileExists(atPath: path) {
                return TokenFile(path: path, entries: [], loadedVersion: schemaVersion)
            }
            throw TokenFileError(path: path, reason: "cannot read the file")
        }
        let root: JSONValue
        do { root = try JSONParser(ByteStream(bytes: [UInt8](data))).parseDocument() } catch {
            throw TokenFileError(path: path, reason: "not JSON: \(error)")
        }
        guard let list = root["tokens"]?.arrayValue else {
            throw TokenFileError(path: path, reason: "expected {\"version\": 2, \"tokens\": [{\"name\", \"role\", \"sha256\", …}]}")
        }
        let version: Int
        switch root["version"] {
        case nil: version = 1
        case .number(let v)? where v == 1 || v == 2: version = Int(exactly: v) ?? 1
        case let other?: throw TokenFileError(path: path, reason: "version \(JSONWriter.string(other)) is not one this OneMap reads (1 or 2)")
        }
        var entries: [Entry] = []
        for (i, item) in list.enumerated() {
            let at = "entry \(i + 1)"
            guard let roleName = item["role"]?.stringValue, let role = Author.Role(rawValue: roleName) else {
                throw TokenFileError(path: path, reason: "\(at): role must be one of \(Author.Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let grid = item["grid"]?.stringValue
            if role == .gridWorker && (grid ?? "").isEmpty {
                throw TokenFileError(path: path, reason: "\(at): a grid worker needs \"grid\": the code of their grid")
            }
            let hash: String
            if let plain = item["token"]?.stringValue {
                guard plain.count >= 16 else { throw TokenFileError(path: path, reason: "\(at): a token of at least 16 characters is required") }
                hash = Self.hash(plain)
            } else if let given = item["sha256"]?.stringValue, given.count == 64, given.utf8.allSatisfy({ Self.isHexDigit($0) }) {
                hash = given.lowercased()
            } else {
                throw TokenFileError(path: path, reason: "\(at): \"sha256\" must be the 64 hex digits of the token's SHA-256")
            }
            let entry = Entry(name: item["name"]?.stringValue ?? roleName, role: role, grid: grid, sha256: hash,
                              createdAt: item["created_at"]?.stringValue, revokedAt: item["revoked_at"]?.stringValue)
            if entry.isActive, entries.contains(where: { $0.isActive && $0.sha256 == hash }) {
                throw TokenFileError(path: path, reason: "\(at): the token repeats an earlier one")
            }
            entries.append(entry)
        }
        return TokenFile(path: path, entries: entries, loadedVersion: version)
    }

    /// The active tokens' holders by hash.
    public var holders: [String: Author] {
        Dictionary(entries.filter(\.isActive).map { ($0.sha256, $0.author) }, uniquingKeysWith: { first, _ in first })
    }

    /// Adds a holder and answers their new token (128 random bits, hex), which is stored
    /// only as its hash. Names are unique among active tokens.
    public mutating func add(name: String, role: Author.Role, grid: String?) throws -> String {
        guard !name.isEmpty else { throw TokenFileError(path: path, reason: "a token needs a name (who holds it)") }
        if role == .gridWorker && (grid ?? "").isEmpty { throw TokenFileError(path: path, reason: "a grid worker's token needs --grid: the code of their grid") }
        if role != .gridWorker && grid != nil { throw TokenFileError(path: path, reason: "--grid is for grid workers; a \(role.rawValue) writes anywhere") }
        guard !entries.contains(where: { $0.isActive && $0.name == name }) else {
            throw TokenFileError(path: path, reason: "'\(name)' already holds an active token; revoke it first")
        }
        var generator = SystemRandomNumberGenerator()
        let token = "om_" + Self.hex((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
        entries.append(Entry(name: name, role: role, grid: grid, sha256: Self.hash(token), createdAt: Timestamps.now(), revokedAt: nil))
        return token
    }

    /// Revokes the active token of `name` (kept in the file with the time, for the record).
    public mutating func revoke(name: String) throws {
        guard let i = entries.firstIndex(where: { $0.isActive && $0.name == name }) else {
            throw TokenFileError(path: path, reason: "no active token held by '\(name)'; `onemap tokens list` shows them")
        }
        entries[i].revokedAt = Timestamps.now()
    }

    /// Writes the file as version 2 (hashes only), atomically: a temporary file of mode
    /// 0600 beside it, flushed, then renamed over it.
    public func save() throws {
        let members: [JSONValue] = entries.map { entry in
            var m = [JSONMember("name", .string(entry.name)), JSONMember("role", .string(entry.role.rawValue))]
            if let grid = entry.grid { m.append(JSONMember("grid", .string(grid))) }
            m.append(JSONMember("sha256", .string(entry.sha256)))
            if let at = entry.createdAt { m.append(JSONMember("created_at", .string(at))) }
            if let at = entry.revokedAt { m.append(JSONMember("revoked_at", .string(at))) }
            return .object(m)
        }
        let text = JSONWriter.string(.object([JSONMember("version", .number(Double(Self.schemaVersion))), JSONMember("tokens", .array(members))]))
        try AtomicFile.write(Array((text + "\n").utf8), to: path, mode: 0o600)
    }

    /// Lowercase hex SHA-256 of the token's UTF-8 bytes (computed on every authenticated write).
    public static func hash(_ token: String) -> String { hex(SHA256.hash(data: Array(token.utf8))) }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]] }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isHexDigit(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x61...0x66).contains(b) || (0x41...0x46).contains(b)
    }
}

public struct TokenFileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
