import Foundation
import OneMapTestSupport
import Testing

/// `onemap route` on the demo: a route comes back as GeoJSON; bad area files are refused
/// with the file and the reason named.
@Suite(.timeLimit(.minutes(10))) struct RouteCommandTests {
    let onemap = Repository.onemapExecutable

    @Test func routesAndRefusesBadAreaFiles() throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("demo.gpkg")
        #expect(try runProcess(onemap, ["demo", "--out", gpkg]).status == 0)
        let route = try runProcess(onemap, ["route", "path", "--data", gpkg, "--from", "109.78,39.60", "--to", "109.90,39.66"])
        #expect(route.status == 0, "\(route.stderr)")
        #expect(route.stdout.contains("\"LineString\"") && route.stderr.contains(" min, "))
        let bad = try dir.write("bad.geojson", #"{"type": "Polygon", "coordinates": [[[109.7, 39.6], [109.8, 39.6]"#)
        let bowtie = try dir.write("bowtie.geojson", #"{"type": "Polygon", "coordinates": [[[109.7, 39.6], [109.8, 39.7], [109.8, 39.6], [109.7, 39.7], [109.7, 39.6]]]}"#)
        let point = try dir.write("point.geojson", #"{"type": "Point", "coordinates": [109.7, 39.6]}"#)
        for (arguments, words) in [
            (["path", "--zone", bad, "--from", "109.78,39.60", "--to", "109.90,39.66"], "\(bad): line 1"),
            (["path", "--zone", bowtie, "--from", "109.78,39.60", "--to", "109.90,39.66"], "\(bowtie): the area is not a valid polygon: Self-intersection"),
            (["plan", "--zone", point], "\(point): an area to avoid must be a Polygon or MultiPolygon, not a Point"),
            (["plan", "--zone", dir.path("none.geojson")], "none.geojson: cannot open: no such file"),
            (["path", "--from", "109.78,95", "--to", "109.90,39.66"], "--from takes lon,lat in WGS84 degrees"),
            (["plan", "--centre", "109.78,39.61"], "--radius: give 0 < metres"),
        ] {
            let r = try runProcess(onemap, ["route"] + arguments + ["--data", gpkg])
            #expect(r.status != 0 && r.stderr.contains(words), "\(arguments): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }
}
