import Foundation

/// Builds a demo deployment: imports the real boundary (through the ordinary importer,
/// with its CRS), generates the rest inside it, and writes everything into a new
/// GeoPackage that replaces `output` only once complete.
public enum DemoBuild {
    public struct Options: Sendable {
        public var boundaryPath: String
        public var boundaryCRS: CoordinateReferenceSystem
        public var output: String
        public var spec: DemoSpec
        public var seed: UInt64

        public init(boundaryPath: String, boundaryCRS: CoordinateReferenceSystem, output: String, spec: DemoSpec = .kangbashi, seed: UInt64 = 20_251_123) {
            self.boundaryPath = boundaryPath
            self.boundaryCRS = boundaryCRS
            self.output = output
            self.spec = spec
            self.seed = seed
        }
    }

    /// Feature counts written per layer.
    public static func run(_ options: Options, progress: (String) -> Void = { _ in }) throws -> [Layer: Int] {
        let temporary = options.output + ".building"
        Importer.removeStoreFiles(temporary)
        defer { Importer.removeStoreFiles(temporary) }

        progress("importing boundary \(options.boundaryPath) (\(options.boundaryCRS))")
        var importOptions = ImportOptions(layer: .adminUnits)
        importOptions.crs = options.boundaryCRS
        _ = try Importer.run(options.boundaryPath, into: temporary, options: importOptions)

        let store = try GeoPackage(path: temporary, mode: .readWrite)
        // The largest imported unit is the district (a city file also lists its counties).
        var boundary: LayerRecord?
        var largest = 0.0
        try store.read { session in
            try session.forEachRecord(in: .adminUnits) { record in
                let area = Geodesic.wgs84.area(of: record.geometry)
                if area > largest { largest = area; boundary = record }
            }
        }
        guard let boundary else { throw ImportError.source(file: options.boundaryPath, message: "no boundary polygon") }
        let codeIndex = Layer.adminUnits.columnIndex("code")
        let code = if case .text(let c) = boundary.value(codeIndex) { c } else { boundary.id }

        let generator = DemoGenerator(boundary: boundary.geometry, districtCode: code, spec: options.spec, seed: options.seed)
        var counts: [Layer: Int] = [:]
        try store.write { session in
            var writers: [Layer: (LayerWriter, RecordMapper)] = [:]
            try generator.generate(progress: progress) { output, feature in
                let layer = Layer(rawValue: output.rawValue)!
                if writers[layer] == nil { writers[layer] = (try session.writer(for: layer, replacing: false, bulk: true), try RecordMapper(layer: layer)) }
                let (writer, mapper) = writers[layer]!
                try writer.insert(try mapper.record(for: feature, fallbackID: ""))
            }
            for (layer, (writer, _)) in writers {
                try writer.finish()
                counts[layer] = writer.inserted
            }
            // The placer names each hazard's grid; a hazard crossing cells gets the rule every writer uses.
            try session.deriveHazardGridCodes(recheck: true)
            counts[.adminUnits] = try session.reader.count(.adminUnits)
        }
        try QGISStyles.write(to: temporary, style: TileMaps.style(path: nil))
        // Atomic replace: readers of `output` see the old file or the new one, never half.
        if rename(temporary, options.output) != 0 {
            throw FileError.cannotWrite(path: options.output, reason: String(cString: strerror(errno)))
        }
        return counts
    }
}
