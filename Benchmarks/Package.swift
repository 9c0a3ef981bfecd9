// swift-tools-version:6.1
// OneMap's benchmarks, kept in their own package so the benchmark framework never slows
// the main build. Run: tools/bench-spatial.sh (or `swift package benchmark` here).
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which is whatever the clone is called.
let onemap = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "OneMapBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .executableTarget(
            name: "SpatialCore",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "OneMap", package: onemap),
            ],
            path: "Benchmarks/SpatialCore",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "RiskTiles",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "OneMap", package: onemap),
            ],
            path: "Benchmarks/RiskTiles",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "Routing",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "OneMap", package: onemap),
            ],
            path: "Benchmarks/Routing",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "Planning",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "OneMap", package: onemap),
            ],
            path: "Benchmarks/Planning",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "Incidents",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "OneMap", package: onemap),
            ],
            path: "Benchmarks/Incidents",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        .executableTarget(
            name: "Live",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "OneMap", package: onemap),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/Live",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // The same fixture in a plain loop, for profiling one query kind with perf.
        .executableTarget(
            name: "SpatialProfile",
            dependencies: [.product(name: "OneMap", package: onemap)],
            path: "Benchmarks/Profile"),
    ]
)
