/// In-place ops inside the autograd graph, as torch does them.
///
/// The new values are computed out of place (on a clone of self, so that
/// what the op saves is not the memory about to be overwritten), copied into
/// self's memory, and the graph is rebased: self's history becomes the op's.
/// When self is a view, its base's history is rebased instead (torch's
/// CopySlices): the base's gradient passes through outside the view's
/// region, and through the op inside it. Views made earlier of the same base
/// notice the rebase and re-derive their history from the base before use.
extension Tensor {
    /// Whether an in-place write to self must be recorded in the graph.
    func inPlaceNeedsGraph(_ others: [Tensor]) -> Bool {
        GradMode.isEnabled && (requiresGrad || (viewBase?.requiresGrad ?? false) || others.contains { $0.requiresGrad })
    }

    /// The checks every in-place write makes: torch refuses leaves that require
    /// grad (and their views) while grad mode is on, and expanded tensors
    /// whose elements share memory.
    func checkInPlaceWrite(_ op: String, others: [Tensor] = []) throws {
        if GradMode.isEnabled {
            if isLeaf && leafRequiresGrad {
                throw CajalError.runtime("[\(op)] a leaf Variable that requires grad is being used in an in-place operation.")
            }
            if let base = viewBase, base.isLeaf && base.leafRequiresGrad {
                throw CajalError.runtime("[\(op)] a view of a leaf Variable that requires grad is being used in an in-place operation.")
            }
        }
        for (size, st) in zip(shape, strides) where size > 1 && st == 0 {
            throw CajalError.runtime("[\(op)] unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.")
        }
    }

    /// Replaces self's values by `compute(clone of self)`, recording it in the graph.
    func inPlace(_ op: String, others: [Tensor], _ compute: (Tensor) throws -> Tensor) throws {
        try checkInPlaceWrite(op, others: others)
        let original = try clone()
        try becoming(try compute(original), op: op, oldHistory: original.edgeForInput())
    }

    /// An in-place op done out of place by the caller: `result`, computed
    /// from a clone of self when the graph is recorded (so that what the op
    /// saved is not the memory overwritten here), becomes self's value and
    /// history. torch's x.exp_(), x.scatter_(...) and the other in-place forms.
    public func assignResultInPlace(_ result: Tensor, op: String) throws {
        try checkInPlaceWrite(op, others: [result])
        guard canCast(from: result.dtype, to: dtype) else {
            throw CajalError.type("[\(op)] result type \(result.dtype.torchName) can't be cast to the desired output type \(dtype.torchName)")
        }
        guard inPlaceNeedsGraph([result]) else {
            try checkedShape(of: result, op: op)
            try copyElements(from: result.storage === storage ? try result.materialized() : result)
            storage.bumpVersion()
            return
        }
        try becoming(result.to(dtype), op: op, oldHistory: edgeForInput())
    }

    private func checkedShape(of result: Tensor, op: String) throws {
        guard result.shape == shape else {
            throw CajalError.shape("[\(op)] output with shape \(shapeString(shape)) doesn't match the broadcast shape \(shapeString(result.shape))")
        }
    }

    /// Writes `result` into self and makes its history self's.
    private func becoming(_ result: Tensor, op: String, oldHistory: Node.Edge) throws {
        try checkedShape(of: result, op: op)
        try GradMode.withDisabled { try copyElements(from: result) }
        storage.bumpVersion()
        // Values that no longer depend on self (fill_, copy_ of a constant)
        // still replace its history: the old history gets a zero gradient.
        let node = result.gradFn ?? Node(name: "\(op.hasSuffix("_") ? String(op.dropLast()) : op)Backward0".capitalizedFirst,
                                         edges: [oldHistory], saved: []) { ctx in [try ctx.grad.zerosLike()] }
        // x.mul_(x) saves x itself: keep only its data, or x and its new history would hold each other.
        node.forgetSavedInput(self)
        if let base = viewBase {
            try base.rebaseThroughView(self, node: node, nodeDType: result.dtype)
        } else {
            gradFn = node
            leafRequiresGrad = false
            historyVersion &+= 1
        }
    }

    /// CopySlices: the base's new history takes `result` inside `view`'s region.
    private func rebaseThroughView(_ view: Tensor, node: Node, nodeDType: DType) throws {
        guard layout.isContiguous && layout.strides == Layout.contiguousStrides(shape) else {
            throw CajalError.notImplemented("[in-place] writing through a view of a non-contiguous tensor that is part of an autograd graph is not supported; call .contiguous() first")
        }
        let region = Layout(shape: view.shape, strides: view.strides, offset: view.layout.offset - layout.offset)
        let baseShape = shape
        // The base's old history (or nothing, for a leaf that needs no grad) and the op.
        let opEdge = Node.Edge(target: .node(node), shape: view.shape, dtype: nodeDType)
        let copySlices = Node(name: "CopySlices", edges: [edgeForInput(), opEdge], saved: [], twiceDifferentiable: false) { ctx in
            let g = try ctx.grad.materialized()
            let outside = try g.clone().detach()
            try outside.viewing(Layout(shape: region.shape, strides: region.strides, offset: outside.layout.offset + region.offset))
                .fillInPlaceUnchecked(0)
            let inside = try g.viewing(Layout(shape: region.shape, strides: region.strides, offset: g.layout.offset + region.offset))
                .materialized()
            return [outside, inside]
        }
        gradFn = copySlices
        historyVersion &+= 1
        // The written view now reads its history from the new base history.
        view.gradFn = Tensor.viewNode(of: self, region: region, baseShape: baseShape)
        view.viewBaseHistoryVersion = historyVersion
    }

    /// A node for a view of `base` (given by `region` within it): its gradient
    /// lands in that region of a zero tensor of the base's shape.
    static func viewNode(of base: Tensor, region: Layout, baseShape: [Int]) -> Node {
        Node(name: "AsStridedBackward0", edges: [base.edgeForInput()], saved: [], twiceDifferentiable: false) { ctx in
            let zeros = try Tensor.zeros(baseShape, dtype: ctx.grad.dtype)
            try zeros.viewing(Layout(shape: region.shape, strides: region.strides, offset: region.offset)).copyElements(from: ctx.grad)
            return [zeros]
        }
    }

    /// Marks a view op's result as a view of self's base, for in-place writes.
    func asView(of source: Tensor) -> Tensor {
        let base = source.viewBase ?? source
        viewBase = base
        viewBaseHistoryVersion = base.historyVersion
        return self
    }

    /// Before a view is used, re-derives its history when its base's history
    /// was rebased by an in-place write through another view.
    func refreshViewHistory() {
        guard let base = viewBase, base.historyVersion != viewBaseHistoryVersion, base.requiresGrad else { return }
        guard base.layout.isContiguous else { return }
        let region = Layout(shape: shape, strides: strides, offset: layout.offset - base.layout.offset)
        gradFn = Tensor.viewNode(of: base, region: region, baseShape: base.shape)
        viewBaseHistoryVersion = base.historyVersion
    }
}

private extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
