import Foundation

/// Whole-file writes that a crash leaves either old or new, never half: a temporary file
/// beside the target with the final mode, flushed, renamed over it, the directory flushed.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw FileError.cannotWrite(path: temporary, reason: String(cString: strerror(errno))) }
        var failure: Int32 = fchmod(fd, mode) == 0 ? 0 : errno
        var offset = 0
        while failure == 0 && offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if n < 0 { failure = errno } else if n == 0 { failure = EIO } else { offset += n }
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure == 0 && rename(temporary, path) != 0 { failure = errno }
        guard failure == 0 else {
            unlink(temporary)
            throw FileError.cannotWrite(path: path, reason: String(cString: strerror(failure)))
        }
        let parent = (path as NSString).deletingLastPathComponent
        let directory = open(parent.isEmpty ? "." : parent, O_RDONLY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }
}
