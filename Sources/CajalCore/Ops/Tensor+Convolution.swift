import CajalRuntime
/// Convolutions (torch.nn.functional.conv1d / conv2d / conv3d and their
/// transposes) through im2col and one BLAS matrix product per block of samples,
/// group and output rows. The backward is two more products: the weight
/// gradient against the same columns, and the input gradient as the transposed
/// product folded back by col2im. Everything runs as a volume: images and
/// sequences have depth 1 (and sequences height 1).
public enum ConvolutionPadding: Equatable, Sendable {
    /// The same zeros on both sides of each spatial dim.
    case explicit([Int])
    /// Zeros so that the output has the input's size (stride 1 only); when a
    /// dim needs an odd total, the extra zero goes after (torch's rule).
    case same
    /// No padding.
    case valid
}

extension Tensor {
    /// torch.nn.functional.conv2d: input (N, C, H, W) or unbatched (C, H, W),
    /// weight (O, C / groups, kH, kW), optional bias (O).
    public static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1, 1],
                              padding: ConvolutionPadding = .valid, dilation: [Int] = [1, 1], groups: Int = 1) throws -> Tensor {
        try convolution(input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation,
                        groups: groups, spatialDims: 2, op: "conv2d")
    }

    /// torch.nn.functional.conv3d: input (N, C, D, H, W) or unbatched (C, D, H, W),
    /// weight (O, C / groups, kD, kH, kW), optional bias (O).
    public static func conv3d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1, 1, 1],
                              padding: ConvolutionPadding = .valid, dilation: [Int] = [1, 1, 1], groups: Int = 1) throws -> Tensor {
        try convolution(input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation,
                        groups: groups, spatialDims: 3, op: "conv3d")
    }

    /// torch.nn.functional.conv1d: input (N, C, L) or unbatched (C, L),
    /// weight (O, C / groups, k), optional bias (O).
    public static func conv1d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1],
                              padding: ConvolutionPadding = .valid, dilation: [Int] = [1], groups: Int = 1) throws -> Tensor {
        try convolution(input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation,
                        groups: groups, spatialDims: 1, op: "conv1d")
    }

    private static func convolution(_ input: Tensor, weight: Tensor, bias: Tensor?, stride: [Int], padding: ConvolutionPadding,
                                    dilation: [Int], groups: Int, spatialDims: Int, op: String) throws -> Tensor {
        if Autocast.lowers(input, weight, bias) {
            let (x, w, b) = (try Autocast.lowered(input), try Autocast.lowered(weight), try bias.map(Autocast.lowered))
            return try Autocast.withDisabled {  // a lower type's convolution may widen inside
                try convolution(x, weight: w, bias: b, stride: stride, padding: padding, dilation: dilation, groups: groups,
                                spatialDims: spatialDims, op: op)
            }
        }
        let batchedRank = spatialDims + 2
        guard input.rank == batchedRank || input.rank == batchedRank - 1 else {
            throw CajalError.runtime("[\(op)] Expected \(batchedRank - 1)D (unbatched) or \(batchedRank)D (batched) input to \(op), but got input of size: \(input.shape)")
        }
        if input.rank == batchedRank - 1 {
            let batched = try convolution(input.unsqueeze(dim: 0), weight: weight, bias: bias, stride: stride, padding: padding,
                                          dilation: dilation, groups: groups, spatialDims: spatialDims, op: op)
            return try batched.squeeze(dim: 0)
        }
        guard weight.rank == batchedRank else {
            throw CajalError.runtime("[\(op)] Expected \(batchedRank)-dimensional weight for \(batchedRank)-dimensional input \(input.shape), but got \(weight.rank)-dimensional weight of size \(weight.shape)")
        }
        guard input.dtype.isFloatingPoint, input.dtype == weight.dtype, bias.map({ $0.dtype == input.dtype }) ?? true else {
            throw CajalError.runtime("[\(op)] expected input, weight and bias of one floating-point dtype, got \(input.dtype), \(weight.dtype)\(bias.map { " and \($0.dtype)" } ?? "")")
        }
        if let out = try inKernelType(input.dtype, { widen in
            try convolution(widen(input), weight: widen(weight), bias: bias.map(widen), stride: stride, padding: padding,
                            dilation: dilation, groups: groups, spatialDims: spatialDims, op: op)
        }) { return out }
        let check = Arguments(op)
        guard try check.bounded(groups, "groups") > 0 else { throw CajalError.runtime("[\(op)] non-positive groups is not supported") }
        func perDim(_ values: [Int], _ name: String) throws -> [Int] {
            _ = try check.bounded(values, name)
            if values.count == 1 { return [Int](repeating: values[0], count: spatialDims) }
            guard values.count == spatialDims else {
                throw CajalError.runtime("[\(op)] expected \(name) to be a single integer value or a list of \(spatialDims) values to match the convolution dimensions, but got \(name)=\(values)")
            }
            return values
        }
        let strides = try perDim(stride, "stride"), dilations = try perDim(dilation, "dilation")
        guard strides.allSatisfy({ $0 > 0 }) else { throw CajalError.runtime("[\(op)] non-positive stride is not supported") }
        guard dilations.allSatisfy({ $0 > 0 }) else { throw CajalError.runtime("[\(op)] dilation should be greater than zero") }
        let outChannels = weight.shape[0], groupChannels = weight.shape[1]
        guard outChannels % groups == 0 else {
            throw CajalError.runtime("[\(op)] Given groups=\(groups), expected weight to be divisible by \(groups) at dimension 0, but got weight of size \(weight.shape) instead")
        }
        let inChannels = try check.product(groupChannels, groups, "groups \(groups) times \(groupChannels) channels")
        guard input.shape[1] == inChannels else {
            throw CajalError.runtime("[\(op)] Given groups=\(groups), weight of size \(weight.shape), expected input\(input.shape) to have \(inChannels) channels, but got \(input.shape[1]) channels instead")
        }
        if let bias, bias.shape != [outChannels] {
            throw CajalError.runtime("[\(op)] Given weight of size \(weight.shape), expected bias to be 1-dimensional with \(outChannels) elements, but got bias of size \(bias.shape) instead")
        }
        let kernel = Array(weight.shape[2...]), spatial = Array(input.shape[2...])
        // The span of each dilated kernel: dilation * (kernel - 1) + 1.
        let reaches = try (0..<spatialDims).map { d in
            try check.product(dilations[d], kernel[d] - 1, "dilation \(dilations[d]) with kernel size \(kernel[d])") + 1
        }
        // Padding before and after, per spatial dim.
        var before = [Int](repeating: 0, count: spatialDims), after = before
        switch padding {
        case .valid: break
        case .explicit(let values):
            before = try perDim(values, "padding")
            guard before.allSatisfy({ $0 >= 0 }) else { throw CajalError.runtime("[\(op)] negative padding is not supported") }
            after = before
        case .same:
            guard strides.allSatisfy({ $0 == 1 }) else {
                throw CajalError.runtime("[\(op)] padding='same' is not supported for strided convolutions")
            }
            for d in 0..<spatialDims {
                let total = reaches[d] - 1
                before[d] = total / 2
                after[d] = total - before[d]
            }
        }
        // Sizes, paddings and reaches are at most 2^51 each: their sums fit.
        let padded = (0..<spatialDims).map { spatial[$0] + before[$0] + after[$0] }
        var outSpatial: [Int] = []
        for d in 0..<spatialDims {
            guard padded[d] >= reaches[d] else {
                let sizes = padded.map(String.init).joined(separator: " x ")
                throw CajalError.runtime("[\(op)] Calculated padded input size per channel: (\(sizes)). Kernel size: (\(kernel.map(String.init).joined(separator: " x "))). Kernel size can't be greater than actual input size")
            }
            outSpatial.append((padded[d] - reaches[d]) / strides[d] + 1)
        }
        let geometry = volumeGeometry(channels: groupChannels, spatial: spatial, kernel: kernel, strides: strides, before: before,
                                      dilations: dilations, outSpatial: outSpatial)
        let products = ConvolutionProducts(geometry: geometry, groups: groups, inputShape: input.shape, weightShape: weight.shape,
                                           outputShape: [input.shape[0], outChannels] + outSpatial)
        return try products.convolve(input, weight, bias: bias, name: "ConvolutionBackward0")
    }

    /// The sweep of 1, 2 or 3 spatial dims as a volume's: missing leading
    /// dims have size 1, kernel 1 and no padding.
    static func volumeGeometry(channels: Int, spatial: [Int], kernel: [Int], strides: [Int], before: [Int], dilations: [Int],
                               outSpatial: [Int]) -> ConvolutionGeometry {
        let three = { (values: [Int], fill: Int) in [Int](repeating: fill, count: 3 - values.count) + values }
        let (k, s, d, b, o, i) = (three(kernel, 1), three(strides, 1), three(dilations, 1), three(before, 0), three(outSpatial, 1),
                                  three(spatial, 1))
        return ConvolutionGeometry(
            channels: channels,
            window: WindowGeometry(height: i[1], width: i[2], kernelHeight: k[1], kernelWidth: k[2], strideHeight: s[1],
                                   strideWidth: s[2], padTop: b[1], padLeft: b[2], dilationHeight: d[1], dilationWidth: d[2],
                                   outHeight: o[1], outWidth: o[2]),
            depth: DepthSweep(depth: i[0], kernelDepth: k[0], strideDepth: s[0], padFront: b[0], dilationDepth: d[0], outDepth: o[0]))
    }

    /// torch.nn.functional.conv_transpose2d: input (N, Cin, H, W) or (Cin, H, W),
    /// weight (Cin, Cout / groups, kH, kW), optional bias (Cout). It is the
    /// input gradient of the conv2d that maps its output back to its input,
    /// so it runs on the same three products with the roles exchanged.
    public static func convTranspose2d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1, 1],
                                       padding: [Int] = [0, 0], outputPadding: [Int] = [0, 0], groups: Int = 1,
                                       dilation: [Int] = [1, 1]) throws -> Tensor {
        try convTranspose(input, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
                          groups: groups, dilation: dilation, spatialDims: 2)
    }

    /// torch.nn.functional.conv_transpose1d: input (N, Cin, L) or (Cin, L), weight (Cin, Cout / groups, k).
    public static func convTranspose1d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1],
                                       padding: [Int] = [0], outputPadding: [Int] = [0], groups: Int = 1,
                                       dilation: [Int] = [1]) throws -> Tensor {
        try convTranspose(input, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
                          groups: groups, dilation: dilation, spatialDims: 1)
    }

    /// torch.nn.functional.conv_transpose3d: input (N, Cin, D, H, W) or (Cin, D, H, W),
    /// weight (Cin, Cout / groups, kD, kH, kW).
    public static func convTranspose3d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1, 1, 1],
                                       padding: [Int] = [0, 0, 0], outputPadding: [Int] = [0, 0, 0], groups: Int = 1,
                                       dilation: [Int] = [1, 1, 1]) throws -> Tensor {
        try convTranspose(input, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
                          groups: groups, dilation: dilation, spatialDims: 3)
    }

    private static func convTranspose(_ input: Tensor, weight: Tensor, bias: Tensor?, stride: [Int], padding: [Int],
                                      outputPadding: [Int], groups: Int, dilation: [Int], spatialDims: Int) throws -> Tensor {
        if Autocast.lowers(input, weight, bias) {
            let (x, w, b) = (try Autocast.lowered(input), try Autocast.lowered(weight), try bias.map(Autocast.lowered))
            return try Autocast.withDisabled {
                try convTranspose(x, weight: w, bias: b, stride: stride, padding: padding, outputPadding: outputPadding,
                                  groups: groups, dilation: dilation, spatialDims: spatialDims)
            }
        }
        let op = "conv_transpose\(spatialDims)d", batchedRank = spatialDims + 2
        guard input.rank == batchedRank || input.rank == batchedRank - 1 else {
            throw CajalError.runtime("[\(op)] Expected \(batchedRank - 1)D (unbatched) or \(batchedRank)D (batched) input to \(op), but got input of size: \(input.shape)")
        }
        if input.rank == batchedRank - 1 {
            return try convTranspose(input.unsqueeze(dim: 0), weight: weight, bias: bias, stride: stride, padding: padding,
                                     outputPadding: outputPadding, groups: groups, dilation: dilation, spatialDims: spatialDims)
                .squeeze(dim: 0)
        }
        guard weight.rank == batchedRank else {
            throw CajalError.runtime("[\(op)] Expected \(batchedRank)-dimensional weight for \(batchedRank)-dimensional input \(input.shape), but got \(weight.rank)-dimensional weight of size \(weight.shape)")
        }
        guard input.dtype.isFloatingPoint, input.dtype == weight.dtype, bias.map({ $0.dtype == input.dtype }) ?? true else {
            throw CajalError.runtime("[\(op)] expected input, weight and bias of one floating-point dtype, got \(input.dtype) and \(weight.dtype)")
        }
        if let out = try inKernelType(input.dtype, { widen in
            try convTranspose(widen(input), weight: widen(weight), bias: bias.map(widen), stride: stride, padding: padding,
                              outputPadding: outputPadding, groups: groups, dilation: dilation, spatialDims: spatialDims)
        }) { return out }
        let check = Arguments(op)
        guard try check.bounded(groups, "groups") > 0, weight.shape[0] % groups == 0 else {
            throw CajalError.runtime("[\(op)] Given groups=\(groups), expected weight to be divisible by \(groups) at dimension 0, but got weight of size \(weight.shape) instead")
        }
        guard input.shape[1] == weight.shape[0] else {
            throw CajalError.runtime("[\(op)] Given transposed=1, weight of size \(weight.shape), expected input\(input.shape) to have \(weight.shape[0]) channels, but got \(input.shape[1]) channels instead")
        }
        func perDim(_ values: [Int], _ name: String) throws -> [Int] {
            _ = try check.bounded(values, name)
            if values.count == 1 { return [Int](repeating: values[0], count: spatialDims) }
            guard values.count == spatialDims else {
                throw CajalError.runtime("[\(op)] expected \(name) to be a single integer or a list of \(spatialDims) values, got \(values)")
            }
            return values
        }
        let (strides, pads, extra, dilations) = (try perDim(stride, "stride"), try perDim(padding, "padding"),
                                                 try perDim(outputPadding, "output_padding"), try perDim(dilation, "dilation"))
        guard strides.allSatisfy({ $0 > 0 }), dilations.allSatisfy({ $0 > 0 }) else {
            throw CajalError.runtime("[\(op)] non-positive stride or dilation is not supported")
        }
        guard pads.allSatisfy({ $0 >= 0 }), extra.allSatisfy({ $0 >= 0 }) else {
            throw CajalError.runtime("[\(op)] negative padding is not supported")
        }
        for d in 0..<spatialDims where extra[d] >= strides[d] && extra[d] >= dilations[d] {
            throw CajalError.runtime("[\(op)] output padding must be smaller than either stride or dilation, but got output_padding=\(extra), stride=\(strides), dilation=\(dilations)")
        }
        let outChannels = try check.product(weight.shape[1], groups, "groups \(groups) times \(weight.shape[1]) channels")
        if let bias, bias.shape != [outChannels] {
            throw CajalError.runtime("[\(op)] Given transposed=1, weight of size \(weight.shape), expected bias to be 1-dimensional with \(outChannels) elements, but got bias of size \(bias.shape) instead")
        }
        let kernel = Array(weight.shape[2...]), spatial = Array(input.shape[2...])
        // (in - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1, checked.
        let outSpatial = try (0..<spatialDims).map { d -> Int in
            let strided = try check.product(spatial[d] - 1, strides[d], "input size \(spatial[d]) with stride \(strides[d])")
            let reach = try check.product(dilations[d], kernel[d] - 1, "dilation \(dilations[d]) with kernel size \(kernel[d])")
            return try check.sum(strided, reach, "the output size") - 2 * pads[d] + extra[d] + 1
        }
        guard outSpatial.allSatisfy({ $0 > 0 }) else {
            throw CajalError.runtime("[\(op)] Given input size per channel: (\(spatial.map(String.init).joined(separator: " x "))). Calculated output size per channel: (\(outSpatial.map(String.init).joined(separator: " x "))). Output size is too small")
        }
        // The convolution from the output (Cout / groups channels a group) back to the input.
        let geometry = volumeGeometry(channels: weight.shape[1], spatial: outSpatial, kernel: kernel, strides: strides, before: pads,
                                      dilations: dilations, outSpatial: spatial)
        // conv_transpose is that convolution's input gradient.
        let products = ConvolutionProducts(geometry: geometry, groups: groups, inputShape: [input.shape[0], outChannels] + outSpatial,
                                           weightShape: weight.shape, outputShape: input.shape)
        return try products.inputGradient(input, weight, bias: bias, name: "ConvolutionBackward0")
    }

    /// The three products of a convolution of one geometry: the convolution
    /// (input, weight -> output), its input gradient (output-like, weight ->
    /// input-like) and its weight gradient (output-like, input-like -> weight).
    /// They are one bilinear form read three ways,
    ///     <conv(x, w), y> = <x, inputGradient(y, w)> = <w, weightGradient(y, x)>,
    /// so each one's gradients are the other two; recorded this way, a
    /// convolution can be differentiated again (create_graph).
    struct ConvolutionProducts {
        let geometry: ConvolutionGeometry
        let groups: Int
        let inputShape: [Int], weightShape: [Int], outputShape: [Int]

        private func dense(_ tensor: Tensor) throws -> Tensor { try GradMode.withDisabled { try tensor.contiguous() } }

        /// The convolution, plus a bias per output channel when given (one op,
        /// as torch's ConvolutionBackward0: the bias's gradient is the
        /// output gradient summed over all but the channels).
        func convolve(_ x: Tensor, _ w: Tensor, bias: Tensor? = nil, name: String = "ConvolutionBackwardBackward0") throws -> Tensor {
            let out = try Tensor(uninitializedShape: outputShape, dtype: x.dtype, op: "conv")
            try Tensor.convolutionForward(dense(x), dense(w), bias: bias.map(dense), out, geometry, groups: groups)
            let spread = [0] + Array(2..<outputShape.count)
            return out.recording(name, inputs: bias.map { [x, w, $0] } ?? [x, w], saving: [x, w]) { ctx in
                let (x, w) = (ctx.saved[0], ctx.saved[1])
                var grads = [ctx.needs(0) ? try inputGradient(ctx.grad, w) : nil, ctx.needs(1) ? try weightGradient(ctx.grad, x) : nil]
                if bias != nil { grads.append(ctx.needs(2) ? try ctx.grad.sum(dims: spread) : nil) }
                return grads
            }
        }

        /// The input gradient (conv_transpose), plus a bias per channel of its
        /// result when given, added in place (one op, as torch's ConvolutionBackward0).
        func inputGradient(_ y: Tensor, _ w: Tensor, bias: Tensor? = nil, name: String = "ConvolutionBackwardBackward0") throws -> Tensor {
            let out = try Tensor.convolutionInputGradient(dense(y), dense(w), inputShape, geometry, groups: groups)
            if let bias {
                let shift = try dense(bias)
                if !(try channelAffineInPlace(out, scale: Tensor.ones([shift.count], dtype: shift.dtype), shift: shift)) {
                    try out.copyInPlace(out.add(shift.reshape([shift.count] + [Int](repeating: 1, count: out.rank - 2))))
                }
            }
            let spread = [0] + Array(2..<inputShape.count)
            return out.recording(name, inputs: bias.map { [y, w, $0] } ?? [y, w], saving: [y, w]) { ctx in
                let (y, w) = (ctx.saved[0], ctx.saved[1])
                var grads = [ctx.needs(0) ? try convolve(ctx.grad, w) : nil, ctx.needs(1) ? try weightGradient(y, ctx.grad) : nil]
                if bias != nil { grads.append(ctx.needs(2) ? try ctx.grad.sum(dims: spread) : nil) }
                return grads
            }
        }

        func weightGradient(_ y: Tensor, _ x: Tensor) throws -> Tensor {
            let out = try Tensor.convolutionWeightGradient(dense(y), dense(x), weightShape, geometry, groups: groups)
            return out.recording("ConvolutionBackwardBackward0", inputs: [y, x], saving: [y, x]) { ctx in
                let (y, x) = (ctx.saved[0], ctx.saved[1])
                return [ctx.needs(0) ? try convolve(x, ctx.grad) : nil, ctx.needs(1) ? try inputGradient(y, ctx.grad) : nil]
            }
        }
    }

    /// Output rows (od * outHeight + oy) per column buffer. A column matrix is
    /// the input times the kernel's size (27 times for 3x3x3); a small one is
    /// made whole, a large one (a volume, a large image) a few output rows at
    /// a time, about 2 MB, so that the product reads it while it is still in
    /// cache and memory stays bounded.
    private static func rowsPerChunk(_ g: ConvolutionGeometry, _ dtype: DType) -> Int {
        let rows = g.depth.outDepth * g.outHeight
        let rowBytes = Swift.max(product(g.columnRows, g.outWidth, dtype.itemSize), 1)
        if rowBytes <= (4 << 20) / Swift.max(rows, 1) { return Swift.max(rows, 1) }
        return Swift.max(1, Swift.min(rows, (2 << 20) / rowBytes))
    }

    /// Calls body(output rows, columns) for consecutive chunks of `chunk` output rows.
    @inline(__always)
    private static func forEachRowChunk(_ g: ConvolutionGeometry, _ chunk: Int, _ body: (Range<Int>, Int) -> Void) {
        let rows = g.depth.outDepth * g.outHeight
        var first = 0
        while first < rows {
            let end = Swift.min(first + chunk, rows)
            body(first..<end, (end - first) * g.outWidth)
            first = end
        }
    }

    /// Runs body(images, columns buffer) over the batch. Images of small and
    /// medium products (up to 4M multiply-adds each: LeNet's and small VGG
    /// layers) are split across our cores, each part with its own column
    /// buffer, their products in one-thread pieces (see Gemm.multiply); handing
    /// such a product to OpenBLAS's threads costs more in hand-over than it
    /// gains. Larger products run image after image with OpenBLAS's threads.
    /// `parts` and the part index let a caller keep per-part partial sums in a
    /// fixed order.
    /// The column buffers are checked against the memory budget first: their
    /// size (kernel positions x the output positions of `chunk` rows) is no tensor's.
    private static func forEachImagePart(batch: Int, _ g: ConvolutionGeometry, chunk: Int, product: Int, dtype: DType, op: String,
                                         _ body: (_ part: Int, _ images: Range<Int>, _ cols: UnsafeMutableRawPointer) -> Void) throws -> Int {
        let parts = product <= 1 << 22 ? Swift.max(1, Swift.min(Parallel.threadCount, batch)) : 1
        let check = Arguments(op)
        let chunkColumns = chunk * g.outWidth  // at most the output's positions: validated
        let bytes = try check.product([Swift.max(g.columnRows, 1), Swift.max(chunkColumns, 1), dtype.itemSize],
                                      "the column buffer of \(g.columnRows) kernel positions by \(chunkColumns) output positions")
        try MemoryBudget.reserve(try check.product(bytes, parts, "the column buffers"), op: op)
        let (cost, overflow) = (batch / parts).multipliedReportingOverflow(by: Swift.max(product, 1))
        Parallel.forEachChunk(parts, costPerItem: overflow ? Int.max : cost, grain: 1 << 16) { range in
            let cols = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            defer { cols.deallocate() }
            for part in range { body(part, batch * part / parts ..< batch * (part + 1) / parts, cols) }
        }
        return parts
    }

    /// The multiply-adds of one image's product, saturating: it only picks a split.
    private static func product(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let (ab, first) = a.multipliedReportingOverflow(by: b)
        let (abc, second) = ab.multipliedReportingOverflow(by: c)
        return first || second ? Int.max : abc
    }

    /// out[n, group] = weight[group] (Og x Cg·kD·kH·kW) @ im2col(x[n, group]) (+ bias[o]), a chunk of output rows at a time.
    private static func convolutionForward(_ x: Tensor, _ w: Tensor, bias: Tensor?, _ out: Tensor, _ g: ConvolutionGeometry,
                                           groups: Int) throws {
        if x.dtype == .float32 && x.shape[0] > 0 && g.columnRows > 0
            && OneDNN.run(.forward, g, batch: x.shape[0], groups: groups, outChannels: w.shape[0], x.dataPointer, w.dataPointer,
                          bias: bias.map { UnsafeRawPointer($0.dataPointer) }, out.dataPointer) {
            return
        }
        try convolutionProduct(x, w, out, g, groups: groups)
        guard let bias else { return }
        // The bias added in place, one pass: out = out · 1 + bias per channel.
        let ones = try Tensor.ones([bias.count], dtype: bias.dtype)
        if try channelAffineInPlace(out, scale: ones, shift: bias) { return }
        try out.copyInPlace(out.add(bias.reshape([bias.count] + [Int](repeating: 1, count: out.rank - 2))))
    }

    /// out[n, group] = weight[group] @ im2col(x[n, group]), on im2col and GEMM.
    private static func convolutionProduct(_ x: Tensor, _ w: Tensor, _ out: Tensor, _ g: ConvolutionGeometry, groups: Int) throws {
        let batch = x.shape[0], outPerGroup = w.shape[0] / groups
        let item = x.dtype.itemSize, rows = g.columnRows, columns = g.columnCount, dtype = x.dtype
        let inputVolume = g.channels * g.depth.depth * g.height * g.width, chunk = rowsPerChunk(g, dtype)
        if rows == 0 {  // no input channels: BLAS would reject a zero leading dimension
            try out.zeroInPlace()
            return
        }
        let xPointer = x.dataPointer, wPointer = w.dataPointer, outPointer = out.dataPointer
        /// One (image, group, output rows) piece: its columns, then its product.
        func convolve(_ n: Int, _ group: Int, _ outRows: Range<Int>, _ width: Int, _ cols: UnsafeMutableRawPointer) {
            kernels.im2col(dtype, xPointer + ((n * groups + group) * inputVolume) * item, g, cols, width, outRows)
            Gemm.multiply(dtype: dtype, m: outPerGroup, n: width, k: rows,
                          a: MatrixOperand(pointer: wPointer + group * outPerGroup * rows * item, transposed: false,
                                           leadingDimension: rows),
                          b: MatrixOperand(pointer: cols, transposed: false, leadingDimension: width),
                          c: outPointer + ((n * groups + group) * outPerGroup * columns + outRows.lowerBound * g.outWidth) * item,
                          ldc: columns)
        }
        let outRowCount = g.depth.outDepth * g.outHeight
        if chunk < outRowCount {
            // Chunked (a volume, a large image): the pieces write disjoint
            // outputs, so the cores take pieces, each with a cache-sized
            // column buffer of its own and its products in one thread.
            let chunks = (outRowCount + chunk - 1) / chunk, pieces = batch * groups * chunks
            let bytes = try Arguments("conv").product([rows, chunk * g.outWidth, item], "the column buffer")
            try MemoryBudget.reserve(try Arguments("conv").product(bytes, Parallel.threadCount, "the column buffers"), op: "conv")
            Parallel.forEachChunk(pieces, costPerItem: Swift.max(product(outPerGroup, rows, chunk * g.outWidth), 1), grain: 1 << 16) { range in
                let cols = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
                defer { cols.deallocate() }
                for piece in range {
                    let (image, c) = piece.quotientAndRemainder(dividingBy: chunks)
                    let first = c * chunk, end = Swift.min(first + chunk, outRowCount)
                    convolve(image / groups, image % groups, first..<end, (end - first) * g.outWidth, cols)
                }
            }
            return
        }
        _ = try forEachImagePart(batch: batch, g, chunk: chunk, product: product(outPerGroup, columns, rows), dtype: dtype,
                                 op: "conv") { _, images, cols in
            for n in images {
                for group in 0..<groups { convolve(n, group, 0..<outRowCount, columns, cols) }
            }
        }
    }

    /// dx[n, group] = col2im(weight[group]ᵀ @ dout[n, group]).
    private static func convolutionInputGradient(_ gradOut: Tensor, _ w: Tensor, _ inputShape: [Int], _ g: ConvolutionGeometry,
                                                 groups: Int) throws -> Tensor {
        let batch = inputShape[0], outPerGroup = w.shape[0] / groups
        if w.dtype == .float32 && batch > 0 && g.columnRows > 0 && outPerGroup > 0 {
            let dx = try Tensor(uninitializedShape: inputShape, dtype: w.dtype, op: "conv")
            if OneDNN.run(.inputGradient, g, batch: batch, groups: groups, outChannels: w.shape[0], gradOut.dataPointer,
                          w.dataPointer, dx.dataPointer) {
                return dx
            }
        }
        let dx = try Tensor.zeros(inputShape, dtype: w.dtype)
        if g.columnRows == 0 || outPerGroup == 0 { return dx }
        let item = w.dtype.itemSize, rows = g.columnRows, columns = g.columnCount, dtype = w.dtype
        let inputVolume = g.channels * g.depth.depth * g.height * g.width, chunk = rowsPerChunk(g, dtype)
        let gPointer = gradOut.dataPointer, wPointer = w.dataPointer, dxPointer = dx.dataPointer
        _ = try forEachImagePart(batch: batch, g, chunk: chunk, product: product(rows, columns, outPerGroup), dtype: dtype,
                                 op: "conv") { _, images, cols in
            for n in images {
                for group in 0..<groups {
                    forEachRowChunk(g, chunk) { outRows, width in
                        Gemm.multiply(dtype: dtype, m: rows, n: width, k: outPerGroup,
                                      a: MatrixOperand(pointer: wPointer + group * outPerGroup * rows * item, transposed: true,
                                                       leadingDimension: rows),
                                      b: MatrixOperand(pointer: gPointer + ((n * groups + group) * outPerGroup * columns
                                                                            + outRows.lowerBound * g.outWidth) * item,
                                                       transposed: false, leadingDimension: columns),
                                      c: cols, ldc: width)
                        kernels.col2im(dtype, cols, g, dxPointer + ((n * groups + group) * inputVolume) * item, width, outRows)
                    }
                }
            }
        }
        return dx
    }

    /// dweight[group] = Σ_n dout[n, group] @ im2col(x[n, group])ᵀ; with images
    /// split across cores, each part sums into its own buffer and the parts
    /// are added in order (the same bits every run).
    private static func convolutionWeightGradient(_ gradOut: Tensor, _ x: Tensor, _ weightShape: [Int], _ g: ConvolutionGeometry,
                                                  groups: Int) throws -> Tensor {
        let batch = x.shape[0], outPerGroup = weightShape[0] / groups
        if g.columnRows == 0 || g.columnCount == 0 { return try Tensor.zeros(weightShape, dtype: x.dtype) }
        if x.dtype == .float32 && batch > 0,
           let dw = try OneDNN.weightGradient(g, batch: batch, groups: groups, weightShape: weightShape, x.dataPointer,
                                              gradOut.dataPointer) {
            return dw
        }
        let item = x.dtype.itemSize, rows = g.columnRows, columns = g.columnCount, dtype = x.dtype
        let inputVolume = g.channels * g.depth.depth * g.height * g.width, chunk = rowsPerChunk(g, dtype)
        let partials = try Tensor.zeros([Swift.max(1, Swift.min(Parallel.threadCount, batch))] + weightShape, dtype: dtype)
        let weightCount = weightShape.reduce(1, *)
        let xPointer = x.dataPointer, gPointer = gradOut.dataPointer, partialPointer = partials.dataPointer
        let parts = try forEachImagePart(batch: batch, g, chunk: chunk, product: product(outPerGroup, rows, columns), dtype: dtype,
                                         op: "conv") { part, images, cols in
            let target = partialPointer + part * weightCount * item
            for n in images {
                for group in 0..<groups {
                    forEachRowChunk(g, chunk) { outRows, width in
                        kernels.im2col(dtype, xPointer + ((n * groups + group) * inputVolume) * item, g, cols, width, outRows)
                        Gemm.multiply(dtype: dtype, m: outPerGroup, n: rows, k: width,
                                      a: MatrixOperand(pointer: gPointer + ((n * groups + group) * outPerGroup * columns
                                                                            + outRows.lowerBound * g.outWidth) * item,
                                                       transposed: false, leadingDimension: columns),
                                      b: MatrixOperand(pointer: cols, transposed: true, leadingDimension: width),
                                      c: target + group * outPerGroup * rows * item, ldc: rows, beta: 1)
                    }
                }
            }
        }
        let used = try partials.narrow(dim: 0, start: 0, length: parts)
        return parts == 1 ? try used.reshape(weightShape) : try used.sum(dims: [0], keepDim: false)
    }
}
