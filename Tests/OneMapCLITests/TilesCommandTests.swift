import Foundation
import OneMapTestSupport
import Testing

/// `onemap tiles render|seed` on the demo, run from the repository (where config/style.json is).
@Suite(.timeLimit(.minutes(10))) struct TilesCommandTests {
    let onemap = Repository.onemapExecutable

    @Test func seedAPyramidAndRenderATile() throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("demo.gpkg")
        #expect(try runProcess(onemap, ["demo", "--out", gpkg]).status == 0)
        let cache = dir.path("demo.mbtiles")
        let seed = try runProcess(onemap, ["tiles", "seed", "--data", gpkg, "--zooms", "10-13", "--cache", cache], directory: Repository.root.path)
        #expect(seed.status == 0, "\(seed.stderr)")
        #expect(seed.stderr.contains("seeding"), "\(seed.stderr)")
        #expect(seed.stdout.contains("tiles ("), "\(seed.stdout)")
        let info = try runProcess("/usr/bin/gdalinfo", [cache])
        #expect(info.status == 0 && info.stdout.contains("Driver: MBTiles"), "\(info.stderr)")

        let png = dir.path("t.png")
        let render = try runProcess(onemap, ["tiles", "render", "--data", gpkg, "12/3297/1556", "--scale", "2", "-o", png], directory: Repository.root.path)
        #expect(render.status == 0, "\(render.stderr)")
        let bytes = try #require(fileBytes(png))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    @Test(arguments: [
        (["tiles", "render", "40/0/0", "-o", "x.png"], "zoom 40 is outside 0…20"),
        (["tiles", "render", "3/8/1", "-o", "x.png"], "tile 3/8/1 is outside the pyramid"),
        (["tiles", "render", "3/a/1", "-o", "x.png"], "'3/a/1' is not a tile"),
        (["tiles", "seed", "--zooms", "14-12"], "--zooms '14-12': write A-B with A ≤ B"),
        (["tiles", "seed", "--zooms", "10-25"], "--zooms: zoom 25 is outside 0…20"),
        (["tiles", "seed", "--zooms", "10", "--bbox", "110,39,109,40"], "--bbox: min must not exceed max"),
        (["tiles", "render", "1/0/0", "-o", "x.png", "--scale", "3"], "scale 3 is not offered"),
        (["tiles", "render", "1/0/0", "-o", "x.png", "--style", "/nonexistent/style.json"], "/nonexistent/style.json: cannot read the file"),
    ])
    func badArgumentsAreRefusedWithTheReason(arguments: [String], reason: String) throws {
        let dir = try TemporaryDirectory()
        let gpkg = dir.path("demo.gpkg")
        #expect(try runProcess(onemap, ["demo", "--out", gpkg]).status == 0)
        let r = try runProcess(onemap, arguments + ["--data", gpkg], directory: dir.path(""))
        #expect(r.status != 0)
        #expect(r.stderr.contains(reason), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }
}
