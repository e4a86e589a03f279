/// Every failure the engine reports. Messages name the op in brackets and show
/// the shapes involved, e.g. `[matmul] shapes (2x3) and (4x5) cannot be multiplied`.
/// The kind maps one-to-one onto the C status codes and the Python exception types.
public struct CajalError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Int32, Sendable {
        case runtime = 1         // RuntimeError
        case shape = 2           // RuntimeError: shapes that do not fit
        case index = 3           // IndexError: dims and indices out of range
        case type = 4            // TypeError: a dtype the op does not take
        case value = 5           // ValueError: a bad argument value
        case notImplemented = 6  // NotImplementedError
        case outOfMemory = 7     // MemoryError
        case nullArgument = 8    // ValueError: a NULL handle or pointer from C
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    public static func runtime(_ m: String) -> CajalError { CajalError(.runtime, m) }
    public static func shape(_ m: String) -> CajalError { CajalError(.shape, m) }
    public static func index(_ m: String) -> CajalError { CajalError(.index, m) }
    public static func type(_ m: String) -> CajalError { CajalError(.type, m) }
    public static func value(_ m: String) -> CajalError { CajalError(.value, m) }
    public static func notImplemented(_ m: String) -> CajalError { CajalError(.notImplemented, m) }
}

/// Formats a shape the way error messages show it: `(2x3)`, `()` for a scalar.
package func shapeString(_ shape: [Int]) -> String {
    "(" + shape.map(String.init).joined(separator: "x") + ")"
}
