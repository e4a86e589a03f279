import CajalRuntime

// DType itself lives in CajalRuntime, where the kernels take it too; the
// engine re-exports it and adds what needs its errors and its promotion rules.
public typealias DType = CajalRuntime.DType
// The element protocols too: one set, the kernels' and the engine's.
public typealias TensorElement = CajalRuntime.TensorElement
public typealias ArithmeticElement = CajalRuntime.ArithmeticElement
public typealias FloatElement = CajalRuntime.FloatElement

extension DType {
    /// Reads a C dtype code, rejecting unknown values with a clear message.
    public init(code: Int32, op: String) throws {
        guard let dtype = DType(rawValue: code) else {
            let known = DType.allCases.map { "\($0.rawValue) (\($0.name))" }.joined(separator: ", ")
            throw CajalError.value("[\(op)] unknown dtype code \(code); expected one of \(known)")
        }
        self = dtype
    }

    /// `value` rounded to this type's precision (the half floats), as a Double.
    func rounded(_ value: Double) -> Double {
        switch self {
        case .float16: return Double(Float16(double: value).doubleValue)
        case .bfloat16: return BFloat16(double: value).doubleValue
        case .float32: return Double(Float(value))
        default: return value
        }
    }

    /// The category for type promotion: bool < integer < floating point.
    var category: Int {
        if self == .bool { return 0 }
        if isComplex { return 3 }
        return isFloatingPoint ? 2 : 1
    }

    /// torch.promote_types: the higher category wins; within one, the type
    /// that holds both (uint8 with int8 needs int16, float16 with bfloat16
    /// needs float32).
    public static func promote(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        if a.category != b.category {
            let (high, low) = a.category > b.category ? (a, b) : (b, a)
            return high.isComplex && low == .float64 ? .complex128 : high  // complex64 with float64 needs complex128
        }
        if a.isComplex { return a.itemSize >= b.itemSize ? a : b }
        if a.isFloatingPoint {
            if Set([a, b]) == [.float16, .bfloat16] { return .float32 }
            return a.itemSize >= b.itemSize ? a : b
        }
        // Integers: the signed types nest by width; uint8 fits only in int16 and wider.
        if a == .uint8 || b == .uint8 {
            let signed = a == .uint8 ? b : a
            return signed == .int8 ? .int16 : signed
        }
        return a.itemSize >= b.itemSize ? a : b
    }
}
