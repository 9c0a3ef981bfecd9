// A plain loop over one query kind, for `perf record`: SpatialProfile KIND [SECONDS].
import Foundation
import OneMap

let kind = CommandLine.arguments.dropFirst().first ?? "nearest"
if kind == "mini" { try miniRun(); exit(0) }
let seconds = Double(CommandLine.arguments.dropFirst(2).first ?? "5") ?? 5
let f = Fixture.shared
let started = Date()
var n = 0, total = 0
while Date().timeIntervalSince(started) < seconds {
    for _ in 0..<1000 {
        let p = f.points[n % f.points.count]
        switch kind {
        case "nearest": total &+= try f.snapshot.nearestShelters(to: p, k: 5).count
        case "nearest-raw": total &+= try f.snapshot.nearest(.shelters, to: p, k: 5).count
        case "build": if n % 1000 == 0 { total &+= SpatialIndex(records: [.hazards: f.hazards]).snapshot.count(.hazards) }
        case "nearest0": total &+= try f.snapshot.nearest(.shelters, to: p, k: 1, maxDistance: 0).count
        case "observer": total &+= GeodesicObserver(p).origin.x > 0 ? 1 : 0
        case "nearest1": total &+= try f.snapshot.nearest(.shelters, to: p, k: 1).count
        case "nearest-hazards": total &+= try f.snapshot.nearest(.hazards, to: p, k: 5).count
        case "radius": total &+= try f.snapshot.count(.hazards, within: 1000, of: p)
        case "radius-hits": total &+= try f.snapshot.features(.hazards, within: 1000, of: p).count
        case "bbox": total &+= try f.snapshot.features(.hazards, in: Fixture.box(around: p)).count
        case "grid": total &+= try f.snapshot.features(.hazards, inGrid: f.gridCodes[n % f.gridCodes.count]).count
        default: fatalError("unknown kind \(kind)")
        }
        n += 1
    }
}
let elapsed = Date().timeIntervalSince(started)
print("\(kind): \(n) queries in \(String(format: "%.2f", elapsed)) s = \(Int(Double(n) / elapsed)) q/s, mean result \(Double(total) / Double(n))")
