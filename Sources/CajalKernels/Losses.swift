import CajalRuntime
import Glibc

// binary_cross_entropy_with_logits in one pass each way, with torch's
// formulas (aten Loss.cpp): loss = (1 - t) x - lw log σ(x), lw = (pw - 1) t + 1,
// times w; log σ(x) = min(x, 0) - log1p(e^-|x|). Gradient:
// ((pw t + 1 - t) σ(x) - pw t), or σ(x) - t without pw, times g, times w,
// divided by the count for a mean. Contiguous operands; weight and pos_weight
// already expanded to the input's shape, or nil.

/// The loss of each element (float types): (kind, loss, x, t, weight, posWeight, count).
@Sendable func binaryCrossEntropyWithLogitsKernel(_ kind: DType, _ loss: UnsafeMutableRawPointer, _ x: UnsafeRawPointer,
                                                  _ t: UnsafeRawPointer, _ w: UnsafeRawPointer?, _ pw: UnsafeRawPointer?,
                                                  _ count: Int) {
    switch kind {
    case .float32:
        let operands = LossOperands(x, t, w, pw)
        let out = loss.assumingMemoryBound(to: Float.self)
        inVectors(count, operands) { offset in
            bceWithLogitsVector(out + offset, operands.shifted(by: offset))
        } tail: { offset, remaining, lanes in
            bceWithLogitsVector(lanes.out, lanes.operands)
            (out + offset).update(from: lanes.out, count: remaining)
        }
    case .float64:
        let (out, x, t) = (loss.assumingMemoryBound(to: Double.self), x.assumingMemoryBound(to: Double.self),
                           t.assumingMemoryBound(to: Double.self))
        let (w, pw) = (w?.assumingMemoryBound(to: Double.self), pw?.assumingMemoryBound(to: Double.self))
        Parallel.forEachChunk(count, costPerItem: Parallel.transcendentalCost) { range in
            for i in range {
                var logSigmoid = Swift.min(x[i], 0) - log1p(exp(-Swift.abs(x[i])))
                if let pw { logSigmoid = ((pw[i] - 1) * t[i] + 1) * logSigmoid }
                var value = (1 - t[i]) * x[i] - logSigmoid
                if let w { value *= w[i] }
                out[i] = value
            }
        }
    default: break
    }
}

/// The input's gradient (float types): (kind, dx, x, t, weight, posWeight,
/// g, gStep (0: one value for every element), divisor, count).
@Sendable func binaryCrossEntropyWithLogitsBackwardKernel(_ kind: DType, _ dx: UnsafeMutableRawPointer, _ x: UnsafeRawPointer,
                                                          _ t: UnsafeRawPointer, _ w: UnsafeRawPointer?,
                                                          _ pw: UnsafeRawPointer?, _ g: UnsafeRawPointer, _ gStep: Int,
                                                          _ divisor: Double, _ count: Int) {
    switch kind {
    case .float32:
        let operands = LossOperands(x, t, w, pw, gradient: gStep == 0 ? nil : g)
        let out = dx.assumingMemoryBound(to: Float.self)
        let scalar = g.assumingMemoryBound(to: Float.self).pointee, divisor = Float(divisor)
        inVectors(count, operands) { offset in
            bceWithLogitsGradientVector(out + offset, operands.shifted(by: offset), scalar, divisor)
        } tail: { offset, remaining, lanes in
            bceWithLogitsGradientVector(lanes.out, lanes.operands, scalar, divisor)
            (out + offset).update(from: lanes.out, count: remaining)
        }
    case .float64:
        let (out, x, t) = (dx.assumingMemoryBound(to: Double.self), x.assumingMemoryBound(to: Double.self),
                           t.assumingMemoryBound(to: Double.self))
        let (w, pw, g) = (w?.assumingMemoryBound(to: Double.self), pw?.assumingMemoryBound(to: Double.self),
                          g.assumingMemoryBound(to: Double.self))
        Parallel.forEachChunk(count, costPerItem: Parallel.transcendentalCost) { range in
            for i in range {
                let sigmoid = 1 / (1 + exp(-x[i]))
                var value: Double
                if let pw {
                    let weighted = pw[i] * t[i]
                    value = (weighted + 1 - t[i]) * sigmoid - weighted
                } else {
                    value = sigmoid - t[i]
                }
                value *= g[i &* gStep]
                if let w { value *= w[i] }
                out[i] = divisor == 1 ? value : value / divisor
            }
        }
    default: break
    }
}

/// The float32 operands of one element run: input, target, and the optional
/// weight, pos_weight and per-element gradient.
private struct LossOperands {
    var x: UnsafePointer<Float>
    var t: UnsafePointer<Float>
    var w: UnsafePointer<Float>?
    var pw: UnsafePointer<Float>?
    var g: UnsafePointer<Float>?

    init(_ x: UnsafeRawPointer, _ t: UnsafeRawPointer, _ w: UnsafeRawPointer?, _ pw: UnsafeRawPointer?,
         gradient g: UnsafeRawPointer? = nil) {
        self.x = x.assumingMemoryBound(to: Float.self)
        self.t = t.assumingMemoryBound(to: Float.self)
        self.w = w?.assumingMemoryBound(to: Float.self)
        self.pw = pw?.assumingMemoryBound(to: Float.self)
        self.g = g?.assumingMemoryBound(to: Float.self)
    }

    func shifted(by offset: Int) -> LossOperands {
        var copy = self
        copy.x += offset
        copy.t += offset
        copy.w = w.map { $0 + offset }
        copy.pw = pw.map { $0 + offset }
        copy.g = g.map { $0 + offset }
        return copy
    }
}

/// The last few elements copied into zero-padded lanes, so every lane takes the same formula.
private struct PaddedLanes {
    let out: UnsafeMutablePointer<Float>
    let operands: LossOperands
}

/// Runs `vector` over whole vectors (in parallel chunks), then `tail` once
/// over the zero-padded remainder.
@inline(__always)
private func inVectors(_ count: Int, _ operands: LossOperands, vector: (Int) -> Void,
                       tail: (Int, Int, PaddedLanes) -> Void) {
    let vectors = count / 16
    Parallel.forEachChunk(vectors, costPerItem: 16 * Parallel.vectorMathCost) { range in
        for v in range { vector(v &* 16) }
    }
    let done = vectors &* 16, remaining = count &- done
    guard remaining > 0 else { return }
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 96) { scratch in
        guard let lanes = scratch.baseAddress else { return }
        lanes.initialize(repeating: 0, count: 96)
        func padded(_ source: UnsafePointer<Float>, _ slot: Int) -> UnsafeRawPointer {
            (lanes + 16 &* slot).update(from: source + done, count: remaining)
            return UnsafeRawPointer(lanes + 16 &* slot)
        }
        let shifted = LossOperands(padded(operands.x, 1), padded(operands.t, 2), operands.w.map { padded($0, 3) },
                                   operands.pw.map { padded($0, 4) }, gradient: operands.g.map { padded($0, 5) })
        tail(done, remaining, PaddedLanes(out: lanes, operands: shifted))
    }
}

@inline(__always)
private func load(_ p: UnsafePointer<Float>) -> Vector16 { UnsafeRawPointer(p).loadUnaligned(as: Vector16.self) }

@inline(__always)
private func store(_ v: Vector16, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector16.self) }

/// 16 elements' losses. Not inlined into the loop: a small function keeps the exp and log in whole vectors.
@inline(never)
private func bceWithLogitsVector(_ out: UnsafeMutablePointer<Float>, _ operands: LossOperands) {
    let x = load(operands.x), t = load(operands.t)
    let magnitude = x.replacing(with: -x, where: x .< 0)
    var logSigmoid = x.replacing(with: 0, where: x .> 0) - vectorLogOnePlus(vectorExp(-magnitude))
    if let pw = operands.pw { logSigmoid = ((load(pw) - 1) * t + 1) * logSigmoid }
    var loss = (1 - t) * x - logSigmoid
    if let w = operands.w { loss = loss * load(w) }
    store(loss, out)
}

/// 16 elements' input gradients; `scalar` is the gradient where operands.g is nil.
@inline(never)
private func bceWithLogitsGradientVector(_ out: UnsafeMutablePointer<Float>, _ operands: LossOperands, _ scalar: Float,
                                         _ divisor: Float) {
    let sigmoid = vectorSigmoid(load(operands.x)), t = load(operands.t)
    var d: Vector16
    if let pw = operands.pw {
        let weighted = load(pw) * t
        d = (weighted + 1 - t) * sigmoid - weighted
    } else {
        d = sigmoid - t
    }
    d = d * (operands.g.map(load) ?? Vector16(repeating: scalar))
    if let w = operands.w { d = d * load(w) }
    if divisor != 1 { d = d / divisor }
    store(d, out)
}

// MARK: nll_loss

/// nll_loss's terms per position (float types): the picked log-probability
/// negated and weighed, and the weight. Returns the target range (ignored
/// targets left out) so the caller reports a bad target; nothing is written
/// then.
@Sendable func nllLossKernel(_ kind: DType, _ problem: NllProblem, _ input: UnsafeRawPointer, _ target: UnsafeRawPointer,
                             _ weight: UnsafeRawPointer?, _ loss: UnsafeMutableRawPointer,
                             _ weights: UnsafeMutableRawPointer) -> (low: Int64, high: Int64)? {
    let range = targetRange(problem, target.assumingMemoryBound(to: Int64.self))
    if let range, range.low < 0 || range.high >= Int64(problem.classes) { return range }
    switch kind {
    case .float32: pickTerms(Float.self, problem, input, target, weight, loss, weights)
    case .float64: pickTerms(Double.self, problem, input, target, weight, loss, weights)
    default: break
    }
    return range
}

/// The lowest and highest target that is not ignored; nil when all are.
private func targetRange(_ problem: NllProblem, _ target: UnsafePointer<Int64>) -> (low: Int64, high: Int64)? {
    var low = Int64.max, high = Int64.min
    for p in 0..<(problem.outer &* problem.inner) where target[p] != problem.ignoreIndex {
        low = Swift.min(low, target[p])
        high = Swift.max(high, target[p])
    }
    return low > high ? nil : (low, high)
}

private func pickTerms<T: FloatElement>(_: T.Type, _ problem: NllProblem, _ input: UnsafeRawPointer, _ target: UnsafeRawPointer,
                                        _ weight: UnsafeRawPointer?, _ loss: UnsafeMutableRawPointer,
                                        _ weights: UnsafeMutableRawPointer) {
    let (x, t, w) = (input.assumingMemoryBound(to: T.self), target.assumingMemoryBound(to: Int64.self),
                     weight?.assumingMemoryBound(to: T.self))
    let (out, picked) = (loss.assumingMemoryBound(to: T.self), weights.assumingMemoryBound(to: T.self))
    let (classes, inner) = (problem.classes, problem.inner)
    Parallel.forEachChunk(problem.outer &* inner, costPerItem: 2) { range in
        for p in range {
            guard t[p] != problem.ignoreIndex else {
                out[p] = 0
                picked[p] = 0
                continue
            }
            let c = Int(t[p]), n = p / inner, d = p &- n &* inner
            let factor = w.map { $0[c] } ?? 1
            out[p] = -x[(n &* classes &+ c) &* inner &+ d] * factor
            picked[p] = factor
        }
    }
}

/// nll_loss's input gradient (float types; targets already checked).
@Sendable func nllLossBackwardKernel(_ kind: DType, _ problem: NllProblem, _ target: UnsafeRawPointer, _ weight: UnsafeRawPointer?,
                                     _ g: UnsafeRawPointer, _ gStep: Int, _ divisor: Double, _ dx: UnsafeMutableRawPointer) {
    switch kind {
    case .float32: scatterGradient(Float.self, problem, target, weight, g, gStep, divisor, dx)
    case .float64: scatterGradient(Double.self, problem, target, weight, g, gStep, divisor, dx)
    default: break
    }
}

/// torch's order: -(g / total weight) for a mean, then times the class weight.
private func scatterGradient<T: FloatElement>(_: T.Type, _ problem: NllProblem, _ target: UnsafeRawPointer, _ weight: UnsafeRawPointer?,
                                              _ g: UnsafeRawPointer, _ gStep: Int, _ divisor: Double, _ dx: UnsafeMutableRawPointer) {
    let (t, w, grad, out) = (target.assumingMemoryBound(to: Int64.self), weight?.assumingMemoryBound(to: T.self),
                             g.assumingMemoryBound(to: T.self), dx.assumingMemoryBound(to: T.self))
    let (classes, inner) = (problem.classes, problem.inner)
    let scale = T(double: divisor)
    Parallel.forEachChunk(problem.outer, costPerItem: classes &* inner) { range in
        let rows = range.count &* classes &* inner
        (out + range.lowerBound &* classes &* inner).initialize(repeating: 0, count: rows)
        for n in range {
            for d in 0..<inner {
                let p = n &* inner &+ d
                guard t[p] != problem.ignoreIndex else { continue }
                let c = Int(t[p])
                let value = -(divisor == 1 ? grad[p &* gStep] : grad[p &* gStep] / scale)
                out[(n &* classes &+ c) &* inner &+ d] = w.map { $0[c] * value } ?? value
            }
        }
    }
}
