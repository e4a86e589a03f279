import CajalRuntime

// Scaled dot-product attention as one op with its own backward: the
// composite (matmul, scale, mask, softmax, matmul) ran a tiny BLAS call per
// head and five passes over the scores, and small transformers spend their
// step there.

extension Tensor {
    /// Problems up to these sizes keep their weights (batch · L · S floats in
    /// all, L · S per head) for the backward; larger ones keep each query
    /// row's logsumexp and recompute the weights a row at a time, so memory
    /// stays linear in the sequence length.
    static let keptAttentionWeightLimit = 64 << 20
    static let keptAttentionPlaneLimit = 1 << 20

    /// Whether `fusedAttention` takes these operands: float32, 3-D, and no
    /// gradient wanted for the mask.
    package static func canFuseAttention(query: Tensor, key: Tensor, value: Tensor, mask: Tensor?) -> Bool {
        guard query.dtype == .float32, key.dtype == .float32, value.dtype == .float32,
              query.rank == 3, key.rank == 3, value.rank == 3 else { return false }
        if let mask, mask.dtype != .float32 || mask.rank != 3 || (mask.requiresGrad && GradMode.isEnabled) { return false }
        return true
    }

    /// Whether the fused op keeps (and returns) the weights for this problem.
    package static func attentionKeepsWeights(batch: Int, targetLength: Int, sourceLength: Int) -> Bool {
        let plane = Parallel.cost(targetLength, sourceLength)
        return plane <= keptAttentionPlaneLimit && Parallel.cost(plane, batch) <= keptAttentionWeightLimit
    }

    /// softmax(q kᵀ · scale + mask) v for query (B, L, D), key (B, S, D), value
    /// (B, S, Dv) in float32, an additive float mask that broadcasts to (B, L, S),
    /// and causal masking (key j may follow query i when j <= i). Returns the
    /// output (B, L, Dv) and, when `attentionKeepsWeights`, the weights (B, L, S),
    /// which carry no gradient. Check `canFuseAttention` first. Not twice
    /// differentiable (as torch's fused CPU kernel).
    package static func fusedAttention(query: Tensor, key: Tensor, value: Tensor, mask: Tensor?, causal: Bool,
                                       scale: Double) throws -> (output: Tensor, weights: Tensor?) {
        let op = "scaled_dot_product_attention"
        let (batch, targetLength, headDim) = (query.shape[0], query.shape[1], query.shape[2])
        let (sourceLength, valueDim) = (key.shape[1], value.shape[2])
        guard key.shape[0] == batch, value.shape[0] == batch, key.shape[2] == headDim, value.shape[1] == sourceLength else {
            throw CajalError.runtime("[\(op)] query \(query.shape), key \(key.shape) and value \(value.shape) do not match")
        }
        var maskStrides = (0, 0, 0)
        if let mask {
            guard (try? broadcastShapes([batch, targetLength, sourceLength], mask.shape, op: op)) == [batch, targetLength, sourceLength] else {
                throw CajalError.runtime("[\(op)] the mask of size \(mask.shape) does not broadcast to the attention scores of size \([batch, targetLength, sourceLength])")
            }
            let s = mask.strides
            maskStrides = (mask.shape[0] == 1 ? 0 : s[0], mask.shape[1] == 1 ? 0 : s[1], mask.shape[2] == 1 ? 0 : s[2])
        }
        let keeps = attentionKeepsWeights(batch: batch, targetLength: targetLength, sourceLength: sourceLength)
        let q = try query.contiguous(), k = try key.contiguous(), v = try value.contiguous()
        let output = try Tensor(uninitializedShape: [batch, targetLength, valueDim], dtype: .float32, op: op)
        // The weights, or each query row's logsumexp.
        let saved = try Tensor(uninitializedShape: keeps ? [batch, targetLength, sourceLength] : [batch, targetLength],
                               dtype: .float32, op: op)
        let problem = AttentionProblem(batch: batch, targetLength: targetLength, sourceLength: sourceLength, headDim: headDim,
                                       valueDim: valueDim, scale: Float(scale), causal: causal, mask: mask?.dataPointer,
                                       maskStrides: maskStrides)
        // Per thread: the transposed keys and values and a few score rows.
        let scratch = Parallel.cost(headDim + valueDim + 3, sourceLength + 15) + (keeps ? 2 * Parallel.cost(targetLength, sourceLength) : 0)
        if output.count > 0 || saved.count > 0 {
            try MemoryBudget.reserveScratch(perThread: scratch, of: 4, op: op)
            withExtendedLifetime(mask) {
                if keeps {
                    kernels.attentionForward(.float32, problem, q.dataPointer, k.dataPointer, v.dataPointer, saved.dataPointer,
                                             output.dataPointer)
                } else {
                    kernels.attentionStreamingForward(.float32, problem, q.dataPointer, k.dataPointer, v.dataPointer,
                                                      saved.dataPointer, output.dataPointer)
                }
            }
        }
        // The streaming backward reads the mask again: the closure holds it.
        let heldMask = keeps ? nil : mask
        let recorded = output.recording("ScaledDotProductFlashAttentionForCpuBackward0", inputs: [query, key, value],
                                        saving: [q, k, v, saved], twiceDifferentiable: false) { ctx in
            let (q, k, v, saved) = (ctx.saved[0], ctx.saved[1], ctx.saved[2], ctx.saved[3])
            let g = try ctx.grad.contiguous()
            let dq = try Tensor(uninitializedShape: q.shape, dtype: .float32, op: op)
            let dk = try Tensor(uninitializedShape: k.shape, dtype: .float32, op: op)
            let dv = try Tensor(uninitializedShape: v.shape, dtype: .float32, op: op)
            if dq.count > 0 || dk.count > 0 || dv.count > 0 {
                try MemoryBudget.reserveScratch(perThread: scratch, of: 4, op: op)
                let backwardProblem = AttentionProblem(batch: batch, targetLength: targetLength, sourceLength: sourceLength,
                                                       headDim: headDim, valueDim: valueDim, scale: Float(scale), causal: causal,
                                                       mask: heldMask?.dataPointer, maskStrides: maskStrides)
                withExtendedLifetime(heldMask) {
                    if keeps {
                        kernels.attentionBackward(.float32, backwardProblem, q.dataPointer, k.dataPointer, v.dataPointer,
                                                  saved.dataPointer, g.dataPointer, dq.dataPointer, dk.dataPointer, dv.dataPointer)
                    } else {
                        kernels.attentionStreamingBackward(.float32, backwardProblem, q.dataPointer, k.dataPointer, v.dataPointer,
                                                           saved.dataPointer, g.dataPointer, dq.dataPointer, dk.dataPointer,
                                                           dv.dataPointer)
                    }
                }
            }
            return [dq, dk, dv]
        }
        return (recorded, keeps ? saved : nil)
    }
}
