// swift-tools-version:6.1
// The libFuzzer harness of OneMap's fuzz targets (Sources/OneMapFuzz), in its own package
// so that its sanitized build never touches the main one. Run: tools/fuzz.sh TARGET SECONDS.
import Foundation
import PackageDescription

// A path dependency's identity is its folder's name, which is whatever the clone is called.
let onemap = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent.lowercased()

let package = Package(
    name: "OneMapFuzzHarness",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "../..")],
    targets: [
        // No main: libFuzzer's comes in with -sanitize=fuzzer (tools/fuzz.sh passes it).
        .executableTarget(
            name: "onemap-fuzz",
            dependencies: [.product(name: "OneMapFuzz", package: onemap)],
            path: "Harness"),
    ]
)
