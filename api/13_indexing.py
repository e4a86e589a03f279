"""The C API: indexing.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. tools/generate.py (make generate) makes include/cajal.h,
the Swift exports and the ctypes table from these declarations.
"""

section("indexing")

fn("int cajal_tensor_getitem(cajal_tensor x, const int64_t *items, size_t nitems, const cajal_tensor *tensors, size_t ntensors, cajal_tensor *out)",
   """x[items], Python's indexing: items holds nitems quadruples (kind, a, b, c) of int64:
  kind 0 an integer a;  1 a slice a:b:c (INT64_MIN for an open end);  2 None;  3 ...;
  4 the index tensor tensors[a] (int64 positions or a bool mask);  5 True or False (a);  6 a whole dim (:).
Integers, slices, None and ... give a view; index tensors give a copy.""",
   swift='newTensor(out) { try tensorArgument(x).getItem(indexItems(items, nitems, tensors, ntensors)) }', lengths={"items": ("nitems", 4)}, capture_check="tape.refuseMasks(tensors, ntensors)")

fn("int cajal_tensor_setitem(cajal_tensor x, const int64_t *items, size_t nitems, const cajal_tensor *tensors, size_t ntensors, cajal_tensor value)",
   "x[items] = value (broadcast), in place; items as in cajal_tensor_getitem.",
   swift='status { try tensorArgument(x, "self").setItem(indexItems(items, nitems, tensors, ntensors), value: tensorArgument(value, "value")) }', lengths={"items": ("nitems", 4)})

fn("int cajal_tensor_index(cajal_tensor x, const cajal_tensor *indices, size_t count, cajal_tensor *out)",
   """x[indices] with index tensors (advanced indexing): indices[i] indexes dim i, or is
NULL for the whole dim; int64 indices broadcast together, bool masks select.""",
   swift='newTensor(out) { try tensorArgument(x).index(optionalTensors(indices, count)) }', capture_check="tape.refuseMasks(indices, count)")

fn("int cajal_tensor_index_put_inplace(cajal_tensor x, const cajal_tensor *indices, size_t count, cajal_tensor values, int32_t accumulate)",
   "x[indices] = values (broadcast), in place; with accumulate, repeated indices add up.",
   swift='status { try tensorArgument(x, "self").indexPutInPlace(optionalTensors(indices, count), values: tensorArgument(values, "values"), accumulate: accumulate != 0) }')

fn("int cajal_tensor_index_select(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor *out)",
   "The elements at the int64 vector index along dim.",
   swift='newTensor(out) { try tensorArgument(x).indexSelect(dim: Int(dim), index: tensorArgument(index, "index")) }')

fn("int cajal_tensor_gather(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor *out)",
   "out[i][j] = x[i][index[i][j]] for dim 1, and alike for other dims (torch.gather).",
   swift='newTensor(out) { try tensorArgument(x).gather(dim: Int(dim), index: tensorArgument(index, "index")) }')

fn("int cajal_tensor_scatter(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor src, cajal_tensor *out)",
   "A copy of x with src written at the indexed positions (torch.scatter).",
   swift='newTensor(out) { try tensorArgument(x).scatter(dim: Int(dim), index: tensorArgument(index, "index"), source: tensorArgument(src, "src")) }')

fn("int cajal_tensor_scatter_value(cajal_tensor x, int64_t dim, cajal_tensor index, double value, cajal_tensor *out)",
   "A copy of x with value written at the indexed positions.",
   swift='newTensor(out) { try tensorArgument(x).scatter(dim: Int(dim), index: tensorArgument(index, "index"), value: value) }')

fn("int cajal_tensor_scatter_add(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor src, cajal_tensor *out)",
   "A copy of x with src added at the indexed positions (torch.scatter_add).",
   swift='newTensor(out) { try tensorArgument(x).scatterAdd(dim: Int(dim), index: tensorArgument(index, "index"), source: tensorArgument(src, "src")) }')

fn("int cajal_tensor_scatter_reduce_v2(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor src, cajal_scatter_reduction reduce, int32_t include_self, cajal_tensor *out)",
   """A copy of x where each indexed position combines the src elements sent to
it by reduce, with x's own value too when include_self is non-zero (torch.scatter_reduce).""",
   swift='''newTensor(out) {
    try tensorArgument(x).scatterReduce(dim: Int(dim), index: tensorArgument(index, "index"), source: tensorArgument(src, "src"),
                                        reduce: reduce, includeSelf: include_self != 0)
}''')

fn("int cajal_tensor_scatter_reduce(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor src, const char *reduce, int32_t include_self, cajal_tensor *out)",
   """Deprecated since API version 3, removed in 4: cajal_tensor_scatter_reduce_v2 with reduce "sum",
"prod", "mean", "amax" or "amin" spelled as a string.""",
   swift='''newTensor(out) {
    guard let reduce else { throw CajalError(.nullArgument, "reduce is NULL") }
    return try tensorArgument(x).scatterReduce(dim: Int(dim), index: tensorArgument(index, "index"), source: tensorArgument(src, "src"),
                                       reduce: String(cString: reduce), includeSelf: include_self != 0)
}''')

fn("int cajal_tensor_index_add(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor source, double alpha, cajal_tensor *out)",
   """A copy of x with alpha * source's slices along dim added at the positions
the 1-D int64 index names (torch.index_add).""",
   swift='newTensor(out) { try tensorArgument(x).indexAdd(dim: Int(dim), index: tensorArgument(index, "index"), source: tensorArgument(source, "source"), alpha: alpha) }')

fn("int cajal_tensor_masked_fill(cajal_tensor x, cajal_tensor mask, cajal_tensor value, cajal_tensor *out)",
   "A copy of x with the 0-dim value where the bool mask is true; x keeps its dtype.",
   swift='newTensor(out) { try tensorArgument(x).maskedFill(tensorArgument(mask, "mask"), value: tensorArgument(value, "value")) }')

fn("int cajal_tensor_masked_select(cajal_tensor x, cajal_tensor mask, cajal_tensor *out)",
   "The elements where the bool mask (broadcast with x) is true, as a vector.",
   swift='newTensor(out) { try tensorArgument(x).maskedSelect(tensorArgument(mask, "mask")) }', capture="data")

fn("int cajal_tensor_nonzero(cajal_tensor x, cajal_tensor *out)",
   "The coordinates of the nonzero elements: an int64 (count x ndim) tensor.",
   swift='newTensor(out) { try tensorArgument(x).nonzero() }', capture="data")

fn("int cajal_tensor_one_hot(cajal_tensor x, int64_t num_classes, cajal_tensor *out)",
   "int64 class indices as one-hot rows in a new last dim; num_classes -1 infers max + 1.",
   swift='newTensor(out) { try Tensor.oneHot(tensorArgument(x), numClasses: Int(num_classes)) }')
