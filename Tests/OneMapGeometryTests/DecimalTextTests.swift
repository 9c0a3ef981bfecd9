import Foundation
import OneMapGeometry
import Testing

/// Numbers in text are decimal: what Double(_:) would also take (hexadecimal floats, inf,
/// nan) is not a number here.
@Suite struct DecimalTextTests {
    @Test(arguments: [("1", 1.0), ("-2.5", -2.5), ("+3", 3.0), (".5", 0.5), ("5.", 5.0), ("1e3", 1000.0), ("1E-2", 0.01), ("109.78", 109.78)])
    func decimalsAreRead(_ text: String, _ value: Double) {
        #expect(DecimalText.number(text) == value)
    }

    @Test(arguments: ["0x1p3", "0x10", "inf", "-inf", "nan", "NaN", "1e400", "", "-", ".", "1e", "1e+", "1.2.3", " 1", "1 ", "١", "1_000", "e5"])
    func everythingElseIsNot(_ text: String) {
        #expect(DecimalText.number(text) == nil, "\(text)")
    }
}
