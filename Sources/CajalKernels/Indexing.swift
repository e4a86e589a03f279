import CajalRuntime
import Synchronization

// Gathers and scatters through precomputed element offsets. The engine turns
// every kind of indexing (advanced indices, gather, scatter, index_select)
// into an int64 tensor of offsets into the source, so two loops serve them all.

/// out[r + b * outStrideB] = src[r' + offsets[b]] for b in 0..<count and every
/// position of `rest` (loop operands: out's rest strides, src's rest strides).
@Sendable func takeKernel(_ kind: DType, _ out: UnsafeMutableRawPointer, _ outStrideB: Int, _ src: UnsafeRawPointer,
                _ offsets: UnsafePointer<Int64>, _ count: Int, _ rest: StridedLoop) {
    switch kind {
    case .float32: take(Float.self, out, outStrideB, src, offsets, count, rest)
    case .float64: take(Double.self, out, outStrideB, src, offsets, count, rest)
    case .int64: take(Int64.self, out, outStrideB, src, offsets, count, rest)
    case .bool: take(Bool.self, out, outStrideB, src, offsets, count, rest)
    case .int32: take(Int32.self, out, outStrideB, src, offsets, count, rest)
    case .int16: take(Int16.self, out, outStrideB, src, offsets, count, rest)
    case .int8: take(Int8.self, out, outStrideB, src, offsets, count, rest)
    case .uint8: take(UInt8.self, out, outStrideB, src, offsets, count, rest)
    case .float16: take(Float16.self, out, outStrideB, src, offsets, count, rest)
    case .bfloat16: take(BFloat16.self, out, outStrideB, src, offsets, count, rest)
    case .complex64: take(Complex64.self, out, outStrideB, src, offsets, count, rest)
    case .complex128: take(Complex128.self, out, outStrideB, src, offsets, count, rest)
    }
}

private func take<T: TensorElement>(_: T.Type, _ outRaw: UnsafeMutableRawPointer, _ outStrideB: Int, _ srcRaw: UnsafeRawPointer,
                                    _ offsets: UnsafePointer<Int64>, _ count: Int, _ rest: StridedLoop) {
    let out = outRaw.assumingMemoryBound(to: T.self), src = srcRaw.assumingMemoryBound(to: T.self)
    let restCount = rest.rowCount * rest.innerCount
    if restCount == 0 || count == 0 { return }
    let so = rest.innerStrides[0], ss = rest.innerStrides[1], n = rest.innerCount
    let side = 16
    if so == 1 && ss != 1 && rest.rowCount == 1 && n >= side && count >= side {
        // Each index picks a strided line of the source (x.t()[rows] picks
        // columns of a row-major x): one index at a time would read a cache
        // line per element. Blocks of `side` neighbouring positions instead:
        // every index then reads from the same `side` source lines, which
        // stay cached across indices, and writes one whole output line.
        let blocks = (n + side - 1) / side
        Parallel.forEachChunk(blocks, costPerItem: side * count) { range in
            for block in range {
                let start = block * side, width = Swift.min(side, n - start)
                for b in 0..<count {
                    let o = out + (b * outStrideB + start), s = src + (Int(offsets[b]) + start * ss)
                    for i in 0..<width { o[i] = s[i * ss] }
                }
            }
        }
        return
    }
    // Whole rows per index (x[idx] on a matrix): one index at a time, rows inside.
    Parallel.forEachChunk(count, costPerItem: restCount) { range in
        for b in range {
            let ob = out + b * outStrideB, sb = src + Int(offsets[b])
            rest.forEachRow(0..<rest.rowCount) { r in
                let o = ob + r[0], s = sb + r[1]
                if so == 1 && ss == 1 {
                    for i in 0..<n { o[i] = s[i] }
                } else {
                    for i in 0..<n { o[i * so] = s[i * ss] }
                }
            }
        }
    }
}

/// dst[r' + offsets[b]] = src[r + b * srcStrideB] (or += with `accumulate`), for
/// b in 0..<count and every position of `rest` (loop operands: dst's rest
/// strides, src's rest strides). Repeated offsets accumulate in order, so
/// the loop over b never runs in parallel.
@Sendable func putKernel(_ kind: DType, _ dst: UnsafeMutableRawPointer, _ src: UnsafeRawPointer, _ srcStrideB: Int,
               _ offsets: UnsafePointer<Int64>, _ count: Int, _ rest: StridedLoop, _ accumulate: Bool) {
    switch kind {
    case .float32: put(Float.self, dst, src, srcStrideB, offsets, count, rest, accumulate)
    case .float64: put(Double.self, dst, src, srcStrideB, offsets, count, rest, accumulate)
    case .int64: put(Int64.self, dst, src, srcStrideB, offsets, count, rest, accumulate)
    case .bool: put(Bool.self, dst, src, srcStrideB, offsets, count, rest, accumulate)
    default: break  // storage types: the engine computes them in their kernel type
    }
}

private func put<T: ArithmeticElement>(_: T.Type, _ dstRaw: UnsafeMutableRawPointer, _ srcRaw: UnsafeRawPointer, _ srcStrideB: Int,
                                       _ offsets: UnsafePointer<Int64>, _ count: Int, _ rest: StridedLoop, _ accumulate: Bool) {
    let dst = dstRaw.assumingMemoryBound(to: T.self), src = srcRaw.assumingMemoryBound(to: T.self)
    let restCount = rest.rowCount * rest.innerCount
    if restCount == 0 || count == 0 { return }
    let sd = rest.innerStrides[0], ss = rest.innerStrides[1], n = rest.innerCount
    // Different rest positions never collide, so they may split across threads.
    Parallel.forEachChunk(rest.rowCount, costPerItem: n * count) { rows in
        for b in 0..<count {
            let db = dst + Int(offsets[b]), sb = src + b * srcStrideB
            rest.forEachRow(rows) { r in
                let d = db + r[0], s = sb + r[1]
                if accumulate {
                    for i in 0..<n { d[i * sd] = T.add(d[i * sd], s[i * ss]) }
                } else {
                    for i in 0..<n { d[i * sd] = s[i * ss] }
                }
            }
        }
    }
}

/// torch.gather along a dim, over the index's positions p:
/// out[p] = x[base(p) + index[p] * step], where base is x's offset of p with
/// the dim's coordinate left out (loop operands: out, x with stride 0 on the
/// dim, index). Indices are checked as they are read; returns the first one
/// outside 0..<size found (the output is then garbage), or nil.
@Sendable func gatherKernel(_ kind: DType, _ out: UnsafeMutableRawPointer, _ x: UnsafeRawPointer, _ step: Int, _ size: Int,
                  _ index: UnsafePointer<Int64>, _ loop: StridedLoop) -> Int64? {
    switch kind {
    case .float32: return gather(Float.self, out, x, step, size, index, loop)
    case .float64: return gather(Double.self, out, x, step, size, index, loop)
    case .int64: return gather(Int64.self, out, x, step, size, index, loop)
    case .bool: return gather(Bool.self, out, x, step, size, index, loop)
    case .int32: return gather(Int32.self, out, x, step, size, index, loop)
    case .int16: return gather(Int16.self, out, x, step, size, index, loop)
    case .int8: return gather(Int8.self, out, x, step, size, index, loop)
    case .uint8: return gather(UInt8.self, out, x, step, size, index, loop)
    case .float16: return gather(Float16.self, out, x, step, size, index, loop)
    case .bfloat16: return gather(BFloat16.self, out, x, step, size, index, loop)
    case .complex64: return gather(Complex64.self, out, x, step, size, index, loop)
    case .complex128: return gather(Complex128.self, out, x, step, size, index, loop)
    }
}

private func gather<T: TensorElement>(_: T.Type, _ outRaw: UnsafeMutableRawPointer, _ xRaw: UnsafeRawPointer, _ step: Int,
                                      _ size: Int, _ index: UnsafePointer<Int64>, _ loop: StridedLoop) -> Int64? {
    let out = outRaw.assumingMemoryBound(to: T.self), x = xRaw.assumingMemoryBound(to: T.self)
    let s = loop.innerStrides
    let bad = Atomic<Int64>(0), failed = Atomic<Bool>(false)
    loop.run { offsets, start, count in
        if let found = gatherRow(out + (offsets[0] + start * s[0]), s[0], x + (offsets[1] + start * s[1]), s[1], step, size,
                                 index + (offsets[2] + start * s[2]), s[2], count),
           !failed.exchange(true, ordering: .relaxed) {
            bad.store(found, ordering: .relaxed)
        }
    }
    return failed.load(ordering: .sequentiallyConsistent) ? bad.load(ordering: .sequentiallyConsistent) : nil
}

/// One row of a gather, a function of its own so that every stride is a
/// parameter in a register (inlined into the closure, they were reloaded
/// from its context for every element). Returns the first index outside 0..<size.
@inline(never)
private func gatherRow<T>(_ out: UnsafeMutablePointer<T>, _ outStride: Int, _ x: UnsafePointer<T>, _ xStride: Int, _ step: Int,
                          _ size: Int, _ index: UnsafePointer<Int64>, _ indexStride: Int, _ count: Int) -> Int64? {
    var i = 0
    if outStride == 1 && indexStride == 1 && xStride == 0 {
        // The common layout (gather along the last dim of contiguous
        // tensors): check eight indices with one vector compare, then copy
        // the eight elements without a branch between them.
        let limit = SIMD8<UInt64>(repeating: UInt64(size))
        while i + 8 <= count {
            let at = UnsafeRawPointer(index + i).loadUnaligned(as: SIMD8<UInt64>.self)
            if any(at .>= limit) { break }
            for k in 0..<8 { out[i + k] = x[Int(at[k]) * step] }
            i += 8
        }
    }
    for i in i..<count {
        let at = index[i * indexStride]
        // One unsigned compare catches negatives too.
        guard UInt64(bitPattern: at) < UInt64(size) else { return at }
        out[i * outStride] = x[i * xStride + Int(at) * step]
    }
    return nil
}

/// torch.scatter / scatter_add along a dim, over the index's positions p, in
/// order (so repeated targets accumulate deterministically):
/// x[base(p) + index[p] * step] = src[p] (+= with accumulate). Loop operands:
/// src, x with stride 0 on the dim, index. Stops at the first index outside
/// 0..<size and returns it, or nil.
@Sendable func scatterKernel(_ kind: DType, _ mode: ScatterMode, _ x: UnsafeMutableRawPointer, _ step: Int, _ size: Int,
                   _ src: UnsafeRawPointer, _ index: UnsafePointer<Int64>, _ loop: StridedLoop) -> Int64? {
    switch kind {
    case .float32: return scatter(Float.self, mode, x, step, size, src, index, loop)
    case .float64: return scatter(Double.self, mode, x, step, size, src, index, loop)
    case .int64: return scatter(Int64.self, mode, x, step, size, src, index, loop)
    case .bool: return scatter(Bool.self, mode, x, step, size, src, index, loop)
    default: return nil  // storage types: the engine computes them in their kernel type
    }
}

private func scatter<T: ArithmeticElement>(_: T.Type, _ mode: ScatterMode, _ xRaw: UnsafeMutableRawPointer, _ step: Int,
                                           _ size: Int, _ srcRaw: UnsafeRawPointer, _ index: UnsafePointer<Int64>,
                                           _ loop: StridedLoop) -> Int64? {
    let x = xRaw.assumingMemoryBound(to: T.self), src = srcRaw.assumingMemoryBound(to: T.self)
    let s = loop.innerStrides, n = loop.innerCount
    var bad: Int64?
    loop.forEachRow(0..<loop.rowCount) { offsets in
        if bad != nil { return }
        let (sb, xb, ib) = (src + offsets[0], x + offsets[1], index + offsets[2])
        bad = scatterRow(xb, s[1], step, size, sb, s[0], ib, s[2], n, mode: mode)
    }
    return bad
}

/// One row of a scatter, with every stride a parameter (see gatherRow).
/// Stops at the first index outside 0..<size.
@inline(never)
private func scatterRow<T: ArithmeticElement>(_ x: UnsafeMutablePointer<T>, _ xStride: Int, _ step: Int, _ size: Int,
                                              _ src: UnsafePointer<T>, _ srcStride: Int, _ index: UnsafePointer<Int64>,
                                              _ indexStride: Int, _ count: Int, mode: ScatterMode) -> Int64? {
    for i in 0..<count {
        let at = index[i * indexStride]
        guard UInt64(bitPattern: at) < UInt64(size) else { return at }
        let target = x + (i * xStride + Int(at) * step)
        let value = src[i * srcStride]
        switch mode {
        case .assign: target.pointee = value
        case .add: target.pointee = T.add(target.pointee, value)
        case .maximum: target.pointee = T.maxPropagatingNaN(target.pointee, value)
        case .minimum: target.pointee = T.minPropagatingNaN(target.pointee, value)
        }
    }
    return nil
}

/// The coordinates of the nonzero elements of x in row-major order, written
/// to out when given (dim-major: coordinate d of hit i at out[d * count + i],
/// torch's layout); returns the count. With `weights`, each hit writes one
/// number instead, the sum of its coordinates times the weights: x[mask]
/// passes the indexed tensor's strides and gets element offsets at once.
@Sendable func nonzeroKernel(_ kind: DType, _ x: UnsafeRawPointer, _ shape: [Int], _ strides: [Int],
                   _ out: UnsafeMutablePointer<Int64>?, _ capacity: Int, _ weights: [Int]) -> Int {
    switch kind {
    case .float32: return nonzero(Float.self, x, shape, strides, out, capacity, weights)
    case .float64: return nonzero(Double.self, x, shape, strides, out, capacity, weights)
    case .int64: return nonzero(Int64.self, x, shape, strides, out, capacity, weights)
    case .bool: return nonzero(Bool.self, x, shape, strides, out, capacity, weights)
    case .int32: return nonzero(Int32.self, x, shape, strides, out, capacity, weights)
    case .int16: return nonzero(Int16.self, x, shape, strides, out, capacity, weights)
    case .int8: return nonzero(Int8.self, x, shape, strides, out, capacity, weights)
    case .uint8: return nonzero(UInt8.self, x, shape, strides, out, capacity, weights)
    case .float16: return nonzero(Float16.self, x, shape, strides, out, capacity, weights)
    case .bfloat16: return nonzero(BFloat16.self, x, shape, strides, out, capacity, weights)
    case .complex64: return nonzero(Complex64.self, x, shape, strides, out, capacity, weights)
    case .complex128: return nonzero(Complex128.self, x, shape, strides, out, capacity, weights)
    }
}

/// 1 for a nonzero element, else 0. A bool's own byte is added: from
/// `isTruthy ? 1 : 0` LLVM made a branch per element, which random masks
/// mispredict half the time (two thirds of x[mask]'s time).
@inline(__always)
private func truthBit<T: TensorElement>(_ value: T) -> Int {
    if T.self == Bool.self { return Int(unsafeBitCast(value, to: UInt8.self) & 1) }
    return value.isTruthy ? 1 : 0
}

private func nonzero<T: TensorElement>(_: T.Type, _ raw: UnsafeRawPointer, _ shape: [Int], _ strides: [Int],
                                       _ out: UnsafeMutablePointer<Int64>?, _ capacity: Int, _ weights: [Int]) -> Int {
    let x = raw.assumingMemoryBound(to: T.self)
    let rank = shape.count
    let total = shape.reduce(1, *)
    if total == 0 { return 0 }
    if rank == 0 { return x[0].isTruthy ? 1 : 0 }
    // Rows of the last dim, in fixed pieces: count each piece's hits, then
    // write each piece's coordinates from its prefix sum, pieces in parallel.
    let inner = shape[rank - 1], step = strides[rank - 1]
    let rows = total / inner
    let pieces = Swift.min(rows, 16)
    let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: pieces + 1)
    defer { hits.deallocate() }
    // Calls body(rowStart, coordinates of the row's outer dims) for each row of a piece.
    func forEachRow(of piece: Int, _ body: (UnsafePointer<T>, UnsafeMutableBufferPointer<Int>) -> Void) {
        let first = rows * piece / pieces, end = rows * (piece + 1) / pieces
        withUnsafeTemporaryAllocation(of: Int.self, capacity: rank) { index in
            var rest = first, offset = 0
            for d in stride(from: rank - 2, through: 0, by: -1) {
                index[d] = rest % shape[d]
                rest /= shape[d]
                offset += index[d] * strides[d]
            }
            for _ in first..<end {
                body(x + offset, index)
                var d = rank - 2
                while d >= 0 {
                    index[d] += 1
                    offset += strides[d]
                    if index[d] < shape[d] { break }
                    offset -= strides[d] * shape[d]
                    index[d] = 0
                    d -= 1
                }
            }
        }
    }
    Parallel.forEachChunk(pieces, costPerItem: total / pieces) { range in
        for piece in range {
            var count = 0
            forEachRow(of: piece) { row, _ in
                for j in 0..<inner { count &+= truthBit(row[j * step]) }
            }
            hits[piece + 1] = count
        }
    }
    hits[0] = 0
    for piece in 0..<pieces { hits[piece + 1] += hits[piece] }
    guard let out else { return hits[pieces] }
    let weighted = weights.count == rank
    Parallel.forEachChunk(pieces, costPerItem: total / pieces) { range in
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: inner) { found in
            for piece in range {
                var next = hits[piece]
                forEachRow(of: piece) { row, index in
                    // Branch-free compaction of the row's hits.
                    var k = 0
                    for j in 0..<inner {
                        found[k] = Int64(j)
                        k &+= truthBit(row[j * step])
                    }
                    let room = Swift.max(0, Swift.min(k, capacity - next))
                    if weighted {
                        var rowOffset = 0
                        for d in 0..<rank - 1 { rowOffset += index[d] * weights[d] }
                        let base = Int64(rowOffset), innerWeight = Int64(weights[rank - 1])
                        for h in 0..<room { out[next + h] = base + found[h] * innerWeight }
                    } else {
                        for h in 0..<room {
                            for d in 0..<rank - 1 { out[d * capacity + next + h] = Int64(index[d]) }
                            out[(rank - 1) * capacity + next + h] = found[h]
                        }
                    }
                    next += k
                }
            }
        }
    }
    return hits[pieces]
}
