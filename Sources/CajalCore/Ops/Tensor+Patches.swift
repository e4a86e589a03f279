import CajalRuntime
/// torch.nn.functional.unfold and fold: the sliding blocks of an image as
/// columns, and the columns summed back into an image. They are the
/// convolutions' im2col and col2im, each the other's adjoint, so each one's
/// backward is the other.
extension Tensor {
    /// F.unfold: (N, C, H, W) or (C, H, W) to (N, C·kH·kW, L) or (C·kH·kW, L),
    /// column l holding the block under output position l (row-major).
    public static func unfoldPatches(_ input: Tensor, kernelSize: [Int], dilation: [Int] = [1], padding: [Int] = [0],
                                     stride: [Int] = [1]) throws -> Tensor {
        let op = "unfold"
        guard input.rank == 3 || input.rank == 4 else {
            throw CajalError.runtime("[\(op)] Input Error: Only 3D or 4D input Tensors are supported (got \(input.rank)D)")
        }
        if input.rank == 3 {
            return try unfoldPatches(input.unsqueeze(dim: 0), kernelSize: kernelSize, dilation: dilation, padding: padding,
                                     stride: stride).squeeze(dim: 0)
        }
        let geometry = try PatchGeometry(op: op, channels: input.shape[1], image: [input.shape[2], input.shape[3]],
                                         kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride)
        try geometry.checkSlidingBlocks()
        return try geometry.unfold(input, name: "Im2ColBackward0")
    }

    /// F.fold: (N, C·kH·kW, L) or (C·kH·kW, L) to (N, C, *outputSize) or
    /// (C, *outputSize), adding up the blocks where they overlap.
    public static func foldPatches(_ input: Tensor, outputSize: [Int], kernelSize: [Int], dilation: [Int] = [1],
                                   padding: [Int] = [0], stride: [Int] = [1]) throws -> Tensor {
        let op = "fold"
        guard input.rank == 2 || input.rank == 3 else {
            throw CajalError.runtime("[\(op)] Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got \(input.rank)D)")
        }
        if input.rank == 2 {
            return try foldPatches(input.unsqueeze(dim: 0), outputSize: outputSize, kernelSize: kernelSize, dilation: dilation,
                                   padding: padding, stride: stride).squeeze(dim: 0)
        }
        let check = Arguments(op)
        let image = try PatchGeometry.pair(try check.sizes(outputSize, "output_size"), "output_size", op: op)
        let kernel = try PatchGeometry.pair(try check.bounded(kernelSize, "kernel_size"), "kernel_size", op: op)
        guard kernel.allSatisfy({ $0 > 0 }) else {
            throw CajalError.runtime("[\(op)] kernel size should be greater than zero, but got kernel_height: \(kernel[0]) kernel_width: \(kernel[1])")
        }
        let blockSize = try check.product(kernel[0], kernel[1], "kernel_size")
        guard input.shape[1] % blockSize == 0 else {
            throw CajalError.runtime("[\(op)] Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=\(input.shape[1]) and kernel_size=(\(kernel[0]), \(kernel[1]))")
        }
        let geometry = try PatchGeometry(op: op, channels: input.shape[1] / blockSize, image: image, kernelSize: kernel,
                                         dilation: dilation, padding: padding, stride: stride)
        try geometry.checkSlidingBlocks()
        let blocks = geometry.convolution.columnCount
        guard input.shape[2] == blocks else {
            let g = geometry.convolution
            throw CajalError.runtime("[\(op)] Given output_size=(\(image[0]), \(image[1])), kernel_size=(\(kernel[0]), \(kernel[1])), dilation=(\(g.dilationHeight), \(g.dilationWidth)), padding=(\(g.padTop), \(g.padLeft)), stride=(\(g.strideHeight), \(g.strideWidth)), expected size of input's dimension 2 to match the calculated number of sliding blocks \(g.outHeight) * \(g.outWidth) = \(blocks), but got input.size(2)=\(input.shape[2]).")
        }
        return try geometry.fold(input, name: "Col2ImBackward0")
    }
}

/// The validated geometry of unfold/fold on one image size: the same
/// ConvolutionGeometry the convolutions sweep with, depth 1.
struct PatchGeometry {
    let op: String
    let convolution: ConvolutionGeometry

    /// One value for both spatial dims, or one each.
    static func pair(_ values: [Int], _ name: String, op: String) throws -> [Int] {
        if values.count == 1 { return [values[0], values[0]] }
        guard values.count == 2 else {
            throw CajalError.runtime("[\(op)] \(name) must be an int or a tuple of two ints, got \(values)")
        }
        return values
    }

    init(op: String, channels: Int, image: [Int], kernelSize: [Int], dilation: [Int], padding: [Int], stride: [Int]) throws {
        self.op = op
        let check = Arguments(op)
        let kernel = try Self.pair(check.bounded(kernelSize, "kernel_size"), "kernel_size", op: op)
        let dilations = try Self.pair(check.bounded(dilation, "dilation"), "dilation", op: op)
        let pads = try Self.pair(check.bounded(padding, "padding"), "padding", op: op)
        let strides = try Self.pair(check.bounded(stride, "stride"), "stride", op: op)
        guard kernel.allSatisfy({ $0 > 0 }) else {
            throw CajalError.runtime("[\(op)] kernel size should be greater than zero, but got kernel_height: \(kernel[0]) kernel_width: \(kernel[1])")
        }
        guard dilations.allSatisfy({ $0 > 0 }) else {
            throw CajalError.runtime("[\(op)] dilation should be greater than zero, but got dilation_height: \(dilations[0]) dilation_width: \(dilations[1])")
        }
        guard pads.allSatisfy({ $0 >= 0 }) else {
            throw CajalError.runtime("[\(op)] padding should be non-negative, but got pad_height: \(pads[0]) pad_width: \(pads[1])")
        }
        guard strides.allSatisfy({ $0 > 0 }) else {
            throw CajalError.runtime("[\(op)] stride should be greater than zero, but got stride_height: \(strides[0]) stride_width: \(strides[1])")
        }
        // Every value is at most 2^31 (geometry) or 2^51 (sizes): these sums and products fit.
        var blocks = [0, 0]
        for d in 0..<2 {
            let reach: Int = dilations[d] * (kernel[d] - 1) + 1
            let padded: Int = image[d] + 2 * pads[d]
            if padded >= reach { blocks[d] = (padded - reach) / strides[d] + 1 }
        }
        convolution = Tensor.volumeGeometry(channels: channels, spatial: image, kernel: kernel, strides: strides, before: pads,
                                            dilations: dilations, outSpatial: blocks)
        _ = try check.product([channels, kernel[0], kernel[1]], "channels times kernel_size")
        _ = try check.product(blocks[0], blocks[1], "the number of sliding blocks")
    }

    /// torch's check that every spatial dim has at least one block.
    func checkSlidingBlocks() throws {
        let g = convolution
        guard g.outHeight >= 1, g.outWidth >= 1 else {
            throw CajalError.runtime("[\(op)] Given input with spatial size (\(g.height), \(g.width)), kernel_size=(\(g.kernelHeight), \(g.kernelWidth)), dilation=(\(g.dilationHeight), \(g.dilationWidth)), padding=(\(g.padTop), \(g.padLeft)), calculated shape of the array of sliding blocks as (\(g.outHeight), \(g.outWidth)), but its components must be at least one.")
        }
    }

    private var imageSize: Int { convolution.channels * convolution.height * convolution.width }

    private func floating(_ input: Tensor) throws {
        guard input.dtype.isFloatingPoint, !input.dtype.isComplex else {
            throw CajalError.notImplemented("[\(op)] expected a floating-point input, got \(input.dtype)")
        }
    }

    /// (N, C, H, W) -> (N, C·kH·kW, L).
    func unfold(_ input: Tensor, name: String) throws -> Tensor {
        try floating(input)
        if let out = try Tensor.inKernelType(input.dtype, { widen in try unfold(widen(input), name: name) }) { return out }
        let g = convolution, batch = input.shape[0], rows = g.columnRows, columns = g.columnCount
        let out = try Tensor(uninitializedShape: [batch, rows, columns], dtype: input.dtype, op: op)
        let x = try GradMode.withDisabled { try input.contiguous() }
        let dtype = input.dtype, item = dtype.itemSize, volume = imageSize
        let xPointer = x.dataPointer, outPointer = out.dataPointer
        Parallel.forEachChunk(batch, costPerItem: Swift.max(rows * columns, 1)) { images in
            for n in images where rows > 0 && columns > 0 {
                kernels.im2col(dtype, xPointer + n * volume * item, g, outPointer + n * rows * columns * item, columns,
                               0..<g.outHeight)
            }
        }
        return out.recording(name, inputs: [input]) { ctx in [try fold(ctx.grad, name: "Im2ColBackwardBackward0")] }
    }

    /// (N, C·kH·kW, L) -> (N, C, H, W), overlaps added.
    func fold(_ input: Tensor, name: String) throws -> Tensor {
        try floating(input)
        if let out = try Tensor.inKernelType(input.dtype, { widen in try fold(widen(input), name: name) }) { return out }
        let g = convolution, batch = input.shape[0], rows = g.columnRows, columns = g.columnCount
        let out = try Tensor.zeros([batch, g.channels, g.height, g.width], dtype: input.dtype)
        let cols = try GradMode.withDisabled { try input.contiguous() }
        let dtype = input.dtype, item = dtype.itemSize, volume = imageSize
        let colsPointer = cols.dataPointer, outPointer = out.dataPointer
        Parallel.forEachChunk(batch, costPerItem: Swift.max(rows * columns, 1)) { images in
            for n in images where rows > 0 && columns > 0 {
                kernels.col2im(dtype, colsPointer + n * rows * columns * item, g, outPointer + n * volume * item, columns,
                               0..<g.outHeight)
            }
        }
        return out.recording(name, inputs: [input]) { ctx in [try unfold(ctx.grad, name: "Col2ImBackwardBackward0")] }
    }
}
