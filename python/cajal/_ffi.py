"""Loads libcajal.so and declares every C function once.

The declaration table (_declarations.py) is generated from api/*.py together
with include/cajal.h; a drift test checks that the header, the library's
exported symbols (and the Swift @_cdecl functions behind them) and the table
name the same functions with the same signatures. Every call that returns a
status goes through `check`, which raises the Python exception matching the C
error code.
"""

import ctypes
import os
import sys
import threading
from ctypes import ArgumentError
from ctypes import c_int32, c_int64

API_VERSION = 3  # must match CAJAL_API_VERSION in include/cajal.h

class OutOfMemoryError(RuntimeError, MemoryError):
    """A request the engine refused because the memory is not there: a
    RuntimeError as torch's allocator failure is, and a MemoryError."""


# Status codes (include/cajal.h) and the exceptions they raise, as torch does.
ERRORS = {
    1: RuntimeError,  # CAJAL_ERR_RUNTIME
    2: RuntimeError,  # CAJAL_ERR_SHAPE
    3: IndexError,  # CAJAL_ERR_INDEX
    4: TypeError,  # CAJAL_ERR_TYPE
    5: ValueError,  # CAJAL_ERR_VALUE
    6: NotImplementedError,  # CAJAL_ERR_NOT_IMPLEMENTED
    7: OutOfMemoryError,  # CAJAL_ERR_OUT_OF_MEMORY
    8: ValueError,  # CAJAL_ERR_NULL_ARGUMENT
}

# The ctypes table of every function, generated from api/*.py with the header.
from ._declarations import DECLARATIONS, GRADIENT_FN, RELEASE_FN  # noqa: E402, F401 (callers import the callback types from here)


def _candidates():
    """Where to look for libcajal.so, in order."""
    here = os.path.dirname(os.path.abspath(__file__))
    paths = []
    env = os.environ.get("CAJAL_LIBRARY_PATH")
    if env:
        paths.append(os.path.join(env, "libcajal.so") if os.path.isdir(env) else env)
    paths.append(os.path.join(here, "libcajal.so"))
    repo = os.path.dirname(os.path.dirname(here))
    paths.append(os.path.join(repo, ".build", "release", "libcajal.so"))
    paths.append(os.path.join(repo, ".build", "debug", "libcajal.so"))
    return paths


def _load():
    tried = []
    for path in _candidates():
        if not os.path.exists(path):
            tried.append(f"{path} (not found)")
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as error:
            tried.append(f"{path} ({error})")
            continue
        lib.cajal_api_version.restype = c_int32
        version = lib.cajal_api_version()
        if version != API_VERSION:
            raise ImportError(
                f"cajal: {path} has API version {version}, but this package needs {API_VERSION}; "
                "rebuild it with `swift build -c release`"
            )
        return lib, path
    raise ImportError(
        "cajal: could not load libcajal.so. Build it with `swift build -c release` or set "
        "CAJAL_LIBRARY_PATH. Tried:\n  " + "\n  ".join(tried)
    )


_overflow = threading.local()  # the OverflowError behind the ctypes ArgumentError being raised


def _checked(ctype, bits):
    """An argument type for `ctype` that refuses Python integers outside its
    range: plain ctypes wraps them silently, so that zeros(2**64 + 3) would
    make a tensor of 3 elements."""
    low, high, convert = -(1 << (bits - 1)), (1 << (bits - 1)) - 1, ctype.from_param

    class Checked:
        @classmethod
        def from_param(cls, value):
            try:
                inside = low <= value <= high
            except TypeError:  # not a number: ctypes says what it expected
                return convert(value)
            if not inside:
                _overflow.error = OverflowError(f"Overflow when unpacking long: {value} does not fit in int{bits}")
                raise _overflow.error
            return convert(value)

    Checked.__name__ = f"checked_{ctype.__name__}"
    return Checked


# Every integer argument goes through its range check on the way in.
CHECKED_TYPES = {c_int64: _checked(c_int64, 64), c_int32: _checked(c_int32, 32)}


def _raising_overflow(function):
    """`function` raising the OverflowError of an out-of-range integer itself,
    not wrapped in ctypes' ArgumentError (torch raises OverflowError there)."""

    def call(*args):
        _overflow.error = None
        try:
            return function(*args)
        except ArgumentError:
            if _overflow.error is not None:
                raise _overflow.error from None
            raise

    call.__name__ = function.__name__
    return call


def _offer_wheel_mkl():
    """Points the engine at the `mkl` wheel's libmkl_rt when it is installed
    (pip puts it in the environment's lib folder): on an Intel CPU the engine
    prefers it to OpenBLAS (Sources/CCajalPlatform/blas.c)."""
    import glob

    for folder in {sys.prefix, sys.base_prefix}:
        found = sorted(glob.glob(os.path.join(folder, "lib", "libmkl_rt.so.*")))
        if found:
            os.environ.setdefault("CAJAL_MKL_LIBRARY", found[-1])
            return


def _offer_wheel_openblas():
    """Points the engine at the scipy-openblas32 wheel's OpenBLAS, which it
    tries after the system's (see Sources/CCajalPlatform/blas.c), when that
    wheel is installed. Found without importing it."""
    import importlib.util

    spec = importlib.util.find_spec("scipy_openblas32")
    if spec is None or not spec.submodule_search_locations:
        return
    for folder in spec.submodule_search_locations:
        path = os.path.join(folder, "lib", "libscipy_openblas.so")
        if os.path.exists(path):
            os.environ.setdefault("CAJAL_BLAS_FALLBACK_LIBRARY", path)
            return


_offer_wheel_mkl()
_offer_wheel_openblas()
lib, library_path = _load()
for _name, (_restype, _argtypes) in DECLARATIONS.items():
    _function = getattr(lib, _name)
    _function.restype = _restype
    _function.argtypes = [CHECKED_TYPES.get(t, t) for t in _argtypes]
    if any(t in CHECKED_TYPES for t in _argtypes):
        setattr(lib, _name, _raising_overflow(_function))


def last_error():
    message = lib.cajal_last_error()
    return message.decode("utf-8", "replace") if message else ""


def reserve(nbytes, what):
    """Raises OutOfMemoryError when `nbytes` more cannot be had, before any of
    it is taken: for memory the Python layer allocates itself (lists, copies
    of modules), which the engine's own checks do not see."""
    available = lib.cajal_memory_available()
    if nbytes > available:
        raise OutOfMemoryError(f"[{what}] cannot allocate {nbytes} bytes: only {available} are available")


def check(status):
    """Raises the Python exception for a non-zero C status."""
    if status:
        raise ERRORS.get(status, RuntimeError)(last_error())


INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


def int64_array(values):
    """A ctypes int64 array for a shape or a list of dims; integers outside
    int64 raise OverflowError instead of wrapping."""
    for value in values:
        try:
            inside = INT64_MIN <= value <= INT64_MAX
        except TypeError:
            continue  # ctypes raises its own TypeError below
        if not inside:
            raise OverflowError(f"Overflow when unpacking long: {value} does not fit in int64")
    return (c_int64 * len(values))(*values)
