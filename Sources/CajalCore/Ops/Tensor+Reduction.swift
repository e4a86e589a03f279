import CajalRuntime

/// sum and mean, over everything or over dims, with keepdim.
extension Tensor {
    /// Normalises and de-duplicates reduction dims; an empty list means all dims.
    func reductionDims(_ dims: [Int], op: String) throws -> [Bool] {
        var reduced = [Bool](repeating: dims.isEmpty, count: rank)
        for dim in dims {
            let d = try normalizeDim(dim, rank: rank, op: op)
            if rank == 0 { continue }
            if reduced[d] { throw CajalError.runtime("[\(op)] dim \(d) appears multiple times in the list of dims") }
            reduced[d] = true
        }
        return reduced
    }

    /// Sums (times `scale`) over the marked dims; no autograd.
    private func reduceKernel(_ reduced: [Bool], keepDim: Bool, outType: DType, scale: Double, op: String) throws -> Tensor {
        var outShape: [Int] = []
        for d in 0..<rank {
            if !reduced[d] { outShape.append(shape[d]) } else if keepDim { outShape.append(1) }
        }
        // Storage types sum in their kernel type and round the result once.
        let out = try Tensor(uninitializedShape: outShape, dtype: outType.kernelType, op: op)
        let x = try converted(to: outType == .int64 && dtype == .bool ? .bool : outType.kernelType)
        try MemoryBudget.reserveScratch(perThread: out.count, of: 8, op: op)  // a row of accumulators
        kernels.reduce(.sum, x.dtype, x.dataPointer, shape, x.strides, reduced, out.dataPointer, scale)
        return try out.converted(to: outType)
    }

    /// The shape of the reduced tensor with the reduced dims kept as size 1.
    private func keptShape(_ reduced: [Bool]) -> [Int] {
        (0..<rank).map { reduced[$0] ? 1 : shape[$0] }
    }

    /// Sum of all elements; integers and bool sum to int64.
    public func sum() throws -> Tensor {
        if dtype.isComplex { return try complexReduction(dims: [], keepDim: false, mean: false) }
        let inputShape = shape
        return try reduceKernel([Bool](repeating: true, count: rank), keepDim: false,
                                outType: (dtype.isFloatingPoint ? dtype : .int64), scale: 1, op: "sum")
            .recording("SumBackward0", inputs: [self]) { ctx in
                [try ctx.grad.expand(inputShape)]
            }
    }

    public func sum(dims: [Int], keepDim: Bool = false) throws -> Tensor {
        if dtype.isComplex { return try complexReduction(dims: dims, keepDim: keepDim, mean: false) }
        let reduced = try reductionDims(dims, op: "sum")
        let inputShape = shape, kept = keptShape(reduced)
        return try reduceKernel(reduced, keepDim: keepDim, outType: (dtype.isFloatingPoint ? dtype : .int64), scale: 1, op: "sum")
            .recording("SumBackward1", inputs: [self]) { ctx in
                [try ctx.grad.reshape(kept).expand(inputShape)]
            }
    }

    public func sum(dim: Int, keepDim: Bool = false) throws -> Tensor { try sum(dims: [dim], keepDim: keepDim) }

    private func checkMeanType() throws {
        guard dtype.isFloatingPoint else {
            throw CajalError.notImplemented("[mean] mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \(dtype)")
        }
    }

    public func mean() throws -> Tensor {
        if dtype.isComplex { return try complexReduction(dims: [], keepDim: false, mean: true) }
        try checkMeanType()
        let inputShape = shape, n = Double(count)
        return try reduceKernel([Bool](repeating: true, count: rank), keepDim: false, outType: dtype, scale: 1 / n, op: "mean")
            .recording("MeanBackward0", inputs: [self]) { ctx in
                [try ctx.grad.div(Tensor.scalar(n)).expand(inputShape)]
            }
    }

    public func mean(dims: [Int], keepDim: Bool = false) throws -> Tensor {
        if dtype.isComplex { return try complexReduction(dims: dims, keepDim: keepDim, mean: true) }
        try checkMeanType()
        let reduced = try reductionDims(dims, op: "mean")
        let inputShape = shape, kept = keptShape(reduced)
        let n = Double(zip(shape, reduced).reduce(1) { $1.1 ? $0 * $1.0 : $0 })
        return try reduceKernel(reduced, keepDim: keepDim, outType: dtype, scale: 1 / n, op: "mean")
            .recording("MeanBackward1", inputs: [self]) { ctx in
                [try ctx.grad.div(Tensor.scalar(n)).reshape(kept).expand(inputShape)]
            }
    }

    public func mean(dim: Int, keepDim: Bool = false) throws -> Tensor { try mean(dims: [dim], keepDim: keepDim) }
}

// MARK: more reductions

extension Tensor {
    /// A loop over every position except `dim`, for outputs laid out with
    /// `outStrides` (one array per output) and this tensor: the kernels walk
    /// `dim` themselves.
    func alongDim(_ dim: Int, outputs: [[Int]]) -> StridedLoop {
        let keptShape = shape.enumerated().filter { $0.offset != dim }.map(\.element)
        let dropDim = { (s: [Int]) in s.enumerated().filter { $0.offset != dim }.map(\.element) }
        let mine = dropDim(strides)
        switch outputs.count {
        case 1: return StridedLoop(shape: keptShape, strides: dropDim(outputs[0]), mine)
        default: return StridedLoop(shape: keptShape, strides: dropDim(outputs[0]), dropDim(outputs[1]), mine)
        }
    }

    /// The shape of a reduction over `dim` (kept as size 1 with keepDim).
    private func reducedShape(_ dim: Int, keepDim: Bool) -> [Int] {
        var s = shape
        if keepDim { s[dim] = 1 } else { s.remove(at: dim) }
        return s
    }

    private func checkNonEmpty(_ op: String, dim: Int? = nil) throws {
        if let dim {
            guard rank == 0 || shape[dim] > 0 else {
                throw CajalError.index("[\(op)] \(op)(): Expected reduction dim \(dim) to have non-zero size.")
            }
        } else if count == 0 {
            throw CajalError.runtime("[\(op)] \(op)(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
        }
    }

    /// A reduction kernel over the marked dims (no autograd).
    private func reduceValues(_ op: ReduceOp, _ reduced: [Bool], keepDim: Bool, outType: DType, name: String) throws -> Tensor {
        try Tensor.refuseComplex(dtype, name)
        var outShape: [Int] = []
        for d in 0..<rank {
            if !reduced[d] { outShape.append(shape[d]) } else if keepDim { outShape.append(1) }
        }
        // Storage types reduce in their kernel type and round the result once.
        let x = try converted(to: dtype.kernelType)
        let out = try Tensor(uninitializedShape: outShape, dtype: outType.kernelType, op: name)
        try MemoryBudget.reserveScratch(perThread: out.count, of: 8, op: name)  // a row of accumulators
        kernels.reduce(op, x.dtype, x.dataPointer, shape, x.strides, reduced, out.dataPointer, 1)
        return try out.converted(to: outType)
    }

    /// The gradient of max/min/amax/amin: shared evenly among the elements
    /// equal to the result (NaN among NaNs), as torch does.
    private static func extremumGradient(_ grad: Tensor, _ x: Tensor, _ result: Tensor, reduced: [Bool]) throws -> Tensor {
        let kept = (0..<x.rank).map { reduced[$0] ? 1 : x.shape[$0] }
        let r = try result.reshape(kept), g = try grad.reshape(kept)
        let hit = try x.eq(r).logicalOr(x.isnan().logicalAnd(r.isnan()))
        let dims = (0..<x.rank).filter { reduced[$0] }
        let counts = try hit.sum(dims: dims, keepDim: true)
        return try Tensor.where(hit, g.div(counts), .scalar(0.0))
    }

    public func prod() throws -> Tensor {
        let type = dtype.isFloatingPoint ? dtype : DType.int64
        let out = try reduceValues(.prod, [Bool](repeating: true, count: rank), keepDim: false, outType: type, name: "prod")
        let inputShape = shape
        return out.recording("ProdBackward0", inputs: [self], saving: [self]) { ctx in
            [try Tensor.prodGradient(ctx.grad.reshape([1]), ctx.saved[0].reshape([-1]), dim: 0).reshape(inputShape)]
        }
    }

    public func prod(dim: Int, keepDim: Bool = false) throws -> Tensor {
        let d = try normalizeDim(dim, rank: rank, op: "prod")
        let type = dtype.isFloatingPoint ? dtype : DType.int64
        var reduced = [Bool](repeating: false, count: rank)
        if rank > 0 { reduced[d] = true }
        let out = try reduceValues(.prod, reduced, keepDim: keepDim, outType: type, name: "prod")
        let kept = rank > 0 ? reducedShape(d, keepDim: true) : []
        return out.recording("ProdBackward1", inputs: [self], saving: [self]) { ctx in
            [try Tensor.prodGradient(ctx.grad.reshape(kept), ctx.saved[0], dim: d)]
        }
    }

    /// d prod / d x_i = the product of the others: exclusive prefix times
    /// exclusive suffix products, exact when some x are zero.
    private static func prodGradient(_ grad: Tensor, _ x: Tensor, dim: Int) throws -> Tensor {
        guard x.rank > 0 else { return grad }
        let n = x.shape[dim]
        if n == 0 { return try x.zerosLike() }
        var onesShape = x.shape
        onesShape[dim] = 1
        let ones = try Tensor.ones(onesShape, dtype: x.dtype)
        let before = try Tensor.cat([ones, x.cumprod(dim: dim).narrow(dim: dim, start: 0, length: n - 1)], dim: dim)
        let after = try Tensor.cat([ones, x.flip([dim]).cumprod(dim: dim).narrow(dim: dim, start: 0, length: n - 1)], dim: dim).flip([dim])
        return try grad.mul(before).mul(after)
    }

    /// The largest element (NaN if any); ties share the gradient.
    public func max() throws -> Tensor { try extremum(max: true) }

    /// The smallest element (NaN if any); ties share the gradient.
    public func min() throws -> Tensor { try extremum(max: false) }

    private func extremum(max: Bool) throws -> Tensor {
        let name = max ? "max" : "min"
        try checkNonEmpty(name)
        let reduced = [Bool](repeating: true, count: rank)
        let out = try reduceValues(max ? .max : .min, reduced, keepDim: false, outType: dtype, name: name)
        return out.recording(max ? "MaxBackward1" : "MinBackward1", inputs: [self], saving: [self, out]) { ctx in
            [try Tensor.extremumGradient(ctx.grad, ctx.saved[0], ctx.saved[1], reduced: reduced)]
        }
    }

    /// The max along `dim` and the first index where it occurs.
    public func max(dim: Int, keepDim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extremum(dim: dim, keepDim: keepDim, max: true)
    }

    /// The min along `dim` and the first index where it occurs.
    public func min(dim: Int, keepDim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extremum(dim: dim, keepDim: keepDim, max: false)
    }

    private func extremum(dim: Int, keepDim: Bool, max: Bool) throws -> (values: Tensor, indices: Tensor) {
        let name = max ? "max" : "min"
        let d = try normalizeDim(dim, rank: rank, op: name)
        try Tensor.refuseComplex(dtype, name)
        if rank == 0 { return (try alias(), try Tensor.zeros([], dtype: .int64)) }
        try checkNonEmpty(name, dim: d)
        let outShape = reducedShape(d, keepDim: keepDim)
        let values = try Tensor(uninitializedShape: outShape, dtype: dtype, op: name)
        let indices = try Tensor(uninitializedShape: outShape, dtype: .int64, op: name)
        var strides = Layout.contiguousStrides(reducedShape(d, keepDim: true))
        strides[d] = 0
        kernels.argReduce(dtype, max, dataPointer, self.strides[d], values.dataPointer, indices.typedPointer(Int64.self),
                          shape[d], alongDim(d, outputs: [strides, strides]))
        let kept = reducedShape(d, keepDim: true), inputShape = shape
        values.recording(max ? "MaxBackward0" : "MinBackward0", inputs: [self], saving: [indices]) { ctx in
            [try Tensor.zeros(inputShape, dtype: ctx.grad.dtype).scatter(dim: d, index: ctx.saved[0].reshape(kept), source: ctx.grad.reshape(kept))]
        }
        return (values, indices)
    }

    /// The index of the max, along `dim` or of the flattened tensor.
    public func argmax(dim: Int? = nil, keepDim: Bool = false) throws -> Tensor { try argExtremum(dim, keepDim, max: true) }

    /// The index of the min, along `dim` or of the flattened tensor.
    public func argmin(dim: Int? = nil, keepDim: Bool = false) throws -> Tensor { try argExtremum(dim, keepDim, max: false) }

    private func argExtremum(_ dim: Int?, _ keepDim: Bool, max: Bool) throws -> Tensor {
        let name = max ? "argmax" : "argmin"
        guard let dim else {
            try checkNonEmpty(name)
            let flat = try reshape([-1]).argExtremum(0, false, max: max)
            return keepDim ? try flat.reshape([Int](repeating: 1, count: rank)) : flat
        }
        let d = try normalizeDim(dim, rank: rank, op: name)
        try Tensor.refuseComplex(dtype, name)
        if rank == 0 { return try Tensor.zeros([], dtype: .int64) }
        try checkNonEmpty(name, dim: d)
        let indices = try Tensor(uninitializedShape: reducedShape(d, keepDim: keepDim), dtype: .int64, op: name)
        var strides = Layout.contiguousStrides(reducedShape(d, keepDim: true))
        strides[d] = 0
        kernels.argReduce(dtype, max, dataPointer, self.strides[d], nil, indices.typedPointer(Int64.self), shape[d],
                          alongDim(d, outputs: [strides, strides]))
        return indices
    }

    /// The max over `dims` (all when empty); ties share the gradient.
    public func amax(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try amaxmin(dims, keepDim, max: true) }

    /// The min over `dims` (all when empty); ties share the gradient.
    public func amin(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor { try amaxmin(dims, keepDim, max: false) }

    private func amaxmin(_ dims: [Int], _ keepDim: Bool, max: Bool) throws -> Tensor {
        let name = max ? "amax" : "amin"
        let reduced = try reductionDims(dims, op: name)
        for d in 0..<rank where reduced[d] && shape[d] == 0 {
            throw CajalError.index("[\(name)] \(name)(): Expected reduction dim \(d) to have non-zero size.")
        }
        let out = try reduceValues(max ? .max : .min, reduced, keepDim: keepDim, outType: dtype, name: name)
        return out.recording(max ? "AmaxBackward0" : "AminBackward0", inputs: [self], saving: [self, out]) { ctx in
            [try Tensor.extremumGradient(ctx.grad, ctx.saved[0], ctx.saved[1], reduced: reduced)]
        }
    }

    /// Whether all elements are true (nonzero), over `dims` (all when empty); bool.
    public func all(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor {
        try converted(to: .bool).reduceValues(.min, reductionDims(dims, op: "all"), keepDim: keepDim, outType: .bool, name: "all")
    }

    /// Whether any element is true (nonzero), over `dims` (all when empty); bool.
    public func any(dims: [Int] = [], keepDim: Bool = false) throws -> Tensor {
        try converted(to: .bool).reduceValues(.max, reductionDims(dims, op: "any"), keepDim: keepDim, outType: .bool, name: "any")
    }

    /// The variance over `dims` (all when empty), dividing by N - correction.
    public func variance(dims: [Int] = [], correction: Double = 1, keepDim: Bool = false) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw CajalError.notImplemented("[var] std and var only support floating point and complex dtypes (got \(dtype))")
        }
        let reduced = try reductionDims(dims, op: "var")
        let dimList = (0..<rank).filter { reduced[$0] }
        let n = Double(dimList.reduce(1) { $0 * shape[$1] })
        let centered = try sub(mean(dims: dimList, keepDim: true))
        return try centered.mul(centered).sum(dims: dimList, keepDim: keepDim).div(.scalar(Swift.max(0, n - correction)))
    }

    /// The standard deviation over `dims` (all when empty), dividing by N - correction.
    public func std(dims: [Int] = [], correction: Double = 1, keepDim: Bool = false) throws -> Tensor {
        try variance(dims: dims, correction: correction, keepDim: keepDim).sqrt()
    }

    /// The p-norm over `dims` (all when empty): p = 2 by default, 1, infinity,
    /// -infinity, 0 (count of nonzeros), or any other p. At a zero norm the
    /// gradient is 0, as in torch.
    public func norm(p: Double = 2, dims: [Int] = [], keepDim: Bool = false) throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw CajalError.notImplemented("[norm] norm(): input dtype should be floating point (got \(dtype))")
        }
        let reduced = try reductionDims(dims, op: "norm")
        let dimList = (0..<rank).filter { reduced[$0] }
        if p == 1 { return try abs().sum(dims: dimList, keepDim: keepDim) }
        if p == .infinity { return try abs().amax(dims: dimList, keepDim: keepDim) }
        if p == -.infinity { return try abs().amin(dims: dimList, keepDim: keepDim) }
        if p == 0 { return try ne(.scalar(0.0)).to(dtype).sum(dims: dimList, keepDim: keepDim) }
        let out = try GradMode.withDisabled { () throws -> Tensor in
            p == 2 ? try reduceValues(.sumOfSquares, reduced, keepDim: keepDim, outType: dtype, name: "norm").sqrt()
                   : try abs().pow(p).sum(dims: dimList, keepDim: keepDim).pow(1 / p)
        }
        let kept = (0..<rank).map { reduced[$0] ? 1 : shape[$0] }
        return out.recording("NormBackward1", inputs: [self], saving: [self, out]) { ctx in
            // d|x|_p / dx = x |x|^(p-2) / |x|_p^(p-1), taken as 0 where the norm is 0.
            let x = ctx.saved[0], norm = try ctx.saved[1].reshape(kept), g = try ctx.grad.reshape(kept)
            let local = p == 2 ? try x.div(norm) : try x.mul(x.abs().pow(p - 2)).div(norm.pow(p - 1))
            return [try Tensor.where(norm.eq(.scalar(0.0)), .scalar(0.0), g.mul(local))]
        }
    }

    /// log(sum(exp(x))) over `dims`, computed stably by shifting by the max.
    /// The gradient is torch's: grad * exp(x - result).
    public func logsumexp(dims: [Int], keepDim: Bool = false) throws -> Tensor {
        let x = dtype.isFloatingPoint ? self : try to(DType.defaultFloat)
        let reduced = try x.reductionDims(dims, op: "logsumexp")
        let dimList = (0..<x.rank).filter { reduced[$0] }
        let total = try GradMode.withDisabled { () throws -> Tensor in
            if x.count == 0 { return try x.exp().sum(dims: dimList, keepDim: true).log() }
            if dimList.count == 1 && (x.dtype == .float32 || x.dtype == .float64) {
                var kept = x.shape
                kept[dimList[0]] = 1
                return try x.logsumexpAlong(dimList[0], keptShape: kept)
            }
            // Shift by the max; an infinite max shifts by 0.
            let m = try x.amax(dims: dimList, keepDim: true)
            let peak = try Tensor.selectKernel(m.isfinite(), m, .scalar(0.0), name: "logsumexp")
            return try x.sub(peak).exp().sum(dims: dimList, keepDim: true).log().add(peak)
        }
        let out = keepDim ? total : try total.squeeze(dims: dimList)
        let kept = total.shape
        return out.recording("LogsumexpBackward0", inputs: [x], saving: [x, out]) { ctx in
            [try ctx.grad.reshape(kept).mul(ctx.saved[0].sub(ctx.saved[1].reshape(kept)).exp())]
        }
    }

    /// Removes the given size-1 dims.
    func squeeze(dims: [Int]) throws -> Tensor {
        var out = self
        for d in dims.sorted(by: >) { out = try out.squeeze(dim: d) }
        return out
    }

    /// Running sums along `dim`; integers and bool give int64.
    public func cumsum(dim: Int) throws -> Tensor {
        let d = try normalizeDim(dim, rank: rank, op: "cumsum")
        let out = try scan(d, product: false, name: "cumsum")
        return out.recording("CumsumBackward0", inputs: [self]) { ctx in
            [try ctx.grad.flip([d]).cumsum(dim: d).flip([d])]
        }
    }

    /// Running products along `dim`; integers and bool give int64. The
    /// gradient is exact where x has zeros.
    public func cumprod(dim: Int) throws -> Tensor {
        let d = try normalizeDim(dim, rank: rank, op: "cumprod")
        let out = try scan(d, product: true, name: "cumprod")
        return out.recording("CumprodBackward0", inputs: [self], saving: [self], twiceDifferentiable: false) { ctx in
            let saved = ctx.saved[0], x = try saved.converted(to: saved.dtype.kernelType)
            let g = try ctx.grad.converted(to: x.dtype)
            guard x.rank > 0 else { return [try g.converted(to: saved.dtype)] }
            let dx = try Tensor(uninitializedShape: x.shape, dtype: x.dtype, op: "cumprod_backward")
            guard x.count > 0 else { return [try dx.converted(to: saved.dtype)] }
            kernels.cumprodBackward(x.dtype, dx.dataPointer, dx.strides[d], x.dataPointer, x.strides[d], g.dataPointer,
                                    g.strides[d], x.shape[d], x.alongDim(d, outputs: [dx.strides, g.strides]))
            return [try dx.converted(to: saved.dtype)]
        }
    }

    private func scan(_ d: Int, product: Bool, name: String) throws -> Tensor {
        try Tensor.refuseComplex(dtype, name)
        let type = dtype.isFloatingPoint ? dtype : DType.int64
        if !dtype.isNative {  // storage types scan in their kernel type and round back
            return try converted(to: dtype.kernelType).scan(d, product: product, name: name).converted(to: type)
        }
        if rank == 0 { return try converted(to: type).clone().detach() }
        let out = try Tensor(uninitializedShape: shape, dtype: type, op: name)
        // No elements: the loop over the other dims could still be 2^40 long (an empty tensor of [2^40, 0]).
        guard count > 0 else { return out }
        kernels.scan(dtype, product, dataPointer, strides[d], out.dataPointer, out.strides[d], shape[d],
                     alongDim(d, outputs: [out.strides]))
        return out
    }

    /// Sorts along `dim` (stably; NaN ranks highest), with the original indices.
    public func sort(dim: Int = -1, descending: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        let d = try normalizeDim(dim, rank: rank, op: "sort")
        return try sorted(d, descending: descending, limit: rank == 0 ? 1 : shape[d], op: "sort", gradName: "SortBackward0")
    }

    /// The first `limit` places of a stable sort along d; their gradient goes
    /// back to where each value came from.
    private func sorted(_ d: Int, descending: Bool, limit: Int, op: String, gradName: String) throws -> (values: Tensor, indices: Tensor) {
        try Tensor.refuseComplex(dtype, op)
        if rank == 0 { return (try clone(), try Tensor.zeros([], dtype: .int64)) }
        var outShape = shape
        outShape[d] = limit
        let values = try Tensor(uninitializedShape: outShape, dtype: dtype, op: op)
        let indices = try Tensor(uninitializedShape: outShape, dtype: .int64, op: op)
        if values.count > 0 {
            try MemoryBudget.reserveScratch(perThread: shape[d], of: 16, op: op)  // a row of (key, index) pairs
            kernels.sort(dtype, descending, dataPointer, strides[d], values.dataPointer, values.strides[d],
                         indices.typedPointer(Int64.self), indices.strides[d], shape[d], limit,
                         alongDim(d, outputs: [values.strides, indices.strides]))
        }
        let inputShape = shape
        values.recording(gradName, inputs: [self], saving: [indices]) { ctx in
            [try Tensor.zeros(inputShape, dtype: ctx.grad.dtype).scatter(dim: d, index: ctx.saved[0], source: ctx.grad)]
        }
        return (values, indices)
    }

    /// The indices that sort along `dim`.
    public func argsort(dim: Int = -1, descending: Bool = false) throws -> Tensor {
        try GradMode.withDisabled { try sort(dim: dim, descending: descending).indices }
    }

    /// The k largest (or smallest) elements along `dim`, in order, with their indices.
    public func topk(_ k: Int, dim: Int = -1, largest: Bool = true) throws -> (values: Tensor, indices: Tensor) {
        let d = try normalizeDim(dim, rank: rank, op: "topk")
        let size = rank == 0 ? 1 : shape[d]
        guard k >= 0 && k <= size else {
            throw CajalError.runtime("[topk] selected index k out of range (k = \(k), size \(size))")
        }
        return try sorted(d, descending: largest, limit: k, op: "topk", gradName: "TopkBackward0")
    }
}
