import Foundation
import Hummingbird
import OneMap

/// Who may write: bearer tokens from a JSON file, each with a role.
///
/// ```json
/// {"tokens": [
///   {"token": "…", "name": "张网格员", "role": "grid_worker", "grid": "150603001001001"},
///   {"token": "…", "name": "规划科", "role": "planner"}
/// ]}
/// ```
/// A grid worker may write only inside their own grid; planners and admins anywhere;
/// requests without a token only read.
public struct TokenBook: Sendable {
    private var holders: [String: Author] = [:]

    public static let empty = TokenBook()

    private init() {}

    /// Reads a tokens file; errors name the file and the entry.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw ServiceError.tokens(path: path, reason: "cannot read the file") }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let list = root["tokens"] as? [[String: Any]] else {
            throw ServiceError.tokens(path: path, reason: "expected {\"tokens\": [{\"token\", \"role\", …}]}")
        }
        for (i, entry) in list.enumerated() {
            guard let token = entry["token"] as? String, token.count >= 16 else {
                throw ServiceError.tokens(path: path, reason: "entry \(i + 1): a token of at least 16 characters is required")
            }
            guard let roleName = entry["role"] as? String, let role = Author.Role(rawValue: roleName) else {
                throw ServiceError.tokens(path: path, reason: "entry \(i + 1): role must be one of \(Author.Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let grid = entry["grid"] as? String
            if role == .gridWorker && grid == nil {
                throw ServiceError.tokens(path: path, reason: "entry \(i + 1): a grid worker needs \"grid\": the code of their grid")
            }
            guard holders[token] == nil else { throw ServiceError.tokens(path: path, reason: "entry \(i + 1): the token repeats an earlier one") }
            holders[token] = Author(name: entry["name"] as? String ?? roleName, role: role, grid: grid)
        }
    }

    public var count: Int { holders.count }

    /// The holder of the request's bearer token: nil without one; 401 for an unknown or
    /// malformed one.
    func holder(of request: Request) throws -> Author? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Problem(.unauthorized, "Unauthorized", "the Authorization header must be 'Bearer TOKEN'")
        }
        guard let holder = holders[String(parts[1]).trimmingCharacters(in: .whitespaces)] else {
            throw Problem(.unauthorized, "Unauthorized", "the bearer token is not known to this service")
        }
        return holder
    }

    /// The holder of a token that may write at all (401 without one).
    func writer(of request: Request) throws -> Author {
        guard let holder = try holder(of: request) else {
            throw Problem(.unauthorized, "Unauthorized", "writing needs a bearer token (Authorization: Bearer TOKEN)")
        }
        return holder
    }
}

/// Why the service could not start.
public enum ServiceError: Error, CustomStringConvertible {
    case tokens(path: String, reason: String)

    public var description: String {
        switch self {
        case .tokens(let path, let reason): "\(path): \(reason)"
        }
    }
}
