// swift-tools-version:6.1
import PackageDescription

// The benchmarks live in their own package so that the root package's build and tests never pay for
// them, and so that they always build in release against the library products the root exports.
let package = Package(
    name: "SluiceBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Sluice", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .target(name: "BenchClock"),
        .executableTarget(
            name: "TranscodeBench",
            dependencies: [
                .product(name: "SluiceThrift", package: "Sluice"),
                .product(name: "SluiceProtobuf", package: "Sluice"),
                .product(name: "SluiceJSON", package: "Sluice"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
            ]
        ),
        .executableTarget(
            name: "FlowBench",
            dependencies: ["BenchClock", .product(name: "SluiceFlow", package: "Sluice")],
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
            ]
        ),
        .executableTarget(
            name: "BalancerBench",
            dependencies: [
                "BenchClock",
                .product(name: "SluiceClient", package: "Sluice"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
            ]
        ),
    ]
)
