"""torch.backends.cpu: which SIMD kernels the engine picked at load time, and
the cache of freed tensor buffers."""

from .._ffi import lib


def get_cpu_capability():
    """"AVX512", "AVX2" or "DEFAULT", as torch names them."""
    return {"avx512": "AVX512", "avx2": "AVX2"}.get(lib.cajal_kernel_isa().decode(), "DEFAULT")


def get_blas_core():
    """OpenBLAS's name for the GEMM kernels cajal loaded ("SkylakeX", "Haswell", ...)."""
    return lib.cajal_blas_core().decode()


def memory_cached():
    """Bytes of freed tensor buffers cajal keeps for reuse (at most 512 MiB)."""
    return lib.cajal_cached_memory_bytes()


def memory_available():
    """Bytes cajal can still allocate (available memory, within the cgroup's
    limit and ulimit -v); larger requests raise OutOfMemoryError up front."""
    return lib.cajal_memory_available()


def empty_cache():
    """Gives the buffers kept for reuse back to the system."""
    lib.cajal_clear_memory_cache()


def get_bernoulli_stream():
    """Where bernoulli_(p) and dropout draw: "mt19937" (the generator's own
    draws, as torch 2.x on every CPU) unless set to "mkl"."""
    from .._constants import BernoulliStream

    return BernoulliStream(lib.cajal_get_bernoulli_stream()).name.lower()


def set_bernoulli_stream(stream):
    """Draws bernoulli_(p) and dropout from "mkl" or "mt19937" from now on:
    "mkl" reproduces older torch builds on Intel CPUs, which seeded MKL's
    MCG31 stream from one draw of the generator."""
    from .._constants import BernoulliStream
    from .._ffi import check

    names = {s.name.lower(): s for s in BernoulliStream}
    if stream not in names:
        raise ValueError(f"set_bernoulli_stream: expected one of {sorted(names)}, got {stream!r}")
    check(lib.cajal_set_bernoulli_stream(names[stream]))
