import Foundation
import OneMap
import OneMapServer

/// The fuzz targets: each takes any bytes and must answer (a value or an error), never
/// crash, hang or break its stated property. The libFuzzer harness (`Tests/Fuzz`, built
/// with `-sanitize=fuzzer,address` by `tools/fuzz.sh`) calls ``run(_:_:)``; the test suite
/// replays every committed corpus and crash file through the same function.
public enum FuzzTargets {
    public static let names = ["geojson", "wkb", "gpkg", "csv", "query", "tile", "patch", "image"]

    /// Runs target `name` on `bytes`. Violations of a target's property end the process
    /// (so the fuzzer records the input); errors thrown by the code under test are answers.
    public static func run(_ name: String, _ bytes: [UInt8]) {
        switch name {
        case "geojson": geoJSON(bytes)
        case "wkb": wkb(bytes)
        case "gpkg": geoPackageBinary(bytes)
        case "csv": csv(bytes)
        case "query": ServerInputFuzzing.query(bytes)
        case "tile": ServerInputFuzzing.tilePath(bytes)
        case "patch": mergePatch(bytes)
        case "image": image(bytes)
        default: fatalError("no fuzz target '\(name)'; the targets are \(names.joined(separator: ", "))")
        }
    }

    /// The streaming GeoJSON reader (FeatureCollections, sequences, single features) in
    /// strict and lenient modes; every feature it yields must encode again.
    static func geoJSON(_ bytes: [UInt8]) {
        for leniency in [GeoJSONGeometry.Leniency.strict, GeoJSONGeometry.Leniency(closeRings: true)] {
            let reader = GeoJSONFeatureReader(bytes: bytes, leniency: leniency)
            var count = 0
            while count < 10_000, let located = try? reader.next() {
                _ = GeoJSONWriter.encode(located.feature)
                count += 1
            }
        }
    }

    /// A photo from the field: any bytes are a JPEG or PNG or a refusal, never a crash; what
    /// is accepted, stripped, is accepted again unchanged (stripping is done once for all).
    static func image(_ bytes: [UInt8]) {
        guard let image = try? ImageBytes.read(bytes) else { return }
        guard let again = try? ImageBytes.read(image.stripped) else { fatalError("a stripped photo is refused") }
        guard again.stripped == image.stripped, again.width == image.width, again.height == image.height else {
            fatalError("stripping a stripped photo changed it")
        }
    }

    /// WKB: whatever decodes must encode to WKB that decodes to the same geometry.
    static func wkb(_ bytes: [UInt8]) {
        guard let geometry = try? WKBReader.decode(bytes) else { return }
        let again = WKBWriter.encode(geometry)
        guard let back = try? WKBReader.decode(again) else { fatalError("WKB written from a decoded geometry does not decode") }
        guard WKBWriter.encode(back) == again else { fatalError("WKB round trip changed the geometry") }
    }

    /// GeoPackage binary: header, envelope and geometry readers agree and do not read out of bounds.
    static func geoPackageBinary(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            _ = try? GeoPackageBinary.header(raw)
            _ = try? GeoPackageBinary.envelope(raw)
            if let geometry = try? GeoPackageBinary.decode(raw) {
                let again = GeoPackageBinary.encode(geometry)
                guard (try? GeoPackageBinary.decode(again)) != nil else { fatalError("GeoPackage binary written from a decoded geometry does not decode") }
            }
        }
    }

    /// The CSV importer's reader (through a file, as the importer reads).
    static func csv(_ bytes: [UInt8]) {
        let path = scratchFile("csv")
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
        _ = try? ImportReaders.csvFeatures(path: path)
    }

    /// RFC 7396 over two JSON documents split at the first 0x00 byte (target, patch): the
    /// parser must not crash; applying the patch twice must equal applying it once (member
    /// order aside), and no member whose last value in the patch is null may remain.
    static func mergePatch(_ bytes: [UInt8]) {
        let split = bytes.firstIndex(of: 0) ?? bytes.endIndex
        let targetBytes = Array(bytes[..<split]), patchBytes = split < bytes.endIndex ? Array(bytes[(split + 1)...]) : []
        guard let target = try? JSONParser(ByteStream(bytes: targetBytes)).parseDocument(),
              let patch = try? JSONParser(ByteStream(bytes: patchBytes)).parseDocument(),
              case .object(let targetMembers) = target, case .object(let patchMembers) = patch else { return }
        let once = FieldReports.mergePatch(targetMembers, patchMembers)
        let twice = FieldReports.mergePatch(once, patchMembers)
        // Member order says nothing in JSON (RFC 8259 §4): a member removed and set again
        // by one patch moves to the end.
        guard canonical(.object(once)) == canonical(.object(twice)) else {
            fatalError("merge patch is not idempotent: once \(JSONWriter.string(.object(once))), twice \(JSONWriter.string(.object(twice)))")
        }
        // A name the patch repeats takes its last value (the fuzzer's {"d":null,"d":"x"}).
        var last: [String: JSONValue] = [:]
        for member in patchMembers { last[member.key] = member.value }
        for (key, value) in last where value == .null {
            guard !once.contains(where: { $0.key == key }) else { fatalError("a member patched to null remains") }
        }
    }

    /// `value` with every object's members in key order (stable for repeated keys).
    static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            .object(members.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }
                .map { JSONMember($0.element.key, canonical($0.element.value)) })
        case .array(let items): .array(items.map(canonical))
        default: value
        }
    }

    /// A file of this process for targets that read paths.
    static func scratchFile(_ ext: String) -> String {
        let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return "\(directory)/onemap-fuzz-\(getpid()).\(ext)"
    }
}
