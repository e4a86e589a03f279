"""torch.testing.assert_close: the check course notebooks and homework graders use."""

import math

from ._tensor import Tensor

# torch's default tolerances by dtype (rtol, atol); integers and bools compare exactly.
_TOLERANCES = {"float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None):
    """Raises AssertionError unless |actual - expected| <= atol + rtol * |expected| everywhere, as torch's."""
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {'rtol' if rtol is None else 'atol'}.")
    if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        if len(actual) != len(expected):
            raise AssertionError(f"The length of the sequences mismatch: {len(actual)} != {len(expected)}")
        for a, e in zip(actual, expected):
            assert_close(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype, msg=msg)
        return
    if isinstance(actual, dict) and isinstance(expected, dict):
        if set(actual) != set(expected):
            raise AssertionError(f"The keys of the mappings do not match: {sorted(map(str, set(actual) ^ set(expected)))}")
        for key in expected:
            assert_close(actual[key], expected[key], rtol=rtol, atol=atol, equal_nan=equal_nan, check_dtype=check_dtype,
                         msg=msg)
        return
    numbers = (int, float, bool)
    if isinstance(actual, numbers) and isinstance(expected, numbers):
        if check_dtype and type(actual) is not type(expected):
            raise AssertionError(f"The values for attribute 'type' do not match: {type(actual)} != {type(expected)}.")
        rtol_, atol_ = (rtol, atol) if rtol is not None else (_TOLERANCES["float64"] if isinstance(expected, float)
                                                              else (0.0, 0.0))
        if not _close(float(actual), float(expected), rtol_, atol_, equal_nan):
            raise AssertionError(msg or f"Scalars are not close!\n\nExpected {expected} but got {actual}.\n"
                                 f"Absolute difference: {abs(actual - expected)} (up to {atol_} allowed)\n"
                                 f"Relative difference: {_relative(actual, expected)} (up to {rtol_} allowed)")
        return
    if not isinstance(actual, Tensor) or not isinstance(expected, Tensor):
        raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}.")
    if tuple(actual.shape) != tuple(expected.shape):
        raise AssertionError(f"The values for attribute 'shape' do not match: {actual.shape} != {expected.shape}.")
    if check_dtype and actual.dtype is not expected.dtype:
        raise AssertionError(f"The values for attribute 'dtype' do not match: {actual.dtype} != {expected.dtype}.")
    if rtol is None:
        rtol, atol = _TOLERANCES.get(expected.dtype.name, (0.0, 0.0))
    got = actual.detach().reshape(-1).tolist()
    want = expected.detach().reshape(-1).tolist()
    bad = [i for i, (a, e) in enumerate(zip(got, want)) if not _close(float(a), float(e), rtol, atol, equal_nan)]
    if bad:
        worst = max(bad, key=lambda i: _difference(got[i], want[i]))
        raise AssertionError(msg or
                             f"Tensor-likes are not close!\n\nMismatched elements: {len(bad)} / {len(want)} "
                             f"({100 * len(bad) / max(len(want), 1):.1f}%)\n"
                             f"Greatest absolute difference: {_difference(got[worst], want[worst])} at index "
                             f"{_index(worst, tuple(expected.shape))} (up to {atol} allowed)\n"
                             f"Greatest relative difference: {_relative(got[worst], want[worst])} at index "
                             f"{_index(worst, tuple(expected.shape))} (up to {rtol} allowed)")


def _close(a, e, rtol, atol, equal_nan):
    if math.isnan(a) or math.isnan(e):
        return equal_nan and math.isnan(a) and math.isnan(e)
    if math.isinf(a) or math.isinf(e):
        return a == e
    return abs(a - e) <= atol + rtol * abs(e)


def _difference(a, e):
    return abs(float(a) - float(e)) if not (math.isnan(float(a)) or math.isnan(float(e))) else math.nan


def _relative(a, e):
    difference = _difference(a, e)
    return difference / abs(float(e)) if float(e) != 0 else (math.inf if difference else 0.0)


def _index(flat, shape):
    index = []
    for size in reversed(shape):
        index.insert(0, flat % size if size else 0)
        flat //= max(size, 1)
    return tuple(index)


assert_allclose = assert_close  # torch's deprecated name
__all__ = ["assert_close", "assert_allclose"]
