/// The storage types' elements. Tensors of these types only hold them: the
/// kernels copy and convert them, and compute in each one's kernel type.

/// bfloat16: the top half of a float32, rounded to nearest even as torch's
/// c10::BFloat16 does (NaN stays a quiet NaN).
public struct BFloat16: Sendable, Equatable {
    public var bits: UInt16

    @inlinable public init(bits: UInt16) { self.bits = bits }

    @inlinable public init(_ value: Float) {
        if value.isNaN { bits = 0x7FC0; return }
        let raw = value.bitPattern
        let roundingBias = 0x7FFF + ((raw >> 16) & 1)
        bits = UInt16(truncatingIfNeeded: (raw &+ roundingBias) >> 16)
    }

    @inlinable public var floatValue: Float { Float(bitPattern: UInt32(bits) << 16) }
}

/// Converts a double to an integer type the way torch's casts do on x86:
/// through int64 (saturated), then keeping the low bits.
@inlinable @inline(__always)
func wrappingInteger<I: FixedWidthInteger>(_ x: Double) -> I { I(truncatingIfNeeded: saturatingInt64(x)) }

extension Int32: TensorElement {
    @inlinable @inline(__always) public var sortKey: UInt64 { UInt64(UInt32(bitPattern: self) ^ 0x8000_0000) }
    @inlinable public static var dtype: DType { .int32 }
    @inlinable public static var one: Int32 { 1 }
    @inlinable public init(double: Double) { self = wrappingInteger(double) }
    @inlinable public init(int64: Int64) { self.init(truncatingIfNeeded: int64) }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public var int64Value: Int64 { Int64(self) }
    @inlinable public var isTruthy: Bool { self != 0 }
    @inlinable public static func lessThan(_ a: Int32, _ b: Int32) -> Bool { a < b }
    @inlinable public static func lessOrEqual(_ a: Int32, _ b: Int32) -> Bool { a <= b }
    @inlinable public static func equals(_ a: Int32, _ b: Int32) -> Bool { a == b }
}

extension Int16: TensorElement {
    @inlinable @inline(__always) public var sortKey: UInt64 { UInt64(UInt16(bitPattern: self) ^ 0x8000) }
    @inlinable public static var dtype: DType { .int16 }
    @inlinable public static var one: Int16 { 1 }
    @inlinable public init(double: Double) { self = wrappingInteger(double) }
    @inlinable public init(int64: Int64) { self.init(truncatingIfNeeded: int64) }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public var int64Value: Int64 { Int64(self) }
    @inlinable public var isTruthy: Bool { self != 0 }
    @inlinable public static func lessThan(_ a: Int16, _ b: Int16) -> Bool { a < b }
    @inlinable public static func lessOrEqual(_ a: Int16, _ b: Int16) -> Bool { a <= b }
    @inlinable public static func equals(_ a: Int16, _ b: Int16) -> Bool { a == b }
}

extension Int8: TensorElement {
    @inlinable @inline(__always) public var sortKey: UInt64 { UInt64(UInt8(bitPattern: self) ^ 0x80) }
    @inlinable public static var dtype: DType { .int8 }
    @inlinable public static var one: Int8 { 1 }
    @inlinable public init(double: Double) { self = wrappingInteger(double) }
    @inlinable public init(int64: Int64) { self.init(truncatingIfNeeded: int64) }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public var int64Value: Int64 { Int64(self) }
    @inlinable public var isTruthy: Bool { self != 0 }
    @inlinable public static func lessThan(_ a: Int8, _ b: Int8) -> Bool { a < b }
    @inlinable public static func lessOrEqual(_ a: Int8, _ b: Int8) -> Bool { a <= b }
    @inlinable public static func equals(_ a: Int8, _ b: Int8) -> Bool { a == b }
}

extension UInt8: TensorElement {
    @inlinable @inline(__always) public var sortKey: UInt64 { UInt64(self) }
    @inlinable public static var dtype: DType { .uint8 }
    @inlinable public static var one: UInt8 { 1 }
    @inlinable public init(double: Double) { self = wrappingInteger(double) }
    @inlinable public init(int64: Int64) { self.init(truncatingIfNeeded: int64) }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public var int64Value: Int64 { Int64(self) }
    @inlinable public var isTruthy: Bool { self != 0 }
    @inlinable public static func lessThan(_ a: UInt8, _ b: UInt8) -> Bool { a < b }
    @inlinable public static func lessOrEqual(_ a: UInt8, _ b: UInt8) -> Bool { a <= b }
    @inlinable public static func equals(_ a: UInt8, _ b: UInt8) -> Bool { a == b }
}

// torch converts a double to a half type through float (c10::Half and
// c10::BFloat16 are built from a float), so doubles round twice, as there.
extension Float16: TensorElement {
    @inlinable @inline(__always) public var sortKey: UInt64 { Float(self).sortKey }
    @inlinable public static var dtype: DType { .float16 }
    @inlinable public static var one: Float16 { 1 }
    @inlinable public init(double: Double) { self.init(Float(double)) }
    @inlinable public init(int64: Int64) { self.init(Float(int64)) }
    @inlinable public var doubleValue: Double { Double(Float(self)) }
    @inlinable public var int64Value: Int64 { saturatingInt64(Double(Float(self))) }
    @inlinable public var isTruthy: Bool { self != 0 }
    @inlinable public static func lessThan(_ a: Float16, _ b: Float16) -> Bool { a < b }
    @inlinable public static func lessOrEqual(_ a: Float16, _ b: Float16) -> Bool { a <= b }
    @inlinable public static func equals(_ a: Float16, _ b: Float16) -> Bool { a == b }
}

extension BFloat16: TensorElement {
    @inlinable @inline(__always) public var sortKey: UInt64 { floatValue.sortKey }
    @inlinable public static var dtype: DType { .bfloat16 }
    @inlinable public static var zero: BFloat16 { BFloat16(bits: 0) }
    @inlinable public static var one: BFloat16 { BFloat16(bits: 0x3F80) }
    @inlinable public init(double: Double) { self.init(Float(double)) }
    @inlinable public init(int64: Int64) { self.init(Float(int64)) }
    @inlinable public var doubleValue: Double { Double(floatValue) }
    @inlinable public var int64Value: Int64 { saturatingInt64(Double(floatValue)) }
    @inlinable public var isTruthy: Bool { floatValue != 0 }
    @inlinable public static func lessThan(_ a: BFloat16, _ b: BFloat16) -> Bool { a.floatValue < b.floatValue }
    @inlinable public static func lessOrEqual(_ a: BFloat16, _ b: BFloat16) -> Bool { a.floatValue <= b.floatValue }
    @inlinable public static func equals(_ a: BFloat16, _ b: BFloat16) -> Bool { a.floatValue == b.floatValue }
}

/// complex64 and complex128: (re, im) pairs. Converting one to a real type
/// keeps the real part, as torch's casts do.
public struct Complex64: Sendable, Equatable {
    public var re: Float, im: Float
    @inlinable public init(re: Float, im: Float) { (self.re, self.im) = (re, im) }
}

public struct Complex128: Sendable, Equatable {
    public var re: Double, im: Double
    @inlinable public init(re: Double, im: Double) { (self.re, self.im) = (re, im) }
}

extension Complex64: TensorElement {
    @inlinable public var sortKey: UInt64 { 0 }  // complex numbers have no order (the ops refuse to sort them)
    @inlinable public static var dtype: DType { .complex64 }
    @inlinable public static var zero: Complex64 { Complex64(re: 0, im: 0) }
    @inlinable public static var one: Complex64 { Complex64(re: 1, im: 0) }
    @inlinable public init(double: Double) { self.init(re: Float(double), im: 0) }
    @inlinable public init(int64: Int64) { self.init(re: Float(int64), im: 0) }
    @inlinable public init(real: Double, imaginary: Double) { self.init(re: Float(real), im: Float(imaginary)) }
    @inlinable public var doubleValue: Double { Double(re) }
    @inlinable public var imaginaryValue: Double { Double(im) }
    @inlinable public var int64Value: Int64 { saturatingInt64(Double(re)) }
    @inlinable public var isTruthy: Bool { re != 0 || im != 0 }
    @inlinable public static func lessThan(_ a: Complex64, _ b: Complex64) -> Bool { false }
    @inlinable public static func lessOrEqual(_ a: Complex64, _ b: Complex64) -> Bool { a == b }
    @inlinable public static func equals(_ a: Complex64, _ b: Complex64) -> Bool { a == b }
}

extension Complex128: TensorElement {
    @inlinable public var sortKey: UInt64 { 0 }
    @inlinable public static var dtype: DType { .complex128 }
    @inlinable public static var zero: Complex128 { Complex128(re: 0, im: 0) }
    @inlinable public static var one: Complex128 { Complex128(re: 1, im: 0) }
    @inlinable public init(double: Double) { self.init(re: double, im: 0) }
    @inlinable public init(int64: Int64) { self.init(re: Double(int64), im: 0) }
    @inlinable public init(real: Double, imaginary: Double) { self.init(re: real, im: imaginary) }
    @inlinable public var doubleValue: Double { re }
    @inlinable public var imaginaryValue: Double { im }
    @inlinable public var int64Value: Int64 { saturatingInt64(re) }
    @inlinable public var isTruthy: Bool { re != 0 || im != 0 }
    @inlinable public static func lessThan(_ a: Complex128, _ b: Complex128) -> Bool { false }
    @inlinable public static func lessOrEqual(_ a: Complex128, _ b: Complex128) -> Bool { a == b }
    @inlinable public static func equals(_ a: Complex128, _ b: Complex128) -> Bool { a == b }
}
