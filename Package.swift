// swift-tools-version:6.0
import PackageDescription

// Release builds drop exclusivity checks on the hot paths; every user input is
// validated before it reaches a kernel, so nothing here relies on a trap.
let engineFlags: [SwiftSetting] = [
    .swiftLanguageMode(.v5),
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "cajal",
    products: [
        .library(name: "Cajal", targets: ["Cajal"]),
        // libcajal.so: what C programs link and what the Python package loads.
        .library(name: "cajal", type: .dynamic, targets: ["CajalC"]),
    ],
    targets: [
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "Cajal", dependencies: ["COpenBLAS"], swiftSettings: engineFlags),
        .target(name: "CajalC", dependencies: ["Cajal"], swiftSettings: engineFlags),
        .testTarget(name: "CajalTests", dependencies: ["Cajal"], swiftSettings: [.swiftLanguageMode(.v5)]),
    ]
)
