import Cajal

// Views and shape ops: one export per op.

/// Hands out `tensors` through a caller array of `capacity` handles.
private func writeTensors(_ tensors: [Tensor], _ outs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int,
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

@_cdecl("cajal_tensor_slice")
public func cajal_tensor_slice(_ x: OpaquePointer?, _ dim: Int64, _ start: Int64, _ end: Int64, _ step: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).slice(dim: Int(dim), start: Int(start), end: Int(end), step: Int(step)) }
}

@_cdecl("cajal_tensor_select")
public func cajal_tensor_select(_ x: OpaquePointer?, _ dim: Int64, _ index: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).select(dim: Int(dim), index: Int(index)) }
}

@_cdecl("cajal_tensor_narrow")
public func cajal_tensor_narrow(_ x: OpaquePointer?, _ dim: Int64, _ start: Int64, _ length: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).narrow(dim: Int(dim), start: Int(start), length: Int(length)) }
}

@_cdecl("cajal_tensor_diagonal")
public func cajal_tensor_diagonal(_ x: OpaquePointer?, _ offset: Int64, _ dim1: Int64, _ dim2: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).diagonal(offset: Int(offset), dim1: Int(dim1), dim2: Int(dim2)) }
}

@_cdecl("cajal_tensor_unbind")
public func cajal_tensor_unbind(_ x: OpaquePointer?, _ dim: Int64, _ outs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int,
                                _ count: UnsafeMutablePointer<Int>?) -> Int32 {
    status { try writeTensors(tensor(x).unbind(dim: Int(dim)), outs, capacity, count) }
}

@_cdecl("cajal_tensor_split")
public func cajal_tensor_split(_ x: OpaquePointer?, _ size: Int64, _ dim: Int64, _ outs: UnsafeMutablePointer<OpaquePointer?>?,
                               _ capacity: Int, _ count: UnsafeMutablePointer<Int>?) -> Int32 {
    status { try writeTensors(tensor(x).split(size: Int(size), dim: Int(dim)), outs, capacity, count) }
}

@_cdecl("cajal_tensor_split_sizes")
public func cajal_tensor_split_sizes(_ x: OpaquePointer?, _ sizes: UnsafePointer<Int64>?, _ nsizes: Int, _ dim: Int64,
                                     _ outs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int,
                                     _ count: UnsafeMutablePointer<Int>?) -> Int32 {
    status { try writeTensors(tensor(x).split(sizes: ints(sizes, nsizes, "sizes"), dim: Int(dim)), outs, capacity, count) }
}

@_cdecl("cajal_tensor_chunk")
public func cajal_tensor_chunk(_ x: OpaquePointer?, _ chunks: Int64, _ dim: Int64, _ outs: UnsafeMutablePointer<OpaquePointer?>?,
                               _ capacity: Int, _ count: UnsafeMutablePointer<Int>?) -> Int32 {
    status { try writeTensors(tensor(x).chunk(Int(chunks), dim: Int(dim)), outs, capacity, count) }
}

@_cdecl("cajal_tensor_cat")
public func cajal_tensor_cat(_ tensors: UnsafePointer<OpaquePointer?>?, _ count: Int, _ dim: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Tensor.cat(tensorList(tensors, count), dim: Int(dim)) }
}

@_cdecl("cajal_tensor_stack")
public func cajal_tensor_stack(_ tensors: UnsafePointer<OpaquePointer?>?, _ count: Int, _ dim: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Tensor.stack(tensorList(tensors, count), dim: Int(dim)) }
}

@_cdecl("cajal_tensor_flip")
public func cajal_tensor_flip(_ x: OpaquePointer?, _ dims: UnsafePointer<Int64>?, _ ndims: Int, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).flip(ints(dims, ndims, "dims")) }
}

@_cdecl("cajal_tensor_roll")
public func cajal_tensor_roll(_ x: OpaquePointer?, _ shifts: UnsafePointer<Int64>?, _ nshifts: Int, _ dims: UnsafePointer<Int64>?,
                              _ ndims: Int, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).roll(shifts: ints(shifts, nshifts, "shifts"), dims: ints(dims, ndims, "dims")) }
}

@_cdecl("cajal_tensor_movedim")
public func cajal_tensor_movedim(_ x: OpaquePointer?, _ source: UnsafePointer<Int64>?, _ nsource: Int,
                                 _ destination: UnsafePointer<Int64>?, _ ndestination: Int, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).movedim(ints(source, nsource, "source"), ints(destination, ndestination, "destination")) }
}

@_cdecl("cajal_tensor_flatten")
public func cajal_tensor_flatten(_ x: OpaquePointer?, _ startDim: Int64, _ endDim: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).flatten(startDim: Int(startDim), endDim: Int(endDim)) }
}

@_cdecl("cajal_tensor_unflatten")
public func cajal_tensor_unflatten(_ x: OpaquePointer?, _ dim: Int64, _ sizes: UnsafePointer<Int64>?, _ nsizes: Int,
                                   _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).unflatten(dim: Int(dim), sizes: ints(sizes, nsizes, "sizes")) }
}

@_cdecl("cajal_tensor_repeat")
public func cajal_tensor_repeat(_ x: OpaquePointer?, _ repeats: UnsafePointer<Int64>?, _ nrepeats: Int, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).repeat(ints(repeats, nrepeats, "repeats")) }
}

@_cdecl("cajal_tensor_tril")
public func cajal_tensor_tril(_ x: OpaquePointer?, _ k: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).tril(Int(k)) }
}

@_cdecl("cajal_tensor_triu")
public func cajal_tensor_triu(_ x: OpaquePointer?, _ k: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).triu(Int(k)) }
}

@_cdecl("cajal_tensor_diag")
public func cajal_tensor_diag(_ x: OpaquePointer?, _ k: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).diag(Int(k)) }
}
