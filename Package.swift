// swift-tools-version:6.0
import PackageDescription

// Two ways this package is built. In cajal's own checkout (make, CI, pip
// install) the engine gets the unsafeFlags below: per-ISA kernels,
// -Ounchecked kernels, a libcajal.so with the Swift runtime inside. A package
// that depends on cajal by version builds it from SwiftPM's checkouts folder,
// and SwiftPM refuses unsafeFlags there: that build ("portable") uses none,
// with every kernel copy compiled for baseline x86-64 (README: what it costs).
// CAJAL_PORTABLE=1 asks for the portable build anywhere (to measure it).
let portable = Context.environment["CAJAL_PORTABLE"] == "1"
    || Context.packageDirectory.split(separator: "/").contains("checkouts")

// Release builds drop only exclusivity checks here: Swift's overflow and bounds
// checks stay on in the engine, so a validation ever missed stops with a trap
// instead of corrupting memory. None should be reachable: every integer a user
// passes is bounded where it enters an op (Core/Checked.swift), sizes derived
// from them use checked arithmetic, allocations are checked against memory
// first (Core/MemoryBudget.swift), and C counts and handles are validated
// (CajalC/Support.swift). `make fuzz` and `make sanitize` test that.
let engineFlags: [SwiftSetting] = portable ? [.swiftLanguageMode(.v5)] : [
    .swiftLanguageMode(.v5),
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

// The kernels are compiled three times from the same sources (the AVX
// folders hold symlinks to Sources/CajalKernels): for baseline x86-64, for
// AVX2 + FMA (Haswell and later) and for AVX-512 (Skylake-SP and later). The
// engine picks one at load time from the CPU's flags and never runs code the
// CPU lacks. They only see sizes, strides and indices the ops validated, so
// release builds compile them -Ounchecked.
func kernelFlags(targetCPU: String?, define: String?) -> [SwiftSetting] {
    if portable { return [.swiftLanguageMode(.v5), .define("CAJAL_PORTABLE")] }
    var flags: [SwiftSetting] = [
        .swiftLanguageMode(.v5),
        .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
        // Float.squareRoot() goes through a C shim (__builtin_sqrtf): with
        // errno it became a libm call per lane, which no loop vectorizes
        // (Adam's step, torch.sqrt). IEEE sqrt either way: the same bits.
        .unsafeFlags(["-Xcc", "-fno-math-errno"]),
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
        // The C the engine needs: OpenBLAS and LAPACK loaded at run time
        // (dlopen, not linked: see cajal_blas.h), and the pool's pause hint and
        // CPU placement (cajal_spin.h), which Swift cannot express.
        .target(name: "CCajalPlatform", linkerSettings: [.linkedLibrary("dl")]),
        // What every kernel module and the engine share: the kernel table,
        // DType and the op codes, strided loops, the worker pool.
        .target(name: "CajalRuntime", dependencies: ["CCajalPlatform"], swiftSettings: engineFlags),
        .target(name: "CajalKernels", dependencies: ["CajalRuntime"],
                swiftSettings: kernelFlags(targetCPU: nil, define: nil)),
        .target(name: "CajalKernelsAVX2", dependencies: ["CajalRuntime"],
                swiftSettings: kernelFlags(targetCPU: "haswell", define: "CAJAL_ISA_AVX2")),
        .target(name: "CajalKernelsAVX512", dependencies: ["CajalRuntime"],
                swiftSettings: kernelFlags(targetCPU: "skylake-avx512", define: "CAJAL_ISA_AVX512")),
        // Tensors, autograd and ops; then the layers built on them, which
        // see CajalCore's `package` declarations but not each other.
        .target(name: "CajalCore",
                dependencies: ["CCajalPlatform", "CajalRuntime", "CajalKernels", "CajalKernelsAVX2", "CajalKernelsAVX512"],
                swiftSettings: engineFlags),
        .target(name: "CajalNN", dependencies: ["CajalCore", "CajalRuntime"], swiftSettings: engineFlags),
        .target(name: "CajalOptim", dependencies: ["CajalCore", "CajalRuntime"], swiftSettings: engineFlags),
        .target(name: "CajalIO", dependencies: ["CajalCore", "CajalRuntime"], swiftSettings: engineFlags),
        // `import Cajal`: all of the above.
        .target(name: "Cajal", dependencies: ["CajalCore", "CajalNN", "CajalOptim", "CajalIO"], swiftSettings: engineFlags),
        // libcajal.so carries the Swift runtime inside (-static-stdlib), so a
        // Python wheel or an installed copy needs no Swift toolchain, and has
        // the SONAME of its ABI (make install adds the versioned file names).
        // CAJAL_SWIFT_RUNTIME=shared links the toolchain's runtime instead
        // (the sanitizer builds).
        .target(name: "CajalC", dependencies: ["Cajal"], swiftSettings: engineFlags,
                linkerSettings: portable ? [] : [.unsafeFlags(
                    (Context.environment["CAJAL_SWIFT_RUNTIME"] == "shared" ? [] : ["-static-stdlib"])
                        + ["-Xlinker", "-soname=libcajal.so.0"])]),
        // The Swift examples (examples/swift): the same engine from a Swift program.
        .executableTarget(name: "BreastCancerMLP", dependencies: ["Cajal"], path: "examples/swift/BreastCancerMLP",
                          swiftSettings: [.swiftLanguageMode(.v5)]),
        .executableTarget(name: "DigitsLeNet", dependencies: ["Cajal"], path: "examples/swift/DigitsLeNet",
                          swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(name: "CajalTests", dependencies: ["Cajal"], swiftSettings: [.swiftLanguageMode(.v5)]),
    ]
)
