import CajalCore
import CajalRuntime
/// An optimizer for the Swift API: one parameter group, one update rule, and
/// the per-parameter state torch keeps, made on the first step.
///
///     let optimizer = Optimizer(model.parameters, rule: .adam(lr: 1e-3))
///     optimizer.zeroGrad(); try loss.backward(); try optimizer.step()
///
/// Several groups with different options are several optimizers. The
/// arithmetic is `OptimizerStep`'s, shared with the C and Python fronts.
public final class Optimizer {
    public enum Rule: Sendable {
        case sgd(lr: Double, momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0,
                 nesterov: Bool = false, maximize: Bool = false)
        case adam(lr: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
                  weightDecay: Double = 0, amsgrad: Bool = false, maximize: Bool = false)
        case adamW(lr: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
                   weightDecay: Double = 1e-2, amsgrad: Bool = false, maximize: Bool = false)
        case rmsprop(lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8, weightDecay: Double = 0,
                     momentum: Double = 0, centered: Bool = false, maximize: Bool = false)
        case adagrad(lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
                     initialAccumulatorValue: Double = 0, eps: Double = 1e-10, maximize: Bool = false)
        case adadelta(lr: Double = 1, rho: Double = 0.9, eps: Double = 1e-6, weightDecay: Double = 0,
                      maximize: Bool = false)
        case nadam(lr: Double = 2e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
                   weightDecay: Double = 0, momentumDecay: Double = 4e-3, decoupledWeightDecay: Bool = false,
                   maximize: Bool = false)
        case radam(lr: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8,
                   weightDecay: Double = 0, decoupledWeightDecay: Bool = false, maximize: Bool = false)
    }

    public let parameters: [Tensor]
    public var rule: Rule
    /// torch's per-parameter state under torch's names ("step", "exp_avg", ...), parallel to `parameters`.
    public private(set) var state: [[String: Tensor]]

    public init(_ parameters: [Tensor], rule: Rule) {
        self.parameters = parameters
        self.rule = rule
        state = Array(repeating: [:], count: parameters.count)
    }

    /// Drops every parameter's gradient (torch's zero_grad(set_to_none=True)).
    public func zeroGrad() {
        for p in parameters { p.grad = nil }
    }

    /// One update of every parameter that has a gradient.
    public func step() throws {
        try OptimizerOptions.check(rule.options)
        let active = parameters.indices.filter { parameters[$0].grad != nil }
        guard !active.isEmpty else { return }
        let params = active.map { parameters[$0] }
        let grads = active.compactMap { parameters[$0].grad }
        // The named state of the active parameters, made on first use.
        func states(_ name: String, _ make: (Tensor) throws -> Tensor) throws -> [Tensor] {
            try active.map { i in
                if let s = state[i][name] { return s }
                let s = try make(parameters[i])
                state[i][name] = s
                return s
            }
        }
        let zeros = { (p: Tensor) in try p.zerosLike() }
        let counter = { (_: Tensor) in try Tensor.scalar(0, dtype: .float32) }
        switch rule {
        case let .sgd(lr, momentum, dampening, weightDecay, nesterov, maximize):
            var buffers = active.map { state[$0]["momentum_buffer"] }
            try OptimizerStep.sgd(parameters: params, gradients: grads, momentumBuffers: &buffers, lr: lr,
                                  momentum: momentum, dampening: dampening, weightDecay: weightDecay,
                                  nesterov: nesterov, maximize: maximize)
            for (i, b) in zip(active, buffers) where b != nil { state[i]["momentum_buffer"] = b }
        case let .adam(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize),
             let .adamW(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize):
            var decoupled = false
            if case .adamW = rule { decoupled = true }
            try OptimizerStep.adam(parameters: params, gradients: grads, steps: states("step", counter),
                                   expAvgs: states("exp_avg", zeros), expAvgSqs: states("exp_avg_sq", zeros),
                                   maxExpAvgSqs: amsgrad ? states("max_exp_avg_sq", zeros) : [], lr: lr, beta1: beta1,
                                   beta2: beta2, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad,
                                   maximize: maximize, decoupledWeightDecay: decoupled)
        case let .rmsprop(lr, alpha, eps, weightDecay, momentum, centered, maximize):
            try OptimizerStep.rmsprop(parameters: params, gradients: grads, steps: states("step", counter),
                                      squareAvgs: states("square_avg", zeros),
                                      gradAvgs: centered ? states("grad_avg", zeros) : [],
                                      momentumBuffers: momentum > 0 ? states("momentum_buffer", zeros) : [], lr: lr,
                                      alpha: alpha, eps: eps, weightDecay: weightDecay, momentum: momentum,
                                      centered: centered, maximize: maximize)
        case let .adagrad(lr, lrDecay, weightDecay, initial, eps, maximize):
            try OptimizerStep.adagrad(parameters: params, gradients: grads, steps: states("step", counter),
                                      sums: states("sum") { try $0.zerosLike().add(.scalar(initial)) }, lr: lr,
                                      lrDecay: lrDecay, weightDecay: weightDecay, eps: eps, maximize: maximize)
        case let .adadelta(lr, rho, eps, weightDecay, maximize):
            try OptimizerStep.adadelta(parameters: params, gradients: grads, steps: states("step", counter),
                                       squareAvgs: states("square_avg", zeros), accDeltas: states("acc_delta", zeros),
                                       lr: lr, rho: rho, eps: eps, weightDecay: weightDecay, maximize: maximize)
        case let .nadam(lr, beta1, beta2, eps, weightDecay, momentumDecay, decoupled, maximize):
            try OptimizerStep.nadam(parameters: params, gradients: grads, steps: states("step", counter),
                                    muProducts: states("mu_product") { _ in try Tensor.scalar(1, dtype: .float32) },
                                    expAvgs: states("exp_avg", zeros), expAvgSqs: states("exp_avg_sq", zeros), lr: lr,
                                    beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay,
                                    momentumDecay: momentumDecay, decoupledWeightDecay: decoupled, maximize: maximize)
        case let .radam(lr, beta1, beta2, eps, weightDecay, decoupled, maximize):
            try OptimizerStep.radam(parameters: params, gradients: grads, steps: states("step", counter),
                                    expAvgs: states("exp_avg", zeros), expAvgSqs: states("exp_avg_sq", zeros), lr: lr,
                                    beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay,
                                    decoupledWeightDecay: decoupled, maximize: maximize)
        }
    }
}
