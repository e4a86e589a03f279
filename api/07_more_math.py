"""The C API: more math.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. tools/generate.py (make generate) makes include/cajal.h,
the Swift exports and the ctypes table from these declarations.
"""

section("more math")

fn("int cajal_tensor_abs(cajal_tensor x, cajal_tensor *out)",
   "|x|",
   swift='newTensor(out) { try tensorArgument(x).abs() }',
   python=['abs', 'absolute'])

fn("int cajal_tensor_sign(cajal_tensor x, cajal_tensor *out)",
   "-1, 0 or 1 (0 for NaN)",
   swift='newTensor(out) { try tensorArgument(x).sign() }',
   python='sign')

fn("int cajal_tensor_expm1(cajal_tensor x, cajal_tensor *out)",
   "e^x - 1",
   swift='newTensor(out) { try tensorArgument(x).expm1() }',
   python='expm1')

fn("int cajal_tensor_log1p(cajal_tensor x, cajal_tensor *out)",
   "ln(1 + x)",
   swift='newTensor(out) { try tensorArgument(x).log1p() }',
   python='log1p')

fn("int cajal_tensor_log2(cajal_tensor x, cajal_tensor *out)",
   "base-2 logarithm",
   swift='newTensor(out) { try tensorArgument(x).log2() }',
   python='log2')

fn("int cajal_tensor_log10(cajal_tensor x, cajal_tensor *out)",
   "base-10 logarithm",
   swift='newTensor(out) { try tensorArgument(x).log10() }',
   python='log10')

fn("int cajal_tensor_rsqrt(cajal_tensor x, cajal_tensor *out)",
   "1 / sqrt(x)",
   swift='newTensor(out) { try tensorArgument(x).rsqrt() }',
   python='rsqrt')

fn("int cajal_tensor_sin(cajal_tensor x, cajal_tensor *out)",
   "sine",
   swift='newTensor(out) { try tensorArgument(x).sin() }',
   python='sin')

fn("int cajal_tensor_cos(cajal_tensor x, cajal_tensor *out)",
   "cosine",
   swift='newTensor(out) { try tensorArgument(x).cos() }',
   python='cos')

fn("int cajal_tensor_erf(cajal_tensor x, cajal_tensor *out)",
   "the error function",
   swift='newTensor(out) { try tensorArgument(x).erf() }',
   python='erf')

fn("int cajal_tensor_floor(cajal_tensor x, cajal_tensor *out)",
   "rounded down",
   swift='newTensor(out) { try tensorArgument(x).floor() }',
   python='floor')

fn("int cajal_tensor_ceil(cajal_tensor x, cajal_tensor *out)",
   "rounded up",
   swift='newTensor(out) { try tensorArgument(x).ceil() }',
   python='ceil')

fn("int cajal_tensor_round(cajal_tensor x, cajal_tensor *out)",
   "rounded half to even",
   swift='newTensor(out) { try tensorArgument(x).round() }')

fn("int cajal_tensor_trunc(cajal_tensor x, cajal_tensor *out)",
   "rounded toward zero",
   swift='newTensor(out) { try tensorArgument(x).trunc() }',
   python=['trunc', 'fix'])

fn("int cajal_tensor_reciprocal(cajal_tensor x, cajal_tensor *out)",
   "1 / x",
   swift='newTensor(out) { try tensorArgument(x).reciprocal() }',
   python='reciprocal')

fn("int cajal_tensor_isnan(cajal_tensor x, cajal_tensor *out)",
   "x is NaN (bool)",
   swift='newTensor(out) { try tensorArgument(x).isnan() }',
   python='isnan')

fn("int cajal_tensor_isinf(cajal_tensor x, cajal_tensor *out)",
   "x is infinite (bool)",
   swift='newTensor(out) { try tensorArgument(x).isinf() }',
   python='isinf')

fn("int cajal_tensor_isfinite(cajal_tensor x, cajal_tensor *out)",
   "x is finite (bool)",
   swift='newTensor(out) { try tensorArgument(x).isfinite() }',
   python='isfinite')

fn("int cajal_tensor_logical_not(cajal_tensor x, cajal_tensor *out)",
   "not x (bool; nonzero is true)",
   swift='newTensor(out) { try tensorArgument(x).logicalNot() }',
   python='logical_not')

fn("int cajal_tensor_maximum(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "elementwise max, propagating NaN",
   swift='newTensor(out) { try tensorArgument(a, "a").maximum(tensorArgument(b, "b")) }')

fn("int cajal_tensor_minimum(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "elementwise min, propagating NaN",
   swift='newTensor(out) { try tensorArgument(a, "a").minimum(tensorArgument(b, "b")) }')

fn("int cajal_tensor_fmod(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "C's fmod: the remainder has the dividend's sign",
   swift='newTensor(out) { try tensorArgument(a, "a").fmod(tensorArgument(b, "b")) }')

fn("int cajal_tensor_remainder(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "Python's %: the remainder has the divisor's sign",
   swift='newTensor(out) { try tensorArgument(a, "a").remainder(tensorArgument(b, "b")) }')

fn("int cajal_tensor_logical_and(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a and b (bool; nonzero is true)",
   swift='newTensor(out) { try tensorArgument(a, "a").logicalAnd(tensorArgument(b, "b")) }')

fn("int cajal_tensor_logical_or(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a or b (bool)",
   swift='newTensor(out) { try tensorArgument(a, "a").logicalOr(tensorArgument(b, "b")) }')

fn("int cajal_tensor_logical_xor(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a xor b (bool)",
   swift='newTensor(out) { try tensorArgument(a, "a").logicalXor(tensorArgument(b, "b")) }')

fn("int cajal_tensor_div_rounding(cajal_tensor a, cajal_tensor b, cajal_rounding_mode mode, cajal_tensor *out)",
   """a / b rounded: mode 0 toward zero ("trunc"), 1 toward minus infinity ("floor", Python's //);
integers stay integers.""",
   swift=r'newTensor(out) { try tensorArgument(a, "a").div(tensorArgument(b, "b"), rounding: mode) }')

fn("int cajal_tensor_clamp(cajal_tensor x, cajal_tensor low, cajal_tensor high, cajal_tensor *out)",
   "min(max(x, low), high); low or high may be NULL (not both); where low > high the result is high.",
   swift='newTensor(out) { try tensorArgument(x).clamp(min: low.map { try tensorArgument($0, "min") }, max: high.map { try tensorArgument($0, "max") }) }')

fn("int cajal_tensor_isclose(cajal_tensor a, cajal_tensor b, double rtol, double atol, int32_t equal_nan, cajal_tensor *out)",
   "|a - b| <= atol + rtol * |b| elementwise (bool); NaNs match only with equal_nan.",
   swift='newTensor(out) { try tensorArgument(a, "a").isclose(tensorArgument(b, "b"), rtol: rtol, atol: atol, equalNaN: equal_nan != 0) }')

fn("int cajal_tensor_allclose(cajal_tensor a, cajal_tensor b, double rtol, double atol, int32_t equal_nan, int32_t *out)",
   "Whether isclose holds everywhere: 1 or 0.",
   swift='writeResult(out) { try tensorArgument(a, "a").allclose(tensorArgument(b, "b"), rtol: rtol, atol: atol, equalNaN: equal_nan != 0) ? 1 : 0 }')

fn("int cajal_tensor_equal(cajal_tensor a, cajal_tensor b, int32_t *out)",
   "Whether a and b have the same shape and values: 1 or 0.",
   swift='writeResult(out) { try tensorArgument(a, "a").equal(tensorArgument(b, "b")) ? 1 : 0 }')
