import CCajalPlatform
import CajalRuntime
import Glibc
import Synchronization

/// Fills contiguous buffers from a `Generator` in torch's exact draw order.
package enum RandomFill {
    /// Uniform [low, high): float32 uses one 32-bit draw per element, float64 one 64-bit draw.
    static func uniform(dtype: DType, out: UnsafeMutableRawPointer, count: Int, low: Double, high: Double, generator: Generator) {
        generator.withLock {
            switch dtype {
            case .float32:
                let o = out.assumingMemoryBound(to: Float.self)
                generator.draws32(count) { i, draw in o[i] = Float(Double(Generator.unitFloat(draw)) * (high - low) + low) }
            case .float64:
                let o = out.assumingMemoryBound(to: Double.self)
                for i in 0..<count { o[i] = generator.uniformDouble() * (high - low) + low }
            default:
                break  // rejected by the op, or drawn in the kernel type
            }
        }
    }

    /// torch's rrelu noise in training: per element of a contiguous float32 or
    /// float64 input, in order, a slope drawn uniform in [lower, upper) (one
    /// 53-bit draw, torch's uniform_real_distribution<double>) where the
    /// element is <= 0, else 1.
    package static func rreluNoise(input: Tensor, out: UnsafeMutableRawPointer, lower: Double, upper: Double,
                                   generator: Generator) {
        func fill<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ o: UnsafeMutablePointer<T>) {
            for i in 0..<input.count { o[i] = x[i] <= 0 ? T(generator.uniformDouble() * (upper - lower) + lower) : 1 }
        }
        generator.withLock {
            switch input.dtype {
            case .float32: fill(input.typedPointer(Float.self), out.assumingMemoryBound(to: Float.self))
            case .float64: fill(input.typedPointer(Double.self), out.assumingMemoryBound(to: Double.self))
            default: break  // drawn in the kernel type
            }
        }
    }

    /// Where bernoulli_(p) with a number p draws: the generator's own draws,
    /// as torch 2.x takes them on every CPU (measured on an Intel Xeon with
    /// torch 2.15 and MKL present). Older torch builds took MKL's stream on
    /// Intel CPUs; cajal_set_bernoulli_stream picks it to reproduce such a run.
    package static let bernoulliStream = Mutex<BernoulliStream>(.mt19937)

    /// torch's bernoulli_(p) for a number p, as 0 or 1 in `dtype`. mt19937:
    /// one 53-bit uniform per element, 1 where it is below p. mkl: one
    /// 32-bit draw seeds MKL's MCG31m1 stream (x <- 1132489760 x mod 2^31 - 1,
    /// starting at the seed itself), whose uniforms x / (2^31 - 1) below p give 1.
    package static func bernoulli(dtype: DType, out: UnsafeMutableRawPointer, count: Int, probability p: Double,
                                  generator: Generator) {
        let stream = bernoulliStream.withLock { $0 }
        generator.withLock {
            switch stream {
            case .mt19937:
                // uniformDouble() per element, its two words drawn a block
                // at a time and turned into bits by a kernel (a call and a
                // state check per draw was most of dropout's time).
                let block = 1024, item = dtype.itemSize
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 2 * block) { words in
                    guard let words = words.baseAddress else { return }
                    var done = 0
                    while done < count {
                        let n = Swift.min(block, count - done)
                        generator.rawWords(2 * n, into: words)
                        kernels.bernoulliFromWords(dtype, out + done * item, words, n, p)
                        done += n
                    }
                }
            case .mkl:
                let modulus: UInt64 = 2_147_483_647, multiplier: UInt64 = 1_132_489_760
                var state = UInt64(generator.next32()) % modulus
                if state == 0 { state = 1 }
                writeBits(dtype, out, count) { _ in
                    defer { state = state * multiplier % modulus }
                    return Double(state) / Double(modulus) < p
                }
            }
        }
    }

    /// torch.bernoulli(probabilities): per element, a uniform in the
    /// probabilities' precision (53 bits from a 64-bit draw for float64, 24
    /// from a 32-bit draw for float32) below the element's p gives 1.
    package static func bernoulli(probabilities: Tensor, out: UnsafeMutableRawPointer, dtype: DType, generator: Generator) {
        let count = probabilities.count
        generator.withLock {
            switch probabilities.dtype {
            case .float64:
                let p = probabilities.typedPointer(Double.self)
                writeBits(dtype, out, count) { i in generator.uniformDouble() < p[i] }
            case .float32:
                let p = probabilities.typedPointer(Float.self)
                writeBits(dtype, out, count) { i in generator.uniformFloat() < p[i] }
            default:
                break  // rejected by the op, or drawn in the kernel type
            }
        }
    }

    /// out[i] = bit(i) ? 1 : 0 in `dtype`, for i in order.
    private static func writeBits(_ dtype: DType, _ out: UnsafeMutableRawPointer, _ count: Int, _ bit: (Int) -> Bool) {
        switch dtype {
        case .float32:
            let o = out.assumingMemoryBound(to: Float.self)
            for i in 0..<count { o[i] = bit(i) ? 1 : 0 }
        case .float64:
            let o = out.assumingMemoryBound(to: Double.self)
            for i in 0..<count { o[i] = bit(i) ? 1 : 0 }
        case .int64:
            let o = out.assumingMemoryBound(to: Int64.self)
            for i in 0..<count { o[i] = bit(i) ? 1 : 0 }
        case .bool:
            let o = out.assumingMemoryBound(to: Bool.self)
            for i in 0..<count { o[i] = bit(i) }
        default:
            break  // storage types are drawn in their kernel type
        }
    }

    /// Normal(mean, std). Like torch: 16 or more elements are drawn as uniforms
    /// first and turned into normals 16 at a time (Box–Muller between element
    /// j and j+8); smaller tensors use the scalar sampler with its cached pair.
    static func normal(dtype: DType, out: UnsafeMutableRawPointer, count: Int, mean: Double, std: Double, generator: Generator) {
        generator.withLock {
            switch dtype {
            case .float32:
                let o = out.assumingMemoryBound(to: Float.self)
                if count >= 16 {
                    // uniformFloat() per element, drawn a block at a time.
                    let uniforms = { (target: UnsafeMutablePointer<Float>, n: Int) in
                        generator.draws32(n) { i, draw in target[i] = Generator.unitFloat(draw) }
                    }
                    fillBoxMuller(o, count, mean, std, uniforms)
                } else {
                    for i in 0..<count { o[i] = Float(generator.normalDouble() * std + mean) }
                }
            case .float64:
                let o = out.assumingMemoryBound(to: Double.self)
                if count >= 16 {
                    fillBoxMuller(o, count, mean, std) { target, n in for i in 0..<n { target[i] = generator.uniformDouble() } }
                } else {
                    for i in 0..<count { o[i] = generator.normalDouble() * std + mean }
                }
            default:
                break  // rejected by the op, or drawn in the kernel type
            }
        }
    }

    /// torch's vectorised sampler: all the uniforms first, then 16 at a time
    /// to normals; a tail shorter than 16 redraws the last 16 slots and
    /// transforms them again.
    private static func fillBoxMuller<T: FloatElement>(_ data: UnsafeMutablePointer<T>, _ count: Int, _ mean: Double,
                                                       _ std: Double, _ uniforms: (UnsafeMutablePointer<T>, Int) -> Void) {
        uniforms(data, count)
        kernels.boxMuller(T.dtype, data, count / 16 * 16, mean, std)
        if count % 16 != 0 {
            let tail = data + count - 16
            uniforms(tail, 16)
            kernels.boxMuller(T.dtype, tail, 16, mean, std)
        }
    }
}

// MARK: gamma samples

extension RandomFill {
    /// torch's CPU sampler of Gamma(alpha, 1) (Marsaglia and Tsang), with its
    /// draws: double uniforms, and double normals from the generator's cached
    /// Box-Muller pair. `T` is the type torch keeps alpha in: alpha's own
    /// arithmetic (the boost below 1, alpha - 1/3 with float's 1/3) happens
    /// there, the rest in double, as in torch's sample_gamma.
    static func sampleGamma<T: FloatElement>(_ alpha: T, _ generator: Generator) -> Double {
        // A negative or NaN concentration would keep the rejection loop below
        // from ever accepting (torch's loops forever there): it gives NaN.
        guard alpha >= 0 else { return .nan }
        var alpha = alpha, scale = 1.0
        if alpha < 1 {
            if alpha == 0 { return 0 }
            scale *= Glibc.pow(1 - generator.uniformDouble(), (T.one / alpha).doubleValue)
            alpha += T.one
        }
        let d = (alpha - T(double: Double(Float(1) / Float(3)))).doubleValue
        let c = 1 / (9 * d).squareRoot()
        let squeeze = Double(Float(0.0331))
        // Each try accepts with probability above 0.95, so a thousand
        // rejections in a row only come from a degenerate generator state
        // (set_state with all zeros draws 0 forever: found by the C fuzzer).
        for _ in 0..<1000 {
            var x = 0.0, y = 0.0
            var draws = 0
            repeat {
                x = generator.normalDouble()
                y = 1 + c * x
                draws += 1
            } while y <= 0 && draws < 1000
            let v = y * y * y, u = 1 - generator.uniformDouble(), xx = x * x
            if u < 1 - squeeze * xx * xx { return scale * d * v }
            if Glibc.log(u) < 0.5 * xx + d * (1 - v + Glibc.log(v)) { return scale * d * v }
        }
        return .nan
    }

    /// torch._standard_gamma: one sample per element of the contiguous
    /// `alpha`, at least the dtype's smallest normal number.
    static func standardGamma(alpha: Tensor, out: UnsafeMutableRawPointer, generator: Generator) {
        generator.withLock {
            switch alpha.dtype {
            case .float32:
                let a = alpha.typedPointer(Float.self), o = out.assumingMemoryBound(to: Float.self)
                for i in 0..<alpha.count { o[i] = Swift.max(Float.leastNormalMagnitude, Float(sampleGamma(a[i], generator))) }
            case .float64:
                let a = alpha.typedPointer(Double.self), o = out.assumingMemoryBound(to: Double.self)
                for i in 0..<alpha.count { o[i] = Swift.max(Double.leastNormalMagnitude, sampleGamma(a[i], generator)) }
            default:
                break  // rejected by the op, or drawn in the kernel type
            }
        }
    }

    /// torch._sample_dirichlet: gamma samples in double (alpha read as a
    /// double), each row divided by its sum, then cast and kept inside
    /// (smallest normal, the largest value below 1).
    static func dirichlet(alpha: Tensor, out: UnsafeMutableRawPointer, generator: Generator) {
        let count = alpha.count, row = Swift.max(alpha.shape.last ?? 1, 1)
        var gammas = [Double](repeating: 0, count: count)
        generator.withLock {
            for i in 0..<count {
                let a = alpha.dtype == .float32 ? Double(alpha.typedPointer(Float.self)[i]) : alpha.typedPointer(Double.self)[i]
                gammas[i] = Swift.max(Double.leastNormalMagnitude, sampleGamma(a, generator))
            }
        }
        for start in stride(from: 0, to: count, by: row) {
            let total = gammas[start..<start + row].reduce(0, +)
            for i in start..<start + row {
                let ratio = gammas[i] / total
                switch alpha.dtype {
                case .float32:
                    out.assumingMemoryBound(to: Float.self)[i] = Swift.min(Float(1).nextDown, Swift.max(Float.leastNormalMagnitude, Float(ratio)))
                default:
                    out.assumingMemoryBound(to: Double.self)[i] = Swift.min(Double(1).nextDown, Swift.max(Double.leastNormalMagnitude, ratio))
                }
            }
        }
    }
}
