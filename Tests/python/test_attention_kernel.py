"""The fused attention op (scaled_dot_product_attention and
MultiheadAttention's core) against the formulas in float64: sequence
lengths around and past a vector of 16, masks of every kind, causal
masking, gradients; and the paths that stay composite."""

import numpy as np
import pytest

import cajal
import cajal.nn.functional as F

rng = np.random.default_rng(11)


def reference(q, k, v, g, scale, additive=None, causal=False):
    s = q @ np.swapaxes(k, -1, -2) * scale
    if additive is not None:
        s = s + additive
    if causal:
        s = np.where(np.tril(np.ones(s.shape[-2:], bool)), s, -np.inf)
    s = s - s.max(-1, keepdims=True)
    p = np.exp(s)
    p /= p.sum(-1, keepdims=True)
    o = p @ v
    dv = np.swapaxes(p, -1, -2) @ g
    dp = g @ np.swapaxes(v, -1, -2)
    ds = p * (dp - (dp * p).sum(-1, keepdims=True)) * scale
    return o, ds @ k, np.swapaxes(ds, -1, -2) @ q, dv


def run(q, k, v, g, **kwargs):
    ts = [cajal.tensor(a.astype(np.float32), requires_grad=True) for a in (q, k, v)]
    out = F.scaled_dot_product_attention(*ts, **kwargs)
    out.backward(cajal.tensor(g.astype(np.float32)))
    return [out.detach().numpy()] + [t.grad.numpy() for t in ts]


@pytest.mark.parametrize("L,S,D,Dv", [(5, 7, 4, 6), (17, 17, 12, 12), (30, 33, 8, 8), (1, 40, 16, 3), (64, 20, 32, 32)])
def test_matches_the_formulas(L, S, D, Dv):
    q, k = rng.standard_normal((2, 3, L, D)), rng.standard_normal((2, 3, S, D))
    v, g = rng.standard_normal((2, 3, S, Dv)), rng.standard_normal((2, 3, L, Dv))
    for got, want in zip(run(q, k, v, g), reference(q, k, v, g, 1 / np.sqrt(D))):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-6)


def test_masks_causal_and_scale():
    L, S, D = 19, 19, 8
    q, k, v = (rng.standard_normal((2, 4, n, D)) for n in (L, S, S))
    g = rng.standard_normal((2, 4, L, D))
    allowed = rng.random((2, 1, L, S)) > 0.3
    allowed[..., 0] = True  # every query may attend somewhere
    additive = np.where(allowed, 0.0, -np.inf)
    want = reference(q, k, v, g, 0.3, additive=np.broadcast_to(additive, (2, 4, L, S)))
    for got, w in zip(run(q, k, v, g, attn_mask=cajal.tensor(allowed), scale=0.3), want):
        np.testing.assert_allclose(got, w, rtol=2e-5, atol=2e-6)
    bias = rng.standard_normal((L, S))
    want = reference(q, k, v, g, 1 / np.sqrt(D), additive=bias)
    for got, w in zip(run(q, k, v, g, attn_mask=cajal.tensor(bias.astype(np.float32))), want):
        np.testing.assert_allclose(got, w, rtol=2e-5, atol=2e-6)
    want = reference(q, k, v, g, 1 / np.sqrt(D), causal=True)
    for got, w in zip(run(q, k, v, g, is_causal=True), want):
        np.testing.assert_allclose(got, w, rtol=2e-5, atol=2e-6)


def test_multihead_attention_with_padding_matches_the_formulas():
    E, H, L, N = 24, 4, 21, 3
    m = cajal.nn.MultiheadAttention(E, H, batch_first=True)
    x = rng.standard_normal((N, L, E)).astype(np.float32)
    pad = np.zeros((N, L), bool)
    pad[0, 15:] = True
    out, weights = m(cajal.tensor(x), cajal.tensor(x), cajal.tensor(x), key_padding_mask=cajal.tensor(pad),
                     need_weights=True, average_attn_weights=False)
    w = m.in_proj_weight.detach().numpy().astype(np.float64)
    b = m.in_proj_bias.detach().numpy().astype(np.float64)
    q, k, v = (x @ w[i * E:(i + 1) * E].T + b[i * E:(i + 1) * E] for i in range(3))
    heads = lambda t: t.reshape(N, L, H, E // H).transpose(0, 2, 1, 3)  # noqa: E731
    additive = np.where(pad, -np.inf, 0.0)[:, None, None, :]
    o, *_ = reference(heads(q), heads(k), heads(v), np.zeros((N, H, L, E // H)), 1 / np.sqrt(E // H), additive=additive)
    o = o.transpose(0, 2, 1, 3).reshape(N, L, E) @ m.out_proj.weight.detach().numpy().T + m.out_proj.bias.detach().numpy()
    np.testing.assert_allclose(out.detach().numpy(), o, rtol=1e-4, atol=2e-5)
    assert weights.shape == (N, H, L, L)
    np.testing.assert_allclose(weights.detach().numpy()[0, :, :, 15:], 0)


def test_weights_with_their_gradient_and_dropout_stay_composite():
    # need_weights under grad: the weights carry a gradient of their own.
    m = cajal.nn.MultiheadAttention(8, 2)
    x = cajal.randn(5, 2, 8, requires_grad=True)
    _, weights = m(x, x, x, need_weights=True)
    (weights * cajal.randn(*weights.shape)).sum().backward()
    assert x.grad is not None and float(x.grad.abs().sum()) > 0
    # dropout on the weights in training draws a mask: outputs differ between calls.
    q = cajal.randn(2, 3, 6, 4)
    a = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    b = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    assert not cajal.equal(a, b)


def test_second_derivative_is_refused_like_torch_fused_kernel():
    q = cajal.randn(1, 4, 3, requires_grad=True)
    out = F.scaled_dot_product_attention(q, q, q)
    (g,) = cajal.autograd.grad(out.sum(), [q], create_graph=True)
    with pytest.raises(RuntimeError):
        g.sum().backward()


def test_empty_and_mismatched_inputs():
    out = F.scaled_dot_product_attention(cajal.zeros(2, 0, 4), cajal.zeros(2, 3, 4), cajal.zeros(2, 3, 5))
    assert out.shape == (2, 0, 5)
    with pytest.raises(RuntimeError, match="scaled_dot_product_attention"):
        F.scaled_dot_product_attention(cajal.zeros(2, 3, 4), cajal.zeros(2, 3, 5), cajal.zeros(2, 3, 5))
    with pytest.raises(RuntimeError, match="mask"):
        F.scaled_dot_product_attention(cajal.zeros(2, 3, 4), cajal.zeros(2, 3, 4), cajal.zeros(2, 3, 4),
                                       attn_mask=cajal.ones(4, 4, dtype=cajal.bool))


def test_long_sequences_recompute_the_weights_row_by_row():
    # L · S above 1M entries per head: the op keeps each row's logsumexp instead
    # of the weights, and the backward recomputes them (memory linear in the length).
    L, S, D = 1100, 1000, 8
    q, k = rng.standard_normal((1, L, D)), rng.standard_normal((1, S, D))
    v, g = rng.standard_normal((1, S, D)), rng.standard_normal((1, L, D))
    allowed = rng.random((L, S)) > 0.2
    allowed[:, 0] = True
    additive = np.where(allowed, 0.0, -np.inf)
    want = reference(q, k, v, g, 1 / np.sqrt(D), additive=additive)
    for got, w in zip(run(q, k, v, g, attn_mask=cajal.tensor(allowed)), want):
        np.testing.assert_allclose(got, w, rtol=1e-4, atol=1e-5)
    want = reference(q[:, :1000], k, v, g[:, :1000], 1 / np.sqrt(D), causal=True)
    for got, w in zip(run(q[:, :1000], k, v, g[:, :1000], is_causal=True), want):
        np.testing.assert_allclose(got, w, rtol=1e-4, atol=1e-5)


def test_long_sequences_with_need_weights_stay_exact():
    m = cajal.nn.MultiheadAttention(8, 1)
    x = cajal.randn(1100, 1, 8)
    with cajal.no_grad():
        out, weights = m(x, x, x, need_weights=True)
        plain, none = m(x, x, x, need_weights=False)
    assert weights.shape == (1, 1100, 1100) and none is None
    np.testing.assert_allclose(weights.sum(-1).numpy(), 1, rtol=1e-5)
    np.testing.assert_allclose(out.numpy(), plain.numpy(), rtol=1e-4, atol=1e-6)
