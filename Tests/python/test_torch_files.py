"""cajal.load on files written by real torch.save (fixtures/torch_files/*.pt,
from Tests/reference/generate.py): state_dicts, a dataset tuple, a checkpoint
with optimizer state and plain values, views sharing one storage, parameters
and edge tensors. torch.load(weights_only=True) of each is in expected.json.
A file whose pickle would run a command is refused, and nothing runs."""

import collections
import io
import json
import os

import pytest

import cajal
from reference import FIXTURES, assert_matches

FOLDER = os.path.join(FIXTURES, "torch_files")
with open(os.path.join(FOLDER, "expected.json")) as f:
    EXPECTED = json.load(f)["files"]


def assert_same(value, spec, where):
    """A loaded value against torch's description of it (expected.json)."""
    if isinstance(spec, dict) and ("tensor" in spec or "parameter" in spec):
        is_parameter = "parameter" in spec
        assert isinstance(value, cajal.Tensor), f"{where}: {type(value).__name__} is not a tensor"
        assert isinstance(value, cajal.nn.Parameter) == is_parameter, f"{where}: Parameter or not"
        assert value.requires_grad == spec["requires_grad"], f"{where}: requires_grad"
        assert_matches(value, spec["parameter" if is_parameter else "tensor"], where)
    elif isinstance(spec, dict) and "dict" in spec:
        assert isinstance(value, dict), f"{where}: {type(value).__name__} is not a dict"
        assert isinstance(value, collections.OrderedDict) == spec["ordered"], f"{where}: OrderedDict or dict"
        assert len(value) == len(spec["dict"]), f"{where}: {len(value)} keys"
        for (key_spec, item_spec), (key, item) in zip(spec["dict"], value.items()):
            assert key == (tuple(key_spec["tuple"]) if isinstance(key_spec, dict) else key_spec), f"{where}: key {key}"
            assert_same(item, item_spec, f"{where}[{key!r}]")
    elif isinstance(spec, dict) and ("list" in spec or "tuple" in spec):
        kind = "list" if "list" in spec else "tuple"
        assert type(value).__name__ == kind, f"{where}: {type(value).__name__} is not a {kind}"
        assert len(value) == len(spec[kind])
        for i, (item, item_spec) in enumerate(zip(value, spec[kind])):
            assert_same(item, item_spec, f"{where}[{i}]")
    elif isinstance(spec, dict) and "set" in spec:
        assert isinstance(value, set) and sorted(value) == spec["set"], where
    elif isinstance(spec, dict) and "size" in spec:
        assert isinstance(value, cajal.Size) and list(value) == spec["size"], where
    elif isinstance(spec, dict) and "dtype" in spec:
        assert value is getattr(cajal, spec["dtype"]), where
    elif isinstance(spec, dict) and "bytes" in spec:
        assert value == bytes(spec["bytes"]), where
    elif isinstance(spec, dict) and "float" in spec:
        assert value == float(spec["float"]), where
    else:
        assert value == spec and type(value) is type(spec), f"{where}: {value!r} != {spec!r}"


@pytest.mark.parametrize("name", ["state_dict", "dataset", "checkpoint", "views", "parameters", "legacy", "new_dtypes"])
def test_torch_files_load_as_torch_loads_them(name):
    path = os.path.join(FOLDER, f"{name}.pt")
    assert_same(cajal.load(path), EXPECTED[name], name)
    with open(path, "rb") as f:  # a file object, as torch.load takes
        assert_same(cajal.load(f, map_location="cpu", weights_only=True), EXPECTED[name], name)


def test_a_pickle_that_would_run_a_command_is_refused_and_runs_nothing():
    marker = "/tmp/cajal-torch-file-pwned"
    if os.path.exists(marker):
        os.remove(marker)
    for weights_only in (True, False):
        with pytest.raises(Exception, match=r"refuses the global 'posix\.system'|refuses the global 'os\.system'"):
            cajal.load(os.path.join(FOLDER, "malicious.pt"), weights_only=weights_only)
    assert not os.path.exists(marker)


def test_storage_dtypes_round_trip_through_torch_format(tmp_path):
    """float16, bfloat16, int32 and uint8 storages written by torch load as those
    dtypes, and cajal writes them back in torch's format with the same bytes."""
    loaded = cajal.load(os.path.join(FOLDER, "new_dtypes.pt"))
    assert {k: v.dtype for k, v in loaded.items()} == {"half": cajal.float16, "bfloat": cajal.bfloat16,
                                                       "int": cajal.int32, "byte": cajal.uint8}
    path = tmp_path / "again.pt"
    cajal.save(loaded, path, format="torch")
    assert_same(cajal.load(path), EXPECTED["new_dtypes"], "new_dtypes (saved by cajal)")


def test_damaged_archives_fail_with_a_message():
    with open(os.path.join(FOLDER, "state_dict.pt"), "rb") as f:
        data = f.read()
    with pytest.raises(Exception):
        cajal.load(io.BytesIO(data[: len(data) // 2]))
    with open(os.path.join(FOLDER, "legacy.pt"), "rb") as f:
        legacy = f.read()
    with pytest.raises(RuntimeError, match="damaged torch.save file|ends inside storage"):
        cajal.load(io.BytesIO(legacy[:-5]))
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("archive/other.txt", b"nothing")
    buffer.seek(0)
    with pytest.raises(RuntimeError, match="not a torch.save archive"):
        cajal.load(buffer)


def test_cajal_checkpoints_go_through_file_objects_too():
    state = {"w": cajal.arange(6.0).view(2, 3), "step": 4}
    buffer = io.BytesIO()
    cajal.save(state, buffer)
    buffer.seek(0)
    loaded = cajal.load(buffer)
    assert loaded["step"] == 4 and loaded["w"].tolist() == state["w"].tolist()
    with pytest.raises(TypeError, match="binary file object"):
        cajal.save(state, 42)


def test_a_torch_checkpoint_resumes_a_cajal_model_and_optimizer():
    checkpoint = cajal.load(os.path.join(FOLDER, "checkpoint.pt"))
    nn = cajal.nn
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    model.load_state_dict(checkpoint["model"])
    optimizer = cajal.optim.Adam(model.parameters(), lr=0.5)
    optimizer.load_state_dict(checkpoint["optimizer"])
    assert optimizer.param_groups[0]["lr"] == 0.01
    assert model[0].weight.tolist() == checkpoint["model"]["0.weight"].tolist()
    model(cajal.ones(5, 3)).sum().backward()
    optimizer.step()  # the step counters and moments torch saved carry on
    assert optimizer.state[model[0].weight]["step"].item() == 2.0


def test_torch_reads_what_cajal_saves(tmp_path):
    """Run where torch is installed (the reference venv: make interop-check); skipped elsewhere."""
    torch = pytest.importorskip("torch")
    cajal.manual_seed(0)
    model = cajal.nn.Sequential(cajal.nn.Linear(3, 4), cajal.nn.BatchNorm1d(4), cajal.nn.Linear(4, 2))
    optimizer = cajal.optim.Adam(model.parameters(), lr=0.01)
    model(cajal.randn(5, 3)).sum().backward()
    optimizer.step()
    shared = cajal.arange(6.0).view(2, 3)
    checkpoint = {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": 2, "raw": b"\x00\x01",
                  "tensors": [shared, shared, shared.t(), cajal.tensor([True]), cajal.tensor(3)], "dtype": cajal.int64}
    cajal.save(checkpoint, tmp_path / "from_cajal.pt")
    back = torch.load(tmp_path / "from_cajal.pt", weights_only=True)
    for key, value in model.state_dict().items():
        assert back["model"][key].tolist() == value.tolist() and str(back["model"][key].dtype) == f"torch.{value.dtype.name}"
    assert back["optimizer"]["param_groups"][0]["lr"] == 0.01 and back["optimizer"]["state"][0]["step"].item() == 1.0
    assert back["tensors"][0] is back["tensors"][1] and back["tensors"][2].tolist() == shared.t().tolist()
    assert (back["epoch"], back["raw"], back["dtype"]) == (2, b"\x00\x01", torch.int64)
    reference = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2))
    reference.load_state_dict(back["model"])


def test_a_pickle_that_sets_a_tensors_fields_is_refused():
    """BUILD on a rebuilt tensor could point its handle anywhere: refused."""
    from cajal import _torch_format

    pickle_bytes, storages = _torch_format.pickled(cajal.ones(2))
    name = b"_handle"
    build = b"}X" + len(name).to_bytes(4, "little") + name + b"J" + (12345).to_bytes(4, "little") + b"sb"
    buffer = io.BytesIO()
    _torch_format.write_archive(buffer, pickle_bytes[:-1] + build + b".", storages)
    buffer.seek(0)
    with pytest.raises(Exception, match="refuses to set attributes on a Tensor"):
        cajal.load(buffer)


@pytest.mark.parametrize("size, stride, offset", [((-2,), (1,), 0), ((2, 3), (1,), 0), ((2,), (1,), 3), ((2,), (-1,), 0)])
def test_tensor_geometry_outside_its_storage_is_refused(size, stride, offset):
    import pickle

    from cajal import _torch_format

    storage = _torch_format._Storage(bytes(16), "float32", "0")  # four float32 elements
    with pytest.raises(pickle.UnpicklingError, match="cajal.load"):
        _torch_format._rebuild_tensor(storage, offset, size, stride)



def test_views_of_one_storage_share_it_as_in_torch():
    """views.pt holds base, base.t(), base[1:, ::2], base[1] and base again:
    after loading, a write through base shows in every view, as after torch.load."""
    views = cajal.load(os.path.join(FOLDER, "views.pt"))
    views["base"][1, 0] = 1000.0
    assert views["transposed"][0, 1].item() == 1000.0 and not views["transposed"].is_contiguous()
    assert views["strided"][0, 0].item() == 1000.0 and views["row"][0].item() == 1000.0
    assert views["again"] is views["base"]
