import CajalCore
import CajalRuntime
/// torch's checks of optimizer options, once for every front: the Python
/// optimizers run them when built (cajal_optim_check_options), the Swift
/// Optimizer before each step, and the step functions for the options they
/// depend on. Names are torch's keys, with betas as beta1 and beta2.
public enum OptimizerOptions {
    /// One option as the caller wrote it: `integral` when it was an integer,
    /// which the message then shows without a fraction, as Python prints it.
    public struct Option: Sendable {
        public var name: String, value: Double, integral: Bool
        public init(_ name: String, _ value: Double, integral: Bool = false) {
            (self.name, self.value, self.integral) = (name, value, integral)
        }
    }

    /// Checks each option in order, then the ones that depend on each other
    /// (SGD's nesterov on momentum and dampening); the first failure throws
    /// torch's message.
    public static func check(_ options: [Option]) throws {
        for option in options { try check(option) }
        let value = { (name: String) in options.last { $0.name == name }?.value }
        if let nesterov = value("nesterov"), nesterov != 0 {
            try checkNesterov(momentum: value("momentum") ?? 0, dampening: value("dampening") ?? 0)
        }
    }

    public static func check(_ option: Option) throws {
        let v = option.value
        let (label, valid): (String, Bool)
        switch option.name {
        // torch tests `value < 0` for these (a NaN passes) and `not 0 <= value <= 1`-style ranges for the rest.
        case "lr": (label, valid) = ("learning rate", !(v < 0))
        case "eps": (label, valid) = ("epsilon value", !(v < 0))
        case "momentum", "weight_decay", "alpha", "lr_decay", "initial_accumulator_value", "momentum_decay":
            (label, valid) = ("\(option.name) value", !(v < 0))
        case "rho": (label, valid) = ("rho value", v >= 0 && v <= 1)
        case "beta1": (label, valid) = ("beta parameter at index 0", v >= 0 && v < 1)
        case "beta2": (label, valid) = ("beta parameter at index 1", v >= 0 && v < 1)
        case "dampening", "nesterov", "maximize", "amsgrad", "centered", "decoupled_weight_decay": return
        default: throw CajalError.value("[optimizer] unknown option '\(option.name)'")
        }
        guard valid else {
            let shown = option.integral && v.rounded() == v && v.magnitude < 1e18 ? "\(Int64(v))" : "\(v)"
            throw CajalError.value("Invalid \(label): \(shown)")
        }
    }

    public static func checkNesterov(momentum: Double, dampening: Double) throws {
        if momentum <= 0 || dampening != 0 {
            throw CajalError.value("Nesterov momentum requires a momentum and zero dampening")
        }
    }
}

extension Optimizer.Rule {
    /// The rule's options under torch's names, for OptimizerOptions.check.
    public var options: [OptimizerOptions.Option] {
        typealias O = OptimizerOptions.Option
        let flag = { (name: String, on: Bool) in O(name, on ? 1 : 0, integral: true) }
        switch self {
        case let .sgd(lr, momentum, dampening, weightDecay, nesterov, maximize):
            return [O("lr", lr), O("momentum", momentum), O("weight_decay", weightDecay), O("dampening", dampening),
                    flag("nesterov", nesterov), flag("maximize", maximize)]
        case let .adam(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize),
             let .adamW(lr, beta1, beta2, eps, weightDecay, amsgrad, maximize):
            return [O("lr", lr), O("eps", eps), O("beta1", beta1), O("beta2", beta2), O("weight_decay", weightDecay),
                    flag("amsgrad", amsgrad), flag("maximize", maximize)]
        case let .rmsprop(lr, alpha, eps, weightDecay, momentum, centered, maximize):
            return [O("lr", lr), O("eps", eps), O("momentum", momentum), O("weight_decay", weightDecay), O("alpha", alpha),
                    flag("centered", centered), flag("maximize", maximize)]
        case let .adagrad(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize):
            return [O("lr", lr), O("lr_decay", lrDecay), O("weight_decay", weightDecay),
                    O("initial_accumulator_value", initialAccumulatorValue), O("eps", eps), flag("maximize", maximize)]
        case let .adadelta(lr, rho, eps, weightDecay, maximize):
            return [O("lr", lr), O("rho", rho), O("eps", eps), O("weight_decay", weightDecay), flag("maximize", maximize)]
        case let .nadam(lr, beta1, beta2, eps, weightDecay, momentumDecay, decoupledWeightDecay, maximize):
            return [O("lr", lr), O("eps", eps), O("beta1", beta1), O("beta2", beta2), O("weight_decay", weightDecay),
                    O("momentum_decay", momentumDecay), flag("decoupled_weight_decay", decoupledWeightDecay),
                    flag("maximize", maximize)]
        case let .radam(lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay, maximize):
            return [O("lr", lr), O("eps", eps), O("beta1", beta1), O("beta2", beta2), O("weight_decay", weightDecay),
                    flag("decoupled_weight_decay", decoupledWeightDecay), flag("maximize", maximize)]
        }
    }
}
