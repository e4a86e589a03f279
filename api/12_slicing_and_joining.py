"""The C API: slicing and joining.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. tools/generate.py (make generate) makes include/cajal.h,
the Swift exports and the ctypes table from these declarations.
"""

section("slicing and joining")

fn("int cajal_tensor_slice(cajal_tensor x, int64_t dim, int64_t start, int64_t end, int64_t step, cajal_tensor *out)",
   """x[start:end:step] along dim, as a view; start and end are clamped to the dim
as Python does (pass INT64_MIN / INT64_MAX for an open end); step > 0.""",
   swift='newTensor(out) { try tensorArgument(x).slice(dim: Int(dim), start: Int(start), end: Int(end), step: Int(step)) }')

fn("int cajal_tensor_select(cajal_tensor x, int64_t dim, int64_t index, cajal_tensor *out)",
   "The slice at index along dim, without that dim (x[index]), as a view.",
   swift='newTensor(out) { try tensorArgument(x).select(dim: Int(dim), index: Int(index)) }')

fn("int cajal_tensor_narrow(cajal_tensor x, int64_t dim, int64_t start, int64_t length, cajal_tensor *out)",
   "length elements from start along dim, as a view.",
   swift='newTensor(out) { try tensorArgument(x).narrow(dim: Int(dim), start: Int(start), length: Int(length)) }')

fn("int cajal_tensor_diagonal(cajal_tensor x, int64_t offset, int64_t dim1, int64_t dim2, cajal_tensor *out)",
   "The diagonal of dims dim1 and dim2, shifted by offset, as the last dim of a view.",
   swift='newTensor(out) { try tensorArgument(x).diagonal(offset: Int(offset), dim1: Int(dim1), dim2: Int(dim2)) }')

fn("int cajal_tensor_unbind(cajal_tensor x, int64_t dim, cajal_tensor *outs, size_t capacity, size_t *count)",
   "The slices along dim as views. outs has room for capacity handles; *count gets how many were written.",
   swift='status { try writeTensors(tensorArgument(x).unbind(dim: Int(dim)), outs, capacity, count) }')

fn("int cajal_tensor_split(cajal_tensor x, int64_t size, int64_t dim, cajal_tensor *outs, size_t capacity, size_t *count)",
   "Pieces of size along dim (the last may be smaller), as views, written to outs as in cajal_tensor_unbind.",
   swift='status { try writeTensors(tensorArgument(x).split(size: Int(size), dim: Int(dim)), outs, capacity, count) }')

fn("int cajal_tensor_split_sizes(cajal_tensor x, const int64_t *sizes, size_t nsizes, int64_t dim, cajal_tensor *outs, size_t capacity, size_t *count)",
   "Pieces of the given sizes (which must add up to the dim) along dim, as views.",
   swift='status { try writeTensors(tensorArgument(x).split(sizes: ints(sizes, nsizes, "sizes"), dim: Int(dim)), outs, capacity, count) }')

fn("int cajal_tensor_chunk(cajal_tensor x, int64_t chunks, int64_t dim, cajal_tensor *outs, size_t capacity, size_t *count)",
   "chunks nearly equal pieces along dim (fewer if the dim is short), as views.",
   swift='status { try writeTensors(tensorArgument(x).chunk(Int(chunks), dim: Int(dim)), outs, capacity, count) }')

fn("int cajal_tensor_cat(const cajal_tensor *tensors, size_t count, int64_t dim, cajal_tensor *out)",
   "Joins count tensors along an existing dim; dtypes promote.",
   swift='newTensor(out) { try Tensor.cat(tensorList(tensors, count), dim: Int(dim)) }')

fn("int cajal_tensor_stack(const cajal_tensor *tensors, size_t count, int64_t dim, cajal_tensor *out)",
   "Joins count tensors of one shape along a new dim.",
   swift='newTensor(out) { try Tensor.stack(tensorList(tensors, count), dim: Int(dim)) }')

fn("int cajal_tensor_flip(cajal_tensor x, const int64_t *dims, size_t ndims, cajal_tensor *out)",
   "Reverses the elements along dims (a copy).",
   swift='newTensor(out) { try tensorArgument(x).flip(ints(dims, ndims, "dims")) }')

fn("int cajal_tensor_roll(cajal_tensor x, const int64_t *shifts, size_t nshifts, const int64_t *dims, size_t ndims, cajal_tensor *out)",
   "Rotates by shifts[i] along dims[i]; with ndims 0, the flattened tensor rolls by shifts[0].",
   swift='newTensor(out) { try tensorArgument(x).roll(shifts: ints(shifts, nshifts, "shifts"), dims: ints(dims, ndims, "dims")) }')

fn("int cajal_tensor_movedim(cajal_tensor x, const int64_t *source, size_t nsource, const int64_t *destination, size_t ndestination, cajal_tensor *out)",
   "Moves dims source[i] to destination[i], the others keeping their order.",
   swift='newTensor(out) { try tensorArgument(x).movedim(ints(source, nsource, "source"), ints(destination, ndestination, "destination")) }')

fn("int cajal_tensor_flatten(cajal_tensor x, int64_t start_dim, int64_t end_dim, cajal_tensor *out)",
   "Merges dims start_dim through end_dim into one.",
   swift='newTensor(out) { try tensorArgument(x).flatten(startDim: Int(start_dim), endDim: Int(end_dim)) }')

fn("int cajal_tensor_unflatten(cajal_tensor x, int64_t dim, const int64_t *sizes, size_t nsizes, cajal_tensor *out)",
   "Splits dim into sizes (one may be -1).",
   swift='newTensor(out) { try tensorArgument(x).unflatten(dim: Int(dim), sizes: ints(sizes, nsizes, "sizes")) }')

fn("int cajal_tensor_repeat(cajal_tensor x, const int64_t *repeats, size_t nrepeats, cajal_tensor *out)",
   "Tiles x: dim i repeated repeats[i] times; extra leading repeats add dims.",
   swift='newTensor(out) { try tensorArgument(x).repeat(ints(repeats, nrepeats, "repeats")) }')

fn("int cajal_tensor_tril(cajal_tensor x, int64_t k, cajal_tensor *out)",
   "The lower triangle of the last two dims (column - row <= k); the rest zero.",
   swift='newTensor(out) { try tensorArgument(x).tril(Int(k)) }')

fn("int cajal_tensor_triu(cajal_tensor x, int64_t k, cajal_tensor *out)",
   "The upper triangle of the last two dims (column - row >= k); the rest zero.",
   swift='newTensor(out) { try tensorArgument(x).triu(Int(k)) }')

fn("int cajal_tensor_diag(cajal_tensor x, int64_t k, cajal_tensor *out)",
   "A 1-D x placed on diagonal k of a square matrix, or diagonal k of a 2-D x (a copy).",
   swift='newTensor(out) { try tensorArgument(x).diag(Int(k)) }')
