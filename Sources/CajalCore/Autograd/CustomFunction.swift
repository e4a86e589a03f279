/// Functions with a backward written by the user (torch.autograd.Function):
/// the forward runs outside the graph, and its result is recorded as made
/// from `inputs` by a node that calls `backward`.
extension Tensor {
    /// An alias of `output` whose history is one node named `name` over
    /// `inputs`; `backward` maps the gradient of the output to one gradient
    /// (or nil) per input, which the engine checks against the input's shape
    /// as for any op. Nothing is recorded when grad mode is off, no input
    /// requires grad, or the output is not floating point. `onRelease` runs
    /// once the node is freed (at once when none was recorded).
    /// `twiceDifferentiable: false` (torch's once_differentiable) runs the
    /// backward outside the graph and refuses a second differentiation.
    public static func recordingFunction(output: Tensor, inputs: [Tensor], name: String, twiceDifferentiable: Bool = true,
                                         onRelease: (() -> Void)? = nil,
                                         backward: @escaping (Tensor) throws -> [Tensor?]) -> Tensor {
        let result = output.detach()
        if output.dtype.isFloatingPoint {
            let inputCount = inputs.count
            result.recording(name, inputs: inputs, twiceDifferentiable: twiceDifferentiable) { ctx in
                let grads = try backward(ctx.grad)
                guard grads.count == inputCount else {
                    throw CajalError.runtime("[backward] function \(name) returned an incorrect number of gradients (expected \(inputCount), got \(grads.count))")
                }
                return grads
            }
        }
        if let node = result.gradFn { node.onRelease = onRelease } else { onRelease?() }
        return result
    }
}
