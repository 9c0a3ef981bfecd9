import Foundation
import OneMapGeometry
import OneMapIncidents
import OneMapIndex
import OneMapPlanning
import OneMapRouting
import OneMapStorage
import Synchronization

/// A GeoPackage opened for incident work outside the server (the CLI, tests, benchmarks):
/// the live one map over it, its road graphs and resident samples, the incidents and
/// their analyst. The server builds the same pieces around its own caches.
public final class IncidentDesk: Sendable {
    public let store: any LayerStore
    public let live: LiveOneMap
    public let incidents: Incidents
    public let analyst: IncidentAnalyst
    public let drive: RoadGraph?

    /// Opens `path` for writing (migrating it forward) with the risk rules, planning
    /// standards, tile style and incident configuration found as `onemap serve` finds them.
    public init(path: String, rulesPath: String? = nil, planningPath: String? = nil, stylePath: String? = nil, incidentsPath: String? = nil) throws {
        store = try Stores.openForWriting(path)
        let (rules, _) = try RiskMap.rules(path: rulesPath)
        let source = try TileMaps.load(path: path, rules: rules, style: try TileMaps.style(path: stylePath), allLayers: true)
        live = LiveOneMap(source)
        let standards = try Planner.standards(path: planningPath)
        let snapshot = live.index.snapshot
        let roads = snapshot.loadedLayers.contains(.roads) ? try snapshot.allFeatures(.roads) : []
        let graph = roads.isEmpty ? nil : RoadGraph(roads: roads, profile: RoadProfile.drive.with(access: standards.roadAccess))
        drive = graph
        let config = try Incidents.config(path: incidentsPath)
        incidents = try Incidents(store: store, live: live, config: config) { graph }
        let walk = RoadGraph(roads: roads, profile: RoadProfile.walk.with(access: standards.roadAccess))
        let samples = ResidentSampleCache(live: live, standards: standards) { walk }
        analyst = IncidentAnalyst(live: live, store: store, config: config, samples: { try samples.samples() }, drive: { graph })
    }

    /// The briefing page of incident `id` now.
    public func briefingHTML(_ id: String) throws -> (html: String, figures: IncidentFigures) {
        let figures = try analyst.figures(of: try incidents.incident(id))
        return (try IncidentBriefing.report(figures, config: analyst.config).html(renderer: live.renderer), figures)
    }
}
