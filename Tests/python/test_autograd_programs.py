"""The programs of Tests/reference/autograd_programs.py (second derivatives of
the common ops and layers, custom autograd Functions, tensor and module
hooks, Grad-CAM, a WGAN-GP gradient penalty, a physics-informed residual,
autograd.functional) run with cajal, against what the same text computed
with torch (fixtures/python/autograd_programs.json)."""

import json
import os

import pytest

import cajal
from autograd_programs import PROGRAMS
from reference import FIXTURES, flat_values, to_tensor

with open(os.path.join(FIXTURES, "python", "autograd_programs.json")) as f:
    EXPECTED = json.load(f)["programs"]


def compare(actual, spec, what):
    assert actual is not None, f"{what}: no tensor (torch has one of shape {spec['shape']})"
    assert list(actual.shape) == spec["shape"], f"{what}: shape {list(actual.shape)} != {spec['shape']}"
    expected = flat_values(spec)
    got = actual.detach().reshape(-1).tolist()
    for i, (g, e) in enumerate(zip(got, expected)):
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
