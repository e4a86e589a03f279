"""Writes the reference fixtures from real PyTorch.

    ../shared/tools/reference-venv.sh            # once: a venv with torch
    ~/.cache/cajal-reference/bin/python Tests/reference/generate.py

Each case names an op, its inputs (a base tensor, optionally seen through a
view such as a transpose or an expand, so that non-contiguous inputs are
covered), attributes, the outputs, and the gradients of the base inputs for
the loss sum_k sum(outputs[k] * grad_weights[k]) with fixed random weights.
The Swift tests and pytest read the same files (Tests/reference/fixtures/*.json).
"""

import base64
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional  # noqa: F401 - the op table reaches it as torch.nn.functional

import autograd_programs
import random_programs
import surface_programs
import dtype_programs
from autograd_programs import DOMAINS
from optable import apply_view, make_ops
from training import training_fixtures

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures")
DTYPES = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64, "bool": torch.bool,
          "int32": torch.int32, "int16": torch.int16, "int8": torch.int8, "uint8": torch.uint8,
          "float16": torch.float16, "bfloat16": torch.bfloat16}
rng = np.random.default_rng(20261121)


# ----------------------------------------------------------------- encoding

def encode_value(v):
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v


NUMPY = {"float32": "<f4", "float64": "<f8", "int64": "<i8", "bool": "|b1", "int32": "<i4", "int16": "<i2", "int8": "|i1",
         "uint8": "|u1", "float16": "<f2", "bfloat16": "<f4"}  # numpy has no bfloat16: its values go as float32


def encode(t, strides=False):
    """Small tensors as a JSON list; larger ones as base64 of their little-endian bytes.
    With `strides`, also the memory layout torch chose (for op outputs)."""
    t = t.detach()
    if t._is_zerotensor():  # torch's lazy zeros (sgn's gradient): materialized
        t = torch.zeros(t.shape, dtype=t.dtype)
    name = str(t.dtype).replace("torch.", "")
    if t.numel() > 64:
        raw = (t.float() if name == "bfloat16" else t).contiguous().numpy().astype(NUMPY[name]).tobytes()
        spec = {"dtype": name, "shape": list(t.shape), "b64": base64.b64encode(raw).decode()}
    else:
        flat = t.reshape(-1).tolist()
        spec = {"dtype": name, "shape": list(t.shape), "data": [encode_value(v) for v in flat]}
    if strides:
        spec["strides"] = list(t.stride())
    return spec


def decode(spec):
    if "b64" in spec:
        array = np.frombuffer(base64.b64decode(spec["b64"]), dtype=NUMPY[spec["dtype"]]).reshape(spec["shape"])
        return torch.from_numpy(array.copy())
    data = [float(v) if isinstance(v, str) else v for v in spec["data"]]
    return torch.tensor(data, dtype=DTYPES[spec["dtype"]]).reshape(spec["shape"])


# ----------------------------------------------------------------- inputs

def values(shape, dtype="float32", low=-2.0, high=2.0, positive=False):
    """Random values that are exact in float32, for a tensor of `shape`."""
    n = int(np.prod(shape)) if shape else 1
    if dtype in ("float32", "float64"):
        x = rng.uniform(low, high, size=n)
        if positive:
            x = np.abs(x) + 0.25
        x = x.astype(np.float32).astype(np.float64) if dtype == "float32" else x
        data = x.tolist()
    elif dtype == "int64":
        data = rng.integers(-5, 6, size=n).tolist()
    else:
        data = (rng.uniform(size=n) > 0.5).tolist()
    return {"dtype": dtype, "shape": list(shape), "data": data}


def given(data, dtype="float32", shape=None):
    flat = np.array(data, dtype=np.float64 if dtype.startswith("float") else None).reshape(-1).tolist()
    return {"dtype": dtype, "shape": list(shape if shape is not None else np.array(data).shape), "data": flat}


def inp(data, grad=None, view=None):
    """An input: base data, whether the base requires grad (default: floats do), and view steps."""
    data = encode(decode(data))
    if grad is None:
        grad = data["dtype"] in ("float32", "float64")
    return {"data": data, "requires_grad": grad, "view": view or []}


T01 = [{"kind": "transpose", "dim0": 0, "dim1": 1}]


def expand_to(shape):
    return [{"kind": "expand", "shape": list(shape)}]


OPS = make_ops(torch)


# ----------------------------------------------------------------- cases

def make_case(name, op, inputs=(), attrs=None, accumulated=0):
    """accumulated: how many terms the op sums per output element, at most (for the tolerance)."""
    attrs = attrs or {}
    if op == "random_sequence":
        outputs = OPS[op](attrs)
        return {"name": name, "op": op, "attrs": attrs, "inputs": [], "outputs": [encode(o) for o in outputs],
                "grad_weights": [None] * len(outputs), "grads": []}
    bases = []
    args = []
    for spec in inputs:
        base = decode(spec["data"])
        if spec["requires_grad"]:
            base.requires_grad_(True)
        bases.append(base)
        args.append(apply_view(base, spec["view"]))
    out = OPS[op](*args, attrs)
    outputs = list(out) if isinstance(out, (tuple, list)) else [out]
    weights = []
    loss = None
    for o in outputs:
        if o.requires_grad and o.dtype.is_floating_point:
            w = decode(values(list(o.shape), str(o.dtype).replace("torch.", ""), -1.0, 1.0))
            term = (o * w).sum()
            loss = term if loss is None else loss + term
            weights.append(encode(w))
        else:
            weights.append(None)
    if loss is not None:
        loss.backward()
    # torch leaves .grad as None where no gradient arrived (e.g. through a comparison).
    grads = [encode(b.grad) if b.grad is not None else None for b in bases]
    case = {"name": name, "op": op, "attrs": attrs, "inputs": inputs, "outputs": [encode(o, strides=True) for o in outputs],
            "grad_weights": weights, "grads": grads}
    if accumulated > 16:
        # float32 sums of many terms differ from torch's by rounding that grows
        # like sqrt(terms); the default atol is for single roundings.
        case["atol"] = 1e-6 * math.sqrt(accumulated)
    return case


def arithmetic_cases():
    cases = []
    layouts = [
        ("same_shape", lambda: [inp(values([2, 3])), inp(values([2, 3]))]),
        ("broadcast_row", lambda: [inp(values([2, 3])), inp(values([3]))]),
        ("broadcast_column", lambda: [inp(values([2, 3])), inp(values([2, 1]))]),
        ("broadcast_both", lambda: [inp(values([2, 1, 4])), inp(values([3, 1]))]),
        ("zero_dim", lambda: [inp(values([])), inp(values([2, 3]))]),
        ("transposed", lambda: [inp(values([3, 2]), view=T01), inp(values([2, 3]))]),
        ("expanded", lambda: [inp(values([1, 3]), view=expand_to([2, 3])), inp(values([2, 3]))]),
        ("size_one_dims", lambda: [inp(values([1, 1])), inp(values([1]))]),
        ("empty", lambda: [inp(values([0, 3])), inp(values([3]))]),
        ("large_transposed", lambda: [inp(values([64, 33]), view=T01), inp(values([33, 1]))]),
    ]
    for op in ("add", "sub", "mul", "div"):
        for label, make in layouts:
            args = make()
            if op == "div":
                args[1]["data"] = values(args[1]["data"]["shape"], positive=True)
            cases.append(make_case(f"{op}/{label}", op, args))
    # Type promotion: the result dtype and the gradient dtypes follow torch.
    cases += [
        make_case("add/float32_float64", "add", [inp(values([2, 3])), inp(values([2, 3], "float64"))]),
        make_case("mul/int64_float32", "mul", [inp(values([2, 3], "int64")), inp(values([3]))]),
        make_case("add/bool_int64", "add", [inp(values([4], "bool")), inp(values([4], "int64"))]),
        make_case("add/bool_bool", "add", [inp(values([4], "bool")), inp(values([4], "bool"))]),
        make_case("mul/bool_bool", "mul", [inp(values([4], "bool")), inp(values([4], "bool"))]),
        make_case("div/int64_int64", "div", [inp(values([5], "int64")), inp(given([1, 2, 3, -4, 5], "int64"))]),
        make_case("add/float32_zero_dim_float64", "add", [inp(values([3])), inp(values([], "float64"))]),
        make_case("add/int64_zero_dim_float64", "add", [inp(values([3], "int64")), inp(values([], "float64"))]),
        make_case("sub/int64_int64", "sub", [inp(values([2, 2], "int64")), inp(values([2], "int64"))]),
        make_case("add/float64_float64", "add", [inp(values([2, 3], "float64")), inp(values([3], "float64"))]),
    ]
    # Python numbers are wrapped scalars: they never widen a tensor's float type.
    for op in ("add", "sub", "mul", "div"):
        cases.append(make_case(f"{op}_scalar/float_right", f"{op}_scalar", [inp(values([2, 3]))],
                               {"scalar": 2.5, "scalar_type": "float"}))
        cases.append(make_case(f"{op}_scalar/float_left", f"{op}_scalar", [inp(values([2, 3], positive=True))],
                               {"scalar": 1.5, "scalar_type": "float", "reverse": True}))
        cases.append(make_case(f"{op}_scalar/int_on_float64", f"{op}_scalar", [inp(values([3], "float64"))],
                               {"scalar": 3, "scalar_type": "int"}))
        cases.append(make_case(f"{op}_scalar/float_on_int64", f"{op}_scalar", [inp(values([3], "int64"))],
                               {"scalar": 0.5, "scalar_type": "float"}))
        cases.append(make_case(f"{op}_scalar/int_on_int64", f"{op}_scalar", [inp(values([3], "int64"))],
                               {"scalar": 2, "scalar_type": "int"}))
    cases.append(make_case("add_scalar/bool_on_float", "add_scalar", [inp(values([3]))], {"scalar": True, "scalar_type": "bool"}))
    cases.append(make_case("mul_scalar/float_on_bool", "mul_scalar", [inp(values([4], "bool"))], {"scalar": 1.5, "scalar_type": "float"}))
    # pow: tensor exponents, Python-number exponents, and the zero-base rules of the gradient.
    cases += [
        make_case("pow/positive_base", "pow", [inp(values([2, 3], positive=True)), inp(values([2, 3]))]),
        make_case("pow/broadcast", "pow", [inp(values([2, 3], positive=True)), inp(values([3]))]),
        make_case("pow/zero_base", "pow", [inp(given([0.0, 0.0, 0.0, 2.0])), inp(given([0.0, 1.0, 2.0, 0.0]))]),
        make_case("pow/int64", "pow", [inp(given([2, 3, -2, 0, 1], "int64")), inp(given([3, 2, 3, 2, 0], "int64"))]),
        make_case("pow/int64_negative_exponent", "pow", [inp(given([2, 1, -1, -1], "int64")), inp(given([-1, -2, -3, -2], "int64"))]),
        make_case("pow_scalar/square", "pow_scalar", [inp(values([2, 3]))], {"scalar": 2, "scalar_type": "int"}),
        make_case("pow_scalar/half", "pow_scalar", [inp(values([2, 3], positive=True))], {"scalar": 0.5, "scalar_type": "float"}),
        make_case("pow_scalar/minus_one", "pow_scalar", [inp(values([4], positive=True))], {"scalar": -1.0, "scalar_type": "float"}),
        make_case("pow_scalar/zero", "pow_scalar", [inp(values([4]))], {"scalar": 0.0, "scalar_type": "float"}),
        make_case("pow_scalar/reverse", "pow_scalar", [inp(values([4]))], {"scalar": 2.0, "scalar_type": "float", "reverse": True}),
        make_case("pow_scalar/int_base_int", "pow_scalar", [inp(values([4], "int64"))], {"scalar": 3, "scalar_type": "int"}),
        make_case("pow_scalar/int_base_float", "pow_scalar", [inp(given([1, 2, 3, 4], "int64"))], {"scalar": 0.5, "scalar_type": "float"}),
        make_case("pow_scalar/transposed", "pow_scalar", [inp(values([3, 2]), view=T01)], {"scalar": 3, "scalar_type": "int"}),
    ]
    return cases


def math_cases():
    cases = []
    for op in ("neg", "exp", "log", "sqrt", "relu", "sigmoid", "tanh"):
        positive = op in ("log", "sqrt")
        cases += [
            make_case(f"{op}/matrix", op, [inp(values([3, 4], positive=positive))]),
            make_case(f"{op}/long_row", op, [inp(values([2, 100], positive=positive))]),
            make_case(f"{op}/transposed", op, [inp(values([4, 3], positive=positive), view=T01)]),
            make_case(f"{op}/zero_dim", op, [inp(values([], positive=positive))]),
            make_case(f"{op}/empty", op, [inp(values([0, 2], positive=positive))]),
            make_case(f"{op}/float64", op, [inp(values([5], "float64", positive=positive))]),
        ]
        if op == "exp":  # above the threading threshold
            cases.append(make_case(f"{op}/large", op, [inp(values([180, 190], positive=positive))]))
        if op != "neg":
            cases.append(make_case(f"{op}/int64", op, [inp(given([1, 2, 3, 4], "int64"))]))
    cases.append(make_case("relu/zeros_and_signs", "relu", [inp(given([-1.0, 0.0, 2.0, -0.0, 3.5]))]))
    cases.append(make_case("neg/int64", "neg", [inp(values([5], "int64"))]))
    cases.append(make_case("exp/wide_range", "exp", [inp(given([-100.0, -10.0, 0.0, 10.0, 80.0]))]))
    cases.append(make_case("sigmoid/wide_range", "sigmoid", [inp(given([-100.0, -10.0, 0.0, 10.0, 100.0]))]))
    cases.append(make_case("log/special", "log", [inp(given([0.0, 1.0, -1.0, float("inf")]), grad=False)]))
    return cases


def more_math_cases():
    cases = []
    domain = {"log1p": dict(low=-0.9, high=3.0), "log2": dict(positive=True), "rsqrt": dict(positive=True),
              "reciprocal": dict(positive=True)}
    for op in ("abs", "sign", "expm1", "log1p", "log2", "rsqrt", "sin", "cos", "erf", "floor", "ceil", "round",
               "trunc", "reciprocal"):
        kw = domain.get(op, {})
        cases += [
            make_case(f"{op}/matrix", op, [inp(values([3, 4], **kw))]),
            make_case(f"{op}/transposed", op, [inp(values([4, 3], **kw), view=T01)]),
            make_case(f"{op}/zero_dim", op, [inp(values([], **kw))]),
            make_case(f"{op}/empty", op, [inp(values([0, 2], **kw))]),
            make_case(f"{op}/float64", op, [inp(values([5], "float64", **kw))]),
        ]
    cases.append(make_case("erf/large", "erf", [inp(values([180, 190], low=-4.0, high=4.0))]))
    cases.append(make_case("erf/wide_range", "erf", [inp(given([-10.0, -3.0, -1.0, -0.999, -1e-3, 0.0, 1e-7, 0.5, 0.999, 1.0, 2.5, 6.0]))]))
    for op in ("round", "floor", "ceil", "trunc"):
        cases.append(make_case(f"{op}/halves", op, [inp(given([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, -0.0]), grad=False)]))
    for op in ("abs", "sign", "floor", "round"):
        cases.append(make_case(f"{op}/int64", op, [inp(values([6], "int64"))]))
    for op in ("expm1", "sin", "erf", "rsqrt"):
        cases.append(make_case(f"{op}/int64", op, [inp(given([1, 2, 3, 4], "int64"))]))
    cases.append(make_case("sign/special", "sign", [inp(given([float("nan"), -0.0, 0.0, float("inf"), -float("inf")]), grad=False)]))
    cases.append(make_case("abs/zero", "abs", [inp(given([0.0, -1.0, 2.0]))]))
    special = inp(given([float("nan"), float("inf"), -float("inf"), 0.0, -1.5]), grad=False)
    for op in ("isnan", "isinf", "isfinite", "logical_not"):
        cases.append(make_case(f"{op}/special", op, [special]))
        cases.append(make_case(f"{op}/int64", op, [inp(given([0, 3, -2], "int64"))]))
    cases.append(make_case("logical_not/bool", "logical_not", [inp(given([True, False], "bool"))]))
    for op in ("maximum", "minimum"):
        cases += [
            make_case(f"{op}/broadcast", op, [inp(values([2, 3])), inp(values([3]))]),
            make_case(f"{op}/ties", op, [inp(given([1.0, 2.0, 3.0, 4.0])), inp(given([1.0, 5.0, 3.0, 0.0]))]),
            make_case(f"{op}/nan", op, [inp(given([float("nan"), 1.0, 2.0]), grad=False), inp(given([0.0, float("nan"), 1.0]), grad=False)]),
            make_case(f"{op}/int64", op, [inp(values([5], "int64")), inp(values([5], "int64"))]),
            make_case(f"{op}/promotion", op, [inp(values([3], "int64")), inp(values([3]))]),
            make_case(f"{op}/transposed", op, [inp(values([3, 2]), view=T01), inp(values([2, 3]))]),
        ]
    for op in ("fmod", "remainder", "mod"):
        cases += [
            make_case(f"{op}/signs", op, [inp(given([5.5, -5.5, 5.5, -5.5, 3.0, 0.0])), inp(given([2.0, 2.0, -2.0, -2.0, 1.5, 3.0]))]),
            make_case(f"{op}/broadcast", op, [inp(values([2, 3], low=-5.0, high=5.0)), inp(values([3], positive=True))]),
            make_case(f"{op}/int64", op, [inp(given([7, -7, 7, -7, 0], "int64")), inp(given([3, 3, -3, -3, 5], "int64"))]),
        ]
    cases.append(make_case("fmod/scalar_divisor", "fmod", [inp(values([4], low=-5.0, high=5.0)), inp(given([1.5]))]))
    for mode in ("trunc", "floor"):
        cases += [
            make_case(f"div_rounding/{mode}", "div_rounding", [inp(given([5.5, -5.5, 5.5, -5.5, 7.0, -0.5])),
                                                             inp(given([2.0, 2.0, -2.0, -2.0, 3.5, 3.0]))], {"mode": mode}),
            make_case(f"div_rounding/{mode}_int64", "div_rounding", [inp(given([7, -7, 7, -7, 9], "int64")),
                                                                    inp(given([2, 2, -2, -2, 3], "int64"))], {"mode": mode}),
        ]
    # torch has no derivative for //; cajal gives it div(rounding_mode="floor")'s zeros. Forward only here.
    cases.append(make_case("floordiv/float", "floordiv", [inp(values([2, 3], low=-5.0, high=5.0), grad=False),
                                                       inp(values([3], positive=True), grad=False)]))
    for op in ("logical_and", "logical_or", "logical_xor"):
        cases += [
            make_case(f"{op}/bool", op, [inp(given([True, True, False, False], "bool")), inp(given([True, False, True, False], "bool"))]),
            make_case(f"{op}/mixed", op, [inp(given([0.0, 2.5, float("nan"), -1.0]), grad=False), inp(given([3, 0, 0, 1], "int64"))]),
        ]
    cases += [
        make_case("clamp_scalar/both", "clamp_scalar", [inp(values([3, 4]))], {"min": -0.5, "max": 0.5}),
        make_case("clamp_scalar/min_only", "clamp_scalar", [inp(values([3, 4]))], {"min": 0.0}),
        make_case("clamp_scalar/max_only", "clamp_scalar", [inp(values([3, 4]), view=T01)], {"max": 0.25}),
        make_case("clamp_scalar/inverted", "clamp_scalar", [inp(values([5]))], {"min": 1.0, "max": -1.0}),
        make_case("clamp_scalar/nan", "clamp_scalar", [inp(given([float("nan"), 2.0, -2.0]), grad=False)], {"min": -1.0, "max": 1.0}),
        make_case("clamp_scalar/int64", "clamp_scalar", [inp(given([-5, 0, 5], "int64"))], {"min": -2, "max": 3}),
        make_case("clamp_scalar/int64_float_bound", "clamp_scalar", [inp(given([-5, 0, 5], "int64"))], {"min": -2.5}),
        make_case("clamp_tensor/broadcast", "clamp_tensor", [inp(values([2, 3])), inp(values([3], low=-1.0, high=0.0)),
                                                            inp(values([2, 1], low=0.0, high=1.0))]),
        make_case("clamp_tensor/ties_and_inverted", "clamp_tensor", [inp(given([1.0, 5.0, 9.0, 2.0, 8.0, 5.0])),
                                                                    inp(given([2.0, 2.0, 2.0, 2.0, 2.0, 6.0])),
                                                                    inp(given([8.0, 8.0, 8.0, 8.0, 8.0, 4.0]))]),
        make_case("clamp_min_tensor/basic", "clamp_min_tensor", [inp(values([4])), inp(values([4]))]),
        make_case("isclose/basic", "isclose", [inp(given([1.0, 1.0001, float("nan"), float("inf"), 2.0]), grad=False),
                                               inp(given([1.0, 1.0, float("nan"), float("inf"), -float("inf")]), grad=False)],
                  {"rtol": 1e-3, "atol": 1e-8, "equal_nan": False}),
        make_case("isclose/equal_nan", "isclose", [inp(given([1.0, float("nan")]), grad=False), inp(given([1.1, float("nan")]), grad=False)],
                  {"rtol": 1e-5, "atol": 0.2, "equal_nan": True}),
    ]
    return cases


def comparison_cases():
    cases = []
    for op in ("eq", "ne", "lt", "le", "gt", "ge"):
        cases += [
            make_case(f"{op}/broadcast", op, [inp(given([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])), inp(given([2.0, 5.0, 3.0]))]),
            make_case(f"{op}/int_float", op, [inp(given([1, 2, 3], "int64")), inp(given([1.5, 2.0, 2.5]))]),
            make_case(f"{op}/nan", op, [inp(given([float("nan"), 1.0, float("inf")]), grad=False), inp(given([float("nan"), float("nan"), 1.0]), grad=False)]),
            make_case(f"{op}/bool", op, [inp(given([True, True, False, False], "bool")), inp(given([True, False, True, False], "bool"))]),
            make_case(f"{op}/transposed", op, [inp(values([3, 2]), view=T01), inp(values([2, 1]))]),
        ]
    cases.append(make_case("lt_scalar/float", "lt_scalar", [inp(values([2, 3]))], {"scalar": 0.5, "scalar_type": "float"}))
    cases.append(make_case("eq_scalar/int", "eq_scalar", [inp(given([1, 2, 3], "int64"))], {"scalar": 2, "scalar_type": "int"}))
    cases.append(make_case("where/broadcast", "where", [inp(given([True, False, True], "bool")), inp(values([2, 3])), inp(values([2, 1]))]))
    cases.append(make_case("where/promotion", "where", [inp(given([[True], [False]], "bool")), inp(values([3], "float64")), inp(values([2, 3]))]))
    return cases


def matmul_cases():
    return [
        make_case("matmul/matrix_matrix", "matmul", [inp(values([2, 3])), inp(values([3, 4]))]),
        make_case("matmul/vector_vector", "matmul", [inp(values([5])), inp(values([5]))]),
        make_case("matmul/vector_matrix", "matmul", [inp(values([3])), inp(values([3, 4]))]),
        make_case("matmul/matrix_vector", "matmul", [inp(values([2, 3])), inp(values([3]))]),
        make_case("matmul/batched", "matmul", [inp(values([2, 3, 4])), inp(values([2, 4, 5]))]),
        make_case("matmul/broadcast_batch", "matmul", [inp(values([2, 1, 3, 4])), inp(values([5, 4, 2]))]),
        make_case("matmul/batched_matrix", "matmul", [inp(values([3, 2, 4])), inp(values([4, 3]))]),
        make_case("matmul/matrix_batched", "matmul", [inp(values([2, 4])), inp(values([3, 4, 3]))]),
        make_case("matmul/vector_batched", "matmul", [inp(values([4])), inp(values([2, 4, 3]))]),
        make_case("matmul/batched_vector", "matmul", [inp(values([2, 3, 4])), inp(values([4]))]),
        make_case("matmul/transposed_left", "matmul", [inp(values([3, 2]), view=T01), inp(values([3, 4]))]),
        make_case("matmul/transposed_right", "matmul", [inp(values([2, 3])), inp(values([4, 3]), view=T01)]),
        make_case("matmul/transposed_both", "matmul", [inp(values([5, 4]), view=T01), inp(values([3, 5]), view=T01)]),
        make_case("matmul/expanded_batch", "matmul",
                  [inp(values([1, 3, 4]), view=expand_to([2, 3, 4])), inp(values([2, 4, 2]))]),
        make_case("matmul/permuted", "matmul",
                  [inp(values([3, 2, 4]), view=[{"kind": "permute", "dims": [1, 0, 2]}]), inp(values([4, 3]))]),
        make_case("matmul/float64", "matmul", [inp(values([3, 4], "float64")), inp(values([4, 2], "float64"))]),
        make_case("matmul/int64", "matmul", [inp(values([2, 3], "int64")), inp(values([3, 2], "int64"))]),
        make_case("matmul/inner_zero", "matmul", [inp(values([2, 0])), inp(values([0, 3]))]),
        make_case("matmul/rows_zero", "matmul", [inp(values([0, 3])), inp(values([3, 2]))]),
        make_case("matmul/large", "matmul", [inp(values([64, 96])), inp(values([96, 48]))], accumulated=96),
        make_case("matmul/one_by_one", "matmul", [inp(values([1, 1])), inp(values([1, 1]))]),
    ]


def reduction_cases():
    cases = []
    for op in ("sum", "mean"):
        cases += [
            make_case(f"{op}/all", op, [inp(values([3, 4]))]),
            make_case(f"{op}/dim0", op, [inp(values([3, 4]))], {"dim": 0, "keepdim": False}),
            make_case(f"{op}/dim1_keepdim", op, [inp(values([3, 4]))], {"dim": 1, "keepdim": True}),
            make_case(f"{op}/dims_0_2", op, [inp(values([2, 3, 4]))], {"dim": [0, 2], "keepdim": False}),
            make_case(f"{op}/negative_dim", op, [inp(values([2, 3, 4]))], {"dim": -1, "keepdim": False}),
            make_case(f"{op}/middle_keepdim", op, [inp(values([2, 3, 4]))], {"dim": [1], "keepdim": True}),
            make_case(f"{op}/transposed", op, [inp(values([4, 3]), view=T01)], {"dim": 1, "keepdim": False}),
            make_case(f"{op}/expanded", op, [inp(values([1, 3]), view=expand_to([4, 3]))], {"dim": 0, "keepdim": False}),
            make_case(f"{op}/zero_dim", op, [inp(values([]))]),
            make_case(f"{op}/float64", op, [inp(values([3, 5], "float64"))], {"dim": 0, "keepdim": False}),
            make_case(f"{op}/all_dims_list", op, [inp(values([2, 3]))], {"dim": [0, 1], "keepdim": True}),
            make_case(f"{op}/size_one", op, [inp(values([1, 3, 1]))], {"dim": [0, 2], "keepdim": False}),
        ]
    cases += [
        make_case("sum/large_rows", "sum", [inp(values([150, 257]))], {"dim": 1, "keepdim": False}, accumulated=257),
        make_case("mean/large_columns", "mean", [inp(values([257, 150]))], {"dim": 0, "keepdim": True}, accumulated=257),
        make_case("sum/int64", "sum", [inp(values([3, 4], "int64"))], {"dim": 1, "keepdim": False}),
        make_case("sum/int64_all", "sum", [inp(values([3, 4], "int64"))]),
        make_case("sum/bool", "sum", [inp(values([10], "bool"))]),
        make_case("sum/empty", "sum", [inp(values([0, 3]))]),
        make_case("sum/empty_dim", "sum", [inp(values([0, 3]))], {"dim": 0, "keepdim": False}),
        make_case("mean/empty", "mean", [inp(values([0, 3]), grad=False)]),
    ]
    return cases


def more_reduction_cases():
    distinct = lambda shape: inp(given(list(rng.permutation(int(np.prod(shape))) / 4.0 - 2.0), shape=shape))
    cases = [
        make_case("prod/all", "prod", [inp(values([2, 3], low=0.5, high=1.5))]),
        make_case("prod/dim", "prod", [inp(values([3, 4]))], {"dim": 1, "keepdim": False}),
        make_case("prod/with_zero", "prod", [inp(given([[1.5, 0.0, 2.0], [0.0, 0.0, 3.0], [2.0, -1.0, 0.5]]))], {"dim": 1, "keepdim": True}),
        make_case("prod/all_one_zero", "prod", [inp(given([2.0, 0.0, 3.0, -1.0]))]),
        make_case("prod/int64", "prod", [inp(values([2, 3], "int64"))], {"dim": 0, "keepdim": False}),
        make_case("prod/bool", "prod", [inp(values([4], "bool"))]),
        make_case("max_all/ties", "max_all", [inp(given([1.0, 3.0, 3.0, -2.0]))]),
        make_case("max_all/nan", "max_all", [inp(given([1.0, float("nan"), 3.0]), grad=False)]),
        make_case("min_all/int64", "min_all", [inp(values([5], "int64"))]),
        make_case("max_dim/dim1", "max_dim", [distinct([3, 4])], {"dim": 1, "keepdim": False}),
        make_case("max_dim/keepdim_ties", "max_dim", [inp(given([[1.0, 5.0, 5.0], [2.0, 2.0, 0.0]]))], {"dim": 1, "keepdim": True}),
        make_case("max_dim/nan", "max_dim", [inp(given([[1.0, float("nan"), 3.0, float("nan")]]), grad=False)], {"dim": 1, "keepdim": False}),
        make_case("min_dim/dim0_transposed", "min_dim", [inp(values([4, 3]), view=T01)], {"dim": 0, "keepdim": False}),
        make_case("argmax/flat", "argmax", [distinct([3, 4])], {}),
        make_case("argmax/dim_ties", "argmax", [inp(given([[1.0, 5.0, 5.0], [3.0, 3.0, 0.0]]), grad=False)], {"dim": 1}),
        make_case("argmax/keepdim", "argmax", [distinct([2, 3, 4])], {"dim": 1, "keepdim": True}),
        make_case("argmin/nan", "argmin", [inp(given([2.0, float("nan"), -1.0]), grad=False)], {"dim": 0}),
        make_case("amax/dims", "amax", [inp(values([2, 3, 4]))], {"dim": [0, 2], "keepdim": False}),
        make_case("amax/ties", "amax", [inp(given([[2.0, 2.0, 1.0], [0.0, 3.0, 3.0]]))], {"dim": 1, "keepdim": True}),
        make_case("amin/all", "amin", [inp(values([3, 3]))], {"dim": [], "keepdim": False}),
        make_case("all/dim", "all", [inp(values([3, 4], "bool"))], {"dim": 1, "keepdim": False}),
        make_case("all/float", "all", [inp(given([1.0, 0.5, float("nan")]), grad=False)], {}),
        make_case("any/int_keepdim", "any", [inp(given([[0, 0], [0, 3]], "int64"))], {"dim": 0, "keepdim": True}),
        make_case("any/empty", "any", [inp(values([0, 2]))], {}),
        make_case("var/all", "var", [inp(values([3, 4]))], {"correction": 1, "keepdim": False}),
        make_case("var/dim_population", "var", [inp(values([3, 4]))], {"dim": 1, "correction": 0, "keepdim": True}),
        make_case("std/dims", "std", [inp(values([2, 3, 4]))], {"dim": [0, 2], "correction": 1, "keepdim": False}),
        make_case("std/transposed", "std", [inp(values([4, 3]), view=T01)], {"dim": 1, "correction": 1, "keepdim": False}),
        make_case("norm/two", "norm", [inp(values([3, 4]))], {"p": 2, "keepdim": False}),
        make_case("norm/two_dim", "norm", [inp(values([3, 4]))], {"p": 2, "dim": 1, "keepdim": True}),
        make_case("norm/one", "norm", [inp(values([3, 4]))], {"p": 1, "dim": 0, "keepdim": False}),
        make_case("norm/inf", "norm", [distinct([3, 4])], {"p": "inf", "dim": 1, "keepdim": False}),
        make_case("norm/three", "norm", [inp(values([5]))], {"p": 3, "keepdim": False}),
        make_case("norm/zero_vector", "norm", [inp(given([[0.0, 0.0], [3.0, 4.0]]))], {"p": 2, "dim": 1, "keepdim": False}),
        make_case("logsumexp/dim", "logsumexp", [inp(values([3, 4], low=-5.0, high=5.0))], {"dim": 1, "keepdim": False}),
        make_case("logsumexp/large", "logsumexp", [inp(given([[1000.0, 1000.0], [-1000.0, 0.0]]))], {"dim": 1, "keepdim": True}),
        make_case("logsumexp/neg_inf", "logsumexp", [inp(given([[-float("inf"), -float("inf")], [0.0, 1.0]]), grad=False)], {"dim": 1, "keepdim": False}),
        make_case("cumsum/dim1", "cumsum", [inp(values([3, 4]))], {"dim": 1}),
        make_case("cumsum/dim0_transposed", "cumsum", [inp(values([4, 3]), view=T01)], {"dim": 0}),
        make_case("cumsum/int64", "cumsum", [inp(values([5], "int64"))], {"dim": 0}),
        make_case("cumsum/bool", "cumsum", [inp(values([5], "bool"))], {"dim": 0}),
        make_case("cumprod/dim1", "cumprod", [inp(values([3, 4], low=0.5, high=1.5))], {"dim": 1}),
        make_case("cumprod/with_zeros", "cumprod", [inp(given([[2.0, 0.0, 3.0, 1.5], [0.0, 2.0, 0.0, 1.0], [1.0, 2.0, 3.0, 0.0]]))], {"dim": 1}),
        make_case("sort/ascending", "sort", [distinct([3, 5])], {"dim": 1, "descending": False}),
        make_case("sort/descending_dim0", "sort", [distinct([4, 3])], {"dim": 0, "descending": True}),
        make_case("sort/ties_stable", "sort", [inp(given([3.0, 1.0, 3.0, 2.0, 1.0]))], {"dim": 0, "descending": False}),
        make_case("sort/ties_descending", "sort", [inp(given([3.0, 1.0, 3.0, 2.0, 1.0]))], {"dim": 0, "descending": True}),
        make_case("sort/nan", "sort", [inp(given([2.0, float("nan"), -1.0, float("nan"), 0.5]), grad=False)], {"dim": 0, "descending": False}),
        make_case("sort/nan_descending", "sort", [inp(given([2.0, float("nan"), -1.0, 0.5]), grad=False)], {"dim": 0, "descending": True}),
        make_case("sort/int64", "sort", [inp(given([5, -2, 7, 0], "int64"))], {"dim": 0, "descending": False}),
        make_case("argsort/dim1", "argsort", [distinct([3, 4])], {"dim": 1, "descending": True}),
        make_case("topk/largest", "topk", [distinct([3, 6])], {"k": 2, "dim": 1, "largest": True}),
        make_case("topk/smallest_dim0", "topk", [distinct([5, 2])], {"k": 3, "dim": 0, "largest": False}),
    ]
    return cases


def well_conditioned(shape, dtype="float32"):
    """Square matrices with a dominant diagonal: invertible, and their
    inverses and solutions are stable enough to compare at float32."""
    n = shape[-1]
    x = rng.uniform(-1.0, 1.0, size=shape) + n * np.eye(n)
    if dtype == "float32":
        x = x.astype(np.float32).astype(np.float64)
    return given(x.tolist(), dtype, shape=shape)


def linalg_cases():
    wc = well_conditioned
    return [
        make_case("mm/plain", "mm", [inp(values([3, 4])), inp(values([4, 2]))]),
        make_case("mm/transposed", "mm", [inp(values([4, 3]), view=T01), inp(values([4, 2]))]),
        make_case("bmm/plain", "bmm", [inp(values([2, 3, 4])), inp(values([2, 4, 5]))]),
        make_case("mv/plain", "mv", [inp(values([3, 4])), inp(values([4]))]),
        make_case("dot/plain", "dot", [inp(values([6])), inp(values([6]))]),
        make_case("dot/int64", "dot", [inp(values([4], "int64")), inp(values([4], "int64"))]),
        make_case("outer/plain", "outer", [inp(values([3])), inp(values([4]))]),
        make_case("inv/matrix", "inv", [inp(wc([4, 4]))], accumulated=64),
        make_case("inv/batched", "inv", [inp(wc([2, 3, 3]))], accumulated=64),
        make_case("inv/transposed", "inv", [inp(wc([3, 3]), view=T01)], accumulated=64),
        make_case("inv/float64", "inv", [inp(wc([3, 3], "float64"))]),
        make_case("inv/one_by_one", "inv", [inp(given([[4.0]]))]),
        make_case("det/matrix", "det", [inp(wc([3, 3]))], accumulated=64),
        make_case("det/batched", "det", [inp(wc([2, 4, 4]))], accumulated=256),
        make_case("det/permutation", "det", [inp(given([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]))]),
        make_case("det/swap", "det", [inp(given([[0.0, 2.0], [3.0, 0.0]]))]),
        make_case("det/singular", "det", [inp(given([[1.0, 2.0], [2.0, 4.0]]), grad=False)]),
        make_case("det/empty_matrix", "det", [inp(given(np.zeros((2, 0, 0)).tolist(), shape=[2, 0, 0]), grad=False)]),
        make_case("det/float64", "det", [inp(wc([3, 3], "float64"))]),
        make_case("solve/vector", "solve", [inp(wc([3, 3])), inp(values([3]))], accumulated=64),
        make_case("solve/matrix", "solve", [inp(wc([3, 3])), inp(values([3, 2]))], accumulated=64),
        make_case("solve/batched_vector", "solve", [inp(wc([2, 3, 3])), inp(values([2, 3]))], accumulated=64),
        make_case("solve/broadcast", "solve", [inp(wc([3, 3])), inp(values([4, 3, 2]))], accumulated=64),
        make_case("solve/float64", "solve", [inp(wc([4, 4], "float64")), inp(values([4, 1], "float64"))]),
        make_case("linalg_norm/default", "linalg_norm", [inp(values([3, 4]))], {"ord": None, "dim": None, "keepdim": False}),
        make_case("linalg_norm/fro", "linalg_norm", [inp(values([3, 4]))], {"ord": "fro", "dim": None, "keepdim": False}),
        make_case("linalg_norm/matrix_one", "linalg_norm", [inp(values([3, 4]))], {"ord": 1, "dim": None, "keepdim": False}),
        make_case("linalg_norm/matrix_inf", "linalg_norm", [inp(values([3, 4]))], {"ord": "inf", "dim": None, "keepdim": True}),
        make_case("linalg_norm/matrix_minus_one", "linalg_norm", [inp(values([2, 3, 4]))], {"ord": -1, "dim": [2, 1], "keepdim": False}),
        make_case("linalg_norm/matrix_minus_inf", "linalg_norm", [inp(values([3, 4]))], {"ord": "-inf", "dim": [0, 1], "keepdim": False}),
        make_case("linalg_norm/vector_dim", "linalg_norm", [inp(values([3, 4]))], {"ord": 3, "dim": 1, "keepdim": False}),
        make_case("linalg_norm/flat_3d", "linalg_norm", [inp(values([2, 3, 4]))], {"ord": None, "dim": None, "keepdim": False}),
        make_case("vector_norm/dims", "vector_norm", [inp(values([2, 3, 4]))], {"ord": 1, "dim": [0, 2], "keepdim": True}),
        make_case("vector_norm/inf", "vector_norm", [inp(values([3, 4]))], {"ord": "inf", "dim": None, "keepdim": False}),
        make_case("matrix_norm/batched", "matrix_norm", [inp(values([2, 3, 4]))], {"ord": "fro", "keepdim": False}),
    ]


def einsum_cases():
    def case(name, equation, *shapes, view=None, dtype="float32", accumulated=0):
        inputs = [inp(values(shape, dtype)) for shape in shapes]
        if view:
            inputs[0]["view"] = view
        return make_case(f"einsum/{name}", "einsum", inputs, {"equation": equation}, accumulated)
    return [
        case("matmul", "ij,jk->ik", [3, 4], [4, 5]),
        case("implicit_matmul", "ij,jk", [3, 4], [4, 2]),
        case("batched", "bij,bjk->bik", [2, 3, 4], [2, 4, 5]),
        case("trace", "ii", [4, 4]),
        case("diagonal", "ii->i", [3, 3]),
        case("diagonal_3d", "iij->ji", [3, 3, 2]),
        case("transpose", "ij->ji", [2, 3]),
        case("sum_all", "ij->", [3, 4]),
        case("sum_rows", "ij->i", [3, 4]),
        case("outer", "i,j->ij", [3], [4]),
        case("dot", "i,i->", [5], [5]),
        case("elementwise_three", "i,i,i->i", [4], [4], [4]),
        case("bilinear", "bn,anm,bm->ba", [2, 3], [4, 3, 5], [2, 5]),
        case("attention_scores", "bhqd,bhkd->bhqk", [2, 2, 3, 4], [2, 2, 5, 4]),
        case("attention_values", "bhqk,bhkd->bqhd", [2, 2, 3, 5], [2, 2, 5, 4]),
        case("ellipsis_broadcast", "...ij,...jk->...ik", [2, 1, 3, 4], [5, 4, 2]),
        case("ellipsis_summed", "...ij->ij", [2, 3, 4]),
        case("ellipsis_implicit", "...ij", [2, 3, 4]),
        case("ellipsis_middle", "i...j,j->...i", [2, 3, 4], [4]),
        case("size_one_broadcast", "ij,kj->", [2, 1], [4, 5]),
        case("uppercase_order", "bA", [2, 3]),
        case("chain", "ij,jk,kl->il", [2, 3], [3, 4], [4, 2]),
        case("spaces", " i j , j k -> k i ", [2, 3], [3, 4]),
        case("transposed_input", "ij,jk->ik", [4, 3], [4, 2], view=T01),
        case("float64", "ij,jk->ik", [3, 4], [4, 2], dtype="float64"),
        case("int64", "ij,jk->ik", [3, 4], [4, 2], dtype="int64"),
        case("empty_dim", "ij,jk->ik", [0, 3], [3, 2]),
        case("large", "bij,bjk->bik", [4, 32, 64], [4, 64, 16], accumulated=64),
        # Output layouts: torch's follow from its contraction steps.
        case("layout_right_first", "ijm,jk->kmi", [2, 3, 5], [3, 4]),
        case("layout_interleaved", "ijm,jk->mki", [2, 3, 5], [3, 4]),
        case("layout_batch_right_first", "bij,bjk->kbi", [5, 2, 3], [5, 3, 4]),
        case("layout_batch_left_first", "bij,bjk->ikb", [5, 2, 3], [5, 3, 4]),
        case("layout_product_only", "ij,j->ji", [2, 3], [3]),
        case("layout_outer_swapped", "i,j->ji", [2], [3]),
        case("layout_chain_reversed", "ij,jk,kl->li", [2, 3], [3, 4], [4, 5]),
        case("diagonal_moved", "iij->ji", [3, 3, 2]),
        case("hadamard_sum", "ij,ij->i", [3, 4], [3, 4]),
    ]


def power_cases():
    """The exponents torch computes without pow (x*x*x, rsqrt, 1/(x*x)): same rounding here."""
    return [
        make_case(f"pow_scalar/fast_{name}", "pow_scalar", [inp(values([300], positive=positive))],
                  {"scalar": e, "scalar_type": type(e).__name__})
        for name, e, positive in [("cube", 3, False), ("square", 2.0, False), ("inverse_square", -2.0, True),
                                  ("rsqrt", -0.5, True), ("sqrt", 0.5, True), ("reciprocal", -1, True),
                                  ("general", 2.5, True), ("cube_float64", 3.0, False)]
    ]


def shape_cases():
    return [
        make_case("reshape/infer", "reshape", [inp(values([2, 6]))], {"shape": [3, -1]}),
        make_case("reshape/to_scalar", "reshape", [inp(values([1, 1]))], {"shape": []}),
        make_case("reshape/from_scalar", "reshape", [inp(values([]))], {"shape": [1, 1, 1]}),
        make_case("reshape/transposed_copies", "reshape", [inp(values([3, 4]), view=T01)], {"shape": [12]}),
        make_case("reshape/expanded", "reshape", [inp(values([1, 3]), view=expand_to([2, 3]))], {"shape": [3, 2]}),
        make_case("reshape/empty", "reshape", [inp(values([0, 4]))], {"shape": [2, 0, 2]}),
        make_case("view/split_dim", "view", [inp(values([4, 6]))], {"shape": [4, 2, 3]}),
        make_case("view/merge_dims", "view", [inp(values([2, 3, 4]))], {"shape": [6, 4]}),
        make_case("view/transposed_split", "view", [inp(values([4, 6]), view=T01)], {"shape": [2, 3, 4]}),
        make_case("transpose/3d", "transpose", [inp(values([2, 3, 4]))], {"dim0": 0, "dim1": 2}),
        make_case("transpose/negative", "transpose", [inp(values([2, 3, 4]))], {"dim0": -1, "dim1": -2}),
        make_case("t/matrix", "t", [inp(values([2, 5]))]),
        make_case("t/vector", "t", [inp(values([3]))]),
        make_case("permute/3d", "permute", [inp(values([2, 3, 4]))], {"dims": [2, 0, 1]}),
        make_case("permute/negative", "permute", [inp(values([2, 3, 4]))], {"dims": [-1, 0, 1]}),
        make_case("expand/new_dims", "expand", [inp(values([3]))], {"shape": [2, 4, 3]}),
        make_case("expand/keep", "expand", [inp(values([2, 1]))], {"shape": [-1, 5]}),
        make_case("expand/scalar", "expand", [inp(values([]))], {"shape": [2, 2]}),
        make_case("squeeze/all", "squeeze", [inp(values([1, 3, 1, 2]))]),
        make_case("squeeze/dim", "squeeze", [inp(values([1, 3, 1]))], {"dim": 2}),
        make_case("squeeze/dim_not_one", "squeeze", [inp(values([2, 3]))], {"dim": 0}),
        make_case("unsqueeze/front", "unsqueeze", [inp(values([2, 3]))], {"dim": 0}),
        make_case("unsqueeze/back", "unsqueeze", [inp(values([2, 3]))], {"dim": -1}),
        make_case("unsqueeze/middle", "unsqueeze", [inp(values([2, 3]), view=T01)], {"dim": 1}),
        make_case("contiguous/transposed", "contiguous", [inp(values([3, 4]), view=T01)]),
        make_case("contiguous/already", "contiguous", [inp(values([3, 4]))]),
        make_case("clone/expanded", "clone", [inp(values([1, 4]), view=expand_to([3, 4]))]),
        make_case("to/float64", "to", [inp(values([2, 3]))], {"dtype": "float64"}),
        make_case("to/float32_from_float64", "to", [inp(values([2, 3], "float64"))], {"dtype": "float32"}),
        make_case("to/int64", "to", [inp(given([1.7, -1.7, 0.2, 2.5]), grad=False)], {"dtype": "int64"}),
        make_case("to/bool", "to", [inp(given([0.0, -1.5, 2.0, 0.0]), grad=False)], {"dtype": "bool"}),
        make_case("to/float_from_int", "to", [inp(values([4], "int64"))], {"dtype": "float32"}),
        make_case("to/float_from_bool", "to", [inp(values([4], "bool"))], {"dtype": "float32"}),
    ]


def view_cases():
    cases = []
    for label, attrs in [("step", {"dim": 1, "start": 1, "end": 6, "step": 2}), ("negative", {"dim": 0, "start": -2}),
                         ("clamped", {"dim": 1, "start": -100, "end": 100}), ("empty", {"dim": 1, "start": 4, "end": 2}),
                         ("open_end", {"dim": 1, "end": -1, "step": 3})]:
        cases.append(make_case(f"slice/{label}", "slice", [inp(values([3, 7]))], attrs))
    cases.append(make_case("slice/transposed", "slice", [inp(values([7, 3]), view=T01)], {"dim": 1, "start": 1, "step": 2}))
    cases += [
        make_case("select/first", "select", [inp(values([3, 4]))], {"dim": 0, "index": 0}),
        make_case("select/negative", "select", [inp(values([3, 4, 2]))], {"dim": 1, "index": -1}),
        make_case("narrow/middle", "narrow", [inp(values([3, 6]))], {"dim": 1, "start": 2, "length": 3}),
        make_case("narrow/negative_start", "narrow", [inp(values([5, 2]))], {"dim": 0, "start": -3, "length": 2}),
        make_case("diagonal/main", "diagonal", [inp(values([4, 4]))], {"offset": 0, "dim1": 0, "dim2": 1}),
        make_case("diagonal/above", "diagonal", [inp(values([3, 5]))], {"offset": 2, "dim1": 0, "dim2": 1}),
        make_case("diagonal/below_batched", "diagonal", [inp(values([2, 4, 3]))], {"offset": -1, "dim1": 1, "dim2": 2}),
        make_case("diagonal/swapped_dims", "diagonal", [inp(values([3, 2, 4]))], {"offset": 1, "dim1": 2, "dim2": 0}),
        make_case("unbind/dim1", "unbind", [inp(values([2, 3]))], {"dim": 1}),
        make_case("split/uneven", "split", [inp(values([5, 2]))], {"size": 2, "dim": 0}),
        make_case("split/sizes", "split", [inp(values([2, 6]))], {"size": [1, 3, 2], "dim": 1}),
        make_case("chunk/three", "chunk", [inp(values([7, 2]))], {"chunks": 3, "dim": 0}),
        make_case("chunk/more_than_size", "chunk", [inp(values([2, 3]))], {"chunks": 5, "dim": 1}),
        make_case("cat/dim0", "cat", [inp(values([2, 3])), inp(values([1, 3])), inp(values([3, 3]))], {"dim": 0}),
        make_case("cat/dim1_transposed", "cat", [inp(values([3, 2]), view=T01), inp(values([2, 4]))], {"dim": -1}),
        make_case("cat/promotion", "cat", [inp(values([2], "int64")), inp(values([3]))], {"dim": 0}),
        make_case("cat/legacy_empty", "cat", [inp(values([0])), inp(values([2, 2])), inp(values([1, 2]))], {"dim": 0}),
        make_case("stack/dim0", "stack", [inp(values([2, 3])), inp(values([2, 3]))], {"dim": 0}),
        make_case("stack/last", "stack", [inp(values([3])), inp(values([3])), inp(values([3]))], {"dim": -1}),
        make_case("flip/one_dim", "flip", [inp(values([3, 4]))], {"dims": [1]}),
        make_case("flip/two_dims_transposed", "flip", [inp(values([4, 3]), view=T01)], {"dims": [0, -1]}),
        make_case("roll/dims", "roll", [inp(values([3, 4]))], {"shifts": [1, -2], "dims": [0, 1]}),
        make_case("roll/flattened", "roll", [inp(values([3, 4]))], {"shifts": 5}),
        make_case("movedim/single", "movedim", [inp(values([2, 3, 4]))], {"source": 0, "destination": -1}),
        make_case("movedim/several", "movedim", [inp(values([2, 3, 4, 5]))], {"source": [0, 1], "destination": [3, 0]}),
        make_case("flatten/middle", "flatten", [inp(values([2, 3, 4, 5]))], {"start": 1, "end": 2}),
        make_case("flatten/transposed", "flatten", [inp(values([3, 4]), view=T01)], {"start": 0, "end": -1}),
        make_case("unflatten/infer", "unflatten", [inp(values([2, 12]))], {"dim": 1, "sizes": [3, -1]}),
        make_case("repeat/tile", "repeat", [inp(values([2, 3]))], {"repeats": [2, 3]}),
        make_case("repeat/new_dims", "repeat", [inp(values([3]))], {"repeats": [2, 1, 2]}),
        make_case("tril/main", "tril", [inp(values([4, 4]))], {"k": 0}),
        make_case("tril/offset_batched", "tril", [inp(values([2, 3, 5]))], {"k": 1}),
        make_case("triu/negative", "triu", [inp(values([4, 3]))], {"k": -1}),
        make_case("triu/int64", "triu", [inp(values([3, 3], "int64"))], {"k": 0}),
        make_case("diag/embed", "diag", [inp(values([3]))], {"k": 0}),
        make_case("diag/embed_above", "diag", [inp(values([2]))], {"k": 2}),
        make_case("diag/extract_below", "diag", [inp(values([4, 3]))], {"k": -1}),
    ]
    return cases


def indexing_cases():
    x34 = lambda: inp(values([3, 4]))
    x234 = lambda: inp(values([2, 3, 4]))
    long = lambda data: inp(given(data, "int64"), grad=False)
    mask = lambda data: inp(given(data, "bool"), grad=False)
    get = lambda name, base, spec, *tensors: make_case(f"getitem/{name}", "getitem", [base, *tensors], {"index": spec})
    cases = [
        get("int", x34(), [["int", 1]]),
        get("negative_int", x234(), [["int", -1], ["int", 0]]),
        get("slice_step", x34(), [["slice", None, None, 2], ["slice", 1, None, None]]),
        get("negative_slice", x34(), [["slice", -2, None, None], ["slice", None, -1, None]]),
        get("none", x34(), [["none"], ["int", 0], ["none"]]),
        get("ellipsis", x234(), [["ellipsis"], ["int", 1]]),
        get("ellipsis_middle", x234(), [["int", 0], ["ellipsis"], ["slice", 1, 3, None]]),
        get("list", x34(), [["list", [2, 0, 2]]]),
        get("list_second_dim", x234(), [["slice", None, None, None], ["list", [0, 2]]]),
        get("two_lists", x34(), [["list", [0, 2, 1]], ["list", [3, 0, 3]]]),
        get("non_adjacent", x234(), [["list", [1, 0]], ["slice", None, None, None], ["list", [3, 1]]]),
        get("broadcast_indices", x34(), [["tensor", 0], ["tensor", 1]], long([[0], [2]]), long([[1, 3, 0]])),
        get("negative_indices", x34(), [["tensor", 0]], long([-1, 0, -3])),
        get("duplicates", x34(), [["tensor", 0]], long([1, 1, 1, 0])),
        get("mixed_int_and_list", x234(), [["int", 1], ["list", [0, 2]], ["slice", 1, 3, None]]),
        get("bool_mask_full", x34(), [["tensor", 0]], mask([[True, False, True, False], [False, False, True, True], [True, True, True, False]])),
        get("bool_mask_rows", x34(), [["tensor", 0]], mask([True, False, True])),
        get("bool_mask_cols", x234(), [["ellipsis"], ["tensor", 0]], mask([False, True, True, False])),
        get("slice_then_list_transposed", inp(values([4, 3]), view=T01), [["slice", 1, None, None], ["list", [3, 0]]]),
        get("empty_list", x34(), [["tensor", 0]], long([])),
        make_case("setitem/int_scalar", "setitem", [inp(values([3, 4]), grad=False), inp(given(5.0), grad=False)], {"index": [["int", 1]]}),
        make_case("setitem/slice_broadcast", "setitem", [inp(values([3, 4]), grad=False), inp(values([3]), grad=False)],
                  {"index": [["slice", None, None, None], ["slice", 1, None, None]]}),
        make_case("setitem/mask", "setitem", [inp(values([3, 4]), grad=False), inp(given(-1.0), grad=False),
                                              mask([[True, False, True, False], [False, False, True, True], [True, True, True, False]])],
                  {"index": [["tensor", 0]]}),
        make_case("setitem/lists", "setitem", [inp(values([3, 4]), grad=False), inp(values([2]), grad=False)],
                  {"index": [["list", [0, 2]], ["list", [1, 3]]]}),
        make_case("setitem/int64_tensor", "setitem", [inp(values([4], "int64"), grad=False), inp(given(7, "int64"), grad=False)],
                  {"index": [["slice", 1, 3, None]]}),
        make_case("index_select/dim0", "index_select", [x34(), long([2, 0, 2])], {"dim": 0}),
        make_case("index_select/dim1_transposed", "index_select", [inp(values([4, 3]), view=T01), long([3, 1])], {"dim": 1}),
        make_case("gather/dim1", "gather", [x34(), long([[0, 3], [1, 1], [2, 0]])], {"dim": 1}),
        make_case("gather/dim0", "gather", [x34(), long([[2, 0, 1, 0], [1, 1, 0, 2]])], {"dim": 0}),
        make_case("gather/3d", "gather", [x234(), long([[[0, 3]], [[2, 1]]])], {"dim": 2}),
        make_case("scatter/dim1", "scatter", [x34(), long([[0, 3], [1, 2], [2, 0]]), inp(values([3, 2]))], {"dim": 1}),
        # (torch's backward fails for a src larger than the index; a Swift gradcheck covers that case)
        make_case("scatter/row_index", "scatter", [x34(), long([[0, 1, 2, 0]]), inp(values([1, 4]))], {"dim": 0}),
        make_case("scatter_value/dim1", "scatter_value", [x34(), long([[0], [3], [1]])], {"dim": 1, "value": 2.5}),
        make_case("scatter_add/duplicates", "scatter_add", [x34(), long([[0, 0], [1, 3], [3, 3]]), inp(values([3, 2]))], {"dim": 1}),
        make_case("scatter_add/dim0", "scatter_add", [x34(), long([[2, 0, 0, 1], [2, 2, 1, 0]]), inp(values([2, 4]))], {"dim": 0}),
        make_case("scatter_add/zeros_base", "scatter_add", [inp(given([[0.0] * 4] * 2)), long([[0, 1, 0, 3]]), inp(values([1, 4]))], {"dim": 1}),
        make_case("masked_fill/scalar", "masked_fill", [x34(), mask([[True, False, False, True]] * 3)], {"value": -2.0}),
        make_case("masked_fill/broadcast_mask", "masked_fill", [x234(), mask([True, False, True, False])], {"value": 0.5}),
        make_case("masked_fill/int64", "masked_fill", [inp(values([4], "int64")), mask([True, False, False, True])], {"value": 9}),
        make_case("masked_fill_tensor/grad_to_value", "masked_fill_tensor", [x34(), mask([[True, False, False, True]] * 3),
                                                                              inp(given(1.5))], {}),
        make_case("masked_select/basic", "masked_select", [x34(), mask([[True, False, False, True], [False] * 4, [True] * 4])], {}),
        make_case("masked_select/broadcast", "masked_select", [inp(values([3, 1])), mask([True, False, True, True])], {}),
        make_case("nonzero/float", "nonzero", [inp(given([[0.0, 1.5, 0.0], [-2.0, 0.0, float("nan")]]), grad=False)], {}),
        make_case("nonzero/bool_3d", "nonzero", [inp(values([2, 2, 3], "bool"))], {}),
        make_case("nonzero/empty", "nonzero", [inp(given([0.0, 0.0]), grad=False)], {}),
        make_case("one_hot/infer", "one_hot", [long([0, 3, 1, 1])], {"num_classes": -1}),
        make_case("one_hot/given_2d", "one_hot", [long([[0, 2], [1, 0]])], {"num_classes": 4}),
    ]
    return cases


def inplace_cases():
    shapes = {"index_put": ([3, 3], [2, 3]), "older_view": ([3, 3], [3]), "copy_slice": ([3, 3], [3])}
    cases = []
    from optable import PROGRAMS
    for name in PROGRAMS:
        xs, ws = shapes.get(name, ([3, 3], [3]))
        cases.append(make_case(f"program/{name}", "program", [inp(values(xs)), inp(values(ws, low=0.5, high=2.0))], {"name": name}))
    return cases


def autograd_cases():
    from optable import GRAD_PROGRAMS
    return [make_case(f"grad_program/{name}", "grad_program", [inp(values([3, 4])), inp(values([3, 4]))], {"name": name})
            for name in GRAD_PROGRAMS]


def creation_cases():
    return [
        make_case("zeros/float32", "zeros", attrs={"shape": [2, 3], "dtype": "float32"}),
        make_case("zeros/int64", "zeros", attrs={"shape": [4], "dtype": "int64"}),
        make_case("ones/bool", "ones", attrs={"shape": [2, 2], "dtype": "bool"}),
        make_case("ones/float64_scalar", "ones", attrs={"shape": [], "dtype": "float64"}),
        make_case("ones/empty", "ones", attrs={"shape": [0, 5], "dtype": "float32"}),
        make_case("full/float", "full", attrs={"shape": [2, 2], "dtype": "float32", "scalar": 3.25, "scalar_type": "float"}),
        make_case("full/int", "full", attrs={"shape": [3], "dtype": "int64", "scalar": -7, "scalar_type": "int"}),
        make_case("arange/int", "arange", attrs={"start": 0, "end": 10, "step": 1}),
        make_case("arange/int_step", "arange", attrs={"start": 3, "end": -7, "step": -3}),
        make_case("arange/float_step", "arange", attrs={"start": 0.0, "end": 1.0, "step": 0.1}),
        make_case("arange/float64", "arange", attrs={"start": -1.0, "end": 1.0, "step": 0.25, "dtype": "float64"}),
        make_case("arange/empty", "arange", attrs={"start": 5, "end": 5, "step": 1}),
        make_case("random_sequence/seed0", "random_sequence",
                  attrs={"seed": 0, "draws": [{"fn": "rand", "shape": [3], "dtype": "float32"},
                                              {"fn": "randn", "shape": [2, 3], "dtype": "float32"},
                                              {"fn": "randn", "shape": [5], "dtype": "float32"},
                                              {"fn": "rand", "shape": [2, 2], "dtype": "float64"},
                                              {"fn": "randn", "shape": [3], "dtype": "float64"},
                                              {"fn": "randn", "shape": [20], "dtype": "float32"},
                                              {"fn": "randn", "shape": [16], "dtype": "float64"},
                                              {"fn": "rand", "shape": [700], "dtype": "float32"},
                                              {"fn": "randn", "shape": [4, 33], "dtype": "float32"}]}),
        make_case("random_sequence/generator", "random_sequence",
                  attrs={"seed": 7, "generator": True, "draws": [
                      {"fn": "randint", "low": 3, "high": 13, "shape": [6]},
                      {"fn": "randint", "low": -5, "high": 5, "shape": [2, 3], "dtype": "float32"},
                      {"fn": "randperm", "n": 10},
                      {"fn": "randperm", "n": 1},
                      {"fn": "rand", "shape": [4], "dtype": "float32"},
                      {"fn": "normal_", "shape": [5], "mean": 2.0, "std": 0.5},
                      {"fn": "normal_", "shape": [20], "mean": -1.0, "std": 3.0, "dtype": "float64"},
                      {"fn": "uniform_", "shape": [7], "low": -2.0, "high": 3.0},
                      {"fn": "randint", "low": 0, "high": 2 ** 40, "shape": [3]},
                      {"fn": "randn", "shape": [3], "dtype": "float32"}]}),
        make_case("random_sequence/default_randperm", "random_sequence",
                  attrs={"seed": 0, "draws": [{"fn": "randperm", "n": 100}, {"fn": "randint", "low": 0, "high": 10, "shape": [5]}]}),
        make_case("eye/square", "eye", attrs={"n": 3, "dtype": "float32"}),
        make_case("eye/rectangular_int", "eye", attrs={"n": 2, "m": 4, "dtype": "int64"}),
        make_case("linspace/float", "linspace", attrs={"start": -1.0, "end": 2.0, "steps": 7, "dtype": "float32"}),
        make_case("linspace/float64", "linspace", attrs={"start": 0.0, "end": 1.0, "steps": 11, "dtype": "float64"}),
        make_case("linspace/one_step", "linspace", attrs={"start": 3.0, "end": 5.0, "steps": 1, "dtype": "float32"}),
        make_case("linspace/int", "linspace", attrs={"start": 0.0, "end": 10.0, "steps": 4, "dtype": "int64"}),
        make_case("random_sequence/seed42", "random_sequence",
                  attrs={"seed": 42, "draws": [{"fn": "randn", "shape": [1], "dtype": "float32"},
                                               {"fn": "randn", "shape": [1], "dtype": "float32"},
                                               {"fn": "randn", "shape": [64, 30], "dtype": "float32"},
                                               {"fn": "rand", "shape": [1000], "dtype": "float32"}]}),
    ]


def repr_cases():
    """torch's printed form of tensors, for the Python front's __repr__ (torch. -> cajal.)."""
    specs = [
        ([1.0, 2.0, 3.0], "float32", False),
        ([[1.0, 2.0], [3.0, 4.0]], "float32", True),
        ([[1.5, -2.25], [3.125, 4.0]], "float32", False),
        ([1e-5, 1.0, 1e5], "float32", False),
        ([0.1, 123456.7], "float32", False),
        ([1.0, 2.5, 3.0], "float64", False),
        ([1, -20, 300], "int64", False),
        ([True, False, True], "bool", False),
        ([float("nan"), float("inf"), -1.0], "float32", False),
        ([float("nan"), 2.0], "float32", False),
        ([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]], "float32", False),
        (3.5, "float32", False),
        (7, "int64", False),
        (True, "bool", False),
        (2.0, "float64", True),
        ([], "float32", False),
        ([], "int64", False),
        ([0.0, -0.0, 1e-10], "float32", False),
        ([1e10, 1.0], "float32", False),
        (list(range(30)), "float32", False),
        ([[0.5] * 25, [1.5] * 25], "float32", False),
        ([x / 7 for x in range(1200)], "float32", False),
        ([[float(i * 40 + j) for j in range(40)] for i in range(40)], "float32", False),
        (list(range(2000)), "int64", False),
    ]
    cases = []
    for data, dtype, grad in specs:
        t = torch.tensor(data, dtype=DTYPES[dtype], requires_grad=grad)
        cases.append({"data": data, "dtype": dtype, "requires_grad": grad, "repr": repr(t)})
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    cases.append({"data": [1.0, 2.0], "dtype": "float32", "requires_grad": True, "times_two_plus_one": True,
                  "repr": repr(x * 2 + 1)})
    empty = torch.zeros(0, 3)
    cases.append({"zeros": [0, 3], "dtype": "float32", "requires_grad": False, "repr": repr(empty)})
    return cases


def fuzz_calls(count=3000):
    """Random calls (fuzztable.py) and what torch does with each: the
    outputs, or the class of the exception it raises."""
    import warnings
    from fuzztable import draw_call, run
    fuzz_rng = np.random.default_rng(1121)
    calls = []
    for _ in range(count):
        call = draw_call(fuzz_rng)
        tensors = [decode(spec) for spec in call["inputs"]]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out = run(torch, call, tensors)
            outputs = list(out) if isinstance(out, tuple) else [out]
            call["outputs"] = [encode(o) for o in outputs]
        except Exception as error:  # noqa: BLE001 - the class is the expected outcome
            call["error"] = type(error).__name__
        calls.append(call)
    return calls


def nn_cases():
    """torch.nn.functional: convolutions, pooling, linear, activations and losses."""
    cases = []

    def conv(name, op, x_shape, w_shape, bias=True, stride=1, padding=0, dilation=1, groups=1, view=None, accumulated=None):
        inputs = [inp(values(x_shape), view=view), inp(values(w_shape, low=-1.0, high=1.0))]
        if bias:
            inputs.append(inp(values([w_shape[0]])))
        attrs = {"bias": bias, "stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
        k = accumulated or int(np.prod(w_shape[1:]))
        cases.append(make_case(name, op, inputs, attrs, accumulated=k))

    conv("conv2d/basic", "conv2d", [2, 3, 7, 6], [4, 3, 3, 3])
    conv("conv2d/no_bias", "conv2d", [1, 2, 5, 5], [3, 2, 2, 2], bias=False)
    conv("conv2d/stride_padding", "conv2d", [2, 2, 8, 7], [3, 2, 3, 2], stride=[2, 1], padding=[1, 2])
    conv("conv2d/dilation", "conv2d", [1, 2, 9, 9], [2, 2, 3, 3], dilation=2, padding=1)
    conv("conv2d/groups", "conv2d", [2, 4, 6, 6], [6, 2, 3, 3], groups=2, stride=2)
    conv("conv2d/depthwise", "conv2d", [1, 3, 5, 5], [3, 1, 3, 3], groups=3, padding=1)
    conv("conv2d/same_even_kernel", "conv2d", [1, 2, 6, 5], [2, 2, 4, 2], padding="same")
    conv("conv2d/valid", "conv2d", [1, 1, 5, 5], [1, 1, 5, 5], padding="valid")
    conv("conv2d/unbatched", "conv2d", [2, 5, 5], [3, 2, 3, 3])
    conv("conv2d/transposed_input", "conv2d", [2, 1, 6, 5], [2, 1, 3, 3], view=[{"kind": "transpose", "dim0": 2, "dim1": 3}])
    conv("conv2d/float64", "conv2d", [1, 2, 5, 5], [2, 2, 3, 3])
    cases[-1] = make_case("conv2d/float64", "conv2d", [inp(values([1, 2, 5, 5], "float64")),
                                                     inp(values([2, 2, 3, 3], "float64")), inp(values([2], "float64"))],
                          {"bias": True, "stride": 1, "padding": 0, "dilation": 1, "groups": 1})
    # Big enough that images are split across cores (per-part weight-gradient
    # sums, whose reductions run over batch x output positions).
    conv("conv2d/lenet_batch_split", "conv2d", [8, 6, 14, 14], [16, 6, 5, 5], accumulated=8 * 10 * 10)
    conv("conv2d/groups_batch_split", "conv2d", [6, 4, 12, 12], [8, 2, 3, 3], groups=2, padding=1,
         accumulated=6 * 12 * 12)
    conv("conv1d/basic", "conv1d", [2, 3, 10], [4, 3, 3], stride=2, padding=1)
    conv("conv1d/same_dilated", "conv1d", [1, 2, 9], [2, 2, 3], padding="same", dilation=3, bias=False)

    def pool(name, op, shape, **attrs):
        cases.append(make_case(name, op, [inp(values(shape))], attrs))

    pool("max_pool2d/basic", "max_pool2d", [2, 3, 6, 6], kernel_size=2, stride=None, padding=0, dilation=1, ceil_mode=False)
    pool("max_pool2d/overlap_pad_ceil", "max_pool2d", [1, 2, 7, 8], kernel_size=3, stride=2, padding=1, dilation=1,
         ceil_mode=True)
    pool("max_pool2d/dilation", "max_pool2d", [1, 1, 9, 9], kernel_size=[2, 3], stride=[1, 2], padding=0, dilation=2,
         ceil_mode=False)
    cases.append(make_case("max_pool2d/ties_and_nan", "max_pool2d",
                           [inp(given([[[[1.0, 1.0, 2.0, 2.0], [0.0, 1.0, float("nan"), 2.0]]]]))],
                           {"kernel_size": 2, "stride": None, "padding": 0, "dilation": 1, "ceil_mode": False}))
    pool("avg_pool2d/basic", "avg_pool2d", [2, 2, 6, 6], kernel_size=2, stride=None, padding=0, ceil_mode=False,
         count_include_pad=True, divisor_override=None)
    pool("avg_pool2d/pad_include", "avg_pool2d", [1, 2, 7, 7], kernel_size=3, stride=2, padding=1, ceil_mode=True,
         count_include_pad=True, divisor_override=None)
    pool("avg_pool2d/pad_exclude", "avg_pool2d", [1, 2, 7, 7], kernel_size=3, stride=2, padding=1, ceil_mode=True,
         count_include_pad=False, divisor_override=None)
    pool("avg_pool2d/divisor", "avg_pool2d", [1, 1, 4, 4], kernel_size=2, stride=1, padding=0, ceil_mode=False,
         count_include_pad=True, divisor_override=3)
    pool("max_pool1d/basic", "max_pool1d", [2, 3, 11], kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)
    pool("avg_pool1d/basic", "avg_pool1d", [2, 3, 11], kernel_size=4, stride=3, padding=2, ceil_mode=True,
         count_include_pad=False)

    cases.append(make_case("linear/bias", "linear", [inp(values([3, 5])), inp(values([4, 5])), inp(values([4]))],
                           {"bias": True}))
    cases.append(make_case("linear/batched_no_bias", "linear", [inp(values([2, 3, 5])), inp(values([4, 5]))],
                           {"bias": False}))
    for dim in (0, 1, -1):
        cases.append(make_case(f"softmax/dim{dim}", "softmax", [inp(values([3, 4], low=-4.0, high=4.0))], {"dim": dim}))
        cases.append(make_case(f"log_softmax/dim{dim}", "log_softmax", [inp(values([3, 4], low=-4.0, high=4.0))],
                               {"dim": dim}))
    cases.append(make_case("log_softmax/large", "log_softmax", [inp(given([[1000.0, 0.0, -1000.0]]))], {"dim": 1}))
    act = lambda: [inp(values([3, 5], low=-4.0, high=4.0))]  # noqa: E731
    cases += [
        make_case("leaky_relu/default", "leaky_relu", act(), {"negative_slope": 0.01}),
        make_case("leaky_relu/slope", "leaky_relu", act(), {"negative_slope": 0.2}),
        make_case("elu/alpha", "elu", act(), {"alpha": 1.5}),
        make_case("gelu/exact", "gelu", act(), {"approximate": "none"}),
        make_case("gelu/tanh", "gelu", act(), {"approximate": "tanh"}),
        make_case("silu/basic", "silu", act(), {}),
        make_case("softplus/default", "softplus", act(), {"beta": 1.0, "threshold": 20.0}),
        make_case("softplus/beta_threshold", "softplus", act(), {"beta": 2.0, "threshold": 3.0}),
        make_case("hardtanh/range", "hardtanh", act(), {"min": -1.0, "max": 2.0}),
    ]
    for reduction in ("none", "mean", "sum"):
        pair = lambda: [inp(values([3, 4])), inp(values([3, 4]))]  # noqa: E731
        cases.append(make_case(f"mse_loss/{reduction}", "mse_loss", pair(), {"reduction": reduction}))
        cases.append(make_case(f"l1_loss/{reduction}", "l1_loss", pair(), {"reduction": reduction}))
        probabilities = inp(values([3, 4], low=0.05, high=0.95))
        cases.append(make_case(f"binary_cross_entropy/{reduction}", "binary_cross_entropy",
                               [probabilities, inp(values([3, 4], low=0.0, high=1.0), grad=False),
                                inp(values([4], positive=True), grad=False)],
                               {"weight": True, "reduction": reduction}))
        cases.append(make_case(f"binary_cross_entropy_with_logits/{reduction}", "binary_cross_entropy_with_logits",
                               [inp(values([3, 4], low=-30.0, high=30.0)), inp(values([3, 4], low=0.0, high=1.0)),
                                inp(values([4], positive=True), grad=False), inp(values([4], positive=True), grad=False)],
                               {"weight": True, "pos_weight": True, "reduction": reduction}))
        target = inp(given([0, 3, 1, 4, 2], "int64"))
        cases.append(make_case(f"nll_loss/{reduction}", "nll_loss",
                               [inp(values([5, 5], low=-3.0, high=0.0)), target, inp(values([5], positive=True), grad=False)],
                               {"weight": True, "ignore_index": 3, "reduction": reduction}))
        cases.append(make_case(f"cross_entropy/{reduction}", "cross_entropy",
                               [inp(values([5, 5], low=-3.0, high=3.0)), target],
                               {"weight": False, "ignore_index": -100, "reduction": reduction, "label_smoothing": 0.0}))
        cases.append(make_case(f"cross_entropy/weight_ignore_smoothing_{reduction}", "cross_entropy",
                               [inp(values([5, 5], low=-3.0, high=3.0)), target, inp(values([5], positive=True), grad=False)],
                               {"weight": True, "ignore_index": 4, "reduction": reduction, "label_smoothing": 0.15}))
        cases.append(make_case(f"cross_entropy/probabilities_{reduction}", "cross_entropy",
                               [inp(values([4, 3], low=-3.0, high=3.0)), inp(values([4, 3], low=0.0, high=1.0)),
                                inp(values([3], positive=True), grad=False)],
                               {"weight": True, "ignore_index": -100, "reduction": reduction, "label_smoothing": 0.1}))
        cases.append(make_case(f"cross_entropy/segmentation_{reduction}", "cross_entropy",
                               [inp(values([2, 3, 4, 4], low=-3.0, high=3.0)),
                                inp(given(rng.integers(0, 3, size=(2, 4, 4)).tolist(), "int64"))],
                               {"weight": False, "ignore_index": 1, "reduction": reduction, "label_smoothing": 0.0}))
    cases.append(make_case("cross_entropy/unbatched", "cross_entropy",
                           [inp(values([5], low=-3.0, high=3.0)), inp(given(2, "int64"))],
                           {"weight": False, "ignore_index": -100, "reduction": "mean", "label_smoothing": 0.0}))
    cases.append(make_case("cross_entropy/large_logits", "cross_entropy",
                           [inp(given([[1000.0, -1000.0, 0.0], [-500.0, 500.0, 0.0]])), inp(given([1, 1], "int64"))],
                           {"weight": False, "ignore_index": -100, "reduction": "mean", "label_smoothing": 0.0}))
    return cases


def nn_more_cases():
    """More activations, normalisation layers and embedding."""
    act = lambda: [inp(values([3, 5], low=-4.0, high=4.0))]  # noqa: E731
    cases = [
        make_case("selu/basic", "selu", act(), {}),
        make_case("celu/alpha", "celu", act(), {"alpha": 0.7}),
        make_case("mish/basic", "mish", act(), {}),
        make_case("softsign/basic", "softsign", act(), {}),
        make_case("hardsigmoid/basic", "hardsigmoid", [inp(values([3, 5], low=-5.0, high=5.0))], {}),
        make_case("hardswish/basic", "hardswish", [inp(values([3, 5], low=-5.0, high=5.0))], {}),
        make_case("logsigmoid/large", "logsigmoid", [inp(given([-200.0, -3.0, 0.0, 2.0, 200.0]))], {}),
        make_case("threshold/basic", "threshold", act(), {"threshold": 0.5, "value": -1.5}),
        make_case("prelu/shared", "prelu", [inp(values([2, 3, 4])), inp(given([0.25]))], {}),
        make_case("prelu/per_channel", "prelu", [inp(values([2, 3, 4])), inp(values([3]))], {}),
        make_case("layer_norm/affine", "layer_norm", [inp(values([2, 3, 4])), inp(values([3, 4])), inp(values([3, 4]))],
                  {"shape": [3, 4], "affine": True, "eps": 1e-5}, accumulated=12),
        make_case("layer_norm/plain", "layer_norm", [inp(values([4, 6]))], {"shape": [6], "affine": False, "eps": 1e-3},
                  accumulated=6),
        make_case("group_norm/affine", "group_norm", [inp(values([2, 6, 3])), inp(values([6])), inp(values([6]))],
                  {"groups": 3, "affine": True, "eps": 1e-5}, accumulated=6),
        make_case("instance_norm/affine", "instance_norm", [inp(values([2, 3, 4, 4])), inp(values([3])), inp(values([3]))],
                  {"affine": True, "eps": 1e-5}, accumulated=16),
        make_case("batch_norm/training", "batch_norm", [inp(values([4, 3, 5])), inp(values([3])), inp(values([3]))],
                  {"running": True, "training": True, "momentum": 0.1, "eps": 1e-5}, accumulated=20),
        make_case("batch_norm/eval_running", "batch_norm", [inp(values([4, 3])), inp(values([3])), inp(values([3]))],
                  {"running": True, "training": False, "momentum": 0.1, "eps": 1e-5}),
        make_case("batch_norm/no_running_2d", "batch_norm", [inp(values([3, 2, 3, 3])), inp(values([2])), inp(values([2]))],
                  {"running": False, "training": True, "momentum": 0.1, "eps": 1e-5}, accumulated=27),
        make_case("embedding/basic", "embedding", [inp(values([5, 3])), inp(given([[0, 4, 1], [4, 4, 2]], "int64"))],
                  {"padding_idx": None}),
        make_case("embedding/padding", "embedding", [inp(values([5, 3])), inp(given([[0, 4, 1], [4, 4, 2]], "int64"))],
                  {"padding_idx": 4}),
    ]
    return cases


def loss_cases():
    """The regression, distribution, embedding and ranking losses."""
    cases = []
    pair = lambda: [inp(values([3, 4], low=-3.0, high=3.0)), inp(values([3, 4]))]  # noqa: E731
    for reduction in ("none", "mean", "sum"):
        cases += [
            make_case(f"smooth_l1_loss/{reduction}", "smooth_l1_loss", pair(), {"reduction": reduction, "beta": 0.5}),
            make_case(f"huber_loss/{reduction}", "huber_loss", pair(), {"reduction": reduction, "delta": 0.8}),
            make_case(f"kl_div/log_target_{reduction}", "kl_div", pair(), {"reduction": reduction, "log_target": True}),
            make_case(f"kl_div/{reduction}", "kl_div",
                      [inp(values([3, 4], low=-3.0, high=-0.1)), inp(given([[0.0, 0.2, 0.3, 0.5], [0.25] * 4, [0.1, 0.0, 0.0, 0.9]]), grad=False)],
                      {"reduction": reduction, "log_target": False}),
            make_case(f"gaussian_nll_loss/{reduction}", "gaussian_nll_loss",
                      [inp(values([3, 4])), inp(values([3, 4])), inp(values([3, 4], low=0.2, high=2.0))],
                      {"full": True, "eps": 1e-6, "reduction": reduction}),
            make_case(f"poisson_nll_loss/{reduction}", "poisson_nll_loss",
                      [inp(values([3, 4])), inp(values([3, 4], low=0.0, high=4.0))],
                      {"log_input": True, "full": True, "reduction": reduction}),
            make_case(f"poisson_nll_loss/rates_{reduction}", "poisson_nll_loss",
                      [inp(values([3, 4], low=0.1, high=3.0)), inp(values([3, 4], low=0.0, high=4.0))],
                      {"log_input": False, "full": False, "reduction": reduction}),
            make_case(f"cosine_embedding_loss/{reduction}", "cosine_embedding_loss",
                      [inp(values([4, 5])), inp(values([4, 5])), inp(given([1, -1, 1, -1], "int64"))],
                      {"margin": 0.2, "reduction": reduction}),
            make_case(f"margin_ranking_loss/{reduction}", "margin_ranking_loss",
                      [inp(values([5])), inp(values([5])), inp(given([1.0, -1.0, 1.0, -1.0, 1.0]), grad=False)],
                      {"margin": 0.1, "reduction": reduction}),
            make_case(f"triplet_margin_loss/{reduction}", "triplet_margin_loss",
                      [inp(values([3, 4])), inp(values([3, 4])), inp(values([3, 4]))],
                      {"margin": 1.0, "p": 2.0, "swap": reduction == "sum", "reduction": reduction}),
        ]
    cases.append(make_case("kl_div/batchmean", "kl_div", pair(), {"reduction": "batchmean", "log_target": True}))
    return cases


def fused_loss_cases():
    """binary_cross_entropy_with_logits through its fused kernel (a constant
    target): 35 elements (two vectors and a tail of 3), with and without
    weight and pos_weight, float64, a transposed input, and extreme logits.
    An RNG of its own."""
    global rng
    shared, rng = rng, np.random.default_rng(2327)
    cases = []
    op = "binary_cross_entropy_with_logits"
    logits = lambda: inp(values([5, 7], low=-30.0, high=30.0))  # noqa: E731
    targets = lambda dtype="float32": inp(values([5, 7], dtype, low=0.0, high=1.0), grad=False)  # noqa: E731
    for reduction in ("none", "mean", "sum"):
        cases.append(make_case(f"{op}/fused_{reduction}", op, [logits(), targets()],
                               {"weight": False, "pos_weight": False, "reduction": reduction}))
        cases.append(make_case(f"{op}/fused_weights_{reduction}", op,
                               [logits(), targets(), inp(values([5, 1], positive=True), grad=False),
                                inp(values([7], positive=True), grad=False)],
                               {"weight": True, "pos_weight": True, "reduction": reduction}))
        cases.append(make_case(f"{op}/fused_float64_{reduction}", op,
                               [inp(values([5, 7], "float64", low=-30.0, high=30.0)), targets("float64"),
                                inp(values([7], "float64", positive=True), grad=False),
                                inp(values([7], "float64", positive=True), grad=False)],
                               {"weight": True, "pos_weight": True, "reduction": reduction}))
    cases.append(make_case(f"{op}/fused_transposed", op,
                           [inp(values([7, 5], low=-5.0, high=5.0), view=T01), targets()],
                           {"weight": False, "pos_weight": False, "reduction": "mean"}))
    extremes = [-200.0, -100.0, -88.5, -20.0, -17.0, -1e-3, -1e-8, 0.0, 1e-8, 1e-3, 17.0, 20.0, 88.5, 100.0, 200.0, 0.5,
                -0.5, 3.0, -3.0]
    for target in (0.0, 1.0, 0.25):
        cases.append(make_case(f"{op}/fused_extremes_target_{target}", op,
                               [inp(given(extremes)), inp(given([target] * len(extremes)), grad=False),
                                inp(given([2.5] * len(extremes)), grad=False)],
                               {"weight": False, "pos_weight": True, "reduction": "none"}))
    rng = shared
    return cases


def resampling_cases():
    """Padding, pixel shuffle, interpolation and adaptive average pooling."""
    image = lambda: [inp(values([2, 3, 5, 7]))]  # noqa: E731
    cases = [
        make_case("pad/constant", "pad", image(), {"pad": [1, 2, 0, 3], "value": 0.5}),
        make_case("pad/crop", "pad", image(), {"pad": [-1, 2, 1, -2], "value": 0.0}),
        make_case("pixel_shuffle/two", "pixel_shuffle", [inp(values([2, 8, 3, 4]))], {"factor": 2}),
        make_case("adaptive_avg_pool2d/uneven", "adaptive_avg_pool2d", image(), {"output_size": [3, 4]}),
        make_case("adaptive_avg_pool2d/global", "adaptive_avg_pool2d", image(), {"output_size": [1, 1]}),
        make_case("adaptive_avg_pool1d/uneven", "adaptive_avg_pool1d", [inp(values([2, 3, 11]))], {"output_size": 4}),
        make_case("interpolate/linear_1d", "interpolate", [inp(values([2, 3, 11]))],
                  {"size": 17, "scale_factor": None, "mode": "linear", "align_corners": False}),
    ]
    for size, scale in (([10, 14], None), ([3, 4], None), (None, 1.5), (None, 2.0)):
        label = f"size_{size[0]}x{size[1]}" if size else f"scale_{scale}"
        cases.append(make_case(f"interpolate/nearest_{label}", "interpolate", image(),
                               {"size": size, "scale_factor": scale, "mode": "nearest", "align_corners": None}))
        for corners in (False, True):
            cases.append(make_case(f"interpolate/bilinear_{label}_{corners}", "interpolate", image(),
                                   {"size": size, "scale_factor": scale, "mode": "bilinear", "align_corners": corners}))
    for name, x_shape, w_shape, attrs in (
            ("basic", [2, 4, 5, 6], [4, 3, 3, 2], {"stride": 1, "padding": 0, "output_padding": 0, "groups": 1, "dilation": 1}),
            ("upsample", [1, 3, 4, 4], [3, 2, 2, 2], {"stride": 2, "padding": 0, "output_padding": 0, "groups": 1, "dilation": 1}),
            ("padding_output_padding", [2, 2, 4, 3], [2, 3, 3, 3],
             {"stride": 2, "padding": 1, "output_padding": 1, "groups": 1, "dilation": 1}),
            ("groups_dilation", [1, 4, 3, 4], [4, 1, 2, 3], {"stride": [2, 1], "padding": 0, "output_padding": 0, "groups": 2,
                                                             "dilation": 2})):
        inputs = [inp(values(x_shape)), inp(values(w_shape, low=-1.0, high=1.0)), inp(values([w_shape[1] * attrs["groups"]]))]
        cases.append(make_case(f"conv_transpose2d/{name}", "conv_transpose2d", inputs, dict(attrs, bias=True),
                               accumulated=int(np.prod(w_shape[1:])) * 4))
    return cases


def spatial_transformer_cases():
    """affine_grid and grid_sample, every mode, padding and corner rule."""
    theta = given([[[1.0, 0.2, 0.1], [-0.1, 0.9, 0.05]], [[0.8, -0.3, -0.2], [0.3, 1.1, 0.1]]])
    cases = []
    for corners in (False, True):
        cases.append(make_case(f"affine_grid/corners_{corners}", "affine_grid", [inp(theta)],
                               {"size": [2, 3, 5, 6], "align_corners": corners}))
    for mode in ("bilinear", "nearest"):
        for padding in ("zeros", "border", "reflection"):
            for corners in (False, True):
                cases.append(make_case(f"grid_sample/{mode}_{padding}_{corners}", "grid_sample",
                                       [inp(values([2, 3, 5, 6])), inp(values([2, 4, 7, 2], low=-1.3, high=1.3))],
                                       {"mode": mode, "padding_mode": padding, "align_corners": corners}))
    return cases


def adaptive_max_cases():
    return [
        make_case("adaptive_max_pool2d/uneven", "adaptive_max_pool2d", [inp(values([2, 3, 5, 7]))], {"output_size": [3, 4]}),
        make_case("adaptive_max_pool2d/global", "adaptive_max_pool2d", [inp(values([2, 3, 5, 7]))], {"output_size": [1, 1]}),
        make_case("adaptive_max_pool2d/upsampling", "adaptive_max_pool2d", [inp(values([1, 2, 3, 2]))], {"output_size": [4, 5]}),
    ]


def volume_cases():
    """The 3-d layers of CT and MRI models (issue 20): conv3d and its
    transpose (and conv_transpose1d), 3-d max/avg/adaptive pooling, adaptive
    max pooling in 1-d, instance norm with running statistics, batch norm,
    padding, interpolation and the spatial transformer on volumes. An RNG of
    their own, so adding them changed no other fixture."""
    global rng
    shared, rng = rng, np.random.default_rng(20261207 + 20)
    cases = []

    def conv(name, op, x_shape, w_shape, bias=True, view=None, **attrs):
        attrs = {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, **attrs}
        inputs = [inp(values(x_shape), view=view), inp(values(w_shape, low=-1.0, high=1.0))]
        out_channels = w_shape[0] if op == "conv3d" else w_shape[1] * attrs["groups"]
        if bias:
            inputs.append(inp(values([out_channels])))
        cases.append(make_case(name, op, inputs, dict(attrs, bias=bias), accumulated=int(np.prod(w_shape[1:])) * 8))

    conv("conv3d/basic", "conv3d", [2, 3, 5, 6, 4], [4, 3, 3, 3, 2])
    conv("conv3d/stride_padding", "conv3d", [1, 2, 7, 6, 5], [3, 2, 3, 3, 3], stride=[2, 1, 2], padding=[1, 2, 0])
    conv("conv3d/dilation_groups", "conv3d", [2, 4, 7, 7, 6], [4, 2, 2, 3, 2], dilation=[2, 1, 2], groups=2, padding=1)
    conv("conv3d/same", "conv3d", [1, 2, 4, 5, 6], [2, 2, 2, 3, 4], padding="same", bias=False)
    conv("conv3d/unbatched", "conv3d", [2, 4, 4, 4], [3, 2, 3, 3, 3], padding=1)
    conv("conv3d/transposed_input", "conv3d", [1, 2, 5, 4, 6], [2, 2, 2, 2, 2],
         view=[{"kind": "transpose", "dim0": 2, "dim1": 4}])
    conv("conv_transpose3d/upsample", "conv_transpose3d", [1, 3, 3, 4, 3], [3, 2, 2, 2, 2], stride=2, output_padding=0)
    conv("conv_transpose3d/padding_output_padding", "conv_transpose3d", [2, 2, 3, 3, 4], [2, 3, 3, 3, 3], stride=2,
         padding=1, output_padding=1)
    conv("conv_transpose3d/groups_dilation", "conv_transpose3d", [1, 4, 3, 3, 3], [4, 1, 2, 2, 3], stride=[1, 2, 1],
         groups=2, dilation=[2, 1, 1], output_padding=0)
    conv("conv_transpose1d/basic", "conv_transpose1d", [2, 3, 7], [3, 2, 4], stride=3, padding=1, output_padding=2)

    def pool(name, op, shape, **attrs):
        cases.append(make_case(name, op, [inp(values(shape))], attrs))

    pool("max_pool3d/basic", "max_pool3d", [2, 3, 4, 6, 6], kernel_size=2, stride=None, padding=0, dilation=1,
         ceil_mode=False)
    pool("max_pool3d/overlap_pad_ceil", "max_pool3d", [1, 2, 7, 6, 5], kernel_size=3, stride=2, padding=1, dilation=1,
         ceil_mode=True)
    pool("max_pool3d/dilation_unbatched", "max_pool3d", [2, 7, 8, 9], kernel_size=[2, 3, 2], stride=[1, 2, 2],
         padding=[1, 0, 1], dilation=[2, 1, 3], ceil_mode=False)
    cases.append(make_case("max_pool3d/ties_and_nan", "max_pool3d",
                           [inp(given([[[[[1.0, 2.0], [2.0, 0.0]], [[2.0, 1.0], [float("nan"), 2.0]]]]]))],
                           {"kernel_size": 2, "stride": None, "padding": 0, "dilation": 1, "ceil_mode": False}))
    for name, include, divisor in (("include", True, None), ("exclude", False, None), ("divisor", True, 5)):
        pool(f"avg_pool3d/{name}", "avg_pool3d", [1, 2, 6, 7, 5], kernel_size=[3, 2, 3], stride=2, padding=1,
             ceil_mode=True, count_include_pad=include, divisor_override=divisor)
    pool("adaptive_avg_pool3d/uneven", "adaptive_avg_pool3d", [2, 2, 5, 7, 6], output_size=[2, 3, 4])
    pool("adaptive_max_pool3d/uneven", "adaptive_max_pool3d", [2, 2, 5, 7, 6], output_size=[2, 3, 4])
    pool("adaptive_max_pool3d/upsampling", "adaptive_max_pool3d", [1, 2, 2, 3, 2], output_size=[3, 4, 3])
    pool("adaptive_max_pool1d/uneven", "adaptive_max_pool1d", [2, 3, 11], output_size=4)

    volume = lambda: [inp(values([2, 3, 4, 5, 6]))]  # noqa: E731
    for affine in (False, True):
        extra = [inp(values([3])), inp(values([3]))] if affine else []
        for use_input_stats in (True, False):
            cases.append(make_case(f"instance_norm_running/affine_{affine}_input_stats_{use_input_stats}",
                                   "instance_norm_running", volume() + extra,
                                   {"affine": affine, "use_input_stats": use_input_stats, "momentum": 0.1, "eps": 1e-5}))
    cases.append(make_case("batch_norm/volume_training", "batch_norm", volume() + [inp(values([3])), inp(values([3]))],
                           {"running": True, "training": True, "momentum": 0.1, "eps": 1e-5}))
    cases.append(make_case("pad/volume_constant", "pad", volume(), {"pad": [1, 2, 0, 1, 2, 0], "value": 0.25}))
    for size, scale in (([6, 7, 9], None), (None, 2.0)):
        label = f"size_{size[0]}x{size[1]}x{size[2]}" if size else f"scale_{scale}"
        cases.append(make_case(f"interpolate/nearest_3d_{label}", "interpolate", volume(),
                               {"size": size, "scale_factor": scale, "mode": "nearest", "align_corners": None}))
        for corners in (False, True):
            cases.append(make_case(f"interpolate/trilinear_{label}_{corners}", "interpolate", volume(),
                                   {"size": size, "scale_factor": scale, "mode": "trilinear", "align_corners": corners}))
    theta = given([[[1.0, 0.2, 0.1, 0.05], [-0.1, 0.9, 0.05, -0.1], [0.05, 0.1, 1.1, 0.2]],
                   [[0.8, -0.3, -0.2, 0.1], [0.3, 1.1, 0.1, 0.0], [0.0, -0.2, 0.9, -0.05]]])
    for corners in (False, True):
        cases.append(make_case(f"affine_grid/volume_corners_{corners}", "affine_grid", [inp(theta)],
                               {"size": [2, 3, 4, 5, 6], "align_corners": corners}))
    for mode in ("bilinear", "nearest"):
        for padding in ("zeros", "border", "reflection"):
            for corners in (False, True):
                cases.append(make_case(f"grid_sample/volume_{mode}_{padding}_{corners}", "grid_sample",
                                       [inp(values([2, 3, 4, 5, 6])), inp(values([2, 3, 4, 5, 3], low=-1.3, high=1.3))],
                                       {"mode": mode, "padding_mode": padding, "align_corners": corners}))
    # F.pad's other modes (and Conv's padding_mode, which pads with them), 1-d to 3-d, with crops.
    for mode in ("reflect", "replicate", "circular"):
        for shape, pads in (([2, 3, 7], [2, 3]), ([3, 5, 6], [1, -1]), ([2, 2, 5, 6], [3, 1, 0, 4]),
                            ([2, 2, 4, 5, 6], [1, 2, 3, 0, 2, 1])):
            cases.append(make_case(f"pad/{mode}_{len(pads) // 2}d_{'x'.join(map(str, shape))}", "pad_mode",
                                   [inp(values(shape))], {"pad": pads, "mode": mode}))
    rng = shared
    return cases


def everyday_cases():
    """The rest of everyday torch.nn (issue 20): unfold/fold, the shuffles,
    max_unpool, lp_pool, distances, more activations and losses, and CTC.
    An RNG of their own, so adding them changed no other fixture."""
    global rng
    shared, rng = rng, np.random.default_rng(20261207 + 21)
    cases = []

    def case(name, op, inputs, accumulated=0, **attrs):
        cases.append(make_case(name, op, inputs, attrs, accumulated=accumulated))

    def x(*shape, **kw):
        return inp(values(list(shape), **kw))

    def labels(data, shape=None):
        return inp(given(data, dtype="int64", shape=shape))

    case("unfold/stride_dilation_padding", "unfold", [x(2, 3, 6, 7)], kernel_size=[2, 3], dilation=[1, 2], padding=1,
         stride=[2, 1])
    case("unfold/unbatched", "unfold", [x(3, 5, 5)], kernel_size=2, dilation=1, padding=0, stride=1)
    cases.append(make_case("unfold/transposed_input", "unfold", [inp(values([1, 2, 5, 4]), view=[{"kind": "transpose", "dim0": 2, "dim1": 3}])],
                           {"kernel_size": 3, "dilation": 1, "padding": [1, 0], "stride": 2}))
    case("fold/overlapping", "fold", [x(2, 12, 12)], accumulated=4, output_size=[5, 6], kernel_size=2, dilation=1,
         padding=1, stride=2)
    case("fold/unbatched_dilated", "fold", [x(8, 4)], accumulated=4, output_size=[6, 6], kernel_size=2, dilation=2,
         padding=0, stride=2)
    case("fold/sum_of_overlaps", "fold", [x(1, 18, 20)], accumulated=9, output_size=[6, 7], kernel_size=3, dilation=1,
         padding=0, stride=1)
    case("pixel_unshuffle/basic", "pixel_unshuffle", [x(2, 3, 4, 6)], factor=2)
    case("pixel_unshuffle/unbatched", "pixel_unshuffle", [x(2, 6, 9)], factor=3)
    case("channel_shuffle/groups_3", "channel_shuffle", [x(2, 6, 2, 3)], groups=3)
    for dims, shape, kernel, stride, size in ((1, [2, 3, 9], 2, 2, None), (2, [2, 2, 6, 5], 2, 2, [6, 5]),
                                              (2, [1, 3, 7, 7], 3, 2, None), (3, [1, 2, 4, 4, 6], 2, 2, None)):
        case(f"max_unpool{dims}d/{'x'.join(map(str, shape))}", "max_unpool", [x(*shape)], dims=dims, kernel_size=kernel,
             stride=stride, output_size=size)
    zero_row = given([[0.0, 0.0, 0.0], [1.0, -2.0, 0.5], [3.0, 0.25, -1.5]])
    case("normalize/p2_dim1", "normalize", [x(4, 5)], p=2.0, dim=1)
    case("normalize/p1_last_dim", "normalize", [x(2, 3, 4)], p=1.0, dim=-1)
    case("normalize/zero_row", "normalize", [inp(zero_row)], p=2.0, dim=1)
    case("cosine_similarity/broadcast", "cosine_similarity", [x(4, 5), x(1, 5)], dim=-1)
    case("cosine_similarity/dim0", "cosine_similarity", [x(6, 3), x(6, 3)], dim=0)
    case("cosine_similarity/zero_vector", "cosine_similarity", [inp(zero_row), x(3, 3)], dim=1)
    case("pairwise_distance/p2", "pairwise_distance", [x(4, 5), x(4, 5)], p=2.0, keepdim=False)
    case("pairwise_distance/p1_broadcast_keepdim", "pairwise_distance", [x(4, 5), x(5)], p=1.0, keepdim=True)
    for p in (2.0, 1.0, 3.0):
        case(f"pdist/p{p:g}", "pdist", [x(6, 4)], accumulated=4, p=p)
    case("glu/dim1", "glu", [x(3, 4, 2)], dim=1)
    case("glu/last_dim", "glu", [x(2, 6)], dim=-1)
    case("hardshrink/lambda_0.7", "hardshrink", [x(5, 7)], lambd=0.7)
    case("softshrink/lambda_0.7", "softshrink", [x(5, 7)], lambd=0.7)
    case("tanhshrink/basic", "tanhshrink", [x(5, 7)])
    case("rrelu_eval/default", "rrelu_eval", [x(5, 7)], lower=1.0 / 8, upper=1.0 / 3)
    case("rms_norm/weight", "rms_norm", [x(3, 4, 5), x(5)], accumulated=5, shape=[5], eps=None)
    case("rms_norm/two_dims_eps", "rms_norm", [x(2, 3, 4)], accumulated=12, shape=[3, 4], eps=1e-3)
    case("local_response_norm/3d", "local_response_norm", [x(2, 5, 7)], accumulated=3, size=3, alpha=1e-2, beta=0.75, k=1.0)
    case("local_response_norm/4d", "local_response_norm", [x(2, 6, 3, 3)], accumulated=2, size=2, alpha=0.1, beta=0.5, k=2.0)
    case("local_response_norm/5d", "local_response_norm", [x(1, 5, 2, 3, 2)], accumulated=4, size=4, alpha=0.05, beta=0.75,
         k=1.0)
    case("lp_pool1d/p2", "lp_pool", [x(2, 3, 9, positive=True)], accumulated=3, dims=1, norm_type=2.0, kernel_size=3,
         stride=2, ceil_mode=False)
    case("lp_pool2d/p3_ceil", "lp_pool", [x(1, 2, 5, 5, positive=True)], accumulated=4, dims=2, norm_type=3.0,
         kernel_size=2, stride=2, ceil_mode=True)
    signs = lambda *shape: inp(given(np.where(rng.uniform(size=shape) > 0.5, 1.0, -1.0), shape=list(shape)), grad=False)  # noqa: E731
    for reduction in ("mean", "sum", "none"):
        case(f"soft_margin_loss/{reduction}", "soft_margin_loss", [x(4, 5), signs(4, 5)], accumulated=20, reduction=reduction)
        case(f"hinge_embedding_loss/{reduction}", "hinge_embedding_loss", [x(4, 5), signs(4, 5)], accumulated=20,
             margin=0.5, reduction=reduction)
        case(f"multilabel_soft_margin_loss/{reduction}", "multilabel_soft_margin_loss",
             [x(4, 5), inp(given((rng.uniform(size=(4, 5)) > 0.5).astype(float)), grad=False)], accumulated=20,
             reduction=reduction)
        case(f"multi_margin_loss/p1_{reduction}", "multi_margin_loss", [x(4, 5), labels([3, 0, 4, 1])], accumulated=20,
             p=1, margin=1.0, reduction=reduction)
        case(f"multilabel_margin_loss/{reduction}", "multilabel_margin_loss",
             [x(4, 5), labels([[3, 0, -1, 1, 2], [1, 2, 3, -1, 0], [4, 4, -1, -1, -1], [-1, 0, 1, 2, 3]])], accumulated=25,
             reduction=reduction)
        case(f"triplet_margin_with_distance_loss/{reduction}", "triplet_margin_with_distance_loss",
             [x(4, 5), x(4, 5), x(4, 5)], accumulated=20, cosine=False, margin=1.0, swap=False, reduction=reduction)
    case("multilabel_soft_margin_loss/weight", "multilabel_soft_margin_loss",
         [x(3, 4), inp(given((rng.uniform(size=(3, 4)) > 0.5).astype(float)), grad=False), inp(values([4]), grad=False)],
         accumulated=12, reduction="mean")
    case("multi_margin_loss/p2_margin_weight", "multi_margin_loss",
         [x(4, 5), labels([1, 1, 0, 4]), inp(values([5], positive=True), grad=False)], accumulated=20, p=2, margin=0.7,
         reduction="none")
    case("multi_margin_loss/unbatched", "multi_margin_loss", [x(6), labels(2, shape=[])], accumulated=6, p=1, margin=1.0,
         reduction="mean")
    case("multilabel_margin_loss/unbatched", "multilabel_margin_loss", [x(5), labels([2, 4, -1, 0, 1])], accumulated=5,
         reduction="none")
    case("triplet_margin_with_distance_loss/cosine_swap", "triplet_margin_with_distance_loss",
         [x(4, 5), x(4, 5), x(4, 5)], accumulated=20, cosine=True, margin=0.3, swap=True, reduction="mean")
    # CTC: logits through log_softmax (the usual use), and raw log-probabilities for torch's own gradient formula.
    padded = rng.integers(1, 6, size=(3, 5)).tolist()
    for reduction in ("mean", "sum", "none"):
        case(f"ctc_loss/padded_{reduction}", "ctc_loss", [x(14, 3, 6), labels(padded)], accumulated=14,
             input_lengths=[14, 11, 9], target_lengths=[5, 3, 4], blank=0, reduction=reduction, zero_infinity=False,
             logits=True)
    concatenated = [1, 2, 2, 3, 1, 4, 4, 4, 2]
    case("ctc_loss/concatenated_repeats", "ctc_loss", [x(12, 3, 5), labels(concatenated)], accumulated=12,
         input_lengths=[12, 10, 12], target_lengths=[4, 3, 2], blank=0, reduction="mean", zero_infinity=False, logits=True)
    case("ctc_loss/too_short_zero_infinity", "ctc_loss", [x(6, 2, 4), labels([[1, 1, 1, 2], [3, 2, 0, 0]])], accumulated=6,
         input_lengths=[6, 5], target_lengths=[4, 2], blank=0, reduction="none", zero_infinity=True, logits=True)
    case("ctc_loss/blank_last_float64", "ctc_loss", [x(10, 2, 5, dtype="float64"), labels([[0, 1, 2], [3, 3, 1]])],
         accumulated=10, input_lengths=[10, 8], target_lengths=[3, 2], blank=4, reduction="mean", zero_infinity=False,
         logits=True)
    case("ctc_loss/unbatched", "ctc_loss", [x(9, 4), labels([1, 2, 1])], accumulated=9, input_lengths=[9], target_lengths=[3],
         blank=0, reduction="sum", zero_infinity=False, logits=True)
    case("ctc_loss/log_probs_gradient", "ctc_loss", [x(8, 2, 4, low=-3.0, high=-0.1), labels([[1, 2], [3, 0]])], accumulated=8,
         input_lengths=[8, 7], target_lengths=[2, 1], blank=0, reduction="sum", zero_infinity=False, logits=False)
    case("ctc_loss/empty_target", "ctc_loss", [x(5, 2, 3), labels([[1, 2], [0, 0]])], accumulated=5,
         input_lengths=[5, 4], target_lengths=[2, 0], blank=0, reduction="mean", zero_infinity=False, logits=True)
    # MultiheadAttention's extra source positions: learned (add_bias_kv) and zero (add_zero_attn), with masks.
    padding = given([[False] * 6, [False] * 4 + [True] * 2, [False] * 5 + [True]], "bool")
    for name, kv, zero, masks in (("mha/add_bias_kv", True, False, True), ("mha/add_zero_attn", False, True, True),
                                  ("mha/bias_kv_and_zero_attn_per_head", True, True, False)):
        module = torch.nn.MultiheadAttention(8, 2, add_bias_kv=kv, add_zero_attn=zero)
        weights, names = layer_inputs(module)
        mask_inputs = [inp(padding), inp(values([4, 6], low=-1.0, high=0.0), grad=False)] if masks else []
        attrs = {"embed_dim": 8, "num_heads": 2, "names": names, "has_key_padding_mask": masks, "has_attn_mask": masks,
                 "need_weights": True, "average_attn_weights": "per_head" not in name, "batch_first": False,
                 "kdim": None, "vdim": None, "bias": True, "add_bias_kv": kv, "add_zero_attn": zero}
        cases.append(make_case(name, "multihead_attention",
                               [inp(values([4, 3, 8])), inp(values([6, 3, 8])), inp(values([6, 3, 8]))] + mask_inputs + weights,
                               attrs, accumulated=32))
    # EmbeddingBag: bags cut by offsets (an empty one), fixed-length bags, padding, per-sample weights.
    table = lambda: inp(values([10, 4]))  # noqa: E731
    indices = labels([1, 2, 4, 5, 4, 3, 2, 9, 0, 0])
    for mode in ("sum", "mean", "max"):
        case(f"embedding_bag/offsets_{mode}", "embedding_bag", [table(), indices, labels([0, 3, 3, 7])], accumulated=4,
             mode=mode, padding_idx=None, include_last_offset=False, weighted=False)
        case(f"embedding_bag/padding_last_offset_{mode}", "embedding_bag", [table(), indices, labels([0, 3, 3, 7, 10])],
             accumulated=4, mode=mode, padding_idx=4, include_last_offset=True, weighted=False)
    case("embedding_bag/fixed_length_mean", "embedding_bag", [table(), labels([[1, 2, 3], [4, 4, 9]])], accumulated=3,
         mode="mean", padding_idx=None, include_last_offset=False, weighted=False)
    case("embedding_bag/per_sample_weights", "embedding_bag", [table(), indices, labels([0, 3, 3, 7]), x(10)],
         accumulated=4, mode="sum", padding_idx=None, include_last_offset=False, weighted=True)
    # LSTM with projections (proj_size): padded, packed, several layers, both directions.
    cases.append(recurrent_case("lstm/proj_size", "LSTM", 3, 6, [5, 4, 3], proj_size=2))
    cases.append(recurrent_case("lstm/proj_size_2layer_bidirectional_packed", "LSTM", 3, 6, [5, 4, 3], num_layers=2,
                                bidirectional=True, proj_size=4, lengths=[5, 2, 4, 1], enforce_sorted=False))
    cases.append(recurrent_case("lstm/proj_size_no_bias_batch_first", "LSTM", 3, 5, [2, 4, 3], bias=False,
                                batch_first=True, proj_size=3, hx=False))
    rng = shared
    return cases


def layer_inputs(module):
    """The module's parameters as fixture inputs (small values), and their names."""
    names = [n for n, _ in module.named_parameters()]
    return [inp(values(list(p.shape), low=-0.5, high=0.5)) for _, p in module.named_parameters()], names


def recurrent_case(name, mode, input_size, hidden_size, x_shape, num_layers=1, bias=True, batch_first=False,
                   bidirectional=False, hx=True, lengths=None, enforce_sorted=True, proj_size=0):
    options = dict(num_layers=num_layers, bias=bias, batch_first=batch_first, bidirectional=bidirectional)
    cls = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}.get(mode, torch.nn.RNN)
    module = cls(input_size, hidden_size, **options, **({"proj_size": proj_size} if proj_size else {}))
    weights, names = layer_inputs(module)
    batch = x_shape[0] if batch_first else x_shape[1]
    state = [num_layers * (2 if bidirectional else 1), batch, hidden_size]
    states = [inp(values(state, low=-1.0, high=1.0))] * (2 if mode == "LSTM" else 1) if hx else []
    if proj_size and hx:  # h is proj_size wide, c hidden_size
        projected = [num_layers * (2 if bidirectional else 1), batch, proj_size]
        states = [inp(values(projected, low=-1.0, high=1.0)), inp(values(state, low=-1.0, high=1.0))]
    attrs = {"mode": mode, "input_size": input_size, "hidden_size": hidden_size, "names": names,
             "has_hx": hx, "has_cx": hx and mode == "LSTM", "lengths": lengths, "enforce_sorted": enforce_sorted,
             **options, **({"proj_size": proj_size} if proj_size else {})}
    return make_case(name, "recurrent", [inp(values(x_shape))] + states + weights, attrs, accumulated=64)


def sequence_cases():
    cases = [
        recurrent_case("lstm/bidirectional_2layer_batch_first", "LSTM", 4, 6, [3, 5, 4], num_layers=2, batch_first=True,
                       bidirectional=True),
        recurrent_case("gru/bidirectional_2layer_batch_first", "GRU", 4, 6, [3, 5, 4], num_layers=2, batch_first=True,
                       bidirectional=True),
        recurrent_case("lstm/packed_unsorted_bidirectional", "LSTM", 3, 5, [6, 4, 3], bidirectional=True,
                       lengths=[4, 6, 1, 3], enforce_sorted=False),
        recurrent_case("gru/packed_sorted_2layer_batch_first", "GRU", 3, 5, [3, 6, 3], num_layers=2, batch_first=True,
                       lengths=[6, 4, 2]),
        recurrent_case("lstm/packed_unsorted_2layer_no_hx", "LSTM", 3, 4, [5, 3, 3], num_layers=2, hx=False,
                       lengths=[2, 5, 3], enforce_sorted=False),
        recurrent_case("rnn_tanh/no_bias_no_hx", "RNN_TANH", 3, 20, [7, 2, 3], bias=False, hx=False),
        recurrent_case("rnn_relu/2layer_bidirectional", "RNN_RELU", 3, 5, [4, 2, 3], num_layers=2, bidirectional=True),
        recurrent_case("lstm/hidden_37_vector_tail", "LSTM", 5, 37, [6, 3, 5]),
    ]
    for mode, cls in [("LSTM", torch.nn.LSTMCell), ("GRU", torch.nn.GRUCell), ("RNN_TANH", torch.nn.RNNCell)]:
        weights, names = layer_inputs(cls(4, 5))
        states = [inp(values([3, 5], low=-1.0, high=1.0))] * (2 if mode == "LSTM" else 1)
        attrs = {"mode": mode, "input_size": 4, "hidden_size": 5, "bias": True, "names": names, "has_hx": True,
                 "has_cx": mode == "LSTM"}
        cases.append(make_case(f"cell/{mode.lower()}", "recurrent_cell", [inp(values([3, 4]))] + states + weights, attrs))
    # scaled_dot_product_attention: bool and float masks, causal with a scale.
    q, k, v = inp(values([2, 3, 5, 8])), inp(values([2, 3, 7, 8])), inp(values([2, 3, 7, 4]))
    allowed = given((np.tril(np.ones((5, 7)), 2) > 0).tolist(), "bool")
    cases += [
        make_case("sdpa/bool_mask", "scaled_dot_product_attention", [q, k, v, inp(allowed)],
                  {"is_causal": False, "scale": None}),
        make_case("sdpa/float_mask", "scaled_dot_product_attention", [q, k, v, inp(values([2, 1, 5, 7]), grad=False)],
                  {"is_causal": False, "scale": None}),
        make_case("sdpa/causal_scale", "scaled_dot_product_attention",
                  [q, inp(values([2, 3, 5, 8])), inp(values([2, 3, 5, 4]))], {"is_causal": True, "scale": 0.2}),
    ]
    # MultiheadAttention with both kinds of mask.
    padding = given([[False] * 6, [False] * 4 + [True] * 2, [False] * 5 + [True]], "bool")
    blocked = given((np.triu(np.ones((4, 6)), 3) > 0).tolist(), "bool")
    for name, options, masks in [
        ("mha/bool_masks", dict(batch_first=False, kdim=None, vdim=None, bias=True), [inp(padding), inp(blocked)]),
        ("mha/float_mask_kdim_vdim_batch_first_per_head", dict(batch_first=True, kdim=5, vdim=3, bias=True),
         [inp(values([3, 6], low=-1.0, high=0.0), grad=False), inp(values([6, 4, 6]), grad=False)]),
        ("mha/no_bias_no_weights", dict(batch_first=False, kdim=None, vdim=None, bias=False), []),
    ]:
        module = torch.nn.MultiheadAttention(8, 2, **options)
        weights, names = layer_inputs(module)
        shape = (lambda n, e: [3, n, e]) if options["batch_first"] else (lambda n, e: [n, 3, e])
        qkv = [inp(values(shape(4, 8))), inp(values(shape(6, options["kdim"] or 8))), inp(values(shape(6, options["vdim"] or 8)))]
        attrs = {"embed_dim": 8, "num_heads": 2, "names": names, "has_key_padding_mask": bool(masks),
                 "has_attn_mask": bool(masks), "need_weights": name != "mha/no_bias_no_weights",
                 "average_attn_weights": "per_head" not in name, **options}
        cases.append(make_case(name, "multihead_attention", qkv + masks + weights, attrs, accumulated=32))
    # Transformer layers (dropout 0): post-norm relu with masks, pre-norm gelu batch-first.
    causal = given(np.triu(np.full((5, 5), -np.inf), 1).tolist(), "float32")
    for kind, options in [("encoder", dict(norm_first=False, activation="relu", batch_first=False)),
                          ("encoder", dict(norm_first=True, activation="gelu", batch_first=True)),
                          ("decoder", dict(norm_first=False, activation="relu", batch_first=False)),
                          ("decoder", dict(norm_first=True, activation="gelu", batch_first=True))]:
        cls = torch.nn.TransformerDecoderLayer if kind == "decoder" else torch.nn.TransformerEncoderLayer
        weights, names = layer_inputs(cls(8, 2, 16, dropout=0.0, **options))
        shape = (lambda n: [3, n, 8]) if options["batch_first"] else (lambda n: [n, 3, 8])
        main = [inp(values(shape(5)))] + ([inp(values(shape(6)))] if kind == "decoder" else [])
        pad = given([[False] * 5, [False] * 3 + [True] * 2, [False] * 4 + [True]] if kind == "encoder" else
                    [[False] * 6, [False] * 4 + [True] * 2, [False] * 5 + [True]], "bool")
        attrs = {"d_model": 8, "nhead": 2, "dim_feedforward": 16, "names": names, "has_mask": True,
                 "has_key_padding_mask": True, **options}
        label = f"{kind}/{'norm_first_gelu_batch_first' if options['norm_first'] else 'post_norm_relu'}"
        cases.append(make_case(f"transformer_{label}", f"transformer_{kind}_layer", main + [inp(causal, grad=False),
                               inp(pad)] + weights, attrs, accumulated=64))
    return cases


def module_cases():
    """Seeded models of models.py: repr, state_dict (names, shapes, values), and
    in eval mode the output for a fixed input and the parameter gradients."""
    from models import make_models

    cases = {}
    for name, (build, input_shape) in make_models(torch).items():
        torch.manual_seed(0)
        model = build()
        model.eval()
        # A None input shape means token indices (2 x 5, in 0..6).
        x = decode(values(input_shape)) if input_shape else torch.tensor(rng.integers(0, 7, size=(2, 5)))
        out = model(x)
        weight = decode(values(list(out.shape), low=-1.0, high=1.0))
        (out * weight).sum().backward()
        cases[name] = {
            "repr": repr(model),
            "state_dict": {k: encode(v) for k, v in model.state_dict().items()},
            "parameters": [k for k, _ in model.named_parameters()],
            "buffers": [k for k, _ in model.named_buffers()],
            "modules": [k for k, _ in model.named_modules()],
            "input": encode(x), "output": encode(out), "grad_weight": encode(weight),
            "grads": {k: encode(p.grad) for k, p in model.named_parameters()},
        }
    return cases


def scatter_reduce_cases():
    """scatter_reduce (each reduction, with and without self, ties shared in the
    gradient) and index_add. Drawn from an RNG of their own, so adding them
    changed no other fixture."""
    global rng
    shared, rng = rng, np.random.default_rng(1122)
    long = lambda data: inp(given(data, "int64"), grad=False)  # noqa: E731
    ties = given([[1.0, 3.0, 3.0, 0.5], [2.0, -1.0, 2.0, 2.0], [0.0, 4.0, -2.0, 4.0]])
    tie_src = given([[3.0, 1.0, 3.0], [2.0, 2.0, 5.0], [4.0, 4.0, -3.0]])
    index31 = long([[0, 0, 1], [3, 2, 3], [1, 1, 2]])
    cases = []
    for reduce in ("sum", "mean", "amax", "amin"):
        for include_self in (True, False):
            tag = "with_self" if include_self else "without_self"
            attrs = {"dim": 1, "reduce": reduce, "include_self": include_self}
            cases.append(make_case(f"scatter_reduce/{reduce}_{tag}", "scatter_reduce",
                                   [inp(values([3, 4])), index31, inp(values([3, 3]))], attrs, accumulated=4))
            cases.append(make_case(f"scatter_reduce/{reduce}_ties_{tag}", "scatter_reduce",
                                   [inp(ties), index31, inp(tie_src)], attrs, accumulated=4))
    cases += [
        # (torch's backward fails for a src larger than the index, as for scatter)
        make_case("scatter_reduce/amax_dim0_3d", "scatter_reduce",
                  [inp(values([3, 2, 4])), long([[[2, 0, 1, 2]], [[0, 0, 2, 1]]]), inp(values([2, 1, 4]))],
                  {"dim": 0, "reduce": "amax", "include_self": True}),
        make_case("scatter_reduce/mean_float64_dim0", "scatter_reduce",
                  [inp(values([3, 4], "float64")), long([[1, 1, 0, 2], [1, 0, 0, 2]]), inp(values([2, 4], "float64"))],
                  {"dim": 0, "reduce": "mean", "include_self": False}),
        make_case("scatter_reduce/mean_int64_floor", "scatter_reduce",
                  [long([[4, -7, 2], [1, 0, -3]]), long([[0, 0, 2], [1, 2, 2]]), long([[-1, 2, 5], [3, -4, 1]])],
                  {"dim": 1, "reduce": "mean", "include_self": True}),
        make_case("scatter_reduce/amin_int64_without_self", "scatter_reduce",
                  [long([[4, -7, 2], [1, 0, -3]]), long([[0, 0, 2], [1, 2, 2]]), long([[-1, 2, 5], [3, -4, 1]])],
                  {"dim": 1, "reduce": "amin", "include_self": False}),
        make_case("index_add/dim0_repeats", "index_add", [inp(values([4, 3])), long([2, 0, 2, 3, 2]), inp(values([5, 3]))],
                  {"dim": 0, "alpha": 1.0}, accumulated=3),
        make_case("index_add/dim1_alpha_float64", "index_add",
                  [inp(values([2, 5], "float64")), long([4, 0, 4]), inp(values([2, 3], "float64"))],
                  {"dim": 1, "alpha": -2.5}, accumulated=2),
    ]
    rng = shared
    return cases


def log10_cases():
    """log10, added after the other unary ops: an RNG of its own keeps their fixtures as they were."""
    global rng
    shared, rng = rng, np.random.default_rng(1123)
    cases = [
        make_case("log10/matrix", "log10", [inp(values([3, 4], positive=True))]),
        make_case("log10/transposed", "log10", [inp(values([4, 3], positive=True), view=T01)]),
        make_case("log10/zero_dim", "log10", [inp(values([], positive=True))]),
        make_case("log10/float64", "log10", [inp(values([5], "float64", positive=True))]),
        make_case("log10/int64_promotes", "log10", [inp(given([1, 10, 1000], "int64"), grad=False)]),
        make_case("log10/edges", "log10", [inp(given([0.0, -1.0, float("inf"), 1e-30]), grad=False)]),
    ]
    rng = shared
    return cases


def softmax_path_cases():
    """softmax, log_softmax and logsumexp through each path of their kernel:
    rows of 16, 37 (a tail overlapping the last vector) and 5 (shorter than a
    vector); a dim with 20 contiguous neighbours (16 lanes + 4); 7 neighbours
    (a gathered row); a transposed input; attention-style rows with -inf
    entries; float64. An RNG of its own."""
    global rng
    shared, rng = rng, np.random.default_rng(2323)
    masked = values([3, 37], low=-4.0, high=4.0)
    masked["data"] = [v if (i % 37) % 5 else float("-inf") for i, v in enumerate(masked["data"])]
    cases = []
    for fn in ("softmax", "log_softmax"):
        for label, shape, dim, view in (("row16", [3, 16], -1, None), ("row37", [2, 3, 37], -1, None),
                                        ("row5", [6, 5], 1, None), ("lanes20", [2, 9, 20], 1, None),
                                        ("gathered7", [5, 3, 7], 1, None), ("transposed", [33, 4], 0, T01)):
            cases.append(make_case(f"{fn}/{label}", fn, [inp(values(shape, low=-4.0, high=4.0), view=view)],
                                   {"dim": dim}, accumulated=shape[dim]))
        cases.append(make_case(f"{fn}/masked", fn, [inp(masked)], {"dim": 1}, accumulated=37))
        cases.append(make_case(f"{fn}/float64_row37", fn, [inp(values([3, 37], "float64"))], {"dim": 1}))
    cases += [
        make_case("logsumexp/row37_keepdim", "logsumexp", [inp(values([4, 37], low=-5.0, high=5.0))],
                  {"dim": 1, "keepdim": True}, accumulated=37),
        make_case("logsumexp/lanes20", "logsumexp", [inp(values([3, 6, 20], low=-5.0, high=5.0))],
                  {"dim": 1, "keepdim": False}, accumulated=6),
        make_case("logsumexp/infinities", "logsumexp",
                  [inp(given([[float("-inf")] * 3, [float("inf"), 0.0, 1.0], [1.0, 2.0, float("-inf")]]), grad=False)],
                  {"dim": 1, "keepdim": False}),
    ]
    rng = shared
    return cases


def declared_unary_cases():
    """The standard cases of every unary op declared with standard_cases=True
    in api/ (declared_ops.STANDARD_CASES): a matrix, a transposed view, a 0-dim
    tensor, float64, int64 and the edges, drawn where its gradient is checked
    (positive inputs for a "positive" op). Each op draws from an RNG seeded by
    its name, so declaring one changes no other fixture."""
    global rng
    import zlib
    from declared_ops import STANDARD_CASES, UNARY
    shared = rng
    cases = []
    for op in STANDARD_CASES:
        rng = np.random.default_rng(zlib.crc32(op.encode()))
        # Drawn inside the op's domain: positive, |x| < 1 ("unit") or x > 1 ("above_one").
        domain = {"positive": {"positive": True}, "unit": {"low": -0.95, "high": 0.95},
                  "above_one": {"low": 1.05, "high": 4.0}}.get(UNARY[op], {})
        cases += [
            make_case(f"{op}/matrix", op, [inp(values([3, 4], **domain))]),
            make_case(f"{op}/transposed", op, [inp(values([4, 3], **domain), view=T01)]),
            make_case(f"{op}/zero_dim", op, [inp(values([], **domain))]),
            make_case(f"{op}/float64", op, [inp(values([5], "float64", **domain))]),
            make_case(f"{op}/int64", op, [inp(given([0, 1, 2, 5], "int64"), grad=False)]),
            make_case(f"{op}/edges", op, [inp(given([0.0, -0.0, -1.0, 1e-30, 1e30, float("inf"), float("-inf"), float("nan")]),
                                              grad=False)]),
        ]
    rng = shared
    return cases


def real_function_cases():
    """atan2, hypot, logaddexp, xlogy, float_power and frac: broadcasting,
    gradients, integers promoted to float, and the edges (zeros, infinities,
    NaN). An RNG of their own, so adding them changed no other fixture."""
    global rng
    shared, rng = rng, np.random.default_rng(20261207)
    edges = [0.0, -0.0, 1.0, -1.0, float("inf"), float("-inf"), float("nan"), 1e30]
    cases = []
    for op in ("atan2", "hypot", "logaddexp", "xlogy", "float_power"):
        positive = op in ("xlogy", "float_power")
        cases += [
            make_case(f"{op}/matrix", op, [inp(values([3, 4])), inp(values([3, 4], positive=positive))]),
            make_case(f"{op}/broadcast", op, [inp(values([2, 1, 3])), inp(values([4, 1], positive=positive))]),
            make_case(f"{op}/float64", op, [inp(values([5], "float64")), inp(values([5], "float64", positive=positive))]),
        ]
        if op not in ("hypot", "logaddexp"):  # torch runs those on floating point only
            cases.append(make_case(f"{op}/int64", op, [inp(given([0, 1, -2, 3], "int64"), grad=False),
                                                       inp(given([2, 0, 1, 5], "int64"), grad=False)]))
        cases += [
            make_case(f"{op}/edges", op, [inp(given([e for e in edges for _ in edges]), grad=False),
                                          inp(given(edges * len(edges)), grad=False)]),
        ]
    cases += [
        make_case("frac/matrix", "frac", [inp(values([3, 4], low=-5.0, high=5.0))]),
        make_case("frac/float64", "frac", [inp(values([5], "float64", low=-5.0, high=5.0))]),
        make_case("frac/edges", "frac", [inp(given([0.0, -0.0, 2.5, -2.5, 1e30, float("inf"), float("nan")]), grad=False)]),
    ]
    rng = shared
    return cases


def engine_behaviour_cases():
    """What the Python front computed itself before issue 18 and the engine
    computes now: add/sub with alpha, round(decimals), and the in-place
    scatter_add_ / scatter_reduce_ / index_add_. An RNG of its own."""
    global rng
    shared, rng = rng, np.random.default_rng(1124)
    long = lambda data: inp(given(data, "int64"), grad=False)  # noqa: E731
    index31 = long([[0, 0, 1], [3, 2, 3], [1, 1, 2]])
    cases = []
    for op in ("add_alpha", "sub_alpha", "add_alpha_", "sub_alpha_"):
        cases += [
            make_case(f"{op}/float", op, [inp(values([3, 4])), inp(values([3, 4]))], {"alpha": 2.5}),
            make_case(f"{op}/broadcast_negative", op, [inp(values([2, 3])), inp(values([3]))], {"alpha": -0.75}),
            make_case(f"{op}/int64", op, [inp(values([5], "int64")), inp(values([5], "int64"))], {"alpha": 3}),
            make_case(f"{op}/float64_zero", op, [inp(values([4], "float64")), inp(values([4], "float64"))], {"alpha": 0.0}),
        ]
    cases.append(make_case("add_alpha/promotion", "add_alpha", [inp(values([3], "int64")), inp(values([3]))], {"alpha": 0.5}))
    ties = [0.125, -0.125, 2.5, -2.5, 0.375, 1234.5, -0.0049, 1e-8, 1e30, float("inf"), float("nan")]
    for decimals in (1, 2, 3, -1, -2):
        cases += [
            make_case(f"round_decimals/{decimals}", "round_decimals", [inp(values([3, 4], low=-50.0, high=50.0))],
                      {"decimals": decimals}),
            make_case(f"round_decimals/{decimals}_edges", "round_decimals", [inp(given(ties), grad=False)], {"decimals": decimals}),
            make_case(f"round_decimals/{decimals}_float64", "round_decimals",
                      [inp(given(ties, "float64"), grad=False)], {"decimals": decimals}),
        ]
    cases += [
        make_case("scatter_add_/dim1", "scatter_add_", [inp(values([3, 4])), index31, inp(values([3, 3]))], {"dim": 1},
                  accumulated=3),
        make_case("index_add_/dim0_alpha", "index_add_", [inp(values([4, 3])), long([2, 0, 2]), inp(values([3, 3]))],
                  {"dim": 0, "alpha": -1.5}, accumulated=2),
    ]
    for reduce in ("sum", "mean", "amax", "amin"):
        cases.append(make_case(f"scatter_reduce_/{reduce}", "scatter_reduce_", [inp(values([3, 4])), index31, inp(values([3, 3]))],
                               {"dim": 1, "reduce": reduce, "include_self": reduce != "mean"}, accumulated=4))
    rng = shared
    return cases


# The layers both fronts build from api/layers.py, as torch builds them: for
# each, the constructor call (Python syntax, run with nn = torch.nn and again
# with cajal.nn) and what torch made under manual_seed(0).
LAYER_CASES = [
    "nn.Linear(5, 3)", "nn.Linear(4, 2, bias=False)",
    "nn.Conv2d(4, 6, 3, groups=2)", "nn.Conv2d(2, 3, (2, 3), bias=False)", "nn.Conv1d(2, 4, 3)",
    "nn.ConvTranspose2d(4, 6, 2, groups=2)",
    "nn.BatchNorm2d(3)", "nn.BatchNorm1d(4, affine=False)",
    "nn.LayerNorm([2, 3])", "nn.LayerNorm(4, elementwise_affine=False)",
    "nn.RMSNorm([3, 4])", "nn.RMSNorm(5, elementwise_affine=False)",
    "nn.GroupNorm(2, 4)", "nn.GroupNorm(2, 4, affine=False)",
    "nn.Embedding(6, 3, padding_idx=2)",
    "nn.RNN(3, 4, num_layers=2, bidirectional=True)", "nn.LSTM(3, 4, bias=False)", "nn.GRU(3, 4, num_layers=2)",
    "nn.RNNCell(3, 4)", "nn.LSTMCell(3, 4, bias=False)", "nn.GRUCell(3, 4)",
    "nn.MultiheadAttention(8, 2)", "nn.MultiheadAttention(8, 2, kdim=3, vdim=5, bias=False)",
    "nn.TransformerEncoderLayer(8, 2, dim_feedforward=16)", "nn.TransformerDecoderLayer(8, 2, dim_feedforward=16)",
]


def layer_cases():
    cases = []
    for call in LAYER_CASES:
        torch.manual_seed(0)
        module = eval(call, {"nn": torch.nn})  # noqa: S307 - our own constant table
        cases.append({
            "call": call,
            "state_dict": {k: encode(v) for k, v in module.state_dict().items()},
            "order": list(module.state_dict().keys()),
            "empty_parameters": [n for n, p in module._parameters.items() if p is None],
            "empty_buffers": [n for n, b in module._buffers.items() if b is None],
            "children": [n for n, _ in module.named_children()],
        })
    return cases


class _Payload:
    """An object whose pickle calls os.system: what a malicious checkpoint holds."""

    def __reduce__(self):
        import os as _os
        return (_os.system, ("touch /tmp/cajal-torch-file-pwned",))


def torch_file_fixtures():
    """Files written by torch.save (fixtures/torch_files/*.pt) and, as JSON,
    what torch.load gives back for each: the everyday ones cajal.load must
    read, one in dtypes cajal lacks, and one whose pickle would run a command."""
    folder = os.path.join(OUT, "torch_files")
    os.makedirs(folder, exist_ok=True)

    def describe(obj):
        if isinstance(obj, torch.nn.Parameter):
            return {"parameter": encode(obj), "requires_grad": obj.requires_grad}
        if isinstance(obj, torch.Tensor):
            return {"tensor": encode(obj), "requires_grad": obj.requires_grad}
        if isinstance(obj, torch.Size):
            return {"size": list(obj)}
        if isinstance(obj, torch.dtype):
            return {"dtype": str(obj).replace("torch.", "")}
        if isinstance(obj, dict):
            return {"dict": [[describe(k), describe(v)] for k, v in obj.items()],
                    "ordered": type(obj).__name__ == "OrderedDict"}
        if isinstance(obj, (list, tuple, set)):
            items = sorted(obj) if isinstance(obj, set) else obj
            return {type(obj).__name__: [describe(v) for v in items]}
        if isinstance(obj, bytes):
            return {"bytes": list(obj)}
        if isinstance(obj, float) and not math.isfinite(obj):
            return {"float": repr(obj)}
        return obj

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    model(torch.randn(5, 3)).sum().backward()
    optimizer.step()
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    files = {
        "state_dict": model.state_dict(),
        "dataset": (torch.randn(5, 3, dtype=torch.float64), torch.tensor([0, 1, 1, 0, 1])),
        "checkpoint": {"epoch": 3, "model": model.state_dict(), "optimizer": optimizer.state_dict(), "loss": 0.25,
                       "best": float("inf"), "name": "tumour", "classes": ["benign", "malignant"], "raw": b"\x00\x01",
                       "seen": {3, 1, 2}, "dtype": torch.float32, "shape": torch.Size([2, 3]), "none": None,
                       "flag": True},
        "views": {"base": base, "transposed": base.t(), "strided": base[1:, ::2], "row": base[1], "again": base},
        "parameters": [torch.nn.Parameter(torch.ones(2, 2)), torch.nn.Parameter(torch.zeros(3), requires_grad=False),
                       torch.tensor([True, False, True]), torch.tensor(2.5), torch.zeros(0, 3),
                       torch.ones(2, requires_grad=True)],
        "new_dtypes": {"half": torch.ones(2, dtype=torch.float16), "bfloat": torch.ones(2, dtype=torch.bfloat16),
                       "int": torch.arange(3, dtype=torch.int32), "byte": torch.arange(3, dtype=torch.uint8)},
    }
    expected = {}
    for name, obj in files.items():
        torch.save(obj, os.path.join(folder, f"{name}.pt"))
        expected[name] = describe(torch.load(os.path.join(folder, f"{name}.pt"), weights_only=True))
    # The format torch wrote before 1.6, which old course checkpoints still use.
    legacy = {"model": model.state_dict(), "dataset": files["dataset"], "parameter": torch.nn.Parameter(torch.ones(2)),
              "epoch": 4}
    torch.save(legacy, os.path.join(folder, "legacy.pt"), _use_new_zipfile_serialization=False)
    expected["legacy"] = describe(torch.load(os.path.join(folder, "legacy.pt"), weights_only=True))
    torch.save({"weights": torch.ones(2), "payload": _Payload()}, os.path.join(folder, "malicious.pt"))
    return expected


def program_fixtures(programs, seed):
    """Runs each program (autograd_programs.py, surface_programs.py) with torch
    on float64 inputs drawn from its domains (an RNG of its own: the other
    fixtures' draws stay)."""
    draw = np.random.default_rng(seed)
    fixtures = {}
    for name, (program, points) in programs.items():
        inputs = []
        for shape, domain in points:
            low, high = DOMAINS[domain]
            inputs.append(torch.from_numpy(draw.uniform(low, high, size=shape)))
        results = program(torch, inputs)
        fixtures[name] = {
            "inputs": [encode(t) for t in inputs],
            "outputs": {key: [encode(t) for t in value] if isinstance(value, (list, tuple)) else encode(value)
                        for key, value in results.items()},
        }
    return fixtures


PROGRAM_FILES = {"autograd_programs": (autograd_programs.PROGRAMS, 20261206),
                 "surface_programs": (surface_programs.PROGRAMS, 20261207),
                 "dtype_programs": (dtype_programs.PROGRAMS, 20261208)}


def write_programs(name):
    os.makedirs(os.path.join(OUT, "python"), exist_ok=True)
    path = os.path.join(OUT, "python", f"{name}.json")
    fixtures = program_fixtures(*PROGRAM_FILES[name])
    with open(path, "w") as f:
        json.dump({"generator": f"Tests/reference/generate.py ({name}.py)", "torch": torch.__version__,
                   "programs": fixtures}, f, separators=(",", ":"))
        f.write("\n")
    print(f"{path}: {len(fixtures)} programs")


def _mkl_bernoulli():
    """MKL's viRngBernoulli on an MCG31 stream, through the libmkl_rt of the
    `mkl` wheel (make fixtures installs it in the reference venv)."""
    import ctypes
    import glob
    import sys

    paths = sorted(glob.glob(os.path.join(sys.prefix, "lib", "libmkl_rt.so*")))
    if not paths:
        raise SystemExit("random_programs: libmkl_rt not found; `pip install mkl` in the reference venv")
    mkl = ctypes.CDLL(paths[0])
    brng_mcg31, method_icdf = 1 << 20, 0

    def draw(seed, count, p):
        stream = ctypes.c_void_p()
        assert mkl.vslNewStream(ctypes.byref(stream), brng_mcg31, ctypes.c_uint(seed)) == 0
        values = (ctypes.c_int * count)()
        assert mkl.viRngBernoulli(method_icdf, stream, count, values, ctypes.c_double(p)) == 0
        mkl.vslDeleteStream(ctypes.byref(stream))
        return list(values)

    return draw


def _torch_bernoulli_stream(draw):
    """Which stream this torch's bernoulli_(p) draws from, measured: MKL's
    (seeded by the generator's next 32-bit word) or the generator's own
    53-bit uniforms (two words each)."""
    words = np.random.RandomState(42).randint(0, 2**32, size=2 * 777, dtype=np.uint64)
    torch.manual_seed(42)
    bits = torch.empty(777).bernoulli_(0.3).tolist()
    if bits == [float(v) for v in draw(int(words[0]), 777, 0.3)]:
        return "mkl"
    own = [float(((int(words[2 * i]) << 32 | int(words[2 * i + 1])) & ((1 << 53) - 1)) * 2.0**-53 < 0.3)
           for i in range(777)]
    if bits == own:
        return "mt19937"
    raise SystemExit("random_programs: torch's bernoulli_ matches neither stream")


def random_program_fixtures():
    """The programs of random_programs.py run by torch on this machine (the
    stream its bernoulli_ took here is recorded), and the MKL stream's cases:
    the seed is the generator's next 32-bit draw, taken from torch, and the
    bits come from MKL itself."""
    stream = _torch_bernoulli_stream(_mkl_bernoulli())
    programs = {}
    for name, program in random_programs.PROGRAMS.items():
        results = program(torch)
        programs[name] = {key: encode(value.detach() if value.is_floating_point() else value)
                          for key, value in results.items()}
    draw = _mkl_bernoulli()
    mkl_cases = []
    for seed, count, p in random_programs.MKL_CASES:
        # torch.manual_seed(s) seeds mt19937 as numpy's legacy RandomState(s)
        # does: its raw 32-bit words are torch's (checked against torch.rand).
        words = np.random.RandomState(seed).randint(0, 2**32, size=8192, dtype=np.uint64)
        torch.manual_seed(seed)
        assert torch.rand(4).tolist() == [float(np.float32((int(w) & 0xFFFFFF) * 2.0**-24)) for w in words[:4]]
        bits = torch.tensor(draw(int(words[0]), count, p), dtype=torch.float32)
        # Dropout through the same stream, in torch's arithmetic: x * (mask / (1 - p)).
        # randn of a multiple of 16 elements takes one word each; the next seeds the stream.
        torch.manual_seed(seed)
        size = random_programs.dropout_size(count)
        x = torch.randn(size)
        keep = 1.0 - p
        mask = torch.tensor(draw(int(words[size]), size, keep), dtype=torch.float32)
        dropped = x * mask.div_(keep)
        mkl_cases.append({"seed": seed, "count": count, "p": p, "bits": encode(bits), "dropout": encode(dropped)})
    return {"stream": stream, "programs": programs, "mkl": mkl_cases}


def write_random_programs():
    os.makedirs(os.path.join(OUT, "python"), exist_ok=True)
    path = os.path.join(OUT, "python", "random_programs.json")
    fixtures = random_program_fixtures()
    with open(path, "w") as f:
        json.dump({"generator": "Tests/reference/generate.py (random_programs.py)", "torch": torch.__version__,
                   **fixtures}, f, separators=(",", ":"))
        f.write("\n")
    print(f"{path}: {len(fixtures['programs'])} programs, {len(fixtures['mkl'])} MKL stream cases "
          f"(torch drew from {fixtures['stream']} here)")


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in PROGRAM_FILES:
        write_programs(name)
    write_random_programs()
    groups = {
        "arithmetic": arithmetic_cases(),
        "math": math_cases(),
        "more_math": more_math_cases(),
        "comparison": comparison_cases(),
        "matmul": matmul_cases(),
        "reduction": reduction_cases(),
        "shape": shape_cases(),
        "more_reduction": more_reduction_cases(),
        "views": view_cases(),
        "indexing": indexing_cases(),
        "inplace": inplace_cases(),
        "creation": creation_cases(),
        "linalg": linalg_cases(),
        "autograd": autograd_cases(),
        "einsum": einsum_cases(),
        "power": power_cases(),
        "nn": nn_cases(),
        "nn_more": nn_more_cases(),
        "losses": loss_cases(),
        "resampling": resampling_cases(),
        "spatial_transformer": spatial_transformer_cases(),
        "adaptive_max": adaptive_max_cases(),
        "sequence": sequence_cases(),
        "scatter_reduce": scatter_reduce_cases(),
        "log10": log10_cases(),
        "engine_behaviour": engine_behaviour_cases(),
        "declared_unary": declared_unary_cases(),
        "real_functions": real_function_cases(),
        "volumes": volume_cases(),
        "everyday": everyday_cases(),
        "softmax_paths": softmax_path_cases(),
        "fused_losses": fused_loss_cases(),
    }
    for group, cases in groups.items():
        path = os.path.join(OUT, f"{group}.json")
        with open(path, "w") as f:
            json.dump({"generator": "Tests/reference/generate.py", "torch": torch.__version__, "cases": cases}, f,
                      separators=(",", ":"))
            f.write("\n")
        print(f"{path}: {len(cases)} cases")
    os.makedirs(os.path.join(OUT, "python"), exist_ok=True)
    # In this order: each draws on from the RNG state the one before left (layers seeds its own).
    for name, key, make, compact in (("repr", "reprs", repr_cases, False), ("modules", "models", module_cases, True),
                                     ("fuzz", "calls", fuzz_calls, True), ("layers", "layers", layer_cases, True)):
        path = os.path.join(OUT, "python", f"{name}.json")
        with open(path, "w") as f:
            json.dump({"generator": "Tests/reference/generate.py", "torch": torch.__version__, key: make()}, f,
                      separators=(",", ":") if compact else None)
            f.write("\n")
        print(f"{path}: {name} cases")
    path = os.path.join(OUT, "torch_files", "expected.json")
    expected = torch_file_fixtures()
    with open(path, "w") as f:
        json.dump({"generator": "Tests/reference/generate.py", "torch": torch.__version__, "files": expected}, f)
        f.write("\n")
    print(f"{path}: torch.save files")
    os.makedirs(os.path.join(OUT, "training"), exist_ok=True)
    path = os.path.join(OUT, "training", "optim.json")
    with open(path, "w") as f:
        json.dump({"generator": "Tests/reference/generate.py (training.py)", "torch": torch.__version__,
                   **training_fixtures()}, f, separators=(",", ":"))
        f.write("\n")
    print(f"{path}: optimizer and scheduler cases")


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["--only"] and sys.argv[2:3][0] in PROGRAM_FILES:
        write_programs(sys.argv[2])
    elif sys.argv[1:] == ["--only", "random_programs"]:
        write_random_programs()
    elif sys.argv[1:] == ["--only", "layers"]:
        # Each case seeds its own generator: the file alone.
        path = os.path.join(OUT, "python", "layers.json")
        with open(path, "w") as f:
            json.dump({"generator": "Tests/reference/generate.py", "torch": torch.__version__, "layers": layer_cases()}, f,
                      separators=(",", ":"))
            f.write("\n")
        print(f"{path}: layer cases")
    elif sys.argv[1:2] == ["--only"] and sys.argv[2] in ("declared_unary", "real_functions", "volumes", "everyday",
                                                         "softmax_paths", "fused_losses"):
        # One case file alone (each draws from an RNG of its own).
        cases = {"declared_unary": declared_unary_cases, "real_functions": real_function_cases,
                 "volumes": volume_cases, "everyday": everyday_cases,
                 "softmax_paths": softmax_path_cases, "fused_losses": fused_loss_cases}[sys.argv[2]]()
        with open(os.path.join(OUT, f"{sys.argv[2]}.json"), "w") as f:
            json.dump({"generator": "Tests/reference/generate.py", "torch": torch.__version__, "cases": cases}, f,
                      separators=(",", ":"))
            f.write("\n")
        print(f"{sys.argv[2]}.json: {len(cases)} cases")
    else:
        main()
