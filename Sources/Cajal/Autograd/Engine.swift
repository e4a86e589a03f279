/// Reverse-mode autograd: a topological walk from the root, summing the
/// gradients that reach each node before running it.
extension Tensor {
    /// Computes gradients of `self` with respect to every leaf that requires
    /// grad, accumulating them into `.grad`. A non-scalar needs `gradient`.
    /// Without `retainGraph`, saved tensors are freed as nodes run.
    public func backward(gradient: Tensor? = nil, retainGraph: Bool = false) throws {
        guard requiresGrad else {
            throw CajalError.runtime("[backward] element 0 of tensors does not require grad and does not have a grad_fn")
        }
        let seed: Tensor
        if let gradient {
            guard gradient.shape == shape else {
                throw CajalError.shape("[backward] Mismatch in shape: grad_output[0] has a shape of \(shapeString(gradient.shape)) and output[0] has a shape of \(shapeString(shape))")
            }
            seed = try gradient.converted(to: dtype).detach()
        } else {
            guard count == 1 else {
                throw CajalError.runtime("[backward] grad can be implicitly created only for scalar outputs (the tensor has shape \(shapeString(shape)); pass a gradient of that shape)")
            }
            seed = try Tensor.full(shape, value: 1, dtype: dtype)
        }
        try GradMode.withDisabled {
            guard let root = gradFn else {
                try accumulateGrad(seed)
                return
            }
            try Autograd.run(root: root, seed: seed, retainGraph: retainGraph)
        }
    }

    /// Adds `incoming` into `.grad`: a fresh tensor the first time, laid out
    /// like this tensor (torch's gradient layout contract), so that gradients
    /// never alias one another.
    func accumulateGrad(_ incoming: Tensor) throws {
        if let existing = grad {
            grad = try existing.add(incoming).detach()
        } else {
            let fresh = try Tensor(uninitializedShape: shape, strides: elementwiseOutputStrides(shape, [strides]),
                                   dtype: incoming.dtype, op: "backward")
            try fresh.copyElements(from: incoming)
            grad = fresh
        }
    }

    /// torch's `requires_grad_`: only leaves may change it, and only floating
    /// point tensors can require gradients.
    public func setRequiresGrad(_ flag: Bool = true) throws {
        if !isLeaf {
            if flag { return }
            throw CajalError.runtime("[requires_grad_] you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
        }
        if flag && !dtype.isFloatingPoint {
            throw CajalError.runtime("[requires_grad_] only Tensors of floating point dtype can require gradients (got \(dtype))")
        }
        leafRequiresGrad = flag
    }

    /// Replaces `.grad`, as assigning `tensor.grad` does in torch: the new
    /// gradient must match this tensor's shape and dtype.
    public func setGrad(_ newGrad: Tensor?) throws {
        if let newGrad {
            guard newGrad.shape == shape else {
                throw CajalError.runtime("[grad] assigned grad has data of a different size: \(shapeString(newGrad.shape)) vs \(shapeString(shape))")
            }
            guard newGrad.dtype == dtype else {
                throw CajalError.runtime("[grad] assigned grad has data of a different type: \(newGrad.dtype) vs \(dtype)")
            }
        }
        grad = newGrad
    }

    /// Keeps `.grad` for this non-leaf tensor after backward.
    public func retainGrad() throws {
        if let node = gradFn {
            node.retainedOutput = self
        } else if !leafRequiresGrad {
            throw CajalError.runtime("[retain_grad] can't retain_grad on Tensor that has requires_grad=False")
        }
    }

    /// Whether `retainGrad()` was called on this non-leaf tensor.
    public var retainsGrad: Bool { gradFn?.retainedOutput === self }
}

enum Autograd {
    static func run(root: Node, seed: Tensor, retainGraph: Bool) throws {
        // Count, for each reachable node, how many edges point at it.
        var dependencies: [ObjectIdentifier: Int] = [:]
        var stack: [Node] = [root]
        var visited: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
        while let node = stack.popLast() {
            for edge in node.edges {
                guard case .node(let next) = edge.target else { continue }
                let id = ObjectIdentifier(next)
                dependencies[id, default: 0] += 1
                if visited.insert(id).inserted { stack.append(next) }
            }
        }

        var pendingGrads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seed]
        var ready: [Node] = [root]
        while let node = ready.popLast() {
            let incoming = pendingGrads.removeValue(forKey: ObjectIdentifier(node))
            var inputGrads: [Tensor?] = []
            if let grad = incoming {
                if let output = node.retainedOutput { try output.accumulateGrad(grad) }
                inputGrads = try node.apply(grad, release: !retainGraph)
            }
            for (index, edge) in node.edges.enumerated() {
                let grad = index < inputGrads.count ? inputGrads[index] : nil
                switch edge.target {
                case .none:
                    continue
                case .leaf(let leaf):
                    if let grad { try leaf.accumulateGrad(try fitted(grad, to: edge, in: node)) }
                case .node(let next):
                    let id = ObjectIdentifier(next)
                    if let grad {
                        let fit = try fitted(grad, to: edge, in: node)
                        pendingGrads[id] = try pendingGrads[id].map { try $0.add(fit) } ?? fit
                    }
                    dependencies[id, default: 1] -= 1
                    if dependencies[id] == 0 { ready.append(next) }
                }
            }
        }
    }

    /// Brings a gradient to its input's shape and dtype: broadcasting is
    /// undone here once (a sum over the expanded dims) for every op.
    private static func fitted(_ grad: Tensor, to edge: Node.Edge, in node: Node) throws -> Tensor {
        var result = grad
        if result.shape != edge.shape {
            result = try result.sumTo(shape: edge.shape)
        }
        if result.dtype != edge.dtype {
            result = try result.converted(to: edge.dtype)
        }
        guard result.shape == edge.shape else {
            throw CajalError.runtime("[backward] Function \(node.name) returned an invalid gradient - got \(shapeString(grad.shape)) but expected shape compatible with \(shapeString(edge.shape))")
        }
        return result
    }
}
