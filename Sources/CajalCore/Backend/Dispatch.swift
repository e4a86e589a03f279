import CajalKernels
import CajalRuntime
import CajalKernelsAVX2
import CajalKernelsAVX512
import Glibc

/// The kernels the engine calls: the best instruction set this CPU supports,
/// chosen once at load. CAJAL_KERNELS=baseline|avx2|avx512 forces a lower one
/// (a request the CPU cannot run falls back to what it can).
package let kernels: KernelSet = {
    let flags = cpuFlags()
    let hasAVX2 = ["avx", "avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "lzcnt"].allSatisfy {
        flags.contains($0) || ($0 == "lzcnt" && flags.contains("abm"))
    }
    let hasAVX512 = hasAVX2 && ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains)
    let request = getenv("CAJAL_KERNELS").map { String(cString: $0) }
    if hasAVX512 && (request == nil || request == "avx512") { return CajalKernelsAVX512.kernelSet }
    if hasAVX2 && request != "baseline" { return CajalKernelsAVX2.kernelSet }
    return CajalKernels.kernelSet
}()

/// The name of the kernel set in use ("avx512", "avx2" or "baseline").
public var kernelInstructionSet: String { kernels.name }

/// The CPU feature flags the kernel reports in /proc/cpuinfo (empty elsewhere,
/// which selects the baseline kernels).
private func cpuFlags() -> Set<String> {
    #if arch(x86_64)
    guard let file = fopen("/proc/cpuinfo", "r") else { return [] }
    defer { fclose(file) }
    var line: UnsafeMutablePointer<CChar>? = nil
    var capacity = 0
    defer { free(line) }
    while getline(&line, &capacity, file) > 0 {
        guard let line else { break }
        let text = String(cString: line)
        if text.hasPrefix("flags") {
            let values = text.split(separator: ":", maxSplits: 1).last ?? ""
            return Set(values.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
        }
    }
    #endif
    return []
}

/// How many threads the kernels use (torch.get_num_threads).
public var threadCount: Int {
    get { Parallel.threadCount }
    set { Parallel.setThreadCount(newValue) }
}
