import Synchronization

/// The element types a tensor can hold, shared by the engine and the kernels
/// (which specialise their loops per case). `float32` is the compute type, `int64`
/// carries indices and labels, `bool` carries masks and `float64` serves
/// numerical gradient checks. The raw values are the C contract's `CAJAL_*` codes.
public enum DType: Int32, CaseIterable, Sendable, CustomStringConvertible {
    case float32 = 0
    case float64 = 1
    case int64 = 2
    case bool = 3

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .float32: return 4
        case .float64, .int64: return 8
        case .bool: return 1
        }
    }

    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    public var name: String {
        switch self {
        case .float32: return "float32"
        case .float64: return "float64"
        case .int64: return "int64"
        case .bool: return "bool"
        }
    }

    public var description: String { name }

    /// torch's ScalarType name, which its "not implemented for" errors show.
    public var torchName: String {
        switch self {
        case .float32: return "Float"
        case .float64: return "Double"
        case .int64: return "Long"
        case .bool: return "Bool"
        }
    }

    /// The dtype a float Python scalar or `torch.get_default_dtype()` stands
    /// for: float32 unless set_default_dtype chose float64 (process-wide, as in torch).
    public static var defaultFloat: DType { defaultFloatCode.load(ordering: .relaxed) == 1 ? .float64 : .float32 }

    private static let defaultFloatCode = Atomic<Int32>(0)

    /// torch.set_default_dtype: float32 or float64; false (and no change) for any other.
    @discardableResult
    public static func setDefaultFloat(_ type: DType) -> Bool {
        guard type.isFloatingPoint else { return false }
        defaultFloatCode.store(type.rawValue, ordering: .relaxed)
        return true
    }

    /// Accepts the names torch and numpy use for these types.
    public init?(name: String) {
        switch name {
        case "float32", "float": self = .float32
        case "float64", "double": self = .float64
        case "int64", "long": self = .int64
        case "bool": self = .bool
        default: return nil
        }
    }
}
