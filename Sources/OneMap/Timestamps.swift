import Foundation
import OneMapStorage
import OneMapWork

/// RFC 3339 times without `ISO8601DateFormatter`, whose creation (ICU) cost a third of a
/// features request; the format styles are values, safe to share across threads.
public enum Timestamps {
    private static let plain = Date.ISO8601FormatStyle()
    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let day = Date.ISO8601FormatStyle().year().month().day()

    public static func now() -> String { plain.format(Date()) }
    /// `date` as the service writes times (ISO 8601 UTC, whole seconds).
    public static func format(_ date: Date) -> String { plain.format(date) }

    /// An instant as RFC 3339 (with or without fractional seconds) or a bare date.
    public static func parse(_ text: String) -> Date? {
        if let seconds = wholeSeconds(text) { return Date(timeIntervalSince1970: seconds) }
        return (try? plain.parse(text)) ?? (try? fractional.parse(text)) ?? (try? day.parse(text))
    }

    /// The common forms read by arithmetic: `YYYY-MM-DD` (midnight UTC) and
    /// `YYYY-MM-DDTHH:MM:SS` with `Z` or `±HH:MM`, years 1970–9999, every field in range.
    /// Anything else (fractions, other spellings, a 30 February) is nil and left to the
    /// format styles. Foundation's parse took ~2 µs a time: the start-up overdue look over a
    /// city's million hazards spent most of its 1.5 s there.
    public static func wholeSeconds(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { u -> Double? in
            guard u.count == 10 || u.count == 20 || u.count == 25 else { return nil }
            func digits(_ at: Int, _ n: Int) -> Int? {
                var value = 0
                for i in at..<(at + n) {
                    let d = Int(u[i]) - 48
                    guard d >= 0 && d <= 9 else { return nil }
                    value = value * 10 + d
                }
                return value
            }
            guard let year = digits(0, 4), u[4] == UInt8(ascii: "-"), let month = digits(5, 2), u[7] == UInt8(ascii: "-"),
                  let day = digits(8, 2), year >= 1970, (1...12).contains(month), day >= 1 else { return nil }
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
            guard day <= monthDays else { return nil }
            // Days since 1970-01-01 in the proleptic Gregorian calendar (civil-from-days inverted).
            let y = month <= 2 ? year - 1 : year
            let era = y / 400, yoe = y - era * 400
            let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
            let days = era * 146_097 + doe - 719_468
            guard u.count > 10 else { return Double(days * 86_400) }
            guard u[10] == UInt8(ascii: "T"), let hour = digits(11, 2), u[13] == UInt8(ascii: ":"), let minute = digits(14, 2),
                  u[16] == UInt8(ascii: ":"), let second = digits(17, 2), hour < 24, minute < 60, second < 60 else { return nil }
            var offset = 0
            if u.count == 20 {
                guard u[19] == UInt8(ascii: "Z") else { return nil }
            } else {
                guard u[19] == UInt8(ascii: "+") || u[19] == UInt8(ascii: "-"), let oh = digits(20, 2), u[22] == UInt8(ascii: ":"),
                      let om = digits(23, 2), oh < 24, om < 60 else { return nil }
                offset = (oh * 3600 + om * 60) * (u[19] == UInt8(ascii: "+") ? 1 : -1)
            }
            return Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
        }
    }
}

extension Timestamps {
    /// The earliest and latest of `records`' times in `column` as they are written, chosen
    /// by the instant each names (a `…+08:00` time sorts before a later-looking `…Z` one; as
    /// text it would not), on every core. Times that cannot be read are left out.
    public static func span(_ records: [LayerRecord], column: Int) -> (first: String, last: String)? {
        typealias End = (seconds: Double, text: String)
        let runs = records.parallelRuns(of: 65_536) { run -> (End, End)? in
            var low: End?, high: End?
            for record in run {
                guard case .text(let text) = record.value(column),
                      let seconds = wholeSeconds(text) ?? parse(text)?.timeIntervalSince1970 else { continue }
                if low.map({ seconds < $0.seconds }) ?? true { low = (seconds, text) }
                if high.map({ seconds > $0.seconds }) ?? true { high = (seconds, text) }
            }
            guard let low, let high else { return nil }
            return (low, high)
        }
        let found = runs.compactMap { $0 }
        guard let first = found.min(by: { $0.0.seconds < $1.0.seconds })?.0,
              let last = found.max(by: { $0.1.seconds < $1.1.seconds })?.1 else { return nil }
        return (first.text, last.text)
    }
}
