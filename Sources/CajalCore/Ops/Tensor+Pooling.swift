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
            let index = try ctx.saved[0].reshape([planes, outPlane])
            let grad = try ctx.grad.reshape([planes, outPlane])
            return [try Tensor.zeros([planes, height * width], dtype: ctx.grad.dtype).scatterAdd(dim: 1, index: index, source: grad)
                .reshape(inputShape)]
        }
        return (values, indices)
    }

    /// The window sweep of a pooling op, checked as torch checks it; the
    /// output shape is input.shape with the spatial dims replaced.
    private static func poolingGeometry(_ input: Tensor, _ kernelSize: [Int], _ stride: [Int], _ padding: [Int], _ dilation: [Int],
                                        _ ceilMode: Bool, spatialDims: Int, op: String) throws -> (WindowGeometry, [Int]) {
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
        let two = { (values: [Int], fill: Int) in spatialDims == 2 ? values : [fill] + values }
        let (k2, s2, p2, d2, i2, o2) = (two(kernel, 1), two(strides, 1), two(pads, 0), two(dilations, 1), two(spatial, 1),
                                        two(outSpatial, 1))
        let geometry = WindowGeometry(height: i2[0], width: i2[1], kernelHeight: k2[0], kernelWidth: k2[1],
                                       strideHeight: s2[0], strideWidth: s2[1], padTop: p2[0], padLeft: p2[1],
                                       dilationHeight: d2[0], dilationWidth: d2[1], outHeight: o2[0], outWidth: o2[1])
        return (geometry, Array(input.shape[..<(input.rank - spatialDims)]) + outSpatial)
    }

    private static func maxPool(_ input: Tensor, _ kernelSize: [Int], _ stride: [Int], _ padding: [Int], _ dilation: [Int],
                                _ ceilMode: Bool, spatialDims: Int, op: String) throws -> (values: Tensor, indices: Tensor) {
        let (g, outShape) = try poolingGeometry(input, kernelSize, stride, padding, dilation, ceilMode, spatialDims: spatialDims, op: op)
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
            // Each window's gradient goes to the element it picked.
            let index = try ctx.saved[0].reshape([planes, outPlane])
            let grad = try ctx.grad.reshape([planes, outPlane])
            return [try Tensor.zeros([planes, inPlane], dtype: ctx.grad.dtype).scatterAdd(dim: 1, index: index, source: grad)
                .reshape(inputShape)]
        }
        return (values, indices)
    }

    private static func avgPool(_ input: Tensor, _ kernelSize: [Int], _ stride: [Int], _ padding: [Int], _ ceilMode: Bool,
                                _ countIncludePad: Bool, _ divisorOverride: Int, spatialDims: Int, op: String) throws -> Tensor {
        guard divisorOverride >= 0 else { throw CajalError.runtime("[\(op)] divisor must be not zero") }
        let (g, outShape) = try poolingGeometry(input, kernelSize, stride, padding, [1], ceilMode, spatialDims: spatialDims, op: op)
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
