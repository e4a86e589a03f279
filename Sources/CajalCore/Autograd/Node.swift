/// What a backward function receives: the gradient of the op's output, the
/// tensors the forward saved (detached views), and which inputs need a gradient.
public struct BackwardContext {
    public let grad: Tensor
    public let saved: [Tensor]
    let needsInputGrad: [Bool]
    /// True when the backward itself is being recorded (create_graph).
    public let createsGraph: Bool

    /// Whether input `index` wants a gradient; skip the work when it does not.
    public func needs(_ index: Int) -> Bool { needsInputGrad[index] }
}

public typealias BackwardFunction = (BackwardContext) throws -> [Tensor?]

/// A gradient hook: sees the gradient arriving at a tensor and may replace it.
public typealias GradientHook = (Tensor) throws -> Tensor?

/// A tensor a node saved for its backward. `data` is a detached view (a node
/// never holds its own output, which would be a retain cycle). An input is
/// also kept as itself, so that a backward recorded with create_graph
/// connects to the input's history; the output is re-attached to the node
/// when unpacked. Any other saved value is a constant of the backward.
struct SavedTensor {
    enum Role { case input(Tensor), output, other }
    let data: Tensor
    let role: Role
    let version: Int

    init(_ tensor: Tensor, role: Role) {
        data = tensor.detach()
        self.role = role
        version = tensor.storage.version
    }

    init(detachedData: Tensor, role: Role, version: Int) {
        data = detachedData
        self.role = role
        self.version = version
    }

    /// The value the backward reads: with `graphOf`, connected to the graph.
    func unpacked(graphOf node: Node?) -> Tensor {
        guard let node else { return data }
        switch role {
        case .input(let tensor): return tensor
        case .output:
            let alias = data.detach()
            alias.gradFn = node
            return alias
        case .other: return data
        }
    }

    /// A floating-point value that is neither input nor output: the backward
    /// treats it as a constant, so its own derivative would be lost.
    var isDerivedConstant: Bool {
        if case .other = role { return data.dtype.isFloatingPoint }
        return false
    }
}

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
    private var saved: [SavedTensor]
    /// False when the backward runs kernels outside the graph (or reads saved
    /// values derived from the inputs as constants): differentiating its
    /// result again (create_graph) then fails instead of giving wrong numbers.
    let isTwiceDifferentiable: Bool
    /// Set by `retainGrad()` on the output; weak so the output can die.
    weak var retainedOutput: Tensor?
    /// Hooks of the output tensor (register_hook on a non-leaf), in order.
    var hooks: [(id: Int, hook: GradientHook)] = []
    /// Runs when the node is freed (a custom Function's context, for one).
    var onRelease: (() -> Void)?

    init(name: String, edges: [Edge], saved: [SavedTensor], twiceDifferentiable: Bool = true,
         backward: @escaping BackwardFunction) {
        self.name = name
        self.edges = edges
        self.saved = saved
        self.isTwiceDifferentiable = twiceDifferentiable && !saved.contains { $0.isDerivedConstant }
        self.backward = backward
    }

    /// Whether the saved tensors and backward function are still here.
    var isReleased: Bool { backward == nil }

    /// Runs the backward function; with `release`, frees saved tensors after.
    /// With `createGraph` (grad mode on), the backward's own ops are recorded.
    func apply(_ grad: Tensor, release: Bool, createGraph: Bool) throws -> [Tensor?] {
        guard let backward else {
            throw CajalError.runtime("[backward] Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.")
        }
        for value in saved where value.data.storage.version != value.version {
            throw CajalError.runtime("[backward] one of the variables needed for gradient computation has been modified by an inplace operation: [\(value.data.dtype) \(shapeString(value.data.shape))] is at version \(value.data.storage.version); expected version \(value.version) instead (in \(name))")
        }
        let recorded = createGraph && isTwiceDifferentiable
        // A half-type gradient is computed in float32 and rounded once, when
        // the engine fits it to its input, as torch's fused backward kernels do.
        let widened = grad.dtype.isFloatingPoint && !grad.dtype.isNative
        func widen(_ t: Tensor) throws -> Tensor { widened && t.dtype.isFloatingPoint && !t.dtype.isNative ? try t.to(.float32) : t }
        let context = BackwardContext(grad: try widen(grad), saved: try saved.map { try widen($0.unpacked(graphOf: recorded ? self : nil)) },
                                      needsInputGrad: edges.map {
                                          if case .none = $0.target { return false }
                                          return true
                                      }, createsGraph: recorded)
        var grads: [Tensor?]
        if createGraph && !isTwiceDifferentiable {
            // Computed outside the graph; its results refuse a second backward.
            grads = try GradMode.withDisabled { try backward(context) }
            let inputsRequireGrad = edges.contains { if case .none = $0.target { return false }; return true }
            if grad.requiresGrad || inputsRequireGrad {
                // Its edges reach what the gradient depends on, so that differentiating it gets to the refusal.
                let reach = [grad.edgeForInput()] + edges
                grads = grads.map { $0.map { Node.refusingSecondBackward($0, after: name, edges: reach) } }
            }
        } else {
            grads = try backward(context)
        }
        if release {
            self.backward = nil
            self.saved = []
        }
        return grads
    }

    /// Stops keeping `tensor` as itself (it keeps its detached data): an
    /// in-place write that hands `tensor` this node as its history would
    /// otherwise make a cycle.
    func forgetSavedInput(_ tensor: Tensor) {
        saved = saved.map { value in
            if case .input(let input) = value.role, input === tensor {
                return SavedTensor(detachedData: value.data, role: .other, version: value.version)
            }
            return value
        }
    }

    /// `value` as the output of a node whose backward fails: what a gradient
    /// computed outside the graph becomes under create_graph.
    private static func refusingSecondBackward(_ value: Tensor, after name: String, edges: [Edge]) -> Tensor {
        let alias = value.detach()
        alias.gradFn = Node(name: "\(name)Backward", edges: edges, saved: []) { _ in
            throw CajalError.notImplemented("[backward] double backward through \(name) is not supported by cajal: its backward is not written with differentiable ops (create_graph=True needs it)")
        }
        return alias
    }

    /// Unlinks the graph iteratively: a long chain released recursively
    /// would overflow the stack of a Python thread.
    deinit {
        onRelease?()
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
    /// `twiceDifferentiable: false` marks a backward that runs kernels
    /// outside the graph, so that create_graph through it fails clearly.
    @discardableResult
    package func recording(_ name: String, inputs makeInputs: @autoclosure () -> [Tensor],
                   saving makeSaved: @autoclosure () -> [Tensor] = [], twiceDifferentiable: Bool = true,
                   _ backward: @escaping BackwardFunction) -> Tensor {
        guard GradMode.isEnabled else { return self }
        let inputs = makeInputs()
        for input in inputs { input.refreshViewHistory() }
        guard inputs.contains(where: { $0.requiresGrad }) else { return self }
        let saved = makeSaved().map { value -> SavedTensor in
            if value === self { return SavedTensor(value, role: .output) }
            if inputs.contains(where: { $0 === value }) { return SavedTensor(value, role: .input(value)) }
            return SavedTensor(value, role: .other)
        }
        gradFn = Node(name: name, edges: inputs.map { $0.edgeForInput() }, saved: saved,
                      twiceDifferentiable: twiceDifferentiable, backward: backward)
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
