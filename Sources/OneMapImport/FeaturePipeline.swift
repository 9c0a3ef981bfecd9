import OneMapGeometry
import OneMapStorage

/// The per-feature steps of an import: CRS → WGS84, layer mapping, geometry validity
/// (repaired under `--fix`). Errors come out naming the file and the feature.
struct FeaturePipeline {
    let file: String
    let transform: CoordinateTransform
    let mapper: RecordMapper
    let fix: Bool
    private let geos = GEOSContext()
    private(set) var repaired = 0
    private(set) var closedRings = 0
    /// Rings with fewer than three distinct positions dropped under `--fix`.
    private(set) var droppedRings = 0
    /// Every value a vocabulary column did not know, with how many features carry it.
    private(set) var unmapped: [UnmappedKey: Int] = [:]

    struct UnmappedKey: Hashable {
        var column: String
        var property: String
        var value: String
    }

    init(file: String, transform: CoordinateTransform, mapper: RecordMapper, fix: Bool) {
        self.file = file
        self.transform = transform
        self.mapper = mapper
        self.fix = fix
    }

    mutating func record(for item: SourceFeature, fallbackID: @autoclosure () -> String) throws -> LayerRecord {
        let file = self.file
        func fail(_ message: String) -> ImportError { .feature(file: file, location: item.location, message: message) }
        if let problem = item.problem { throw fail(problem) }
        var feature = item.feature
        do {
            feature.geometry = try transform.toWGS84(feature.geometry)
        } catch {
            throw fail("\(error)")
        }
        closedRings += item.closedRings
        var dropped = 0
        if fix {
            do {
                (feature.geometry, dropped) = try GeometryRepair.droppingDegenerateRings(feature.geometry)
            } catch {
                throw fail("\(error)")
            }
            droppedRings += dropped
        }
        let (geometry, madeValid) = try validated(feature.geometry, fail)
        feature.geometry = geometry
        // One repaired feature, whether its rings were closed or dropped, make-valid ran, or all.
        if item.closedRings > 0 || dropped > 0 || madeValid { repaired += 1 }
        do {
            return try mapper.record(for: feature, fallbackID: fallbackID())
        } catch let e as MappingError {
            if case .unmapped(let values) = e {
                for v in values { unmapped[UnmappedKey(column: v.column, property: v.property, value: v.value), default: 0] += 1 }
            }
            throw fail("\(e)")
        } catch {
            throw fail("\(error)")
        }
    }

    /// Points are always valid once finite; lines and polygons are checked with GEOS.
    /// The geometry, repaired under `--fix`, and whether make-valid changed it.
    private func validated(_ geometry: Geometry, _ fail: (String) -> ImportError) throws -> (Geometry, madeValid: Bool) {
        switch geometry {
        case .point, .multiPoint: return (geometry, false)
        default: break
        }
        do {
            if try geos.isValid(geometry) { return (geometry, false) }
            let reason = try geos.validityReason(geometry)
            guard fix else { throw fail("invalid \(geometry.typeName): \(reason) (--fix repairs it with make-valid)") }
            return (try GeometryRepair.keepingDimension(of: geometry, try geos.makeValid(geometry)), true)
        } catch let e as GeometryError {
            throw fail("\(e)")
        }
    }

}
