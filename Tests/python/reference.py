"""Reads the PyTorch reference fixtures (Tests/reference/fixtures/*.json)."""

import array
import base64
import glob
import json
import math
import os
import struct

import cajal

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(HERE), "reference", "fixtures")
DTYPES = {name: getattr(cajal, name) for name in ("float32", "float64", "int64", "bool", "int32", "int16", "int8", "uint8",
                                                   "float16", "bfloat16")}
# bfloat16 travels as float32 bytes (numpy has no bfloat16); float16 is read with struct.
ARRAY_CODES = {"float32": "f", "float64": "d", "int64": "q", "bool": "B", "int32": "i", "int16": "h", "int8": "b",
               "uint8": "B", "bfloat16": "f"}
# float32 as the issue states; float64 allows for libm and BLAS last-bit differences.
TOLERANCE = {"float32": (1e-5, 1e-6), "float64": (1e-9, 1e-12)}


def load_cases():
    cases = []
    for path in sorted(glob.glob(os.path.join(FIXTURES, "*.json"))):
        with open(path) as f:
            cases += json.load(f)["cases"]
    return cases


def flat_values(spec):
    """The elements of a fixture tensor as Python numbers."""
    if "b64" in spec:
        raw = base64.b64decode(spec["b64"])
        if spec["dtype"] == "float16":
            values = list(struct.unpack(f"<{len(raw) // 2}e", raw))
        else:
            values = array.array(ARRAY_CODES[spec["dtype"]], raw).tolist()
    else:
        values = [float(v) if isinstance(v, str) else v for v in spec["data"]]
    if spec["dtype"] == "bool":
        values = [bool(v) for v in values]
    return values


def to_tensor(spec):
    values = flat_values(spec)
    return cajal.tensor(values, dtype=DTYPES[spec["dtype"]]).reshape(spec["shape"])


def assert_matches(actual, spec, what, case_atol=0.0):
    """Compares a cajal tensor with a fixture tensor: dtype, shape and values."""
    assert actual.dtype is DTYPES[spec["dtype"]], f"{what}: dtype {actual.dtype} != {spec['dtype']}"
    assert list(actual.shape) == spec["shape"], f"{what}: shape {list(actual.shape)} != {spec['shape']}"
    if "strides" in spec and actual.numel() > 0:
        # The layout torch chose, on the dims where strides mean something.
        def layout(strides):
            return [st for size, st in zip(spec["shape"], strides) if size > 1]
        assert layout(actual.stride()) == layout(spec["strides"]), \
            f"{what}: strides {actual.stride()} != torch's {tuple(spec['strides'])}"
    expected = flat_values(spec)
    got = actual.detach().reshape(-1).tolist() if actual.numel() else []
    if not actual.shape:
        got = [actual.item()]
    rtol, atol = TOLERANCE.get(spec["dtype"], (0.0, 0.0))
    if spec["dtype"] == "float32":
        atol = max(atol, case_atol)
    for i, (g, e) in enumerate(zip(got, expected)):
        if isinstance(e, float) and math.isnan(e):
            assert math.isnan(g), f"{what}[{i}]: {g} != nan"
        elif isinstance(e, float) and math.isinf(e):
            assert g == e, f"{what}[{i}]: {g} != {e}"
        else:
            assert abs(g - e) <= atol + rtol * abs(e), f"{what}[{i}]: {g} != {e} (rtol {rtol}, atol {atol})"
