import CajalCore
import CajalRuntime
/// The losses beyond the classic ones (Functional.swift): regression,
/// distribution, embedding and ranking losses, and cajal's soft Dice.
extension Functional {
    /// 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (d = input - target).
    public static func smoothL1Loss(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean,
                                    beta: Double = 1) throws -> Tensor {
        let (input, target) = (try Autocast.widened(input), try Autocast.widened(target))  // float32 under autocast
        try checkSameShape(input, target, op: "smooth_l1_loss")
        guard beta >= 0 else { throw CajalError.runtime("[smooth_l1_loss] smooth_l1_loss does not support negative values for beta.") }
        let difference = try input.sub(target), size = try difference.abs()
        if beta == 0 { return try reduction.apply(size) }
        let quadratic = try difference.mul(difference).mul(.scalar(0.5 / beta))
        return try reduction.apply(Tensor.where(size.lt(.scalar(beta)), quadratic, size.sub(.scalar(0.5 * beta))))
    }

    /// 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta).
    public static func huberLoss(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean,
                                 delta: Double = 1) throws -> Tensor {
        let (input, target) = (try Autocast.widened(input), try Autocast.widened(target))  // float32 under autocast
        try checkSameShape(input, target, op: "huber_loss")
        guard delta > 0 else { throw CajalError.runtime("[huber_loss] huber_loss does not support non-positive values for delta.") }
        let difference = try input.sub(target), size = try difference.abs()
        let quadratic = try difference.mul(difference).mul(.scalar(0.5))
        let linear = try size.sub(.scalar(0.5 * delta)).mul(.scalar(delta))
        return try reduction.apply(Tensor.where(size.lt(.scalar(delta)), quadratic, linear))
    }

    /// target (log target - input), input being log-probabilities; 0 where
    /// target is 0. batchmean divides the sum by the batch size (dim 0).
    public static func klDivLoss(_ input: Tensor, _ target: Tensor, reduction: String,
                                 logTarget: Bool = false) throws -> Tensor {
        try klDivLoss(input, target, reduction: LossReduction(named: reduction, op: "kl_div"), logTarget: logTarget)
    }

    public static func klDivLoss(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean,
                                 logTarget: Bool = false) throws -> Tensor {
        let (input, target) = (try Autocast.widened(input), try Autocast.widened(target))  // float32 under autocast
        let pointwise: Tensor
        if logTarget {
            pointwise = try target.exp().mul(target.sub(input))
        } else {
            // xlogy(t, t) - t·input, with xlogy 0 where t is 0 (as torch: no -inf · 0).
            let positive = try target.gt(.scalar(0.0))
            let safeLog = try Tensor.where(positive, target, Tensor.scalar(1.0).to(target.dtype)).log()
            pointwise = try target.mul(safeLog).sub(target.mul(input))
        }
        if reduction == .batchmean {
            return try pointwise.sum().div(.scalar(Double(input.rank == 0 ? 1 : input.shape[0])))
        }
        return try reduction.apply(pointwise)
    }

    /// 0.5 (log max(var, eps) + (input - target)^2 / max(var, eps)), + 0.5 log 2π when full.
    public static func gaussianNLLLoss(_ input: Tensor, _ target: Tensor, variance: Tensor, full: Bool = false,
                                       eps: Double = 1e-6, reduction: LossReduction = .mean) throws -> Tensor {
        var variance = variance
        if variance.shape != input.shape {
            // torch: a variance with one dim fewer (or a last dim of 1) is one per row.
            if variance.rank == input.rank - 1 && Array(input.shape.dropLast()) == variance.shape {
                variance = try variance.unsqueeze(dim: -1)
            } else if !(variance.rank == input.rank && variance.shape.last == 1
                        && Array(variance.shape.dropLast()) == Array(input.shape.dropLast())) {
                throw CajalError.value("[gaussian_nll_loss] var is of incorrect size")
            }
        }
        guard try variance.lt(.scalar(0.0)).any().item() == 0 else {
            throw CajalError.value("[gaussian_nll_loss] var has negative entry/entries")
        }
        let clamped = try GradMode.withDisabled { try variance.clamp(min: eps, max: nil) }
        // torch clamps a detached copy, so the gradient reaches var only where it exceeds eps.
        let safe = try Tensor.where(variance.lt(.scalar(eps)), clamped, variance)
        let difference = try input.sub(target)
        var loss = try safe.log().add(difference.mul(difference).div(safe)).mul(.scalar(0.5))
        if full { loss = try loss.add(.scalar(0.5 * 1.8378770664093453)) }
        return try reduction.apply(loss)
    }

    /// e^input - target input (log_input) or input - target log(input + eps),
    /// plus Stirling's term for target > 1 when full.
    public static func poissonNLLLoss(_ input: Tensor, _ target: Tensor, logInput: Bool = true, full: Bool = false,
                                      eps: Double = 1e-8, reduction: LossReduction = .mean) throws -> Tensor {
        var loss = logInput ? try input.exp().sub(target.mul(input))
                            : try input.sub(target.mul(input.add(.scalar(eps)).log()))
        if full {
            let stirling = try target.mul(target.log()).sub(target).add(target.mul(.scalar(2 * Double.pi)).log().mul(.scalar(0.5)))
            loss = try loss.add(Tensor.where(target.gt(.scalar(1.0)), stirling, Tensor.scalar(0.0).to(stirling.dtype)))
        }
        return try reduction.apply(loss)
    }

    /// 1 - cos(x1, x2) for y = 1; max(0, cos(x1, x2) - margin) for y = -1 (rows of dim 1).
    public static func cosineEmbeddingLoss(_ input1: Tensor, _ input2: Tensor, _ target: Tensor, margin: Double = 0,
                                           reduction: LossReduction = .mean) throws -> Tensor {
        guard input1.shape == input2.shape, input1.rank >= 1, input1.rank <= 2 else {
            throw CajalError.runtime("[cosine_embedding_loss] expected two 1D or 2D inputs of one shape, got \(input1.shape) and \(input2.shape)")
        }
        let dim = input1.rank - 1
        let eps = 1e-12  // torch's EPSILON on the squared norms
        let dot = try input1.mul(input2).sum(dim: dim)
        let norms = try input1.mul(input1).sum(dim: dim).add(.scalar(eps)).mul(input2.mul(input2).sum(dim: dim).add(.scalar(eps)))
        let cosine = try dot.div(norms.sqrt())
        let positive = try Tensor.scalar(1.0).sub(cosine)
        let negative = try cosine.sub(.scalar(margin)).clamp(min: 0, max: nil)
        let zero = try Tensor.scalar(0.0).to(cosine.dtype)
        let loss = try Tensor.where(target.eq(.scalar(Int64(1))), positive, Tensor.where(target.eq(.scalar(Int64(-1))), negative, zero))
        return try reduction.apply(loss)
    }

    /// max(0, -y (x1 - x2) + margin).
    public static func marginRankingLoss(_ input1: Tensor, _ input2: Tensor, _ target: Tensor, margin: Double = 0,
                                         reduction: LossReduction = .mean) throws -> Tensor {
        try reduction.apply(target.neg().mul(input1.sub(input2)).add(.scalar(margin)).clamp(min: 0, max: nil))
    }

    /// max(d(a, p) - d(a, n) + margin, 0) with the p-norm distance (plus eps) along the last dim.
    public static func tripletMarginLoss(_ anchor: Tensor, _ positive: Tensor, _ negative: Tensor, margin: Double = 1,
                                         p: Double = 2, eps: Double = 1e-6, swap: Bool = false,
                                         reduction: LossReduction = .mean) throws -> Tensor {
        guard anchor.shape == positive.shape, anchor.shape == negative.shape else {
            throw CajalError.runtime("[triplet_margin_loss] anchor, positive and negative must have one shape, got \(anchor.shape), \(positive.shape), \(negative.shape)")
        }
        let dim = anchor.rank - 1
        func distance(_ a: Tensor, _ b: Tensor) throws -> Tensor {
            try a.sub(b).add(.scalar(eps)).norm(p: p, dims: [dim])
        }
        var negativeDistance = try distance(anchor, negative)
        if swap { negativeDistance = try negativeDistance.minimum(distance(positive, negative)) }
        return try reduction.apply(distance(anchor, positive).sub(negativeDistance).add(.scalar(margin)).clamp(min: 0, max: nil))
    }

    /// log(1 + e^(-target · input)), targets ±1 (F.soft_margin_loss).
    public static func softMarginLoss(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean) throws -> Tensor {
        try reduction.apply(input.neg().mul(target).exp().log1p())
    }

    /// The mean over classes (the last dim) of the per-class logistic loss
    /// -(t log σ(x) + (1 - t) log σ(-x)), times weight (F.multilabel_soft_margin_loss).
    public static func multilabelSoftMarginLoss(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                                reduction: LossReduction = .mean) throws -> Tensor {
        guard input.rank >= 1 else {
            throw CajalError.runtime("[multilabel_soft_margin_loss] expected an input with a class dim, got a scalar")
        }
        let positive = try target.mul(logSigmoid(input))
        let negative = try Tensor.scalar(1.0).sub(target).mul(logSigmoid(input.neg()))
        var loss = try positive.add(negative).neg()
        if let weight { loss = try loss.mul(weight) }
        let classDim = input.rank - 1
        return try reduction.apply(loss.sum(dims: [classDim]).div(.scalar(Double(input.shape[classDim]))))
    }

    /// input where target is 1, max(0, margin - input) where target is -1
    /// (F.hinge_embedding_loss; other targets contribute both terms, as torch).
    public static func hingeEmbeddingLoss(_ input: Tensor, _ target: Tensor, margin: Double = 1,
                                          reduction: LossReduction = .mean) throws -> Tensor {
        let zeros = try input.zerosLike()
        let marginPart = try Tensor.where(target.ne(.scalar(Int64(1))), Tensor.scalar(margin).sub(input).clamp(min: 0, max: nil), zeros)
        let inputPart = try Tensor.where(target.ne(.scalar(Int64(-1))), input, zeros)
        return try reduction.apply(marginPart.add(inputPart))
    }

    /// The multi-class hinge loss: per sample, Σ over classes i ≠ y of
    /// max(0, margin - x[y] + x[i])^p (times weight[y]), divided by the
    /// number of classes (F.multi_margin_loss). input (N, C) or (C), target
    /// (N) or a number: int64 class indices.
    public static func multiMarginLoss(_ input: Tensor, _ target: Tensor, p: Int = 1, margin: Double = 1, weight: Tensor? = nil,
                                       reduction: LossReduction = .mean) throws -> Tensor {
        let op = "multi_margin_loss"
        guard p == 1 || p == 2 else { throw CajalError.value("[\(op)] only p == 1 and p == 2 supported") }
        guard input.rank <= 2, input.rank == 0 || input.shape[input.rank - 1] > 0 else {
            throw CajalError.runtime("[\(op)] Expected non-empty vector or matrix with optional 0-dim batch size, but got: \(input.shape)")
        }
        let batched = input.rank == 2
        let x = input.rank == 0 ? try input.reshape([1, 1]) : batched ? input : try input.unsqueeze(dim: 0)
        let (rows, classes) = (x.shape[0], x.shape[1])
        guard target.rank <= 1, target.count == rows, !target.dtype.isFloatingPoint, target.dtype != .bool else {
            throw CajalError.runtime("[\(op)] inconsistent target size: \(target.shape) for input of size: \(input.shape)")
        }
        if let weight, weight.rank != 1 || weight.count != classes {
            throw CajalError.runtime("[\(op)] inconsistent weight size, expected \([classes]) but got \(weight.shape)")
        }
        let labels = try target.reshape([rows, 1]).to(.int64)
        if rows > 0, try labels.lt(.scalar(Int64(0))).logicalOr(labels.ge(.scalar(Int64(classes)))).any().item() != 0 {
            throw CajalError.index("[\(op)] target out of range")
        }
        let margins = try Tensor.scalar(margin).sub(x.gather(dim: 1, index: labels)).add(x).relu()
        var terms = p == 1 ? margins : try margins.mul(margins)
        if let weight { terms = try terms.mul(weight.indexSelect(dim: 0, index: labels.reshape([rows])).unsqueeze(dim: 1)) }
        // The target class itself contributes nothing.
        let others = try Tensor.arange(end: Double(classes), dtype: .int64).unsqueeze(dim: 0).ne(labels)
        let zero = try Tensor.scalar(0.0).to(terms.dtype)
        var loss = try Tensor.where(others, terms, zero).sum(dims: [1]).div(.scalar(Double(classes)))
        if !batched { loss = try loss.reshape([]) }
        return try reduction.apply(loss)
    }

    /// The multi-label hinge loss: per sample, Σ over its target classes j and
    /// non-target classes i of max(0, 1 - (x[j] - x[i])), divided by the
    /// number of classes (F.multilabel_margin_loss). target: int64 class
    /// indices shaped like input, the labels before the first -1.
    public static func multilabelMarginLoss(_ input: Tensor, _ target: Tensor, reduction: LossReduction = .mean) throws -> Tensor {
        let op = "multilabel_margin_loss"
        guard input.rank <= 2, input.rank == 0 || input.shape[input.rank - 1] > 0 else {
            throw CajalError.runtime("[\(op)] Expected non-empty vector or matrix with optional 0-dim batch size, but got: \(input.shape)")
        }
        guard target.shape == input.shape, !target.dtype.isFloatingPoint, target.dtype != .bool else {
            throw CajalError.runtime("[\(op)] inconsistent target size: \(target.shape) for input of size: \(input.shape)")
        }
        let batched = input.rank == 2
        let x = input.rank == 0 ? try input.reshape([1, 1]) : batched ? input : try input.unsqueeze(dim: 0)
        let labels = try target.reshape(x.shape).to(.int64)
        let (rows, classes) = (x.shape[0], x.shape[1])
        if rows > 0, try labels.lt(.scalar(Int64(-1))).logicalOr(labels.ge(.scalar(Int64(classes)))).any().item() != 0 {
            throw CajalError.index("[\(op)] target out of range")
        }
        // The labels before the first -1 count; the rest are ignored.
        let listed = try labels.ne(.scalar(Int64(-1))).to(.int64).cumprod(dim: 1)
        let safeLabels = try Tensor.where(listed.gt(.scalar(Int64(0))), labels, Tensor.scalar(Int64(0)))
        let listedValues = try listed.to(x.dtype)
        let isTarget = try x.zerosLike().scatterAdd(dim: 1, index: safeLabels, source: listedValues).clamp(min: 0, max: 1)
        // margins[n, j, i] = max(0, 1 - x[n, label j] + x[n, i]).
        let margins = try Tensor.scalar(1.0).sub(x.gather(dim: 1, index: safeLabels).unsqueeze(dim: 2)).add(x.unsqueeze(dim: 1)).relu()
        let pairs = try listedValues.unsqueeze(dim: 2).mul(Tensor.scalar(1.0).sub(isTarget).unsqueeze(dim: 1))
        var loss = try margins.mul(pairs).sum(dims: [1, 2]).div(.scalar(Double(classes)))
        if !batched { loss = try loss.reshape([]) }
        return try reduction.apply(loss)
    }

    /// cajal's soft Dice loss for segmentation (torch has none):
    ///     1 - (2 Σ p·t + smooth) / (Σ p + Σ t + smooth).
    /// By default the sums run over every dim but the batch (dim 0), one value
    /// per sample, for probabilities and masks in [0, 1] shaped alike.
    ///
    /// Per class (input (N, C, ...)): the Dice of each sample and channel
    /// over the spatial dims, averaged over the channels (weighted by
    /// `weight`, one per channel), then reduced over the batch. It is chosen
    /// by perClass, or implied by softmax, integer class targets (N, ...)
    /// turned one-hot, includeBackground false (channel 0 left out) or a weight.
    /// `activation` turns logits into probabilities first.
    public static func diceLoss(_ input: Tensor, _ target: Tensor, smooth: Double = 1, reduction: LossReduction = .mean,
                                activation: DiceActivation = .none, includeBackground: Bool = true, weight: Tensor? = nil,
                                perClass: Bool? = nil) throws -> Tensor {
        let op = "dice_loss"
        let classTargets = !target.dtype.isFloatingPoint && target.dtype != .bool
        let byClass = perClass ?? (activation == .softmax || classTargets || !includeBackground || weight != nil)
        guard !byClass || input.rank >= 2 else {
            throw CajalError.runtime("[\(op)] per-class Dice needs an input with a channel dim (N, C, ...), got \(input.shape)")
        }
        var probabilities = input
        switch activation {
        case .none: break
        case .sigmoid: probabilities = try input.sigmoid()
        case .softmax:
            guard input.rank >= 2 else { throw CajalError.runtime("[\(op)] softmax needs a channel dim (N, C, ...), got \(input.shape)") }
            probabilities = try softmax(input, dim: 1)
        }
        var masks = target
        if classTargets {
            // Class indices (N, ...) or (N, 1, ...) as one-hot channels (N, C, ...).
            guard input.rank >= 2 else {
                throw CajalError.runtime("[\(op)] class targets need an input with a channel dim (N, C, ...), got \(input.shape)")
            }
            let classes = input.shape[1]
            var labels = try target.to(.int64)
            if labels.rank == input.rank && labels.shape[1] == 1 { labels = try labels.squeeze(dim: 1) }
            guard labels.rank == input.rank - 1, Array(labels.shape.dropFirst()) == Array(input.shape.dropFirst(2)),
                  labels.shape.first == input.shape.first else {
                throw CajalError.runtime("[\(op)] class targets must be shaped (N, ...) or (N, 1, ...) for an input \(input.shape), got \(target.shape)")
            }
            if labels.count > 0, try labels.lt(.scalar(Int64(0))).logicalOr(labels.ge(.scalar(Int64(classes)))).any().item() != 0 {
                throw CajalError.index("[\(op)] class targets must lie in [0, \(classes))")
            }
            masks = try Tensor.oneHot(labels, numClasses: classes).movedim([-1], [1]).to(probabilities.dtype)
        }
        try checkSameShape(probabilities, masks, op: op)
        guard byClass else {
            let dims = input.rank <= 1 ? Array(0..<input.rank) : Array(1..<input.rank)
            let overlap = try probabilities.mul(masks).sum(dims: dims)
            let total = try probabilities.sum(dims: dims).add(masks.sum(dims: dims))
            let dice = try overlap.mul(.scalar(2.0)).add(.scalar(smooth)).div(total.add(.scalar(smooth)))
            return try reduction.apply(Tensor.scalar(1.0).sub(dice))
        }
        let classes = input.shape[1], spatial = Array(2..<input.rank)
        let overlap = try probabilities.mul(masks).sum(dims: spatial)
        let total = try probabilities.sum(dims: spatial).add(masks.sum(dims: spatial))
        var losses = try Tensor.scalar(1.0).sub(overlap.mul(.scalar(2.0)).add(.scalar(smooth)).div(total.add(.scalar(smooth))))
        var weights = weight
        if let weight, weight.shape != [classes] {
            throw CajalError.runtime("[\(op)] weight must hold one value per channel (\(classes)), got \(weight.shape)")
        }
        if !includeBackground {
            guard classes > 1 else { throw CajalError.runtime("[\(op)] include_background=False needs more than one channel") }
            losses = try losses.narrow(dim: 1, start: 1, length: classes - 1)
            weights = try weights.map { try $0.narrow(dim: 0, start: 1, length: classes - 1) }
        }
        let perSample = try weights.map { try losses.mul($0.to(losses.dtype)).sum(dims: [1]).div($0.to(losses.dtype).sum()) }
            ?? losses.mean(dims: [1])
        return try reduction.apply(perSample)
    }
}
