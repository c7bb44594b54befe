// swift-tools-version:6.1
import PackageDescription

// libFuzzer harness for GatherCore's JSON index, pointer lookup and byte writer. A package of
// its own so that the root Package.swift (and CI) never see it; build and run it with `fuzz/run`.
let package = Package(
    name: "gather-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named explicitly: a path dependency's identity would otherwise be the checkout
        // folder's name, which differs between clones.
        .package(name: "gather", path: ".."),
    ],
    targets: [
        // No main: libFuzzer's own main calls `LLVMFuzzerTestOneInput`; built with
        // -sanitize=fuzzer,address -parse-as-library (see fuzz/run).
        .target(name: "CFuzzDriver"),
        .executableTarget(name: "JSONFuzz", dependencies: [
            "CFuzzDriver", .product(name: "GatherCore", package: "gather"),
        ], swiftSettings: [.swiftLanguageMode(.v5)]),
    ]
)
