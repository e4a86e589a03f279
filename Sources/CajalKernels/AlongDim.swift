import CajalRuntime

// Kernels that walk one dim for every position of the others: arg-reductions
// (max/min with indices), scans (cumsum, cumprod and its backward) and sorting.
// The `kept` loop's operands are the outputs' and the inputs' strides over
// the other dims; `count` and the per-operand `step`s describe the walked dim.

/// For max: NaN beats everything (the first NaN wins); otherwise strictly
/// greater, so the first of equal maxima wins. Min mirrors it.
@inline(__always)
private func beats<T: TensorElement>(_ candidate: T, _ best: T, max: Bool) -> Bool {
    if !T.equals(best, best) { return false }
    if !T.equals(candidate, candidate) { return true }
    return max ? T.lessThan(best, candidate) : T.lessThan(candidate, best)
}

/// values[k] and indices[k]: the max (or min) of x along the dim at kept
/// position k, and where it is. Loop operands: (values, indices, x).
@Sendable func argReduceKernel(_ kind: DType, _ max: Bool, _ x: UnsafeRawPointer, _ step: Int,
                     _ values: UnsafeMutableRawPointer?, _ indices: UnsafeMutablePointer<Int64>, _ count: Int, _ kept: StridedLoop) {
    switch kind {
    case .float32: argReduce(Float.self, max, x, step, count, values, indices, kept)
    case .float64: argReduce(Double.self, max, x, step, count, values, indices, kept)
    case .int64: argReduce(Int64.self, max, x, step, count, values, indices, kept)
    case .bool: argReduce(Bool.self, max, x, step, count, values, indices, kept)
    case .int32: argReduce(Int32.self, max, x, step, count, values, indices, kept)
    case .int16: argReduce(Int16.self, max, x, step, count, values, indices, kept)
    case .int8: argReduce(Int8.self, max, x, step, count, values, indices, kept)
    case .uint8: argReduce(UInt8.self, max, x, step, count, values, indices, kept)
    case .float16: argReduce(Float16.self, max, x, step, count, values, indices, kept)
    case .bfloat16: argReduce(BFloat16.self, max, x, step, count, values, indices, kept)
    case .complex64, .complex128: break  // complex numbers have no order: refused by the ops
    }
}

private func argReduce<T: TensorElement>(_: T.Type, _ max: Bool, _ xRaw: UnsafeRawPointer, _ step: Int, _ count: Int,
                                         _ valuesRaw: UnsafeMutableRawPointer?, _ indices: UnsafeMutablePointer<Int64>,
                                         _ kept: StridedLoop) {
    let x = xRaw.assumingMemoryBound(to: T.self)
    let values = valuesRaw?.assumingMemoryBound(to: T.self)
    if step != 1 && kept.innerStrides[2] == 1 && kept.innerCount >= 8 {
        // Neighbouring positions are neighbours in memory (argmax(0) of a
        // matrix): walk a block of them together, so each step along the dim
        // reads one contiguous piece instead of one element per cache line.
        kept.forEachBlock(costPerPosition: count) { offsets, start, width in
            withUnsafeTemporaryAllocation(of: T.self, capacity: width) { best in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: width) { at in
                    let base = x + (offsets[2] + start)
                    for p in 0..<width { best[p] = base[p]; at[p] = 0 }
                    for j in 1..<Swift.max(count, 1) {
                        let row = base + j * step
                        for p in 0..<width {
                            let take = beats(row[p], best[p], max: max)
                            best[p] = take ? row[p] : best[p]
                            at[p] = take ? j : at[p]
                        }
                    }
                    let valueStep = kept.innerStrides[0], indexStep = kept.innerStrides[1]
                    for p in 0..<width {
                        values?[offsets[0] + (start + p) * valueStep] = best[p]
                        indices[offsets[1] + (start + p) * indexStep] = Int64(at[p])
                    }
                }
            }
        }
        return
    }
    kept.forEachPosition(costPerPosition: count) { offsets in
        let row = x + offsets[2]
        var best = row[0], at = 0
        if T.self == Float.self && step == 1 {
            (best, at) = unsafeBitCast(floatArgExtreme(UnsafeRawPointer(row).assumingMemoryBound(to: Float.self), count, max: max),
                                       to: (T, Int).self)
        } else {
            for j in 1..<Swift.max(count, 1) where beats(row[j * step], best, max: max) {
                best = row[j * step]
                at = j
            }
        }
        values?[offsets[0]] = best
        indices[offsets[1]] = Int64(at)
    }
}

/// The max (or min) of a contiguous float32 row and its first index, with
/// `beats`'s rules, 16 lanes at a time: each lane keeps its own first best,
/// then the lanes compare (equal values: the lower index wins).
private func floatArgExtreme(_ p: UnsafePointer<Float>, _ n: Int, max: Bool) -> (Float, Int) {
    var best = p[0], at = 0
    var i = 1
    if n >= 32 && n < Int(Int32.max) {
        var lanes = UnsafeRawPointer(p).loadUnaligned(as: Vector16.self)
        var laneAt = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        var index = laneAt
        i = 16
        while i + 16 <= n {
            index &+= 16
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: Vector16.self)
            let take = (max ? v .> lanes : v .< lanes) .| ((v .!= v) .& (lanes .== lanes))
            lanes.replace(with: v, where: take)
            laneAt.replace(with: index, where: take)
            i += 16
        }
        best = lanes[0]
        at = Int(laneAt[0])
        for lane in 1..<16 {
            let v = lanes[lane], vAt = Int(laneAt[lane])
            let tied = v == best || (v != v && best != best)
            if beats(v, best, max: max) || (tied && vAt < at) {
                best = v
                at = vAt
            }
        }
    }
    while i < n {
        if beats(p[i], best, max: max) {
            best = p[i]
            at = i
        }
        i += 1
    }
    return (best, at)
}

/// Running sums (or products) along the dim: out[j] = x[0] + ... + x[j].
/// Loop operands: (out, x); steps: outStep, xStep. float32 accumulates in double.
@Sendable func scanKernel(_ kind: DType, _ product: Bool, _ x: UnsafeRawPointer, _ xStep: Int, _ out: UnsafeMutableRawPointer,
                _ outStep: Int, _ count: Int, _ kept: StridedLoop) {
    switch kind {
    case .float32: scan(Float.self, product, x, xStep, out, outStep, count, kept)
    case .float64: scan(Double.self, product, x, xStep, out, outStep, count, kept)
    case .int64: scanInteger(Int64.self, product, x, xStep, out, outStep, count, kept)
    case .bool: scanInteger(Bool.self, product, x, xStep, out, outStep, count, kept)
    default: break  // storage types: the engine computes them in their kernel type
    }
}

private func scan<T: FloatElement>(_: T.Type, _ product: Bool, _ xRaw: UnsafeRawPointer, _ xStep: Int,
                                   _ outRaw: UnsafeMutableRawPointer, _ outStep: Int, _ count: Int, _ kept: StridedLoop) {
    let x = xRaw.assumingMemoryBound(to: T.self), out = outRaw.assumingMemoryBound(to: T.self)
    if xStep != 1 && kept.innerStrides[1] == 1 && kept.innerCount >= 8 {
        // Neighbouring positions are neighbours in memory: scan a block of
        // them together, reading one contiguous piece per step along the dim.
        // Blocks of 16 (a cache line of float32): the output usually walks
        // the dim contiguously, so each step writes one element to each of
        // `width` lines, and wider blocks (64: 3x slower) spill the cache.
        let outInner = kept.innerStrides[0]
        kept.forEachBlock(costPerPosition: count, blockWidth: 16) { offsets, start, width in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: width) { acc in
                acc.initialize(repeating: product ? 1 : 0)
                let xBase = x + (offsets[1] + start), outBase = out + (offsets[0] + start * outInner)
                for j in 0..<count {
                    let row = xBase + j * xStep, o = outBase + j * outStep
                    for p in 0..<width {
                        acc[p] = product ? acc[p] * row[p].doubleValue : acc[p] + row[p].doubleValue
                        o[p * outInner] = T(double: acc[p])
                    }
                }
            }
        }
        return
    }
    kept.forEachPosition(costPerPosition: count) { offsets in
        let o = out + offsets[0], row = x + offsets[1]
        var acc: Double = product ? 1 : 0
        if product {
            for j in 0..<count {
                acc *= row[j * xStep].doubleValue
                o[j * outStep] = T(double: acc)
            }
        } else {
            for j in 0..<count {
                acc += row[j * xStep].doubleValue
                o[j * outStep] = T(double: acc)
            }
        }
    }
}

/// Integer and bool scans write int64, wrapping as torch does.
private func scanInteger<T: TensorElement>(_: T.Type, _ product: Bool, _ xRaw: UnsafeRawPointer, _ xStep: Int,
                                           _ outRaw: UnsafeMutableRawPointer, _ outStep: Int, _ count: Int, _ kept: StridedLoop) {
    let x = xRaw.assumingMemoryBound(to: T.self), out = outRaw.assumingMemoryBound(to: Int64.self)
    kept.forEachPosition(costPerPosition: count) { offsets in
        let o = out + offsets[0], row = x + offsets[1]
        var acc: Int64 = product ? 1 : 0
        for j in 0..<count {
            acc = product ? acc &* row[j * xStep].int64Value : acc &+ row[j * xStep].int64Value
            o[j * outStep] = acc
        }
    }
}

/// The gradient of cumprod, exact with zeros: dx[i] = (x[0] ... x[i-1]) * R[i]
/// where R[i] = g[i] + x[i+1] * R[i+1]. Loop operands: (dx, x, g); all walk
/// the dim with the same `step`s given per operand.
@Sendable func cumprodBackwardKernel(_ kind: DType, _ dx: UnsafeMutableRawPointer, _ dxStep: Int, _ x: UnsafeRawPointer,
                           _ xStep: Int, _ g: UnsafeRawPointer, _ gStep: Int, _ count: Int, _ kept: StridedLoop) {
    switch kind {
    case .float32: cumprodBackward(Float.self, dx, dxStep, x, xStep, g, gStep, count, kept)
    case .float64: cumprodBackward(Double.self, dx, dxStep, x, xStep, g, gStep, count, kept)
    case .int64, .bool: break  // integer cumprods have no gradient
    default: break  // storage types: the engine computes them in their kernel type
    }
}

private func cumprodBackward<T: FloatElement>(_: T.Type, _ dxRaw: UnsafeMutableRawPointer, _ dxStep: Int, _ xRaw: UnsafeRawPointer,
                                              _ xStep: Int, _ gRaw: UnsafeRawPointer, _ gStep: Int, _ count: Int, _ kept: StridedLoop) {
    let dx = dxRaw.assumingMemoryBound(to: T.self)
    let x = xRaw.assumingMemoryBound(to: T.self), g = gRaw.assumingMemoryBound(to: T.self)
    kept.forEachPosition(costPerPosition: count * 2) { offsets in
        let d = dx + offsets[0], xr = x + offsets[1], gr = g + offsets[2]
        // R from the end, stored in dx; then multiply by the exclusive prefix product.
        var r = 0.0
        for j in stride(from: count - 1, through: 0, by: -1) {
            r = gr[j * gStep].doubleValue + (j + 1 < count ? xr[(j + 1) * xStep].doubleValue * r : 0)
            d[j * dxStep] = T(double: r)
        }
        var prefix = 1.0
        for j in 0..<count {
            d[j * dxStep] = T(double: d[j * dxStep].doubleValue * prefix)
            prefix *= xr[j * xStep].doubleValue
        }
    }
}

/// Sorts along the dim, stably; NaN ranks above every number (last when
/// ascending, first when descending), as torch.sort. Only the first `limit`
/// places are written (topk): then a heap of `limit` keeps the best so far,
/// which costs about one comparison per element instead of a full sort.
/// Loop operands: (values, indices, x).
@Sendable func sortKernel(_ kind: DType, _ descending: Bool, _ x: UnsafeRawPointer, _ xStep: Int, _ values: UnsafeMutableRawPointer,
                _ valueStep: Int, _ indices: UnsafeMutablePointer<Int64>, _ indexStep: Int, _ count: Int, _ limit: Int,
                _ kept: StridedLoop) {
    switch kind {
    case .float32: sort(Float.self, descending, x, xStep, values, valueStep, indices, indexStep, count, limit, kept)
    case .float64: sort(Double.self, descending, x, xStep, values, valueStep, indices, indexStep, count, limit, kept)
    case .int64: sort(Int64.self, descending, x, xStep, values, valueStep, indices, indexStep, count, limit, kept)
    case .bool: sort(Bool.self, descending, x, xStep, values, valueStep, indices, indexStep, count, limit, kept)
    case .int32: sort(Int32.self, descending, x, xStep, values, valueStep, indices, indexStep, count, limit, kept)
    case .int16: sort(Int16.self, descending, x, xStep, values, valueStep, indices, indexStep, count, limit, kept)
    case .int8: sort(Int8.self, descending, x, xStep, values, valueStep, indices, indexStep, count, limit, kept)
    case .uint8: sort(UInt8.self, descending, x, xStep, values, valueStep, indices, indexStep, count, limit, kept)
    case .float16: sort(Float16.self, descending, x, xStep, values, valueStep, indices, indexStep, count, limit, kept)
    case .bfloat16: sort(BFloat16.self, descending, x, xStep, values, valueStep, indices, indexStep, count, limit, kept)
    case .complex64, .complex128: break  // complex numbers have no order: refused by the ops
    }
}

/// An element's sort key and where it came from. Ordering these by
/// (key, index) is a stable sort; they are contiguous whatever x's layout.
private struct Ranked {
    var key: UInt64
    var index: Int

    @inline(__always) static func before(_ a: Ranked, _ b: Ranked) -> Bool {
        a.key < b.key || (a.key == b.key && a.index < b.index)
    }
}

private func sort<T: TensorElement>(_: T.Type, _ descending: Bool, _ xRaw: UnsafeRawPointer, _ xStep: Int,
                                    _ valuesRaw: UnsafeMutableRawPointer, _ valueStep: Int, _ indices: UnsafeMutablePointer<Int64>,
                                    _ indexStep: Int, _ count: Int, _ limit: Int, _ kept: StridedLoop) {
    let x = xRaw.assumingMemoryBound(to: T.self), values = valuesRaw.assumingMemoryBound(to: T.self)
    // Descending flips the keys, not the indices: ties still go by index.
    let flip: UInt64 = descending ? UInt64.max : 0
    let useHeap = limit * 16 < count
    let work = useHeap ? count + limit * 8 : count * 8
    let bufferSize = Swift.max(useHeap ? limit : count, 1)
    kept.forEachPosition(costPerPosition: work) { offsets in
        withUnsafeTemporaryAllocation(of: Ranked.self, capacity: bufferSize) { buffer in
            let row = x + offsets[2]
            var sorted: UnsafeMutableBufferPointer<Ranked>
            if useHeap {
                sorted = UnsafeMutableBufferPointer(rebasing: buffer[0..<limit])
                selectBest(row, xStep, count, flip, into: sorted)
            } else {
                for j in 0..<count { buffer[j] = Ranked(key: row[j * xStep].sortKey ^ flip, index: j) }
                sorted = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
            }
            sorted.sort { Ranked.before($0, $1) }
            let vo = values + offsets[0], io = indices + offsets[1]
            for j in 0..<limit {
                let from = sorted[j].index
                vo[j * valueStep] = row[from * xStep]
                io[j * indexStep] = Int64(from)
            }
        }
    }
}

/// Fills `heap` (unordered) with the heap.count elements of the row that go
/// first: a binary heap whose root is the last of those kept so far.
@inline(__always)
private func selectBest<T: TensorElement>(_ row: UnsafePointer<T>, _ step: Int, _ count: Int, _ flip: UInt64,
                                          into heap: UnsafeMutableBufferPointer<Ranked>) {
    let k = heap.count
    guard k > 0 else { return }
    func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            if left >= k { return }
            var last = left
            if left + 1 < k && Ranked.before(heap[left], heap[left + 1]) { last = left + 1 }
            if !Ranked.before(heap[parent], heap[last]) { return }
            heap.swapAt(parent, last)
            parent = last
        }
    }
    for j in 0..<k { heap[j] = Ranked(key: row[j * step].sortKey ^ flip, index: j) }
    for j in stride(from: k / 2 - 1, through: 0, by: -1) { siftDown(j) }
    var worst = heap[0].key
    for j in k..<count {
        let key = row[j * step].sortKey ^ flip
        // Later indices lose ties, so only a strictly smaller key gets in.
        if key < worst {
            heap[0] = Ranked(key: key, index: j)
            siftDown(0)
            worst = heap[0].key
        }
    }
}
