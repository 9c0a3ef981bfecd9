/// FNV-1a, 64 bits: a stable fingerprint of bytes (Swift's `hashValue` changes from one
/// process to the next, so it cannot key files or ETags).
public struct FNV1a: Sendable {
    public var value: UInt64 = 0xcbf2_9ce4_8422_2325

    @inlinable public init() {}

    @inlinable public mutating func mix(_ byte: UInt8) { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }

    // Inlinable: callers in other modules hash tiles on the hot path, and an unspecialised
    // generic loop over `Data` would cost several times more.
    @inlinable public mutating func mix<S: Sequence>(_ bytes: S) where S.Element == UInt8 { for byte in bytes { mix(byte) } }

    /// The eight bytes of `word`, least significant first.
    @inlinable public mutating func mix(_ word: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { mix(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
    }

    @inlinable public var hex: String { String(value, radix: 16) }

    /// The fingerprint of `bytes`, in hex.
    @inlinable public static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var hash = FNV1a()
        hash.mix(bytes)
        return hash.hex
    }
}
