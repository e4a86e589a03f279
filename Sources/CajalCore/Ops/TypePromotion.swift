/// The result type of a binary op, without building an array on the hot path.
func resultType(_ a: Tensor, _ b: Tensor) -> DType {
    // One dtype throughout gives that dtype, unless only wrapped numbers take part.
    if a.dtype == b.dtype && !(a.isWrappedNumber && b.isWrappedNumber) { return a.dtype }
    return resultType([a, b])
}

/// torch's result_type for these four dtypes. Operands fall into three tiers:
/// tensors with dims, 0-dim tensors, and wrapped Python numbers. A lower tier
/// only changes the result when it brings a higher category (bool < integer <
/// floating point); a wrapped float then means the default float dtype.
func resultType(_ operands: [Tensor]) -> DType {
    var dimensioned: DType?, zeroDim: DType?, wrapped: DType?
    func merge(_ current: DType?, _ next: DType) -> DType { current.map { DType.promote($0, next) } ?? next }
    for t in operands {
        if t.isWrappedNumber {
            wrapped = merge(wrapped, t.dtype.isComplex ? DType.defaultFloat.complexType
                                     : t.dtype.isFloatingPoint ? DType.defaultFloat : t.dtype)
        } else if t.rank == 0 {
            zeroDim = merge(zeroDim, t.dtype)
        } else {
            dimensioned = merge(dimensioned, t.dtype)
        }
    }
    func combine(_ higher: DType?, _ lower: DType?) -> DType? {
        guard let higher else { return lower }
        guard let lower else { return higher }
        if higher.isComplex { return higher }
        // A complex lower tier makes a float result complex at the float's precision.
        if lower.isComplex && higher.isFloatingPoint { return higher == .float64 ? .complex128 : .complex64 }
        if higher.isFloatingPoint { return higher }
        if higher == .bool || lower.isFloatingPoint || lower.isComplex { return DType.promote(higher, lower) }
        return higher
    }
    return combine(dimensioned, combine(zeroDim, wrapped)) ?? DType.defaultFloat
}

/// torch's can_cast: whether an in-place op may write a `from` result into `to`.
func canCast(from: DType, to: DType) -> Bool {
    if from.isComplex && !to.isComplex { return false }
    if from.isFloatingPoint && !to.isFloatingPoint && !to.isComplex { return false }
    if from != .bool && to == .bool { return false }
    return true
}
