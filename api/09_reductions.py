"""The C API: reductions.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. tools/generate.py (make generate) makes include/cajal.h,
the Swift exports and the ctypes table from these declarations.
"""

section("reductions")

fn("int cajal_tensor_sum_all(cajal_tensor x, cajal_tensor *out)",
   "The sum of all elements (integers and bool sum to CAJAL_INT64).",
   swift='newTensor(out) { try tensorArgument(x).sum() }')

fn("int cajal_tensor_sum(cajal_tensor x, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out)",
   "The sum over dims[0..ndims); keepdim keeps them as size 1. ndims 0 means all dims.",
   swift='newTensor(out) { try tensorArgument(x).sum(dims: ints(dims, ndims, "dims"), keepDim: keepdim != 0) }')

fn("int cajal_tensor_mean_all(cajal_tensor x, cajal_tensor *out)",
   "The mean of all elements (floating-point tensors only).",
   swift='newTensor(out) { try tensorArgument(x).mean() }')

fn("int cajal_tensor_mean(cajal_tensor x, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out)",
   "The mean over dims[0..ndims); keepdim keeps them as size 1. ndims 0 means all dims.",
   swift='newTensor(out) { try tensorArgument(x).mean(dims: ints(dims, ndims, "dims"), keepDim: keepdim != 0) }')
