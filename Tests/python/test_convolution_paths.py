"""The paths a float32 convolution can take: oneDNN's kernels (blocked or
channels-last layouts, reordered from and back to NCHW) when libdnnl2 is
installed and torch.backends.mkldnn.enabled, else im2col and BLAS. Both are
checked against the float64 convolution (im2col in double precision, which
tests/fixtures check against torch), forward and every gradient."""

import numpy as np
import pytest

import cajal
import cajal.nn.functional as F

ONEDNN = cajal.backends.mkldnn.is_available()

# (name, dims, input shape, weight shape, keyword arguments, transposed)
CASES = [
    ("lenet first layer", 2, (4, 1, 28, 28), (6, 1, 5, 5), dict(padding=2), False),
    ("lenet second layer", 2, (4, 6, 14, 14), (16, 6, 5, 5), {}, False),
    ("few output channels (channels-last gradients)", 2, (3, 8, 16, 16), (8, 8, 3, 3), dict(padding=1), False),
    ("u-net block", 2, (2, 16, 12, 12), (32, 16, 3, 3), dict(padding=1), False),
    ("stride and dilation", 2, (2, 5, 17, 15), (7, 5, 3, 2), dict(stride=(2, 3), dilation=(2, 1), padding=(1, 0)), False),
    ("same padding, even kernel", 2, (2, 3, 9, 10), (4, 3, 4, 2), dict(padding="same"), False),
    ("stride leaves input unread", 2, (2, 3, 10, 10), (4, 3, 3, 3), dict(stride=4), False),
    ("groups", 2, (2, 6, 10, 10), (9, 2, 3, 3), dict(groups=3, padding=1), False),
    ("depthwise", 2, (2, 8, 10, 10), (8, 1, 3, 3), dict(groups=8, padding=1), False),
    ("pointwise", 2, (2, 16, 8, 8), (4, 16, 1, 1), {}, False),
    ("sequence", 1, (3, 4, 50), (6, 4, 7), dict(padding=3), False),
    ("volume", 3, (2, 3, 6, 7, 8), (5, 3, 3, 3, 3), dict(padding=1), False),
    ("volume strided", 3, (1, 2, 9, 8, 7), (4, 2, 2, 3, 2), dict(stride=2), False),
    ("transposed stride 2 (u-net up)", 2, (2, 16, 8, 8), (16, 8, 2, 2), dict(stride=2), True),
    ("transposed, output padding", 2, (2, 4, 5, 6), (4, 3, 3, 3), dict(stride=2, padding=1, output_padding=1), True),
]


def run(dims, transposed, x, w, b, kwargs, dtype):
    fn = getattr(F, f"conv_transpose{dims}d" if transposed else f"conv{dims}d")
    xt = cajal.tensor(x, dtype=dtype, requires_grad=True)
    wt = cajal.tensor(w, dtype=dtype, requires_grad=True)
    bt = cajal.tensor(b, dtype=dtype, requires_grad=True)
    y = fn(xt, wt, bt, **kwargs)
    probe = np.random.default_rng(1).standard_normal(tuple(y.shape))
    y.backward(cajal.tensor(probe, dtype=dtype))
    return [t.detach().numpy().astype(np.float64) for t in (y, xt.grad, wt.grad, bt.grad)]


@pytest.mark.parametrize("onednn", [True, False])
@pytest.mark.parametrize("name,dims,xshape,wshape,kwargs,transposed", CASES, ids=[c[0] for c in CASES])
def test_float32_paths_match_float64(name, dims, xshape, wshape, kwargs, transposed, onednn):
    if onednn and not ONEDNN:
        pytest.skip("oneDNN (libdnnl2) is not installed")
    rng = np.random.default_rng(len(name))
    x = rng.standard_normal(xshape).astype(np.float32)
    w = rng.standard_normal(wshape).astype(np.float32)
    channels = wshape[1] * kwargs.get("groups", 1) if transposed else wshape[0]
    b = rng.standard_normal(channels).astype(np.float32)
    expected = run(dims, transposed, x, w, b, kwargs, cajal.float64)
    with cajal.backends.mkldnn.flags(enabled=onednn):
        got = run(dims, transposed, x, w, b, kwargs, cajal.float32)
    for label, g, e in zip(("output", "input grad", "weight grad", "bias grad"), got, expected):
        scale = np.abs(e).max() + 1
        np.testing.assert_allclose(g, e, rtol=0, atol=2e-5 * scale, err_msg=f"{name}: {label}")


@pytest.mark.skipif(not ONEDNN, reason="oneDNN (libdnnl2) is not installed")
def test_onednn_results_repeat_bit_for_bit():
    """Built kernels are kept per geometry; a second call (and one after
    another geometry) gives the same bits, and so does each gradient."""
    rng = np.random.default_rng(3)
    x = cajal.tensor(rng.standard_normal((8, 6, 14, 14)).astype(np.float32), requires_grad=True)
    conv = cajal.nn.Conv2d(6, 16, 5)
    other = cajal.nn.Conv2d(6, 4, 3)

    def step():
        x.grad = None
        conv.zero_grad()
        y = conv(x)
        other(x).sum().backward()
        x.grad = None
        y.square().sum().backward()
        return y.detach().numpy(), x.grad.numpy(), conv.weight.grad.numpy()

    first, second = step(), step()
    for a, b in zip(first, second):
        assert np.array_equal(a, b)


@pytest.mark.skipif(not ONEDNN, reason="oneDNN (libdnnl2) is not installed")
def test_mkldnn_flags_switch_the_path_and_restore():
    assert cajal.backends.mkldnn.enabled
    assert cajal.backends.mkldnn.version().startswith("oneDNN 2.")
    with cajal.backends.mkldnn.flags(enabled=False):
        assert not cajal.backends.mkldnn.enabled
    assert cajal.backends.mkldnn.enabled
    cajal.backends.mkldnn.enabled = False
    try:
        assert not cajal.backends.mkldnn.enabled
        y = F.conv2d(cajal.ones(1, 2, 5, 5), cajal.ones(3, 2, 3, 3))
        assert np.array_equal(y.numpy(), np.full((1, 3, 3, 3), 18.0, dtype=np.float32))
    finally:
        cajal.backends.mkldnn.enabled = True
    assert "oneDNN 2." in cajal.__config__.show()


@pytest.mark.skipif(not ONEDNN, reason="oneDNN (libdnnl2) is not installed")
@pytest.mark.parametrize("threads", [1, 2])
def test_onednn_under_each_thread_count(threads):
    """Kernels are built per thread count (oneDNN sizes its work by it)."""
    previous = cajal.get_num_threads()
    cajal.set_num_threads(threads)
    try:
        rng = np.random.default_rng(threads)
        x = rng.standard_normal((4, 3, 12, 12))
        w = rng.standard_normal((8, 3, 3, 3))
        y = F.conv2d(cajal.tensor(x, dtype=cajal.float32), cajal.tensor(w, dtype=cajal.float32), padding=1)
        expected = F.conv2d(cajal.tensor(x), cajal.tensor(w), padding=1)
        np.testing.assert_allclose(y.numpy(), expected.numpy(), rtol=0, atol=1e-4)
    finally:
        cajal.set_num_threads(previous)


FORK_SCRIPT = r"""
import os, sys
import cajal
conv = cajal.nn.Conv2d(6, 16, 5)
x = cajal.randn(8, 6, 14, 14)
parent = conv(x)
pid = os.fork()
if pid == 0:
    child = conv(x)  # oneDNN's OpenMP pool belongs to the parent: im2col here
    os._exit(0 if cajal.allclose(child, parent, atol=1e-5) and not cajal.backends.mkldnn.is_available() else 3)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) or (0 if cajal.equal(conv(x), parent) else 4))
"""


@pytest.mark.skipif(not ONEDNN, reason="oneDNN (libdnnl2) is not installed")
def test_forked_child_convolves_without_hanging():
    """A data-loader worker forked after a convolution ran on oneDNN would hang
    in libgomp's pool; the child falls back to im2col instead."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run([sys.executable, "-c", FORK_SCRIPT], env=env, timeout=60)
    assert done.returncode == 0


@pytest.mark.skipif(not ONEDNN, reason="oneDNN (libdnnl2) is not installed")
def test_python_threads_share_the_built_kernels():
    """Several Python threads convolving at once (one geometry, so one built
    kernel run concurrently, each call with its own scratchpad) get the
    results of a lone call."""
    import threading

    rng = np.random.default_rng(5)
    x = cajal.tensor(rng.standard_normal((6, 6, 14, 14)).astype(np.float32))
    conv = cajal.nn.Conv2d(6, 16, 5)

    def step():
        xg = x.clone().requires_grad_()
        conv.zero_grad()
        conv(xg).square().sum().backward()
        return xg.grad.numpy().copy(), conv.weight.grad.numpy().copy()

    with cajal.no_grad():
        expected_out = conv(x).numpy()
    errors = []

    def worker():
        try:
            for _ in range(10):
                with cajal.no_grad():
                    if not np.array_equal(conv(x).numpy(), expected_out):
                        errors.append("forward differs")
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    first = step()
    for t in threads:
        t.join()
    assert errors == []
    second = step()
    for a, b in zip(first, second):
        assert np.array_equal(a, b)


@pytest.mark.skipif(not ONEDNN, reason="oneDNN (libdnnl2) is not installed")
def test_openmp_thread_setting_is_left_as_found():
    """oneDNN runs on libgomp, whose thread count is per calling thread and
    shared by every library on it (torch built on the system libgomp read 1
    after a cajal convolution): cajal sets it for its call and restores it."""
    import ctypes

    gomp = ctypes.CDLL("libgomp.so.1")  # the instance oneDNN loaded
    gomp.omp_set_num_threads(3)
    try:
        conv = cajal.nn.Conv2d(6, 16, 5)
        for batch in (8, 1):  # split across cajal's cores (one thread each), and whole
            conv(cajal.randn(batch, 6, 14, 14, requires_grad=True)).sum().backward()
            assert gomp.omp_get_max_threads() == 3
    finally:
        gomp.omp_set_num_threads(cajal.get_num_threads())


LIMITED_SCRIPT = r"""
import numpy as np
import cajal
x = cajal.tensor(np.random.default_rng(0).standard_normal((16, 3, 128, 128)).astype(np.float32))
conv = cajal.nn.Conv2d(3, 16, 3, padding=1)
with cajal.no_grad():
    y = conv(x)  # oneDNN's channel-padded copies (33 MB) do not fit: im2col
    with cajal.backends.mkldnn.flags(enabled=False):
        reference = conv(x)
print(cajal.equal(y, reference))
"""


@pytest.mark.skipif(not ONEDNN, reason="oneDNN (libdnnl2) is not installed")
def test_convolution_within_a_memory_limit_falls_back_to_im2col():
    """oneDNN's reordered copies pad channels to 16 (five times a 3-channel
    batch); when they would not fit in the memory left, im2col runs instead."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), CAJAL_MEMORY_LIMIT="40M", DNNL_VERBOSE="1")
    done = subprocess.run([sys.executable, "-c", LIMITED_SCRIPT], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("True")
    assert "exec,cpu,convolution" not in done.stdout
