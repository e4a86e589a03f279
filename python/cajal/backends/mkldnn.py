"""torch.backends.mkldnn: oneDNN, the library torch's CPU convolutions run on.
cajal loads it at run time (Debian's libdnnl2) for float32 convolutions and
their gradients; without it, or with `enabled = False`, they run on im2col and
BLAS."""

import contextlib
import sys
import types

from .._ffi import lib


def is_available():
    """Whether oneDNN's library is installed (cajal loads it on this call)."""
    return bool(lib.cajal_onednn_version())


def version():
    """oneDNN's version as loaded ("oneDNN 2.6.3"), or None."""
    return lib.cajal_onednn_version().decode() or None


def set_flags(_enabled=None, _deterministic=None):
    """torch.backends.mkldnn.set_flags: returns the previous (enabled, deterministic)."""
    previous = (bool(lib.cajal_onednn_enabled()), True)
    if _enabled is not None:
        lib.cajal_set_onednn_enabled(1 if _enabled else 0)
    return previous


@contextlib.contextmanager
def flags(enabled=False, deterministic=False):
    """Runs the block with oneDNN on or off, then restores the setting."""
    previous = set_flags(enabled, deterministic)
    try:
        yield
    finally:
        set_flags(*previous)


class _Module(types.ModuleType):
    """Makes `torch.backends.mkldnn.enabled = False` reach the engine."""

    @property
    def enabled(self):
        return bool(lib.cajal_onednn_enabled())

    @enabled.setter
    def enabled(self, value):
        lib.cajal_set_onednn_enabled(1 if value else 0)

    deterministic = True  # cajal's oneDNN calls are deterministic for a given thread count


sys.modules[__name__].__class__ = _Module
