/// Views share storage with their base: reshape/view, transpose, permute,
/// expand, squeeze, unsqueeze. Each one's backward maps the gradient back.
extension Tensor {
    /// Resolves one -1 in a requested shape and checks the element count.
    func inferShape(_ requested: [Int], op: String) throws -> [Int] {
        var result = requested
        var inferred: Int?
        var known = 1
        for (i, size) in requested.enumerated() {
            if size == -1 {
                if inferred != nil { throw CajalError.runtime("[\(op)] only one dimension can be inferred") }
                inferred = i
            } else if size < 0 {
                throw CajalError.runtime("[\(op)] invalid shape dimension \(size)")
            } else {
                let (product, overflow) = known.multipliedReportingOverflow(by: size)
                if overflow { throw CajalError.runtime("[\(op)] shape \(shapeString(requested)) is too large") }
                known = product
            }
        }
        if let i = inferred {
            guard known != 0, count % known == 0 else {
                throw CajalError.shape("[\(op)] shape '\(shapeString(requested))' is invalid for input of size \(count)")
            }
            result[i] = count / known
        } else if known != count {
            throw CajalError.shape("[\(op)] shape '\(shapeString(requested))' is invalid for input of size \(count)")
        }
        // An empty tensor takes any sizes beside a zero: bound them as a new tensor's.
        _ = try checkedNumel(result, op: op)
        return result
    }

    /// Strides that let the current memory be read at `newShape` without a
    /// copy, or nil when some new dim would span two non-contiguous chunks
    /// (torch's computeStride).
    func viewStrides(_ newShape: [Int]) -> [Int]? {
        if count == 0 || rank == 0 { return Layout.contiguousStrides(newShape) }
        var newStrides = [Int](repeating: 0, count: newShape.count)
        var viewD = newShape.count - 1
        var chunkBaseStride = strides.last ?? 1
        var tensorNumel = 1, viewNumel = 1
        var tensorD = rank - 1
        while tensorD >= 0 {
            tensorNumel *= shape[tensorD]
            // At the start of a chunk of contiguous dims, or at dim 0.
            if tensorD == 0 || (shape[tensorD - 1] != 1 && strides[tensorD - 1] != tensorNumel * chunkBaseStride) {
                while viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1) {
                    newStrides[viewD] = viewNumel * chunkBaseStride
                    viewNumel *= newShape[viewD]
                    viewD -= 1
                }
                if viewNumel != tensorNumel { return nil }
                if tensorD > 0 {
                    chunkBaseStride = strides[tensorD - 1]
                    tensorNumel = 1
                    viewNumel = 1
                }
            }
            tensorD -= 1
        }
        if viewD != -1 { return nil }
        return newStrides
    }

    /// A view with a new shape; fails when the memory layout does not allow one.
    public func view(_ requested: [Int]) throws -> Tensor {
        let newShape = try inferShape(requested, op: "view")
        guard let newStrides = viewStrides(newShape) else {
            throw CajalError.runtime("[view] view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead. (input shape \(shapeString(shape)), requested \(shapeString(newShape)))")
        }
        let inputShape = shape
        return viewing(Layout(shape: newShape, strides: newStrides, offset: layout.offset)).asView(of: self)
            .recording("ViewBackward0", inputs: [self]) { ctx in [try ctx.grad.reshape(inputShape)] }
    }

    /// A view when possible, otherwise a contiguous copy.
    public func reshape(_ requested: [Int]) throws -> Tensor {
        let newShape = try inferShape(requested, op: "reshape")
        if newShape == shape { return try alias() }
        if viewStrides(newShape) != nil { return try view(newShape) }
        return try contiguous().view(newShape)
    }

    /// A new tensor object over the same memory and shape (torch's alias), so
    /// that reshape to the same shape still returns a distinct autograd node.
    func alias() throws -> Tensor {
        viewing(layout).asView(of: self).recording("ViewBackward0", inputs: [self]) { ctx in [ctx.grad] }
    }

    public func transpose(_ dim0: Int, _ dim1: Int) throws -> Tensor {
        let d0 = try normalizeDim(dim0, rank: rank, op: "transpose")
        let d1 = try normalizeDim(dim1, rank: rank, op: "transpose")
        if rank == 0 { return try alias() }
        var newShape = shape, newStrides = strides
        newShape.swapAt(d0, d1)
        newStrides.swapAt(d0, d1)
        return viewing(Layout(shape: newShape, strides: newStrides, offset: layout.offset)).asView(of: self)
            .recording("TransposeBackward0", inputs: [self]) { ctx in [try ctx.grad.transpose(d0, d1)] }
    }

    /// The transpose of a matrix (a vector or scalar is returned as is).
    public func t() throws -> Tensor {
        guard rank <= 2 else {
            throw CajalError.runtime("[t] t() expects a tensor with <= 2 dimensions, but self is \(rank)D")
        }
        if rank < 2 { return try alias() }
        return try transpose(0, 1)
    }

    public func permute(_ dims: [Int]) throws -> Tensor {
        guard dims.count == rank else {
            throw CajalError.runtime("[permute] number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = \(rank) is not equal to len(dims) = \(dims.count)")
        }
        var seen = [Bool](repeating: false, count: rank)
        var order: [Int] = []
        for dim in dims {
            let d = try normalizeDim(dim, rank: rank, op: "permute")
            if seen[d] { throw CajalError.runtime("[permute] repeated dim \(d) in \(dims)") }
            seen[d] = true
            order.append(d)
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, d) in order.enumerated() { inverse[d] = i }
        return viewing(Layout(shape: order.map { shape[$0] }, strides: order.map { strides[$0] }, offset: layout.offset)).asView(of: self)
            .recording("PermuteBackward0", inputs: [self]) { ctx in [try ctx.grad.permute(inverse)] }
    }

    /// Broadcasts size-1 dims (and new leading dims) to `target` without
    /// copying; -1 keeps a dim's size.
    public func expand(_ target: [Int]) throws -> Tensor {
        guard target.count >= rank else {
            throw CajalError.runtime("[expand] the number of sizes provided (\(target.count)) must be greater or equal to the number of dimensions in the tensor (\(rank))")
        }
        let lead = target.count - rank
        var newShape = target, newStrides = [Int](repeating: 0, count: target.count)
        for i in 0..<target.count {
            if i < lead {
                guard target[i] >= 0 else {
                    throw CajalError.runtime("[expand] The expanded size of the tensor (\(target[i])) isn't allowed in a leading, non-existing dimension \(i)")
                }
                continue
            }
            let d = i - lead
            let size = target[i] == -1 ? shape[d] : target[i]
            if size != shape[d] {
                guard shape[d] == 1, size >= 0 else {
                    throw CajalError.shape("[expand] The expanded size of the tensor (\(target[i])) must match the existing size (\(shape[d])) at non-singleton dimension \(i).  Target sizes: \(target).  Tensor sizes: \(shape)")
                }
            } else {
                newStrides[i] = strides[d]
            }
            newShape[i] = size
        }
        _ = try checkedNumel(newShape, op: "expand")
        if newShape == shape { return try alias() }
        let inputShape = shape
        return viewing(Layout(shape: newShape, strides: newStrides, offset: layout.offset)).asView(of: self)
            .recording("ExpandBackward0", inputs: [self]) { ctx in [try ctx.grad.sumTo(shape: inputShape)] }
    }

    /// Removes every dim of size 1.
    public func squeeze() throws -> Tensor {
        let keep = (0..<rank).filter { shape[$0] != 1 }
        let inputShape = shape
        return viewing(Layout(shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] }, offset: layout.offset)).asView(of: self)
            .recording("SqueezeBackward0", inputs: [self]) { ctx in [try ctx.grad.reshape(inputShape)] }
    }

    /// Removes `dim` if its size is 1; otherwise returns an alias.
    public func squeeze(dim: Int) throws -> Tensor {
        let d = try normalizeDim(dim, rank: rank, op: "squeeze")
        guard rank > 0, shape[d] == 1 else { return try alias() }
        var newShape = shape, newStrides = strides
        newShape.remove(at: d)
        newStrides.remove(at: d)
        let inputShape = shape
        return viewing(Layout(shape: newShape, strides: newStrides, offset: layout.offset)).asView(of: self)
            .recording("SqueezeBackward1", inputs: [self]) { ctx in [try ctx.grad.reshape(inputShape)] }
    }

    /// Inserts a size-1 dim at `dim` (which may be `rank`, or negative).
    public func unsqueeze(dim: Int) throws -> Tensor {
        let d = try normalizeDim(dim, rank: rank + 1, op: "unsqueeze")
        var newShape = shape, newStrides = strides
        let newStride = d < rank ? strides[d] * shape[d] : 1
        newShape.insert(1, at: d)
        newStrides.insert(newStride, at: d)
        return viewing(Layout(shape: newShape, strides: newStrides, offset: layout.offset)).asView(of: self)
            .recording("UnsqueezeBackward0", inputs: [self]) { ctx in [try ctx.grad.squeeze(dim: d)] }
    }

    /// Self when already contiguous, otherwise a row-major copy
    /// (torch's clone with memory_format=contiguous_format).
    public func contiguous() throws -> Tensor {
        if isContiguous { return self }
        return try materialized().recording("CloneBackward0", inputs: [self]) { ctx in [ctx.grad] }
    }

    /// A copy that keeps the autograd history and, like torch's
    /// preserve_format, the memory order of a dense input.
    public func clone() throws -> Tensor {
        let out = try Tensor(uninitializedShape: shape, strides: elementwiseOutputStrides(shape, [strides]), dtype: dtype, op: "clone")
        try out.copyElements(from: self)
        return out.recording("CloneBackward0", inputs: [self]) { ctx in [ctx.grad] }
    }

    /// A contiguous copy without autograd.
    package func materialized() throws -> Tensor {
        let out = try Tensor(uninitializedShape: shape, dtype: dtype, op: "contiguous")
        try out.copyElements(from: self)
        return out
    }

    /// A copy in `dtype` (self when it already has that dtype), like `.to(dtype)`.
    public func to(_ target: DType) throws -> Tensor {
        if target == dtype { return self }
        // Only floating-point and complex results carry gradients.
        guard target.isFloatingPoint || target.isComplex else { return try converted(to: target) }
        return try converted(to: target)
            .recording("ToCopyBackward0", inputs: [self]) { ctx in [ctx.grad] }
    }
}
