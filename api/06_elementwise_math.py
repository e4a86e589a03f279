"""The C API: elementwise math.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. unary(name, doc, grad=...) declares an elementwise unary
op in one line: cajal_tensor_<name>, Tensor.<name>, torch.<name>, and its
rows in the reference-test tables (grad: the inputs of its gradient check). tools/generate.py (make generate) makes include/cajal.h,
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

fn("int cajal_tensor_add_scaled(cajal_tensor a, cajal_tensor b, double alpha, cajal_tensor *out)",
   "a + alpha b (torch.add's alpha; whole for integer results)",
   swift='newTensor(out) { try tensorArgument(a, "a").add(tensorArgument(b, "b"), alpha: alpha) }')

fn("int cajal_tensor_sub_scaled(cajal_tensor a, cajal_tensor b, double alpha, cajal_tensor *out)",
   "a - alpha b (torch.sub's alpha; whole for integer results)",
   swift='newTensor(out) { try tensorArgument(a, "a").sub(tensorArgument(b, "b"), alpha: alpha) }')

fn("int cajal_tensor_mul(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a * b",
   swift='newTensor(out) { try tensorArgument(a, "a").mul(tensorArgument(b, "b")) }')

fn("int cajal_tensor_div(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a / b, true division: integers give float32",
   swift='newTensor(out) { try tensorArgument(a, "a").div(tensorArgument(b, "b")) }')

fn("int cajal_tensor_pow(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a ** b",
   swift='newTensor(out) { try tensorArgument(a, "a").pow(tensorArgument(b, "b")) }')

unary("neg", "-x (not for bool)", grad='any')

unary("exp", "e^x", grad='any')

unary("log", "natural log of x", grad='positive')

unary("sqrt", "square root of x", grad='positive')

unary("relu", "max(x, 0)", grad='away_from_zero')

unary("sigmoid", "1 / (1 + e^-x)", grad='any')

unary("tanh", "hyperbolic tangent of x", grad='any')

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
