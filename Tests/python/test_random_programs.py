"""torch's random draws beyond rand/randn, against real torch
(fixtures/python/random_programs.json from Tests/reference/random_programs.py):
bernoulli_, torch.bernoulli, dropout (functional, modules, Dropout2d, between
LSTM layers, three SGD steps of an MLP with dropout) and WeightedRandomSampler
without replacement. Both of torch's streams for bernoulli_(p) are checked,
whatever this machine's CPU: its mt19937 path (torch 2.x's on every CPU)
against torch, and the MKL MCG31 path of older torch builds on Intel CPUs
against MKL's own draws."""

import json
import math
import os

import numpy as np
import pytest

import cajal
from cajal.backends import cpu
from random_programs import MKL_CASES, PROGRAMS, dropout_size
from reference import FIXTURES, flat_values, to_tensor

with open(os.path.join(FIXTURES, "python", "random_programs.json")) as f:
    EXPECTED = json.load(f)


@pytest.fixture
def stream():
    """Sets the Bernoulli stream for one test and restores this machine's."""
    before = cpu.get_bernoulli_stream()
    yield cpu.set_bernoulli_stream
    cpu.set_bernoulli_stream(before)


def test_the_default_stream_is_torch_2s():
    """torch 2.x draws from its mt19937 on Intel and AMD CPUs alike (the fixture measured it)."""
    assert cpu.get_bernoulli_stream() == "mt19937" == EXPECTED["stream"]


def same_draws(actual, spec, what):
    """The draws must be torch's exactly: the same zeros (dropped elements, 0
    bits) in the same places and the same integers. The values around them
    come from randn, whose vectorised Box-Muller differs from torch's in the
    last bits of float32 (about 1e-6 of a unit normal, times dropout's scale),
    so they compare at that tolerance."""
    expected = flat_values(spec)
    assert list(actual.shape) == spec["shape"], f"{what}: shape {list(actual.shape)} != {spec['shape']}"
    got = actual.detach().reshape(-1).tolist()
    if spec["dtype"] in ("int64", "bool"):
        assert got == expected, f"{what}: draws differ from torch's"
        return
    assert [g == 0 for g in got] == [e == 0 for e in expected], f"{what}: not torch's mask"
    for i, (g, e) in enumerate(zip(got, expected)):
        assert abs(g - e) <= 2e-5 + 1e-5 * abs(e), f"{what}[{i}]: {g} != torch's {e}"


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_matches_torch(name, stream):
    stream(EXPECTED["stream"])  # the stream torch took where the fixture was made
    results = PROGRAMS[name](cajal)
    expected = EXPECTED["programs"][name]
    assert sorted(results) == sorted(expected)
    for key, spec in expected.items():
        same_draws(results[key], spec, f"{name}.{key}")


@pytest.mark.parametrize("case", EXPECTED["mkl"], ids=lambda c: f"seed{c['seed']}-n{c['count']}-p{c['p']}")
def test_mkl_stream_matches_mkl(case, stream):
    stream("mkl")
    cajal.manual_seed(case["seed"])
    bits = cajal.empty(case["count"]).bernoulli_(case["p"])
    assert bits.tolist() == to_tensor(case["bits"]).tolist()
    cajal.manual_seed(case["seed"])
    x = cajal.randn(dropout_size(case["count"]))
    same_draws(cajal.nn.functional.dropout(x, case["p"]), case["dropout"], "dropout")


def test_every_mkl_case_is_in_the_fixture():
    assert [(c["seed"], c["count"], c["p"]) for c in EXPECTED["mkl"]] == [tuple(c) for c in MKL_CASES]


def test_bernoulli_bad_inputs():
    with pytest.raises(RuntimeError, match=r"bernoulli_ expects p to be in \[0, 1\], but got p=1.5"):
        cajal.empty(2).bernoulli_(1.5)
    with pytest.raises(RuntimeError, match=r"bernoulli_ expects p to be in \[0, 1\], but got p=nan"):
        cajal.empty(2).bernoulli_(float("nan"))
    with pytest.raises(RuntimeError, match=r"Expected p_in >= 0 && p_in <= 1 to be true"):
        cajal.bernoulli(cajal.tensor([0.5, -0.1]))
    with pytest.raises(RuntimeError, match=r"Expected p_in >= 0 && p_in <= 1 to be true"):
        cajal.bernoulli(cajal.tensor([float("nan")]))
    with pytest.raises(NotImplementedError, match=r"not implemented for 'Long'"):
        cajal.bernoulli(cajal.tensor([1, 0]))
    with pytest.raises(ValueError, match=r"expected one of \['mkl', 'mt19937'\]"):
        cpu.set_bernoulli_stream("philox")
    leaf = cajal.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"\[bernoulli_\] a leaf Variable that requires grad"):
        leaf.bernoulli_(0.5)
    # Edge probabilities are exact, for every dtype.
    assert cajal.empty(5, dtype=cajal.bool).bernoulli_(1.0).tolist() == [True] * 5
    assert cajal.empty(5, dtype=cajal.int64).bernoulli_(0.0).tolist() == [0] * 5
    assert cajal.ones(3, 2).t().bernoulli_(1.0).tolist() == [[1.0] * 3] * 2  # non-contiguous


def test_randn_blocks_follow_box_muller_on_the_same_uniforms():
    """randn (float32, 16 or more) turns each block of 16 uniforms into
    normals in vector math: radius sqrt(-2 log(1 - u[j])), angle 2π u[j+8],
    cos to j and sin to j + 8, against the same formula in float64 on the
    uniforms rand draws from the same seed (angles up to 2π in all quadrants,
    u near 1 for large radii)."""
    import math
    cajal.manual_seed(123)
    u = cajal.rand(4096).numpy().astype(np.float64).reshape(-1, 16)
    cajal.manual_seed(123)
    z = cajal.randn(4096).numpy().astype(np.float64).reshape(-1, 16)
    radius = np.sqrt(-2 * np.log(1 - u[:, :8]))
    angle = 2 * math.pi * u[:, 8:]
    np.testing.assert_allclose(z[:, :8], radius * np.cos(angle), rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(z[:, 8:], radius * np.sin(angle), rtol=2e-5, atol=2e-6)
    cajal.manual_seed(7)
    shifted = cajal.empty(64).normal_(3.0, 0.5).numpy()
    cajal.manual_seed(7)
    np.testing.assert_allclose(shifted, cajal.randn(64).numpy() * 0.5 + 3.0, rtol=1e-6, atol=1e-6)


def test_normal_refuses_what_torch_refuses():
    with pytest.raises(RuntimeError, match=r"normal expects std >= 0.0, but found std -1.0"):
        cajal.normal(0.0, -1.0, (3,))
    with pytest.raises(RuntimeError, match="normal expects all elements of std >= 0.0"):
        cajal.normal(cajal.zeros(3), cajal.tensor([1.0, -0.5, 2.0]))
    with pytest.raises(TypeError, match="pass the output's size"):
        cajal.normal(0.0, 1.0)
    with pytest.raises(RuntimeError, match="Shape mismatch"):
        cajal.normal(cajal.zeros(3), cajal.ones(4))
    assert cajal.normal(1.0, 2.0, (2, 3), requires_grad=True).requires_grad
