import CajalRuntime
import Glibc

/// Unary math. Functions of real numbers compute integer inputs in the default
/// float dtype, as torch does; abs, neg, sign, relu and the rounding functions
/// keep integer types. Each backward is torch's derivative formula.
extension Tensor {
    private var floatComputeType: DType { dtype.isFloatingPoint ? dtype : DType.defaultFloat }

    /// What a derivative reads besides the gradient. Saving only that (as
    /// torch does) keeps in-place writes to the other one legal.
    enum UnarySaves { case input, output, nothing }

    /// The gradient, and the input or the output as `saves` says.
    typealias UnaryDerivative = (_ grad: Tensor, _ saved: Tensor) throws -> Tensor

    /// Runs a unary kernel and records `derivative`.
    private func unary(_ op: UnaryOp, _ name: String, float: Bool = true, backward: String, saves: UnarySaves,
                       _ derivative: @escaping UnaryDerivative) throws -> Tensor {
        if dtype.isComplex {
            throw CajalError.notImplemented("[\(name)] \"\(name)\" is not implemented for complex tensors in cajal (\(dtype.torchName))")
        }
        // Real functions compute bool in float32; the integer-preserving ones refuse it.
        if dtype == .bool && !float {
            throw CajalError.notImplemented("[\(name)] \"\(name)\" is not implemented for 'bool'")
        }
        let out = try unaryKernel(op, computeType: float ? floatComputeType : dtype, name: name)
        guard out.dtype.isFloatingPoint else { return out }
        let saved: [Tensor] = saves == .input ? [self] : saves == .output ? [out] : []
        return out.recording(backward, inputs: [self], saving: saved) { ctx in
            [try derivative(ctx.grad, ctx.saved.first ?? ctx.grad)]
        }
    }

    public func neg() throws -> Tensor {
        if dtype.isComplex { return try complexNeg() }
        if dtype == .bool {
            throw CajalError.notImplemented("[neg] Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        }
        return try unary(.neg, "neg", float: false, backward: "NegBackward0", saves: .nothing) { g, _ in try g.neg() }
    }

    public func abs() throws -> Tensor {
        if dtype.isComplex { return try complexAbs() }
        return try unary(.abs, "abs", float: false, backward: "AbsBackward0", saves: .input) { g, x in try g.mul(x.sign()) }
    }

    public func sign() throws -> Tensor {
        // The sign of a bool is itself (torch).
        if dtype == .bool { return try clone() }
        return try unary(.sign, "sign", float: false, backward: "SignBackward0", saves: .nothing) { g, _ in try g.zerosLike() }
    }

    public func exp() throws -> Tensor {
        try unary(.exp, "exp", backward: "ExpBackward0", saves: .output) { g, y in try g.mul(y) }
    }

    public func expm1() throws -> Tensor {
        try unary(.expm1, "expm1", backward: "Expm1Backward0", saves: .output) { g, y in try g.mul(y.add(.scalar(1.0))) }
    }

    public func log() throws -> Tensor {
        try unary(.log, "log", backward: "LogBackward0", saves: .input) { g, x in try g.div(x) }
    }

    public func log1p() throws -> Tensor {
        try unary(.log1p, "log1p", backward: "Log1PBackward0", saves: .input) { g, x in try g.div(x.add(.scalar(1.0))) }
    }

    public func log2() throws -> Tensor {
        try unary(.log2, "log2", backward: "Log2Backward0", saves: .input) { g, x in try g.div(x.mul(.scalar(0.6931471805599453))) }
    }

    public func log10() throws -> Tensor {
        try unary(.log10, "log10", backward: "Log10Backward0", saves: .input) { g, x in try g.div(x.mul(.scalar(2.302585092994046))) }
    }

    /// The arctangent, in (-pi/2, pi/2); d/dx = 1 / (1 + x^2).
    public func atan() throws -> Tensor {
        try unary(.atan, "atan", backward: "AtanBackward0", saves: .input) { g, x in try g.div(x.mul(x).add(.scalar(1.0))) }
    }

    /// The hyperbolic sine; d/dx = cosh(x).
    public func sinh() throws -> Tensor {
        try unary(.sinh, "sinh", backward: "SinhBackward0", saves: .input) { g, x in try g.mul(x.cosh()) }
    }

    /// The hyperbolic cosine; d/dx = sinh(x).
    public func cosh() throws -> Tensor {
        try unary(.cosh, "cosh", backward: "CoshBackward0", saves: .input) { g, x in try g.mul(x.sinh()) }
    }

    /// The inverse hyperbolic sine; d/dx = 1 / sqrt(x^2 + 1).
    public func asinh() throws -> Tensor {
        try unary(.asinh, "asinh", backward: "AsinhBackward0", saves: .input) { g, x in try g.div(x.mul(x).add(.scalar(1.0)).sqrt()) }
    }

    /// The arcsine, in [-pi/2, pi/2] (NaN outside [-1, 1]); d/dx = 1 / sqrt(1 - x^2).
    public func asin() throws -> Tensor {
        try unary(.asin, "asin", backward: "AsinBackward0", saves: .input) { g, x in
            try g.div(Tensor.scalar(1.0).sub(x.mul(x)).sqrt())
        }
    }

    /// The arccosine, in [0, pi] (NaN outside [-1, 1]); d/dx = -1 / sqrt(1 - x^2).
    public func acos() throws -> Tensor {
        try unary(.acos, "acos", backward: "AcosBackward0", saves: .input) { g, x in
            try g.neg().div(Tensor.scalar(1.0).sub(x.mul(x)).sqrt())
        }
    }

    /// The inverse hyperbolic tangent (NaN outside [-1, 1]); d/dx = 1 / (1 - x^2).
    public func atanh() throws -> Tensor {
        try unary(.atanh, "atanh", backward: "AtanhBackward0", saves: .input) { g, x in try g.div(Tensor.scalar(1.0).sub(x.mul(x))) }
    }

    /// The inverse hyperbolic cosine (NaN below 1); d/dx = 1 / sqrt(x^2 - 1).
    public func acosh() throws -> Tensor {
        try unary(.acosh, "acosh", backward: "AcoshBackward0", saves: .input) { g, x in try g.div(x.mul(x).sub(.scalar(1.0)).sqrt()) }
    }

    public func sqrt() throws -> Tensor {
        try unary(.sqrt, "sqrt", backward: "SqrtBackward0", saves: .output) { g, y in try g.div(y.mul(.scalar(2.0))) }
    }

    public func rsqrt() throws -> Tensor {
        try unary(.rsqrt, "rsqrt", backward: "RsqrtBackward0", saves: .output) { g, y in try g.mul(y.pow(3)).mul(.scalar(-0.5)) }
    }

    public func sin() throws -> Tensor {
        try unary(.sin, "sin", backward: "SinBackward0", saves: .input) { g, x in try g.mul(x.cos()) }
    }

    public func cos() throws -> Tensor {
        try unary(.cos, "cos", backward: "CosBackward0", saves: .input) { g, x in try g.mul(x.sin().neg()) }
    }

    public func tanh() throws -> Tensor {
        try unary(.tanh, "tanh", backward: "TanhBackward0", saves: .output) { g, y in try g.mul(Tensor.scalar(1.0).sub(y.mul(y))) }
    }

    public func sigmoid() throws -> Tensor {
        try unary(.sigmoid, "sigmoid", backward: "SigmoidBackward0", saves: .output) { g, y in try g.mul(y.mul(Tensor.scalar(1.0).sub(y))) }
    }

    public func relu() throws -> Tensor {
        // The gradient flows where the output is not <= 0 (0 at the kink, and
        // through NaN, as torch's threshold_backward): one kernel, or under
        // create_graph from ops, which differentiate again.
        try unary(.relu, "relu", float: false, backward: "ReluBackward0", saves: .output) { g, y in
            if !GradMode.isEnabled && g.dtype == y.dtype && (g.dtype == .float32 || g.dtype == .float64) {
                return try Tensor.binaryKernel(.reluGradient, g, y, computeType: g.dtype, name: "threshold_backward")
            }
            return try Tensor.where(y.le(.scalar(0.0)), .scalar(0.0), g)
        }
    }

    public func erf() throws -> Tensor {
        // d/dx erf(x) = 2 / sqrt(pi) * e^(-x^2)
        try unary(.erf, "erf", backward: "ErfBackward0", saves: .input) { g, x in
            try g.mul(x.mul(x).neg().exp().mul(.scalar(1.1283791670955126)))
        }
    }

    /// GELU, exact, in one pass: x Φ(x), Φ the normal CDF. The gradient
    /// Φ(x) + x φ(x) is composed from ops, so it differentiates again.
    public func gelu() throws -> Tensor {
        try unary(.gelu, "gelu", backward: "GeluBackward0", saves: .input) { g, x in
            if !GradMode.isEnabled && (x.dtype == .float32 || x.dtype == .float64) && g.dtype == x.dtype && g.shape == x.shape {
                let (grad, input) = (try g.contiguous(), try x.contiguous())
                let dx = try Tensor(uninitializedShape: x.shape, dtype: x.dtype, op: "gelu_backward")
                kernels.geluBackward(x.dtype, dx.dataPointer, grad.dataPointer, input.dataPointer, x.count)
                return dx
            }
            // Under create_graph: from ops, differentiable again.
            let cdf = try x.mul(.scalar(0.7071067811865476)).erf().add(.scalar(1.0)).mul(.scalar(0.5))
            let density = try x.mul(x).mul(.scalar(-0.5)).exp().mul(.scalar(0.3989422804014327))
            return try g.mul(cdf.add(x.mul(density)))
        }
    }

    public func floor() throws -> Tensor {
        try unary(.floor, "floor", float: false, backward: "FloorBackward0", saves: .nothing) { g, _ in try g.zerosLike() }
    }

    public func ceil() throws -> Tensor {
        try unary(.ceil, "ceil", float: false, backward: "CeilBackward0", saves: .nothing) { g, _ in try g.zerosLike() }
    }

    /// Rounds half to even at 10^-decimals, as torch.round(decimals=):
    /// x · 10^d rounded, / 10^d, or for negative d, x / 10^-d rounded, · 10^-d,
    /// in the element type. Floating point only, as in torch.
    public func round(decimals: Int) throws -> Tensor {
        guard decimals != 0 else { return try round() }
        guard dtype.isFloatingPoint else {
            throw CajalError.notImplemented("[round] \"round_cpu\" not implemented for '\(dtype.torchName)'")
        }
        let power = Glibc.pow(10.0, Double(decimals.magnitude))
        return decimals > 0 ? try mul(.scalar(power)).round().div(.scalar(power))
                            : try div(.scalar(power)).round().mul(.scalar(power))
    }

    /// Rounds half to even, as torch.round.
    public func round() throws -> Tensor {
        try unary(.round, "round", float: false, backward: "RoundBackward0", saves: .nothing) { g, _ in try g.zerosLike() }
    }

    public func trunc() throws -> Tensor {
        try unary(.trunc, "trunc", float: false, backward: "TruncBackward0", saves: .nothing) { g, _ in try g.zerosLike() }
    }

    public func reciprocal() throws -> Tensor {
        try unary(.reciprocal, "reciprocal", backward: "ReciprocalBackward0", saves: .output) { g, y in try g.mul(y.mul(y)).neg() }
    }

    /// The inverse error function (NaN outside [-1, 1]); d/dx = sqrt(pi) / 2 * e^(erfinv(x)^2).
    public func erfinv() throws -> Tensor {
        try unary(.erfinv, "erfinv", backward: "ErfinvBackward0", saves: .output) { g, y in
            try g.mul(y.mul(y).exp().mul(.scalar(0.886226925452758)))
        }
    }

    /// log |Gamma(x)|; d/dx = digamma(x).
    public func lgamma() throws -> Tensor {
        try unary(.lgamma, "lgamma", backward: "LgammaBackward0", saves: .input) { g, x in try g.mul(x.digamma()) }
    }

    /// psi(x) = d/dx log Gamma(x); d/dx = psi'(x), the trigamma function.
    public func digamma() throws -> Tensor {
        try unary(.digamma, "digamma", backward: "DigammaBackward0", saves: .input) { g, x in try g.mul(x.trigamma()) }
    }

    /// psi'(x), for digamma's gradient (torch's polygamma(1, x)).
    func trigamma() throws -> Tensor {
        try unary(.trigamma, "polygamma", backward: "PolygammaBackward0", saves: .nothing) { _, _ in
            throw CajalError.notImplemented("[polygamma] the derivative of polygamma(1, x) (a third derivative of lgamma) is not supported by cajal")
        }
    }

    /// Degrees to radians (x * pi / 180, torch's constant); integers compute in the default float dtype.
    public func deg2rad() throws -> Tensor {
        try (dtype.isFloatingPoint ? self : to(DType.defaultFloat)).mul(.scalar(0.017453292519943295769236907684886127134428718885417))
    }

    /// Radians to degrees (x * 180 / pi, torch's constant).
    public func rad2deg() throws -> Tensor {
        try (dtype.isFloatingPoint ? self : to(DType.defaultFloat)).mul(.scalar(57.295779513082320876798154814105170332405472466564))
    }

    /// The fractional part, x - trunc(x), with x's sign; floating point only, as in torch.
    public func frac() throws -> Tensor {
        guard dtype.isFloatingPoint else { throw CajalError.notImplemented("[frac] \"frac_cpu\" not implemented for '\(dtype.torchName)'") }
        return try sub(trunc())
    }

    /// torch.sgn: the sign, for real numbers the same as sign().
    public func sgn() throws -> Tensor { try sign() }

    public func isnan() throws -> Tensor { try unaryKernel(.isnan, computeType: dtype, name: "isnan") }
    public func isinf() throws -> Tensor { try unaryKernel(.isinf, computeType: dtype, name: "isinf") }
    public func isfinite() throws -> Tensor { try unaryKernel(.isfinite, computeType: dtype, name: "isfinite") }
    public func logicalNot() throws -> Tensor { try unaryKernel(.logicalNot, computeType: dtype, name: "logical_not") }

    /// Zeros of this tensor's shape and dtype.
    package func zerosLike() throws -> Tensor { try Tensor.zeros(shape, dtype: dtype) }
}
