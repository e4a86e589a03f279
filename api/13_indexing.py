"""The C API: indexing. Generated files come from this; see tools/generate.py."""

section("indexing")

fn("int cajal_tensor_getitem(cajal_tensor x, const int64_t *items, size_t nitems, const cajal_tensor *tensors, size_t ntensors, cajal_tensor *out)",
   """x[items], Python's indexing: items holds nitems quadruples (kind, a, b, c) of int64:
  kind 0 an integer a;  1 a slice a:b:c (INT64_MIN for an open end);  2 None;  3 ...;
  4 the index tensor tensors[a] (int64 positions or a bool mask);  5 True or False (a);  6 a whole dim (:).
Integers, slices, None and ... give a view; index tensors give a copy.""")

fn("int cajal_tensor_setitem(cajal_tensor x, const int64_t *items, size_t nitems, const cajal_tensor *tensors, size_t ntensors, cajal_tensor value)",
   "x[items] = value (broadcast), in place; items as in cajal_tensor_getitem.")

fn("int cajal_tensor_index(cajal_tensor x, const cajal_tensor *indices, size_t count, cajal_tensor *out)",
   """x[indices] with index tensors (advanced indexing): indices[i] indexes dim i, or is
NULL for the whole dim; int64 indices broadcast together, bool masks select.""")

fn("int cajal_tensor_index_put_inplace(cajal_tensor x, const cajal_tensor *indices, size_t count, cajal_tensor values, int32_t accumulate)",
   "x[indices] = values (broadcast), in place; with accumulate, repeated indices add up.")

fn("int cajal_tensor_index_select(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor *out)",
   "The elements at the int64 vector index along dim.")

fn("int cajal_tensor_gather(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor *out)",
   "out[i][j] = x[i][index[i][j]] for dim 1, and alike for other dims (torch.gather).")

fn("int cajal_tensor_scatter(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor src, cajal_tensor *out)",
   "A copy of x with src written at the indexed positions (torch.scatter).")

fn("int cajal_tensor_scatter_value(cajal_tensor x, int64_t dim, cajal_tensor index, double value, cajal_tensor *out)",
   "A copy of x with value written at the indexed positions.")

fn("int cajal_tensor_scatter_add(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor src, cajal_tensor *out)",
   "A copy of x with src added at the indexed positions (torch.scatter_add).")

fn("int cajal_tensor_scatter_reduce(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor src, const char *reduce, int32_t include_self, cajal_tensor *out)",
   """A copy of x where each indexed position combines the src elements sent to
it by reduce ("sum", "mean", "amax" or "amin"), with x's own value too
when include_self is non-zero (torch.scatter_reduce).""")

fn("int cajal_tensor_index_add(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor source, double alpha, cajal_tensor *out)",
   """A copy of x with alpha * source's slices along dim added at the positions
the 1-D int64 index names (torch.index_add).""")

fn("int cajal_tensor_masked_fill(cajal_tensor x, cajal_tensor mask, cajal_tensor value, cajal_tensor *out)",
   "A copy of x with the 0-dim value where the bool mask is true; x keeps its dtype.")

fn("int cajal_tensor_masked_select(cajal_tensor x, cajal_tensor mask, cajal_tensor *out)",
   "The elements where the bool mask (broadcast with x) is true, as a vector.")

fn("int cajal_tensor_nonzero(cajal_tensor x, cajal_tensor *out)",
   "The coordinates of the nonzero elements: an int64 (count x ndim) tensor.")

fn("int cajal_tensor_one_hot(cajal_tensor x, int64_t num_classes, cajal_tensor *out)",
   "int64 class indices as one-hot rows in a new last dim; num_classes -1 infers max + 1.")
