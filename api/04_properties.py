"""The C API: properties.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. tools/generate.py (make generate) makes include/cajal.h,
the Swift exports and the ctypes table from these declarations.
"""

section("properties")

fn("int cajal_tensor_ndim(cajal_tensor tensor, size_t *out)",
   "The number of dims.",
   swift='writeResult(out) { try tensorArgument(tensor).rank }', capture="query")

fn("int cajal_tensor_shape(cajal_tensor tensor, int64_t *out, size_t capacity)",
   "Writes the ndim sizes to out; capacity is out's length and must be >= ndim.",
   swift='status { try write(tensorArgument(tensor).shape, to: out, capacity: capacity) }', capture="query")

fn("int cajal_tensor_strides(cajal_tensor tensor, int64_t *out, size_t capacity)",
   "Writes the ndim strides (in elements) to out; capacity must be >= ndim.",
   swift='status { try write(tensorArgument(tensor).strides, to: out, capacity: capacity) }', capture="query")

fn("int cajal_tensor_numel(cajal_tensor tensor, size_t *out)",
   "The number of elements.",
   swift='writeResult(out) { try tensorArgument(tensor).count }', capture="query")

fn("int cajal_tensor_dtype(cajal_tensor tensor, int32_t *out)",
   "The dtype, one of CAJAL_FLOAT32 ... CAJAL_BFLOAT16.",
   swift='writeResult(out) { try tensorArgument(tensor).dtype.rawValue }', capture="query")

fn("int cajal_tensor_data_ptr(cajal_tensor tensor, void **out)",
   """The address of the first element. Read it with cajal_tensor_strides; it
stays valid while any tensor sharing the memory is alive.""",
   swift='writeResult(out) { try tensorArgument(tensor).dataPointer }', capture="data")

fn("int cajal_tensor_is_contiguous(cajal_tensor tensor, int32_t *out)",
   "Whether the elements are laid out row-major without gaps: 1 or 0.",
   swift='writeResult(out) { try tensorArgument(tensor).isContiguous ? 1 : 0 }', capture="query")

fn("int cajal_tensor_copy_to(cajal_tensor tensor, void *dst, size_t nbytes)",
   """Copies the elements in row-major order to dst; nbytes must equal
numel * element size.""",
   swift='status { try tensorArgument(tensor).copyBytes(to: dst, byteCount: nbytes) }', capture="data")

fn("int cajal_tensor_item(cajal_tensor tensor, double *out)",
   "The value of a one-element tensor as a double.",
   swift='writeResult(out) { try tensorArgument(tensor).item() }', capture="data")

fn("int cajal_tensor_item_int64(cajal_tensor tensor, int64_t *out)",
   "The value of a one-element tensor as an int64 (exact for CAJAL_INT64).",
   swift='writeResult(out) { try tensorArgument(tensor).itemInt64() }', capture="data")
