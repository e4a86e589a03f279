import CajalRuntime

// Scaled dot-product attention, one (batch · head) problem per task, split
// across cores: scores = q kᵀ · scale + mask, softmax by rows, out = P v. The
// products of one head are small (L, S ~ 30-500, D ~ 8-64): register-blocked
// loops over contiguous rows beat a BLAS call per head, and the heads run in
// parallel. The weights P are written out for the backward.
//
// Vectors stay inside each helper (pointers and scalars cross the calls): a
// Vector16 argument to a call the optimizer leaves out of line travels as
// four 128-bit pieces.

/// Forward (float32): (kind, problem, q, k, v, weights (batch, L, S), out (batch, L, Dv)).
@Sendable func attentionForwardKernel(_ kind: DType, _ p: AttentionProblem, _ qRaw: UnsafeRawPointer, _ kRaw: UnsafeRawPointer,
                                      _ vRaw: UnsafeRawPointer, _ weightsRaw: UnsafeMutableRawPointer,
                                      _ outRaw: UnsafeMutableRawPointer) {
    guard kind == .float32 else { return }
    let q = qRaw.assumingMemoryBound(to: Float.self), k = kRaw.assumingMemoryBound(to: Float.self)
    let v = vRaw.assumingMemoryBound(to: Float.self), weights = weightsRaw.assumingMemoryBound(to: Float.self)
    let out = outRaw.assumingMemoryBound(to: Float.self)
    let (L, S, D, Dv) = (p.targetLength, p.sourceLength, p.headDim, p.valueDim)
    let padded = paddedLength(S)
    Parallel.forEachChunk(p.batch, costPerItem: L &* S &* (D &+ Dv &+ 8)) { heads in
        // Query rows go in blocks, each stage over the whole block: the rows
        // are independent, so the core overlaps one row's dependent chain
        // (max, exp, sum, scale) with the next one's. The mask is first laid
        // out as padded rows (-inf past S), one per head or one per query row,
        // written element by element once and then read as whole vectors:
        // adding it element by element after the vector stores of the
        // scores stalled every row on store forwarding.
        let block = Swift.min(L, 16)
        let maskPerRow = p.mask != nil && p.maskStrides.1 != 0
        let biasRows = maskPerRow ? block : 1
        withUnsafeTemporaryAllocation(of: Float.self, capacity: (D + block + biasRows) * padded) { scratch in
            guard let keysT = scratch.baseAddress else { return }
            let rows = keysT + D * padded, bias = rows + block * padded
            if p.mask == nil { paddedMaskRow(p, 0, 0, bias, padded) }
            for b in heads {
                let qb = q + b * L * D, kb = k + b * S * D, vb = v + b * S * Dv
                let pb = weights + b * L * S, ob = out + b * L * Dv
                transposePadded(kb, rows: S, columns: D, stride: padded, into: keysT)
                if p.mask != nil && !maskPerRow { paddedMaskRow(p, b, 0, bias, padded) }
                var first = 0
                while first < L {
                    let count = Swift.min(block, L - first)
                    if maskPerRow {
                        for r in 0..<count { paddedMaskRow(p, b, first + r, bias + r * padded, padded) }
                    }
                    for r in 0..<count {
                        let i = first + r
                        maskedScoreRow(qb + i * D, keysT, D, padded, p.scale, bias + (maskPerRow ? r * padded : 0),
                                       p.causal ? i : Int.max, rows + r * padded)
                    }
                    for r in 0..<count { softmaxPaddedRow(rows + r * padded, padded) }
                    for r in 0..<count {
                        let i = first + r
                        (pb + i * S).update(from: rows + r * padded, count: S)
                        weightedSum(rows + r * padded, 1, vb, S, Dv, ob + i * Dv)
                    }
                    first += count
                }
            }
        }
    }
}

/// Backward (float32): (kind, problem, q, k, v, weights, gradOut, dq, dk, dv).
/// dV = Pᵀ dO; dP = dO vᵀ; dS = P (dP - Σ P dP) · scale; dQ = dS k; dK = dSᵀ q.
@Sendable func attentionBackwardKernel(_ kind: DType, _ p: AttentionProblem, _ qRaw: UnsafeRawPointer, _ kRaw: UnsafeRawPointer,
                                       _ vRaw: UnsafeRawPointer, _ weightsRaw: UnsafeRawPointer, _ gRaw: UnsafeRawPointer,
                                       _ dqRaw: UnsafeMutableRawPointer, _ dkRaw: UnsafeMutableRawPointer,
                                       _ dvRaw: UnsafeMutableRawPointer) {
    guard kind == .float32 else { return }
    let q = qRaw.assumingMemoryBound(to: Float.self), k = kRaw.assumingMemoryBound(to: Float.self)
    let v = vRaw.assumingMemoryBound(to: Float.self), weights = weightsRaw.assumingMemoryBound(to: Float.self)
    let g = gRaw.assumingMemoryBound(to: Float.self)
    let dq = dqRaw.assumingMemoryBound(to: Float.self), dk = dkRaw.assumingMemoryBound(to: Float.self)
    let dv = dvRaw.assumingMemoryBound(to: Float.self)
    let (L, S, D, Dv) = (p.targetLength, p.sourceLength, p.headDim, p.valueDim)
    let padded = paddedLength(S)
    Parallel.forEachChunk(p.batch, costPerItem: L &* S &* (2 &* D &+ 2 &* Dv &+ 8)) { heads in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: Dv * padded + padded + 2 * L * S) { scratch in
            guard let valuesT = scratch.baseAddress else { return }
            let gradRow = valuesT + Dv * padded, dScores = gradRow + padded, dScoresT = dScores + L * S
            for b in heads {
                let qb = q + b * L * D, kb = k + b * S * D, vb = v + b * S * Dv, pb = weights + b * L * S, gb = g + b * L * Dv
                let dqb = dq + b * L * D, dkb = dk + b * S * D, dvb = dv + b * S * Dv
                // dV[j] = Σ_i P[i, j] dO[i]: column j of P, read with step S.
                for j in 0..<S { weightedSum(pb + j, S, gb, L, Dv, dvb + j * Dv) }
                transposePadded(vb, rows: S, columns: Dv, stride: padded, into: valuesT)
                for i in 0..<L {
                    let pRow = pb + i * S, dsRow = dScores + i * S
                    // dP[i, j] = dO[i] · v[j], then the softmax gradient, scaled.
                    scoreRow(gb + i * Dv, valuesT, Dv, padded, 1, gradRow)
                    softmaxGradientRow(pRow, gradRow, S, p.scale, dsRow)
                    weightedSum(dsRow, 1, kb, S, D, dqb + i * D)
                }
                transposePadded(dScores, rows: L, columns: S, stride: L, into: dScoresT)
                for j in 0..<S { weightedSum(dScoresT + j * L, 1, qb, L, D, dkb + j * D) }
            }
        }
    }
}

/// S rounded up to whole vectors: score rows are computed over the padding
/// (zeros in the transposed operand) so that every load is a full vector.
@inline(__always)
private func paddedLength(_ n: Int) -> Int { (n + 15) & ~15 }

/// out[c * stride + r] = x[r * columns + c] for a row-major (rows x columns)
/// x; columns stride-1 ... stride past `rows` are zero.
@inline(never)
private func transposePadded(_ x: UnsafePointer<Float>, rows: Int, columns: Int, stride: Int, into out: UnsafeMutablePointer<Float>) {
    for c in 0..<columns {
        let target = out + c * stride
        for r in 0..<rows { target[r] = x[r * columns + c] }
        if stride > rows { (target + rows).update(repeating: 0, count: stride - rows) }
    }
}

/// row[j] = scale · Σ_d a[d] bT[d · n + j] for j < n (a multiple of 16), the
/// sums of 16 neighbouring j in one register across the depth.
@inline(never)
private func scoreRow(_ a: UnsafePointer<Float>, _ bT: UnsafePointer<Float>, _ depth: Int, _ n: Int, _ scale: Float,
                      _ row: UnsafeMutablePointer<Float>) {
    var j = 0
    while j < n {
        var acc = Vector16()
        for d in 0..<depth { acc += Vector16(repeating: a[d]) * UnsafeRawPointer(bT + d * n + j).loadUnaligned(as: Vector16.self) }
        UnsafeMutableRawPointer(row + j).storeBytes(of: acc * scale, as: Vector16.self)
        j += 16
    }
}

/// The additive mask of query row i of head b (zeros without one), then
/// -inf up to `padded`.
private func paddedMaskRow(_ p: AttentionProblem, _ b: Int, _ i: Int, _ out: UnsafeMutablePointer<Float>, _ padded: Int) {
    let S = p.sourceLength
    if let mask = p.mask?.assumingMemoryBound(to: Float.self) {
        let base = mask + (b * p.maskStrides.0 + i * p.maskStrides.1), step = p.maskStrides.2
        for j in 0..<S { out[j] = base[j * step] }
    } else {
        out.update(repeating: 0, count: S)
    }
    (out + S).update(repeating: -.infinity, count: padded - S)
}

/// row[j] = scale · Σ_d a[d] bT[d · n + j] + bias[j] for j < n (a multiple
/// of 16), and -inf for j > lastAllowed (causal attention): the same
/// arithmetic as scoreRow then maskRow, all in registers.
@inline(never)
private func maskedScoreRow(_ a: UnsafePointer<Float>, _ bT: UnsafePointer<Float>, _ depth: Int, _ n: Int, _ scale: Float,
                            _ bias: UnsafePointer<Float>, _ lastAllowed: Int, _ row: UnsafeMutablePointer<Float>) {
    let lanes = Vector16(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
    var j = 0
    while j < n {
        var acc = Vector16()
        for d in 0..<depth { acc += Vector16(repeating: a[d]) * UnsafeRawPointer(bT + d * n + j).loadUnaligned(as: Vector16.self) }
        var scores = acc * scale + UnsafeRawPointer(bias + j).loadUnaligned(as: Vector16.self)
        if lastAllowed < j + 15 { scores.replace(with: -.infinity, where: lanes .> Float(lastAllowed - j)) }
        UnsafeMutableRawPointer(row + j).storeBytes(of: scores, as: Vector16.self)
        j += 16
    }
}

/// Adds the mask, and -inf where causality forbids.
@inline(__always)
private func maskRow(_ p: AttentionProblem, _ b: Int, _ i: Int, _ row: UnsafeMutablePointer<Float>) {
    let S = p.sourceLength
    if let mask = p.mask?.assumingMemoryBound(to: Float.self) {
        let base = mask + (b * p.maskStrides.0 + i * p.maskStrides.1), step = p.maskStrides.2
        if step == 1 {
            for j in 0..<S { row[j] += base[j] }
        } else {
            for j in 0..<S { row[j] += base[j * step] }
        }
    }
    if p.causal && i + 1 < S {
        for j in (i + 1)..<S { row[j] = -.infinity }
    }
}

/// ds[j] = P[j] (dP[j] - Σ P dP) · scale: softmax's gradient on one row.
@inline(never)
private func softmaxGradientRow(_ pRow: UnsafePointer<Float>, _ dP: UnsafePointer<Float>, _ n: Int, _ scale: Float,
                                _ ds: UnsafeMutablePointer<Float>) {
    // Σ P dP in eight partial sums: one running sum chained every row's 30
    // or so dependent adds.
    var partial = SIMD8<Float>()
    var j = 0
    while j + 8 <= n {
        partial += UnsafeRawPointer(pRow + j).loadUnaligned(as: SIMD8<Float>.self)
            * UnsafeRawPointer(dP + j).loadUnaligned(as: SIMD8<Float>.self)
        j += 8
    }
    var total = partial.sum()
    while j < n {
        total += pRow[j] * dP[j]
        j += 1
    }
    for j in 0..<n { ds[j] = pRow[j] * (dP[j] - total) * scale }
}

/// out[0..<width] = Σ_j weights[j · step] rows[j] (rows of `width`,
/// contiguous), the sums held in registers: 16 columns, then 8, then one at a time.
@inline(never)
private func weightedSum(_ weights: UnsafePointer<Float>, _ step: Int, _ rows: UnsafePointer<Float>, _ count: Int, _ width: Int,
                         _ out: UnsafeMutablePointer<Float>) {
    var c = 0
    while c + 16 <= width {
        var acc = Vector16()
        for j in 0..<count {
            acc += Vector16(repeating: weights[j * step]) * UnsafeRawPointer(rows + j * width + c).loadUnaligned(as: Vector16.self)
        }
        UnsafeMutableRawPointer(out + c).storeBytes(of: acc, as: Vector16.self)
        c += 16
    }
    while c + 8 <= width {
        // Four partial sums over j: small heads (8 wide) otherwise wait on
        // one chain of `count` dependent adds.
        @inline(__always) func term(_ j: Int) -> SIMD8<Float> {
            SIMD8(repeating: weights[j * step]) * UnsafeRawPointer(rows + j * width + c).loadUnaligned(as: SIMD8<Float>.self)
        }
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>(), acc2 = SIMD8<Float>(), acc3 = SIMD8<Float>()
        var j = 0
        while j + 4 <= count {
            acc0 += term(j)
            acc1 += term(j + 1)
            acc2 += term(j + 2)
            acc3 += term(j + 3)
            j += 4
        }
        while j < count {
            acc0 += term(j)
            j += 1
        }
        UnsafeMutableRawPointer(out + c).storeBytes(of: (acc0 + acc1) + (acc2 + acc3), as: SIMD8<Float>.self)
        c += 8
    }
    while c < width {
        var acc: Float = 0
        for j in 0..<count { acc += weights[j * step] * rows[j * width + c] }
        out[c] = acc
        c += 1
    }
}

// MARK: streaming (long sequences)

// For long sequences the weights (L x S per head) are not kept: the forward
// saves each query row's logsumexp, and the backward recomputes one score row
// at a time from it (P = exp(s - lse)), as flash attention does, so memory
// stays linear in the sequence length (a few rows of S per thread).

/// Forward without weights (float32): (kind, problem, q, k, v, lse (batch, L), out (batch, L, Dv)).
@Sendable func attentionStreamingForwardKernel(_ kind: DType, _ p: AttentionProblem, _ qRaw: UnsafeRawPointer,
                                               _ kRaw: UnsafeRawPointer, _ vRaw: UnsafeRawPointer,
                                               _ lseRaw: UnsafeMutableRawPointer, _ outRaw: UnsafeMutableRawPointer) {
    guard kind == .float32 else { return }
    let q = qRaw.assumingMemoryBound(to: Float.self), k = kRaw.assumingMemoryBound(to: Float.self)
    let v = vRaw.assumingMemoryBound(to: Float.self), lse = lseRaw.assumingMemoryBound(to: Float.self)
    let out = outRaw.assumingMemoryBound(to: Float.self)
    let (L, S, D, Dv) = (p.targetLength, p.sourceLength, p.headDim, p.valueDim)
    let padded = paddedLength(S)
    Parallel.forEachChunk(p.batch &* L, costPerItem: S &* (D &+ Dv &+ 12)) { rows in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: (D + 1) * padded) { scratch in
            guard let keysT = scratch.baseAddress else { return }
            let row = keysT + D * padded
            var head = -1
            for index in rows {
                let (b, i) = index.quotientAndRemainder(dividingBy: L)
                if b != head {
                    transposePadded(k + b * S * D, rows: S, columns: D, stride: padded, into: keysT)
                    head = b
                }
                scoreRow(q + (b * L + i) * D, keysT, D, padded, p.scale, row)
                maskRow(p, b, i, row)
                softmaxRow(.logSumExp, row, lse + index, S)
                softmaxRow(.softmax, row, row, S)
                weightedSum(row, 1, v + b * S * Dv, S, Dv, out + index * Dv)
            }
        }
    }
}

/// Its backward (float32): (kind, problem, q, k, v, lse, gradOut, dq, dk, dv),
/// the score rows recomputed from q, k, the mask and lse. Heads run in parallel.
@Sendable func attentionStreamingBackwardKernel(_ kind: DType, _ p: AttentionProblem, _ qRaw: UnsafeRawPointer,
                                                _ kRaw: UnsafeRawPointer, _ vRaw: UnsafeRawPointer, _ lseRaw: UnsafeRawPointer,
                                                _ gRaw: UnsafeRawPointer, _ dqRaw: UnsafeMutableRawPointer,
                                                _ dkRaw: UnsafeMutableRawPointer, _ dvRaw: UnsafeMutableRawPointer) {
    guard kind == .float32 else { return }
    let q = qRaw.assumingMemoryBound(to: Float.self), k = kRaw.assumingMemoryBound(to: Float.self)
    let v = vRaw.assumingMemoryBound(to: Float.self), lse = lseRaw.assumingMemoryBound(to: Float.self)
    let g = gRaw.assumingMemoryBound(to: Float.self)
    let dq = dqRaw.assumingMemoryBound(to: Float.self), dk = dkRaw.assumingMemoryBound(to: Float.self)
    let dv = dvRaw.assumingMemoryBound(to: Float.self)
    let (L, S, D, Dv) = (p.targetLength, p.sourceLength, p.headDim, p.valueDim)
    let padded = paddedLength(S)
    Parallel.forEachChunk(p.batch, costPerItem: L &* S &* (2 &* D &+ 2 &* Dv &+ 12)) { heads in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: (D + Dv + 2) * padded) { scratch in
            guard let keysT = scratch.baseAddress else { return }
            let valuesT = keysT + D * padded, probabilities = valuesT + Dv * padded, dScores = probabilities + padded
            for b in heads {
                let qb = q + b * L * D, kb = k + b * S * D, vb = v + b * S * Dv, gb = g + b * L * Dv
                let dqb = dq + b * L * D, dkb = dk + b * S * D, dvb = dv + b * S * Dv
                dkb.update(repeating: 0, count: S * D)
                dvb.update(repeating: 0, count: S * Dv)
                transposePadded(kb, rows: S, columns: D, stride: padded, into: keysT)
                transposePadded(vb, rows: S, columns: Dv, stride: padded, into: valuesT)
                for i in 0..<L {
                    let gRow = gb + i * Dv, qRow = qb + i * D
                    // P[i] = exp(s[i] - lse[i]), the forward's weights again.
                    scoreRow(qRow, keysT, D, padded, p.scale, probabilities)
                    maskRow(p, b, i, probabilities)
                    let shift = lse[b * L + i]
                    for j in 0..<S { probabilities[j] -= shift }
                    exponentiateRow(probabilities, padded)
                    // dV[j] += P[i, j] dO[i]; dP[i] = dO[i] vᵀ; dS = P (dP - Σ P dP) · scale.
                    for j in 0..<S { axpy(probabilities[j], gRow, dvb + j * Dv, Dv) }
                    scoreRow(gRow, valuesT, Dv, padded, 1, dScores)
                    softmaxGradientRow(probabilities, dScores, S, p.scale, dScores)
                    // dQ[i] = Σ_j dS[i, j] k[j]; dK[j] += dS[i, j] q[i].
                    weightedSum(dScores, 1, kb, S, D, dqb + i * D)
                    for j in 0..<S { axpy(dScores[j], qRow, dkb + j * D, D) }
                }
            }
        }
    }
}

/// y += a x over n contiguous elements.
@inline(never)
private func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    for d in 0..<n { y[d] += a * x[d] }
}
