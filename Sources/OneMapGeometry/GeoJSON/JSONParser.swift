#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error in JSON text, with the line and column (1-based) where the parser stopped.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A pull parser for JSON (RFC 8259) over a ``ByteStream``.
///
/// Callers either parse whole values (`parseValue`) or walk an outer structure token by
/// token (`expect`, `parseString`, `skipWhitespace`) so that a huge array can be read one
/// element at a time. Line numbers are counted in whitespace only: valid JSON has raw
/// newlines nowhere else, so the count is exact without a per-byte cost in strings.
public final class JSONParser {
    private let stream: ByteStream
    public private(set) var line = 1
    private var lineStartOffset = 0
    /// GeoJSON text sequences (RFC 8142) put a record separator before each value.
    public var treatsRecordSeparatorAsWhitespace = false
    private var depth = 0
    private var scratch: [UInt8] = []

    public init(_ stream: ByteStream) { self.stream = stream }

    public var offset: Int { stream.offset }
    public var column: Int { stream.offset - lineStartOffset + 1 }

    public func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(line: line, column: column, message: message)
    }

    /// Skips whitespace and returns the next byte without consuming it (nil at the end).
    @discardableResult
    public func skipWhitespace() throws -> UInt8? {
        while let b = try stream.peek() {
            switch b {
            case 0x20, 0x09, 0x0D: _ = try stream.next()
            case 0x0A:
                _ = try stream.next()
                line += 1
                lineStartOffset = stream.offset
            case 0x1E where treatsRecordSeparatorAsWhitespace: _ = try stream.next()
            default: return b
            }
        }
        return nil
    }

    /// Consumes `byte` after optional whitespace, or throws naming what was found.
    public func expect(_ byte: UInt8) throws {
        let found = try skipWhitespace()
        guard found == byte else { throw error("expected '\(Character(Unicode.Scalar(byte)))', found \(describe(found))") }
        _ = try stream.next()
    }

    /// Consumes `byte` if it comes next (after whitespace) and says whether it did.
    public func consumeIf(_ byte: UInt8) throws -> Bool {
        guard try skipWhitespace() == byte else { return false }
        _ = try stream.next()
        return true
    }

    func describe(_ b: UInt8?) -> String {
        guard let b else { return "the end of the input" }
        if b >= 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16))"
    }

    /// Parses one whole JSON text: a value and nothing after it but whitespace
    /// (`{"a":1} x` is refused, where ``parseValue()`` would stop after the object).
    public func parseDocument() throws -> JSONValue {
        let value = try parseValue()
        if let trailing = try skipWhitespace() { throw error("unexpected \(describe(trailing)) after the JSON value") }
        return value
    }

    public func parseValue() throws -> JSONValue {
        guard let b = try skipWhitespace() else { throw error("unexpected end of input, expected a value") }
        switch b {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("expected a value, found \(describe(b))")
        }
    }

    private func literal(_ word: String) throws {
        for expected in word.utf8 {
            guard try stream.next() == expected else { throw error("invalid literal, expected '\(word)'") }
        }
    }

    private func enter() throws {
        depth += 1
        if depth > 512 { throw error("nesting deeper than 512 levels") }
    }

    private func parseObject() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        _ = try stream.next()  // {
        var members: [JSONMember] = []
        if try consumeIf(UInt8(ascii: "}")) { return .object(members) }
        repeat {
            guard try skipWhitespace() == UInt8(ascii: "\"") else { throw error("expected a member name in quotes, found \(describe(try skipWhitespace()))") }
            let key = try parseString()
            try expect(UInt8(ascii: ":"))
            members.append(JSONMember(key, try parseValue()))
        } while try consumeIf(UInt8(ascii: ","))
        try expectClosing(UInt8(ascii: "}"), in: "object")
        return .object(members)
    }

    private func parseArray() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        _ = try stream.next()  // [
        var items: [JSONValue] = []
        if try consumeIf(UInt8(ascii: "]")) { return .array(items) }
        repeat { items.append(try parseValue()) } while try consumeIf(UInt8(ascii: ","))
        try expectClosing(UInt8(ascii: "]"), in: "array")
        return .array(items)
    }

    /// Expects the closing bracket of an array or object, or a comma before it.
    public func expectClosing(_ byte: UInt8, in container: String) throws {
        let found = try skipWhitespace()
        guard found == byte else {
            throw error("expected ',' or '\(Character(Unicode.Scalar(byte)))' in \(container), found \(describe(found))")
        }
        _ = try stream.next()
    }

    /// Parses a string whose opening quote is next (after whitespace).
    public func parseString() throws -> String {
        try expect(UInt8(ascii: "\""))
        scratch.removeAll(keepingCapacity: true)
        while true {
            guard let b = try stream.next() else { throw error("unterminated string") }
            switch b {
            case UInt8(ascii: "\""):
                // JSON text is UTF-8 (RFC 8259 §8.1); decoding with repair would turn
                // other bytes (GBK, GB18030) into U+FFFD silently.
                guard let text = String(validating: scratch, as: UTF8.self) else {
                    throw error("a string holds bytes that are not UTF-8 (convert GBK or GB18030 text to UTF-8 first)")
                }
                return text
            case UInt8(ascii: "\\"):
                try parseEscape()
            case 0x00..<0x20:
                throw error("control character 0x\(String(b, radix: 16)) inside a string (escape it)")
            default:
                scratch.append(b)
            }
        }
    }

    private func parseEscape() throws {
        guard let e = try stream.next() else { throw error("unterminated escape") }
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by \u and a low surrogate.
                guard try stream.next() == UInt8(ascii: "\\"), try stream.next() == UInt8(ascii: "u") else {
                    throw error("lone high surrogate in \\u escape")
                }
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("invalid low surrogate in \\u escape") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw error("lone low surrogate in \\u escape")
            }
            guard let u = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
            scratch.append(contentsOf: Array(String(Character(u)).utf8))
        default: throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
        }
    }

    private func hex4() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let h = try stream.next() else { throw error("truncated \\u escape") }
            let d: UInt32
            switch h {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(h - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(h - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(h - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            v = v << 4 | d
        }
        return v
    }

    /// Parses a number. Decimal literals with at most 19 significant digits and a small
    /// exponent are converted exactly with one correctly rounded operation (Clinger's fast
    /// path); anything else goes through `strtod`, so every result is the nearest double.
    /// The next byte, after a `peek` said there is one.
    private func take() throws -> UInt8 {
        guard let b = try stream.next() else { throw error("unexpected end of input") }
        return b
    }

    public func parseNumber() throws -> Double {
        scratch.removeAll(keepingCapacity: true)
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var negative = false
        var exponent = 0
        var fast = true
        if try stream.peek() == UInt8(ascii: "-") {
            negative = true
            scratch.append(try take())
        }
        var intDigits = 0
        var leadingZero = false
        while let b = try stream.peek(), b >= 0x30 && b <= 0x39 {
            if intDigits == 0 && b == 0x30 { leadingZero = true } else if leadingZero { throw error("leading zero in a number") }
            scratch.append(try take())
            intDigits += 1
            if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(b - 0x30); if mantissa > 0 { digits += 1 } } else { fast = false }
        }
        guard intDigits > 0 else { throw error("a number needs digits") }
        if try stream.peek() == UInt8(ascii: ".") {
            scratch.append(try take())
            var any = false
            while let b = try stream.peek(), b >= 0x30 && b <= 0x39 {
                scratch.append(try take())
                any = true
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(b - 0x30)
                    if mantissa > 0 { digits += 1 }
                    fractionDigits += 1
                } else { fast = false }
            }
            guard any else { throw error("a number needs digits after the decimal point") }
        }
        if let e = try stream.peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            scratch.append(try take())
            var expNegative = false
            if let s = try stream.peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") {
                expNegative = s == UInt8(ascii: "-")
                scratch.append(try take())
            }
            var any = false
            while let b = try stream.peek(), b >= 0x30 && b <= 0x39 {
                scratch.append(try take())
                any = true
                if exponent < 10_000 { exponent = exponent * 10 + Int(b - 0x30) }
            }
            guard any else { throw error("a number needs digits in its exponent") }
            if expNegative { exponent = -exponent }
        }
        let power = exponent - fractionDigits
        if fast && mantissa < (1 << 53) && power >= -22 && power <= 22 {
            var value = Double(mantissa)
            if power < 0 { value /= Self.powersOfTen[-power] } else { value *= Self.powersOfTen[power] }
            return negative ? -value : value
        }
        scratch.append(0)
        let value = scratch.withUnsafeBufferPointer { buf in
            buf.baseAddress.map { $0.withMemoryRebound(to: CChar.self, capacity: buf.count) { strtod($0, nil) } } ?? .nan
        }
        // 1e400 overflows to infinity: no coordinate, count or distance is infinite, and
        // letting it through made `Int(value)` trap in request handlers.
        guard value.isFinite else { throw error("the number \(String(decoding: scratch.dropLast(), as: UTF8.self)) is out of range") }
        return value
    }

    private static let powersOfTen: [Double] = (0...22).map { p in
        var v = 1.0
        for _ in 0..<p { v *= 10 }
        return v
    }
}
