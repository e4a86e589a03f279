import Cajal
import Glibc

// Tensor lifecycle, creation, properties and autograd state.

public typealias ReleaseFunction = @convention(c) (UnsafeMutableRawPointer?) -> Void

@_cdecl("cajal_tensor_free")
public func cajal_tensor_free(_ t: OpaquePointer?) {
    Handles.release(t, .tensor)
}

@_cdecl("cajal_tensor_from_data")
public func cajal_tensor_from_data(_ data: UnsafeRawPointer?, _ nbytes: Int, _ shape: UnsafePointer<Int64>?, _ ndim: Int,
                                   _ dtype: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    newTensor(out) { try Tensor.fromBytes(data, byteCount: nbytes, shape: ints(shape, ndim), dtype: readDType(dtype, "from_data")) }
}

@_cdecl("cajal_tensor_from_blob")
public func cajal_tensor_from_blob(_ data: UnsafeMutableRawPointer?, _ shape: UnsafePointer<Int64>?, _ strides: UnsafePointer<Int64>?,
                                   _ ndim: Int, _ dtype: Int32, _ release: ReleaseFunction?, _ context: UnsafeMutableRawPointer?,
                                   _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    newTensor(out) {
        try Tensor.borrowing(data, shape: ints(shape, ndim), strides: ints(strides, ndim, "strides"),
                             dtype: readDType(dtype, "from_blob"), release: { release?(context) })
    }
}

@_cdecl("cajal_tensor_scalar")
public func cajal_tensor_scalar(_ value: Double, _ dtype: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    newTensor(out) { try Tensor.scalar(value, dtype: readDType(dtype, "scalar")) }
}

@_cdecl("cajal_tensor_scalar_int64")
public func cajal_tensor_scalar_int64(_ value: Int64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    newTensor(out) { try Tensor.scalar(value) }
}

@_cdecl("cajal_tensor_full")
public func cajal_tensor_full(_ shape: UnsafePointer<Int64>?, _ ndim: Int, _ value: Double, _ dtype: Int32,
                              _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    newTensor(out) { try Tensor.full(ints(shape, ndim), value: value, dtype: readDType(dtype, "full")) }
}

@_cdecl("cajal_tensor_full_int64")
public func cajal_tensor_full_int64(_ shape: UnsafePointer<Int64>?, _ ndim: Int, _ value: Int64, _ dtype: Int32,
                                    _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    newTensor(out) { try Tensor.full(ints(shape, ndim), integer: value, dtype: readDType(dtype, "full")) }
}

@_cdecl("cajal_tensor_zeros")
public func cajal_tensor_zeros(_ shape: UnsafePointer<Int64>?, _ ndim: Int, _ dtype: Int32,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    newTensor(out) { try Tensor.zeros(ints(shape, ndim), dtype: readDType(dtype, "zeros")) }
}

@_cdecl("cajal_tensor_ones")
public func cajal_tensor_ones(_ shape: UnsafePointer<Int64>?, _ ndim: Int, _ dtype: Int32,
                              _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    newTensor(out) { try Tensor.ones(ints(shape, ndim), dtype: readDType(dtype, "ones")) }
}

@_cdecl("cajal_tensor_arange")
public func cajal_tensor_arange(_ start: Double, _ end: Double, _ step: Double, _ dtype: Int32,
                                _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    newTensor(out) {
        try Tensor.arange(start: start, end: end, step: step, dtype: dtype < 0 ? nil : readDType(dtype, "arange"))
    }
}

@_cdecl("cajal_tensor_rand")
public func cajal_tensor_rand(_ shape: UnsafePointer<Int64>?, _ ndim: Int, _ dtype: Int32, _ generator: OpaquePointer?,
                              _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    newTensor(out) { try Tensor.rand(ints(shape, ndim), dtype: readDType(dtype, "rand"), generator: try generatorOrDefault(generator)) }
}

@_cdecl("cajal_tensor_randn")
public func cajal_tensor_randn(_ shape: UnsafePointer<Int64>?, _ ndim: Int, _ dtype: Int32, _ generator: OpaquePointer?,
                               _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    newTensor(out) { try Tensor.randn(ints(shape, ndim), dtype: readDType(dtype, "randn"), generator: try generatorOrDefault(generator)) }
}

// MARK: properties

@_cdecl("cajal_tensor_ndim")
public func cajal_tensor_ndim(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Int>?) -> Int32 {
    output(out) { try tensor(t).rank }
}

/// Writes `values` into a caller buffer of `capacity` entries.
private func write(_ values: [Int], to out: UnsafeMutablePointer<Int64>?, capacity: Int) throws {
    guard capacity >= values.count else {
        throw CajalError.value("buffer of \(capacity) entries cannot hold \(values.count) dims")
    }
    if values.isEmpty { return }
    guard let out else { throw CajalError(.nullArgument, "output pointer is NULL") }
    for (i, v) in values.enumerated() { out[i] = Int64(v) }
}

@_cdecl("cajal_tensor_shape")
public func cajal_tensor_shape(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Int64>?, _ capacity: Int) -> Int32 {
    status { try write(tensor(t).shape, to: out, capacity: capacity) }
}

@_cdecl("cajal_tensor_strides")
public func cajal_tensor_strides(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Int64>?, _ capacity: Int) -> Int32 {
    status { try write(tensor(t).strides, to: out, capacity: capacity) }
}

@_cdecl("cajal_tensor_numel")
public func cajal_tensor_numel(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Int>?) -> Int32 {
    output(out) { try tensor(t).count }
}

@_cdecl("cajal_tensor_dtype")
public func cajal_tensor_dtype(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Int32>?) -> Int32 {
    output(out) { try tensor(t).dtype.rawValue }
}

@_cdecl("cajal_tensor_data_ptr")
public func cajal_tensor_data_ptr(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int32 {
    output(out) { try tensor(t).dataPointer }
}

@_cdecl("cajal_tensor_is_contiguous")
public func cajal_tensor_is_contiguous(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Int32>?) -> Int32 {
    output(out) { try tensor(t).isContiguous ? 1 : 0 }
}

@_cdecl("cajal_tensor_copy_to")
public func cajal_tensor_copy_to(_ t: OpaquePointer?, _ dst: UnsafeMutableRawPointer?, _ nbytes: Int) -> Int32 {
    status { try tensor(t).copyBytes(to: dst, byteCount: nbytes) }
}

@_cdecl("cajal_tensor_item")
public func cajal_tensor_item(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Double>?) -> Int32 {
    output(out) { try tensor(t).item() }
}

@_cdecl("cajal_tensor_item_int64")
public func cajal_tensor_item_int64(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Int64>?) -> Int32 {
    output(out) { try tensor(t).itemInt64() }
}

// MARK: autograd

@_cdecl("cajal_tensor_requires_grad")
public func cajal_tensor_requires_grad(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Int32>?) -> Int32 {
    output(out) { try tensor(t).requiresGrad ? 1 : 0 }
}

@_cdecl("cajal_tensor_set_requires_grad")
public func cajal_tensor_set_requires_grad(_ t: OpaquePointer?, _ flag: Int32) -> Int32 {
    status { try tensor(t).setRequiresGrad(flag != 0) }
}

@_cdecl("cajal_tensor_is_leaf")
public func cajal_tensor_is_leaf(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<Int32>?) -> Int32 {
    output(out) { try tensor(t).isLeaf ? 1 : 0 }
}

@_cdecl("cajal_tensor_grad")
public func cajal_tensor_grad(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    output(out) { try tensor(t).grad.map(handle) }
}

@_cdecl("cajal_tensor_set_grad")
public func cajal_tensor_set_grad(_ t: OpaquePointer?, _ grad: OpaquePointer?) -> Int32 {
    status { try tensor(t).setGrad(grad.map { try tensor($0, "grad") }) }
}

/// Op names as C strings that live for the process; there are only a few dozen.
private var internedNames: [String: UnsafeMutablePointer<CChar>] = [:]
private var internLock = pthread_mutex_t()
private let internLockReady: Bool = { pthread_mutex_init(&internLock, nil); return true }()

private func interned(_ name: String) -> UnsafePointer<CChar>? {
    _ = internLockReady
    pthread_mutex_lock(&internLock)
    defer { pthread_mutex_unlock(&internLock) }
    if let existing = internedNames[name] { return UnsafePointer(existing) }
    guard let copy = strdup(name) else { return nil }
    internedNames[name] = copy
    return UnsafePointer(copy)
}

@_cdecl("cajal_tensor_grad_fn_name")
public func cajal_tensor_grad_fn_name(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafePointer<CChar>?>?) -> Int32 {
    output(out) { try tensor(t).gradFn.flatMap { interned($0.name) } }
}

@_cdecl("cajal_tensor_retain_grad")
public func cajal_tensor_retain_grad(_ t: OpaquePointer?) -> Int32 {
    status { try tensor(t).retainGrad() }
}

@_cdecl("cajal_tensor_backward")
public func cajal_tensor_backward(_ t: OpaquePointer?, _ gradient: OpaquePointer?, _ retainGraph: Int32) -> Int32 {
    status {
        try tensor(t).backward(gradient: gradient.map { try tensor($0, "gradient") }, retainGraph: retainGraph != 0)
    }
}

@_cdecl("cajal_autograd_backward")
public func cajal_autograd_backward(_ outputs: UnsafePointer<OpaquePointer?>?, _ count: Int,
                                    _ gradients: UnsafePointer<OpaquePointer?>?, _ retainGraph: Int32) -> Int32 {
    status {
        try Tensor.backward(tensorList(outputs, count, "outputs"), gradients: optionalTensorList(gradients, count, "gradients"),
                            retainGraph: retainGraph != 0)
    }
}

@_cdecl("cajal_autograd_grad")
public func cajal_autograd_grad(_ outputs: UnsafePointer<OpaquePointer?>?, _ outputCount: Int,
                                _ gradOutputs: UnsafePointer<OpaquePointer?>?,
                                _ inputs: UnsafePointer<OpaquePointer?>?, _ inputCount: Int,
                                _ retainGraph: Int32, _ allowUnused: Int32,
                                _ results: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    status {
        guard let results else { throw CajalError(.nullArgument, "results array is NULL") }
        let grads = try Tensor.gradients(of: tensorList(outputs, outputCount, "outputs"),
                                         withRespectTo: tensorList(inputs, inputCount, "inputs"),
                                         gradOutputs: optionalTensorList(gradOutputs, outputCount, "grad_outputs"),
                                         retainGraph: retainGraph != 0, allowUnused: allowUnused != 0)
        for (i, grad) in grads.enumerated() { results[i] = grad.map(handle) }
    }
}

@_cdecl("cajal_tensor_detach")
public func cajal_tensor_detach(_ t: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    newTensor(out) { try tensor(t).detach() }
}
