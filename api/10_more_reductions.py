"""The C API: more reductions.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. tools/generate.py (make generate) makes include/cajal.h,
the Swift exports and the ctypes table from these declarations.
"""

section("more reductions")

fn("int cajal_tensor_prod_all(cajal_tensor x, cajal_tensor *out)",
   "The product of all elements (integers and bool give int64).",
   swift='newTensor(out) { try tensorArgument(x).prod() }')

fn("int cajal_tensor_prod(cajal_tensor x, int64_t dim, int32_t keepdim, cajal_tensor *out)",
   "The product along dim; keepdim keeps it as size 1.",
   swift='newTensor(out) { try tensorArgument(x).prod(dim: Int(dim), keepDim: keepdim != 0) }')

fn("int cajal_tensor_max_all(cajal_tensor x, cajal_tensor *out)",
   "The largest element (NaN if any).",
   swift='newTensor(out) { try tensorArgument(x).max() }')

fn("int cajal_tensor_min_all(cajal_tensor x, cajal_tensor *out)",
   "The smallest element (NaN if any).",
   swift='newTensor(out) { try tensorArgument(x).min() }')

fn("int cajal_tensor_max_dim(cajal_tensor x, int64_t dim, int32_t keepdim, cajal_tensor *values, cajal_tensor *indices)",
   "The max along dim and the first index (int64) where it occurs.",
   swift='pair(values, indices) { try tensorArgument(x).max(dim: Int(dim), keepDim: keepdim != 0) }')

fn("int cajal_tensor_min_dim(cajal_tensor x, int64_t dim, int32_t keepdim, cajal_tensor *values, cajal_tensor *indices)",
   "The min along dim and the first index (int64) where it occurs.",
   swift='pair(values, indices) { try tensorArgument(x).min(dim: Int(dim), keepDim: keepdim != 0) }')

fn("int cajal_tensor_argmax(cajal_tensor x, int64_t dim, int32_t flatten, int32_t keepdim, cajal_tensor *out)",
   "The index of the max along dim, or of the flattened tensor when flatten is non-zero.",
   swift='newTensor(out) { try tensorArgument(x).argmax(dim: flatten != 0 ? nil : Int(dim), keepDim: keepdim != 0) }')

fn("int cajal_tensor_argmin(cajal_tensor x, int64_t dim, int32_t flatten, int32_t keepdim, cajal_tensor *out)",
   "The index of the min along dim, or of the flattened tensor when flatten is non-zero.",
   swift='newTensor(out) { try tensorArgument(x).argmin(dim: flatten != 0 ? nil : Int(dim), keepDim: keepdim != 0) }')

fn("int cajal_tensor_amax(cajal_tensor x, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out)",
   "The max over dims (all when ndims is 0).",
   swift='newTensor(out) { try tensorArgument(x).amax(dims: ints(dims, ndims, "dims"), keepDim: keepdim != 0) }')

fn("int cajal_tensor_amin(cajal_tensor x, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out)",
   "The min over dims (all when ndims is 0).",
   swift='newTensor(out) { try tensorArgument(x).amin(dims: ints(dims, ndims, "dims"), keepDim: keepdim != 0) }')

fn("int cajal_tensor_all(cajal_tensor x, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out)",
   "Whether every element is nonzero, over dims (all when ndims is 0): a bool tensor.",
   swift='newTensor(out) { try tensorArgument(x).all(dims: ints(dims, ndims, "dims"), keepDim: keepdim != 0) }')

fn("int cajal_tensor_any(cajal_tensor x, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out)",
   "Whether any element is nonzero, over dims (all when ndims is 0): a bool tensor.",
   swift='newTensor(out) { try tensorArgument(x).any(dims: ints(dims, ndims, "dims"), keepDim: keepdim != 0) }')

fn("int cajal_tensor_var(cajal_tensor x, const int64_t *dims, size_t ndims, double correction, int32_t keepdim, cajal_tensor *out)",
   "The variance over dims (all when ndims is 0), dividing by N - correction.",
   swift='newTensor(out) { try tensorArgument(x).variance(dims: ints(dims, ndims, "dims"), correction: correction, keepDim: keepdim != 0) }')

fn("int cajal_tensor_std(cajal_tensor x, const int64_t *dims, size_t ndims, double correction, int32_t keepdim, cajal_tensor *out)",
   "The standard deviation over dims (all when ndims is 0), dividing by N - correction.",
   swift='newTensor(out) { try tensorArgument(x).std(dims: ints(dims, ndims, "dims"), correction: correction, keepDim: keepdim != 0) }')

fn("int cajal_tensor_norm(cajal_tensor x, double p, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out)",
   "The p-norm over dims (all when ndims is 0); p may be INFINITY, -INFINITY or 0.",
   swift='newTensor(out) { try tensorArgument(x).norm(p: p, dims: ints(dims, ndims, "dims"), keepDim: keepdim != 0) }')

fn("int cajal_tensor_logsumexp(cajal_tensor x, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out)",
   "log(sum(exp(x))) over dims, computed stably.",
   swift='newTensor(out) { try tensorArgument(x).logsumexp(dims: ints(dims, ndims, "dims"), keepDim: keepdim != 0) }')

fn("int cajal_tensor_cumsum(cajal_tensor x, int64_t dim, cajal_tensor *out)",
   "Running sums along dim (integers and bool give int64).",
   swift='newTensor(out) { try tensorArgument(x).cumsum(dim: Int(dim)) }')

fn("int cajal_tensor_cumprod(cajal_tensor x, int64_t dim, cajal_tensor *out)",
   "Running products along dim (integers and bool give int64).",
   swift='newTensor(out) { try tensorArgument(x).cumprod(dim: Int(dim)) }')

fn("int cajal_tensor_sort(cajal_tensor x, int64_t dim, int32_t descending, cajal_tensor *values, cajal_tensor *indices)",
   "A stable sort along dim (NaN ranks highest) and the int64 indices it took.",
   swift='pair(values, indices) { try tensorArgument(x).sort(dim: Int(dim), descending: descending != 0) }')

fn("int cajal_tensor_argsort(cajal_tensor x, int64_t dim, int32_t descending, cajal_tensor *out)",
   "The int64 indices that sort along dim.",
   swift='newTensor(out) { try tensorArgument(x).argsort(dim: Int(dim), descending: descending != 0) }')

fn("int cajal_tensor_topk(cajal_tensor x, int64_t k, int64_t dim, int32_t largest, cajal_tensor *values, cajal_tensor *indices)",
   "The k largest (or smallest, with largest 0) elements along dim, in order, with their indices.",
   swift='pair(values, indices) { try tensorArgument(x).topk(Int(k), dim: Int(dim), largest: largest != 0) }')
