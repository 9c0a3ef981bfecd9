import OneMapGeometry

/// GeoJSON in any of its shapes: a FeatureCollection, one Feature or geometry, or a
/// sequence of them (newline-delimited or RFC 8142). Streams; memory stays bounded.
struct GeoJSONSource: FeatureSource {
    let path: String
    let leniency: GeoJSONGeometry.Leniency
    let totalBytes: Int?
    private(set) var declaredCRS: CoordinateReferenceSystem?

    init(path: String, leniency: GeoJSONGeometry.Leniency, totalBytes: Int?) throws {
        self.path = path
        self.leniency = leniency
        self.totalBytes = totalBytes
        // The legacy `crs` member comes before `features` when present; peek at it.
        let peek = try GeoJSONFeatureReader(path: path, leniency: leniency)
        _ = try? peek.next()
        if let name = peek.declaredCRSName {
            do {
                declaredCRS = try CoordinateReferenceSystem.parse(name)
            } catch {
                throw ImportError.source(file: path, message: "the file declares CRS \"\(name)\", which OneMap cannot read; pass --crs")
            }
        }
    }

    func forEach(_ body: (SourceFeature, Int) throws -> Void) throws {
        let reader = try GeoJSONFeatureReader(path: path, leniency: leniency)
        while true {
            let located: GeoJSONFeatureReader.Located
            do {
                guard let next = try reader.next() else { return }
                located = next
            } catch let e as GeoJSONFeatureReader.ReadError {
                let place = ["line \(e.line)", e.featureIndex.map { "feature #\($0)" }, e.featureID.map { "id \"\($0)\"" }]
                throw ImportError.feature(file: path, location: place.compactMap { $0 }.joined(separator: ", "), message: e.message)
            }
            var location = "line \(located.line), feature #\(located.index)"
            if let id = located.feature.id { location += " (id \"\(id)\")" }
            try body(SourceFeature(feature: located.feature, location: location, closedRings: located.closedRings), reader.bytesRead)
        }
    }
}
