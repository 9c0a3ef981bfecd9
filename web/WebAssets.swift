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

    /// `/field`: the grid worker's page.
    public static let fieldPage = Asset(bytes: PackageResources.field_html, contentType: "text/html; charset=utf-8")
    /// `/dashboard`.
    public static let dashboardPage = Asset(bytes: PackageResources.dashboard_html, contentType: "text/html; charset=utf-8")

    /// Assets under `/static/onemap/`, by file name.
    public static let files: [String: Asset] = [
        "map.js": Asset(bytes: PackageResources.map_js, contentType: "text/javascript; charset=utf-8"),
        "map.css": Asset(bytes: PackageResources.map_css, contentType: "text/css; charset=utf-8"),
        "common.js": Asset(bytes: PackageResources.common_js, contentType: "text/javascript; charset=utf-8"),
        "live.js": Asset(bytes: PackageResources.live_js, contentType: "text/javascript; charset=utf-8"),
        "field.js": Asset(bytes: PackageResources.field_js, contentType: "text/javascript; charset=utf-8"),
        "field.css": Asset(bytes: PackageResources.field_css, contentType: "text/css; charset=utf-8"),
        "dashboard.js": Asset(bytes: PackageResources.dashboard_js, contentType: "text/javascript; charset=utf-8"),
        "dashboard.css": Asset(bytes: PackageResources.dashboard_css, contentType: "text/css; charset=utf-8"),
    ]
}
