"""numpy interop shares memory both ways where the layout allows."""

import numpy as np
import pytest

import cajal as torch


def test_from_numpy_shares_memory():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = torch.from_numpy(a)
    assert t.shape == (2, 3) and t.dtype is torch.float32
    a[0, 0] = 42
    assert t.tolist()[0][0] == 42
    t += 1
    assert a[1, 2] == 6


def test_from_numpy_keeps_the_array_alive():
    t = torch.from_numpy(np.arange(4, dtype=np.float64)).view(2, 2)
    import gc

    gc.collect()
    assert t.tolist() == [[0, 1], [2, 3]]


def test_from_numpy_strided_and_dtypes():
    a = np.arange(12, dtype=np.int64).reshape(3, 4)[:, ::2]
    t = torch.from_numpy(a)
    assert t.tolist() == a.tolist() and t.stride() == (4, 2)
    assert torch.from_numpy(np.array([True, False])).dtype is torch.bool
    for name in ("int32", "int16", "int8", "uint8", "float16"):  # zero-copy for every dtype numpy has
        a = np.arange(6, dtype=name).reshape(2, 3)[:, ::2]
        t = torch.from_numpy(a)
        assert t.dtype is getattr(torch, name) and t.tolist() == a.tolist() and t.stride() == (3, 2)
        a[1, 1] = 5
        assert t[1, 1].item() == 5, name
        assert t.numpy().dtype == a.dtype and np.shares_memory(t.numpy(), a)
    with pytest.raises(TypeError, match="uint16"):
        torch.from_numpy(np.zeros(2, dtype=np.uint16))
    with pytest.raises(TypeError, match="BFloat16"):
        torch.ones(2, dtype=torch.bfloat16).numpy()
    with pytest.raises(ValueError, match="negative"):
        torch.from_numpy(np.arange(4.0)[::-1])


def test_numpy_shares_memory():
    t = torch.zeros(2, 3)
    a = t.numpy()
    a[1, 1] = 5
    assert t.tolist()[1][1] == 5
    assert t.t().numpy().shape == (3, 2) and t.t().numpy()[1, 1] == 5
    assert np.asarray(torch.tensor([1, 2])).dtype == np.int64
    assert torch.tensor([True]).numpy().dtype == np.bool_


def test_tensor_from_numpy_copies():
    a = np.array([[1.5, 2.5]])
    t = torch.tensor(a)
    a[0, 0] = 0
    assert t.dtype is torch.float64 and t.tolist() == [[1.5, 2.5]]
    assert torch.tensor(np.array([1, 2], dtype=np.int32)).dtype is torch.int32
    assert torch.tensor(np.array([1, 2], dtype=np.uint16)).dtype is torch.int64  # no uint16 in cajal: widened
    assert torch.tensor(np.float32(2.5)).item() == 2.5


def test_numpy_scalars_and_zero_dim_arrays_stay_zero_dim():
    """torch.tensor(np.int64(1)) is 0-dim, and x[np.int64(i)] indexes like x[i]
    (numpy's ascontiguousarray turns 0-d into 1-d; found by the RL example)."""
    for value in (np.int64(3), np.float32(2.5), np.float64(-1.0), np.array(4), np.bool_(True)):
        assert torch.tensor(value).shape == (), value
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x[np.int64(1)].tolist() == [3.0, 4.0]
    assert x[np.int32(0), np.int64(1)].item() == 2.0 and x[np.int32(0), np.int64(1)].shape == ()
    assert x[:, np.int64(0)].tolist() == [1.0, 3.0]
    x[np.int64(0)] = 9.0
    assert x.tolist() == [[9.0, 9.0], [3.0, 4.0]]
    with pytest.raises(IndexError):
        x[np.int64(2)]
