"""torch.fft: discrete Fourier transforms through FFTW (loaded at run time,
as OpenBLAS is), with torch's norms and gradients; the sample frequencies
and the shifts that centre a spectrum."""

from . import _dtype as D
from ._ffi import lib
from ._tensor import as_tensor_operand as _operand


def fftfreq(n, d=1.0, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """The frequencies of an n-point FFT with sample spacing d: [0, 1, ..., ceil(n/2)-1, -floor(n/2), ..., -1] / (d n)."""
    from . import cat
    from ._creation import arange

    n = _count(n, "fftfreq")
    D.check_device(device)
    dtype = D.to_dtype(dtype, D.default_float())
    positive = arange((n + 1) // 2, dtype=D.int64)
    negative = arange(-(n // 2), 0, dtype=D.int64)
    # torch multiplies by 1 / (n d) rather than dividing (the roundings differ).
    result = cat([positive, negative]).to(dtype) * (1.0 / (n * d)) if n else arange(0, dtype=dtype)
    return result.requires_grad_(requires_grad) if requires_grad else result


def rfftfreq(n, d=1.0, *, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False):
    """The frequencies of the n // 2 + 1 bins rfft gives: [0, 1, ..., n // 2] / (d n)."""
    from ._creation import arange

    n = _count(n, "rfftfreq")
    D.check_device(device)
    dtype = D.to_dtype(dtype, D.default_float())
    result = arange(n // 2 + 1, dtype=D.int64).to(dtype) * (1.0 / (n * d)) if n else arange(0, dtype=dtype)
    return result.requires_grad_(requires_grad) if requires_grad else result


def fftshift(input, dim=None):  # noqa: A002 - torch's parameter name
    """Rolls the zero frequency to the centre of each dim (all dims when dim is None)."""
    x = _operand(input)
    dims = _dims(x, dim)
    return x.roll([x.shape[d] // 2 for d in dims], dims) if dims else x


def ifftshift(input, dim=None):  # noqa: A002
    """fftshift's inverse: the centre back to index 0."""
    x = _operand(input)
    dims = _dims(x, dim)
    return x.roll([-(x.shape[d] // 2) for d in dims], dims) if dims else x


def _count(n, name):
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"{name}(): argument 'n' must be int, not {type(n).__name__}")
    if n < 0:
        raise RuntimeError(f"{name}: n must be non-negative, got {n}")
    return n


def _dims(x, dim):
    if dim is None:
        return list(range(x.dim()))
    return [dim] if isinstance(dim, int) else list(dim)


def _norm(norm):
    from ._constants import FFT_NORM_BY_NAME

    if norm is None:
        norm = "backward"
    if norm not in FFT_NORM_BY_NAME:
        raise ValueError(f"Invalid normalization mode: {norm}")
    return FFT_NORM_BY_NAME[norm]


def _n(n, name):
    if n is None:
        return -1
    n = n.__index__()
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return n


def fft(input, n=None, dim=-1, norm=None):  # noqa: A002
    """The discrete Fourier transform along dim (FFTW), zero-padded or trimmed to n points."""
    from ._tensor import _call

    return _call(lib.cajal_fft_fft, _operand(input)._handle, _n(n, "fft"), dim, _norm(norm), 0)


def ifft(input, n=None, dim=-1, norm=None):  # noqa: A002
    """The inverse transform (1/n with the default norm)."""
    from ._tensor import _call

    return _call(lib.cajal_fft_fft, _operand(input)._handle, _n(n, "ifft"), dim, _norm(norm), 1)


def rfft(input, n=None, dim=-1, norm=None):  # noqa: A002
    """The n // 2 + 1 non-negative frequency bins of a real signal's transform."""
    from ._tensor import _call

    return _call(lib.cajal_fft_rfft, _operand(input)._handle, _n(n, "rfft"), dim, _norm(norm))


def irfft(input, n=None, dim=-1, norm=None):  # noqa: A002
    """rfft's inverse: n real points (2 (bins - 1) by default) from a half spectrum."""
    from ._tensor import _call

    return _call(lib.cajal_fft_irfft, _operand(input)._handle, _n(n, "irfft"), dim, _norm(norm))


def _plan(x, s, dim):
    """The dims and sizes of an n-dimensional transform, as torch chooses them."""
    if dim is None:
        dims = list(range(x.dim())) if s is None else list(range(x.dim() - len(s), x.dim()))
    else:
        dims = [dim] if isinstance(dim, int) else list(dim)
    if s is not None and len(s) != len(dims):
        raise RuntimeError("When given, dim and shape arguments must have the same length")
    sizes = list(s) if s is not None else [None] * len(dims)
    return dims, [None if v == -1 else v for v in sizes]


def _along(transform, x, dims, sizes, norm):
    """A 1-D transform along each dim in turn (the n-dimensional transform)."""
    for d, n in zip(dims, sizes):
        x = transform(x, n, d, norm)
    return x


def fftn(input, s=None, dim=None, norm=None):  # noqa: A002
    x = _operand(input)
    return _along(fft, x, *_plan(x, s, dim), norm)


def ifftn(input, s=None, dim=None, norm=None):  # noqa: A002
    x = _operand(input)
    return _along(ifft, x, *_plan(x, s, dim), norm)


def rfftn(input, s=None, dim=None, norm=None):  # noqa: A002
    """rfft along the last of the dims, then fft along the others."""
    x = _operand(input)
    dims, sizes = _plan(x, s, dim)
    return _along(fft, rfft(x, sizes[-1], dims[-1], norm), dims[:-1], sizes[:-1], norm)


def irfftn(input, s=None, dim=None, norm=None):  # noqa: A002
    """ifft along all but the last of the dims, then irfft along it."""
    x = _operand(input)
    dims, sizes = _plan(x, s, dim)
    return irfft(_along(ifft, x, dims[:-1], sizes[:-1], norm), sizes[-1], dims[-1], norm)


def fft2(input, s=None, dim=(-2, -1), norm=None):  # noqa: A002
    return fftn(input, s, dim, norm)


def ifft2(input, s=None, dim=(-2, -1), norm=None):  # noqa: A002
    return ifftn(input, s, dim, norm)


def rfft2(input, s=None, dim=(-2, -1), norm=None):  # noqa: A002
    return rfftn(input, s, dim, norm)


def irfft2(input, s=None, dim=(-2, -1), norm=None):  # noqa: A002
    return irfftn(input, s, dim, norm)


def _unsupported(name):
    def transform(*args, **kwargs):
        raise NotImplementedError(f"torch.fft.{name} (Hermitian-input transforms) is not supported by cajal yet")

    transform.__name__ = name
    return transform


hfft, ihfft = _unsupported("hfft"), _unsupported("ihfft")
