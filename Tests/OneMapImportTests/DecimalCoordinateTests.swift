import Foundation
import OneMap
import Testing

@Suite struct DecimalCoordinateTests {
    /// The CSV importer reads coordinates through it: a hexadecimal one is refused, not read as 8.
    @Test func theCSVReaderRefusesHexadecimalCoordinates() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hex-\(getpid()).csv").path
        try "lon,lat\n0x1p3,39.6\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: (any Error).self) { try ImportReaders.csvFeatures(path: path) }
    }
}
