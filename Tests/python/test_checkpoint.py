"""cajal.save / cajal.load: round trips, the safetensors format both ways, atomic writes, corrupted files."""

import math
import os
import signal
import struct
import subprocess
import sys
import time

import pytest

import cajal

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.join(os.path.dirname(os.path.dirname(HERE)), "python")


def test_checkpoint_round_trip_keeps_structure_and_values(tmp_path):
    shared = cajal.arange(6.0).reshape(2, 3)
    weight = cajal.nn.Parameter(cajal.ones(2, 2))
    checkpoint = {
        "epoch": 7, "loss": 0.25, "best": math.inf, "bad": math.nan, "name": "tumour-mlp", "done": False, "note": None,
        "model": {"fc.weight": weight, "fc.bias": cajal.zeros(2), "steps": cajal.tensor(3)},
        "tensors": [shared, shared.t(), shared, cajal.tensor([True, False]), cajal.tensor(2.5, dtype=cajal.float64),
                    cajal.zeros(0, 4)],
        "by_index": {0: {"step": cajal.tensor(1.0)}, 1: ("a", 2)},
        "dtype": cajal.float64,
    }
    path = tmp_path / "checkpoint.pt"
    cajal.save(checkpoint, path)
    back = cajal.load(path)
    assert set(back) == set(checkpoint)
    assert (back["epoch"], back["loss"], back["best"], back["name"], back["done"], back["note"]) == \
        (7, 0.25, math.inf, "tumour-mlp", False, None)
    assert math.isnan(back["bad"]) and back["dtype"] is cajal.float64
    assert isinstance(back["model"]["fc.weight"], cajal.nn.Parameter) and back["model"]["fc.weight"].requires_grad
    assert back["model"]["steps"].dtype is cajal.int64 and back["model"]["steps"].item() == 3
    t = back["tensors"]
    assert t[0].tolist() == shared.tolist() and t[1].tolist() == shared.t().tolist() and t[2] is t[0]
    assert t[3].dtype is cajal.bool and t[3].tolist() == [True, False]
    assert t[4].dtype is cajal.float64 and t[4].shape == () and t[4].item() == 2.5
    assert t[5].shape == (0, 4)
    assert back["by_index"][0]["step"].item() == 1.0 and back["by_index"][1] == ("a", 2)


def test_model_and_optimizer_resume_from_a_file(tmp_path):
    def make():
        cajal.manual_seed(0)
        model = cajal.nn.Sequential(cajal.nn.Linear(4, 8), cajal.nn.ReLU(), cajal.nn.Linear(8, 1))
        return model, cajal.optim.Adam(model.parameters(), lr=0.01)

    x, y = cajal.randn(16, 4), cajal.randn(16, 1)

    def train(model, opt, steps):
        for _ in range(steps):
            opt.zero_grad()
            cajal.nn.functional.mse_loss(model(x), y).backward()
            opt.step()

    model, opt = make()
    train(model, opt, 20)
    straight = [p.detach().clone() for p in model.parameters()]

    model, opt = make()
    train(model, opt, 10)
    cajal.save({"model": model.state_dict(), "optimizer": opt.state_dict()}, tmp_path / "resume.pt")
    model, opt = make()
    checkpoint = cajal.load(tmp_path / "resume.pt")
    model.load_state_dict(checkpoint["model"])
    opt.load_state_dict(checkpoint["optimizer"])
    train(model, opt, 10)
    for a, b in zip(straight, model.parameters()):
        assert cajal.equal(a, b.detach())


def test_flat_state_dict_reads_with_the_safetensors_package(tmp_path):
    numpy_io = pytest.importorskip("safetensors.numpy")
    np = pytest.importorskip("numpy")
    model = cajal.nn.Linear(3, 2)
    cajal.save(model.state_dict(), tmp_path / "model.safetensors")
    loaded = numpy_io.load_file(str(tmp_path / "model.safetensors"))
    assert set(loaded) == {"weight", "bias"}
    assert np.array_equal(loaded["weight"], model.weight.detach().numpy())


def test_files_from_the_safetensors_package_load(tmp_path):
    numpy_io = pytest.importorskip("safetensors.numpy")
    np = pytest.importorskip("numpy")
    arrays = {"w": np.arange(6, dtype=np.float32).reshape(2, 3), "labels": np.array([1, 0, 2], dtype=np.int64),
              "mask": np.array([True, False]), "x64": np.array([0.5], dtype=np.float64)}
    numpy_io.save_file(arrays, str(tmp_path / "foreign.safetensors"), metadata={"source": "numpy"})
    back = cajal.load(tmp_path / "foreign.safetensors")
    assert set(back) == set(arrays)
    for name, array in arrays.items():
        assert back[name].numpy().tolist() == array.tolist() and str(back[name].dtype) == f"cajal.{array.dtype}"


def test_torch_interop_both_ways(tmp_path):
    torch = pytest.importorskip("torch")
    torch_io = pytest.importorskip("safetensors.torch")
    model = cajal.nn.Linear(3, 2)
    cajal.save(model.state_dict(), tmp_path / "from_cajal.safetensors")
    reference = torch.nn.Linear(3, 2)
    reference.load_state_dict(torch_io.load_file(str(tmp_path / "from_cajal.safetensors")))
    assert reference.weight.detach().tolist() == model.weight.detach().tolist()
    torch_io.save_file(reference.state_dict(), str(tmp_path / "from_torch.safetensors"))
    assert cajal.load(tmp_path / "from_torch.safetensors")["bias"].tolist() == reference.bias.detach().tolist()


@pytest.mark.parametrize("location", [None, "cpu", cajal.device("cpu"), {"cuda:0": "cpu"},
                                      lambda storage, loc: storage])
def test_map_location_forms(tmp_path, location):
    cajal.save({"a": cajal.ones(2)}, tmp_path / "a.pt")
    assert cajal.load(tmp_path / "a.pt", map_location=location)["a"].tolist() == [1.0, 1.0]


def test_map_location_to_a_gpu_is_refused(tmp_path):
    cajal.save({"a": cajal.ones(2)}, tmp_path / "a.pt")
    with pytest.raises(RuntimeError, match="CPU"):
        cajal.load(tmp_path / "a.pt", map_location="cuda:0")


def test_unsupported_objects_are_refused_and_the_old_file_stays(tmp_path):
    path = tmp_path / "keep.pt"
    cajal.save({"v": cajal.ones(3)}, path)
    with pytest.raises(TypeError, match=r"got Linear at 'model'\. Save its state_dict\(\) instead"):
        cajal.save({"model": cajal.nn.Linear(2, 2)}, path)
    with pytest.raises(TypeError, match="file path"):  # file objects are taken since issue 19; a number is not
        cajal.save({"v": cajal.ones(1)}, 42)
    assert cajal.load(path)["v"].tolist() == [1.0, 1.0, 1.0]
    assert os.listdir(tmp_path) == ["keep.pt"]


# ------------------------------------------------------------ corrupted files


def saved_bytes(tmp_path):
    path = tmp_path / "good.safetensors"  # these cases are the safetensors reader's; a .pt path gets torch's format
    cajal.save({"w": cajal.arange(64.0), "b": cajal.ones(4, dtype=cajal.int64)}, path)
    return path.read_bytes()


def header_length(data):
    return struct.unpack("<Q", data[:8])[0]


def expect_refused(tmp_path, data, match):
    path = tmp_path / "bad.pt"
    path.write_bytes(data)
    with pytest.raises(RuntimeError, match=match):
        cajal.load(path)


@pytest.mark.parametrize("keep", [0, 5, 8, 40, -1, -100])
def test_truncated_files_are_refused(tmp_path, keep):
    data = saved_bytes(tmp_path)
    cut = data[:keep] if keep >= 0 else data[:len(data) + keep]
    if keep == 40:
        cut = data[:8 + header_length(data) // 2]
    expect_refused(tmp_path, cut, "not a valid safetensors checkpoint")


def test_a_flipped_data_bit_fails_the_checksum(tmp_path):
    data = bytearray(saved_bytes(tmp_path))
    data[8 + header_length(data) + 17] ^= 0x04
    expect_refused(tmp_path, bytes(data), "checksum")


@pytest.mark.parametrize("old, new, match", [
    (b'"shape":[64]', b'"shape":[65]', "data_offsets"),
    (b'"data_offsets":[0,', b'"data_offsets":[8,', "data_offsets"),
    (b'{"__metadata__"', b'["__metadata__"', "not valid JSON"),
    (b'"dtype":"F32"', b'"dtype":"F32"}', "not valid JSON"),
])
def test_a_damaged_header_is_refused(tmp_path, old, new, match):
    data = saved_bytes(tmp_path)
    assert old in data
    damaged = data.replace(old, new, 1)
    if len(new) != len(old):  # keep the length field true so that only the edit is wrong
        damaged = struct.pack("<Q", header_length(data) + len(new) - len(old)) + damaged[8:]
    expect_refused(tmp_path, damaged, match)


def test_a_header_length_past_the_end_is_refused(tmp_path):
    data = saved_bytes(tmp_path)
    expect_refused(tmp_path, struct.pack("<Q", len(data) * 2) + data[8:], "truncated")


def test_files_that_are_not_checkpoints(tmp_path):
    import pickle

    (tmp_path / "model.pkl").write_bytes(pickle.dumps({"w": [1.0, 2.0]}))
    (tmp_path / "notes.txt").write_text("tumour samples: 569\n" * 10)
    (tmp_path / "empty").write_bytes(b"")
    for name in ("model.pkl", "notes.txt", "empty"):
        with pytest.raises(RuntimeError, match="not a valid safetensors checkpoint"):
            cajal.load(tmp_path / name)
    with pytest.raises(RuntimeError, match="not a regular file"):
        cajal.load(tmp_path)
    with pytest.raises(FileNotFoundError):
        cajal.load(tmp_path / "missing.pt")


def test_unsupported_dtype_names_itself(tmp_path):
    data = saved_bytes(tmp_path).replace(b'"dtype":"I64"', b'"dtype":"U64"', 1)  # safetensors' uint64: not a torch dtype cajal has
    path = tmp_path / "u64.pt"
    path.write_bytes(data)
    with pytest.raises(NotImplementedError, match="has dtype U64"):
        cajal.load(path)


# ------------------------------------------------------------ atomic writes

WRITER = """
import sys
sys.path.insert(0, {python!r})
import cajal
path = sys.argv[1]
cajal.save({{"generation": cajal.tensor(0), "data": cajal.zeros(8)}}, path)
big = cajal.ones(48 * 1024 * 1024)  # 192 MB per save
print("ready", flush=True)
generation = 1
while True:
    cajal.save({{"generation": cajal.tensor(generation), "data": big}}, path)
    generation += 1
"""


def test_killing_a_writer_mid_save_leaves_a_whole_checkpoint(tmp_path):
    path = tmp_path / "live.pt"
    for attempt in range(10):
        child = subprocess.Popen([sys.executable, "-c", WRITER.format(python=PYTHON_DIR), str(path)],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready"
        # Kill as soon as a temporary file shows that a save is under way.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(n.startswith(".live.pt.tmp-") for n in os.listdir(tmp_path)):
            time.sleep(0.001)
        time.sleep(0.002 * attempt)  # later and later into the write
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        leftovers = [n for n in os.listdir(tmp_path) if n.startswith(".live.pt.tmp-")]
        checkpoint = cajal.load(path)  # whole, whatever the moment of the kill
        generation = checkpoint["generation"].item()
        expected = 8 if generation == 0 else 48 * 1024 * 1024
        assert checkpoint["data"].shape == (expected,)
        assert checkpoint["data"].sum().item() == (0.0 if generation == 0 else float(expected))
        for name in leftovers:
            os.unlink(tmp_path / name)
        if leftovers:
            return  # the kill landed while a temporary file was being written
    pytest.fail("the writer was never caught mid-save")
