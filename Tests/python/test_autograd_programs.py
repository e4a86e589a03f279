"""The programs of Tests/reference/autograd_programs.py (second derivatives of
the common ops and layers, custom autograd Functions, tensor and module
hooks, Grad-CAM, a WGAN-GP gradient penalty, a physics-informed residual,
autograd.functional) and surface_programs.py (compositions such as addmm,
kron, meshgrid, cdist, with their gradients) run with cajal, against what
the same text computed with torch (fixtures/python/<file>.json)."""

import json
import math
import os

import pytest

import cajal
import autograd_programs
import surface_programs
from reference import FIXTURES, flat_values, to_tensor

PROGRAMS, EXPECTED = {}, {}
for _module in (autograd_programs, surface_programs):
    _file = _module.__name__
    with open(os.path.join(FIXTURES, "python", f"{_file}.json")) as f:
        _expected = json.load(f)["programs"]
    assert sorted(_expected) == sorted(_module.PROGRAMS), f"{_file}.json is stale: make fixtures"
    PROGRAMS.update({f"{_file}:{name}": program for name, program in _module.PROGRAMS.items()})
    EXPECTED.update({f"{_file}:{name}": fixture for name, fixture in _expected.items()})


def compare(actual, spec, what):
    assert actual is not None, f"{what}: no tensor (torch has one of shape {spec['shape']})"
    assert list(actual.shape) == spec["shape"], f"{what}: shape {list(actual.shape)} != {spec['shape']}"
    expected = flat_values(spec)
    got = actual.detach().reshape(-1).tolist()
    for i, (g, e) in enumerate(zip(got, expected)):
        if isinstance(e, float) and (math.isnan(e) or math.isinf(e)):
            assert (math.isnan(g) and math.isnan(e)) or g == e, f"{what}[{i}]: {g} != torch's {e}"
            continue
        # float64 throughout; the sums of second derivatives meet rounding a few times over.
        assert abs(g - e) <= 1e-9 + 1e-7 * abs(e), f"{what}[{i}]: {g} != torch's {e}"


def test_every_program_has_a_fixture():
    assert sorted(EXPECTED) == sorted(PROGRAMS)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_matches_torch(name):
    program, _ = PROGRAMS[name]
    fixture = EXPECTED[name]
    inputs = [to_tensor(spec) for spec in fixture["inputs"]]
    results = program(cajal, inputs)
    assert sorted(results) == sorted(fixture["outputs"])
    for key, spec in fixture["outputs"].items():
        value = results[key]
        if isinstance(spec, list):
            assert len(value) == len(spec), f"{name}.{key}: {len(value)} tensors != {len(spec)}"
            for i, (v, s) in enumerate(zip(value, spec)):
                compare(v, s, f"{name}.{key}[{i}]")
        else:
            compare(value, spec, f"{name}.{key}")
