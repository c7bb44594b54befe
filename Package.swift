// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "gather",
    // Linux only: the transfer threads drive libcurl with epoll and wake through an eventfd
    // (CCurlShim), so no other platform is declared.
    products: [
        .executable(name: "gather", targets: ["gather"]),
        .library(name: "GatherCore", targets: ["GatherCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
    ],
    targets: [
        // Pure logic: no sockets, no threads, no clocks of its own. NIOCore only for ByteBuffer,
        // the value type answers are written into.
        .target(name: "GatherCore", dependencies: [
            "Yams", "CTLSFiles", .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // Route files' TLS PEM files checked at load with the OpenSSL libcurl handshakes with
        // (libssl-dev: headers; libcrypto is already libcurl's).
        .target(name: "CTLSFiles", linkerSettings: [.linkedLibrary("crypto")]),

        // libcurl: the system library, typed C wrappers, and the transfer engine.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        .target(name: "GatherCurl", dependencies: ["CCurl", "CCurlShim"]),

        // Simulated backends served with SwiftNIO.
        .target(name: "GatherFixtures", dependencies: [
            "GatherCore", "Yams",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOHTTP2", package: "swift-nio-http2"),
        ]),

        // The gateway: SwiftNIO server, fan-out driver, admin listener.
        .target(name: "GatherServer", dependencies: [
            "GatherCore", "GatherCurl", "CCurlShim", "CTLSFiles",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
            // ServerQuiescingHelper: the drain tells every connection to finish (GOAWAY on HTTP/2).
            .product(name: "NIOExtras", package: "swift-nio-extras"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOHTTP2", package: "swift-nio-http2"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),

        // Micro-benchmarks of the pure core (merge modes, JSON); run by bench/merge.
        .executableTarget(name: "GatherBench", dependencies: ["GatherCore"], path: "bench/Sources/GatherBench"),

        .executableTarget(name: "gather", dependencies: [
            "GatherCore", "GatherServer", "GatherFixtures",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),

        .testTarget(name: "GatherCoreTests", dependencies: ["GatherCore"]),
        .testTarget(name: "GatherCurlTests", dependencies: ["GatherCurl"]),
        // The shell's handlers on NIO's embedded channels (no sockets): the connection state machine.
        .testTarget(name: "GatherServerTests", dependencies: [
            "GatherServer", "GatherCore", "GatherCurl", "GatherFixtures",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "GatherFixturesTests", dependencies: ["GatherFixtures", "GatherCore", "GatherTestSupport"]),
        // What several test targets share: the raw HTTP client, a Mutex-backed box for state
        // their closures share, child processes, and TestUpstream (a recording upstream on NIO).
        .target(name: "GatherTestSupport", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], path: "Tests/GatherTestSupport"),
        .testTarget(name: "GatherIntegrationTests", dependencies: [
            "GatherServer", "GatherFixtures", "GatherCore", "GatherCurl", "GatherTestSupport",
            // An HTTP/2 client that resets one stream and keeps its connection (curl cannot).
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOHTTP2", package: "swift-nio-http2"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
    ]
)
