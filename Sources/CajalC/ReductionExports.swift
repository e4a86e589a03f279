import Cajal

// Reductions of the full tensor API: one export per op.

@_cdecl("cajal_tensor_prod_all")
public func cajal_tensor_prod_all(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).prod() }
}

@_cdecl("cajal_tensor_prod")
public func cajal_tensor_prod(_ x: OpaquePointer?, _ dim: Int64, _ keepdim: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).prod(dim: Int(dim), keepDim: keepdim != 0) }
}

@_cdecl("cajal_tensor_max_all")
public func cajal_tensor_max_all(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).max() }
}

@_cdecl("cajal_tensor_min_all")
public func cajal_tensor_min_all(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).min() }
}

/// Writes two new tensors only when both were made.
private func pair(_ values: TensorOut?, _ indices: TensorOut?, _ body: () throws -> (Tensor, Tensor)) -> Int32 {
    status {
        guard let values, let indices else { throw CajalError(.nullArgument, "output pointer is NULL") }
        let (v, i) = try body()
        values.pointee = handle(v)
        indices.pointee = handle(i)
    }
}

@_cdecl("cajal_tensor_max_dim")
public func cajal_tensor_max_dim(_ x: OpaquePointer?, _ dim: Int64, _ keepdim: Int32, _ values: TensorOut?,
                                 _ indices: TensorOut?) -> Int32 {
    pair(values, indices) { try tensor(x).max(dim: Int(dim), keepDim: keepdim != 0) }
}

@_cdecl("cajal_tensor_min_dim")
public func cajal_tensor_min_dim(_ x: OpaquePointer?, _ dim: Int64, _ keepdim: Int32, _ values: TensorOut?,
                                 _ indices: TensorOut?) -> Int32 {
    pair(values, indices) { try tensor(x).min(dim: Int(dim), keepDim: keepdim != 0) }
}

@_cdecl("cajal_tensor_argmax")
public func cajal_tensor_argmax(_ x: OpaquePointer?, _ dim: Int64, _ flatten: Int32, _ keepdim: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).argmax(dim: flatten != 0 ? nil : Int(dim), keepDim: keepdim != 0) }
}

@_cdecl("cajal_tensor_argmin")
public func cajal_tensor_argmin(_ x: OpaquePointer?, _ dim: Int64, _ flatten: Int32, _ keepdim: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).argmin(dim: flatten != 0 ? nil : Int(dim), keepDim: keepdim != 0) }
}

@_cdecl("cajal_tensor_amax")
public func cajal_tensor_amax(_ x: OpaquePointer?, _ dims: UnsafePointer<Int64>?, _ ndims: Int, _ keepdim: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).amax(dims: ints(dims, ndims, "dims"), keepDim: keepdim != 0) }
}

@_cdecl("cajal_tensor_amin")
public func cajal_tensor_amin(_ x: OpaquePointer?, _ dims: UnsafePointer<Int64>?, _ ndims: Int, _ keepdim: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).amin(dims: ints(dims, ndims, "dims"), keepDim: keepdim != 0) }
}

@_cdecl("cajal_tensor_all")
public func cajal_tensor_all(_ x: OpaquePointer?, _ dims: UnsafePointer<Int64>?, _ ndims: Int, _ keepdim: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).all(dims: ints(dims, ndims, "dims"), keepDim: keepdim != 0) }
}

@_cdecl("cajal_tensor_any")
public func cajal_tensor_any(_ x: OpaquePointer?, _ dims: UnsafePointer<Int64>?, _ ndims: Int, _ keepdim: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).any(dims: ints(dims, ndims, "dims"), keepDim: keepdim != 0) }
}

@_cdecl("cajal_tensor_var")
public func cajal_tensor_var(_ x: OpaquePointer?, _ dims: UnsafePointer<Int64>?, _ ndims: Int, _ correction: Double,
                             _ keepdim: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).variance(dims: ints(dims, ndims, "dims"), correction: correction, keepDim: keepdim != 0) }
}

@_cdecl("cajal_tensor_std")
public func cajal_tensor_std(_ x: OpaquePointer?, _ dims: UnsafePointer<Int64>?, _ ndims: Int, _ correction: Double,
                             _ keepdim: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).std(dims: ints(dims, ndims, "dims"), correction: correction, keepDim: keepdim != 0) }
}

@_cdecl("cajal_tensor_norm")
public func cajal_tensor_norm(_ x: OpaquePointer?, _ p: Double, _ dims: UnsafePointer<Int64>?, _ ndims: Int, _ keepdim: Int32,
                              _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).norm(p: p, dims: ints(dims, ndims, "dims"), keepDim: keepdim != 0) }
}

@_cdecl("cajal_tensor_logsumexp")
public func cajal_tensor_logsumexp(_ x: OpaquePointer?, _ dims: UnsafePointer<Int64>?, _ ndims: Int, _ keepdim: Int32,
                                   _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).logsumexp(dims: ints(dims, ndims, "dims"), keepDim: keepdim != 0) }
}

@_cdecl("cajal_tensor_cumsum")
public func cajal_tensor_cumsum(_ x: OpaquePointer?, _ dim: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).cumsum(dim: Int(dim)) }
}

@_cdecl("cajal_tensor_cumprod")
public func cajal_tensor_cumprod(_ x: OpaquePointer?, _ dim: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).cumprod(dim: Int(dim)) }
}

@_cdecl("cajal_tensor_sort")
public func cajal_tensor_sort(_ x: OpaquePointer?, _ dim: Int64, _ descending: Int32, _ values: TensorOut?,
                              _ indices: TensorOut?) -> Int32 {
    pair(values, indices) { try tensor(x).sort(dim: Int(dim), descending: descending != 0) }
}

@_cdecl("cajal_tensor_argsort")
public func cajal_tensor_argsort(_ x: OpaquePointer?, _ dim: Int64, _ descending: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).argsort(dim: Int(dim), descending: descending != 0) }
}

@_cdecl("cajal_tensor_topk")
public func cajal_tensor_topk(_ x: OpaquePointer?, _ k: Int64, _ dim: Int64, _ largest: Int32, _ values: TensorOut?,
                              _ indices: TensorOut?) -> Int32 {
    pair(values, indices) { try tensor(x).topk(Int(k), dim: Int(dim), largest: largest != 0) }
}
