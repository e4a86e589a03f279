"""torch's legacy tensor types (FloatTensor, LongTensor, ...): constructors,
isinstance checks against a tensor's dtype, and the names Tensor.type() gives."""

from . import _dtype as D
from ._tensor import Tensor

# torch's legacy class name of each dtype.
TYPE_NAMES = {D.float32: "FloatTensor", D.float64: "DoubleTensor", D.int64: "LongTensor", D.int32: "IntTensor",
              D.int16: "ShortTensor", D.int8: "CharTensor", D.uint8: "ByteTensor", D.bool_: "BoolTensor",
              D.float16: "HalfTensor", D.bfloat16: "BFloat16Tensor"}


class _LegacyType(type):
    """isinstance(t, cajal.FloatTensor) holds for a Tensor of that dtype, as in torch."""

    def __instancecheck__(cls, instance):
        return isinstance(instance, Tensor) and instance.dtype is cls.dtype

    def __call__(cls, *args, device=None):
        """cls(sequence) copies data; cls(d0, d1, ...) or cls(size) makes a tensor of that
        shape (zero-filled, cajal's 'uninitialized'); cls() is empty."""
        from ._creation import empty, tensor

        D.check_device(device)
        if not args:
            return empty(0, dtype=cls.dtype)
        if len(args) == 1 and isinstance(args[0], Tensor):
            return args[0].to(cls.dtype)
        if len(args) == 1 and not isinstance(args[0], int) and not isinstance(args[0], D.Size):
            return tensor(args[0], dtype=cls.dtype)
        if not all(isinstance(a, int) and not isinstance(a, bool) for a in (args[0] if len(args) == 1 and
                                                                             isinstance(args[0], D.Size) else args)):
            raise TypeError(f"{cls.__name__}(): expected a sequence of data or integer sizes, got {args!r}")
        return empty(*args, dtype=cls.dtype)

    def __repr__(cls):
        return f"<class 'cajal.{cls.__name__}'>"


def _make(dtype, name):
    return _LegacyType(name, (), {"dtype": dtype, "__doc__": f"torch.{name}: tensors of dtype {dtype.name}."})


LEGACY_TYPES = {name: _make(dtype, name) for dtype, name in TYPE_NAMES.items()}
_BY_NAME = {f"torch.{name}": dtype for dtype, name in TYPE_NAMES.items()}


def type_string(dtype):
    """Tensor.type() with no argument: 'torch.FloatTensor', ..."""
    return "torch." + TYPE_NAMES[dtype]


def dtype_of(value):
    """The dtype a Tensor.type(...) argument names: a dtype, 'torch.LongTensor', or a legacy class."""
    if isinstance(value, _LegacyType):
        return value.dtype
    if isinstance(value, str) and value in _BY_NAME:
        return _BY_NAME[value]
    return D.to_dtype(value)
