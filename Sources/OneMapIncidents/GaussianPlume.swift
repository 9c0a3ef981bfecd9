import Foundation
import OneMapGeometry

/// A toxic release's ground-level threat zones, estimated with a Gaussian plume: a
/// continuous point source of `Q` g/s at height `H`, wind `u` m/s, Pasquill stability
/// class A–F, with ground reflection:
///
///     C(x, y, 0) = Q / (π u σy σz) · exp(−y² / 2σy²) · exp(−H² / 2σz²)      (g/m³)
///
/// σy and σz are Briggs's formulas (open country) or McElroy–Pooler's (urban) as given by
/// Turner's workbook and used by ALOHA's Gaussian model. For a concentration threshold
/// the footprint is where C ≥ threshold: half-width σy·√(2 ln(C(x,0)/threshold)) at each
/// downwind distance. ALOHA draws these as red, orange and yellow zones for AEGL-3/2/1.
///
/// An estimate only: see ``limits(_:_:length:)``.
public enum GaussianPlume {
    public enum Stability: String, Sendable, CaseIterable, Codable {
        case A, B, C, D, E, F

        public var meaning: String {
            switch self {
            case .A: "very unstable (strong sun, light wind)"
            case .B: "unstable"
            case .C: "slightly unstable"
            case .D: "neutral (overcast, or wind above 6 m/s)"
            case .E: "slightly stable (night, light wind)"
            case .F: "stable (clear night, light wind)"
            }
        }
    }

    /// Ground roughness: open country (Briggs rural σ) or towns and forest (urban σ).
    public enum Surface: String, Sendable, CaseIterable, Codable {
        case rural, urban
    }

    public struct Release: Sendable, Equatable {
        /// Release rate, grams per second.
        public var rateGS: Double
        /// Height of the release above ground, metres.
        public var heightM: Double

        public init(rateGS: Double, heightM: Double) {
            self.rateGS = rateGS
            self.heightM = heightM
        }

        /// Why the release cannot be modelled, or nil.
        public var problem: String? {
            guard rateGS > 0, rateGS <= 1e7, rateGS.isFinite else { return "release rate \(rateGS) g/s: it must be above 0 and at most 10,000,000 g/s" }
            guard (0...500).contains(heightM) else { return "release height \(heightM) m: it must be 0…500 m" }
            return nil
        }
    }

    public struct Weather: Sendable, Equatable {
        /// Where the wind blows from, degrees clockwise from north (meteorological).
        public var windFromDegrees: Double
        /// Wind speed at 10 m, m/s.
        public var windSpeedMS: Double
        public var stability: Stability
        public var surface: Surface

        public init(windFromDegrees: Double, windSpeedMS: Double, stability: Stability, surface: Surface) {
            self.windFromDegrees = windFromDegrees
            self.windSpeedMS = windSpeedMS
            self.stability = stability
            self.surface = surface
        }

        /// Why the weather cannot be modelled at all, or nil.
        public var problem: String? {
            guard (0...360).contains(windFromDegrees) else { return "wind direction \(windFromDegrees)°: it must be 0…360° (where the wind comes from)" }
            guard windSpeedMS >= 0.5, windSpeedMS <= 50 else { return "wind speed \(windSpeedMS) m/s: a plume is estimated for 0.5…50 m/s; in calm air gas spreads in every direction" }
            return nil
        }
    }

    /// σy and σz in metres at `x` metres downwind.
    public static func sigmas(x: Double, _ weather: Weather) -> (y: Double, z: Double) {
        switch weather.surface {
        case .rural:
            let y = [Stability.A: 0.22, .B: 0.16, .C: 0.11, .D: 0.08, .E: 0.06, .F: 0.04][weather.stability] ?? 0.08
            let sy = y * x / (1 + 0.0001 * x).squareRoot()
            let sz: Double = switch weather.stability {
            case .A: 0.20 * x
            case .B: 0.12 * x
            case .C: 0.08 * x / (1 + 0.0002 * x).squareRoot()
            case .D: 0.06 * x / (1 + 0.0015 * x).squareRoot()
            case .E: 0.03 * x / (1 + 0.0003 * x)
            case .F: 0.016 * x / (1 + 0.0003 * x)
            }
            return (sy, sz)
        case .urban:
            let sy: Double, sz: Double
            switch weather.stability {
            case .A, .B:
                sy = 0.32 * x / (1 + 0.0004 * x).squareRoot()
                sz = 0.24 * x * (1 + 0.001 * x).squareRoot()
            case .C:
                sy = 0.22 * x / (1 + 0.0004 * x).squareRoot()
                sz = 0.20 * x
            case .D:
                sy = 0.16 * x / (1 + 0.0004 * x).squareRoot()
                sz = 0.14 * x / (1 + 0.0003 * x).squareRoot()
            case .E, .F:
                sy = 0.11 * x / (1 + 0.0004 * x).squareRoot()
                sz = 0.08 * x / (1 + 0.0015 * x).squareRoot()
            }
            return (sy, sz)
        }
    }

    /// Ground-level concentration in mg/m³ at `x` metres downwind and `y` metres crosswind
    /// (0 upwind of the source).
    public static func concentration(x: Double, y: Double, _ release: Release, _ weather: Weather) -> Double {
        guard x > 0 else { return 0 }
        let (sy, sz) = sigmas(x: x, weather)
        let centre = release.rateGS / (Double.pi * weather.windSpeedMS * sy * sz) * exp(-release.heightM * release.heightM / (2 * sz * sz))
        return 1000 * centre * exp(-y * y / (2 * sy * sy))
    }

    /// The footprint where the concentration reaches `threshold` mg/m³, out to `maxDistance`
    /// metres: downwind distances with their half-widths (metres), or empty.
    public static func footprint(threshold: Double, _ release: Release, _ weather: Weather, maxDistance: Double) -> [(x: Double, halfWidth: Double)] {
        func centre(_ x: Double) -> Double { concentration(x: x, y: 0, release, weather) }
        func width(_ x: Double) -> Double {
            let c = centre(x)
            guard c > threshold else { return 0 }
            return sigmas(x: x, weather).y * (2 * log(c / threshold)).squareRoot()
        }
        // Log-spaced distances from 1 m: the plume is narrow and changes fast near the source.
        let steps = 240
        let xs = (0...steps).map { exp(log(maxDistance) * Double($0) / Double(steps)) }
        guard let first = xs.firstIndex(where: { centre($0) >= threshold }) else { return [] }
        let last = xs[first...].lastIndex { centre($0) >= threshold } ?? first
        // Where the centreline crosses the threshold, by bisection (the zone's tip, and its start for a raised source).
        func crossing(_ below: Double, _ above: Double) -> Double {
            var (lo, hi) = (below, above)
            for _ in 0..<60 {
                let mid = (lo + hi) / 2
                if (centre(mid) >= threshold) == (centre(above) >= threshold) { hi = mid } else { lo = mid }
            }
            return (lo + hi) / 2
        }
        var points: [(Double, Double)] = []
        let start = first == 0 ? 0 : crossing(xs[first - 1], xs[first])
        points.append((start, 0))
        for x in xs[first...last] where x > start { points.append((x, width(x))) }
        if last < steps {
            points.append((crossing(xs[last + 1], xs[last]), 0))
        }
        return points
    }

    /// The footprint as a polygon in lon/lat around `source`, the plume blowing away from
    /// where the wind comes from; nil when the threshold is never reached.
    public static func zone(at source: Coordinate, threshold: Double, _ release: Release, _ weather: Weather, maxDistance: Double) -> (polygon: Geometry, length: Double)? {
        let points = footprint(threshold: threshold, release, weather, maxDistance: maxDistance)
        guard points.count >= 2, let length = points.last?.x else { return nil }
        let frame = LocalFrame(centre: source)
        let bearing = (weather.windFromDegrees + 180) * .pi / 180
        let (dx, dy) = (sin(bearing), cos(bearing))
        func place(_ x: Double, _ y: Double) -> Coordinate {
            frame.toDegrees(Coordinate(x * dx + y * dy, x * dy - y * dx))
        }
        var ring: [Coordinate] = points.map { place($0.x, $0.halfWidth) }
        for p in points.reversed() where p.halfWidth > 0 { ring.append(place(p.x, -p.halfWidth)) }
        // A footprint with no width anywhere is a line: give it the least width that makes it a polygon.
        if ring.count < 3 { return nil }
        ring.append(ring[0])
        return (.polygon([ring]), length)
    }

    /// What the estimate cannot know, in words for the commander (always shown with it).
    public static func limits(_ release: Release, _ weather: Weather, length: Double, maxDistance: Double) -> [String] {
        var notes = [
            "An estimate: a steady Gaussian plume of a continuous, neutrally buoyant release over flat, uniform ground; a dense gas (chlorine, ammonia at high rates) hugs the ground and spreads wider than this model says.",
            "Shifting wind: the zone points one way only; if the wind direction changes, the whole zone swings round the source — watch the wind and redraw.",
            "Terrain and buildings: valleys channel and streets and buildings trap gas; the model sees neither.",
            "Concentrations are one-hour means at ground level; peaks near the source are higher.",
        ]
        if weather.windSpeedMS < 1 {
            notes.insert("Low wind (\(weather.windSpeedMS) m/s, below 1 m/s): a Gaussian plume is not reliable in near-calm air; gas pools and drifts in any direction — treat a circle of the zone's length around the source as threatened.", at: 0)
        }
        if length > 10_000 { notes.append("The zone reaches \(String(format: "%.0f", length)) m; the dispersion coefficients are fitted to 10 km and extrapolated beyond.") }
        if length >= maxDistance * 0.999 { notes.append("The zone was cut at \(String(format: "%.0f", maxDistance)) m, the modelled distance; it may reach further.") }
        if release.heightM > 0 { notes.append("A raised release (\(release.heightM) m): the ground-level zone starts some way downwind.") }
        return notes
    }
}
