/// Slicing views (slice, select, narrow, diagonal), joining (cat, stack),
/// reordering (flip, roll, movedim), and shapes built on them.
extension Tensor {
    /// The backward of a view that picks some of its input's elements: the
    /// gradient lands in the same elements of a zero tensor of the input's shape.
    /// It is recorded when the backward is (create_graph): its own gradient
    /// reads the view back, so a view's gradient can be differentiated again.
    static func gradientIntoView(_ grad: Tensor, inputShape: [Int], name: String,
                                 view: @escaping (Tensor) throws -> Tensor) throws -> Tensor {
        let zeros = try Tensor.zeros(inputShape, dtype: grad.dtype)
        try GradMode.withDisabled { try view(zeros).copyElements(from: grad) }
        return zeros.recording(name, inputs: [grad]) { ctx in [try view(ctx.grad)] }
    }

    /// Elements start, start+step, ... below end along `dim` (Python's
    /// x[start:end:step]). Bounds are clamped to the dim as Python does.
    public func slice(dim: Int, start: Int? = nil, end: Int? = nil, step: Int = 1) throws -> Tensor {
        guard rank > 0 else { throw CajalError.index("[slice] slice() cannot be applied to a 0-dim tensor.") }
        let d = try normalizeDim(dim, rank: rank, op: "slice")
        guard step > 0 else { throw CajalError.value("[slice] slice step must be positive, got \(step)") }
        let size = shape[d]
        // A step past the end takes one element at most; clamping keeps the arithmetic in range.
        let step = Swift.min(step, Swift.max(size, 1))
        func clampIndex(_ i: Int) -> Int { Swift.min(Swift.max(i < 0 ? i + size : i, 0), size) }
        let first = clampIndex(start ?? 0), last = Swift.max(first, clampIndex(end ?? size))
        let length = (last - first + step - 1) / step
        var newShape = shape, newStrides = strides
        newShape[d] = length
        newStrides[d] = strides[d] * step
        let inputShape = shape
        return viewing(Layout(shape: newShape, strides: newStrides, offset: layout.offset + first * strides[d])).asView(of: self)
            .recording("SliceBackward0", inputs: [self]) { ctx in
                [try Tensor.gradientIntoView(ctx.grad, inputShape: inputShape, name: "SliceBackwardBackward0") {
                    try $0.slice(dim: d, start: first, end: last, step: step)
                }]
            }
    }

    /// `length` elements from `start` along `dim`, as a view.
    public func narrow(dim: Int, start: Int, length: Int) throws -> Tensor {
        let d = try normalizeDim(dim, rank: rank, op: "narrow")
        guard rank > 0 else { throw CajalError.runtime("[narrow] narrow() cannot be applied to a 0-dim tensor.") }
        let size = shape[d]
        let begin = start < 0 ? start + size : start
        guard begin >= 0, begin <= size else {
            throw CajalError.index("[narrow] start (\(start)) is out of bounds for dimension \(d) of size \(size)")
        }
        guard length >= 0, length <= size - begin else {
            throw CajalError.runtime("[narrow] start (\(start)) + length (\(length)) exceeds dimension size (\(size)).")
        }
        return try slice(dim: d, start: begin, end: begin + length)
    }

    /// The slice at `index` along `dim`, with that dim removed (x[i]).
    public func select(dim: Int, index: Int) throws -> Tensor {
        guard rank > 0 else { throw CajalError.index("[select] select() cannot be applied to a 0-dim tensor.") }
        let d = try normalizeDim(dim, rank: rank, op: "select")
        guard rank > 0 else { throw CajalError.index("[select] select() cannot be applied to a 0-dim tensor.") }
        let size = shape[d]
        guard index >= -size && index < size else {
            throw CajalError.index("[select] index \(index) is out of bounds for dimension \(d) with size \(size)")
        }
        let i = index < 0 ? index + size : index
        var newShape = shape, newStrides = strides
        newShape.remove(at: d)
        newStrides.remove(at: d)
        let inputShape = shape
        return viewing(Layout(shape: newShape, strides: newStrides, offset: layout.offset + i * strides[d])).asView(of: self)
            .recording("SelectBackward0", inputs: [self]) { ctx in
                [try Tensor.gradientIntoView(ctx.grad, inputShape: inputShape, name: "SelectBackwardBackward0") { try $0.select(dim: d, index: i) }]
            }
    }

    /// The diagonal of dims dim1 and dim2 (shifted by `offset`), moved to the last dim, as a view.
    public func diagonal(offset: Int = 0, dim1: Int = 0, dim2: Int = 1) throws -> Tensor {
        let d1 = try normalizeDim(dim1, rank: rank, op: "diagonal")
        let d2 = try normalizeDim(dim2, rank: rank, op: "diagonal")
        guard rank >= 2 else { throw CajalError.runtime("[diagonal] diagonal() needs a tensor of at least 2 dims, got \(rank)") }
        guard d1 != d2 else { throw CajalError.runtime("[diagonal] diagonal dimensions cannot be identical \(dim1), \(dim2)") }
        var start = layout.offset
        let length: Int
        // Offsets past either edge give an empty diagonal; clamping keeps the arithmetic in range.
        let offset = Swift.max(Swift.min(offset, shape[d2]), -shape[d1])
        if offset >= 0 {
            length = Swift.max(0, Swift.min(shape[d1], shape[d2] - offset))
            if length > 0 { start += offset * strides[d2] }
        } else {
            length = Swift.max(0, Swift.min(shape[d1] + offset, shape[d2]))
            if length > 0 { start -= offset * strides[d1] }
        }
        var newShape: [Int] = [], newStrides: [Int] = []
        for d in 0..<rank where d != d1 && d != d2 {
            newShape.append(shape[d])
            newStrides.append(strides[d])
        }
        newShape.append(length)
        newStrides.append(strides[d1] + strides[d2])
        let inputShape = shape
        return viewing(Layout(shape: newShape, strides: newStrides, offset: start)).asView(of: self)
            .recording("DiagonalBackward0", inputs: [self]) { ctx in
                [try Tensor.gradientIntoView(ctx.grad, inputShape: inputShape, name: "DiagonalBackwardBackward0") {
                    try $0.diagonal(offset: offset, dim1: d1, dim2: d2)
                }]
            }
    }

    /// The slices along `dim`, each without that dim.
    public func unbind(dim: Int = 0) throws -> [Tensor] {
        let d = try normalizeDim(dim, rank: rank, op: "unbind")
        guard rank > 0 else { throw CajalError.index("[unbind] Dimension specified as 0 but tensor has no dimensions") }
        try Tensor.reservePieces(shape[d], op: "unbind")
        return try (0..<shape[d]).map { try select(dim: d, index: $0) }
    }

    /// Checks that `count` views fit in memory before making them: an empty
    /// or expanded tensor may have a dim of 2^40 with no memory behind it.
    static func reservePieces(_ count: Int, op: String) throws {
        try MemoryBudget.reserve(count: count, of: 512, op: op)  // a Tensor and its layout arrays
    }

    /// Consecutive pieces of `size` along `dim` (the last may be smaller).
    public func split(size: Int, dim: Int = 0) throws -> [Tensor] {
        let d = try normalizeDim(dim, rank: rank, op: "split")
        guard rank > 0 else { throw CajalError.runtime("[split] split expects at least a 1-dimensional tensor") }
        guard size > 0 || (size == 0 && shape[d] == 0) else {
            throw CajalError.runtime("[split] split_size can only be 0 if dimension size is 0, but got dimension size of \(shape[d])")
        }
        if shape[d] == 0 { return [self] }
        try Tensor.reservePieces(shape[d] / size + 1, op: "split")
        return try stride(from: 0, to: shape[d], by: size).map { try narrow(dim: d, start: $0, length: Swift.min(size, shape[d] - $0)) }
    }

    /// Pieces of the given sizes along `dim`; they must add up to the dim.
    public func split(sizes: [Int], dim: Int = 0) throws -> [Tensor] {
        let d = try normalizeDim(dim, rank: rank, op: "split")
        // The sum is checked: each size could be near Int.max.
        let check = Arguments("split")
        let total = try sizes.allSatisfy({ $0 >= 0 }) ? sizes.reduce(0) { try check.sum($0, $1, "the split_sizes \(sizes)") } : -1
        guard rank > 0, total == shape[d] else {
            throw CajalError.runtime("[split] split_with_sizes expects split_sizes to sum exactly to \(rank > 0 ? shape[d] : 0) (input tensor's size at dimension \(d)), but got split_sizes=\(sizes)")
        }
        var start = 0
        return try sizes.map { length in
            defer { start += length }
            return try narrow(dim: d, start: start, length: length)
        }
    }

    /// `chunks` nearly equal pieces along `dim`, as torch.chunk (fewer when the dim is short).
    public func chunk(_ chunks: Int, dim: Int = 0) throws -> [Tensor] {
        guard chunks > 0 else { throw CajalError.runtime("[chunk] chunk expects `chunks` to be greater than 0, got: \(chunks)") }
        guard rank > 0 else { throw CajalError.runtime("[chunk] chunk expects at least a 1-dimensional tensor") }
        let d = try normalizeDim(dim, rank: rank, op: "chunk")
        let size = shape[d] / chunks + (shape[d] % chunks == 0 ? 0 : 1)  // rounded up, without overflow
        return try split(size: Swift.max(size, shape[d] == 0 ? 0 : 1), dim: d)
    }

    /// Joins tensors along an existing dim; dtypes promote as in torch.cat.
    public static func cat(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first(where: { !($0.rank == 1 && $0.shape[0] == 0) }) ?? tensors.first else {
            throw CajalError.value("[cat] expected a non-empty list of Tensors")
        }
        // torch skips legacy 1-D empty tensors when joining others.
        let parts = tensors.filter { !($0.rank == 1 && $0.shape[0] == 0) || $0 === first }
        guard first.rank > 0 else { throw CajalError.runtime("[cat] zero-dimensional tensor (at position 0) cannot be concatenated") }
        let d = try normalizeDim(dim, rank: first.rank, op: "cat")
        var total = 0
        let check = Arguments("cat")
        for (i, t) in parts.enumerated() {
            guard t.rank == first.rank else {
                throw CajalError.runtime("[cat] Tensors must have same number of dimensions: got \(first.rank) and \(t.rank)")
            }
            for k in 0..<t.rank where k != d && t.shape[k] != first.shape[k] {
                throw CajalError.shape("[cat] Sizes of tensors must match except in dimension \(d). Expected size \(first.shape[k]) but got size \(t.shape[k]) for tensor number \(i) in the list.")
            }
            total = try check.sum(total, t.shape[d], "the joined size along dim \(d)")
        }
        let type = resultType(parts)
        var outShape = first.shape
        outShape[d] = total
        let out = try Tensor(uninitializedShape: outShape, dtype: type, op: "cat")
        var start = 0
        for t in parts {
            try out.slice(dim: d, start: start, end: start + t.shape[d]).copyElements(from: t)
            start += t.shape[d]
        }
        // Skipped legacy empties still get their (empty) gradient, as in torch.
        let sizes: [Int?] = tensors.map { t in parts.contains { $0 === t } ? t.shape[d] : nil }
        return out.recording("CatBackward0", inputs: tensors) { ctx in
            var offset = 0
            return try sizes.map { size in
                guard let size else { return try Tensor.zeros([0], dtype: ctx.grad.dtype) }
                defer { offset += size }
                return try ctx.grad.narrow(dim: d, start: offset, length: size)
            }
        }
    }

    /// Joins tensors of one shape along a new dim.
    public static func stack(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw CajalError.value("[stack] stack expects a non-empty TensorList") }
        let d = try normalizeDim(dim, rank: first.rank + 1, op: "stack")
        for (i, t) in tensors.enumerated() where t.shape != first.shape {
            throw CajalError.shape("[stack] stack expects each tensor to be equal size, but got \(shapeString(first.shape)) at entry 0 and \(shapeString(t.shape)) at entry \(i)")
        }
        return try cat(tensors.map { try $0.unsqueeze(dim: d) }, dim: d)
    }

    /// Reverses the order of elements along `dims` (a copy, as torch.flip).
    public func flip(_ dims: [Int]) throws -> Tensor {
        var flipped = [Bool](repeating: false, count: rank)
        for dim in dims {
            let d = try normalizeDim(dim, rank: rank, op: "flip")
            if rank == 0 { continue }
            if flipped[d] { throw CajalError.runtime("[flip] dim \(d) appears multiple times in the list of dims") }
            flipped[d] = true
        }
        // Read through a layout with negated strides, then copy.
        var offset = layout.offset, newStrides = strides
        for d in 0..<rank where flipped[d] && shape[d] > 0 {
            offset += (shape[d] - 1) * strides[d]
            newStrides[d] = -strides[d]
        }
        let reversed = viewing(Layout(shape: shape, strides: newStrides, offset: offset))
        let out = try Tensor(uninitializedShape: shape, strides: elementwiseOutputStrides(shape, [strides]), dtype: dtype, op: "flip")
        try out.copyElements(from: reversed)
        let flipDims = (0..<rank).filter { flipped[$0] }
        return out.recording("FlipBackward0", inputs: [self]) { ctx in [try ctx.grad.flip(flipDims)] }
    }

    /// Rotates elements along `dims` by `shifts` (torch.roll); without dims,
    /// the flattened tensor rolls.
    public func roll(shifts: [Int], dims: [Int] = []) throws -> Tensor {
        if dims.isEmpty {
            guard shifts.count == 1 else {
                throw CajalError.runtime("[roll] shifts and dimensions must align. shifts: \(shifts.count), dims: 0")
            }
            return try flatten().roll(shifts: shifts, dims: [0]).reshape(shape)
        }
        guard shifts.count == dims.count else {
            throw CajalError.runtime("[roll] shifts and dimensions must align. shifts: \(shifts.count), dims: \(dims.count)")
        }
        var out = self
        for (shift, dim) in zip(shifts, dims) {
            guard rank > 0 else { throw CajalError.index("[roll] Dimension specified as \(dim) but tensor has no dimensions") }
            let d = try normalizeDim(dim, rank: rank, op: "roll")
            let size = out.shape[d]
            guard size > 0 else { continue }
            let k = ((shift % size) + size) % size
            if k == 0 { continue }
            out = try Tensor.cat([out.narrow(dim: d, start: size - k, length: k), out.narrow(dim: d, start: 0, length: size - k)], dim: d)
        }
        return out === self ? try clone() : out
    }

    /// Moves dims `source` to positions `destination`, keeping the others in order.
    public func movedim(_ source: [Int], _ destination: [Int]) throws -> Tensor {
        guard source.count == destination.count else {
            throw CajalError.runtime("[movedim] Invalid source or destination dims: source (\(source) dims) should contain the same number of dims as destination (\(destination) dims)")
        }
        let src = try source.map { try normalizeDim($0, rank: rank, op: "movedim") }
        let dst = try destination.map { try normalizeDim($0, rank: rank, op: "movedim") }
        guard Set(src).count == src.count, Set(dst).count == dst.count else {
            throw CajalError.runtime("[movedim] repeated dim in source \(source) or destination \(destination)")
        }
        // A 0-d tensor has no dims to move (its dim 0 / -1 is itself).
        if rank == 0 { return try alias() }
        var order = [Int](repeating: -1, count: rank)
        for (s, d) in zip(src, dst) { order[d] = s }
        var rest = (0..<rank).filter { !src.contains($0) }.makeIterator()
        for i in 0..<rank where order[i] == -1 { order[i] = rest.next() ?? 0 }
        return try permute(order)
    }

    /// Merges dims start...end into one.
    public func flatten(startDim: Int = 0, endDim: Int = -1) throws -> Tensor {
        if rank == 0 { return try reshape([1]) }
        let s = try normalizeDim(startDim, rank: rank, op: "flatten"), e = try normalizeDim(endDim, rank: rank, op: "flatten")
        guard s <= e else { throw CajalError.runtime("[flatten] flatten() has invalid args: start_dim cannot come after end_dim") }
        if s == e { return self }
        let merged = shape[s...e].reduce(1, *)
        return try reshape(Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...]))
    }

    /// Splits dim `dim` into `sizes` (one may be -1).
    public func unflatten(dim: Int, sizes: [Int]) throws -> Tensor {
        guard rank > 0 else { throw CajalError.runtime("[unflatten] Dimension specified as \(dim) but tensor has no dimensions") }
        let d = try normalizeDim(dim, rank: rank, op: "unflatten")
        guard !sizes.isEmpty else { throw CajalError.runtime("[unflatten] unflatten: sizes must be non-empty") }
        guard sizes.allSatisfy({ $0 >= -1 }) else {
            throw CajalError.runtime("[unflatten] unflatten: sizes \(sizes) must be non-negative, or -1 for the inferred one")
        }
        let known = try checkedNumel(sizes.filter { $0 != -1 }, op: "unflatten")
        guard sizes.filter({ $0 == -1 }).count <= 1, (sizes.contains(-1) ? (known > 0 && shape[d] % known == 0) : known == shape[d]) else {
            throw CajalError.runtime("[unflatten] unflatten: Provided sizes \(sizes) don't multiply up to the size of dim \(dim) (\(shape[d])) in the input tensor")
        }
        let resolved = sizes.map { $0 == -1 ? shape[d] / known : $0 }
        return try reshape(Array(shape[..<d]) + resolved + Array(shape[(d + 1)...]))
    }

    /// Tiles the tensor: each dim repeated `repeats[i]` times (leading repeats add dims).
    public func `repeat`(_ repeats: [Int]) throws -> Tensor {
        guard repeats.count >= rank else {
            throw CajalError.runtime("[repeat] Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
        }
        guard repeats.allSatisfy({ $0 >= 0 }) else {
            throw CajalError.runtime("[repeat] Trying to create tensor with negative dimension: \(repeats)")
        }
        // [s0, s1] repeated [r0, r1] is [1, s0, 1, s1] expanded to [r0, s0, r1, s1], then merged.
        let padded = [Int](repeating: 1, count: repeats.count - rank) + shape
        var interleaved: [Int] = [], expanded: [Int] = []
        for (r, s) in zip(repeats, padded) {
            interleaved += [1, s]
            expanded += [r, s]
        }
        let result = try zip(repeats, padded).map { r, s in
            let (size, overflow) = r.multipliedReportingOverflow(by: s)
            guard !overflow else { throw CajalError(.outOfMemory, "[repeat] repeating \(shapeString(shape)) by \(repeats) has too many elements") }
            return size
        }
        _ = try checkedNumel(result, op: "repeat")
        return try reshape(padded).reshape(interleaved).expand(expanded).reshape(result)
    }

    /// The lower triangle (elements with column - row <= k); the rest is zero.
    public func tril(_ k: Int = 0) throws -> Tensor { try triangle(k, lower: true) }

    /// The upper triangle (elements with column - row >= k); the rest is zero.
    public func triu(_ k: Int = 0) throws -> Tensor { try triangle(k, lower: false) }

    private func triangle(_ k: Int, lower: Bool) throws -> Tensor {
        let name = lower ? "tril" : "triu"
        guard rank >= 2 else { throw CajalError.runtime("[\(name)] \(name): input tensor must have at least 2 dimensions") }
        let rows = try Tensor.arange(end: Double(shape[rank - 2])).unsqueeze(dim: 1)
        let cols = try Tensor.arange(end: Double(shape[rank - 1])).unsqueeze(dim: 0)
        let offset = try cols.sub(rows)
        let keep = lower ? try offset.le(.scalar(Int64(k))) : try offset.ge(.scalar(Int64(k)))
        return try Tensor.where(keep, self, Tensor.zeros([], dtype: dtype))
    }

    /// A 1-D tensor placed on diagonal `k` of a square matrix, or the
    /// diagonal `k` of a matrix, copied (torch.diag).
    public func diag(_ k: Int = 0) throws -> Tensor {
        switch rank {
        case 1:
            let n = shape[0] + Swift.abs(try Arguments("diag").size(k, "diagonal"))  // both at most 2^51: the sum fits
            let out = try Tensor.zeros([n, n], dtype: dtype)
            try out.diagonal(offset: k).copyElements(from: self)
            return out.recording("DiagEmbedBackward0", inputs: [self]) { ctx in [try ctx.grad.diagonal(offset: k)] }
        case 2:
            return try diagonal(offset: k).clone()
        default:
            throw CajalError.runtime("[diag] diag(): Supports 1D or 2D tensors. Got \(rank)D")
        }
    }
}

/// torch.as_strided: any layout over the same storage.
extension Tensor {
    /// A view of this tensor's storage with `size`, `strides` and
    /// `storageOffset` (in elements, from the storage's start; this tensor's
    /// own offset when nil). Windows may overlap: their gradients add up in
    /// the storage, and each of this tensor's elements reads its sum (an input
    /// that itself overlaps, an expanded one, is not divided out as torch does).
    public func asStrided(size: [Int], strides: [Int], storageOffset: Int? = nil) throws -> Tensor {
        let op = "as_strided", check = Arguments(op)
        guard size.count == strides.count else {
            throw CajalError.runtime("[\(op)] mismatch in length of strides and shape (\(size.count) sizes, \(strides.count) strides)")
        }
        _ = try check.sizes(size, "size")
        _ = try check.bounded(strides, "stride")
        guard size.allSatisfy({ $0 >= 0 }) else { throw CajalError.runtime("[\(op)] Trying to create tensor with negative dimension: \(size)") }
        guard strides.allSatisfy({ $0 >= 0 }) else { throw CajalError.runtime("[\(op)] as_strided: Negative strides are not supported at the moment, got strides: \(strides)") }
        let offset = try check.bounded(storageOffset ?? layout.offset, "storage_offset")
        guard offset >= 0 else { throw CajalError.runtime("[\(op)] Tensor: invalid storage offset \(offset)") }
        let available = storage.byteCount / dtype.itemSize
        // As for every tensor, the sizes' product (zeros read as ones) must be a
        // tensor's count, and the farthest element must be reachable without
        // overflow, even when a zero dim leaves the view empty.
        _ = try checkedNumel(size, op: op)
        var last = offset
        for (s, st) in zip(size, strides) where s > 0 {
            let (reach, overflow) = (s - 1).multipliedReportingOverflow(by: st)
            let (sum, overflow2) = last.addingReportingOverflow(reach)
            guard !overflow, !overflow2 else { throw CajalError.value("[\(op)] size \(size) with strides \(strides) reaches too far") }
            last = sum
        }
        if !size.contains(0) {
            guard last < available else {
                throw CajalError.runtime("[\(op)] setStorage: sizes \(size), strides \(strides), storage offset \(offset), and itemsize \(dtype.itemSize) requiring a storage size of \((last + 1) * dtype.itemSize) are out of bounds for storage of size \(available * dtype.itemSize)")
            }
        }
        let view = viewing(Layout(shape: size, strides: strides, offset: offset)).asView(of: self)
        let (inputShape, inputStrides, inputOffset) = (shape, self.strides, layout.offset)
        return view.recording("AsStridedBackward0", inputs: [self]) { ctx in
            // Each output element's storage position; the gradient gathers there.
            let positions = try Tensor.arange(start: 0, end: Double(available), step: 1, dtype: .int64)
                .asStrided(size: size, strides: strides, storageOffset: offset).reshape([-1])
            let inStorage = try Tensor.zeros([available], dtype: ctx.grad.dtype)
                .indexPut([positions], values: ctx.grad.reshape([-1]), accumulate: true)
            return [try inStorage.asStrided(size: inputShape, strides: inputStrides, storageOffset: inputOffset)]
        }
    }
}
