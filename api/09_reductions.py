"""The C API: reductions. Generated files come from this; see tools/generate.py."""

section("reductions")

fn("int cajal_tensor_sum_all(cajal_tensor x, cajal_tensor *out)",
   "The sum of all elements (integers and bool sum to CAJAL_INT64).")

fn("int cajal_tensor_sum(cajal_tensor x, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out)",
   "The sum over dims[0..ndims); keepdim keeps them as size 1. ndims 0 means all dims.")

fn("int cajal_tensor_mean_all(cajal_tensor x, cajal_tensor *out)",
   "The mean of all elements (floating-point tensors only).")

fn("int cajal_tensor_mean(cajal_tensor x, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out)",
   "The mean over dims[0..ndims); keepdim keeps them as size 1. ndims 0 means all dims.")
