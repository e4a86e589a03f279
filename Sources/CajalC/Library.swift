import Cajal
import Glibc

/// Must equal CAJAL_API_VERSION in include/cajal.h.
let apiVersion: Int32 = 2

@_cdecl("cajal_api_version")
public func cajal_api_version() -> Int32 { apiVersion }

/// A static, NUL-terminated "" for threads without an error.
private let emptyMessage = UnsafeRawPointer(("" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)

@_cdecl("cajal_last_error")
public func cajal_last_error() -> UnsafePointer<CChar>? {
    lastErrorMessage.value.text.map { UnsafePointer($0) } ?? emptyMessage
}

@_cdecl("cajal_manual_seed")
public func cajal_manual_seed(_ seed: UInt64) { manualSeed(seed) }

@_cdecl("cajal_grad_enabled")
public func cajal_grad_enabled() -> Int32 { GradMode.isEnabled ? 1 : 0 }

@_cdecl("cajal_set_grad_enabled")
public func cajal_set_grad_enabled(_ enabled: Int32) { GradMode.isEnabled = enabled != 0 }

@_cdecl("cajal_live_tensor_count")
public func cajal_live_tensor_count() -> Int { Tensor.liveTensors }

@_cdecl("cajal_live_storage_bytes")
public func cajal_live_storage_bytes() -> Int { Storage.liveBytes }

@_cdecl("cajal_cached_memory_bytes")
public func cajal_cached_memory_bytes() -> Int { cachedMemoryBytes }

@_cdecl("cajal_clear_memory_cache")
public func cajal_clear_memory_cache() { clearMemoryCache() }

@_cdecl("cajal_memory_available")
public func cajal_memory_available() -> Int { MemoryBudget.availableBytes() }

/// The kernel set's name as a C string that lives for the process.
private let kernelSetName: UnsafePointer<CChar>? = UnsafePointer(strdup(kernelInstructionSet))

@_cdecl("cajal_kernel_isa")
public func cajal_kernel_isa() -> UnsafePointer<CChar>? {
    kernelSetName ?? emptyMessage
}

/// Made on the first call (which loads OpenBLAS), then kept for the process.
private let blasCoreName: UnsafePointer<CChar>? = UnsafePointer(strdup(blasCore))

@_cdecl("cajal_blas_core")
public func cajal_blas_core() -> UnsafePointer<CChar>? { blasCoreName ?? emptyMessage }

@_cdecl("cajal_get_num_threads")
public func cajal_get_num_threads() -> Int32 { Int32(clamping: threadCount) }

@_cdecl("cajal_set_num_threads")
public func cajal_set_num_threads(_ n: Int32) -> Int32 {
    status {
        guard n >= 1 else { throw CajalError.value("[set_num_threads] the number of threads must be at least 1, got \(n)") }
        threadCount = Int(n)
    }
}
