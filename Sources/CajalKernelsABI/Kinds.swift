/// What the kernel modules and the engine agree on: element kinds and op
/// codes. The kernels are compiled once per instruction set (CajalKernels,
/// CajalKernelsAVX2, CajalKernelsAVX512), so every type they share lives here.

/// The element types, with the raw values of the engine's DType and the C codes.
public enum ElementKind: Int32, Sendable {
    case float32 = 0, float64 = 1, int64 = 2, bool = 3
}

/// Elementwise binary ops. Comparisons and logical ops write bool.
public enum BinaryOp: Int32, Sendable {
    case add, sub, mul, div, pow, maximum, minimum, fmod, remainder
    case eq, ne, lt, le, gt, ge
    case logicalAnd, logicalOr, logicalXor
    /// Division rounded toward zero and toward minus infinity (integers stay integers).
    case divTrunc, divFloor

    public var writesBool: Bool {
        switch self {
        case .eq, .ne, .lt, .le, .gt, .ge, .logicalAnd, .logicalOr, .logicalXor: return true
        default: return false
        }
    }
}

/// Elementwise unary ops. The predicates write bool.
public enum UnaryOp: Int32, Sendable {
    case neg, abs, sign, exp, expm1, log, log1p, log2, sqrt, rsqrt, sin, cos, tanh, sigmoid, relu, erf
    case floor, ceil, round, trunc, reciprocal
    case isnan, isinf, isfinite, logicalNot

    public var writesBool: Bool {
        switch self {
        case .isnan, .isinf, .isfinite, .logicalNot: return true
        default: return false
        }
    }
}

/// Reductions over a set of dims.
public enum ReduceOp: Int32, Sendable {
    /// sumOfSquares: x1^2 + x2^2 + ... (floating point only), for the 2-norm.
    case sum, prod, max, min, sumOfSquares
}
