"""The C API: elementwise math.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. tools/generate.py (make generate) makes include/cajal.h,
the Swift exports and the ctypes table from these declarations.
"""

section("elementwise math")

note("Binary ops broadcast their operands and promote dtypes as torch does.")

fn("int cajal_tensor_add(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a + b",
   swift='newTensor(out) { try tensorArgument(a, "a").add(tensorArgument(b, "b")) }')

fn("int cajal_tensor_sub(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a - b (not for bool)",
   swift='newTensor(out) { try tensorArgument(a, "a").sub(tensorArgument(b, "b")) }')

fn("int cajal_tensor_mul(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a * b",
   swift='newTensor(out) { try tensorArgument(a, "a").mul(tensorArgument(b, "b")) }')

fn("int cajal_tensor_div(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a / b, true division: integers give float32",
   swift='newTensor(out) { try tensorArgument(a, "a").div(tensorArgument(b, "b")) }')

fn("int cajal_tensor_pow(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a ** b",
   swift='newTensor(out) { try tensorArgument(a, "a").pow(tensorArgument(b, "b")) }')

fn("int cajal_tensor_neg(cajal_tensor x, cajal_tensor *out)",
   "-x (not for bool)",
   swift='newTensor(out) { try tensorArgument(x).neg() }',
   python='neg')

fn("int cajal_tensor_exp(cajal_tensor x, cajal_tensor *out)",
   "e^x",
   swift='newTensor(out) { try tensorArgument(x).exp() }',
   python='exp')

fn("int cajal_tensor_log(cajal_tensor x, cajal_tensor *out)",
   "natural log of x",
   swift='newTensor(out) { try tensorArgument(x).log() }',
   python='log')

fn("int cajal_tensor_sqrt(cajal_tensor x, cajal_tensor *out)",
   "square root of x",
   swift='newTensor(out) { try tensorArgument(x).sqrt() }',
   python='sqrt')

fn("int cajal_tensor_relu(cajal_tensor x, cajal_tensor *out)",
   "max(x, 0)",
   swift='newTensor(out) { try tensorArgument(x).relu() }',
   python='relu')

fn("int cajal_tensor_sigmoid(cajal_tensor x, cajal_tensor *out)",
   "1 / (1 + e^-x)",
   swift='newTensor(out) { try tensorArgument(x).sigmoid() }',
   python='sigmoid')

fn("int cajal_tensor_tanh(cajal_tensor x, cajal_tensor *out)",
   "hyperbolic tangent of x",
   swift='newTensor(out) { try tensorArgument(x).tanh() }',
   python='tanh')

note("Comparisons give CAJAL_BOOL tensors and have no gradient.")

fn("int cajal_tensor_eq(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a == b",
   swift='newTensor(out) { try tensorArgument(a, "a").eq(tensorArgument(b, "b")) }')

fn("int cajal_tensor_ne(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a != b",
   swift='newTensor(out) { try tensorArgument(a, "a").ne(tensorArgument(b, "b")) }')

fn("int cajal_tensor_lt(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a < b",
   swift='newTensor(out) { try tensorArgument(a, "a").lt(tensorArgument(b, "b")) }')

fn("int cajal_tensor_le(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a <= b",
   swift='newTensor(out) { try tensorArgument(a, "a").le(tensorArgument(b, "b")) }')

fn("int cajal_tensor_gt(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a > b",
   swift='newTensor(out) { try tensorArgument(a, "a").gt(tensorArgument(b, "b")) }')

fn("int cajal_tensor_ge(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a >= b",
   swift='newTensor(out) { try tensorArgument(a, "a").ge(tensorArgument(b, "b")) }')

fn("int cajal_tensor_where(cajal_tensor condition, cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "condition ? a : b, elementwise with broadcasting (torch.where).",
   swift='newTensor(out) { try Tensor.where(tensorArgument(condition, "condition"), tensorArgument(a, "a"), tensorArgument(b, "b")) }')
