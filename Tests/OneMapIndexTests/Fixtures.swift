import Foundation
@testable import OneMapIndex
import OneMap

/// Builds layer records from a few named values (the rest null).
func makeRecord(_ layer: Layer, _ id: String, _ geometry: Geometry, _ named: [String: FieldValue] = [:]) -> LayerRecord {
    let values = layer.columns.map { named[$0.name] ?? .null }
    return LayerRecord(id: id, geometry: geometry, values: values, extra: [])
}

func value(_ record: LayerRecord, _ layer: Layer, _ column: String) -> FieldValue {
    record.values[layer.columns.firstIndex { $0.name == column }!]
}

/// Seeded synthetic data around Chifeng: uniform and clustered points, and a sprinkling
/// of small polygons and lines, with hazard and shelter attributes.
struct Scene {
    static let centre = Coordinate(118.9, 42.25)
    var random: SeededRandom
    var hazards: [LayerRecord] = []
    var shelters: [LayerRecord] = []
    var grids: [LayerRecord] = []

    init(seed: UInt64, hazards hazardCount: Int, shelters shelterCount: Int, clustered: Bool) {
        random = SeededRandom(seed: seed)
        let clusters = (0..<12).map { _ in randomPoint(spread: 0.4) }
        for n in 0..<hazardCount {
            let c = clustered ? jitter(clusters[n % clusters.count], sigma: 0.01) : randomPoint(spread: 0.5)
            let geometry: Geometry = switch n % 10 {
            case 0: smallSquare(around: c, size: 0.002)
            case 1: .lineString([c, Coordinate(c.x + 0.003, c.y + 0.001), Coordinate(c.x + 0.004, c.y - 0.002)])
            default: .point(c)
            }
            hazards.append(makeRecord(.hazards, "H\(n)", geometry, [
                "level": .integer(Int64(1 + n % 4)),
                "kind": .text(["gas_station", "pipeline", "construction_site", "waterlogging"][n % 7 % 4]),
                "status": .text(["registered", "rectifying", "closed"][n % 3]),
                "impact_distance_m": .real(Double(n % 5) * 100),
            ]))
        }
        for n in 0..<shelterCount {
            let c = clustered ? jitter(clusters[n % clusters.count], sigma: 0.03) : randomPoint(spread: 0.5)
            let geometry: Geometry = n % 4 == 0 ? smallSquare(around: c, size: 0.003) : .point(c)
            shelters.append(makeRecord(.shelters, "S\(n)", geometry, [
                "shelter_class": .text(["I", "II", "III"][n % 3]),
                "status": .text(["open", "open", "full", "closed"][n % 4]),
                "capacity": .integer(Int64(200 + (n * 37) % 3000)),
                "occupancy": n % 5 == 0 ? .null : .integer(Int64((n * 53) % 1500)),
                "effective_area_m2": .real(Double(400 + (n * 91) % 9000)),
            ]))
        }
        // A 6 × 6 lattice of grid cells, 0.1° square, over the middle of the scene.
        for row in 0..<6 {
            for col in 0..<6 {
                let x0 = Self.centre.x - 0.3 + Double(col) * 0.1, y0 = Self.centre.y - 0.3 + Double(row) * 0.1
                let ring = [Coordinate(x0, y0), Coordinate(x0 + 0.1, y0), Coordinate(x0 + 0.1, y0 + 0.1),
                            Coordinate(x0, y0 + 0.1), Coordinate(x0, y0)]
                grids.append(makeRecord(.grids, "G\(row)-\(col)", .multiPolygon([[ring]]), ["code": .text("150404-\(row)\(col)")]))
            }
        }
    }

    mutating func randomPoint(spread: Double) -> Coordinate {
        Coordinate(Self.centre.x + random.uniform(-spread...spread), Self.centre.y + random.uniform(-spread...spread))
    }

    mutating func jitter(_ c: Coordinate, sigma: Double) -> Coordinate {
        Coordinate(c.x + random.normal() * sigma, c.y + random.normal() * sigma)
    }

    func smallSquare(around c: Coordinate, size: Double) -> Geometry {
        let h = size / 2
        return .polygon([[Coordinate(c.x - h, c.y - h), Coordinate(c.x + h, c.y - h), Coordinate(c.x + h, c.y + h),
                          Coordinate(c.x - h, c.y + h), Coordinate(c.x - h, c.y - h)]])
    }

    var index: SpatialIndex { SpatialIndex(records: [.hazards: hazards, .shelters: shelters, .grids: grids]) }
}

/// The reference every query is checked against: a linear scan with PROJ's geodesic
/// (Karney) for points, and the observer's geometry measure for lines and polygons
/// (itself checked against dense geodesic sampling in GeodesyTests).
enum BruteForce {
    static func distance(from p: Coordinate, to record: LayerRecord) -> Double {
        if case .point(let c) = record.geometry { return Geodesic.wgs84.distance(p, c) }
        return GeodesicObserver(p).measure(record.geometry).distance
    }

    static func bearing(from p: Coordinate, to record: LayerRecord) -> Double? {
        guard case .point(let c) = record.geometry else { return nil }
        let azimuth = Geodesic.wgs84.inverse(from: p, to: c).initialBearing
        return azimuth < 0 ? azimuth + 360 : azimuth
    }

    static func within(_ records: [LayerRecord], _ p: Coordinate, _ radius: Double,
                       _ keep: (LayerRecord) -> Bool = { _ in true }) -> [(String, Double)] {
        records.filter(keep).map { ($0.id, distance(from: p, to: $0)) }.filter { $0.1 <= radius + 1e-6 }
            .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
    }

    static func nearest(_ records: [LayerRecord], _ p: Coordinate, _ k: Int,
                        _ keep: (LayerRecord) -> Bool = { _ in true }) -> [(String, Double)] {
        Array(within(records, p, .infinity, keep).prefix(k))
    }
}

func angleDifference(_ a: Double, _ b: Double) -> Double {
    let d = abs(a - b).truncatingRemainder(dividingBy: 360)
    return min(d, 360 - d)
}
