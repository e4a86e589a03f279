"""The Tensor API surface of the Python front, with values from arithmetic."""

import math

import pytest

import cajal
import cajal as torch


def test_import_as_torch_basics():
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.shape == (2, 2) and x.size() == torch.Size([2, 2]) and x.size(1) == 2 and x.size(-1) == 2
    assert x.dim() == 2 and x.ndim == 2 and x.numel() == 4 and len(x) == 2
    assert x.dtype is torch.float32 and x.device == torch.device("cpu") and str(x.device) == "cpu"
    assert torch.cuda.is_available() is False
    assert repr(x.shape) == "cajal.Size([2, 2])"


def test_operators():
    a = torch.tensor([1.0, 2.0, 3.0])
    b = torch.tensor([4.0, 5.0, 6.0])
    assert (a + b).tolist() == [5, 7, 9]
    assert (a - b).tolist() == [-3, -3, -3]
    assert (a * b).tolist() == [4, 10, 18]
    assert (b / a).tolist() == [4, 2.5, 2]
    assert (a ** 2).tolist() == [1, 4, 9]
    assert (2 ** a).tolist() == [2, 4, 8]
    assert (-a).tolist() == [-1, -2, -3]
    assert (1 - a).tolist() == [0, -1, -2]
    assert (6 / a).tolist() == [6, 3, 2]
    assert (a @ b).item() == 32
    assert (a < b).tolist() == [True, True, True]
    assert (a == torch.tensor([1.0, 0.0, 3.0])).tolist() == [True, False, True]
    assert (a != 2).tolist() == [True, False, True]
    assert (a >= 2).tolist() == [False, True, True]
    assert (a > 2).dtype is torch.bool


def test_methods():
    x = torch.arange(6).reshape(2, 3).float()
    assert x.sum().item() == 15 and x.mean().item() == 2.5
    assert x.sum(0).tolist() == [3, 5, 7] and x.sum(dim=1, keepdim=True).shape == (2, 1)
    assert x.mean(dim=(0, 1)).item() == 2.5
    assert x.view(3, 2).tolist() == [[0, 1], [2, 3], [4, 5]]
    assert x.view(-1).shape == (6,)
    assert x.t().tolist() == [[0, 3], [1, 4], [2, 5]] and x.T.shape == (3, 2)
    assert x.transpose(0, 1).shape == (3, 2) and x.permute(1, 0).shape == (3, 2)
    assert x.unsqueeze(0).shape == (1, 2, 3) and x.unsqueeze(0).squeeze().shape == (2, 3)
    assert x.reshape((3, 2)).shape == (3, 2)
    assert torch.tensor([-1.0, 2.0]).relu().tolist() == [0, 2]
    assert torch.tensor([0.0]).sigmoid().item() == 0.5 and torch.tensor([0.0]).tanh().item() == 0.0
    assert torch.tensor([4.0]).sqrt().item() == 2.0
    assert x.stride() == (3, 1) and x.t().stride() == (1, 3)
    assert x.is_contiguous() and not x.t().is_contiguous() and x.t().contiguous().is_contiguous()
    assert x.expand(2, 2, 3).shape == (2, 2, 3)


def test_item_tolist_and_conversions():
    assert torch.tensor(3.5).item() == 3.5
    assert torch.tensor(7).item() == 7 and isinstance(torch.tensor(7).item(), int)
    assert torch.tensor(True).item() is True
    assert torch.tensor(2**62).item() == 2**62  # int64 values beyond 2**53 stay exact
    assert torch.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
    assert torch.tensor([True, False]).tolist() == [True, False]
    assert float(torch.tensor([2.5])) == 2.5 and int(torch.tensor(3)) == 3
    assert torch.tensor([1.7, -1.7]).long().tolist() == [1, -1]
    assert torch.tensor([1, 0]).bool().tolist() == [True, False]
    assert torch.tensor([1, 2]).double().dtype is torch.float64
    assert torch.tensor([1, 2]).to(torch.float32).dtype is torch.float32
    x = torch.tensor([1.0])
    assert x.to(torch.float32) is x and x.float() is x


def test_creation_functions():
    assert torch.zeros(2, 3).tolist() == [[0, 0, 0], [0, 0, 0]]
    assert torch.zeros((2, 3)).shape == (2, 3) and torch.ones([4]).sum().item() == 4
    assert torch.full((2,), 7).dtype is torch.int64 and torch.full((2,), 7.5).tolist() == [7.5, 7.5]
    assert torch.full((1,), 2**62 + 1).item() == 2**62 + 1
    assert torch.arange(5).tolist() == [0, 1, 2, 3, 4] and torch.arange(5).dtype is torch.int64
    assert torch.arange(1, 2, 0.5).tolist() == [1.0, 1.5] and torch.arange(1, 2, 0.5).dtype is torch.float32
    assert torch.ones(2, dtype=torch.int64).dtype is torch.int64
    assert torch.zeros_like(torch.ones(2, 2)).shape == (2, 2)
    assert torch.tensor([1, 2.5]).dtype is torch.float32
    assert torch.tensor([1, 2]).dtype is torch.int64 and torch.tensor([True]).dtype is torch.bool
    assert torch.tensor([]).shape == (0,) and torch.tensor([[]]).shape == (1, 0)
    torch.manual_seed(0)
    first = torch.rand(3).tolist()
    torch.manual_seed(0)
    assert torch.rand(3).tolist() == first
    assert torch.randn(2, 3).shape == (2, 3) and torch.rand(2, dtype=torch.float64).dtype is torch.float64


def test_scalar_promotion_follows_torch():
    f = torch.ones(2)
    i = torch.ones(2, dtype=torch.int64)
    assert (f + 1).dtype is torch.float32 and (f * 2.5).dtype is torch.float32
    assert (i + 1).dtype is torch.int64 and (i + 1.5).dtype is torch.float32
    assert (i / 2).dtype is torch.float32
    assert (f + torch.tensor(1.0, dtype=torch.float64)).dtype is torch.float32  # a 0-dim tensor does not widen
    assert (f + torch.ones(2, dtype=torch.float64)).dtype is torch.float64


def test_in_place_operators_keep_identity():
    x = torch.zeros(3)
    y = x
    x += 1
    x *= torch.tensor([1.0, 2.0, 3.0])
    x -= 0.5
    x /= 2
    assert x is y and x.tolist() == [0.25, 0.75, 1.25]
    assert x.zero_().tolist() == [0, 0, 0] and x.fill_(2).tolist() == [2, 2, 2]


def test_views_share_memory():
    base = torch.zeros(2, 3)
    view = base.view(6)
    view += torch.arange(6).float()
    assert base.tolist() == [[0, 1, 2], [3, 4, 5]]
    t = base.t()
    t *= 2
    assert base.tolist() == [[0, 2, 4], [6, 8, 10]]


def test_module_functions():
    x = torch.tensor([[1.0, -2.0]])
    assert torch.relu(x).tolist() == [[1, 0]] and torch.exp(torch.zeros(1)).item() == 1
    assert torch.matmul(x, x.t()).item() == 5 and torch.sum(x).item() == -1
    assert torch.where(x > 0, x, torch.zeros(1)).tolist() == [[1, 0]]
    # The method form: x.where(condition, other) is torch.where(condition, x, other); the
    # scalar operand is a temporary that must outlive the call.
    assert x.where(x > 0, 7.0).tolist() == [[1, 7]]
    assert x.where(torch.tensor([[False, True]]), torch.tensor([[3.0, 4.0]])).tolist() == [[3, -2]]
    assert torch.is_tensor(x) and not torch.is_tensor([1]) and torch.numel(x) == 2
    assert torch.get_default_dtype() is torch.float32


def test_bool_of_tensor():
    assert bool(torch.tensor([1.0])) and not bool(torch.tensor(0))
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(torch.ones(2))


def test_devices_and_dtypes():
    assert torch.device("cpu") == "cpu" and repr(torch.device("cuda:1")) == "device(type='cuda', index=1)"
    assert torch.ones(1).to("cpu").device.type == "cpu" and torch.ones(1).cpu().shape == (1,)
    assert repr(torch.float32) == "cajal.float32" and torch.float is torch.float32 and torch.long is torch.int64
    assert torch.zeros(1, dtype="float64").dtype is torch.float64
    assert math.isclose(torch.tensor([0.1]).item(), 0.1, rel_tol=1e-7)


def test_legacy_tensor_constructor():
    assert torch.Tensor([1, 2]).dtype is torch.float32 and torch.Tensor([1, 2]).tolist() == [1.0, 2.0]
    assert torch.Tensor(2, 3).shape == (2, 3)
    assert isinstance(torch.ones(1), torch.Tensor)


def test_iteration_and_membership_follow_torch():
    x = torch.arange(6.0).reshape(2, 3)
    rows = list(x)
    assert len(rows) == 2 and rows[1].tolist() == [3.0, 4.0, 5.0]
    assert 4 in x and 4.0 in x and 9 not in x
    assert torch.tensor([3.0, 4.0, 5.0]) in x
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(torch.tensor(1.0))
    with pytest.raises(RuntimeError, match=r"__contains__ only supports Tensor or scalar"):
        "a" in x  # noqa: B015


def test_new_constructors_take_the_dtype_of_self():
    x = torch.ones(2, dtype=torch.float64)
    assert x.new_zeros(2, 3).dtype is torch.float64 and x.new_zeros(2, 3).shape == (2, 3)
    assert x.new_ones((4,)).tolist() == [1.0] * 4
    assert x.new_full((2,), 7).tolist() == [7.0, 7.0] and x.new_full((2,), 7).dtype is torch.float64
    assert x.new_tensor([1, 2]).dtype is torch.float64
    assert x.new_zeros(3, dtype=torch.int64).dtype is torch.int64


def test_assigning_data_replaces_values_and_keeps_the_leaf():
    # torch: `w.data = ...` swaps the memory (shape and dtype may change) and
    # keeps the tensor's identity, requires_grad and .grad.
    p = torch.nn.Parameter(torch.ones(3))
    (p * 2).sum().backward()
    optimizer = torch.optim.SGD([p], lr=0.5)
    p.data = p.data - 0.5 * p.grad.data
    assert p.tolist() == [0.0, 0.0, 0.0] and p.requires_grad and p.is_leaf
    assert p.grad.tolist() == [2.0, 2.0, 2.0]
    optimizer.step()
    assert p.tolist() == [-1.0, -1.0, -1.0]
    p.data = torch.zeros(2, 2, dtype=torch.float64)
    assert p.shape == (2, 2) and p.dtype is torch.float64 and isinstance(p, torch.nn.Parameter)
    p.data.copy_(torch.ones(2, 2))
    assert p.tolist() == [[1.0, 1.0], [1.0, 1.0]]
    with pytest.raises(RuntimeError, match="must be floating point"):
        p.data = torch.zeros(2, dtype=torch.int64)
    with pytest.raises(TypeError, match="data must be a Tensor"):
        p.data = [1.0]
    q = torch.ones(2)
    q.data = torch.arange(3)
    assert q.tolist() == [0, 1, 2] and q.dtype is torch.int64
    with pytest.raises(NotImplementedError, match="computed by a recorded op"):
        (p * 2).data = torch.zeros(2, 2)
