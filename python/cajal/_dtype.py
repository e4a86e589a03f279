"""dtypes, devices and Size, with torch's names and reprs."""


class dtype:
    """An element type. Instances are module constants: cajal.float32, ..."""

    __slots__ = ("name", "code", "itemsize", "is_floating_point", "_array_code", "_numpy")

    def __init__(self, name, code, itemsize, is_floating_point, array_code, numpy_name):
        self.name = name
        self.code = code
        self.itemsize = itemsize
        self.is_floating_point = is_floating_point
        self._array_code = array_code  # the `array` module's type code
        self._numpy = numpy_name

    @property
    def is_signed(self):
        return self.name != "bool"

    def __repr__(self):
        return "cajal." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))


float32 = dtype("float32", 0, 4, True, "f", "float32")
float64 = dtype("float64", 1, 8, True, "d", "float64")
int64 = dtype("int64", 2, 8, False, "q", "int64")
bool_ = dtype("bool", 3, 1, False, "B", "bool")

float = float32  # noqa: A001 - torch's aliases
double = float64
long = int64

BY_CODE = {d.code: d for d in (float32, float64, int64, bool_)}
_NAMES = {
    "float32": float32, "float": float32, "torch.float32": float32, "torch.float": float32,
    "float64": float64, "double": float64, "torch.float64": float64, "torch.double": float64,
    "int64": int64, "long": int64, "torch.int64": int64, "torch.long": int64,
    "bool": bool_, "torch.bool": bool_,
}
SUPPORTED = "float32, float64, int64, bool"


def _by_name(name):
    return _NAMES[name]


def to_dtype(value, default=None):
    """Accepts a cajal dtype, a dtype name or a Python type (float, int, bool)."""
    if value is None:
        return default
    if isinstance(value, dtype):
        return value
    if isinstance(value, str):
        if value in _NAMES:
            return _NAMES[value]
        raise TypeError(f"unknown dtype {value!r}; cajal supports {SUPPORTED}")
    import builtins

    if value is builtins.float:
        return float32
    if value is builtins.int:
        return int64
    if value is builtins.bool:
        return bool_
    name = getattr(value, "name", None) or getattr(value, "__name__", None)
    if isinstance(name, str) and name in _NAMES:  # numpy dtypes and scalar types
        return _NAMES[name]
    raise TypeError(f"unsupported dtype {value!r}; cajal supports {SUPPORTED}")


_DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga",
                 "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")


class device:
    """torch.device. Only the CPU runs cajal; other known types can be named but not used."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):  # noqa: A002 - torch's parameter name
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if not isinstance(type, str):
            raise TypeError(f"device() expected a string, got {type!r}")
        name, _, number = type.partition(":")
        if name not in _DEVICE_TYPES:
            raise RuntimeError(
                "Expected one of " + ", ".join(_DEVICE_TYPES) + f" device type at start of device string: {type}"
            )
        if number:
            if not number.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(number)
        self.type = name
        self.index = index

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))


cpu = device("cpu")


def check_device(value):
    """Accepts None, 'cpu' and device('cpu'); refuses other devices clearly."""
    if value is None:
        return
    d = value if isinstance(value, device) else device(value)
    if d.type != "cpu":
        raise RuntimeError(f"cajal runs on the CPU only; device '{d}' is not available")


class Size(tuple):
    """torch.Size: a tuple of dims."""

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __repr__(self):
        return f"cajal.Size({list(self)})"


# Promotion between two dtypes is the higher of their categories (bool <
# integer < floating point), and within floating point the wider one: a
# ranking, for the dtypes cajal has.
_PROMOTION_RANK = {bool_: 0, int64: 1, float32: 2, float64: 3}


def promote_types(type1, type2):
    """torch.promote_types: the dtype both convert to in an op."""
    a, b = to_dtype(type1), to_dtype(type2)
    return a if _PROMOTION_RANK[a] >= _PROMOTION_RANK[b] else b


class finfo:
    """torch.finfo: the limits of a floating-point dtype."""

    _LIMITS = {
        "float32": dict(bits=32, eps=2.0**-23, max=3.4028234663852886e38, tiny=2.0**-126, resolution=1e-06),
        "float64": dict(bits=64, eps=2.0**-52, max=1.7976931348623157e308, tiny=2.0**-1022, resolution=1e-15),
    }

    def __init__(self, type=None):  # noqa: A002
        from . import _dtype

        value = to_dtype(type, None) or float32
        if not value.is_floating_point:
            raise TypeError(f"torch.finfo() requires a floating point input type. Use torch.iinfo to handle '{value}'")
        self.dtype = value.name
        for key, number in self._LIMITS[value.name].items():
            setattr(self, key, number)
        self.min = -self.max
        self.smallest_normal = self.tiny

    def __repr__(self):
        return (f"finfo(resolution={self.resolution}, min={self.min:.6e}, max={self.max:.6e}, eps={self.eps:.6e}, "
                f"smallest_normal={self.tiny:.6e}, tiny={self.tiny:.6e}, dtype={self.dtype})")


class iinfo:
    """torch.iinfo: the limits of an integer dtype."""

    def __init__(self, type):  # noqa: A002
        value = to_dtype(type)
        if value.is_floating_point:
            raise TypeError(f"torch.iinfo() requires an integer input type. Use torch.finfo to handle '{value}'")
        self.dtype = value.name
        self.bits, self.min, self.max = (8, 0, 1) if value is bool_ else (64, -(1 << 63), (1 << 63) - 1)

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"


def full_like_scalar(tensor, value):
    """A 0-dim tensor holding `value` in tensor's dtype, for where()."""
    from ._creation import tensor as make

    return make(value, dtype=tensor.dtype)


def default_float():
    """The default floating-point dtype (torch.get_default_dtype), kept by the engine."""
    from ._ffi import lib

    return BY_CODE[lib.cajal_get_default_dtype()]


def set_default_dtype(d):
    """torch.set_default_dtype: float32 or float64, process-wide."""
    from ._ffi import check, lib

    value = to_dtype(d)
    if not value.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {value}")
    check(lib.cajal_set_default_dtype(value.code))


def get_default_dtype():
    return default_float()
