/// Numbers written in text (query parameters, CSV fields, attribute strings), read as
/// decimal only: `Double(_:)` also takes hexadecimal floats (`0x1p3` is 8), `inf` and
/// `nan`, which no one means by a coordinate or a capacity.
public enum DecimalText {
    /// The finite number `text` spells as `[+-]digits[.digits][e[+-]digits]` (or `.5`,
    /// `5.`); nil for anything else, hexadecimal, infinite and NaN included.
    public static func number(_ text: some StringProtocol) -> Double? {
        guard isDecimal(text.utf8), let value = Double(String(text)), value.isFinite else { return nil }
        return value
    }

    /// ``number(_:)`` of a `String` (the common case, without the generic detour: a
    /// query's coordinates were 2,700 instructions each through it).
    public static func number(_ text: String) -> Double? {
        var text = text
        let decimal = text.withUTF8 { isDecimal($0) }
        guard decimal, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// Whether `bytes` are a decimal number's syntax.
    @inlinable public static func isDecimal(_ bytes: some Collection<UInt8>) -> Bool {
        var i = bytes.startIndex
        func at(_ test: (UInt8) -> Bool) -> Bool { i != bytes.endIndex && test(bytes[i]) }
        func digits() -> Int {
            var n = 0
            while at({ $0 >= 0x30 && $0 <= 0x39 }) { bytes.formIndex(after: &i); n += 1 }
            return n
        }
        if at({ $0 == 0x2B || $0 == 0x2D }) { bytes.formIndex(after: &i) }
        var mantissa = digits()
        if at({ $0 == 0x2E }) {
            bytes.formIndex(after: &i)
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if at({ $0 == 0x65 || $0 == 0x45 }) {
            bytes.formIndex(after: &i)
            if at({ $0 == 0x2B || $0 == 0x2D }) { bytes.formIndex(after: &i) }
            guard digits() > 0 else { return false }
        }
        return i == bytes.endIndex
    }
}
