"""Reading the files torch.save writes (its zip archive: <name>/data.pkl, the
storages as <name>/data/<key>, <name>/byteorder), without running code from
the file.

data.pkl is a pickle. It is read by Python's Unpickler with `find_class`
limited to the names torch's own weights_only unpickler allows (tensor and
parameter rebuilds, storage types, dtypes, torch.Size, torch.device,
OrderedDict, Counter, set, bytes, complex), each mapped to cajal's own
function; any other global is refused with an error naming it, before
anything is called. Storages come from the archive through persistent_load.
"""

import collections
import ctypes
import io
import pickle
import zipfile

from . import _dtype as D

# torch's storage classes and dtypes by the names a pickle spells them with,
# and what cajal makes of each (None: a dtype cajal does not have yet).
_STORAGE_DTYPES = {
    "FloatStorage": "float32", "DoubleStorage": "float64", "LongStorage": "int64", "BoolStorage": "bool",
    "IntStorage": "int32", "ShortStorage": "int16", "CharStorage": "int8", "ByteStorage": "uint8",
    "HalfStorage": "float16", "BFloat16Storage": "bfloat16", "ComplexFloatStorage": "complex64",
    "ComplexDoubleStorage": "complex128", "UntypedStorage": "uint8",
}
_ITEM_SIZES = {"float32": 4, "float64": 8, "int64": 8, "bool": 1, "int32": 4, "int16": 2, "int8": 1, "uint8": 1,
               "float16": 2, "bfloat16": 2, "complex64": 8, "complex128": 16}


def _cajal_dtype(name, where):
    """The cajal dtype for a torch dtype name, or an error naming what is missing."""
    try:
        return D._by_name(name)
    except KeyError:
        raise RuntimeError(f"cajal.load: {where} holds {name} data; cajal reads {D.SUPPORTED} tensors") from None


class _StorageType:
    """What a pickled torch.<X>Storage global stands for: its element type."""

    def __init__(self, name):
        self.dtype_name = _STORAGE_DTYPES[name]


class _DtypeName:
    """A pickled torch dtype (torch.float32, torch.int32, ...), kept by name until a tensor needs it."""

    def __init__(self, name):
        self.name = name


class _Storage:
    """One storage record of the archive: its bytes and element type, made a cajal tensor once."""

    def __init__(self, data, dtype_name, key):
        self.data, self.dtype_name, self.key = data, dtype_name, key
        self._flat = None

    def flat(self):
        if self._flat is None:
            from . import _creation

            dtype = _cajal_dtype(self.dtype_name, f"storage '{self.key}'")
            count = len(self.data) // dtype.itemsize
            buffer = ctypes.create_string_buffer(self.data, len(self.data))
            self._flat = _creation._from_buffer(ctypes.addressof(buffer), count * dtype.itemsize, [count], dtype)
        return self._flat


def _rebuild_tensor(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None):
    """torch._utils._rebuild_tensor_v2: a view of the storage. A view laid out
    contiguously shares the storage's memory with the other tensors of the
    same storage, as torch's do; any other layout is read into a copy."""
    from . import _creation

    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError("cajal.load: a tensor in the file is not built on one of its storages")
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    flat = storage.flat()
    count = 1
    for s in size:
        count *= s
    if count == 0:
        result = _creation.zeros(size, dtype=flat.dtype)
    else:
        last = storage_offset + sum((s - 1) * st for s, st in zip(size, stride))
        if storage_offset < 0 or min(stride, default=0) < 0 or last >= flat.numel():
            raise pickle.UnpicklingError(f"cajal.load: a tensor of size {size}, stride {stride} and offset "
                                         f"{storage_offset} reaches outside its storage of {flat.numel()} elements")
        contiguous, running = [], 1
        for s in reversed(size):
            contiguous.insert(0, running)
            running *= s
        if all(st == c for s, st, c in zip(size, stride, contiguous) if s > 1):
            result = flat.narrow(0, storage_offset, count).view(size)
        else:
            index = _creation.tensor(storage_offset)
            for d, (s, st) in enumerate(zip(size, stride)):
                shape = [1] * len(size)
                shape[d] = s
                index = index + _creation.arange(s).view(shape) * st
            result = flat[index.reshape(-1)].view(size)
    if requires_grad:
        result.requires_grad_(True)
    return result


def _rebuild_parameter(data, requires_grad, backward_hooks, state=None):
    from .nn.parameter import Parameter

    return Parameter(data, requires_grad=requires_grad)


class _TensorClass:
    """What a pickled torch.Tensor or torch.nn.Parameter class stands for (a rebuild's target type)."""

    def __init__(self, parameter):
        self.parameter = parameter


def _rebuild_from_type(func, new_type, args, state):
    """torch._tensor._rebuild_from_type_v2: a tensor (or Parameter) rebuilt by
    one of the functions above; attributes set on it (state) are refused."""
    if func not in (_rebuild_tensor, _rebuild_parameter) or not isinstance(new_type, _TensorClass):
        raise pickle.UnpicklingError("cajal.load: a tensor in the file is rebuilt by a function cajal does not allow")
    if state:
        raise pickle.UnpicklingError("cajal.load: a tensor in the file carries Python attributes; cajal loads "
                                     "plain tensors and parameters")
    result = func(*args)
    if new_type.parameter:
        return _rebuild_parameter(result, result.requires_grad, None)
    return result


def _size(values=()):
    return D.Size(values)


def _device(*args):
    return D.device(*args)


def _encode(text, encoding="latin1"):
    """_codecs.encode as torch's pickles use it: bytes written as latin-1 text."""
    if not isinstance(text, str) or encoding != "latin1":
        raise pickle.UnpicklingError("cajal.load: _codecs.encode is allowed for latin-1 bytes only")
    return text.encode("latin1")


def _allowed_globals():
    allowed = {
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("collections", "Counter"): collections.Counter,
        ("builtins", "set"): set,
        ("builtins", "frozenset"): frozenset,
        ("builtins", "bytearray"): bytearray,
        ("builtins", "complex"): complex,
        ("_codecs", "encode"): _encode,
        ("torch", "Size"): _size,
        ("torch", "device"): _device,
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
        ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type,
        ("torch.nn.parameter", "Parameter"): _TensorClass(parameter=True),
        ("torch", "Tensor"): _TensorClass(parameter=False),
    }
    for name in _STORAGE_DTYPES:
        allowed[("torch", name)] = _StorageType(name)
        allowed[("torch.storage", name)] = _StorageType(name)
    for name in _ITEM_SIZES:
        allowed[("torch", name)] = _DtypeName(name)
    return allowed


_ALLOWED = _allowed_globals()


class _Unpickler(pickle.Unpickler):
    def __init__(self, data, records, prefix):
        super().__init__(io.BytesIO(data))
        self._records, self._prefix, self._storages = records, prefix, {}

    def find_class(self, module, name):
        if module == "__builtin__":  # torch pickles with protocol 2, which spells builtins the Python 2 way
            module = "builtins"
        found = _ALLOWED.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(
                f"cajal.load refuses the global '{module}.{name}' in this file: like torch.load(weights_only=True) "
                "it reads only tensors, storages, dtypes, torch.Size and plain containers, and runs no code "
                "from a file")
        if isinstance(found, _DtypeName):
            return _dtype_value(found)
        return found

    def persistent_load(self, saved_id):
        if not isinstance(saved_id, tuple) or len(saved_id) != 5 or saved_id[0] not in ("storage", b"storage"):
            raise pickle.UnpicklingError(f"cajal.load: unknown persistent id {saved_id!r:.80}")
        _, storage_type, key, _location, numel = saved_id
        if not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError("cajal.load: a storage in the file has no storage type")
        key = key.decode() if isinstance(key, bytes) else str(key)
        if key not in self._storages:
            record = f"{self._prefix}data/{key}"
            if record not in self._records:
                raise pickle.UnpicklingError(f"cajal.load: the file has no record '{record}'")
            data = self._records[record]()
            expected = int(numel) * _ITEM_SIZES[storage_type.dtype_name]
            if len(data) < expected:
                raise pickle.UnpicklingError(f"cajal.load: record '{record}' holds {len(data)} bytes, "
                                             f"{expected} expected")
            self._storages[key] = _Storage(data[:expected], storage_type.dtype_name, key)
        return self._storages[key]


def _dtype_value(found):
    """A pickled dtype as the cajal dtype, or its name wrapped when cajal lacks it
    (an error only if a tensor of that dtype is built)."""
    try:
        return D._by_name(found.name)
    except KeyError:
        return found


def is_torch_zip(head):
    return head[:4] == b"PK\x03\x04"


def load(data):
    """The object a torch.save zip archive (as bytes) holds."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        pickles = [n for n in names if n.endswith("data.pkl") and n.count("/") == 1]
        if not pickles:
            raise RuntimeError("cajal.load: this zip file is not a torch.save archive (it has no <name>/data.pkl)")
        prefix = pickles[0][: -len("data.pkl")]
        order = prefix + "byteorder"
        if order in names and archive.read(order).strip() not in (b"little", b""):
            raise RuntimeError("cajal.load: this file was written on a big-endian machine; cajal reads little-endian "
                               "files")
        records = {n: (lambda n=n: archive.read(n)) for n in names}
        return _Unpickler(archive.read(pickles[0]), records, prefix).load()
