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
            let biasIndex = hasWeight ? 2 : 1
            let dWeight = hasWeight && ctx.needs(1) ? try Tensor(uninitializedShape: weightShape, dtype: x.dtype, op: "layer_norm_backward") : nil
            let dBias = hasBias && ctx.needs(biasIndex) ? try Tensor(uninitializedShape: biasShape, dtype: x.dtype, op: "layer_norm_backward") : nil
            kernels.layerNormBackward(x.dtype, rows, n, x.dataPointer, w.map { UnsafeRawPointer($0.dataPointer) }, g.dataPointer,
                                      mean.dataPointer, rstd.dataPointer, dx.dataPointer, dWeight?.dataPointer, dBias?.dataPointer)
            grads.append(dx)
            if hasWeight { grads.append(dWeight) }
            if hasBias { grads.append(dBias) }
            return grads
        }
    }
}

// Batch normalisation with the batch's statistics as one op with its own
// backward (torch's native_batch_norm): statistics, output, and the gradient's
// sums and input gradient each one kernel pass per channel.

extension Tensor {
    /// Batch norm of (N, C, ...) with the batch's own statistics. Returns the
    /// output and the batch's per-channel mean and biased variance (for the
    /// running statistics), or nil for what the kernels do not take (other
    /// dtypes, empty tensors), so the caller composes it instead. weight and
    /// bias hold C values each.
    package static func fusedBatchNorm(_ input: Tensor, weight: Tensor?, bias: Tensor?, eps: Double) throws
        -> (out: Tensor, mean: [Double], variance: [Double])? {
        let type = input.dtype
        guard type == .float32 || type == .float64, input.rank >= 2, input.count > 0,
              weight.map({ $0.dtype == type }) ?? true, bias.map({ $0.dtype == type }) ?? true else { return nil }
        let channels = input.shape[1]
        let blocks = ChannelBlocks(batch: input.shape[0], channels: channels, spatial: input.count / (input.shape[0] * channels))
        let x = try input.contiguous()
        let (mean, variance) = channelPair(channels) { m, v in kernels.batchNormStatistics(type, blocks, x.dataPointer, m, v) }
        let invstd = variance.map { 1 / ($0 + eps).squareRoot() }
        let (w, b) = (try weight.map(doubles) ?? [Double](repeating: 1, count: channels),
                      try bias.map(doubles) ?? [Double](repeating: 0, count: channels))
        // torch's CPU arithmetic: y = x · α + β, α = invstd · w, β = b - mean · α.
        let alpha = (0..<channels).map { invstd[$0] * w[$0] }
        let beta = (0..<channels).map { b[$0] - mean[$0] * alpha[$0] }
        let out = try Tensor(uninitializedShape: x.shape, dtype: type, op: "batch_norm")
        let (scale, shift) = (try Tensor(alpha, shape: [channels]).to(type), try Tensor(beta, shape: [channels]).to(type))
        kernels.channelAffine(type, blocks, x.dataPointer, scale.dataPointer, shift.dataPointer, out.dataPointer)

        var inputs = [input]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        let (hasWeight, hasBias, count) = (weight != nil, bias != nil, Double(blocks.count))
        let (weightShape, biasShape, dims) = (weight?.shape ?? [channels], bias?.shape ?? [channels], [0] + Array(2..<input.rank))
        // The statistics ride in the closure (see fusedLayerNorm).
        let recorded = out.recording("NativeBatchNormBackward0", inputs: inputs, saving: [x, weight ?? x]) { ctx in
            let x = ctx.saved[0]
            let g = try ctx.grad.contiguous()
            var grads: [Tensor?] = []
            if ctx.createsGraph {
                // Differentiable again: the same formula from ops, the statistics recomputed from x.
                var statShape = [Int](repeating: 1, count: x.rank)
                statShape[1] = channels
                let centered = try x.sub(x.mean(dims: dims, keepDim: true))
                let scale = try centered.mul(centered).mean(dims: dims, keepDim: true).add(.scalar(eps)).rsqrt()
                let normalized = try centered.mul(scale)
                let gw = hasWeight ? try g.mul(ctx.saved[1].reshape(statShape)) : g
                let dx = try scale.mul(gw.sub(gw.mean(dims: dims, keepDim: true))
                    .sub(normalized.mul(gw.mul(normalized).mean(dims: dims, keepDim: true))))
                grads.append(dx)
                if hasWeight { grads.append(try g.mul(normalized).sum(dims: dims).reshape(weightShape)) }
                if hasBias { grads.append(try g.sum(dims: dims).reshape(biasShape)) }
                return grads
            }
            let (sumG, dot) = channelPair(channels) { s, d in
                mean.withUnsafeBufferPointer { m in
                    guard let m = m.baseAddress else { return }
                    kernels.batchNormGradientSums(type, blocks, x.dataPointer, g.dataPointer, m, s, d)
                }
            }
            if ctx.needs(0) {
                // torch's training formula: dx = (g - Σg/n - (x - mean) · k) · invstd · w, k = Σ(x - mean)g · invstd² / n.
                let k = (0..<channels).map { dot[$0] * invstd[$0] * invstd[$0] / count }
                let coefficients = try Tensor(mean + k + sumG.map { $0 / count } + alpha, shape: [4 * channels]).to(type)
                let dx = try Tensor(uninitializedShape: x.shape, dtype: type, op: "batch_norm_backward")
                kernels.batchNormInputGradient(type, blocks, x.dataPointer, g.dataPointer, coefficients.dataPointer, dx.dataPointer)
                grads.append(dx)
            } else {
                grads.append(nil)
            }
            if hasWeight {
                grads.append(ctx.needs(1) ? try Tensor((0..<channels).map { dot[$0] * invstd[$0] }, shape: weightShape).to(type) : nil)
            }
            if hasBias {
                grads.append(ctx.needs(hasWeight ? 2 : 1) ? try Tensor(sumG, shape: biasShape).to(type) : nil)
            }
            return grads
        }
        return (recorded, mean, variance)
    }

    /// x · scale[c] + shift[c] over (N, C, ...) in one pass, not recorded (the
    /// caller decides no gradient is needed); nil for what the kernel does not
    /// take. scale and shift hold C values of the input's dtype.
    package static func channelAffine(_ input: Tensor, scale: Tensor, shift: Tensor) throws -> Tensor? {
        let type = input.dtype
        guard type == .float32 || type == .float64, input.rank >= 2, input.count > 0, scale.dtype == type, shift.dtype == type,
              scale.count == input.shape[1], shift.count == input.shape[1] else { return nil }
        let channels = input.shape[1]
        let blocks = ChannelBlocks(batch: input.shape[0], channels: channels, spatial: input.count / (input.shape[0] * channels))
        let (x, a, b) = (try input.contiguous(), try scale.contiguous(), try shift.contiguous())
        let out = try Tensor(uninitializedShape: x.shape, dtype: type, op: "batch_norm")
        kernels.channelAffine(type, blocks, x.dataPointer, a.dataPointer, b.dataPointer, out.dataPointer)
        return out
    }

    /// channelAffine writing back into its contiguous input; false for what the kernel does not take.
    package static func channelAffineInPlace(_ tensor: Tensor, scale: Tensor, shift: Tensor) throws -> Bool {
        let type = tensor.dtype
        guard type == .float32 || type == .float64, tensor.rank >= 2, tensor.count > 0, tensor.isContiguous,
              scale.dtype == type, shift.dtype == type, scale.count == tensor.shape[1], shift.count == tensor.shape[1] else { return false }
        let channels = tensor.shape[1]
        let blocks = ChannelBlocks(batch: tensor.shape[0], channels: channels, spatial: tensor.count / (tensor.shape[0] * channels))
        let (a, b) = (try scale.contiguous(), try shift.contiguous())
        kernels.channelAffine(type, blocks, tensor.dataPointer, a.dataPointer, b.dataPointer, tensor.dataPointer)
        return true
    }

    /// A per-channel tensor's values in double.
    private static func doubles(_ t: Tensor) throws -> [Double] {
        let values = try GradMode.withDisabled { try t.to(.float64).contiguous() }
        return Array(UnsafeBufferPointer(start: values.typedPointer(Double.self), count: values.count))
    }

    /// Two arrays of `count` doubles filled by body.
    private static func channelPair(_ count: Int, _ body: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void)
        -> ([Double], [Double]) {
        let first = UnsafeMutablePointer<Double>.allocate(capacity: count), second = UnsafeMutablePointer<Double>.allocate(capacity: count)
        defer { first.deallocate(); second.deallocate() }
        first.initialize(repeating: 0, count: count)
        second.initialize(repeating: 0, count: count)
        body(first, second)
        return (Array(UnsafeBufferPointer(start: first, count: count)), Array(UnsafeBufferPointer(start: second, count: count)))
    }
}
