/// torch.nn.functional's layers, activations and losses that compose engine
/// ops: their gradients come from the ops they are built of.
public enum Functional {}

/// How a loss folds its per-element values (torch's `reduction`).
public enum LossReduction: String, Sendable {
    case none, mean, sum

    /// Parses torch's strings ("none", "mean", "sum").
    public init(named name: String, op: String) throws {
        guard let reduction = LossReduction(rawValue: name) else {
            throw CajalError.value("[\(op)] \(name) is not a valid value for reduction")
        }
        self = reduction
    }

    func apply(_ loss: Tensor) throws -> Tensor {
        switch self {
        case .none: return loss
        case .mean: return try loss.mean()
        case .sum: return try loss.sum()
        }
    }
}

extension Functional {
    // MARK: layers

    /// y = x Wᵀ + b, with weight (out, in) and optional bias (out).
    public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
        guard weight.rank == 2 || weight.rank == 1 else {
            throw CajalError.runtime("[linear] weight must be 1-D or 2-D, got \(weight.rank)-D of size \(weight.shape)")
        }
        guard input.rank >= 1, input.shape[input.rank - 1] == weight.shape[weight.rank - 1] else {
            throw CajalError.shape("[linear] mat1 and mat2 shapes cannot be multiplied (input \(input.shape) and weight \(weight.shape): the last dims must match)")
        }
        let product = try input.matmul(weight.rank == 2 ? weight.t() : weight)
        guard let bias else { return product }
        return try product.add(bias)
    }

    // MARK: activations

    /// log(softmax(x)) along `dim`, as x - logsumexp(x): never the log of 0.
    public static func logSoftmax(_ input: Tensor, dim: Int) throws -> Tensor {
        if input.rank == 0 { return try input.sub(input) }
        return try input.sub(input.logsumexp(dims: [dim], keepDim: true))
    }

    public static func softmax(_ input: Tensor, dim: Int) throws -> Tensor {
        try logSoftmax(input, dim: dim).exp()
    }

    /// x where x > 0, else slope * x.
    public static func leakyRelu(_ input: Tensor, negativeSlope: Double = 0.01) throws -> Tensor {
        try Tensor.where(input.gt(.scalar(0.0)), input, input.mul(.scalar(negativeSlope)))
    }

    /// x where x > 0, else alpha * (e^x - 1).
    public static func elu(_ input: Tensor, alpha: Double = 1) throws -> Tensor {
        try Tensor.where(input.gt(.scalar(0.0)), input, input.expm1().mul(.scalar(alpha)))
    }

    /// x Φ(x) with the exact normal CDF, or the tanh approximation.
    public static func gelu(_ input: Tensor, tanhApproximation: Bool = false) throws -> Tensor {
        if tanhApproximation {
            // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            let inner = try input.add(input.mul(input).mul(input).mul(.scalar(0.044715))).mul(.scalar(0.7978845608028654))
            return try input.mul(inner.tanh().add(.scalar(1.0))).mul(.scalar(0.5))
        }
        return try input.mul(input.mul(.scalar(0.7071067811865476)).erf().add(.scalar(1.0))).mul(.scalar(0.5))
    }

    /// x sigmoid(x) (SiLU, swish).
    public static func silu(_ input: Tensor) throws -> Tensor {
        try input.mul(input.sigmoid())
    }

    /// log(1 + e^(beta x)) / beta, and x itself where beta x > threshold.
    public static func softplus(_ input: Tensor, beta: Double = 1, threshold: Double = 20) throws -> Tensor {
        let scaled = try input.mul(.scalar(beta))
        // log1p(e^z) = max(z, 0) + log1p(e^-|z|): no overflow for large z.
        let stable = try scaled.relu().add(scaled.abs().neg().exp().log1p()).div(.scalar(beta))
        return try Tensor.where(scaled.gt(.scalar(threshold)), input, stable)
    }

    /// x clipped to [low, high].
    public static func hardtanh(_ input: Tensor, min low: Double = -1, max high: Double = 1) throws -> Tensor {
        try input.clamp(min: low, max: high)
    }

    // MARK: losses

    /// mean/sum/none of (input - target)^2.
    public static func mseLoss(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean) throws -> Tensor {
        try checkSameShape(input, target, op: "mse_loss")
        let difference = try input.sub(target)
        return try reduction.apply(difference.mul(difference))
    }

    /// mean/sum/none of |input - target|.
    public static func l1Loss(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean) throws -> Tensor {
        try checkSameShape(input, target, op: "l1_loss")
        return try reduction.apply(input.sub(target).abs())
    }

    /// -w (y log x + (1 - y) log(1 - x)) with the logs clamped at -100, as torch.
    public static func binaryCrossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                          reduction: LossReduction = .mean) throws -> Tensor {
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
        guard input.shape == target.shape else {
            throw CajalError.value("[binary_cross_entropy_with_logits] Target size (\(target.shape)) must be the same as input size (\(input.shape))")
        }
        // log(1 + e^-x) = max(-x, 0) + log1p(e^-|x|)
        let softplusNegative = try input.neg().relu().add(input.abs().neg().exp().log1p())
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

    /// The negative log-likelihood of class indices: input (N, C) or
    /// (N, C, d1, ...) or (C), target (N) or (N, d1, ...) or () of int64.
    public static func nllLoss(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                               reduction: LossReduction = .mean) throws -> Tensor {
        let (picked, weights) = try pickedLogProbabilities(input, target, weight: weight, ignoreIndex: ignoreIndex, op: "nll_loss")
        let loss = try picked.mul(weights).neg()
        switch reduction {
        case .none: return loss
        case .sum: return try loss.sum()
        case .mean: return try loss.sum().div(weights.sum())  // 0/0 = nan when every target is ignored, as torch
        }
    }

    /// log_softmax over the class dim (1, or 0 for unbatched input) then
    /// nll_loss; or, for a float target of class probabilities, the cross
    /// entropy against them. Label smoothing mixes in the uniform distribution.
    public static func crossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                                    reduction: LossReduction = .mean, labelSmoothing: Double = 0) throws -> Tensor {
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

    private static func checkSameShape(_ input: Tensor, _ target: Tensor, op: String) throws {
        guard input.shape == target.shape else {
            throw CajalError.runtime("[\(op)] input and target must have the same shape (torch would broadcast them with a warning): got \(input.shape) and \(target.shape)")
        }
    }
}
