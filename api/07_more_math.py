"""The C API: more math. Generated files come from this; see tools/generate.py."""

section("more math")

fn("int cajal_tensor_abs(cajal_tensor x, cajal_tensor *out)",
   "|x|")

fn("int cajal_tensor_sign(cajal_tensor x, cajal_tensor *out)",
   "-1, 0 or 1 (0 for NaN)")

fn("int cajal_tensor_expm1(cajal_tensor x, cajal_tensor *out)",
   "e^x - 1")

fn("int cajal_tensor_log1p(cajal_tensor x, cajal_tensor *out)",
   "ln(1 + x)")

fn("int cajal_tensor_log2(cajal_tensor x, cajal_tensor *out)",
   "base-2 logarithm")

fn("int cajal_tensor_log10(cajal_tensor x, cajal_tensor *out)",
   "base-10 logarithm")

fn("int cajal_tensor_rsqrt(cajal_tensor x, cajal_tensor *out)",
   "1 / sqrt(x)")

fn("int cajal_tensor_sin(cajal_tensor x, cajal_tensor *out)",
   "sine")

fn("int cajal_tensor_cos(cajal_tensor x, cajal_tensor *out)",
   "cosine")

fn("int cajal_tensor_erf(cajal_tensor x, cajal_tensor *out)",
   "the error function")

fn("int cajal_tensor_floor(cajal_tensor x, cajal_tensor *out)",
   "rounded down")

fn("int cajal_tensor_ceil(cajal_tensor x, cajal_tensor *out)",
   "rounded up")

fn("int cajal_tensor_round(cajal_tensor x, cajal_tensor *out)",
   "rounded half to even")

fn("int cajal_tensor_trunc(cajal_tensor x, cajal_tensor *out)",
   "rounded toward zero")

fn("int cajal_tensor_reciprocal(cajal_tensor x, cajal_tensor *out)",
   "1 / x")

fn("int cajal_tensor_isnan(cajal_tensor x, cajal_tensor *out)",
   "x is NaN (bool)")

fn("int cajal_tensor_isinf(cajal_tensor x, cajal_tensor *out)",
   "x is infinite (bool)")

fn("int cajal_tensor_isfinite(cajal_tensor x, cajal_tensor *out)",
   "x is finite (bool)")

fn("int cajal_tensor_logical_not(cajal_tensor x, cajal_tensor *out)",
   "not x (bool; nonzero is true)")

fn("int cajal_tensor_maximum(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "elementwise max, propagating NaN")

fn("int cajal_tensor_minimum(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "elementwise min, propagating NaN")

fn("int cajal_tensor_fmod(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "C's fmod: the remainder has the dividend's sign")

fn("int cajal_tensor_remainder(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "Python's %: the remainder has the divisor's sign")

fn("int cajal_tensor_logical_and(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a and b (bool; nonzero is true)")

fn("int cajal_tensor_logical_or(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a or b (bool)")

fn("int cajal_tensor_logical_xor(cajal_tensor a, cajal_tensor b, cajal_tensor *out)",
   "a xor b (bool)")

fn("int cajal_tensor_div_rounding(cajal_tensor a, cajal_tensor b, int32_t mode, cajal_tensor *out)",
   """a / b rounded: mode 0 toward zero ("trunc"), 1 toward minus infinity ("floor", Python's //);
integers stay integers.""")

fn("int cajal_tensor_clamp(cajal_tensor x, cajal_tensor low, cajal_tensor high, cajal_tensor *out)",
   "min(max(x, low), high); low or high may be NULL (not both); where low > high the result is high.")

fn("int cajal_tensor_isclose(cajal_tensor a, cajal_tensor b, double rtol, double atol, int32_t equal_nan, cajal_tensor *out)",
   "|a - b| <= atol + rtol * |b| elementwise (bool); NaNs match only with equal_nan.")

fn("int cajal_tensor_allclose(cajal_tensor a, cajal_tensor b, double rtol, double atol, int32_t equal_nan, int32_t *out)",
   "Whether isclose holds everywhere: 1 or 0.")

fn("int cajal_tensor_equal(cajal_tensor a, cajal_tensor b, int32_t *out)",
   "Whether a and b have the same shape and values: 1 or 0.")
