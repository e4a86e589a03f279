"""Wild calls for the crash fuzzer: cajal's public functions, Tensor methods
and nn modules called with arguments far outside what they expect.

A call may return or raise any Python exception; what it must never do is
kill the process (a Swift trap, a segfault, an abort) or hang. Tests/python/
test_fuzz.py runs a few thousand of these in `make test`; Tests/fuzz/campaign.py
(`make fuzz`) runs hundreds of thousands in restartable worker processes.

Two sources of calls, drawn deterministically from (seed, index):

- `targeted`: hand-written calls whose tensors are valid and whose integer or
  float arguments are wild, so that the geometry checks (padding, stride,
  dilation, kernel and output sizes, scale factors, offsets, class counts,
  corrections, integer extremes, nan/inf) are reached rather than stopped by
  an earlier shape error.
- `sweep`: every public callable found by introspection (cajal.*, cajal.nn.
  functional, cajal.linalg, Tensor methods, nn module constructors and their
  forward, optimizers), each parameter filled from a pool chosen by its name.

Replay one call: python3 Tests/fuzz/wild.py --seed S --index I
"""

import argparse
import inspect
import math
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))

import cajal  # noqa: E402
import cajal.nn.functional as F  # noqa: E402
from cajal import nn  # noqa: E402

# Integers around every boundary an op might trip on: small sizes and dims,
# int32 and int64 edges, values beyond int64 (which must raise OverflowError).
WILD_INTS = [0, 1, -1, 2, 3, -2, -7, 5, 2**31 - 1, 2**31, -(2**31) - 1, 2**32 + 1, 2**40, -(2**40), 2**51, 2**52,
             2**62, -(2**62), 2**63 - 1, -(2**63), 2**64, 2**64 + 3, -(2**64) - 1]
SMALL_INTS = [0, 1, 1, 2, 2, 3, 4, -1, -2]
WILD_FLOATS = [0.0, -0.0, 0.5, 1.0, -1.0, 2.0, 1e-300, 1e30, -1e30, 1e300, math.inf, -math.inf, math.nan, 2.0**63,
               -(2.0**63), 2.0**64, 1e-8]
DTYPES = [cajal.float32, cajal.float32, cajal.float64, cajal.int64, cajal.bool]
STRINGS = ["mean", "sum", "none", "nearest", "linear", "bilinear", "zeros", "border", "reflection", "same", "valid",
           "floor", "trunc", "amax", "amin", "prod", "tanh", "relu", "gelu", "fro", "nuc", "ij,jk->ik", "i->", "", "x"]


def wild_int(rng):
    return rng.choice(WILD_INTS) if rng.random() < 0.6 else rng.choice(SMALL_INTS)


def wild_float(rng):
    return rng.choice(WILD_FLOATS) if rng.random() < 0.6 else rng.uniform(-3, 3)


def small_shape(rng, rank=None):
    rank = rng.randint(0, 4) if rank is None else rank
    return tuple(rng.choice([1, 2, 3, 4, 0] if rng.random() < 0.1 else [1, 2, 3, 4]) for _ in range(rank))


def tensor(rng, shape=None, dtype=None):
    """A small tensor (at most 256 elements) with specials now and then."""
    shape = small_shape(rng) if shape is None else shape
    dtype = dtype or rng.choice(DTYPES)
    if dtype is cajal.bool:
        return cajal.rand(*shape) < 0.5
    if dtype is cajal.int64:
        values = cajal.randint(-3, 4, shape) if rng.random() < 0.8 else cajal.full(shape, rng.choice(WILD_INTS[:22]))
        return values
    t = cajal.randn(*shape, dtype=dtype)
    if rng.random() < 0.15 and t.numel():
        t = t.masked_fill(cajal.rand(*shape) < 0.2, rng.choice([math.nan, math.inf, -math.inf, 1e30]))
    return t


def int_list(rng, n=None):
    n = rng.randint(0, 4) if n is None else n
    return [wild_int(rng) for _ in range(n)]


def image(rng, spatial=2, channels=None):
    channels = channels or rng.choice([1, 2, 3])
    return cajal.randn(rng.choice([1, 2]), channels, *[rng.choice([1, 3, 4, 6]) for _ in range(spatial)])


def geometry(rng, spatial):
    """A kernel size / stride / padding / dilation argument: int or tuple, sometimes wild."""
    if rng.random() < 0.5:
        return wild_int(rng)
    return tuple(wild_int(rng) for _ in range(rng.choice([spatial, spatial, 1, 3])))


# ------------------------------------------------------------------ targeted

def _conv(rng):
    spatial = rng.choice([1, 2])
    x = image(rng, spatial, channels=2)
    w = cajal.randn(rng.choice([1, 2]), 2 // rng.choice([1, 2]), *[rng.choice([1, 2, 3]) for _ in range(spatial)])
    conv = F.conv1d if spatial == 1 else F.conv2d
    kwargs = {k: geometry(rng, spatial) for k in rng.sample(["stride", "padding", "dilation"], rng.randint(1, 3))}
    if rng.random() < 0.2:
        kwargs["groups"] = wild_int(rng)
    if rng.random() < 0.1:
        kwargs["padding"] = rng.choice(["same", "valid", "full"])
    return conv, (x, w), kwargs


def _conv_transpose(rng):
    x = image(rng, 2, channels=2)
    w = cajal.randn(2, rng.choice([1, 2]), rng.choice([1, 2, 3]), rng.choice([1, 2, 3]))
    keys = ["stride", "padding", "output_padding", "dilation", "groups"]
    kwargs = {k: (wild_int(rng) if k == "groups" else geometry(rng, 2)) for k in rng.sample(keys, rng.randint(1, 3))}
    return F.conv_transpose2d, (x, w), kwargs


def _pool(rng):
    spatial = rng.choice([1, 2])
    function = rng.choice([F.max_pool1d, F.avg_pool1d] if spatial == 1 else [F.max_pool2d, F.avg_pool2d])
    x = image(rng, spatial)
    kwargs = {k: geometry(rng, spatial) for k in rng.sample(["stride", "padding"], rng.randint(0, 2))}
    if function in (F.max_pool1d, F.max_pool2d) and rng.random() < 0.5:
        kwargs["dilation"] = geometry(rng, spatial)
    if rng.random() < 0.3:
        kwargs["ceil_mode"] = True
    if function is F.avg_pool2d and rng.random() < 0.3:
        kwargs["divisor_override"] = wild_int(rng)
    return function, (x, geometry(rng, spatial)), kwargs


def _adaptive(rng):
    function, spatial = rng.choice([(F.adaptive_avg_pool1d, 1), (F.adaptive_avg_pool2d, 2), (F.adaptive_max_pool2d, 2)])
    return function, (image(rng, spatial), geometry(rng, spatial)), {}


def _interpolate(rng):
    spatial = rng.choice([1, 2])
    mode = rng.choice(["nearest", "linear" if spatial == 1 else "bilinear"])
    kwargs = {"mode": mode}
    if rng.random() < 0.5:
        kwargs["size"] = geometry(rng, spatial)
    else:
        kwargs["scale_factor"] = wild_float(rng) if rng.random() < 0.7 else tuple(wild_float(rng) for _ in range(spatial))
    if mode != "nearest" and rng.random() < 0.5:
        kwargs["align_corners"] = True
    return F.interpolate, (image(rng, spatial),), kwargs


def _pad(rng):
    return F.pad, (tensor(rng, small_shape(rng, rng.randint(1, 4))), tuple(int_list(rng, rng.choice([2, 4, 6])))), \
        {"value": wild_float(rng)}


def _pixel_shuffle(rng):
    return F.pixel_shuffle, (cajal.randn(1, rng.choice([1, 4, 8, 9]), 2, 2), wild_int(rng)), {}


def _diagonals(rng):
    x = tensor(rng, small_shape(rng, rng.choice([1, 2, 3])))
    name = rng.choice(["diag", "diagonal", "tril", "triu"])
    return getattr(cajal.Tensor, name), (x, wild_int(rng)), {}


def _one_hot(rng):
    classes = cajal.tensor([rng.choice([0, 1, 2, 2**31, 2**40, 2**62, 2**63 - 1, -1]) for _ in range(rng.randint(0, 3))],
                           dtype=cajal.int64)
    return F.one_hot, (classes,), ({"num_classes": wild_int(rng)} if rng.random() < 0.6 else {})


def _shape_ops(rng):
    x = tensor(rng, small_shape(rng, rng.randint(1, 3)))
    name, args = rng.choice([
        ("repeat", int_list(rng, rng.randint(x.dim(), x.dim() + 2))),
        ("tile", int_list(rng, rng.randint(1, 3))),
        ("expand", int_list(rng, rng.randint(x.dim(), x.dim() + 2))),
        ("narrow", [rng.choice([0, -1, wild_int(rng)]), wild_int(rng), wild_int(rng)]),
        ("topk", [wild_int(rng)]),
        ("roll", [wild_int(rng), rng.choice([0, -1])]),
        ("unflatten", [0, tuple(int_list(rng, 2))]),
        ("split", [wild_int(rng)]),
        ("split", [int_list(rng, 3)]),
        ("chunk", [wild_int(rng)]),
        ("view", int_list(rng, 2)),
        ("reshape", int_list(rng, 3)),
        ("new_zeros", int_list(rng, 2)),
        ("new_full", [tuple(int_list(rng, 1)), wild_float(rng)]),
        ("select", [0, wild_int(rng)]),
        ("unsqueeze", [wild_int(rng)]),
        ("transpose", [wild_int(rng), wild_int(rng)]),
        ("flatten", [wild_int(rng), wild_int(rng)]),
        ("sum", [wild_int(rng)]),
        ("cumsum", [wild_int(rng)]),
        ("softmax", [wild_int(rng)]),
        ("movedim", [wild_int(rng), wild_int(rng)]),
    ])
    return getattr(cajal.Tensor, name), (x, *args), {}


def _indexing(rng):
    x = tensor(rng, small_shape(rng, rng.randint(1, 3)))
    wild = cajal.tensor([wild_int(rng) for _ in range(rng.randint(1, 3))], dtype=cajal.int64) \
        if rng.random() < 0.9 else cajal.tensor([2**63 - 1, -(2**63)])
    name, args = rng.choice([
        ("index_select", [0, wild]),
        ("gather", [0, wild.reshape([-1] + [1] * (x.dim() - 1)) if x.dim() else wild]),
        ("scatter", [0, wild.reshape([-1] + [1] * (x.dim() - 1)) if x.dim() else wild, wild_float(rng)]),
        ("index_add", [0, wild, cajal.ones(wild.numel(), *x.shape[1:], dtype=x.dtype)]),
        ("__getitem__", [wild]),
        ("__getitem__", [(slice(wild_int(rng), wild_int(rng), rng.choice([1, 2, wild_int(rng)])),)]),
        ("__getitem__", [wild_int(rng)]),
        ("__setitem__", [wild_int(rng), wild_float(rng)]),
        ("__setitem__", [wild, 1.0]),
        ("masked_fill", [cajal.tensor(True), wild_float(rng)]),
    ])
    return getattr(cajal.Tensor, name), (x, *args), {}


def _embedding(rng):
    rows = rng.choice([1, 3, 5])
    index = cajal.tensor([rng.choice([0, 1, rows, -1, 2**40, 2**63 - 1, -(2**63)]) for _ in range(rng.randint(0, 4))],
                         dtype=cajal.int64)
    kwargs = {"padding_idx": wild_int(rng)} if rng.random() < 0.3 else {}
    return F.embedding, (index, cajal.randn(rows, 2)), kwargs


def _random_ops(rng):
    return rng.choice([
        (cajal.randint, (wild_int(rng), wild_int(rng), tuple(int_list(rng, rng.randint(0, 2)))), {}),
        (cajal.randint, (wild_int(rng), (2,)), {}),
        (cajal.multinomial, (cajal.rand(rng.choice([1, 2]), 3), wild_int(rng)), {"replacement": rng.random() < 0.5}),
        (cajal.randperm, (wild_int(rng),), {}),
        (cajal.arange, (wild_float(rng), wild_float(rng), wild_float(rng)), {}),
        (cajal.arange, (wild_int(rng), wild_int(rng), wild_int(rng) or 1), {}),
        (cajal.linspace, (wild_float(rng), wild_float(rng), wild_int(rng)), {}),
        (cajal.eye, (wild_int(rng), wild_int(rng)), {}),
        (cajal.full, (tuple(int_list(rng, rng.randint(0, 2))), wild_float(rng)), {}),
        (cajal.full, ((2,), wild_int(rng)), {"dtype": cajal.int64}),
        (cajal.zeros, tuple(int_list(rng, rng.randint(1, 3))), {}),
        (cajal.empty, tuple(int_list(rng, rng.randint(1, 3))), {}),
        (cajal.ones, tuple(int_list(rng, rng.randint(1, 3))), {"dtype": rng.choice(DTYPES)}),
        (cajal.rand, tuple(int_list(rng, rng.randint(1, 3))), {}),
        (cajal.tensor, ([wild_int(rng), wild_int(rng)],), {}),
        (cajal.tensor, ([wild_float(rng)],), {"dtype": rng.choice(DTYPES)}),
        (cajal.manual_seed, (wild_int(rng),), {}),
    ])


def _reductions(rng):
    x = tensor(rng, small_shape(rng, rng.randint(0, 3)), dtype=rng.choice([cajal.float32, cajal.float64]))
    name, kwargs = rng.choice([
        ("var", {"correction": rng.choice([wild_int(rng), wild_float(rng)])}),
        ("std", {"correction": rng.choice([wild_int(rng), wild_float(rng)])}),
        ("var", {"dim": wild_int(rng), "unbiased": rng.random() < 0.5}),
        ("norm", {"p": wild_float(rng)}),
        ("norm", {"p": wild_float(rng), "dim": wild_int(rng)}),
        ("logsumexp", {"dim": wild_int(rng)}),
        ("prod", {"dim": wild_int(rng)}),
        ("amax", {"dim": tuple(int_list(rng, 2))}),
        ("max", {"dim": wild_int(rng)}),
        ("argmax", {"dim": wild_int(rng)}),
        ("sort", {"dim": wild_int(rng)}),
        ("clamp", {"min": wild_float(rng), "max": wild_float(rng)}),
        ("pow", {"exponent": rng.choice([wild_int(rng), wild_float(rng)])}),
    ])
    return getattr(cajal.Tensor, name), (x,), kwargs


def _integer_arithmetic(rng):
    extremes = [2**63 - 1, -(2**63), -1, 0, 1, 2, -2, 3]
    a = cajal.tensor([rng.choice(extremes) for _ in range(4)], dtype=cajal.int64)
    b = cajal.tensor([rng.choice(extremes) for _ in range(4)], dtype=cajal.int64) if rng.random() < 0.7 \
        else rng.choice(extremes + [2**64])
    function = rng.choice([cajal.floor_divide, cajal.remainder, cajal.fmod, cajal.pow, cajal.mul, cajal.add, cajal.sub,
                           cajal.div, lambda x, y: cajal.div(x, y, rounding_mode="floor"),
                           lambda x, y: cajal.div(x, y, rounding_mode="trunc"), lambda x, y: x // y, lambda x, y: x % y,
                           lambda x, y: x ** y])
    return function, (a, b), {}


def _float_arguments(rng):
    x = cajal.randn(2, 3)
    v = wild_float(rng)
    return rng.choice([
        (F.leaky_relu, (x, v), {}), (F.elu, (x, v), {}), (F.celu, (x, v), {}), (F.softplus, (x, v, wild_float(rng)), {}),
        (F.hardtanh, (x, v, wild_float(rng)), {}), (F.threshold, (x, v, wild_float(rng)), {}),
        (F.dropout, (x, v), {"training": True}), (F.dropout2d, (cajal.randn(1, 2, 3, 3), v), {"training": True}),
        (F.layer_norm, (x, (3,)), {"eps": v}), (F.batch_norm, (x, None, None), {"training": True, "eps": v, "momentum": v}),
        (F.cross_entropy, (x, cajal.tensor([0, 2])), {"label_smoothing": v}),
        (F.huber_loss, (x, x * 2), {"delta": v}), (F.smooth_l1_loss, (x, x * 2), {"beta": v}),
        (F.margin_ranking_loss, (x, x * 2, cajal.ones(2, 3)), {"margin": v}),
        (F.scaled_dot_product_attention, (cajal.randn(1, 2, 4), cajal.randn(1, 3, 4), cajal.randn(1, 3, 4)),
         {"dropout_p": v}),
        (F.scaled_dot_product_attention, (cajal.randn(1, 2, 4), cajal.randn(1, 3, 4), cajal.randn(1, 3, 4)),
         {"scale": v}),
        (F.gelu, (x,), {"approximate": rng.choice(["none", "tanh", "x"])}),
        (cajal.clamp, (x, v, wild_float(rng)), {}),
        (cajal.Tensor.uniform_, (cajal.zeros(3), v, wild_float(rng)), {}),
        (cajal.Tensor.normal_, (cajal.zeros(3), v, wild_float(rng)), {}),
        (cajal.Tensor.fill_, (cajal.zeros(3, dtype=rng.choice(DTYPES)), v), {}),
        (cajal.isclose, (x, x), {"rtol": v, "atol": wild_float(rng)}),
    ])


def _grids(rng):
    theta = cajal.randn(1, 2, 3)
    if rng.random() < 0.3:
        theta = theta.masked_fill(cajal.rand(1, 2, 3) < 0.5, wild_float(rng))
    if rng.random() < 0.5:
        return F.affine_grid, (theta, [1, 1] + int_list(rng, 2)), {"align_corners": rng.random() < 0.5}
    grid = cajal.rand(1, 2, 2, 2) * 2 - 1
    if rng.random() < 0.7:
        grid = grid.masked_fill(cajal.rand(1, 2, 2, 2) < 0.5, wild_float(rng))
    kwargs = {"mode": rng.choice(["bilinear", "nearest"]), "padding_mode": rng.choice(["zeros", "border", "reflection"]),
              "align_corners": rng.random() < 0.5}
    return F.grid_sample, (cajal.randn(1, 1, 3, 3), grid), kwargs


def _sequences(rng):
    from cajal.nn.utils import rnn
    padded = cajal.randn(3, 2, 2)
    lengths = [wild_int(rng) for _ in range(2)] if rng.random() < 0.7 else cajal.tensor([wild_int(rng) % 2**62, 1])
    choice = rng.random()
    if choice < 0.5:
        return rnn.pack_padded_sequence, (padded, lengths), {"enforce_sorted": rng.random() < 0.5}
    packed = rnn.pack_padded_sequence(padded, [3, 2])
    return rnn.pad_packed_sequence, (packed,), {"total_length": wild_int(rng), "padding_value": wild_float(rng)}


def _constructors(rng):
    n = lambda: wild_int(rng)  # noqa: E731
    return rng.choice([
        (nn.Linear, (n(), n()), {}), (nn.Bilinear, (n(), n(), n()), {}), (nn.Embedding, (n(), n()), {}),
        (nn.Embedding, (rng.choice([1, 3]), 2), {"padding_idx": n()}),
        (nn.Conv1d, (n(), n(), n()), {"stride": n(), "padding": n()}),
        (nn.Conv2d, (n(), n(), geometry(rng, 2)), {"groups": n(), "dilation": geometry(rng, 2)}),
        (nn.ConvTranspose2d, (n(), n(), n()), {"output_padding": n()}),
        (nn.LSTM, (n(), n()), {"num_layers": n()}), (nn.GRU, (n(), n()), {"bidirectional": True}),
        (nn.RNN, (n(), n()), {"num_layers": n()}), (nn.LSTMCell, (n(), n()), {}),
        (nn.MultiheadAttention, (n(), n()), {"kdim": n(), "vdim": n()}),
        (nn.TransformerEncoderLayer, (n(), n()), {"dim_feedforward": n()}),
        (nn.BatchNorm1d, (n(),), {"momentum": wild_float(rng), "eps": wild_float(rng)}), (nn.GroupNorm, (n(), n()), {}),
        (nn.LayerNorm, (tuple(int_list(rng, 2)),), {}), (nn.PReLU, (n(),), {}), (nn.PixelShuffle, (n(),), {}),
        (nn.Upsample, (), {"scale_factor": wild_float(rng)}), (nn.Upsample, (), {"size": n()}),
        (nn.MaxPool2d, (geometry(rng, 2),), {"dilation": geometry(rng, 2)}), (nn.AdaptiveAvgPool2d, (geometry(rng, 2),), {}),
        (nn.ZeroPad2d, (geometry(rng, 2),), {}), (nn.Flatten, (n(), n()), {}), (nn.Unflatten, (n(), tuple(int_list(rng, 2))), {}),
        (nn.Dropout, (wild_float(rng),), {}), (nn.Softmax, (n(),), {}),
    ])


def _threads_and_memory(rng):
    def set_threads(n):
        try:
            cajal.set_num_threads(n)
        finally:
            cajal.set_num_threads(1)
    return rng.choice([
        (set_threads, (wild_int(rng),), {}),
        (lambda n: cajal.zeros(1).expand(n, n).contiguous(), (wild_int(rng),), {}),
        (lambda n: cajal.ones(n, 1) @ cajal.ones(1, n), (wild_int(rng),), {}),
        (lambda n: cajal.ones(n, 2).sum(), (wild_int(rng),), {}),
    ])


CORRUPT_DIR = tempfile.mkdtemp(prefix="cajal-wild-")


def _corrupt_file(rng):
    """A safetensors file with a damaged header or body: loading must fail cleanly."""
    path = os.path.join(CORRUPT_DIR, "t.safetensors")
    cajal.save({"w": cajal.randn(3, 2), "b": cajal.arange(4)}, path)
    data = bytearray(open(path, "rb").read())
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        if kind < 0.4 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind < 0.6:
            data = data[: rng.randrange(len(data) + 1)]
        elif kind < 0.8:
            data[:8] = rng.choice([2**63 - 1, 2**40, 0, 7, len(data)]).to_bytes(8, "little")
        else:
            text = data.decode("latin-1").replace("[3,2]", rng.choice(["[-1,2]", "[2305843009213693952,8]", "[3,2,1]"]))
            data = bytearray(text.encode("latin-1"))
    with open(path, "wb") as f:
        f.write(data)
    return cajal.load, (path,), {}


TARGETED = [_conv, _conv, _conv_transpose, _pool, _pool, _adaptive, _interpolate, _interpolate, _pad, _pixel_shuffle,
            _diagonals, _one_hot, _shape_ops, _shape_ops, _indexing, _indexing, _embedding, _random_ops, _reductions,
            _integer_arithmetic, _float_arguments, _grids, _sequences, _constructors, _constructors,
            _threads_and_memory, _corrupt_file]


# --------------------------------------------------------------------- sweep

# Not called by the sweep: they write files, change process-wide settings the
# following calls depend on, or are helpers re-exported by modules.
SKIP = {"save", "load", "set_num_threads", "set_default_dtype", "set_printoptions", "byref", "c_void_p", "check",
        "int64_array", "as_tensor_operand", "lib", "from_numpy", "numpy", "set_grad_enabled", "use_deterministic_algorithms"}

INT_NAMES = ("size", "dim", "k", "n", "m", "groups", "num", "length", "stride", "padding", "dilation", "kernel", "chunks",
             "diagonal", "offset", "steps", "start", "end", "shifts", "repeats", "sizes", "features", "channels",
             "heads", "layers", "embed", "hidden", "divisor", "upscale", "ignore", "index", "decimals", "high", "low")
FLOAT_NAMES = ("p", "eps", "momentum", "alpha", "beta", "value", "scale", "margin", "slope", "threshold", "min", "max",
               "lr", "delta", "rtol", "atol", "correction", "smoothing", "exponent", "std", "mean", "fill", "norm")
TENSOR_NAMES = ("input", "x", "other", "weight", "bias", "target", "tensor", "mask", "self", "query", "key", "src",
                "source", "grid", "theta", "condition", "values", "a", "b", "A", "B", "var", "anchor", "positive",
                "negative", "input1", "input2", "tensors", "operands", "running")


def _public(module):
    for name in sorted(dir(module)):
        value = getattr(module, name, None)
        if name.startswith("_") or name in SKIP or inspect.ismodule(value) or not callable(value):
            continue
        yield name, value


def _targets():
    functions = [(f"cajal.{n}", f) for n, f in _public(cajal) if not inspect.isclass(f)]
    functions += [(f"F.{n}", f) for n, f in _public(F)]
    functions += [(f"linalg.{n}", f) for n, f in _public(cajal.linalg)]
    functions += [(f"Tensor.{n}", f) for n, f in _public(cajal.Tensor)]
    from cajal.nn import utils
    functions += [(f"nn.utils.{n}", f) for n, f in _public(utils)]
    functions += [(f"nn.utils.rnn.{n}", f) for n, f in _public(utils.rnn) if not inspect.isclass(f)]
    modules = [(f"nn.{n}", c) for n, c in _public(nn) if inspect.isclass(c) and issubclass(c, nn.Module)
               and c not in (nn.Module, nn.Sequential, nn.ModuleList, nn.ModuleDict)]
    optimizers = [(f"optim.{n}", c) for n, c in _public(cajal.optim) if inspect.isclass(c) and n != "Optimizer"]
    return functions, modules, optimizers


FUNCTIONS, MODULES, OPTIMIZERS = _targets()


def value_for(rng, name):
    """An argument value for a parameter called `name`."""
    lowered = name.lower()
    r = rng.random()
    if r < 0.08:
        return rng.choice([None, True, False, "mean", (), [], wild_int(rng), wild_float(rng)])
    if lowered in ("dtype",):
        return rng.choice(DTYPES)
    if lowered in ("mode", "reduction", "padding_mode", "nonlinearity", "activation", "approximate", "equation",
                   "rounding_mode", "reduce", "ord"):
        return rng.choice(STRINGS)
    if any(lowered.startswith(t) or lowered == t for t in TENSOR_NAMES):
        return tensor(rng)
    if any(t in lowered for t in INT_NAMES):
        return wild_int(rng) if rng.random() < 0.7 else tuple(int_list(rng, rng.randint(1, 3)))
    if any(lowered == t or lowered.endswith("_" + t) or lowered.startswith(t + "_") for t in FLOAT_NAMES):
        return wild_float(rng)
    return rng.choice([tensor(rng), wild_int(rng), wild_float(rng), True, None, tuple(int_list(rng, 2))])


def arguments(rng, function, skip_first=False):
    """Positional and keyword arguments for `function` from its signature."""
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    if skip_first and parameters:
        parameters = parameters[1:]
    args, kwargs = [], {}
    for p in parameters:
        if p.kind is p.VAR_POSITIONAL:
            args += [value_for(rng, p.name) for _ in range(rng.randint(0, 3))]
        elif p.kind is p.VAR_KEYWORD:
            continue
        elif p.default is p.empty or rng.random() < 0.35:
            if p.kind is p.KEYWORD_ONLY or (p.default is not p.empty and rng.random() < 0.5):
                kwargs[p.name] = value_for(rng, p.name)
            elif not kwargs:
                args.append(value_for(rng, p.name))
            else:
                kwargs[p.name] = value_for(rng, p.name)
    if not parameters:
        args = [value_for(rng, "x") for _ in range(rng.randint(0, 3))]
    return args, kwargs


def _sweep(rng):
    r = rng.random()
    if r < 0.7:
        name, function = rng.choice(FUNCTIONS)
        if name.startswith("Tensor."):
            args, kwargs = arguments(rng, function, skip_first=True)
            return function, (tensor(rng), *args), kwargs
        args, kwargs = arguments(rng, function)
        return function, tuple(args), kwargs
    if r < 0.93:
        _, cls = rng.choice(MODULES)
        args, kwargs = arguments(rng, cls.__init__, skip_first=True)

        def build_and_run(*a, **k):
            module = cls(*a, **k)
            inputs = [tensor(rng) for _ in range(rng.randint(1, 3))]
            return module(*inputs)
        return build_and_run, tuple(args), kwargs
    _, cls = rng.choice(OPTIMIZERS)
    args, kwargs = arguments(rng, cls.__init__, skip_first=True)

    def optimize(*a, **k):
        w = cajal.randn(3, requires_grad=True)
        optimizer = cls([w], *a[1:], **k)
        (w * w).sum().backward()
        optimizer.step()
        return w
    return optimize, tuple(args), kwargs


# ---------------------------------------------------------------------- draw

def draw(seed, index):
    """The call number `index` of the stream `seed`: (function, args, kwargs)."""
    rng = random.Random(seed * 1_000_003 + index)
    cajal.manual_seed(index)
    maker = rng.choice(TARGETED) if rng.random() < 0.55 else _sweep
    return maker(rng)


def describe(function, args, kwargs):
    name = getattr(function, "__qualname__", None) or repr(function)
    module = getattr(function, "__module__", "") or ""
    shown = [_short(a) for a in args] + [f"{k}={_short(v)}" for k, v in kwargs.items()]
    return f"{module}.{name}({', '.join(shown)})"


def _short(value):
    if isinstance(value, cajal.Tensor):
        try:
            if value.numel() <= 8:
                return f"tensor({value.tolist()}, dtype={value.dtype})"
        except Exception:  # noqa: BLE001 (describing must not fail)
            pass
        return f"<tensor {tuple(value.shape)} {value.dtype}>"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_short(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"
    return repr(value)


def run(seed, index):
    """Draws and runs one call; returns the exception class name, or None when it returned."""
    try:
        function, args, kwargs = draw(seed, index)
        function(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 (any clean raise is a pass)
        return type(error).__name__
    return None


def main():
    parser = argparse.ArgumentParser(description="Replay one wild call (or a range) and print what it did.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--index", type=int, default=0)
    parser.add_argument("--count", type=int, default=1)
    options = parser.parse_args()
    for index in range(options.index, options.index + options.count):
        function, args, kwargs = draw(options.seed, index)
        print(f"call {index}: {describe(function, args, kwargs)}", flush=True)
        try:
            result = function(*args, **kwargs)
            print(f"  returned {_short(result) if not callable(result) else type(result).__name__}")
        except Exception as error:  # noqa: BLE001
            print(f"  raised {type(error).__name__}: {str(error)[:300]}")


if __name__ == "__main__":
    main()
