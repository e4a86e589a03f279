"""The softmax-family kernels against the mathematics in float64 (numpy), on
shapes the small reference fixtures do not reach: long rows, many rows,
strided dims, masks, and the double backward."""

import numpy as np
import pytest

import cajal

rng = np.random.default_rng(7)


def np_softmax(x, dim):
    shifted = x - x.max(axis=dim, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=dim, keepdims=True)


def np_log_softmax(x, dim):
    shifted = x - x.max(axis=dim, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))


@pytest.mark.parametrize("shape,dim", [((64, 1000), -1), ((7, 4097), 1), ((300, 50), 0), ((4, 33, 70), 1),
                                       ((2, 3, 5, 17), 2), ((1, 1), 0), ((129, 3), 1)])
def test_forward_and_backward_match_the_formulas(shape, dim):
    x = rng.standard_normal(shape) * 3
    g = rng.standard_normal(shape)
    for fn, reference in (("softmax", np_softmax), ("log_softmax", np_log_softmax)):
        xt = cajal.tensor(x.astype(np.float32), requires_grad=True)
        y = getattr(cajal, fn)(xt, dim)
        y.backward(cajal.tensor(g.astype(np.float32)))
        y64 = reference(x.astype(np.float32).astype(np.float64), dim)
        np.testing.assert_allclose(y.detach().numpy(), y64, rtol=2e-5, atol=2e-6)
        if fn == "softmax":
            expected = y64 * (g - (g * y64).sum(axis=dim, keepdims=True))
        else:
            expected = g - np.exp(y64) * g.sum(axis=dim, keepdims=True)
        np.testing.assert_allclose(xt.grad.numpy(), expected, rtol=1e-4, atol=1e-5)


def test_logsumexp_long_rows_and_strided_dims():
    x = rng.standard_normal((40, 3000)).astype(np.float32) * 10
    for dim in (0, 1):
        m = x.astype(np.float64).max(axis=dim, keepdims=True)
        expected = (np.log(np.exp(x - m).sum(axis=dim, keepdims=True)) + m).squeeze(dim)
        np.testing.assert_allclose(cajal.logsumexp(cajal.tensor(x), dim).numpy(), expected, rtol=1e-6, atol=1e-5)


def test_masked_rows_and_an_all_masked_row():
    x = rng.standard_normal((5, 40)).astype(np.float32)
    x[:, ::3] = -np.inf
    x[4] = -np.inf
    y = cajal.softmax(cajal.tensor(x), -1).numpy()
    np.testing.assert_allclose(y[:4], np_softmax(x[:4].astype(np.float64), -1), rtol=2e-5, atol=1e-7)
    assert (y[:4, ::3] == 0).all()
    assert np.isnan(y[4]).all()  # torch gives NaN for a row with nothing to attend to
    ls = cajal.log_softmax(cajal.tensor(x[:4]), -1).numpy()
    assert np.isneginf(ls[:, ::3]).all()
    lse = cajal.logsumexp(cajal.tensor(x), -1).numpy()
    assert lse[4] == -np.inf


def test_gradient_broadcast_from_a_sum():
    # softmax rows sum to 1, so d sum(softmax) / dx = 0; the incoming gradient has stride 0.
    x = cajal.tensor(rng.standard_normal((6, 37)).astype(np.float32), requires_grad=True)
    cajal.softmax(x, 1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 0, atol=1e-6)


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_double_backward_matches_finite_differences(fn):
    x0 = rng.standard_normal((3, 19))
    w = cajal.tensor(rng.standard_normal((3, 19)))
    v = cajal.tensor(rng.standard_normal((3, 19)))

    def first_grad(values, create_graph):
        x = cajal.tensor(values, requires_grad=True)
        y = (getattr(cajal, fn)(x, 1) * w).sum()
        (g,) = cajal.autograd.grad(y, [x], create_graph=create_graph)
        return x, g

    x, g = first_grad(x0, True)
    (hv,) = cajal.autograd.grad((g * v).sum(), [x])
    eps = 1e-6
    numeric = np.zeros_like(x0)
    for i in np.ndindex(x0.shape):
        plus, minus = x0.copy(), x0.copy()
        plus[i] += eps
        minus[i] -= eps
        gp = (first_grad(plus, False)[1] * v).sum().item()
        gm = (first_grad(minus, False)[1] * v).sum().item()
        numeric[i] = (gp - gm) / (2 * eps)
    np.testing.assert_allclose(hv.numpy(), numeric, rtol=1e-5, atol=1e-7)


def test_half_types_compute_in_float32_and_round_once():
    x = rng.standard_normal((4, 50)).astype(np.float32)
    for dtype in (cajal.float16, cajal.bfloat16):
        xt = cajal.tensor(x).to(dtype)
        y = cajal.softmax(xt, 1)
        assert y.dtype == dtype
        expected = cajal.softmax(xt.float(), 1).to(dtype)
        assert cajal.equal(y, expected)


def test_bad_dims_raise():
    x = cajal.zeros(2, 3)
    with pytest.raises(IndexError, match="softmax"):
        cajal.softmax(x, 2)
    with pytest.raises(IndexError, match="log_softmax"):
        cajal.log_softmax(x, -3)
