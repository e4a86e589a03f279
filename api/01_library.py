"""The C API: library.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. tools/generate.py (make generate) makes include/cajal.h,
the Swift exports and the ctypes table from these declarations.
"""

section("library")

fn("int32_t cajal_api_version(void)",
   "The API version the library was built with (CAJAL_API_VERSION).",
   swift='apiVersion')

fn("const char *cajal_last_error(void)",
   """The message of the last failed call on this thread; "" if none.
The string is owned by the library and valid until the next failing call
on the same thread.""",
   swift='lastErrorMessage.value.text.map { UnsafePointer($0) } ?? emptyMessage')

fn("void cajal_manual_seed(uint64_t seed)",
   """Seeds the default random generator (torch.manual_seed). Given the same
seed, cajal_tensor_rand and cajal_tensor_randn produce torch's values.""",
   swift='manualSeed(seed)', capture="record")

fn("int32_t cajal_grad_enabled(void)",
   "Whether ops on this thread record the autograd graph: 1 or 0.",
   swift='GradMode.isEnabled ? 1 : 0')

fn("void cajal_set_grad_enabled(int32_t enabled)",
   "Turns graph recording on (non-zero) or off (0) for this thread (no_grad).",
   swift='GradMode.isEnabled = enabled != 0', capture="record")

fn("size_t cajal_cached_memory_bytes(void)",
   """Bytes of freed tensor buffers kept for reuse (at most 512 MiB): a training
step reuses them instead of faulting in fresh pages every time.""",
   swift='cachedMemoryBytes')

fn("void cajal_clear_memory_cache(void)",
   "Gives every buffer kept for reuse back to the system.",
   swift='clearMemoryCache()')

fn("size_t cajal_memory_available(void)",
   """Bytes this process can still allocate: the memory the system reports
available (plus free swap), bounded by the cgroup's limit and ulimit -v.
Larger requests fail with CAJAL_ERR_OUT_OF_MEMORY before any memory is taken.""",
   swift='MemoryBudget.availableBytes()')

fn("const char *cajal_kernel_isa(void)",
   """The instruction set of the kernels in use: "avx512", "avx2" or "baseline".
The best one the CPU supports is chosen at load; the environment variable
CAJAL_KERNELS=baseline|avx2|avx512 can ask for a lower one.""",
   swift='kernelSetName ?? emptyMessage')

fn("const char *cajal_blas_core(void)",
   """OpenBLAS's name for the GEMM kernels in use ("SkylakeX", "Haswell", ...),
or "unavailable". OpenBLAS is loaded at the first call that needs it, with
the best kernels the CPU runs (CAJAL_BLAS_CORETYPE=SkylakeX|Haswell|Prescott
asks for others, if the CPU runs them).""",
   swift='blasCoreName ?? emptyMessage')

fn("const char *cajal_onednn_version(void)",
   """oneDNN's version ("oneDNN 2.6.3") when its library (Debian's libdnnl2) is
installed, loading it; "" otherwise. While enabled, float32 convolutions and
their gradients run on oneDNN's kernels, as torch's do (torch.backends.mkldnn).""",
   swift='oneDNNVersionName ?? emptyMessage')

fn("int32_t cajal_onednn_enabled(void)",
   "Whether float32 convolutions may run on oneDNN (torch.backends.mkldnn.enabled): 1 (the default) or 0.",
   swift='OneDNN.enabled ? 1 : 0')

fn("void cajal_set_onednn_enabled(int32_t enabled)",
   """Lets float32 convolutions run on oneDNN when installed (non-zero), or keeps
them on im2col and BLAS (0), process-wide.""",
   swift='OneDNN.enabled = enabled != 0', capture="record")

fn("int32_t cajal_get_num_threads(void)",
   """How many threads the kernels split large ops across (torch.get_num_threads).
Starts at the number of online cores, or at CAJAL_NUM_THREADS when set.""",
   swift='Int32(clamping: threadCount)')

fn("int cajal_set_num_threads(int32_t n)",
   "Sets the number of kernel threads (at least 1), like torch.set_num_threads.",
   swift=r'''status {
    guard n >= 1 else { throw CajalError.value("[set_num_threads] the number of threads must be at least 1, got \(n)") }
    threadCount = Int(n)
}''', capture="never")

fn("size_t cajal_live_tensor_count(void)",
   "The number of tensor objects alive in the library (for leak checks).",
   swift='Tensor.liveTensors')

fn("size_t cajal_live_storage_bytes(void)",
   """The number of bytes of tensor memory the library has allocated and not yet
freed (for leak checks).""",
   swift='Storage.liveBytes')

fn("int32_t cajal_get_default_dtype(void)",
   "The default floating-point dtype (CAJAL_FLOAT32 unless set): what float numbers and integer math turn into.",
   swift='DType.defaultFloat.rawValue')

fn("int cajal_set_default_dtype(int32_t dtype)",
   """torch.set_default_dtype, process-wide: CAJAL_FLOAT32 or CAJAL_FLOAT64. Integer inputs of
real functions, true division of integers and Python floats promote to it.""",
   swift='''status {
    let type = try readDType(dtype, "set_default_dtype")
    guard DType.setDefaultFloat(type) else {
        throw CajalError.type("[set_default_dtype] only floating-point types are supported as the default type, got \\(type.name)")
    }
}''')

fn("int cajal_set_autocast(int32_t enabled, int32_t dtype)",
   """torch.autocast("cpu", dtype) for this thread: while enabled, matmul, linear and the
(transposed) convolutions cast float32 operands to dtype (CAJAL_BFLOAT16 or CAJAL_FLOAT16) and
return it, and the losses compute in float32; backward runs with it off. 0 switches it off.""",
   swift='''status {
    guard enabled != 0 else {
        Autocast.dtype = nil
        return
    }
    let type = try readDType(dtype, "autocast")
    guard type == .bfloat16 || type == .float16 else {
        throw CajalError.value("[autocast] CPU autocast supports bfloat16 and float16, got \\(type.name)")
    }
    Autocast.dtype = type
}''')

fn("int32_t cajal_autocast_dtype(void)",
   "The dtype autocast runs in on this thread (a CAJAL_* code), or -1 when it is off.",
   swift='Autocast.dtype?.rawValue ?? -1')
