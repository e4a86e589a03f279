import CajalRuntime

// softmax and log_softmax as single ops with their own backward: the
// composite (x - logsumexp(x), then exp) made five passes and four
// temporaries, and small transformers spend much of their step here.

extension Tensor {
    /// exp(x) / sum(exp(x)) along `dim`. Rows that are all -inf give NaN, as in torch.
    public func softmax(dim: Int) throws -> Tensor {
        try softmaxFamily(.softmax, dim: dim, op: "softmax", gradName: "SoftmaxBackward0")
    }

    /// log(softmax(x)) along `dim`, computed as (x - max) - log(sum(exp(x - max))): never the log of 0.
    public func logSoftmax(dim: Int) throws -> Tensor {
        try softmaxFamily(.logSoftmax, dim: dim, op: "log_softmax", gradName: "LogSoftmaxBackward0")
    }

    private func softmaxFamily(_ mode: SoftmaxMode, dim: Int, op: String, gradName: String) throws -> Tensor {
        try Tensor.refuseComplex(dtype, op)
        let d = try normalizeDim(dim, rank: rank, op: op)
        // Integers compute in the default float type; the half types in float32, rounded once.
        if !dtype.isFloatingPoint { return try to(DType.defaultFloat).softmaxFamily(mode, dim: d, op: op, gradName: gradName) }
        if let out = try Tensor.inKernelType(dtype, { widen in try widen(self).softmaxFamily(mode, dim: d, op: op, gradName: gradName) }) {
            return out
        }
        if rank == 0 { return try reshape([1]).softmaxFamily(mode, dim: 0, op: op, gradName: gradName).reshape([]) }
        let out = try Tensor(uninitializedShape: shape, dtype: dtype, op: op)
        if count > 0 {
            kernels.softmax(mode, dtype, dataPointer, strides[d], out.dataPointer, out.strides[d], shape[d],
                            alongDim(d, outputs: [out.strides]))
        }
        return out.recording(gradName, inputs: [self], saving: [out]) { ctx in
            [try Tensor.softmaxBackward(mode, grad: ctx.grad, output: ctx.saved[0], dim: d)]
        }
    }

    /// softmax: y (g - Σ g y); log_softmax: g - exp(y) Σ g. Under create_graph
    /// the same formulas from tensor ops, so the gradient is differentiable again.
    static func softmaxBackward(_ mode: SoftmaxMode, grad: Tensor, output y: Tensor, dim d: Int) throws -> Tensor {
        if GradMode.isEnabled || grad.dtype != y.dtype {
            if mode == .softmax { return try y.mul(grad.sub(grad.mul(y).sum(dims: [d], keepDim: true))) }
            return try grad.sub(y.exp().mul(grad.sum(dims: [d], keepDim: true)))
        }
        // A gradient broadcast from a sum has stride 0 along the dim: lay it out first.
        let g = grad.isContiguous ? grad : try grad.contiguous()
        let dx = try Tensor(uninitializedShape: y.shape, dtype: y.dtype, op: "softmax_backward")
        if y.count > 0 {
            kernels.softmaxBackward(mode, y.dtype, dx.dataPointer, dx.strides[d], g.dataPointer, g.strides[d], y.dataPointer,
                                    y.strides[d], y.shape[d], y.alongDim(d, outputs: [dx.strides, g.strides]))
        }
        return dx
    }

    /// logsumexp over one dim in one kernel pass (float32/float64 only).
    func logsumexpAlong(_ d: Int, keptShape: [Int]) throws -> Tensor {
        let out = try Tensor(uninitializedShape: keptShape, dtype: dtype, op: "logsumexp")
        kernels.softmax(.logSumExp, dtype, dataPointer, strides[d], out.dataPointer, 0, shape[d],
                        alongDim(d, outputs: [out.strides]))
        return out
    }
}
