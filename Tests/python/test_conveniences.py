"""The quiet conveniences notebooks call on any machine: torch.cuda's no-GPU
answers, torch.backends.cudnn's flags, torch.testing.assert_close with torch's
default tolerances, torch.hub refusing the network, torch.__config__."""

import math

import pytest

import cajal


def test_cuda_and_cudnn_calls_run_on_a_cpu():
    assert not cajal.cuda.is_available() and cajal.cuda.device_count() == 0
    cajal.cuda.manual_seed_all(0)
    cajal.cuda.empty_cache()
    cajal.cuda.synchronize()
    assert cajal.cuda.memory_allocated() == 0
    with pytest.raises(RuntimeError, match="no CUDA device"):
        cajal.cuda.current_device()
    cajal.backends.cudnn.deterministic, cajal.backends.cudnn.benchmark = True, False
    assert cajal.backends.cudnn.deterministic and not cajal.backends.cudnn.is_available()


def test_assert_close_uses_torchs_default_tolerances():
    # float32: rtol 1.3e-6, atol 1e-5, so 1e-5 + 1.3e-6 * 2 around 2.0 passes and twice that fails.
    cajal.testing.assert_close(cajal.tensor([1.0, 2.0]), cajal.tensor([1.0, 2.0 + 1.1e-5]))
    with pytest.raises(AssertionError, match=r"Mismatched elements: 1 / 2 \(50\.0%\)"):
        cajal.testing.assert_close(cajal.tensor([1.0, 2.0]), cajal.tensor([1.0, 2.0 + 3e-5]))
    # float64: 1e-7 both.
    with pytest.raises(AssertionError, match="not close"):
        cajal.testing.assert_close(cajal.tensor([1.0], dtype=cajal.float64), cajal.tensor([1.0 + 1e-6], dtype=cajal.float64))
    # Integers compare exactly, and dtypes and shapes must agree unless told.
    with pytest.raises(AssertionError, match="not close"):
        cajal.testing.assert_close(cajal.tensor([1, 2]), cajal.tensor([1, 3]))
    with pytest.raises(AssertionError, match="dtype"):
        cajal.testing.assert_close(cajal.tensor([1.0]), cajal.tensor([1.0], dtype=cajal.float64))
    cajal.testing.assert_close(cajal.tensor([1.0]), cajal.tensor([1.0], dtype=cajal.float64), check_dtype=False)
    with pytest.raises(AssertionError, match="shape"):
        cajal.testing.assert_close(cajal.ones(2), cajal.ones(3))
    nan = cajal.tensor([math.nan])
    with pytest.raises(AssertionError):
        cajal.testing.assert_close(nan, nan)
    cajal.testing.assert_close(nan, nan, equal_nan=True)
    cajal.testing.assert_close(cajal.ones(2), cajal.ones(2) * 1.5, rtol=0.0, atol=0.5)
    cajal.testing.assert_close({"w": [cajal.ones(1)]}, {"w": [cajal.ones(1)]})
    with pytest.raises(ValueError, match="Both 'rtol' and 'atol'"):
        cajal.testing.assert_close(cajal.ones(1), cajal.ones(1), rtol=0.1)


def test_hub_refuses_the_network_and_config_shows_the_build():
    with pytest.raises(RuntimeError, match="uses no network"):
        cajal.hub.load("pytorch/vision", "resnet18")
    assert "OpenBLAS" in cajal.__config__.show() and "threads" in cajal.__config__.show()
