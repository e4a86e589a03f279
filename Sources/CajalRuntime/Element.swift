import Glibc

/// A Swift type that backs one `DType`, for the kernels and the engine alike.
/// Kernels are generic over these and specialised per type, so inner loops are
/// plain loads, math and stores; every witness is inlinable so that the kernel
/// modules, compiled with their own instruction sets, inline it.
public protocol TensorElement {
    static var dtype: DType { get }
    static var zero: Self { get }
    static var one: Self { get }
    init(double: Double)
    init(int64: Int64)
    var doubleValue: Double { get }
    var int64Value: Int64 { get }
    var isTruthy: Bool { get }
    static func lessThan(_ a: Self, _ b: Self) -> Bool
    static func lessOrEqual(_ a: Self, _ b: Self) -> Bool
    static func equals(_ a: Self, _ b: Self) -> Bool
    /// An unsigned integer in torch.sort's order: every NaN ranks highest and
    /// -0 ties with 0, so sorting keys sorts values.
    var sortKey: UInt64 { get }
    /// A complex element's parts (the real types: their value and 0).
    init(real: Double, imaginary: Double)
    var imaginaryValue: Double { get }
}

extension TensorElement {
    @inlinable public init(real: Double, imaginary: Double) { self.init(double: real) }
    @inlinable public var imaginaryValue: Double { 0 }
}

/// Elements with arithmetic: wrapping for integers as torch does, logical for bool.
public protocol ArithmeticElement: TensorElement {
    static func add(_ a: Self, _ b: Self) -> Self
    static func sub(_ a: Self, _ b: Self) -> Self
    static func mul(_ a: Self, _ b: Self) -> Self
    /// The identities of max and min.
    static var lowest: Self { get }
    static var highest: Self { get }
    /// max and min that propagate NaN (torch.maximum / torch.minimum).
    static func maxPropagatingNaN(_ a: Self, _ b: Self) -> Self
    static func minPropagatingNaN(_ a: Self, _ b: Self) -> Self
}

/// float32 and float64: the types the math functions run in.
public protocol FloatElement: ArithmeticElement, BinaryFloatingPoint {
    static func exp(_ x: Self) -> Self
    static func expm1(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func sqrt(_ x: Self) -> Self
    static func log1p(_ x: Self) -> Self
    static func log2(_ x: Self) -> Self
    static func log10(_ x: Self) -> Self
    static func atan(_ x: Self) -> Self
    static func sinh(_ x: Self) -> Self
    static func cosh(_ x: Self) -> Self
    static func asinh(_ x: Self) -> Self
    static func asin(_ x: Self) -> Self
    static func acos(_ x: Self) -> Self
    static func atanh(_ x: Self) -> Self
    static func acosh(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func erf(_ x: Self) -> Self
    static func sin(_ x: Self) -> Self
    static func cos(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
    static func fmod(_ x: Self, _ y: Self) -> Self
    static func atan2(_ y: Self, _ x: Self) -> Self
    static func hypot(_ x: Self, _ y: Self) -> Self
    static func erfinv(_ x: Self) -> Self
    static func lgamma(_ x: Self) -> Self
    static func digamma(_ x: Self) -> Self
    static func trigamma(_ x: Self) -> Self
}

/// Converts to int64 the way x86 does for out-of-range values (INT64_MIN),
/// where a plain Swift conversion would trap.
@inlinable
public func saturatingInt64(_ x: Double) -> Int64 {
    (x >= -9.223372036854775808e18 && x < 9.223372036854775808e18) ? Int64(x) : Int64.min
}

extension Float: FloatElement {
    @inlinable @inline(__always) public var sortKey: UInt64 {
        if isNaN { return UInt64.max }
        let bits = (self + 0).bitPattern  // + 0 turns -0 into 0
        return UInt64(bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000)
    }
    @inlinable public static var dtype: DType { .float32 }
    @inlinable public static var one: Float { 1 }
    @inlinable public static var lowest: Float { -.infinity }
    @inlinable public static var highest: Float { .infinity }
    @inlinable public init(double: Double) { self.init(double) }
    @inlinable public init(int64: Int64) { self.init(int64) }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public var int64Value: Int64 { saturatingInt64(Double(self)) }
    @inlinable public var isTruthy: Bool { self != 0 }
    @inlinable @inline(__always) public static func lessThan(_ a: Float, _ b: Float) -> Bool { a < b }
    @inlinable @inline(__always) public static func lessOrEqual(_ a: Float, _ b: Float) -> Bool { a <= b }
    @inlinable @inline(__always) public static func equals(_ a: Float, _ b: Float) -> Bool { a == b }
    @inlinable @inline(__always) public static func add(_ a: Float, _ b: Float) -> Float { a + b }
    @inlinable @inline(__always) public static func sub(_ a: Float, _ b: Float) -> Float { a - b }
    @inlinable @inline(__always) public static func mul(_ a: Float, _ b: Float) -> Float { a * b }
    @inlinable @inline(__always) public static func maxPropagatingNaN(_ a: Float, _ b: Float) -> Float { a.isNaN || a > b ? a : b }
    @inlinable @inline(__always) public static func minPropagatingNaN(_ a: Float, _ b: Float) -> Float { a.isNaN || a < b ? a : b }
    @inlinable @inline(__always) public static func exp(_ x: Float) -> Float { expf(x) }
    @inlinable @inline(__always) public static func expm1(_ x: Float) -> Float { expm1f(x) }
    @inlinable @inline(__always) public static func log(_ x: Float) -> Float { logf(x) }
    @inlinable @inline(__always) public static func sqrt(_ x: Float) -> Float { x.squareRoot() }
    @inlinable @inline(__always) public static func log1p(_ x: Float) -> Float { log1pf(x) }
    @inlinable @inline(__always) public static func log2(_ x: Float) -> Float { log2f(x) }
    @inlinable @inline(__always) public static func log10(_ x: Float) -> Float { log10f(x) }
    @inlinable @inline(__always) public static func atan(_ x: Float) -> Float { atanf(x) }
    @inlinable @inline(__always) public static func sinh(_ x: Float) -> Float { sinhf(x) }
    @inlinable @inline(__always) public static func cosh(_ x: Float) -> Float { coshf(x) }
    @inlinable @inline(__always) public static func asinh(_ x: Float) -> Float { asinhf(x) }
    @inlinable @inline(__always) public static func asin(_ x: Float) -> Float { asinf(x) }
    @inlinable @inline(__always) public static func acos(_ x: Float) -> Float { acosf(x) }
    @inlinable @inline(__always) public static func atanh(_ x: Float) -> Float { atanhf(x) }
    @inlinable @inline(__always) public static func acosh(_ x: Float) -> Float { acoshf(x) }
    @inlinable @inline(__always) public static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inlinable @inline(__always) public static func erf(_ x: Float) -> Float { erff(x) }
    @inlinable @inline(__always) public static func sin(_ x: Float) -> Float { sinf(x) }
    @inlinable @inline(__always) public static func cos(_ x: Float) -> Float { cosf(x) }
    @inlinable @inline(__always) public static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    @inlinable @inline(__always) public static func fmod(_ x: Float, _ y: Float) -> Float { fmodf(x, y) }
    @inlinable @inline(__always) public static func atan2(_ y: Float, _ x: Float) -> Float { atan2f(y, x) }
    @inlinable @inline(__always) public static func hypot(_ x: Float, _ y: Float) -> Float { hypotf(x, y) }
    @inlinable @inline(__always) public static func erfinv(_ x: Float) -> Float { Float(SpecialFunctions.erfinv(Double(x))) }
    @inlinable @inline(__always) public static func lgamma(_ x: Float) -> Float { SpecialFunctions.lgamma(x) }
    @inlinable @inline(__always) public static func digamma(_ x: Float) -> Float { Float(SpecialFunctions.digamma(Double(x))) }
    @inlinable @inline(__always) public static func trigamma(_ x: Float) -> Float { Float(SpecialFunctions.trigamma(Double(x))) }
}

extension Double: FloatElement {
    @inlinable @inline(__always) public var sortKey: UInt64 {
        if isNaN { return UInt64.max }
        let bits = (self + 0).bitPattern
        return bits & 0x8000_0000_0000_0000 != 0 ? ~bits : bits | 0x8000_0000_0000_0000
    }
    @inlinable public static var dtype: DType { .float64 }
    @inlinable public static var one: Double { 1 }
    @inlinable public static var lowest: Double { -.infinity }
    @inlinable public static var highest: Double { .infinity }
    @inlinable public init(double: Double) { self = double }
    @inlinable public init(int64: Int64) { self.init(int64) }
    @inlinable public var doubleValue: Double { self }
    @inlinable public var int64Value: Int64 { saturatingInt64(self) }
    @inlinable public var isTruthy: Bool { self != 0 }
    @inlinable @inline(__always) public static func lessThan(_ a: Double, _ b: Double) -> Bool { a < b }
    @inlinable @inline(__always) public static func lessOrEqual(_ a: Double, _ b: Double) -> Bool { a <= b }
    @inlinable @inline(__always) public static func equals(_ a: Double, _ b: Double) -> Bool { a == b }
    @inlinable @inline(__always) public static func add(_ a: Double, _ b: Double) -> Double { a + b }
    @inlinable @inline(__always) public static func sub(_ a: Double, _ b: Double) -> Double { a - b }
    @inlinable @inline(__always) public static func mul(_ a: Double, _ b: Double) -> Double { a * b }
    @inlinable @inline(__always) public static func maxPropagatingNaN(_ a: Double, _ b: Double) -> Double { a.isNaN || a > b ? a : b }
    @inlinable @inline(__always) public static func minPropagatingNaN(_ a: Double, _ b: Double) -> Double { a.isNaN || a < b ? a : b }
    @inlinable @inline(__always) public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inlinable @inline(__always) public static func expm1(_ x: Double) -> Double { Glibc.expm1(x) }
    @inlinable @inline(__always) public static func log(_ x: Double) -> Double { Glibc.log(x) }
    @inlinable @inline(__always) public static func sqrt(_ x: Double) -> Double { x.squareRoot() }
    @inlinable @inline(__always) public static func log1p(_ x: Double) -> Double { Glibc.log1p(x) }
    @inlinable @inline(__always) public static func log2(_ x: Double) -> Double { Glibc.log2(x) }
    @inlinable @inline(__always) public static func log10(_ x: Double) -> Double { Glibc.log10(x) }
    @inlinable @inline(__always) public static func atan(_ x: Double) -> Double { Glibc.atan(x) }
    @inlinable @inline(__always) public static func sinh(_ x: Double) -> Double { Glibc.sinh(x) }
    @inlinable @inline(__always) public static func cosh(_ x: Double) -> Double { Glibc.cosh(x) }
    @inlinable @inline(__always) public static func asinh(_ x: Double) -> Double { Glibc.asinh(x) }
    @inlinable @inline(__always) public static func asin(_ x: Double) -> Double { Glibc.asin(x) }
    @inlinable @inline(__always) public static func acos(_ x: Double) -> Double { Glibc.acos(x) }
    @inlinable @inline(__always) public static func atanh(_ x: Double) -> Double { Glibc.atanh(x) }
    @inlinable @inline(__always) public static func acosh(_ x: Double) -> Double { Glibc.acosh(x) }
    @inlinable @inline(__always) public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inlinable @inline(__always) public static func erf(_ x: Double) -> Double { Glibc.erf(x) }
    @inlinable @inline(__always) public static func sin(_ x: Double) -> Double { Glibc.sin(x) }
    @inlinable @inline(__always) public static func cos(_ x: Double) -> Double { Glibc.cos(x) }
    @inlinable @inline(__always) public static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
    @inlinable @inline(__always) public static func fmod(_ x: Double, _ y: Double) -> Double { Glibc.fmod(x, y) }
    @inlinable @inline(__always) public static func atan2(_ y: Double, _ x: Double) -> Double { Glibc.atan2(y, x) }
    @inlinable @inline(__always) public static func hypot(_ x: Double, _ y: Double) -> Double { Glibc.hypot(x, y) }
    @inlinable @inline(__always) public static func erfinv(_ x: Double) -> Double { SpecialFunctions.erfinv(x) }
    @inlinable @inline(__always) public static func lgamma(_ x: Double) -> Double { SpecialFunctions.lgamma(x) }
    @inlinable @inline(__always) public static func digamma(_ x: Double) -> Double { SpecialFunctions.digamma(x) }
    @inlinable @inline(__always) public static func trigamma(_ x: Double) -> Double { SpecialFunctions.trigamma(x) }
}

extension Int64: ArithmeticElement {
    @inlinable @inline(__always) public var sortKey: UInt64 { UInt64(bitPattern: self) ^ 0x8000_0000_0000_0000 }
    @inlinable public static var dtype: DType { .int64 }
    @inlinable public static var one: Int64 { 1 }
    @inlinable public static var lowest: Int64 { .min }
    @inlinable public static var highest: Int64 { .max }
    @inlinable public init(double: Double) { self = saturatingInt64(double) }
    @inlinable public init(int64: Int64) { self = int64 }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public var int64Value: Int64 { self }
    @inlinable public var isTruthy: Bool { self != 0 }
    @inlinable @inline(__always) public static func lessThan(_ a: Int64, _ b: Int64) -> Bool { a < b }
    @inlinable @inline(__always) public static func lessOrEqual(_ a: Int64, _ b: Int64) -> Bool { a <= b }
    @inlinable @inline(__always) public static func equals(_ a: Int64, _ b: Int64) -> Bool { a == b }
    @inlinable @inline(__always) public static func add(_ a: Int64, _ b: Int64) -> Int64 { a &+ b }
    @inlinable @inline(__always) public static func sub(_ a: Int64, _ b: Int64) -> Int64 { a &- b }
    @inlinable @inline(__always) public static func mul(_ a: Int64, _ b: Int64) -> Int64 { a &* b }
    @inlinable @inline(__always) public static func maxPropagatingNaN(_ a: Int64, _ b: Int64) -> Int64 { Swift.max(a, b) }
    @inlinable @inline(__always) public static func minPropagatingNaN(_ a: Int64, _ b: Int64) -> Int64 { Swift.min(a, b) }
}

extension Bool: ArithmeticElement {
    @inlinable @inline(__always) public var sortKey: UInt64 { self ? 1 : 0 }
    @inlinable public static var dtype: DType { .bool }
    @inlinable public static var zero: Bool { false }
    @inlinable public static var one: Bool { true }
    @inlinable public static var lowest: Bool { false }
    @inlinable public static var highest: Bool { true }
    @inlinable public init(double: Double) { self = double != 0 }
    @inlinable public init(int64: Int64) { self = int64 != 0 }
    @inlinable public var doubleValue: Double { self ? 1 : 0 }
    @inlinable public var int64Value: Int64 { self ? 1 : 0 }
    @inlinable public var isTruthy: Bool { self }
    @inlinable @inline(__always) public static func lessThan(_ a: Bool, _ b: Bool) -> Bool { !a && b }
    @inlinable @inline(__always) public static func lessOrEqual(_ a: Bool, _ b: Bool) -> Bool { !a || b }
    @inlinable @inline(__always) public static func equals(_ a: Bool, _ b: Bool) -> Bool { a == b }
    @inlinable @inline(__always) public static func add(_ a: Bool, _ b: Bool) -> Bool { a || b }
    // bool - bool is rejected before any kernel runs, as torch does.
    @inlinable @inline(__always) public static func sub(_ a: Bool, _ b: Bool) -> Bool { a != b }
    @inlinable @inline(__always) public static func mul(_ a: Bool, _ b: Bool) -> Bool { a && b }
    @inlinable @inline(__always) public static func maxPropagatingNaN(_ a: Bool, _ b: Bool) -> Bool { a || b }
    @inlinable @inline(__always) public static func minPropagatingNaN(_ a: Bool, _ b: Bool) -> Bool { a && b }
}
