// swift-tools-version: 6.0
//
// CityTwin: a digital-twin simulation engine for cities.
// Module layers (lower layers never import higher ones) are described in docs/architecture.md.
//
// Build setting `CITYTWIN_INTERNAL_CHECKS`: compiled into debug builds (and so into `swift test`),
// it turns on invariant checks inside hot loops and after every engine tick (mass ledgers balance,
// no negative stores, time strictly increases). Release builds leave it out. Force it on in a
// release build with `swift build -c release -Xswiftc -DCITYTWIN_INTERNAL_CHECKS`.
import PackageDescription

let checks: [SwiftSetting] = [.define("CITYTWIN_INTERNAL_CHECKS", .when(configuration: .debug))]

// The flood kernel's eight-lane loops use AVX2 when built for x86-64 release (Haswell, 2013, and later;
// every x86 server CPU of the last decade). Set CITYTWIN_GENERIC_CPU=1 to build for any x86-64.
// Debug builds of Flood are optimised too (SIMD types are ~100× slower unoptimised, which would make
// the analytic tests take minutes); the internal checks stay on.
let floodCPU: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
    + (Context.environment["CITYTWIN_GENERIC_CPU"] == nil
        ? [.unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux], configuration: .release))] : [])

// The traffic engine's release build targets the same CPU level as the flood kernel (no change of
// results: Swift does not contract a·b + c into fused multiply–adds). Debug builds of Traffic are
// optimised too, so that scene tests driving thousands of vehicles stay short; internal checks stay on.
let trafficCPU: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
    + (Context.environment["CITYTWIN_GENERIC_CPU"] == nil
        ? [.unsafeFlags(["-target-cpu", "haswell"], .when(platforms: [.linux], configuration: .release))] : [])

let package = Package(
    name: "CityTwin",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "citytwin", targets: ["citytwin"]),
        .library(name: "CityTwin", targets: ["Geometry", "SpatialIndex", "CityModel", "CityIO", "SimCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Layer 0: system libraries (module map + header only).
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CPROJ", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
        .systemLibrary(name: "CSpatiaLite", pkgConfig: "spatialite", providers: [.apt(["libspatialite-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        // A header-only shim for the compiler's prefetch builtin (no library).
        .systemLibrary(name: "CPrefetch"),

        // Layer 0: geometry and the spatial index.
        .target(name: "Geometry", dependencies: ["CGEOS", "CPROJ"], swiftSettings: checks),
        .target(name: "SpatialIndex", dependencies: ["Geometry", "CPrefetch"], swiftSettings: checks),

        // Layer 1: the city model and its readers/writers.
        .target(name: "CityModel", dependencies: ["Geometry", "SpatialIndex"], swiftSettings: checks),
        .target(name: "CityIO", dependencies: [
            "CityModel", "Geometry", "CSpatiaLite",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: checks),

        // Layer 2: the simulation core (the one tick loop).
        .target(name: "SimCore", dependencies: ["Geometry"], swiftSettings: checks),

        // Layer 3: processes. They never import each other.
        .target(name: "Stormwater", dependencies: ["SimCore", "CityModel"], swiftSettings: checks),
        .target(name: "Flood", dependencies: ["SimCore", "Geometry"], swiftSettings: checks + floodCPU),
        .target(name: "Traffic", dependencies: ["SimCore", "CityModel", "SpatialIndex"], swiftSettings: checks + trafficCPU),

        // Layer 4: couplers and scenarios.
        .target(name: "Coupling", dependencies: ["SimCore", "Stormwater", "Flood", "Traffic"], swiftSettings: checks),
        .target(name: "Scenario", dependencies: [
            "SimCore", "CityModel", "CityIO", "Coupling", "Flood", "Geometry", "Report", "Stormwater", "Traffic",
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: checks),

        // Results out (maps, charts, exports, HTML): engine-neutral, used by Scenario's runner.
        .target(name: "Report", dependencies: [
            "CityIO", "CityModel", "Geometry", "CCairo", "CSpatiaLite",
            .product(name: "GRDB", package: "GRDB.swift"),
        ], swiftSettings: checks),
        .target(name: "Server", dependencies: ["Scenario"], swiftSettings: checks),

        // Layer 6: the command-line tool (thin: no simulation logic).
        .executableTarget(name: "citytwin", dependencies: [
            "CityIO", "CityModel", "Geometry", "Scenario", "Report", "Stormwater", "SimCore", "Traffic",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: checks),

        // Benchmarks: side-by-side runs against reference implementations, printed as JSON.
        .executableTarget(name: "ctbench", dependencies: ["Geometry", "SpatialIndex", "SimCore", "CGEOS", "Stormwater", "CityIO", "CityModel", "Flood", "Traffic"],
                          path: "Benchmarks/ctbench"),

        .target(name: "TestSupport", dependencies: ["CityModel", "Geometry"], path: "Tests/TestSupport"),
        .testTarget(name: "GeometryTests", dependencies: ["Geometry"]),
        .testTarget(name: "SpatialIndexTests", dependencies: ["SpatialIndex", "Geometry", "SimCore"]),
        .testTarget(name: "CityModelTests", dependencies: ["CityModel", "Geometry", "TestSupport"]),
        .testTarget(name: "CityIOTests", dependencies: ["CityIO", "CityModel", "Geometry", "TestSupport", "CSpatiaLite"]),
        .testTarget(name: "SimCoreTests", dependencies: ["SimCore"]),
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario", "CityIO", "CityModel", "Geometry", "SimCore", "TestSupport", "Flood", "Report", "Stormwater", "Traffic"]),
        .testTarget(name: "StormwaterTests", dependencies: ["Stormwater", "CityIO", "CityModel", "Geometry", "SimCore", "TestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Scenario", "CityIO", "CityModel", "Geometry", "TestSupport", "CCairo"]),
        .testTarget(name: "StormwaterValidationTests", dependencies: ["Stormwater", "CityIO", "CityModel", "SimCore", "TestSupport"]),
        .testTarget(name: "TrafficTests", dependencies: ["Traffic", "CityIO", "CityModel", "SimCore", "Geometry", "TestSupport"]),
        .testTarget(name: "TrafficValidationTests", dependencies: ["Traffic", "CityIO", "CityModel", "SimCore", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["citytwin", "CityIO", "CityModel", "TestSupport"]),
        .testTarget(name: "FloodTests", dependencies: ["Flood", "SimCore", "Geometry"]),
        .testTarget(name: "CouplingTests", dependencies: ["Coupling", "Flood", "Stormwater", "Traffic", "SimCore", "Geometry", "CityIO", "CityModel", "TestSupport"]),
        // Heavy coupled validations (EA Test 8B sewer against XPSTORM): run in release by scripts/test.
        .testTarget(name: "CouplingValidationTests", dependencies: ["Coupling", "Flood", "Stormwater", "SimCore", "Geometry", "CityIO", "CityModel", "TestSupport"]),
        // Heavy flood validations (EA benchmarks, analytic fronts): run in release by scripts/test.
        .testTarget(name: "FloodValidationTests", dependencies: ["Flood", "Geometry", "TestSupport", "CityIO"]),
    ]
)
