"""The storage dtypes beyond torch's numbers (those are in test_dtype_programs):
their limits from mathematics, bad inputs that must raise and name the op,
the legacy tensor types as constructors and for isinstance, and the C codes."""

import ctypes

import pytest

import cajal as torch
from cajal._ffi import lib


def test_limits_follow_the_formats():
    assert torch.finfo(torch.float16).eps == 2.0 ** -10 and torch.finfo(torch.float16).max == 65504.0
    assert torch.finfo(torch.bfloat16).eps == 2.0 ** -7 and torch.finfo(torch.half).tiny == 2.0 ** -14
    assert (torch.iinfo(torch.uint8).min, torch.iinfo(torch.uint8).max) == (0, 255)
    assert (torch.iinfo(torch.int8).min, torch.iinfo(torch.int16).max, torch.iinfo(torch.int32).bits) == (-128, 32767, 32)
    assert torch.tensor([65504.0, 65520.0], dtype=torch.half).tolist() == [65504.0, float("inf")]
    assert torch.tensor([1 + 2.0 ** -11], dtype=torch.half).item() == 1.0  # a tie rounds to even


def test_names_aliases_and_element_sizes():
    assert (torch.int, torch.short, torch.half) == (torch.int32, torch.int16, torch.float16)
    for dtype, size in [(torch.int32, 4), (torch.int16, 2), (torch.int8, 1), (torch.uint8, 1), (torch.float16, 2),
                        (torch.bfloat16, 2)]:
        assert torch.zeros(3, dtype=dtype).element_size() == size and dtype.itemsize == size
    assert torch.float16.is_floating_point and not torch.uint8.is_signed and torch.int8.is_signed
    assert torch.ones(2).to("torch.int16").dtype is torch.int16


def test_values_out_of_range_are_refused_by_name():
    with pytest.raises(RuntimeError, match="cannot be converted to type uint8 without overflow"):
        torch.tensor([256], dtype=torch.uint8)
    with pytest.raises(RuntimeError, match="cannot be converted to type int8 without overflow"):
        torch.tensor([-129], dtype=torch.int8)
    with pytest.raises(ValueError, match="int32"):
        torch.tensor([float("nan")], dtype=torch.int32)


def test_ops_torch_lacks_for_a_type_raise():
    with pytest.raises(RuntimeError, match="mean"):
        torch.arange(4, dtype=torch.int8).mean()
    with pytest.raises(NotImplementedError, match="Half"):
        torch.linalg.inv(torch.eye(2, dtype=torch.half))
    with pytest.raises(NotImplementedError, match="float16"):
        torch.nn.LSTM(2, 3).half()(torch.zeros(1, 1, 2, dtype=torch.half))
    with pytest.raises(RuntimeError, match="same dtype"):
        torch.ones(2, 2, dtype=torch.half) @ torch.ones(2, 2)
    with pytest.raises(TypeError, match="default type"):
        torch.set_default_dtype(torch.float16)
    with pytest.raises(TypeError, match="BFloat16"):
        torch.zeros(1, dtype=torch.bfloat16).numpy()
    with pytest.raises(TypeError, match="float16 can.t be cast to the desired output type int16"):
        torch.zeros(2, dtype=torch.int16).add_(torch.ones(2, dtype=torch.half))


def test_legacy_types_construct_and_check():
    assert torch.LongTensor([1, 2]).dtype is torch.int64 and torch.ByteTensor(2, 3).shape == (2, 3)
    assert torch.FloatTensor(torch.Size([2, 1])).shape == (2, 1) and torch.HalfTensor().shape == (0,)
    assert torch.IntTensor(torch.ones(2)).dtype is torch.int32
    assert isinstance(torch.ones(2), torch.FloatTensor) and not isinstance(torch.ones(2), torch.LongTensor)
    assert isinstance(torch.ones(2).byte(), torch.ByteTensor) and isinstance(torch.ones(1).half(), torch.HalfTensor)
    assert torch.ones(1).bfloat16().type() == "torch.BFloat16Tensor" and torch.ones(1).char().type() == "torch.CharTensor"
    with pytest.raises(TypeError, match="FloatTensor"):
        torch.FloatTensor(2, "a")


def test_c_codes_are_appended_and_checked():
    x = torch.ones(2)
    for code, dtype in enumerate([torch.float32, torch.float64, torch.int64, torch.bool, torch.int32, torch.int16,
                                  torch.int8, torch.uint8, torch.float16, torch.bfloat16, torch.complex64,
                                  torch.complex128]):
        assert dtype.code == code
        out = ctypes.c_void_p()
        assert lib.cajal_tensor_to_dtype(x._handle, code, ctypes.byref(out)) == 0
        lib.cajal_tensor_free(out)
    out = ctypes.c_void_p()
    assert lib.cajal_tensor_to_dtype(x._handle, 12, ctypes.byref(out)) != 0
    assert "unknown dtype code 12" in lib.cajal_last_error().decode() and "11 (complex128)" in lib.cajal_last_error().decode()


def test_half_training_learns():
    """A logistic regression trained in bfloat16 and in float16 with SGD: parameters, gradients and
    optimizer state stay in the half type, and the loss falls."""
    for dtype in (torch.float16, torch.bfloat16):
        torch.manual_seed(0)
        x = torch.randn(64, 4).to(dtype)
        y = (x.float() @ torch.tensor([1.0, -2.0, 0.5, 0.0]) > 0).to(dtype)
        model = torch.nn.Linear(4, 1).to(dtype)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
        losses = []
        for _ in range(30):
            optimizer.zero_grad()
            loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x).squeeze(1), y)
            loss.backward()
            assert model.weight.grad.dtype is dtype
            optimizer.step()
            losses.append(loss.item())
        assert model.weight.dtype is dtype and losses[-1] < 0.5 * losses[0], (dtype, losses[0], losses[-1])
