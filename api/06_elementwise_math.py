"""The C API: elementwise math. Generated files come from this; see tools/generate.py."""

section("elementwise math")

note("Binary ops broadcast their operands and promote dtypes as torch does.")

fn("int cajal_tensor_add(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a + b")

fn("int cajal_tensor_sub(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a - b (not for bool)")

fn("int cajal_tensor_mul(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a * b")

fn("int cajal_tensor_div(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a / b, true division: integers give float32")

fn("int cajal_tensor_pow(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a ** b")

fn("int cajal_tensor_neg(cajal_tensor x, cajal_tensor *out)",
   "-x (not for bool)")

fn("int cajal_tensor_exp(cajal_tensor x, cajal_tensor *out)",
   "e^x")

fn("int cajal_tensor_log(cajal_tensor x, cajal_tensor *out)",
   "natural log of x")

fn("int cajal_tensor_sqrt(cajal_tensor x, cajal_tensor *out)",
   "square root of x")

fn("int cajal_tensor_relu(cajal_tensor x, cajal_tensor *out)",
   "max(x, 0)")

fn("int cajal_tensor_sigmoid(cajal_tensor x, cajal_tensor *out)",
   "1 / (1 + e^-x)")

fn("int cajal_tensor_tanh(cajal_tensor x, cajal_tensor *out)",
   "hyperbolic tangent of x")

note("Comparisons give CAJAL_BOOL tensors and have no gradient.")

fn("int cajal_tensor_eq(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a == b")

fn("int cajal_tensor_ne(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a != b")

fn("int cajal_tensor_lt(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a < b")

fn("int cajal_tensor_le(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a <= b")

fn("int cajal_tensor_gt(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a > b")

fn("int cajal_tensor_ge(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a >= b")

fn("int cajal_tensor_where(cajal_tensor condition, cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "condition ? a : b, elementwise with broadcasting (torch.where).")
