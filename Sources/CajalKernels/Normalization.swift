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

/// The gradients (float types): (kind, rows, n, x, weight?, g, mean, rstd, dx, dweight?, dbias?):
/// dx = rstd (gw - mean(gw) - x̂ mean(gw x̂)), gw = g · weight, x̂ = (x - mean) rstd;
/// dweight = Σ_rows g x̂ and dbias = Σ_rows g when asked for (n values each).
@Sendable func layerNormBackwardKernel(_ kind: DType, _ rows: Int, _ n: Int, _ x: UnsafeRawPointer, _ weight: UnsafeRawPointer?,
                                       _ g: UnsafeRawPointer, _ mean: UnsafeRawPointer, _ rstd: UnsafeRawPointer,
                                       _ dx: UnsafeMutableRawPointer, _ dWeight: UnsafeMutableRawPointer?,
                                       _ dBias: UnsafeMutableRawPointer?) {
    switch kind {
    case .float32: layerNormBackward(Float.self, rows, n, x, weight, g, mean, rstd, dx, dWeight, dBias)
    case .float64: layerNormBackward(Double.self, rows, n, x, weight, g, mean, rstd, dx, dWeight, dBias)
    default: break
    }
}

/// The rows go in a fixed number of parts, each summing its rows' dweight
/// and dbias terms in double, added part by part at the end: the sums do not
/// depend on the thread count. (Four ops and three temporaries over the
/// whole input before, a third of LayerNorm's backward.)
private func layerNormBackward<T: FloatElement>(_: T.Type, _ rows: Int, _ n: Int, _ xRaw: UnsafeRawPointer, _ weightRaw: UnsafeRawPointer?,
                                                _ gRaw: UnsafeRawPointer, _ meanRaw: UnsafeRawPointer, _ rstdRaw: UnsafeRawPointer,
                                                _ dxRaw: UnsafeMutableRawPointer, _ dWeightRaw: UnsafeMutableRawPointer?,
                                                _ dBiasRaw: UnsafeMutableRawPointer?) {
    let x = xRaw.assumingMemoryBound(to: T.self), g = gRaw.assumingMemoryBound(to: T.self)
    let weight = weightRaw?.assumingMemoryBound(to: T.self), dx = dxRaw.assumingMemoryBound(to: T.self)
    let means = meanRaw.assumingMemoryBound(to: T.self), rstds = rstdRaw.assumingMemoryBound(to: T.self)
    let dWeight = dWeightRaw?.assumingMemoryBound(to: T.self), dBias = dBiasRaw?.assumingMemoryBound(to: T.self)
    let parts = Swift.min(64, Swift.max(1, rows / 16))
    // Per part: n dweight sums, then n dbias sums.
    let sums = UnsafeMutablePointer<Double>.allocate(capacity: (dWeight != nil || dBias != nil) ? parts * 2 * n : 0)
    defer { sums.deallocate() }
    if dWeight != nil || dBias != nil { sums.initialize(repeating: 0, count: parts * 2 * n) }
    Parallel.forEachChunk(parts, costPerItem: Parallel.cost(rows / parts, n &* 8), grain: Parallel.elementwiseGrain) { chunk in
        for part in chunk {
            let weightSums = sums + part * 2 * n, biasSums = weightSums + n
            for r in (rows * part / parts)..<(rows * (part + 1) / parts) {
                let row = x + r * n, grad = g + r * n, target = dx + r * n
                let mean = means[r].doubleValue, rstd = rstds[r].doubleValue
                let sumGW: Double, sumGWX: Double
                if let weight {
                    sumGW = laneSum(n) { grad[$0].doubleValue * weight[$0].doubleValue }
                    sumGWX = laneSum(n) { j in grad[j].doubleValue * weight[j].doubleValue * (row[j].doubleValue - mean) * rstd }
                } else {
                    sumGW = laneSum(n) { grad[$0].doubleValue }
                    sumGWX = laneSum(n) { j in grad[j].doubleValue * (row[j].doubleValue - mean) * rstd }
                }
                let meanGW = T(double: sumGW / Double(n)), meanGWX = T(double: sumGWX / Double(n))
                let scale = T(double: rstd), centre = T(double: mean)
                if let weight {
                    for j in 0..<n { target[j] = scale * (grad[j] * weight[j] - meanGW - (row[j] - centre) * scale * meanGWX) }
                } else {
                    for j in 0..<n { target[j] = scale * (grad[j] - meanGW - (row[j] - centre) * scale * meanGWX) }
                }
                if dWeight != nil {
                    for j in 0..<n { weightSums[j] += grad[j].doubleValue * ((row[j].doubleValue - mean) * rstd) }
                }
                if dBias != nil {
                    for j in 0..<n { biasSums[j] += grad[j].doubleValue }
                }
            }
        }
    }
    for j in 0..<n {
        if let dWeight {
            var total = 0.0
            for part in 0..<parts { total += sums[part * 2 * n + j] }
            dWeight[j] = T(double: total)
        }
        if let dBias {
            var total = 0.0
            for part in 0..<parts { total += sums[part * 2 * n + n + j] }
            dBias[j] = T(double: total)
        }
    }
}

// Batch normalisation over (batch, channels, spatial) tensors: per-channel
// statistics in double (torch's accumulate type on CPU) and the output as
// x · α + β per channel (torch's CPU arithmetic), the gradient in two passes
// (its sums, then dx). The composite made about ten passes and temporaries.

/// Per channel: the mean, then the biased variance from squared deviations (two passes, torch's order).
@Sendable func batchNormStatisticsKernel(_ kind: DType, _ blocks: ChannelBlocks, _ x: UnsafeRawPointer,
                                         _ mean: UnsafeMutablePointer<Double>, _ variance: UnsafeMutablePointer<Double>) {
    switch kind {
    case .float32: batchNormStatistics(x.assumingMemoryBound(to: Float.self), blocks, mean, variance)
    case .float64: batchNormStatistics(x.assumingMemoryBound(to: Double.self), blocks, mean, variance)
    default: break
    }
}

private func batchNormStatistics<T: FloatElement>(_ x: UnsafePointer<T>, _ blocks: ChannelBlocks, _ means: UnsafeMutablePointer<Double>,
                                                  _ variances: UnsafeMutablePointer<Double>) {
    let (spatial, plane, count) = (blocks.spatial, blocks.channels * blocks.spatial, Double(blocks.count))
    Parallel.forEachChunk(blocks.channels, costPerItem: blocks.count &* 2) { chunk in
        for c in chunk {
            var sum = 0.0
            for n in 0..<blocks.batch {
                let run = x + n * plane + c * spatial
                sum += laneSum(spatial) { run[$0].doubleValue }
            }
            let mean = sum / count
            var squares = 0.0
            for n in 0..<blocks.batch {
                let run = x + n * plane + c * spatial
                squares += laneSum(spatial) { j in
                    let d = run[j].doubleValue - mean
                    return d * d
                }
            }
            means[c] = mean
            variances[c] = squares / count
        }
    }
}

/// out = x · scale[c] + shift[c] (scale and shift: channels values of the input's type).
@Sendable func channelAffineKernel(_ kind: DType, _ blocks: ChannelBlocks, _ x: UnsafeRawPointer, _ scale: UnsafeRawPointer,
                                   _ shift: UnsafeRawPointer, _ out: UnsafeMutableRawPointer) {
    func run<T: FloatElement>(_: T.Type) {
        let (x, out) = (x.assumingMemoryBound(to: T.self), out.assumingMemoryBound(to: T.self))
        let (scale, shift) = (scale.assumingMemoryBound(to: T.self), shift.assumingMemoryBound(to: T.self))
        forEachChannelRun(blocks) { start, c, length in
            if length == 1 {  // (batch, channels): the channels of a row side by side
                for j in 0..<blocks.channels { out[start + j] = x[start + j] * scale[j] + shift[j] }
                return
            }
            let (a, b) = (scale[c], shift[c])
            for j in start..<(start + length) { out[j] = x[j] * a + b }
        }
    }
    if kind == .float64 { run(Double.self) } else if kind == .float32 { run(Float.self) }
}

/// Per channel, in double: Σ g and Σ (x - mean[c]) · g.
@Sendable func batchNormGradientSumsKernel(_ kind: DType, _ blocks: ChannelBlocks, _ x: UnsafeRawPointer, _ g: UnsafeRawPointer,
                                           _ mean: UnsafePointer<Double>, _ sumG: UnsafeMutablePointer<Double>,
                                           _ dot: UnsafeMutablePointer<Double>) {
    func run<T: FloatElement>(_: T.Type) {
        let (x, g) = (x.assumingMemoryBound(to: T.self), g.assumingMemoryBound(to: T.self))
        let (spatial, plane) = (blocks.spatial, blocks.channels * blocks.spatial)
        Parallel.forEachChunk(blocks.channels, costPerItem: blocks.count &* 2) { chunk in
            for c in chunk {
                let m = mean[c]
                var (sum, product) = (0.0, 0.0)
                for n in 0..<blocks.batch {
                    let offset = n * plane + c * spatial
                    let (xs, gs) = (x + offset, g + offset)
                    sum += laneSum(spatial) { gs[$0].doubleValue }
                    product += laneSum(spatial) { (xs[$0].doubleValue - m) * gs[$0].doubleValue }
                }
                sumG[c] = sum
                dot[c] = product
            }
        }
    }
    if kind == .float64 { run(Double.self) } else if kind == .float32 { run(Float.self) }
}

/// dx = (g - gradMean[c] - (x - mean[c]) · k[c]) · scale[c], torch's training
/// formula; coefficients holds mean, k, gradMean, scale (channels values
/// each, of the input's type).
@Sendable func batchNormInputGradientKernel(_ kind: DType, _ blocks: ChannelBlocks, _ x: UnsafeRawPointer, _ g: UnsafeRawPointer,
                                            _ coefficients: UnsafeRawPointer, _ dx: UnsafeMutableRawPointer) {
    func run<T: FloatElement>(_: T.Type) {
        let (x, g, dx) = (x.assumingMemoryBound(to: T.self), g.assumingMemoryBound(to: T.self), dx.assumingMemoryBound(to: T.self))
        let channels = blocks.channels, table = coefficients.assumingMemoryBound(to: T.self)
        let (mean, k, gradMean, scale) = (table, table + channels, table + 2 * channels, table + 3 * channels)
        forEachChannelRun(blocks) { start, c, length in
            if length == 1 {
                for j in 0..<channels {
                    dx[start + j] = (g[start + j] - gradMean[j] - (x[start + j] - mean[j]) * k[j]) * scale[j]
                }
                return
            }
            let (m, kc, gm, s) = (mean[c], k[c], gradMean[c], scale[c])
            for j in start..<(start + length) { dx[j] = (g[j] - gm - (x[j] - m) * kc) * s }
        }
    }
    if kind == .float64 { run(Double.self) } else if kind == .float32 { run(Float.self) }
}

/// Calls body(first element, channel, length) for each run of one channel's
/// values: (image, channel) runs of `spatial` values, or, when spatial is 1,
/// whole rows of `channels` values (channel 0, length 1: the body walks the row).
@inline(__always)
private func forEachChannelRun(_ blocks: ChannelBlocks, _ body: (Int, Int, Int) -> Void) {
    if blocks.spatial == 1 {
        Parallel.forEachChunk(blocks.batch, costPerItem: blocks.channels) { rows in
            for n in rows { body(n * blocks.channels, 0, 1) }
        }
        return
    }
    Parallel.forEachChunk(blocks.batch * blocks.channels, costPerItem: blocks.spatial) { runs in
        for r in runs { body(r * blocks.spatial, r % blocks.channels, blocks.spatial) }
    }
}
