import CajalCore
import CajalRuntime
/// Padding, pixel shuffle, interpolation and adaptive average pooling, built
/// from engine ops (cat, reshape, permute, index_select, matmul), so their
/// gradients come from those ops.
extension Functional {
    /// torch.nn.functional.pad, constant mode: `pads` holds (before, after)
    /// pairs for the last dims, last dim first; negative values crop.
    public static func pad(_ input: Tensor, _ pads: [Int], value: Double = 0) throws -> Tensor {
        guard pads.count % 2 == 0, pads.count / 2 <= input.rank else {
            throw CajalError.runtime("[pad] Padding length must be divisible by 2 and at most twice the number of dims (\(input.rank)), got \(pads.count)")
        }
        _ = try Arguments("pad").sizes(pads, "padding")  // at most 2^51 each: sums with a size fit
        var result = input
        for pair in 0..<(pads.count / 2) {
            let dim = input.rank - 1 - pair, before = pads[2 * pair], after = pads[2 * pair + 1]
            let size = result.shape[dim]
            guard size + before + after >= 0 else {
                throw CajalError.runtime("[pad] The input size \(size), plus negative padding \(before) and \(after) resulted in a negative output size, which is invalid. Check dimension \(dim) of your input.")
            }
            // Crop first (negative pads), then add the constant blocks.
            let start = Swift.max(-before, 0), keep = size - start - Swift.max(-after, 0)
            if start > 0 || keep < size { result = try result.narrow(dim: dim, start: start, length: Swift.max(keep, 0)) }
            var parts: [Tensor] = []
            for count in [Swift.max(before, 0), -1, Swift.max(after, 0)] {
                if count == -1 { parts.append(result); continue }
                if count == 0 { continue }
                var shape = result.shape
                shape[dim] = count
                parts.append(try Tensor.full(shape, value: value, dtype: input.dtype))
            }
            if parts.count > 1 { result = try Tensor.cat(parts, dim: dim) }
        }
        return result
    }

    /// (N, C·r², H, W) → (N, C, H·r, W·r), as torch.nn.functional.pixel_shuffle.
    public static func pixelShuffle(_ input: Tensor, upscaleFactor r: Int) throws -> Tensor {
        guard input.rank >= 3 else {
            throw CajalError.runtime("[pixel_shuffle] pixel_shuffle expects input to have at least 3 dimensions, but got input with \(input.rank) dimension(s)")
        }
        let check = Arguments("pixel_shuffle")
        guard try check.bounded(r, "upscale_factor") > 0 else {
            throw CajalError.runtime("[pixel_shuffle] pixel_shuffle expects a positive upscale_factor, but got \(r)")
        }
        let c = input.shape[input.rank - 3], h = input.shape[input.rank - 2], w = input.shape[input.rank - 1]
        let (height, width) = (try check.product(h, r, "height \(h) times upscale_factor \(r)"),
                               try check.product(w, r, "width \(w) times upscale_factor \(r)"))
        guard c % (r * r) == 0 else {
            throw CajalError.runtime("[pixel_shuffle] pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=\(c) is not divisible by \(r * r)")
        }
        let lead = Array(input.shape.dropLast(3)), k = lead.count
        let split = try input.reshape(lead + [c / (r * r), r, r, h, w])
        let order = Array(0..<k) + [k, k + 3, k + 1, k + 4, k + 2]
        return try split.permute(order).reshape(lead + [c / (r * r), height, width])
    }

    /// The interpolation modes of torch.nn.functional.interpolate that cajal
    /// has (declared with the C constants, api/00_constants.py).
    public typealias InterpolationMode = CajalCore.InterpolationMode

    /// Resizes the spatial dims (all but the first two) to `size`. `scales`
    /// (input/output ratios per dim, 0 for "from the sizes") are torch's
    /// 1/scale_factor when the caller gave a scale factor.
    public static func interpolate(_ input: Tensor, size: [Int], mode: InterpolationMode, alignCorners: Bool = false,
                                   scales: [Double] = []) throws -> Tensor {
        let spatial = input.rank - 2
        guard spatial >= 1, size.count == spatial else {
            throw CajalError.runtime("[interpolate] expected (N, C, ...) input with \(size.count) spatial dims for size \(size), got \(input.shape)")
        }
        guard input.dtype.isFloatingPoint || mode == .nearest else {
            throw CajalError.runtime("[interpolate] linear interpolation needs a floating-point input, got \(input.dtype)")
        }
        let check = Arguments("interpolate")
        guard try check.sizes(size, "size").allSatisfy({ $0 > 0 }) else {
            throw CajalError.runtime("[interpolate] output size must be positive, got \(size)")
        }
        guard scales.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw CajalError.value("[interpolate] scale factors must be positive and finite, got \(scales.map { $0 > 0 ? 1 / $0 : $0 })")
        }
        // The index and weight tables below are Swift arrays of the output size.
        try MemoryBudget.reserve(count: size.max() ?? 0, of: 3 * MemoryLayout<Int64>.stride, op: "interpolate")
        var result = input
        for d in 0..<spatial {
            let dim = 2 + d, inSize = input.shape[dim], outSize = size[d]
            let given = d < scales.count && scales[d] > 0 ? scales[d] : 0
            switch mode {
            case .nearest:
                let scale = given > 0 ? given : Double(inSize) / Double(outSize)
                // Clamped before converting: a huge scale maps past the last input.
                let index = (0..<outSize).map { Int64(Swift.min((Double($0) * scale).rounded(.down), Double(inSize - 1))) }
                result = try result.indexSelect(dim: dim, index: Tensor(index))
            case .linear:
                var low: [Int64] = [], high: [Int64] = [], weight: [Double] = []
                for o in 0..<outSize {
                    var source: Double
                    if alignCorners {
                        source = outSize > 1 ? Double(o) * Double(inSize - 1) / Double(outSize - 1) : 0
                    } else {
                        let scale = given > 0 ? given : Double(inSize) / Double(outSize)
                        source = Swift.max((Double(o) + 0.5) * scale - 0.5, 0)
                    }
                    let i0 = Int(Swift.min(source.rounded(.down), Double(inSize - 1)))
                    low.append(Int64(i0))
                    high.append(Int64(Swift.min(i0 + 1, inSize - 1)))
                    weight.append(source - Double(i0))
                }
                var shape = [Int](repeating: 1, count: input.rank)
                shape[dim] = outSize
                let lambda = try Tensor(weight).to(input.dtype).reshape(shape)
                let a = try result.indexSelect(dim: dim, index: Tensor(low))
                let b = try result.indexSelect(dim: dim, index: Tensor(high))
                result = try a.add(b.sub(a).mul(lambda))
            }
        }
        return result
    }

    /// Adaptive average pooling of the last `size.count` dims: output i
    /// averages inputs floor(i·in/out) ..< ceil((i+1)·in/out), as one matrix
    /// product per dim.
    public static func adaptiveAvgPool(_ input: Tensor, outputSize size: [Int]) throws -> Tensor {
        let k = size.count
        guard k >= 1, input.rank >= k + 1, input.rank <= k + 2 else {
            throw CajalError.runtime("[adaptive_avg_pool\(k)d] expected \(k + 1)D or \(k + 2)D input, got input of size \(input.shape)")
        }
        guard input.dtype.isFloatingPoint else {
            throw CajalError.runtime("[adaptive_avg_pool\(k)d] not implemented for \(input.dtype) input")
        }
        let check = Arguments("adaptive_avg_pool\(k)d")
        guard try check.sizes(size, "output_size").allSatisfy({ $0 > 0 }) else {
            throw CajalError.runtime("[adaptive_avg_pool\(k)d] output size must be positive, got \(size)")
        }
        var result = input
        for d in 0..<k {
            let dim = input.rank - k + d, inSize = input.shape[dim], outSize = size[d]
            guard inSize > 0 else { throw CajalError.runtime("[adaptive_avg_pool\(k)d] input of size \(input.shape) has an empty spatial dim") }
            // One averaging matrix per dim: out x in doubles.
            let entries = try check.product(outSize, inSize, "output size \(outSize) with input size \(inSize)")
            try MemoryBudget.reserve(count: entries, of: MemoryLayout<Double>.stride, op: check.op)
            var weights = [Double](repeating: 0, count: entries)
            for o in 0..<outSize {
                let start = o * inSize / outSize, end = ((o + 1) * inSize + outSize - 1) / outSize
                for i in start..<end { weights[o * inSize + i] = 1 / Double(end - start) }
            }
            let matrix = try Tensor(weights).to(input.dtype).reshape([outSize, inSize])
            // Move the dim last, multiply by the matrix's transpose, move it back.
            result = try result.movedim([dim], [-1]).matmul(matrix.t()).movedim([-1], [dim])
        }
        return result
    }
}

// MARK: spatial transformers

extension Functional {
    /// How grid_sample treats sampling points outside the input (declared
    /// with the C constants, api/00_constants.py).
    public typealias GridPadding = CajalCore.GridPadding

    /// The sampling grid (N, H, W, 2) of the affine maps theta (N, 2, 3) for
    /// an output of size (N, C, H, W), as torch.nn.functional.affine_grid.
    public static func affineGrid(_ theta: Tensor, size: [Int], alignCorners: Bool = false) throws -> Tensor {
        guard theta.rank == 3, theta.shape[1] == 2, theta.shape[2] == 3, theta.dtype.isFloatingPoint else {
            throw CajalError.value("[affine_grid] Expected a batch of 2D affine matrices of shape Nx2x3 for size \(size). Got \(theta.shape).")
        }
        guard size.count == 4, size[0] == theta.shape[0], size[2] > 0, size[3] > 0 else {
            throw CajalError.value("[affine_grid] affine_grid only supports 4D sizes (N, C, H, W) with N = theta's batch, got \(size) for theta \(theta.shape)")
        }
        let check = Arguments("affine_grid")
        let (h, w) = (try check.size(size[2], "height"), try check.size(size[3], "width"))
        _ = try check.product([size[0], h, w, 2], "the grid of size \(size)")
        func axis(_ n: Int) throws -> Tensor {
            if n == 1 { return try Tensor.zeros([1], dtype: theta.dtype) }
            let line = try Tensor.linspace(start: -1, end: 1, steps: n, dtype: theta.dtype)
            return alignCorners ? line : try line.mul(.scalar(Double(n - 1) / Double(n)))
        }
        let xs = try axis(w).reshape([1, w, 1]).expand([h, w, 1])
        let ys = try axis(h).reshape([h, 1, 1]).expand([h, w, 1])
        let base = try Tensor.cat([xs, ys, Tensor.ones([h, w, 1], dtype: theta.dtype)], dim: 2).reshape([1, h * w, 3])
        return try base.matmul(theta.transpose(1, 2)).reshape([size[0], h, w, 2])
    }

    /// Samples input (N, C, H, W) at grid (N, Ho, Wo, 2) points (x, y in
    /// [-1, 1]) by bilinear or nearest interpolation, as
    /// torch.nn.functional.grid_sample; differentiable in input and grid.
    public static func gridSample(_ input: Tensor, grid: Tensor, bilinear: Bool = true, padding: GridPadding = .zeros,
                                  alignCorners: Bool = false) throws -> Tensor {
        guard input.rank == 4, grid.rank == 4, grid.shape[3] == 2, grid.shape[0] == input.shape[0] else {
            throw CajalError.runtime("[grid_sample] expected input (N, C, H, W) and grid (N, H_out, W_out, 2) with one N, got \(input.shape) and \(grid.shape)")
        }
        guard input.dtype.isFloatingPoint, grid.dtype == input.dtype else {
            throw CajalError.runtime("[grid_sample] expected input and grid of one floating-point dtype, got \(input.dtype) and \(grid.dtype)")
        }
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (ho, wo) = (grid.shape[1], grid.shape[2])
        guard h > 0, w > 0 else { throw CajalError.runtime("[grid_sample] input of size \(input.shape) is empty") }
        // Pixel coordinates, then the padding rule.
        func coordinate(_ normalized: Tensor, _ size: Int) throws -> Tensor {
            var x = alignCorners ? try normalized.add(.scalar(1.0)).mul(.scalar(Double(size - 1) / 2))
                                 : try normalized.add(.scalar(1.0)).mul(.scalar(Double(size))).sub(.scalar(1.0)).mul(.scalar(0.5))
            switch padding {
            case .zeros: break
            case .border: x = try x.clamp(min: 0, max: Double(size - 1))
            case .reflection:
                let (low, high) = alignCorners ? (0.0, Double(2 * (size - 1))) : (-1.0, Double(2 * size - 1))
                x = try reflect(x, twiceLow: low, twiceHigh: high).clamp(min: 0, max: Double(size - 1))
            }
            return x
        }
        let gx = try coordinate(grid.select(dim: 3, index: 0), w)  // N x Ho x Wo
        let gy = try coordinate(grid.select(dim: 3, index: 1), h)
        let flat = try input.reshape([n, c, h * w])
        /// input at integer pixel (x, y) (tensors of N x Ho x Wo), 0 outside.
        func pixels(_ x: Tensor, _ y: Tensor) throws -> Tensor {
            let inside = try x.ge(.scalar(0.0)).logicalAnd(x.le(.scalar(Double(w - 1))))
                .logicalAnd(y.ge(.scalar(0.0))).logicalAnd(y.le(.scalar(Double(h - 1))))
            let index = try y.clamp(min: 0, max: Double(h - 1)).mul(.scalar(Double(w)))
                .add(x.clamp(min: 0, max: Double(w - 1))).to(.int64).reshape([n, 1, ho * wo]).expand([n, c, ho * wo])
            let values = try flat.gather(dim: 2, index: index).reshape([n, c, ho, wo])
            return try values.mul(inside.unsqueeze(dim: 1).to(input.dtype))
        }
        if !bilinear {
            // The nearest pixel (round half to even, as torch): input gets the gradient of the
            // pixel it gave, the grid a zero one (torch's), through a term that is 0 but connected.
            let connected = try gx.add(gy).sub(gx.add(gy).detach()).mul(.scalar(0.0)).unsqueeze(dim: 1)
            return try pixels(gx.round().detach(), gy.round().detach()).add(connected)
        }
        let (x0, y0) = (try gx.floor().detach(), try gy.floor().detach())
        let (x1, y1) = (try x0.add(.scalar(1.0)), try y0.add(.scalar(1.0)))
        let (wx1, wy1) = (try gx.sub(x0).unsqueeze(dim: 1), try gy.sub(y0).unsqueeze(dim: 1))
        let (wx0, wy0) = (try Tensor.scalar(1.0).sub(wx1), try Tensor.scalar(1.0).sub(wy1))
        return try pixels(x0, y0).mul(wx0.mul(wy0)).add(pixels(x1, y0).mul(wx1.mul(wy0)))
            .add(pixels(x0, y1).mul(wx0.mul(wy1))).add(pixels(x1, y1).mul(wx1.mul(wy1)))
    }

    /// Reflects coordinates into [low, high] (half-units: twiceLow = 2 low), as torch's grid sampler.
    private static func reflect(_ x: Tensor, twiceLow: Double, twiceHigh: Double) throws -> Tensor {
        if twiceLow == twiceHigh { return try x.mul(.scalar(0.0)) }
        let low = twiceLow / 2, span = (twiceHigh - twiceLow) / 2
        let distance = try x.sub(.scalar(low)).abs()
        let extra = try distance.fmod(.scalar(span))
        let flips = try GradMode.withDisabled { try distance.div(.scalar(span)).floor() }
        let even = try flips.fmod(.scalar(2.0)).eq(.scalar(0.0))
        return try Tensor.where(even, extra.add(.scalar(low)), Tensor.scalar(span + low).sub(extra))
    }
}
