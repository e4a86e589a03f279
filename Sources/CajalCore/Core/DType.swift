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
            throw CajalError.value("[\(op)] unknown dtype code \(code); expected 0 (float32), 1 (float64), 2 (int64) or 3 (bool)")
        }
        self = dtype
    }

    /// The category rank for type promotion: bool < integer < floating point.
    var category: Int {
        switch self {
        case .bool: return 0
        case .int64: return 1
        case .float32, .float64: return 2
        }
    }

    /// torch.promote_types restricted to these four types: they form a chain.
    public static func promote(_ a: DType, _ b: DType) -> DType {
        a.rank >= b.rank ? a : b
    }

    private var rank: Int {
        switch self {
        case .bool: return 0
        case .int64: return 1
        case .float32: return 2
        case .float64: return 3
        }
    }
}
