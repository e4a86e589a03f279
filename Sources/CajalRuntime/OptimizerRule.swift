/// One optimizer's per-element update, with the constants of this step that
/// the engine derived from the options and the step count (bias corrections,
/// decayed rates). The kernel applies it to a parameter, its gradient and its
/// state tensors, in torch's order of operations.
///
/// The state pointers come in this order: SGD [momentum buffer, when
/// momentum != 0]; Adam [exp_avg, exp_avg_sq, max_exp_avg_sq with amsgrad];
/// RMSprop [square_avg, grad_avg when centered, momentum buffer when momentum
/// > 0]; Adagrad [sum]; Adadelta [square_avg, acc_delta]; NAdam and RAdam
/// [exp_avg, exp_avg_sq].
public enum OptimizerRule: Sendable {
    /// `freshBuffer`: the momentum buffer was just made and takes the gradient itself.
    case sgd(lr: Double, momentum: Double, dampening: Double, weightDecay: Double, nesterov: Bool, maximize: Bool,
             freshBuffer: Bool)
    case adam(MomentRule, stepSize: Double, bias2Sqrt: Double, eps: Double, amsgrad: Bool)
    case rmsprop(lr: Double, alpha: Double, eps: Double, weightDecay: Double, momentum: Double, centered: Bool,
                 maximize: Bool)
    /// `lr` is this step's decayed rate.
    case adagrad(lr: Double, weightDecay: Double, eps: Double, maximize: Bool)
    case adadelta(lr: Double, rho: Double, eps: Double, weightDecay: Double, maximize: Bool)
    case nadam(MomentRule, bias2: Double, eps: Double, gradientScale: Double, averageScale: Double)
    /// `rectification` is nil while the variance is not tractable yet (plain momentum SGD).
    case radam(MomentRule, lr: Double, bias1: Double, bias2Sqrt: Double, rectification: Double?, eps: Double)
}

/// The Adam family's shared first half: the effective gradient (negated to
/// maximize, with L2 or decoupled weight decay) and the moment updates.
public struct MomentRule: Sendable {
    public let lr: Double, beta1: Double, beta2: Double, weightDecay: Double
    public let decoupled: Bool, maximize: Bool

    public init(lr: Double, beta1: Double, beta2: Double, weightDecay: Double, decoupled: Bool, maximize: Bool) {
        (self.lr, self.beta1, self.beta2, self.weightDecay) = (lr, beta1, beta2, weightDecay)
        (self.decoupled, self.maximize) = (decoupled, maximize)
    }
}
