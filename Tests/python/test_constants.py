"""The C API's named constants (api/00_constants.py): the enumerations the
fronts pass instead of strings or magic integers, and the two string-taking
functions of API version 2 that stay until version 4."""

from ctypes import byref, c_void_p

import pytest

import cajal
from cajal import _constants
from cajal._ffi import lib
from cajal._tensor import _wrap


def call(function, *args):
    out = c_void_p()
    assert function(*args, byref(out)) == 0, lib.cajal_last_error().decode()
    return _wrap(out.value)


def test_python_constants_are_the_headers_codes():
    # Mathematics of the declaration: codes count from 0 in declared order.
    assert _constants.LossReduction.MEAN == 1 and _constants.RecurrentKind.GRU == 3
    assert _constants.LOSS_REDUCTION_BY_NAME["batchmean"] is _constants.LossReduction.BATCHMEAN
    assert _constants.RECURRENT_KIND_BY_NAME["RNN_RELU"] == 1


@pytest.mark.parametrize("reduction", ["none", "mean", "sum", "batchmean"])
def test_kl_div_string_function_of_version_2_matches_v2(reduction):
    log_p = cajal.tensor([[-1.2, -0.5, -2.0], [-0.1, -3.0, -1.0]])
    target = cajal.tensor([[0.2, 0.5, 0.3], [0.9, 0.0, 0.1]])
    old = call(lib.cajal_nn_kl_div, log_p._handle, target._handle, reduction.encode(), 0)
    new = call(lib.cajal_nn_kl_div_v2, log_p._handle, target._handle, _constants.LOSS_REDUCTION_BY_NAME[reduction], 0)
    assert cajal.equal(old, new)
    # And both are the definition: sum of target (log target - input), 0 where target is 0.
    pointwise = [t * (__import__("math").log(t) - x) if t > 0 else 0.0
                 for row_t, row_x in zip(target.tolist(), log_p.tolist()) for t, x in zip(row_t, row_x)]
    expected = {"none": None, "mean": sum(pointwise) / 6, "sum": sum(pointwise), "batchmean": sum(pointwise) / 2}[reduction]
    if expected is not None:
        assert abs(new.item() - expected) < 1e-6


@pytest.mark.parametrize("reduce", ["sum", "mean", "amax", "amin"])
def test_scatter_reduce_string_function_of_version_2_matches_v2(reduce):
    x = cajal.tensor([1.0, 5.0, -2.0])
    index = cajal.tensor([0, 0, 2, 1])
    src = cajal.tensor([4.0, -1.0, 3.0, 7.0])
    old = call(lib.cajal_tensor_scatter_reduce, x._handle, 0, index._handle, src._handle, reduce.encode(), 1)
    new = call(lib.cajal_tensor_scatter_reduce_v2, x._handle, 0, index._handle, src._handle,
               _constants.SCATTER_REDUCTION_BY_NAME[reduce], 1)
    assert cajal.equal(old, new)
    # Position 0 gets x=1 with 4 and -1; position 1 gets 5 with 7; position 2 gets -2 with 3.
    expected = {"sum": [4.0, 12.0, 1.0], "mean": [4.0 / 3, 6.0, 0.5], "amax": [4.0, 7.0, 3.0], "amin": [-1.0, 5.0, -2.0]}
    assert new.tolist() == pytest.approx(expected[reduce])


def test_unknown_names_raise_what_torch_raises():
    x = cajal.ones(3)
    with pytest.raises(RuntimeError, match="reduce argument must be either sum, prod, mean, amax or amin, got max"):
        x.scatter_reduce(0, cajal.tensor([0, 1, 2]), x, "max")
    with pytest.raises(NotImplementedError, match=r"\[scatter_reduce\] reduce='prod' is not supported"):
        x.scatter_reduce(0, cajal.tensor([0, 1, 2]), x, "prod")
    with pytest.raises(ValueError, match="rounding_mode to be one of None, 'trunc', or 'floor' but found 'round'"):
        x.div(x, rounding_mode="round")
    with pytest.raises(RuntimeError, match="linalg.norm: Order foo not supported"):
        cajal.linalg.norm(x, "foo")
    with pytest.raises(ValueError, match="expected padding_mode to be 'zeros', 'border', or 'reflection'"):
        cajal.nn.functional.grid_sample(cajal.ones(1, 1, 2, 2), cajal.zeros(1, 1, 1, 2), padding_mode="wrap")
