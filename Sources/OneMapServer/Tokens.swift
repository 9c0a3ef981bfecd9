import Foundation
import Hummingbird
import Logging
import OneMap
import Synchronization

/// Who may write: the holders of the tokens in a ``TokenFile`` (SHA-256 hashes only),
/// reloaded on SIGHUP; and a limit on failed authentications per client address, so
/// tokens cannot be guessed at speed.
public final class TokenBook: Sendable {
    private let holders: Mutex<[String: Author]>
    let path: String?
    let failures: FailedAuthentications

    public static func empty() -> TokenBook { TokenBook(path: nil, holders: [:], limit: .init()) }

    private init(path: String?, holders: [String: Author], limit: FailedAuthentications.Limit) {
        self.path = path
        self.holders = Mutex(holders)
        failures = FailedAuthentications(limit: limit)
    }

    /// Reads a tokens file; errors name the file and the entry.
    public convenience init(path: String, limit: FailedAuthentications.Limit = .init(), logger: Logger? = nil) throws {
        let file = try TokenFile.load(path: path)
        self.init(path: path, holders: file.holders, limit: limit)
        if let logger { Self.warn(file, logger) }
    }

    /// Reads the file again; the old tokens stay in force when it cannot be read.
    public func reload(logger: Logger) {
        guard let path else { return }
        do {
            let file = try TokenFile.load(path: path)
            let holders = file.holders
            self.holders.withLock { $0 = holders }
            logger.info("tokens reloaded", metadata: ["file": "\(path)", "tokens": "\(holders.count)"])
            Self.warn(file, logger)
        } catch {
            logger.error("tokens not reloaded; the previous ones stay in force", metadata: ["error": "\(error)"])
        }
    }

    private static func warn(_ file: TokenFile, _ logger: Logger) {
        if file.loadedVersion < TokenFile.schemaVersion {
            logger.warning("tokens are stored in plain text; `onemap tokens migrate --file \(file.path)` keeps only their hashes")
        }
        var info = stat()
        if stat(file.path, &info) == 0, info.st_mode & 0o077 != 0 {
            logger.warning("the tokens file can be read by others; chmod 600 \(file.path)")
        }
    }

    public var count: Int { holders.withLock { $0.count } }

    /// The holder of the request's bearer token: nil without one; 401 for an unknown or
    /// malformed one (counted against `client`), 429 while `client` is locked out.
    func holder(of request: Request, client: String) throws -> Author? {
        guard let header = request.headers[.authorization] else { return nil }
        try failures.check(client)
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            failures.record(client)
            throw Problem(.unauthorized, "Unauthorized", "the Authorization header must be 'Bearer TOKEN'")
        }
        let hash = TokenFile.hash(String(parts[1]).trimmingCharacters(in: .whitespaces))
        guard let holder = holders.withLock({ $0[hash] }) else {
            failures.record(client)
            throw Problem(.unauthorized, "Unauthorized", "the bearer token is not known to this service")
        }
        return holder
    }

    /// The holder of a token that may write at all (401 without one).
    func writer(of request: Request, client: String) throws -> Author {
        guard let holder = try holder(of: request, client: client) else {
            throw Problem(.unauthorized, "Unauthorized", "writing needs a bearer token (Authorization: Bearer TOKEN)")
        }
        return holder
    }
}

/// Failed authentications per client address in a sliding window: past the limit the
/// address is refused (429 with Retry-After) until its oldest failure leaves the window.
/// At most `maxClients` addresses are remembered (the stalest forgotten first), so a flood
/// of addresses cannot grow memory without bound.
public final class FailedAuthentications: Sendable {
    public struct Limit: Sendable {
        public var failures = 10
        public var window: Duration = .seconds(60)
        public var maxClients = 10_000
        public init(failures: Int = 10, window: Duration = .seconds(60)) {
            self.failures = failures
            self.window = window
        }
    }

    let limit: Limit
    private let recent = Mutex<[String: [ContinuousClock.Instant]]>([:])

    init(limit: Limit) { self.limit = limit }

    /// 429 while `client` has `limit.failures` failures inside the window.
    func check(_ client: String) throws {
        let now = ContinuousClock.now
        let wait: Duration? = recent.withLock { all in
            guard var times = all[client] else { return nil }
            times.removeAll { now - $0 >= limit.window }
            all[client] = times.isEmpty ? nil : times
            guard times.count >= limit.failures, let oldest = times.first else { return nil }
            return limit.window - (now - oldest)
        }
        if let wait {
            var problem = Problem(.tooManyRequests, "Too many failed authentications",
                                  "\(limit.failures) failed authentications from this address within \(limit.window.components.seconds) s; try again later")
            problem.retryAfter = max(1, Int(wait.components.seconds) + 1)
            throw problem
        }
    }

    func record(_ client: String) {
        let now = ContinuousClock.now
        recent.withLock { all in
            if all[client] == nil, all.count >= limit.maxClients {
                // Forget the address whose last failure is oldest.
                if let stalest = all.min(by: { ($0.value.last ?? now) < ($1.value.last ?? now) })?.key { all[stalest] = nil }
            }
            var times = all[client] ?? []
            times.append(now)
            if times.count > limit.failures { times.removeFirst(times.count - limit.failures) }
            all[client] = times
        }
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
