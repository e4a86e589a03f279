/// What a backward function receives: the gradient of the op's output, the
/// tensors the forward saved (detached views), and which inputs need a gradient.
public struct BackwardContext {
    public let grad: Tensor
    public let saved: [Tensor]
    let needsInputGrad: [Bool]

    /// Whether input `index` wants a gradient; skip the work when it does not.
    public func needs(_ index: Int) -> Bool { needsInputGrad[index] }
}

public typealias BackwardFunction = (BackwardContext) throws -> [Tensor?]

/// One recorded op in the graph: its inputs as edges and its backward function.
///
/// A node never holds its own output tensor (that would be a retain cycle):
/// saved values are detached views, and `retain_grad` uses a weak reference.
public final class Node {
    /// Where an input's gradient goes, with the input's shape and dtype so the
    /// engine can sum broadcast gradients down and cast them back.
    struct Edge {
        enum Target {
            case none           // the input does not require grad
            case leaf(Tensor)   // accumulate into .grad
            case node(Node)     // pass on to the op that made the input
        }
        // Stored as two plain references, not as the enum: Swift keeps an
        // enum's case in the spare bits of the pointer, which hides the graph
        // from leak checkers (LeakSanitizer, valgrind), so a live graph would
        // be reported as leaked and a real leak would drown among them.
        private let node: Node?
        private let leaf: Tensor?
        let shape: [Int]
        let dtype: DType

        init(target: Target, shape: [Int], dtype: DType) {
            switch target {
            case .none: (node, leaf) = (nil, nil)
            case .leaf(let tensor): (node, leaf) = (nil, tensor)
            case .node(let next): (node, leaf) = (next, nil)
            }
            self.shape = shape
            self.dtype = dtype
        }

        var target: Target {
            if let node { return .node(node) }
            if let leaf { return .leaf(leaf) }
            return .none
        }
    }

    /// torch's grad_fn name, e.g. "AddBackward0".
    public let name: String
    var edges: [Edge]
    private var backward: BackwardFunction?
    private var saved: [Tensor]
    /// Storage versions at save time, to catch in-place writes before backward.
    private var savedVersions: [Int]
    /// Set by `retainGrad()` on the output; weak so the output can die.
    weak var retainedOutput: Tensor?

    init(name: String, edges: [Edge], saved: [Tensor], backward: @escaping BackwardFunction) {
        self.name = name
        self.edges = edges
        self.saved = saved
        self.savedVersions = saved.map { $0.storage.version }
        self.backward = backward
    }

    /// Whether the saved tensors and backward function are still here.
    var isReleased: Bool { backward == nil }

    /// Runs the backward function; with `release`, frees saved tensors after.
    func apply(_ grad: Tensor, release: Bool) throws -> [Tensor?] {
        guard let backward else {
            throw CajalError.runtime("[backward] Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.")
        }
        for (tensor, version) in zip(saved, savedVersions) where tensor.storage.version != version {
            throw CajalError.runtime("[backward] one of the variables needed for gradient computation has been modified by an inplace operation: [\(tensor.dtype) \(shapeString(tensor.shape))] is at version \(tensor.storage.version); expected version \(version) instead (in \(name))")
        }
        let context = BackwardContext(grad: grad, saved: saved, needsInputGrad: edges.map {
            if case .none = $0.target { return false }
            return true
        })
        let grads = try backward(context)
        if release {
            self.backward = nil
            self.saved = []
        }
        return grads
    }

    /// Unlinks the graph iteratively: a long chain released recursively
    /// would overflow the stack of a Python thread.
    deinit {
        var pending: [Node] = []
        for edge in edges { if case .node(let node) = edge.target { pending.append(node) } }
        edges.removeAll()
        while var node = pending.popLast() {
            if isKnownUniquelyReferenced(&node) {
                for edge in node.edges { if case .node(let next) = edge.target { pending.append(next) } }
                node.edges.removeAll()
            }
        }
    }
}

extension Tensor {
    /// Attaches a backward node to `self` (a fresh op output) when grad mode
    /// is on and any input requires grad. Returns `self` for chaining.
    /// The arrays are built only when the op is actually recorded.
    @discardableResult
    package func recording(_ name: String, inputs makeInputs: @autoclosure () -> [Tensor],
                   saving makeSaved: @autoclosure () -> [Tensor] = [],
                   _ backward: @escaping BackwardFunction) -> Tensor {
        guard GradMode.isEnabled else { return self }
        let inputs = makeInputs()
        for input in inputs { input.refreshViewHistory() }
        guard inputs.contains(where: { $0.requiresGrad }) else { return self }
        let saved = makeSaved()
        gradFn = Node(name: name, edges: inputs.map { $0.edgeForInput() }, saved: saved.map { $0.detach() }, backward: backward)
        return self
    }

    /// Where this tensor's gradient goes when it is an op's input.
    func edgeForInput() -> Node.Edge {
        let target: Node.Edge.Target
        if let node = gradFn {
            target = .node(node)
        } else if leafRequiresGrad {
            target = .leaf(self)
        } else {
            target = .none
        }
        return Node.Edge(target: target, shape: shape, dtype: dtype)
    }
}
