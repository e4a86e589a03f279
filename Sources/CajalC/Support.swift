import Cajal
import Glibc

// The mechanics every export shares: handle conversion, argument reading and
// error capture. No math lives in this module.

/// The last error message of this thread, as a C string owned here.
final class ErrorMessage {
    var text: UnsafeMutablePointer<CChar>?
    deinit { free(text) }
}

let lastErrorMessage = ThreadLocal<ErrorMessage> { ErrorMessage() }

func record(_ error: Error) -> Int32 {
    let (code, message): (Int32, String)
    if let error = error as? CajalError {
        (code, message) = (error.kind.rawValue, error.message)
    } else {
        (code, message) = (CajalError.Kind.runtime.rawValue, "\(error)")
    }
    let slot = lastErrorMessage.value
    free(slot.text)
    slot.text = strdup(message)
    return code
}

/// Runs `body`, turning a thrown error into its status code.
@inline(__always)
func status(_ body: () throws -> Void) -> Int32 {
    do {
        try body()
        return 0
    } catch {
        return record(error)
    }
}

/// Writes `value` to `out` only when `body` succeeds.
@inline(__always)
func output<T>(_ out: UnsafeMutablePointer<T>?, _ body: () throws -> T) -> Int32 {
    status {
        guard let out else { throw CajalError(.nullArgument, "output pointer is NULL") }
        out.pointee = try body()
    }
}

/// Returns a new owned handle for the tensor `body` makes.
@inline(__always)
func newTensor(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ body: () throws -> Tensor) -> Int32 {
    output(out) { handle(try body()) }
}

func handle(_ tensor: Tensor) -> OpaquePointer {
    OpaquePointer(Unmanaged.passRetained(tensor).toOpaque())
}

/// Borrows the tensor behind a handle.
func tensor(_ pointer: OpaquePointer?, _ name: String = "tensor") throws -> Tensor {
    guard let pointer else { throw CajalError(.nullArgument, "\(name) handle is NULL") }
    return Unmanaged<Tensor>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
}

/// Reads `count` int64 values (a shape or a list of dims).
func ints(_ pointer: UnsafePointer<Int64>?, _ count: Int, _ name: String = "shape") throws -> [Int] {
    guard count <= 64 else { throw CajalError.value("\(name) has \(count) entries; at most 64 are supported") }
    if count == 0 { return [] }
    guard let pointer else { throw CajalError(.nullArgument, "\(name) pointer is NULL") }
    return (0..<count).map { Int(pointer[$0]) }
}

func readDType(_ code: Int32, _ op: String) throws -> DType {
    try DType(code: code, op: op)
}

/// Borrows the generator behind a handle, or the default generator for NULL.
func generatorOrDefault(_ pointer: OpaquePointer?) -> Generator {
    guard let pointer else { return .default }
    return Unmanaged<Generator>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
}

/// Borrows the tensors behind an array of `count` handles.
func tensorList(_ handles: UnsafePointer<OpaquePointer?>?, _ count: Int, _ name: String = "tensors") throws -> [Tensor] {
    try optionalTensorList(handles, count, name).enumerated().map { i, t in
        guard let t else { throw CajalError(.nullArgument, "\(name)[\(i)] handle is NULL") }
        return t
    }
}

/// Like tensorList, but NULL entries (or a NULL array) stand for "none".
func optionalTensorList(_ handles: UnsafePointer<OpaquePointer?>?, _ count: Int, _ name: String = "tensors") throws -> [Tensor?] {
    guard count <= 1 << 20 else { throw CajalError.value("a list of \(count) tensors is too long") }
    guard let handles else { return [Tensor?](repeating: nil, count: count) }
    return try (0..<count).map { i in try handles[i].map { try tensor($0, "\(name)[\(i)]") } }
}
