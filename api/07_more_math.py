"""The C API: more math.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. unary(name, doc, grad=...) declares an elementwise unary
op in one line: cajal_tensor_<name>, Tensor.<name>, torch.<name>, and its
rows in the reference-test tables (grad: the inputs of its gradient check);
binary(name, doc, numbers=...) likewise for an elementwise binary op.
tools/generate.py (make generate) makes include/cajal.h, the Swift exports
and the ctypes table from these declarations.
"""

section("more math")

unary("abs", "|x|", grad='away_from_zero', aliases=['absolute'])

unary("sign", "-1, 0 or 1 (0 for NaN)", grad=None)

unary("expm1", "e^x - 1", grad='any')

unary("log1p", "ln(1 + x)", grad='positive')

unary("log2", "base-2 logarithm", grad='positive')

unary("log10", "base-10 logarithm", grad='positive')

unary("rsqrt", "1 / sqrt(x)", grad='positive')

unary("atan", "arctangent, in (-pi/2, pi/2)", grad='any', aliases=['arctan'], standard_cases=True)

unary("sinh", "hyperbolic sine", grad='any', standard_cases=True)

unary("cosh", "hyperbolic cosine", grad='any', standard_cases=True)

unary("asinh", "inverse hyperbolic sine", grad='any', aliases=['arcsinh'], standard_cases=True)

unary("asin", "arcsine, in [-pi/2, pi/2]; NaN outside [-1, 1]", grad='unit', aliases=['arcsin'], standard_cases=True)

unary("acos", "arccosine, in [0, pi]; NaN outside [-1, 1]", grad='unit', aliases=['arccos'], standard_cases=True)

unary("atanh", "inverse hyperbolic tangent; NaN outside [-1, 1]", grad='unit', aliases=['arctanh'], standard_cases=True)

unary("acosh", "inverse hyperbolic cosine; NaN below 1", grad='above_one', aliases=['arccosh'], standard_cases=True)

unary("sin", "sine", grad='any')

unary("cos", "cosine", grad='any')

unary("erf", "the error function", grad='any')

unary("floor", "rounded down", grad=None)

unary("ceil", "rounded up", grad=None)

fn("int cajal_tensor_round(cajal_tensor x, cajal_tensor *out)",
   "rounded half to even",
   swift='newTensor(out) { try tensorArgument(x).round() }')

fn("int cajal_tensor_round_decimals(cajal_tensor x, int64_t decimals, cajal_tensor *out)",
   "rounded half to even at 10^-decimals (torch.round(decimals=); floating point only unless decimals is 0)",
   swift='newTensor(out) { try tensorArgument(x).round(decimals: Int(decimals)) }')

unary("trunc", "rounded toward zero", grad=None, aliases=['fix'])

unary("reciprocal", "1 / x", grad='positive')

unary("isnan", "x is NaN (bool)", grad=None)

unary("isinf", "x is infinite (bool)", grad=None)

unary("isfinite", "x is finite (bool)", grad=None)

unary("logical_not", "not x (bool; nonzero is true)", grad=None)

binary("maximum", "elementwise max, propagating NaN", numbers=False)

binary("minimum", "elementwise min, propagating NaN", numbers=False)

binary("fmod", "C's fmod: the remainder has the dividend's sign", numbers=True)

binary("remainder", "Python's %: the remainder has the divisor's sign", numbers=True)

binary("logical_and", "a and b (bool; nonzero is true)", numbers=False)

binary("logical_or", "a or b (bool)", numbers=False)

binary("logical_xor", "a xor b (bool)", numbers=False)

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
   swift='writeResult(out) { try tensorArgument(a, "a").allclose(tensorArgument(b, "b"), rtol: rtol, atol: atol, equalNaN: equal_nan != 0) ? 1 : 0 }', capture="data")

fn("int cajal_tensor_equal(cajal_tensor a, cajal_tensor b, int32_t *out)",
   "Whether a and b have the same shape and values: 1 or 0.",
   swift='writeResult(out) { try tensorArgument(a, "a").equal(tensorArgument(b, "b")) ? 1 : 0 }', capture="data")

unary("erfinv", "the inverse error function; NaN outside [-1, 1]", grad='unit', standard_cases=True)

unary("lgamma", "log |Gamma(x)|", grad='positive', standard_cases=True)

unary("digamma", "psi(x), the derivative of lgamma", grad='positive', standard_cases=True)

unary("deg2rad", "degrees to radians", grad='any', standard_cases=True)

unary("rad2deg", "radians to degrees", grad='any', standard_cases=True)

unary("frac", "the fractional part x - trunc(x) (floating point only)", grad='any')

unary("sgn", "the sign (for real numbers, sign)", grad=None, standard_cases=True)

binary("atan2", "the angle of the point (b, a), in (-pi, pi]", numbers=False)

binary("hypot", "sqrt(a^2 + b^2) without overflow", numbers=False)

binary("logaddexp", "log(e^a + e^b), computed stably", numbers=False)

binary("xlogy", "a * log(b), 0 where a is 0 (unless b is NaN)", numbers=True)

binary("float_power", "a ** b computed in float64", numbers=True, method="floatPower")
