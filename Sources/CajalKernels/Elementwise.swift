import CajalRuntime
import Glibc

// Elementwise kernels over raw buffers. Each op is a functor type so that the
// generic loops specialise into tight code per element type; float32's
// transcendental functions also have a SIMD16 form (VectorMath.swift).

protocol UnaryFunctor {
    associatedtype In: TensorElement
    associatedtype Out: TensorElement
    static func apply(_ x: In) -> Out
}

/// A float32 function with a vector form; the scalar form is the vector one
/// on a single lane, so every element gets the same arithmetic.
///
/// It maps 16 floats in memory to 16 in memory, not a Vector16 value to
/// another: Swift passes a SIMD16 argument as four 128-bit pieces, so a call
/// that the optimizer leaves out of line would otherwise compute in quarters.
protocol VectorFunctor {
    static func apply(_ x: UnsafeRawPointer, _ out: UnsafeMutableRawPointer)
}

extension VectorFunctor {
    @inline(__always)
    static func map(_ x: UnsafeRawPointer, _ out: UnsafeMutableRawPointer, _ f: (Vector16) -> Vector16) {
        out.storeBytes(of: f(x.loadUnaligned(as: Vector16.self)), as: Vector16.self)
    }
}

/// A vector function applied through memory (see VectorFunctor), for
/// kernels that hold their operand in a register.
@inline(__always)
func throughMemory<F: VectorFunctor>(_ x: Vector16, _: F.Type) -> Vector16 {
    var input = x, output = Vector16()
    withUnsafePointer(to: &input) { i in withUnsafeMutablePointer(to: &output) { o in F.apply(i, o) } }
    return output
}

protocol BinaryFunctor {
    associatedtype In: TensorElement
    associatedtype Out: TensorElement
    static func apply(_ a: In, _ b: In) -> Out
}

// MARK: unary functors

struct NegF<T: ArithmeticElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.sub(.zero, x) } }
struct ReluF<T: ArithmeticElement>: UnaryFunctor {
    // NaN stays NaN: the comparison is false for it.
    @inline(__always) static func apply(_ x: T) -> T { T.lessThan(x, .zero) ? .zero : x }
}
struct AbsF<T: ArithmeticElement>: UnaryFunctor {
    @inline(__always) static func apply(_ x: T) -> T { T.lessThan(x, .zero) ? T.sub(.zero, x) : x }
}
struct FloatAbsF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { x.magnitude } }
/// -1, 0 or 1; torch gives 0 for NaN.
struct SignF<T: ArithmeticElement>: UnaryFunctor {
    @inline(__always) static func apply(_ x: T) -> T {
        T.lessThan(.zero, x) ? .one : T.lessThan(x, .zero) ? T.sub(.zero, .one) : .zero
    }
}
struct ExpF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.exp(x) } }
struct Expm1F<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.expm1(x) } }
struct LogF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.log(x) } }
struct Log1pF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.log1p(x) } }
struct Log2F<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.log2(x) } }
struct Log10F<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.log10(x) } }
struct AtanF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.atan(x) } }
struct SinhF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.sinh(x) } }
struct CoshF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.cosh(x) } }
struct AsinhF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.asinh(x) } }
struct AsinF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.asin(x) } }
struct AcosF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.acos(x) } }
struct AtanhF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.atanh(x) } }
struct AcoshF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.acosh(x) } }
struct SqrtF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { x.squareRoot() } }
struct RsqrtF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { 1 / x.squareRoot() } }
struct SinF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.sin(x) } }
struct CosF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.cos(x) } }
struct TanhF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.tanh(x) } }
struct SigmoidF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { 1 / (1 + T.exp(-x)) } }
struct ErfF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.erf(x) } }
struct GeluF<T: FloatElement>: UnaryFunctor {
    @inline(__always) static func apply(_ x: T) -> T { x * T(double: 0.5) * (1 + T.erf(x * T(double: 0.707_106_781_186_547_6))) }
}
struct ErfinvF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.erfinv(x) } }
struct LgammaF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.lgamma(x) } }
struct DigammaF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.digamma(x) } }
struct TrigammaF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { T.trigamma(x) } }
struct FloorF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { x.rounded(.down) } }
struct CeilF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { x.rounded(.up) } }
struct RoundF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { x.rounded(.toNearestOrEven) } }
struct TruncF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { x.rounded(.towardZero) } }
struct ReciprocalF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { 1 / x } }
struct IsNanF<T: TensorElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> Bool { !T.equals(x, x) } }
struct IsInfF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> Bool { x.isInfinite } }
struct IsFiniteF<T: FloatElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> Bool { x.isFinite } }
/// isfinite and isinf of integers and bools: always true, always false.
struct TrueF<T: TensorElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> Bool { true } }
struct FalseF<T: TensorElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> Bool { false } }
struct LogicalNotF<T: TensorElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> Bool { !x.isTruthy } }
struct CopyF<T: TensorElement>: UnaryFunctor { @inline(__always) static func apply(_ x: T) -> T { x } }
struct CastF<S: TensorElement, D: TensorElement>: UnaryFunctor {
    @inline(__always) static func apply(_ x: S) -> D {
        // Integers convert directly so large int64 values round only once;
        // complex numbers keep both parts, or their real part in a real type.
        if D.dtype.isComplex { return D(real: x.doubleValue, imaginary: x.imaginaryValue) }
        return S.dtype.isFloatingPoint || S.dtype.isComplex ? D(double: x.doubleValue) : D(int64: x.int64Value)
    }
}

struct ExpV: VectorFunctor { @inline(__always) static func apply(_ x: UnsafeRawPointer, _ out: UnsafeMutableRawPointer) { map(x, out, vectorExp) } }
struct LogV: VectorFunctor { @inline(__always) static func apply(_ x: UnsafeRawPointer, _ out: UnsafeMutableRawPointer) { map(x, out, vectorLog) } }
struct TanhV: VectorFunctor { @inline(__always) static func apply(_ x: UnsafeRawPointer, _ out: UnsafeMutableRawPointer) { map(x, out, vectorTanh) } }
struct SigmoidV: VectorFunctor { @inline(__always) static func apply(_ x: UnsafeRawPointer, _ out: UnsafeMutableRawPointer) { map(x, out, vectorSigmoid) } }
struct ErfV: VectorFunctor { @inline(__always) static func apply(_ x: UnsafeRawPointer, _ out: UnsafeMutableRawPointer) { map(x, out, vectorErf) } }
/// torch's order and erf formula: x · 0.5 · (1 + erf(x · (1/√2))), erf by
/// Abramowitz & Stegun 7.1.26 (vectorErfAbsolute), as torch's vector erf.
struct GeluV: VectorFunctor {
    @inline(__always) static func apply(_ x: UnsafeRawPointer, _ out: UnsafeMutableRawPointer) {
        // No closure: one left out of line would take its Vector16 in quarters.
        let v = x.loadUnaligned(as: Vector16.self)
        out.storeBytes(of: v * 0.5 * (1 + vectorErfAbsolute(v * 0.707_106_781_186_547_6)), as: Vector16.self)
    }
}

/// `row` copied to each of `rows` rows of `rowBytes` at `out`. A broadcast
/// copy through the strided loops paid its per-row setup on every short row
/// (a linear layer's bias over 1920 rows of 32: 23 µs, torch's 1 µs).
@Sendable func repeatRowKernel(_ out: UnsafeMutableRawPointer, _ row: UnsafeRawPointer, _ rows: Int, _ rowBytes: Int) {
    Parallel.forEachChunk(rows, costPerItem: Swift.max(rowBytes / 16, 1)) { range in
        for r in range { memcpy(out + r &* rowBytes, row, rowBytes) }
    }
}

/// GELU's gradient g · (Φ(x) + x φ(x)) in one pass (the composite made
/// eleven). float32 through vectorGeluSlope (Φ as in GELU's forward, GeluV).
@Sendable func geluBackwardKernel(_ kind: DType, _ dx: UnsafeMutableRawPointer, _ g: UnsafeRawPointer, _ x: UnsafeRawPointer,
                                  _ count: Int) {
    switch kind {
    case .float32:
        let (dx, g, x) = (dx.assumingMemoryBound(to: Float.self), g.assumingMemoryBound(to: Float.self),
                          x.assumingMemoryBound(to: Float.self))
        let vectors = count / 16
        Parallel.forEachChunk(vectors, costPerItem: 16 * Parallel.vectorMathCost) { range in
            for v in range { geluGradientVector(dx + v * 16, g + v * 16, x + v * 16) }
        }
        let done = vectors * 16
        if done < count {  // the last few through a zero-padded vector, so every lane takes the same formula
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 48) { scratch in
                guard let lanes = scratch.baseAddress else { return }
                lanes.initialize(repeating: 0, count: 48)
                (lanes + 16).update(from: g + done, count: count - done)
                (lanes + 32).update(from: x + done, count: count - done)
                geluGradientVector(lanes, lanes + 16, lanes + 32)
                (dx + done).update(from: lanes, count: count - done)
            }
        }
    case .float64:
        let (dx, g, x) = (dx.assumingMemoryBound(to: Double.self), g.assumingMemoryBound(to: Double.self),
                          x.assumingMemoryBound(to: Double.self))
        Parallel.forEachChunk(count, costPerItem: Parallel.transcendentalCost) { range in
            for i in range { dx[i] = GeluGradientF<Double>.apply(g[i], x[i]) }
        }
    default: break
    }
}

/// 16 lanes of GELU's gradient. Not inlined into the loop: a small function
/// keeps the exp in whole vectors.
@inline(never)
private func geluGradientVector(_ dx: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>) {
    let v = UnsafeRawPointer(x).loadUnaligned(as: Vector16.self)
    let slope = vectorGeluSlope(v)
    UnsafeMutableRawPointer(dx).storeBytes(of: UnsafeRawPointer(g).loadUnaligned(as: Vector16.self) * slope, as: Vector16.self)
}

/// GELU's gradient on one element (float64): g · (Φ(x) + x φ(x)).
struct GeluGradientF<T: FloatElement>: BinaryFunctor {
    @inline(__always) static func apply(_ g: T, _ x: T) -> T {
        let cdf = T(double: 0.5) * (1 + T.erf(x * T(double: 0.707_106_781_186_547_6)))
        let density = T.exp(x * x * T(double: -0.5)) * T(double: 0.398_942_280_401_432_7)
        return g * (cdf + x * density)
    }
}

// MARK: binary functors

struct AddF<T: ArithmeticElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> T { T.add(a, b) } }
struct SubF<T: ArithmeticElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> T { T.sub(a, b) } }
struct MulF<T: ArithmeticElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> T { T.mul(a, b) } }
struct DivF<T: FloatElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> T { a / b } }
struct PowF<T: FloatElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> T { T.pow(a, b) } }
struct MaximumF<T: ArithmeticElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> T { T.maxPropagatingNaN(a, b) } }
struct MinimumF<T: ArithmeticElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> T { T.minPropagatingNaN(a, b) } }
struct FmodF<T: FloatElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> T { T.fmod(a, b) } }
struct Atan2F<T: FloatElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> T { T.atan2(a, b) } }
/// torch's threshold_backward(g, y, 0): y <= 0 ? 0 : g.
struct ReluGradientF<T: FloatElement>: BinaryFunctor { @inline(__always) static func apply(_ g: T, _ y: T) -> T { y <= 0 ? 0 : g } }
struct HypotF<T: FloatElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> T { T.hypot(a, b) } }
/// Python's modulo: the result takes the divisor's sign.
struct RemainderF<T: FloatElement>: BinaryFunctor {
    @inline(__always) static func apply(_ a: T, _ b: T) -> T {
        var r = T.fmod(a, b)
        if r != 0 && (r < 0) != (b < 0) { r += b }
        return r
    }
}
/// torch's div with rounding_mode for floats: floor division through fmod,
/// which is exact where floor(a / b) would round first.
struct FloatDivFloorF<T: FloatElement>: BinaryFunctor {
    @inline(__always) static func apply(_ a: T, _ b: T) -> T {
        if b == 0 { return a / b }
        let mod = T.fmod(a, b)
        var div = (a - mod) / b
        if mod != 0 && (b < 0) != (mod < 0) { div -= 1 }
        if div == 0 { return (a / b).sign == .minus ? -0.0 : 0 }
        var floored = div.rounded(.down)
        if div - floored > 0.5 { floored += 1 }
        return floored
    }
}
struct FloatDivTruncF<T: FloatElement>: BinaryFunctor {
    @inline(__always) static func apply(_ a: T, _ b: T) -> T { (a / b).rounded(.towardZero) }
}
/// Integer quotients; division by zero is refused by the op first.
struct IntDivTruncF: BinaryFunctor {
    @inline(__always) static func apply(_ a: Int64, _ b: Int64) -> Int64 { a.dividedReportingOverflow(by: b).partialValue }
}
struct IntDivFloorF: BinaryFunctor {
    @inline(__always) static func apply(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a.dividedReportingOverflow(by: b).partialValue
        let r = a.remainderReportingOverflow(dividingBy: b).partialValue
        return (r != 0 && (r < 0) != (b < 0)) ? q &- 1 : q
    }
}

/// Integer fmod and remainder; division by zero is refused by the op first,
/// and the overflow-reporting form never traps.
struct IntFmodF: BinaryFunctor {
    @inline(__always) static func apply(_ a: Int64, _ b: Int64) -> Int64 { a.remainderReportingOverflow(dividingBy: b).partialValue }
}
struct IntRemainderF: BinaryFunctor {
    @inline(__always) static func apply(_ a: Int64, _ b: Int64) -> Int64 {
        var r = a.remainderReportingOverflow(dividingBy: b).partialValue
        if r != 0 && (r < 0) != (b < 0) { r &+= b }
        return r
    }
}

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
struct AndF<T: TensorElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> Bool { a.isTruthy && b.isTruthy } }
struct OrF<T: TensorElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> Bool { a.isTruthy || b.isTruthy } }
struct XorF<T: TensorElement>: BinaryFunctor { @inline(__always) static func apply(_ a: T, _ b: T) -> Bool { a.isTruthy != b.isTruthy } }

// MARK: loops

/// One row of a unary op: contiguous fast path first.
@inline(__always)
private func unaryRow<F: UnaryFunctor>(_: F.Type, _ out: UnsafeMutablePointer<F.Out>, _ so: Int,
                                       _ x: UnsafePointer<F.In>, _ sx: Int, _ n: Int) {
    if so == 1 && sx == 1 && F.In.self == F.Out.self && UnsafeRawPointer(out) == UnsafeRawPointer(x) {
        // x = f(x): reading through the output pointer itself leaves LLVM no
        // aliasing to fear, so the loop vectorizes.
        let io = UnsafeRawPointer(out).assumingMemoryBound(to: F.In.self)
        for i in 0..<n { out[i] = F.apply(io[i]) }
    } else if so == 1 && sx == 1 && overlaps(out, x, n) {
        inBlocks(out, n) { tmp, start, m in for i in 0..<m { tmp[i] = F.apply(x[start + i]) } }
    } else if so == 1 && sx == 1 {
        for i in 0..<n { out[i] = F.apply(x[i]) }
    } else if so == 1 && sx == -1 && !overlaps(out, x - (n - 1), n) {
        let first = x - (n - 1)  // a reversed row (flip): still one vector loop
        for i in 0..<n { out[i] = F.apply(first[n - 1 - i]) }
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

/// Whether n unit-stride outputs at `out` share memory with n inputs at `x`.
@inline(__always)
private func overlaps<A, B>(_ out: UnsafeMutablePointer<A>, _ x: UnsafePointer<B>, _ n: Int) -> Bool {
    let o = UInt(bitPattern: out), i = UInt(bitPattern: x)
    return o < i &+ UInt(n &* MemoryLayout<B>.stride) && i < o &+ UInt(n &* MemoryLayout<A>.stride)
}

/// A row whose output partly overlaps an input: LLVM's alias check would send
/// the loop to scalar code, so `fill` computes blocks into a stack buffer
/// (which aliases nothing), then each block is copied out. (Exact in-place
/// rows read through the output pointer instead, which is faster still.)
@inline(__always)
private func inBlocks<T>(_ out: UnsafeMutablePointer<T>, _ n: Int,
                         _ fill: (_ block: UnsafeMutablePointer<T>, _ start: Int, _ count: Int) -> Void) {
    withUnsafeTemporaryAllocation(of: T.self, capacity: 512) { buffer in
        guard let block = buffer.baseAddress else { return }
        var start = 0
        while start < n {
            let m = Swift.min(512, n - start)
            fill(block, start, m)
            (out + start).update(from: block, count: m)
            start += m
        }
    }
}

/// One row of a float32 vector function, 16 lanes at a time. The tail and
/// strided rows go through a vector as well, so every element sees the same
/// arithmetic wherever it sits.
@inline(__always)
private func vectorRow<F: VectorFunctor>(_: F.Type, _ out: UnsafeMutablePointer<Float>, _ so: Int,
                                         _ x: UnsafePointer<Float>, _ sx: Int, _ n: Int) {
    var i = 0
    if so == 1 && sx == 1 {
        // Two blocks per step: independent chains the core overlaps.
        while i + 32 <= n {
            F.apply(x + i, out + i)
            F.apply(x + i + 16, out + i + 16)
            i += 32
        }
        while i + 16 <= n {
            F.apply(x + i, out + i)
            i += 16
        }
    }
    var v = Vector16(), r = Vector16()
    while i < n {
        let lanes = Swift.min(16, n - i)
        for lane in 0..<lanes { v[lane] = x[(i + lane) * sx] }
        withUnsafeMutablePointer(to: &v) { vp in
            withUnsafeMutablePointer(to: &r) { rp in F.apply(UnsafeRawPointer(vp), UnsafeMutableRawPointer(rp)) }
        }
        for lane in 0..<lanes { out[(i + lane) * so] = r[lane] }
        i += lanes
    }
}

/// One row of a binary op: same-layout and scalar-operand fast paths first.
@inline(__always)
private func binaryRow<F: BinaryFunctor>(_: F.Type, _ out: UnsafeMutablePointer<F.Out>, _ so: Int,
                                         _ a: UnsafePointer<F.In>, _ sa: Int,
                                         _ b: UnsafePointer<F.In>, _ sb: Int, _ n: Int) {
    let sameType = F.In.self == F.Out.self
    if so == 1 && sa == 1 && sb == 1 && sameType && UnsafeRawPointer(out) == UnsafeRawPointer(a)
        && UnsafeRawPointer(out) == UnsafeRawPointer(b) {
        let x = UnsafeRawPointer(out).assumingMemoryBound(to: F.In.self)  // x op= x
        for i in 0..<n { out[i] = F.apply(x[i], x[i]) }
    } else if so == 1 && sa == 1 && sb == 1 && sameType && UnsafeRawPointer(out) == UnsafeRawPointer(a) && !overlaps(out, b, n) {
        let x = UnsafeRawPointer(out).assumingMemoryBound(to: F.In.self)  // x op= y, as above
        for i in 0..<n { out[i] = F.apply(x[i], b[i]) }
    } else if so == 1 && sa == 1 && sb == 1 && sameType && UnsafeRawPointer(out) == UnsafeRawPointer(b) && !overlaps(out, a, n) {
        let y = UnsafeRawPointer(out).assumingMemoryBound(to: F.In.self)
        for i in 0..<n { out[i] = F.apply(a[i], y[i]) }
    } else if so == 1 && sa == 1 && sb == 1 && (overlaps(out, a, n) || overlaps(out, b, n)) {
        inBlocks(out, n) { tmp, start, m in for i in 0..<m { tmp[i] = F.apply(a[start + i], b[start + i]) } }
    } else if so == 1 && sa == 1 && sb == 1 {
        for i in 0..<n { out[i] = F.apply(a[i], b[i]) }
    } else if so == 1 && sa == 1 && sb == 0 {
        let y = b[0]
        if sameType && UnsafeRawPointer(out) == UnsafeRawPointer(a) {
            let x = UnsafeRawPointer(out).assumingMemoryBound(to: F.In.self)
            for i in 0..<n { out[i] = F.apply(x[i], y) }
        } else if overlaps(out, a, n) {
            inBlocks(out, n) { tmp, start, m in for i in 0..<m { tmp[i] = F.apply(a[start + i], y) } }
        } else {
            for i in 0..<n { out[i] = F.apply(a[i], y) }
        }
    } else if so == 1 && sa == 0 && sb == 1 {
        let x = a[0]
        if sameType && UnsafeRawPointer(out) == UnsafeRawPointer(b) {
            let y = UnsafeRawPointer(out).assumingMemoryBound(to: F.In.self)
            for i in 0..<n { out[i] = F.apply(x, y[i]) }
        } else if overlaps(out, b, n) {
            inBlocks(out, n) { tmp, start, m in for i in 0..<m { tmp[i] = F.apply(x, b[start + i]) } }
        } else {
            for i in 0..<n { out[i] = F.apply(x, b[i]) }
        }
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

private func runUnary<F: UnaryFunctor>(_ f: F.Type, _ out: UnsafeMutableRawPointer, _ x: UnsafeRawPointer,
                                       _ loop: StridedLoop, cost: Int = 1) {
    let o = out.assumingMemoryBound(to: F.Out.self)
    let xp = x.assumingMemoryBound(to: F.In.self)
    let so = loop.innerStrides[0], sx = loop.innerStrides[1]
    if transposedTiles(f, o, xp, loop, cost: cost) { return }
    if so == 1 && sx == 1 && loop.disjoint(0, out, MemoryLayout<F.Out>.stride, 1, x, MemoryLayout<F.In>.stride) {
        loop.run(costPerElement: cost) { (offsets: SIMD4<Int>, start: Int, n: Int) in
            let rowOut = o + (offsets[0] + start), rowX = xp + (offsets[1] + start)
            for i in 0..<n { rowOut[i] = F.apply(rowX[i]) }
        }
        return
    }
    loop.run(costPerElement: cost) { (offsets: SIMD4<Int>, start: Int, n: Int) in
        let rowOut = o + (offsets[0] + start * so)
        let rowX = xp + (offsets[1] + start * sx)
        unaryRow(f, rowOut, so, rowX, sx, n)
    }
}

/// out = f(x) where out's rows are x's columns (x.t().contiguous(), a cast
/// of a transposed tensor): walking rows reads x a whole cache line per
/// element, so this walks tiles of `side` x `side`, each of whose lines of x
/// serves `side` rows. Returns false when the layout is not like that.
private func transposedTiles<F: UnaryFunctor>(_: F.Type, _ out: UnsafeMutablePointer<F.Out>, _ x: UnsafePointer<F.In>,
                                              _ loop: StridedLoop, cost: Int) -> Bool {
    let side = 16
    let outerRank = loop.outerShape.count
    let so = loop.innerStrides[0], sx = loop.innerStrides[1], columns = loop.innerCount
    guard outerRank >= 1, so == 1, sx != 1, sx != 0, columns >= side else { return false }
    let rows = loop.outerShape[outerRank - 1]
    let rowOut = loop.outerStrides[outerRank - 1], rowX = loop.outerStrides[2 * outerRank - 1]
    // Neighbouring rows must be close in x (a step of 1 for a transpose, a
    // few for a strided slice of one) so that a tile's rows share x's lines.
    guard rowX != 0, abs(rowX) <= 8, rows >= side else { return false }
    // Items: blocks of `side` rows, within each position of the other outer dims.
    let blocksPerGroup = (rows + side - 1) / side
    let items = loop.rowCount / rows * blocksPerGroup
    Parallel.forEachChunk(items, costPerItem: side * columns * cost) { range in
        for item in range {
            let firstRow = item / blocksPerGroup * rows + item % blocksPerGroup * side
            let height = Swift.min(side, rows - item % blocksPerGroup * side)
            loop.forEachRow(firstRow..<firstRow + 1) { offsets in
                let o = out + offsets[0], xb = x + offsets[1]
                var column = 0
                while column < columns {
                    let width = Swift.min(side, columns - column)
                    for r in 0..<height {
                        let orow = o + (r * rowOut + column), xrow = xb + (r * rowX + column * sx)
                        for c in 0..<width { orow[c] = F.apply(xrow[c * sx]) }
                    }
                    column += width
                }
            }
        }
    }
    return true
}

private func runVector<F: VectorFunctor>(_ f: F.Type, _ out: UnsafeMutableRawPointer, _ x: UnsafeRawPointer, _ loop: StridedLoop) {
    let o = out.assumingMemoryBound(to: Float.self)
    let xp = x.assumingMemoryBound(to: Float.self)
    let so = loop.innerStrides[0], sx = loop.innerStrides[1]
    loop.run(costPerElement: Parallel.vectorMathCost) { (offsets: SIMD4<Int>, start: Int, n: Int) in
        let rowOut = o + (offsets[0] + start * so)
        let rowX = xp + (offsets[1] + start * sx)
        vectorRow(f, rowOut, so, rowX, sx, n)
    }
}

private func runBinary<F: BinaryFunctor>(_ f: F.Type, _ out: UnsafeMutableRawPointer, _ a: UnsafeRawPointer,
                                         _ b: UnsafeRawPointer, _ loop: StridedLoop, cost: Int = 1) {
    let o = out.assumingMemoryBound(to: F.Out.self)
    let ap = a.assumingMemoryBound(to: F.In.self)
    let bp = b.assumingMemoryBound(to: F.In.self)
    let so = loop.innerStrides[0], sa = loop.innerStrides[1], sb = loop.innerStrides[2]
    // The common layouts with an output that aliases neither input (a fresh
    // result): checked once here, so each row is a bare vector loop. Short
    // rows (a bias over 32 features) spent most of their time in the
    // per-row aliasing checks of binaryRow.
    if so == 1 && (sa == 1 || sa == 0) && (sb == 1 || sb == 0) && !(sa == 0 && sb == 0)
        && loop.disjoint(0, out, MemoryLayout<F.Out>.stride, 1, a, MemoryLayout<F.In>.stride)
        && loop.disjoint(0, out, MemoryLayout<F.Out>.stride, 2, b, MemoryLayout<F.In>.stride) {
        loop.run(costPerElement: cost) { (offsets: SIMD4<Int>, start: Int, n: Int) in
            let rowOut = o + (offsets[0] + start)
            if sa == 1 && sb == 1 {
                let rowA = ap + (offsets[1] + start), rowB = bp + (offsets[2] + start)
                for i in 0..<n { rowOut[i] = F.apply(rowA[i], rowB[i]) }
            } else if sb == 0 {
                let rowA = ap + (offsets[1] + start), y = bp[offsets[2]]
                for i in 0..<n { rowOut[i] = F.apply(rowA[i], y) }
            } else {
                let x = ap[offsets[1]], rowB = bp + (offsets[2] + start)
                for i in 0..<n { rowOut[i] = F.apply(x, rowB[i]) }
            }
        }
        return
    }
    loop.run(costPerElement: cost) { (offsets: SIMD4<Int>, start: Int, n: Int) in
        let rowOut = o + (offsets[0] + start * so)
        let rowA = ap + (offsets[1] + start * sa)
        let rowB = bp + (offsets[2] + start * sb)
        binaryRow(f, rowOut, so, rowA, sa, rowB, sb, n)
    }
}

// MARK: entry points (dispatch on op and element kind)

/// Callers have checked that the op takes this kind; an unsupported pair does nothing.
@Sendable func binaryKernel(_ op: BinaryOp, _ kind: DType, _ out: UnsafeMutableRawPointer,
                  _ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ loop: StridedLoop) {
    switch kind {
    case .float32: floatBinary(op, Float.self, out, a, b, loop)
    case .float64: floatBinary(op, Double.self, out, a, b, loop)
    case .int64:
        switch op {
        case .pow: runBinary(IntPowF.self, out, a, b, loop)
        case .fmod: runBinary(IntFmodF.self, out, a, b, loop)
        case .remainder: runBinary(IntRemainderF.self, out, a, b, loop)
        case .divTrunc: runBinary(IntDivTruncF.self, out, a, b, loop)
        case .divFloor: runBinary(IntDivFloorF.self, out, a, b, loop)
        case .div: break  // true division of integers promotes to float before reaching here
        default: arithmeticBinary(op, Int64.self, out, a, b, loop)
        }
    case .bool:
        arithmeticBinary(op, Bool.self, out, a, b, loop)
    default: break  // storage types: the engine computes them in their kernel type
    }
}

private func floatBinary<T: FloatElement>(_ op: BinaryOp, _: T.Type, _ out: UnsafeMutableRawPointer,
                                          _ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ loop: StridedLoop) {
    let cost = Parallel.transcendentalCost
    switch op {
    case .div: runBinary(DivF<T>.self, out, a, b, loop)
    case .pow: runBinary(PowF<T>.self, out, a, b, loop, cost: cost)
    case .fmod: runBinary(FmodF<T>.self, out, a, b, loop, cost: cost)
    case .atan2: runBinary(Atan2F<T>.self, out, a, b, loop, cost: cost)
    case .hypot: runBinary(HypotF<T>.self, out, a, b, loop, cost: cost)
    case .reluGradient: runBinary(ReluGradientF<T>.self, out, a, b, loop)
    case .remainder: runBinary(RemainderF<T>.self, out, a, b, loop, cost: cost)
    case .divTrunc: runBinary(FloatDivTruncF<T>.self, out, a, b, loop)
    case .divFloor: runBinary(FloatDivFloorF<T>.self, out, a, b, loop, cost: cost)
    default: arithmeticBinary(op, T.self, out, a, b, loop)
    }
}

private func arithmeticBinary<T: ArithmeticElement>(_ op: BinaryOp, _: T.Type, _ out: UnsafeMutableRawPointer,
                                                    _ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ loop: StridedLoop) {
    switch op {
    case .add: runBinary(AddF<T>.self, out, a, b, loop)
    case .sub: runBinary(SubF<T>.self, out, a, b, loop)
    case .mul: runBinary(MulF<T>.self, out, a, b, loop)
    case .maximum: runBinary(MaximumF<T>.self, out, a, b, loop)
    case .minimum: runBinary(MinimumF<T>.self, out, a, b, loop)
    case .eq: runBinary(EqF<T>.self, out, a, b, loop)
    case .ne: runBinary(NeF<T>.self, out, a, b, loop)
    case .lt: runBinary(LtF<T>.self, out, a, b, loop)
    case .le: runBinary(LeF<T>.self, out, a, b, loop)
    case .gt: runBinary(GtF<T>.self, out, a, b, loop)
    case .ge: runBinary(GeF<T>.self, out, a, b, loop)
    case .logicalAnd: runBinary(AndF<T>.self, out, a, b, loop)
    case .logicalOr: runBinary(OrF<T>.self, out, a, b, loop)
    case .logicalXor: runBinary(XorF<T>.self, out, a, b, loop)
    case .div, .pow, .fmod, .remainder, .divTrunc, .divFloor, .atan2, .hypot, .reluGradient: break  // handled by the float and int paths
    }
}

@Sendable func unaryKernel(_ op: UnaryOp, _ kind: DType, _ out: UnsafeMutableRawPointer, _ x: UnsafeRawPointer, _ loop: StridedLoop) {
    switch kind {
    case .float32:
        switch op {
        case .exp: runVector(ExpV.self, out, x, loop)
        case .log: runVector(LogV.self, out, x, loop)
        case .tanh: runVector(TanhV.self, out, x, loop)
        case .sigmoid: runVector(SigmoidV.self, out, x, loop)
        case .erf: runVector(ErfV.self, out, x, loop)
        case .gelu: runVector(GeluV.self, out, x, loop)
        default: floatUnary(op, Float.self, out, x, loop)
        }
    case .float64: floatUnary(op, Double.self, out, x, loop)
    case .int64: integerUnary(op, Int64.self, out, x, loop)
    case .bool: integerUnary(op, Bool.self, out, x, loop)
    default: break  // storage types: the engine computes them in their kernel type
    }
}

private func floatUnary<T: FloatElement>(_ op: UnaryOp, _: T.Type, _ out: UnsafeMutableRawPointer,
                                         _ x: UnsafeRawPointer, _ loop: StridedLoop) {
    let cost = Parallel.transcendentalCost
    switch op {
    case .neg: runUnary(NegF<T>.self, out, x, loop)
    case .abs: runUnary(FloatAbsF<T>.self, out, x, loop)
    case .sign: runUnary(SignF<T>.self, out, x, loop)
    case .relu: runUnary(ReluF<T>.self, out, x, loop)
    case .exp: runUnary(ExpF<T>.self, out, x, loop, cost: cost)
    case .expm1: runUnary(Expm1F<T>.self, out, x, loop, cost: cost)
    case .log: runUnary(LogF<T>.self, out, x, loop, cost: cost)
    case .log1p: runUnary(Log1pF<T>.self, out, x, loop, cost: cost)
    case .log2: runUnary(Log2F<T>.self, out, x, loop, cost: cost)
    case .log10: runUnary(Log10F<T>.self, out, x, loop, cost: cost)
    case .atan: runUnary(AtanF<T>.self, out, x, loop, cost: cost)
    case .sinh: runUnary(SinhF<T>.self, out, x, loop, cost: cost)
    case .cosh: runUnary(CoshF<T>.self, out, x, loop, cost: cost)
    case .asinh: runUnary(AsinhF<T>.self, out, x, loop, cost: cost)
    case .asin: runUnary(AsinF<T>.self, out, x, loop, cost: cost)
    case .acos: runUnary(AcosF<T>.self, out, x, loop, cost: cost)
    case .atanh: runUnary(AtanhF<T>.self, out, x, loop, cost: cost)
    case .acosh: runUnary(AcoshF<T>.self, out, x, loop, cost: cost)
    case .sqrt: runUnary(SqrtF<T>.self, out, x, loop)
    case .rsqrt: runUnary(RsqrtF<T>.self, out, x, loop)
    case .sin: runUnary(SinF<T>.self, out, x, loop, cost: cost)
    case .cos: runUnary(CosF<T>.self, out, x, loop, cost: cost)
    case .tanh: runUnary(TanhF<T>.self, out, x, loop, cost: cost)
    case .sigmoid: runUnary(SigmoidF<T>.self, out, x, loop, cost: cost)
    case .erf: runUnary(ErfF<T>.self, out, x, loop, cost: cost)
    case .gelu: runUnary(GeluF<T>.self, out, x, loop, cost: cost)
    case .erfinv: runUnary(ErfinvF<T>.self, out, x, loop, cost: cost)
    case .lgamma: runUnary(LgammaF<T>.self, out, x, loop, cost: cost)
    case .digamma: runUnary(DigammaF<T>.self, out, x, loop, cost: cost)
    case .trigamma: runUnary(TrigammaF<T>.self, out, x, loop, cost: cost)
    case .floor: runUnary(FloorF<T>.self, out, x, loop)
    case .ceil: runUnary(CeilF<T>.self, out, x, loop)
    case .round: runUnary(RoundF<T>.self, out, x, loop)
    case .trunc: runUnary(TruncF<T>.self, out, x, loop)
    case .reciprocal: runUnary(ReciprocalF<T>.self, out, x, loop)
    case .isnan: runUnary(IsNanF<T>.self, out, x, loop)
    case .isinf: runUnary(IsInfF<T>.self, out, x, loop)
    case .isfinite: runUnary(IsFiniteF<T>.self, out, x, loop)
    case .logicalNot: runUnary(LogicalNotF<T>.self, out, x, loop)
    }
}

/// Integer and bool inputs: the ops that keep their type, and the predicates.
/// Float-only functions promote to float before reaching here.
private func integerUnary<T: ArithmeticElement>(_ op: UnaryOp, _: T.Type, _ out: UnsafeMutableRawPointer,
                                                _ x: UnsafeRawPointer, _ loop: StridedLoop) {
    switch op {
    case .neg: runUnary(NegF<T>.self, out, x, loop)
    case .abs: runUnary(AbsF<T>.self, out, x, loop)
    case .sign: runUnary(SignF<T>.self, out, x, loop)
    case .relu: runUnary(ReluF<T>.self, out, x, loop)
    case .floor, .ceil, .round, .trunc: runUnary(CopyF<T>.self, out, x, loop)
    case .isnan, .isinf: runUnary(FalseF<T>.self, out, x, loop)
    case .isfinite: runUnary(TrueF<T>.self, out, x, loop)
    case .logicalNot: runUnary(LogicalNotF<T>.self, out, x, loop)
    default: break
    }
}

/// Copies with conversion. Every pair with a kernel type (float32, float64,
/// int64, bool) on one side converts here, as does a type to itself and
/// complex to complex; the engine bridges the other storage pairs through a
/// kernel type (exact for all of them), which keeps the specializations few.
@Sendable func castKernel(_ source: DType, _ destination: DType, _ out: UnsafeMutableRawPointer,
                _ x: UnsafeRawPointer, _ loop: StridedLoop) {
    switch source {
    case .float32: cast(Float.self, destination, out, x, loop)
    case .float64: cast(Double.self, destination, out, x, loop)
    case .int64: cast(Int64.self, destination, out, x, loop)
    case .bool: cast(Bool.self, destination, out, x, loop)
    case .int32: castStorage(Int32.self, destination, out, x, loop)
    case .int16: castStorage(Int16.self, destination, out, x, loop)
    case .int8: castStorage(Int8.self, destination, out, x, loop)
    case .uint8: castStorage(UInt8.self, destination, out, x, loop)
    case .float16: castStorage(Float16.self, destination, out, x, loop)
    case .bfloat16: castStorage(BFloat16.self, destination, out, x, loop)
    case .complex64: castStorage(Complex64.self, destination, out, x, loop)
    case .complex128: castStorage(Complex128.self, destination, out, x, loop)
    }
}

/// A kernel type to any type.
private func cast<S: TensorElement>(_: S.Type, _ destination: DType, _ out: UnsafeMutableRawPointer,
                                    _ x: UnsafeRawPointer, _ loop: StridedLoop) {
    if destination == S.dtype { return runUnary(CopyF<S>.self, out, x, loop) }
    switch destination {
    case .float32: runUnary(CastF<S, Float>.self, out, x, loop)
    case .float64: runUnary(CastF<S, Double>.self, out, x, loop)
    case .int64: runUnary(CastF<S, Int64>.self, out, x, loop)
    case .bool: runUnary(CastF<S, Bool>.self, out, x, loop)
    case .int32: runUnary(CastF<S, Int32>.self, out, x, loop)
    case .int16: runUnary(CastF<S, Int16>.self, out, x, loop)
    case .int8: runUnary(CastF<S, Int8>.self, out, x, loop)
    case .uint8: runUnary(CastF<S, UInt8>.self, out, x, loop)
    case .float16: runUnary(CastF<S, Float16>.self, out, x, loop)
    case .bfloat16: runUnary(CastF<S, BFloat16>.self, out, x, loop)
    case .complex64: runUnary(CastF<S, Complex64>.self, out, x, loop)
    case .complex128: runUnary(CastF<S, Complex128>.self, out, x, loop)
    }
}

/// A storage type to itself, to a kernel type, or (complex) to the other complex type.
private func castStorage<S: TensorElement>(_: S.Type, _ destination: DType, _ out: UnsafeMutableRawPointer,
                                           _ x: UnsafeRawPointer, _ loop: StridedLoop) {
    if destination == S.dtype { return runUnary(CopyF<S>.self, out, x, loop) }
    switch destination {
    case .float32: runUnary(CastF<S, Float>.self, out, x, loop)
    case .float64: runUnary(CastF<S, Double>.self, out, x, loop)
    case .int64: runUnary(CastF<S, Int64>.self, out, x, loop)
    case .bool: runUnary(CastF<S, Bool>.self, out, x, loop)
    case .complex64 where S.dtype.isComplex: runUnary(CastF<S, Complex64>.self, out, x, loop)
    case .complex128 where S.dtype.isComplex: runUnary(CastF<S, Complex128>.self, out, x, loop)
    default: break  // bridged by the engine (DType.castBridge)
    }
}

@Sendable func fillKernel(_ kind: DType, _ out: UnsafeMutableRawPointer, _ value: Double, _ integer: Int64?, _ loop: StridedLoop) {
    switch kind {
    case .float32: fill(Float(value), out, loop)
    case .float64: fill(value, out, loop)
    case .int64: fill(integer ?? Int64(double: value), out, loop)
    case .bool: fill(value != 0 || (integer ?? 0) != 0, out, loop)
    case .int32: fill(integer.map { Int32(int64: $0) } ?? Int32(double: value), out, loop)
    case .int16: fill(integer.map { Int16(int64: $0) } ?? Int16(double: value), out, loop)
    case .int8: fill(integer.map { Int8(int64: $0) } ?? Int8(double: value), out, loop)
    case .uint8: fill(integer.map { UInt8(int64: $0) } ?? UInt8(double: value), out, loop)
    case .float16: fill(Float16(double: value), out, loop)
    case .bfloat16: fill(BFloat16(double: value), out, loop)
    case .complex64: fill(Complex64(double: value), out, loop)
    case .complex128: fill(Complex128(double: value), out, loop)
    }
}

private func fill<T: TensorElement>(_ value: T, _ out: UnsafeMutableRawPointer, _ loop: StridedLoop) {
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

@Sendable func selectKernel(_ kind: DType, _ out: UnsafeMutableRawPointer, _ condition: UnsafeRawPointer,
                  _ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ loop: StridedLoop) {
    switch kind {
    case .float32: select(Float.self, out, condition, a, b, loop)
    case .float64: select(Double.self, out, condition, a, b, loop)
    case .int64: select(Int64.self, out, condition, a, b, loop)
    case .bool: select(Bool.self, out, condition, a, b, loop)
    case .int32: select(Int32.self, out, condition, a, b, loop)
    case .int16: select(Int16.self, out, condition, a, b, loop)
    case .int8: select(Int8.self, out, condition, a, b, loop)
    case .uint8: select(UInt8.self, out, condition, a, b, loop)
    case .float16: select(Float16.self, out, condition, a, b, loop)
    case .bfloat16: select(BFloat16.self, out, condition, a, b, loop)
    case .complex64: select(Complex64.self, out, condition, a, b, loop)
    case .complex128: select(Complex128.self, out, condition, a, b, loop)
    }
}

private func select<T: TensorElement>(_: T.Type, _ out: UnsafeMutableRawPointer, _ condition: UnsafeRawPointer,
                                      _ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ loop: StridedLoop) {
    let o = out.assumingMemoryBound(to: T.self)
    let c = condition.assumingMemoryBound(to: Bool.self)
    let ap = a.assumingMemoryBound(to: T.self)
    let bp = b.assumingMemoryBound(to: T.self)
    let s = loop.innerStrides
    loop.run { (offsets: SIMD4<Int>, start: Int, n: Int) in
        let ro = UnsafeMutableRawPointer(o + (offsets[0] + start * s[0])), rc = c + (offsets[1] + start * s[1])
        let ra = UnsafeRawPointer(ap + (offsets[2] + start * s[2])), rb = UnsafeRawPointer(bp + (offsets[3] + start * s[3]))
        switch MemoryLayout<T>.stride {
        case 16: selectRow(UInt128.self, ro, rc, ra, rb, s, n)
        case 8: selectRow(UInt64.self, ro, rc, ra, rb, s, n)
        case 4: selectRow(UInt32.self, ro, rc, ra, rb, s, n)
        case 2: selectRow(UInt16.self, ro, rc, ra, rb, s, n)
        default: selectRow(UInt8.self, ro, rc, ra, rb, s, n)
        }
    }
}

/// One row of `where` on the elements' bits: out = (a & m) | (b & ~m), with
/// m all ones where the condition's byte is 1. A `c ? a : b` compiled to a
/// branch per element, which a random mask mispredicts half the time
/// (masked_fill ran 3x slower than where). A broadcast scalar (masked_fill's
/// value) gets a loop of its own.
@inline(never)
private func selectRow<U: FixedWidthInteger & UnsignedInteger>(_: U.Type, _ outRaw: UnsafeMutableRawPointer,
                                                               _ condition: UnsafePointer<Bool>, _ aRaw: UnsafeRawPointer,
                                                               _ bRaw: UnsafeRawPointer, _ s: SIMD4<Int>, _ n: Int) {
    let out = outRaw.assumingMemoryBound(to: U.self), a = aRaw.assumingMemoryBound(to: U.self)
    let b = bRaw.assumingMemoryBound(to: U.self)
    let bytes = UnsafeRawPointer(condition).assumingMemoryBound(to: UInt8.self)
    @inline(__always) func mask(_ i: Int) -> U { 0 &- U(truncatingIfNeeded: bytes[i] & 1) }
    if s == SIMD4(repeating: 1) {
        for i in 0..<n { let m = mask(i); out[i] = (a[i] & m) | (b[i] & ~m) }
    } else if s == SIMD4(1, 1, 0, 1) {
        let value = a[0]
        for i in 0..<n { let m = mask(i); out[i] = (value & m) | (b[i] & ~m) }
    } else if s == SIMD4(1, 1, 1, 0) {
        let value = b[0]
        for i in 0..<n { let m = mask(i); out[i] = (a[i] & m) | (value & ~m) }
    } else {
        for i in 0..<n {
            let m = mask(i * s[1])
            out[i * s[0]] = (a[i * s[2]] & m) | (b[i * s[3]] & ~m)
        }
    }
}

/// out = min(max(x, low), high); NaN in x stays NaN, as torch.clamp.
@Sendable func clampKernel(_ kind: DType, _ out: UnsafeMutableRawPointer, _ x: UnsafeRawPointer,
                 _ low: UnsafeRawPointer?, _ high: UnsafeRawPointer?, _ loop: StridedLoop) {
    switch kind {
    case .float32: clamp(Float.self, out, x, low, high, loop)
    case .float64: clamp(Double.self, out, x, low, high, loop)
    case .int64: clamp(Int64.self, out, x, low, high, loop)
    case .bool: clamp(Bool.self, out, x, low, high, loop)
    default: break  // storage types: the engine computes them in their kernel type
    }
}

private func clamp<T: ArithmeticElement>(_: T.Type, _ out: UnsafeMutableRawPointer, _ x: UnsafeRawPointer,
                                         _ low: UnsafeRawPointer?, _ high: UnsafeRawPointer?, _ loop: StridedLoop) {
    let o = out.assumingMemoryBound(to: T.self)
    let xp = x.assumingMemoryBound(to: T.self)
    // An absent bound points at x (never read in the loop; keeps pointers non-optional).
    let lo = low?.assumingMemoryBound(to: T.self) ?? xp
    let hi = high?.assumingMemoryBound(to: T.self) ?? xp
    let s = loop.innerStrides
    loop.run { (offsets: SIMD4<Int>, start: Int, n: Int) in
        let ro = o + (offsets[0] + start * s[0]), rx = xp + (offsets[1] + start * s[1])
        let rl = low == nil ? rx : lo + (offsets[2] + start * s[2]), sl = low == nil ? s[1] : s[2]
        let rh = high == nil ? rx : hi + (offsets[3] + start * s[3]), sh = high == nil ? s[1] : s[3]
        let numberLow = low == nil || (sl == 0 && T.equals(rl[0], rl[0]))
        let numberHigh = high == nil || (sh == 0 && T.equals(rh[0], rh[0]))
        if s[0] == 1 && s[1] == 1 && numberLow && numberHigh {
            // Number bounds on a contiguous row: selects the vectorizer turns
            // into compare-and-blend (a NaN input fails both tests and stays NaN).
            let l = low == nil ? T.lowest : rl[0], h = high == nil ? T.highest : rh[0]
            for i in 0..<n {
                var v = rx[i]
                v = T.lessThan(v, l) ? l : v
                v = T.lessThan(h, v) ? h : v
                ro[i] = v
            }
            return
        }
        let hasLow = low != nil, hasHigh = high != nil
        for i in 0..<n {
            var v = rx[i * s[1]]
            // A NaN bound makes the result NaN, and a NaN input stays NaN.
            if hasLow { let l = rl[i * sl]; if T.lessThan(v, l) || !T.equals(l, l) { v = l } }
            if hasHigh { let h = rh[i * sh]; if T.lessThan(h, v) || !T.equals(h, h) { v = h } }
            ro[i * s[0]] = v
        }
    }
}
