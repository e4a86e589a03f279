import CajalCore
import CajalRuntime
/// Sequence layers for Swift programs, as torch.nn's: RNN, LSTM, GRU (and
/// their one-step cells), MultiheadAttention and the Transformer encoder and
/// decoder layers, with torch's parameter and child names.

/// torch.nn.RNN / LSTM / GRU: weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k},
/// bias_hh_l{k} (suffix _reverse for the backward direction), all
/// U(-1/√hidden, 1/√hidden) from the default generator in torch's order. An
/// LSTM with projSize > 0 adds weight_hr_l{k} (h = W_hr (o * tanh(c))).
public final class RecurrentLayer: Module {
    public let kind: RecurrentKind
    public let inputSize: Int, hiddenSize: Int, numLayers: Int, projSize: Int
    public let hasBias: Bool, batchFirst: Bool, dropout: Double, bidirectional: Bool
    private var weightNames: [String] = []

    public init(_ kind: RecurrentKind, inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true,
                batchFirst: Bool = false, dropout: Double = 0, bidirectional: Bool = false, projSize: Int = 0,
                dtype: DType = .float32) throws {
        let name = kind.opName.uppercased()
        let check = Arguments(name)
        guard try check.size(hiddenSize, "hidden_size") > 0 else { throw CajalError.value("[\(name)] hidden_size must be greater than zero") }
        guard projSize >= 0, projSize < hiddenSize else {
            throw CajalError.value("[\(name)] proj_size has to be a non-negative integer smaller than hidden_size")
        }
        guard projSize == 0 || kind == .lstm else {
            throw CajalError.value("[\(name)] proj_size argument is only supported for LSTM, not RNN or GRU")
        }
        guard try check.bounded(numLayers, "num_layers") > 0 else { throw CajalError.value("[\(name)] num_layers must be greater than zero") }
        guard inputSize >= 0 else { throw CajalError.value("[\(name)] input_size must be non-negative, got \(inputSize)") }
        guard (0...1).contains(dropout) else {
            throw CajalError.value("[\(name)] dropout should be a number in range [0, 1] representing the probability of an element being zeroed")
        }
        (self.kind, self.inputSize, self.hiddenSize, self.numLayers, self.projSize) = (kind, inputSize, hiddenSize, numLayers, projSize)
        (self.hasBias, self.batchFirst, self.dropout, self.bidirectional) = (bias, batchFirst, dropout, bidirectional)
        super.init()
        // hidden_size is at most 2^51: four gates' rows and two directions' columns fit.
        let directions = bidirectional ? 2 : 1, stateSize = projSize > 0 ? projSize : hiddenSize
        for layer in 0..<numLayers {
            let layerInput = layer == 0 ? inputSize : stateSize * directions
            for direction in 0..<directions {
                let suffix = "_l\(layer)" + (direction == 1 ? "_reverse" : "")
                let tensors = LayerSpec.recurrent(gates: kind.gateCount, inputSize: layerInput, hiddenSize: hiddenSize, bias: bias,
                                                  stateSize: stateSize)
                try register(tensors, dtype: dtype, suffix: suffix, skipAbsent: true)  // torch: no bias names
                try initialize(tensors, suffix: suffix)
                weightNames += tensors.filter(\.present).map { $0.name + suffix }
            }
        }
    }

    /// The weights per layer and direction, in the engine's order.
    var weights: [RecurrentWeights] {
        get throws {
            let per = (hasBias ? 4 : 2) + (projSize > 0 ? 1 : 0)
            let flat = try weightNames.map { name -> Tensor in
                guard let t = parameter(name) else { throw CajalError.runtime("[\(kind.opName)] the parameter \(name) was removed") }
                return t
            }
            return stride(from: 0, to: flat.count, by: per).map {
                RecurrentWeights(inputWeight: flat[$0], hiddenWeight: flat[$0 + 1], inputBias: hasBias ? flat[$0 + 2] : nil,
                                 hiddenBias: hasBias ? flat[$0 + 3] : nil, projectionWeight: projSize > 0 ? flat[$0 + per - 1] : nil)
            }
        }
    }

    /// The output sequence only.
    public override func forward(_ input: Tensor) throws -> Tensor { try callAsFunction(input, hidden: nil, cell: nil).output }

    /// (output, h_n, c_n) for a padded input: (T, B, I), (B, T, I) with
    /// batchFirst, or unbatched (T, I). hidden and cell default to zeros.
    public func callAsFunction(_ input: Tensor, hidden: Tensor?, cell: Tensor? = nil) throws -> RecurrentOutput {
        try Functional.recurrent(kind, input: input, hidden: hidden, cell: cell, weights: weights, numLayers: numLayers,
                                 bidirectional: bidirectional, dropout: dropout, training: isTraining, batchFirst: batchFirst)
    }

    /// The same for a packed batch; the states are in the caller's batch order.
    public func callAsFunction(_ input: PackedSequence, hidden: Tensor? = nil, cell: Tensor? = nil) throws -> (output: PackedSequence, hidden: Tensor, cell: Tensor?) {
        let order = try input.sortedIndices.map { try Tensor($0.map { Int64($0) }) }
        let inverse = try input.unsortedIndices.map { try Tensor($0.map { Int64($0) }) }
        let h0 = try order.flatMap { o in try hidden?.indexSelect(dim: 1, index: o) } ?? hidden
        let c0 = try order.flatMap { o in try cell?.indexSelect(dim: 1, index: o) } ?? cell
        let result = try Functional.recurrent(kind, input: input.data, batchSizes: input.batchSizes, hidden: h0, cell: c0,
                                              weights: weights, numLayers: numLayers, bidirectional: bidirectional,
                                              dropout: dropout, training: isTraining)
        let hN = try inverse.map { try result.hidden.indexSelect(dim: 1, index: $0) } ?? result.hidden
        let cN = try inverse.flatMap { i in try result.cell?.indexSelect(dim: 1, index: i) } ?? result.cell
        let packed = PackedSequence(data: result.output, batchSizes: input.batchSizes, sortedIndices: input.sortedIndices,
                                    unsortedIndices: input.unsortedIndices)
        return (packed, hN, cN)
    }
}

/// torch.nn.RNNCell / LSTMCell / GRUCell: one step, weight_ih, weight_hh, bias_ih, bias_hh.
public final class RecurrentCellLayer: Module {
    public let kind: RecurrentKind, inputSize: Int, hiddenSize: Int, hasBias: Bool

    public init(_ kind: RecurrentKind, inputSize: Int, hiddenSize: Int, bias: Bool = true, dtype: DType = .float32) throws {
        guard try Arguments(kind.opName).size(hiddenSize, "hidden_size") > 0 else {
            throw CajalError.value("[\(kind.opName)] hidden_size must be greater than zero")
        }
        (self.kind, self.inputSize, self.hiddenSize, self.hasBias) = (kind, inputSize, hiddenSize, bias)
        super.init()
        // A cell has no projection: not even an empty weight_hr, as torch's.
        let tensors = LayerSpec.recurrent(gates: kind.gateCount, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias,
                                          stateSize: hiddenSize).filter { $0.name != "weight_hr" }
        try register(tensors, dtype: dtype)
        try initialize(tensors)
    }

    public override func forward(_ input: Tensor) throws -> Tensor { try callAsFunction(input, hidden: nil).hidden }

    /// h' (and c' for LSTM) from input (B, I) or (I) and the previous state (zeros when nil).
    public func callAsFunction(_ input: Tensor, hidden: Tensor?, cell: Tensor? = nil) throws -> (hidden: Tensor, cell: Tensor?) {
        guard input.rank == 1 || input.rank == 2 else {
            throw CajalError.value("[\(kind.opName)_cell] Expected input to be 1D or 2D, got \(input.rank)D input instead")
        }
        for (state, name) in [(hidden, "hx"), (cell, "cx")] {
            if let state, state.rank != input.rank {
                throw CajalError.runtime("[\(kind.opName)_cell] Expected \(name) to be \(input.rank)D, got \(state.rank)D of size \(state.shape) instead")
            }
        }
        guard let wIH = parameter("weight_ih"), let wHH = parameter("weight_hh") else {
            throw CajalError.runtime("[\(kind.opName)_cell] a weight parameter was removed")
        }
        let weights = RecurrentWeights(inputWeight: wIH, hiddenWeight: wHH, inputBias: parameter("bias_ih"), hiddenBias: parameter("bias_hh"))
        let result = try Functional.recurrent(kind, input: input.unsqueeze(dim: 0), hidden: hidden?.unsqueeze(dim: 0),
                                              cell: cell?.unsqueeze(dim: 0), weights: [weights], numLayers: 1, bidirectional: false)
        return (try result.hidden.squeeze(dim: 0), try result.cell?.squeeze(dim: 0))
    }
}

/// torch.nn.MultiheadAttention: in_proj_weight (3E, E) and in_proj_bias, or
/// q/k/v_proj_weight when kdim or vdim differ; out_proj a Linear(E, E).
public final class MultiheadAttention: Module {
    public let embedDim: Int, numHeads: Int, dropout: Double, batchFirst: Bool, kdim: Int, vdim: Int, addZeroAttn: Bool

    /// addBiasKV: learned bias_k and bias_v (1, 1, E), one more key and value
    /// every query may attend; addZeroAttn: a zero key and value likewise.
    public init(embedDim: Int, numHeads: Int, dropout: Double = 0, bias: Bool = true, addBiasKV: Bool = false,
                addZeroAttn: Bool = false, kdim: Int? = nil, vdim: Int? = nil, batchFirst: Bool = false,
                dtype: DType = .float32) throws {
        guard try Arguments("MultiheadAttention").size(embedDim, "embed_dim") > 0, numHeads > 0 else {
            throw CajalError.value("[MultiheadAttention] embed_dim and num_heads must be greater than 0, got embed_dim=\(embedDim) and num_heads=\(numHeads) instead")
        }
        guard embedDim % numHeads == 0 else { throw CajalError.value("[MultiheadAttention] embed_dim must be divisible by num_heads") }
        (self.embedDim, self.numHeads, self.dropout, self.batchFirst) = (embedDim, numHeads, dropout, batchFirst)
        (self.kdim, self.vdim, self.addZeroAttn) = (kdim ?? embedDim, vdim ?? embedDim, addZeroAttn)
        super.init()
        let tensors = LayerSpec.multiheadAttention(embedDim: embedDim, kdim: self.kdim, vdim: self.vdim, bias: bias)
        try register(tensors, dtype: dtype)
        let kvBiases = addBiasKV ? try ["bias_k", "bias_v"].map { name in
            try registerParameter(name, Tensor.zeros([1, 1, embedDim], dtype: dtype))
        } : []
        let outProj = try Linear(embedDim, embedDim, bias: bias, dtype: dtype)
        try registerChildren(LayerSpec.multiheadAttentionChildren, ["out_proj": outProj])
        // torch's order: out_proj's default draw (above), then Xavier on the projections, biases to 0.
        try initialize(tensors)
        if bias { try GradMode.withDisabled { try outProj.bias?.zeroInPlace() } }
        // Then xavier_normal_ on bias_k and bias_v: fans E and E, so std = sqrt(1 / E).
        try GradMode.withDisabled {
            for kvBias in kvBiases { try kvBias?.normalInPlace(mean: 0, std: (1 / Double(embedDim)).squareRoot()) }
        }
    }

    public override func forward(_ input: Tensor) throws -> Tensor { try callAsFunction(query: input, key: input, value: input).output }

    /// (output, weights): weights (N, L, S) averaged over heads, (N, heads, L, S)
    /// without averaging, nil unless needWeights. Bool masks block where true.
    public func callAsFunction(query: Tensor, key: Tensor, value: Tensor, keyPaddingMask: Tensor? = nil, needWeights: Bool = true,
                               attnMask: Tensor? = nil, averageAttnWeights: Bool = true, isCausal: Bool = false) throws -> (output: Tensor, weights: Tensor?) {
        let batched = query.rank == 3
        let swap = { (x: Tensor) in self.batchFirst && batched ? try x.transpose(0, 1) : x }
        guard let outProj = children.first(where: { $0.name == "out_proj" })?.module.parameter("weight") else {
            throw CajalError.runtime("[MultiheadAttention] out_proj.weight was removed")
        }
        let weights = MultiheadAttentionWeights(
            inProjection: parameter("in_proj_weight"), queryProjection: parameter("q_proj_weight"),
            keyProjection: parameter("k_proj_weight"), valueProjection: parameter("v_proj_weight"),
            inProjectionBias: parameter("in_proj_bias"), outProjection: outProj,
            outProjectionBias: children.first(where: { $0.name == "out_proj" })?.module.parameter("bias"),
            keyBias: parameter("bias_k"), valueBias: parameter("bias_v"))
        let result = try Functional.multiHeadAttention(
            query: swap(query), key: swap(key), value: swap(value), numHeads: numHeads, weights: weights,
            keyPaddingMask: keyPaddingMask, attnMask: attnMask, needWeights: needWeights, averageAttnWeights: averageAttnWeights,
            isCausal: isCausal, dropoutP: dropout, training: isTraining, addZeroAttn: addZeroAttn)
        return (try swap(result.output), result.weights)
    }
}

/// The Transformer layers' feed-forward activation.
public enum TransformerActivation: String, Sendable {
    case relu, gelu

    func apply(_ x: Tensor) throws -> Tensor { self == .relu ? try x.relu() : try Functional.gelu(x) }
}

/// torch.nn.TransformerEncoderLayer: self_attn, linear1, dropout, linear2,
/// norm1, norm2, dropout1, dropout2; post-norm unless normFirst.
public final class TransformerEncoderLayer: Module {
    public let normFirst: Bool, activation: TransformerActivation
    let selfAttention: MultiheadAttention, linear1: Linear, linear2: Linear, norm1: LayerNorm, norm2: LayerNorm
    let dropout: Dropout, dropout1: Dropout, dropout2: Dropout

    public init(dModel: Int, nhead: Int, dimFeedforward: Int = 2048, dropout: Double = 0.1, activation: TransformerActivation = .relu,
                layerNormEps: Double = 1e-5, batchFirst: Bool = false, normFirst: Bool = false, dtype: DType = .float32) throws {
        (self.normFirst, self.activation) = (normFirst, activation)
        selfAttention = try MultiheadAttention(embedDim: dModel, numHeads: nhead, dropout: dropout, batchFirst: batchFirst, dtype: dtype)
        linear1 = try Linear(dModel, dimFeedforward, dtype: dtype)
        self.dropout = try Dropout(dropout)
        linear2 = try Linear(dimFeedforward, dModel, dtype: dtype)
        norm1 = try LayerNorm([dModel], eps: layerNormEps, dtype: dtype)
        norm2 = try LayerNorm([dModel], eps: layerNormEps, dtype: dtype)
        (dropout1, dropout2) = (try Dropout(dropout), try Dropout(dropout))
        super.init()
        try registerChildren(LayerSpec.transformerEncoderLayerChildren,
                             ["self_attn": selfAttention, "linear1": linear1, "dropout": self.dropout, "linear2": linear2,
                              "norm1": norm1, "norm2": norm2, "dropout1": dropout1, "dropout2": dropout2])
    }

    public override func forward(_ input: Tensor) throws -> Tensor { try callAsFunction(input) }

    public func callAsFunction(_ source: Tensor, mask: Tensor? = nil, keyPaddingMask: Tensor? = nil, isCausal: Bool = false) throws -> Tensor {
        func attention(_ x: Tensor) throws -> Tensor {
            try dropout1(selfAttention(query: x, key: x, value: x, keyPaddingMask: keyPaddingMask, needWeights: false,
                                       attnMask: mask, isCausal: isCausal).output)
        }
        func feedForward(_ x: Tensor) throws -> Tensor { try dropout2(linear2(dropout(activation.apply(linear1(x))))) }
        if normFirst {
            let x = try source + attention(norm1(source))
            return try x + feedForward(norm2(x))
        }
        let x = try norm1(source + attention(source))
        return try norm2(x + feedForward(x))
    }
}

/// torch.nn.TransformerDecoderLayer: self_attn, multihead_attn, linear1,
/// dropout, linear2, norm1-3, dropout1-3.
public final class TransformerDecoderLayer: Module {
    public let normFirst: Bool, activation: TransformerActivation
    let selfAttention: MultiheadAttention, crossAttention: MultiheadAttention, linear1: Linear, linear2: Linear
    let norm1: LayerNorm, norm2: LayerNorm, norm3: LayerNorm, dropout: Dropout, dropout1: Dropout, dropout2: Dropout, dropout3: Dropout

    public init(dModel: Int, nhead: Int, dimFeedforward: Int = 2048, dropout: Double = 0.1, activation: TransformerActivation = .relu,
                layerNormEps: Double = 1e-5, batchFirst: Bool = false, normFirst: Bool = false, dtype: DType = .float32) throws {
        (self.normFirst, self.activation) = (normFirst, activation)
        selfAttention = try MultiheadAttention(embedDim: dModel, numHeads: nhead, dropout: dropout, batchFirst: batchFirst, dtype: dtype)
        crossAttention = try MultiheadAttention(embedDim: dModel, numHeads: nhead, dropout: dropout, batchFirst: batchFirst, dtype: dtype)
        linear1 = try Linear(dModel, dimFeedforward, dtype: dtype)
        self.dropout = try Dropout(dropout)
        linear2 = try Linear(dimFeedforward, dModel, dtype: dtype)
        norm1 = try LayerNorm([dModel], eps: layerNormEps, dtype: dtype)
        norm2 = try LayerNorm([dModel], eps: layerNormEps, dtype: dtype)
        norm3 = try LayerNorm([dModel], eps: layerNormEps, dtype: dtype)
        (dropout1, dropout2, dropout3) = (try Dropout(dropout), try Dropout(dropout), try Dropout(dropout))
        super.init()
        try registerChildren(LayerSpec.transformerDecoderLayerChildren,
                             ["self_attn": selfAttention, "multihead_attn": crossAttention, "linear1": linear1,
                              "dropout": self.dropout, "linear2": linear2, "norm1": norm1, "norm2": norm2, "norm3": norm3,
                              "dropout1": dropout1, "dropout2": dropout2, "dropout3": dropout3])
    }

    public func callAsFunction(_ target: Tensor, memory: Tensor, targetMask: Tensor? = nil, memoryMask: Tensor? = nil,
                               targetKeyPaddingMask: Tensor? = nil, memoryKeyPaddingMask: Tensor? = nil) throws -> Tensor {
        func selfBlock(_ x: Tensor) throws -> Tensor {
            try dropout1(selfAttention(query: x, key: x, value: x, keyPaddingMask: targetKeyPaddingMask, needWeights: false,
                                       attnMask: targetMask).output)
        }
        func crossBlock(_ x: Tensor) throws -> Tensor {
            try dropout2(crossAttention(query: x, key: memory, value: memory, keyPaddingMask: memoryKeyPaddingMask, needWeights: false,
                                        attnMask: memoryMask).output)
        }
        func feedForward(_ x: Tensor) throws -> Tensor { try dropout3(linear2(dropout(activation.apply(linear1(x))))) }
        if normFirst {
            var x = try target + selfBlock(norm1(target))
            x = try x + crossBlock(norm2(x))
            return try x + feedForward(norm3(x))
        }
        var x = try norm1(target + selfBlock(target))
        x = try norm2(x + crossBlock(x))
        return try norm3(x + feedForward(x))
    }
}
