"""The fused layer_norm, GELU and binary_cross_entropy_with_logits kernels against the formulas in float64."""

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


@pytest.mark.parametrize("with_weight,with_bias", [(True, False), (False, True), (True, True)])
def test_layer_norm_parameter_gradients_over_many_rows_do_not_depend_on_threads(with_weight, with_bias):
    """dweight and dbias are summed in fixed parts of the rows (1500 rows: 64
    parts of 23-24), in double: the float64 sums, and the same bits on one
    thread as on two."""
    x = rng.standard_normal((1500, 24)) * 2 - 1
    g = rng.standard_normal((1500, 24))
    w = rng.standard_normal(24)
    b = rng.standard_normal(24)
    _, xhat, _ = np_layer_norm(x.astype(np.float32).astype(np.float64), (1,), None, None)
    results = []
    for threads in (1, 2):
        previous = cajal.get_num_threads()
        cajal.set_num_threads(threads)
        try:
            wt = cajal.tensor(w.astype(np.float32), requires_grad=True) if with_weight else None
            bt = cajal.tensor(b.astype(np.float32), requires_grad=True) if with_bias else None
            F.layer_norm(cajal.tensor(x.astype(np.float32)), (24,), wt, bt).backward(cajal.tensor(g.astype(np.float32)))
        finally:
            cajal.set_num_threads(previous)
        results.append((wt.grad.numpy() if with_weight else None, bt.grad.numpy() if with_bias else None))
    if with_weight:
        np.testing.assert_allclose(results[0][0], (g.astype(np.float32) * xhat).sum(0), rtol=1e-4, atol=1e-4)
        assert np.array_equal(results[0][0], results[1][0])
    if with_bias:
        np.testing.assert_allclose(results[0][1], g.astype(np.float32).astype(np.float64).sum(0), rtol=1e-5, atol=1e-5)
        assert np.array_equal(results[0][1], results[1][1])


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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gelu_gradient_kernel_against_the_formula_with_a_tail_and_specials(dtype):
    """GELU's gradient kernel (one pass) against g (Φ(x) + x φ(x)) in float64:
    1003 elements (a tail after the whole vectors), a non-contiguous
    gradient, huge values and NaN; under create_graph the gradient from ops
    agrees with it."""
    x = np.concatenate([np.linspace(-12, 12, 999), [np.nan, 1e30, -1e30, 0.0]]).astype(dtype)
    g = rng.standard_normal(1003).astype(dtype)
    xt = cajal.tensor(x, requires_grad=True)
    strided = cajal.tensor(np.stack([g, -g], 1))[:, 0]  # every other element: not contiguous
    assert not strided.is_contiguous()
    (dx,) = cajal.autograd.grad(F.gelu(xt), [xt], strided)
    x64 = x.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        cdf = np.array([0.5 * (1 + math.erf(v / math.sqrt(2))) if np.isfinite(v) else np.nan for v in x64])
        density = np.exp(-np.minimum(x64 ** 2, 1e4) / 2) / math.sqrt(2 * math.pi)
        want = g.astype(np.float64) * (cdf + x64 * density)
    want[-4:-1] = [np.nan, g[-3], 0.0]  # NaN stays NaN; at ±huge the slope is 1 and 0
    tolerance = dict(rtol=1e-5, atol=2e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dx.numpy(), want, **tolerance)
    xt2 = cajal.tensor(x[:-4], requires_grad=True)
    (again,) = cajal.autograd.grad(F.gelu(xt2), [xt2], cajal.tensor(g[:-4].copy()), create_graph=True)
    np.testing.assert_allclose(again.detach().numpy(), dx.numpy()[:-4], **tolerance)


def test_bilinear_resize_is_exact_on_planes_and_its_gradient_is_the_adjoint():
    # Bilinear interpolation reproduces a function a·y + b·x + c exactly
    # (align_corners: output pixel i sits at input position i·(in-1)/(out-1)).
    H, W, OH, OW = 5, 7, 9, 13
    yy, xx = np.mgrid[:H, :W].astype(np.float64)
    plane = 0.5 * yy - 0.25 * xx + 2
    x = cajal.tensor(np.stack([plane, 2 * plane])[None])  # (1, 2, H, W), float64
    y = F.interpolate(x, size=(OH, OW), mode="bilinear", align_corners=True).numpy()
    oy, ox = np.mgrid[:OH, :OW] * np.array([(H - 1) / (OH - 1), (W - 1) / (OW - 1)])[:, None, None]
    want = 0.5 * oy - 0.25 * ox + 2
    np.testing.assert_allclose(y[0, 0], want, atol=1e-12)
    np.testing.assert_allclose(y[0, 1], 2 * want, atol=1e-12)
    # <resize(x), g> = <x, resize'(g)> for any x and g: the backward is the adjoint.
    for kwargs in (dict(scale_factor=2), dict(size=(3, 11)), dict(size=(8, 8), align_corners=True)):
        xs = cajal.tensor(rng.standard_normal((2, 3, 6, 5)), requires_grad=True)
        out = F.interpolate(xs, mode="bilinear", **kwargs)
        g = cajal.tensor(rng.standard_normal(tuple(out.shape)), requires_grad=True)
        (dx,) = cajal.autograd.grad((out * g).sum(), [xs], create_graph=True)
        np.testing.assert_allclose((out * g).sum().item(), (xs * dx).sum().item(), rtol=1e-12)
        # dx = resize'(g) is linear in g, and its gradient is the resize again.
        v = cajal.tensor(rng.standard_normal((2, 3, 6, 5)))
        (dg,) = cajal.autograd.grad((dx * v).sum(), [g])
        np.testing.assert_allclose(dg.numpy(), F.interpolate(v, mode="bilinear", **kwargs).numpy(), rtol=1e-12, atol=1e-12)


def test_bce_with_logits_second_derivative_through_the_fused_kernel():
    # The fused path (constant target) under create_graph: d/dx of the summed
    # gradient is lw σ(x)(1 - σ(x)) w / N, lw = (pw - 1) t + 1.
    x = rng.uniform(-6, 6, (4, 9))
    t = rng.uniform(0, 1, (4, 9))
    w = rng.uniform(0.5, 2, (9,))
    pw = rng.uniform(0.5, 3, (9,))
    xt = cajal.tensor(x, requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(xt, cajal.tensor(t), weight=cajal.tensor(w), pos_weight=cajal.tensor(pw))
    assert loss.grad_fn.name() == "BinaryCrossEntropyWithLogitsBackward0"
    (grad,) = cajal.autograd.grad(loss, xt, create_graph=True)
    sigmoid = 1 / (1 + np.exp(-x))
    lw = (pw - 1) * t + 1
    np.testing.assert_allclose(grad.detach().numpy(), (lw * sigmoid - pw * t) * w / x.size, rtol=1e-12, atol=1e-15)
    grad.sum().backward()
    np.testing.assert_allclose(xt.grad.numpy(), lw * sigmoid * (1 - sigmoid) * w / x.size, rtol=1e-10, atol=1e-15)


def test_bce_with_logits_keeps_the_composite_where_the_target_wants_a_gradient():
    x = cajal.tensor(rng.uniform(-3, 3, (3, 5)).astype(np.float32), requires_grad=True)
    t = cajal.tensor(rng.uniform(0, 1, (3, 5)).astype(np.float32), requires_grad=True)
    F.binary_cross_entropy_with_logits(x, t).backward()
    # d/dt of (1 - t) x - log σ(x) is -x, over the mean's 15 elements.
    np.testing.assert_allclose(t.grad.numpy(), -x.detach().numpy() / 15, rtol=1e-6)
    with pytest.raises(ValueError, match="binary_cross_entropy_with_logits.*must be the same as input size"):
        F.binary_cross_entropy_with_logits(x, cajal.zeros(3, 4))


@pytest.mark.parametrize("create_graph", [False, True])
def test_relu_gradient_is_torchs_threshold_backward(create_graph):
    # y <= 0 ? 0 : g: nothing at the kink, the gradient through NaN (torch's
    # threshold_backward, as torch 2.x gives [1, 0, 0, 1] here), in the kernel
    # and in the composite create_graph takes.
    x = cajal.tensor([float("nan"), -1.0, 0.0, 2.0] * 5, requires_grad=True)
    g = cajal.tensor(np.arange(1, 21, dtype=np.float32))
    (grad,) = cajal.autograd.grad(x.relu(), x, g, create_graph=create_graph)
    np.testing.assert_array_equal(grad.detach().numpy(), np.where(np.arange(20) % 4 % 3 == 0, np.arange(1, 21), 0))


def test_cross_entropy_hessian_vector_product_through_the_fused_nll_loss():
    # nll_loss's kernel under create_graph: d/dx of <grad, v> for the mean
    # cross entropy is, per row, (diag(p) - p p^T) v w_t / total weight.
    x = rng.standard_normal((6, 5))
    t = np.array([0, 4, 2, 2, -100, 1])
    w = rng.uniform(0.5, 2.0, 5)
    v = rng.standard_normal((6, 5))
    xt = cajal.tensor(x, requires_grad=True)
    loss = F.cross_entropy(xt, cajal.tensor(t), weight=cajal.tensor(w))
    assert loss.grad_fn.name() == "NllLossBackward0"  # as torch names cross_entropy's
    (grad,) = cajal.autograd.grad(loss, xt, create_graph=True)
    (grad * cajal.tensor(v)).sum().backward()
    kept = t != -100
    scale = np.where(kept, w[np.where(kept, t, 0)], 0) / w[t[kept]].sum()
    p = np.exp(x) / np.exp(x).sum(1, keepdims=True)
    expected_grad = (p - np.eye(5)[np.where(kept, t, 0)]) * scale[:, None]
    np.testing.assert_allclose(grad.detach().numpy(), expected_grad, rtol=1e-10, atol=1e-14)
    hvp = (p * v - p * (p * v).sum(1, keepdims=True)) * scale[:, None]
    np.testing.assert_allclose(xt.grad.numpy(), hvp, rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_nll_loss_kernel_edges(reduction):
    # Every target ignored: the mean is 0/0 = nan and the gradient zero, as torch.
    x = cajal.tensor(rng.standard_normal((3, 4)).astype(np.float32), requires_grad=True)
    loss = F.nll_loss(x, cajal.tensor([-100, -100, -100]), reduction=reduction)
    if reduction == "mean":
        assert math.isnan(loss.item())
    else:
        np.testing.assert_array_equal(loss.detach().numpy(), 0)
    loss.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 0)
    with pytest.raises(IndexError, match=r"\[nll_loss\] Target -1 is out of bounds \(4 classes\)"):
        F.nll_loss(x, cajal.tensor([0, -1, 9]), reduction=reduction)
    with pytest.raises(IndexError, match=r"Target 9 is out of bounds"):
        F.nll_loss(x, cajal.tensor([0, 3, 9]), reduction=reduction)
    # A spatial (N, C, d) input with a per-position gradient: each position's class picked.
    y = cajal.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    target = np.array([[0, 2, 1, 1], [2, 2, 0, 1]])
    out = F.nll_loss(y, cajal.tensor(target), reduction="none")
    picked = np.take_along_axis(y.detach().numpy(), target[:, None], 1)[:, 0]
    np.testing.assert_array_equal(out.detach().numpy(), -picked)
    g = rng.standard_normal((2, 4))
    out.backward(cajal.tensor(g))
    expected = np.zeros((2, 3, 4))
    np.put_along_axis(expected, target[:, None], -g[:, None], 1)
    np.testing.assert_array_equal(y.grad.numpy(), expected)
