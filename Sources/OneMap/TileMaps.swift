import Foundation
import OneMapDefaults
import OneMapGeometry
import OneMapIndex
import OneMapRisk
import OneMapStorage
import OneMapTiles

/// Tiles of a GeoPackage's one map: the renderer over its layers and current map, and
/// the key that ties a tile cache to that map.
public enum TileMaps {
    public struct Source: Sendable {
        public var renderer: TileRenderer
        /// The map version the tiles show: `v<N>` when the latest stored version was built
        /// from the same hazards and rules, else `unversioned-<digest>`.
        public var mapKey: String
        /// The extent of the coloured areas (what seeding covers by default).
        public var extent: BoundingBox
        public var index: SpatialIndex
    }

    /// Loads `path` (a GeoPackage, or a `postgres://` database: areas, hazards, shelters, facilities, roads, admin units; with `allLayers`, every layer
    /// the file has), colours it and prepares a renderer.
    public static func load(path: String, rules: RiskRules, unit: AreaUnit = .grids, style: TileStyle, allLayers: Bool = false,
                            progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Source {
        try load(store: try Stores.openForReading(path), rules: rules, unit: unit, style: style, allLayers: allLayers, progress: progress)
    }

    /// Loads the layers of `store` (a GeoPackage or a database), as ``load(path:rules:unit:style:allLayers:progress:)``.
    public static func load(store: any LayerStore, rules: RiskRules, unit: AreaUnit = .grids, style: TileStyle, allLayers: Bool = false,
                            progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Source {
        let present = try store.layers()
        let drawn: [Layer] = allLayers ? present : [.shelters, .facilities, .roads, .adminUnits].filter(present.contains)
        let wanted = Set([unit.layer, .hazards] + drawn)
        // With allLayers (the server), whatever the file has: a roads-only file serves routes,
        // one without grids serves everything but the colours.
        let index = try Stores.loadIndex(from: store, layers: Layer.allCases.filter { wanted.contains($0) && (!allLayers || present.contains($0)) })
        let snapshot = index.snapshot
        let model = try RiskModel.build(snapshot, rules: rules, unit: unit, allowEmpty: allLayers, progress: progress)
        let hazards = snapshot.loadedLayers.contains(.hazards) ? try snapshot.allFeatures(.hazards) : []
        let digest = RiskVersionStore.inputsDigest(hazards)
        let rulesText = JSONWriter.string(rules.json)
        var key = "unversioned-\(digest)-\(FNV1a.hex((rulesText + unit.description).utf8))"
        if let latest = try RiskVersionStore.list(in: store).last, latest.unit == unit, latest.rules == rulesText,
           latest.inputs.contains("\"hazards_digest\":\"\(digest)\"") {
            key = "v\(latest.number)"
        }
        var extent = BoundingBox.empty
        for area in model.areas { extent.extend(area.box) }
        return Source(renderer: TileRenderer(style: style, snapshot: snapshot, risk: model), mapKey: key, extent: extent, index: index)
    }

    /// The style at `path`, else `ONEMAP_STYLE`'s, else `config/style.json` in the working
    /// directory, else the one compiled into the binary.
    public static func style(path: String?) throws -> TileStyle {
        guard let chosen = Configuration.path(Defaults.style, given: path) else {
            return try TileStyle.load(data: Data(Defaults.style.bytes), origin: "built-in style.json")
        }
        return try TileStyle.load(path: chosen)
    }
}
