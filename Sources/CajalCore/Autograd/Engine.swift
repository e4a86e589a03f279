/// Reverse-mode autograd: a topological walk from the root, summing the
/// gradients that reach each node before running it.
extension Tensor {
    /// Computes gradients of `self` with respect to every leaf that requires
    /// grad, accumulating them into `.grad`. A non-scalar needs `gradient`.
    /// Without `retainGraph`, saved tensors are freed as nodes run.
    /// With `createGraph`, the backward is itself recorded, so that the
    /// gradients can be differentiated again (it implies `retainGraph`).
    public func backward(gradient: Tensor? = nil, retainGraph: Bool = false, createGraph: Bool = false) throws {
        try Tensor.backward([self], gradients: [gradient], retainGraph: retainGraph, createGraph: createGraph)
    }

    /// torch.autograd.backward: accumulates into every leaf's `.grad` the
    /// gradient of sum(outputs[i] * gradients[i]). A nil gradient stands for
    /// ones and needs a one-element output. With `inputs`, only those
    /// tensors (leaves or not) accumulate into `.grad`.
    public static func backward(_ outputs: [Tensor], gradients: [Tensor?]? = nil, retainGraph: Bool = false,
                                createGraph: Bool = false, inputs: [Tensor]? = nil) throws {
        let roots = try Autograd.seeds(outputs, gradients, op: "backward", createGraph: createGraph)
        guard let inputs else {
            _ = try Autograd.running(createGraph) {
                try Autograd.run(roots: roots, retainGraph: retainGraph || createGraph, createGraph: createGraph, capturing: nil)
            }
            return
        }
        guard !inputs.isEmpty else { throw CajalError.runtime("[backward] 'inputs' argument to backward() cannot be empty.") }
        for (i, input) in inputs.enumerated() where !input.requiresGrad {
            throw CajalError.runtime("[backward] One of the differentiated Tensors does not require grad (inputs[\(i)] of shape \(shapeString(input.shape)))")
        }
        let grads = try Autograd.running(createGraph) {
            try Autograd.run(roots: roots, retainGraph: retainGraph || createGraph, createGraph: createGraph, capturing: inputs)
        }
        for (input, grad) in zip(inputs, grads) {
            if let grad { try Autograd.running(createGraph) { try input.accumulateGrad(grad, createGraph: createGraph) } }
        }
    }

    /// torch.autograd.grad: the gradients of sum(outputs[i] * gradOutputs[i])
    /// with respect to each of `inputs`, returned instead of accumulated into
    /// `.grad`. Only the part of the graph that leads to `inputs` runs. An
    /// input the outputs do not depend on is an error, or nil with `allowUnused`.
    public static func gradients(of outputs: [Tensor], withRespectTo inputs: [Tensor], gradOutputs: [Tensor?]? = nil,
                                 retainGraph: Bool = false, createGraph: Bool = false, allowUnused: Bool = false) throws -> [Tensor?] {
        for (i, input) in inputs.enumerated() where !input.requiresGrad {
            throw CajalError.runtime("[autograd.grad] One of the differentiated Tensors does not require grad (inputs[\(i)] of shape \(shapeString(input.shape)))")
        }
        let roots = try Autograd.seeds(outputs, gradOutputs, op: "autograd.grad", createGraph: createGraph)
        let grads = try Autograd.running(createGraph) {
            try Autograd.run(roots: roots, retainGraph: retainGraph || createGraph, createGraph: createGraph, capturing: inputs)
        }
        if !allowUnused, let unused = grads.firstIndex(where: { $0 == nil }) {
            throw CajalError.runtime("[autograd.grad] One of the differentiated Tensors appears to not have been used in the graph (inputs[\(unused)]). Set allow_unused=True if this is the desired behavior.")
        }
        return grads
    }

    /// Adds `incoming` into `.grad`: a fresh tensor the first time, laid out
    /// like this tensor (torch's gradient layout contract), so that gradients
    /// never alias one another. With `createGraph` the sum is recorded, so
    /// `.grad` keeps its history (and, as in torch, a parameter and a
    /// gradient that depends on it hold each other until `.grad` is reset).
    func accumulateGrad(_ incoming: Tensor, createGraph: Bool = false) throws {
        if createGraph {
            grad = try grad.map { try $0.add(incoming) } ?? incoming.clone()
        } else if let existing = grad {
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
        if flag && !dtype.isFloatingPoint && !dtype.isComplex {
            throw CajalError.runtime("[requires_grad_] only Tensors of floating point and complex dtype can require gradients (got \(dtype))")
        }
        leafRequiresGrad = flag
    }

    /// Replaces `.grad`, as assigning `tensor.grad` does in torch: the new
    /// gradient must match this tensor's shape and dtype.
    public func setGrad(_ newGrad: Tensor?) throws {
        if let newGrad {
            // A tensor holding itself would never be freed (torch refuses it too).
            guard newGrad !== self else { throw CajalError.runtime("[grad] can't assign Variable as its own grad") }
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
    /// Runs `body` with grad mode on when the backward is recorded, else off.
    static func running<R>(_ createGraph: Bool, _ body: () throws -> R) rethrows -> R {
        let previous = GradMode.isEnabled
        GradMode.isEnabled = createGraph
        defer { GradMode.isEnabled = previous }
        return try body()
    }

    /// Pairs each output with the gradient that starts backward from it
    /// (kept in the graph with `createGraph`, as for a Hessian-vector product).
    static func seeds(_ outputs: [Tensor], _ gradients: [Tensor?]?, op: String,
                      createGraph: Bool = false) throws -> [(output: Tensor, seed: Tensor)] {
        guard !outputs.isEmpty else { throw CajalError.runtime("[\(op)] no outputs were given to differentiate") }
        if let gradients, gradients.count != outputs.count {
            throw CajalError.runtime("[\(op)] got \(gradients.count) gradients for \(outputs.count) outputs")
        }
        return try outputs.enumerated().map { i, output in
            guard output.requiresGrad else {
                throw CajalError.runtime("[\(op)] element \(i) of tensors does not require grad and does not have a grad_fn")
            }
            if let gradient = gradients?[i] {
                guard gradient.shape == output.shape else {
                    throw CajalError.shape("[\(op)] Mismatch in shape: grad_output[\(i)] has a shape of \(shapeString(gradient.shape)) and output[\(i)] has a shape of \(shapeString(output.shape))")
                }
                let seed = try gradient.to(output.dtype)
                return (output, createGraph ? seed : seed.detach())
            }
            guard output.count == 1 else {
                throw CajalError.runtime("[\(op)] grad can be implicitly created only for scalar outputs (output \(i) has shape \(shapeString(output.shape)); pass a gradient of that shape)")
            }
            return (output, try Tensor.full(output.shape, value: 1, dtype: output.dtype))
        }
    }

    /// Runs backward from `roots`. Without `inputs`, gradients accumulate into
    /// leaves' `.grad` (and retained non-leaf grads), and the result is empty.
    /// With `inputs`, nothing accumulates: the gradient reaching each input is
    /// returned (nil where none arrives), and only nodes on a path to an input run.
    static func run(roots: [(output: Tensor, seed: Tensor)], retainGraph: Bool, createGraph: Bool,
                    capturing inputs: [Tensor]?) throws -> [Tensor?] {
        // Gradient ops take their forward ops' dtypes, not autocast's.
        try Autocast.withDisabled { try runGraph(roots: roots, retainGraph: retainGraph, createGraph: createGraph, capturing: inputs) }
    }

    private static func runGraph(roots: [(output: Tensor, seed: Tensor)], retainGraph: Bool, createGraph: Bool,
                                 capturing inputs: [Tensor]?) throws -> [Tensor?] {
        var captured = [Tensor?](repeating: nil, count: inputs?.count ?? 0)
        // Inputs are found by identity: leaves on leaf edges, others by their grad_fn.
        var leafSlots: [ObjectIdentifier: [Int]] = [:], nodeSlots: [ObjectIdentifier: [Int]] = [:]
        for (i, input) in (inputs ?? []).enumerated() {
            if let node = input.gradFn {
                nodeSlots[ObjectIdentifier(node), default: []].append(i)
            } else {
                leafSlots[ObjectIdentifier(input), default: []].append(i)
            }
        }
        func capture(_ slots: [Int], _ grad: Tensor) throws {
            for i in slots { captured[i] = try captured[i].map { try $0.add(grad) } ?? grad }
        }

        // A leaf's gradient passes its hooks, then accumulates or is captured.
        func arrive(at leaf: Tensor, _ grad: Tensor) throws {
            let grad = try leaf.runGradientHooks(grad)
            if inputs == nil {
                try leaf.accumulateGrad(grad, createGraph: createGraph)
            } else if let slots = leafSlots[ObjectIdentifier(leaf)] {
                try capture(slots, grad)
            }
        }

        // Seed the root nodes; a leaf root receives its seed directly.
        var pendingGrads: [ObjectIdentifier: Tensor] = [:]
        var rootNodes: [Node] = []
        for (output, seed) in roots {
            guard let node = output.gradFn else {
                try arrive(at: output, seed)
                continue
            }
            let id = ObjectIdentifier(node)
            if let existing = pendingGrads[id] { pendingGrads[id] = try existing.add(seed) } else {
                pendingGrads[id] = seed
                rootNodes.append(node)
            }
        }

        // Count, for each reachable node, how many edges point at it, and
        // order the nodes so that every node comes after all that point at it.
        // Leaves are counted too: as in torch, a leaf reached by several edges
        // gets the sum of their gradients, through its hooks once.
        var dependencies: [ObjectIdentifier: Int] = [:]
        var leafEdges: [ObjectIdentifier: Int] = [:]
        var stack = rootNodes
        var visited = Set(rootNodes.map(ObjectIdentifier.init))
        while let node = stack.popLast() {
            for edge in node.edges {
                if case .leaf(let leaf) = edge.target { leafEdges[ObjectIdentifier(leaf), default: 0] += 1 }
                guard case .node(let next) = edge.target else { continue }
                let id = ObjectIdentifier(next)
                dependencies[id, default: 0] += 1
                if visited.insert(id).inserted { stack.append(next) }
            }
        }
        // A leaf's gradient so far, delivered when its last edge has been
        // passed; those whose remaining edges never run are delivered at the
        // end, in the order their first gradient came.
        var leafGrads: [ObjectIdentifier: (leaf: Tensor, grad: Tensor)] = [:]
        var leafOrder: [ObjectIdentifier] = []
        func pass(leaf: Tensor, _ grad: Tensor?) throws {
            let id = ObjectIdentifier(leaf)
            if let grad {
                if let pending = leafGrads[id] {
                    leafGrads[id] = (leaf, try pending.grad.add(grad))
                } else {
                    leafGrads[id] = (leaf, grad)
                    leafOrder.append(id)
                }
            }
            leafEdges[id, default: 1] -= 1
            if leafEdges[id] == 0, let done = leafGrads.removeValue(forKey: id) { try arrive(at: done.leaf, done.grad) }
        }
        var remaining = dependencies
        var order: [Node] = []
        var ready = rootNodes.filter { dependencies[ObjectIdentifier($0)] == nil }
        while let node = ready.popLast() {
            order.append(node)
            for edge in node.edges {
                guard case .node(let next) = edge.target else { continue }
                let id = ObjectIdentifier(next)
                remaining[id, default: 1] -= 1
                if remaining[id] == 0 { ready.append(next) }
            }
        }

        // With inputs, a node runs its backward only when an input lies below
        // it; one whose gradient is itself wanted is still visited to capture it.
        var leadsToInput: Set<ObjectIdentifier> = []
        var wanted: Set<ObjectIdentifier> = []
        if inputs != nil {
            for node in order.reversed() {
                let id = ObjectIdentifier(node)
                let below = node.edges.contains { edge in
                    switch edge.target {
                    case .none: return false
                    case .leaf(let leaf): return leafSlots[ObjectIdentifier(leaf)] != nil
                    case .node(let next): return leadsToInput.contains(ObjectIdentifier(next)) || wanted.contains(ObjectIdentifier(next))
                    }
                }
                if below { leadsToInput.insert(id) }
                if nodeSlots[id] != nil { wanted.insert(id) }
            }
        }

        for node in order {
            let id = ObjectIdentifier(node)
            var incoming = pendingGrads.removeValue(forKey: id)
            if let grad = incoming, !node.hooks.isEmpty { incoming = try node.runHooks(grad) }
            if inputs != nil {
                if let incoming, let slots = nodeSlots[id] { try capture(slots, incoming) }
                guard leadsToInput.contains(id) else { continue }
            } else if let incoming, let output = node.retainedOutput {
                try output.accumulateGrad(incoming, createGraph: createGraph)
            }
            guard let grad = incoming else { continue }
            let inputGrads = try node.apply(grad, release: !retainGraph, createGraph: createGraph)
            for (index, edge) in node.edges.enumerated() {
                guard index < inputGrads.count, let grad = inputGrads[index] else {
                    if case .leaf(let leaf) = edge.target { try pass(leaf: leaf, nil) }
                    continue
                }
                switch edge.target {
                case .none:
                    continue
                case .leaf(let leaf):
                    if inputs == nil || leafSlots[ObjectIdentifier(leaf)] != nil {
                        try pass(leaf: leaf, try fitted(grad, to: edge, in: node))
                    }
                case .node(let next):
                    let nextID = ObjectIdentifier(next)
                    let fit = try fitted(grad, to: edge, in: node)
                    pendingGrads[nextID] = try pendingGrads[nextID].map { try $0.add(fit) } ?? fit
                }
            }
        }
        for id in leafOrder {
            if let done = leafGrads.removeValue(forKey: id) { try arrive(at: done.leaf, done.grad) }
        }
        return captured
    }

    /// Brings a gradient to its input's shape and dtype: broadcasting is
    /// undone here once (a sum over the expanded dims) for every op.
    private static func fitted(_ grad: Tensor, to edge: Node.Edge, in node: Node) throws -> Tensor {
        var result = grad
        if result.shape != edge.shape {
            do {
                result = try result.sumTo(shape: edge.shape)
            } catch {
                throw CajalError.runtime("[backward] Function \(node.name) returned an invalid gradient - got \(shapeString(grad.shape)) but expected shape compatible with \(shapeString(edge.shape))")
            }
        }
        if result.dtype != edge.dtype {
            result = try result.to(edge.dtype)
        }
        guard result.shape == edge.shape else {
            throw CajalError.runtime("[backward] Function \(node.name) returned an invalid gradient - got \(shapeString(grad.shape)) but expected shape compatible with \(shapeString(edge.shape))")
        }
        return result
    }
}
