import CajalCore
import CajalRuntime
/// torch.nn.functional's layers, activations and losses that compose engine
/// ops: their gradients come from the ops they are built of.
public enum Functional {}

// LossReduction itself is declared with the C constants (api/00_constants.py).
extension LossReduction {
    /// Parses torch's strings ("none", "mean", "sum"; "batchmean" for kl_div).
    public init(named name: String, op: String) throws {
        guard let reduction = LossReduction(name: name) else {
            throw CajalError.value("[\(op)] \(name) is not a valid value for reduction")
        }
        self = reduction
    }

    /// Folds a loss's per-element values. batchmean belongs to kl_div, which
    /// handles it before this.
    func apply(_ loss: Tensor) throws -> Tensor {
        switch self {
        case .none: return loss
        case .mean: return try loss.mean()
        case .sum: return try loss.sum()
        case .batchmean: throw LossReduction.batchmeanOutsideKlDiv
        }
    }

    /// torch's error for reduction='batchmean' on any loss but kl_div.
    static var batchmeanOutsideKlDiv: CajalError { CajalError.value("batchmean is not a valid value for reduction") }
}

extension Functional {
    // MARK: dropout

    /// Zeroes each element with probability p and scales the rest by 1 / (1 - p), in training only.
    public static func dropout(_ input: Tensor, probability: Double, training: Bool = true) throws -> Tensor {
        try checkDropoutProbability(probability)
        guard training, probability > 0 else { return input }
        if probability == 1 { return try input.mul(.scalar(0.0)) }
        guard input.dtype.isFloatingPoint else {
            throw CajalError.notImplemented("[dropout] \"check_uniform_bounds\" not implemented for '\(input.dtype.torchName)'")
        }
        // torch's _dropout: noise.bernoulli_(1 - p), noise.div_(1 - p), input * noise.
        let noise = try Tensor(uninitializedShape: input.shape, dtype: input.dtype, op: "dropout")
        try noise.bernoulliInPlace(probability: 1 - probability)
        return try input.mul(noise.div(.scalar(1 - probability)))
    }

    /// Zeroes whole channels (dim -3 of (N, C, H, W) or (C, H, W)) with
    /// probability p and scales the rest by 1 / (1 - p), in training only: one
    /// bernoulli_(1 - p) draw per channel, as torch's feature dropout.
    public static func dropout2d(_ input: Tensor, probability: Double, training: Bool = true) throws -> Tensor {
        try featureDropout(input, probability: probability, training: training, spatialDims: 2)
    }

    /// Channel dropout of (N, C, ...) or (C, ...) with `spatialDims` spatial
    /// dims: dropout1d, dropout2d and dropout3d.
    public static func featureDropout(_ input: Tensor, probability: Double, training: Bool = true, spatialDims: Int) throws -> Tensor {
        guard (1...3).contains(spatialDims) else {
            throw CajalError.value("[feature_dropout] spatial_dims must be 1, 2 or 3, got \(spatialDims)")
        }
        let op = "dropout\(spatialDims)d"
        try checkDropoutProbability(probability)
        guard input.rank == spatialDims + 1 || input.rank == spatialDims + 2 else {
            throw CajalError.runtime("[\(op)] expected a \(spatialDims + 1)D (unbatched) or \(spatialDims + 2)D (batched) input, got \(input.rank)D")
        }
        guard training, probability > 0 else { return input }
        if probability == 1 { return try input.mul(.scalar(0.0)) }
        guard input.dtype.isFloatingPoint else {
            throw CajalError.notImplemented("[\(op)] \"check_uniform_bounds\" not implemented for '\(input.dtype.torchName)'")
        }
        // torch's feature dropout: one bernoulli_(1 - p) per channel, divided by 1 - p.
        let noise = try Tensor(uninitializedShape: Array(input.shape.dropLast(spatialDims)) + [Int](repeating: 1, count: spatialDims),
                               dtype: input.dtype, op: op)
        try noise.bernoulliInPlace(probability: 1 - probability)
        return try input.mul(noise.div(.scalar(1 - probability)))
    }

    /// torch's check of every dropout's p, in training and evaluation alike.
    public static func checkDropoutProbability(_ probability: Double) throws {
        guard (0...1).contains(probability) else {
            throw CajalError.value("dropout probability has to be between 0 and 1, but got \(probability)")
        }
    }

    // MARK: layers

    /// y = x Wᵀ + b, with weight (out, in) and optional bias (out).
    public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
        if Autocast.lowers(input, weight, bias) {
            let (x, w, b) = (try Autocast.lowered(input), try Autocast.lowered(weight), try bias.map(Autocast.lowered))
            return try Autocast.withDisabled { try linear(x, weight: w, bias: b) }
        }
        guard weight.rank == 2 || weight.rank == 1 else {
            throw CajalError.runtime("[linear] weight must be 1-D or 2-D, got \(weight.rank)-D of size \(weight.shape)")
        }
        guard input.rank >= 1, input.shape[input.rank - 1] == weight.shape[weight.rank - 1] else {
            throw CajalError.shape("[linear] mat1 and mat2 shapes cannot be multiplied (input \(input.shape) and weight \(weight.shape): the last dims must match)")
        }
        if let fused = try input.linearProduct(weight: weight, bias: bias) { return fused }
        let product = try input.matmul(weight.rank == 2 ? weight.t() : weight)
        guard let bias else { return product }
        return try product.add(bias)
    }

    // MARK: activations

    /// log(softmax(x)) along `dim` (one kernel; see Tensor.logSoftmax).
    public static func logSoftmax(_ input: Tensor, dim: Int) throws -> Tensor { try input.logSoftmax(dim: dim) }

    public static func softmax(_ input: Tensor, dim: Int) throws -> Tensor { try input.softmax(dim: dim) }

    /// x where x > 0, else slope * x.
    public static func leakyRelu(_ input: Tensor, negativeSlope: Double = 0.01) throws -> Tensor {
        if let out = try Tensor.inKernelType(input.dtype, { widen in try leakyRelu(widen(input), negativeSlope: negativeSlope) }) { return out }
        return try Tensor.where(input.gt(.scalar(0.0)), input, input.mul(.scalar(negativeSlope)))
    }

    /// x where x > 0, else alpha * (e^x - 1).
    public static func elu(_ input: Tensor, alpha: Double = 1) throws -> Tensor {
        if let out = try Tensor.inKernelType(input.dtype, { widen in try elu(widen(input), alpha: alpha) }) { return out }
        return try Tensor.where(input.gt(.scalar(0.0)), input, input.expm1().mul(.scalar(alpha)))
    }

    /// x Φ(x) with the exact normal CDF, or the tanh approximation.
    public static func gelu(_ input: Tensor, tanhApproximation: Bool = false) throws -> Tensor {
        if let out = try Tensor.inKernelType(input.dtype, { widen in try gelu(widen(input), tanhApproximation: tanhApproximation) }) { return out }
        if tanhApproximation {
            // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            let inner = try input.add(input.mul(input).mul(input).mul(.scalar(0.044715))).mul(.scalar(0.7978845608028654))
            return try input.mul(inner.tanh().add(.scalar(1.0))).mul(.scalar(0.5))
        }
        return try input.gelu()
    }

    /// x sigmoid(x) (SiLU, swish).
    public static func silu(_ input: Tensor) throws -> Tensor {
        if let out = try Tensor.inKernelType(input.dtype, { widen in try silu(widen(input)) }) { return out }
        return try input.mul(input.sigmoid())
    }

    /// log(1 + e^(beta x)) / beta, and x itself where beta x > threshold.
    public static func softplus(_ input: Tensor, beta: Double = 1, threshold: Double = 20) throws -> Tensor {
        if let out = try Tensor.inKernelType(input.dtype, { widen in try softplus(widen(input), beta: beta, threshold: threshold) }) { return out }
        let scaled = try input.mul(.scalar(beta))
        return try Tensor.where(scaled.gt(.scalar(threshold)), input, logOnePlusExp(scaled).div(.scalar(beta)))
    }

    /// log(1 + e^x) as max(x, 0) + log1p(e^-|x|), which never overflows, with
    /// its exact gradient sigmoid(x) recorded as one op: differentiated piece
    /// by piece, the kinks of max and |x| would give 0 instead of 1/2 at x = 0.
    static func logOnePlusExp(_ x: Tensor) throws -> Tensor {
        let value = try GradMode.withDisabled { try x.relu().add(x.abs().neg().exp().log1p()) }
        return value.recording("SoftplusBackward0", inputs: [x], saving: [x]) { ctx in
            [try ctx.grad.mul(ctx.saved[0].sigmoid())]
        }
    }

    /// x clipped to [low, high].
    public static func hardtanh(_ input: Tensor, min low: Double = -1, max high: Double = 1) throws -> Tensor {
        try input.clamp(min: low, max: high)
    }

    /// scale (x where x > 0, else alpha (e^x - 1)) with SELU's constants.
    public static func selu(_ input: Tensor) throws -> Tensor {
        try elu(input, alpha: 1.6732632423543772).mul(.scalar(1.0507009873554805))
    }

    /// max(0, x) + min(0, alpha (e^(x/alpha) - 1)).
    public static func celu(_ input: Tensor, alpha: Double = 1) throws -> Tensor {
        guard alpha != 0 else { throw CajalError.runtime("[celu] ZeroDivisionError: alpha cannot be 0 for CELU") }
        return try Tensor.where(input.gt(.scalar(0.0)), input, input.div(.scalar(alpha)).expm1().mul(.scalar(alpha)))
    }

    /// x tanh(softplus(x)).
    public static func mish(_ input: Tensor) throws -> Tensor {
        try input.mul(softplus(input).tanh())
    }

    /// x / (1 + |x|).
    public static func softsign(_ input: Tensor) throws -> Tensor {
        try input.div(input.abs().add(.scalar(1.0)))
    }

    /// clamp(x / 6 + 1/2, 0, 1).
    public static func hardsigmoid(_ input: Tensor) throws -> Tensor {
        try input.div(.scalar(6.0)).add(.scalar(0.5)).clamp(min: 0, max: 1)
    }

    /// x hardsigmoid(x).
    public static func hardswish(_ input: Tensor) throws -> Tensor {
        try input.mul(hardsigmoid(input))
    }

    /// log(sigmoid(x)) = -log(1 + e^-x), stable for large |x|.
    public static func logSigmoid(_ input: Tensor) throws -> Tensor {
        try logOnePlusExp(input.neg()).neg()
    }

    /// x where x > threshold, else value.
    public static func threshold(_ input: Tensor, threshold: Double, value: Double) throws -> Tensor {
        try Tensor.where(input.gt(.scalar(threshold)), input, Tensor.scalar(value).to(input.dtype))
    }

    /// x where x > 0, else weight · x, with one weight or one per channel (dim 1).
    public static func prelu(_ input: Tensor, weight: Tensor) throws -> Tensor {
        var slope = weight
        if weight.count != 1 {
            guard input.rank >= 2, weight.rank == 1, weight.shape[0] == input.shape[1] else {
                throw CajalError.runtime("[prelu] Mismatch of parameter numbers and input channel size. Found parameter numbers = \(weight.count) and channel size = \(input.rank >= 2 ? input.shape[1] : 1).")
            }
            slope = try weight.reshape([weight.count] + [Int](repeating: 1, count: input.rank - 2))
        } else {
            slope = try weight.reshape([])
        }
        return try Tensor.where(input.gt(.scalar(0.0)), input, input.mul(slope))
    }

    // MARK: normalisation

    /// (x - mean) / sqrt(var + eps) over the last normalizedShape.count dims,
    /// then weight * · + bias (shaped like normalizedShape).
    public static func layerNorm(_ input: Tensor, normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil,
                                 eps: Double = 1e-5) throws -> Tensor {
        if let out = try Tensor.inKernelType(input.dtype, { widen in
            try layerNorm(widen(input), normalizedShape: normalizedShape, weight: weight.map(widen), bias: bias.map(widen), eps: eps)
        }) { return out }
        let k = normalizedShape.count
        guard k >= 1, input.rank >= k, Array(input.shape[(input.rank - k)...]) == normalizedShape else {
            throw CajalError.runtime("[layer_norm] Given normalized_shape=\(normalizedShape), expected input with shape [*, \(normalizedShape.map(String.init).joined(separator: ", "))], but got input of size\(input.shape)")
        }
        for (name, parameter) in [("weight", weight), ("bias", bias)] {
            if let parameter, parameter.shape != normalizedShape {
                throw CajalError.runtime("[layer_norm] Expected \(name) to be of same shape as normalized_shape, but got \(name) of shape \(parameter.shape) and normalized_shape = \(normalizedShape)")
            }
        }
        let dims = Array((input.rank - k)..<input.rank)
        let rowLength = normalizedShape.reduce(1, *)  // the input holds that many elements, so this cannot overflow
        if let fused = try Tensor.fusedLayerNorm(input, rowLength: rowLength, weight: weight, bias: bias, eps: eps) { return fused }
        return try affine(normalize(input, dims: dims, eps: eps), weight: weight, bias: bias)
    }

    /// Batch normalisation over dim 1 of (N, C, ...): batch statistics in
    /// training (updating the running ones in place, the variance unbiased),
    /// the running statistics otherwise.
    public static func batchNorm(_ input: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor? = nil,
                                 bias: Tensor? = nil, training: Bool, momentum: Double = 0.1, eps: Double = 1e-5) throws -> Tensor {
        guard input.rank >= 2 else {
            throw CajalError.value("[batch_norm] expected 2D or more input (got \(input.rank)D input)")
        }
        let channels = input.shape[1]
        for (name, t) in [("running_mean", runningMean), ("running_var", runningVar), ("weight", weight), ("bias", bias)] {
            if let t, t.count != channels {
                throw CajalError.runtime("[batch_norm] \(name) should contain \(channels) elements not \(t.count)")
            }
        }
        let dims = [0] + Array(2..<input.rank)
        var statShape = [Int](repeating: 1, count: input.rank)
        statShape[1] = channels
        let perChannel = input.count / Swift.max(channels, 1)
        let normalized: Tensor
        if training || runningMean == nil || runningVar == nil {
            guard perChannel > 1 || !training else {
                throw CajalError.value("[batch_norm] Expected more than 1 value per channel when training, got input size \(input.shape)")
            }
            if let fused = try Tensor.fusedBatchNorm(input, weight: weight?.reshape([channels]), bias: bias?.reshape([channels]),
                                                     eps: eps) {
                if training, let runningMean, let runningVar {
                    // torch: running = (1 - momentum) · running + momentum · batch, the variance unbiased.
                    let correction = Double(perChannel) / Double(perChannel - 1)
                    try GradMode.withDisabled {
                        let mean = try Tensor(fused.mean, shape: [channels]).to(runningMean.dtype)
                        let unbiased = try Tensor(fused.variance.map { $0 * correction }, shape: [channels]).to(runningVar.dtype)
                        try runningMean.copyInPlace(runningMean.mul(.scalar(1 - momentum)).add(mean.reshape(runningMean.shape)
                            .mul(.scalar(momentum))))
                        try runningVar.copyInPlace(runningVar.mul(.scalar(1 - momentum)).add(unbiased.reshape(runningVar.shape)
                            .mul(.scalar(momentum))))
                    }
                }
                return fused.out
            }
            normalized = try normalize(input, dims: dims, eps: eps)
            if training, let runningMean, let runningVar {
                try GradMode.withDisabled {
                    let detached = input.detach()
                    let mean = try detached.mean(dims: dims)
                    let unbiased = try detached.variance(dims: dims, correction: 1)
                    try runningMean.copyInPlace(runningMean.mul(.scalar(1 - momentum)).add(mean.mul(.scalar(momentum))))
                    try runningVar.copyInPlace(runningVar.mul(.scalar(1 - momentum)).add(unbiased.mul(.scalar(momentum))))
                }
            }
        } else if let runningMean, let runningVar {
            // torch's arithmetic in evaluation: y = x · α + β with α = w / √(var + ε)
            // and β = b - mean · α per channel: two passes over the input, not four.
            var alpha = try runningVar.add(.scalar(eps)).rsqrt()
            if let weight { alpha = try alpha.mul(weight.reshape([channels])) }
            var beta = try runningMean.mul(alpha).neg()
            if let bias { beta = try beta.add(bias.reshape([channels])) }
            let recorded = GradMode.isEnabled && [input, runningMean, runningVar, weight, bias].contains { $0?.requiresGrad ?? false }
            if !recorded, let out = try Tensor.channelAffine(input, scale: alpha.to(input.dtype), shift: beta.to(input.dtype)) {
                return out  // one pass (inference)
            }
            return try input.mul(alpha.reshape(statShape)).add(beta.reshape(statShape))
        } else {
            normalized = input
        }
        return try affine(normalized, weight: weight?.reshape(statShape), bias: bias?.reshape(statShape))
    }

    /// Group normalisation: channels (dim 1) in numGroups groups, each
    /// normalised over its channels and positions, then a per-channel affine.
    public static func groupNorm(_ input: Tensor, numGroups: Int, weight: Tensor? = nil, bias: Tensor? = nil,
                                 eps: Double = 1e-5) throws -> Tensor {
        if let out = try Tensor.inKernelType(input.dtype, { widen in
            try groupNorm(widen(input), numGroups: numGroups, weight: weight.map(widen), bias: bias.map(widen), eps: eps)
        }) { return out }
        guard input.rank >= 2, numGroups > 0, input.shape[1] % numGroups == 0 else {
            throw CajalError.runtime("[group_norm] Expected number of channels in input to be divisible by num_groups, but got input of shape \(input.shape) and num_groups=\(numGroups)")
        }
        let channels = input.shape[1]
        for (name, t) in [("weight", weight), ("bias", bias)] {
            if let t, t.shape != [channels] {
                throw CajalError.runtime("[group_norm] Expected \(name) to be a vector of size equal to the number of channels in input, but got \(name) of shape \(t.shape) and input of shape \(input.shape)")
            }
        }
        let grouped = try input.reshape([input.shape[0], numGroups, -1])
        let normalized = try normalize(grouped, dims: [2], eps: eps).reshape(input.shape)
        var statShape = [Int](repeating: 1, count: input.rank)
        statShape[1] = channels
        return try affine(normalized, weight: weight?.reshape(statShape), bias: bias?.reshape(statShape))
    }

    /// Instance normalisation: each (sample, channel) over its positions, with
    /// the batch's own statistics; optional per-channel affine.
    public static func instanceNorm(_ input: Tensor, weight: Tensor? = nil, bias: Tensor? = nil, eps: Double = 1e-5) throws -> Tensor {
        guard input.rank >= 3 else {
            throw CajalError.value("[instance_norm] expected input of rank 3 or more (N, C, ...), got \(input.shape)")
        }
        var statShape = [Int](repeating: 1, count: input.rank)
        statShape[1] = input.shape[1]
        let normalized = try normalize(input, dims: Array(2..<input.rank), eps: eps)
        return try affine(normalized, weight: weight?.reshape(statShape), bias: bias?.reshape(statShape))
    }

    /// torch.nn.functional.instance_norm with running statistics: as torch,
    /// a batch norm of the (1, N·C, ...) view with the running statistics
    /// repeated per sample, which then become the mean of the N updated
    /// copies. With useInputStats false (eval with tracked statistics) the
    /// running ones normalise instead.
    public static func instanceNorm(_ input: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor? = nil,
                                    bias: Tensor? = nil, useInputStats: Bool, momentum: Double = 0.1,
                                    eps: Double = 1e-5) throws -> Tensor {
        if useInputStats && runningMean == nil && runningVar == nil {
            return try instanceNorm(input, weight: weight, bias: bias, eps: eps)
        }
        guard input.rank >= 3 else {
            throw CajalError.value("[instance_norm] expected input of rank 3 or more (N, C, ...), got \(input.shape)")
        }
        let (samples, channels) = (input.shape[0], input.shape[1])
        for (name, tensor) in [("running_mean", runningMean), ("running_var", runningVar), ("weight", weight), ("bias", bias)] {
            if let tensor, tensor.shape != [channels] {
                throw CajalError.runtime("[instance_norm] expected \(name) of size [\(channels)], got \(tensor.shape)")
            }
        }
        let flat = try Arguments("instance_norm").product(samples, channels, "the \(samples) x \(channels) instances")
        func repeated(_ t: Tensor?) throws -> Tensor? {
            try t.map { try $0.unsqueeze(dim: 0).expand([samples, channels]).contiguous().reshape([flat]) }
        }
        let (mean, variance) = try GradMode.withDisabled { (try repeated(runningMean), try repeated(runningVar)) }
        let out = try batchNorm(input.contiguous().reshape([1, flat] + Array(input.shape[2...])), runningMean: mean,
                                runningVar: variance, weight: repeated(weight), bias: repeated(bias), training: useInputStats,
                                momentum: momentum, eps: eps)
        try GradMode.withDisabled {
            if let runningMean, let mean { try runningMean.copyInPlace(mean.reshape([samples, channels]).mean(dims: [0], keepDim: false)) }
            if let runningVar, let variance {
                try runningVar.copyInPlace(variance.reshape([samples, channels]).mean(dims: [0], keepDim: false))
            }
        }
        return try out.reshape(input.shape)
    }

    /// (x - mean) / sqrt(biased var + eps) over `dims`.
    private static func normalize(_ x: Tensor, dims: [Int], eps: Double) throws -> Tensor {
        let centered = try x.sub(x.mean(dims: dims, keepDim: true))
        let variance = try centered.mul(centered).mean(dims: dims, keepDim: true)
        return try centered.mul(variance.add(.scalar(eps)).rsqrt())
    }

    private static func affine(_ x: Tensor, weight: Tensor?, bias: Tensor?) throws -> Tensor {
        var y = x
        if let weight { y = try y.mul(weight) }
        if let bias { y = try y.add(bias) }
        return y
    }

    // MARK: embedding

    /// weight[input]: one row per index. The row at paddingIndex gets no gradient.
    public static func embedding(_ input: Tensor, weight: Tensor, paddingIndex: Int? = nil) throws -> Tensor {
        guard input.dtype == .int64 else {
            throw CajalError.runtime("[embedding] Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got \(input.dtype) instead")
        }
        guard weight.rank == 2 else { throw CajalError.runtime("[embedding] 'weight' must be 2-D, got \(weight.shape)") }
        let rows = try weight.index([input.reshape([-1])])
        var result = try rows.reshape(input.shape + [weight.shape[1]])
        if let paddingIndex {
            let padding = paddingIndex < 0 ? paddingIndex + weight.shape[0] : paddingIndex
            // Same values, but the padding positions read a detached copy: no gradient reaches that row.
            let frozen = try weight.detach().index([input.reshape([-1])]).reshape(input.shape + [weight.shape[1]])
            let atPadding = try input.eq(.scalar(Int64(padding))).unsqueeze(dim: -1)
            result = try Tensor.where(atPadding, frozen, result)
        }
        return result
    }

    // MARK: losses

    /// mean/sum/none of (input - target)^2.
    public static func mseLoss(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean) throws -> Tensor {
        let (input, target) = (try Autocast.widened(input), try Autocast.widened(target))  // float32 under autocast
        try checkSameShape(input, target, op: "mse_loss")
        let difference = try input.sub(target)
        return try reduction.apply(difference.mul(difference))
    }

    /// mean/sum/none of |input - target|.
    public static func l1Loss(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean) throws -> Tensor {
        let (input, target) = (try Autocast.widened(input), try Autocast.widened(target))  // float32 under autocast
        try checkSameShape(input, target, op: "l1_loss")
        return try reduction.apply(input.sub(target).abs())
    }

    /// -w (y log x + (1 - y) log(1 - x)) with the logs clamped at -100, as torch.
    public static func binaryCrossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                          reduction: LossReduction = .mean) throws -> Tensor {
        let (input, target) = (try Autocast.widened(input), try Autocast.widened(target))  // float32 under autocast
        guard input.shape == target.shape else {
            throw CajalError.value("[binary_cross_entropy] Using a target size (\(target.shape)) that is different to the input size (\(input.shape)) is deprecated. Please ensure they have the same size.")
        }
        let logX = try input.log().clamp(min: -100, max: nil)
        let logNotX = try Tensor.scalar(1.0).sub(input).log().clamp(min: -100, max: nil)
        var loss = try target.mul(logX).add(Tensor.scalar(1.0).sub(target).mul(logNotX)).neg()
        if let weight { loss = try loss.mul(weight) }
        return try reduction.apply(loss)
    }

    /// binary_cross_entropy on sigmoid(input), computed from the logits as
    /// (1 - y) x + (1 + (p - 1) y) log(1 + e^-x) with the log-sum-exp trick.
    public static func binaryCrossEntropyWithLogits(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                                    positiveWeight: Tensor? = nil, reduction: LossReduction = .mean) throws -> Tensor {
        let (input, target) = (try Autocast.widened(input), try Autocast.widened(target))  // float32 under autocast
        guard input.shape == target.shape else {
            throw CajalError.value("[binary_cross_entropy_with_logits] Target size (\(target.shape)) must be the same as input size (\(input.shape))")
        }
        if let fused = try fusedBinaryCrossEntropyWithLogits(input, target, weight: weight, positiveWeight: positiveWeight,
                                                              reduction: reduction) {
            return fused
        }
        let softplusNegative = try logOnePlusExp(input.neg())  // log(1 + e^-x)
        var loss: Tensor
        if let positiveWeight {
            let logWeight = try positiveWeight.sub(.scalar(1.0)).mul(target).add(.scalar(1.0))
            loss = try Tensor.scalar(1.0).sub(target).mul(input).add(logWeight.mul(softplusNegative))
        } else {
            loss = try Tensor.scalar(1.0).sub(target).mul(input).add(softplusNegative)
        }
        if let weight { loss = try loss.mul(weight) }
        return try reduction.apply(loss)
    }

    /// binary_cross_entropy_with_logits as one kernel each way (one node
    /// instead of eleven ops and five nodes), where only the input can want a
    /// gradient: float32/float64 operands of one dtype, target, weight and
    /// pos_weight constant, weight and pos_weight broadcasting to the input's
    /// shape. nil otherwise: the composite then differentiates every argument
    /// and reports torch's errors. Under create_graph the gradient is
    /// composed from ops, so it differentiates again.
    private static func fusedBinaryCrossEntropyWithLogits(_ input: Tensor, _ target: Tensor, weight: Tensor?, positiveWeight: Tensor?,
                                                          reduction: LossReduction) throws -> Tensor? {
        let dtype = input.dtype
        func constant(_ value: Tensor?) -> Bool { value.map { $0.dtype == dtype && !$0.requiresGrad } ?? true }
        guard dtype == .float32 || dtype == .float64, reduction != .batchmean, target.dtype == dtype, constant(target),
              constant(weight), constant(positiveWeight) else { return nil }
        func expanded(_ value: Tensor?) -> Tensor?? {
            guard let value else { return .some(nil) }
            guard let full = try? value.expand(input.shape).contiguous() else { return nil }
            return .some(full)
        }
        guard case .some(let fullWeight) = expanded(weight), case .some(let fullPositiveWeight) = expanded(positiveWeight) else { return nil }
        let (x, t) = (try input.contiguous(), try target.contiguous())
        let elements = try Tensor(uninitializedShape: input.shape, dtype: dtype, op: "binary_cross_entropy_with_logits")
        kernels.binaryCrossEntropyWithLogits(dtype, elements.dataPointer, x.dataPointer, t.dataPointer, fullWeight?.dataPointer,
                                             fullPositiveWeight?.dataPointer, input.count)
        let loss = try GradMode.withDisabled { () throws -> Tensor in
            switch reduction {
            case .sum: return try elements.sum()
            case .mean: return try elements.mean()
            default: return elements
            }
        }
        let divisor = reduction == .mean ? Double(input.count) : 1
        return loss.recording("BinaryCrossEntropyWithLogitsBackward0", inputs: [input], saving: [input]) { ctx in
            let x = try ctx.saved[0].contiguous()
            if ctx.createsGraph {
                let sigmoid = try x.sigmoid()
                var gradient: Tensor
                if let pw = fullPositiveWeight {
                    let weighted = try pw.mul(t)
                    gradient = try weighted.add(.scalar(1.0)).sub(t).mul(sigmoid).sub(weighted)
                } else {
                    gradient = try sigmoid.sub(t)
                }
                gradient = try gradient.mul(ctx.grad)
                if let w = fullWeight { gradient = try gradient.mul(w) }
                return [divisor == 1 ? gradient : try gradient.div(.scalar(divisor))]
            }
            let perElement = ctx.grad.count != 1 || reduction == .none
            let g = try (perElement ? ctx.grad.expand(x.shape) : ctx.grad).to(dtype).contiguous()
            let dx = try Tensor(uninitializedShape: x.shape, dtype: dtype, op: "binary_cross_entropy_with_logits_backward")
            kernels.binaryCrossEntropyWithLogitsBackward(dtype, dx.dataPointer, x.dataPointer, t.dataPointer, fullWeight?.dataPointer,
                                                         fullPositiveWeight?.dataPointer, g.dataPointer, perElement ? 1 : 0,
                                                         divisor, x.count)
            return [dx]
        }
    }

    /// The negative log-likelihood of class indices: input (N, C) or
    /// (N, C, d1, ...) or (C), target (N) or (N, d1, ...) or () of int64.
    public static func nllLoss(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                               reduction: LossReduction = .mean) throws -> Tensor {
        let (input, target) = (try Autocast.widened(input), try Autocast.widened(target))  // float32 under autocast
        if let fused = try fusedNllLoss(input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction) { return fused }
        let (picked, weights) = try pickedLogProbabilities(input, target, weight: weight, ignoreIndex: ignoreIndex, op: "nll_loss")
        let loss = try picked.mul(weights).neg()
        switch reduction {
        case .none: return loss
        case .sum: return try loss.sum()
        case .mean: return try loss.sum().div(weights.sum())  // 0/0 = nan when every target is ignored, as torch
        case .batchmean: throw LossReduction.batchmeanOutsideKlDiv
        }
    }

    /// nll_loss as one kernel each way (one node, torch's NllLossBackward0,
    /// instead of a dozen ops): float32/float64 input, int64 target of the
    /// input's shape without the class dim, a constant weight of one entry per
    /// class. nil otherwise: the composite then reports torch's errors and
    /// differentiates a weight that wants a gradient. Under create_graph the
    /// gradient is composed from ops, so it differentiates again.
    private static func fusedNllLoss(_ input: Tensor, _ target: Tensor, weight: Tensor?, ignoreIndex: Int,
                                     reduction: LossReduction) throws -> Tensor? {
        let dtype = input.dtype
        guard dtype == .float32 || dtype == .float64, target.dtype == .int64, input.rank >= 1, reduction != .batchmean else { return nil }
        let classDim = input.rank == 1 ? 0 : 1
        let classes = input.shape[classDim]
        var expected = input.shape
        expected.remove(at: classDim)
        guard target.shape == expected else { return nil }
        if let weight, weight.rank != 1 || weight.count != classes || weight.dtype != dtype || weight.requiresGrad { return nil }
        let problem = NllProblem(outer: input.rank == 1 ? 1 : input.shape[0], classes: classes,
                                 inner: input.shape.dropFirst(classDim + 1).reduce(1, *), ignoreIndex: Int64(ignoreIndex))
        let (x, t, w) = (try input.contiguous(), try target.contiguous(), try weight?.contiguous())
        let losses = try Tensor(uninitializedShape: target.shape, dtype: dtype, op: "nll_loss")
        let weights = try Tensor(uninitializedShape: target.shape, dtype: dtype, op: "nll_loss")
        if let (low, high) = kernels.nllLoss(dtype, problem, x.dataPointer, t.dataPointer, w?.dataPointer, losses.dataPointer,
                                             weights.dataPointer), low < 0 || high >= classes {
            throw CajalError.index("[nll_loss] Target \(low < 0 ? low : high) is out of bounds (\(classes) classes).")
        }
        let totalWeight = reduction == .mean ? try GradMode.withDisabled { try weights.sum() } : nil
        let loss = try GradMode.withDisabled { () throws -> Tensor in
            switch reduction {
            case .sum: return try losses.sum()
            case .mean: return try losses.sum().div(totalWeight ?? .scalar(1.0))  // 0/0 = nan when every target is ignored, as torch
            default: return losses
            }
        }
        return loss.recording("NllLossBackward0", inputs: [input]) { ctx in
            let divisor = try totalWeight?.item() ?? 1
            if ctx.createsGraph {
                // A constant (weight at each position's target), times the gradient: linear in it.
                let safeTarget = try t.maskedFill(t.eq(.scalar(Int64(ignoreIndex))), value: .scalar(Int64(0)))
                let picked = try GradMode.withDisabled {
                    try Tensor.zeros(input.shape, dtype: dtype).scatter(dim: classDim, index: safeTarget.unsqueeze(dim: classDim),
                                                                        source: weights.unsqueeze(dim: classDim))
                }
                var g = try ctx.grad.neg()
                if reduction == .none { g = try g.unsqueeze(dim: classDim) }
                if divisor != 1 { g = try g.div(.scalar(divisor)) }
                return [try picked.mul(g)]
            }
            let perPosition = reduction == .none
            let g = try ctx.grad.to(dtype).contiguous()
            let dx = try Tensor(uninitializedShape: input.shape, dtype: dtype, op: "nll_loss_backward")
            kernels.nllLossBackward(dtype, problem, t.dataPointer, w?.dataPointer, g.dataPointer, perPosition ? 1 : 0, divisor,
                                    dx.dataPointer)
            return [dx]
        }
    }

    /// log_softmax over the class dim (1, or 0 for unbatched input) then
    /// nll_loss; or, for a float target of class probabilities, the cross
    /// entropy against them. Label smoothing mixes in the uniform distribution.
    public static func crossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                                    reduction: LossReduction = .mean, labelSmoothing: Double = 0) throws -> Tensor {
        let (input, target) = (try Autocast.widened(input), try Autocast.widened(target))  // float32 under autocast
        let op = "cross_entropy"
        guard (0...1).contains(labelSmoothing) else {
            throw CajalError.runtime("[\(op)] label_smoothing must be between 0.0 and 1.0. Got: \(labelSmoothing)")
        }
        guard input.rank >= 1 else { throw CajalError.runtime("[\(op)] input must have at least one dim (the classes), got a 0-d tensor") }
        let classDim = input.rank == 1 ? 0 : 1
        let classes = input.shape[classDim]
        let logProbabilities = try logSoftmax(input, dim: classDim)
        var weightView: Tensor?
        if let weight {
            guard weight.rank == 1, weight.shape[0] == classes else {
                throw CajalError.runtime("[\(op)] weight tensor should be defined either for all \(classes) classes or no classes but got weight tensor of shape: \(weight.shape)")
            }
            var shape = [Int](repeating: 1, count: input.rank)
            shape[classDim] = classes
            weightView = try weight.reshape(shape)
        }
        if target.dtype.isFloatingPoint && target.shape == input.shape {
            // Class probabilities (any other float target is refused as indices, as torch does).
            var probabilities = target
            if labelSmoothing > 0 {
                probabilities = try target.mul(.scalar(1 - labelSmoothing)).add(.scalar(labelSmoothing / Double(classes)))
            }
            var terms = try logProbabilities.mul(probabilities)
            if let weightView { terms = try terms.mul(weightView) }
            switch reduction {
            case .none: return try terms.sum(dim: classDim).neg()
            case .sum: return try terms.sum().neg()
            case .mean:
                let positions = Swift.max(input.count / Swift.max(classes, 1), 0)
                return try terms.sum().neg().div(.scalar(Double(positions)))
            case .batchmean: throw LossReduction.batchmeanOutsideKlDiv
            }
        }
        let nll = try nllLoss(logProbabilities, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
        guard labelSmoothing > 0 else { return nll }
        // torch: (1 - e) nll + e / C * smooth, smooth = -sum_c w_c log p_c per position.
        let ignored = try target.eq(.scalar(Int64(ignoreIndex)))
        var smooth = try (weightView.map { try logProbabilities.mul($0) } ?? logProbabilities).sum(dim: classDim).neg()
        smooth = try smooth.maskedFill(ignored, value: .scalar(0.0))
        let reducedSmooth: Tensor
        switch reduction {
        case .none: reducedSmooth = smooth
        case .sum: reducedSmooth = try smooth.sum()
        case .mean:
            if let weight {
                let kept = try target.maskedSelect(ignored.logicalNot())
                reducedSmooth = try smooth.sum().div(weight.gather(dim: 0, index: kept).sum())
            } else {
                reducedSmooth = try smooth.sum().div(ignored.logicalNot().sum())
            }
        case .batchmean: throw LossReduction.batchmeanOutsideKlDiv
        }
        return try nll.mul(.scalar(1 - labelSmoothing)).add(reducedSmooth.mul(.scalar(labelSmoothing / Double(classes))))
    }

    /// log p[target] at every position, and each position's weight (0 where
    /// ignored), for nll_loss. Checks shapes and the targets' range.
    private static func pickedLogProbabilities(_ input: Tensor, _ target: Tensor, weight: Tensor?, ignoreIndex: Int,
                                               op: String) throws -> (picked: Tensor, weights: Tensor) {
        guard target.dtype == .int64 else {
            throw CajalError.runtime("[\(op)] expected scalar type Long but found \(target.dtype) for the target (class indices)")
        }
        guard input.rank >= 1 else { throw CajalError.runtime("[\(op)] input tensor should be 1D or more, got a 0-d tensor") }
        let classDim = input.rank == 1 ? 0 : 1
        var expected = input.shape
        expected.remove(at: classDim)
        guard target.shape == expected else {
            if input.rank == 2 && target.rank == 1 {
                throw CajalError.value("[\(op)] Expected input batch_size (\(input.shape[0])) to match target batch_size (\(target.shape[0])).")
            }
            throw CajalError.runtime("[\(op)] expected target of shape \(expected) for input of shape \(input.shape), got \(target.shape)")
        }
        let classes = input.shape[classDim]
        if let weight, weight.shape != [classes] {
            throw CajalError.runtime("[\(op)] weight tensor should be defined either for all \(classes) classes or no classes but got weight tensor of shape: \(weight.shape)")
        }
        let ignored = try target.eq(.scalar(Int64(ignoreIndex)))
        // Ignored positions read class 0 and weigh nothing.
        let safeTarget = try target.maskedFill(ignored, value: .scalar(Int64(0)))
        if safeTarget.count > 0 {
            let (low, high) = try safeTarget.integerRange()
            if low < 0 || high >= classes {
                throw CajalError.index("[\(op)] Target \(low < 0 ? low : high) is out of bounds (\(classes) classes).")
            }
        }
        let picked = try input.gather(dim: classDim, index: safeTarget.unsqueeze(dim: classDim)).squeeze(dim: classDim)
        var weights = try ignored.logicalNot().to(input.dtype)
        if let weight { weights = try weights.mul(weight.gather(dim: 0, index: safeTarget.reshape([-1])).reshape(target.shape)) }
        return (picked, weights)
    }

    static func checkSameShape(_ input: Tensor, _ target: Tensor, op: String) throws {
        guard input.shape == target.shape else {
            throw CajalError.runtime("[\(op)] input and target must have the same shape (torch would broadcast them with a warning): got \(input.shape) and \(target.shape)")
        }
    }
}
