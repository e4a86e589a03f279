/// Elementwise kernels over raw buffers. They know dtypes and strides, never
/// tensors or autograd. Each op is a functor type so that the generic loops
/// specialise into tight, vectorizable code per element type.

protocol UnaryFunctor {
    associatedtype In: TensorElement
    associatedtype Out: TensorElement
    static func apply(_ x: In) -> Out
}

protocol BinaryFunctor {
    associatedtype In: TensorElement
    associatedtype Out: TensorElement
    static func apply(_ a: In, _ b: In) -> Out
}

/// The binary ops the engine dispatches. Comparisons produce bool.
public enum BinaryOp: Sendable {
    case add, sub, mul, div, pow
    case eq, ne, lt, le, gt, ge

    var isComparison: Bool {
        switch self {
        case .eq, .ne, .lt, .le, .gt, .ge: return true
        default: return false
        }
    }
}

/// The unary ops the engine dispatches.
public enum UnaryOp: Sendable {
    case neg, exp, log, sqrt, relu, sigmoid, tanh
}

// MARK: functors

struct AddF<T: ArithmeticElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> T { T.add(a, b) } }
struct SubF<T: ArithmeticElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> T { T.sub(a, b) } }
struct MulF<T: ArithmeticElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> T { T.mul(a, b) } }
struct DivF<T: FloatElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> T { a / b } }
struct PowF<T: FloatElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> T { T.pow(a, b) } }

/// Integer power by squaring, wrapping on overflow as torch does. A negative
/// exponent gives 1/base^|e| truncated: ±1 for base ±1, 0 otherwise.
struct IntPowF: BinaryFunctor {
    @inline(__always) static func apply(_ base: Int64, _ exponent: Int64) -> Int64 {
        if exponent < 0 {
            if base == 1 { return 1 }
            if base == -1 { return exponent & 1 == 0 ? 1 : -1 }
            return 0
        }
        var result: Int64 = 1, b = base, e = exponent
        while e > 0 {
            if e & 1 == 1 { result = result &* b }
            b = b &* b
            e >>= 1
        }
        return result
    }
}

struct EqF<T: TensorElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> Bool { T.equals(a, b) } }
struct NeF<T: TensorElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> Bool { !T.equals(a, b) } }
struct LtF<T: TensorElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> Bool { T.lessThan(a, b) } }
struct LeF<T: TensorElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> Bool { T.lessOrEqual(a, b) } }
struct GtF<T: TensorElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> Bool { T.lessThan(b, a) } }
struct GeF<T: TensorElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> Bool { T.lessOrEqual(b, a) } }

struct NegF<T: ArithmeticElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.sub(.zero, x) } }
struct ReluF<T: ArithmeticElement>: UnaryFunctor {
    // NaN stays NaN: the comparison is false for it.
    @inline(__always) static func apply(_ x: T) -> T { T.lessThan(x, .zero) ? .zero : x }
}
struct ExpF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.exp(x) } }
struct LogF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.log(x) } }
struct SqrtF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.sqrt(x) } }
struct TanhF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.tanh(x) } }
struct SigmoidF<T: FloatElement>: UnaryFunctor {
    @inline(__always) static func apply(_ x: T) -> T { 1 / (1 + T.exp(-x)) }
}

struct CopyF<T: TensorElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { x } }

struct CastF<S: TensorElement, D: TensorElement>: UnaryFunctor {
    @inline(__always) static func apply(_ x: S) -> D {
        // Integers convert directly so large int64 values round only once.
        S.self == Int64.self ? D(int64: x.int64Value) : D(double: x.doubleValue)
    }
}

// MARK: loops

/// One row of a unary op: contiguous fast path first.
@inline(__always)
private func unaryRow<F: UnaryFunctor>(_: F.Type, _ out: UnsafeMutablePointer<F.Out>, _ so: Int,
                                       _ x: UnsafePointer<F.In>, _ sx: Int, _ n: Int) {
    if so == 1 && sx == 1 {
        for i in 0..<n { out[i] = F.apply(x[i]) }
    } else if so == 1 && sx == 0 {
        let value = F.apply(x[0])
        for i in 0..<n { out[i] = value }
    } else {
        var io = 0, ix = 0
        for _ in 0..<n {
            out[io] = F.apply(x[ix])
            io += so
            ix += sx
        }
    }
}

/// One row of a binary op: same-layout and scalar-operand fast paths first.
@inline(__always)
private func binaryRow<F: BinaryFunctor>(_: F.Type, _ out: UnsafeMutablePointer<F.Out>, _ so: Int,
                                         _ a: UnsafePointer<F.In>, _ sa: Int,
                                         _ b: UnsafePointer<F.In>, _ sb: Int, _ n: Int) {
    if so == 1 && sa == 1 && sb == 1 {
        for i in 0..<n { out[i] = F.apply(a[i], b[i]) }
    } else if so == 1 && sa == 1 && sb == 0 {
        let y = b[0]
        for i in 0..<n { out[i] = F.apply(a[i], y) }
    } else if so == 1 && sa == 0 && sb == 1 {
        let x = a[0]
        for i in 0..<n { out[i] = F.apply(x, b[i]) }
    } else {
        var io = 0, ia = 0, ib = 0
        for _ in 0..<n {
            out[io] = F.apply(a[ia], b[ib])
            io += so
            ia += sa
            ib += sb
        }
    }
}

/// Operand pointers point at each operand's first element (offset applied).
private func runUnary<F: UnaryFunctor>(_ f: F.Type, _ out: UnsafeMutableRawPointer, _ x: UnsafeRawPointer,
                                       _ loop: StridedLoop, cost: Int = 1) {
    let o = out.assumingMemoryBound(to: F.Out.self)
    let xp = x.assumingMemoryBound(to: F.In.self)
    let so = loop.innerStrides[0], sx = loop.innerStrides[1]
    loop.run(costPerElement: cost) { (offsets: SIMD4<Int>, start: Int, n: Int) in
        let rowOut = o + (offsets[0] + start * so)
        let rowX = xp + (offsets[1] + start * sx)
        unaryRow(f, rowOut, so, rowX, sx, n)
    }
}

private func runBinary<F: BinaryFunctor>(_ f: F.Type, _ out: UnsafeMutableRawPointer, _ a: UnsafeRawPointer,
                                         _ b: UnsafeRawPointer, _ loop: StridedLoop, cost: Int = 1) {
    let o = out.assumingMemoryBound(to: F.Out.self)
    let ap = a.assumingMemoryBound(to: F.In.self)
    let bp = b.assumingMemoryBound(to: F.In.self)
    let so = loop.innerStrides[0], sa = loop.innerStrides[1], sb = loop.innerStrides[2]
    loop.run(costPerElement: cost) { (offsets: SIMD4<Int>, start: Int, n: Int) in
        let rowOut = o + (offsets[0] + start * so)
        let rowA = ap + (offsets[1] + start * sa)
        let rowB = bp + (offsets[2] + start * sb)
        binaryRow(f, rowOut, so, rowA, sa, rowB, sb, n)
    }
}

/// Dispatch from (op, dtype) to a specialised loop. Callers have already
/// checked that the op takes this dtype.
enum Elementwise {
    /// `out = op(a, b)`; a and b share `dtype`, out is `dtype` or bool for comparisons.
    /// The loop's operands are (out, a, b).
    static func binary(_ op: BinaryOp, dtype: DType, out: UnsafeMutableRawPointer,
                       a: UnsafeRawPointer, b: UnsafeRawPointer, loop: StridedLoop) {
        switch dtype {
        case .float32: floatBinary(op, Float.self, out, a, b, loop)
        case .float64: floatBinary(op, Double.self, out, a, b, loop)
        case .int64:
            switch op {
            case .pow: runBinary(IntPowF.self, out, a, b, loop)
            case .div: break  // integer division promotes to float before reaching here
            default: arithmeticBinary(op, Int64.self, out, a, b, loop)
            }
        case .bool:
            arithmeticBinary(op, Bool.self, out, a, b, loop)
        }
    }

    private static func floatBinary<T: FloatElement>(_ op: BinaryOp, _: T.Type, _ out: UnsafeMutableRawPointer,
                                                     _ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ loop: StridedLoop) {
        switch op {
        case .div: runBinary(DivF<T>.self, out, a, b, loop)
        case .pow: runBinary(PowF<T>.self, out, a, b, loop, cost: Parallel.transcendentalCost)
        default: arithmeticBinary(op, T.self, out, a, b, loop)
        }
    }

    private static func arithmeticBinary<T: ArithmeticElement>(_ op: BinaryOp, _: T.Type, _ out: UnsafeMutableRawPointer,
                                                               _ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ loop: StridedLoop) {
        switch op {
        case .add: runBinary(AddF<T>.self, out, a, b, loop)
        case .sub: runBinary(SubF<T>.self, out, a, b, loop)
        case .mul: runBinary(MulF<T>.self, out, a, b, loop)
        case .eq: runBinary(EqF<T>.self, out, a, b, loop)
        case .ne: runBinary(NeF<T>.self, out, a, b, loop)
        case .lt: runBinary(LtF<T>.self, out, a, b, loop)
        case .le: runBinary(LeF<T>.self, out, a, b, loop)
        case .gt: runBinary(GtF<T>.self, out, a, b, loop)
        case .ge: runBinary(GeF<T>.self, out, a, b, loop)
        case .div, .pow: break  // handled by the float and int paths
        }
    }

    /// `out = op(x)` with out and x of `dtype`. Loop operands are (out, x).
    static func unary(_ op: UnaryOp, dtype: DType, out: UnsafeMutableRawPointer, x: UnsafeRawPointer, loop: StridedLoop) {
        switch dtype {
        case .float32: floatUnary(op, Float.self, out, x, loop)
        case .float64: floatUnary(op, Double.self, out, x, loop)
        case .int64:
            switch op {
            case .neg: runUnary(NegF<Int64>.self, out, x, loop)
            case .relu: runUnary(ReluF<Int64>.self, out, x, loop)
            default: break  // float-only ops promote ints to float first
            }
        case .bool: break  // no unary math on bool
        }
    }

    private static func floatUnary<T: FloatElement>(_ op: UnaryOp, _: T.Type, _ out: UnsafeMutableRawPointer,
                                                    _ x: UnsafeRawPointer, _ loop: StridedLoop) {
        switch op {
        case .neg: runUnary(NegF<T>.self, out, x, loop)
        case .exp: runUnary(ExpF<T>.self, out, x, loop, cost: Parallel.transcendentalCost)
        case .log: runUnary(LogF<T>.self, out, x, loop, cost: Parallel.transcendentalCost)
        case .sqrt: runUnary(SqrtF<T>.self, out, x, loop)
        case .relu: runUnary(ReluF<T>.self, out, x, loop)
        case .sigmoid: runUnary(SigmoidF<T>.self, out, x, loop, cost: Parallel.transcendentalCost)
        case .tanh: runUnary(TanhF<T>.self, out, x, loop, cost: Parallel.transcendentalCost)
        }
    }

    /// Strided copy with conversion: `out = D(x)`. Loop operands are (out, x).
    static func cast(from source: DType, to destination: DType, out: UnsafeMutableRawPointer,
                     x: UnsafeRawPointer, loop: StridedLoop) {
        switch source {
        case .float32: cast(Float.self, destination, out, x, loop)
        case .float64: cast(Double.self, destination, out, x, loop)
        case .int64: cast(Int64.self, destination, out, x, loop)
        case .bool: cast(Bool.self, destination, out, x, loop)
        }
    }

    private static func cast<S: TensorElement>(_: S.Type, _ destination: DType, _ out: UnsafeMutableRawPointer,
                                               _ x: UnsafeRawPointer, _ loop: StridedLoop) {
        if destination == S.dtype { return runUnary(CopyF<S>.self, out, x, loop) }
        switch destination {
        case .float32: runUnary(CastF<S, Float>.self, out, x, loop)
        case .float64: runUnary(CastF<S, Double>.self, out, x, loop)
        case .int64: runUnary(CastF<S, Int64>.self, out, x, loop)
        case .bool: runUnary(CastF<S, Bool>.self, out, x, loop)
        }
    }

    /// Writes `value` (converted to `dtype`) to every element. Loop operand is (out).
    static func fill(dtype: DType, out: UnsafeMutableRawPointer, value: Double, intValue: Int64?, loop: StridedLoop) {
        switch dtype {
        case .float32: fill(Float(value), out, loop)
        case .float64: fill(value, out, loop)
        case .int64: fill(intValue ?? Int64(double: value), out, loop)
        case .bool: fill(value != 0 || (intValue ?? 0) != 0, out, loop)
        }
    }

    private static func fill<T: TensorElement>(_ value: T, _ out: UnsafeMutableRawPointer, _ loop: StridedLoop) {
        let o = out.assumingMemoryBound(to: T.self)
        let so = loop.innerStrides[0]
        loop.run { (offsets: SIMD4<Int>, start: Int, n: Int) in
            let row = o + (offsets[0] + start * so)
            if so == 1 {
                row.update(repeating: value, count: n)
            } else {
                for i in 0..<n { row[i * so] = value }
            }
        }
    }

    /// `out = cond ? a : b`. Loop operands are (out, cond, a, b).
    static func select(dtype: DType, out: UnsafeMutableRawPointer, condition: UnsafeRawPointer,
                       a: UnsafeRawPointer, b: UnsafeRawPointer, loop: StridedLoop) {
        switch dtype {
        case .float32: select(Float.self, out, condition, a, b, loop)
        case .float64: select(Double.self, out, condition, a, b, loop)
        case .int64: select(Int64.self, out, condition, a, b, loop)
        case .bool: select(Bool.self, out, condition, a, b, loop)
        }
    }

    private static func select<T: TensorElement>(_: T.Type, _ out: UnsafeMutableRawPointer, _ condition: UnsafeRawPointer,
                                                 _ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ loop: StridedLoop) {
        let o = out.assumingMemoryBound(to: T.self)
        let c = condition.assumingMemoryBound(to: Bool.self)
        let ap = a.assumingMemoryBound(to: T.self)
        let bp = b.assumingMemoryBound(to: T.self)
        let s = loop.innerStrides
        loop.run { (offsets: SIMD4<Int>, start: Int, n: Int) in
            let ro = o + (offsets[0] + start * s[0]), rc = c + (offsets[1] + start * s[1])
            let ra = ap + (offsets[2] + start * s[2]), rb = bp + (offsets[3] + start * s[3])
            for i in 0..<n { ro[i * s[0]] = rc[i * s[1]] ? ra[i * s[2]] : rb[i * s[3]] }
        }
    }
}
