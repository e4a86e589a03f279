import CajalRuntime
import Synchronization

/// Advanced indexing (torch's index and index_put), gather and scatter,
/// index_select, masks, nonzero and one_hot. Every one of them becomes an
/// int64 tensor of element offsets and a take or put kernel.
extension Tensor {
    /// Where an index expression reads: `offsets` (contiguous int64, shape
    /// `broadcastShape`) into the source for each index position, and the dims
    /// left over (`restDims`), which the result keeps.
    struct IndexPlan {
        let offsets: Tensor
        let broadcastShape: [Int]
        let restDims: [Int]
        /// Where the broadcast dims sit in the result: after the dims before the
        /// first index when the indexed dims are adjacent, else first.
        let insertAt: Int
        let resultShape: [Int]
    }

    /// The smallest and largest values of an int64 tensor (which must not be empty).
    package func integerRange() throws -> (min: Int64, max: Int64) {
        let x = try converted(to: .int64)
        var low: Int64 = 0, high: Int64 = 0
        let all = [Bool](repeating: true, count: rank)
        kernels.reduce(.min, .int64, x.dataPointer, shape, x.strides, all, &low, 1)
        kernels.reduce(.max, .int64, x.dataPointer, shape, x.strides, all, &high, 1)
        return (low, high)
    }

    /// Checks indices against a dim and wraps negative ones (torch's rule for
    /// advanced indexing; gather and scatter pass `allowNegative: false`).
    func wrappedIndex(_ index: Tensor, dim: Int, op: String, allowNegative: Bool = true) throws -> Tensor {
        // A 0-d tensor indexes as one of size 1, as in torch.
        let size = rank == 0 ? 1 : shape[dim]
        guard index.count > 0 else { return try index.converted(to: .int64) }
        let (low, high) = try index.integerRange()
        if high >= size || low < (allowNegative ? -Int64(size) : 0) {
            let bad = high >= size ? high : low
            // torch: IndexError for indexing, RuntimeError for gather and scatter.
            let message = "[\(op)] index \(bad) is out of bounds for dimension \(dim) with size \(size)"
            throw allowNegative ? CajalError.index(message) : CajalError.runtime(message)
        }
        let idx = try index.converted(to: .int64)
        if low >= 0 { return idx }
        return try Tensor.selectKernel(idx.lt(.scalar(Int64(0))), idx.add(.scalar(Int64(size))), idx, name: op)
    }

    /// Plans x[indices] for a list of optional index tensors (nil: the whole dim).
    func indexPlan(_ indices: [Tensor?], op: String) throws -> IndexPlan {
        guard indices.count <= rank else {
            throw CajalError.index("[\(op)] too many indices for tensor of dimension \(rank) (got \(indices.count))")
        }
        // Each index becomes element offsets along the dims it covers: an
        // int64 index one dim, a bool mask as many dims as it has (the
        // coordinates of its true elements, weighted by the strides at once).
        var terms: [(dims: [Int], offsets: Tensor)] = []
        var position = 0
        for entry in indices {
            // Masks cover several dims each: the dims may run out before the indices do.
            guard position < rank else {
                throw CajalError.index("[\(op)] too many indices for tensor of dimension \(rank)")
            }
            guard var index = entry else { position += 1; continue }
            // torch takes int32 indices as int64 and (deprecated) uint8 ones as masks.
            if index.dtype == .int32 { index = try index.converted(to: .int64) }
            if index.dtype == .uint8 { index = try index.converted(to: .bool) }
            switch index.dtype {
            case .bool:
                let k = Swift.max(index.rank, 1)
                let covered = Array(shape[position..<Swift.min(position + k, rank)])
                guard index.rank >= 1, position + k <= rank, index.shape == covered else {
                    throw CajalError.index("[\(op)] The shape of the mask \(index.shape) at index \(position) does not match the shape of the indexed tensor \(shape) at index \(position)")
                }
                terms.append((Array(position..<position + k), try index.nonzeroOffsets(weights: Array(strides[position..<position + k]))))
                position += k
            case .int64:
                terms.append(([position], try wrappedIndex(index, dim: position, op: op).mul(.scalar(Int64(strides[position])))))
                position += 1
            default:
                throw CajalError.index("[\(op)] tensors used as indices must be long, int, byte or bool tensors (got \(index.dtype))")
            }
        }
        var broadcastShape: [Int] = []
        for term in terms { broadcastShape = try broadcastShapes(broadcastShape, term.offsets.shape, op: op) }
        var offsets = try terms.first?.offsets ?? Tensor.zeros(broadcastShape, dtype: .int64)
        for term in terms.dropFirst() { offsets = try offsets.add(term.offsets) }
        offsets = try offsets.expand(broadcastShape)
        if !offsets.isContiguous { offsets = try offsets.materialized() }
        let dims = terms.flatMap(\.dims)
        let restDims = (0..<rank).filter { !dims.contains($0) }
        let adjacent = dims.isEmpty || zip(dims, dims.dropFirst()).allSatisfy { $1 == $0 + 1 }
        let insertAt = adjacent ? (dims.first ?? 0) : 0
        let restShape = restDims.map { shape[$0] }
        let resultShape = Array(restShape[..<insertAt]) + broadcastShape + Array(restShape[insertAt...])
        return IndexPlan(offsets: offsets, broadcastShape: broadcastShape, restDims: restDims, insertAt: insertAt,
                         resultShape: resultShape)
    }

    /// The strides of the result's non-indexed dims, and of its broadcast block.
    private func resultStrides(_ plan: IndexPlan, _ result: Tensor) -> (rest: [Int], block: Int) {
        let b = plan.broadcastShape.count
        let rest = (0..<plan.restDims.count).map { i in result.strides[i < plan.insertAt ? i : i + b] }
        let block = plan.resultShape[(plan.insertAt + b)...].reduce(1, *)
        return (rest, block)
    }

    /// x[i0, i1, ...] with index tensors (nil for a whole dim), as torch's
    /// advanced indexing: indices broadcast together, and their shape replaces
    /// the indexed dims (or leads, when those dims are not adjacent).
    public func index(_ indices: [Tensor?]) throws -> Tensor {
        let plan = try indexPlan(indices, op: "index")
        let out = try Tensor(uninitializedShape: plan.resultShape, dtype: dtype, op: "index")
        let (outRest, block) = resultStrides(plan, out)
        let rest = StridedLoop(shape: plan.restDims.map { shape[$0] }, strides: outRest, plan.restDims.map { strides[$0] })
        kernels.take(dtype, out.dataPointer, block, dataPointer, plan.offsets.typedPointer(Int64.self), plan.offsets.count, rest)
        let inputShape = shape
        return out.recording("IndexBackward0", inputs: [self], saving: indices.compactMap { $0 }) { ctx in
            var saved = ctx.saved.makeIterator()
            let again = indices.map { $0 == nil ? nil : saved.next() }
            let zeros = try Tensor.zeros(inputShape, dtype: ctx.grad.dtype)
            // Recorded under create_graph; otherwise straight into the zeros.
            if ctx.createsGraph { return [try zeros.indexPut(again, values: ctx.grad, accumulate: true)] }
            try zeros.indexPutKernel(again, values: ctx.grad, accumulate: true)
            return [zeros]
        }
    }

    /// Writes `values` (broadcast to the indexed shape) into x[indices]; with
    /// `accumulate`, repeated indices add up. No autograd (callers handle it).
    func indexPutKernel(_ indices: [Tensor?], values: Tensor, accumulate: Bool) throws {
        if dtype.isComplex {  // written as (re, im) pairs through the real view
            let pairs = try values.isWrappedNumber || values.dtype != dtype ? values.to(dtype) : values
            return try viewAsReal().indexPutKernel(indices, values: pairs.viewAsReal(), accumulate: accumulate)
        }
        if !dtype.isNative {  // storage types are written through their kernel type
            let work = try converted(to: dtype.kernelType)
            try work.indexPutKernel(indices, values: values, accumulate: accumulate)
            try copyElements(from: work)
            storage.bumpVersion()
            return
        }
        let plan = try indexPlan(indices, op: "index_put_")
        let broadcast = try broadcastShapes(plan.resultShape, values.shape, op: "index_put_")
        guard broadcast == plan.resultShape else {
            throw CajalError.shape("[index_put_] shape mismatch: value tensor of shape \(shapeString(values.shape)) cannot be broadcast to indexing result of shape \(shapeString(plan.resultShape))")
        }
        let source = try values.converted(to: dtype).expand(plan.resultShape).materialized()
        let (sourceRest, block) = resultStrides(plan, source)
        let rest = StridedLoop(shape: plan.restDims.map { shape[$0] }, strides: plan.restDims.map { strides[$0] }, sourceRest)
        kernels.put(dtype, dataPointer, source.dataPointer, block, plan.offsets.typedPointer(Int64.self), plan.offsets.count,
                    rest, accumulate)
        storage.bumpVersion()
    }

    /// A copy with `values` written into x[indices] (added, with `accumulate`):
    /// torch's index_put. The gradient of x is zero at the written positions
    /// (unless accumulating); the values get the gradient found there.
    public func indexPut(_ indices: [Tensor?], values: Tensor, accumulate: Bool = false) throws -> Tensor {
        let out = try clone().detach()
        try out.indexPutKernel(indices, values: values, accumulate: accumulate)
        let valueShape = values.shape
        return out.recording("IndexPutBackward0", inputs: [self, values], saving: indices.compactMap { $0 }) { ctx in
            var saved = ctx.saved.makeIterator()
            let again = indices.map { $0 == nil ? nil : saved.next() }
            var grads: [Tensor?] = [nil, nil]
            if ctx.needs(0) {
                if accumulate {
                    grads[0] = ctx.grad
                } else if ctx.createsGraph {
                    grads[0] = try ctx.grad.indexPut(again, values: Tensor.zeros([], dtype: ctx.grad.dtype))
                } else {
                    let g = try ctx.grad.clone().detach()
                    try g.indexPutKernel(again, values: Tensor.zeros([], dtype: g.dtype), accumulate: false)
                    grads[0] = g
                }
            }
            if ctx.needs(1) { grads[1] = try ctx.grad.index(again).sumTo(shape: valueShape) }
            return grads
        }
    }

    /// The elements at `index` (a vector) along `dim`.
    public func indexSelect(dim: Int, index: Tensor) throws -> Tensor {
        let d = try normalizeDim(dim, rank: rank, op: "index_select")
        guard index.rank <= 1 else { throw CajalError.index("[index_select] index_select(): Index is supposed to be a vector") }
        guard index.dtype == .int64 || index.dtype == .int32 else {
            throw CajalError.index("[index_select] index_select(): Expected dtype int32 or int64 for index, got \(index.dtype)")
        }
        let index = try index.converted(to: .int64)
        if rank == 0 {
            guard index.count == 1 else {
                throw CajalError.runtime("[index_select] index_select(): Index to scalar can have only 1 value, got \(index.count) value(s)")
            }
            return try reshape([1]).indexSelect(dim: 0, index: index.reshape([1])).reshape([])
        }
        // Unlike x[index], index_select takes no negative positions.
        if index.count > 0, try index.integerRange().min < 0 {
            throw CajalError.index("[index_select] index out of range in self (index \(try index.integerRange().min) for dimension \(d) with size \(shape[d]))")
        }
        return try self.index([Tensor?](repeating: nil, count: d) + [index.reshape([-1])])
    }

    // MARK: gather and scatter

    /// Checks an index for gather/scatter along `dim` of x. A 0-d tensor
    /// counts as 1-d here, on either side (torch).
    private func checkAlongDimIndex(_ index: Tensor, dim: Int, op: String) throws {
        guard index.dtype == .int64 else { throw CajalError.runtime("[\(op)] \(op)(): Expected dtype int64 for index") }
        guard Swift.max(index.rank, 1) == Swift.max(rank, 1) else {
            throw CajalError.runtime("[\(op)] Index tensor must have the same number of dimensions as input tensor (\(index.rank) vs \(rank))")
        }
        for d in 0..<index.rank where d != dim && index.shape[d] > shape[d] {
            throw CajalError.runtime("[\(op)] Size does not match at dimension \(d) expected index \(index.shape) to be smaller than self \(shape) apart from dimension \(dim)")
        }
    }

    /// The loop over a checked index's positions with operands (`first`, which
    /// has the index's rank, x with stride 0 on the dim, index), plus the
    /// dim's step and size in x.
    private func alongDimLoop(_ index: Tensor, dim: Int, first: Tensor) -> (loop: StridedLoop, step: Int, size: Int) {
        let shape = index.rank == 0 ? [1] : index.shape
        let oneD = { (t: Tensor) in t.rank == 0 ? [0] : t.strides }
        var xStrides = oneD(self)
        xStrides[dim] = 0
        let loop = StridedLoop(shape: shape, strides: oneD(first), xStrides, oneD(index))
        return (loop, rank == 0 ? 0 : strides[dim], rank == 0 ? 1 : self.shape[dim])
    }

    /// out[i][j] = x[i][index[i][j]] for dim 1 (and alike for other dims).
    public func gather(dim: Int, index: Tensor) throws -> Tensor {
        let d = try normalizeDim(dim, rank: rank, op: "gather")
        let out = try Tensor(uninitializedShape: index.shape, dtype: dtype, op: "gather")
        try checkAlongDimIndex(index, dim: d, op: "gather")
        let (loop, step, size) = alongDimLoop(index, dim: d, first: out)
        if let bad = kernels.gather(dtype, out.dataPointer, dataPointer, step, size, index.typedPointer(Int64.self), loop) {
            throw CajalError.runtime("[gather] index \(bad) is out of bounds for dimension \(d) with size \(size)")
        }
        let inputShape = shape
        return out.recording("GatherBackward0", inputs: [self], saving: [index]) { ctx in
            [try Tensor.zeros(inputShape, dtype: ctx.grad.dtype).scatterAdd(dim: d, index: ctx.saved[0], source: ctx.grad)]
        }
    }

    /// A copy of x with source[i][j] written to position [i][index[i][j]] (dim 1),
    /// or added with `accumulate`. No autograd.
    private func scattered(dim: Int, index: Tensor, source: Tensor, mode: ScatterMode, op: String) throws -> Tensor {
        guard source.dtype == dtype else {
            throw CajalError.runtime("[\(op)] \(op)(): Expected self.dtype to be equal to src.dtype (got \(dtype) and \(source.dtype))")
        }
        try Tensor.refuseComplex(dtype, op)
        if !dtype.isNative {  // storage types scatter in their kernel type
            return try converted(to: dtype.kernelType).scattered(dim: dim, index: index, source: source.converted(to: dtype.kernelType),
                                                                 mode: mode, op: op).converted(to: dtype)
        }
        let out = try clone().detach()
        guard index.count > 0 else { return out }
        try checkAlongDimIndex(index, dim: dim, op: op)
        guard source.rank == index.rank else {
            throw CajalError.runtime("[\(op)] Index tensor must have the same number of dimensions as src tensor")
        }
        for d in 0..<index.rank where index.shape[d] > source.shape[d] {
            throw CajalError.runtime("[\(op)] Expected index \(index.shape) to be smaller than src \(source.shape) in every dimension")
        }
        let (loop, step, size) = out.alongDimLoop(index, dim: dim, first: source)
        // Positions that differ on another dim never write the same element,
        // so slabs along the largest other dim may run on different cores;
        // within a slab, repeated targets accumulate in index order.
        let others = (0..<index.rank).filter { $0 != dim }
        let bad: Int64?
        if let split = others.max(by: { index.shape[$0] < index.shape[$1] }), index.shape[split] > 1 {
            let firstBad = Mutex<Int64?>(nil)
            let kind = dtype, itemSize = dtype.itemSize
            let (outBase, sourceBase, indexBase) = (out.dataPointer, source.dataPointer, index.typedPointer(Int64.self))
            let (sourceStrides, indexStrides) = (source.strides, index.strides)
            var xStrides = out.strides
            xStrides[dim] = 0
            Parallel.forEachChunk(index.shape[split], costPerItem: index.count / index.shape[split]) { slab in
                var slabShape = index.shape
                slabShape[split] = slab.count
                let slabLoop = StridedLoop(shape: slabShape, strides: sourceStrides, xStrides, indexStrides)
                let start = slab.lowerBound
                if let found = kernels.scatter(kind, mode, outBase + start * xStrides[split] * itemSize, step, size,
                                               sourceBase + start * sourceStrides[split] * itemSize,
                                               indexBase + start * indexStrides[split], slabLoop) {
                    firstBad.withLock { if $0 == nil { $0 = found } }
                }
            }
            bad = firstBad.withLock { $0 }
        } else {
            bad = kernels.scatter(dtype, mode, out.dataPointer, step, size, source.dataPointer,
                                  index.typedPointer(Int64.self), loop)
        }
        if let bad {
            throw CajalError.runtime("[\(op)] index \(bad) is out of bounds for dimension \(dim) with size \(size)")
        }
        return out
    }

    /// The gradient of a scatter's source: the gathered gradient at the
    /// index's coordinates of a zero tensor shaped like the source (which may
    /// be larger than the index; torch's own backward fails there).
    private static func sourceGradient(_ grad: Tensor, dim: Int, index: Tensor, sourceShape: [Int]) throws -> Tensor {
        try embedded(grad.gather(dim: dim, index: index), in: sourceShape)
    }

    /// `corner` in the leading corner of zeros shaped `shape` (a source larger than its index).
    private static func embedded(_ corner: Tensor, in shape: [Int]) throws -> Tensor {
        if corner.shape == shape { return corner }
        let cornerShape = corner.shape
        return try gradientIntoView(corner, inputShape: shape, name: "ScatterBackwardBackward0") { try $0.region(cornerShape) }
    }

    /// torch.scatter: a copy with source written at the indexed positions.
    public func scatter(dim: Int, index: Tensor, source: Tensor) throws -> Tensor {
        let d = try normalizeDim(dim, rank: rank, op: "scatter")
        let sourceShape = source.shape
        return try scattered(dim: d, index: index, source: source, mode: .assign, op: "scatter")
            .recording("ScatterBackward0", inputs: [self, source], saving: [index]) { ctx in
                let index = ctx.saved[0]
                return [ctx.needs(0) ? try ctx.grad.scatter(dim: d, index: index, value: 0) : nil,
                        ctx.needs(1) ? try Tensor.sourceGradient(ctx.grad, dim: d, index: index, sourceShape: sourceShape) : nil]
            }
    }

    /// torch.scatter with a number: a copy with `value` at the indexed positions.
    public func scatter(dim: Int, index: Tensor, value: Double) throws -> Tensor {
        let d = try normalizeDim(dim, rank: rank, op: "scatter")
        let fill = try Tensor.full(index.shape, value: value, dtype: dtype)
        return try scattered(dim: d, index: index, source: fill, mode: .assign, op: "scatter")
            .recording("ScatterBackward1", inputs: [self], saving: [index]) { ctx in
                [try ctx.grad.scatter(dim: d, index: ctx.saved[0], value: 0)]
            }
    }

    /// torch.scatter_add: a copy with source added at the indexed positions.
    public func scatterAdd(dim: Int, index: Tensor, source: Tensor) throws -> Tensor {
        let d = try normalizeDim(dim, rank: rank, op: "scatter_add")
        let sourceShape = source.shape
        return try scattered(dim: d, index: index, source: source, mode: .add, op: "scatter_add")
            .recording("ScatterAddBackward0", inputs: [self, source], saving: [index]) { ctx in
                [ctx.grad, ctx.needs(1) ? try Tensor.sourceGradient(ctx.grad, dim: d, index: ctx.saved[0], sourceShape: sourceShape) : nil]
            }
    }

    /// torch.scatter_reduce: a copy of self where each indexed position
    /// combines its source elements by "sum", "mean", "amax" or "amin" (with
    /// self's own value too when includeSelf). Integer means divide with floor,
    /// and NaN wins amax and amin, as in torch. The gradients are torch's:
    /// amax and amin share a position's gradient evenly among the elements
    /// equal to the result (counting self's element even when it is excluded,
    /// as torch does, though it then gets none).
    public func scatterReduce(dim: Int, index: Tensor, source: Tensor, reduce: String, includeSelf: Bool = true) throws -> Tensor {
        guard let reduction = ScatterReduction(name: reduce) else {
            throw CajalError.runtime("[scatter_reduce] reduce argument must be either sum, prod, mean, amax or amin, got \(reduce)")
        }
        return try scatterReduce(dim: dim, index: index, source: source, reduce: reduction, includeSelf: includeSelf)
    }

    public func scatterReduce(dim: Int, index: Tensor, source: Tensor, reduce: ScatterReduction, includeSelf: Bool = true) throws -> Tensor {
        let op = "scatter_reduce"
        let d = try normalizeDim(dim, rank: rank, op: op)
        let mode: ScatterMode
        switch reduce {
        case .sum, .mean: mode = .add
        case .amax: mode = .maximum
        case .amin: mode = .minimum
        case .prod: throw CajalError.notImplemented("[\(op)] reduce='prod' is not supported by cajal yet; use 'sum', 'mean', 'amax' or 'amin'")
        }
        guard dtype != .bool else { throw CajalError.runtime("[\(op)] \"scatter_reduce\" not implemented for 'Bool'") }
        // Where the reduction starts: self; without self, the sum's zero at the
        // scattered positions, or for amax and amin one of their own sources
        // (the extreme over all of them is the same).
        let start = includeSelf ? self
            : mode == .add ? try scattered(dim: d, index: index, source: Tensor.zeros(index.shape, dtype: dtype), mode: .assign, op: op)
            : try scattered(dim: d, index: index, source: source, mode: .assign, op: op)
        var result = try start.scattered(dim: d, index: index, source: source, mode: mode, op: op)
        var counts: [Tensor] = []
        if reduce == .mean {
            let ones = try Tensor.ones(index.shape, dtype: dtype)
            var n = try Tensor.ones(shape, dtype: dtype)
            if !includeSelf { n = try n.scattered(dim: d, index: index, source: Tensor.zeros(index.shape, dtype: dtype), mode: .assign, op: op) }
            n = try n.scattered(dim: d, index: index, source: ones, mode: .add, op: op)
            result = dtype.isFloatingPoint ? try result.div(n) : try result.div(n, roundingMode: "floor")
            counts = [n]
        }
        let out = result.detach()
        let sourceShape = source.shape
        return out.recording("ScatterReduceBackward0", inputs: [self, source], saving: [index, self, source, out] + counts) { ctx in
            let (index, x, src, value) = (ctx.saved[0], ctx.saved[1], ctx.saved[2], ctx.saved[3])
            var gradSelf: Tensor, gradSource: Tensor
            switch reduce {
            case .sum:
                gradSelf = ctx.grad
                gradSource = try ctx.grad.gather(dim: d, index: index)
            case .mean:
                gradSelf = try ctx.grad.div(ctx.saved[4])
                gradSource = try gradSelf.gather(dim: d, index: index)
            default:
                let selfIsResult = try x.eq(value).to(x.dtype)
                let sourceIsResult = try src.region(index.shape).eq(value.gather(dim: d, index: index)).to(x.dtype)
                let shares = try ctx.grad.div(selfIsResult.scatterAdd(dim: d, index: index, source: sourceIsResult))
                gradSelf = try selfIsResult.mul(shares)
                gradSource = try sourceIsResult.mul(shares.gather(dim: d, index: index))
            }
            if !includeSelf { gradSelf = try gradSelf.scatter(dim: d, index: index, value: 0) }
            return [ctx.needs(0) ? gradSelf : nil, ctx.needs(1) ? try Tensor.embedded(gradSource, in: sourceShape) : nil]
        }
    }

    // In place: the result of the out-of-place op copied in, so autograd sees
    // one copy_ (torch's in-place scatter ops differentiate the same way).

    /// torch.Tensor.scatter_add_.
    public func scatterAddInPlace(dim: Int, index: Tensor, source: Tensor) throws {
        try copyInPlace(scatterAdd(dim: dim, index: index, source: source))
    }

    /// torch.Tensor.scatter_reduce_. Its backward reads self as it was, so
    /// the reduction runs on a copy (torch saves the original self likewise).
    public func scatterReduceInPlace(dim: Int, index: Tensor, source: Tensor, reduce: ScatterReduction, includeSelf: Bool = true) throws {
        try copyInPlace(clone().scatterReduce(dim: dim, index: index, source: source, reduce: reduce, includeSelf: includeSelf))
    }

    /// torch.Tensor.index_add_.
    public func indexAddInPlace(dim: Int, index: Tensor, source: Tensor, alpha: Double = 1) throws {
        try copyInPlace(indexAdd(dim: dim, index: index, source: source, alpha: alpha))
    }

    /// torch.index_add: a copy of self with alpha * source's slices added at
    /// the positions `index` (1-D, one per slice of source along dim) names;
    /// repeated positions accumulate. A scatter_add with the index spread over
    /// source's shape, so both gradients come from there.
    public func indexAdd(dim: Int, index: Tensor, source: Tensor, alpha: Double = 1) throws -> Tensor {
        let op = "index_add"
        let d = try normalizeDim(dim, rank: rank, op: op)
        guard index.rank <= 1, index.dtype == .int64 || index.dtype == .int32 else {
            throw CajalError.index("[\(op)] index_add_(): Index is supposed to be a vector of int32 or int64, got \(index.rank)-D \(index.dtype)")
        }
        let index = try index.converted(to: .int64)
        guard source.rank == rank, index.count == (rank == 0 ? 1 : source.shape[d]),
              (0..<rank).allSatisfy({ $0 == d || source.shape[$0] == shape[$0] }) else {
            throw CajalError.runtime("[\(op)] source \(shapeString(source.shape)) must match self \(shapeString(shape)) except along dim \(d), where it needs one slice per index (\(index.count))")
        }
        if rank == 0 {  // a 0-d self takes a one-element index and source, as a 1-d one would
            return try reshape([1]).indexAdd(dim: 0, index: index, source: source.reshape([1]), alpha: alpha).reshape([])
        }
        var spread = [Int](repeating: 1, count: rank)
        spread[d] = index.count
        let scaled = alpha == 1 ? source : try source.mul(.scalar(alpha))
        return try scatterAdd(dim: d, index: index.reshape(spread).expand(source.shape), source: scaled)
    }

    /// The leading corner of this tensor with the given (not larger) shape: a view.
    fileprivate func region(_ corner: [Int]) throws -> Tensor {
        var view = self
        for d in 0..<corner.count where corner[d] != shape[d] { view = try view.narrow(dim: d, start: 0, length: corner[d]) }
        return view
    }

    // MARK: masks

    /// A copy with `value` (a number or 0-dim tensor) where `mask` is true.
    public func maskedFill(_ mask: Tensor, value: Tensor) throws -> Tensor {
        guard mask.dtype == .bool else {
            throw CajalError.runtime("[masked_fill] masked_fill_ only supports boolean masks, but got mask with dtype \(mask.dtype)")
        }
        guard value.rank == 0 else {
            throw CajalError.runtime("[masked_fill] masked_fill_ only supports a 0-dimensional value tensor, but got tensor with \(value.rank) dimension(s).")
        }
        // Out of place, x and the mask broadcast together (torch); the result
        // keeps x's dtype, as the in-place masked_fill_ does.
        return try Tensor.where(mask, value.to(dtype), self)
    }

    /// The elements where `mask` (broadcast with x) is true, as a vector.
    public func maskedSelect(_ mask: Tensor) throws -> Tensor {
        guard mask.dtype == .bool else {
            throw CajalError.runtime("[masked_select] masked_select: expected BoolTensor for mask, got \(mask.dtype)")
        }
        var common = try broadcastShapes(shape, mask.shape, op: "masked_select")
        if common.isEmpty { common = [1] }  // 0-d: one element, kept or not
        return try expand(common).index([mask.expand(common)])
    }

    /// The coordinates of the nonzero elements, one row each (count x rank,
    /// int64), laid out column by column as torch's result is.
    public func nonzero() throws -> Tensor {
        try reserveNonzeroScratch()
        let n = kernels.nonzero(dtype, dataPointer, shape, strides, nil, 0, [])
        let columns = try Tensor(uninitializedShape: [rank, n], dtype: .int64, op: "nonzero")
        if n > 0 { _ = kernels.nonzero(dtype, dataPointer, shape, strides, columns.typedPointer(Int64.self), n, []) }
        return columns.viewing(Layout(shape: [n, rank], strides: [1, n]))
    }

    /// The nonzero kernel keeps a row of hits per thread.
    private func reserveNonzeroScratch() throws {
        try MemoryBudget.reserveScratch(perThread: shape.last ?? 1, of: MemoryLayout<Int64>.stride, op: "nonzero")
    }

    /// For each nonzero element (in row-major order), the sum of its
    /// coordinates times `weights`: a mask's element offsets into the tensor
    /// it indexes, without the coordinates in between.
    func nonzeroOffsets(weights: [Int]) throws -> Tensor {
        try reserveNonzeroScratch()
        let n = kernels.nonzero(dtype, dataPointer, shape, strides, nil, 0, [])
        let offsets = try Tensor(uninitializedShape: [n], dtype: .int64, op: "nonzero")
        if n > 0 { _ = kernels.nonzero(dtype, dataPointer, shape, strides, offsets.typedPointer(Int64.self), n, weights) }
        return offsets
    }

    /// Class indices as one-hot vectors in a new last dim (torch.nn.functional.one_hot).
    public static func oneHot(_ classes: Tensor, numClasses: Int = -1) throws -> Tensor {
        guard classes.dtype == .int64 else {
            throw CajalError.runtime("[one_hot] one_hot is only applicable to index tensor of type LongTensor (got \(classes.dtype))")
        }
        var count = numClasses
        if classes.count == 0 {
            guard numClasses > 0 else { throw CajalError.runtime("[one_hot] Can not infer total number of classes from empty tensor.") }
        } else {
            let (low, high) = try classes.integerRange()
            guard low >= 0 else { throw CajalError.runtime("[one_hot] Class values must be non-negative.") }
            if numClasses == -1 {
                count = try Arguments("one_hot").size(Int(high), "class value") + 1
            } else {
                guard numClasses > 0 else { throw CajalError.runtime("[one_hot] num_classes should be -1 or positive, got \(numClasses)") }
                guard high < Int64(numClasses) else { throw CajalError.runtime("[one_hot] Class values must be smaller than num_classes.") }
            }
        }
        return try Tensor.zeros(classes.shape + [count], dtype: .int64)
            .scatter(dim: classes.rank, index: classes.unsqueeze(dim: -1), value: 1)
    }
}

// MARK: index expressions (x[...] in Python)

/// One item of an index expression, as Python writes x[0, 1:3, None, ..., mask].
public enum TensorIndex {
    /// An integer: picks one position and removes the dim.
    case at(Int)
    /// start:end:step, each end open when nil.
    case range(Int?, Int?, step: Int = 1)
    /// A whole dim (Python's `:`).
    case all
    /// A new dim of size 1 (Python's None).
    case newAxis
    /// As many whole dims as the other items leave (Python's ...).
    case ellipsis
    /// Python's True (a new dim of size 1) and False (a new dim of size 0).
    case bool(Bool)
    /// An int64 tensor of positions, or a bool mask (advanced indexing).
    case tensor(Tensor)
}

extension Tensor {
    /// Applies the basic items as views and returns the view with the advanced
    /// indices (nil for whole dims) that still apply to it.
    func splitIndex(_ items: [TensorIndex]) throws -> (view: Tensor, advanced: [Tensor?]?) {
        guard items.filter({ if case .ellipsis = $0 { return true } else { return false } }).count <= 1 else {
            throw CajalError.index("[index] an index can only have a single ellipsis ('...')")
        }
        var consumed = 0
        for item in items {
            switch item {
            case .at, .range, .all: consumed += 1
            case .tensor(let t): consumed += t.dtype == .bool ? t.rank : 1
            case .newAxis, .ellipsis, .bool: break
            }
        }
        guard consumed <= rank else {
            throw CajalError.index("[index] too many indices for tensor of dimension \(rank)")
        }
        var view = self, dim = 0
        var advanced: [Int: Tensor] = [:]
        for item in items {
            switch item {
            case .newAxis:
                view = try view.unsqueeze(dim: dim)
                dim += 1
            case .ellipsis:
                dim += rank - consumed
            case .bool(let keep):
                view = try view.unsqueeze(dim: dim)
                if !keep { view = try view.narrow(dim: dim, start: 0, length: 0) }
                dim += 1
            case .all:
                dim += 1
            case .range(let start, let end, let step):
                view = try view.slice(dim: dim, start: start, end: end, step: step)
                dim += 1
            case .at(let i):
                view = try view.select(dim: dim, index: i)
            case .tensor(let t) where t.dtype == .bool && t.rank == 0:
                // A 0-d mask adds a dim of size 1 and keeps it or not (torch).
                view = try view.unsqueeze(dim: dim)
                advanced[dim] = try t.reshape([1])
                dim += 1
            case .tensor(let t):
                advanced[dim] = t
                dim += t.dtype == .bool ? t.rank : 1
            }
        }
        guard let last = advanced.keys.max() else { return (view, nil) }
        return (view, (0...last).map { advanced[$0] })
    }

    /// x[items]: a view for ints, ranges, new axes and ellipses; a copy when
    /// tensors index (advanced indexing).
    public func getItem(_ items: [TensorIndex]) throws -> Tensor {
        let (view, advanced) = try splitIndex(items)
        if let advanced { return try view.index(advanced) }
        return view === self ? try view.view(shape) : view
    }

    /// x[items] = value (broadcast), in place.
    public func setItem(_ items: [TensorIndex], value: Tensor) throws {
        let (view, advanced) = try splitIndex(items)
        if let advanced {
            try view.indexPutInPlace(advanced, values: value)
        } else {
            try view.copyInPlace(value)
        }
    }

    public subscript(_ items: TensorIndex...) -> Tensor {
        get throws { try getItem(items) }
    }
}
