"""dtypes, devices and Size, with torch's names and reprs."""

from builtins import int as _builtin_int


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
        return self.name not in ("bool", "uint8")

    @property
    def _torch_name(self):
        """torch's ScalarType name: Float, Long, Half, ..."""
        return {"float32": "Float", "float64": "Double", "int64": "Long", "bool": "Bool", "int32": "Int", "int16": "Short",
                "int8": "Char", "uint8": "Byte", "float16": "Half", "bfloat16": "BFloat16", "complex64": "ComplexFloat",
                "complex128": "ComplexDouble"}[self.name]

    @property
    def is_complex(self):
        return self.code in (10, 11)

    @property
    def is_storage(self):
        """Held natively, computed by the engine in int64 or float32 (see DType.kernelType)."""
        return self.code >= 4

    def __repr__(self):
        return "cajal." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))


float32 = dtype("float32", 0, 4, True, "f", "float32")
float64 = dtype("float64", 1, 8, True, "d", "float64")
int64 = dtype("int64", 2, 8, False, "q", "int64")
bool_ = dtype("bool", 3, 1, False, "B", "bool")
int32 = dtype("int32", 4, 4, False, "i", "int32")
int16 = dtype("int16", 5, 2, False, "h", "int16")
int8 = dtype("int8", 6, 1, False, "b", "int8")
uint8 = dtype("uint8", 7, 1, False, "B", "uint8")
# The `array` module has no half floats: values travel as float32 and the
# engine rounds them (torch rounds a Python float through float32 too).
float16 = dtype("float16", 8, 2, True, None, "float16")
bfloat16 = dtype("bfloat16", 9, 2, True, None, None)  # numpy has no bfloat16
# Complex numbers: interleaved (re, im) pairs of float32 or float64, which
# view_as_real shows as a last dim of 2.
complex64 = dtype("complex64", 10, 8, False, None, "complex64")
complex128 = dtype("complex128", 11, 16, False, None, "complex128")
cfloat = complex64
cdouble = complex128

float = float32  # noqa: A001 - torch's aliases
double = float64
long = int64
int = int32  # noqa: A001
short = int16
half = float16

ALL = (float32, float64, int64, bool_, int32, int16, int8, uint8, float16, bfloat16, complex64, complex128)
BY_CODE = {d.code: d for d in ALL}
_ALIASES = {"float32": ["float"], "float64": ["double"], "int64": ["long"], "int32": ["int"], "int16": ["short"],
            "float16": ["half"], "complex64": ["cfloat"], "complex128": ["cdouble"]}
_NAMES = {}
for _d in ALL:
    for _name in [_d.name] + _ALIASES.get(_d.name, []):
        _NAMES[_name] = _NAMES["torch." + _name] = _d
SUPPORTED = ", ".join(d.name for d in ALL)


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

    if value is builtins.complex:
        return complex128 if default_float() is float64 else complex64
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
            index = _builtin_int(number)
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


def _category(d):
    return 0 if d is bool_ else 3 if d.is_complex else 2 if d.is_floating_point else 1


def promote_types(type1, type2):
    """torch.promote_types: the higher category (bool < integer < floating
    point) wins; within one, the type that holds both (the engine's DType.promote)."""
    a, b = to_dtype(type1), to_dtype(type2)
    if a is b:
        return a
    if _category(a) != _category(b):
        high, low = (a, b) if _category(a) > _category(b) else (b, a)
        return complex128 if high.is_complex and low is float64 else high
    if a.is_complex:
        return a if a.itemsize >= b.itemsize else b
    if a.is_floating_point:
        if {a, b} == {float16, bfloat16}:
            return float32
        return a if a.itemsize >= b.itemsize else b
    if uint8 in (a, b):
        signed = b if a is uint8 else a
        return int16 if signed is int8 else signed
    return a if a.itemsize >= b.itemsize else b


class finfo:
    """torch.finfo: the limits of a floating-point dtype."""

    _LIMITS = {
        "float32": dict(bits=32, eps=2.0**-23, max=3.4028234663852886e38, tiny=2.0**-126, resolution=1e-06),
        "float64": dict(bits=64, eps=2.0**-52, max=1.7976931348623157e308, tiny=2.0**-1022, resolution=1e-15),
        "float16": dict(bits=16, eps=2.0**-10, max=65504.0, tiny=2.0**-14, resolution=0.001),
        "bfloat16": dict(bits=16, eps=2.0**-7, max=3.3895313892515355e38, tiny=2.0**-126, resolution=0.01),
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
        bits = value.itemsize * 8
        if value is bool_:
            self.bits, self.min, self.max = 8, 0, 1
        elif value is uint8:
            self.bits, self.min, self.max = 8, 0, 255
        else:
            self.bits, self.min, self.max = bits, -(1 << (bits - 1)), (1 << (bits - 1)) - 1

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
    if value not in (float32, float64):
        raise TypeError(f"only floating-point types are supported as the default type, got {value}")
    check(lib.cajal_set_default_dtype(value.code))


def get_default_dtype():
    return default_float()
