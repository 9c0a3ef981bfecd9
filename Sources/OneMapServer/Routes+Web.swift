import Foundation
import Hummingbird
import OneMap
import OneMapWeb

/// The web map, Leaflet from the system, the API document, health and metrics.
extension Routes {
    var webEndpoints: [Endpoint] {
        [
        Endpoint(method: .get, path: "/map", summary: "The web map", response: .text("text/html")) { _ in
            Reply.html(WebAssets.mapPage.bytes)
        },
        Endpoint(method: .get, path: "/static/onemap/{file}", summary: "The web map's script and style",
                 parameters: [.path("file", .choice(WebAssets.files.keys.sorted(), default: nil), "Asset file")], response: .files(["text/javascript", "text/css"])) { call in
            guard let asset = WebAssets.files[try call.path("file")] else { throw Problem.notFound("no such file") }
            var response = Reply.bytes(asset.bytes, contentType: asset.contentType)
            response.headers[.cacheControl] = "no-cache"
            return response
        },
        Endpoint(method: .get, path: "/static/leaflet/{file}", summary: "Leaflet (Debian's libjs-leaflet): leaflet.js, leaflet.css, images/…",
                 parameters: [.path("file", "File under Leaflet's directory")], response: .files(["text/javascript", "text/css", "image/png", "image/svg+xml", "application/octet-stream"]), routerPath: "/static/leaflet/**") { call in
            let relative = call.context.parameters.getCatchAll().joined(separator: "/")
            guard !relative.isEmpty, !relative.split(separator: "/").contains(where: { $0 == ".." || $0.hasPrefix(".") }) else {
                throw Problem.notFound("no such file")
            }
            let path = service.options.leafletDirectory + "/" + relative
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Problem.notFound("\(path) is missing; install Debian's libjs-leaflet (the run command does)")
            }
            let type = switch (relative as NSString).pathExtension {
            case "js": "text/javascript; charset=utf-8"
            case "css": "text/css; charset=utf-8"
            case "png": "image/png"
            case "svg": "image/svg+xml"
            default: "application/octet-stream"
            }
            var response = Reply.bytes(data, contentType: type)
            response.headers[.cacheControl] = "public, max-age=86400"
            return response
        },
        Endpoint(method: .get, path: "/api", summary: "This document (OpenAPI 3.0)",
                 response: ResponseSpec(contentType: "application/vnd.oai.openapi+json;version=3.0", schema: Schema.anyObject)) { call in
            Reply.json(OpenAPIDocument.json(endpoints, base: call.base), contentType: "application/vnd.oai.openapi+json;version=3.0")
        },
        Endpoint(method: .get, path: "/health",
                 summary: "Liveness, loaded features, and the change applied: over a shared database, its newest and the lag behind it (store: unavailable while it cannot be reached; reads go on)",
                 response: .json(Schema.ref("Health"))) { _ in
            Reply.json(service.health())
        },
        Endpoint(method: .get, path: "/metrics", summary: "Prometheus metrics: requests by route template, method and status", response: .text("text/plain")) { _ in
            let snapshot = service.snapshot
            var gauges = ["# HELP onemap_features Features loaded, by layer.", "# TYPE onemap_features gauge"]
            gauges += snapshot.loadedLayers.map { "onemap_features{layer=\"\($0.tableName)\"} \(snapshot.count($0))" }
            gauges += ["# HELP onemap_index_version Changes applied to the live index since start.", "# TYPE onemap_index_version counter",
                       "onemap_index_version \(snapshot.version)"]
            let text = service.metrics.exposition(extra: gauges)
            return Reply.bytes(Array(text.utf8), contentType: "text/plain; version=0.0.4; charset=utf-8")
        },
        ]
    }
}
