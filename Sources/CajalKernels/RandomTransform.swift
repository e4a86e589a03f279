import CajalRuntime

// torch's vectorised normal sampler turns uniforms into normals 16 at a time:
// Box–Muller between element j and j + 8 of each block.

/// Transforms `count` uniforms in [0, 1) (a multiple of 16) into normal(mean, std) values in place.
@Sendable func boxMullerKernel(_ kind: DType, _ data: UnsafeMutableRawPointer, _ count: Int, _ mean: Double, _ std: Double) {
    if kind == .float64 {
        boxMuller(data.assumingMemoryBound(to: Double.self), count, mean, std)
    } else {
        boxMuller(data.assumingMemoryBound(to: Float.self), count, Float(mean), Float(std))
    }
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
