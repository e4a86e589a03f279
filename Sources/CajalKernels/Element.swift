import CajalRuntime
import Glibc

/// The element types as the kernels see them. Kernels are generic over these
/// and specialised per type, so inner loops are plain loads, math and stores.
protocol KernelElement {
    static var kind: DType { get }
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
}

/// Elements with arithmetic: wrapping for integers as torch does, logical for bool.
protocol ArithmeticElement: KernelElement {
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
protocol FloatElement: ArithmeticElement, BinaryFloatingPoint {
    static func exp(_ x: Self) -> Self
    static func expm1(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func log1p(_ x: Self) -> Self
    static func log2(_ x: Self) -> Self
    static func log10(_ x: Self) -> Self
    static func atan(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func erf(_ x: Self) -> Self
    static func sin(_ x: Self) -> Self
    static func cos(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
    static func fmod(_ x: Self, _ y: Self) -> Self
}

/// Converts to int64 the way x86 does for out-of-range values (INT64_MIN),
/// where a plain Swift conversion would trap.
@inline(__always)
func saturatingInt64(_ x: Double) -> Int64 {
    (x >= -9.223372036854775808e18 && x < 9.223372036854775808e18) ? Int64(x) : Int64.min
}

extension Float: FloatElement {
    @inline(__always) var sortKey: UInt64 {
        if isNaN { return UInt64.max }
        let bits = (self + 0).bitPattern  // + 0 turns -0 into 0
        return UInt64(bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000)
    }
    static var kind: DType { .float32 }
    static var one: Float { 1 }
    static var lowest: Float { -.infinity }
    static var highest: Float { .infinity }
    init(double: Double) { self.init(double) }
    init(int64: Int64) { self.init(int64) }
    var doubleValue: Double { Double(self) }
    var int64Value: Int64 { saturatingInt64(Double(self)) }
    var isTruthy: Bool { self != 0 }
    @inline(__always) static func lessThan(_ a: Float, _ b: Float) -> Bool { a < b }
    @inline(__always) static func lessOrEqual(_ a: Float, _ b: Float) -> Bool { a <= b }
    @inline(__always) static func equals(_ a: Float, _ b: Float) -> Bool { a == b }
    @inline(__always) static func add(_ a: Float, _ b: Float) -> Float { a + b }
    @inline(__always) static func sub(_ a: Float, _ b: Float) -> Float { a - b }
    @inline(__always) static func mul(_ a: Float, _ b: Float) -> Float { a * b }
    @inline(__always) static func maxPropagatingNaN(_ a: Float, _ b: Float) -> Float { a.isNaN || a > b ? a : b }
    @inline(__always) static func minPropagatingNaN(_ a: Float, _ b: Float) -> Float { a.isNaN || a < b ? a : b }
    @inline(__always) static func exp(_ x: Float) -> Float { expf(x) }
    @inline(__always) static func expm1(_ x: Float) -> Float { expm1f(x) }
    @inline(__always) static func log(_ x: Float) -> Float { logf(x) }
    @inline(__always) static func log1p(_ x: Float) -> Float { log1pf(x) }
    @inline(__always) static func log2(_ x: Float) -> Float { log2f(x) }
    @inline(__always) static func log10(_ x: Float) -> Float { log10f(x) }
    @inline(__always) static func atan(_ x: Float) -> Float { atanf(x) }
    @inline(__always) static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inline(__always) static func erf(_ x: Float) -> Float { erff(x) }
    @inline(__always) static func sin(_ x: Float) -> Float { sinf(x) }
    @inline(__always) static func cos(_ x: Float) -> Float { cosf(x) }
    @inline(__always) static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    @inline(__always) static func fmod(_ x: Float, _ y: Float) -> Float { fmodf(x, y) }
}

extension Double: FloatElement {
    @inline(__always) var sortKey: UInt64 {
        if isNaN { return UInt64.max }
        let bits = (self + 0).bitPattern
        return bits & 0x8000_0000_0000_0000 != 0 ? ~bits : bits | 0x8000_0000_0000_0000
    }
    static var kind: DType { .float64 }
    static var one: Double { 1 }
    static var lowest: Double { -.infinity }
    static var highest: Double { .infinity }
    init(double: Double) { self = double }
    init(int64: Int64) { self.init(int64) }
    var doubleValue: Double { self }
    var int64Value: Int64 { saturatingInt64(self) }
    var isTruthy: Bool { self != 0 }
    @inline(__always) static func lessThan(_ a: Double, _ b: Double) -> Bool { a < b }
    @inline(__always) static func lessOrEqual(_ a: Double, _ b: Double) -> Bool { a <= b }
    @inline(__always) static func equals(_ a: Double, _ b: Double) -> Bool { a == b }
    @inline(__always) static func add(_ a: Double, _ b: Double) -> Double { a + b }
    @inline(__always) static func sub(_ a: Double, _ b: Double) -> Double { a - b }
    @inline(__always) static func mul(_ a: Double, _ b: Double) -> Double { a * b }
    @inline(__always) static func maxPropagatingNaN(_ a: Double, _ b: Double) -> Double { a.isNaN || a > b ? a : b }
    @inline(__always) static func minPropagatingNaN(_ a: Double, _ b: Double) -> Double { a.isNaN || a < b ? a : b }
    @inline(__always) static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inline(__always) static func expm1(_ x: Double) -> Double { Glibc.expm1(x) }
    @inline(__always) static func log(_ x: Double) -> Double { Glibc.log(x) }
    @inline(__always) static func log1p(_ x: Double) -> Double { Glibc.log1p(x) }
    @inline(__always) static func log2(_ x: Double) -> Double { Glibc.log2(x) }
    @inline(__always) static func log10(_ x: Double) -> Double { Glibc.log10(x) }
    @inline(__always) static func atan(_ x: Double) -> Double { Glibc.atan(x) }
    @inline(__always) static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inline(__always) static func erf(_ x: Double) -> Double { Glibc.erf(x) }
    @inline(__always) static func sin(_ x: Double) -> Double { Glibc.sin(x) }
    @inline(__always) static func cos(_ x: Double) -> Double { Glibc.cos(x) }
    @inline(__always) static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
    @inline(__always) static func fmod(_ x: Double, _ y: Double) -> Double { Glibc.fmod(x, y) }
}

extension Int64: ArithmeticElement {
    @inline(__always) var sortKey: UInt64 { UInt64(bitPattern: self) ^ 0x8000_0000_0000_0000 }
    static var kind: DType { .int64 }
    static var one: Int64 { 1 }
    static var lowest: Int64 { .min }
    static var highest: Int64 { .max }
    init(double: Double) { self = saturatingInt64(double) }
    init(int64: Int64) { self = int64 }
    var doubleValue: Double { Double(self) }
    var int64Value: Int64 { self }
    var isTruthy: Bool { self != 0 }
    @inline(__always) static func lessThan(_ a: Int64, _ b: Int64) -> Bool { a < b }
    @inline(__always) static func lessOrEqual(_ a: Int64, _ b: Int64) -> Bool { a <= b }
    @inline(__always) static func equals(_ a: Int64, _ b: Int64) -> Bool { a == b }
    @inline(__always) static func add(_ a: Int64, _ b: Int64) -> Int64 { a &+ b }
    @inline(__always) static func sub(_ a: Int64, _ b: Int64) -> Int64 { a &- b }
    @inline(__always) static func mul(_ a: Int64, _ b: Int64) -> Int64 { a &* b }
    @inline(__always) static func maxPropagatingNaN(_ a: Int64, _ b: Int64) -> Int64 { Swift.max(a, b) }
    @inline(__always) static func minPropagatingNaN(_ a: Int64, _ b: Int64) -> Int64 { Swift.min(a, b) }
}

extension Bool: ArithmeticElement {
    @inline(__always) var sortKey: UInt64 { self ? 1 : 0 }
    static var kind: DType { .bool }
    static var zero: Bool { false }
    static var one: Bool { true }
    static var lowest: Bool { false }
    static var highest: Bool { true }
    init(double: Double) { self = double != 0 }
    init(int64: Int64) { self = int64 != 0 }
    var doubleValue: Double { self ? 1 : 0 }
    var int64Value: Int64 { self ? 1 : 0 }
    var isTruthy: Bool { self }
    @inline(__always) static func lessThan(_ a: Bool, _ b: Bool) -> Bool { !a && b }
    @inline(__always) static func lessOrEqual(_ a: Bool, _ b: Bool) -> Bool { !a || b }
    @inline(__always) static func equals(_ a: Bool, _ b: Bool) -> Bool { a == b }
    @inline(__always) static func add(_ a: Bool, _ b: Bool) -> Bool { a || b }
    // bool - bool is rejected before any kernel runs, as torch does.
    @inline(__always) static func sub(_ a: Bool, _ b: Bool) -> Bool { a != b }
    @inline(__always) static func mul(_ a: Bool, _ b: Bool) -> Bool { a && b }
    @inline(__always) static func maxPropagatingNaN(_ a: Bool, _ b: Bool) -> Bool { a || b }
    @inline(__always) static func minPropagatingNaN(_ a: Bool, _ b: Bool) -> Bool { a && b }
}
