import CajalCore
import CajalRuntime
/// Attention: torch.nn.functional.scaled_dot_product_attention and the
/// forward of torch.nn.MultiheadAttention, composed of engine ops (batched
/// matrix products, softmax, masks), so their gradients come from those ops.
public struct MultiheadAttentionWeights {
    /// (3 E, E) when query, key and value share the embedding size; else nil
    /// and the three separate projections below.
    public var inProjection: Tensor?
    public var queryProjection: Tensor?, keyProjection: Tensor?, valueProjection: Tensor?
    /// (3 E) or nil.
    public var inProjectionBias: Tensor?
    public var outProjection: Tensor
    public var outProjectionBias: Tensor?
    /// add_bias_kv: (1, 1, E) rows appended to the projected keys and values, or nil.
    public var keyBias: Tensor?, valueBias: Tensor?

    public init(inProjection: Tensor?, queryProjection: Tensor? = nil, keyProjection: Tensor? = nil, valueProjection: Tensor? = nil,
                inProjectionBias: Tensor?, outProjection: Tensor, outProjectionBias: Tensor?, keyBias: Tensor? = nil,
                valueBias: Tensor? = nil) {
        (self.inProjection, self.queryProjection, self.keyProjection, self.valueProjection) =
            (inProjection, queryProjection, keyProjection, valueProjection)
        (self.inProjectionBias, self.outProjection, self.outProjectionBias) = (inProjectionBias, outProjection, outProjectionBias)
        (self.keyBias, self.valueBias) = (keyBias, valueBias)
    }
}

extension Functional {
    /// softmax(q kᵀ scale + mask) v over the last two dims: query (..., L, E),
    /// key (..., S, E), value (..., S, Ev). A bool mask marks the pairs that
    /// may attend (true); a float mask is added to the scores. isCausal masks
    /// the pairs where the key comes after the query. Dropout applies to the
    /// attention weights when dropoutP > 0 (callers pass 0 in evaluation).
    public static func scaledDotProductAttention(_ query: Tensor, _ key: Tensor, _ value: Tensor, attnMask: Tensor? = nil,
                                                 dropoutP: Double = 0, isCausal: Bool = false, scale: Double? = nil) throws -> Tensor {
        let op = "scaled_dot_product_attention"
        guard query.rank >= 2, key.rank >= 2, value.rank >= 2 else {
            throw CajalError.runtime("[\(op)] query, key and value must have at least 2 dims, got \(query.shape), \(key.shape) and \(value.shape)")
        }
        let embed = query.shape[query.rank - 1]
        guard key.shape[key.rank - 1] == embed else {
            throw CajalError.runtime("[\(op)] query \(query.shape) and key \(key.shape) must have the same last dim")
        }
        guard key.shape[key.rank - 2] == value.shape[value.rank - 2] else {
            throw CajalError.runtime("[\(op)] key \(key.shape) and value \(value.shape) must have the same sequence length (dim -2)")
        }
        guard (0...1).contains(dropoutP) else { throw CajalError.value("[\(op)] dropout_p must be in [0, 1], got \(dropoutP)") }
        if isCausal && attnMask != nil {
            throw CajalError.runtime("[\(op)] _scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
        }
        let factor = scale ?? 1 / Double(embed).squareRoot()
        if dropoutP == 0, let fused = try fusedScaledDotProductAttention(query, key, value, attnMask: attnMask, isCausal: isCausal,
                                                                         scale: factor) {
            return fused
        }
        var scores = try query.matmul(key.transpose(-2, -1)).mul(.scalar(factor))
        let (targetLength, sourceLength) = (query.shape[query.rank - 2], key.shape[key.rank - 2])
        if isCausal {
            let allowed = try Tensor.ones([targetLength, sourceLength], dtype: .bool).tril()
            scores = try scores.maskedFill(allowed.logicalNot(), value: .scalar(-Double.infinity))
        } else if let attnMask {
            scores = try applyMask(scores, attnMask, allowedWhenTrue: true, op: op)
        }
        var weights = try softmax(scores, dim: -1)
        weights = try dropout(weights, probability: dropoutP, training: dropoutP > 0)
        return try weights.matmul(value)
    }

    /// The fused op (Tensor.fusedAttention) when the operands allow it: the
    /// same leading dims on query, key and value, float32; else nil.
    private static func fusedScaledDotProductAttention(_ query: Tensor, _ key: Tensor, _ value: Tensor, attnMask: Tensor?,
                                                       isCausal: Bool, scale: Double) throws -> Tensor? {
        let lead = Array(query.shape.dropLast(2))
        guard query.dtype == .float32, Array(key.shape.dropLast(2)) == lead, Array(value.shape.dropLast(2)) == lead else { return nil }
        let (targetLength, sourceLength) = (query.shape[query.rank - 2], key.shape[key.rank - 2])
        let batch = lead.reduce(1) { Parallel.cost($0, $1) }  // saturating: dims of an existing tensor, but one may be 0
        func flat(_ x: Tensor) throws -> Tensor { try x.reshape([batch, x.shape[x.rank - 2], x.shape[x.rank - 1]]) }
        var mask: Tensor?
        if let attnMask {
            let scoresShape = lead + [targetLength, sourceLength]
            guard (try? broadcastShapes(scoresShape, attnMask.shape, op: "scaled_dot_product_attention")) == scoresShape else {
                throw CajalError.runtime("[scaled_dot_product_attention] the mask of size \(attnMask.shape) does not broadcast to the attention scores of size \(scoresShape)")
            }
            var additive: Tensor
            if attnMask.dtype == .bool {
                additive = try Tensor.zeros(attnMask.shape, dtype: .float32).maskedFill(attnMask.logicalNot(), value: .scalar(-Double.infinity))
            } else {
                guard attnMask.dtype == query.dtype else { return nil }  // the composite reports it
                additive = attnMask
            }
            // A mask shared by every batch and head stays one (1, L, S) plane.
            let planeDims = Array(additive.shape.suffix(2))
            if additive.shape.dropLast(2).allSatisfy({ $0 == 1 }) {
                additive = try additive.reshape([1] + planeDims)
            } else {
                additive = try additive.expand(scoresShape).reshape([batch, targetLength, sourceLength])
            }
            mask = additive
        }
        let (q, k, v) = (try flat(query), try flat(key), try flat(value))
        guard Tensor.canFuseAttention(query: q, key: k, value: v, mask: mask) else { return nil }
        let output = try Tensor.fusedAttention(query: q, key: k, value: v, mask: mask, causal: isCausal, scale: scale).output
        return try output.reshape(lead + [targetLength, value.shape[value.rank - 1]])
    }

    /// scores masked by a bool mask (true = may attend, or true = blocked when
    /// !allowedWhenTrue, as MultiheadAttention's masks) or plus a float mask.
    private static func applyMask(_ scores: Tensor, _ mask: Tensor, allowedWhenTrue: Bool, op: String) throws -> Tensor {
        guard (try? broadcastShapes(scores.shape, mask.shape, op: op)) == scores.shape else {
            throw CajalError.runtime("[\(op)] the mask of size \(mask.shape) does not broadcast to the attention scores of size \(scores.shape)")
        }
        if mask.dtype == .bool {
            return try scores.maskedFill(allowedWhenTrue ? mask.logicalNot() : mask, value: .scalar(-Double.infinity))
        }
        guard mask.dtype == scores.dtype else {
            throw CajalError.runtime("[\(op)] a float attention mask must have the dtype of the query (\(scores.dtype)), got \(mask.dtype)")
        }
        return try scores.add(mask)
    }

    /// torch.nn.functional.multi_head_attention_forward, time-major: query
    /// (L, N, E) or unbatched (L, E); key (S, N, kdim) and value (S, N, vdim).
    /// keyPaddingMask (N, S) (or (S)) and attnMask (L, S) or (N·heads, L, S):
    /// bool masks mark what may NOT be attended, float masks are added.
    /// isCausal is only a hint, as in torch: attnMask must hold the causal mask.
    /// The key/value biases of weights (add_bias_kv) and addZeroAttn each
    /// append one source position (a learned one, a zero one) that every
    /// query may attend. Returns the output (L, N, E) and, with needWeights,
    /// the attention weights (N, L, S') averaged over heads, or (N, heads, L, S'),
    /// S' counting the appended positions.
    public static func multiHeadAttention(query: Tensor, key: Tensor, value: Tensor, numHeads: Int, weights: MultiheadAttentionWeights,
                                          keyPaddingMask: Tensor? = nil, attnMask: Tensor? = nil, needWeights: Bool = true,
                                          averageAttnWeights: Bool = true, isCausal: Bool = false, dropoutP: Double = 0,
                                          training: Bool = false, addZeroAttn: Bool = false) throws -> (output: Tensor, weights: Tensor?) {
        let op = "multi_head_attention_forward"
        guard query.rank == 3 || query.rank == 2 else {
            throw CajalError.runtime("[\(op)] query should be unbatched 2D or batched 3D tensor but received \(query.rank)-D query tensor")
        }
        let unbatched = query.rank == 2
        guard key.rank == query.rank, value.rank == query.rank else {
            throw CajalError.runtime("[\(op)] For \(unbatched ? "unbatched (2-D)" : "batched (3-D)") `query`, expected `key` and `value` to be \(query.rank)-D but found \(key.rank)-D and \(value.rank)-D tensors respectively")
        }
        if unbatched {
            let result = try multiHeadAttention(
                query: query.unsqueeze(dim: 1), key: key.unsqueeze(dim: 1), value: value.unsqueeze(dim: 1), numHeads: numHeads,
                weights: weights, keyPaddingMask: keyPaddingMask.map { try $0.unsqueeze(dim: 0) },
                attnMask: attnMask, needWeights: needWeights, averageAttnWeights: averageAttnWeights,
                isCausal: isCausal, dropoutP: dropoutP, training: training, addZeroAttn: addZeroAttn)
            return (try result.output.squeeze(dim: 1), try result.weights?.squeeze(dim: 0))
        }
        let (targetLength, batch, embed) = (query.shape[0], query.shape[1], query.shape[2])
        let sourceLength = key.shape[0]
        guard try Arguments(op).bounded(numHeads, "num_heads") > 0, embed % numHeads == 0 else {
            throw CajalError.value("[\(op)] embed_dim \(embed) not divisible by num_heads \(numHeads)")
        }
        guard key.shape[0] == value.shape[0], key.shape[1] == batch, value.shape[1] == batch else {
            throw CajalError.runtime("[\(op)] key \(key.shape) and value \(value.shape) must have the same sequence length and the query's batch size \(batch)")
        }
        guard (0...1).contains(dropoutP) else { throw CajalError.value("[\(op)] dropout_p must be in [0, 1], got \(dropoutP)") }
        let headDim = embed / numHeads

        // Projections: one (3E, E) matrix split three ways, or three matrices.
        let q: Tensor, k: Tensor, v: Tensor
        let biases = try weights.inProjectionBias.map { try $0.chunk(3, dim: 0) }
        if let inProjection = weights.inProjection {
            guard inProjection.shape == [3 * embed, embed] else {
                throw CajalError.runtime("[\(op)] in_proj_weight must have shape \(shapeString([3 * embed, embed])), got \(shapeString(inProjection.shape))")
            }
            guard key.shape[2] == embed, value.shape[2] == embed else {
                throw CajalError.runtime("[\(op)] key \(key.shape) and value \(value.shape) must have the embedding size \(embed) of the query; give separate projections for other sizes (kdim, vdim)")
            }
            let parts = try inProjection.chunk(3, dim: 0)
            q = try linear(query, weight: parts[0], bias: biases?[0])
            k = try linear(key, weight: parts[1], bias: biases?[1])
            v = try linear(value, weight: parts[2], bias: biases?[2])
        } else {
            guard let qw = weights.queryProjection, let kw = weights.keyProjection, let vw = weights.valueProjection else {
                throw CajalError.runtime("[\(op)] expected in_proj_weight, or q_proj_weight, k_proj_weight and v_proj_weight")
            }
            for (w, input, name) in [(qw, query, "q"), (kw, key, "k"), (vw, value, "v")] where w.shape != [embed, input.shape[2]] {
                throw CajalError.runtime("[\(op)] \(name)_proj_weight must have shape \(shapeString([embed, input.shape[2]])) for an input of size \(input.shape), got \(shapeString(w.shape))")
            }
            q = try linear(query, weight: qw, bias: biases?[0])
            k = try linear(key, weight: kw, bias: biases?[1])
            v = try linear(value, weight: vw, bias: biases?[2])
        }
        // add_bias_kv: one learned key and value appended to every sequence of the batch.
        var (keys, values) = (k, v)
        if weights.keyBias != nil || weights.valueBias != nil {
            guard let keyBias = weights.keyBias, let valueBias = weights.valueBias,
                  keyBias.shape == [1, 1, embed], valueBias.shape == [1, 1, embed] else {
                throw CajalError.runtime("[\(op)] bias_k and bias_v must both be given, of shape \(shapeString([1, 1, embed]))")
            }
            keys = try Tensor.cat([k, keyBias.expand([1, batch, embed])], dim: 0)
            values = try Tensor.cat([v, valueBias.expand([1, batch, embed])], dim: 0)
        }
        // (L, N, E) -> (N * heads, L, headDim)
        func heads(_ x: Tensor) throws -> Tensor {
            try x.reshape([x.shape[0], batch * numHeads, headDim]).transpose(0, 1)
        }
        let qh = try heads(q)
        var kh = try heads(keys), vh = try heads(values)
        if addZeroAttn {
            let zeros = try Tensor.zeros([batch * numHeads, 1, headDim], dtype: kh.dtype)
            kh = try Tensor.cat([kh, zeros], dim: 1)
            vh = try Tensor.cat([vh, zeros], dim: 1)
        }
        // The appended positions are never masked (torch pads the masks with zeros / false).
        let appended = kh.shape[1] - sourceLength

        // One float mask (N * heads or 1, L, S) from the attention and key padding masks.
        var mask: Tensor?
        func asFloat(_ m: Tensor, _ name: String) throws -> Tensor {
            if m.dtype == .bool {
                return try Tensor.zeros(m.shape, dtype: query.dtype).maskedFill(m, value: .scalar(-Double.infinity))
            }
            guard m.dtype.isFloatingPoint else {
                throw CajalError.runtime("[\(op)] only bool and floating types of \(name) are supported, got \(m.dtype)")
            }
            guard m.dtype == query.dtype else {
                throw CajalError.runtime("[\(op)] a float \(name) must have the query's dtype \(query.dtype), got \(m.dtype)")
            }
            return m
        }
        if isCausal && attnMask == nil {
            throw CajalError.runtime("[\(op)] Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.")
        }
        if let attnMask {
            if attnMask.rank == 2 {
                guard attnMask.shape == [targetLength, sourceLength] else {
                    throw CajalError.runtime("[\(op)] The shape of the 2D attn_mask is \(attnMask.shape), but should be \(shapeString([targetLength, sourceLength])).")
                }
                mask = try asFloat(attnMask, "attn_mask").unsqueeze(dim: 0)
            } else if attnMask.rank == 3 {
                guard attnMask.shape == [batch * numHeads, targetLength, sourceLength] else {
                    throw CajalError.runtime("[\(op)] The shape of the 3D attn_mask is \(attnMask.shape), but should be \(shapeString([batch * numHeads, targetLength, sourceLength])).")
                }
                mask = try asFloat(attnMask, "attn_mask")
            } else {
                throw CajalError.runtime("[\(op)] attn_mask's dimension \(attnMask.rank) is not supported")
            }
        }
        if let keyPaddingMask {
            guard keyPaddingMask.shape == [batch, sourceLength] else {
                throw CajalError.runtime("[\(op)] expected key_padding_mask of size \(shapeString([batch, sourceLength])), got \(shapeString(keyPaddingMask.shape))")
            }
            let padding = try asFloat(keyPaddingMask, "key_padding_mask").reshape([batch, 1, 1, sourceLength])
                .expand([batch, numHeads, 1, sourceLength]).reshape([batch * numHeads, 1, sourceLength])
            mask = try mask.map { try $0.add(padding) } ?? padding
        }

        if appended > 0, let current = mask {
            mask = try pad(current, [0, appended])
        }

        // softmax(q kᵀ / √d + mask) v, per head: fused unless dropout is on or the
        // weights are wanted with their gradient.
        let wantsWeightGradient = needWeights && GradMode.isEnabled
        let weightsKept = Tensor.attentionKeepsWeights(batch: qh.shape[0], targetLength: qh.shape[1], sourceLength: kh.shape[1])
        if !(training && dropoutP > 0) && !wantsWeightGradient && (weightsKept || !needWeights)
            && Tensor.canFuseAttention(query: qh, key: kh, value: vh, mask: mask) {
            let fused = try Tensor.fusedAttention(query: qh, key: kh, value: vh, mask: mask, causal: false,
                                                  scale: 1 / Double(headDim).squareRoot())
            let context = try fused.output.transpose(0, 1).reshape([targetLength * batch, embed])
            let output = try linear(context, weight: weights.outProjection, bias: weights.outProjectionBias)
                .reshape([targetLength, batch, embed])
            guard needWeights, let kept = fused.weights else { return (output, nil) }
            var averaged = try kept.reshape([batch, numHeads, targetLength, sourceLength + appended])
            if averageAttnWeights { averaged = try averaged.mean(dim: 1) }
            return (output, averaged)
        }
        var scores = try qh.mul(.scalar(1 / Double(headDim).squareRoot())).matmul(kh.transpose(1, 2))
        if let mask { scores = try scores.add(mask) }
        var attention = try softmax(scores, dim: -1)
        if training && dropoutP > 0 { attention = try dropout(attention, probability: dropoutP, training: true) }
        let context = try attention.matmul(vh).transpose(0, 1).reshape([targetLength * batch, embed])
        let output = try linear(context, weight: weights.outProjection, bias: weights.outProjectionBias)
            .reshape([targetLength, batch, embed])
        guard needWeights else { return (output, nil) }
        var averaged = try attention.reshape([batch, numHeads, targetLength, sourceLength + appended])
        if averageAttnWeights { averaged = try averaged.mean(dim: 1) }
        return (output, averaged)
    }
}
