"""Behaviour the Python front used to compute itself and the engine owns now
(issue 18): alpha in add/sub, round(decimals), dropout's checks and
dropout2d's mask, the in-place scatter ops. Numbers against torch live in
the engine_behaviour fixtures; here, the refusals and the identities."""

import pytest

import cajal
import cajal.nn.functional as F
from cajal import nn


def test_alpha_must_be_whole_for_integer_results():
    a = cajal.tensor([1, 2])
    with pytest.raises(RuntimeError, match=r"\[add\] For integral input tensors, argument alpha must not be a floating point"):
        a.add(a, alpha=2.5)
    with pytest.raises(RuntimeError, match=r"\[sub_\] For integral input tensors"):
        a.sub_(a, alpha=0.5)
    assert a.add(a, alpha=3).tolist() == [4, 8]
    # A float result takes any alpha, an integer operand included (torch: 1 + 0.5 * 2).
    assert cajal.tensor([1.0]).add(cajal.tensor([2]), alpha=0.5).tolist() == [2.0]
    # A bool result counts alpha only as zero or not, as torch does.
    t = cajal.tensor([True, False])
    assert t.add(cajal.tensor([False, True]), alpha=2).tolist() == [True, True]
    assert t.add(cajal.tensor([False, True]), alpha=0).tolist() == [True, False]


def test_alpha_in_place_keeps_the_tensor_and_its_gradient():
    w = cajal.ones(3, requires_grad=True)
    y = w.clone()
    out = y.add_(w, alpha=-2.0)
    assert out is y and y.tolist() == [-1.0, -1.0, -1.0]
    y.sum().backward()
    assert w.grad.tolist() == [-1.0, -1.0, -1.0]  # 1 from the clone, -2 from the scaled add


def test_round_decimals_is_for_floating_point_only():
    with pytest.raises(NotImplementedError, match="\"round_cpu\" not implemented for 'Long'"):
        cajal.tensor([15, 25]).round(decimals=-1)
    assert cajal.tensor([15, 25]).round().tolist() == [15, 25]
    x = cajal.tensor([1.0], requires_grad=True)
    x.round(decimals=2).sum().backward()
    assert x.grad.tolist() == [0.0]  # round's derivative is zero, as in torch


def test_dropout_probability_is_checked_in_evaluation_too():
    x = cajal.ones(4)
    for call in (lambda: F.dropout(x, 1.5, training=False), lambda: F.dropout2d(cajal.ones(1, 2, 2, 2), -0.1, False),
                 lambda: nn.Dropout(2.0), lambda: nn.Dropout2d(-1)):
        with pytest.raises(ValueError, match="^dropout probability has to be between 0 and 1, but got"):
            call()
    assert F.dropout(x, 0.5, training=False) is x  # torch returns the input itself
    assert F.dropout2d(cajal.ones(1, 2, 2, 2), 0.5, training=False).shape == (1, 2, 2, 2)


def test_dropout2d_mask_is_one_bernoulli_draw_per_channel():
    # torch's feature dropout: noise of shape (N, C, 1, 1), bernoulli_(1 - p), / (1 - p).
    # (test_random_programs.py checks the draws themselves against torch.)
    x = cajal.rand(2, 5, 3, 3) + 1.0
    cajal.manual_seed(7)
    out = F.dropout2d(x, 0.4)
    cajal.manual_seed(7)
    keep = cajal.empty(2, 5, 1, 1).bernoulli_(0.6)
    assert cajal.equal(out, x * (keep / 0.6))
    with pytest.raises(RuntimeError, match=r"\[dropout2d\] expected a 3D \(unbatched\) or 4D \(batched\) input, got 2D"):
        F.dropout2d(cajal.ones(2, 2), 0.5)


@pytest.mark.parametrize("dims", [1, 3])
def test_dropout1d_and_3d_draw_one_bernoulli_per_channel(dims):
    # torch's feature dropout in every rank: noise (N, C, 1, ...), bernoulli_(1 - p), / (1 - p).
    x = cajal.rand(2, 5, *([3] * dims)) + 1.0
    cajal.manual_seed(11)
    out = getattr(F, f"dropout{dims}d")(x, 0.3)
    cajal.manual_seed(11)
    keep = cajal.empty(2, 5, *([1] * dims)).bernoulli_(0.7)
    assert cajal.equal(out, x * (keep / 0.7))
    layer = getattr(cajal.nn, f"Dropout{dims}d")(0.3)
    assert layer.eval()(x) is x
    with pytest.raises(RuntimeError, match=rf"\[dropout{dims}d\] expected a {dims + 1}D \(unbatched\) or {dims + 2}D"):
        getattr(F, f"dropout{dims}d")(cajal.ones(*([2] * (dims + 3))), 0.5)


def test_in_place_scatter_ops_write_into_the_tensor():
    x = cajal.zeros(2, 3)
    index = cajal.tensor([[0, 0, 2]])
    assert x.scatter_add_(1, index, cajal.tensor([[1.0, 2.0, 3.0]])) is x
    assert x.tolist() == [[3.0, 0.0, 3.0], [0.0, 0.0, 0.0]]
    assert x.index_add_(0, cajal.tensor([1]), cajal.ones(1, 3), alpha=2) is x
    assert x.tolist() == [[3.0, 0.0, 3.0], [2.0, 2.0, 2.0]]
    assert x.scatter_reduce_(1, index, cajal.tensor([[5.0, -1.0, 1.0]]), "amax") is x
    assert x.tolist() == [[5.0, 0.0, 3.0], [2.0, 2.0, 2.0]]
    with pytest.raises(RuntimeError, match="reduce argument must be either"):
        x.scatter_reduce_(1, index, x, "max")
    leaf = cajal.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        leaf.scatter_add_(0, cajal.tensor([0]), cajal.ones(1))


# torch 2.x's messages for these, character for character (read from torch.optim).
@pytest.mark.parametrize("build, message", [
    (lambda p: cajal.optim.Adadelta(p, rho=float("nan")), "Invalid rho value: nan"),
    (lambda p: cajal.optim.Adam(p, lr=-1e-8), "Invalid learning rate: -1e-08"),
    (lambda p: cajal.optim.Adam(p, betas=(0.9, -1)), "Invalid beta parameter at index 1: -1"),
    (lambda p: cajal.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
     "Nesterov momentum requires a momentum and zero dampening"),
    (lambda p: cajal.optim.Adagrad(p, initial_accumulator_value=-2), "Invalid initial_accumulator_value value: -2"),
    (lambda p: cajal.optim.NAdam(p, momentum_decay=-0.5), "Invalid momentum_decay value: -0.5"),
])
def test_optimizer_options_are_checked_by_the_engine_with_torchs_messages(build, message):
    with pytest.raises(ValueError) as error:
        build([nn.Parameter(cajal.ones(1))])
    assert str(error.value) == message


def test_a_nan_learning_rate_passes_as_in_torch():
    cajal.optim.SGD([nn.Parameter(cajal.ones(1))], lr=float("nan"))
