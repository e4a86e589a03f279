import CajalRuntime

// Connectionist temporal classification (Graves et al. 2006) in log space,
// torch's CPU recursions step for step, one sample per task.

@Sendable func ctcForwardKernel(_ dtype: DType, _ problems: CTCProblems, _ logAlpha: UnsafeMutableRawPointer,
                                _ nll: UnsafeMutableRawPointer) {
    if dtype == .float64 {
        CTC<Double>(problems).forward(logAlpha.assumingMemoryBound(to: Double.self), nll.assumingMemoryBound(to: Double.self))
    } else {
        CTC<Float>(problems).forward(logAlpha.assumingMemoryBound(to: Float.self), nll.assumingMemoryBound(to: Float.self))
    }
}

@Sendable func ctcBackwardKernel(_ dtype: DType, _ problems: CTCProblems, _ logAlpha: UnsafeRawPointer, _ nll: UnsafeRawPointer,
                                 _ gradOut: UnsafeRawPointer, _ zeroInfinity: Bool, _ grad: UnsafeMutableRawPointer) {
    if dtype == .float64 {
        CTC<Double>(problems).backward(logAlpha.assumingMemoryBound(to: Double.self), nll.assumingMemoryBound(to: Double.self),
                                       gradOut.assumingMemoryBound(to: Double.self), zeroInfinity,
                                       grad.assumingMemoryBound(to: Double.self))
    } else {
        CTC<Float>(problems).backward(logAlpha.assumingMemoryBound(to: Float.self), nll.assumingMemoryBound(to: Float.self),
                                      gradOut.assumingMemoryBound(to: Float.self), zeroInfinity,
                                      grad.assumingMemoryBound(to: Float.self))
    }
}

private struct CTC<T: FloatElement> {
    let p: CTCProblems
    let logProbs: UnsafePointer<T>

    init(_ problems: CTCProblems) {
        p = problems
        logProbs = problems.logProbs.assumingMemoryBound(to: T.self)
    }

    /// log p_t(c) of sample b.
    @inline(__always) func lp(_ t: Int, _ b: Int, _ c: Int) -> T { logProbs[(t * p.batch + b) * p.classes + c] }

    /// The label at extended position s of sample b: blanks at even s.
    @inline(__always) func label(_ b: Int, _ s: Int) -> Int {
        s % 2 == 0 ? p.blank : Int(p.targets[p.targetStarts[b] + (s / 2) * p.targetStride])
    }

    /// log(e^a + e^b + e^c), with torch's guard for all -inf.
    @inline(__always) func logSumExp(_ a: T, _ b: T, _ c: T) -> T {
        var top = Swift.max(a, Swift.max(b, c))
        if top == -.infinity { top = 0 }
        return T.log(T.exp(a - top) + T.exp(b - top) + T.exp(c - top)) + top
    }

    /// Eq. (6)-(8): log-alphas into logAlpha[b] (time x positions, -inf
    /// where unreachable) and -log-likelihood into nll[b].
    func forward(_ logAlpha: UnsafeMutablePointer<T>, _ nll: UnsafeMutablePointer<T>) {
        Parallel.forEachChunk(p.batch, costPerItem: Swift.max(p.time * p.positions, 1), grain: 1 << 12) { samples in
            for b in samples {
                let alpha = logAlpha + b * p.time * p.positions
                let inputLength = p.inputLengths[b], targetLength = p.targetLengths[b], extended = 2 * targetLength + 1
                alpha.initialize(repeating: -.infinity, count: p.time * p.positions)
                if inputLength > 0 {
                    alpha[0] = lp(0, b, p.blank)
                    if targetLength > 0 { alpha[1] = lp(0, b, label(b, 1)) }
                }
                if inputLength > 1 {
                    for t in 1..<inputLength {
                        let previous = alpha + (t - 1) * p.positions, current = alpha + t * p.positions
                        for s in 0..<extended {
                            let c = label(b, s)
                            let stay = previous[s], step = s > 0 ? previous[s - 1] : -.infinity
                            let skip = s > 1 && label(b, s - 2) != c ? previous[s - 2] : -.infinity
                            current[s] = logSumExp(stay, step, skip) + lp(t, b, c)
                        }
                    }
                }
                if inputLength > 0 {
                    let last = alpha + (inputLength - 1) * p.positions
                    nll[b] = -logSumExp(last[2 * targetLength], targetLength > 0 ? last[2 * targetLength - 1] : -.infinity, -.infinity)
                } else {
                    nll[b] = targetLength == 0 ? 0 : .infinity
                }
            }
        }
    }

    /// Eq. (10)-(16): log-betas backward in time, Σ_s alpha beta per label
    /// collected in grad, then torch's gradient formula.
    func backward(_ logAlpha: UnsafePointer<T>, _ nll: UnsafePointer<T>, _ gradOut: UnsafePointer<T>, _ zeroInfinity: Bool,
                  _ grad: UnsafeMutablePointer<T>) {
        Parallel.forEachChunk(p.batch, costPerItem: Swift.max(p.time * (p.positions + p.classes), 1), grain: 1 << 12) { samples in
            let beta = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(p.time * p.positions, 1))
            defer { beta.deallocate() }
            for b in samples {
                @inline(__always) func g(_ t: Int, _ c: Int) -> UnsafeMutablePointer<T> { grad + (t * p.batch + b) * p.classes + c }
                let loss = nll[b]
                // Rows past the input length, and a sample whose infinite loss is zeroed, get no gradient.
                for t in 0..<p.time { g(t, 0).update(repeating: zeroInfinity && loss == .infinity ? 0 : -.infinity, count: p.classes) }
                if zeroInfinity && loss == .infinity { continue }
                let alpha = logAlpha + b * p.time * p.positions
                let inputLength = p.inputLengths[b], targetLength = p.targetLengths[b], extended = 2 * targetLength + 1
                beta.initialize(repeating: -.infinity, count: p.time * p.positions)
                if inputLength > 0 {
                    let t = inputLength - 1, row = t * p.positions
                    beta[row + 2 * targetLength] = lp(t, b, p.blank)
                    g(t, p.blank).pointee = alpha[row + 2 * targetLength] + beta[row + 2 * targetLength]
                    if targetLength > 0 {
                        let c = label(b, 2 * targetLength - 1)
                        beta[row + 2 * targetLength - 1] = lp(t, b, c)
                        g(t, c).pointee = alpha[row + 2 * targetLength - 1] + beta[row + 2 * targetLength - 1]
                    }
                }
                if inputLength > 1 {
                    for t in stride(from: inputLength - 2, through: 0, by: -1) {
                        let next = beta + (t + 1) * p.positions, current = beta + t * p.positions
                        for s in stride(from: extended - 1, through: 0, by: -1) {
                            let c = label(b, s)
                            let stay = next[s], step = s < 2 * targetLength ? next[s + 1] : -.infinity
                            let skip = s < 2 * targetLength - 1 && label(b, s + 2) != c ? next[s + 2] : -.infinity
                            current[s] = logSumExp(stay, step, skip) + lp(t, b, c)
                            // collected[t, label] log+= alpha beta
                            let both = alpha[t * p.positions + s] + current[s], slot = g(t, c)
                            if slot.pointee == -.infinity {
                                slot.pointee = both
                            } else {
                                let top = Swift.max(slot.pointee, both)
                                slot.pointee = T.log(T.exp(slot.pointee - top) + T.exp(both - top)) + top
                            }
                        }
                    }
                }
                let scale = gradOut[b]
                for t in 0..<p.time {
                    let row = g(t, 0)
                    guard t < inputLength else {
                        row.update(repeating: 0, count: p.classes)
                        continue
                    }
                    for c in 0..<p.classes {
                        let logProb = lp(t, b, c)
                        row[c] = (T.exp(logProb) - T.exp(row[c] + loss - logProb)) * scale
                    }
                }
            }
        }
    }
}
