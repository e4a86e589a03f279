import CajalRuntime

// The optimizers' per-element update loops (float types), compiled per
// instruction set. The arithmetic follows torch's single-tensor
// implementations term by term, in the parameter's dtype, so that 20-step
// trajectories match torch's (Tests/reference/fixtures/optim.json).

/// Applies `rule` to count elements of the parameter p in place, reading the
/// gradient g and updating the state tensors (see OptimizerRule for their order).
@Sendable func optimizerUpdateKernel(_ rule: OptimizerRule, _ kind: DType, _ count: Int, _ p: UnsafeMutableRawPointer,
                                     _ g: UnsafeRawPointer, _ states: [UnsafeMutableRawPointer]) {
    if kind == .float64 {
        OptimizerUpdate.apply(rule, count, p.assumingMemoryBound(to: Double.self), g.assumingMemoryBound(to: Double.self),
                              states.map { $0.assumingMemoryBound(to: Double.self) })
    } else {
        OptimizerUpdate.apply(rule, count, p.assumingMemoryBound(to: Float.self), g.assumingMemoryBound(to: Float.self),
                              states.map { $0.assumingMemoryBound(to: Float.self) })
    }
}

private enum OptimizerUpdate {
    static func apply<T: BinaryFloatingPoint>(_ rule: OptimizerRule, _ n: Int, _ p: UnsafeMutablePointer<T>,
                                              _ g: UnsafePointer<T>, _ s: [UnsafeMutablePointer<T>]) {
        switch rule {
        case let .sgd(lr, momentum, dampening, weightDecay, nesterov, maximize, fresh):
            let wd = T(weightDecay), mom = T(momentum), damp = 1 - T(dampening), step = -T(lr)
            let buf = s.first
            for j in 0..<n {
                var d = maximize ? -g[j] : g[j]
                if weightDecay != 0 { d += wd * p[j] }
                if let buf {
                    buf[j] = fresh ? d : mom * buf[j] + damp * d
                    d = nesterov ? d + mom * buf[j] : buf[j]
                }
                p[j] += step * d
            }

        case let .adam(moments, stepSize, bias2Sqrt, eps, amsgrad):
            if T.self == Float.self, !amsgrad {
                adamFloat(Moments<Float>(moments), Float(-stepSize), Float(bias2Sqrt), Float(eps), n,
                          UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self),
                          UnsafeRawPointer(g).assumingMemoryBound(to: Float.self),
                          UnsafeMutableRawPointer(s[0]).assumingMemoryBound(to: Float.self),
                          UnsafeMutableRawPointer(s[1]).assumingMemoryBound(to: Float.self))
                return
            }
            let k = Moments<T>(moments), m = s[0], v = s[1], vmax = amsgrad ? s[2] : nil
            let b2s = T(bias2Sqrt), e = T(eps), size = T(-stepSize)
            for j in 0..<n {
                k.update(&p[j], g[j], &m[j], &v[j])
                var second = v[j]
                if let vmax {
                    vmax[j] = Swift.max(vmax[j], v[j])
                    second = vmax[j]
                }
                p[j] += size * (m[j] / (second.squareRoot() / b2s + e))
            }

        case let .rmsprop(lr, alpha, eps, weightDecay, momentum, centered, maximize):
            let sq = s[0], avgG = centered ? s[1] : nil, buf = momentum > 0 ? s[s.count - 1] : nil
            let wd = T(weightDecay), a = T(alpha), wa = T(1 - alpha), e = T(eps), mom = T(momentum), step = -T(lr)
            for j in 0..<n {
                var d = maximize ? -g[j] : g[j]
                if weightDecay != 0 { d += wd * p[j] }
                sq[j] = sq[j] * a + wa * d * d
                var avg: T
                if let avgG {
                    avgG[j] = lerp(avgG[j], d, wa)
                    avg = (sq[j] - avgG[j] * avgG[j]).squareRoot()
                } else {
                    avg = sq[j].squareRoot()
                }
                avg += e
                if let buf {
                    buf[j] = buf[j] * mom + d / avg
                    p[j] += step * buf[j]
                } else {
                    p[j] += step * (d / avg)
                }
            }

        case let .adagrad(lr, weightDecay, eps, maximize):
            let sum = s[0], wd = T(weightDecay), e = T(eps), size = T(-lr)
            for j in 0..<n {
                var d = maximize ? -g[j] : g[j]
                if weightDecay != 0 { d += wd * p[j] }
                sum[j] += d * d
                p[j] += size * (d / (sum[j].squareRoot() + e))
            }

        case let .adadelta(lr, rho, eps, weightDecay, maximize):
            let sq = s[0], acc = s[1]
            let wd = T(weightDecay), r = T(rho), wr = T(1 - rho), e = T(eps), step = -T(lr)
            for j in 0..<n {
                var d = maximize ? -g[j] : g[j]
                if weightDecay != 0 { d += wd * p[j] }
                sq[j] = sq[j] * r + wr * d * d
                let std = (sq[j] + e).squareRoot()
                let delta = (acc[j] + e).squareRoot() / std * d
                acc[j] = acc[j] * r + wr * delta * delta
                p[j] += step * delta
            }

        case let .nadam(moments, bias2, eps, gradientScale, averageScale):
            let k = Moments<T>(moments), m = s[0], v = s[1]
            let bc2 = T(bias2), e = T(eps), gs = T(gradientScale), ms = T(averageScale)
            for j in 0..<n {
                let d = k.update(&p[j], g[j], &m[j], &v[j])
                let denom = (v[j] / bc2).squareRoot() + e
                p[j] += gs * (d / denom)
                p[j] += ms * (m[j] / denom)
            }

        case let .radam(moments, lr, bias1, bias2Sqrt, rectification, eps):
            let k = Moments<T>(moments), m = s[0], v = s[1]
            let e = T(eps), bc1 = T(bias1), bc2Sqrt = T(bias2Sqrt), rate = T(lr), r = rectification.map { T($0) }
            for j in 0..<n {
                k.update(&p[j], g[j], &m[j], &v[j])
                let corrected = m[j] / bc1
                if let r {
                    let adaptive = bc2Sqrt / (v[j].squareRoot() + e)
                    p[j] -= corrected * rate * adaptive * r
                } else {
                    p[j] -= corrected * rate
                }
            }
        }
    }

    /// Adam without amsgrad on float32, 16 elements per step: the scalar
    /// loop's operations in the same order (IEEE per lane), so the same bits.
    static func adamFloat(_ k: Moments<Float>, _ size: Float, _ b2s: Float, _ e: Float, _ n: Int,
                          _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
                          _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>) {
        typealias V = SIMD16<Float>
        let w1 = V(repeating: k.w1), b2 = V(repeating: k.b2), w2 = V(repeating: k.w2), l2 = V(repeating: k.l2)
        let decay = V(repeating: k.decay), vb2s = V(repeating: b2s), ve = V(repeating: e), vsize = V(repeating: size)
        let oneMinusW1 = V(repeating: 1 - k.w1), nearStart = k.w1 < 0.5
        var j = 0
        while j + 16 <= n {
            var pj = UnsafeRawPointer(p + j).loadUnaligned(as: V.self)
            var d = UnsafeRawPointer(g + j).loadUnaligned(as: V.self)
            var mj = UnsafeRawPointer(m + j).loadUnaligned(as: V.self)
            var vj = UnsafeRawPointer(v + j).loadUnaligned(as: V.self)
            if k.maximize { d = -d }
            if k.decays {
                if k.decoupled { pj = pj * decay } else { d = d + l2 * pj }
            }
            mj = nearStart ? mj + w1 * (d - mj) : d - (d - mj) * oneMinusW1
            vj = vj * b2 + w2 * d * d
            pj = pj + vsize * (mj / (vj.squareRoot() / vb2s + ve))
            UnsafeMutableRawPointer(p + j).storeBytes(of: pj, as: V.self)
            UnsafeMutableRawPointer(m + j).storeBytes(of: mj, as: V.self)
            UnsafeMutableRawPointer(v + j).storeBytes(of: vj, as: V.self)
            j += 16
        }
        while j < n {
            k.update(&p[j], g[j], &m[j], &v[j])
            p[j] += size * (m[j] / (v[j].squareRoot() / b2s + e))
            j += 1
        }
    }

    /// MomentRule in the element type, applied per element.
    struct Moments<T: BinaryFloatingPoint> {
        let w1: T, b2: T, w2: T, l2: T, decay: T
        let decoupled: Bool, maximize: Bool, decays: Bool

        init(_ rule: MomentRule) {
            (w1, b2, w2) = (T(1 - rule.beta1), T(rule.beta2), T(1 - rule.beta2))
            (l2, decay) = (T(rule.weightDecay), T(1 - rule.lr * rule.weightDecay))
            (decoupled, maximize, decays) = (rule.decoupled, rule.maximize, rule.weightDecay != 0)
        }

        /// Updates p (decoupled decay), m and v in place and returns the effective gradient.
        @inline(__always) @discardableResult
        func update(_ p: inout T, _ g: T, _ m: inout T, _ v: inout T) -> T {
            var d = maximize ? -g : g
            if decays {
                if decoupled { p *= decay } else { d += l2 * p }
            }
            m = lerp(m, d, w1)
            v = v * b2 + w2 * d * d
            return d
        }
    }

    /// torch's lerp: start + weight * (end - start), from the nearer end for weight >= 0.5.
    @inline(__always)
    static func lerp<T: BinaryFloatingPoint>(_ start: T, _ end: T, _ weight: T) -> T {
        weight < 0.5 ? start + weight * (end - start) : end - (end - start) * (1 - weight)
    }
}
