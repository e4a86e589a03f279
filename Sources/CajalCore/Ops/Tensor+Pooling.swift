import CajalRuntime

/// Max and average pooling (torch.nn.functional.max_pool1d/2d, avg_pool1d/2d)
/// over the last one or two dims of (N, C, ...) or unbatched (C, ...) input.
extension Tensor {
    /// torch.nn.functional.max_pool2d with return_indices: the max of each
    /// window, and its position in the input plane (iy * W + ix).
    public static func maxPool2d(_ input: Tensor, kernelSize: [Int], stride: [Int] = [], padding: [Int] = [0],
                                 dilation: [Int] = [1], ceilMode: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try maxPool(input, kernelSize, stride, padding, dilation, ceilMode, spatialDims: 2, op: "max_pool2d")
    }

    /// torch.nn.functional.max_pool1d with return_indices.
    public static func maxPool1d(_ input: Tensor, kernelSize: [Int], stride: [Int] = [], padding: [Int] = [0],
                                 dilation: [Int] = [1], ceilMode: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try maxPool(input, kernelSize, stride, padding, dilation, ceilMode, spatialDims: 1, op: "max_pool1d")
    }

    /// torch.nn.functional.avg_pool2d (a divisorOverride of 0 means none).
    public static func avgPool2d(_ input: Tensor, kernelSize: [Int], stride: [Int] = [], padding: [Int] = [0],
                                 ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int = 0) throws -> Tensor {
        try avgPool(input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride, spatialDims: 2, op: "avg_pool2d")
    }

    /// torch.nn.functional.avg_pool1d.
    public static func avgPool1d(_ input: Tensor, kernelSize: [Int], stride: [Int] = [], padding: [Int] = [0],
                                 ceilMode: Bool = false, countIncludePad: Bool = true) throws -> Tensor {
        try avgPool(input, kernelSize, stride, padding, ceilMode, countIncludePad, 0, spatialDims: 1, op: "avg_pool1d")
    }

    /// torch.nn.functional.max_pool3d with return_indices: the max of each
    /// window of (N, C, D, H, W) or (C, D, H, W), and its position in the input
    /// volume ((id * H + iy) * W + ix).
    public static func maxPool3d(_ input: Tensor, kernelSize: [Int], stride: [Int] = [], padding: [Int] = [0],
                                 dilation: [Int] = [1], ceilMode: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        let op = "max_pool3d"
        let sweep = try poolingSweep(input, kernelSize, stride, padding, dilation, ceilMode, spatialDims: 3, op: op)
        let planes = input.shape.dropLast(3).reduce(1, *)
        let (depth, height, width) = (sweep.spatial[0], sweep.spatial[1], sweep.spatial[2])
        let outPlane = sweep.outSpatial[1] * sweep.outSpatial[2]
        // Separable: each input plane's window maxima, then their maximum along
        // depth. The first of equal maxima in (depth, row, column) order is the
        // first along depth of each plane's first, as torch's sweep picks.
        let (planeMax, planeIndex) = try maxPool(input.reshape([planes * depth, height, width]), Array(sweep.kernel[1...]),
                                                 Array(sweep.strides[1...]), Array(sweep.pads[1...]), Array(sweep.dilations[1...]),
                                                 ceilMode, spatialDims: 2, op: op)
        let (values, depthIndex) = try maxPool(planeMax.reshape([planes, depth, outPlane]).transpose(1, 2), [sweep.kernel[0]],
                                               [sweep.strides[0]], [sweep.pads[0]], [sweep.dilations[0]], ceilMode,
                                               spatialDims: 1, op: op)
        return (try values.transpose(1, 2).contiguous().reshape(sweep.outShape),
                try volumeIndex(planeIndex, depthIndex, planes: planes, depth: depth, planeSize: height * width, shape: sweep.outShape))
    }

    /// Positions in a volume from a separable max: plane positions (P·D, ...)
    /// of each input plane, and the depth (P, M, oD) each output picked.
    private static func volumeIndex(_ planeIndex: Tensor, _ depthIndex: Tensor, planes: Int, depth: Int, planeSize: Int,
                                    shape: [Int]) throws -> Tensor {
        let picked = try depthIndex.transpose(1, 2).contiguous()  // (P, oD, M)
        let within = try planeIndex.reshape([planes, depth, picked.shape[2]]).gather(dim: 1, index: picked)
        return try picked.mul(.scalar(Int64(planeSize))).add(within).reshape(shape)
    }

    /// torch.nn.functional.avg_pool3d (a divisorOverride of 0 means none).
    public static func avgPool3d(_ input: Tensor, kernelSize: [Int], stride: [Int] = [], padding: [Int] = [0],
                                 ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int = 0) throws -> Tensor {
        let op = "avg_pool3d"
        guard divisorOverride >= 0 else { throw CajalError.runtime("[\(op)] divisor must be not zero") }
        let sweep = try poolingSweep(input, kernelSize, stride, padding, [1], ceilMode, spatialDims: 3, op: op)
        let planes = input.shape.dropLast(3).reduce(1, *)
        let (depth, height, width) = (sweep.spatial[0], sweep.spatial[1], sweep.spatial[2])
        let outPlane = sweep.outSpatial[1] * sweep.outSpatial[2]
        // Separable: a window's mean is the mean along depth of its planes'
        // means, its divisor the product of the per-dim ones (with or without
        // padding alike); with a divisor override, the window sums divided once.
        let summing = divisorOverride > 0 ? 1 : 0
        let planeMean = try avgPool(input.reshape([planes * depth, height, width]), Array(sweep.kernel[1...]),
                                    Array(sweep.strides[1...]), Array(sweep.pads[1...]), ceilMode, countIncludePad, summing,
                                    spatialDims: 2, op: op)
        let mean = try avgPool(planeMean.reshape([planes, depth, outPlane]).transpose(1, 2), [sweep.kernel[0]], [sweep.strides[0]],
                               [sweep.pads[0]], ceilMode, countIncludePad, summing, spatialDims: 1, op: op)
            .transpose(1, 2).contiguous().reshape(sweep.outShape)
        return divisorOverride > 0 ? try mean.div(.scalar(Double(divisorOverride))) : mean
    }

    /// torch.nn.functional.adaptive_max_pool1d/2d/3d with return_indices, over
    /// the last outputSize.count dims; indices are positions in each input
    /// sequence, plane or volume.
    public static func adaptiveMaxPool(_ input: Tensor, outputSize: [Int]) throws -> (values: Tensor, indices: Tensor) {
        let k = outputSize.count, op = "adaptive_max_pool\(outputSize.count)d"
        guard (1...3).contains(k) else { throw CajalError.runtime("[adaptive_max_pool] output_size must have 1 to 3 values, got \(outputSize)") }
        if k == 2 { return try adaptiveMaxPool2d(input, outputSize: outputSize) }
        guard input.rank == k + 1 || input.rank == k + 2 else {
            throw CajalError.runtime("[\(op)] Expected \(k + 1)D or \(k + 2)D input for \(op), but got input of size: \(input.shape)")
        }
        guard input.dtype.isFloatingPoint else { throw CajalError.runtime("[\(op)] not implemented for \(input.dtype) input") }
        let size = try Arguments(op).sizes(outputSize, "output_size")
        guard size.allSatisfy({ $0 > 0 }) else { throw CajalError.runtime("[\(op)] output_size must be positive, got \(outputSize)") }
        let spatial = Array(input.shape.suffix(k))
        guard spatial.allSatisfy({ $0 > 0 }) else {
            throw CajalError.runtime("[\(op)] \(op)(): Expected input to have non-zero size for non-batch dimensions, but input has sizes \(input.shape)")
        }
        let lead = Array(input.shape.dropLast(k)), planes = lead.reduce(1, *)
        if k == 1 {  // a plane of height 1
            let (values, indices) = try adaptiveMaxPool2d(input.reshape([planes, 1, spatial[0]]), outputSize: [1, size[0]])
            return (try values.reshape(lead + size), try indices.reshape(lead + size))
        }
        // Separable, as max_pool3d: each plane's maxima, then along depth.
        // The sizes are the user's: their products are checked (2^31 x 2^51 trapped; found by the fuzzer).
        let depth = spatial[0]
        let outPlane = try Arguments(op).product(size[1], size[2], "output size \(size[1]) x \(size[2])")
        _ = try Arguments(op).product([planes, outPlane, Swift.max(size[0], depth)], "the output of \(lead) x \(size)")
        let (planeMax, planeIndex) = try adaptiveMaxPool2d(input.reshape([planes * depth, spatial[1], spatial[2]]),
                                                           outputSize: [size[1], size[2]])
        let alongDepth = try planeMax.reshape([planes, depth, outPlane]).transpose(1, 2).reshape([planes * outPlane, 1, depth])
        let (values, depthIndex) = try adaptiveMaxPool2d(alongDepth, outputSize: [1, size[0]])
        return (try values.reshape([planes, outPlane, size[0]]).transpose(1, 2).contiguous().reshape(lead + size),
                try volumeIndex(planeIndex, depthIndex.reshape([planes, outPlane, size[0]]), planes: planes, depth: depth,
                                planeSize: spatial[1] * spatial[2], shape: lead + size))
    }

    /// torch.nn.functional.adaptive_max_pool2d with return_indices, over the
    /// last two dims of (N, C, H, W) or (C, H, W).
    public static func adaptiveMaxPool2d(_ input: Tensor, outputSize: [Int]) throws -> (values: Tensor, indices: Tensor) {
        let op = "adaptive_max_pool2d"
        guard input.rank == 3 || input.rank == 4 else {
            throw CajalError.runtime("[\(op)] Expected 3D or 4D input for adaptive_max_pool2d, but got input of size: \(input.shape)")
        }
        guard input.dtype.isFloatingPoint else { throw CajalError.runtime("[\(op)] not implemented for \(input.dtype) input") }
        if !input.dtype.isNative {  // half types pool in float32; the picks are the same
            let (values, indices) = try adaptiveMaxPool2d(input.to(input.dtype.kernelType), outputSize: outputSize)
            return (try values.to(input.dtype), indices)
        }
        let size = try Arguments(op).sizes(outputSize.count == 1 ? [outputSize[0], outputSize[0]] : outputSize, "output_size")
        guard size.count == 2, size.allSatisfy({ $0 > 0 }) else {
            throw CajalError.runtime("[\(op)] output_size must be one or two positive ints, got \(outputSize)")
        }
        let (height, width) = (input.shape[input.rank - 2], input.shape[input.rank - 1])
        guard height > 0, width > 0 else {
            throw CajalError.runtime("[\(op)] adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes \(input.shape)")
        }
        // The window bounds multiply output and input positions (oy * height).
        _ = try Arguments(op).product(size[0], height, "output size \(size[0]) with input height \(height)")
        _ = try Arguments(op).product(size[1], width, "output size \(size[1]) with input width \(width)")
        let planes = input.shape.dropLast(2).reduce(1, *)
        let outShape = Array(input.shape.dropLast(2)) + size
        let x = try input.contiguous()
        let values = try Tensor(uninitializedShape: outShape, dtype: input.dtype, op: op)
        let indices = try Tensor(uninitializedShape: outShape, dtype: .int64, op: op)
        kernels.adaptiveMaxPool(input.dtype, x.dataPointer, planes, height, width, size[0], size[1], values.dataPointer,
                                indices.typedPointer(Int64.self))
        let inputShape = input.shape, outPlane = size[0] * size[1]
        values.recording("AdaptiveMaxPool2DBackward0", inputs: [input], saving: [indices]) { ctx in
            [try maxPoolGradient(ctx.grad, picks: ctx.saved[0], planes: planes, inPlane: height * width, outPlane: outPlane,
                                 inputShape: inputShape)]
        }
        return (values, indices)
    }

    /// A pooling op's window per spatial dim, checked as torch checks it.
    struct PoolingSweep {
        let kernel: [Int], strides: [Int], pads: [Int], dilations: [Int], spatial: [Int], outSpatial: [Int]
        /// input.shape with the spatial dims replaced.
        let outShape: [Int]

        /// The sweep of the last one or two dims as a plane's (a sequence has height 1).
        var window: WindowGeometry {
            let two = { (values: [Int], fill: Int) in values.count == 2 ? values : [fill] + values }
            let (k, s, p, d, i, o) = (two(kernel, 1), two(strides, 1), two(pads, 0), two(dilations, 1), two(spatial, 1),
                                      two(outSpatial, 1))
            return WindowGeometry(height: i[0], width: i[1], kernelHeight: k[0], kernelWidth: k[1], strideHeight: s[0],
                                  strideWidth: s[1], padTop: p[0], padLeft: p[1], dilationHeight: d[0], dilationWidth: d[1],
                                  outHeight: o[0], outWidth: o[1])
        }

        /// The sweep of dims `dims` alone.
        func restricted(to dims: Range<Int>, shape: [Int]) -> PoolingSweep {
            PoolingSweep(kernel: Array(kernel[dims]), strides: Array(strides[dims]), pads: Array(pads[dims]),
                         dilations: Array(dilations[dims]), spatial: Array(spatial[dims]), outSpatial: Array(outSpatial[dims]),
                         outShape: shape)
        }
    }

    private static func poolingSweep(_ input: Tensor, _ kernelSize: [Int], _ stride: [Int], _ padding: [Int], _ dilation: [Int],
                                     _ ceilMode: Bool, spatialDims: Int, op: String) throws -> PoolingSweep {
        guard input.rank == spatialDims + 1 || input.rank == spatialDims + 2 else {
            throw CajalError.runtime("[\(op)] Expected \(spatialDims + 1)D or \(spatialDims + 2)D input for \(op), but got input of size: \(input.shape)")
        }
        guard input.dtype.isFloatingPoint else { throw CajalError.runtime("[\(op)] \(op) is not implemented for \(input.dtype) input") }
        let check = Arguments(op)
        func perDim(_ values: [Int], _ name: String) throws -> [Int] {
            _ = try check.bounded(values, name)
            if values.count == 1 { return [Int](repeating: values[0], count: spatialDims) }
            guard values.count == spatialDims else {
                throw CajalError.runtime("[\(op)] \(name) must either be a single int, or a tuple of \(spatialDims) ints")
            }
            return values
        }
        let kernel = try perDim(kernelSize, "kernel_size")
        let strides = stride.isEmpty ? kernel : try perDim(stride, "stride")
        let pads = try perDim(padding, "padding"), dilations = try perDim(dilation, "dilation")
        guard kernel.allSatisfy({ $0 > 0 }) else { throw CajalError.runtime("[\(op)] kernel size should be greater than zero, but got \(kernel)") }
        guard strides.allSatisfy({ $0 > 0 }) else { throw CajalError.runtime("[\(op)] stride should be greater than zero, but got \(strides)") }
        guard dilations.allSatisfy({ $0 > 0 }) else { throw CajalError.runtime("[\(op)] dilation should be greater than zero, but got \(dilations)") }
        let spatial = Array(input.shape[(input.rank - spatialDims)...])
        var outSpatial: [Int] = []
        for d in 0..<spatialDims {
            // Both factors are bounded geometry: the span fits (at most 2^62).
            let reach = dilations[d] * (kernel[d] - 1) + 1
            guard pads[d] >= 0, pads[d] <= reach / 2 else {
                throw CajalError.runtime("[\(op)] pad should be at most half of effective kernel size, but got pad=\(pads[d]), kernel_size=\(kernel[d]) and dilation=\(dilations[d])")
            }
            let span = spatial[d] + 2 * pads[d] - reach + (ceilMode ? strides[d] - 1 : 0)
            var size = (span >= 0 ? span / strides[d] : -((-span + strides[d] - 1) / strides[d])) + 1
            // A last window that would start in the right padding is dropped (torch).
            if ceilMode && (size - 1) * strides[d] >= spatial[d] + pads[d] { size -= 1 }
            outSpatial.append(size)
        }
        guard outSpatial.allSatisfy({ $0 >= 1 }) else {
            let planes = input.shape[..<(input.rank - spatialDims)].last ?? 1
            throw CajalError.runtime("[\(op)] Given input size: (\(([planes] + spatial).map(String.init).joined(separator: "x"))). Calculated output size: (\(([planes] + outSpatial).map(String.init).joined(separator: "x"))). Output size is too small")
        }
        return PoolingSweep(kernel: kernel, strides: strides, pads: pads, dilations: dilations, spatial: spatial,
                            outSpatial: outSpatial, outShape: Array(input.shape[..<(input.rank - spatialDims)]) + outSpatial)
    }

    /// Max pooling's gradient: each window's gradient goes to the element it
    /// picked (picks: positions within the planes). A scatter_add when it is
    /// itself differentiated (create_graph), else one kernel.
    private static func maxPoolGradient(_ grad: Tensor, picks: Tensor, planes: Int, inPlane: Int, outPlane: Int,
                                        inputShape: [Int]) throws -> Tensor {
        let index = try picks.reshape([planes, outPlane]), values = try grad.reshape([planes, outPlane])
        if GradMode.isEnabled || !(grad.dtype == .float32 || grad.dtype == .float64) {
            return try Tensor.zeros([planes, inPlane], dtype: grad.dtype).scatterAdd(dim: 1, index: index, source: values)
                .reshape(inputShape)
        }
        let (denseIndex, denseValues) = (try index.contiguous(), try values.contiguous())
        let dx = try Tensor(uninitializedShape: inputShape, dtype: grad.dtype, op: "max_pool_backward")
        kernels.maxPoolBackward(grad.dtype, denseValues.dataPointer, denseIndex.typedPointer(Int64.self), planes, outPlane,
                                inPlane, dx.dataPointer)
        return dx
    }

    private static func maxPool(_ input: Tensor, _ kernelSize: [Int], _ stride: [Int], _ padding: [Int], _ dilation: [Int],
                                _ ceilMode: Bool, spatialDims: Int, op: String) throws -> (values: Tensor, indices: Tensor) {
        let sweep = try poolingSweep(input, kernelSize, stride, padding, dilation, ceilMode, spatialDims: spatialDims, op: op)
        let (g, outShape) = (sweep.window, sweep.outShape)
        if !input.dtype.isNative {  // half types pool in float32; the picks are the same
            let (values, indices) = try maxPool(input.to(input.dtype.kernelType), kernelSize, stride, padding, dilation, ceilMode,
                                                spatialDims: spatialDims, op: op)
            return (try values.to(input.dtype), indices)
        }
        let x = try input.contiguous()
        let planes = input.shape[..<(input.rank - spatialDims)].reduce(1, *)
        let values = try Tensor(uninitializedShape: outShape, dtype: input.dtype, op: op)
        let indices = try Tensor(uninitializedShape: outShape, dtype: .int64, op: op)
        let halving = g.kernelHeight == 2 && g.kernelWidth == 2 && g.strideHeight == 2 && g.strideWidth == 2
            && g.padTop == 0 && g.padLeft == 0 && g.dilationHeight == 1 && g.dilationWidth == 1
            && 2 * g.outHeight <= g.height && 2 * g.outWidth <= g.width && g.height * g.width <= Int(Int32.max)
        if halving {  // max_pool2d(x, 2): the vector kernel
            kernels.maxPool2x2(input.dtype, x.dataPointer, planes, g.height, g.width, g.outHeight, g.outWidth,
                               values.dataPointer, indices.typedPointer(Int64.self))
        } else {
            kernels.maxPool(input.dtype, x.dataPointer, planes, g, values.dataPointer, indices.typedPointer(Int64.self))
        }
        let inputShape = input.shape, inPlane = g.height * g.width, outPlane = g.outHeight * g.outWidth
        values.recording(spatialDims == 2 ? "MaxPool2DWithIndicesBackward0" : "MaxPool1DWithIndicesBackward0",
                         inputs: [input], saving: [indices]) { ctx in
            [try maxPoolGradient(ctx.grad, picks: ctx.saved[0], planes: planes, inPlane: inPlane, outPlane: outPlane,
                                 inputShape: inputShape)]
        }
        return (values, indices)
    }

    private static func avgPool(_ input: Tensor, _ kernelSize: [Int], _ stride: [Int], _ padding: [Int], _ ceilMode: Bool,
                                _ countIncludePad: Bool, _ divisorOverride: Int, spatialDims: Int, op: String) throws -> Tensor {
        guard divisorOverride >= 0 else { throw CajalError.runtime("[\(op)] divisor must be not zero") }
        let sweep = try poolingSweep(input, kernelSize, stride, padding, [1], ceilMode, spatialDims: spatialDims, op: op)
        let (g, outShape) = (sweep.window, sweep.outShape)
        if let out = try inKernelType(input.dtype, { widen in
            try avgPool(widen(input), kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride, spatialDims: spatialDims, op: op)
        }) { return out }
        let planes = input.shape[..<(input.rank - spatialDims)].reduce(1, *)
        let divisor = AverageDivisor(countIncludePad: countIncludePad, divisorOverride: divisorOverride)
        let name = spatialDims == 2 ? "AvgPool2DBackward0" : "AvgPool1DBackward0", inputShape = input.shape
        // The pooling and its gradient are linear maps, each the other's
        // transpose, so each one's backward is the other (any order of derivative).
        func pool(_ x: Tensor, _ name: String) throws -> Tensor {
            let dense = try GradMode.withDisabled { try x.contiguous() }
            let out = try Tensor(uninitializedShape: outShape, dtype: x.dtype, op: op)
            kernels.averagePool(x.dtype, false, dense.dataPointer, planes, g, divisor, out.dataPointer)
            return out.recording(name, inputs: [x]) { ctx in [try spread(ctx.grad)] }
        }
        func spread(_ grad: Tensor) throws -> Tensor {
            let dense = try GradMode.withDisabled { try grad.contiguous() }
            let dx = try Tensor.zeros(inputShape, dtype: grad.dtype)
            kernels.averagePool(grad.dtype, true, dense.dataPointer, planes, g, divisor, dx.dataPointer)
            return dx.recording("\(name)Backward", inputs: [grad]) { ctx in [try pool(ctx.grad, "\(name)BackwardBackward")] }
        }
        return try pool(input, name)
    }
}
