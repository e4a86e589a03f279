import CajalRuntime
import Glibc

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

    /// Dropout's mask: `scale` where a uniform draw (as `uniform` makes it) is
    /// at least `probability`, else 0; the same draws as rand(...) >= p.
    package static func dropoutMask(dtype: DType, out: UnsafeMutableRawPointer, count: Int, probability: Double, scale: Double,
                            generator: Generator) {
        generator.withLock {
            switch dtype {
            case .float32:
                let o = out.assumingMemoryBound(to: Float.self), p = Float(probability), kept = Float(scale)
                generator.draws32(count) { i, draw in o[i] = Generator.unitFloat(draw) >= p ? kept : 0 }
            case .float64:
                let o = out.assumingMemoryBound(to: Double.self)
                for i in 0..<count { o[i] = generator.uniformDouble() >= probability ? scale : 0 }
            case .int64, .bool:
                break  // rejected by the op
            }
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
