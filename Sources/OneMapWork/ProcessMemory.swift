#if canImport(Glibc)
import Glibc
#endif

/// The process's resident memory now (what `top` shows). Read at each stage of loading,
/// the differences say what each structure costs: loading only grows, so the pages a stage
/// adds are the ones its structures hold (less what the allocator kept of freed scratch).
public enum ProcessMemory {
    /// Hands the pages malloc holds free back to the system (glibc's `malloc_trim`): loading
    /// frees a lot of scratch (rows read, trees sorted) that would otherwise stay resident.
    /// Returns the resident bytes it gave back.
    @discardableResult
    public static func releaseFreePages() -> Int {
        #if canImport(Glibc)
        let before = residentBytes()
        _ = mallocTrim(0)
        return max(0, before - residentBytes())
        #else
        return 0
        #endif
    }

    /// Resident bytes, from `/proc/self/statm`; 0 where there is none.
    public static func residentBytes() -> Int {
        #if canImport(Glibc)
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 127) }
        guard n > 0 else { return 0 }
        // "size resident shared ...": the second number, in pages.
        let fields = buffer[0..<n].split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
        return 0
        #endif
    }
}

#if canImport(Glibc)
/// glibc's `int malloc_trim(size_t pad)` (`<malloc.h>` is not in the Glibc module): scalar
/// arguments and result, so Swift's calling convention passes them as C does.
@_silgen_name("malloc_trim")
private func mallocTrim(_ pad: Int) -> Int32
#endif

extension Duration {
    /// The duration in seconds, as a `Double` (for logs and figures).
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
