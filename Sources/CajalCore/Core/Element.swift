import Glibc

/// A Swift type that backs one `DType`. Kernels are generic over these and
/// specialised per type by the optimizer, so the inner loops are plain loads,
/// math and stores.
public protocol TensorElement {
    static var dtype: DType { get }
    static var zero: Self { get }
    static var one: Self { get }
    init(double: Double)
    init(int64: Int64)
    var doubleValue: Double { get }
    var int64Value: Int64 { get }
    static func lessThan(_ a: Self, _ b: Self) -> Bool
    static func lessOrEqual(_ a: Self, _ b: Self) -> Bool
    static func equals(_ a: Self, _ b: Self) -> Bool
}

/// Elements with +, -, *: wrapping for integers as torch does, logical for bool.
public protocol ArithmeticElement: TensorElement {
    static func add(_ a: Self, _ b: Self) -> Self
    static func sub(_ a: Self, _ b: Self) -> Self
    static func mul(_ a: Self, _ b: Self) -> Self
}

/// float32 and float64: the types the math functions and gradients run in.
public protocol FloatElement: ArithmeticElement, BinaryFloatingPoint {
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func sqrt(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
    static func sin(_ x: Self) -> Self
    static func cos(_ x: Self) -> Self
}

/// Converts to int64 the way x86 does for out-of-range values (INT64_MIN),
/// where a plain Swift conversion would trap.
@inline(__always)
func saturatingInt64(_ x: Double) -> Int64 {
    (x >= -9.223372036854775808e18 && x < 9.223372036854775808e18) ? Int64(x) : Int64.min
}

extension Float: FloatElement {
    public static var dtype: DType { .float32 }
    public static var one: Float { 1 }
    public init(double: Double) { self.init(double) }
    public init(int64: Int64) { self.init(int64) }
    public var doubleValue: Double { Double(self) }
    public var int64Value: Int64 { saturatingInt64(Double(self)) }
    @inline(__always) public static func lessThan(_ a: Float, _ b: Float) -> Bool { a < b }
    @inline(__always) public static func lessOrEqual(_ a: Float, _ b: Float) -> Bool { a <= b }
    @inline(__always) public static func equals(_ a: Float, _ b: Float) -> Bool { a == b }
    @inline(__always) public static func add(_ a: Float, _ b: Float) -> Float { a + b }
    @inline(__always) public static func sub(_ a: Float, _ b: Float) -> Float { a - b }
    @inline(__always) public static func mul(_ a: Float, _ b: Float) -> Float { a * b }
    @inline(__always) public static func exp(_ x: Float) -> Float { expf(x) }
    @inline(__always) public static func log(_ x: Float) -> Float { logf(x) }
    @inline(__always) public static func sqrt(_ x: Float) -> Float { x.squareRoot() }
    @inline(__always) public static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inline(__always) public static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    @inline(__always) public static func sin(_ x: Float) -> Float { sinf(x) }
    @inline(__always) public static func cos(_ x: Float) -> Float { cosf(x) }
}

extension Double: FloatElement {
    public static var dtype: DType { .float64 }
    public static var one: Double { 1 }
    public init(double: Double) { self = double }
    public init(int64: Int64) { self.init(int64) }
    public var doubleValue: Double { self }
    public var int64Value: Int64 { saturatingInt64(self) }
    @inline(__always) public static func lessThan(_ a: Double, _ b: Double) -> Bool { a < b }
    @inline(__always) public static func lessOrEqual(_ a: Double, _ b: Double) -> Bool { a <= b }
    @inline(__always) public static func equals(_ a: Double, _ b: Double) -> Bool { a == b }
    @inline(__always) public static func add(_ a: Double, _ b: Double) -> Double { a + b }
    @inline(__always) public static func sub(_ a: Double, _ b: Double) -> Double { a - b }
    @inline(__always) public static func mul(_ a: Double, _ b: Double) -> Double { a * b }
    @inline(__always) public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    @inline(__always) public static func log(_ x: Double) -> Double { Glibc.log(x) }
    @inline(__always) public static func sqrt(_ x: Double) -> Double { x.squareRoot() }
    @inline(__always) public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    @inline(__always) public static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
    @inline(__always) public static func sin(_ x: Double) -> Double { Glibc.sin(x) }
    @inline(__always) public static func cos(_ x: Double) -> Double { Glibc.cos(x) }
}

extension Int64: ArithmeticElement {
    public static var dtype: DType { .int64 }
    public static var one: Int64 { 1 }
    public init(double: Double) { self = saturatingInt64(double) }
    public init(int64: Int64) { self = int64 }
    public var doubleValue: Double { Double(self) }
    public var int64Value: Int64 { self }
    @inline(__always) public static func lessThan(_ a: Int64, _ b: Int64) -> Bool { a < b }
    @inline(__always) public static func lessOrEqual(_ a: Int64, _ b: Int64) -> Bool { a <= b }
    @inline(__always) public static func equals(_ a: Int64, _ b: Int64) -> Bool { a == b }
    @inline(__always) public static func add(_ a: Int64, _ b: Int64) -> Int64 { a &+ b }
    @inline(__always) public static func sub(_ a: Int64, _ b: Int64) -> Int64 { a &- b }
    @inline(__always) public static func mul(_ a: Int64, _ b: Int64) -> Int64 { a &* b }
}

extension Bool: ArithmeticElement {
    public static var dtype: DType { .bool }
    public static var zero: Bool { false }
    public static var one: Bool { true }
    public init(double: Double) { self = double != 0 }
    public init(int64: Int64) { self = int64 != 0 }
    public var doubleValue: Double { self ? 1 : 0 }
    public var int64Value: Int64 { self ? 1 : 0 }
    @inline(__always) public static func lessThan(_ a: Bool, _ b: Bool) -> Bool { !a && b }
    @inline(__always) public static func lessOrEqual(_ a: Bool, _ b: Bool) -> Bool { !a || b }
    @inline(__always) public static func equals(_ a: Bool, _ b: Bool) -> Bool { a == b }
    @inline(__always) public static func add(_ a: Bool, _ b: Bool) -> Bool { a || b }
    // bool - bool is rejected before any kernel runs, as torch does.
    @inline(__always) public static func sub(_ a: Bool, _ b: Bool) -> Bool { a != b }
    @inline(__always) public static func mul(_ a: Bool, _ b: Bool) -> Bool { a && b }
}
