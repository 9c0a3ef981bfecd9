import Foundation
import Hummingbird
import OneMap

/// Raster tiles: from the cache, or drawn on demand and cached; TileJSON.
extension Routes {
    var tileEndpoints: [Endpoint] {
        [
        Endpoint(method: .get, path: "/tiles/{z}/{x}/{y}.png",
                 summary: "A 256-px raster tile of the one map; {y}@2x.png for 512 px. ETag, 304 on If-None-Match",
                 parameters: [.path("z", .integer(0...TileID.maxZoom, default: nil), "Zoom"),
                              .path("x", .integer(0...(1 << TileID.maxZoom) - 1, default: nil), "Column, 0…2^z − 1"),
                              .path("y", "Row, 0…2^z − 1, optionally with @2x (512-px tile)"),
                              .choice("layers", ["all", "risk"], default: "all",
                                      "all: the one map over its base (the data's roads by class and administrative boundaries); risk: the risk layers alone, for use over another base map"),
                              .text("v", "Ignored: the live map adds the last change number so a browser fetches a tile again after /events says it changed")],
                 response: ResponseSpec(contentType: "image/png", schema: .object([JSONMember("type", .string("string")), JSONMember("format", .string("binary"))]),
                                        notModified: true)) { call in
            let request = call.request
            let (tile, scale) = try Self.tile(z: try call.path("z"), x: try call.path("x"), y: try call.path("y"))
            let base = try call.params.string("layers") == "all"
            let cache = service.caches[(scale - 1) + (base ? 0 : 2)]
            let key = service.live.mapKey
            let stored: StoredTile
            if let cached = try cache.stored(tile) {
                stored = cached
            } else {
                // Drawing is CPU work (a dense tile takes tens of ms): it takes a heavy-work
                // slot, waiting up to 15 s for one (a browser asks for twenty tiles at once).
                let renderer = service.live.renderer
                let png = try await service.heavy.run(waiting: Self.tileWait) { try renderer.render(tile, scale: scale, base: base) }
                stored = StoredTile(png)
                try cache.store([(tile, stored)], drawnFor: key)
            }
            return Self.answer(stored, request: request)
        },
        Endpoint(method: .get, path: "/tiles.json", summary: "TileJSON 3.0 of the raster tiles", response: .json(Schema.ref("TileJSON"))) { call in
            let base = call.base
            let model = service.live.model
            var box = BoundingBox.empty
            for area in model.areas { box.extend(area.box) }
            return Reply.json(.object([
                JSONMember("tilejson", .string("3.0.0")),
                JSONMember("name", .string("OneMap four-colour risk map")),
                JSONMember("description", .string("四色安全风险分布图: risk areas, hazards by level, shelters and facilities over the data's roads and administrative boundaries (?layers=risk: without them)")),
                JSONMember("version", .string(service.live.mapKey)),
                JSONMember("attribution", .string("OneMap")),
                JSONMember("scheme", .string("xyz")),
                JSONMember("tiles", .array([.string("\(base)/tiles/{z}/{x}/{y}.png")])),
                JSONMember("minzoom", .number(0)),
                JSONMember("maxzoom", .number(Double(TileID.maxZoom))),
                JSONMember("bounds", .array(box.isEmpty ? [-180, -85.05, 180, 85.05].map { .number($0) } : [box.minX, box.minY, box.maxX, box.maxY].map { .number($0) })),
                JSONMember("center", .array(box.isEmpty ? [.number(0), .number(0), .number(2)] : [.number((box.minX + box.maxX) / 2), .number((box.minY + box.maxY) / 2), .number(12)])),
            ]))
        },
        ]
    }

    static let tileWait: Duration = .seconds(15)

    /// A stored tile as a static file is sent: the buffer every answer shares (no copy of
    /// the body), the ETag made when the tile was stored; a matching If-None-Match is a 304
    /// and a HEAD drops the body, neither touching the bytes.
    static func answer(_ stored: StoredTile, request: Request) -> Response {
        var headers = HTTPFields()
        headers.reserveCapacity(5)
        headers[.eTag] = stored.etag
        headers[.cacheControl] = "public, max-age=60"
        if let match = request.headers[.ifNoneMatch], Self.matches(match, stored.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = "image/png"
        headers[.contentLength] = String(stored.bytes.readableBytes)
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: stored.bytes))
    }

    /// Whether an If-None-Match list names `etag` (or is `*`).
    static func matches(_ list: String, _ etag: String) -> Bool {
        list.split(separator: ",").contains { part in
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            return trimmed == etag || trimmed == "*" || trimmed == "W/" + etag
        }
    }

    /// The tile and scale a `/tiles/{z}/{x}/{y}.png` path names (`{y}` may end in `@2x`:
    /// the router takes the `.png`).
    static func tile(z zText: String, x xText: String, y yText: String) throws -> (TileID, Int) {
        let scale = yText.hasSuffix("@2x") ? 2 : 1
        let stem = scale == 2 ? String(yText.dropLast(3)) : yText
        // Digits only: `Int` would also take "+5" and "-0".
        func number(_ text: String) -> Int? { text.utf8.allSatisfy { (0x30...0x39).contains($0) } ? Int(text) : nil }
        guard let y = number(stem), let z = number(zText), let x = number(xText) else {
            throw Problem.badParameter("tile", "write /tiles/{z}/{x}/{y}.png or {y}@2x.png with whole numbers")
        }
        do {
            return (try TileID(z: z, x: x, y: y), scale)
        } catch {
            throw Problem.badParameter("tile", error.description)
        }
    }
}
