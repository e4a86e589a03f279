"""The fused layer_norm kernel and GELU against the formulas in float64."""

import math

import numpy as np
import pytest

import cajal
import cajal.nn.functional as F

rng = np.random.default_rng(5)


def np_layer_norm(x, dims, w, b, eps=1e-5):
    mean = x.mean(axis=dims, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=dims, keepdims=True)
    xhat = (x - mean) / np.sqrt(var + eps)
    return xhat * (1 if w is None else w) + (0 if b is None else b), xhat, var


@pytest.mark.parametrize("shape,normalized,affine", [((4, 7, 33), (33,), True), ((5, 6, 8), (6, 8), True),
                                                     ((3, 40), (40,), False), ((2, 1000), (1000,), True)])
def test_layer_norm_forward_and_gradients(shape, normalized, affine):
    x = rng.standard_normal(shape) * 3 + 1
    g = rng.standard_normal(shape)
    w = rng.standard_normal(normalized) if affine else None
    b = rng.standard_normal(normalized) if affine else None
    dims = tuple(range(len(shape) - len(normalized), len(shape)))
    xt = cajal.tensor(x.astype(np.float32), requires_grad=True)
    wt = cajal.tensor(w.astype(np.float32), requires_grad=True) if affine else None
    bt = cajal.tensor(b.astype(np.float32), requires_grad=True) if affine else None
    y = F.layer_norm(xt, normalized, wt, bt)
    y.backward(cajal.tensor(g.astype(np.float32)))
    x32 = x.astype(np.float32).astype(np.float64)
    want, xhat, var = np_layer_norm(x32, dims, w, b)
    np.testing.assert_allclose(y.detach().numpy(), want, rtol=1e-5, atol=1e-5)
    n = int(np.prod(normalized))
    gw = g * (1 if w is None else w)
    dx = (gw - gw.mean(axis=dims, keepdims=True) - xhat * (gw * xhat).mean(axis=dims, keepdims=True)) / np.sqrt(var + 1e-5)
    np.testing.assert_allclose(xt.grad.numpy(), dx, rtol=1e-4, atol=1e-5)
    if affine:
        rows = tuple(range(len(shape) - len(normalized)))
        np.testing.assert_allclose(wt.grad.numpy(), (g * xhat).sum(axis=rows), rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(bt.grad.numpy(), g.sum(axis=rows), rtol=1e-4, atol=1e-4)
    assert n > 0


def test_layer_norm_transposed_input_and_float64():
    x = rng.standard_normal((12, 5))
    xt = cajal.tensor(x).t()  # (5, 12), not contiguous
    want, _, _ = np_layer_norm(x.T, (1,), None, None)
    np.testing.assert_allclose(F.layer_norm(xt, (12,)).numpy(), want, rtol=1e-12, atol=1e-12)


def test_layer_norm_double_backward_matches_finite_differences():
    x0 = rng.standard_normal((3, 9))
    w = cajal.tensor(rng.standard_normal(9), requires_grad=True)
    v = cajal.tensor(rng.standard_normal((3, 9)))

    def first(values, create_graph):
        x = cajal.tensor(values, requires_grad=True)
        (g,) = cajal.autograd.grad((F.layer_norm(x, (9,), w) ** 3).sum(), [x], create_graph=create_graph)
        return x, g

    x, g = first(x0, True)
    (second,) = cajal.autograd.grad((g * v).sum(), [x])
    numeric = np.zeros_like(x0)
    for i in np.ndindex(x0.shape):
        plus, minus = x0.copy(), x0.copy()
        plus[i] += 1e-6
        minus[i] -= 1e-6
        numeric[i] = ((first(plus, False)[1] * v).sum().item() - (first(minus, False)[1] * v).sum().item()) / 2e-6
    np.testing.assert_allclose(second.numpy(), numeric, rtol=1e-5, atol=1e-6)


def test_gelu_matches_the_normal_cdf():
    x = np.linspace(-9, 9, 1001)
    xt = cajal.tensor(x.astype(np.float32), requires_grad=True)
    y = F.gelu(xt)
    y.sum().backward()
    cdf = np.array([0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x.astype(np.float32).astype(np.float64)])
    x32 = x.astype(np.float32).astype(np.float64)
    # erf's vector form has an absolute error up to 1.5e-7 above 1 (Abramowitz & Stegun
    # 7.1.26), which 1 + erf(x) keeps where it is small (x < -3): the same as before fusing.
    np.testing.assert_allclose(y.detach().numpy(), x32 * cdf, rtol=2e-6, atol=3e-7)
    density = np.exp(-x32 ** 2 / 2) / math.sqrt(2 * math.pi)
    np.testing.assert_allclose(xt.grad.numpy(), cdf + x32 * density, rtol=1e-5, atol=1e-6)
