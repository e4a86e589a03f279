"""torch.autocast / torch.amp.autocast on the CPU: inside, matmul, linear and
the (transposed) convolutions run in bfloat16 (or float16) and return it, the
losses run in float32, and every other op follows its inputs' dtypes; the
engine keeps the state per thread (cajal_set_autocast in include/cajal.h).
Gradients of float32 parameters stay float32. There is no GPU: autocast on
"cuda" warns and does nothing, as torch does without CUDA."""

import functools
import warnings

from . import _dtype as D
from ._ffi import check, lib


def _state():
    code = lib.cajal_autocast_dtype()
    return None if code < 0 else D.BY_CODE[code]


class autocast:  # noqa: N801 (torch's name)
    """torch.autocast(device_type, dtype=None, enabled=True, cache_enabled=None): a
    context manager and a decorator. On the CPU dtype defaults to bfloat16."""

    def __init__(self, device_type="cpu", dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.device = device_type
        self.fast_dtype = D.bfloat16 if dtype is None else dtype
        self._enabled = bool(enabled)
        if device_type == "cuda":
            warnings.warn("User provided device_type of 'cuda', but CUDA is not available. Disabling", stacklevel=2)
            self._enabled = False
        elif device_type != "cpu":
            raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")
        if self._enabled and self.fast_dtype not in (D.bfloat16, D.float16):
            warnings.warn("In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                          "CPU Autocast only supports dtype of torch.bfloat16, torch.float16 currently.", stacklevel=2)
            self._enabled = False

    def __enter__(self):
        self._previous = _state()
        self._set(self.fast_dtype if self._enabled else None)
        return self

    def __exit__(self, *exc):
        self._set(self._previous)
        return False

    @staticmethod
    def _set(dtype):
        check(lib.cajal_set_autocast(0 if dtype is None else 1, 0 if dtype is None else dtype.code))

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with autocast(self.device, self.fast_dtype, self._enabled):
                return fn(*args, **kwargs)
        return wrapper


def is_autocast_available(device_type):
    return device_type == "cpu"


def is_autocast_enabled(device_type=None):
    """With device_type "cpu" (or none, as torch's CPU-less default): whether autocast is on in this thread."""
    return device_type in (None, "cpu") and _state() is not None


def get_autocast_dtype(device_type="cpu"):
    """The dtype autocast casts to on the CPU (bfloat16 unless a context said otherwise)."""
    return _state() or D.bfloat16


def get_autocast_cpu_dtype():
    return get_autocast_dtype("cpu")


def is_autocast_cpu_enabled():
    return is_autocast_enabled("cpu")
