import Cajal

// One optimizer step over a parameter group per call. Per-parameter state
// travels as parallel arrays of `count` handles; the engine updates
// parameters, state and step counters in place.

/// The state list an option turns on, or none (its array may then be NULL).
private func stateList(_ used: Bool, _ handles: UnsafePointer<OpaquePointer?>?, _ count: Int, _ name: String) throws -> [Tensor] {
    used ? try tensorList(handles, count, name) : []
}

@_cdecl("cajal_optim_sgd_step")
public func cajal_optim_sgd_step(_ params: UnsafePointer<OpaquePointer?>?, _ grads: UnsafePointer<OpaquePointer?>?,
                                 _ momentumBuffers: UnsafePointer<OpaquePointer?>?, _ count: Int, _ lr: Double,
                                 _ momentum: Double, _ dampening: Double, _ weightDecay: Double, _ nesterov: Int32,
                                 _ maximize: Int32, _ createdBuffers: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
    status {
        var buffers = try optionalTensorList(momentumBuffers, count, "momentum_buffers")
        let before = buffers.map { $0 == nil }
        try OptimizerStep.sgd(parameters: tensorList(params, count, "params"), gradients: tensorList(grads, count, "grads"),
                              momentumBuffers: &buffers, lr: lr, momentum: momentum, dampening: dampening,
                              weightDecay: weightDecay, nesterov: nesterov != 0, maximize: maximize != 0)
        for i in 0..<count where before[i] {
            if let b = buffers[i] { createdBuffers?[i] = handle(b) }
        }
    }
}

@_cdecl("cajal_optim_adam_step")
public func cajal_optim_adam_step(_ params: UnsafePointer<OpaquePointer?>?, _ grads: UnsafePointer<OpaquePointer?>?,
                                  _ steps: UnsafePointer<OpaquePointer?>?, _ expAvgs: UnsafePointer<OpaquePointer?>?,
                                  _ expAvgSqs: UnsafePointer<OpaquePointer?>?, _ maxExpAvgSqs: UnsafePointer<OpaquePointer?>?,
                                  _ count: Int, _ lr: Double, _ beta1: Double, _ beta2: Double, _ eps: Double,
                                  _ weightDecay: Double, _ amsgrad: Int32, _ maximize: Int32, _ decoupledWeightDecay: Int32) -> Int32 {
    status {
        try OptimizerStep.adam(parameters: tensorList(params, count, "params"), gradients: tensorList(grads, count, "grads"),
                               steps: tensorList(steps, count, "steps"), expAvgs: tensorList(expAvgs, count, "exp_avgs"),
                               expAvgSqs: tensorList(expAvgSqs, count, "exp_avg_sqs"),
                               maxExpAvgSqs: stateList(amsgrad != 0, maxExpAvgSqs, count, "max_exp_avg_sqs"), lr: lr,
                               beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad != 0,
                               maximize: maximize != 0, decoupledWeightDecay: decoupledWeightDecay != 0)
    }
}

@_cdecl("cajal_optim_rmsprop_step")
public func cajal_optim_rmsprop_step(_ params: UnsafePointer<OpaquePointer?>?, _ grads: UnsafePointer<OpaquePointer?>?,
                                     _ steps: UnsafePointer<OpaquePointer?>?, _ squareAvgs: UnsafePointer<OpaquePointer?>?,
                                     _ gradAvgs: UnsafePointer<OpaquePointer?>?, _ momentumBuffers: UnsafePointer<OpaquePointer?>?,
                                     _ count: Int, _ lr: Double, _ alpha: Double, _ eps: Double, _ weightDecay: Double,
                                     _ momentum: Double, _ centered: Int32, _ maximize: Int32) -> Int32 {
    status {
        try OptimizerStep.rmsprop(parameters: tensorList(params, count, "params"), gradients: tensorList(grads, count, "grads"),
                                  steps: tensorList(steps, count, "steps"), squareAvgs: tensorList(squareAvgs, count, "square_avgs"),
                                  gradAvgs: stateList(centered != 0, gradAvgs, count, "grad_avgs"),
                                  momentumBuffers: stateList(momentum > 0, momentumBuffers, count, "momentum_buffers"),
                                  lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay, momentum: momentum,
                                  centered: centered != 0, maximize: maximize != 0)
    }
}

@_cdecl("cajal_optim_adagrad_step")
public func cajal_optim_adagrad_step(_ params: UnsafePointer<OpaquePointer?>?, _ grads: UnsafePointer<OpaquePointer?>?,
                                     _ steps: UnsafePointer<OpaquePointer?>?, _ sums: UnsafePointer<OpaquePointer?>?,
                                     _ count: Int, _ lr: Double, _ lrDecay: Double, _ weightDecay: Double, _ eps: Double,
                                     _ maximize: Int32) -> Int32 {
    status {
        try OptimizerStep.adagrad(parameters: tensorList(params, count, "params"), gradients: tensorList(grads, count, "grads"),
                                  steps: tensorList(steps, count, "steps"), sums: tensorList(sums, count, "sums"), lr: lr,
                                  lrDecay: lrDecay, weightDecay: weightDecay, eps: eps, maximize: maximize != 0)
    }
}

@_cdecl("cajal_optim_adadelta_step")
public func cajal_optim_adadelta_step(_ params: UnsafePointer<OpaquePointer?>?, _ grads: UnsafePointer<OpaquePointer?>?,
                                      _ steps: UnsafePointer<OpaquePointer?>?, _ squareAvgs: UnsafePointer<OpaquePointer?>?,
                                      _ accDeltas: UnsafePointer<OpaquePointer?>?, _ count: Int, _ lr: Double, _ rho: Double,
                                      _ eps: Double, _ weightDecay: Double, _ maximize: Int32) -> Int32 {
    status {
        try OptimizerStep.adadelta(parameters: tensorList(params, count, "params"), gradients: tensorList(grads, count, "grads"),
                                   steps: tensorList(steps, count, "steps"), squareAvgs: tensorList(squareAvgs, count, "square_avgs"),
                                   accDeltas: tensorList(accDeltas, count, "acc_deltas"), lr: lr, rho: rho, eps: eps,
                                   weightDecay: weightDecay, maximize: maximize != 0)
    }
}

@_cdecl("cajal_optim_nadam_step")
public func cajal_optim_nadam_step(_ params: UnsafePointer<OpaquePointer?>?, _ grads: UnsafePointer<OpaquePointer?>?,
                                   _ steps: UnsafePointer<OpaquePointer?>?, _ muProducts: UnsafePointer<OpaquePointer?>?,
                                   _ expAvgs: UnsafePointer<OpaquePointer?>?, _ expAvgSqs: UnsafePointer<OpaquePointer?>?,
                                   _ count: Int, _ lr: Double, _ beta1: Double, _ beta2: Double, _ eps: Double,
                                   _ weightDecay: Double, _ momentumDecay: Double, _ decoupledWeightDecay: Int32,
                                   _ maximize: Int32) -> Int32 {
    status {
        try OptimizerStep.nadam(parameters: tensorList(params, count, "params"), gradients: tensorList(grads, count, "grads"),
                                steps: tensorList(steps, count, "steps"), muProducts: tensorList(muProducts, count, "mu_products"),
                                expAvgs: tensorList(expAvgs, count, "exp_avgs"), expAvgSqs: tensorList(expAvgSqs, count, "exp_avg_sqs"),
                                lr: lr, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay,
                                momentumDecay: momentumDecay, decoupledWeightDecay: decoupledWeightDecay != 0,
                                maximize: maximize != 0)
    }
}

@_cdecl("cajal_optim_radam_step")
public func cajal_optim_radam_step(_ params: UnsafePointer<OpaquePointer?>?, _ grads: UnsafePointer<OpaquePointer?>?,
                                   _ steps: UnsafePointer<OpaquePointer?>?, _ expAvgs: UnsafePointer<OpaquePointer?>?,
                                   _ expAvgSqs: UnsafePointer<OpaquePointer?>?, _ count: Int, _ lr: Double, _ beta1: Double,
                                   _ beta2: Double, _ eps: Double, _ weightDecay: Double, _ decoupledWeightDecay: Int32,
                                   _ maximize: Int32) -> Int32 {
    status {
        try OptimizerStep.radam(parameters: tensorList(params, count, "params"), gradients: tensorList(grads, count, "grads"),
                                steps: tensorList(steps, count, "steps"), expAvgs: tensorList(expAvgs, count, "exp_avgs"),
                                expAvgSqs: tensorList(expAvgSqs, count, "exp_avg_sqs"), lr: lr, beta1: beta1, beta2: beta2,
                                eps: eps, weightDecay: weightDecay, decoupledWeightDecay: decoupledWeightDecay != 0,
                                maximize: maximize != 0)
    }
}

/// clip_grad_norm_: scales every gradient by max_norm / (total_norm + 1e-6)
/// when that is below one; the total norm comes back as a 0-dim tensor.
@_cdecl("cajal_optim_clip_grad_norm")
public func cajal_optim_clip_grad_norm(_ grads: UnsafePointer<OpaquePointer?>?, _ count: Int, _ maxNorm: Double,
                                       _ normType: Double, _ errorIfNonfinite: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try GradientClipping.clipNorm(tensorList(grads, count, "grads"), maxNorm: maxNorm, normType: normType,
                                      errorIfNonfinite: errorIfNonfinite != 0)
    }
}

/// clip_grad_value_: clamps every gradient to [-clip_value, clip_value] in place.
@_cdecl("cajal_optim_clip_grad_value")
public func cajal_optim_clip_grad_value(_ grads: UnsafePointer<OpaquePointer?>?, _ count: Int, _ clipValue: Double) -> Int32 {
    status { try GradientClipping.clipValue(tensorList(grads, count, "grads"), clipValue: clipValue) }
}
