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
            case .int64, .bool:
                break  // rejected by the op
            }
        }
    }

    /// Where bernoulli_(p) with a number p draws: torch's CPU build takes MKL's
    /// stream on Intel CPUs and the generator's own draws elsewhere; cajal
    /// does the same (cajal_set_bernoulli_stream picks the other one, to
    /// reproduce a run made on the other kind of CPU).
    package static let bernoulliStream = Mutex<BernoulliStream>(cajal_cpu_is_intel() != 0 ? .mkl : .mt19937)

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
                writeBits(dtype, out, count) { _ in generator.uniformDouble() < p }
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
            case .int64, .bool:
                break  // rejected by the op
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
                    fillBoxMuller(o, count, mean, std) { generator.uniformFloat() }
                } else {
                    for i in 0..<count { o[i] = Float(generator.normalDouble() * std + mean) }
                }
            case .float64:
                let o = out.assumingMemoryBound(to: Double.self)
                if count >= 16 {
                    fillBoxMuller(o, count, mean, std) { generator.uniformDouble() }
                } else {
                    for i in 0..<count { o[i] = generator.normalDouble() * std + mean }
                }
            case .int64, .bool:
                break
            }
        }
    }

    /// torch's vectorised sampler: all the uniforms first, then 16 at a time
    /// to normals; a tail shorter than 16 redraws the last 16 slots and
    /// transforms them again.
    private static func fillBoxMuller<T: FloatElement>(_ data: UnsafeMutablePointer<T>, _ count: Int, _ mean: Double,
                                                       _ std: Double, _ uniform: () -> T) {
        for i in 0..<count { data[i] = uniform() }
        kernels.boxMuller(T.dtype, data, count / 16 * 16, mean, std)
        if count % 16 != 0 {
            let tail = data + count - 16
            for j in 0..<16 { tail[j] = uniform() }
            kernels.boxMuller(T.dtype, tail, 16, mean, std)
        }
    }
}
