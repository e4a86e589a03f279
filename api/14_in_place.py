"""The C API: in-place.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. tools/generate.py (make generate) makes include/cajal.h,
the Swift exports and the ctypes table from these declarations.
"""

section("in-place")

note("""In-place ops write into the tensor's memory. other is broadcast to its shape.
They fail on a leaf that requires grad while grad mode is on.""")

fn("int cajal_tensor_add_inplace(cajal_tensor tensor, cajal_tensor other)",
   "tensor += other",
   swift='status { try tensorArgument(tensor, "self").addInPlace(tensorArgument(other, "other")) }')

fn("int cajal_tensor_sub_inplace(cajal_tensor tensor, cajal_tensor other)",
   "tensor -= other",
   swift='status { try tensorArgument(tensor, "self").subInPlace(tensorArgument(other, "other")) }')

fn("int cajal_tensor_add_scaled_inplace(cajal_tensor tensor, cajal_tensor other, double alpha)",
   "tensor += alpha other",
   swift='status { try tensorArgument(tensor, "self").addInPlace(tensorArgument(other, "other"), alpha: alpha) }')

fn("int cajal_tensor_sub_scaled_inplace(cajal_tensor tensor, cajal_tensor other, double alpha)",
   "tensor -= alpha other",
   swift='status { try tensorArgument(tensor, "self").subInPlace(tensorArgument(other, "other"), alpha: alpha) }')

fn("int cajal_tensor_mul_inplace(cajal_tensor tensor, cajal_tensor other)",
   "tensor *= other",
   swift='status { try tensorArgument(tensor, "self").mulInPlace(tensorArgument(other, "other")) }')

fn("int cajal_tensor_div_inplace(cajal_tensor tensor, cajal_tensor other)",
   "tensor /= other",
   swift='status { try tensorArgument(tensor, "self").divInPlace(tensorArgument(other, "other")) }')

fn("int cajal_tensor_copy_inplace(cajal_tensor tensor, cajal_tensor src)",
   "Copies src (broadcast to the tensor's shape, converted to its dtype) into it.",
   swift='status { try tensorArgument(tensor, "self").copyInPlace(tensorArgument(src, "src")) }')

fn("int cajal_tensor_clamp_inplace(cajal_tensor tensor, cajal_tensor low, cajal_tensor high)",
   "Limits the values to [low, high] in place; either bound may be NULL (not both).",
   swift='status { try tensorArgument(tensor, "self").clampInPlace(min: low.map { try tensorArgument($0, "min") }, max: high.map { try tensorArgument($0, "max") }) }')

fn("int cajal_tensor_masked_fill_inplace(cajal_tensor tensor, cajal_tensor mask, cajal_tensor value)",
   "Sets the 0-dim value where the bool mask is true, in place.",
   swift='status { try tensorArgument(tensor, "self").maskedFillInPlace(tensorArgument(mask, "mask"), value: tensorArgument(value, "value")) }')

fn("int cajal_tensor_normal_inplace(cajal_tensor tensor, double mean, double std, cajal_generator generator)",
   "Fills with normal samples (torch's draw order) from generator, or the default one when NULL.",
   swift='status { try tensorArgument(tensor, "self").normalInPlace(mean: mean, std: std, generator: generatorOrDefault(generator)) }')

fn("int cajal_tensor_uniform_inplace(cajal_tensor tensor, double low, double high, cajal_generator generator)",
   "Fills with uniform samples in [low, high) from generator, or the default one when NULL.",
   swift='status { try tensorArgument(tensor, "self").uniformInPlace(low: low, high: high, generator: generatorOrDefault(generator)) }')

fn("int cajal_tensor_fill_inplace(cajal_tensor tensor, double value)",
   "Sets every element to value.",
   swift='status { try tensorArgument(tensor, "self").fillInPlace(value) }')

fn("int cajal_tensor_scatter_add_inplace(cajal_tensor tensor, int64_t dim, cajal_tensor index, cajal_tensor src)",
   "Adds src at the indexed positions of the tensor (Tensor.scatter_add_).",
   swift='''status {
    try tensorArgument(tensor, "self").scatterAddInPlace(dim: Int(dim), index: tensorArgument(index, "index"),
                                                         source: tensorArgument(src, "src"))
}''')

fn("int cajal_tensor_scatter_reduce_inplace(cajal_tensor tensor, int64_t dim, cajal_tensor index, cajal_tensor src, cajal_scatter_reduction reduce, int32_t include_self)",
   "Combines src into the indexed positions of the tensor by reduce (Tensor.scatter_reduce_).",
   swift='''status {
    try tensorArgument(tensor, "self").scatterReduceInPlace(dim: Int(dim), index: tensorArgument(index, "index"),
                                                            source: tensorArgument(src, "src"), reduce: reduce, includeSelf: include_self != 0)
}''')

fn("int cajal_tensor_index_add_inplace(cajal_tensor tensor, int64_t dim, cajal_tensor index, cajal_tensor source, double alpha)",
   "Adds alpha * source's slices along dim at the positions index names (Tensor.index_add_).",
   swift='''status {
    try tensorArgument(tensor, "self").indexAddInPlace(dim: Int(dim), index: tensorArgument(index, "index"),
                                                       source: tensorArgument(source, "source"), alpha: alpha)
}''')

fn("int cajal_tensor_assign_inplace(cajal_tensor tensor, cajal_tensor result, const char *op)",
   """Makes result, computed out of place, the tensor's value and history: the
in-place form op (e.g. "exp_") of any op. When the graph is recorded, compute
result from a clone of the tensor, so that what it saved is not the memory
overwritten here. result must have the tensor's shape and a dtype it can take.""",
   swift='status { try tensorArgument(tensor, "self").assignResultInPlace(tensorArgument(result, "result"), op: stringArgument(op, "op")) }')
