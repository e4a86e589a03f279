import Synchronization

/// The element types a tensor can hold, shared by the engine and the kernels
/// (which specialise their loops per case). `float32` is the compute type, `int64`
/// carries indices and labels, `bool` carries masks and `float64` serves
/// numerical gradient checks. The raw values are the C contract's `CAJAL_*` codes,
/// so new types only ever join at the end.
///
/// The last six are storage types: tensors hold them natively (numpy and
/// torch files share their bytes), and every op computes in their
/// `kernelType` (int64 for the integers, float32 for the half floats) and
/// rounds its result back once, as torch's CPU kernels do for the half types.
public enum DType: Int32, CaseIterable, Sendable, CustomStringConvertible {
    case float32 = 0
    case float64 = 1
    case int64 = 2
    case bool = 3
    case int32 = 4
    case int16 = 5
    case int8 = 6
    case uint8 = 7
    case float16 = 8
    case bfloat16 = 9
    /// Complex numbers: interleaved (re, im) pairs of float32 or float64. The
    /// kernels only copy and convert them; the engine computes through their
    /// real view (Tensor+Complex.swift).
    case complex64 = 10
    case complex128 = 11

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .complex128: return 16
        case .float64, .int64, .complex64: return 8
        case .float32, .int32: return 4
        case .int16, .float16, .bfloat16: return 2
        case .bool, .int8, .uint8: return 1
        }
    }

    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float64, .float16, .bfloat16: return true
        default: return false
        }
    }

    public var isComplex: Bool { self == .complex64 || self == .complex128 }

    /// The float type of a complex type's parts; the complex type holding a float type.
    public var complexPartType: DType { self == .complex128 ? .float64 : .float32 }
    public var complexType: DType { self == .float64 || self == .complex128 ? .complex128 : .complex64 }

    /// The type a conversion to `target` passes through when the cast kernel
    /// has no direct path (two storage types, not both complex): this type's
    /// kernel type, or its parts' type for a complex one. Exact on the way.
    public func castBridge(to target: DType) -> DType? {
        if self == target || isNative || target.isNative || (isComplex && target.isComplex) { return nil }
        return isComplex ? complexPartType : kernelType
    }

    /// The integer types (not bool).
    public var isIntegral: Bool {
        switch self {
        case .int64, .int32, .int16, .int8, .uint8: return true
        default: return false
        }
    }

    /// Whether the kernels compute in this type itself (the first four).
    public var isNative: Bool { rawValue <= 3 }

    /// The type the kernels compute a storage type in (complex types: themselves,
    /// since the kernels have no complex arithmetic).
    public var kernelType: DType {
        switch self {
        case .int32, .int16, .int8, .uint8: return .int64
        case .float16, .bfloat16: return .float32
        default: return self
        }
    }

    public var name: String {
        switch self {
        case .float32: return "float32"
        case .float64: return "float64"
        case .int64: return "int64"
        case .bool: return "bool"
        case .int32: return "int32"
        case .int16: return "int16"
        case .int8: return "int8"
        case .uint8: return "uint8"
        case .float16: return "float16"
        case .bfloat16: return "bfloat16"
        case .complex64: return "complex64"
        case .complex128: return "complex128"
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
        case .int32: return "Int"
        case .int16: return "Short"
        case .int8: return "Char"
        case .uint8: return "Byte"
        case .float16: return "Half"
        case .bfloat16: return "BFloat16"
        case .complex64: return "ComplexFloat"
        case .complex128: return "ComplexDouble"
        }
    }

    /// The dtype a float Python scalar or `torch.get_default_dtype()` stands
    /// for: float32 unless set_default_dtype chose float64 (process-wide, as in torch).
    public static var defaultFloat: DType { defaultFloatCode.load(ordering: .relaxed) == 1 ? .float64 : .float32 }

    private static let defaultFloatCode = Atomic<Int32>(0)

    /// torch.set_default_dtype: float32 or float64; false (and no change) for any other.
    @discardableResult
    public static func setDefaultFloat(_ type: DType) -> Bool {
        guard type == .float32 || type == .float64 else { return false }
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
        case "int32", "int": self = .int32
        case "int16", "short": self = .int16
        case "int8": self = .int8
        case "uint8": self = .uint8
        case "float16", "half": self = .float16
        case "bfloat16": self = .bfloat16
        case "complex64", "cfloat": self = .complex64
        case "complex128", "cdouble": self = .complex128
        default: return nil
        }
    }
}
