import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// Times are read by arithmetic in their common forms; Foundation's ISO 8601 parse is the
/// reference for every one of them, and what arithmetic refuses is left to it.
@Suite struct TimestampTests {
    static func reference(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle().parse(text)) ?? (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().year().month().day().parse(text))
    }

    @Test func commonFormsReadAsFoundationReadsThem() {
        var random = SeededRandom(seed: 2026)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var checked = 0
        for round in 0..<6_000 {
            let year = [1970, 1999, 2000, 2024, 2026, 2100, 2400, 9999][round % 8]
            let month = Int.random(in: 1...12, using: &random), day = Int.random(in: 1...31, using: &random)
            let hour = Int.random(in: 0...23, using: &random), minute = Int.random(in: 0...59, using: &random)
            let second = Int.random(in: 0...59, using: &random)
            let date = "\(year)-\(two(month))-\(two(day))"
            let zone = ["Z", "+08:00", "-05:30", "+00:00", "+14:00", "-12:00"][round % 6]
            for text in [date, "\(date)T\(two(hour)):\(two(minute)):\(two(second))\(zone)"] {
                let fast = Timestamps.wholeSeconds(text)
                let expected = Self.reference(text)
                if let fast {
                    #expect(expected?.timeIntervalSince1970 == fast, "\(text)")
                    checked += 1
                } else {
                    // Refused only where the date does not exist (31 April, 29 February 2026…).
                    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
                    #expect(day > [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1], "\(text)")
                }
                #expect(Timestamps.parse(text) == expected, "\(text)")
            }
        }
        #expect(checked > 10_000)
    }

    @Test func otherSpellingsAreLeftToFoundation() {
        for text in ["2026-12-03T08:00:00.250Z", "2026-12-03t08:00:00z", "2026-12-03T08:00:00+0800", "1969-12-31T23:59:59Z",
                     "2026-13-01", "2026-00-10", "2026-12-03T24:00:00Z", "2026-12-03T08:60:00Z", "2026-12-03T08:00:61Z",
                     "２０２６-12-03", "2026-12-03 08:00:00Z", "", "x", "2026-12-03T08:00:00+08:0a"] {
            #expect(Timestamps.wholeSeconds(text) == nil, "\(text)")
            #expect(Timestamps.parse(text) == Self.reference(text), "\(text)")
        }
    }
}
