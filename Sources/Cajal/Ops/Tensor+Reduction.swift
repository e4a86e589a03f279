import CajalKernelsABI

/// sum and mean, over everything or over dims, with keepdim.
extension Tensor {
    /// Normalises and de-duplicates reduction dims; an empty list means all dims.
    func reductionDims(_ dims: [Int], op: String) throws -> [Bool] {
        var reduced = [Bool](repeating: dims.isEmpty, count: rank)
        for dim in dims {
            let d = try normalizeDim(dim, rank: rank, op: op)
            if rank == 0 { continue }
            if reduced[d] { throw CajalError.runtime("[\(op)] dim \(d) appears multiple times in the list of dims") }
            reduced[d] = true
        }
        return reduced
    }

    /// Sums (times `scale`) over the marked dims; no autograd.
    private func reduceKernel(_ reduced: [Bool], keepDim: Bool, outType: DType, scale: Double, op: String) throws -> Tensor {
        var outShape: [Int] = []
        for d in 0..<rank {
            if !reduced[d] { outShape.append(shape[d]) } else if keepDim { outShape.append(1) }
        }
        let out = try Tensor(uninitializedShape: outShape, dtype: outType, op: op)
        let x = try converted(to: outType == .int64 && dtype == .bool ? .bool : outType)
        kernels.reduce(.sum, x.dtype.kind, x.dataPointer, shape, x.strides, reduced, out.dataPointer, scale)
        return out
    }

    /// The shape of the reduced tensor with the reduced dims kept as size 1.
    private func keptShape(_ reduced: [Bool]) -> [Int] {
        (0..<rank).map { reduced[$0] ? 1 : shape[$0] }
    }

    /// Sum of all elements; integers and bool sum to int64.
    public func sum() throws -> Tensor {
        let inputShape = shape
        return try reduceKernel([Bool](repeating: true, count: rank), keepDim: false,
                                outType: (dtype.isFloatingPoint ? dtype : .int64), scale: 1, op: "sum")
            .recording("SumBackward0", inputs: [self]) { ctx in
                [try ctx.grad.expand(inputShape)]
            }
    }

    public func sum(dims: [Int], keepDim: Bool = false) throws -> Tensor {
        let reduced = try reductionDims(dims, op: "sum")
        let inputShape = shape, kept = keptShape(reduced)
        return try reduceKernel(reduced, keepDim: keepDim, outType: (dtype.isFloatingPoint ? dtype : .int64), scale: 1, op: "sum")
            .recording("SumBackward1", inputs: [self]) { ctx in
                [try ctx.grad.reshape(kept).expand(inputShape)]
            }
    }

    public func sum(dim: Int, keepDim: Bool = false) throws -> Tensor { try sum(dims: [dim], keepDim: keepDim) }

    private func checkMeanType() throws {
        guard dtype.isFloatingPoint else {
            throw CajalError.runtime("[mean] mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(dtype)")
        }
    }

    public func mean() throws -> Tensor {
        try checkMeanType()
        let inputShape = shape, n = Double(count)
        return try reduceKernel([Bool](repeating: true, count: rank), keepDim: false, outType: dtype, scale: 1 / n, op: "mean")
            .recording("MeanBackward0", inputs: [self]) { ctx in
                [try ctx.grad.div(Tensor.scalar(n)).expand(inputShape)]
            }
    }

    public func mean(dims: [Int], keepDim: Bool = false) throws -> Tensor {
        try checkMeanType()
        let reduced = try reductionDims(dims, op: "mean")
        let inputShape = shape, kept = keptShape(reduced)
        let n = Double(zip(shape, reduced).reduce(1) { $1.1 ? $0 * $1.0 : $0 })
        return try reduceKernel(reduced, keepDim: keepDim, outType: dtype, scale: 1 / n, op: "mean")
            .recording("MeanBackward1", inputs: [self]) { ctx in
                [try ctx.grad.div(Tensor.scalar(n)).reshape(kept).expand(inputShape)]
            }
    }

    public func mean(dim: Int, keepDim: Bool = false) throws -> Tensor { try mean(dims: [dim], keepDim: keepDim) }
}
