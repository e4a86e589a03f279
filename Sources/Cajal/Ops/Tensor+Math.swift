import CajalKernelsABI

/// Unary math: exp, log, sqrt, relu, sigmoid, tanh. Integer inputs to the
/// floating-point functions compute in the default float dtype, as torch does.
extension Tensor {
    private var floatComputeType: DType { dtype.isFloatingPoint ? dtype : DType.defaultFloat }

    public func exp() throws -> Tensor {
        let out = try unaryKernel(.exp, computeType: floatComputeType, name: "exp")
        return out.recording("ExpBackward0", inputs: [self], saving: [out]) { ctx in
            [try ctx.grad.mul(ctx.saved[0])]
        }
    }

    public func log() throws -> Tensor {
        try unaryKernel(.log, computeType: floatComputeType, name: "log")
            .recording("LogBackward0", inputs: [self], saving: [self]) { ctx in
                [try ctx.grad.div(ctx.saved[0])]
            }
    }

    public func sqrt() throws -> Tensor {
        let out = try unaryKernel(.sqrt, computeType: floatComputeType, name: "sqrt")
        return out.recording("SqrtBackward0", inputs: [self], saving: [out]) { ctx in
            [try ctx.grad.div(ctx.saved[0].mul(Tensor.scalar(2.0)))]
        }
    }

    public func relu() throws -> Tensor {
        guard dtype != .bool else { throw CajalError.type("[relu] \"clamp_min_cpu\" not implemented for 'bool'") }
        let out = try unaryKernel(.relu, computeType: dtype, name: "relu")
        return out.recording("ReluBackward0", inputs: [self], saving: [out]) { ctx in
            // Gradient flows where the output is positive (0 at the kink, as torch).
            let zero = try Tensor.scalar(0.0)
            return [try Tensor.selectKernel(ctx.saved[0].gt(zero), ctx.grad, zero, name: "relu_backward")]
        }
    }

    public func sigmoid() throws -> Tensor {
        let out = try unaryKernel(.sigmoid, computeType: floatComputeType, name: "sigmoid")
        return out.recording("SigmoidBackward0", inputs: [self], saving: [out]) { ctx in
            let y = ctx.saved[0]
            return [try ctx.grad.mul(y.mul(Tensor.scalar(1.0).sub(y)))]
        }
    }

    public func tanh() throws -> Tensor {
        let out = try unaryKernel(.tanh, computeType: floatComputeType, name: "tanh")
        return out.recording("TanhBackward0", inputs: [self], saving: [out]) { ctx in
            let y = ctx.saved[0]
            return [try ctx.grad.mul(Tensor.scalar(1.0).sub(y.mul(y)))]
        }
    }
}
