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
                    fillBoxMuller(o, count, Float(mean), Float(std)) { generator.uniformFloat() }
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

    private static func fillBoxMuller<T: FloatElement>(_ data: UnsafeMutablePointer<T>, _ count: Int, _ mean: T, _ std: T,
                                                       _ uniform: () -> T) {
        for i in 0..<count { data[i] = uniform() }
        var i = 0
        while i + 16 <= count {
            transform16(data + i, mean, std)
            i += 16
        }
        if count % 16 != 0 {
            // torch redraws the last 16 slots and transforms them again.
            let tail = data + count - 16
            for j in 0..<16 { tail[j] = uniform() }
            transform16(tail, mean, std)
        }
    }

    @inline(__always)
    private static func transform16<T: FloatElement>(_ data: UnsafeMutablePointer<T>, _ mean: T, _ std: T) {
        for j in 0..<8 {
            let u1 = 1 - data[j]  // [0, 1) -> (0, 1] for the log
            let u2 = data[j + 8]
            let radius = T.sqrt(-2 * T.log(u1))
            let theta = T(2.0 * Double.pi * u2.doubleValue)
            data[j] = radius * T.cos(theta) * std + mean
            data[j + 8] = radius * T.sin(theta) * std + mean
        }
    }
}
