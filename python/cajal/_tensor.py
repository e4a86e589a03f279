"""cajal.Tensor: a thin handle over the engine's tensor. Every method is one
engine call (or a few); no math happens in Python."""

import array
import builtins
import ctypes
import numbers
from ctypes import ArgumentError, byref, c_char_p, c_double, c_int32, c_int64, c_size_t, c_void_p

from . import _dtype as D
from . import _constants, _ffi, _methods
from ._ffi import INT64_MAX, check, int64_array, lib, reserve
from ._tensor_str import format_tensor

_bool, _int, _float = builtins.bool, builtins.int, builtins.float


def _rebuild_tensor(make, values, dtype, requires_grad):
    """Unpickles a tensor from its values."""
    return make(values, dtype=dtype, requires_grad=requires_grad)


def _wrap(handle):
    t = object.__new__(Tensor)
    t._handle = handle
    t._shape = None
    return t


def _call(function, *args):
    """Calls an export that returns a new tensor through its last argument."""
    out = c_void_p()
    try:
        status = function(*args, byref(out))
    except ArgumentError as error:  # a Python value of the wrong type, as torch reports it
        raise TypeError(f"{function.__name__.removeprefix('cajal_tensor_')}(): {error}") from None
    check(status)
    return _wrap(out.value)


def _in_place(tensor, name, *args, **kwargs):
    """tensor.<name>_(*args): the out-of-place op, then its result made the
    tensor's value and history (cajal_tensor_assign_inplace). When the graph
    is recorded the op runs on a clone, so what it saves is not overwritten."""
    from .autograd import is_grad_enabled

    operands = args + tuple(kwargs.values())
    recorded = is_grad_enabled() and (tensor.requires_grad or any(isinstance(a, Tensor) and a.requires_grad
                                                                  for a in operands))
    source = tensor.clone() if recorded else tensor
    result = getattr(source, name)(*args, **kwargs)
    if not isinstance(result, Tensor):
        result = as_tensor_operand(result)
    check(lib.cajal_tensor_assign_inplace(tensor._handle, result._handle, f"{name}_".encode()))
    return tensor


def _scalar(value):
    """A Python number as a wrapped 0-dim tensor (lowest promotion priority)."""
    if isinstance(value, _bool):
        return _call(lib.cajal_tensor_scalar, 1.0 if value else 0.0, D.bool_.code)
    if isinstance(value, _int):
        return _call(lib.cajal_tensor_scalar_int64, value)
    if isinstance(value, _float):
        return _call(lib.cajal_tensor_scalar, value, D.float64.code)
    if isinstance(value, complex):
        return _call(lib.cajal_tensor_scalar_complex, value.real, value.imag)
    return None


def as_tensor_operand(value):
    """Tensors pass through; Python and numpy numbers become wrapped scalars;
    lists and arrays become tensors."""
    if isinstance(value, Tensor):
        return value
    scalar = _scalar(value)
    if scalar is not None:
        return scalar
    item = getattr(value, "item", None)  # numpy scalars
    if item is not None and getattr(value, "ndim", None) == 0:
        return _scalar(item())
    if isinstance(value, (list, tuple)) or hasattr(value, "__array_interface__"):
        from ._creation import tensor

        return tensor(value)
    raise TypeError(f"unsupported operand type {type(value).__name__} for a cajal tensor operation")


_operator_scalars = {}


def _operator_scalar(value):
    """A Python number as an operand of the binary operators, wrapped once:
    `x * 0.5` in a loop otherwise creates and frees a wrapped scalar per call
    (two more ctypes calls). Only the operators use it: their result is always
    a new tensor, so a shared scalar never reaches the user (unlike
    backward(gradient=2.0), whose tensor may become a .grad). Float zeros
    (0.0 and -0.0 are one key) and NaN are not kept."""
    cls = value.__class__
    if cls is not _float and cls is not _int:
        return as_tensor_operand(value)
    key = (cls, value)
    scalar = _operator_scalars.get(key)
    if scalar is None:
        scalar = _scalar(value)
        if value == value and (value != 0 or cls is _int):
            if len(_operator_scalars) >= 256:
                _operator_scalars.clear()
            _operator_scalars[key] = scalar
    return scalar


def _operator(function, reflected=False):
    """A binary operator method: the hot path of `x + y`, kept to one engine call."""
    new = object.__new__

    def operator(self, other):
        if other.__class__ is not Tensor:
            other = _operator_scalar(other)
        out = c_void_p()
        if reflected:
            status = function(other._handle, self._handle, byref(out))
        else:
            status = function(self._handle, other._handle, byref(out))
        if status:
            check(status)
        t = new(Tensor)
        t._handle = out.value
        t._shape = None
        return t

    return operator


def _binary(function, a, b, tensor_only=None):
    """One engine call for a binary op of the declarations (_methods.py). With
    tensor_only (the op's name), `b` must be a tensor, as torch requires there."""
    if b.__class__ is not Tensor:
        if tensor_only and not isinstance(b, Tensor):
            raise TypeError(f"{tensor_only}(): argument 'other' (position 1) must be Tensor, not {type(b).__name__}")
        b = _operator_scalar(b)
    return _call(function, a._handle, b._handle)


def _scatter_reduction(reduce):
    """scatter_reduce's reduce= as the engine's code, refused as torch refuses it."""
    if not isinstance(reduce, str):
        raise TypeError(f"scatter_reduce(): argument 'reduce' must be str, not {type(reduce).__name__}")
    if reduce not in _constants.SCATTER_REDUCTION_BY_NAME:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    return _constants.SCATTER_REDUCTION_BY_NAME[reduce]


def _index_operand(item):
    """An index item as torch reads it: tensors, lists and arrays become tensors;
    integers of any kind (numpy's too) stay integers."""
    if isinstance(item, Tensor) or item is None or item is Ellipsis or isinstance(item, (_bool, slice)):
        return item
    if isinstance(item, numbers.Integral):
        return item.__index__()
    if isinstance(item, range):  # x[range(2)] is x[[0, 1]]
        from ._creation import tensor

        return tensor(list(item), dtype=D.int64)
    if isinstance(item, (list, tuple)) or hasattr(item, "__array_interface__"):
        from ._creation import tensor

        # An empty list selects nothing: an empty int64 index, as in torch.
        return tensor(item, dtype=D.int64) if isinstance(item, (list, tuple)) and len(item) == 0 else tensor(item)
    if hasattr(item, "__index__"):
        return item.__index__()
    raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
                     f"(got {type(item).__name__})")


_OPEN = -(1 << 63)


def _clamp_bound(value):
    """A slice bound beyond int64 means "past the end", as Python's slicing
    clamps: x[1:2**70] is x[1:] (and stays clear of the _OPEN marker)."""
    return max(-INT64_MAX, min(value, INT64_MAX))


def _encode_index(index):
    """An index expression as the engine's int64 quadruples (see cajal_tensor_getitem)."""
    items = index if isinstance(index, tuple) else (index,)
    codes, tensors = [], []
    for item in items:
        item = _index_operand(item)
        if item is None:
            codes += (2, 0, 0, 0)
        elif item is Ellipsis:
            codes += (3, 0, 0, 0)
        elif isinstance(item, _bool):
            codes += (5, int(item), 0, 0)
        elif isinstance(item, slice):
            step = 1 if item.step is None else item.step.__index__()
            if step <= 0:
                raise ValueError("step must be greater than zero")
            start = _OPEN if item.start is None else _clamp_bound(item.start.__index__())
            stop = _OPEN if item.stop is None else _clamp_bound(item.stop.__index__())
            codes += (1, start, stop, min(step, INT64_MAX))
        elif isinstance(item, Tensor):
            codes += (4, len(tensors), 0, 0)
            tensors.append(item)
        else:
            codes += (0, item, 0, 0)
    return int64_array(codes), tensors


def _index_array(indices):
    handles = (c_void_p * max(len(indices), 1))(*[(i._handle if i is not None else None) for i in indices])
    return handles, len(indices)


def _generator_handle(generator):
    """A cajal.Generator's handle, or None for the default generator."""
    if generator is None:
        return None
    handle = getattr(generator, "_handle", None)
    if handle is None:
        raise TypeError(f"expected a cajal.Generator, got {type(generator).__name__}")
    return generator


def _size_args(args, name):
    """Accepts f(2, 3) and f((2, 3)) / f([2, 3]) as torch does."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, D.Size)):
        args = tuple(args[0])
    for a in args:
        if not isinstance(a, _int) or isinstance(a, _bool):
            if hasattr(a, "__index__"):
                continue
            raise TypeError(f"{name}(): argument 'size' must be a sequence of ints, but got {type(a).__name__}")
    return [a.__index__() for a in args]


def _dims_arg(dim):
    if isinstance(dim, (tuple, list)):
        return [d.__index__() for d in dim]
    return [dim.__index__()]


class _ReturnType(tuple):
    """torch.return_types: a (values, indices) pair with names."""

    _name = ""

    def __new__(cls, values, indices):
        return tuple.__new__(cls, (values, indices))

    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])

    def __repr__(self):
        return f"cajal.return_types.{self._name}(\nvalues={self[0]!r},\nindices={self[1]!r})"


_RETURN_TYPES = {name: type(name, (_ReturnType,), {"_name": name, "__slots__": ()}) for name in ("max", "min", "sort", "topk")}


class _GradFn:
    """What `tensor.grad_fn` returns: the name of the op that made the tensor."""

    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    def name(self):
        return self._name

    def __repr__(self):
        return f"<{self._name} object at {id(self):#x}>"


class _NumpyView:
    """Exposes a tensor's memory through __array_interface__ and keeps it alive."""

    __slots__ = ("tensor", "__array_interface__")

    def __init__(self, tensor, interface):
        self.tensor = tensor
        self.__array_interface__ = interface


_TYPESTR = {"float32": "<f4", "float64": "<f8", "int64": "<i8", "bool": "|b1", "int32": "<i4", "int16": "<i2",
            "int8": "|i1", "uint8": "|u1", "float16": "<f2", "complex64": "<c8", "complex128": "<c16"}


class Tensor(_methods.TensorMethods):
    """An n-dimensional array with autograd, like torch.Tensor."""

    __slots__ = ("_handle", "_shape", "__weakref__")

    def __new__(cls, *args, **kwargs):
        """The legacy constructor torch.Tensor(data) / torch.Tensor(2, 3): a float32 tensor."""
        from ._creation import tensor, zeros

        if kwargs:
            raise TypeError(f"Tensor() got unexpected keyword arguments {sorted(kwargs)}")
        if len(args) == 1 and not isinstance(args[0], _int):
            return tensor(args[0], dtype=D.default_float())
        return zeros(*args, dtype=D.default_float())

    # ctypes passes a Tensor argument as its handle. Passing the Tensor itself
    # (never `some_temporary()._handle`) keeps it alive for the whole call: a
    # handle read off a temporary may be freed before the call runs.
    @property
    def _as_parameter_(self):
        return self._handle

    def __del__(self, _free=lib.cajal_tensor_free):
        handle = getattr(self, "_handle", None)
        if handle:
            self._handle = None
            _free(handle)

    # ------------------------------------------------------------ metadata

    @property
    def shape(self):
        if self._shape is None:
            n = c_size_t()
            check(lib.cajal_tensor_ndim(self._handle, byref(n)))
            buffer = (c_int64 * n.value)()
            check(lib.cajal_tensor_shape(self._handle, buffer, n.value))
            self._shape = D.Size(buffer)
        return self._shape

    def size(self, dim=None):
        if dim is None:
            return self.shape
        shape = self.shape
        rank = max(len(shape), 1)
        if not -rank <= dim < rank:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-rank}, {rank - 1}], but got {dim})")
        return shape[dim] if shape else 1

    def dim(self):
        return len(self.shape)

    ndim = property(dim)

    def numel(self):
        return self.shape.numel()

    nelement = numel

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self):
        # torch iterates over the first dim through unbind: one engine call.
        if not self.shape:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __contains__(self, element):
        if isinstance(element, (Tensor, _bool, _int, _float)):
            return _bool((self == element).any().item())
        raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a {type(element)}.")

    @property
    def dtype(self):
        code = c_int32()
        check(lib.cajal_tensor_dtype(self._handle, byref(code)))
        return D.BY_CODE[code.value]

    @property
    def device(self):
        return D.cpu

    @property
    def is_cuda(self):
        return False

    def stride(self, dim=None):
        n = self.dim()
        buffer = (c_int64 * n)()
        check(lib.cajal_tensor_strides(self._handle, buffer, n))
        strides = tuple(buffer)
        return strides if dim is None else strides[dim]

    def is_contiguous(self):
        flag = c_int32()
        check(lib.cajal_tensor_is_contiguous(self._handle, byref(flag)))
        return _bool(flag.value)

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_complex(self):
        return self.dtype.is_complex

    @property
    def real(self):
        """The real parts: a view for a complex tensor, the tensor itself otherwise (as torch)."""
        return _call(lib.cajal_tensor_real, self._handle) if self.dtype.is_complex else self

    @property
    def imag(self):
        if not self.dtype.is_complex:
            raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
        return _call(lib.cajal_tensor_imag, self._handle)

    def conj(self):
        """The complex conjugate (a copy; torch's is a lazy view). Real tensors come back as themselves."""
        return _call(lib.cajal_tensor_conj, self._handle) if self.dtype.is_complex else self

    def angle(self):
        """The argument of each element: atan2(imag, real); 0 or pi for reals."""
        return _call(lib.cajal_tensor_angle, self._handle)

    def data_ptr(self):
        pointer = c_void_p()
        check(lib.cajal_tensor_data_ptr(self._handle, byref(pointer)))
        return pointer.value or 0

    def element_size(self):
        return self.dtype.itemsize

    # ------------------------------------------------------------ autograd

    @property
    def requires_grad(self):
        flag = c_int32()
        check(lib.cajal_tensor_requires_grad(self._handle, byref(flag)))
        return _bool(flag.value)

    @requires_grad.setter
    def requires_grad(self, value):
        check(lib.cajal_tensor_set_requires_grad(self._handle, 1 if value else 0))

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def is_leaf(self):
        flag = c_int32()
        check(lib.cajal_tensor_is_leaf(self._handle, byref(flag)))
        return _bool(flag.value)

    @property
    def grad(self):
        out = c_void_p()
        check(lib.cajal_tensor_grad(self._handle, byref(out)))
        return _wrap(out.value) if out.value else None

    @grad.setter
    def grad(self, value):
        if value is not None and not isinstance(value, Tensor):
            raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}")
        check(lib.cajal_tensor_set_grad(self._handle, value._handle if value is not None else None))

    @property
    def grad_fn(self):
        name = c_char_p()
        check(lib.cajal_tensor_grad_fn_name(self._handle, byref(name)))
        return _GradFn(name.value.decode()) if name.value else None

    def retain_grad(self):
        check(lib.cajal_tensor_retain_grad(self._handle))

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        from . import autograd

        grad = as_tensor_operand(gradient) if gradient is not None else None
        autograd.backward(self, grad, retain_graph=retain_graph, create_graph=create_graph, inputs=inputs)

    def register_hook(self, hook):
        """hook(grad) runs each time this tensor's gradient is computed and may
        return a replacement; the returned handle's remove() takes it off."""
        from .autograd.function import register_tensor_hook

        return register_tensor_hook(self, hook)

    # Copies and pickles must make a tensor of their own: copying the handle
    # would free it twice.
    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.")
        if id(self) not in memo:
            copy = self.detach().clone()
            if self.requires_grad:
                copy.requires_grad_(True)
            memo[id(self)] = copy
        return memo[id(self)]

    def __copy__(self):
        alias = self.detach()
        if self.requires_grad and self.is_leaf:
            alias.requires_grad_(True)
        return alias

    def __reduce_ex__(self, protocol):
        from ._creation import tensor

        return (_rebuild_tensor, (tensor, self.tolist(), self.dtype, self.requires_grad))

    @property
    def data(self):
        return self.detach()

    @data.setter
    def data(self, value):
        # This Python tensor takes `value`'s memory, shape and dtype, keeping
        # its own requires_grad and .grad (torch's `w.data = ...`). The engine
        # tensor behind it is replaced: graphs recorded before the assignment
        # keep the old one, as torch's keep the old data.
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        if not self.is_leaf:
            raise NotImplementedError("assigning .data of a tensor computed by a recorded op is not supported by cajal; "
                                      "assign to a leaf (a parameter), or use `with torch.no_grad(): t.copy_(value)`")
        requires_grad, grad = self.requires_grad, self.grad
        if requires_grad and not value.is_floating_point():
            raise RuntimeError("data set to a tensor that requires gradients must be floating point or complex dtype")
        replacement = value.detach()
        if requires_grad:
            replacement.requires_grad_(True)
            if grad is not None and grad.shape == replacement.shape and grad.dtype == replacement.dtype:
                replacement.grad = grad
        old, self._handle, self._shape = self._handle, replacement._handle, None
        replacement._handle = old  # the old engine tensor is freed with `replacement`

    # ------------------------------------------------------------ values

    def item(self):
        dtype = self.dtype
        if dtype.is_complex:
            re, im = _call(lib.cajal_tensor_view_as_real, self._handle).tolist()
            return complex(re, im)
        if dtype.is_storage and not dtype.is_floating_point:
            dtype = D.int64
        if dtype is D.int64:
            value = c_int64()
            check(lib.cajal_tensor_item_int64(self._handle, byref(value)))
            return value.value
        value = c_double()
        check(lib.cajal_tensor_item(self._handle, byref(value)))
        return _bool(value.value) if dtype is D.bool_ else value.value

    def _flat(self):
        """All elements in row-major order as an array.array (bool as 0/1 bytes)."""
        dtype = self.dtype
        if dtype.is_complex:  # (re, im) pairs become Python complex numbers
            pairs = _call(lib.cajal_tensor_view_as_real, self._handle)._flat()
            return [complex(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)]
        if dtype._array_code is None:  # the half floats read out as float32, exactly
            return self.to(D.float32)._flat()
        reserve(self.numel() * dtype.itemsize, "copy_to")
        values = array.array(dtype._array_code, bytes(self.numel() * dtype.itemsize))
        if len(values):
            address, _ = values.buffer_info()
            check(lib.cajal_tensor_copy_to(self._handle, address, len(values) * dtype.itemsize))
        return values

    def tolist(self):
        reserve(self.numel() * 40, "tolist")  # a Python number and a list slot per element
        flat = self._flat()
        items = [_bool(v) for v in flat] if self.dtype is D.bool_ else flat if isinstance(flat, list) else flat.tolist()
        shape = self.shape
        if not shape:
            return items[0]

        def nest(offset, dim):
            size = shape[dim]
            if dim == len(shape) - 1:
                return items[offset:offset + size]
            step = 1
            for s in shape[dim + 1:]:
                step *= s
            return [nest(offset + i * step, dim + 1) for i in range(size)]

        return nest(0, 0)

    def numpy(self, force=False):
        """A numpy array sharing this tensor's memory (no copy)."""
        import numpy

        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        source = self.detach() if force else self
        dtype = source.dtype
        if dtype.name not in _TYPESTR:
            raise TypeError(f"Got unsupported ScalarType {dtype._torch_name}")
        interface = {
            "version": 3,
            "shape": tuple(source.shape),
            "typestr": _TYPESTR[dtype.name],
            "data": (source.data_ptr(), False),
            "strides": tuple(s * dtype.itemsize for s in source.stride()),
        }
        return numpy.asarray(_NumpyView(source, interface))

    def __array__(self, dtype=None, copy=None):
        result = self.detach().numpy()
        return result.astype(dtype) if dtype is not None else result

    def __repr__(self):
        flat = self._flat()
        if self.dtype is D.bool_:
            flat = [_bool(v) for v in flat]
        suffixes = []
        grad_fn = self.grad_fn
        if grad_fn is not None:
            suffixes.append(f"grad_fn=<{grad_fn.name()}>")
        elif self.requires_grad:
            suffixes.append("requires_grad=True")
        return format_tensor(flat, tuple(self.shape), self.dtype, suffixes)

    __str__ = __repr__

    def __bool__(self):
        if self.numel() != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return _bool(self.item())

    def __float__(self):
        return _float(self.item())

    def __int__(self):
        return _int(self.item())

    def __index__(self):
        if self.dtype.is_floating_point or self.dtype is D.bool_ or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return self.item()

    # ------------------------------------------------------------ indexing

    def __getitem__(self, index):
        items, tensors = _encode_index(index)
        return _call(lib.cajal_tensor_getitem, self._handle, items, len(items) // 4, *_index_array(tensors))

    def __setitem__(self, index, value):
        items, tensors = _encode_index(index)
        handles, count = _index_array(tensors)
        check(lib.cajal_tensor_setitem(self._handle, items, len(items) // 4, handles, count, as_tensor_operand(value)))

    def index_put_(self, indices, values, accumulate=False):
        handles, count = _index_array([_index_operand(i) for i in indices])
        check(lib.cajal_tensor_index_put_inplace(self._handle, handles, count, as_tensor_operand(values),
                                                 1 if accumulate else 0))
        return self

    def index_put(self, indices, values, accumulate=False):
        return self.clone().index_put_(indices, values, accumulate)

    def copy_(self, src, non_blocking=False):
        check(lib.cajal_tensor_copy_inplace(self._handle, as_tensor_operand(src)))
        return self

    def index_select(self, dim, index):
        return _call(lib.cajal_tensor_index_select, self._handle, dim, _index_operand(index))

    def gather(self, dim, index):
        return _call(lib.cajal_tensor_gather, self._handle, dim, _index_operand(index))

    def scatter(self, dim, index, src=None, value=None, reduce=None):
        if reduce is not None:
            raise NotImplementedError("scatter(reduce=...) is not supported by cajal yet; use scatter_add")
        source = value if src is None else src
        if isinstance(source, Tensor):
            return _call(lib.cajal_tensor_scatter, self._handle, dim, _index_operand(index), source._handle)
        return _call(lib.cajal_tensor_scatter_value, self._handle, dim, _index_operand(index), _float(source))

    def scatter_add(self, dim, index, src):
        return _call(lib.cajal_tensor_scatter_add, self._handle, dim, _index_operand(index), src._handle)

    def scatter_reduce(self, dim, index, src, reduce, *, include_self=True):
        return _call(lib.cajal_tensor_scatter_reduce_v2, self._handle, dim, _index_operand(index), src._handle,
                     _scatter_reduction(reduce), 1 if include_self else 0)

    def index_add(self, dim, index, source, *, alpha=1):
        return _call(lib.cajal_tensor_index_add, self._handle, dim, _index_operand(index), source._handle, _float(alpha))

    def scatter_add_(self, dim, index, src):
        check(lib.cajal_tensor_scatter_add_inplace(self._handle, dim, _index_operand(index), src._handle))
        return self

    def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
        check(lib.cajal_tensor_scatter_reduce_inplace(self._handle, dim, _index_operand(index), src._handle,
                                                      _scatter_reduction(reduce), 1 if include_self else 0))
        return self

    def index_add_(self, dim, index, source, *, alpha=1):
        check(lib.cajal_tensor_index_add_inplace(self._handle, dim, _index_operand(index), source._handle, _float(alpha)))
        return self

    def masked_fill(self, mask, value):
        return _call(lib.cajal_tensor_masked_fill, self._handle, as_tensor_operand(mask), as_tensor_operand(value))

    def masked_select(self, mask):
        return _call(lib.cajal_tensor_masked_select, self._handle, as_tensor_operand(mask))

    def nonzero(self, as_tuple=False):
        result = _call(lib.cajal_tensor_nonzero, self._handle)
        return result.unbind(1) if as_tuple else result

    def argwhere(self):
        return self.nonzero()

    __hash__ = object.__hash__

    # ------------------------------------------------------------ arithmetic

    # One engine call per operator; the named methods are the same functions.
    __add__ = _operator(lib.cajal_tensor_add)
    __sub__ = _operator(lib.cajal_tensor_sub)
    __mul__ = mul = _operator(lib.cajal_tensor_mul)
    __truediv__ = _operator(lib.cajal_tensor_div)
    __pow__ = pow = _operator(lib.cajal_tensor_pow)
    __matmul__ = matmul = _operator(lib.cajal_tensor_matmul)
    mm = _operator(lib.cajal_tensor_mm)
    bmm = _operator(lib.cajal_tensor_bmm)
    mv = _operator(lib.cajal_tensor_mv)
    dot = _operator(lib.cajal_tensor_dot)
    outer = ger = _operator(lib.cajal_tensor_outer)
    __radd__ = _operator(lib.cajal_tensor_add, reflected=True)
    __rsub__ = _operator(lib.cajal_tensor_sub, reflected=True)
    __rmul__ = _operator(lib.cajal_tensor_mul, reflected=True)
    __rtruediv__ = _operator(lib.cajal_tensor_div, reflected=True)
    __rpow__ = _operator(lib.cajal_tensor_pow, reflected=True)
    __rmatmul__ = _operator(lib.cajal_tensor_matmul, reflected=True)
    __eq__ = eq = _operator(lib.cajal_tensor_eq)
    __ne__ = ne = _operator(lib.cajal_tensor_ne)
    __lt__ = lt = _operator(lib.cajal_tensor_lt)
    __le__ = le = _operator(lib.cajal_tensor_le)
    __gt__ = gt = _operator(lib.cajal_tensor_gt)
    __ge__ = ge = _operator(lib.cajal_tensor_ge)

    def add(self, other, alpha=1):
        if alpha == 1:
            return self + other
        return _call(lib.cajal_tensor_add_scaled, self._handle, as_tensor_operand(other)._handle, _float(alpha))

    def sub(self, other, alpha=1):
        if alpha == 1:
            return self - other
        return _call(lib.cajal_tensor_sub_scaled, self._handle, as_tensor_operand(other)._handle, _float(alpha))

    def div(self, other, rounding_mode=None):
        if rounding_mode is None:
            return self / other
        modes = _constants.ROUNDING_MODE_BY_NAME
        if rounding_mode not in modes:
            raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")
        other = as_tensor_operand(other)
        return _call(lib.cajal_tensor_div_rounding, self._handle, other._handle, modes[rounding_mode])

    divide = true_divide = div

    def floor_divide(self, other):
        return self.div(other, rounding_mode="floor")

    def __floordiv__(self, other):
        return self.div(other, rounding_mode="floor")

    def __rfloordiv__(self, other):
        return as_tensor_operand(other).div(self, rounding_mode="floor")

    # remainder, fmod, maximum, minimum and logical_and/or/xor are declared in api/ (_methods.py).
    __mod__ = _operator(lib.cajal_tensor_remainder)
    __rmod__ = _operator(lib.cajal_tensor_remainder, reflected=True)

    def _bitwise(self, other, function, name):
        other = as_tensor_operand(other)
        if self.dtype is not D.bool_ or other.dtype is not D.bool_:
            raise NotImplementedError(f"bitwise {name} of {self.dtype} tensors is not supported by cajal yet; "
                                      "it works on bool tensors")
        return function(self, other)

    def __and__(self, other):
        return self._bitwise(other, Tensor.logical_and, "and")

    def __or__(self, other):
        return self._bitwise(other, Tensor.logical_or, "or")

    def __xor__(self, other):
        return self._bitwise(other, Tensor.logical_xor, "xor")

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def __invert__(self):
        if self.dtype is not D.bool_:
            raise NotImplementedError(f"bitwise not of {self.dtype} tensors is not supported by cajal yet; it works on bool tensors")
        return self.logical_not()

    def clamp(self, min=None, max=None):  # noqa: A002 - torch's names
        low = as_tensor_operand(min) if min is not None else None
        high = as_tensor_operand(max) if max is not None else None
        return _call(lib.cajal_tensor_clamp, self._handle, low._handle if low is not None else None,
                     high._handle if high is not None else None)

    clip = clamp

    def clamp_min(self, min):  # noqa: A002
        return self.clamp(min=min)

    def clamp_max(self, max):  # noqa: A002
        return self.clamp(max=max)

    def round(self, decimals=0):
        if decimals == 0:
            return _call(lib.cajal_tensor_round, self._handle)
        return _call(lib.cajal_tensor_round_decimals, self._handle, decimals)

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        other = as_tensor_operand(other)
        return _call(lib.cajal_tensor_isclose, self._handle, other._handle, rtol, atol, 1 if equal_nan else 0)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        other = as_tensor_operand(other)
        flag = c_int32()
        check(lib.cajal_tensor_allclose(self._handle, other._handle, rtol, atol, 1 if equal_nan else 0, byref(flag)))
        return _bool(flag.value)

    def equal(self, other):
        flag = c_int32()
        check(lib.cajal_tensor_equal(self._handle, as_tensor_operand(other), byref(flag)))
        return _bool(flag.value)

    def __abs__(self):
        return self.abs()

    def square(self):
        return self.pow(2)  # bool squares to int64, as in torch

    __neg__ = negative = _methods.TensorMethods.neg

    def __pos__(self):
        return self

    def softmax(self, dim, dtype=None):
        source = self if dtype is None else self.to(dtype)
        return _call(lib.cajal_nn_softmax, source._handle, dim)

    def log_softmax(self, dim, dtype=None):
        source = self if dtype is None else self.to(dtype)
        return _call(lib.cajal_nn_log_softmax, source._handle, dim)

    def where(self, condition, other):
        """torch.where(condition, self, other)."""
        condition, other = as_tensor_operand(condition), as_tensor_operand(other)  # alive through the call
        return _call(lib.cajal_tensor_where, condition._handle, self._handle, other._handle)


    # ------------------------------------------------------------ in-place

    def _inplace(self, function, other):
        other = as_tensor_operand(other)
        check(function(self._handle, other._handle))
        return self

    def add_(self, other, alpha=1):
        if alpha == 1:
            return self._inplace(lib.cajal_tensor_add_inplace, other)
        check(lib.cajal_tensor_add_scaled_inplace(self._handle, as_tensor_operand(other)._handle, _float(alpha)))
        return self

    def sub_(self, other, alpha=1):
        if alpha == 1:
            return self._inplace(lib.cajal_tensor_sub_inplace, other)
        check(lib.cajal_tensor_sub_scaled_inplace(self._handle, as_tensor_operand(other)._handle, _float(alpha)))
        return self

    def mul_(self, other):
        return self._inplace(lib.cajal_tensor_mul_inplace, other)

    def div_(self, other):
        return self._inplace(lib.cajal_tensor_div_inplace, other)

    __iadd__ = add_
    __isub__ = sub_
    __imul__ = mul_
    __itruediv__ = div_

    def fill_(self, value):
        check(lib.cajal_tensor_fill_inplace(self._handle, _float(value)))
        return self

    def zero_(self):
        return self.fill_(0.0)

    def clamp_(self, min=None, max=None):  # noqa: A002
        low = as_tensor_operand(min) if min is not None else None
        high = as_tensor_operand(max) if max is not None else None
        check(lib.cajal_tensor_clamp_inplace(self, low, high))
        return self

    clip_ = clamp_

    def masked_fill_(self, mask, value):
        check(lib.cajal_tensor_masked_fill_inplace(self, as_tensor_operand(mask), as_tensor_operand(value)))
        return self

    def bernoulli_(self, p=0.5, *, generator=None):
        """Each element becomes 1 with probability p (a number, or a tensor of
        them broadcast to this one), else 0, drawn as torch draws them."""
        if isinstance(p, Tensor):
            return self.copy_(p.expand(self.shape).bernoulli(generator=generator))
        check(lib.cajal_tensor_bernoulli_inplace(self, _float(p), _generator_handle(generator)))
        return self

    def bernoulli(self, p=None, *, generator=None):
        """With p None: 1 with each element's probability (torch.bernoulli);
        with a number p: a tensor like this one of bernoulli(p) draws."""
        if p is None:
            return _call(lib.cajal_tensor_bernoulli, self, _generator_handle(generator))
        from ._creation import empty_like

        return empty_like(self).bernoulli_(p, generator=generator)

    def normal_(self, mean=0.0, std=1.0, generator=None):
        check(lib.cajal_tensor_normal_inplace(self, _float(mean), _float(std), _generator_handle(generator)))
        return self

    def multinomial(self, num_samples, replacement=False, *, generator=None):
        from ._creation import multinomial

        return multinomial(self, num_samples, replacement, generator=generator)

    def uniform_(self, a=0.0, b=1.0, generator=None):
        check(lib.cajal_tensor_uniform_inplace(self, _float(a), _float(b), _generator_handle(generator)))
        return self

    # ------------------------------------------------------------ reductions

    def sum(self, dim=None, keepdim=False, dtype=None):
        source = self.to(dtype) if dtype is not None else self
        if dim is None:
            return _call(lib.cajal_tensor_sum_all, source._handle)
        dims = _dims_arg(dim)
        return _call(lib.cajal_tensor_sum, source._handle, int64_array(dims), len(dims), 1 if keepdim else 0)

    def mean(self, dim=None, keepdim=False, dtype=None):
        source = self.to(dtype) if dtype is not None else self
        if dim is None:
            return _call(lib.cajal_tensor_mean_all, source._handle)
        dims = _dims_arg(dim)
        return _call(lib.cajal_tensor_mean, source._handle, int64_array(dims), len(dims), 1 if keepdim else 0)

    def _dims(self, dim):
        dims = [] if dim is None else _dims_arg(dim)
        return int64_array(dims), len(dims)

    def prod(self, dim=None, keepdim=False, dtype=None):
        source = self.to(dtype) if dtype is not None else self
        if dim is None:
            return _call(lib.cajal_tensor_prod_all, source)
        return _call(lib.cajal_tensor_prod, source, dim, 1 if keepdim else 0)

    def _extremum(self, all_function, dim_function, name, dim, keepdim):
        if isinstance(dim, Tensor):  # torch.max(a, b): the elementwise form
            return (Tensor.maximum if name == "max" else Tensor.minimum)(self, dim)
        if dim is None:
            return _call(all_function, self)
        values, indices = c_void_p(), c_void_p()
        check(dim_function(self, dim, 1 if keepdim else 0, byref(values), byref(indices)))
        return _RETURN_TYPES[name](_wrap(values.value), _wrap(indices.value))

    def max(self, dim=None, keepdim=False):
        return self._extremum(lib.cajal_tensor_max_all, lib.cajal_tensor_max_dim, "max", dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return self._extremum(lib.cajal_tensor_min_all, lib.cajal_tensor_min_dim, "min", dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return _call(lib.cajal_tensor_argmax, self, 0 if dim is None else dim, 1 if dim is None else 0, 1 if keepdim else 0)

    def argmin(self, dim=None, keepdim=False):
        return _call(lib.cajal_tensor_argmin, self, 0 if dim is None else dim, 1 if dim is None else 0, 1 if keepdim else 0)

    def amax(self, dim=(), keepdim=False):
        return _call(lib.cajal_tensor_amax, self, *self._dims(dim), 1 if keepdim else 0)

    def amin(self, dim=(), keepdim=False):
        return _call(lib.cajal_tensor_amin, self, *self._dims(dim), 1 if keepdim else 0)

    def all(self, dim=None, keepdim=False):
        return _call(lib.cajal_tensor_all, self, *self._dims(dim), 1 if keepdim else 0)

    def any(self, dim=None, keepdim=False):
        return _call(lib.cajal_tensor_any, self, *self._dims(dim), 1 if keepdim else 0)

    @staticmethod
    def _correction(unbiased, correction):
        if correction is not None:
            return _float(correction)
        return 1.0 if unbiased is None or unbiased else 0.0

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        if isinstance(dim, _bool):  # var(unbiased) positional form
            dim, unbiased = None, dim
        return _call(lib.cajal_tensor_var, self, *self._dims(dim), self._correction(unbiased, correction), 1 if keepdim else 0)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        if isinstance(dim, _bool):
            dim, unbiased = None, dim
        return _call(lib.cajal_tensor_std, self, *self._dims(dim), self._correction(unbiased, correction), 1 if keepdim else 0)

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        source = self.to(dtype) if dtype is not None else self
        if p == "fro" or p is None:
            p = 2.0
        elif p == "nuc":
            raise NotImplementedError("norm(p='nuc') (the nuclear norm) is not supported by cajal yet")
        return _call(lib.cajal_tensor_norm, source, _float(p), *self._dims(dim), 1 if keepdim else 0)

    def inverse(self):
        return _call(lib.cajal_linalg_inv, self)

    def det(self):
        return _call(lib.cajal_linalg_det, self)

    def logsumexp(self, dim, keepdim=False):
        return _call(lib.cajal_tensor_logsumexp, self, *self._dims(dim), 1 if keepdim else 0)

    def cumsum(self, dim, dtype=None):
        return _call(lib.cajal_tensor_cumsum, self.to(dtype) if dtype is not None else self, dim)

    def cumprod(self, dim, dtype=None):
        return _call(lib.cajal_tensor_cumprod, self.to(dtype) if dtype is not None else self, dim)

    def sort(self, dim=-1, descending=False, stable=False):
        values, indices = c_void_p(), c_void_p()
        check(lib.cajal_tensor_sort(self, dim, 1 if descending else 0, byref(values), byref(indices)))
        return _RETURN_TYPES["sort"](_wrap(values.value), _wrap(indices.value))

    def argsort(self, dim=-1, descending=False, stable=False):
        return _call(lib.cajal_tensor_argsort, self, dim, 1 if descending else 0)

    def topk(self, k, dim=-1, largest=True, sorted=True):  # noqa: A002 - torch's name
        values, indices = c_void_p(), c_void_p()
        check(lib.cajal_tensor_topk(self, k, dim, 1 if largest else 0, byref(values), byref(indices)))
        return _RETURN_TYPES["topk"](_wrap(values.value), _wrap(indices.value))

    def count_nonzero(self, dim=None):
        return (self != 0).sum(dim)

    # ------------------------------------------------------------ shape

    def reshape(self, *shape):
        shape = _size_args(shape, "reshape")
        return _call(lib.cajal_tensor_reshape, self._handle, int64_array(shape), len(shape))

    def view(self, *shape):
        if len(shape) == 1 and not isinstance(shape[0], (tuple, list, _int, D.Size)) and not hasattr(shape[0], "__index__"):
            raise NotImplementedError("view(dtype) is not supported by cajal yet")
        shape = _size_args(shape, "view")
        return _call(lib.cajal_tensor_view, self._handle, int64_array(shape), len(shape))

    def view_as(self, other):
        return self.view(other.shape)

    def reshape_as(self, other):
        return self.reshape(other.shape)

    def transpose(self, dim0, dim1):
        return _call(lib.cajal_tensor_transpose, self._handle, dim0, dim1)

    swapaxes = transpose

    @property
    def T(self):
        n = self.dim()
        return self.permute(*reversed(range(n))) if n != 2 else self.t()

    @property
    def mT(self):
        return self.transpose(-2, -1)

    def permute(self, *dims):
        dims = _size_args(dims, "permute")
        return _call(lib.cajal_tensor_permute, self._handle, int64_array(dims), len(dims))

    def expand(self, *shape):
        shape = _size_args(shape, "expand")
        return _call(lib.cajal_tensor_expand, self._handle, int64_array(shape), len(shape))

    def expand_as(self, other):
        return self.expand(other.shape)

    def as_strided(self, size, stride, storage_offset=None):
        """A view of this tensor's storage with these sizes and strides (torch.as_strided)."""
        size, stride = _size_args((size,), "as_strided"), _size_args((stride,), "as_strided")
        if len(size) != len(stride):
            raise RuntimeError(f"mismatch in length of strides and shape ({len(size)} sizes, {len(stride)} strides)")
        offset = -1 if storage_offset is None else storage_offset.__index__()
        if offset < -1:
            raise RuntimeError(f"Tensor: invalid storage offset {offset}")
        return _call(lib.cajal_tensor_as_strided, self._handle, int64_array(size), int64_array(stride), len(size), offset)

    def squeeze(self, dim=None):
        if dim is None:
            return _call(lib.cajal_tensor_squeeze, self._handle)
        if isinstance(dim, (tuple, list)):
            out = self
            for d in sorted((d % max(self.dim(), 1) for d in dim), reverse=True):
                out = out.squeeze(d)
            return out
        return _call(lib.cajal_tensor_squeeze_dim, self._handle, dim)

    def unsqueeze(self, dim):
        return _call(lib.cajal_tensor_unsqueeze, self._handle, dim)

    def contiguous(self, memory_format=None):
        return _call(lib.cajal_tensor_contiguous, self._handle)

    # ------------------------------------------------------------ slicing and joining

    def narrow(self, dim, start, length):
        return _call(lib.cajal_tensor_narrow, self._handle, dim, start.__index__(), length.__index__())

    def select(self, dim, index):
        return _call(lib.cajal_tensor_select, self._handle, dim, index.__index__())

    def diagonal(self, offset=0, dim1=0, dim2=1):
        return _call(lib.cajal_tensor_diagonal, self._handle, offset, dim1, dim2)

    def _pieces(self, function, capacity, *args):
        outs = (c_void_p * max(capacity, 1))()
        count = c_size_t()
        check(function(self._handle, *args, outs, capacity, byref(count)))
        return tuple(_wrap(outs[i]) for i in range(count.value))

    def unbind(self, dim=0):
        size = self.size(dim) if self.dim() else 0
        return self._pieces(lambda h, *rest: lib.cajal_tensor_unbind(h, dim, *rest), size)

    def split(self, split_size_or_sections, dim=0):
        size = self.size(dim) if self.dim() else 0
        if isinstance(split_size_or_sections, (list, tuple)):
            sizes = [s.__index__() for s in split_size_or_sections]
            return self._pieces(lambda h, *rest: lib.cajal_tensor_split_sizes(h, int64_array(sizes), len(sizes), dim, *rest),
                                len(sizes))
        return self._pieces(lambda h, *rest: lib.cajal_tensor_split(h, split_size_or_sections, dim, *rest), max(size, 1))

    def chunk(self, chunks, dim=0):
        return self._pieces(lambda h, *rest: lib.cajal_tensor_chunk(h, chunks, dim, *rest), max(chunks, 1))

    def flip(self, *dims):
        dims = _size_args(dims, "flip")
        return _call(lib.cajal_tensor_flip, self._handle, int64_array(dims), len(dims))

    def fliplr(self):
        return self.flip(1)

    def flipud(self):
        return self.flip(0)

    def roll(self, shifts, dims=None):
        shifts = [shifts] if isinstance(shifts, _int) else list(shifts)
        dims = [] if dims is None else ([dims] if isinstance(dims, _int) else list(dims))
        return _call(lib.cajal_tensor_roll, self._handle, int64_array(shifts), len(shifts), int64_array(dims), len(dims))

    def movedim(self, source, destination):
        source = [source] if isinstance(source, _int) else list(source)
        destination = [destination] if isinstance(destination, _int) else list(destination)
        return _call(lib.cajal_tensor_movedim, self._handle, int64_array(source), len(source),
                     int64_array(destination), len(destination))

    moveaxis = movedim

    def flatten(self, start_dim=0, end_dim=-1):
        return _call(lib.cajal_tensor_flatten, self._handle, start_dim, end_dim)

    def ravel(self):
        return self.reshape(-1)

    def unflatten(self, dim, sizes):
        sizes = list(sizes)
        return _call(lib.cajal_tensor_unflatten, self._handle, dim, int64_array(sizes), len(sizes))

    def repeat(self, *sizes):
        if not sizes:
            raise TypeError("repeat() missing 1 required positional arguments: \"repeats\"")
        sizes = _size_args(sizes, "repeat")
        return _call(lib.cajal_tensor_repeat, self._handle, int64_array(sizes), len(sizes))

    def tile(self, *dims):
        dims = _size_args(dims, "tile")
        return self.repeat([1] * (self.dim() - len(dims)) + list(dims))

    def tril(self, diagonal=0):
        return _call(lib.cajal_tensor_tril, self._handle, diagonal)

    def triu(self, diagonal=0):
        return _call(lib.cajal_tensor_triu, self._handle, diagonal)

    def diag(self, diagonal=0):
        return _call(lib.cajal_tensor_diag, self._handle, diagonal)


    # ------------------------------------------------------------ dtype and device

    def to(self, *args, **kwargs):
        """to(dtype), to(device), to(device, dtype), to(other_tensor); copy= and non_blocking= are accepted."""
        target = kwargs.pop("dtype", None)
        device = kwargs.pop("device", None)
        copy = kwargs.pop("copy", False)
        kwargs.pop("non_blocking", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for arg in args:
            if isinstance(arg, Tensor):
                target = arg.dtype
            elif isinstance(arg, (D.device,)) or (isinstance(arg, str) and arg.partition(":")[0] in D._DEVICE_TYPES):
                device = arg
            else:
                target = D.to_dtype(arg)
        D.check_device(device)
        target = D.to_dtype(target)
        result = self if target is None or target is self.dtype else _call(lib.cajal_tensor_to_dtype, self._handle, target.code)
        return result.clone() if copy and result is self else result

    def type_as(self, other):
        return self.to(other.dtype)

    def type(self, dtype=None, non_blocking=False, **kwargs):
        """torch's Tensor.type: with no argument its legacy type name ('torch.FloatTensor'); else a conversion."""
        from . import _legacy_types

        if dtype is None:
            return _legacy_types.type_string(self.dtype)
        return self.to(_legacy_types.dtype_of(dtype))

    # torch's new_* constructors: a new tensor with this one's dtype unless told.
    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        from ._creation import zeros

        return zeros(*size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        from ._creation import ones

        return ones(*size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        from ._creation import empty

        return empty(*size, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        from ._creation import full

        return full(size, fill_value, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        from ._creation import tensor

        return tensor(data, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)

    def float(self):
        return self.to(D.float32)

    def double(self):
        return self.to(D.float64)

    def long(self):
        return self.to(D.int64)

    def bool(self):
        return self.to(D.bool_)

    def int(self):
        return self.to(D.int32)

    def short(self):
        return self.to(D.int16)

    def char(self):
        return self.to(D.int8)

    def byte(self):
        return self.to(D.uint8)

    def half(self):
        return self.to(D.float16)

    def bfloat16(self):
        return self.to(D.bfloat16)

    def cpu(self):
        return self

    def cuda(self, *args, **kwargs):
        raise RuntimeError("cajal runs on the CPU only; CUDA is not available")


# torch's in-place forms of ops that are not declared with unary() (those get
# theirs from the generator): each is the out-of-place op, then
# cajal_tensor_assign_inplace. Only ops cajal has, and only where no
# hand-written in-place method exists.
_IN_PLACE_FORMS = ("pow", "fmod", "remainder", "atan2", "scatter", "square", "clamp_min", "clamp_max", "logical_and",
                   "logical_or", "logical_xor", "index_fill", "masked_scatter", "lerp", "addcmul", "addcdiv", "frac",
                   "sgn", "hypot", "xlogy", "logit", "nan_to_num", "erfinv", "lgamma", "digamma", "deg2rad", "rad2deg",
                   "float_power", "tril", "triu", "round", "exponential", "gelu", "silu", "hardtanh", "elu", "leaky_relu",
                   "index_put", "masked_fill", "copysign", "bitwise_not", "mvlgamma", "polygamma", "i0", "sinc", "cumsum",
                   "cumprod", "renorm", "log_normal", "cauchy", "geometric")


def _in_place_form(name):
    def method(self, *args, **kwargs):
        return _in_place(self, name, *args, **kwargs)

    method.__name__ = f"{name}_"
    method.__doc__ = f"In place: {name}."
    return method


def _install_in_place_forms():
    """Adds name_ for each op of _IN_PLACE_FORMS that Tensor has by now (run
    again once the compositions are installed)."""
    for name in _IN_PLACE_FORMS:
        if hasattr(Tensor, name) and not hasattr(Tensor, f"{name}_"):
            setattr(Tensor, f"{name}_", _in_place_form(name))


_install_in_place_forms()
