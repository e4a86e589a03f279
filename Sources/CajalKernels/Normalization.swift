import CajalRuntime

// Layer normalisation over contiguous rows: statistics and output in one
// kernel (the composite made six passes and five temporaries), and the input
// gradient likewise. The row sums accumulate in double.

/// Forward (float types): (kind, rows, n, x, weight?, bias?, eps, out, mean (rows), rstd (rows)).
/// out = (x · rstd - mean · rstd) · weight + bias, torch's order.
/// Σ term(j) for j in 0..<n in double precision, in eight interleaved
/// partial sums: one running sum made every row a chain of dependent adds
/// (4 cycles each), which dominated LayerNorm over short rows (d_model 32).
@inline(__always)
private func laneSum(_ n: Int, _ term: (Int) -> Double) -> Double {
    var partial = SIMD8<Double>()
    var j = 0
    while j + 8 <= n {
        partial += SIMD8(term(j), term(j + 1), term(j + 2), term(j + 3),
                         term(j + 4), term(j + 5), term(j + 6), term(j + 7))
        j += 8
    }
    var sum = partial.sum()
    while j < n {
        sum += term(j)
        j += 1
    }
    return sum
}

@Sendable func layerNormForwardKernel(_ kind: DType, _ rows: Int, _ n: Int, _ x: UnsafeRawPointer, _ weight: UnsafeRawPointer?,
                                      _ bias: UnsafeRawPointer?, _ eps: Double, _ out: UnsafeMutableRawPointer,
                                      _ mean: UnsafeMutableRawPointer, _ rstd: UnsafeMutableRawPointer) {
    switch kind {
    case .float32: layerNormForward(Float.self, rows, n, x, weight, bias, eps, out, mean, rstd)
    case .float64: layerNormForward(Double.self, rows, n, x, weight, bias, eps, out, mean, rstd)
    default: break
    }
}

private func layerNormForward<T: FloatElement>(_: T.Type, _ rows: Int, _ n: Int, _ xRaw: UnsafeRawPointer, _ weightRaw: UnsafeRawPointer?,
                                               _ biasRaw: UnsafeRawPointer?, _ eps: Double, _ outRaw: UnsafeMutableRawPointer,
                                               _ meanRaw: UnsafeMutableRawPointer, _ rstdRaw: UnsafeMutableRawPointer) {
    let x = xRaw.assumingMemoryBound(to: T.self), out = outRaw.assumingMemoryBound(to: T.self)
    let weight = weightRaw?.assumingMemoryBound(to: T.self), bias = biasRaw?.assumingMemoryBound(to: T.self)
    let means = meanRaw.assumingMemoryBound(to: T.self), rstds = rstdRaw.assumingMemoryBound(to: T.self)
    Parallel.forEachChunk(rows, costPerItem: n &* 4) { chunk in
        for r in chunk {
            let row = x + r * n, target = out + r * n
            let mean = laneSum(n) { row[$0].doubleValue } / Double(n)
            let squares = laneSum(n) { j in
                let d = row[j].doubleValue - mean
                return d * d
            }
            let rstd = 1 / (squares / Double(n) + eps).squareRoot()
            let scale = T(double: rstd), shift = T(double: -rstd * mean)
            means[r] = T(double: mean)
            rstds[r] = scale
            switch (weight, bias) {
            case let (w?, b?): for j in 0..<n { target[j] = (row[j] * scale + shift) * w[j] + b[j] }
            case let (w?, nil): for j in 0..<n { target[j] = (row[j] * scale + shift) * w[j] }
            case let (nil, b?): for j in 0..<n { target[j] = (row[j] * scale + shift) + b[j] }
            case (nil, nil): for j in 0..<n { target[j] = row[j] * scale + shift }
            }
        }
    }
}

/// The input's gradient (float types): (kind, rows, n, x, weight?, g, mean, rstd, dx):
/// dx = rstd (gw - mean(gw) - x̂ mean(gw x̂)), gw = g · weight, x̂ = (x - mean) rstd.
@Sendable func layerNormBackwardKernel(_ kind: DType, _ rows: Int, _ n: Int, _ x: UnsafeRawPointer, _ weight: UnsafeRawPointer?,
                                       _ g: UnsafeRawPointer, _ mean: UnsafeRawPointer, _ rstd: UnsafeRawPointer,
                                       _ dx: UnsafeMutableRawPointer) {
    switch kind {
    case .float32: layerNormBackward(Float.self, rows, n, x, weight, g, mean, rstd, dx)
    case .float64: layerNormBackward(Double.self, rows, n, x, weight, g, mean, rstd, dx)
    default: break
    }
}

private func layerNormBackward<T: FloatElement>(_: T.Type, _ rows: Int, _ n: Int, _ xRaw: UnsafeRawPointer, _ weightRaw: UnsafeRawPointer?,
                                                _ gRaw: UnsafeRawPointer, _ meanRaw: UnsafeRawPointer, _ rstdRaw: UnsafeRawPointer,
                                                _ dxRaw: UnsafeMutableRawPointer) {
    let x = xRaw.assumingMemoryBound(to: T.self), g = gRaw.assumingMemoryBound(to: T.self)
    let weight = weightRaw?.assumingMemoryBound(to: T.self), dx = dxRaw.assumingMemoryBound(to: T.self)
    let means = meanRaw.assumingMemoryBound(to: T.self), rstds = rstdRaw.assumingMemoryBound(to: T.self)
    Parallel.forEachChunk(rows, costPerItem: n &* 6) { chunk in
        for r in chunk {
            let row = x + r * n, grad = g + r * n, target = dx + r * n
            let mean = means[r].doubleValue, rstd = rstds[r].doubleValue
            let gw: (Int) -> Double = { j in weight.map { grad[j].doubleValue * $0[j].doubleValue } ?? grad[j].doubleValue }
            let sumGW = laneSum(n) { gw($0) }
            let sumGWX = laneSum(n) { j in gw(j) * (row[j].doubleValue - mean) * rstd }
            let meanGW = T(double: sumGW / Double(n)), meanGWX = T(double: sumGWX / Double(n))
            let scale = T(double: rstd), centre = T(double: mean)
            if let weight {
                for j in 0..<n { target[j] = scale * (grad[j] * weight[j] - meanGW - (row[j] - centre) * scale * meanGWX) }
            } else {
                for j in 0..<n { target[j] = scale * (grad[j] - meanGW - (row[j] - centre) * scale * meanGWX) }
            }
        }
    }
}
