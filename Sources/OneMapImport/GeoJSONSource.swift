import OneMapGeometry

/// GeoJSON in any of its shapes: a FeatureCollection, one Feature or geometry, or a
/// sequence of them (newline-delimited or RFC 8142). Streams; memory stays bounded.
final class GeoJSONSource: FeatureSource {
    let path: String
    let totalBytes: Int?
    private(set) var declaredCRS: CoordinateReferenceSystem?
    var readerDescription: String { "OneMap's GeoJSON reader" }
    private let reader: GeoJSONFeatureReader
    /// The first feature, read ahead in `init` because the legacy `crs` member comes
    /// before it; kept (or its error) for `forEach`, so the file is opened and parsed once.
    private var pending: Result<GeoJSONFeatureReader.Located?, Error>?

    init(path: String, leniency: GeoJSONGeometry.Leniency, totalBytes: Int?) throws {
        self.path = path
        self.totalBytes = totalBytes
        reader = try GeoJSONFeatureReader(path: path, leniency: leniency)
        pending = Result { try reader.next() }
        if let name = reader.declaredCRSName {
            do {
                declaredCRS = try CoordinateReferenceSystem.parse(name)
            } catch {
                throw ImportError.source(file: path, message: "the file declares CRS \"\(name)\", which OneMap cannot read; pass --crs")
            }
        }
    }

    func forEach(_ body: (SourceFeature, Int) throws -> Void) throws {
        while true {
            let located: GeoJSONFeatureReader.Located
            do {
                let next: GeoJSONFeatureReader.Located?
                if let first = pending {
                    pending = nil
                    next = try first.get()
                } else {
                    next = try reader.next()
                }
                guard let next else { return }
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
