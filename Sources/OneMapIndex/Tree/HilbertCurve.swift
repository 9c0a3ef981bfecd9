/// Positions along a Hilbert curve over a 2¹⁶ × 2¹⁶ lattice. Sorting boxes by the curve
/// position of their centres keeps neighbours in space close in memory, which is what
/// makes a packed R-tree's nodes tight.
enum HilbertCurve {
    static let side: UInt32 = 1 << 16

    /// The distance along the curve of lattice cell (x, y), both below ``side``.
    static func index(_ x: UInt32, _ y: UInt32) -> UInt32 {
        var x = x, y = y, d: UInt32 = 0
        var s = side / 2
        while s > 0 {
            let rx: UInt32 = (x & s) > 0 ? 1 : 0
            let ry: UInt32 = (y & s) > 0 ? 1 : 0
            d &+= s &* s &* ((3 * rx) ^ ry)
            // Rotate the quadrant so the sub-curve starts and ends where the parent expects.
            if ry == 0 {
                if rx == 1 {
                    // Bits above s are never read again, so flipping them too is harmless.
                    x = side - 1 - x
                    y = side - 1 - y
                }
                swap(&x, &y)
            }
            s /= 2
        }
        return d
    }
}
