import CajalRuntime

// torch's vectorised normal sampler turns uniforms into normals 16 at a time:
// Box–Muller between element j and j + 8 of each block.

/// Transforms `count` uniforms in [0, 1) (a multiple of 16) into normal(mean, std) values in place.
@Sendable func boxMullerKernel(_ kind: DType, _ data: UnsafeMutableRawPointer, _ count: Int, _ mean: Double, _ std: Double) {
    if kind == .float64 {
        boxMuller(data.assumingMemoryBound(to: Double.self), count, mean, std)
    } else {
        let blocks = data.assumingMemoryBound(to: Float.self)
        for b in 0..<(count / 16) { boxMullerBlock(blocks + 16 * b, Float(mean), Float(std)) }
    }
}

/// One float32 block in vector math (vectorLog, vectorSinCos; libm per
/// element made randn 3x torch's time): lanes 0-7 give the radii, lanes 8-15
/// the angles, as torch's vectorized sampler pairs them.
@inline(never)
private func boxMullerBlock(_ block: UnsafeMutablePointer<Float>, _ mean: Float, _ std: Float) {
    let u = UnsafeRawPointer(block).loadUnaligned(as: Vector16.self)
    let radius = (-2 * vectorLog(1 - u)).squareRoot()  // lanes 0-7: u1 -> (0, 1] for the log
    let (sine, cosine) = vectorSinCos(u * (2 * Float.pi))  // lanes 8-15
    let r = radius.lowHalf
    let out = Vector16(lowHalf: r * cosine.highHalf * std + mean, highHalf: r * sine.highHalf * std + mean)
    UnsafeMutableRawPointer(block).storeBytes(of: out, as: Vector16.self)
}

private func boxMuller<T: FloatElement>(_ data: UnsafeMutablePointer<T>, _ count: Int, _ mean: T, _ std: T) {
    var block = data
    for _ in 0..<(count / 16) {
        for j in 0..<8 {
            let u1 = 1 - block[j]  // [0, 1) -> (0, 1] for the log
            let u2 = block[j + 8]
            let radius = (-2 * T.log(u1)).squareRoot()
            let theta = T(2.0 * Double.pi * u2.doubleValue)
            block[j] = radius * T.cos(theta) * std + mean
            block[j + 8] = radius * T.sin(theta) * std + mean
        }
        block += 16
    }
}

/// mt19937's tempering of `count` raw state words, in place (vectorized
/// here; the generator in the engine tempered a word per call).
@Sendable func temperWordsKernel(_ words: UnsafeMutablePointer<UInt32>, _ count: Int) {
    for k in 0..<count {
        var y = words[k]
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        words[k] = y
    }
}

/// torch's bernoulli_(p) on the mt19937 stream: mt19937's tempering of the
/// 2 x count raw state words (in place), then per element the uniform double
/// of its pair (high word first, 53 bits) below p gives 1, written as 0 or 1
/// in `kind`. In the kernel set, so both steps vectorize (in the engine the
/// tempering ran a word at a time).
@Sendable func bernoulliFromWordsKernel(_ kind: DType, _ out: UnsafeMutableRawPointer, _ words: UnsafeMutablePointer<UInt32>,
                                        _ count: Int, _ p: Double) {
    temperWordsKernel(words, 2 * count)
    @inline(__always) func bit(_ j: Int) -> Bool {
        let draw = (UInt64(words[2 * j]) << 32) | UInt64(words[2 * j + 1])
        return Double(draw & 0x1f_ffff_ffff_ffff) * 0x1p-53 < p
    }
    switch kind {
    case .float32:
        let o = out.assumingMemoryBound(to: Float.self)
        for j in 0..<count { o[j] = bit(j) ? 1 : 0 }
    case .float64:
        let o = out.assumingMemoryBound(to: Double.self)
        for j in 0..<count { o[j] = bit(j) ? 1 : 0 }
    case .int64:
        let o = out.assumingMemoryBound(to: Int64.self)
        for j in 0..<count { o[j] = bit(j) ? 1 : 0 }
    case .bool:
        let o = out.assumingMemoryBound(to: Bool.self)
        for j in 0..<count { o[j] = bit(j) }
    default: break  // storage types are drawn in their kernel type
    }
}
