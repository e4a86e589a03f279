"""The C API: creation.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. tools/generate.py (make generate) makes include/cajal.h,
the Swift exports and the ctypes table from these declarations.
"""

section("creation")

fn("void cajal_tensor_free(cajal_tensor tensor)",
   "Releases a tensor handle. NULL is a no-op.",
   swift='Handles.release(tensor, .tensor)')

fn("int cajal_tensor_from_data(const void *data, size_t nbytes, const int64_t *shape, size_t ndim, int32_t dtype, cajal_tensor *out)",
   """Copies nbytes of row-major dtype elements from data into a new tensor of
the given shape. nbytes must equal numel * element size.""",
   swift='newTensor(out) { try Tensor.fromBytes(data, byteCount: nbytes, shape: ints(shape, ndim), dtype: readDType(dtype, "from_data")) }')

fn("int cajal_tensor_from_blob(void *data, const int64_t *shape, const int64_t *strides, size_t ndim, int32_t dtype, cajal_release_fn release, void *context, cajal_tensor *out)",
   """Wraps memory owned by the caller without copying. strides are in elements
and must not be negative. release(context) is called once, when no tensor
uses the memory any more; release may be NULL.""",
   swift='''newTensor(out) {
    try Tensor.borrowing(data, shape: ints(shape, ndim), strides: ints(strides, ndim, "strides"),
                         dtype: readDType(dtype, "from_blob"), release: { release?(context) })
}''')

fn("int cajal_tensor_scalar(double value, int32_t dtype, cajal_tensor *out)",
   """A 0-dim tensor standing for a host number (a Python float or bool): in
type promotion it ranks below real tensors, so float32 + 1.5 stays float32.
dtype is CAJAL_FLOAT64 for a float or CAJAL_BOOL for a bool.""",
   swift='newTensor(out) { try Tensor.scalar(value, dtype: readDType(dtype, "scalar")) }')

fn("int cajal_tensor_scalar_int64(int64_t value, cajal_tensor *out)",
   "Like cajal_tensor_scalar, for an integer: an int64 0-dim tensor.",
   swift='newTensor(out) { try Tensor.scalar(value) }')

fn("int cajal_tensor_full(const int64_t *shape, size_t ndim, double value, int32_t dtype, cajal_tensor *out)",
   "A tensor of shape filled with value (truncated for CAJAL_INT64).",
   swift='newTensor(out) { try Tensor.full(ints(shape, ndim), value: value, dtype: readDType(dtype, "full")) }')

fn("int cajal_tensor_full_int64(const int64_t *shape, size_t ndim, int64_t value, int32_t dtype, cajal_tensor *out)",
   "A tensor of shape filled with an integer value, exact beyond 2^53 for CAJAL_INT64.",
   swift='newTensor(out) { try Tensor.full(ints(shape, ndim), integer: value, dtype: readDType(dtype, "full")) }')

fn("int cajal_tensor_zeros(const int64_t *shape, size_t ndim, int32_t dtype, cajal_tensor *out)",
   "A tensor of shape filled with zeros.",
   swift='newTensor(out) { try Tensor.zeros(ints(shape, ndim), dtype: readDType(dtype, "zeros")) }')

fn("int cajal_tensor_ones(const int64_t *shape, size_t ndim, int32_t dtype, cajal_tensor *out)",
   "A tensor of shape filled with ones.",
   swift='newTensor(out) { try Tensor.ones(ints(shape, ndim), dtype: readDType(dtype, "ones")) }')

fn("int cajal_tensor_arange(double start, double end, double step, int32_t dtype, cajal_tensor *out)",
   """Values start, start+step, ... below end (torch.arange). dtype -1 infers:
CAJAL_INT64 when start, end and step are whole numbers, else CAJAL_FLOAT32.""",
   swift='''newTensor(out) {
    try Tensor.arange(start: start, end: end, step: step, dtype: dtype < 0 ? nil : readDType(dtype, "arange"))
}''')

fn("int cajal_tensor_rand(const int64_t *shape, size_t ndim, int32_t dtype, cajal_generator generator, cajal_tensor *out)",
   "Uniform samples in [0, 1) from generator, or the default one when NULL (torch.rand).",
   swift='newTensor(out) { try Tensor.rand(ints(shape, ndim), dtype: readDType(dtype, "rand"), generator: try generatorOrDefault(generator)) }')

fn("int cajal_tensor_randn(const int64_t *shape, size_t ndim, int32_t dtype, cajal_generator generator, cajal_tensor *out)",
   "Standard normal samples from generator, or the default one when NULL (torch.randn).",
   swift='newTensor(out) { try Tensor.randn(ints(shape, ndim), dtype: readDType(dtype, "randn"), generator: try generatorOrDefault(generator)) }')

fn("int cajal_tensor_randint(int64_t low, int64_t high, const int64_t *shape, size_t ndim, int32_t dtype, cajal_generator generator, cajal_tensor *out)",
   "Integers drawn uniformly from [low, high), as torch.randint draws them.",
   swift='''newTensor(out) {
    try Tensor.randint(low: low, high: high, ints(shape, ndim), dtype: readDType(dtype, "randint"), generator: try generatorOrDefault(generator))
}''')

fn("int cajal_tensor_multinomial(cajal_tensor input, int64_t num_samples, int32_t replacement, cajal_generator generator, cajal_tensor *out)",
   "torch.multinomial over the rows of a 1-D or 2-D tensor of non-negative weights; int64 indices.",
   swift='''newTensor(out) {
    try tensorArgument(input, "input").multinomial(Int(num_samples), replacement: replacement != 0,
                                           generator: try generatorOrDefault(generator))
}''')

fn("int cajal_tensor_randperm(int64_t n, int32_t dtype, cajal_generator generator, cajal_tensor *out)",
   "A random permutation of 0 .. n-1, as torch.randperm draws it.",
   swift='newTensor(out) { try Tensor.randperm(Int(n), dtype: readDType(dtype, "randperm"), generator: try generatorOrDefault(generator)) }')

fn("int cajal_tensor_eye(int64_t n, int64_t m, int32_t dtype, cajal_tensor *out)",
   "An n x m matrix with ones on the diagonal.",
   swift='newTensor(out) { try Tensor.eye(Int(n), Int(m), dtype: readDType(dtype, "eye")) }')

fn("int cajal_tensor_linspace(double start, double end, int64_t steps, int32_t dtype, cajal_tensor *out)",
   "steps values from start to end inclusive, evenly spaced (torch.linspace).",
   swift='newTensor(out) { try Tensor.linspace(start: start, end: end, steps: Int(steps), dtype: readDType(dtype, "linspace")) }')
