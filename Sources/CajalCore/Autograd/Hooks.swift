import Synchronization

/// Tensor gradient hooks (torch's `Tensor.register_hook`): a function that
/// sees the gradient arriving at a tensor during backward and may return a
/// replacement of the same shape. A leaf's hooks run before its gradient is
/// accumulated (or returned by autograd.grad); a non-leaf's hooks run on the
/// summed gradient of its node before the node's backward.
extension Tensor {
    private static let nextHookID = Atomic<Int>(1)

    /// Adds a hook; the returned id removes it. Only a tensor that requires
    /// grad can have hooks.
    @discardableResult
    public func registerHook(_ hook: @escaping GradientHook) throws -> Int {
        guard requiresGrad else {
            throw CajalError.runtime("[register_hook] cannot register a hook on a tensor that doesn't require gradient")
        }
        let id = Tensor.nextHookID.add(1, ordering: .relaxed).newValue
        if let node = gradFn { node.hooks.append((id, hook)) } else { leafHooks.append((id, hook)) }
        return id
    }

    /// Removes the hook with this id; an id already removed is ignored.
    public func removeHook(_ id: Int) {
        leafHooks.removeAll { $0.id == id }
        gradFn?.hooks.removeAll { $0.id == id }
    }

    /// A leaf's gradient after its hooks.
    func runGradientHooks(_ grad: Tensor) throws -> Tensor {
        try Tensor.runHooks(leafHooks, on: grad)
    }

    static func runHooks(_ hooks: [(id: Int, hook: GradientHook)], on grad: Tensor) throws -> Tensor {
        var value = grad
        for (_, hook) in hooks {
            guard let replacement = try hook(value) else { continue }
            guard replacement.shape == value.shape else {
                throw CajalError.runtime("[register_hook] hook has changed the size of value: expected \(shapeString(value.shape)), got \(shapeString(replacement.shape))")
            }
            value = replacement.dtype == value.dtype ? replacement : try replacement.to(value.dtype)
        }
        return value
    }
}

extension Node {
    /// The node's incoming gradient after its output's hooks.
    func runHooks(_ grad: Tensor) throws -> Tensor {
        try Tensor.runHooks(hooks, on: grad)
    }
}
