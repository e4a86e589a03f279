"""torch.linalg for the supported subset: inv, det, solve, cholesky,
solve_triangular, eigh, eigvalsh, svd, svdvals, pinv, matrix_rank, slogdet,
cond, matrix_power, multi_dot, cross and the norms.

Factorisations run in the engine through OpenBLAS's LAPACK; the spectral and
nuclear norms, qr, eig and lstsq are not supported yet.
"""

import math as _math

from ._constants import NORM_KIND_BY_NAME, NormKind
from ._ffi import lib
from ._ffi import int64_array
from ._tensor import _call, as_tensor_operand as _operand

__all__ = ["inv", "det", "solve", "norm", "vector_norm", "matrix_norm", "cholesky", "solve_triangular", "eigh",
           "eigvalsh", "matrix_power", "multi_dot", "cross", "svd", "svdvals", "pinv", "matrix_rank", "slogdet", "cond"]


def inv(A):  # noqa: N803 (torch's argument name)
    return _call(lib.cajal_linalg_inv, _operand(A))


def det(A):  # noqa: N803
    return _call(lib.cajal_linalg_det, _operand(A))


def solve(A, B, *, left=True):  # noqa: N803
    if not left:
        raise NotImplementedError("linalg.solve(left=False) is not supported by cajal yet; solve A.mT X.mT = B.mT instead")
    return _call(lib.cajal_linalg_solve, _operand(A), _operand(B))


def _ord_arguments(ord):  # noqa: A002
    """torch's ord (None, a number, 'fro' or 'nuc') as the engine's (kind, p)."""
    if ord is None:
        return NormKind.DEFAULT, 0.0
    if ord in ("fro", "nuc"):
        return NORM_KIND_BY_NAME[ord], 0.0
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.norm: Order {ord} not supported.")
    return NormKind.NUMBER, float(ord)


def _dims(dim):
    if dim is None:
        return int64_array([]), 0
    dims = [d.__index__() for d in dim] if isinstance(dim, (tuple, list)) else [dim.__index__()]
    if not dims:
        raise RuntimeError("linalg.norm: If dim is specified, it must be of length 1 or 2. Got []")
    return int64_array(dims), len(dims)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):  # noqa: A002,N803
    source = _operand(A)
    if dtype is not None:
        source = source.to(dtype)
    return _call(lib.cajal_linalg_norm, source, *_ord_arguments(ord), *_dims(dim), 1 if keepdim else 0)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    source = _operand(x)
    if dtype is not None:
        source = source.to(dtype)
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: ord must be a number, got {ord!r}")
    return source.norm(float(ord), dim, keepdim)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):  # noqa: A002,N803
    if ord is None or (not isinstance(ord, str) and not _math.isinf(ord) and abs(ord) not in (1, 2)):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    return norm(A, ord, dim, keepdim, dtype=dtype)


def matrix_power(A, n):  # noqa: N803
    """A^n for square matrices (batched); n may be negative."""
    from ._compositions import matrix_power as power

    return power(A, n)


def multi_dot(tensors, *, out=None):
    """The product of the matrices; a first or last 1-D tensor is a row or a column."""
    from ._compositions import multi_dot as product

    if out is not None:
        raise NotImplementedError("linalg.multi_dot(out=...) is not supported by cajal")
    return product(tensors)


def cross(input, other, *, dim=-1):  # noqa: A002
    """The cross product of 3-vectors along dim."""
    from ._compositions import linalg_cross

    return linalg_cross(input, other, dim=dim)


def _upper(UPLO):  # noqa: N803
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return 1 if UPLO == "U" else 0


def cholesky(A, *, upper=False, out=None):  # noqa: N803
    """L with A = L L^T (or U = L^T with upper) for symmetric positive-definite A."""
    if out is not None:
        raise NotImplementedError("linalg.cholesky(out=...) is not supported by cajal")
    return _call(lib.cajal_linalg_cholesky, _operand(A), 1 if upper else 0)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):  # noqa: N803
    """X with A X = B (X A = B with left=False) for triangular A."""
    if out is not None:
        raise NotImplementedError("linalg.solve_triangular(out=...) is not supported by cajal")
    return _call(lib.cajal_linalg_solve_triangular, _operand(A), _operand(B), 1 if upper else 0, 1 if left else 0,
                 1 if unitriangular else 0)


def eigh(A, UPLO="L", *, out=None):  # noqa: N803
    """(eigenvalues ascending, eigenvectors as columns) of symmetric A."""
    from collections import namedtuple
    from ctypes import byref, c_void_p

    from ._ffi import check
    from ._tensor import _wrap

    values, vectors = c_void_p(), c_void_p()
    check(lib.cajal_linalg_eigh(_operand(A), _upper(UPLO), byref(values), byref(vectors)))
    return namedtuple("eigh", ["eigenvalues", "eigenvectors"])(_wrap(values.value), _wrap(vectors.value))


def eigvalsh(A, UPLO="L", *, out=None):  # noqa: N803
    """The eigenvalues of symmetric A, ascending."""
    return _call(lib.cajal_linalg_eigvalsh, _operand(A), _upper(UPLO))


def svd(A, full_matrices=True, *, driver=None, out=None):  # noqa: N803
    """(U, S, Vh) with A = U diag(S) Vh, S descending (LAPACK's gesdd)."""
    from collections import namedtuple
    from ctypes import byref, c_void_p

    from ._ffi import check
    from ._tensor import _wrap

    u, s, vh = c_void_p(), c_void_p(), c_void_p()
    check(lib.cajal_linalg_svd(_operand(A), 1 if full_matrices else 0, byref(u), byref(s), byref(vh)))
    return namedtuple("svd", ["U", "S", "Vh"])(_wrap(u.value), _wrap(s.value), _wrap(vh.value))


def svdvals(A, *, driver=None, out=None):  # noqa: N803
    """The singular values of A, descending."""
    return _call(lib.cajal_linalg_svdvals, _operand(A))


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, tol=None):  # noqa: N803
    """How many singular values exceed max(atol, rtol * the largest); rtol
    defaults to eps * max(m, n) when atol is not given, as in torch."""
    from ._dtype import finfo

    a = _operand(A)
    values = svdvals(a)
    if tol is not None:
        atol, rtol = tol, 0.0
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else finfo(a.dtype).eps * max(a.shape[-2], a.shape[-1])
    largest = values.amax(-1, keepdim=True) if values.shape[-1] else values.sum(-1, keepdim=True)
    threshold = (largest * rtol).clamp(min=float(atol or 0.0))
    return (values > threshold).sum(-1)


def pinv(A, *, atol=None, rtol=None, hermitian=False):  # noqa: N803
    """The pseudo-inverse V diag(1/S) Uᵀ, keeping the singular values above
    max(atol, rtol * the largest) (rtol defaults to eps * max(m, n))."""
    from . import where
    from ._dtype import finfo

    a = _operand(A)
    u, s, vh = svd(a, full_matrices=False)
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else finfo(a.dtype).eps * max(a.shape[-2], a.shape[-1])
    largest = s.amax(-1, keepdim=True) if s.shape[-1] else s.sum(-1, keepdim=True)
    threshold = (largest * rtol).clamp(min=float(atol or 0.0))
    inverse = where(s > threshold, s.reciprocal(), s.new_zeros(s.shape))
    return (vh.transpose(-1, -2) * inverse.unsqueeze(-2)).matmul(u.transpose(-1, -2))


def slogdet(A, *, out=None):  # noqa: N803
    """(sign, logabsdet) of each square matrix."""
    from collections import namedtuple
    from ctypes import byref, c_void_p

    from ._ffi import check
    from ._tensor import _wrap

    sign, logabsdet = c_void_p(), c_void_p()
    check(lib.cajal_linalg_slogdet(_operand(A), byref(sign), byref(logabsdet)))
    return namedtuple("slogdet", ["sign", "logabsdet"])(_wrap(sign.value), _wrap(logabsdet.value))


def cond(A, p=None):  # noqa: N803
    """The condition number: the ratio of the extreme singular values (p None
    or 2; -2 for its inverse), or norm(A, p) * norm(inv(A), p) for the others."""
    a = _operand(A)
    if p is None or p in (2, -2):
        values = svdvals(a)
        ratio = values[..., 0] / values[..., -1]
        return ratio if p != -2 else ratio.reciprocal()
    return norm(a, p, dim=(-2, -1)) * norm(inv(a), p, dim=(-2, -1))


def qr(A, mode="reduced", *, out=None):  # noqa: N803
    """(Q, R) with A = QR by Householder reflections (LAPACK's geqrf/orgqr; mode 'reduced', 'complete' or 'r')."""
    from collections import namedtuple
    from ctypes import byref, c_void_p

    from ._constants import QR_MODE_BY_NAME
    from ._ffi import check
    from ._tensor import _wrap

    if out is not None:
        raise NotImplementedError("linalg.qr(out=...) is not supported by cajal")
    if mode not in QR_MODE_BY_NAME:
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or 'complete'")
    q, r = c_void_p(), c_void_p()
    check(lib.cajal_linalg_qr(_operand(A), QR_MODE_BY_NAME[mode], byref(q), byref(r)))
    return namedtuple("qr", ["Q", "R"])(_wrap(q.value), _wrap(r.value))


_LSTSQ_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A, B, rcond=None, *, driver=None):  # noqa: N803
    """The least-squares solution X of A X = B for each matrix (the minimum-norm one
    when A is wide), from a QR of A (or of Aᵀ when wide), so it is differentiable.
    Like torch on the CPU (driver 'gelsy' by default): rank for every driver but
    'gels'; residuals ||AX - B||² per column when A is tall, full rank and the
    driver is not 'gelsy'; singular values for 'gelsd' and 'gelss'. A
    rank-deficient A is refused (torch's gelsy would return a basic solution)."""
    from collections import namedtuple

    A, B = _operand(A), _operand(B)
    driver = driver or "gelsy"
    if driver not in _LSTSQ_DRIVERS:
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of {_LSTSQ_DRIVERS}")
    if A.dim() < 2:
        raise RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    vector = B.dim() == A.dim() - 1
    if B.dim() < 1 or not (B.dim() == A.dim() or vector):
        raise RuntimeError("torch.linalg.lstsq: input.dim() must be greater or equal to other.dim() and "
                           "(input.dim() - other.dim()) <= 1")
    rhs = B.unsqueeze(-1) if vector else B
    m, n = A.shape[-2], A.shape[-1]
    if rhs.shape[-2] != m:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-2) (got {m} and {rhs.shape[-2]})")
    ranks = matrix_rank(A.detach())
    if A.numel() and bool((ranks < min(m, n)).any()):
        raise RuntimeError("linalg.lstsq: a rank-deficient A is not supported by cajal (its QR solve needs full rank)")
    if m >= n:
        q, r = qr(A)
        solution = solve_triangular(r, q.mT @ rhs, upper=True)
    else:
        q, r = qr(A.mT)
        solution = q @ solve_triangular(r.mT, rhs, upper=False)
    empty = A.new_zeros((0,))
    residuals = empty
    if driver != "gelsy" and m > n:
        residuals = ((A @ solution - rhs) ** 2).sum(-2)
        if vector:
            residuals = residuals.squeeze(-1)
    singular_values = svdvals(A) if driver in ("gelsd", "gelss") else empty
    rank = ranks if driver != "gels" else ranks.new_zeros((0,))
    if vector:
        solution = solution.squeeze(-1)
    return namedtuple("lstsq", ["solution", "residuals", "rank", "singular_values"])(solution, residuals, rank,
                                                                                     singular_values)


def eig(A, *, out=None):  # noqa: N803
    """(eigenvalues, eigenvectors) of a general square matrix, complex (LAPACK's geev; forward only)."""
    from collections import namedtuple
    from ctypes import byref, c_void_p

    from ._ffi import check
    from ._tensor import _wrap

    if out is not None:
        raise NotImplementedError("linalg.eig(out=...) is not supported by cajal")
    values, vectors = c_void_p(), c_void_p()
    check(lib.cajal_linalg_eig(_operand(A), byref(values), byref(vectors)))
    return namedtuple("eig", ["eigenvalues", "eigenvectors"])(_wrap(values.value), _wrap(vectors.value))


def eigvals(A, *, out=None):  # noqa: N803
    """The eigenvalues of a general square matrix, complex (forward only)."""
    if out is not None:
        raise NotImplementedError("linalg.eigvals(out=...) is not supported by cajal")
    return _call(lib.cajal_linalg_eigvals, _operand(A))
