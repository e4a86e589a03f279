import CajalKernelsABI

// Kernels that walk one dim for every position of the others: arg-reductions
// (max/min with indices), scans (cumsum, cumprod and its backward) and sorting.
// The `kept` loop's operands are the outputs' and the inputs' strides over
// the other dims; `count` and the per-operand `step`s describe the walked dim.

/// For max: NaN beats everything (the first NaN wins); otherwise strictly
/// greater, so the first of equal maxima wins. Min mirrors it.
@inline(__always)
private func beats<T: KernelElement>(_ candidate: T, _ best: T, max: Bool) -> Bool {
    if !T.equals(best, best) { return false }
    if !T.equals(candidate, candidate) { return true }
    return max ? T.lessThan(best, candidate) : T.lessThan(candidate, best)
}

/// values[k] and indices[k]: the max (or min) of x along the dim at kept
/// position k, and where it is. Loop operands: (values, indices, x).
func argReduceKernel(_ kind: ElementKind, _ max: Bool, _ x: UnsafeRawPointer, _ step: Int,
                     _ values: UnsafeMutableRawPointer?, _ indices: UnsafeMutablePointer<Int64>, _ count: Int, _ kept: StridedLoop) {
    switch kind {
    case .float32: argReduce(Float.self, max, x, step, count, values, indices, kept)
    case .float64: argReduce(Double.self, max, x, step, count, values, indices, kept)
    case .int64: argReduce(Int64.self, max, x, step, count, values, indices, kept)
    case .bool: argReduce(Bool.self, max, x, step, count, values, indices, kept)
    }
}

private func argReduce<T: KernelElement>(_: T.Type, _ max: Bool, _ xRaw: UnsafeRawPointer, _ step: Int, _ count: Int,
                                         _ valuesRaw: UnsafeMutableRawPointer?, _ indices: UnsafeMutablePointer<Int64>,
                                         _ kept: StridedLoop) {
    let x = xRaw.assumingMemoryBound(to: T.self)
    let values = valuesRaw?.assumingMemoryBound(to: T.self)
    let s = kept.innerStrides
    Parallel.forEachChunk(kept.rowCount, costPerItem: kept.innerCount * count) { rows in
        kept.forEachRow(rows) { offsets in
            for i in 0..<kept.innerCount {
                let row = x + (offsets[2] + i * s[2])
                var best = row[0], at = 0
                for j in 1..<Swift.max(count, 1) where beats(row[j * step], best, max: max) {
                    best = row[j * step]
                    at = j
                }
                values?[offsets[0] + i * s[0]] = best
                indices[offsets[1] + i * s[1]] = Int64(at)
            }
        }
    }
}

/// Running sums (or products) along the dim: out[j] = x[0] + ... + x[j].
/// Loop operands: (out, x); steps: outStep, xStep. float32 accumulates in double.
func scanKernel(_ kind: ElementKind, _ product: Bool, _ x: UnsafeRawPointer, _ xStep: Int, _ out: UnsafeMutableRawPointer,
                _ outStep: Int, _ count: Int, _ kept: StridedLoop) {
    switch kind {
    case .float32: scan(Float.self, product, x, xStep, out, outStep, count, kept)
    case .float64: scan(Double.self, product, x, xStep, out, outStep, count, kept)
    case .int64: scanInteger(Int64.self, product, x, xStep, out, outStep, count, kept)
    case .bool: scanInteger(Bool.self, product, x, xStep, out, outStep, count, kept)
    }
}

private func scan<T: FloatElement>(_: T.Type, _ product: Bool, _ xRaw: UnsafeRawPointer, _ xStep: Int,
                                   _ outRaw: UnsafeMutableRawPointer, _ outStep: Int, _ count: Int, _ kept: StridedLoop) {
    let x = xRaw.assumingMemoryBound(to: T.self), out = outRaw.assumingMemoryBound(to: T.self)
    let s = kept.innerStrides
    Parallel.forEachChunk(kept.rowCount, costPerItem: kept.innerCount * count) { rows in
        kept.forEachRow(rows) { offsets in
            for i in 0..<kept.innerCount {
                let o = out + (offsets[0] + i * s[0]), row = x + (offsets[1] + i * s[1])
                var acc: Double = product ? 1 : 0
                for j in 0..<count {
                    acc = product ? acc * row[j * xStep].doubleValue : acc + row[j * xStep].doubleValue
                    o[j * outStep] = T(double: acc)
                }
            }
        }
    }
}

/// Integer and bool scans write int64, wrapping as torch does.
private func scanInteger<T: KernelElement>(_: T.Type, _ product: Bool, _ xRaw: UnsafeRawPointer, _ xStep: Int,
                                           _ outRaw: UnsafeMutableRawPointer, _ outStep: Int, _ count: Int, _ kept: StridedLoop) {
    let x = xRaw.assumingMemoryBound(to: T.self), out = outRaw.assumingMemoryBound(to: Int64.self)
    let s = kept.innerStrides
    kept.forEachRow(0..<kept.rowCount) { offsets in
        for i in 0..<kept.innerCount {
            let o = out + (offsets[0] + i * s[0]), row = x + (offsets[1] + i * s[1])
            var acc: Int64 = product ? 1 : 0
            for j in 0..<count {
                acc = product ? acc &* row[j * xStep].int64Value : acc &+ row[j * xStep].int64Value
                o[j * outStep] = acc
            }
        }
    }
}

/// The gradient of cumprod, exact with zeros: dx[i] = (x[0] ... x[i-1]) * R[i]
/// where R[i] = g[i] + x[i+1] * R[i+1]. Loop operands: (dx, x, g); all walk
/// the dim with the same `step`s given per operand.
func cumprodBackwardKernel(_ kind: ElementKind, _ dx: UnsafeMutableRawPointer, _ dxStep: Int, _ x: UnsafeRawPointer,
                           _ xStep: Int, _ g: UnsafeRawPointer, _ gStep: Int, _ count: Int, _ kept: StridedLoop) {
    switch kind {
    case .float32: cumprodBackward(Float.self, dx, dxStep, x, xStep, g, gStep, count, kept)
    case .float64: cumprodBackward(Double.self, dx, dxStep, x, xStep, g, gStep, count, kept)
    case .int64, .bool: break  // integer cumprods have no gradient
    }
}

private func cumprodBackward<T: FloatElement>(_: T.Type, _ dxRaw: UnsafeMutableRawPointer, _ dxStep: Int, _ xRaw: UnsafeRawPointer,
                                              _ xStep: Int, _ gRaw: UnsafeRawPointer, _ gStep: Int, _ count: Int, _ kept: StridedLoop) {
    let dx = dxRaw.assumingMemoryBound(to: T.self)
    let x = xRaw.assumingMemoryBound(to: T.self), g = gRaw.assumingMemoryBound(to: T.self)
    let s = kept.innerStrides
    kept.forEachRow(0..<kept.rowCount) { offsets in
        for i in 0..<kept.innerCount {
            let d = dx + (offsets[0] + i * s[0]), xr = x + (offsets[1] + i * s[1]), gr = g + (offsets[2] + i * s[2])
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
}

/// Sorts along the dim, stably; NaN ranks above every number (last when
/// ascending, first when descending), as torch.sort. Loop operands: (values, indices, x).
func sortKernel(_ kind: ElementKind, _ descending: Bool, _ x: UnsafeRawPointer, _ xStep: Int, _ values: UnsafeMutableRawPointer,
                _ valueStep: Int, _ indices: UnsafeMutablePointer<Int64>, _ indexStep: Int, _ count: Int, _ kept: StridedLoop) {
    switch kind {
    case .float32: sort(Float.self, descending, x, xStep, values, valueStep, indices, indexStep, count, kept)
    case .float64: sort(Double.self, descending, x, xStep, values, valueStep, indices, indexStep, count, kept)
    case .int64: sort(Int64.self, descending, x, xStep, values, valueStep, indices, indexStep, count, kept)
    case .bool: sort(Bool.self, descending, x, xStep, values, valueStep, indices, indexStep, count, kept)
    }
}

private func sort<T: KernelElement>(_: T.Type, _ descending: Bool, _ xRaw: UnsafeRawPointer, _ xStep: Int,
                                    _ valuesRaw: UnsafeMutableRawPointer, _ valueStep: Int, _ indices: UnsafeMutablePointer<Int64>,
                                    _ indexStep: Int, _ count: Int, _ kept: StridedLoop) {
    let x = xRaw.assumingMemoryBound(to: T.self), values = valuesRaw.assumingMemoryBound(to: T.self)
    let s = kept.innerStrides
    Parallel.forEachChunk(kept.rowCount, costPerItem: kept.innerCount * count * 8) { rows in
        var order = [Int](repeating: 0, count: count)
        kept.forEachRow(rows) { offsets in
            for i in 0..<kept.innerCount {
                let row = x + (offsets[2] + i * s[2])
                for j in 0..<count { order[j] = j }
                // Swift's sort is stable: equal keys keep their order.
                order.sort { a, b in
                    let va = row[a * xStep], vb = row[b * xStep]
                    let aNaN = !T.equals(va, va), bNaN = !T.equals(vb, vb)
                    if aNaN || bNaN { return descending ? (aNaN && !bNaN) : (!aNaN && bNaN) }
                    return descending ? T.lessThan(vb, va) : T.lessThan(va, vb)
                }
                let vo = values + (offsets[0] + i * s[0]), io = indices + (offsets[1] + i * s[1])
                for j in 0..<count {
                    vo[j * valueStep] = row[order[j] * xStep]
                    io[j * indexStep] = Int64(order[j])
                }
            }
        }
    }
}
