"""The kernels' fast paths only run on large inputs: SIMD blocks, pieces split
across threads, tiles, heaps. The fixtures hold small tensors, so here the
same ops run on inputs big enough to take those paths (with ragged lengths
for the tails), checked against numpy, whose answers are exact here:
selections, copies and counts, or float64 sums compared with a tolerance."""

import numpy as np
import pytest

import cajal

RNG = np.random.default_rng(2026)


def as_numpy(t):
    return t.contiguous().numpy()


@pytest.mark.parametrize("threads", [1, 2])
def test_all_and_any_over_bool_blocks(threads):
    cajal.set_num_threads(threads)
    try:
        for n in (1, 63, 64, 65, 200, 4099):
            ones = np.ones(n, dtype=bool)
            for at in {0, n // 2, n - 1}:
                holes = ones.copy()
                holes[at] = False
                single = ~ones
                single[at] = True
                for mask in (ones, holes, single, ~ones):
                    t = cajal.tensor(mask)
                    assert t.all().item() == bool(mask.all()), (n, at)
                    assert t.any().item() == bool(mask.any()), (n, at)
        big = RNG.random((517, 1031)) > 0.001
        t = cajal.tensor(big)
        assert as_numpy(t.all(1)).tolist() == big.all(1).tolist()
        assert as_numpy(t.any(0)).tolist() == big.any(0).tolist()
    finally:
        cajal.set_num_threads(2)


def test_flip_long_rows_and_transposed():
    x = RNG.standard_normal((301, 1027)).astype(np.float32)
    t = cajal.tensor(x)
    assert np.array_equal(as_numpy(t.flip(1)), x[:, ::-1])
    assert np.array_equal(as_numpy(t.flip(0)), x[::-1])
    assert np.array_equal(as_numpy(t.t().flip(1)), x.T[:, ::-1])


def test_transposed_copies_and_casts_walk_tiles():
    x = RNG.standard_normal((3, 517, 1031)).astype(np.float32)
    t = cajal.tensor(x)
    assert np.array_equal(as_numpy(t.transpose(1, 2)), x.transpose(0, 2, 1))
    assert np.array_equal(as_numpy(t.permute(2, 0, 1)), x.transpose(2, 0, 1))
    assert np.array_equal(as_numpy(t.transpose(1, 2).double()), x.transpose(0, 2, 1).astype(np.float64))
    assert np.array_equal(as_numpy(t[:, ::3, 1::2].transpose(1, 2)), x[:, ::3, 1::2].transpose(0, 2, 1))
    # Tiles whose rows step 2, 7 and -1 elements through x.
    assert np.array_equal(as_numpy(t[1].t()[::2, 1::2]), x[1].T[::2, 1::2])
    assert np.array_equal(as_numpy(t[1, :, 3::7].t()), x[1, :, 3::7].T)
    assert np.array_equal(as_numpy(t[2].t().flip(1)), x[2].T[:, ::-1])


def test_norm_and_sums_of_long_rows():
    x = RNG.standard_normal((257, 4099)).astype(np.float32)
    t = cajal.tensor(x)
    exact = np.sqrt((x.astype(np.float64) ** 2).sum())
    assert abs(t.norm().item() - exact) <= 1e-6 * exact
    rows = np.sqrt((x.astype(np.float64) ** 2).sum(1))
    assert np.allclose(as_numpy(t.norm(dim=1)), rows, rtol=1e-6, atol=0)
    assert np.allclose(as_numpy(t.sum(1)), x.astype(np.float64).sum(1), rtol=1e-5, atol=1e-4)
    assert np.allclose(as_numpy(t.sum(0)), x.astype(np.float64).sum(0), rtol=1e-5, atol=1e-4)
    assert np.array_equal(as_numpy(t.amax(1)), x.max(1))
    assert np.array_equal(as_numpy(t.t().amin(0)), x.min(1))
    x[5, 4000] = np.nan
    assert np.isnan(as_numpy(cajal.tensor(x).amax(1))[5])


def test_sort_and_topk_of_long_rows_with_ties():
    x = RNG.integers(-50, 50, size=(130, 2049)).astype(np.float32)  # many ties
    t = cajal.tensor(x)
    values, indices = t.sort(1)
    order = np.argsort(x, axis=1, kind="stable")
    assert np.array_equal(as_numpy(indices), order)
    assert np.array_equal(as_numpy(values), np.take_along_axis(x, order, 1))
    values, indices = t.sort(1, descending=True)
    order = np.argsort(-x, axis=1, kind="stable")  # ties keep index order
    assert np.array_equal(as_numpy(indices), order)
    for k in (1, 7, 100, 2049):
        values, indices = t.topk(k, 1)
        assert np.array_equal(as_numpy(indices), order[:, :k]), k
        assert np.array_equal(as_numpy(values), np.take_along_axis(x, order[:, :k], 1)), k
    values, indices = t.t().topk(5, 0, largest=False)
    ascending = np.argsort(x.T, axis=0, kind="stable")[:5]
    assert np.array_equal(as_numpy(indices), ascending)


def test_sort_puts_nan_last_and_negative_zero_with_zero():
    x = RNG.standard_normal(5000).astype(np.float32)
    x[[3, 100, 4000]] = np.nan
    x[[7, 8]] = [-0.0, 0.0]
    x[9] = -0.0
    values, indices = cajal.tensor(x).sort()
    order = np.argsort(x, kind="stable")  # numpy: NaN last; -0 == 0 keeps index order
    assert np.array_equal(as_numpy(indices), order)


def test_argmax_and_cumsum_over_one_long_row_of_positions():
    x = RNG.standard_normal((1031, 517)).astype(np.float32)
    t = cajal.tensor(x)
    assert np.array_equal(as_numpy(t.argmax(0)), x.argmax(0))
    assert np.array_equal(as_numpy(t.argmin(1)), x.argmin(1))
    assert np.allclose(as_numpy(t.cumsum(1)), np.cumsum(x.astype(np.float64), 1), rtol=1e-5, atol=1e-4)
    assert np.allclose(as_numpy(t.cumsum(0)), np.cumsum(x.astype(np.float64), 0), rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("threads", [1, 2])
def test_arg_extremes_in_lanes_and_blocks_with_ties_and_nan(threads):
    # Rows of 16-lane blocks (contiguous dim) and blocks of neighbouring
    # positions (strided dim), with ties across lanes, -0 against 0 and NaNs:
    # the first of equal extremes wins and the first NaN beats everything,
    # as in numpy's argmax/argmin.
    cajal.set_num_threads(threads)
    try:
        x = RNG.integers(-3, 4, size=(300, 1037)).astype(np.float32)
        x[7, :] = 0.0
        x[7, 500] = -0.0
        x[8, [40, 41, 1030]] = np.nan
        x[:, 9] = np.nan
        x[11, 1036] = 9.0  # only in the scalar tail after the lanes
        t = cajal.tensor(x)
        for dim in (0, 1):
            assert np.array_equal(as_numpy(t.argmax(dim)), x.argmax(dim)), dim
            assert np.array_equal(as_numpy(t.argmin(dim)), x.argmin(dim)), dim
            values, indices = t.max(dim)
            assert np.array_equal(as_numpy(indices), x.argmax(dim)), dim
            assert np.array_equal(as_numpy(values), x.max(dim), equal_nan=True), dim
            assert np.array_equal(as_numpy(t.t().argmin(1 - dim)), x.argmin(dim)), dim
        assert np.allclose(as_numpy(t.t().cumsum(1)), np.cumsum(x.T.astype(np.float64), 1), rtol=1e-5, atol=1e-4,
                           equal_nan=True)
        finite = np.nan_to_num(x[:, :40]) / 4 + 1
        assert np.allclose(as_numpy(cajal.tensor(finite).cumprod(0)), np.cumprod(finite.astype(np.float64), 0),
                           rtol=1e-5, atol=0)
    finally:
        cajal.set_num_threads(2)


@pytest.mark.parametrize("threads", [1, 2])
def test_index_select_of_strided_lines_in_blocks(threads):
    # Indices that pick columns of a row-major tensor (x.t()[rows]) are
    # copied in blocks of neighbouring positions; ragged last block included.
    cajal.set_num_threads(threads)
    try:
        x = RNG.standard_normal((1037, 333)).astype(np.float32)
        rows = RNG.integers(-333, 333, size=517)
        t = cajal.tensor(x)
        assert np.array_equal(as_numpy(t.t()[cajal.tensor(rows)]), x.T[rows])
        assert np.array_equal(as_numpy(t.t().index_select(0, cajal.tensor(rows % 333))), x.T[rows % 333])
        assert np.array_equal(as_numpy(t[:, ::2].t()[cajal.tensor(rows % 167)]), x[:, ::2].T[rows % 167])
    finally:
        cajal.set_num_threads(2)


def test_where_and_masked_fill_select_bits_in_every_layout():
    # where runs on the elements' bits (branch-free): each dtype's width, a
    # broadcast scalar on either side, and strided operands.
    mask = RNG.random((301, 517)) > 0.5
    tm = cajal.tensor(mask)
    for dtype in (np.float32, np.float64, np.int64, np.bool_):
        a = (RNG.standard_normal((301, 517)) * 10).astype(dtype)
        b = (RNG.standard_normal((301, 517)) * 10).astype(dtype)
        ta, tb = cajal.tensor(a), cajal.tensor(b)
        assert np.array_equal(as_numpy(cajal.where(tm, ta, tb)), np.where(mask, a, b)), dtype
        assert np.array_equal(as_numpy(cajal.where(tm, ta, cajal.tensor(b[0, 0]))), np.where(mask, a, b[0, 0])), dtype
        assert np.array_equal(as_numpy(cajal.where(tm.t(), ta.t(), tb.t())), np.where(mask.T, a.T, b.T)), dtype
    x = RNG.standard_normal((301, 517)).astype(np.float32)
    t = cajal.tensor(x)
    assert np.array_equal(as_numpy(t.masked_fill(tm, -2.5)), np.where(mask, np.float32(-2.5), x))
    assert np.array_equal(as_numpy(t.t().masked_fill(tm.t(), 7.0)), np.where(mask.T, np.float32(7.0), x.T))
    assert np.array_equal(as_numpy(t.t().masked_fill(cajal.tensor(mask.T.copy()), 7.0)), np.where(mask.T, np.float32(7.0), x.T))


def test_gather_and_scatter_add_in_parallel_slabs():
    x = RNG.standard_normal((613, 1031)).astype(np.float32)
    index = RNG.integers(0, 1031, size=(613, 700))
    t, i = cajal.tensor(x), cajal.tensor(index)
    assert np.array_equal(as_numpy(t.gather(1, i)), np.take_along_axis(x, index, 1))
    source = RNG.standard_normal((613, 700)).astype(np.float32)
    expected = x.astype(np.float64).copy()
    rows = np.repeat(np.arange(613)[:, None], 700, 1)
    np.add.at(expected, (rows, index), source.astype(np.float64))
    got = as_numpy(t.scatter_add(1, i, cajal.tensor(source)))
    assert np.allclose(got, expected, rtol=1e-5, atol=1e-5)
    index0 = RNG.integers(0, 613, size=(300, 1031))
    expected = np.zeros((613, 1031))
    np.add.at(expected, (index0, np.repeat(np.arange(1031)[None], 300, 0)), 1.0)
    got = as_numpy(cajal.zeros(613, 1031).scatter_add(0, cajal.tensor(index0), cajal.ones(300, 1031)))
    assert np.array_equal(got, expected)


def test_gather_and_scatter_reject_bad_indices_found_in_parallel():
    t = cajal.zeros(600, 1000)
    index = np.zeros((600, 1000), dtype=np.int64)
    index[599, 999] = 1000
    with pytest.raises(RuntimeError, match="out of bounds"):
        t.gather(1, cajal.tensor(index))
    index[599, 999] = -1
    with pytest.raises(RuntimeError, match="out of bounds"):
        t.scatter_add(1, cajal.tensor(index), cajal.ones(600, 1000))
    assert t.sum().item() == 0  # out of place: nothing was written


def test_nonzero_and_masked_select_in_pieces():
    x = RNG.standard_normal((517, 1031)).astype(np.float32)
    mask = x > 0.3
    rows, columns = np.nonzero(mask)
    got = as_numpy(cajal.tensor(mask).nonzero())
    assert np.array_equal(got, np.stack([rows, columns], 1))
    assert np.array_equal(as_numpy(cajal.tensor(x)[cajal.tensor(mask)]), x[mask])
    transposed = as_numpy(cajal.tensor(mask).t().nonzero())
    assert np.array_equal(transposed, np.stack(np.nonzero(mask.T), 1))
    three = RNG.random((7, 300, 90)) > 0.5
    assert np.array_equal(as_numpy(cajal.tensor(three).nonzero()), np.stack(np.nonzero(three), 1))
