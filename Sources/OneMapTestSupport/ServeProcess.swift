import Foundation

/// A running `onemap serve` process: started with its arguments, its base URL read from its
/// `serving` log line, its log read on to the end in the background (so a full pipe never
/// stops it), killed or terminated by the test (``stop()``: nothing stops it otherwise).
public final class ServeProcess: @unchecked Sendable {
    public let process: Process
    /// `http://127.0.0.1:PORT/`.
    public let url: String
    private let lock = NSLock()
    private var logLines: [String]

    /// Starts `onemap serve ARGUMENTS` (add `--port 0`) in `directory` and waits up to a
    /// minute for the line saying where it serves.
    public init(_ arguments: [String], in directory: URL = Repository.root) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: Repository.onemapExecutable)
        process.arguments = ["serve"] + arguments
        process.currentDirectoryURL = directory
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var lines: [String] = []
        var found: String?
        var pending = Data()
        let handle = errors.fileHandleForReading
        let deadline = Date().addingTimeInterval(60)
        func take() {
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                lines.append(line)
                if let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], object["message"] as? String == "serving" {
                    found = object["url"] as? String
                }
            }
        }
        while found == nil, Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            pending.append(chunk)
            take()
        }
        logLines = lines
        guard let found else {
            process.terminate()
            throw ServeError(description: "onemap serve \(arguments.joined(separator: " ")) did not start: \(lines.joined(separator: "\n"))")
        }
        url = found
        let rest = pending
        Thread.detachNewThread { [self] in
            var pending = rest
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    lock.withLock { logLines.append(line) }
                }
            }
        }
    }

    public struct ServeError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Its log so far.
    public var log: [String] { lock.withLock { logLines } }

    /// Kills it with SIGKILL (nothing runs after: no shutdown, no flush) and waits for it.
    public func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, and waits for it to stop.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

/// One HTTP exchange through curl: the status, the body, and the headers asked for.
public struct HTTPExchange: Sendable {
    public var status: Int
    public var body: String
    public var headers: [String: String]

    /// `method url` with `headers` and `body`; a transport failure is status 0.
    public static func send(_ method: String, _ url: String, headers: [String: String] = [:], body: String? = nil) async throws -> HTTPExchange {
        var arguments = ["-s", "-S", "-X", method, "-D", "-", "--max-time", "30"]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { arguments += ["-H", "\(name): \(value)"] }
        if let body { arguments += ["--data-binary", body] }
        arguments.append(url)
        let result = try await runProcessAsync("/usr/bin/curl", arguments)
        // Headers first (-D -), a blank line, then the body.
        let text = result.stdout
        guard let split = text.range(of: "\r\n\r\n") else { return HTTPExchange(status: 0, body: result.stderr, headers: [:]) }
        let head = text[..<split.lowerBound].split(separator: "\r\n")
        let status = head.first.flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Int($0) } ?? 0
        var found: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            found[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return HTTPExchange(status: status, body: String(text[split.upperBound...]), headers: found)
    }

    /// The body as a JSON object (empty when it is not one).
    public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:] }
}
