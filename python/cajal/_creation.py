"""Factory functions: tensor, zeros, ones, full, arange, rand, randn, from_numpy, ..."""

import array
import builtins
import itertools
import math
from ctypes import byref, c_void_p

from . import _dtype as D
from ._ffi import RELEASE_FN, check, int64_array, lib
from ctypes import c_uint64

from ._tensor import Tensor, _call, _generator_handle, _size_args, _wrap

_bool, _int, _float = builtins.bool, builtins.int, builtins.float


def _finish(t, requires_grad):
    if requires_grad:
        t.requires_grad_(True)
    return t


def _from_buffer(address, nbytes, shape, dtype):
    return _call(lib.cajal_tensor_from_data, address, nbytes, int64_array(shape), len(shape), dtype.code)


def _nested(data):
    """Shape and row-major elements of nested lists/tuples, checked for raggedness."""
    shape = []
    probe = data
    while isinstance(probe, (list, tuple)):
        shape.append(len(probe))
        if not probe:
            break
        probe = probe[0]
    flat = []

    def walk(item, dim):
        if dim == len(shape):
            if isinstance(item, (list, tuple)):
                raise ValueError(f"expected a number at dim {dim}, got a sequence")
            flat.append(item)
            return
        if not isinstance(item, (list, tuple)):
            raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {type(item).__name__})")
        if len(item) != shape[dim]:
            raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(item)})")
        for sub in item:
            walk(sub, dim + 1)

    walk(data, 0)
    return shape, flat


def _python_number(value):
    if isinstance(value, (_bool, _int, _float, complex)):
        return value
    if isinstance(value, Tensor):
        return value.item()
    item = getattr(value, "item", None)  # numpy scalars
    if item is not None:
        return item()
    raise TypeError(f"cannot make a tensor element from {type(value).__name__}")


def _convert(values, dtype):
    if dtype is D.bool_:
        return [1 if v else 0 for v in values]
    if not dtype.is_floating_point:
        out = []
        for v in values:
            if isinstance(v, _float) and not math.isfinite(v):
                raise ValueError(f"value {v} cannot be converted to type {dtype.name} without overflow")
            v = _int(v)
            if dtype is D.uint8 and -256 < v < 0:
                v += 256  # torch lets negative numbers wrap into uint8
            out.append(v)
        return out
    return [_float(v) for v in values]


_NUMPY_TYPES = {d._numpy: d for d in D.ALL if d._numpy}


def _from_numpy_copy(arr, dtype):
    import numpy

    source = numpy.asarray(arr)
    target = dtype or _NUMPY_TYPES.get(source.dtype.name)
    if target is None:
        kind = source.dtype.kind
        target = D.default_float() if kind == "f" else D.int64 if kind in "iu" else D.bool_ if kind == "b" else None
        if target is None:
            raise TypeError(f"can't convert np.ndarray of type {source.dtype}; cajal supports {D.SUPPORTED}")
    if target._numpy is None:  # bfloat16: numpy has none, so through float32
        return _from_numpy_copy(source, D.float32).to(target)
    contiguous = numpy.ascontiguousarray(source, dtype=target._numpy)  # (0-d comes back 1-d: keep source's shape)
    address = contiguous.__array_interface__["data"][0]
    return _from_buffer(address, contiguous.nbytes, list(source.shape), target)


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor copying `data`: a number, nested lists, a numpy array or a tensor."""
    D.check_device(device)
    dtype = D.to_dtype(dtype)
    if isinstance(data, Tensor):
        result = data.detach().clone()
        if dtype is not None:
            result = result.to(dtype)
        return _finish(result, requires_grad)
    if hasattr(data, "__array_interface__") and hasattr(data, "dtype"):
        return _finish(_from_numpy_copy(data, dtype), requires_grad)
    shape, flat = _nested(data) if isinstance(data, (list, tuple)) else ([], [data])
    values = [_python_number(v) for v in flat]
    if dtype is None and any(isinstance(v, complex) for v in values):
        dtype = D.to_dtype(complex)
    if dtype is not None and dtype.is_complex:  # (re, im) pairs of the matching float type, viewed as complex
        part = D.float64 if dtype is D.complex128 else D.float32
        pairs = array.array(part._array_code, [x for v in values for x in (complex(v).real, complex(v).imag)])
        address, count = pairs.buffer_info()
        real = _from_buffer(address, count * pairs.itemsize, list(shape) + [2], part)
        return _finish(_call(lib.cajal_tensor_view_as_complex, real._handle), requires_grad)
    if dtype is None:
        if any(isinstance(v, _float) for v in values) or not values:
            dtype = D.default_float()
        elif any(not isinstance(v, _bool) for v in values):
            dtype = D.int64
        else:
            dtype = D.bool_
    # The half floats are built as float32 and rounded by the engine.
    carrier = dtype if dtype._array_code else D.float32
    try:
        buffer = array.array(carrier._array_code, _convert(values, carrier))
    except OverflowError:
        raise RuntimeError(f"value cannot be converted to type {dtype.name} without overflow") from None
    address, count = buffer.buffer_info()
    result = _from_buffer(address, count * buffer.itemsize, shape, carrier)
    return _finish(result if carrier is dtype else result.to(dtype), requires_grad)


as_tensor = tensor


def _filled(name, size, dtype, device, requires_grad, value):
    D.check_device(device)
    shape = _size_args(size, name)
    dtype = D.to_dtype(dtype, D.default_float())
    return _finish(_call(lib.cajal_tensor_full, int64_array(shape), len(shape), value, dtype.code), requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad=False, out=None):
    _no_out(out, "zeros")
    return _filled("zeros", size, dtype, device, requires_grad, 0.0)


def ones(*size, dtype=None, device=None, requires_grad=False, out=None):
    _no_out(out, "ones")
    return _filled("ones", size, dtype, device, requires_grad, 1.0)


def empty(*size, dtype=None, device=None, requires_grad=False, out=None):
    """Like torch.empty; cajal zero-fills, which is one valid choice of 'uninitialized'."""
    _no_out(out, "empty")
    return _filled("empty", size, dtype, device, requires_grad, 0.0)


def full(size, fill_value, dtype=None, device=None, requires_grad=False, out=None):
    _no_out(out, "full")
    if dtype is None:
        dtype = D.bool_ if isinstance(fill_value, _bool) else D.int64 if isinstance(fill_value, _int) else D.default_float()
    dtype = D.to_dtype(dtype)
    if isinstance(fill_value, _int) and not isinstance(fill_value, _bool):
        # Integers go through int64, exact beyond 2**53.
        D.check_device(device)
        shape = _size_args((size,), "full")
        t = _call(lib.cajal_tensor_full_int64, int64_array(shape), len(shape), fill_value, dtype.code)
        return _finish(t, requires_grad)
    return _filled("full", (size,), dtype, device, requires_grad, _float(fill_value))


def _like(t, dtype):
    return D.to_dtype(dtype, t.dtype)


def zeros_like(input, dtype=None, device=None, requires_grad=False):  # noqa: A002
    return zeros(input.shape, dtype=_like(input, dtype), device=device, requires_grad=requires_grad)


def empty_like(input, dtype=None, device=None, requires_grad=False, memory_format=None):  # noqa: A002
    """Like torch.empty_like (zero-filled, as cajal's empty is)."""
    return empty(input.shape, dtype=_like(input, dtype), device=device, requires_grad=requires_grad)


def ones_like(input, dtype=None, device=None, requires_grad=False):  # noqa: A002
    return ones(input.shape, dtype=_like(input, dtype), device=device, requires_grad=requires_grad)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):  # noqa: A002
    return full(input.shape, fill_value, dtype=_like(input, dtype), device=device, requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False, out=None):
    _no_out(out, "arange")
    D.check_device(device)
    if end is None:
        start, end = 0, start
    values = [_python_number(v) for v in (start, end, step)]
    code = D.to_dtype(dtype).code if dtype is not None else (
        -1 if all(isinstance(v, _int) for v in values) else D.default_float().code)
    t = _call(lib.cajal_tensor_arange, _float(values[0]), _float(values[1]), _float(values[2]), code)
    return _finish(t, requires_grad)


class Generator:
    """torch.Generator: an independent random stream with torch's numbers."""

    __slots__ = ("_handle", "__weakref__")

    def __init__(self, device="cpu"):
        D.check_device(device)
        handle = c_void_p()
        check(lib.cajal_generator_new(67280421310721, byref(handle)))  # torch's default seed
        self._handle = handle.value

    @classmethod
    def _from_handle(cls, handle):
        g = object.__new__(cls)
        g._handle = handle
        return g

    @property
    def _as_parameter_(self):
        return self._handle

    def __del__(self, _free=lib.cajal_generator_free):
        handle = getattr(self, "_handle", None)
        if handle:
            self._handle = None
            _free(handle)

    @property
    def device(self):
        return D.cpu

    def manual_seed(self, seed):
        check(lib.cajal_generator_manual_seed(self, _int(seed) & 0xFFFF_FFFF_FFFF_FFFF))
        return self

    def seed(self):
        import os

        value = _int.from_bytes(os.urandom(8), "little") & 0x7FFF_FFFF_FFFF_FFFF
        self.manual_seed(value)
        return value

    def initial_seed(self):
        value = c_uint64()
        check(lib.cajal_generator_initial_seed(self, byref(value)))
        return value.value

    def get_state(self):
        return _call(lib.cajal_generator_get_state, self)

    def set_state(self, new_state):
        check(lib.cajal_generator_set_state(self, new_state))
        return self


def _default_generator():
    handle = c_void_p()
    check(lib.cajal_generator_default(byref(handle)))
    return Generator._from_handle(handle.value)


default_generator = _default_generator()


def _random(function, name, size, generator, dtype, device, requires_grad):
    D.check_device(device)
    shape = _size_args(size, name)
    dtype = D.to_dtype(dtype, D.default_float())
    return _finish(_call(function, int64_array(shape), len(shape), dtype.code, _generator_handle(generator)), requires_grad)


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    """Uniform [0, 1) samples; the same numbers as torch.rand after the same manual_seed."""
    _no_out(out, "rand")
    return _random(lib.cajal_tensor_rand, "rand", size, generator, dtype, device, requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False, out=None):
    """Standard normal samples; the same numbers as torch.randn after the same manual_seed."""
    _no_out(out, "randn")
    return _random(lib.cajal_tensor_randn, "randn", size, generator, dtype, device, requires_grad)


def rand_like(input, dtype=None, device=None, requires_grad=False):  # noqa: A002
    return rand(input.shape, dtype=_like(input, dtype), device=device, requires_grad=requires_grad)


def randn_like(input, dtype=None, device=None, requires_grad=False):  # noqa: A002
    return randn(input.shape, dtype=_like(input, dtype), device=device, requires_grad=requires_grad)


def manual_seed(seed):
    """Seeds the default generator and returns it, as torch.manual_seed."""
    lib.cajal_manual_seed(_int(seed) & 0xFFFF_FFFF_FFFF_FFFF)
    return default_generator


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


def randint(low, high=None, size=None, generator=None, dtype=None, device=None, requires_grad=False):
    """Integers drawn uniformly from [low, high): the same numbers as torch.randint."""
    if size is None and isinstance(high, (tuple, list)):
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    D.check_device(device)
    shape = _size_args((size,), "randint")
    dtype = D.to_dtype(dtype, D.int64)
    t = _call(lib.cajal_tensor_randint, _int(low), _int(high), int64_array(shape), len(shape), dtype.code,
              _generator_handle(generator))
    return _finish(t, requires_grad)


def randint_like(input, low=0, high=None, dtype=None, device=None, requires_grad=False):  # noqa: A002
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, dtype=_like(input, dtype), device=device, requires_grad=requires_grad)


def bernoulli(input, p=None, *, generator=None, out=None):  # noqa: A002
    """torch.bernoulli: 1 with each element's probability, else 0 (or, with a
    number p, bernoulli(p) draws shaped like input), as torch draws them."""
    _no_out(out, "bernoulli")
    return input.bernoulli(p, generator=generator)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           pin_memory=False, requires_grad=False):
    """torch.normal's four forms, drawn in torch's order so the same seed gives
    the same numbers: numbers mean and std with a size fill empty(size) with
    normal_(mean, std); a tensor mean with a number std is normal_(0, std) +
    mean; a tensor std is normal_(0, 1) * std + mean (shaped as mean and std
    broadcast, in mean's dtype when mean is a tensor, else std's)."""
    _no_out(out, "normal")
    D.check_device(device)
    mean_is_tensor, std_is_tensor = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mean_is_tensor and not std_is_tensor:
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got (float, float): "
                            "with numbers for mean and std, pass the output's size")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        return empty(size, dtype=dtype).normal_(mean, std, generator=generator).requires_grad_(requires_grad)
    if size is not None or dtype is not None or requires_grad:
        raise TypeError("normal(): size, dtype and requires_grad go with numbers for mean and std, not tensors")
    if std_is_tensor:
        if std.numel() and bool((std < 0).any()):
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    if not std_is_tensor:
        return empty(mean.shape, dtype=mean.dtype).normal_(0.0, std, generator=generator).add_(mean)
    from . import broadcast_shapes  # the package's own, defined after this module loads

    reference = mean if mean_is_tensor else std
    shape = broadcast_shapes(mean.shape, std.shape) if mean_is_tensor else std.shape
    return empty(shape, dtype=reference.dtype).normal_(0.0, 1.0, generator=generator).mul_(std).add_(mean)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):  # noqa: A002
    """Indices drawn from the rows of `input` as probabilities; with replacement, torch's draws."""
    _no_out(out, "multinomial")
    return _call(lib.cajal_tensor_multinomial, input, _int(num_samples), int(bool(replacement)),
                 _generator_handle(generator))


def randperm(n, generator=None, dtype=None, device=None, requires_grad=False):
    """A random permutation of 0..n-1: the same as torch.randperm."""
    D.check_device(device)
    dtype = D.to_dtype(dtype, D.int64)
    return _finish(_call(lib.cajal_tensor_randperm, _int(n), dtype.code, _generator_handle(generator)), requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    D.check_device(device)
    dtype = D.to_dtype(dtype, D.default_float())
    return _finish(_call(lib.cajal_tensor_eye, _int(n), _int(n if m is None else m), dtype.code), requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    D.check_device(device)
    dtype = D.to_dtype(dtype, D.default_float())
    t = _call(lib.cajal_tensor_linspace, _float(_python_number(start)), _float(_python_number(end)), _int(steps), dtype.code)
    return _finish(t, requires_grad)


# Memory lent to the engine by from_numpy, kept alive until the engine releases it.
_borrowed = {}
_keys = itertools.count(1)


@RELEASE_FN
def _release(context):
    _borrowed.pop(context, None)


def from_numpy(ndarray):
    """A tensor sharing memory with a numpy array; writes show in both."""
    import numpy

    if not isinstance(ndarray, numpy.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dtype = _NUMPY_TYPES.get(ndarray.dtype.name)
    if dtype is None or ndarray.dtype.byteorder == ">":
        raise TypeError(f"can't convert np.ndarray of type {ndarray.dtype}; cajal supports {D.SUPPORTED}")
    if any(s < 0 for s in ndarray.strides):
        raise ValueError("At least one stride in the given numpy array is negative, and tensors with negative "
                         "strides are not currently supported. (You can probably work around this by making a "
                         "copy of your array with array.copy().)")
    if any(s % ndarray.itemsize for s in ndarray.strides) or not ndarray.flags.aligned:
        raise ValueError("from_numpy needs an aligned array whose strides are multiples of its item size; "
                         "pass array.copy()")
    key = next(_keys)
    _borrowed[key] = ndarray
    out = c_void_p()
    shape = list(ndarray.shape)
    strides = [s // ndarray.itemsize for s in ndarray.strides]
    status = lib.cajal_tensor_from_blob(ndarray.__array_interface__["data"][0], int64_array(shape),
                                        int64_array(strides), len(shape), dtype.code, _release, key, byref(out))
    if status:
        _borrowed.pop(key, None)
        check(status)
    return _wrap(out.value)


def _no_out(out, name):
    if out is not None:
        raise NotImplementedError(f"{name}(out=...) is not supported by cajal yet")
