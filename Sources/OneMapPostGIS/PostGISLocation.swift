import Foundation

/// Where a PostGIS database is and who connects to it: a `postgres://` (or
/// `postgresql://`) URL as libpq reads one —
/// `postgres://[user[:password]@][host][:port][/database][?host=…&port=…&user=…&dbname=…&sslmode=…]`.
/// A host that starts with `/` (in the query, or percent-encoded before the path) is the
/// folder of the server's Unix socket; no host means Debian's `/var/run/postgresql`.
///
/// The password comes from, in order: the URL (discouraged: it shows in `ps`), the
/// `PGPASSWORD` variable, the password file (`PGPASSFILE`, else `~/.pgpass`, lines
/// `host:port:database:user:password` with `*` for any and `\:` for a colon). It is never
/// part of ``description`` and so never logged.
public struct PostGISLocation: Sendable, Equatable, CustomStringConvertible {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        /// The socket folder and the port that names the socket file in it (`.s.PGSQL.5432`).
        case socket(folder: String, port: Int)
    }

    public enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
    }

    public var endpoint: Endpoint
    public var user: String
    public var database: String
    public var password: String?
    public var tls: TLSMode

    /// Whether `text` is meant as a PostGIS location rather than a file path.
    public static func isLocation(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Reads `text`; `environment` and `home` stand in for the process's in tests.
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                home: String = NSHomeDirectory()) throws(PostGISError) {
        guard Self.isLocation(text), let components = URLComponents(string: text) else {
            throw .badLocation("'\(Self.redacted(text))' is not a postgres:// URL (postgres://user@host:port/database)")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard let value = item.value else { throw .badLocation("parameter '\(item.name)' has no value") }
            query[item.name] = value
        }
        for name in query.keys where !["host", "port", "user", "dbname", "password", "sslmode", "application_name"].contains(name) {
            throw .badLocation("unknown parameter '\(name)' (known: host, port, user, dbname, password, sslmode)")
        }
        let portText = query["port"] ?? components.port.map(String.init) ?? environment["PGPORT"] ?? "5432"
        guard let port = Int(portText), (1...65_535).contains(port) else { throw .badLocation("port '\(portText)' is not 1…65535") }
        // An IPv6 address comes in brackets ([::1]); the host is the address.
        let named = components.percentEncodedHost.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding }
            .map { $0.hasPrefix("[") && $0.hasSuffix("]") ? String($0.dropFirst().dropLast()) : $0 }
        let host = query["host"] ?? named ?? environment["PGHOST"] ?? "/var/run/postgresql"
        endpoint = host.hasPrefix("/") ? .socket(folder: host, port: port) : .tcp(host: host, port: port)
        let user = query["user"] ?? components.user.flatMap { $0.removingPercentEncoding } ?? environment["PGUSER"]
            ?? environment["USER"] ?? "postgres"
        guard !user.isEmpty else { throw .badLocation("the user name is empty") }
        self.user = user
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let database = query["dbname"] ?? (path.isEmpty ? nil : path.removingPercentEncoding) ?? environment["PGDATABASE"] ?? user
        guard !database.isEmpty, !database.contains("/") else { throw .badLocation("database name '\(database)' is not one name") }
        self.database = database
        let modeText = query["sslmode"] ?? environment["PGSSLMODE"] ?? (host.hasPrefix("/") ? "disable" : "prefer")
        // libpq's allow is prefer's weaker twin; verify-* need certificates this client does not check.
        guard let mode = TLSMode(rawValue: modeText == "allow" ? "prefer" : modeText) else {
            throw .badLocation("sslmode '\(modeText)' is not one of disable, allow, prefer, require")
        }
        tls = mode
        if let given = query["password"] ?? components.password.flatMap({ $0.removingPercentEncoding }) {
            password = given
        } else if let given = environment["PGPASSWORD"] {
            password = given
        } else {
            let file = environment["PGPASSFILE"] ?? (home as NSString).appendingPathComponent(".pgpass")
            let hostForFile: String, portForFile = String(port)
            switch endpoint {
            case .tcp(let host, _): hostForFile = host
            // libpq matches a socket connection against `localhost` as well as the folder.
            case .socket: hostForFile = "localhost"
            }
            password = (try? String(contentsOfFile: file, encoding: .utf8)).flatMap {
                Self.password(inPassFile: $0, host: hostForFile, socketFolder: host.hasPrefix("/") ? host : nil,
                              port: portForFile, database: database, user: user)
            }
        }
    }

    /// The password of the first line of a `.pgpass` file that matches (fields `*` match
    /// anything; `\:` and `\\` stand for `:` and `\`; `#` lines are comments).
    static func password(inPassFile text: String, host: String, socketFolder: String?, port: String, database: String, user: String) -> String? {
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            var fields: [String] = [], field = "", escaped = false
            for character in line {
                if escaped { field.append(character); escaped = false } else if character == "\\" { escaped = true } else if character == ":" && fields.count < 4 {
                    fields.append(field); field = ""
                } else { field.append(character) }
            }
            fields.append(field)
            guard fields.count == 5 else { continue }
            func matches(_ pattern: String, _ value: String) -> Bool { pattern == "*" || pattern == value }
            let hostMatches = matches(fields[0], host) || socketFolder.map { matches(fields[0], $0) } == true
            if hostMatches && matches(fields[1], port) && matches(fields[2], database) && matches(fields[3], user) { return fields[4] }
        }
        return nil
    }

    /// The location without its password, as logs and messages show it.
    public var description: String {
        switch endpoint {
        case .tcp(let host, let port): "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
        case .socket(let folder, let port): "postgres://\(user)@/\(database)?host=\(folder)&port=\(port)"
        }
    }

    /// `text` with any password in it replaced, for messages about a URL that did not parse.
    static func redacted(_ text: String) -> String {
        guard let at = text.firstIndex(of: "@"), let scheme = text.range(of: "://"), scheme.upperBound < at,
              let colon = text[scheme.upperBound..<at].firstIndex(of: ":") else { return text }
        return String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
    }
}

/// What went wrong with a PostGIS store.
public enum PostGISError: Error, Equatable, CustomStringConvertible {
    case badLocation(String)
    /// The server could not be reached or refused us.
    case unreachable(location: String, reason: String)
    /// The database lacks what OneMap needs (PostGIS), or holds a newer schema than this build knows.
    case unusable(location: String, reason: String)
    case failed(location: String, step: String, reason: String)

    public var description: String {
        switch self {
        case .badLocation(let reason): "bad PostGIS location: \(reason)"
        case .unreachable(let location, let reason): "cannot connect to \(location): \(reason)"
        case .unusable(let location, let reason): "\(location) cannot be used: \(reason)"
        case .failed(let location, let step, let reason): "\(location): \(step) failed: \(reason)"
        }
    }
}
