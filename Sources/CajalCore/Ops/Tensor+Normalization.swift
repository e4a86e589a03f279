import CajalRuntime

// Layer normalisation as one op with its own backward: statistics, output and
// the input gradient each in one kernel pass over the rows.

extension Tensor {
    /// Layer norm over the last dims holding `n` elements per row; weight
    /// and bias (optional, n elements each) share the input's float dtype.
    /// Returns nil for what the kernel does not take (other dtypes, n = 0),
    /// so the caller composes it instead.
    package static func fusedLayerNorm(_ input: Tensor, rowLength n: Int, weight: Tensor?, bias: Tensor?,
                                       eps: Double) throws -> Tensor? {
        let type = input.dtype
        guard type == .float32 || type == .float64, n > 0, weight.map({ $0.dtype == type }) ?? true,
              bias.map({ $0.dtype == type }) ?? true else { return nil }
        let x = try input.contiguous(), w = try weight?.contiguous(), b = try bias?.contiguous()
        let rows = x.count / n
        let out = try Tensor(uninitializedShape: x.shape, dtype: type, op: "layer_norm")
        let mean = try Tensor(uninitializedShape: [rows], dtype: type, op: "layer_norm")
        let rstd = try Tensor(uninitializedShape: [rows], dtype: type, op: "layer_norm")
        if rows > 0 {
            kernels.layerNormForward(type, rows, n, x.dataPointer, w.map { UnsafeRawPointer($0.dataPointer) },
                                     b.map { UnsafeRawPointer($0.dataPointer) }, eps, out.dataPointer, mean.dataPointer, rstd.dataPointer)
        }
        var inputs = [input]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        let (hasWeight, hasBias) = (weight != nil, bias != nil)
        let (weightShape, biasShape) = (weight?.shape ?? [n], bias?.shape ?? [n])
        // The statistics ride in the closure, not the saved list: saved tensors
        // without a history would mark the node once-differentiable. Nothing
        // else holds them, and the closure goes when the graph is freed.
        return out.recording("NativeLayerNormBackward0", inputs: inputs, saving: [x, w ?? x]) { ctx in
            let x = ctx.saved[0], w: Tensor? = hasWeight ? ctx.saved[1] : nil
            let g = try ctx.grad.contiguous()
            var grads: [Tensor?] = []
            let flatX = try x.reshape([rows, n]), flatG = try g.reshape([rows, n])
            if ctx.createsGraph {
                // Differentiable again: the same formula from ops, the statistics recomputed from x.
                let centered = try flatX.sub(flatX.mean(dims: [1], keepDim: true))
                let scale = try centered.mul(centered).mean(dims: [1], keepDim: true).add(.scalar(eps)).rsqrt()
                let normalized = try centered.mul(scale)
                let gw = try w.map { try flatG.mul($0.reshape([1, n])) } ?? flatG
                let dx = try scale.mul(gw.sub(gw.mean(dims: [1], keepDim: true))
                    .sub(normalized.mul(gw.mul(normalized).mean(dims: [1], keepDim: true))))
                grads.append(try dx.reshape(x.shape))
                if hasWeight { grads.append(try flatG.mul(normalized).sum(dims: [0]).reshape(weightShape)) }
                if hasBias { grads.append(try flatG.sum(dims: [0]).reshape(biasShape)) }
                return grads
            }
            let dx = try Tensor(uninitializedShape: x.shape, dtype: x.dtype, op: "layer_norm_backward")
            if rows > 0 {
                kernels.layerNormBackward(x.dtype, rows, n, x.dataPointer, w.map { UnsafeRawPointer($0.dataPointer) }, g.dataPointer,
                                          mean.dataPointer, rstd.dataPointer, dx.dataPointer)
            }
            grads.append(dx)
            if hasWeight {
                grads.append(ctx.needs(1)
                    ? try flatX.sub(mean.reshape([rows, 1])).mul(rstd.reshape([rows, 1])).mul(flatG).sum(dims: [0])
                        .reshape(weightShape)
                    : nil)
            }
            if hasBias {
                let index = hasWeight ? 2 : 1
                grads.append(ctx.needs(index) ? try flatG.sum(dims: [0]).reshape(biasShape) : nil)
            }
            return grads
        }
    }
}
