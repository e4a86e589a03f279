"""scatter_reduce and index_add beyond the torch fixtures
(Tests/reference/fixtures/scatter_reduce.json): bad inputs, a source larger
than its index, the in-place forms, and index_add as its definition."""

import pytest

import cajal


def test_bad_inputs_raise_clear_errors():
    x, index, src = cajal.zeros(2, 3), cajal.tensor([[0, 2]]), cajal.ones(1, 2)
    with pytest.raises(NotImplementedError, match="prod"):
        x.scatter_reduce(1, index, src, "prod")
    with pytest.raises(RuntimeError, match="sum, prod, mean, amax or amin, got median"):
        x.scatter_reduce(1, index, src, "median")
    with pytest.raises(RuntimeError, match="index 5 is out of bounds for dimension 1 with size 3"):
        x.scatter_reduce(1, cajal.tensor([[0, 5]]), src, "amax")
    with pytest.raises(RuntimeError, match="Bool"):
        cajal.zeros(2, 3, dtype=cajal.bool).scatter_reduce(1, index, cajal.ones(1, 2, dtype=cajal.bool), "sum")
    with pytest.raises(RuntimeError, match="dtype"):
        x.scatter_reduce(1, index, cajal.ones(1, 2, dtype=cajal.float64), "sum")
    with pytest.raises(TypeError, match="reduce"):
        x.scatter_reduce(1, index, src, 3)
    with pytest.raises(RuntimeError, match=r"source \(2x2\) must match self \(2x3\)"):
        x.index_add(0, cajal.tensor([0, 1]), cajal.ones(2, 2))
    with pytest.raises(IndexError, match="vector of int32 or int64"):
        x.index_add(0, cajal.tensor([[0]]), cajal.ones(1, 3))
    with pytest.raises(RuntimeError, match="out of bounds"):
        x.index_add(0, cajal.tensor([2]), cajal.ones(1, 3))


def test_source_larger_than_index_gets_zero_gradient_outside_it():
    x = cajal.zeros(2, 3, requires_grad=True)
    src = cajal.tensor([[1.0, 5.0, 7.0], [2.0, 2.0, 9.0]], requires_grad=True)
    out = x.scatter_reduce(1, cajal.tensor([[0, 0]]), src, "amax", include_self=False)
    assert out.tolist() == [[5.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    out.sum().backward()
    assert src.grad.tolist() == [[0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]
    assert x.grad.tolist() == [[0.0, 1.0, 1.0], [1.0, 1.0, 1.0]]


def test_in_place_forms_and_index_add_definition():
    x = cajal.arange(12.0).reshape(4, 3)
    index = cajal.tensor([3, 0, 3])
    source = cajal.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    expected = x.clone()
    for i, row in zip(index.tolist(), source * 0.5):
        expected[i] = expected[i] + row
    assert cajal.equal(x.index_add(0, index, source, alpha=0.5), expected)
    assert cajal.equal(cajal.index_add(x, 0, index, source, alpha=0.5), expected)
    y = x.clone()
    assert y.index_add_(0, index, source, alpha=0.5) is y and cajal.equal(y, expected)
    z = cajal.zeros(2)
    z.scatter_reduce_(0, cajal.tensor([1, 1, 0]), cajal.tensor([3.0, -1.0, 2.0]), "amin", include_self=False)
    assert z.tolist() == [2.0, -1.0]
    w = cajal.zeros(2)
    w.scatter_add_(0, cajal.tensor([1, 1, 0]), cajal.tensor([3.0, -1.0, 2.0]))
    assert w.tolist() == [2.0, 2.0]
