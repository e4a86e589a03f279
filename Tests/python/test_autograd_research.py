"""Autograd for research code, beyond the torch-checked programs of
test_autograd_programs.py: the errors torch raises (bad hooks, bad custom
Functions, double backward where cajal has no twice-differentiable
backward), the in-place forms, and that callbacks and graphs built with
create_graph are freed."""

import gc

import pytest

import cajal as torch
from cajal import _ffi
from cajal.autograd import function as _function


def test_hooks_refuse_what_torch_refuses():
    x = torch.ones(3)
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
        x.register_hook(lambda g: g)
    y = torch.ones(3, requires_grad=True)
    with pytest.raises(TypeError, match="callable"):
        y.register_hook(3)
    handle = y.register_hook(lambda g: g[:2])
    with pytest.raises(RuntimeError, match=r"hook has changed the size of value: expected \(3\), got \(2\)"):
        (y * 2).sum().backward()
    handle.remove()
    handle.remove()  # a second remove is a no-op, as torch's
    bad = y.register_hook(lambda g: "no")
    with pytest.raises(TypeError, match="returned str"):
        (y * 2).sum().backward()
    bad.remove()
    (y * 2).sum().backward()
    assert y.grad.tolist() == [2.0, 2.0, 2.0]


def test_hook_exceptions_reach_the_caller_and_the_process_lives_on():
    y = torch.ones(2, requires_grad=True)

    def failing(grad):
        raise KeyError("inside the hook")

    handle = y.register_hook(failing)
    with pytest.raises(KeyError, match="inside the hook"):
        (y * 3).sum().backward()
    with pytest.raises(KeyError, match="inside the hook"):
        torch.autograd.grad((y * 3).sum(), y)
    handle.remove()
    assert torch.autograd.grad((y * 3).sum(), y)[0].tolist() == [3.0, 3.0]


class Double(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return grad * 2, None


def test_custom_function_errors():
    x = torch.ones(3, requires_grad=True)

    class TooFew(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x + y

        @staticmethod
        def backward(ctx, grad):
            return grad

    with pytest.raises(RuntimeError, match=r"function TooFewBackward returned an incorrect number of gradients \(expected 2, got 1\)"):
        TooFew.apply(x, x).sum().backward()

    class GradForNumber(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, grad):
            return grad, grad

    with pytest.raises(RuntimeError, match="returned a gradient different than None at position 2, but the corresponding "
                                           "forward input was not a Variable"):
        GradForNumber.apply(x, 2.0).sum().backward()

    class WrongShape(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, grad):
            return torch.ones(5)

    with pytest.raises(RuntimeError, match=r"Function WrongShapeBackward returned an invalid gradient - got \(5\) but "
                                           r"expected shape compatible with \(3\)"):
        WrongShape.apply(x).backward()

    with pytest.raises(RuntimeError, match="non-static forward"):
        Double()
    with pytest.raises(NotImplementedError, match="implement the forward"):
        torch.autograd.Function.apply(x)
    assert x.grad is None  # every failed backward left .grad alone


def test_custom_function_without_grad_records_nothing():
    x = torch.ones(2)
    out = Double.apply(x, 1)
    assert out.tolist() == [2.0, 2.0] and out.grad_fn is None
    with torch.no_grad():
        assert Double.apply(torch.ones(2, requires_grad=True), 1).grad_fn is None
    y = torch.ones(2, requires_grad=True)
    recorded = Double.apply(y, 1)
    assert recorded.grad_fn.name() == "DoubleBackward"
    recorded.sum().backward()
    assert y.grad.tolist() == [2.0, 2.0]


def test_once_differentiable_refuses_a_second_derivative():
    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @torch.autograd.function.once_differentiable
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    x = torch.tensor([1.0, 3.0], requires_grad=True)
    (first,) = torch.autograd.grad(Square.apply(x).sum(), x, create_graph=True)
    assert first.tolist() == [2.0, 6.0]
    with pytest.raises(NotImplementedError, match="double backward through SquareBackward is not supported"):
        first.sum().backward()


def test_double_backward_where_cajal_has_no_differentiable_backward():
    # The fused recurrent kernels have no double backward in cajal (torch's CPU
    # LSTM has): the second differentiation fails naming the op, never silently.
    lstm = torch.nn.LSTM(3, 4)
    x = torch.randn(5, 2, 3, requires_grad=True)
    output, _ = lstm(x)
    (first,) = torch.autograd.grad(output.sum(), x, create_graph=True)
    with pytest.raises(NotImplementedError, match=r"double backward through LstmBackward0 is not supported"):
        first.sum().backward()


def test_backward_inputs_and_retain_defaults():
    x = torch.ones(2, requires_grad=True)
    w = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="'inputs' argument to backward\\(\\) cannot be empty"):
        (x * w).sum().backward(inputs=[])
    h = x * w
    (h * h).sum().backward(inputs=[h])  # a non-leaf input accumulates too
    assert h.grad.tolist() == [2.0, 2.0] and x.grad is None
    # create_graph keeps the graph by default, as torch's retain_graph=None does.
    loss = (x ** 3).sum()
    loss.backward(create_graph=True)
    assert x.grad.requires_grad and x.grad.tolist() == [3.0, 3.0]
    loss.backward(create_graph=True)  # the graph was kept
    assert x.grad.tolist() == [6.0, 6.0]
    x.grad = None


def test_in_place_forms():
    x = torch.tensor([0.25, 1.0, 4.0])
    assert x.sqrt_() is x and x.tolist() == [0.5, 1.0, 2.0]
    assert x.reciprocal_().tolist() == [2.0, 1.0, 0.5] and x.neg_().abs_().log2_().tolist() == [1.0, 0.0, -1.0]
    assert torch.tensor([-1.0, 2.0]).relu_().tolist() == [0.0, 2.0]
    assert torch.tensor([0.0]).arcsinh_().tolist() == [0.0]
    ints = torch.tensor([1, 4])
    with pytest.raises(TypeError, match=r"\[sqrt_\] result type Float can't be cast to the desired output type Long"):
        ints.sqrt_()
    assert ints.tolist() == [1, 4]
    assert ints.pow_(2).tolist() == [1, 16]
    leaf = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"\[exp_\] a leaf Variable that requires grad is being used in an in-place"):
        leaf.exp_()
    # Inside the graph: torch's gradients (d/dy of sin(tanh(2y)) = 2 cos(tanh 2y)(1 - tanh^2 2y)).
    y = torch.tensor([0.5, -0.25], dtype=torch.float64, requires_grad=True)
    z = y * 2
    z.tanh_().sin_()
    z.sum().backward()
    t = (y.detach() * 2).tanh()
    assert torch.allclose(y.grad, 2 * t.cos() * (1 - t * t))
    scattered = torch.zeros(2, 3).scatter_(1, torch.tensor([[2], [0]]), 5.0)
    assert scattered.tolist() == [[0.0, 0.0, 5.0], [5.0, 0.0, 0.0]]


def test_callbacks_and_create_graph_graphs_are_freed():
    gc.collect()  # nodes of earlier tests' failed backwards, held by their tracebacks
    baseline = len(_function._callbacks)
    x = torch.ones(1000, 100, requires_grad=True)
    hook = x.register_hook(lambda g: g)
    assert len(_function._callbacks) == baseline + 1
    hook.remove()
    assert len(_function._callbacks) == baseline
    for _ in range(3):
        out = Double.apply(x, 1)
        assert len(_function._callbacks) == baseline + 1
        del out
        gc.collect()
        assert len(_function._callbacks) == baseline
    gc.collect()
    live = _ffi.lib.cajal_live_storage_bytes()
    for _ in range(5):
        (g,) = torch.autograd.grad((x ** 3).sum(), x, create_graph=True)
        (g * g).sum().backward()
        x.grad = None  # as torch: a gradient made with create_graph and its parameter hold each other until reset
        del g
    gc.collect()
    assert _ffi.lib.cajal_live_storage_bytes() <= live


def test_variable_and_inference_mode():
    v = torch.autograd.Variable(torch.ones(2), requires_grad=True)
    assert v.requires_grad and v.is_leaf
    assert not torch.autograd.Variable(torch.ones(2)).requires_grad
    x = torch.ones(2, requires_grad=True)
    with torch.inference_mode():
        assert (x * 2).grad_fn is None
    with torch.inference_mode(False):
        assert (x * 2).grad_fn is not None

    @torch.inference_mode()
    def predict(t):
        return t * 2

    assert predict(x).grad_fn is None and torch.is_grad_enabled()


def test_a_leaf_used_twice_passes_its_hook_once_with_the_summed_gradient():
    # torch sums every gradient reaching a leaf before its hooks and the
    # accumulation (what DDP's per-parameter hooks rely on).
    import cajal as torch

    w = torch.ones(3, requires_grad=True)
    calls = []
    w.register_hook(lambda g: calls.append(g.tolist()))
    ((w * 2).sum() + (w * 3).sum() + (w ** 2).sum()).backward()
    assert calls == [[7.0, 7.0, 7.0]]
    assert w.grad.tolist() == [7.0, 7.0, 7.0]
    # A hook's replacement applies to the sum.
    v = torch.ones(2, requires_grad=True)
    v.register_hook(lambda g: g * 10)
    ((v * 2).sum() + (v * 3).sum()).backward()
    assert v.grad.tolist() == [50.0, 50.0]
