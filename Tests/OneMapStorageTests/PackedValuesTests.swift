import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// Records hold their values packed; every value must read back as it went in, one at a
/// time and as a list, and records compare as they did with a list of values.
@Suite struct PackedValuesTests {
    static let edges: [FieldValue] = [
        .null, .integer(0), .integer(-128), .integer(127), .integer(128), .integer(-129), .integer(.max), .integer(.min),
        .real(0), .real(-0.0), .real(.infinity), .real(-.infinity), .real(1e-300), .real(3.141592653589793), .real(.greatestFiniteMagnitude),
        .text(""), .text("closed"), .text("第296社区在建工地1号"), .text(String(repeating: "a", count: 255)),
        .text(String(repeating: "界", count: 86)), .text(String(repeating: "b", count: 256)), .text(String(repeating: "c", count: 70_000)),
        .text("a\u{0}b"), .text("🧯 emoji"),
    ]

    @Test func everyValueReadsBackAsItWentIn() {
        var random = SeededRandom(seed: 18)
        for round in 0..<2_000 {
            let count = round == 0 ? 0 : Int.random(in: 1...24, using: &random)
            let values = (0..<count).map { _ in Self.edges.randomElement(using: &random) ?? .null }
            let packed = PackedValues(values)
            #expect(packed.count == values.count)
            #expect(packed.decoded == values)
            for (index, value) in values.enumerated() { #expect(packed.value(index) == value) }
            var seen: [FieldValue] = []
            packed.forEach { index, value in
                #expect(index == seen.count)
                seen.append(value)
            }
            #expect(seen == values)
            #expect(packed.value(count) == .null)
            #expect(packed.value(-1) == .null)
        }
    }

    @Test func realsKeepTheirBitsAndNaNReadsAsNaN() {
        let packed = PackedValues([.real(-0.0), .real(.nan)])
        guard case .real(let zero) = packed.value(0), case .real(let nan) = packed.value(1) else {
            Issue.record("reals read back as another kind")
            return
        }
        #expect(zero.sign == .minus && zero == 0)
        #expect(nan.isNaN)
    }

    @Test func recordsCompareAndHashAsTheirValues() {
        func record(_ values: [FieldValue]) -> LayerRecord {
            LayerRecord(id: "H-1", geometry: .point(Coordinate(109.8, 39.6)), values: values, extra: [])
        }
        #expect(record([.real(0)]) == record([.real(-0.0)]))
        #expect(Set([record([.real(0)]), record([.real(-0.0)])]).count == 1)
        #expect(record([.integer(1)]) != record([.real(1)]))
        #expect(record([.text("a")]) != record([.text("b")]))
        var changed = record([.text("open"), .integer(5)])
        changed.values[0] = .text("closed")
        #expect(changed.values == [.text("closed"), .integer(5)])
        #expect(changed.value(1) == .integer(5))
    }
}
