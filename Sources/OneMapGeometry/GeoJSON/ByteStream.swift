#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bytes read in fixed-size chunks from a file descriptor (or held in memory), so that a
/// parser can walk a file of any size with a bounded buffer.
public final class ByteStream {
    private var buffer: [UInt8]
    private var position = 0
    private var end: Int
    private let fd: Int32?
    private let chunkSize: Int
    /// Bytes consumed before the current buffer, for progress and error offsets.
    private(set) var consumedBeforeBuffer = 0

    /// Reads from an open file descriptor; the stream does not close it.
    public init(fileDescriptor: Int32, chunkSize: Int = 1 << 20) {
        fd = fileDescriptor
        self.chunkSize = chunkSize
        buffer = [UInt8](repeating: 0, count: chunkSize)
        end = 0
    }

    /// Reads from memory (tests, request bodies).
    public init(bytes: [UInt8]) {
        fd = nil
        chunkSize = 0
        buffer = bytes
        end = bytes.count
    }

    public convenience init(string: String) { self.init(bytes: Array(string.utf8)) }

    /// The byte offset of the next byte to be read.
    public var offset: Int { consumedBeforeBuffer + position }

    /// The next byte without consuming it, or nil at the end.
    @inline(__always) public func peek() throws -> UInt8? {
        if position < end { return buffer[position] }
        return try refill() ? buffer[position] : nil
    }

    /// Consumes and returns the next byte, or nil at the end.
    @inline(__always) public func next() throws -> UInt8? {
        if position < end {
            defer { position += 1 }
            return buffer[position]
        }
        guard try refill() else { return nil }
        defer { position += 1 }
        return buffer[position]
    }

    private func refill() throws -> Bool {
        guard let fd else { return false }
        consumedBeforeBuffer += end
        position = 0
        end = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, chunkSize) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ByteStreamError.readFailed(errno: errno)
            }
            end = n
            return n > 0
        }
    }
}

public enum ByteStreamError: Error, Equatable, Sendable {
    case readFailed(errno: Int32)
}
