import Foundation
import OneMap

/// A small run for callgrind: only the shelters, 20,000 nearest-shelter queries.
func miniRun() throws {
    let index = try SpatialIndex.load(from: GeoPackage(path: Fixture.dataPath, mode: .readOnly), layers: [.shelters])
    let snapshot = index.snapshot
    var random = SeededRandom(seed: 1)
    let shelters = try snapshot.allFeatures(.shelters).map { $0.geometry.boundingBox!.center }
    let points = (0..<20_000).map { _ in
        let c = random.element(shelters)
        return Coordinate(c.x + random.normal() * 0.01, c.y + random.normal() * 0.008)
    }
    var total = 0
    for p in points { total &+= try snapshot.nearest(.shelters, to: p, k: 5).count }
    print("mini: \(total)")
}
