"""Temporaries passed straight into calls must live until the call returns.
(A handle read off a temporary, `f(x)._handle`, can be freed before the C call
runs; ctypes' _as_parameter_ keeps the Tensor itself alive instead.)"""

import gc

import cajal as torch


def test_temporaries_survive_their_calls():
    for _ in range(3000):
        y = torch.zeros(3, 4)
        y[1] = 5
        y[:, 0] = torch.tensor([1.0, 2.0, 3.0])
        y[y > 4] = -1
        y[[0, 2], [1, 3]] = 7
        total = (y.masked_fill(y > 0, 2.0).masked_select(y < 3).sum() + y.index_select(1, [0, 2]).sum()
                 + y.gather(1, [[0], [1], [2]]).sum() + y.clamp(torch.zeros(1), torch.ones(1) * 3).sum())
        assert y.equal(y.clone()) and bool(y.isclose(y + 0).all())
        y.copy_(torch.ones(4) * 2)
        y.index_put_([torch.tensor([0])], torch.tensor(9.0))
    gc.collect()
    # y was [[1, 7, 0, 0], [2, -1, -1, -1], [3, 0, 0, 7]] when total was taken:
    # masked_select 1, index_select 5, gather 0, clamp to [0, 3] 12.
    assert total.item() == 18.0
    assert y.tolist() == [[9.0] * 4, [2.0] * 4, [2.0] * 4]


def test_freed_buffers_are_reused_and_can_be_given_back():
    from cajal import _ffi
    from cajal.backends import cpu

    cpu.empty_cache()
    assert cpu.memory_cached() == 0
    big = torch.ones(1000, 1000)  # 4 MB: kept for reuse when freed
    live = _ffi.lib.cajal_live_storage_bytes()
    del big
    gc.collect()
    assert cpu.memory_cached() >= 4_000_000
    assert _ffi.lib.cajal_live_storage_bytes() == live - 4_000_000  # not counted as live

    # A request of the same size class takes the buffer back; what it held
    # before never shows through.
    again = torch.zeros(999, 1001)
    assert cpu.memory_cached() == 0
    assert again.abs().sum().item() == 0
    filled = torch.empty(1000, 1000).fill_(3.0)
    assert filled.sum().item() == 3_000_000

    small = torch.ones(10)  # below 2 KiB: straight back to malloc
    del small, again, filled
    gc.collect()
    assert cpu.memory_cached() >= 8_000_000
    cpu.empty_cache()
    assert cpu.memory_cached() == 0


def test_cache_stays_bounded():
    from cajal.backends import cpu

    cpu.empty_cache()
    for size in range(1, 50):  # 49 sizes of 4..196 MB, 4.9 GB in total
        x = torch.empty(size * 1024 * 1024)
        del x
    assert cpu.memory_cached() <= 512 * 1024 * 1024
    cpu.empty_cache()


def test_operator_scalars_are_shared_but_never_reach_the_user():
    # The binary operators wrap a Python number once and reuse it; results are
    # new tensors, in-place ops change only their target, and the sign of zero
    # and NaN are never served from the cache.
    x = torch.tensor([1.0, -2.0, 3.0])
    for _ in range(3):
        assert (x * 2.0).tolist() == [2.0, -4.0, 6.0]
        assert (2 - x).tolist() == [1.0, 4.0, -1.0]
    y = x.clone()
    y.mul_(2.0)
    y.mul_(2.0)
    assert y.tolist() == [4.0, -8.0, 12.0] and (x * 2.0).tolist() == [2.0, -4.0, 6.0]
    assert str((x * 0.0)[1].item()) == "-0.0" and str((x * -0.0)[0].item()) == "-0.0"
    assert str((torch.ones(1) * 0.0).item()) == "0.0"
    assert (x + float("nan")).isnan().all()
    # A gradient given as a number becomes the graph's tensor, not a shared one.
    leaf = torch.tensor(3.0, requires_grad=True)
    leaf.backward(2.0)
    leaf.grad.zero_()
    assert (x * 2.0).tolist() == [2.0, -4.0, 6.0]
    # More distinct numbers than the cache keeps: it starts over, values stay right.
    for i in range(600):
        assert (torch.ones(1) * (i + 0.5)).item() == i + 0.5
