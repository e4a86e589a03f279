import Cajal

// One export per op: convert handles, call the engine, capture errors.

public typealias TensorOut = UnsafeMutablePointer<OpaquePointer?>

// MARK: elementwise

@_cdecl("cajal_tensor_add")
public func cajal_tensor_add(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").add(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_sub")
public func cajal_tensor_sub(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").sub(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_mul")
public func cajal_tensor_mul(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").mul(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_div")
public func cajal_tensor_div(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").div(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_pow")
public func cajal_tensor_pow(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").pow(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_neg")
public func cajal_tensor_neg(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).neg() }
}

@_cdecl("cajal_tensor_exp")
public func cajal_tensor_exp(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).exp() }
}

@_cdecl("cajal_tensor_log")
public func cajal_tensor_log(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).log() }
}

@_cdecl("cajal_tensor_sqrt")
public func cajal_tensor_sqrt(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).sqrt() }
}

@_cdecl("cajal_tensor_relu")
public func cajal_tensor_relu(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).relu() }
}

@_cdecl("cajal_tensor_sigmoid")
public func cajal_tensor_sigmoid(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).sigmoid() }
}

@_cdecl("cajal_tensor_tanh")
public func cajal_tensor_tanh(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).tanh() }
}

@_cdecl("cajal_tensor_eq")
public func cajal_tensor_eq(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").eq(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_ne")
public func cajal_tensor_ne(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").ne(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_lt")
public func cajal_tensor_lt(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").lt(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_le")
public func cajal_tensor_le(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").le(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_gt")
public func cajal_tensor_gt(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").gt(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_ge")
public func cajal_tensor_ge(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").ge(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_where")
public func cajal_tensor_where(_ condition: OpaquePointer?, _ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Tensor.where(tensor(condition, "condition"), tensor(a, "a"), tensor(b, "b")) }
}

// MARK: linear algebra

@_cdecl("cajal_tensor_matmul")
public func cajal_tensor_matmul(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").matmul(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_mm")
public func cajal_tensor_mm(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").mm(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_bmm")
public func cajal_tensor_bmm(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").bmm(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_mv")
public func cajal_tensor_mv(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").mv(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_dot")
public func cajal_tensor_dot(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").dot(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_outer")
public func cajal_tensor_outer(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").outer(tensor(b, "b")) }
}

@_cdecl("cajal_einsum")
public func cajal_einsum(_ equation: UnsafePointer<CChar>?, _ operands: UnsafePointer<OpaquePointer?>?, _ count: Int,
                         _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        guard let equation else { throw CajalError(.nullArgument, "[einsum] equation is NULL") }
        guard let text = String(validatingCString: equation) else { throw CajalError.value("[einsum] the equation is not valid UTF-8") }
        return try Tensor.einsum(text, tensorList(operands, count, "operands"))
    }
}

@_cdecl("cajal_linalg_inv")
public func cajal_linalg_inv(_ a: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "A").inv() }
}

@_cdecl("cajal_linalg_det")
public func cajal_linalg_det(_ a: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "A").det() }
}

@_cdecl("cajal_linalg_solve")
public func cajal_linalg_solve(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Tensor.solve(tensor(a, "A"), tensor(b, "B")) }
}

@_cdecl("cajal_linalg_norm")
public func cajal_linalg_norm(_ x: OpaquePointer?, _ ordKind: Int32, _ p: Double, _ dims: UnsafePointer<Int64>?, _ ndims: Int,
                              _ keepdim: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        let ord: Tensor.NormOrder?
        switch ordKind {
        case 0: ord = nil
        case 1: ord = .p(p)
        case 2: ord = .frobenius
        case 3: ord = .nuclear
        default: throw CajalError.value("[linalg.norm] unknown ord kind \(ordKind) (0 default, 1 number, 2 'fro', 3 'nuc')")
        }
        return try tensor(x).linalgNorm(ord: ord, dims: ndims == 0 ? nil : ints(dims, ndims, "dims"), keepDim: keepdim != 0)
    }
}

// MARK: reductions

@_cdecl("cajal_tensor_sum_all")
public func cajal_tensor_sum_all(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).sum() }
}

@_cdecl("cajal_tensor_sum")
public func cajal_tensor_sum(_ x: OpaquePointer?, _ dims: UnsafePointer<Int64>?, _ ndims: Int, _ keepdim: Int32,
                             _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).sum(dims: ints(dims, ndims, "dims"), keepDim: keepdim != 0) }
}

@_cdecl("cajal_tensor_mean_all")
public func cajal_tensor_mean_all(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).mean() }
}

@_cdecl("cajal_tensor_mean")
public func cajal_tensor_mean(_ x: OpaquePointer?, _ dims: UnsafePointer<Int64>?, _ ndims: Int, _ keepdim: Int32,
                              _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).mean(dims: ints(dims, ndims, "dims"), keepDim: keepdim != 0) }
}

// MARK: views and shape

@_cdecl("cajal_tensor_reshape")
public func cajal_tensor_reshape(_ x: OpaquePointer?, _ shape: UnsafePointer<Int64>?, _ ndim: Int, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).reshape(ints(shape, ndim)) }
}

@_cdecl("cajal_tensor_view")
public func cajal_tensor_view(_ x: OpaquePointer?, _ shape: UnsafePointer<Int64>?, _ ndim: Int, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).view(ints(shape, ndim)) }
}

@_cdecl("cajal_tensor_transpose")
public func cajal_tensor_transpose(_ x: OpaquePointer?, _ dim0: Int64, _ dim1: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).transpose(Int(dim0), Int(dim1)) }
}

@_cdecl("cajal_tensor_t")
public func cajal_tensor_t(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).t() }
}

@_cdecl("cajal_tensor_permute")
public func cajal_tensor_permute(_ x: OpaquePointer?, _ dims: UnsafePointer<Int64>?, _ ndims: Int, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).permute(ints(dims, ndims, "dims")) }
}

@_cdecl("cajal_tensor_expand")
public func cajal_tensor_expand(_ x: OpaquePointer?, _ shape: UnsafePointer<Int64>?, _ ndim: Int, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).expand(ints(shape, ndim)) }
}

@_cdecl("cajal_tensor_squeeze")
public func cajal_tensor_squeeze(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).squeeze() }
}

@_cdecl("cajal_tensor_squeeze_dim")
public func cajal_tensor_squeeze_dim(_ x: OpaquePointer?, _ dim: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).squeeze(dim: Int(dim)) }
}

@_cdecl("cajal_tensor_unsqueeze")
public func cajal_tensor_unsqueeze(_ x: OpaquePointer?, _ dim: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).unsqueeze(dim: Int(dim)) }
}

@_cdecl("cajal_tensor_contiguous")
public func cajal_tensor_contiguous(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).contiguous() }
}

@_cdecl("cajal_tensor_clone")
public func cajal_tensor_clone(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).clone() }
}

@_cdecl("cajal_tensor_to_dtype")
public func cajal_tensor_to_dtype(_ x: OpaquePointer?, _ dtype: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).to(readDType(dtype, "to")) }
}

// MARK: in-place

@_cdecl("cajal_tensor_add_inplace")
public func cajal_tensor_add_inplace(_ x: OpaquePointer?, _ other: OpaquePointer?) -> Int32 {
    status { try tensor(x, "self").addInPlace(tensor(other, "other")) }
}

@_cdecl("cajal_tensor_sub_inplace")
public func cajal_tensor_sub_inplace(_ x: OpaquePointer?, _ other: OpaquePointer?) -> Int32 {
    status { try tensor(x, "self").subInPlace(tensor(other, "other")) }
}

@_cdecl("cajal_tensor_mul_inplace")
public func cajal_tensor_mul_inplace(_ x: OpaquePointer?, _ other: OpaquePointer?) -> Int32 {
    status { try tensor(x, "self").mulInPlace(tensor(other, "other")) }
}

@_cdecl("cajal_tensor_div_inplace")
public func cajal_tensor_div_inplace(_ x: OpaquePointer?, _ other: OpaquePointer?) -> Int32 {
    status { try tensor(x, "self").divInPlace(tensor(other, "other")) }
}

@_cdecl("cajal_tensor_fill_inplace")
public func cajal_tensor_fill_inplace(_ x: OpaquePointer?, _ value: Double) -> Int32 {
    status { try tensor(x, "self").fillInPlace(value) }
}

@_cdecl("cajal_tensor_clamp_inplace")
public func cajal_tensor_clamp_inplace(_ x: OpaquePointer?, _ low: OpaquePointer?, _ high: OpaquePointer?) -> Int32 {
    status { try tensor(x, "self").clampInPlace(min: low.map { try tensor($0, "min") }, max: high.map { try tensor($0, "max") }) }
}

@_cdecl("cajal_tensor_masked_fill_inplace")
public func cajal_tensor_masked_fill_inplace(_ x: OpaquePointer?, _ mask: OpaquePointer?, _ value: OpaquePointer?) -> Int32 {
    status { try tensor(x, "self").maskedFillInPlace(tensor(mask, "mask"), value: tensor(value, "value")) }
}

@_cdecl("cajal_tensor_normal_inplace")
public func cajal_tensor_normal_inplace(_ x: OpaquePointer?, _ mean: Double, _ std: Double, _ generator: OpaquePointer?) -> Int32 {
    status { try tensor(x, "self").normalInPlace(mean: mean, std: std, generator: generatorOrDefault(generator)) }
}

@_cdecl("cajal_tensor_uniform_inplace")
public func cajal_tensor_uniform_inplace(_ x: OpaquePointer?, _ low: Double, _ high: Double, _ generator: OpaquePointer?) -> Int32 {
    status { try tensor(x, "self").uniformInPlace(low: low, high: high, generator: generatorOrDefault(generator)) }
}
