"""torch.backends.cpu: which SIMD kernels the engine picked at load time."""

from .._ffi import lib


def get_cpu_capability():
    """"AVX512", "AVX2" or "DEFAULT", as torch names them."""
    return {"avx512": "AVX512", "avx2": "AVX2"}.get(lib.cajal_kernel_isa().decode(), "DEFAULT")


def get_blas_core():
    """OpenBLAS's name for the GEMM kernels cajal loaded ("SkylakeX", "Haswell", ...)."""
    return lib.cajal_blas_core().decode()
