"""max_pool2d(x, 2) runs a vector kernel (16 windows at once) with a scalar
tail; other geometries run the general sweep. Both are checked here against
each window in row-major order with torch's rule (`val > max || isnan(val)`):
the first of equal maxima, and the last NaN when the window has any (torch
2.15 gives index 1 for a window [nan, nan, 0.8, 0.9])."""

import numpy as np
import pytest

import cajal
import cajal.nn.functional as F


def windows_2x2(x):
    """(N, C, H//2, W//2, 4): each 2x2 window's elements in row-major order."""
    n, c, h, w = x.shape
    x = x[:, :, :h // 2 * 2, :w // 2 * 2]
    return x.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4)


def expected(x):
    win = windows_2x2(x)
    nan = np.isnan(win)
    last_nan = win.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
    k = np.where(nan.any(axis=-1), last_nan, np.argmax(win, axis=-1))  # argmax: the first maximum
    values = np.take_along_axis(win, k[..., None], -1)[..., 0]
    oy = np.arange(win.shape[2])[:, None]
    ox = np.arange(win.shape[3])[None, :]
    index = (2 * oy + k // 2) * x.shape[3] + 2 * ox + k % 2
    return values, index


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(2, 3, 28, 28), (1, 2, 64, 70), (2, 1, 9, 37), (1, 1, 2, 2)])
def test_halving_max_pool_matches_window_argmax(shape, dtype):
    rng = np.random.default_rng(sum(shape))
    # Few distinct values: many ties inside windows. Some NaNs, some infinities.
    x = rng.integers(-3, 4, size=shape).astype(dtype)
    x[rng.random(shape) < 0.05] = np.nan
    x[rng.random(shape) < 0.03] = -np.inf
    values, index = expected(x)
    t = cajal.tensor(x, requires_grad=True)
    out, got_index = F.max_pool2d(t, 2, return_indices=True)
    np.testing.assert_array_equal(out.detach().numpy(), values)
    np.testing.assert_array_equal(got_index.numpy(), index)

    # The gradient lands on each window's pick.
    probe = rng.standard_normal(values.shape).astype(dtype)
    out.backward(cajal.tensor(probe))
    want = np.zeros_like(x).reshape(shape[0], shape[1], -1)
    np.put_along_axis(want, index.reshape(shape[0], shape[1], -1), probe.reshape(shape[0], shape[1], -1), -1)
    np.testing.assert_array_equal(t.grad.numpy(), want.reshape(shape))


def test_vector_and_general_paths_agree():
    """The same windows through the general sweep (stride given as 2 but a
    dilation-1 kernel of 2 with ceil_mode on an even size is still the fast
    case; padding 0 with kernel (2, 2) and stride (2, 2) too)."""
    rng = np.random.default_rng(7)
    x = cajal.tensor(rng.standard_normal((3, 4, 40, 52)).astype(np.float32))
    fast = F.max_pool2d(x, 2)
    general = F.max_pool2d(x, (2, 2), stride=(2, 2), ceil_mode=True)  # even sizes: same windows
    assert cajal.equal(fast, general)
    odd = cajal.tensor(rng.standard_normal((1, 2, 33, 35)).astype(np.float32))
    ceil = F.max_pool2d(odd, 2, ceil_mode=True)  # last windows hang over: the general sweep
    assert ceil.shape == (1, 2, 17, 18)
    assert cajal.equal(ceil[:, :, :16, :17], F.max_pool2d(odd, 2))
    assert cajal.equal(ceil[:, :, 16, :17], odd[:, :, 32, :34].reshape(1, 2, 17, 2).amax(-1))
