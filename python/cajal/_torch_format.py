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
import struct
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

            if self.data is None:
                raise pickle.UnpicklingError(f"cajal.load: storage '{self.key}' has no data in the file")
            dtype = _cajal_dtype(self.dtype_name, f"storage '{self.key}'")
            count = len(self.data) // dtype.itemsize
            buffer = ctypes.create_string_buffer(self.data, len(self.data))
            self._flat = _creation._from_buffer(ctypes.addressof(buffer), count * dtype.itemsize, [count], dtype)
        return self._flat


class _Deferred:
    """A tensor rebuild waiting for its storage's bytes (torch's legacy format
    stores them after the pickle that refers to them)."""

    def __init__(self, function, args):
        self.function, self.args = function, args

    def build(self):
        args = tuple(a.build() if isinstance(a, _Deferred) else a for a in self.args)
        return self.function(*args)


def _rebuild_tensor(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None):
    """torch._utils._rebuild_tensor_v2: a view of the storage with the file's
    sizes, strides and offset, sharing its memory with the other tensors of
    the same storage, as torch's do."""
    from . import _creation

    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError("cajal.load: a tensor in the file is not built on one of its storages")
    if storage.data is None:  # the legacy format: built once the storages are read
        return _Deferred(_rebuild_tensor, (storage, storage_offset, size, stride, requires_grad))
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride) or min(size, default=0) < 0:
        raise pickle.UnpicklingError(f"cajal.load: a tensor in the file has size {size} and stride {stride}")
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
        result = flat.as_strided(size, stride, storage_offset)
    if requires_grad:
        result.requires_grad_(True)
    return result


def _rebuild_parameter(data, requires_grad, backward_hooks, state=None):
    from .nn.parameter import Parameter

    if isinstance(data, _Deferred):
        return _Deferred(_rebuild_parameter, (data, requires_grad, None))
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
        if isinstance(result, _Deferred):
            return _Deferred(_rebuild_parameter, (result, result.args[-1], None))
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


class _Unpickler(pickle._Unpickler):
    """Python's own unpickler (the pure-Python one, whose opcode table can be
    narrowed) with globals limited as above and BUILD limited to what torch's
    files use it for: the _metadata attribute of a state_dict's OrderedDict.
    BUILD on anything else (a tensor's fields, say) is refused."""

    dispatch = dict(pickle._Unpickler.dispatch)

    def __init__(self, data, records, prefix):
        super().__init__(io.BytesIO(data))
        self._records, self._prefix, self._storages = records, prefix, {}

    def load_build(self):
        state = self.stack.pop()
        target = self.stack[-1]
        if type(target) not in (collections.OrderedDict, collections.Counter) or not isinstance(state, dict) \
                or not all(isinstance(key, str) for key in state):
            raise pickle.UnpicklingError(f"cajal.load refuses to set attributes on a {type(target).__name__} "
                                         "from the file")
        vars(target).update(state)

    dispatch[pickle.BUILD[0]] = load_build

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


# torch's legacy (before 1.6) format: pickles of a magic number, the protocol
# version and system information, then the object, then the storage keys, then
# each storage's element count (int64) and bytes.
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_LEGACY_HEAD = b"\x80\x02\x8a\x0a" + _LEGACY_MAGIC.to_bytes(10, "little")


def is_torch_legacy(head):
    return head[:len(_LEGACY_HEAD)] == _LEGACY_HEAD


class _LegacyUnpickler(_Unpickler):
    """Persistent ids name storages whose bytes come later: ('storage', type, root key, location, numel, view)."""

    def __init__(self, stream):
        pickle._Unpickler.__init__(self, stream)
        self._records, self._prefix, self._storages = {}, "", {}

    def persistent_load(self, saved_id):
        if not isinstance(saved_id, tuple) or len(saved_id) != 6 or saved_id[0] not in ("storage", b"storage"):
            raise pickle.UnpicklingError(f"cajal.load: unknown persistent id {saved_id!r:.80}")
        _, storage_type, key, _location, numel, view = saved_id
        if not isinstance(storage_type, _StorageType) or view is not None:
            raise pickle.UnpicklingError("cajal.load: this legacy file holds storage views, which cajal does not read")
        key = key.decode() if isinstance(key, bytes) else str(key)
        if key not in self._storages:
            self._storages[key] = _Storage(None, storage_type.dtype_name, key)
        return self._storages[key]


def _build_all(obj):
    """The loaded object with every deferred tensor built."""
    if isinstance(obj, _Deferred):
        return obj.build()
    if isinstance(obj, dict):
        built = type(obj)((k, _build_all(v)) for k, v in obj.items())
        if hasattr(obj, "_metadata"):
            built._metadata = obj._metadata
        return built
    if isinstance(obj, (list, tuple, set, frozenset)) and not isinstance(obj, D.Size):
        return type(obj)(_build_all(v) for v in obj)
    return obj


def load_legacy(data, name="the file"):
    """The object a legacy torch.save file (as bytes) holds."""
    stream = io.BytesIO(data)
    try:
        for expected in ("magic", "protocol", "system"):
            header = _LegacyUnpickler(stream).load()
            if expected == "magic" and header != _LEGACY_MAGIC or expected == "protocol" and header != 1001:
                raise RuntimeError(f"cajal.load: {name} has an unknown legacy header")
        unpickler = _LegacyUnpickler(stream)
        result = unpickler.load()
        keys = _LegacyUnpickler(stream).load()
        for key in keys:
            storage = unpickler._storages.get(str(key))
            if storage is None:
                raise RuntimeError(f"cajal.load: {name} lists storage '{key}' that no tensor uses")
            count = int.from_bytes(stream.read(8), "little", signed=True)
            size = count * _ITEM_SIZES[storage.dtype_name]
            storage.data = stream.read(size)
            if count < 0 or len(storage.data) != size:
                raise RuntimeError(f"cajal.load: {name} ends inside storage '{key}'")
    except (EOFError, ValueError, struct.error, IndexError) as error:
        raise RuntimeError(f"cajal.load: {name} is a damaged torch.save file ({error})") from None
    return _build_all(result)


def load(data, name="the file"):
    """The object a torch.save zip archive (as bytes) holds."""
    try:
        return _load_archive(data)
    except (zipfile.BadZipFile, EOFError, ValueError, struct.error) as error:
        raise RuntimeError(f"cajal.load: {name} is a damaged torch.save archive ({error})") from None


def _load_archive(data):
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


# ---------------------------------------------------------------- writing

class _PickleWriter:
    """Writes data.pkl as torch.save does (pickle protocol 2), for the values
    cajal saves: tensors and Parameters (each with a storage record of its
    own, shared when the same tensor appears twice), dicts and OrderedDicts,
    lists, tuples, sets, str, bytes, int, float, bool, None, dtypes and Size.
    Written opcode by opcode, so no torch is needed to make a file torch reads."""

    def __init__(self):
        self.out = io.BytesIO()
        self.storages = []  # (key, bytes)
        self.memo = {}  # id(tensor) -> (memo slot, tensor): the same tensor twice loads as one object, as torch's

    def write(self, obj):
        self.out.write(b"\x80\x02")  # PROTO 2
        self.value(obj, "")
        self.out.write(b".")  # STOP
        return self.out.getvalue()

    def op(self, data):
        self.out.write(data)

    def global_(self, module, name):
        self.op(b"c" + module.encode() + b"\n" + name.encode() + b"\n")

    def string(self, text):
        data = text.encode("utf-8")
        self.op(b"X" + len(data).to_bytes(4, "little") + data)

    def integer(self, value):
        if 0 <= value < 256:
            self.op(b"K" + bytes([value]))
        elif 0 <= value < 65536:
            self.op(b"M" + value.to_bytes(2, "little"))
        elif -2**31 <= value < 2**31:
            self.op(b"J" + value.to_bytes(4, "little", signed=True))
        else:
            data = value.to_bytes((value.bit_length() + 8) // 8, "little", signed=True)
            self.op(b"\x8a" + bytes([len(data)]) + data)  # LONG1

    def call(self, module, name, args, where):
        """GLOBAL module.name, the args as a tuple, REDUCE."""
        self.global_(module, name)
        self.sequence(args, where, b"(", b"t")
        self.op(b"R")

    def sequence(self, items, where, start, end):
        self.op(start)
        for i, item in enumerate(items):
            self.value(item, f"{where}.{i}" if where else str(i))
        self.op(end)

    def value(self, obj, where):
        from ._tensor import Tensor
        from .nn.parameter import Parameter

        if isinstance(obj, Tensor) and id(obj) in self.memo:
            self.op(b"j" + self.memo[id(obj)][0].to_bytes(4, "little"))  # LONG_BINGET
        elif isinstance(obj, Tensor):
            if isinstance(obj, Parameter):
                self.call("torch._utils", "_rebuild_parameter", (obj.detach(), obj.requires_grad, _EMPTY_HOOKS), where)
            else:
                self.tensor(obj, where)
            self.memo[id(obj)] = (len(self.memo), obj)  # kept alive, so its id stays its own
            self.op(b"r" + (len(self.memo) - 1).to_bytes(4, "little"))  # LONG_BINPUT
        elif obj is _EMPTY_HOOKS:
            self.global_("collections", "OrderedDict")
            self.op(b")R")  # OrderedDict()
        elif obj is None:
            self.op(b"N")
        elif obj is True or obj is False:
            self.op(b"\x88" if obj else b"\x89")
        elif isinstance(obj, int):
            self.integer(obj)
        elif isinstance(obj, float):
            self.op(b"G" + struct.pack(">d", obj))
        elif isinstance(obj, str):
            self.string(obj)
        elif isinstance(obj, (bytes, bytearray)):
            self.call("_codecs", "encode", (bytes(obj).decode("latin1"), "latin1"), where)
        elif isinstance(obj, D.dtype):
            self.global_("torch", obj.name)
        elif isinstance(obj, D.Size):
            self.call("torch", "Size", (tuple(obj),), where)
        elif isinstance(obj, tuple):
            self.sequence(obj, where, b"(", b"t")
        elif isinstance(obj, list):
            self.op(b"]")
            if obj:
                self.sequence(obj, where, b"(", b"e")  # APPENDS
        elif isinstance(obj, (set, frozenset)):
            self.call("__builtin__", "set" if isinstance(obj, set) else "frozenset", (sorted(obj, key=repr),), where)
        elif isinstance(obj, dict):
            if isinstance(obj, collections.OrderedDict):
                self.global_("collections", "OrderedDict")
                self.op(b")R")
            else:
                self.op(b"}")
            if obj:
                self.op(b"(")
                for key, item in obj.items():
                    self.value(key, where)
                    self.value(item, f"{where}.{key}" if where else str(key))
                self.op(b"u")  # SETITEMS
        else:
            hint = " Save its state_dict() instead." if hasattr(obj, "state_dict") else ""
            raise TypeError(f"cajal.save stores tensors, dicts, lists, tuples, sets, str, bytes, int, float, bool, "
                            f"None, dtypes and Size; got {type(obj).__name__} at '{where or '<root>'}'.{hint}")

    def tensor(self, tensor, where):
        """_rebuild_tensor_v2 on a storage of its own holding the tensor's elements in row-major order."""
        data = tensor.detach().contiguous()
        key = str(len(self.storages))
        self.storages.append((key, data))  # its bytes are read when the archive is written
        storage = {v: k for k, v in _STORAGE_DTYPES.items() if k != "UntypedStorage"}[tensor.dtype.name]
        shape = tuple(tensor.shape)
        strides, running = [], 1
        for size in reversed(shape):
            strides.insert(0, running)
            running *= size
        self.global_("torch._utils", "_rebuild_tensor_v2")
        self.op(b"(")
        self.op(b"(")  # the persistent id: ('storage', storage type, key, location, numel)
        self.string("storage")
        self.global_("torch", storage)
        self.string(key)
        self.string("cpu")
        self.integer(tensor.numel())
        self.op(b"tQ")  # TUPLE, BINPERSID
        self.integer(0)
        self.value(shape, where)
        self.value(tuple(strides), where)
        self.value(tensor.requires_grad, where)
        self.value(_EMPTY_HOOKS, where)
        self.op(b"tR")


_EMPTY_HOOKS = object()  # backward hooks: torch writes an empty OrderedDict


def pickled(obj):
    """data.pkl for obj and its storages (key, contiguous tensor); raises on anything it cannot store."""
    writer = _PickleWriter()
    return writer.write(obj), writer.storages


def write_archive(out, pickle_bytes, storages):
    """A torch.save zip archive into the binary file object `out`; each storage's
    bytes go straight from the tensor's memory."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("archive/data.pkl", pickle_bytes)
        archive.writestr("archive/byteorder", b"little")
        for key, tensor in storages:
            size = tensor.numel() * tensor.element_size()
            data = memoryview((ctypes.c_char * size).from_address(tensor.data_ptr())).cast("B") if size else b""
            archive.writestr(f"archive/data/{key}", data)
        archive.writestr("archive/version", b"3\n")


def save(obj):
    """The bytes of a torch.save zip archive holding obj."""
    buffer = io.BytesIO()
    write_archive(buffer, *pickled(obj))
    return buffer.getvalue()
