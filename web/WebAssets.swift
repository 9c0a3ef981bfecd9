/// The web map's page assets, compiled into the binary (SwiftPM's `embedInCode`), so a
/// deployment needs no files beside it and no CDN (government intranets).
public enum WebAssets {
    /// A served asset: its bytes and content type.
    public struct Asset: Sendable {
        public var bytes: [UInt8]
        public var contentType: String
    }

    /// `/map`.
    public static let mapPage = Asset(bytes: PackageResources.map_html, contentType: "text/html; charset=utf-8")

    /// Assets under `/static/onemap/`, by file name.
    public static let files: [String: Asset] = [
        "map.js": Asset(bytes: PackageResources.map_js, contentType: "text/javascript; charset=utf-8"),
        "map.css": Asset(bytes: PackageResources.map_css, contentType: "text/css; charset=utf-8"),
    ]
}
