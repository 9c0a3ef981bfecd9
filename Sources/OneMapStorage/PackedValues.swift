/// A record's typed column values packed into one byte array: a tag byte per value, then
/// its payload (little-endian integers and reals, text as a length and its UTF-8 bytes).
///
/// A `[FieldValue]` costs 24 bytes a value plus a heap block for every text longer than
/// 15 bytes; a city's million hazards (17 values each) held 765 MB that way. Packed, a
/// hazard's values are one block of about 200 bytes. ``value(_:)`` reads one value without
/// building the others; the encoding is canonical, so equal value lists pack to equal bytes
/// (reals compare by bit pattern: a `-0.0` and a `0.0` pack differently, see ``LayerRecord``).
public struct PackedValues: Sendable {
    private(set) var bytes: [UInt8]
    /// How many values.
    public let count: Int

    private enum Tag: UInt8 {
        case null = 0, integer = 1, real = 2, text = 3, small = 4, shortText = 5
    }

    public init(_ values: [FieldValue]) {
        var packer = Packer(capacity: values.count * 6)
        for value in values { packer.append(value) }
        self = packer.packed
    }

    init(bytes: [UInt8], count: Int) {
        self.bytes = bytes
        self.count = count
    }

    /// Builds packed values one at a time, without an intermediate `[FieldValue]` (the
    /// GeoPackage reader packs straight from SQLite's buffers).
    public struct Packer {
        private var bytes: [UInt8] = []
        private var count = 0

        public init(capacity: Int) { bytes.reserveCapacity(capacity) }

        public mutating func append(_ value: FieldValue) {
            switch value {
            case .null: appendNull()
            case .integer(let i): appendInteger(i)
            case .real(let d): appendReal(d)
            case .text(var s): s.withUTF8 { appendText($0) }
            }
        }

        public mutating func appendNull() {
            bytes.append(Tag.null.rawValue)
            count += 1
        }

        public mutating func appendInteger(_ i: Int64) {
            if i >= -128 && i <= 127 {
                bytes.append(Tag.small.rawValue)
                bytes.append(UInt8(bitPattern: Int8(truncatingIfNeeded: i)))
            } else {
                bytes.append(Tag.integer.rawValue)
                withUnsafeBytes(of: i.littleEndian) { bytes.append(contentsOf: $0) }
            }
            count += 1
        }

        public mutating func appendReal(_ d: Double) {
            bytes.append(Tag.real.rawValue)
            withUnsafeBytes(of: d.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            count += 1
        }

        /// `utf8` must be valid UTF-8 (a Swift string's bytes, or SQLite's text of one).
        public mutating func appendText(_ utf8: UnsafeBufferPointer<UInt8>) {
            if utf8.count <= 255 {
                bytes.append(Tag.shortText.rawValue)
                bytes.append(UInt8(utf8.count))
            } else {
                bytes.append(Tag.text.rawValue)
                withUnsafeBytes(of: UInt32(truncatingIfNeeded: utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
            }
            bytes.append(contentsOf: utf8)
            count += 1
        }

        public var packed: PackedValues {
            // Shrink to fit: the block is kept for as long as the record lives.
            PackedValues(bytes: Array(bytes), count: count)
        }
    }

    /// Bytes the packed values take in their block.
    public var byteCount: Int { bytes.count }

    /// The values as a list.
    public var decoded: [FieldValue] {
        var values: [FieldValue] = []
        values.reserveCapacity(count)
        bytes.withUnsafeBufferPointer { buffer in
            var at = 0
            for _ in 0..<count { values.append(Self.read(buffer, at: &at)) }
        }
        return values
    }

    /// Calls `body` with each value's index and value in order, building no list.
    public func forEach(_ body: (Int, FieldValue) throws -> Void) rethrows {
        try bytes.withUnsafeBufferPointer { buffer in
            var at = 0
            for index in 0..<count { try body(index, Self.read(buffer, at: &at)) }
        }
    }

    /// Value `index` (0 ..< ``count``); `.null` past the end, as a missing column reads.
    public func value(_ index: Int) -> FieldValue {
        guard index >= 0, index < count else { return .null }
        return bytes.withUnsafeBufferPointer { buffer in
            var at = 0
            for _ in 0..<index { Self.skip(buffer, at: &at) }
            return Self.read(buffer, at: &at)
        }
    }

    private static func textRange(_ buffer: UnsafeBufferPointer<UInt8>, at: Int) -> Range<Int>? {
        switch Tag(rawValue: buffer[at]) {
        case .shortText: return (at + 2)..<(at + 2 + Int(buffer[at + 1]))
        case .text:
            let length = Int(UInt32(littleEndian: UnsafeRawBufferPointer(buffer).loadUnaligned(fromByteOffset: at + 1, as: UInt32.self)))
            return (at + 5)..<(at + 5 + length)
        default: return nil
        }
    }

    private static func skip(_ buffer: UnsafeBufferPointer<UInt8>, at: inout Int) {
        switch Tag(rawValue: buffer[at]) {
        case .null, .none: at += 1
        case .small: at += 2
        case .integer, .real: at += 9
        case .shortText: at += 2 + Int(buffer[at + 1])
        case .text: at += 5 + Int(UInt32(littleEndian: UnsafeRawBufferPointer(buffer).loadUnaligned(fromByteOffset: at + 1, as: UInt32.self)))
        }
    }

    private static func read(_ buffer: UnsafeBufferPointer<UInt8>, at: inout Int) -> FieldValue {
        let raw = UnsafeRawBufferPointer(buffer)
        switch Tag(rawValue: buffer[at]) {
        case .null, .none:
            at += 1
            return .null
        case .small:
            at += 2
            return .integer(Int64(Int8(bitPattern: buffer[at - 1])))
        case .integer:
            at += 9
            return .integer(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at - 8, as: Int64.self)))
        case .real:
            at += 9
            return .real(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at - 8, as: UInt64.self))))
        case .shortText, .text:
            guard let range = textRange(buffer, at: at) else { return .null }
            at = range.upperBound
            return .text(String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self))
        }
    }
}
