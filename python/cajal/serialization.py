"""cajal.save / cajal.load: checkpoints in the safetensors format, and
torch.save's own files read without running code from them.

Tensors are stored as safetensors entries; everything around them (nested
dicts, lists, tuples, ints, floats, strings, bools, None) is described in the
metadata entry "cajal.structure" as JSON that points at the entries by name.
A flat dict of tensors (a state_dict) keeps its keys as the entry names, so
`safetensors.torch.load_file` reads it as the same dict, and a file written by
`safetensors.torch.save_file` loads here as that dict. The engine writes the
file atomically and checks a CRC-32 of the data on load.

`load` also reads what torch.save writes (.pt/.pth zip archives, see
_torch_format.py) with an unpickler as strict as torch.load(weights_only=True),
and takes file objects as torch's does.
"""

import json
import math
import os
import tempfile
from ctypes import byref, c_char_p, c_size_t, c_void_p

from . import _dtype as _dtype_module
from . import _torch_format
from ._dtype import device as _device
from ._ffi import check, lib
from ._tensor import Tensor, _wrap

__all__ = ["load", "save"]

STRUCTURE_KEY = "cajal.structure"
FORMAT_KEY = "format"


def _path(f, what):
    if isinstance(f, (str, bytes, os.PathLike)):
        return os.fsencode(f)
    raise TypeError(f"cajal.{what} takes a file path (str or os.PathLike) or a binary file object; "
                    f"got {type(f).__name__}")


class _Writer:
    """Flattens an object into named tensors and a JSON structure."""

    def __init__(self):
        self.names, self.tensors, self.by_id = [], [], {}

    def name_for(self, tensor, path):
        if id(tensor) in self.by_id:  # the same tensor twice is stored once
            return self.by_id[id(tensor)]
        name, n = path or "tensor", 1
        taken = set(self.names)
        while name in taken:
            n += 1
            name = f"{path}#{n}"
        self.names.append(name)
        self.tensors.append(tensor.detach())
        self.by_id[id(tensor)] = name
        return name

    def encode(self, obj, path):
        from .nn.parameter import Parameter

        if isinstance(obj, Tensor):
            node = {"__tensor__": self.name_for(obj, path)}
            if isinstance(obj, Parameter):
                node["parameter"] = True
            if obj.requires_grad:
                node["requires_grad"] = True
            return node
        if obj is None or isinstance(obj, (bool, int, str)):
            return obj
        if isinstance(obj, float):
            return obj if math.isfinite(obj) else {"__float__": repr(obj)}
        if isinstance(obj, dict):
            if all(isinstance(k, str) for k in obj) and not any(k.startswith("__") and k.endswith("__") for k in obj):
                return {k: self.encode(v, f"{path}.{k}" if path else k) for k, v in obj.items()}
            return {"__dict__": [[self.encode(k, f"{path}.key"), self.encode(v, f"{path}.{k}" if path else str(k))]
                                 for k, v in obj.items()]}
        if isinstance(obj, (list, tuple)):
            items = [self.encode(v, f"{path}.{i}" if path else str(i)) for i, v in enumerate(obj)]
            return {"__tuple__": items} if isinstance(obj, tuple) else items
        from ._dtype import dtype as _dtype_class

        if isinstance(obj, _dtype_class):
            return {"__dtype__": obj.name}
        hint = " Save its state_dict() instead." if hasattr(obj, "state_dict") else ""
        raise TypeError(f"cajal.save stores tensors, dicts, lists, tuples, str, int, float, bool and None; got "
                        f"{type(obj).__name__} at '{path or '<root>'}'.{hint}")


def save(obj, f, pickle_module=None, pickle_protocol=None, _use_new_zipfile_serialization=True, *, format=None):  # noqa: A002
    """Writes `obj` (a state_dict or a checkpoint dict of tensors and Python
    values) to `f`, atomically. The format: torch.save's zip archive, which
    torch.load reads, unless the path ends in .safetensors or
    format="safetensors" is given (a file object gets torch's unless asked)."""
    if format not in (None, "torch", "safetensors"):
        raise ValueError(f"cajal.save: format must be 'torch' or 'safetensors', got {format!r}")
    named = os.fsdecode(f) if isinstance(f, (str, bytes, os.PathLike)) else ""
    if format == "safetensors" or (format is None and named.endswith(".safetensors")):
        return _save_safetensors(obj, f)
    pickle_bytes, storages = _torch_format.pickled(obj)  # everything is checked before the file is touched
    if hasattr(f, "write"):
        _torch_format.write_archive(f, pickle_bytes, storages)
        return
    _write_atomically(os.fsdecode(_path(f, "save")), lambda out: _torch_format.write_archive(out, pickle_bytes, storages))


def _write_atomically(path, write):
    """write(file) into a temporary file beside path (named as the engine names
    its own), fsync, rename over the target, fsync of the folder."""
    folder = os.path.dirname(os.path.abspath(path)) or "."
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _save_safetensors(obj, f):
    writer = _Writer()
    flat = isinstance(obj, dict) and obj and all(isinstance(k, str) and isinstance(v, Tensor) for k, v in obj.items())
    structure = writer.encode(obj, "")
    metadata = {FORMAT_KEY: "pt", STRUCTURE_KEY: json.dumps(structure, separators=(",", ":"))}
    if flat:
        metadata["cajal.flat"] = "1"
    names = (c_char_p * max(len(writer.names), 1))(*[n.encode() for n in writer.names])
    handles = (c_void_p * max(len(writer.tensors), 1))(*[t._handle for t in writer.tensors])
    keys = list(metadata)

    def write(path):
        check(lib.cajal_safetensors_save(path, names, handles, len(writer.tensors),
                                         (c_char_p * len(keys))(*[k.encode() for k in keys]),
                                         (c_char_p * len(keys))(*[metadata[k].encode() for k in keys]), len(keys)))

    if hasattr(f, "write"):  # a file object: written whole, then handed over (the engine writes to paths)
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "checkpoint.safetensors")
            write(os.fsencode(path))
            with open(path, "rb") as data:
                f.write(data.read())
        return
    write(_path(f, "save"))


def _read(path):
    archive = c_void_p()
    check(lib.cajal_safetensors_load(path, byref(archive)))
    try:
        count, meta_count = c_size_t(), c_size_t()
        check(lib.cajal_archive_count(archive, byref(count), byref(meta_count)))
        tensors = {}
        for i in range(count.value):
            name, handle = c_char_p(), c_void_p()
            check(lib.cajal_archive_tensor(archive, i, byref(name), byref(handle)))
            tensors[name.value.decode()] = _wrap(handle.value)
        metadata = {}
        for i in range(meta_count.value):
            key, value = c_char_p(), c_char_p()
            check(lib.cajal_archive_metadata(archive, i, byref(key), byref(value)))
            metadata[key.value.decode()] = value.value.decode()
        return tensors, metadata
    finally:
        lib.cajal_archive_free(archive)


def _check_location(map_location):
    """torch's map_location forms; everything lives on the CPU here."""
    if map_location is None or callable(map_location):
        return
    targets = map_location.values() if isinstance(map_location, dict) else [map_location]
    for target in targets:
        if _device(target).type != "cpu":
            raise RuntimeError(f"cajal.load: map_location={map_location!r} asks for a device cajal does not have; "
                               "cajal runs on the CPU")


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None, **pickle_load_args):
    """Reads a file written by cajal.save, any safetensors file (as a dict of
    tensors), or a torch.save archive. `f` is a path or a binary file object.
    weights_only=False is accepted, but cajal never runs code from a file: a
    torch archive holding anything but tensors and plain values is refused."""
    _check_location(map_location)
    if hasattr(f, "read"):
        data = f.read()
        if not isinstance(data, bytes):
            raise TypeError("cajal.load: the file object must be opened in binary mode ('rb')")
        if _torch_format.is_torch_zip(data):
            return _map_all(_torch_format.load(data, "the file object"), map_location)
        if _torch_format.is_torch_legacy(data):
            return _map_all(_torch_format.load_legacy(data, "the file object"), map_location)
        with tempfile.TemporaryDirectory() as folder:  # the engine reads safetensors from a path
            path = os.path.join(folder, "checkpoint.safetensors")
            with open(path, "wb") as copy:
                copy.write(data)
            return load(path, map_location)
    path = _path(f, "load")
    if not os.path.exists(path):
        raise FileNotFoundError(f"[Errno 2] No such file or directory: '{os.fsdecode(path)}'")
    head = b""
    if os.path.isfile(path):  # anything else goes to the engine, which names the fault
        with open(path, "rb") as file:
            head = file.read(16)
    for matches, read in ((_torch_format.is_torch_zip, _torch_format.load),
                          (_torch_format.is_torch_legacy, _torch_format.load_legacy)):
        if matches(head):
            with open(path, "rb") as file:
                return _map_all(read(file.read(), f"'{os.fsdecode(path)}'"), map_location)
    tensors, metadata = _read(path)
    if callable(map_location):
        mapped = {}
        for name, t in tensors.items():
            result = map_location(t, "cpu")
            mapped[name] = result if isinstance(result, Tensor) else t
        tensors = mapped
    if STRUCTURE_KEY not in metadata:
        return tensors
    try:
        structure = json.loads(metadata[STRUCTURE_KEY])
    except ValueError as error:
        raise RuntimeError(f"cajal.load: '{os.fsdecode(path)}' has a corrupted '{STRUCTURE_KEY}' entry: {error}") from None
    return _decode(structure, tensors, os.fsdecode(path))


def _map_all(obj, map_location):
    """Passes every tensor of a loaded object through a callable map_location, as torch does with storages."""
    if not callable(map_location):
        return obj
    if isinstance(obj, Tensor):
        result = map_location(obj, "cpu")
        return result if isinstance(result, Tensor) else obj
    if isinstance(obj, dict):
        return type(obj)((k, _map_all(v, map_location)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)) and not isinstance(obj, _dtype_module.Size):
        return type(obj)(_map_all(v, map_location) for v in obj)
    return obj


def _decode(node, tensors, path):
    from . import _dtype
    from .nn.parameter import Parameter

    if isinstance(node, list):
        return [_decode(v, tensors, path) for v in node]
    if not isinstance(node, dict):
        return node
    if "__tensor__" in node:
        name = node["__tensor__"]
        if name not in tensors:
            raise RuntimeError(f"cajal.load: '{path}' refers to a tensor '{name}' that the file does not hold")
        t = tensors[name]
        if node.get("parameter"):
            return Parameter(t, requires_grad=node.get("requires_grad", False))
        return t.requires_grad_(True) if node.get("requires_grad") and t.is_floating_point() else t
    if "__float__" in node:
        return float(node["__float__"])
    if "__tuple__" in node:
        return tuple(_decode(v, tensors, path) for v in node["__tuple__"])
    if "__dict__" in node:
        return {_hashable(_decode(k, tensors, path)): _decode(v, tensors, path) for k, v in node["__dict__"]}
    if "__dtype__" in node:
        return _dtype._by_name(node["__dtype__"])
    return {k: _decode(v, tensors, path) for k, v in node.items()}


def _hashable(key):
    return tuple(_hashable(k) for k in key) if isinstance(key, list) else key
