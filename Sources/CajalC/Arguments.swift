import Cajal
import Glibc

// What the generated exports (Generated/, from api/*.py) call beyond
// Support.swift: the C types' Swift names, the library's C strings, and the
// readers and writers of particular arguments. No math lives here.

public typealias TensorOut = UnsafeMutablePointer<OpaquePointer?>

public typealias ReleaseFunction = @convention(c) (UnsafeMutableRawPointer?) -> Void

/// Writes `values` into a caller buffer of `capacity` entries.
func write(_ values: [Int], to out: UnsafeMutablePointer<Int64>?, capacity: Int) throws {
    guard capacity >= values.count else {
        throw CajalError.value("buffer of \(capacity) entries cannot hold \(values.count) dims")
    }
    if values.isEmpty { return }
    guard let out else { throw CajalError(.nullArgument, "output pointer is NULL") }
    for (i, v) in values.enumerated() { out[i] = Int64(v) }
}

/// Op names as C strings that live for the process; there are only a few dozen.
var internedNames: [String: UnsafeMutablePointer<CChar>] = [:]
var internLock = pthread_mutex_t()
let internLockReady: Bool = { pthread_mutex_init(&internLock, nil); return true }()

func interned(_ name: String) -> UnsafePointer<CChar>? {
    _ = internLockReady
    pthread_mutex_lock(&internLock)
    defer { pthread_mutex_unlock(&internLock) }
    if let existing = internedNames[name] { return UnsafePointer(existing) }
    guard let copy = strdup(name) else { return nil }
    internedNames[name] = copy
    return UnsafePointer(copy)
}

/// Must equal CAJAL_API_VERSION in include/cajal.h.
let apiVersion: Int32 = 3

/// A static, NUL-terminated "" for threads without an error.
let emptyMessage = UnsafeRawPointer(("" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)

/// The kernel set's name as a C string that lives for the process.
let kernelSetName: UnsafePointer<CChar>? = UnsafePointer(strdup(kernelInstructionSet))

/// Made on the first call (which loads OpenBLAS), then kept for the process.
let blasCoreName: UnsafePointer<CChar>? = UnsafePointer(strdup(blasCore))

/// Made on the first call (which loads oneDNN), then kept for the process.
let oneDNNVersionName: UnsafePointer<CChar>? = UnsafePointer(strdup(OneDNN.version))

/// Hands out `tensors` through a caller array of `capacity` handles.
func writeTensors(_ tensors: [Tensor], _ outs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int,
                          _ count: UnsafeMutablePointer<Int>?) throws {
    guard let count else { throw CajalError(.nullArgument, "count pointer is NULL") }
    guard capacity >= tensors.count else {
        throw CajalError.value("an output array of \(capacity) handles cannot hold \(tensors.count) tensors")
    }
    if !tensors.isEmpty {
        guard let outs else { throw CajalError(.nullArgument, "output array is NULL") }
        for (i, t) in tensors.enumerated() { outs[i] = handle(t) }
    }
    count.pointee = tensors.count
}

/// Writes two new tensors only when both were made.
func pair(_ values: TensorOut?, _ indices: TensorOut?, _ body: () throws -> (Tensor, Tensor)) -> Int32 {
    status {
        guard let values, let indices else { throw CajalError(.nullArgument, "output pointer is NULL") }
        let (v, i) = try body()
        values.pointee = handle(v)
        indices.pointee = handle(i)
    }
}

/// Borrows an array of optional tensor handles (NULL entries mean a whole dim).
func optionalTensors(_ handles: UnsafePointer<OpaquePointer?>?, _ count: Int) throws -> [Tensor?] {
    let count = try checkedCount(count, "indices", limit: Limits.maxRank)
    if count == 0 { return [] }
    guard let handles else { throw CajalError(.nullArgument, "indices array is NULL") }
    return try (0..<count).map { i in try handles[i].map { try tensorArgument($0, "indices[\(i)]") } }
}

/// Decodes an index expression: per item four int64 (kind, a, b, c); see include/cajal.h.
func indexItems(_ codes: UnsafePointer<Int64>?, _ count: Int, _ tensors: UnsafePointer<OpaquePointer?>?,
                        _ ntensors: Int) throws -> [TensorIndex] {
    let count = try checkedCount(count, "index items", limit: Limits.maxRank)
    let ntensors = try checkedCount(ntensors, "index tensors", limit: Limits.maxRank)
    if count == 0 { return [] }
    guard let codes else { throw CajalError(.nullArgument, "index items are NULL") }
    let unset = Int64.min
    return try (0..<count).map { i in
        let (kind, a, b, c) = (codes[4 * i], codes[4 * i + 1], codes[4 * i + 2], codes[4 * i + 3])
        switch kind {
        case 0: return .at(Int(a))
        case 1: return .range(a == unset ? nil : Int(a), b == unset ? nil : Int(b), step: Int(c))
        case 2: return .newAxis
        case 3: return .ellipsis
        case 4:
            guard a >= 0, Int(a) < ntensors, let tensors else { throw CajalError.index("index item \(i) names tensor \(a) of \(ntensors)") }
            return .tensor(try tensorArgument(tensors[Int(a)], "index tensor"))
        case 5: return .bool(a != 0)
        case 6: return .all
        default: throw CajalError.value("unknown index item kind \(kind)")
        }
    }
}

// torch.nn.functional: layers, activations and losses. Reductions are torch's
// codes (0 none, 1 mean, 2 sum); padding modes 0 explicit, 1 same, 2 valid.

func convolutionPadding(_ mode: ConvolutionPaddingMode, _ values: UnsafePointer<Int64>?, _ count: Int) throws -> ConvolutionPadding {
    switch mode {
    case .explicit: return .explicit(try ints(values, count, "padding"))
    case .same: return .same
    case .valid: return .valid
    }
}

func optionalTensor(_ pointer: OpaquePointer?, _ name: String) throws -> Tensor? {
    try pointer.map { try tensorArgument($0, name) }
}

// One optimizer step over a parameter group per call. Per-parameter state
// travels as parallel arrays of `count` handles; the engine updates
// parameters, state and step counters in place.

/// The state list an option turns on, or none (its array may then be NULL).
func stateList(_ used: Bool, _ handles: UnsafePointer<OpaquePointer?>?, _ count: Int, _ name: String) throws -> [Tensor] {
    used ? try tensorList(handles, count, name) : []
}

// Recurrent layers and packed sequences. Integer lists of any length
// (batch sizes, lengths, permutations) travel as 1-D int64 tensors, as in torch.

/// The values of a 1-D int64 tensor (nil for a NULL handle).
func intList(_ pointer: OpaquePointer?, _ name: String) throws -> [Int]? {
    guard let pointer else { return nil }
    let t = try tensorArgument(pointer, name)
    guard t.dtype == .int64, t.rank == 1 else {
        throw CajalError.runtime("\(name) must be a 1-D int64 tensor, got \(t.dtype) of size \(t.shape)")
    }
    return try t.toArray(Int64.self).map { Int($0) }
}

func intTensor(_ values: [Int]?) throws -> OpaquePointer? {
    guard let values else { return nil }
    return handle(try Tensor(values.map { Int64($0) }))
}

func groupWeights(_ flat: [Tensor], bias: Bool, projection: Bool) -> [RecurrentWeights] {
    let stride = (bias ? 4 : 2) + (projection ? 1 : 0)
    return Swift.stride(from: 0, to: flat.count, by: stride).map { i in
        RecurrentWeights(inputWeight: flat[i], hiddenWeight: flat[i + 1], inputBias: bias ? flat[i + 2] : nil,
                         hiddenBias: bias ? flat[i + 3] : nil, projectionWeight: projection ? flat[i + stride - 1] : nil)
    }
}

/// A C gradient callback (cajal_gradient_fn): given its context and a new
/// handle to a gradient, it writes `count` new handles (or NULL) to results
/// and returns 0, or returns non-zero on failure.
public typealias GradientFunction = @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?,
                                                    UnsafeMutablePointer<OpaquePointer?>?) -> Int32

/// Calls a C gradient callback and takes over the handles it returns.
func callGradientFunction(_ function: GradientFunction, _ context: UnsafeMutableRawPointer?, _ grad: Tensor, count: Int,
                          name: String) throws -> [Tensor?] {
    var results = [OpaquePointer?](repeating: nil, count: Swift.max(count, 1))
    let code = results.withUnsafeMutableBufferPointer { function(context, handle(grad), $0.baseAddress) }
    guard code == 0 else {
        for pointer in results { Handles.release(pointer, .tensor) }
        throw CajalError.runtime("[backward] the gradient callback of \(name) failed (status \(code))")
    }
    // Each handle is read, then released, even when a later one is not a tensor.
    var tensors: [Tensor?] = []
    var failure: Error?
    for i in 0..<count {
        guard let pointer = results[i] else { tensors.append(nil); continue }
        do { tensors.append(try tensorArgument(pointer, "result \(i) of the \(name) callback")) } catch { failure = failure ?? error }
        Handles.release(pointer, .tensor)
    }
    if let failure { throw failure }
    return tensors
}

/// Calls a C release callback once, when the last reference to it goes.
final class ReleaseToken {
    private let release: ReleaseFunction?
    private let context: UnsafeMutableRawPointer?

    init(_ release: ReleaseFunction?, _ context: UnsafeMutableRawPointer?) {
        (self.release, self.context) = (release, context)
    }

    deinit { release?(context) }
}
