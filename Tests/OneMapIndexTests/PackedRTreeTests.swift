@testable import OneMapIndex
import OneMap
import Testing

@Suite struct PackedRTreeTests {
    @Test(arguments: [0, 1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 255, 256, 257, 5000])
    func boxSearchEqualsAScan(count: Int) {
        var random = SeededRandom(seed: UInt64(count) + 1)
        let boxes = (0..<count).map { _ in
            let x = random.uniform(0...100), y = random.uniform(0...100)
            return BoundingBox(minX: x, minY: y, maxX: x + random.uniform(0...2), maxY: y + random.uniform(0...2))
        }
        let tree = PackedRTree(boxes: boxes)
        #expect(tree.count == count)
        #expect(Set(tree.order) == Set((0..<count).map(Int32.init)))
        for _ in 0..<200 {
            let x = random.uniform(-10...110), y = random.uniform(-10...110)
            let query = BoundingBox(minX: x, minY: y, maxX: x + random.uniform(0...15), maxY: y + random.uniform(0...15))
            var found: [Int32] = []
            tree.search(query) { found.append(tree.order[$0]) }
            let expected = boxes.indices.filter { boxes[$0].intersects(query) }.map(Int32.init)
            #expect(found.sorted() == expected, "query \(query)")
        }
    }

    @Test func hilbertOrderVisitsEveryCellOnce() {
        // On a 2¹⁶ lattice, the first 16 positions cover a 4 × 4 block, each once.
        var seen = Set<UInt32>()
        for x in UInt32(0)..<4 { for y in UInt32(0)..<4 { seen.insert(HilbertCurve.index(x, y)) } }
        #expect(seen == Set(0..<16))
    }
}
