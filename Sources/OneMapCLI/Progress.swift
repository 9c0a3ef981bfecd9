import Foundation

/// Progress on standard error: a self-overwriting line on a terminal, or a line every
/// few seconds otherwise (logs, CI), so long work is never silent. Its state is behind a
/// lock: an import into PostGIS reports from the task that runs it.
final class ProgressLine: @unchecked Sendable {
    private let isTerminal = isatty(2) == 1
    private var lastPrint = Date.distantPast
    private var wroteInPlace = false
    private let quiet: Bool
    private let lock = NSLock()

    init(quiet: Bool) { self.quiet = quiet }

    func update(_ text: String) {
        guard !quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        if isTerminal {
            guard now.timeIntervalSince(lastPrint) > 0.1 else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
            wroteInPlace = true
        } else {
            guard now.timeIntervalSince(lastPrint) > 2 else { return }
            FileHandle.standardError.write(Data("\(text)\n".utf8))
        }
        lastPrint = now
    }

    /// A message on its own line (ends an in-place line first).
    func say(_ text: String) {
        guard !quiet else { return }
        finish()
        FileHandle.standardError.write(Data("\(text)\n".utf8))
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if wroteInPlace { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        wroteInPlace = false
    }
}

func formatBytes(_ n: Int) -> String {
    n >= 1 << 30 ? String(format: "%.1f GB", Double(n) / Double(1 << 30)) : n >= 1 << 20 ? String(format: "%.1f MB", Double(n) / Double(1 << 20)) : "\(n / 1024) KB"
}

/// A progress line that worker threads may update (serialised by a lock).
final class SharedProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let line: ProgressLine

    init(quiet: Bool) { line = ProgressLine(quiet: quiet) }

    func update(_ text: String) { lock.withLock { line.update(text) } }
    func say(_ text: String) { lock.withLock { line.say(text) } }
    func finish() { lock.withLock { line.finish() } }
}
