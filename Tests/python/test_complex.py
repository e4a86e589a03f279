"""Complex tensors beyond torch's numbers (those are in surface_programs'
fourier program): promotion, numpy sharing, indexing, torch's gradient
convention for a complex leaf, and the refusals that name the op."""

import math

import numpy as np
import pytest

import cajal as torch


def test_python_complex_numbers_promote_as_torchs():
    assert (torch.ones(2) * 1j).dtype is torch.complex64
    assert (torch.ones(2, dtype=torch.float64) * 1j).dtype is torch.complex128
    assert (torch.arange(3) + 2j).dtype is torch.complex64
    assert torch.promote_types(torch.complex64, torch.float64) is torch.complex128
    assert torch.tensor([1, 2j]).dtype is torch.complex64 and torch.tensor(1j).item() == 1j
    z = torch.tensor([1 + 2j, -3.5 - 1j], dtype=torch.cdouble)
    assert z.tolist() == [1 + 2j, -3.5 - 1j] and z.is_complex() and not z.is_floating_point()
    assert repr(torch.tensor([1 + 2j, 3 - 1j])) == "tensor([1.+2.j, 3.-1.j])"


def test_numpy_shares_complex_memory():
    a = np.array([[1 + 2j, 3 - 4j]], dtype=np.complex64)
    z = torch.from_numpy(a)
    assert z.dtype is torch.complex64
    a[0, 1] = 5j
    assert z[0, 1].item() == 5j
    back = torch.tensor([1 + 1j], dtype=torch.complex128).numpy()
    assert back.dtype == np.complex128 and back[0] == 1 + 1j


def test_indexing_joining_and_writing():
    z = torch.complex(torch.arange(6.0), -torch.arange(6.0)).reshape(2, 3)
    assert z[1, 2].item() == 5 - 5j and z[:, 0].tolist() == [0j, 3 - 3j]
    assert torch.cat([z, z.conj()]).shape == (4, 3) and torch.stack([z, z], 1).shape == (2, 2, 3)
    w = z.clone()
    w[0, 1] = 7 + 1j
    w[w.abs() > 6] = 0
    assert w[0, 1].item() == 0 and w[1, 0].item() == 3 - 3j
    assert torch.view_as_real(z).shape == (2, 3, 2) and torch.view_as_complex(torch.view_as_real(z)).tolist() == z.tolist()
    assert z.t().contiguous()[2, 1].item() == 5 - 5j


def test_gradient_of_a_complex_leaf_is_torchs_convention():
    z = torch.tensor([3 + 4j, 0j], dtype=torch.complex128, requires_grad=True)
    z.abs().sum().backward()
    # d|z|/d re + i d|z|/d im = z / |z| (0 at 0, as torch's sgn)
    assert z.grad.tolist() == [0.6 + 0.8j, 0j]


def test_refusals_name_the_op():
    z = torch.tensor([1 + 1j, 2j])
    for call, name in [(lambda: z.exp(), "exp"), (lambda: z.max(), "max"), (lambda: z.sort(), "sort"),
                       (lambda: z @ z, "matmul"), (lambda: z.clamp(0, 1), "clamp"), (lambda: z.cumsum(0), "cumsum")]:
        with pytest.raises(NotImplementedError, match=name):
            call()
    with pytest.raises(RuntimeError, match="last dimension of size 2"):
        torch.view_as_complex(torch.ones(2, 3))
    with pytest.raises(RuntimeError, match="last dimension with stride 1"):
        torch.view_as_complex(torch.ones(2, 2).t())
    with pytest.raises(RuntimeError, match="only supported for complex tensors"):
        torch.view_as_real(torch.ones(2))
    with pytest.raises(RuntimeError, match="Float or Double"):
        torch.complex(torch.ones(2, dtype=torch.int64), torch.ones(2, dtype=torch.int64))
    with pytest.raises(RuntimeError, match="imag is not implemented for tensors with non-complex dtypes"):
        torch.ones(2).imag


def test_fft_refuses_what_torch_refuses():
    with pytest.raises(IndexError, match="no dimensions"):
        torch.fft.fft(torch.tensor(1.0))
    with pytest.raises(RuntimeError, match="Invalid number of data points \\(0\\)"):
        torch.fft.rfft(torch.ones(4), n=0)
    with pytest.raises(RuntimeError, match="Invalid number of data points \\(0\\)"):
        torch.fft.irfft(torch.ones(1, dtype=torch.complex64))
    with pytest.raises(RuntimeError, match="rfft expects a real input tensor"):
        torch.fft.rfft(torch.ones(4) * 1j)
    with pytest.raises(ValueError, match="Invalid normalization mode: half"):
        torch.fft.fft(torch.ones(4), norm="half")
    with pytest.raises(IndexError, match="out of range"):
        torch.fft.fft(torch.ones(4), dim=1)


def test_spectrum_of_a_sine_from_mathematics():
    """A sine of 5 cycles over 64 samples at 128 Hz: all its power in bin 5 (10 Hz), amplitude 32."""
    t = torch.arange(64, dtype=torch.float64) / 128
    signal = torch.sin(2 * math.pi * 10 * t)
    spectrum = torch.fft.rfft(signal).abs()
    frequencies = torch.fft.rfftfreq(64, d=1 / 128)
    assert int(spectrum.argmax()) == 5 and frequencies[5].item() == 10.0
    assert abs(spectrum[5].item() - 32) < 1e-9 and spectrum[:5].max().item() < 1e-9
    assert torch.allclose(torch.fft.irfft(torch.fft.rfft(signal), n=64), signal)
