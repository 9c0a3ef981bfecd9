import OneMapGeometry

/// A static R-tree packed into flat arrays: boxes sorted along a Hilbert curve, grouped
/// sixteen to a node, level by level up to one root. No pointers and no per-node objects,
/// so it builds in one sort and two passes and is read without locks by any number of threads.
///
/// Entries `0..<count` are the leaves, in tree order; ``order`` maps each leaf position back
/// to the index of the box it was built from, so owners can store their items in tree order.
public struct PackedRTree: Sendable {
    public static let nodeSize = 16

    /// Number of leaves (items).
    public let count: Int
    /// minX, minY, maxX, maxY per entry: leaves first, then each level above.
    let boxes: [Double]
    /// For a node above the leaves, the position of its first child.
    let firstChild: [Int32]
    /// End position of each level; level 0 holds the leaves.
    let levelEnds: [Int]
    /// The input index of the box at each leaf position.
    public let order: [Int32]

    public init(boxes input: [BoundingBox]) {
        count = input.count
        var extent = BoundingBox.empty
        for box in input { extent.extend(box) }

        // Sort leaves by the Hilbert position of their centres; ties by input order.
        let scaleX = extent.width > 0 ? Double(HilbertCurve.side - 1) / extent.width : 0
        let scaleY = extent.height > 0 ? Double(HilbertCurve.side - 1) / extent.height : 0
        var keyed = [UInt64](repeating: 0, count: input.count)
        for (i, box) in input.enumerated() {
            let x = UInt32(((box.minX + box.maxX) / 2 - extent.minX) * scaleX)
            let y = UInt32(((box.minY + box.maxY) / 2 - extent.minY) * scaleY)
            keyed[i] = UInt64(HilbertCurve.index(x, y)) << 32 | UInt64(i)
        }
        keyed.sort()
        order = keyed.map { Int32(truncatingIfNeeded: $0) }

        var boxes: [Double] = []
        boxes.reserveCapacity(input.count * 4 * 17 / 16 + 8)
        for i in order {
            let b = input[Int(i)]
            boxes += [b.minX, b.minY, b.maxX, b.maxY]
        }
        var firstChild = [Int32](repeating: -1, count: input.count)
        var levelEnds = [input.count]
        var start = 0, end = input.count
        while end - start > 1 {
            for group in stride(from: start, to: end, by: Self.nodeSize) {
                var minX = Double.infinity, minY = Double.infinity
                var maxX = -Double.infinity, maxY = -Double.infinity
                for child in group..<min(group + Self.nodeSize, end) {
                    minX = min(minX, boxes[4 * child]); minY = min(minY, boxes[4 * child + 1])
                    maxX = max(maxX, boxes[4 * child + 2]); maxY = max(maxY, boxes[4 * child + 3])
                }
                boxes += [minX, minY, maxX, maxY]
                firstChild.append(Int32(group))
            }
            start = end
            end = firstChild.count
            levelEnds.append(end)
        }
        self.boxes = boxes
        self.firstChild = firstChild
        self.levelEnds = levelEnds
    }

    /// The root's position and level, or nil for an empty tree.
    var root: (position: Int, level: Int)? {
        count == 0 ? nil : (levelEnds[levelEnds.count - 1] - 1, levelEnds.count - 1)
    }

    /// Positions of the children of the node at `position` on `level` (≥ 1).
    func children(of position: Int, level: Int) -> Range<Int> {
        let first = Int(firstChild[position])
        return first..<min(first + Self.nodeSize, levelEnds[level - 1])
    }

    /// Bytes held by the arrays (for the memory figures).
    public var byteCount: Int { boxes.count * 8 + firstChild.count * 4 + order.count * 4 }

    /// Calls `visit` with the leaf position of every item whose box meets `box` (edges count).
    public func search(_ box: BoundingBox, _ visit: (Int) -> Void) {
        search(admitting: { minX, minY, maxX, maxY in
            minX <= box.maxX && minY <= box.maxY && maxX >= box.minX && maxY >= box.minY
        }, visit)
    }

    /// Depth-first search that descends into every entry whose box `admits` accepts and calls
    /// `visit` with each admitted leaf. `admits` must accept a node whenever it would accept
    /// any leaf below it (a box test, or a distance lower bound under a limit).
    @inline(__always)
    func search(admitting admits: (Double, Double, Double, Double) -> Bool, _ visit: (Int) -> Void) {
        guard let root else { return }
        boxes.withUnsafeBufferPointer { b in
            func admitted(_ p: Int) -> Bool { admits(b[4 * p], b[4 * p + 1], b[4 * p + 2], b[4 * p + 3]) }
            guard admitted(root.position) else { return }
            if root.level == 0 { visit(root.position); return }
            var stack: [(Int, Int)] = [(root.position, root.level)]
            stack.reserveCapacity(64)
            while let (node, level) = stack.popLast() {
                for child in children(of: node, level: level) where admitted(child) {
                    if level == 1 { visit(child) } else { stack.append((child, level - 1)) }
                }
            }
        }
    }

    /// The box of the entry at `position`.
    func box(at position: Int) -> (minX: Double, minY: Double, maxX: Double, maxY: Double) {
        (boxes[4 * position], boxes[4 * position + 1], boxes[4 * position + 2], boxes[4 * position + 3])
    }
}
