// swift-tools-version:6.1
import PackageDescription

/// Settings shared by every target.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "callcenterd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "callcenterd", targets: ["callcenterd"]),
        .executable(name: "callctl", targets: ["callctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // MARK: - Pure core: calls, agents, queues, routing. No I/O, no clock.
        .target(
            name: "CallCenterCore",
            dependencies: [
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        // MARK: - Customer archive, pure: phone numbers (E.164), grading, CSV, records.
        .target(
            name: "CallCenterArchive",
            dependencies: ["CallCenterCore"],
            swiftSettings: swiftSettings
        ),
        // MARK: - Wire contract: JSON lines, envelopes, error codes, op table.
        .target(
            name: "CallCenterWire",
            dependencies: ["CallCenterCore", "CallCenterArchive"],
            swiftSettings: swiftSettings
        ),
        // MARK: - Store: the journal and projections in SQLite (GRDB).
        .target(
            name: "CallCenterStore",
            dependencies: [
                "CallCenterCore", "CallCenterArchive",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // MARK: - systemd: notify, socket activation, watchdog, journald.
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        .target(
            name: "SystemdSupport",
            dependencies: [
                "CSystemd",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // MARK: - The daemon: config, engine (single writer), socket gateway.
        .target(
            name: "CallCenterDaemon",
            dependencies: [
                "CallCenterCore", "CallCenterWire", "CallCenterStore", "SystemdSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: swiftSettings + [.swiftLanguageMode(.v5)]
        ),
        // MARK: - Client library used by callctl and the end-to-end tests.
        .target(
            name: "CallCenterClient",
            dependencies: ["CallCenterWire"],
            swiftSettings: swiftSettings
        ),
        // MARK: - Executables: thin wiring only.
        .executableTarget(
            name: "callcenterd",
            dependencies: [
                "CallCenterDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings + [.swiftLanguageMode(.v5)]
        ),
        .executableTarget(
            name: "callctl",
            dependencies: [
                "CallCenterClient", "CallCenterWire", "CallCenterArchive",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings + [.swiftLanguageMode(.v5)]
        ),
        // MARK: - Benchmarks
        .executableTarget(
            name: "routing-bench",
            dependencies: ["CallCenterCore", .product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: swiftSettings + [.swiftLanguageMode(.v5)]
        ),
        // MARK: - Tests
        .testTarget(name: "CallCenterCoreTests", dependencies: ["CallCenterCore"]),
        .testTarget(
            name: "RoutingPropertyTests",
            dependencies: ["CallCenterCore", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "CallCenterWireTests", dependencies: ["CallCenterWire", "CallCenterArchive"]),
        .testTarget(name: "CallCenterArchiveTests", dependencies: ["CallCenterArchive", "CallCenterCore"]),
        .testTarget(name: "CallCenterStoreTests", dependencies: ["CallCenterStore", "CallCenterCore", "CallCenterArchive"]),
        .testTarget(
            name: "CallCenterDaemonTests",
            dependencies: ["CallCenterDaemon", "CallCenterArchive", .product(name: "NIOEmbedded", package: "swift-nio")]
        ),
        .testTarget(name: "SystemdSupportTests", dependencies: ["SystemdSupport"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["CallCenterClient", "CallCenterWire", "CallCenterStore", "callcenterd", "callctl"],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
    ]
)
