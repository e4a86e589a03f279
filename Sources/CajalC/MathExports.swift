import Cajal

// Math ops of the full tensor API: one export per op.

@_cdecl("cajal_tensor_abs")
public func cajal_tensor_abs(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).abs() }
}

@_cdecl("cajal_tensor_sign")
public func cajal_tensor_sign(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).sign() }
}

@_cdecl("cajal_tensor_expm1")
public func cajal_tensor_expm1(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).expm1() }
}

@_cdecl("cajal_tensor_log1p")
public func cajal_tensor_log1p(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).log1p() }
}

@_cdecl("cajal_tensor_log2")
public func cajal_tensor_log2(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).log2() }
}

@_cdecl("cajal_tensor_log10")
public func cajal_tensor_log10(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).log10() }
}

@_cdecl("cajal_tensor_rsqrt")
public func cajal_tensor_rsqrt(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).rsqrt() }
}

@_cdecl("cajal_tensor_sin")
public func cajal_tensor_sin(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).sin() }
}

@_cdecl("cajal_tensor_cos")
public func cajal_tensor_cos(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).cos() }
}

@_cdecl("cajal_tensor_erf")
public func cajal_tensor_erf(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).erf() }
}

@_cdecl("cajal_tensor_floor")
public func cajal_tensor_floor(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).floor() }
}

@_cdecl("cajal_tensor_ceil")
public func cajal_tensor_ceil(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).ceil() }
}

@_cdecl("cajal_tensor_round")
public func cajal_tensor_round(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).round() }
}

@_cdecl("cajal_tensor_trunc")
public func cajal_tensor_trunc(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).trunc() }
}

@_cdecl("cajal_tensor_reciprocal")
public func cajal_tensor_reciprocal(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).reciprocal() }
}

@_cdecl("cajal_tensor_isnan")
public func cajal_tensor_isnan(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).isnan() }
}

@_cdecl("cajal_tensor_isinf")
public func cajal_tensor_isinf(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).isinf() }
}

@_cdecl("cajal_tensor_isfinite")
public func cajal_tensor_isfinite(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).isfinite() }
}

@_cdecl("cajal_tensor_logical_not")
public func cajal_tensor_logical_not(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).logicalNot() }
}

@_cdecl("cajal_tensor_maximum")
public func cajal_tensor_maximum(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").maximum(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_minimum")
public func cajal_tensor_minimum(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").minimum(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_fmod")
public func cajal_tensor_fmod(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").fmod(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_remainder")
public func cajal_tensor_remainder(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").remainder(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_logical_and")
public func cajal_tensor_logical_and(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").logicalAnd(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_logical_or")
public func cajal_tensor_logical_or(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").logicalOr(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_logical_xor")
public func cajal_tensor_logical_xor(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").logicalXor(tensor(b, "b")) }
}

@_cdecl("cajal_tensor_div_rounding")
public func cajal_tensor_div_rounding(_ a: OpaquePointer?, _ b: OpaquePointer?, _ mode: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").div(tensor(b, "b"), roundingMode: mode == 0 ? "trunc" : mode == 1 ? "floor" : "\(mode)") }
}

@_cdecl("cajal_tensor_clamp")
public func cajal_tensor_clamp(_ x: OpaquePointer?, _ low: OpaquePointer?, _ high: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(x).clamp(min: low.map { try tensor($0, "min") }, max: high.map { try tensor($0, "max") }) }
}

@_cdecl("cajal_tensor_isclose")
public func cajal_tensor_isclose(_ a: OpaquePointer?, _ b: OpaquePointer?, _ rtol: Double, _ atol: Double, _ equalNaN: Int32,
                                 _ out: TensorOut?) -> Int32 {
    newTensor(out) { try tensor(a, "a").isclose(tensor(b, "b"), rtol: rtol, atol: atol, equalNaN: equalNaN != 0) }
}

@_cdecl("cajal_tensor_allclose")
public func cajal_tensor_allclose(_ a: OpaquePointer?, _ b: OpaquePointer?, _ rtol: Double, _ atol: Double, _ equalNaN: Int32,
                                  _ out: UnsafeMutablePointer<Int32>?) -> Int32 {
    output(out) { try tensor(a, "a").allclose(tensor(b, "b"), rtol: rtol, atol: atol, equalNaN: equalNaN != 0) ? 1 : 0 }
}

@_cdecl("cajal_tensor_equal")
public func cajal_tensor_equal(_ a: OpaquePointer?, _ b: OpaquePointer?, _ out: UnsafeMutablePointer<Int32>?) -> Int32 {
    output(out) { try tensor(a, "a").equal(tensor(b, "b")) ? 1 : 0 }
}
