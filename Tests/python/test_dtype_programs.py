"""The programs of Tests/reference/dtype_programs.py (casts between the
storage dtypes, torch's promotion among all ten dtypes, integer wrapping,
half-type arithmetic and gradients, data movement on 8-bit images, creation
and the legacy tensor types) run with cajal, against what the same text
computed with torch (fixtures/python/dtype_programs.json)."""

import json
import math
import os

import pytest

import cajal
import dtype_programs
from reference import DTYPES, FIXTURES, flat_values, to_tensor

with open(os.path.join(FIXTURES, "python", "dtype_programs.json")) as _f:
    EXPECTED = json.load(_f)["programs"]

# float32 results (from integer or half inputs) may differ in the last bits
# where a sum's order differs. The half types round once per op, as torch's
# kernels do, but inside a fused kernel (log_softmax, add with alpha, a
# backward) torch's float32 steps are not all ours: one unit in the last place
# is allowed there, and only there.
TOLERANCE = {"float32": 2e-6, "float64": 1e-12}
ONE_ULP = {"float16": 2.0 ** -10, "bfloat16": 2.0 ** -7}
FUSED = ("add_alpha", "log_softmax", "softmax", "grad_a", "grad_w", "loss")
# add(alpha=) rounds alpha·b to the half type first in torch's scalar tail loop
# but not in its vector loop; cajal follows the vector loop: two units there.
ULPS = {"add_alpha": 2}


def compare(actual, spec, what, fused=False):
    assert actual.dtype is DTYPES[spec["dtype"]], f"{what}: dtype {actual.dtype} != torch's {spec['dtype']}"
    assert list(actual.shape) == spec["shape"], f"{what}: shape {list(actual.shape)} != {spec['shape']}"
    expected = flat_values(spec)
    got = actual.detach().reshape(-1).tolist()
    tolerance = TOLERANCE.get(spec["dtype"], 0.0)
    for i, (g, e) in enumerate(zip(got, expected)):
        if isinstance(e, float) and math.isnan(e):
            assert math.isnan(g), f"{what}[{i}]: {g} != torch's nan"
        elif fused and spec["dtype"] in ONE_ULP and math.isfinite(e):
            ulp = ONE_ULP[spec["dtype"]] * 2.0 ** math.floor(math.log2(abs(e))) if e else 0.0
            ulp *= ULPS.get(what.rsplit("_", 2)[-2] + "_" + what.rsplit("_", 1)[-1], 1)
            assert abs(g - e) <= ulp, f"{what}[{i}]: {g} != torch's {e} (more than one unit in the last place)"
        elif tolerance and isinstance(e, float) and math.isfinite(e):
            assert abs(g - e) <= tolerance * max(1.0, abs(e)), f"{what}[{i}]: {g} != torch's {e}"
        else:
            assert g == e, f"{what}[{i}]: {g} != torch's {e}"


def test_every_program_has_a_fixture():
    assert sorted(EXPECTED) == sorted(dtype_programs.PROGRAMS), "dtype_programs.json is stale: make fixtures"


@pytest.mark.parametrize("name", sorted(dtype_programs.PROGRAMS))
def test_program_matches_torch(name):
    program, _ = dtype_programs.PROGRAMS[name]
    fixture = EXPECTED[name]
    results = program(cajal, [to_tensor(spec) for spec in fixture["inputs"]])
    assert sorted(results) == sorted(fixture["outputs"])
    failures = []
    for key, spec in fixture["outputs"].items():
        try:
            compare(results[key], spec, f"{name}.{key}", fused=key.endswith(FUSED))
        except AssertionError as error:
            failures.append(str(error).split("\n")[0])
    assert not failures, f"{len(failures)} of {len(fixture['outputs'])} outputs differ:\n" + "\n".join(failures)
