"""torch functions that are compositions of engine ops, as torch itself
defines them (its CompositeImplicitAutograd ops): each is a few engine calls,
so its backward is the engine's, and it works in create_graph too. Ops that
need their own kernel or backward live in the engine, declared in api/.

Each is a torch function here, and a Tensor method where torch has one
(installed by `install`, with the in-place forms torch has)."""

import builtins
import itertools

from . import _dtype as D
from ._ffi import reserve
from ._tensor import Tensor, as_tensor_operand as _operand


def _scaled(value, scale):
    return value if scale == 1 else value * scale


# ----------------------------------------------------------------- linear algebra

def trace(input):  # noqa: A002
    """The sum of the main diagonal of a matrix."""
    x = _operand(input)
    if x.dim() != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {x.dim()}")
    return x.diagonal().sum()


def addmm(input, mat1, mat2, *, beta=1, alpha=1):  # noqa: A002
    """beta * input + alpha * (mat1 @ mat2); with beta 0, input is ignored (its NaNs too)."""
    product = _scaled(_operand(mat1).mm(mat2), alpha)
    return product if beta == 0 else _scaled(_operand(input), beta) + product


def addmv(input, mat, vec, *, beta=1, alpha=1):  # noqa: A002
    """beta * input + alpha * (mat @ vec)."""
    product = _scaled(_operand(mat).mv(vec), alpha)
    return product if beta == 0 else _scaled(_operand(input), beta) + product


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):  # noqa: A002
    """beta * input + alpha * (batch1 @ batch2), matrix by matrix."""
    product = _scaled(_operand(batch1).bmm(batch2), alpha)
    return product if beta == 0 else _scaled(_operand(input), beta) + product


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):  # noqa: A002
    """beta * input + alpha * the sum over the batch of batch1[i] @ batch2[i]."""
    product = _scaled(_operand(batch1).bmm(batch2).sum(0), alpha)
    return product if beta == 0 else _scaled(_operand(input), beta) + product


def matrix_power(input, n):  # noqa: A002
    """A^n for square matrices (batched), by torch's binary decomposition of n;
    a negative n inverts first."""
    a = _operand(input)
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"matrix_power(): argument 'n' must be int, not {type(n).__name__}")
    if a.dim() < 2 or a.shape[-1] != a.shape[-2]:
        raise RuntimeError("linalg.matrix_power: A must be batches of square matrices, "
                           f"but they are {a.shape[-2] if a.dim() >= 2 else 1} by {a.shape[-1] if a.dim() else 1} matrices")
    if n == 0:
        from ._creation import eye

        return eye(a.shape[-1], dtype=a.dtype).expand(a.shape).clone()
    if n < 0:
        from .linalg import inv

        a, n = inv(a), -n
    if n == 1:
        return a.clone()
    if n == 2:
        return a.matmul(a)
    if n == 3:
        return a.matmul(a).matmul(a)
    result, z = None, a
    while n > 0:
        if n & 1:
            result = z if result is None else result.matmul(z)
        n >>= 1
        if n:
            z = z.matmul(z)
    return result


def chain_matmul(*matrices):
    """The product of the matrices, left to right."""
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    result = _operand(matrices[0])
    for m in matrices[1:]:
        result = result.mm(m)
    return result


def multi_dot(tensors):
    """linalg.multi_dot: the product of the matrices (a first 1-D is a row, a last 1-D a column)."""
    tensors = [_operand(t) for t in tensors]
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    first, last = tensors[0].dim() == 1, tensors[-1].dim() == 1
    if first:
        tensors[0] = tensors[0].unsqueeze(0)
    if last:
        tensors[-1] = tensors[-1].unsqueeze(1)
    result = chain_matmul(*tensors)
    if first:
        result = result.squeeze(0)
    if last:
        result = result.squeeze(-1)
    return result


def kron(input, other):  # noqa: A002
    """The Kronecker product: result[i * m + k, ...] = a[i, ...] * b[k, ...]."""
    a, b = _operand(input), _operand(other)
    rank = builtins.max(a.dim(), b.dim())
    a_shape = [1] * (rank - a.dim()) + list(a.shape)
    b_shape = [1] * (rank - b.dim()) + list(b.shape)
    a_view = a.reshape([s for size in a_shape for s in (size, 1)])
    b_view = b.reshape([s for size in b_shape for s in (1, size)])
    return (a_view * b_view).reshape([x * y for x, y in zip(a_shape, b_shape)])


def tensordot(a, b, dims=2, out=None):
    """Sums the products over the last `dims` dims of a and the first of b, or
    over the dims listed in dims=([a's], [b's])."""
    a, b = _operand(a), _operand(b)
    if out is not None:
        raise NotImplementedError("tensordot(out=...) is not supported by cajal")
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a, dims_b = list(range(a.dim() - dims, a.dim())), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    dims_a = [d % a.dim() if a.dim() else d for d in dims_a]
    dims_b = [d % b.dim() if b.dim() else d for d in dims_b]
    for da, db in zip(dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[da]} in dim {da} "
                               f"and second has size {b.shape[db]} in dim {db}")
    free_a = [d for d in range(a.dim()) if d not in dims_a]
    free_b = [d for d in range(b.dim()) if d not in dims_b]
    size = 1
    for d in dims_a:
        size *= a.shape[d]
    left = a.permute(*free_a, *dims_a).reshape(-1, size)
    right = b.permute(*dims_b, *free_b).reshape(size, -1)
    return left.mm(right).reshape([a.shape[d] for d in free_a] + [b.shape[d] for d in free_b])


def cross(input, other, dim=None):  # noqa: A002
    """The cross product of 3-vectors along dim (torch.cross: the first dim of
    size 3 when dim is None)."""
    a, b = _operand(input), _operand(other)
    from . import broadcast_tensors

    a, b = broadcast_tensors(a, b)
    if dim is None:
        dim = next((d for d, size in enumerate(a.shape) if size == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return _cross(a, b, dim)


def linalg_cross(input, other, *, dim=-1):  # noqa: A002
    a, b = _operand(input), _operand(other)
    from . import broadcast_tensors

    a, b = broadcast_tensors(a, b)
    return _cross(a, b, dim)


def _cross(a, b, dim):
    if a.dim() == 0 or a.shape[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. "
                           f"Got {a.shape[dim] if a.dim() else 0} and {b.shape[dim] if b.dim() else 0}")
    a0, a1, a2 = (a.narrow(dim, i, 1) for i in range(3))
    b0, b1, b2 = (b.narrow(dim, i, 1) for i in range(3))
    from . import cat

    return cat([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], dim)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The p-norm distance between each row of x1 and each row of x2 (batched).
    For p = 2 with more than 25 rows on either side, torch's matrix-product
    form sqrt(|x|^2 + |y|^2 - 2 x.y), as torch computes it."""
    a, b = _operand(x1), _operand(x2)
    if a.dim() < 2 or b.dim() < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {a.dim()}D")
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {a.shape[-1]} X2: {b.shape[-1]}")
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values, got {p}")
    use_mm = p == 2 and (compute_mode == "use_mm_for_euclid_dist" or (
        compute_mode == "use_mm_for_euclid_dist_if_necessary" and (a.shape[-2] > 25 or b.shape[-2] > 25)))
    if use_mm:
        a_norm = (a * a).sum(-1, keepdim=True)
        b_norm = (b * b).sum(-1, keepdim=True)
        squared = a_norm - 2 * a.matmul(b.transpose(-1, -2)) + b_norm.transpose(-1, -2)
        return squared.clamp_min(1e-30).sqrt()
    difference = a.unsqueeze(-2) - b.unsqueeze(-3)
    return difference.norm(p=p, dim=-1)


# ----------------------------------------------------------------- elementwise

def addcmul(input, tensor1, tensor2, *, value=1):  # noqa: A002
    """input + value * tensor1 * tensor2."""
    return _operand(input) + _scaled(_operand(tensor1) * tensor2, value)


def addcdiv(input, tensor1, tensor2, *, value=1):  # noqa: A002
    """input + value * tensor1 / tensor2."""
    return _operand(input) + _scaled(_operand(tensor1) / tensor2, value)


def lerp(input, end, weight):  # noqa: A002
    """input + weight * (end - input), computed as torch does: from the nearer
    end (|weight| >= 0.5: end - (end - input) * (1 - weight))."""
    start, stop = _operand(input), _operand(end)
    difference = stop - start
    if not isinstance(weight, Tensor):  # a number: the branch is chosen here, in double precision
        weight = float(weight)
        return start + weight * difference if builtins.abs(weight) < 0.5 else stop - difference * (1.0 - weight)
    from . import where

    return where(weight.abs() < 0.5, start + weight * difference, stop - difference * (1 - weight))


def logit(input, eps=None):  # noqa: A002
    """log(p / (1 - p)); with eps, p is first clamped to [eps, 1 - eps]."""
    x = _operand(input)
    if not x.is_floating_point():
        x = x.float()
    if eps is not None:
        x = x.clamp(eps, 1 - eps)
    return (x / (1 - x)).log()


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):  # noqa: A002
    """NaN, +inf and -inf replaced by nan, posinf and neginf (by default the
    dtype's largest and lowest finite values)."""
    x = _operand(input)
    if not x.is_floating_point():
        return x.clone()
    info = D.finfo(x.dtype)
    posinf = info.max if posinf is None else posinf
    neginf = info.min if neginf is None else neginf
    from . import where

    x = where(x.isnan(), D.full_like_scalar(x, nan), x)
    x = where(x == float("inf"), D.full_like_scalar(x, posinf), x)
    return where(x == float("-inf"), D.full_like_scalar(x, neginf), x)


# ----------------------------------------------------------------- shapes and indices

def rot90(input, k=1, dims=(0, 1)):  # noqa: A002
    """Rotates by 90 degrees k times, from the first dim of dims toward the second."""
    x = _operand(input)
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if x.dim() < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {x.dim()}")
    d0, d1 = (d % x.dim() for d in dims)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    k %= 4
    if k == 1:
        return x.flip(d1).transpose(d0, d1)
    if k == 2:
        return x.flip(d0, d1)
    if k == 3:
        return x.flip(d0).transpose(d0, d1)
    return x.clone()


def diff(input, n=1, dim=-1, prepend=None, append=None):  # noqa: A002
    """The n-th forward difference along dim (x[i + 1] - x[i]; != for bool)."""
    from . import cat

    x = _operand(input)
    if x.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    parts = [p if p.dim() else p.expand([*x.shape[:dim % x.dim()], 1, *x.shape[dim % x.dim() + 1:]])
             for p in (_operand(v) for v in (prepend, None, append) if v is not None)]
    if prepend is not None or append is not None:
        pieces = ([parts.pop(0)] if prepend is not None else []) + [x] + ([parts[-1]] if append is not None else [])
        x = cat(pieces, dim)
    for _ in range(n):
        length = x.shape[dim]
        if length == 0:
            break
        later, earlier = x.narrow(dim, 1, length - 1), x.narrow(dim, 0, length - 1)
        x = later != earlier if x.dtype is D.bool_ else later - earlier
    return x


def block_diag(*tensors):
    """The tensors (0-, 1- or 2-D) as the blocks of a block-diagonal matrix."""
    from . import cat
    from ._creation import zeros

    blocks = []
    for i, t in enumerate(tensors):
        t = _operand(t)
        if t.dim() > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has {t.dim()} dimensions")
        blocks.append(t.reshape(1, 1) if t.dim() == 0 else t.reshape(1, -1) if t.dim() == 1 else t)
    if not blocks:
        return zeros(1, 0)
    dtype = blocks[0].dtype
    for b in blocks[1:]:
        dtype = D.promote_types(dtype, b.dtype)
    width = builtins.sum(b.shape[1] for b in blocks)
    rows, left = [], 0
    for b in blocks:
        rows.append(cat([zeros(b.shape[0], left, dtype=dtype), b.to(dtype),
                         zeros(b.shape[0], width - left - b.shape[1], dtype=dtype)], 1))
        left += b.shape[1]
    return cat(rows, 0)


def meshgrid(*tensors, indexing=None):
    """Coordinate grids: for 'ij' (the default) grid k varies along dim k; for
    'xy' the first two dims are exchanged (x along columns)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    tensors = [_operand(t) for t in tensors]
    indexing = "ij" if indexing is None else indexing
    if indexing not in ("ij", "xy"):
        raise ValueError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    for i, t in enumerate(tensors):
        if t.dim() > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t.dim()}D")
    vectors = [t.reshape(-1) for t in tensors]
    swap = indexing == "xy" and len(vectors) >= 2
    if swap:
        vectors[0], vectors[1] = vectors[1], vectors[0]
    shape = [v.shape[0] for v in vectors]
    grids = []
    for k, v in enumerate(vectors):
        view = [1] * len(vectors)
        view[k] = -1
        grids.append(v.reshape(view).expand(shape))
    if swap:  # torch's 'xy': the first two inputs swapped for 'ij', and their grids swapped back
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def cartesian_prod(*tensors):
    """Every combination of one element of each 1-D tensor, as rows."""
    from . import stack

    if len(tensors) == 1:
        return _operand(tensors[0])
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], dim=1)


def combinations(input, r=2, with_replacement=False):  # noqa: A002
    """itertools.combinations (or combinations_with_replacement) of a 1-D tensor's elements, as rows."""
    from . import stack
    from ._creation import empty, tensor

    x = _operand(input)
    if x.dim() != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(x.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return empty(0, dtype=x.dtype)
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = list(pick(range(x.shape[0]), r))
    if not rows:
        return empty(0, r, dtype=x.dtype)
    index = tensor(rows, dtype=D.int64)
    return stack([x.index_select(0, index[:, j]) for j in range(r)], dim=1)


def _triangle_indices(row, col, offset, lower, dtype):
    from ._creation import tensor

    for name, value in (("row", row), ("col", col)):
        if value < 0:
            raise RuntimeError(f"{name} must be non-negative, got{value}")
    # Only rows that hold entries are visited (a 2^51-row request with none
    # looped for ever: found by the fuzzer), and the result is reserved first.
    first, last = (builtins.max(0, -offset), row) if lower else (0, builtins.min(row, builtins.max(0, col - offset)))
    if col == 0:
        first = last
    reserve(16 * builtins.max(0, last - first) * col, "tril_indices" if lower else "triu_indices")
    rows, cols = [], []
    for i in range(first, last):
        span = range(0, builtins.max(0, builtins.min(col, i + offset + 1))) if lower else range(builtins.max(0, i + offset), col)
        rows.extend([i] * len(span))
        cols.extend(span)
    dtype = D.int64 if dtype is None else dtype
    return tensor([rows, cols], dtype=dtype) if rows else tensor([[], []], dtype=dtype).reshape(2, 0)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, col) indices of the lower triangle of a row x col matrix, row by row."""
    D.check_device(device)
    return _triangle_indices(row, col, offset, True, dtype)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, col) indices of the upper triangle of a row x col matrix, row by row."""
    D.check_device(device)
    return _triangle_indices(row, col, offset, False, dtype)


def take(input, index):  # noqa: A002
    """input's elements (as if flattened) at index, in index's shape."""
    return _operand(input).reshape(-1)[_operand(index)]


def take_along_dim(input, indices, dim=None):  # noqa: A002
    """gather along dim, after broadcasting input and indices in the other dims;
    without dim, over the flattened input."""
    x, index = _operand(input), _operand(indices)
    if dim is None:
        return x.reshape(-1).gather(0, index.reshape(-1))
    dim %= builtins.max(x.dim(), 1)
    x_shape, i_shape = list(x.shape), list(index.shape)
    x_shape[dim] = i_shape[dim] = 1
    from . import broadcast_shapes

    common = list(broadcast_shapes(x_shape, i_shape))
    x = x.expand(common[:dim] + [x.shape[dim]] + common[dim + 1:])
    index = index.expand(common[:dim] + [index.shape[dim]] + common[dim + 1:])
    return x.gather(dim, index)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):  # noqa: A002
    """Each element (or slice along dim) repeated repeats times (an int, or one
    count per element); torch.repeat_interleave(counts) repeats the indices."""
    from ._creation import arange, tensor

    x = _operand(input)
    if repeats is None:  # repeat_interleave(repeats): the indices, each repeated
        x, repeats = arange(x.shape[0]), x
    if dim is None:
        x, dim = x.reshape(-1), 0
    dim %= builtins.max(x.dim(), 1)
    if isinstance(repeats, Tensor) and repeats.dim() == 0:
        repeats = int(repeats.item())
    if isinstance(repeats, int):
        if repeats < 0:
            raise RuntimeError("repeats can not be negative")
        expanded = x.unsqueeze(dim + 1)
        shape = list(expanded.shape)
        shape[dim + 1] = repeats
        result_shape = list(x.shape)
        result_shape[dim] *= repeats
        return expanded.expand(shape).reshape(result_shape)
    counts = _operand(repeats)
    if counts.dim() != 1 or counts.dtype is not D.int64:
        raise RuntimeError("repeats has to be a 1D tensor of int64 counts")
    if counts.shape[0] != x.shape[dim]:
        raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                           f"{counts.shape[0]} and input.size({dim}) = {x.shape[dim]}")
    values = counts.tolist()
    if any(c < 0 for c in values):
        raise RuntimeError("repeats can not be negative")
    index = tensor([i for i, c in enumerate(values) for _ in range(c)], dtype=D.int64)
    return x.index_select(dim, index)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Whether each element is among test_elements (bool, elements' shape)."""
    from ._creation import tensor

    x = _operand(elements)
    test = _operand(test_elements).reshape(-1)
    flat = x.reshape(-1)
    # Compared in blocks of rows, so that memory stays bounded (about 16M comparisons at once).
    block = builtins.max(1, (1 << 24) // builtins.max(test.shape[0], 1))
    pieces = [(flat[start:start + block].unsqueeze(1) == test.unsqueeze(0)).any(1)
              for start in range(0, flat.shape[0], block)]
    from . import cat

    found = cat(pieces) if pieces else tensor([], dtype=D.bool_)
    found = found.reshape(x.shape)
    return ~found if invert else found


def masked_scatter(input, mask, source):  # noqa: A002
    """A copy of input with source's leading elements written, in order, where mask is true."""
    x = _operand(input)
    from . import broadcast_tensors

    x, mask = broadcast_tensors(x, _operand(mask))
    if mask.dtype is not D.bool_:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype {mask.dtype}")
    count = int(mask.sum())
    values = _operand(source).reshape(-1)
    if values.numel() < count:
        raise RuntimeError("masked_scatter: expected source to have at least as many elements as ones in mask "
                           f"({values.numel()} < {count})")
    out = x.clone()
    out[mask] = values[:count].to(x.dtype)
    return out


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):  # noqa: A002
    """For each value, how many elements of the (innermost, ascending) sorted
    sequence are below it (at most it, with right=True): its insertion index.
    Counted in blocks of values, so memory stays bounded."""
    from . import cat

    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    boundaries = _operand(sorted_sequence)
    if sorter is not None:
        boundaries = boundaries.gather(-1, _operand(sorter))
    scalar = not isinstance(input, Tensor)
    values = _operand(input)
    if boundaries.dim() > 1 and (values.dim() != boundaries.dim() or values.shape[:-1] != boundaries.shape[:-1]):
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of "
                           "boundaries tensor and input value tensor must match")
    if boundaries.dim() == 1:
        flat = values.reshape(-1)
        block = builtins.max(1, (1 << 24) // builtins.max(boundaries.shape[0], 1))
        pieces = [((boundaries <= part.unsqueeze(-1)) if right else (boundaries < part.unsqueeze(-1))).sum(-1)
                  for part in (flat[i:i + block] for i in range(0, flat.shape[0], block))]
        counts = cat(pieces) if pieces else flat.new_zeros((0,), dtype=D.int64)
        result = counts.reshape(values.shape)
    else:
        below = (boundaries.unsqueeze(-2) <= values.unsqueeze(-1)) if right else (boundaries.unsqueeze(-2) < values.unsqueeze(-1))
        result = below.sum(-1)
    if out_int32:
        result = result.to(D.int32)
    return result.reshape(()) if scalar else result


def bucketize(input, boundaries, *, out_int32=False, right=False):  # noqa: A002
    """The bucket of each value among 1-D ascending boundaries (torch.bucketize:
    right=True puts a value equal to a boundary in the next bucket)."""
    edges = _operand(boundaries)
    if edges.dim() != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({edges.dim()})")
    return searchsorted(edges, input, out_int32=out_int32, right=right)


def where_nonzero(condition):
    """torch.where(condition): the indices of the true elements, one tensor per dim."""
    return _operand(condition).nonzero(as_tuple=True)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):  # noqa: A002
    """Matrices whose offset diagonal (in dims dim1, dim2) holds input's last dim."""
    from ._creation import zeros

    x = _operand(input)
    n = x.shape[-1] if x.dim() else 1
    size = n + builtins.abs(offset)
    # A 0/1 matrix mapping each element to its place in the flattened matrix.
    place = zeros(n, size * size, dtype=x.dtype)
    for i in range(n):
        row, col = (i, i + offset) if offset >= 0 else (i - offset, i)
        place[i, row * size + col] = 1
    result = x.matmul(place).reshape(*x.shape[:-1], size, size)
    rank = result.dim()
    d1, d2 = dim1 % rank, dim2 % rank
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return result.movedim((rank - 2, rank - 1), (d1, d2))


# ----------------------------------------------------------------- reductions

def _returns(name, values, indices):
    from ._tensor import _RETURN_TYPES, _ReturnType

    if name not in _RETURN_TYPES:
        _RETURN_TYPES[name] = type(name, (_ReturnType,), {"_name": name, "__slots__": ()})
    return _RETURN_TYPES[name](values, indices)


def _nan_filled(x, value):
    from . import where

    return where(x.isnan(), D.full_like_scalar(x, value), x)


def nansum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """The sum treating NaN as zero."""
    x = _operand(input)
    x = _nan_filled(x, 0.0) if x.is_floating_point() else x
    result = x.sum() if dim is None else x.sum(dim, keepdim=keepdim)
    return result if dtype is None else result.to(dtype)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """The mean of the non-NaN elements (NaN where there are none)."""
    x = _operand(input)
    if not x.is_floating_point():
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got {x.dtype.name.capitalize()}")
    present = (~x.isnan()).to(x.dtype)
    total = nansum(x, dim, keepdim)
    count = present.sum() if dim is None else present.sum(dim, keepdim=keepdim)
    result = total / count
    return result if dtype is None else result.to(dtype)


def var_mean(input, dim=None, *, correction=1, keepdim=False, unbiased=None):  # noqa: A002
    """(var, mean) over dim."""
    x = _operand(input)
    if unbiased is not None:
        correction = 1 if unbiased else 0
    if dim is None:
        return x.var(correction=correction), x.mean()
    return x.var(dim, correction=correction, keepdim=keepdim), x.mean(dim, keepdim=keepdim)


def std_mean(input, dim=None, *, correction=1, keepdim=False, unbiased=None):  # noqa: A002
    """(std, mean) over dim."""
    variance, mean = var_mean(input, dim, correction=correction, keepdim=keepdim, unbiased=unbiased)
    return variance.sqrt(), mean


def aminmax(input, *, dim=None, keepdim=False):  # noqa: A002
    """(min, max) over dim, or over everything."""
    from collections import namedtuple

    x = _operand(input)
    result = namedtuple("aminmax", ["min", "max"])
    if dim is None:
        low, high = x.amin(), x.amax()
        if keepdim:
            low, high = low.reshape([1] * x.dim()), high.reshape([1] * x.dim())
        return result(low, high)
    return result(x.amin(dim, keepdim=keepdim), x.amax(dim, keepdim=keepdim))


def _cumulative_extreme(name, input, dim, better):  # noqa: A002
    """cummax / cummin: a scan along dim; a later equal value takes the index (torch's)."""
    from . import stack

    x = _operand(input)
    if x.dim() == 0:
        from ._creation import zeros

        return _returns(name, x.clone(), zeros((), dtype=D.int64))
    dim %= x.dim()
    n = x.shape[dim]
    if n == 0:
        return _returns(name, x.clone(), x.new_zeros(x.shape, dtype=D.int64))
    from . import where

    best = x.select(dim, 0)
    best_index = best.new_zeros(best.shape, dtype=D.int64)
    values, indices = [best], [best_index]
    for i in range(1, n):
        current = x.select(dim, i)
        take = better(current, best) | current.isnan() if x.is_floating_point() else better(current, best)
        if x.is_floating_point():
            take = take & ~best.isnan()  # a NaN, once reached, stays
        best = where(take, current, best)
        best_index = where(take, best_index.new_full(best_index.shape, i), best_index)
        values.append(best)
        indices.append(best_index)
    return _returns(name, stack(values, dim), stack(indices, dim))


def cummax(input, dim):  # noqa: A002
    return _cumulative_extreme("cummax", input, dim, lambda a, b: a >= b)


def cummin(input, dim):  # noqa: A002
    return _cumulative_extreme("cummin", input, dim, lambda a, b: a <= b)


def logcumsumexp(input, dim):  # noqa: A002
    """log(cumsum(exp(x))) along dim, as torch's scan of logaddexp (stable)."""
    from . import logaddexp, stack

    x = _operand(input)
    if x.dim() == 0:
        return x.clone()
    dim %= x.dim()
    if x.shape[dim] == 0:
        return x.clone()
    running = x.select(dim, 0)
    pieces = [running]
    for i in range(1, x.shape[dim]):
        running = logaddexp(running, x.select(dim, i))
        pieces.append(running)
    return stack(pieces, dim)


def _order_statistic(x, dim, position, keepdim):
    """The element at `position` (a tensor of positions, or an int) of the
    stable sort along dim, and its index in x."""
    values, order = x.sort(dim=dim)
    if isinstance(position, int):
        index = order.narrow(dim, position, 1)
    else:
        index = order.gather(dim, position.unsqueeze(dim))
    chosen = x.gather(dim, index)
    if not keepdim:
        chosen, index = chosen.squeeze(dim), index.squeeze(dim)
    return chosen, index


def median(input, dim=None, keepdim=False):  # noqa: A002
    """The lower median (NaN if any NaN), over everything or along dim with its index."""
    x = _operand(input)
    if dim is None:
        flat = x.reshape(-1)
        if flat.numel() == 0:
            return flat.new_full((), float("nan"))
        values = flat.sort().values
        return values[(flat.numel() - 1) // 2] if not bool(flat.isnan().any()) else flat.new_full((), float("nan"))
    dim %= builtins.max(x.dim(), 1)
    if x.dim() == 0:
        return _returns("median", x.clone(), x.new_zeros((), dtype=D.int64))
    n = x.shape[dim]
    if n == 0:
        raise IndexError(f"median(): Expected reduction dim {dim} to have non-zero size.")
    values, index = _order_statistic(x, dim, (n - 1) // 2, keepdim)
    if x.is_floating_point():
        # A row with a NaN has NaN for its median, at the first NaN (sorted last).
        nan_rows = x.isnan().any(dim, keepdim=True)
        if bool(nan_rows.any()):
            first_nan = x.isnan().to(D.int64).argmax(dim, keepdim=True)
            from . import where

            nan_index = first_nan if keepdim else first_nan.squeeze(dim)
            rows = nan_rows if keepdim else nan_rows.squeeze(dim)
            values = where(rows, values.new_full(values.shape, float("nan")), values)
            index = where(rows, nan_index, index)
    return _returns("median", values, index)


def nanmedian(input, dim=None, keepdim=False):  # noqa: A002
    """The lower median of the non-NaN elements (NaN where there are none)."""
    x = _operand(input)
    if not x.is_floating_point():
        return median(x, dim, keepdim)
    if dim is None:
        kept = x.reshape(-1)[~x.reshape(-1).isnan()]
        return median(kept) if kept.numel() else x.new_full((), float("nan"))
    dim %= builtins.max(x.dim(), 1)
    count = (~x.isnan()).sum(dim, keepdim=True)
    position = ((count - 1).clamp(min=0) // 2).squeeze(dim)
    values, index = _order_statistic(x, dim, position, keepdim)  # NaN sorts last
    return _returns("nanmedian", values, index)


def kthvalue(input, k, dim=-1, keepdim=False):  # noqa: A002
    """The k-th smallest element along dim (1-based) and its index."""
    x = _operand(input)
    dim %= builtins.max(x.dim(), 1)
    n = x.shape[dim] if x.dim() else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
    if x.dim() == 0:
        return _returns("kthvalue", x.clone(), x.new_zeros((), dtype=D.int64))
    values, index = _order_statistic(x, dim, k - 1, keepdim)
    return _returns("kthvalue", values, index)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", _ignore_nan=False):  # noqa: A002
    """The q-quantiles (q a number or a 1-D tensor in [0, 1]) with torch's interpolations."""
    from ._creation import tensor
    from . import where

    x = _operand(input)
    name = "nanquantile" if _ignore_nan else "quantile"
    if not x.is_floating_point():
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
        raise ValueError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest. "
                         f"Got {interpolation}")
    scalar_q = not isinstance(q, Tensor)
    qs = tensor([float(q)], dtype=x.dtype) if scalar_q else q.to(x.dtype).reshape(-1)
    if bool(((qs < 0) | (qs > 1)).any()):
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    if dim is None:
        x, dim, out_keep = x.reshape(-1), 0, False
    else:
        out_keep = keepdim
    dim %= builtins.max(x.dim(), 1)
    sorted_x = x.sort(dim=dim).values.movedim(dim, -1)  # NaN last
    n = sorted_x.shape[-1]
    if _ignore_nan:
        valid = (~sorted_x.isnan()).sum(-1, keepdim=True).to(x.dtype)
    else:
        valid = sorted_x.new_full(sorted_x.shape[:-1] + (1,), float(n))
    ranks = qs * (valid - 1)  # (..., len(q))
    if interpolation == "lower":
        ranks = ranks.floor()
    elif interpolation == "higher":
        ranks = ranks.ceil()
    elif interpolation == "nearest":
        ranks = ranks.round()
    below = ranks.floor().clamp(min=0).to(D.int64)
    above = ranks.ceil().clamp(min=0).to(D.int64)
    low = sorted_x.gather(-1, below.clamp(max=n - 1))
    high = sorted_x.gather(-1, above.clamp(max=n - 1))
    if interpolation == "midpoint":
        result = low + 0.5 * (high - low)
    else:
        weights = ranks - below.to(x.dtype)
        result = low.lerp(high, weights) if interpolation == "linear" else low
    if _ignore_nan:
        result = where(valid == 0, result.new_full(result.shape, float("nan")), result)
    else:
        has_nan = sorted_x.isnan().any(-1, keepdim=True)
        result = where(has_nan, result.new_full(result.shape, float("nan")), result)
    result = result.movedim(-1, 0)  # q first, as torch
    if out_keep:
        result = result.unsqueeze(dim + 1)
    return result.squeeze(0) if scalar_q else result


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):  # noqa: A002
    return quantile(input, q, dim, keepdim, interpolation=interpolation, _ignore_nan=True)


def mode(input, dim=-1, keepdim=False):  # noqa: A002
    """The most frequent value along dim (the smallest among equally frequent
    ones) and the index of its last occurrence, as torch's CPU mode."""
    from ._creation import tensor

    x = _operand(input)
    if x.dim() == 0:
        return _returns("mode", x.clone(), x.new_zeros((), dtype=D.int64))
    dim %= x.dim()
    moved = x.movedim(dim, -1)
    rows = moved.reshape(-1, moved.shape[-1]).tolist()
    indices = []
    for row in rows:
        counts, last = {}, {}
        for i, v in enumerate(row):
            counts[v] = counts.get(v, 0) + 1
            last[v] = i
        best = min(counts, key=lambda v: (-counts[v], v))
        indices.append(last[best])
    index = tensor(indices, dtype=D.int64).reshape(moved.shape[:-1]).unsqueeze(-1).movedim(-1, dim)
    values = x.gather(dim, index)
    if not keepdim:
        values, index = values.squeeze(dim), index.squeeze(dim)
    return _returns("mode", values, index)


def _unique_runs(flat):
    """For a 1-D sorted (or consecutive) tensor: the run starts (bool) and run ids."""
    from . import cat
    from ._creation import ones

    if flat.numel() == 0:
        return flat.new_zeros((0,), dtype=D.bool_), flat.new_zeros((0,), dtype=D.int64)
    starts = cat([ones(1, dtype=D.bool_), flat[1:] != flat[:-1]])
    return starts, starts.to(D.int64).cumsum(0) - 1


def _slice_runs(rows):
    """For 2-D rows in order: where each run of equal rows starts (bool) and each row's run id."""
    from . import cat
    from ._creation import ones

    if rows.shape[0] == 0:
        return rows.new_zeros((0,), dtype=D.bool_), rows.new_zeros((0,), dtype=D.int64)
    differs = (rows[1:] != rows[:-1]).any(1) if rows.shape[1] else rows.new_zeros((rows.shape[0] - 1,), dtype=D.bool_)
    starts = cat([ones(1, dtype=D.bool_), differs])
    return starts, starts.to(D.int64).cumsum(0) - 1


def _unique_slices(x, dim, sort, return_inverse, return_counts, op):
    """unique / unique_consecutive along `dim`: the slices x.select(dim, i) compared whole.
    Sorted lexicographically (first element first) by stable sorts on each
    element from the last, as a radix sort does."""
    from . import arange, bincount

    if x.dim() == 0:
        raise IndexError(f"{op}: dim {dim} is out of range for a 0-d tensor")
    d = dim + x.dim() if dim < 0 else dim
    if not 0 <= d < x.dim():
        raise IndexError(f"Dimension out of range (expected to be in range of [{-x.dim()}, {x.dim() - 1}], but got {dim})")
    moved = x.movedim(d, 0)
    rows = moved.reshape(moved.shape[0], -1)
    order = arange(rows.shape[0])
    if sort:
        for column in reversed(range(rows.shape[1])):
            _, by = rows[order, column].sort(stable=True)
            order = order[by]
        rows = rows[order]
    starts, ids = _slice_runs(rows)
    values = rows[starts].reshape((-1,) + tuple(moved.shape[1:])).movedim(0, d)
    result = [values]
    if return_inverse:
        result.append(ids.new_zeros(ids.shape).scatter(0, order, ids) if ids.numel() else ids)
    if return_counts:
        result.append(bincount(ids, minlength=int(starts.sum())))
    return tuple(result) if len(result) > 1 else values


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """Each run of equal consecutive elements (of the flattened input, or
    slices along dim) once."""
    from . import bincount

    if dim is not None:
        return _unique_slices(_operand(input), dim, False, return_inverse, return_counts, "unique_consecutive")
    x = _operand(input)
    flat = x.reshape(-1)
    starts, ids = _unique_runs(flat)
    values = flat[starts]
    result = [values]
    if return_inverse:
        result.append(ids.reshape(x.shape))
    if return_counts:
        result.append(bincount(ids, minlength=values.numel()))
    return tuple(result) if len(result) > 1 else values


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """The distinct elements in ascending order, with the inverse (each
    element's position among them) and the counts when asked."""
    from . import bincount

    if dim is not None:
        return _unique_slices(_operand(input), dim, True, return_inverse, return_counts, "unique")
    x = _operand(input)
    flat = x.reshape(-1)
    ordered, order = flat.sort()
    starts, ids = _unique_runs(ordered)
    values = ordered[starts]
    result = [values]
    if return_inverse:
        inverse = ids.new_zeros(ids.shape)
        inverse = inverse.scatter(0, order, ids) if ids.numel() else inverse
        result.append(inverse.reshape(x.shape))
    if return_counts:
        result.append(bincount(ids, minlength=values.numel()))
    return tuple(result) if len(result) > 1 else values


def bincount(input, weights=None, minlength=0):  # noqa: A002
    """How often each non-negative integer occurs (summing weights if given)."""
    from ._creation import ones, zeros

    x = _operand(input)
    if x.dim() != 1 or x.is_floating_point():
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    x = x.long()
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if x.numel() and int(x.min()) < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    size = builtins.max(minlength, int(x.max()) + 1 if x.numel() else 0)
    if weights is None:
        return zeros(size, dtype=D.int64).index_add(0, x, ones(x.shape[0], dtype=D.int64))
    w = _operand(weights)
    if w.shape != x.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dtype = w.dtype if w.is_floating_point() else D.float64
    return zeros(size, dtype=dtype).index_add(0, x, w.to(dtype))


def histc(input, bins=100, min=0, max=0):  # noqa: A002
    """A histogram of bins equal bins over [min, max] (the data's range when
    both are 0); elements outside are ignored, max falls in the last bin."""
    x = _operand(input)
    if not x.is_floating_point():
        raise RuntimeError(f"\"histogram_cpu\" not implemented for '{x.dtype.name.capitalize()}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histc(): bins must be > 0, but got {bins} for bins")
    low, high = float(min), float(max)
    if low == high and x.numel():
        low, high = float(x.min()), float(x.max())
    if low == high:
        low, high = low - 1, high + 1
    if low > high:
        raise RuntimeError(f"torch.histc(): max must be larger than min, but got min {low} max {high}")
    flat = x.reshape(-1)
    inside = flat[(flat >= low) & (flat <= high)]
    # torch's linear bin search, in the input's dtype: (x - min) / (max - min) * bins, truncated.
    position = ((inside - low) / (high - low) * bins).to(D.int64).clamp(max=bins - 1)
    return bincount(position, minlength=bins).to(x.dtype)


FUNCTIONS = {
    "trace": trace, "addmm": addmm, "addmv": addmv, "baddbmm": baddbmm, "addbmm": addbmm,
    "matrix_power": matrix_power, "chain_matmul": chain_matmul, "kron": kron, "tensordot": tensordot,
    "cross": cross, "cdist": cdist, "addcmul": addcmul, "addcdiv": addcdiv, "lerp": lerp, "logit": logit,
    "nan_to_num": nan_to_num, "rot90": rot90, "diff": diff, "block_diag": block_diag, "meshgrid": meshgrid,
    "cartesian_prod": cartesian_prod, "combinations": combinations, "tril_indices": tril_indices,
    "triu_indices": triu_indices, "take": take, "take_along_dim": take_along_dim,
    "repeat_interleave": repeat_interleave, "isin": isin, "diag_embed": diag_embed,
    "nansum": nansum, "nanmean": nanmean, "var_mean": var_mean, "std_mean": std_mean, "aminmax": aminmax,
    "cummax": cummax, "cummin": cummin, "logcumsumexp": logcumsumexp, "median": median, "nanmedian": nanmedian,
    "kthvalue": kthvalue, "quantile": quantile, "nanquantile": nanquantile, "mode": mode,
    "unique_consecutive": unique_consecutive, "unique": unique, "bincount": bincount, "histc": histc,
    "masked_scatter": masked_scatter, "searchsorted": searchsorted, "bucketize": bucketize,
    "as_strided": lambda input, size, stride, storage_offset=None: _operand(input).as_strided(size, stride, storage_offset),
}

# The ones torch also has as Tensor methods (x.addmm(m1, m2) is addmm(x, m1, m2)).
METHODS = ("trace", "addmm", "addmv", "baddbmm", "addbmm", "matrix_power", "kron", "cross", "addcmul", "addcdiv",
           "lerp", "logit", "nan_to_num", "rot90", "diff", "take", "take_along_dim", "repeat_interleave", "diag_embed",
           "nansum", "nanmean", "aminmax", "cummax", "cummin", "logcumsumexp", "median", "nanmedian", "kthvalue",
           "quantile", "nanquantile", "mode", "unique_consecutive", "unique", "bincount", "histc", "masked_scatter")


def install():
    from ._tensor import _install_in_place_forms

    for name in METHODS:
        if not hasattr(Tensor, name):
            setattr(Tensor, name, FUNCTIONS[name])
    _install_in_place_forms()  # addcmul_, lerp_, masked_scatter_, ...
