import Foundation
import OneMap
import OneMapTestSupport
import Testing

/// The GeoPackage carries QGIS styles: headless QGIS (python3-qgis, offscreen) opens the
/// demo after `risk build`, finds the default styles applied, and draws a red cell red.
@Suite struct QGISStyleTests {
    @Test func qgisOpensTheOneMapInItsFourColours() async throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("demo.gpkg")
        _ = try DemoBuild.run(DemoBuild.Options(boundaryPath: Repository.path("data/kangbashi_150603.gcj02.geojson"), boundaryCRS: .gcj02, output: gpkg))
        _ = try RiskMap.buildVersion(path: gpkg, rules: .standard)
        let run = try await runProcessAsync("/usr/bin/python3", [Repository.path("Tests/QGIS/style_check.py"), gpkg])
        #expect(run.status == 0, "\(run.stderr)")
        let line = try #require(run.stdout.split(separator: "\n").last.map(String.init))
        let result = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let renderers = try #require(result["renderers"] as? [String: [Any]])
        for (layer, attribute) in [("risk_areas", "risk_level"), ("hazards", "level"), ("shelters", "status"), ("facilities", "kind")] {
            #expect(renderers[layer]?.first as? String == "categorizedSymbol", "\(layer): \(renderers[layer] ?? [])")
            #expect(renderers[layer]?.last as? String == attribute, "\(layer)")
        }
        // The style's red fill over white, as the tiles draw it.
        let fill = try TileMaps.style(path: Repository.path("config/style.json")).riskAreas.fill.red
        let expected = [fill.red, fill.green, fill.blue].map { 255 * ($0 * fill.alpha + (1 - fill.alpha)) }
        let pixel = try #require(result["pixel"] as? [Int])
        for (got, want) in zip(pixel, expected) { #expect(abs(Double(got) - want) <= 4, "pixel \(pixel), expected \(expected)") }
    }
}
