"""Autograd as PyTorch users rely on it, and no leaks."""

import gc
import threading

import pytest

import cajal as torch
from cajal import _ffi


def test_backward_and_leaf_gradients():
    w = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    x = torch.tensor([1.0, -1.0])
    loss = (w @ x).pow(2).sum()  # (w0.x)^2 + (w1.x)^2
    loss.backward()
    assert w.grad.tolist() == [[-2.0, 2.0], [-2.0, 2.0]]
    assert x.grad is None and w.is_leaf and not loss.is_leaf
    assert loss.grad_fn.name() == "SumBackward0" and w.grad_fn is None


def test_gradients_accumulate_and_can_be_cleared():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    assert x.grad.tolist() == [6.0, 6.0]
    x.grad.zero_()
    assert x.grad.tolist() == [0.0, 0.0]
    x.grad = None
    assert x.grad is None


def test_explicit_gradient_and_retain_graph():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    y.backward(torch.tensor([1.0, 0.5, 0.0]), retain_graph=True)
    assert x.grad.tolist() == [2.0, 2.0, 0.0]
    y.backward(torch.ones(3))
    assert x.grad.tolist() == [4.0, 6.0, 6.0]


def test_second_backward_without_retain_graph_raises():
    x = torch.tensor([1.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_no_grad_detach_requires_grad():
    x = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        y = x * 2
        assert not torch.is_grad_enabled()
    assert torch.is_grad_enabled() and not y.requires_grad and y.grad_fn is None

    @torch.no_grad()
    def frozen(t):
        return t * 2

    assert not frozen(x).requires_grad
    with torch.no_grad():
        with torch.enable_grad():
            assert (x * 2).requires_grad
    with torch.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert torch.is_grad_enabled()
    d = (x * 2).detach()
    assert not d.requires_grad and d.is_leaf
    z = torch.zeros(2).requires_grad_()
    assert z.requires_grad and z.is_leaf


def test_no_grad_is_per_thread():
    x = torch.ones(2, requires_grad=True)
    seen = {}

    def worker():
        seen["records"] = (x * 2).requires_grad

    with torch.no_grad():
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert seen["records"] is True


def test_retain_grad():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    (y * y).sum().backward()
    assert y.grad.tolist() == [6.0, 12.0] and x.grad.tolist() == [18.0, 36.0]


def test_manual_sgd_with_in_place_update():
    # The classic pattern: update under no_grad with -=, then clear the grad.
    w = torch.tensor([0.0], requires_grad=True)
    for _ in range(50):
        loss = ((w - 3.0) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            w -= 0.1 * w.grad
        w.grad = None
    assert abs(w.item() - 3.0) < 1e-3 and w.is_leaf and w.requires_grad


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def test_ten_thousand_graphs_leave_no_tensors_or_memory_behind():
    w = torch.randn(64, 32, requires_grad=True)
    b = torch.zeros(32, requires_grad=True)

    def step():
        x = torch.randn(16, 64)
        loss = ((x @ w + b).tanh() * 0.5).mean()
        loss.backward()

    for _ in range(100):  # warm up allocator and caches
        step()
    w.grad = None
    b.grad = None
    gc.collect()
    tensors = _ffi.lib.cajal_live_tensor_count()
    storage = _ffi.lib.cajal_live_storage_bytes()
    rss = _rss_bytes()
    for _ in range(10_000):
        step()
    w.grad = None
    b.grad = None
    gc.collect()
    assert _ffi.lib.cajal_live_tensor_count() == tensors
    assert _ffi.lib.cajal_live_storage_bytes() == storage
    # Each graph holds about 12 KB of intermediates; a leak would add over 100 MB.
    assert _rss_bytes() - rss < 20 * 1024 * 1024


def test_modifying_a_tensor_backward_needs_raises():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()  # exp saves its output
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    z = x * 1
    w = z.sigmoid()
    z.mul_(2)  # sigmoid saved its output, not z: backward is still right
    w.sum().backward()
    # w = sigmoid(x): its gradient is s (1 - s) at x = 1, 2, whatever z became.
    assert x.grad.tolist() == pytest.approx([0.19661193324148185, 0.10499358540350662], rel=1e-6)


def test_in_place_on_leaf_or_its_view_raises():
    x = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        x.add_(1)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        x[0].mul_(2)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        x[1] = 5.0
    with torch.no_grad():
        x[1] = 5.0
    assert x.tolist() == [1.0, 5.0, 1.0] and x.is_leaf and x.requires_grad


def test_in_place_on_a_graph_tensor_keeps_gradients_right():
    w = torch.tensor([2.0, 3.0], requires_grad=True)
    y = torch.zeros(2, 2)
    y[0] = w          # y now requires grad through a CopySlices node
    y[1] = w * w
    assert y.requires_grad and y.grad_fn.name() == "CopySlices"
    y.sum().backward()
    assert w.grad.tolist() == [1.0 + 4.0, 1.0 + 6.0]


def test_autograd_grad_returns_gradients_and_leaves_dot_grad_alone():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    (gx,) = torch.autograd.grad((x * x * w).sum(), x)
    assert gx.tolist() == [1.0, -4.0, 12.0]  # d/dx sum(x^2 w) = 2 x w
    assert x.grad is None and w.grad is None
    assert not gx.requires_grad


def test_autograd_grad_frees_the_graph_unless_retained():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    torch.autograd.grad(y, x, retain_graph=True)
    (g,) = torch.autograd.grad(y, x)
    assert g.allclose(x.exp() * 2)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        torch.autograd.grad(y, x)


def test_autograd_grad_bad_inputs():
    x = torch.ones(3, requires_grad=True)
    u = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"\[autograd.grad\] One of the differentiated Tensors appears to not have been used"):
        torch.autograd.grad((x * 2).sum(), [x, u])
    assert torch.autograd.grad((x * 2).sum(), [x, u], allow_unused=True)[1] is None
    with pytest.raises(RuntimeError, match=r"does not require grad"):
        torch.autograd.grad((x * 2).sum(), [torch.ones(3)])
    with pytest.raises(RuntimeError, match=r"element 0 of tensors does not require grad"):
        torch.autograd.grad(torch.ones(3).sum(), [x])
    with pytest.raises(RuntimeError, match=r"grad can be implicitly created only for scalar outputs"):
        torch.autograd.grad(x * 2, [x])
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\] has a shape of \(2\)"):
        torch.autograd.grad(x * 2, [x], grad_outputs=torch.ones(2))
    with pytest.raises(RuntimeError, match=r"grad_outputs has 2 entries but there are 1 outputs"):
        torch.autograd.grad(x.sum(), [x], grad_outputs=[None, None])
    # A backward computed by kernels outside the graph refuses to be differentiated again.
    (first,) = torch.autograd.grad(x.cumprod(0).sum(), [x], create_graph=True)
    with pytest.raises(NotImplementedError, match=r"double backward through CumprodBackward0 is not supported"):
        torch.autograd.grad(first.sum(), [x])
    with pytest.raises(TypeError, match=r"inputs\[0\] must be a Tensor"):
        torch.autograd.grad(x.sum(), [3.0])
    # The failed calls left the engine usable.
    assert torch.autograd.grad((x * 3).sum(), x)[0].tolist() == [3.0, 3.0, 3.0]


def test_autograd_backward_over_several_tensors():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    torch.autograd.backward([(x * 2).sum(), x * x], [None, torch.tensor([1.0, 0.5])])
    assert x.grad.tolist() == [2.0 + 2.0, 2.0 + 2.0]  # 2 + 2x * [1, 0.5]
