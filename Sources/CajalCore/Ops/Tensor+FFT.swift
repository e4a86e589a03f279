import CCajalPlatform

/// torch.fft through FFTW (loaded at run time, as OpenBLAS is). Three
/// primitives, each the others' adjoint, so every gradient is a transform
/// again and can be differentiated once more: c2c (complex to complex), r2c
/// (real to its n / 2 + 1 non-negative bins) and c2r (back).
extension Tensor {
    /// The scale of a transform over n points: `forward` for fft and rfft, else for ifft and irfft.
    private static func scale(_ norm: FFTNorm, n: Int, forward: Bool) -> Double {
        switch norm {
        case .backward: return forward ? 1 : 1 / Double(n)
        case .forward: return forward ? 1 / Double(n) : 1
        case .ortho: return 1 / Double(n).squareRoot()
        }
    }

    /// torch.fft.fft (ifft when `inverse`) along `dim`, over n points (the dim
    /// trimmed, or zero-padded at its end).
    public func fft(n: Int? = nil, dim: Int = -1, norm: FFTNorm = .backward, inverse: Bool = false) throws -> Tensor {
        let op = inverse ? "fft_ifft" : "fft_fft"
        let (d, size) = try transformDim(dim, n ?? nil, op: op)
        let x = try to(dtype.isComplex ? dtype : transformFloat(op).complexType).resized(dim: d, to: size)
        return try Tensor.c2c(x, dim: d, inverse: inverse, scale: Tensor.scale(norm, n: size, forward: !inverse))
    }

    /// torch.fft.rfft: the n / 2 + 1 non-negative frequency bins of a real signal.
    public func rfft(n: Int? = nil, dim: Int = -1, norm: FFTNorm = .backward) throws -> Tensor {
        let op = "fft_rfft"
        guard !dtype.isComplex else { throw CajalError.runtime("[\(op)] rfft expects a real input tensor, but got \(dtype.torchName)") }
        let (d, size) = try transformDim(dim, n, op: op)
        let x = try to(transformFloat(op)).resized(dim: d, to: size)
        return try Tensor.r2c(x, dim: d, n: size, scale: Tensor.scale(norm, n: size, forward: true))
    }

    /// torch.fft.irfft: n real points (2 (bins - 1) by default) from the first
    /// n / 2 + 1 bins of a Hermitian spectrum.
    public func irfft(n: Int? = nil, dim: Int = -1, norm: FFTNorm = .backward) throws -> Tensor {
        let op = "fft_irfft"
        guard rank >= 1 else { throw CajalError.index("[\(op)] Dimension specified as \(dim) but tensor has no dimensions") }
        let d = try normalizeDim(dim, rank: rank, op: op)
        let size = n ?? 2 * (shape[d] - 1)
        guard size >= 1 else { throw CajalError.runtime("[\(op)] Invalid number of data points (\(size)) specified") }
        let type = dtype.isComplex ? dtype : try transformFloat(op).complexType
        let x = try to(type).resized(dim: d, to: size / 2 + 1)
        return try Tensor.c2r(x, dim: d, n: size, scale: Tensor.scale(norm, n: size, forward: false))
    }

    /// The float type a real input transforms in (torch's: float64 stays, the rest is float32).
    private func transformFloat(_ op: String) throws -> DType {
        if dtype == .float64 || dtype == .complex128 { return .float64 }
        guard dtype != .bool else { throw CajalError.notImplemented("[\(op)] \"\(op)\" not implemented for 'Bool'") }
        return .float32
    }

    private func transformDim(_ dim: Int, _ n: Int?, op: String) throws -> (Int, Int) {
        guard rank >= 1 else { throw CajalError.index("[\(op)] Dimension specified as \(dim) but tensor has no dimensions") }
        let d = try normalizeDim(dim, rank: rank, op: op)
        let size = n ?? shape[d]
        guard size >= 1 else { throw CajalError.runtime("[\(op)] Invalid number of data points (\(size)) specified") }
        return (d, size)
    }

    /// This tensor with `dim` trimmed or zero-padded at its end to `size` (recorded).
    func resized(dim d: Int, to size: Int) throws -> Tensor {
        let current = shape[d]
        if size == current { return self }
        if size < current { return try narrow(dim: d, start: 0, length: size) }
        var padding = shape
        padding[d] = try Arguments("fft").bounded(size - current, "n")
        return try Tensor.cat([self, Tensor.zeros(padding, dtype: dtype)], dim: d)
    }

    private enum Transform { case c2c(inverse: Bool), r2c, c2r }

    /// `scale` times FFTW's transform of every row along `dim` of x, n points a row.
    private static func transform(_ x: Tensor, _ kind: Transform, dim d: Int, n: Int, scale: Double) throws -> Tensor {
        let op = "fft"
        let rows = try GradMode.withDisabled { try x.movedim([d], [-1]).materialized() }
        let rowLength = rows.shape[rows.rank - 1], count = rowLength == 0 ? 0 : rows.count / rowLength
        let isDouble: Int32 = rows.dtype == .float64 || rows.dtype == .complex128 ? 1 : 0
        var outShape = rows.shape
        let outType: DType
        switch kind {
        case .c2c: outType = rows.dtype
        case .r2c: outShape[outShape.count - 1] = n / 2 + 1; outType = rows.dtype.complexType
        case .c2r: outShape[outShape.count - 1] = n; outType = rows.dtype.complexPartType
        }
        let out = try Tensor(uninitializedShape: outShape, dtype: outType, op: op)
        guard n <= Int(Int32.max), count <= Int(Int32.max) else {
            throw CajalError.value("[\(op)] \(count) transforms of \(n) points exceed FFTW's 32-bit sizes")
        }
        if out.count > 0 {
            let status: Int32
            switch kind {
            case .c2c(let inverse):
                status = cajal_fft_c2c(isDouble, Int32(n), Int32(count), rows.dataPointer, out.dataPointer, inverse ? 1 : 0)
            case .r2c: status = cajal_fft_r2c(isDouble, Int32(n), Int32(count), rows.dataPointer, out.dataPointer)
            case .c2r: status = cajal_fft_c2r(isDouble, Int32(n), Int32(count), rows.dataPointer, out.dataPointer)
            }
            if status == -1 {
                throw CajalError.runtime("[\(op)] FFTW is unavailable: \(isDouble == 1 ? "libfftw3.so.3" : "libfftw3f.so.3") could not be loaded (install libfftw3-double3 and libfftw3-single3)")
            }
            guard status == 0 else { throw CajalError.runtime("[\(op)] FFTW could not plan a transform of \(n) points") }
        }
        return try GradMode.withDisabled {
            let scaled = scale == 1 ? out : try (out.dtype.isComplex ? out.viewAsReal().mul(.scalar(scale)).viewAsComplex() : out.mul(.scalar(scale)))
            return try scaled.movedim([-1], [d]).contiguous()
        }
    }

    /// Complex to complex along d: its adjoint is the opposite direction, same scale.
    static func c2c(_ x: Tensor, dim d: Int, inverse: Bool, scale: Double) throws -> Tensor {
        try transform(x, .c2c(inverse: inverse), dim: d, n: x.shape[d], scale: scale)
            .recording("FftC2CBackward0", inputs: [x]) { ctx in
                [try c2c(ctx.grad.to(x.dtype), dim: d, inverse: !inverse, scale: scale)]
            }
    }

    /// Real to its n / 2 + 1 bins along d: the adjoint zero-pads the bins to n
    /// and takes the real part of the inverse-direction transform.
    static func r2c(_ x: Tensor, dim d: Int, n: Int, scale: Double) throws -> Tensor {
        try transform(x, .r2c, dim: d, n: n, scale: scale)
            .recording("FftR2CBackward0", inputs: [x]) { ctx in
                let bins = try ctx.grad.to(x.dtype.complexType).resized(dim: d, to: n)
                return [try c2c(bins, dim: d, inverse: true, scale: scale).realPart()]
            }
    }

    /// n / 2 + 1 bins to n real points along d: the adjoint is r2c with the
    /// bins that stand for two (their mirror images) doubled, as torch's.
    static func c2r(_ x: Tensor, dim d: Int, n: Int, scale: Double) throws -> Tensor {
        try transform(x, .c2r, dim: d, n: n, scale: scale)
            .recording("FftC2RBackward0", inputs: [x]) { ctx in
                let grad = try r2c(ctx.grad.to(x.dtype.complexPartType), dim: d, n: n, scale: scale)
                let bins = n / 2 + 1, doubled = n - bins
                guard doubled > 0 else { return [grad] }
                var weightShape = [Int](repeating: 1, count: grad.rank)
                weightShape[d] = bins
                let weights = try Tensor.cat([Tensor.ones([1], dtype: grad.dtype.complexPartType),
                                              Tensor.full([doubled], value: 2, dtype: grad.dtype.complexPartType),
                                              Tensor.ones([bins - 1 - doubled], dtype: grad.dtype.complexPartType)], dim: 0)
                return [try grad.mul(weights.reshape(weightShape))]
            }
    }
}
