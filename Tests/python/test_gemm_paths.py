"""The paths a matrix product can take, against numpy in float64: products
just above OpenBLAS's single-thread size are split by rows or columns across
cajal's cores; larger ones run on OpenBLAS's threads; smaller in one call."""

import numpy as np
import pytest

import cajal

SHAPES = [
    (32, 64, 256),   # 524288: split by columns (n > m), the LSTM step's product
    (256, 64, 32),   # split by rows
    (33, 61, 190),   # odd sizes, uneven parts
    (3, 500, 300),   # few rows: columns split
    (16, 64, 256),   # 262144: one OpenBLAS call on one thread
    (128, 256, 192), # OpenBLAS's threads
]


@pytest.mark.parametrize("m,k,n", SHAPES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("layout", ["plain", "a_transposed", "b_transposed"])
def test_product_paths_match_numpy(m, k, n, dtype, layout):
    rng = np.random.default_rng(m * 7 + n)
    a = rng.standard_normal((m, k))
    b = rng.standard_normal((k, n))
    ca = cajal.tensor(a.T.copy(), dtype=getattr(cajal, dtype)).t() if layout == "a_transposed" \
        else cajal.tensor(a, dtype=getattr(cajal, dtype))
    cb = cajal.tensor(b.T.copy(), dtype=getattr(cajal, dtype)).t() if layout == "b_transposed" \
        else cajal.tensor(b, dtype=getattr(cajal, dtype))
    expected = a.astype(dtype).astype(np.float64) @ b.astype(dtype).astype(np.float64)
    tolerance = 1e-4 * np.sqrt(k) if dtype == "float32" else 1e-12 * np.sqrt(k)
    np.testing.assert_allclose((ca @ cb).numpy(), expected, rtol=tolerance, atol=tolerance)


def test_split_products_accumulate_in_backward():
    # addmm-style accumulation (beta = 1) runs through the split too: the
    # gradient of a product used twice is the sum of both products.
    rng = np.random.default_rng(0)
    a = rng.standard_normal((32, 64)).astype(np.float32)
    b = rng.standard_normal((64, 256)).astype(np.float32)
    x = cajal.tensor(a, requires_grad=True)
    w = cajal.tensor(b)
    ((x @ w).sum() + (x @ w).sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.ones((32, 256)) @ b.T, rtol=1e-4, atol=1e-3)


LINEAR_CASES = [
    ("rows", (40, 6), "plain", "plain"),            # 2-D input: one product onto the bias rows
    ("stacked", (4, 10, 6), "plain", "plain"),      # leading dims fold into the rows
    ("transposed input", (6, 40), "plain", "plain"),  # x.t(): BLAS reads it transposed
    ("unfoldable", (10, 4, 6), "plain", "plain"),   # transpose(0, 1) of a stack: matmul and add instead
    ("transposed weight", (4, 10, 6), "transposed", "plain"),
    ("strided bias", (4, 10, 6), "plain", "strided"),
    ("no bias", (4, 10, 6), "plain", None),
]


@pytest.mark.parametrize("case,shape,weight_layout,bias_layout", LINEAR_CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_linear_paths_match_numpy(case, shape, weight_layout, bias_layout, dtype):
    # nn.Linear's product (the bias written first, the GEMM adding onto it;
    # stacked inputs folded) and its three gradients, against float64 numpy.
    rng = np.random.default_rng(len(case))
    kind = getattr(cajal, dtype)
    x_np = rng.standard_normal(shape).astype(dtype)
    w_np = rng.standard_normal((5, 6)).astype(dtype)
    b_np = rng.standard_normal(5).astype(dtype)
    x = cajal.tensor(x_np, dtype=kind, requires_grad=True)
    w = (cajal.tensor(w_np.T.copy(), dtype=kind).t() if weight_layout == "transposed"
         else cajal.tensor(w_np, dtype=kind)).detach().requires_grad_()
    b = None if bias_layout is None else (
        cajal.tensor(np.stack([b_np, b_np]).T.copy(), dtype=kind)[:, 0] if bias_layout == "strided"
        else cajal.tensor(b_np, dtype=kind)).detach().requires_grad_()
    inp = x.t() if case == "transposed input" else x.transpose(0, 1) if case == "unfoldable" else x
    xin = x_np.T if case == "transposed input" else x_np.transpose(1, 0, 2) if case == "unfoldable" else x_np
    y = cajal.nn.functional.linear(inp, w, b)
    expected = xin.astype(np.float64) @ w_np.T.astype(np.float64) + (0 if b is None else b_np.astype(np.float64))
    tolerance = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(y.detach().numpy(), expected, rtol=tolerance, atol=tolerance)
    g = rng.standard_normal(expected.shape)
    (y * cajal.tensor(g, dtype=kind)).sum().backward()
    rows, grads = xin.reshape(-1, 6).astype(np.float64), g.reshape(-1, 5)
    np.testing.assert_allclose(w.grad.numpy(), grads.T @ rows, rtol=tolerance * 10, atol=tolerance * 10)
    x_grad = (grads @ w_np.astype(np.float64)).reshape(xin.shape)
    x_grad = x_grad.T if case == "transposed input" else x_grad.transpose(1, 0, 2) if case == "unfoldable" else x_grad
    np.testing.assert_allclose(x.grad.numpy(), x_grad, rtol=tolerance * 10, atol=tolerance * 10)
    if b is not None:
        np.testing.assert_allclose(b.grad.numpy(), grads.sum(0), rtol=tolerance * 10, atol=tolerance * 10)


def test_linear_refuses_bad_shapes_with_torchs_messages():
    x = cajal.ones(4, 10, 6)
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        cajal.nn.functional.linear(x, cajal.ones(5, 7), cajal.ones(5))
    with pytest.raises(RuntimeError):
        cajal.nn.functional.linear(x, cajal.ones(5, 6), cajal.ones(4))  # a bias that does not broadcast


@pytest.mark.parametrize("channels,side", [(16, 16), (32, 8), (8, 24)])
def test_convolutions_split_by_images_with_products_in_pieces(channels, side):
    """Medium per-image products (above OpenBLAS's one-thread size) run with
    images split across cores and each product cut into one-thread pieces
    inside the job; a batch must give what each image gives alone (batch 1
    runs outside any job, on OpenBLAS's threads), forward and backward."""
    rng = np.random.default_rng(channels + side)
    conv = cajal.nn.Conv2d(channels, channels, 3, padding=1).double()
    x = cajal.tensor(rng.standard_normal((6, channels, side, side)), requires_grad=True)
    probe = cajal.tensor(rng.standard_normal((6, channels, side, side)))
    batch_out = conv(x)
    (batch_out * probe).sum().backward()
    batch_grads = [x.grad.clone(), conv.weight.grad.clone(), conv.bias.grad.clone()]
    conv.zero_grad()
    for i in range(6):
        one = x[i:i + 1].detach().requires_grad_(True)
        out = conv(one)
        assert cajal.allclose(out, batch_out[i:i + 1].detach(), rtol=1e-12, atol=1e-12)
        (out * probe[i:i + 1]).sum().backward()
        assert cajal.allclose(one.grad, batch_grads[0][i:i + 1], rtol=1e-10, atol=1e-10)
    assert cajal.allclose(conv.weight.grad, batch_grads[1], rtol=1e-10, atol=1e-10)
    assert cajal.allclose(conv.bias.grad, batch_grads[2], rtol=1e-10, atol=1e-10)


def _mkl_library():
    import glob
    import os
    import sys
    candidates = [os.environ.get("CAJAL_MKL_LIBRARY", "")]
    for prefix in (sys.prefix, os.path.expanduser("~/.cache/cajal-reference")):
        candidates += sorted(glob.glob(os.path.join(prefix, "lib", "libmkl_rt.so.*")))
    return next((c for c in candidates if c and os.path.exists(c)), None)


def _intel():
    try:
        with open("/proc/cpuinfo") as f:
            return "GenuineIntel" in f.read(4096)
    except OSError:
        return False


MKL_PROGRAM = r"""
import numpy as np, cajal
core = cajal.backends.cpu.get_blas_core()
assert core.startswith("MKL") and core.endswith("(sequential)"), core
rng = np.random.default_rng(0)
for m, k, n in ((1920, 32, 32), (300, 700, 900), (7, 3, 5), (1024, 1024, 1024)):
    a, b = rng.standard_normal((m, k)).astype(np.float32), rng.standard_normal((k, n)).astype(np.float32)
    got = (cajal.tensor(a) @ cajal.tensor(b)).numpy()
    want = a.astype(np.float64) @ b.astype(np.float64)
    assert np.abs(got - want).max() < 1e-3 * np.sqrt(k), (m, k, n)
x = cajal.randn(64, 64, dtype=cajal.float64)
assert float((cajal.linalg.inv(x) @ x - cajal.eye(64, dtype=cajal.float64)).abs().max()) < 1e-9
assert abs(float(cajal.linalg.det(cajal.eye(3) * 2)) - 8) < 1e-5
print("ok")
"""


@pytest.mark.skipif(_mkl_library() is None or not _intel(), reason="MKL (the `mkl` wheel) and an Intel CPU are needed")
def test_mkl_is_chosen_on_intel_in_its_sequential_layer():
    import os
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, CAJAL_MKL_LIBRARY=_mkl_library(), PYTHONPATH=os.path.join(root, "python"))
    env.pop("CAJAL_BLAS_LIBRARY", None)
    env.pop("CAJAL_BLAS", None)
    result = subprocess.run([sys.executable, "-c", MKL_PROGRAM], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0 and "ok" in result.stdout, result.stderr
    # CAJAL_BLAS=openblas keeps OpenBLAS.
    env["CAJAL_BLAS"] = "openblas"
    core = subprocess.run([sys.executable, "-c", "import cajal; print(cajal.backends.cpu.get_blas_core())"],
                          capture_output=True, text=True, env=env, timeout=120).stdout.strip()
    assert not core.startswith("MKL"), core
