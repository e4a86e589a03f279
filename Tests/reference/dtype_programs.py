"""torch's storage dtypes (int32, int16, int8, uint8, float16, bfloat16),
written once against a `torch` module: generate.py runs these programs with
real PyTorch (fixtures/python/dtype_programs.json) and
Tests/python/test_dtype_programs.py runs the same text with cajal. Results
are compared by dtype and value: exactly for integers and the half types
(one rounding per op, as torch's CPU kernels do), closely for float32.
Each program takes (torch, inputs) with float64 inputs.
"""

STORAGE = ("int32", "int16", "int8", "uint8", "float16", "bfloat16")


def _typed(torch, name):
    return getattr(torch, name)


def conversions(torch, x):
    """Casts between every pair, including values a narrower type wraps or overflows."""
    wide = x * 400 - 200  # spans int8's and uint8's ranges
    special = torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, 300.7, -300.7, 65519.0, 65520.0, 70000.0, 1e-8, -1e-8,
                            1.0009765625, 1.00048828125, 3.0078125, 257.5], dtype=torch.float64)
    out = {}
    for name in STORAGE:
        t = _typed(torch, name)
        out[f"wide_to_{name}"] = wide.to(t)
        out[f"special_to_{name}"] = special.to(t)
        out[f"{name}_to_float32"] = wide.to(t).to(torch.float32)
        out[f"{name}_to_int64"] = wide.to(t).to(torch.int64)
        out[f"{name}_to_bool"] = (wide.to(t) * 0 + x.gt(0.5).to(t)).to(torch.bool)
        out[f"float32_to_{name}"] = wide.float().to(t)
        for other in STORAGE:
            if other != name:
                out[f"{name}_to_{other}"] = wide.to(t).to(_typed(torch, other))
    out["int64_to_int16_wrap"] = torch.tensor([40000, -40000, 2 ** 40 + 7, -1], dtype=torch.int64).to(torch.int16)
    out["methods"] = torch.stack([wide.int().double(), wide.short().double(), wide.char().double(),
                                  wide.byte().double(), wide.half().double(), wide.bfloat16().double()])
    out["tensor_int8"] = torch.tensor([-128, 0, 127], dtype=torch.int8)
    out["tensor_uint8_negative"] = torch.tensor([-1, -255, 255], dtype=torch.uint8)
    out["tensor_half"] = torch.tensor([0.1, 1 / 3, 65504.0, 1e-7], dtype=torch.half)
    out["tensor_bfloat16"] = torch.tensor([0.1, 1 / 3, 3e38, 1e-40], dtype=torch.bfloat16)
    return out


def promotion(torch, x):
    """Result dtypes of mixed operands: tensors, 0-dim tensors and Python numbers."""
    names = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64")
    tensors = {n: (x[:3] * 4).to(getattr(torch, n)) for n in names}
    out = {}
    for a in names:
        for b in names:
            if a < b:
                out[f"promote_{a}_{b}"] = torch.zeros(1, dtype=torch.promote_types(getattr(torch, a), getattr(torch, b)))
                out[f"add_{a}_{b}"] = tensors[a] + tensors[b]
        if a != "bool":
            out[f"{a}_plus_int"] = tensors[a] + 3
            out[f"{a}_plus_float"] = tensors[a] + 1.5
            out[f"{a}_times_0dim_float64"] = tensors[a] * torch.tensor(2.5, dtype=torch.float64)
            out[f"{a}_times_0dim_int64"] = tensors[a] * torch.tensor(3)
            out[f"{a}_div_int"] = tensors[a] / 3
    return out


def integer_arithmetic(torch, x, y):
    out = {}
    for name in ("int32", "int16", "int8", "uint8"):
        t = _typed(torch, name)
        a = (x * 200 - (0 if name == "uint8" else 100)).to(t)
        b = (y * 9 + 1).to(t)
        out[f"{name}_add"] = a + b
        out[f"{name}_add_wraps"] = a + a + a
        out[f"{name}_sub"] = a - b * 20
        out[f"{name}_mul"] = a * b
        out[f"{name}_floor_divide"] = torch.floor_divide(a, b)
        out[f"{name}_remainder"] = torch.remainder(a, b)
        out[f"{name}_div"] = a / b
        out[f"{name}_div_floor"] = torch.div(a, b, rounding_mode="floor")
        out[f"{name}_pow"] = b ** 2
        out[f"{name}_neg"] = -a
        out[f"{name}_abs"] = a.abs()
        out[f"{name}_eq"] = a == b
        out[f"{name}_lt"] = a < b
        out[f"{name}_sum"] = a.sum()
        out[f"{name}_sum_dim"] = a.sum(1)
        out[f"{name}_prod"] = b.prod(1)
        out[f"{name}_cumsum"] = a.cumsum(1)
        out[f"{name}_max"] = a.max()
        out[f"{name}_min_dim"] = torch.stack(list(a.min(1))).to(torch.int64)
        out[f"{name}_argmax"] = a.argmax(1)
        out[f"{name}_sort"] = a.sort(1).values
        out[f"{name}_clamp"] = a.clamp(-5, 50)
        out[f"{name}_where"] = torch.where(a > 10, a, b)
        out[f"{name}_matmul"] = a[:3, :4] @ b[:4, :2]
        out[f"{name}_float"] = a.float() * 0.5
        out[f"{name}_sqrt"] = b.sqrt()
        out[f"{name}_bincount"] = b.reshape(-1).bincount()
        out[f"{name}_unique"] = torch.unique(b)
    return out


def half_arithmetic(torch, x, y):
    """Elementwise math, reductions and products, rounded as torch rounds them."""
    out = {}
    for name in ("float16", "bfloat16"):
        t = _typed(torch, name)
        a, b = (x * 4 - 2).to(t), (y * 3 + 0.5).to(t)
        out[f"{name}_add"] = a + b
        out[f"{name}_sub"] = a - b
        out[f"{name}_mul"] = a * b
        out[f"{name}_div"] = a / b
        out[f"{name}_add_alpha"] = torch.add(a, b, alpha=0.3)
        out[f"{name}_exp"] = a.exp()
        out[f"{name}_log"] = b.log()
        out[f"{name}_sqrt"] = b.sqrt()
        out[f"{name}_sigmoid"] = a.sigmoid()
        out[f"{name}_tanh"] = a.tanh()
        out[f"{name}_relu"] = a.relu()
        out[f"{name}_pow"] = b ** 1.5
        out[f"{name}_scalar"] = a * 0.1 + 1
        out[f"{name}_sum"] = a.sum()
        out[f"{name}_sum_dim"] = a.sum(0)
        out[f"{name}_mean"] = a.mean(1)
        out[f"{name}_max"] = a.max(1).values
        out[f"{name}_cumsum"] = a.cumsum(1)
        out[f"{name}_softmax"] = torch.softmax(a, 1)
        out[f"{name}_log_softmax"] = torch.log_softmax(a, 1)
        out[f"{name}_matmul"] = a @ b.t()
        out[f"{name}_clamp"] = a.clamp(-1, 1)
        out[f"{name}_round"] = (a * 10).round()
        out[f"{name}_isfinite"] = (a * 3e4).isfinite() if name == "float16" else (a * 1e38).isfinite()
        out[f"{name}_linear"] = torch.nn.functional.linear(a, b[:3], b[0, :3].reshape(3)[:3] if False else None)
        out[f"{name}_mse"] = torch.nn.functional.mse_loss(a, b)
    return out


def half_autograd(torch, x, y):
    """Gradients in the half types come back in them."""
    out = {}
    for name in ("float16", "bfloat16"):
        t = _typed(torch, name)
        a = (x * 2 - 1).to(t).requires_grad_(True)
        w = (y[:, :3] - 0.5).to(t).requires_grad_(True)
        loss = ((a @ w).tanh() ** 2).sum() + a.exp().mean()
        ga, gw = torch.autograd.grad(loss, (a, w))
        out[f"{name}_loss"] = loss.detach()
        out[f"{name}_grad_a"] = ga
        out[f"{name}_grad_w"] = gw
        m = (x * 2 - 1).requires_grad_(True)
        mixed = (m.to(t) * 3).sum()
        out[f"{name}_through_cast"] = torch.autograd.grad(mixed, m)[0]
    return out


def storage_indexing(torch, x):
    """Data movement keeps the type: an 8-bit image batch is indexed as itself."""
    out = {}
    images = (x * 255).to(torch.uint8).reshape(2, 3, 4, 5)
    idx32 = torch.tensor([1, 0, 1], dtype=torch.int32)
    out["select_rows"] = images[torch.tensor([1, 0])]
    out["int32_index"] = images[idx32]
    out["index_select_int32"] = images.index_select(2, idx32)
    out["mask"] = images[images > 128]
    out["uint8_mask_index"] = images[0, 0][(images[0, 0] > 100).to(torch.uint8)] if False else images[0, 0][images[0, 0] > 100]
    out["gather"] = images.reshape(6, 20).gather(1, torch.tensor([[0, 19], [3, 3], [1, 2], [0, 0], [5, 6], [7, 8]]))
    out["permute"] = images.permute(0, 2, 3, 1).contiguous()
    out["flip"] = images.flip(3)
    out["cat"] = torch.cat([images[0], images[1]], 0)
    out["stack"] = torch.stack([images[0, 0], images[1, 1]])
    out["nonzero"] = (images[0, 0].to(torch.int8) - 100).nonzero()
    out["scale_to_float"] = images.float() / 255
    put = images.clone()
    put[0, 0, 0] = 7
    put[put > 200] = 0
    out["setitem"] = put
    filled = images.to(torch.int16).masked_fill(images > 50, -3)
    out["masked_fill"] = filled
    out["half_index"] = (x * 4).half().reshape(6, 20)[torch.tensor([5, 0, 2])]
    out["bfloat16_transpose"] = (x * 4).bfloat16().reshape(6, 20).t().contiguous()
    out["repeat"] = images[0, 0, :2].repeat(2, 3)
    return out


def creation(torch):
    out = {}
    for name in STORAGE:
        t = _typed(torch, name)
        out[f"zeros_{name}"] = torch.zeros(2, 3, dtype=t)
        out[f"ones_{name}"] = torch.ones(3, dtype=t)
        out[f"arange_{name}"] = torch.arange(0, 12, 3, dtype=t)
        out[f"full_{name}"] = torch.full((2,), 7, dtype=t)
        out[f"eye_{name}"] = torch.eye(3, dtype=t)
    out["linspace_half"] = torch.linspace(0, 1, 7, dtype=torch.float16)
    out["linspace_bfloat16"] = torch.linspace(-2, 3, 9, dtype=torch.bfloat16)
    out["legacy_long"] = torch.LongTensor([1, 2, 3])
    out["legacy_int"] = torch.IntTensor([[1, 2], [3, 4]])
    out["legacy_byte"] = torch.ByteTensor([0, 255])
    out["legacy_half"] = torch.HalfTensor([0.1, 0.2])
    out["legacy_float_shape"] = torch.FloatTensor(2, 3).zero_()
    out["legacy_bool"] = torch.BoolTensor([True, False])
    out["legacy_double"] = torch.DoubleTensor([0.1])
    out["type_conversion"] = torch.ones(2).type(torch.IntTensor)
    out["type_string_conversion"] = torch.ones(2).type("torch.ByteTensor")
    return out


# name: (program, [(shape, domain)]); add new programs last (one RNG draws the inputs in order).
PROGRAMS = {
    "conversions": (lambda torch, inputs: conversions(torch, *inputs), [((4, 6), "unit_interval")]),
    "promotion": (lambda torch, inputs: promotion(torch, *inputs), [((6,), "unit_interval")]),
    "integer_arithmetic": (lambda torch, inputs: integer_arithmetic(torch, *inputs), [((4, 5), "unit_interval"), ((4, 5), "unit_interval")]),
    "half_arithmetic": (lambda torch, inputs: half_arithmetic(torch, *inputs), [((3, 5), "unit_interval"), ((3, 5), "unit_interval")]),
    "half_autograd": (lambda torch, inputs: half_autograd(torch, *inputs), [((3, 4), "unit_interval"), ((4, 5), "unit_interval")]),
    "storage_indexing": (lambda torch, inputs: storage_indexing(torch, *inputs), [((120,), "unit_interval")]),
    "creation": (lambda torch, inputs: creation(torch), []),
}
