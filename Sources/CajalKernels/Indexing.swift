import CajalKernelsABI

// Gathers and scatters through precomputed element offsets. The engine turns
// every kind of indexing (advanced indices, gather, scatter, index_select)
// into an int64 tensor of offsets into the source, so two loops serve them all.

/// out[r + b * outStrideB] = src[r' + offsets[b]] for b in 0..<count and every
/// position of `rest` (loop operands: out's rest strides, src's rest strides).
func takeKernel(_ kind: ElementKind, _ out: UnsafeMutableRawPointer, _ outStrideB: Int, _ src: UnsafeRawPointer,
                _ offsets: UnsafePointer<Int64>, _ count: Int, _ rest: StridedLoop) {
    switch kind {
    case .float32: take(Float.self, out, outStrideB, src, offsets, count, rest)
    case .float64: take(Double.self, out, outStrideB, src, offsets, count, rest)
    case .int64: take(Int64.self, out, outStrideB, src, offsets, count, rest)
    case .bool: take(Bool.self, out, outStrideB, src, offsets, count, rest)
    }
}

private func take<T: KernelElement>(_: T.Type, _ outRaw: UnsafeMutableRawPointer, _ outStrideB: Int, _ srcRaw: UnsafeRawPointer,
                                    _ offsets: UnsafePointer<Int64>, _ count: Int, _ rest: StridedLoop) {
    let out = outRaw.assumingMemoryBound(to: T.self), src = srcRaw.assumingMemoryBound(to: T.self)
    let restCount = rest.rowCount * rest.innerCount
    if restCount == 0 || count == 0 { return }
    let so = rest.innerStrides[0], ss = rest.innerStrides[1], n = rest.innerCount
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
func putKernel(_ kind: ElementKind, _ dst: UnsafeMutableRawPointer, _ src: UnsafeRawPointer, _ srcStrideB: Int,
               _ offsets: UnsafePointer<Int64>, _ count: Int, _ rest: StridedLoop, _ accumulate: Bool) {
    switch kind {
    case .float32: put(Float.self, dst, src, srcStrideB, offsets, count, rest, accumulate)
    case .float64: put(Double.self, dst, src, srcStrideB, offsets, count, rest, accumulate)
    case .int64: put(Int64.self, dst, src, srcStrideB, offsets, count, rest, accumulate)
    case .bool: put(Bool.self, dst, src, srcStrideB, offsets, count, rest, accumulate)
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

/// The coordinates of the nonzero elements of x in row-major order, written
/// to out when given (dim-major: coordinate d of hit i at out[d * count + i],
/// torch's layout); returns the count.
func nonzeroKernel(_ kind: ElementKind, _ x: UnsafeRawPointer, _ shape: [Int], _ strides: [Int],
                   _ out: UnsafeMutablePointer<Int64>?, _ capacity: Int) -> Int {
    switch kind {
    case .float32: return nonzero(Float.self, x, shape, strides, out, capacity)
    case .float64: return nonzero(Double.self, x, shape, strides, out, capacity)
    case .int64: return nonzero(Int64.self, x, shape, strides, out, capacity)
    case .bool: return nonzero(Bool.self, x, shape, strides, out, capacity)
    }
}

private func nonzero<T: KernelElement>(_: T.Type, _ raw: UnsafeRawPointer, _ shape: [Int], _ strides: [Int],
                                       _ out: UnsafeMutablePointer<Int64>?, _ capacity: Int) -> Int {
    let x = raw.assumingMemoryBound(to: T.self)
    let rank = shape.count
    let total = shape.reduce(1, *)
    if total == 0 { return 0 }
    var index = [Int](repeating: 0, count: rank)
    var offset = 0, found = 0
    for _ in 0..<total {
        if x[offset].isTruthy {
            if let out, found < capacity {
                for d in 0..<rank { out[d * capacity + found] = Int64(index[d]) }
            }
            found += 1
        }
        // Row-major odometer.
        var d = rank - 1
        while d >= 0 {
            index[d] += 1
            offset += strides[d]
            if index[d] < shape[d] { break }
            offset -= strides[d] * shape[d]
            index[d] = 0
            d -= 1
        }
    }
    return found
}
