import CajalCore
import CajalRuntime
import Glibc

/// torch.optim's update rules, each applied to a whole parameter group in one
/// call (the role of torch's multi-tensor and fused steps). This side checks
/// the group and derives each step's constants; the per-element loops are
/// kernels (CajalKernels/OptimizerUpdate.swift), which follow torch's
/// single-tensor implementations term by term.
/// Gradients are read, never written. Parameters and state tensors are
/// updated in place outside the autograd graph, as under torch.no_grad().
/// Step counters are float32 0-dim tensors, as torch's state['step'], and the
/// engine increments them.
public enum OptimizerStep {
    // MARK: SGD

    /// torch.optim.SGD. `momentumBuffers` holds nil for a parameter without a
    /// buffer yet; the first step with momentum makes it (torch's clone of the
    /// gradient) and stores it there.
    public static func sgd(parameters: [Tensor], gradients: [Tensor], momentumBuffers: inout [Tensor?],
                           lr: Double, momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0,
                           nesterov: Bool = false, maximize: Bool = false) throws {
        let op = "SGD"
        guard momentumBuffers.count == parameters.count else {
            throw CajalError.value("[\(op)] got \(momentumBuffers.count) momentum buffers for \(parameters.count) parameters")
        }
        if nesterov { try OptimizerOptions.checkNesterov(momentum: momentum, dampening: dampening) }
        try checkGroup(op, parameters, gradients, states: [("momentum_buffer", momentumBuffers)])
        for i in parameters.indices {
            var fresh = false
            if momentum != 0 && momentumBuffers[i] == nil {
                momentumBuffers[i] = try parameters[i].zerosLike()
                fresh = true
            }
            let buffer = momentum != 0 ? momentumBuffers[i] : nil
            let rule = OptimizerRule.sgd(lr: lr, momentum: momentum, dampening: dampening, weightDecay: weightDecay,
                                         nesterov: nesterov, maximize: maximize, freshBuffer: fresh)
            try update(parameters[i], gradients[i], buffer.map { [$0] } ?? [], rule)
        }
    }

    // MARK: Adam and AdamW

    /// torch.optim.Adam, and AdamW with `decoupledWeightDecay`.
    /// `maxExpAvgSqs` is used (and required) only with `amsgrad`.
    public static func adam(parameters: [Tensor], gradients: [Tensor], steps: [Tensor], expAvgs: [Tensor],
                            expAvgSqs: [Tensor], maxExpAvgSqs: [Tensor] = [], lr: Double, beta1: Double = 0.9,
                            beta2: Double = 0.999, eps: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false,
                            maximize: Bool = false, decoupledWeightDecay: Bool = false) throws {
        let op = decoupledWeightDecay ? "AdamW" : "Adam"
        try checkBetas(op, beta1, beta2)
        try checkGroup(op, parameters, gradients, steps: steps,
                       states: [("exp_avg", expAvgs), ("exp_avg_sq", expAvgSqs)]
                           + (amsgrad ? [("max_exp_avg_sq", maxExpAvgSqs)] : []))
        for i in parameters.indices {
            let step = try increment(steps[i])
            let bias1 = 1 - pow(beta1, step), bias2Sqrt = (1 - pow(beta2, step)).squareRoot()
            let stepSize = lr / bias1
            let states = [expAvgs[i], expAvgSqs[i]] + (amsgrad ? [maxExpAvgSqs[i]] : [])
            let moments = MomentRule(lr: lr, beta1: beta1, beta2: beta2, weightDecay: weightDecay,
                                     decoupled: decoupledWeightDecay, maximize: maximize)
            try update(parameters[i], gradients[i], states,
                       .adam(moments, stepSize: stepSize, bias2Sqrt: bias2Sqrt, eps: eps, amsgrad: amsgrad))
        }
    }

    // MARK: RMSprop

    /// torch.optim.RMSprop. `gradAvgs` is used with `centered`, `momentumBuffers` with momentum > 0.
    public static func rmsprop(parameters: [Tensor], gradients: [Tensor], steps: [Tensor], squareAvgs: [Tensor],
                               gradAvgs: [Tensor] = [], momentumBuffers: [Tensor] = [], lr: Double,
                               alpha: Double = 0.99, eps: Double = 1e-8, weightDecay: Double = 0,
                               momentum: Double = 0, centered: Bool = false, maximize: Bool = false) throws {
        let op = "RMSprop"
        try checkGroup(op, parameters, gradients, steps: steps,
                       states: [("square_avg", squareAvgs)] + (centered ? [("grad_avg", gradAvgs)] : [])
                           + (momentum > 0 ? [("momentum_buffer", momentumBuffers)] : []))
        for i in parameters.indices {
            _ = try increment(steps[i])
            let states = [squareAvgs[i]] + (centered ? [gradAvgs[i]] : []) + (momentum > 0 ? [momentumBuffers[i]] : [])
            try update(parameters[i], gradients[i], states,
                       .rmsprop(lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay, momentum: momentum,
                                centered: centered, maximize: maximize))
        }
    }

    // MARK: Adagrad

    /// torch.optim.Adagrad.
    public static func adagrad(parameters: [Tensor], gradients: [Tensor], steps: [Tensor], sums: [Tensor],
                               lr: Double, lrDecay: Double = 0, weightDecay: Double = 0, eps: Double = 1e-10,
                               maximize: Bool = false) throws {
        let op = "Adagrad"
        try checkGroup(op, parameters, gradients, steps: steps, states: [("sum", sums)])
        for i in parameters.indices {
            let step = try increment(steps[i])
            let clr = lr / (1 + (step - 1) * lrDecay)
            try update(parameters[i], gradients[i], [sums[i]],
                       .adagrad(lr: clr, weightDecay: weightDecay, eps: eps, maximize: maximize))
        }
    }

    // MARK: Adadelta

    /// torch.optim.Adadelta.
    public static func adadelta(parameters: [Tensor], gradients: [Tensor], steps: [Tensor], squareAvgs: [Tensor],
                                accDeltas: [Tensor], lr: Double = 1, rho: Double = 0.9, eps: Double = 1e-6,
                                weightDecay: Double = 0, maximize: Bool = false) throws {
        let op = "Adadelta"
        try checkGroup(op, parameters, gradients, steps: steps,
                       states: [("square_avg", squareAvgs), ("acc_delta", accDeltas)])
        for i in parameters.indices {
            _ = try increment(steps[i])
            try update(parameters[i], gradients[i], [squareAvgs[i], accDeltas[i]],
                       .adadelta(lr: lr, rho: rho, eps: eps, weightDecay: weightDecay, maximize: maximize))
        }
    }

    // MARK: NAdam

    /// torch.optim.NAdam. `muProducts` are float32 0-dim tensors, as torch's state['mu_product'].
    public static func nadam(parameters: [Tensor], gradients: [Tensor], steps: [Tensor], muProducts: [Tensor],
                             expAvgs: [Tensor], expAvgSqs: [Tensor], lr: Double, beta1: Double = 0.9,
                             beta2: Double = 0.999, eps: Double = 1e-8, weightDecay: Double = 0,
                             momentumDecay: Double = 4e-3, decoupledWeightDecay: Bool = false,
                             maximize: Bool = false) throws {
        let op = "NAdam"
        try checkBetas(op, beta1, beta2)
        try checkGroup(op, parameters, gradients, steps: steps, states: [("exp_avg", expAvgs), ("exp_avg_sq", expAvgSqs)])
        try checkCounters(op, "mu_product", muProducts, count: parameters.count)
        for i in parameters.indices {
            let step = try increment(steps[i])
            let bias2 = 1 - pow(beta2, step)
            let mu = beta1 * (1 - 0.5 * pow(0.96, step * momentumDecay))
            let muNext = beta1 * (1 - 0.5 * pow(0.96, (step + 1) * momentumDecay))
            let muProduct = try multiply(muProducts[i], by: mu)
            let gradScale = -lr * (1 - mu) / (1 - muProduct)
            let avgScale = -lr * muNext / (1 - muProduct * muNext)
            let moments = MomentRule(lr: lr, beta1: beta1, beta2: beta2, weightDecay: weightDecay,
                                     decoupled: decoupledWeightDecay, maximize: maximize)
            try update(parameters[i], gradients[i], [expAvgs[i], expAvgSqs[i]],
                       .nadam(moments, bias2: bias2, eps: eps, gradientScale: gradScale, averageScale: avgScale))
        }
    }

    // MARK: RAdam

    /// torch.optim.RAdam.
    public static func radam(parameters: [Tensor], gradients: [Tensor], steps: [Tensor], expAvgs: [Tensor],
                             expAvgSqs: [Tensor], lr: Double, beta1: Double = 0.9, beta2: Double = 0.999,
                             eps: Double = 1e-8, weightDecay: Double = 0, decoupledWeightDecay: Bool = false,
                             maximize: Bool = false) throws {
        let op = "RAdam"
        try checkBetas(op, beta1, beta2)
        try checkGroup(op, parameters, gradients, steps: steps, states: [("exp_avg", expAvgs), ("exp_avg_sq", expAvgSqs)])
        for i in parameters.indices {
            let step = try increment(steps[i])
            let bias1 = 1 - pow(beta1, step), bias2 = 1 - pow(beta2, step)
            let rhoInf = 2 / (1 - beta2) - 1
            let rhoT = rhoInf - 2 * step * pow(beta2, step) / bias2
            // Below rho_t = 5 the variance is not tractable yet: plain momentum SGD.
            let rectification = rhoT > 5
                ? ((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)).squareRoot() : nil
            let moments = MomentRule(lr: lr, beta1: beta1, beta2: beta2, weightDecay: weightDecay,
                                     decoupled: decoupledWeightDecay, maximize: maximize)
            try update(parameters[i], gradients[i], [expAvgs[i], expAvgSqs[i]],
                       .radam(moments, lr: lr, bias1: bias1, bias2Sqrt: bias2.squareRoot(), rectification: rectification,
                              eps: eps))
        }
    }

    // MARK: shared plumbing

    static func checkBetas(_ op: String, _ beta1: Double, _ beta2: Double) throws {
        try OptimizerOptions.check([.init("beta1", beta1), .init("beta2", beta2)])
    }

    /// Every parameter is a floating tensor with a gradient of its shape and
    /// dtype, and every per-parameter state tensor matches its parameter.
    static func checkGroup(_ op: String, _ parameters: [Tensor], _ gradients: [Tensor], steps: [Tensor]? = nil,
                           states: [(name: String, tensors: [Tensor?])]) throws {
        guard gradients.count == parameters.count else {
            throw CajalError.value("[\(op)] got \(gradients.count) gradients for \(parameters.count) parameters")
        }
        if let steps { try checkCounters(op, "step", steps, count: parameters.count) }
        for (name, tensors) in states where tensors.count != parameters.count {
            throw CajalError.value("[\(op)] got \(tensors.count) '\(name)' state tensors for \(parameters.count) parameters")
        }
        for (i, (p, g)) in zip(parameters, gradients).enumerated() {
            guard p.dtype.isFloatingPoint else {
                throw CajalError.type("[\(op)] parameter \(i) has dtype \(p.dtype); optimizers update floating-point tensors only")
            }
            guard g.shape == p.shape, g.dtype == p.dtype else {
                throw CajalError.shape("[\(op)] gradient \(i) has shape \(shapeString(g.shape)) (\(g.dtype)) but its parameter has shape \(shapeString(p.shape)) (\(p.dtype))")
            }
            for (name, tensors) in states {
                guard let s = tensors[i] else { continue }
                guard s.shape == p.shape, s.dtype == p.dtype else {
                    throw CajalError.shape("[\(op)] state '\(name)' of parameter \(i) has shape \(shapeString(s.shape)) (\(s.dtype)) but the parameter has shape \(shapeString(p.shape)) (\(p.dtype))")
                }
            }
        }
    }

    static func checkCounters(_ op: String, _ name: String, _ counters: [Tensor], count: Int) throws {
        guard counters.count == count else {
            throw CajalError.value("[\(op)] got \(counters.count) '\(name)' tensors for \(count) parameters")
        }
        for (i, c) in counters.enumerated() where c.count != 1 || !(c.dtype == .float32 || c.dtype == .float64) {
            throw CajalError.value("[\(op)] state '\(name)' of parameter \(i) must be a one-element floating tensor, got shape \(shapeString(c.shape)) (\(c.dtype))")
        }
    }

    /// Adds one to a step counter in its own dtype and returns the new count.
    static func increment(_ counter: Tensor) throws -> Double {
        try multiplyAdd(counter, scale: 1, add: 1)
    }

    /// counter *= factor, rounded to the counter's dtype (torch's float32 mu_product).
    static func multiply(_ counter: Tensor, by factor: Double) throws -> Double {
        try multiplyAdd(counter, scale: factor, add: 0)
    }

    private static func multiplyAdd(_ counter: Tensor, scale: Double, add: Double) throws -> Double {
        let value: Double
        if counter.dtype == .float64 {
            let p = counter.typedPointer(Double.self)
            p.pointee = p.pointee * scale + add
            value = p.pointee
        } else {
            let p = counter.typedPointer(Float.self)
            p.pointee = p.pointee * Float(scale) + Float(add)
            value = Double(p.pointee)
        }
        counter.storage.bumpVersion()
        return value
    }

    /// Applies the rule to the parameter's, gradient's and states' contiguous
    /// memory, writing back any that had to be copied to be contiguous.
    static func update(_ parameter: Tensor, _ gradient: Tensor, _ states: [Tensor], _ rule: OptimizerRule) throws {
        let written = [parameter] + states
        // Half-type parameters and states update in float32 and round back, as torch's CPU steps do.
        let kernelType = parameter.dtype.kernelType
        let dense = try written.map { $0.isContiguous && $0.dtype.isNative ? $0 : try $0.converted(to: kernelType).materialized() }
        let grad = gradient.isContiguous && gradient.dtype.isNative ? gradient : try gradient.converted(to: kernelType).materialized()
        kernels.optimizerUpdate(rule, kernelType, parameter.count, dense[0].dataPointer, grad.dataPointer,
                                dense.dropFirst().map(\.dataPointer))
        for (target, copy) in zip(written, dense) {
            if copy !== target { try target.copyElements(from: copy) }
            target.storage.bumpVersion()
        }
    }
}
