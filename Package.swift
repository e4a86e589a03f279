// swift-tools-version:6.0
import PackageDescription

// Release builds drop exclusivity checks on the hot paths; every user input is
// validated before it reaches a kernel, so nothing here relies on a trap.
let engineFlags: [SwiftSetting] = [
    .swiftLanguageMode(.v5),
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

// The kernels are compiled three times from the same sources (the AVX
// folders hold symlinks to Sources/CajalKernels): for baseline x86-64, for
// AVX2 + FMA (Haswell and later) and for AVX-512 (Skylake-SP and later). The
// engine picks one at load time from the CPU's flags and never runs code the
// CPU lacks. They only see validated indices, so release builds skip checks.
func kernelFlags(targetCPU: String?, define: String?) -> [SwiftSetting] {
    var flags: [SwiftSetting] = [
        .swiftLanguageMode(.v5),
        .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
    ]
    #if arch(x86_64)
    if let targetCPU { flags.append(.unsafeFlags(["-target-cpu", targetCPU])) }
    if let define { flags.append(.define(define)) }
    #endif
    return flags
}

let package = Package(
    name: "cajal",
    products: [
        .library(name: "Cajal", targets: ["Cajal"]),
        // libcajal.so: what C programs link and what the Python package loads.
        .library(name: "cajal", type: .dynamic, targets: ["CajalC"]),
    ],
    targets: [
        // OpenBLAS is loaded at run time (dlopen), not linked: see cajal_blas.h.
        .target(name: "CCajalBLAS", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "CCajalSpin"),
        .target(name: "CajalKernelsABI", dependencies: ["CCajalSpin"], swiftSettings: engineFlags),
        .target(name: "CajalKernels", dependencies: ["CajalKernelsABI"],
                swiftSettings: kernelFlags(targetCPU: nil, define: nil)),
        .target(name: "CajalKernelsAVX2", dependencies: ["CajalKernelsABI"],
                swiftSettings: kernelFlags(targetCPU: "haswell", define: "CAJAL_ISA_AVX2")),
        .target(name: "CajalKernelsAVX512", dependencies: ["CajalKernelsABI"],
                swiftSettings: kernelFlags(targetCPU: "skylake-avx512", define: "CAJAL_ISA_AVX512")),
        .target(name: "Cajal",
                dependencies: ["CCajalBLAS", "CajalKernelsABI", "CajalKernels", "CajalKernelsAVX2", "CajalKernelsAVX512"],
                swiftSettings: engineFlags),
        .target(name: "CajalC", dependencies: ["Cajal"], swiftSettings: engineFlags),
        // The Swift examples (examples/swift): the same engine from a Swift program.
        .executableTarget(name: "BreastCancerMLP", dependencies: ["Cajal"], path: "examples/swift/BreastCancerMLP",
                          swiftSettings: [.swiftLanguageMode(.v5)]),
        .executableTarget(name: "DigitsLeNet", dependencies: ["Cajal"], path: "examples/swift/DigitsLeNet",
                          swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(name: "CajalTests", dependencies: ["Cajal"], swiftSettings: [.swiftLanguageMode(.v5)]),
    ]
)
