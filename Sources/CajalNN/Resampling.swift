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

    /// How pad fills the border (declared with the C constants, api/00_constants.py).
    public typealias PadMode = CajalCore.PadMode

    /// torch.nn.functional.pad in every mode. reflect, replicate and circular
    /// pad the last 1 to 3 dims of an input with one or two more dims (as
    /// torch), each output position reading the input position its rule maps
    /// it to (an index_select per dim, whose gradient adds back); negative
    /// values crop.
    public static func pad(_ input: Tensor, _ pads: [Int], mode: PadMode, value: Double = 0) throws -> Tensor {
        if mode == .constant { return try pad(input, pads, value: value) }
        let op = "pad", padded = pads.count / 2
        guard pads.count % 2 == 0, (1...3).contains(padded), input.rank == padded + 1 || input.rank == padded + 2 else {
            throw CajalError.notImplemented("[\(op)] \(mode) padding of \(pads.count / 2) dims needs a \(padded + 1)D or \(padded + 2)D input (torch pads the last 1 to 3 dims of 2D to 5D inputs in this mode), got pad \(pads) for an input of size \(input.shape)")
        }
        _ = try Arguments(op).sizes(pads, "padding")  // |value| at most 2^51: sums with a size fit
        var result = input
        for pair in 0..<padded {
            let dim = input.rank - 1 - pair, before = pads[2 * pair], after = pads[2 * pair + 1], size = input.shape[dim]
            guard size + before + after >= 0 else {
                throw CajalError.runtime("[\(op)] The input size \(size), plus negative padding \(before) and \(after) resulted in a negative output size, which is invalid. Check dimension \(dim) of your input.")
            }
            switch mode {
            case .reflect:
                guard before < size, after < size else {
                    throw CajalError.runtime("[\(op)] Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (\(before), \(after)) at dimension \(dim) of input \(input.shape)")
                }
            case .circular:
                guard before <= size, after <= size else {
                    throw CajalError.runtime("[\(op)] Padding value causes wrapping around more than once.")
                }
            default: break
            }
            // As torch: negative values crop first, and the border is read from what is left.
            let start = Swift.max(-before, 0), kept = size - start - Swift.max(-after, 0)
            let (head, tail) = (Swift.max(before, 0), Swift.max(after, 0))
            if head == 0 && tail == 0 {
                if kept < size { result = try result.narrow(dim: dim, start: start, length: Swift.max(kept, 0)) }
                continue
            }
            guard kept > 0, mode != .reflect || (head < kept && tail < kept), mode != .circular || (head <= kept && tail <= kept) else {
                throw CajalError.runtime("[\(op)] \(mode) padding (\(before), \(after)) of dimension \(dim) of input \(input.shape) reads past what its negative padding leaves")
            }
            let outSize = kept + head + tail
            try MemoryBudget.reserve(count: outSize, of: MemoryLayout<Int64>.stride, op: op)
            let index = (0..<outSize).map { j -> Int64 in
                let i = j - head  // in the kept part, which starts at `start`
                let inside: Int
                switch mode {
                case .reflect: inside = i < 0 ? -i : (i >= kept ? 2 * (kept - 1) - i : i)
                case .circular: inside = i < 0 ? i + kept : (i >= kept ? i - kept : i)
                default: inside = Swift.min(Swift.max(i, 0), kept - 1)
                }
                return Int64(start + inside)
            }
            result = try result.indexSelect(dim: dim, index: Tensor(index))
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

    /// (*, C, H r, W r) -> (*, C r², H, W): pixel_shuffle's inverse.
    public static func pixelUnshuffle(_ input: Tensor, downscaleFactor r: Int) throws -> Tensor {
        let op = "pixel_unshuffle"
        guard input.rank >= 3 else {
            throw CajalError.runtime("[\(op)] pixel_unshuffle expects input to have at least 3 dimensions, but got input with \(input.rank) dimension(s)")
        }
        let check = Arguments(op)
        guard try check.bounded(r, "downscale_factor") > 0 else {
            throw CajalError.runtime("[\(op)] pixel_unshuffle expects a positive downscale_factor, but got \(r)")
        }
        let c = input.shape[input.rank - 3], h = input.shape[input.rank - 2], w = input.shape[input.rank - 1]
        guard h % r == 0 else {
            throw CajalError.runtime("[\(op)] pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=\(h) is not divisible by \(r)")
        }
        guard w % r == 0 else {
            throw CajalError.runtime("[\(op)] pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=\(w) is not divisible by \(r)")
        }
        let channels = try check.product([c, r, r], "channels \(c) times downscale_factor \(r) squared")
        let lead = Array(input.shape.dropLast(3)), k = lead.count
        let split = try input.reshape(lead + [c, h / r, r, w / r, r])
        let order = Array(0..<k) + [k, k + 2, k + 4, k + 1, k + 3]
        return try split.permute(order).reshape(lead + [channels, h / r, w / r])
    }

    /// (N, C, *) with the channels of `groups` groups interleaved: channel
    /// g·(C / groups) + i moves to i·groups + g (ShuffleNet's channel shuffle).
    public static func channelShuffle(_ input: Tensor, groups: Int) throws -> Tensor {
        let op = "channel_shuffle"
        guard input.rank > 2 else {
            throw CajalError.runtime("[\(op)] channel_shuffle expects input to have at least 3 dimensions, but got input with \(input.rank) dims")
        }
        guard try Arguments(op).bounded(groups, "groups") > 0 else {
            throw CajalError.runtime("[\(op)] Number of groups to divide channels in must be positive. Value of groups:\(groups)")
        }
        let channels = input.shape[1]
        guard channels % groups == 0 else {
            throw CajalError.runtime("[\(op)] Number of channels must be divisible by groups. Got \(channels) channels and \(groups) groups.")
        }
        let rest = Array(input.shape.dropFirst(2))
        return try input.reshape([input.shape[0], groups, channels / groups] + rest).transpose(1, 2).reshape(input.shape)
    }

    /// max_unpool1d/2d/3d: each input value written at its index (a position
    /// in its output plane, as max_pool returns them) of a zero output whose
    /// last `outputSize.count` dims are outputSize.
    public static func maxUnpool(_ input: Tensor, indices: Tensor, outputSize: [Int]) throws -> Tensor {
        let dims = outputSize.count, op = "max_unpooling\(dims)d"
        guard (1...3).contains(dims) else { throw CajalError.value("[max_unpool] output_size must have 1 to 3 dims, got \(dims)") }
        guard input.rank == dims + 1 || input.rank == dims + 2 else {
            throw CajalError.runtime("[\(op)] Input to max_unpooling\(dims)d should be a \(dims + 1)d or \(dims + 2)d Tensor, but got a tensor with \(input.rank) dimensions.")
        }
        guard indices.shape == input.shape, indices.dtype == .int64 else {
            throw CajalError.runtime("[\(op)] Expected shape of indices to be same as that of the input tensor (\(input.shape)) and dtype int64, but got indices tensor with shape: \(indices.shape) and dtype \(indices.dtype)")
        }
        let check = Arguments(op)
        let plane = try check.product(try check.sizes(outputSize, "output_size"), "output_size")
        guard outputSize.allSatisfy({ $0 >= 0 }) else { throw CajalError.runtime("[\(op)] output_size must be non-negative, got \(outputSize)") }
        let lead = Array(input.shape.dropLast(dims))
        let flatInput = try input.reshape(lead + [-1]), flatIndices = try indices.reshape(lead + [-1])
        if flatIndices.count > 0, try flatIndices.lt(.scalar(Int64(0))).logicalOr(flatIndices.ge(.scalar(Int64(plane)))).any().item() != 0 {
            throw CajalError.runtime("[\(op)] Found an invalid max index (output volumes are of size \(outputSize.map(String.init).joined(separator: "x")))")
        }
        let out = try Tensor.zeros(lead + [plane], dtype: input.dtype)
        return try out.scatter(dim: lead.count, index: flatIndices, source: flatInput).reshape(lead + outputSize)
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
        if mode == .linear && spatial == 2 && (input.dtype == .float32 || input.dtype == .float64)
            && input.shape[2] > 0 && input.shape[3] > 0 {
            let tables = (0..<2).map { d in
                linearTable(inSize: input.shape[2 + d], outSize: size[d], alignCorners: alignCorners,
                            given: d < scales.count && scales[d] > 0 ? scales[d] : 0)
            }
            return try Tensor.bilinearResize(input, rows: tables[0], columns: tables[1])
        }
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
                let table = linearTable(inSize: inSize, outSize: outSize, alignCorners: alignCorners, given: given)
                var shape = [Int](repeating: 1, count: input.rank)
                shape[dim] = outSize
                let lambda = try Tensor(table.weight).to(input.dtype).reshape(shape)
                let a = try result.indexSelect(dim: dim, index: Tensor(table.low.map(Int64.init)))
                let b = try result.indexSelect(dim: dim, index: Tensor(table.high.map(Int64.init)))
                result = try a.add(b.sub(a).mul(lambda))
            }
        }
        return result
    }

    /// Where output index o of a linear resize reads (torch's source index
    /// rules): the two input positions and the second one's weight.
    private static func linearTable(inSize: Int, outSize: Int, alignCorners: Bool, given: Double) -> InterpolationTable {
        var low: [Int] = [], high: [Int] = [], weight: [Double] = []
        for o in 0..<outSize {
            var source: Double
            if alignCorners {
                source = outSize > 1 ? Double(o) * Double(inSize - 1) / Double(outSize - 1) : 0
            } else {
                let scale = given > 0 ? given : Double(inSize) / Double(outSize)
                source = Swift.max((Double(o) + 0.5) * scale - 0.5, 0)
            }
            let i0 = Int(Swift.min(source.rounded(.down), Double(inSize - 1)))
            low.append(i0)
            high.append(Swift.min(i0 + 1, inSize - 1))
            weight.append(source - Double(i0))
        }
        return InterpolationTable(low: low, high: high, weight: weight)
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
    /// an output of size (N, C, H, W), or (N, D, H, W, 3) of theta (N, 3, 4)
    /// for (N, C, D, H, W), as torch.nn.functional.affine_grid. Points are
    /// (x, y[, z]): the last dim first.
    public static func affineGrid(_ theta: Tensor, size: [Int], alignCorners: Bool = false) throws -> Tensor {
        guard size.count == 4 || size.count == 5 else {
            throw CajalError.value("[affine_grid] affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size \(size).")
        }
        let dims = size.count - 2
        guard theta.rank == 3, theta.shape[1] == dims, theta.shape[2] == dims + 1, theta.dtype.isFloatingPoint else {
            throw CajalError.value("[affine_grid] Expected a batch of \(dims)D affine matrices of shape Nx\(dims)x\(dims + 1) for size \(size). Got \(theta.shape).")
        }
        guard size[0] == theta.shape[0], size[2...].allSatisfy({ $0 > 0 }) else {
            throw CajalError.value("[affine_grid] expected size (N, C, ...) with N = theta's batch and positive spatial sizes, got \(size) for theta \(theta.shape)")
        }
        let check = Arguments("affine_grid")
        let spatial = try check.sizes(Array(size[2...]), "size")
        let points = try check.product(spatial, "the grid of size \(size)")
        _ = try check.product([size[0], points, dims], "the grid of size \(size)")
        func axis(_ n: Int) throws -> Tensor {
            if n == 1 { return try Tensor.zeros([1], dtype: theta.dtype) }
            let line = try Tensor.linspace(start: -1, end: 1, steps: n, dtype: theta.dtype)
            return alignCorners ? line : try line.mul(.scalar(Double(n - 1) / Double(n)))
        }
        // One column per coordinate, x (the last spatial dim) first, then a column of ones.
        var columns: [Tensor] = []
        for d in (0..<dims).reversed() {
            var shape = [Int](repeating: 1, count: dims + 1)
            shape[d] = spatial[d]
            columns.append(try axis(spatial[d]).reshape(shape).expand(spatial + [1]))
        }
        columns.append(try Tensor.ones(spatial + [1], dtype: theta.dtype))
        let base = try Tensor.cat(columns, dim: dims).reshape([1, points, dims + 1])
        return try base.matmul(theta.transpose(1, 2)).reshape([size[0]] + spatial + [dims])
    }

    /// Samples input (N, C, H, W) at grid (N, Ho, Wo, 2) points (x, y in
    /// [-1, 1]), or input (N, C, D, H, W) at grid (N, Do, Ho, Wo, 3) points
    /// (x, y, z), by (bi/tri)linear or nearest interpolation, as
    /// torch.nn.functional.grid_sample; differentiable in input and grid.
    public static func gridSample(_ input: Tensor, grid: Tensor, bilinear: Bool = true, padding: GridPadding = .zeros,
                                  alignCorners: Bool = false) throws -> Tensor {
        let dims = input.rank - 2
        guard input.rank == 4 || input.rank == 5, grid.rank == input.rank, grid.shape[input.rank - 1] == dims,
              grid.shape[0] == input.shape[0] else {
            throw CajalError.runtime("[grid_sample] expected input (N, C, H, W) and grid (N, H_out, W_out, 2), or input (N, C, D, H, W) and grid (N, D_out, H_out, W_out, 3), with one N, got \(input.shape) and \(grid.shape)")
        }
        guard input.dtype.isFloatingPoint, grid.dtype == input.dtype else {
            throw CajalError.runtime("[grid_sample] expected input and grid of one floating-point dtype, got \(input.dtype) and \(grid.dtype)")
        }
        let (n, c) = (input.shape[0], input.shape[1])
        let spatial = Array(input.shape[2...]), outSpatial = Array(grid.shape[1..<(1 + dims)])
        let outPoints = outSpatial.reduce(1, *), inPoints = spatial.reduce(1, *)
        guard inPoints > 0 else { throw CajalError.runtime("[grid_sample] input of size \(input.shape) is empty") }
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
        // coordinates[d]: the position along spatial dim d (grid component dims - 1 - d), N x outSpatial.
        let coordinates = try (0..<dims).map { d in try coordinate(grid.select(dim: dims + 1, index: dims - 1 - d), spatial[d]) }
        let flat = try input.reshape([n, c, inPoints])
        /// input at integer positions (tensors of N x outSpatial, one per dim), 0 outside.
        func pixels(_ at: [Tensor]) throws -> Tensor {
            var inside: Tensor? = nil, index: Tensor? = nil
            for d in 0..<dims {
                let high = Double(spatial[d] - 1)
                let within = try at[d].ge(.scalar(0.0)).logicalAnd(at[d].le(.scalar(high)))
                inside = try inside.map { try $0.logicalAnd(within) } ?? within
                let clamped = try at[d].clamp(min: 0, max: high)
                index = try index.map { try $0.mul(.scalar(Double(spatial[d]))).add(clamped) } ?? clamped
            }
            guard let inside, let index else { throw CajalError.runtime("[grid_sample] no spatial dims") }
            let positions = try index.to(.int64).reshape([n, 1, outPoints]).expand([n, c, outPoints])
            let values = try flat.gather(dim: 2, index: positions).reshape([n, c] + outSpatial)
            return try values.mul(inside.unsqueeze(dim: 1).to(input.dtype))
        }
        if !bilinear {
            // The nearest pixel (round half to even, as torch): input gets the gradient of the
            // pixel it gave, the grid a zero one (torch's), through a term that is 0 but connected.
            var total = coordinates[0]
            for d in 1..<dims { total = try total.add(coordinates[d]) }
            let connected = try total.sub(total.detach()).mul(.scalar(0.0)).unsqueeze(dim: 1)
            return try pixels(coordinates.map { try $0.round().detach() }).add(connected)
        }
        // Each corner of the cell around the point, weighted by the opposite sub-volume.
        let low = try coordinates.map { try $0.floor().detach() }
        let upperWeight = try (0..<dims).map { d in try coordinates[d].sub(low[d]).unsqueeze(dim: 1) }
        let lowerWeight = try upperWeight.map { try Tensor.scalar(1.0).sub($0) }
        var result: Tensor? = nil
        for corner in 0..<(1 << dims) {
            var at: [Tensor] = [], weight: Tensor? = nil
            for d in 0..<dims {
                let upper = corner & (1 << (dims - 1 - d)) != 0
                at.append(upper ? try low[d].add(.scalar(1.0)) : low[d])
                let w = upper ? upperWeight[d] : lowerWeight[d]
                weight = try weight.map { try $0.mul(w) } ?? w
            }
            guard let weight else { continue }
            let term = try pixels(at).mul(weight)
            result = try result.map { try $0.add(term) } ?? term
        }
        guard let result else { throw CajalError.runtime("[grid_sample] no spatial dims") }
        return result
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
