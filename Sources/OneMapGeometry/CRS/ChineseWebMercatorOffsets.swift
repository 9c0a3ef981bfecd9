import Foundation

/// GCJ-02 and BD-09, the obfuscated coordinate systems of Chinese web maps.
///
/// The forward GCJ-02 formula is the widely published one (Krasovsky 1940 ellipsoid,
/// a = 6378245 m, e² = 0.00669342162296594323); it applies inside China only and is the
/// identity elsewhere. BD-09 adds Baidu's rotation and offset on top of GCJ-02. The
/// inverses are not closed-form: a single subtraction of the offset is off by 1–2 m, so
/// ``gcj02ToWGS84(_:)`` iterates the forward function until the residual is below
/// 1e-11 degrees (about a micrometre), which makes round trips exact to well under 1 cm.
public enum ChineseOffsets {
    static let krasovskyA = 6_378_245.0
    static let krasovskyE2 = 0.006_693_421_622_965_943_23

    /// Whether GCJ-02 applies at this WGS84 (or GCJ-02) position: the rough box of China
    /// the published formula uses; outside it the offset is zero.
    public static func isInsideChina(_ c: Coordinate) -> Bool {
        c.x >= 72.004 && c.x <= 137.8347 && c.y >= 0.8293 && c.y <= 55.8271
    }

    public static func wgs84ToGCJ02(_ c: Coordinate) -> Coordinate {
        guard isInsideChina(c) else { return c }
        let d = offset(c)
        return Coordinate(c.x + d.x, c.y + d.y)
    }

    public static func gcj02ToWGS84(_ g: Coordinate) -> Coordinate {
        invert(g, wgs84ToGCJ02)
    }

    public static func gcj02ToBD09(_ c: Coordinate) -> Coordinate {
        let x = c.x
        let y = c.y
        let z = (x * x + y * y).squareRoot() + 0.000_02 * sin(y * Double.pi * 3000 / 180)
        let theta = atan2(y, x) + 0.000_003 * cos(x * Double.pi * 3000 / 180)
        return Coordinate(z * cos(theta) + 0.0065, z * sin(theta) + 0.006)
    }

    public static func bd09ToGCJ02(_ b: Coordinate) -> Coordinate {
        invert(b, gcj02ToBD09)
    }

    public static func wgs84ToBD09(_ c: Coordinate) -> Coordinate { gcj02ToBD09(wgs84ToGCJ02(c)) }
    public static func bd09ToWGS84(_ b: Coordinate) -> Coordinate { gcj02ToWGS84(bd09ToGCJ02(b)) }

    /// Solves forward(w) = target by fixed-point iteration. The offsets change by under
    /// 1e-5 per degree, so each step shrinks the error about 10^5 times: 2–3 steps suffice;
    /// the cap only guards against a non-finite input.
    private static func invert(_ target: Coordinate, _ forward: (Coordinate) -> Coordinate) -> Coordinate {
        var w = target
        for _ in 0..<30 {
            let f = forward(w)
            let dx = f.x - target.x
            let dy = f.y - target.y
            w.x -= dx
            w.y -= dy
            if abs(dx) < 1e-11 && abs(dy) < 1e-11 { break }
        }
        return w
    }

    private static func offset(_ c: Coordinate) -> Coordinate {
        let x = c.x - 105
        let y = c.y - 35
        var dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * abs(x).squareRoot()
        dLat += (20 * sin(6 * x * .pi) + 20 * sin(2 * x * .pi)) * 2 / 3
        dLat += (20 * sin(y * .pi) + 40 * sin(y / 3 * .pi)) * 2 / 3
        dLat += (160 * sin(y / 12 * .pi) + 320 * sin(y * .pi / 30)) * 2 / 3
        var dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * abs(x).squareRoot()
        dLon += (20 * sin(6 * x * .pi) + 20 * sin(2 * x * .pi)) * 2 / 3
        dLon += (20 * sin(x * .pi) + 40 * sin(x / 3 * .pi)) * 2 / 3
        dLon += (150 * sin(x / 12 * .pi) + 300 * sin(x / 30 * .pi)) * 2 / 3
        let radLat = c.y / 180 * .pi
        var magic = sin(radLat)
        magic = 1 - krasovskyE2 * magic * magic
        let sqrtMagic = magic.squareRoot()
        dLat = (dLat * 180) / ((krasovskyA * (1 - krasovskyE2)) / (magic * sqrtMagic) * .pi)
        dLon = (dLon * 180) / (krasovskyA / sqrtMagic * cos(radLat) * .pi)
        return Coordinate(dLon, dLat)
    }
}
