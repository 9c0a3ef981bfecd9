import Benchmark
import Crypto
import Foundation
import OneMap

// The field and live hot paths in-process (issue 17): the live feed handing one change to
// 500 subscribers (the change-log row read, the event built and its SSE text encoded once,
// 500 queues filled), and a 5 MB photo checked by its bytes (every PNG chunk's CRC) with its
// SHA-256 — beside the ceiling of each in the same run: 500 yields of a ready event into
// the same queues, and reading the same 5 MB once (a memcpy).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds, warmupIterations: 2,
                                           maxDuration: .seconds(10), maxIterations: 2_000)

    Benchmark("feed: one change to 500 subscribers (read, build, encode, fan out)") { benchmark async throws in
        let fixture = try FeedFixture(subscribers: 500)
        for _ in benchmark.scaledIterations {
            benchmark.stopMeasurement()
            try fixture.appendChange()
            await fixture.drain()
            benchmark.startMeasurement()
            fixture.feed.publish()
        }
    }

    Benchmark("ceiling: a ready event yielded to 500 queues") { benchmark async in
        // The same queues the feed uses, the event already made: what handing it out costs alone.
        let streams = (0..<500).map { _ in AsyncStream<ChangeFeed.Event>.makeStream(bufferingPolicy: .bufferingOldest(1_000_000)) }
        var iterators = streams.map { $0.stream.makeAsyncIterator() }
        let event = ChangeFeed.Event(id: 1, name: "change", data: .object([JSONMember("layer", .string("hazards"))]))
        for _ in benchmark.scaledIterations {
            for (_, continuation) in streams { blackHole(continuation.yield(event)) }
            benchmark.stopMeasurement()
            for i in iterators.indices { blackHole(await iterators[i].next()) }
            benchmark.startMeasurement()
        }
    }

    Benchmark("photo: a 5 MB PNG checked by its bytes and hashed (SHA-256)") { benchmark in
        let photo = PhotoFixture.png
        for _ in benchmark.scaledIterations {
            let image = try ImageBytes.read(photo)
            blackHole(SHA256.hash(data: image.stripped))
        }
    }

    Benchmark("ceiling: one CRC-32 pass and one SHA-256 pass over the same 5 MB") { benchmark in
        // What any full check of the bytes and their fingerprint must read: each byte twice.
        let photo = PhotoFixture.png
        for _ in benchmark.scaledIterations {
            blackHole(PNGChunk.crc(photo[...]))
            blackHole(SHA256.hash(data: photo))
        }
    }
}

/// A GeoPackage with a change log and a feed with 500 subscribers, each emptied between
/// iterations (outside the measurement). The first event each holds is its `hello`.
final class FeedFixture: @unchecked Sendable {
    let directory: URL
    let store: GeoPackage
    let feed: ChangeFeed
    var subscriptions: [(id: Int, stream: AsyncStream<ChangeFeed.Event>)] = []
    var iterators: [AsyncStream<ChangeFeed.Event>.AsyncIterator] = []
    var n = 0

    /// Each subscriber takes what it was handed (what a connection's writer does), outside the measurement.
    func drain() async {
        for i in iterators.indices { blackHole(await iterators[i].next()) }
    }

    init(subscribers: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("onemap-bench-feed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try GeoPackage(path: directory.appendingPathComponent("feed.gpkg").path, mode: .create)
        var limits = ChangeFeed.Limits()
        limits.maxSubscribers = subscribers
        limits.queue = 1_000_000
        feed = try ChangeFeed(store: store, limits: limits)
        for _ in 0..<subscribers { subscriptions.append(try feed.subscribe(after: nil)) }
        iterators = subscriptions.map { $0.stream.makeAsyncIterator() }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// A hazard registered: the row a field report writes.
    func appendChange() throws {
        n += 1
        let feature = Feature(id: "H-\(n)", geometry: .point(Coordinate(109.78 + Double(n % 100) * 1e-4, 39.6)),
                              properties: [JSONMember("name", .string("康和社区加油站\(n)号")), JSONMember("kind", .string("gas_station")),
                                           JSONMember("level", .number(2)), JSONMember("status", .string("registered"))])
        _ = try store.write { try $0.append(ChangeLog.Entry(changedAt: "2026-12-03T00:00:00Z", author: "张网格员", role: "grid_worker", authorGrid: "150603001001001",
                                                            layer: "hazards", featureID: "H-\(n)", operation: .create, before: nil, after: feature)) }
    }
}

enum PhotoFixture {
    /// A 5 MB PNG of incompressible pixels, made once.
    static let png: [UInt8] = {
        var generator = SystemRandomNumberGenerator()
        let side = 1_320
        var raw: [UInt8] = []
        raw.reserveCapacity(side * (side * 3 + 1))
        for _ in 0..<side {
            raw.append(0)
            for _ in 0..<(side * 3) { raw.append(UInt8.random(in: 0...255, using: &generator)) }
        }
        // Stored (uncompressed) deflate blocks of at most 65,535 bytes, and Adler-32.
        var zlib: [UInt8] = [0x78, 0x01]
        var at = 0
        while at < raw.count {
            let n = min(65_535, raw.count - at)
            zlib += [at + n == raw.count ? 1 : 0, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            zlib += raw[at..<(at + n)]
            at += n
        }
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        zlib += be32(Int(b << 16 | a))
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return be32(data.count) + body + be32(Int(PNGChunk.crc(body[...])))
        }
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        return signature + chunk("IHDR", be32(side) + be32(side) + [8, 2, 0, 0, 0]) + chunk("IDAT", zlib) + chunk("IEND", [])
    }()

    static func be32(_ n: Int) -> [UInt8] { [UInt8((n >> 24) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)] }
}
