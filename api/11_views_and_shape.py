"""The C API: views and shape.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. tools/generate.py (make generate) makes include/cajal.h,
the Swift exports and the ctypes table from these declarations.
"""

section("views and shape")

note("Views share memory with their input; writes through one show in the other.")

fn("int cajal_tensor_reshape(cajal_tensor x, const int64_t *shape, size_t ndim, cajal_tensor *out)",
   """A view (or, when the strides do not allow one, a copy) with a new shape;
one size may be -1.""",
   swift='newTensor(out) { try tensorArgument(x).reshape(ints(shape, ndim)) }')

fn("int cajal_tensor_view(cajal_tensor x, const int64_t *shape, size_t ndim, cajal_tensor *out)",
   "A view with a new shape; fails when the strides do not allow one.",
   swift='newTensor(out) { try tensorArgument(x).view(ints(shape, ndim)) }')

fn("int cajal_tensor_transpose(cajal_tensor x, int64_t dim0, int64_t dim1, cajal_tensor *out)",
   "Swaps two dims.",
   swift='newTensor(out) { try tensorArgument(x).transpose(Int(dim0), Int(dim1)) }')

fn("int cajal_tensor_t(cajal_tensor x, cajal_tensor *out)",
   "The transpose of a tensor of at most 2 dims.",
   swift='newTensor(out) { try tensorArgument(x).t() }',
   python='t')

fn("int cajal_tensor_permute(cajal_tensor x, const int64_t *dims, size_t ndims, cajal_tensor *out)",
   "Reorders the dims: output dim i is input dim dims[i].",
   swift='newTensor(out) { try tensorArgument(x).permute(ints(dims, ndims, "dims")) }')

fn("int cajal_tensor_expand(cajal_tensor x, const int64_t *shape, size_t ndim, cajal_tensor *out)",
   "Broadcasts size-1 dims to shape without copying; -1 keeps a size.",
   swift='newTensor(out) { try tensorArgument(x).expand(ints(shape, ndim)) }')

fn("int cajal_tensor_as_strided(cajal_tensor x, const int64_t *size, const int64_t *stride, size_t ndim, int64_t storage_offset, cajal_tensor *out)",
   """torch.as_strided: a view of x's storage with these sizes and strides (in elements), starting at
storage_offset (x's own offset when negative). Windows may overlap; their gradients add up.""",
   swift='newTensor(out) { try tensorArgument(x).asStrided(size: ints(size, ndim, "size"), strides: ints(stride, ndim, "stride"), storageOffset: storage_offset < 0 ? nil : Int(storage_offset)) }')

fn("int cajal_tensor_squeeze(cajal_tensor x, cajal_tensor *out)",
   "Removes every size-1 dim.",
   swift='newTensor(out) { try tensorArgument(x).squeeze() }')

fn("int cajal_tensor_squeeze_dim(cajal_tensor x, int64_t dim, cajal_tensor *out)",
   "Removes dim if its size is 1.",
   swift='newTensor(out) { try tensorArgument(x).squeeze(dim: Int(dim)) }')

fn("int cajal_tensor_unsqueeze(cajal_tensor x, int64_t dim, cajal_tensor *out)",
   "Inserts a size-1 dim at dim.",
   swift='newTensor(out) { try tensorArgument(x).unsqueeze(dim: Int(dim)) }')

fn("int cajal_tensor_contiguous(cajal_tensor x, cajal_tensor *out)",
   "The tensor itself (a new handle) when contiguous, else a contiguous copy.",
   swift='newTensor(out) { try tensorArgument(x).contiguous() }')

fn("int cajal_tensor_clone(cajal_tensor x, cajal_tensor *out)",
   "A contiguous copy that keeps the autograd history.",
   swift='newTensor(out) { try tensorArgument(x).clone() }',
   python='clone')

fn("int cajal_tensor_to_dtype(cajal_tensor x, int32_t dtype, cajal_tensor *out)",
   "A copy converted to dtype (the tensor itself when the dtype already matches).",
   swift='newTensor(out) { try tensorArgument(x).to(readDType(dtype, "to")) }')
