// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The byte loops of the JSON scanner and writer and the Thrift codecs run for every byte of every request. Where a
/// loop's compare-and-branch lands across a 32-byte boundary, Intel cores since Skylake (with the JCC-erratum
/// microcode) refetch it from the legacy decoder: the same loop then costs a third more depending only on where the
/// linker happened to place it, which moved with every unrelated change (1.2 % of a request's CPU in one case).
/// LLVM pads such branches instead, so what is measured is the code.
let hotLoopSettings: [SwiftSetting] = [
    .unsafeFlags(["-Xllvm", "-x86-branches-within-32B-boundaries"], .when(platforms: [.linux], configuration: .release))
]

let package = Package(
    name: "Sluice",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
        .library(name: "SluiceGateway", targets: ["SluiceGateway"]),
        .library(name: "SluiceThrift", targets: ["SluiceThrift"]),
        .library(name: "SluiceJSON", targets: ["SluiceJSON"]),
        .library(name: "SluiceClient", targets: ["SluiceClient"]),
        .library(name: "SluiceThriftServer", targets: ["SluiceThriftServer"]),
        .library(name: "SluiceProtobuf", targets: ["SluiceProtobuf"]),
        .library(name: "SluiceFlow", targets: ["SluiceFlow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        // OTLP/HTTP only: the gRPC exporter would build grpc-swift for nothing.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context.git", from: "1.0.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // JSON reader and writer over bytes; knows nothing of Thrift or HTTP.
        .target(
            name: "SluiceJSON",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings + hotLoopSettings
        ),
        // zlib, for THeader's ZLIB transform.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // Thrift IDL, descriptors, Binary/Compact protocols, JSON transcoding and transport framing.
        .target(
            name: "SluiceThrift",
            dependencies: [
                "SluiceJSON",
                "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings + hotLoopSettings
        ),
        // Protobuf IDL (.proto text, descriptor sets) -> descriptors; binary protobuf <-> JSON transcoding.
        .target(
            name: "SluiceProtobuf",
            dependencies: [
                "SluiceJSON",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        // The Sentinel engine: sliding-window statistics, flow, circuit-breaker, hot-parameter and system rules,
        // and Sentinel's rule files; no NIO, an injected clock.
        .target(
            name: "SluiceFlow",
            dependencies: ["SluiceJSON"],
            // Optimised for size: the engine runs once or twice per request between far larger work (HTTP,
            // JSON, Thrift, sockets) that evicts it from the instruction cache, so what a request pays is
            // mostly fetching its code. At -O its admit path was 10.6 KB; at -Osize 5.1 KB, and a gateway
            // request with five rules cost 1.7 µs less CPU (Benchmarks/RESULTS.md), while the engine's own
            // hot loop (FlowBench) ran as fast.
            swiftSettings: swiftSettings + [.unsafeFlags(["-Osize"], .when(configuration: .release))]
        ),
        // The RPC client: connections, multiplexing, pools, timeouts, endpoint discovery (static, DNS, etcd).
        .target(
            name: "SluiceClient",
            dependencies: [
                "SluiceThrift",
                "SluiceJSON",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // A Thrift server on any transport, dispatching to handlers (the demo backend, and TTHeader tests).
        .target(
            name: "SluiceThriftServer",
            dependencies: [
                "SluiceThrift",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // W3C trace context for requests (accepted or created, and the headers a backend call carries) and
        // OTLP/HTTP span export, over swift-distributed-tracing and swift-otel; knows nothing of HTTP or NIO.
        .target(
            name: "SluiceTracing",
            dependencies: [
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The gateway: config, listeners (HTTP/1.1, HTTP/2, TLS, WebSocket), router, binder, responder.
        .target(
            name: "SluiceGateway",
            dependencies: [
                "SluiceJSON",
                "SluiceThrift",
                "SluiceFlow",
                "SluiceProtobuf",
                "SluiceClient",
                "SluiceTracing",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                // jwt_auth's jwks_url fetches (already built for swift-otel's OTLP/HTTP exporter).
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceGateway",
                "SluiceClient",
                "SluiceThriftServer",
                "SluiceTracing",
                "SluiceProtobuf",
                "SluiceJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SluiceJSONTests", dependencies: ["SluiceJSON"], swiftSettings: swiftSettings),
        .testTarget(name: "SluiceFlowTests", dependencies: ["SluiceFlow"], swiftSettings: swiftSettings),
        .testTarget(name: "SluiceTracingTests", dependencies: ["SluiceTracing"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SluiceThriftTests",
            dependencies: ["SluiceThrift", "SluiceJSON"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SluiceProtobufTests",
            dependencies: ["SluiceProtobuf", "SluiceJSON", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            // .proto files and the Python peers, read from disk by path.
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SluiceClientTests",
            dependencies: [
                "SluiceClient", "SluiceThriftServer",
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SluiceGatewayTests",
            dependencies: [
                "SluiceGateway", "SluiceThriftServer", "SluiceJSON", "SluiceProtobuf", "SluiceTracing",
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
