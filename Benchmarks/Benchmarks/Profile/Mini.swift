import Foundation
import OneMap

/// A small run for callgrind: only the shelters, 20,000 nearest-shelter queries.
func miniRun() throws {
    let index = try SpatialIndex.load(from: GeoPackage(path: Fixture.dataPath, mode: .readOnly), layers: [.shelters])
    let snapshot = index.snapshot
    var random = SeededRandom(seed: 1)
    let points = (0..<20_000).map { _ in Coordinate(random.uniform(118.8...119.0), random.uniform(42.2...42.3)) }
    var total = 0
    for p in points { total &+= try snapshot.nearest(.shelters, to: p, k: 5).count }
    print("mini: \(total)")
}
