"""cajal: a small deep-learning engine with a PyTorch-like API.

    import cajal as torch

runs PyTorch-style code for the supported subset. The engine is a Swift
library (libcajal.so) reached through ctypes; this package holds no math.
"""

import builtins as _builtins
import ctypes as _ctypes

from . import _ffi, _methods, autograd, backends, cuda, distributed, fft, hub, linalg, nn, optim, testing, utils
from ._creation import (
    Generator,
    arange,
    default_generator,
    eye,
    get_rng_state,
    initial_seed,
    linspace,
    randint,
    randint_like,
    multinomial,
    normal,
    bernoulli,
    empty_like,
    randperm,
    seed,
    set_rng_state,
    as_tensor,
    empty,
    from_numpy,
    full,
    full_like,
    manual_seed,
    ones,
    ones_like,
    rand,
    rand_like,
    randn,
    randn_like,
    tensor,
    zeros,
    zeros_like,
)
from ._dtype import Size, bool_ as bool, device, double, dtype, float, float32, float64, int64, long  # noqa: A004
from ._dtype import bfloat16, float16, half, int, int8, int16, int32, short, uint8  # noqa: A004
from ._dtype import cdouble, cfloat, complex64, complex128  # noqa: E402
from ._ffi import OutOfMemoryError
from ._tensor import Tensor, as_tensor_operand as _operand
from .serialization import load, save
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled

__version__ = "0.1.0"


def get_num_threads():
    """Threads the engine's kernels use (default: the machine's cores)."""
    return _ffi.lib.cajal_get_num_threads()


def set_num_threads(n):
    _ffi.check(_ffi.lib.cajal_set_num_threads(n))


from ._dtype import get_default_dtype, set_default_dtype  # noqa: E402


class __config__:  # noqa: N801 - torch's name
    """torch.__config__.show(): how this engine was built and what it runs on."""

    @staticmethod
    def show():
        from .backends import cpu, mkldnn
        core = cpu.get_blas_core()
        blas = core if core.startswith("MKL") else f"OpenBLAS ({core})"
        dnnl = mkldnn.version() or "not installed (convolutions on im2col and BLAS)"
        return (f"cajal (CPU only)\n  - kernels: {cpu.get_cpu_capability()}\n  - BLAS: {blas}\n  - oneDNN: {dnnl}\n"
                f"  - threads: {get_num_threads()}\n")

    @staticmethod
    def parallel_info():
        return f"ATen/Parallel:\n\tat::get_num_threads() : {get_num_threads()}\n"


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(input):  # noqa: A002
    return input.numel()


# torch.<op>(tensor, ...) forms of the tensor methods.
def add(input, other, alpha=1):  # noqa: A002
    return _operand(input).add(other, alpha=alpha)


def sub(input, other, alpha=1):  # noqa: A002
    return _operand(input).sub(other, alpha=alpha)


def mul(input, other):  # noqa: A002
    return _operand(input).mul(other)


def div(input, other, rounding_mode=None):  # noqa: A002
    return _operand(input).div(other, rounding_mode=rounding_mode)


def pow(input, exponent):  # noqa: A001,A002
    return _operand(input).pow(exponent)


def matmul(input, other):  # noqa: A002
    return _operand(input).matmul(other)


def where(condition, input=None, other=None):  # noqa: A002
    """condition ? input : other elementwise; torch.where(condition) alone is
    condition.nonzero(as_tuple=True)."""
    from ._tensor import _call

    if input is None and other is None:
        return _operand(condition).nonzero(as_tuple=True)
    if input is None or other is None:
        raise TypeError("where() takes a condition and both input and other, or the condition alone")
    c, a, b = _operand(condition), _operand(input), _operand(other)
    return _call(_ffi.lib.cajal_tensor_where, c._handle, a._handle, b._handle)


def broadcast_shapes(*shapes):
    """The shape the given shapes broadcast to (torch.broadcast_shapes)."""
    result = []
    for arg, shape in enumerate(shapes):
        shape = [shape] if isinstance(shape, _builtins.int) else list(shape)
        for i in range(1, len(shape) + 1):
            size = shape[-i]
            if i > len(result):
                result.insert(0, size)
            elif result[-i] == 1:
                result[-i] = size
            elif size not in (1, result[-i]):
                raise RuntimeError("Shape mismatch: objects cannot be broadcast to a single shape.  "
                                   f"Mismatch is between arg 0 and arg {arg}.")
    return Size(result)


def broadcast_tensors(*tensors):
    """Views of the tensors expanded to their common shape."""
    tensors = [_operand(t) for t in tensors]
    shape = broadcast_shapes(*[t.shape for t in tensors])
    return tuple(t.expand(shape) for t in tensors)


def _method(name):
    def function(input, *args, **kwargs):  # noqa: A002
        return getattr(_operand(input), name)(*args, **kwargs)

    function.__name__ = name
    function.__doc__ = f"torch.{name}(input, ...): the same as input.{name}(...)."
    return function


def _handles(tensors):
    tensors = [_operand(t) for t in tensors]
    # builtins.max: this module defines torch.max below.
    return tensors, (_ctypes.c_void_p * _builtins.max(len(tensors), 1))(*[t._handle for t in tensors])


def heaviside(input, values):  # noqa: A002
    """0 where input < 0, values where input == 0, 1 where input > 0 (torch.heaviside)."""
    x, v = _operand(input), _operand(values)
    return where(x > 0, ones_like(x), where(x == 0, v.to(x.dtype).expand_as(x), zeros_like(x)))


def einsum(equation, *operands):
    """torch.einsum(equation, *operands), or with the operands in one list."""
    from ._tensor import _call

    if not isinstance(equation, str):
        raise NotImplementedError("einsum's sublist format (einsum(op1, [0, 1], ...)) is not supported by cajal; "
                                  "pass an equation string")
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = operands[0]
    operands, handles = _handles(operands)
    return _call(_ffi.lib.cajal_einsum, equation.encode(), handles, len(operands))


def cat(tensors, dim=0):
    from ._tensor import _call

    tensors, handles = _handles(tensors)
    return _call(_ffi.lib.cajal_tensor_cat, handles, len(tensors), dim)


concat = concatenate = cat


def stack(tensors, dim=0):
    from ._tensor import _call

    tensors, handles = _handles(tensors)
    return _call(_ffi.lib.cajal_tensor_stack, handles, len(tensors), dim)


def hstack(tensors):
    tensors = [_operand(t) for t in tensors]
    return cat(tensors, dim=0 if tensors and tensors[0].dim() == 1 else 1)


def vstack(tensors):
    return cat([t.reshape(1, -1) if t.dim() < 2 else t for t in (_operand(t) for t in tensors)], dim=0)


def clamp(input, min=None, max=None):  # noqa: A001,A002
    return _operand(input).clamp(min, max)


clip = clamp


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    return _operand(input).isclose(other, rtol, atol, equal_nan)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    return _operand(input).allclose(other, rtol, atol, equal_nan)


def equal(input, other):  # noqa: A002
    return _operand(input).equal(other)


def round(input, decimals=0):  # noqa: A001,A002
    return _operand(input).round(decimals)


for _name in ("sum", "mean", "reshape", "transpose", "permute", "squeeze", "unsqueeze", "eq", "ne", "lt", "le", "gt",
              "ge", "swapaxes", "negative", "floor_divide", "square", "divide", "true_divide", "narrow", "select", "diagonal",
              "unbind", "split", "chunk", "flip", "fliplr", "flipud", "roll", "movedim", "moveaxis", "flatten",
              "ravel", "unflatten", "tile", "tril", "triu", "diag", "index_select", "gather", "scatter",
              "scatter_add", "scatter_reduce", "index_add", "masked_fill", "masked_select", "nonzero", "argwhere",
              "prod", "max", "min", "argmax", "argmin", "amax", "amin", "all", "any", "var", "std", "norm",
              "logsumexp", "cumsum", "cumprod", "sort", "argsort", "topk", "count_nonzero", "mm", "bmm", "mv", "dot",
              "outer", "ger", "inverse", "det", "softmax", "log_softmax") + _methods.TORCH_FUNCTIONS:
    globals()[_name] = _method(_name)
del _name

# Compositions of engine ops (addmm, kron, meshgrid, ...): torch functions, and Tensor methods where torch has them.
from . import _compositions  # noqa: E402

globals().update(_compositions.FUNCTIONS)
_compositions.install()
from ._dtype import finfo, iinfo, promote_types  # noqa: E402
from ._legacy_types import LEGACY_TYPES as _LEGACY_TYPES  # noqa: E402

globals().update(_LEGACY_TYPES)  # FloatTensor, LongTensor, ... (torch's legacy tensor types)
from . import distributions  # noqa: E402


def _standard_gamma(input, generator=None):  # noqa: A002
    return _tensor_call(_ffi.lib.cajal_tensor_standard_gamma, _operand(input), generator)


def _sample_dirichlet(input, generator=None):  # noqa: A002
    return _tensor_call(_ffi.lib.cajal_tensor_sample_dirichlet, _operand(input), generator)


def _tensor_call(function, x, generator):
    from ._tensor import _call, _generator_handle

    return _call(function, x, _generator_handle(generator))

__all__ = [
    "Tensor", "Size", "dtype", "device", *_LEGACY_TYPES, "float32", "float", "float64", "double", "int64", "long", "bool",
    "int32", "int", "int16", "short", "int8", "uint8", "float16", "half", "bfloat16", "complex64", "complex128",
    "cfloat", "cdouble", "view_as_real", "view_as_complex", "complex", "real", "imag", "conj", "angle", "is_complex",
    "tensor", "as_tensor", "zeros", "ones", "empty", "full", "arange", "rand", "randn", "zeros_like", "ones_like",
    "full_like", "rand_like", "randn_like", "from_numpy", "manual_seed", "matmul", "where", "no_grad",
    "enable_grad", "set_grad_enabled", "get_num_threads", "set_num_threads", "inference_mode", "is_grad_enabled", "cuda", "autograd", "linalg", "fft", "einsum",
]


# Complex numbers: interleaved (re, im) pairs; view_as_real shows them as a last dim of 2.
from ._tensor import _call  # noqa: E402


def view_as_real(input):  # noqa: A002
    """The (re, im) pairs of a complex tensor as a float view with a last dim of 2."""
    return _call(_ffi.lib.cajal_tensor_view_as_real, _operand(input)._handle)


def view_as_complex(input):  # noqa: A002
    """A float tensor whose last dim (of 2, stride 1) holds (re, im), viewed as complex."""
    return _call(_ffi.lib.cajal_tensor_view_as_complex, _operand(input)._handle)


def complex(real, imag):  # noqa: A001
    """real + i imag, from two float tensors of one dtype."""
    return _call(_ffi.lib.cajal_complex, _operand(real)._handle, _operand(imag)._handle)


def real(input):  # noqa: A002
    return _operand(input).real


def imag(input):  # noqa: A002
    return _operand(input).imag


def conj(input):  # noqa: A002
    return _operand(input).conj()


def angle(input):  # noqa: A002
    return _operand(input).angle()


def is_complex(input):  # noqa: A002
    return _operand(input).is_complex()


from ._compile import compile  # noqa: E402, A001 (torch.compile)
from . import amp  # noqa: E402
from .amp import autocast, get_autocast_dtype, is_autocast_enabled  # noqa: E402 (torch.autocast, ...)
