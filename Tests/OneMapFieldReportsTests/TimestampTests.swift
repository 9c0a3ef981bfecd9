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

    /// A layer's time extent (`/collections/hazards`' temporal interval) is its earliest and
    /// latest instant, not its least and greatest text: `…T07:00:00+08:00` is before
    /// `…T00:00:00Z` of the same day. Brute force over random times in three offsets, with
    /// unreadable and missing times left out, across several runs of records.
    @Test func aSpanIsOfInstantsNotOfTexts() {
        func hazard(_ i: Int, _ time: FieldValue) -> LayerRecord {
            LayerRecord(id: "H-\(i)", geometry: .point(Coordinate(118, 42)),
                        values: Layer.hazards.columns.map { $0.name == "reported_at" ? time : .null }, extra: [])
        }
        let column = Layer.hazards.columnIndex("reported_at")
        let mixed = [hazard(0, .text("2026-01-01T00:00:00Z")), hazard(1, .text("2026-01-01T07:00:00+08:00")),
                     hazard(2, .text("2026-01-01T05:00:00-03:00"))]
        let span = Timestamps.span(mixed, column: column)
        #expect(span?.first == "2026-01-01T07:00:00+08:00" && span?.last == "2026-01-01T05:00:00-03:00", "\(String(describing: span))")

        var random = SeededRandom(seed: 77)
        let offsets = ["Z", "+08:00", "-05:30"]
        let records = (0..<150_000).map { i -> LayerRecord in
            switch i % 97 {
            case 0: return hazard(i, .null)
            case 1: return hazard(i, .text("not a time"))
            default:
                let date = Date(timeIntervalSince1970: Double(Int.random(in: 1_600_000_000...1_800_000_000, using: &random)))
                let offset = offsets[i % 3]
                var format = Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: offset == "Z" ? 0 : offset == "+08:00" ? 28_800 : -19_800)!)
                format = format.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .colon)
                return hazard(i, .text(format.format(date)))
            }
        }
        let instants = records.compactMap { record -> (Date, String)? in
            guard case .text(let text) = record.value(column), let date = Self.reference(text) else { return nil }
            return (date, text)
        }
        let found = Timestamps.span(records, column: column)
        #expect(found?.first == instants.min { $0.0 < $1.0 }?.1 && found?.last == instants.max { $0.0 < $1.0 }?.1)
        #expect(instants.contains { $0.1.hasSuffix("+08:00") } && instants.contains { $0.1.hasSuffix("-05:30") })
        #expect(Timestamps.span([], column: column) == nil && Timestamps.span([hazard(0, .null)], column: column) == nil)
    }
}
