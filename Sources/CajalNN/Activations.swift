import CajalCore
import CajalRuntime
/// The rest of torch.nn's activations and their kin: GLU, the shrinkage
/// functions, randomized leaky ReLU, alpha dropout (SELU networks) and RMS
/// normalisation. Each composes engine ops as torch's ATen op computes it.
extension Functional {
    /// a · sigmoid(b), a and b the two halves of dim (F.glu).
    public static func glu(_ input: Tensor, dim: Int = -1) throws -> Tensor {
        guard input.rank > 0 else {
            throw CajalError.runtime("[glu] glu does not support scalars because halving size must be even")
        }
        guard dim >= -input.rank, dim < input.rank else {
            throw CajalError.index("[glu] Dimension out of range (expected to be in range of [\(-input.rank), \(input.rank - 1)], but got \(dim))")
        }
        let d = dim < 0 ? dim + input.rank : dim
        guard input.shape[d] % 2 == 0 else {
            throw CajalError.runtime("[glu] Halving dimension must be even, but dimension \(d) is size \(input.shape[d])")
        }
        let half = input.shape[d] / 2
        return try input.narrow(dim: d, start: 0, length: half).mul(input.narrow(dim: d, start: half, length: half).sigmoid())
    }

    /// x where |x| > lambda, else 0 (NaN stays NaN, as torch).
    public static func hardshrink(_ input: Tensor, lambda: Double = 0.5) throws -> Tensor {
        try Tensor.where(input.abs().le(.scalar(lambda)), Tensor.scalar(0.0).to(input.dtype), input)
    }

    /// x - lambda above lambda, x + lambda below -lambda, else 0: x - clamp(x, -lambda, lambda).
    public static func softshrink(_ input: Tensor, lambda: Double = 0.5) throws -> Tensor {
        guard lambda >= 0 else {
            throw CajalError.runtime("[softshrink] lambda must be greater or equal to 0, but found to be \(lambda).")
        }
        return try input.sub(input.clamp(min: -lambda, max: lambda))
    }

    /// x - tanh(x).
    public static func tanhshrink(_ input: Tensor) throws -> Tensor { try input.sub(input.tanh()) }

    /// Randomized leaky ReLU. In training, each element <= 0 is scaled by a
    /// slope drawn uniform in [lower, upper) from the default generator, in
    /// order, as torch draws them; in evaluation the slope is (lower + upper) / 2.
    public static func rrelu(_ input: Tensor, lower: Double = 1.0 / 8, upper: Double = 1.0 / 3,
                             training: Bool = false) throws -> Tensor {
        guard lower <= upper else {
            throw CajalError.runtime("[rrelu] Lower bound should be less than or equal to the upper bound")
        }
        guard input.dtype.isFloatingPoint, !input.dtype.isComplex else {
            throw CajalError.notImplemented("[rrelu] \"rrelu_with_noise\" not implemented for '\(input.dtype.torchName)'")
        }
        guard training else { return try leakyRelu(input, negativeSlope: (lower + upper) / 2) }
        let values = try GradMode.withDisabled { try input.to(input.dtype.kernelType).contiguous() }
        let noise = try Tensor(uninitializedShape: input.shape, dtype: values.dtype, op: "rrelu")
        RandomFill.rreluNoise(input: values, out: noise.dataPointer, lower: lower, upper: upper, generator: .default)
        return try input.mul(noise.to(input.dtype))
    }

    /// Dropout that keeps a SELU network's mean and variance: dropped
    /// elements become SELU's negative saturation, and the result is
    /// rescaled (torch's alpha_dropout; feature: whole channels, as
    /// feature_alpha_dropout). The mask draws as dropout's does.
    public static func alphaDropout(_ input: Tensor, probability: Double, training: Bool = false,
                                    feature: Bool = false) throws -> Tensor {
        let op = feature ? "feature_alpha_dropout" : "alpha_dropout"
        try checkDropoutProbability(probability)
        guard training, probability > 0 else { return input }
        if probability == 1 { return try input.mul(.scalar(0.0)) }
        guard input.dtype.isFloatingPoint else {
            throw CajalError.notImplemented("[\(op)] \"check_uniform_bounds\" not implemented for '\(input.dtype.torchName)'")
        }
        if feature && input.rank < 2 {
            throw CajalError.runtime("[\(op)] Feature dropout requires at least 2 dimensions in the input")
        }
        let noiseShape = feature ? Array(input.shape.prefix(2)) + [Int](repeating: 1, count: input.rank - 2) : input.shape
        let noise = try Tensor(uninitializedShape: noiseShape, dtype: input.dtype, op: op)
        try noise.bernoulliInPlace(probability: 1 - probability)
        // torch's constants: alpha' = -SELU's scale x alpha, and the affine
        // correction a (x noise) + b that restores zero mean and unit variance.
        let alpha = 1.7580993408473766
        let a = 1 / ((alpha * alpha * probability + 1) * (1 - probability)).squareRoot()
        let b = try noise.sub(.scalar(1.0)).mul(.scalar(alpha * a)).add(.scalar(alpha * a * probability))
        return try input.mul(noise.mul(.scalar(a))).add(b)
    }

    /// x / sqrt(mean(x²) + eps) over the trailing normalized dims, times
    /// weight (F.rms_norm); eps nil is the machine epsilon of x's compute type.
    public static func rmsNorm(_ input: Tensor, normalizedShape: [Int], weight: Tensor? = nil, eps: Double? = nil) throws -> Tensor {
        let k = normalizedShape.count
        guard input.rank >= k, Array(input.shape[(input.rank - k)...]) == normalizedShape else {
            throw CajalError.runtime("[rms_norm] Given normalized_shape=\(normalizedShape), expected input with shape [*, \(normalizedShape.map(String.init).joined(separator: ", "))], but got input of size\(input.shape)")
        }
        if let weight, weight.shape != normalizedShape {
            throw CajalError.runtime("[rms_norm] Expected weight to be of same shape as normalized_shape, but got weight of shape \(weight.shape) and normalized_shape = \(normalizedShape)")
        }
        guard input.dtype.isFloatingPoint, !input.dtype.isComplex else {
            throw CajalError.runtime("[rms_norm] expected a floating-point input, got \(input.dtype)")
        }
        let compute = input.dtype.kernelType
        let epsilon = eps ?? (compute == .float64 ? Double.ulpOfOne : Double(Float.ulpOfOne))
        let x = try input.to(compute)
        let dims = Array((input.rank - k)..<input.rank)
        let scale = try x.mul(x).mean(dims: dims, keepDim: true).add(.scalar(epsilon)).rsqrt()
        let normalized = try x.mul(scale).to(input.dtype)
        return try weight.map { try normalized.mul($0) } ?? normalized
    }

    /// x / (k + alpha · mean of x² over `size` neighbouring channels)^beta
    /// (AlexNet's local response normalisation, torch's composition: a
    /// zero-padded average along the channels).
    public static func localResponseNorm(_ input: Tensor, size: Int, alpha: Double = 1e-4, beta: Double = 0.75,
                                         k: Double = 1) throws -> Tensor {
        let op = "local_response_norm"
        guard input.rank >= 3 else {
            throw CajalError.value("[\(op)] Expected 3D or higher dimensionality input (got \(input.rank) dimensions)")
        }
        guard try Arguments(op).bounded(size, "size") > 0 else { throw CajalError.value("[\(op)] size must be positive, got \(size)") }
        if input.count == 0 { return input }
        let squares = try input.mul(input), shape = input.shape
        let average: Tensor
        if input.rank == 3 {
            let padded = try pad(squares.unsqueeze(dim: 1), [0, 0, size / 2, (size - 1) / 2])
            average = try Tensor.avgPool2d(padded, kernelSize: [size, 1], stride: [1, 1]).squeeze(dim: 1)
        } else {
            let volume = try squares.reshape([shape[0], 1, shape[1], shape[2], -1])
            let padded = try pad(volume, [0, 0, 0, 0, size / 2, (size - 1) / 2])
            average = try Tensor.avgPool3d(padded, kernelSize: [size, 1, 1], stride: [1, 1, 1]).squeeze(dim: 1).reshape(shape)
        }
        return try input.div(average.mul(.scalar(alpha)).add(.scalar(k)).pow(beta))
    }

    /// The power-average pool (F.lp_pool1d/2d/3d, torch's composition):
    /// (Σ x^p over each window)^(1/p), through the average pool of x^p.
    public static func lpPool(_ input: Tensor, normType: Double, kernelSize: [Int], stride: [Int] = [], ceilMode: Bool = false,
                              spatialDims: Int) throws -> Tensor {
        let op = "lp_pool\(spatialDims)d"
        guard (1...3).contains(spatialDims) else { throw CajalError.value("[lp_pool] spatial_dims must be 1, 2 or 3, got \(spatialDims)") }
        let check = Arguments(op)
        let kernel = try check.bounded(kernelSize, "kernel_size")
        guard kernel.count == 1 || kernel.count == spatialDims else {
            throw CajalError.runtime("[\(op)] kernel_size must be a single int or \(spatialDims) ints, got \(kernel)")
        }
        let window = try check.product(kernel.count == 1 ? [Int](repeating: kernel[0], count: spatialDims) : kernel, "kernel_size")
        let powered = try input.pow(normType)
        let averaged: Tensor
        switch spatialDims {
        case 1: averaged = try Tensor.avgPool1d(powered, kernelSize: kernel, stride: stride, ceilMode: ceilMode)
        case 2: averaged = try Tensor.avgPool2d(powered, kernelSize: kernel, stride: stride, ceilMode: ceilMode)
        default: averaged = try Tensor.avgPool3d(powered, kernelSize: kernel, stride: stride, ceilMode: ceilMode)
        }
        return try averaged.sign().mul(averaged.abs().relu()).mul(.scalar(Double(window))).pow(1 / normType)
    }
}
