import Cajal

// Indexing ops: one export per op.

/// Borrows an array of optional tensor handles (NULL entries mean a whole dim).
private func optionalTensors(_ handles: UnsafePointer<OpaquePointer?>?, _ count: Int) throws -> [Tensor?] {
    let count = try checkedCount(count, "indices", limit: Limits.maxRank)
    if count == 0 { return [] }
    guard let handles else { throw CajalError(.nullArgument, "indices array is NULL") }
    return try (0..<count).map { i in try handles[i].map { try tensor($0, "indices[\(i)]") } }
}

@_cdecl("cajal_tensor_index")
public func cajal_tensor_index(_ x: OpaquePointer?, _ indices: UnsafePointer<OpaquePointer?>?, _ count: Int, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).index(optionalTensors(indices, count)) }
}

@_cdecl("cajal_tensor_index_put_inplace")
public func cajal_tensor_index_put_inplace(_ x: OpaquePointer?, _ indices: UnsafePointer<OpaquePointer?>?, _ count: Int,
                                           _ values: OpaquePointer?, _ accumulate: Int32) -> Int32 {
    status { try tensor(x, "self").indexPutInPlace(optionalTensors(indices, count), values: tensor(values, "values"), accumulate: accumulate != 0) }
}

@_cdecl("cajal_tensor_index_select")
public func cajal_tensor_index_select(_ x: OpaquePointer?, _ dim: Int64, _ index: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).indexSelect(dim: Int(dim), index: tensor(index, "index")) }
}

@_cdecl("cajal_tensor_gather")
public func cajal_tensor_gather(_ x: OpaquePointer?, _ dim: Int64, _ index: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).gather(dim: Int(dim), index: tensor(index, "index")) }
}

@_cdecl("cajal_tensor_scatter")
public func cajal_tensor_scatter(_ x: OpaquePointer?, _ dim: Int64, _ index: OpaquePointer?, _ source: OpaquePointer?,
                                 _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).scatter(dim: Int(dim), index: tensor(index, "index"), source: tensor(source, "src")) }
}

@_cdecl("cajal_tensor_scatter_value")
public func cajal_tensor_scatter_value(_ x: OpaquePointer?, _ dim: Int64, _ index: OpaquePointer?, _ value: Double,
                                       _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).scatter(dim: Int(dim), index: tensor(index, "index"), value: value) }
}

@_cdecl("cajal_tensor_scatter_add")
public func cajal_tensor_scatter_add(_ x: OpaquePointer?, _ dim: Int64, _ index: OpaquePointer?, _ source: OpaquePointer?,
                                     _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).scatterAdd(dim: Int(dim), index: tensor(index, "index"), source: tensor(source, "src")) }
}

@_cdecl("cajal_tensor_scatter_reduce")
public func cajal_tensor_scatter_reduce(_ x: OpaquePointer?, _ dim: Int64, _ index: OpaquePointer?, _ source: OpaquePointer?,
                                        _ reduce: UnsafePointer<CChar>?, _ includeSelf: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        guard let reduce else { throw CajalError(.nullArgument, "reduce is NULL") }
        return try tensor(x).scatterReduce(dim: Int(dim), index: tensor(index, "index"), source: tensor(source, "src"),
                                           reduce: String(cString: reduce), includeSelf: includeSelf != 0)
    }
}

@_cdecl("cajal_tensor_index_add")
public func cajal_tensor_index_add(_ x: OpaquePointer?, _ dim: Int64, _ index: OpaquePointer?, _ source: OpaquePointer?,
                                   _ alpha: Double, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).indexAdd(dim: Int(dim), index: tensor(index, "index"), source: tensor(source, "source"), alpha: alpha) }
}

@_cdecl("cajal_tensor_masked_fill")
public func cajal_tensor_masked_fill(_ x: OpaquePointer?, _ mask: OpaquePointer?, _ value: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).maskedFill(tensor(mask, "mask"), value: tensor(value, "value")) }
}

@_cdecl("cajal_tensor_masked_select")
public func cajal_tensor_masked_select(_ x: OpaquePointer?, _ mask: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).maskedSelect(tensor(mask, "mask")) }
}

@_cdecl("cajal_tensor_nonzero")
public func cajal_tensor_nonzero(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).nonzero() }
}

@_cdecl("cajal_tensor_one_hot")
public func cajal_tensor_one_hot(_ x: OpaquePointer?, _ numClasses: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Tensor.oneHot(tensor(x), numClasses: Int(numClasses)) }
}

@_cdecl("cajal_tensor_copy_inplace")
public func cajal_tensor_copy_inplace(_ x: OpaquePointer?, _ source: OpaquePointer?) -> Int32 {
    status { try tensor(x, "self").copyInPlace(tensor(source, "src")) }
}

/// Decodes an index expression: per item four int64 (kind, a, b, c); see include/cajal.h.
private func indexItems(_ codes: UnsafePointer<Int64>?, _ count: Int, _ tensors: UnsafePointer<OpaquePointer?>?,
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
            return .tensor(try tensor(tensors[Int(a)], "index tensor"))
        case 5: return .bool(a != 0)
        case 6: return .all
        default: throw CajalError.value("unknown index item kind \(kind)")
        }
    }
}

@_cdecl("cajal_tensor_getitem")
public func cajal_tensor_getitem(_ x: OpaquePointer?, _ items: UnsafePointer<Int64>?, _ nitems: Int,
                                 _ tensors: UnsafePointer<OpaquePointer?>?, _ ntensors: Int, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).getItem(indexItems(items, nitems, tensors, ntensors)) }
}

@_cdecl("cajal_tensor_setitem")
public func cajal_tensor_setitem(_ x: OpaquePointer?, _ items: UnsafePointer<Int64>?, _ nitems: Int,
                                 _ tensors: UnsafePointer<OpaquePointer?>?, _ ntensors: Int, _ value: OpaquePointer?) -> Int32 {
    status { try tensor(x, "self").setItem(indexItems(items, nitems, tensors, ntensors), value: tensor(value, "value")) }
}
