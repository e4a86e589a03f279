import Cajal

// torch.nn.functional: layers, activations and losses. Reductions are torch's
// codes (0 none, 1 mean, 2 sum); padding modes 0 explicit, 1 same, 2 valid.

func reduction(_ code: Int32, _ op: String) throws -> LossReduction {
    switch code {
    case 0: return .none
    case 1: return .mean
    case 2: return .sum
    default: throw CajalError.value("[\(op)] reduction code \(code) is not 0 (none), 1 (mean) or 2 (sum)")
    }
}

func convolutionPadding(_ mode: Int32, _ values: UnsafePointer<Int64>?, _ count: Int, _ op: String) throws -> ConvolutionPadding {
    switch mode {
    case 0: return .explicit(try ints(values, count, "padding"))
    case 1: return .same
    case 2: return .valid
    default: throw CajalError.value("[\(op)] padding mode \(mode) is not 0 (explicit), 1 (same) or 2 (valid)")
    }
}

func optionalTensor(_ pointer: OpaquePointer?, _ name: String) throws -> Tensor? {
    try pointer.map { try tensor($0, name) }
}

// MARK: layers

@_cdecl("cajal_nn_linear")
public func cajal_nn_linear(_ x: OpaquePointer?, _ weight: OpaquePointer?, _ bias: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.linear(tensor(x, "input"), weight: tensor(weight, "weight"), bias: optionalTensor(bias, "bias")) }
}

@_cdecl("cajal_nn_dropout")
public func cajal_nn_dropout(_ x: OpaquePointer?, _ probability: Double, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.dropout(tensor(x, "input"), probability: probability, training: true) }
}

@_cdecl("cajal_nn_conv2d")
public func cajal_nn_conv2d(_ x: OpaquePointer?, _ weight: OpaquePointer?, _ bias: OpaquePointer?,
                            _ stride: UnsafePointer<Int64>?, _ nstride: Int, _ paddingMode: Int32,
                            _ padding: UnsafePointer<Int64>?, _ npadding: Int, _ dilation: UnsafePointer<Int64>?,
                            _ ndilation: Int, _ groups: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Tensor.conv2d(tensor(x, "input"), weight: tensor(weight, "weight"), bias: optionalTensor(bias, "bias"),
                          stride: ints(stride, nstride, "stride"),
                          padding: convolutionPadding(paddingMode, padding, npadding, "conv2d"),
                          dilation: ints(dilation, ndilation, "dilation"), groups: Int(groups))
    }
}

@_cdecl("cajal_nn_conv1d")
public func cajal_nn_conv1d(_ x: OpaquePointer?, _ weight: OpaquePointer?, _ bias: OpaquePointer?,
                            _ stride: UnsafePointer<Int64>?, _ nstride: Int, _ paddingMode: Int32,
                            _ padding: UnsafePointer<Int64>?, _ npadding: Int, _ dilation: UnsafePointer<Int64>?,
                            _ ndilation: Int, _ groups: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Tensor.conv1d(tensor(x, "input"), weight: tensor(weight, "weight"), bias: optionalTensor(bias, "bias"),
                          stride: ints(stride, nstride, "stride"),
                          padding: convolutionPadding(paddingMode, padding, npadding, "conv1d"),
                          dilation: ints(dilation, ndilation, "dilation"), groups: Int(groups))
    }
}

@_cdecl("cajal_nn_max_pool2d")
public func cajal_nn_max_pool2d(_ x: OpaquePointer?, _ kernel: UnsafePointer<Int64>?, _ nkernel: Int,
                                _ stride: UnsafePointer<Int64>?, _ nstride: Int, _ padding: UnsafePointer<Int64>?,
                                _ npadding: Int, _ dilation: UnsafePointer<Int64>?, _ ndilation: Int, _ ceilMode: Int32,
                                _ values: TensorOut?, _ indices: TensorOut?) -> Int32 {
    status {
        guard let values, let indices else { throw CajalError(.nullArgument, "output pointer is NULL") }
        let result = try Tensor.maxPool2d(tensor(x, "input"), kernelSize: ints(kernel, nkernel, "kernel_size"),
                                          stride: ints(stride, nstride, "stride"), padding: ints(padding, npadding, "padding"),
                                          dilation: ints(dilation, ndilation, "dilation"), ceilMode: ceilMode != 0)
        values.pointee = handle(result.values)
        indices.pointee = handle(result.indices)
    }
}

@_cdecl("cajal_nn_max_pool1d")
public func cajal_nn_max_pool1d(_ x: OpaquePointer?, _ kernel: UnsafePointer<Int64>?, _ nkernel: Int,
                                _ stride: UnsafePointer<Int64>?, _ nstride: Int, _ padding: UnsafePointer<Int64>?,
                                _ npadding: Int, _ dilation: UnsafePointer<Int64>?, _ ndilation: Int, _ ceilMode: Int32,
                                _ values: TensorOut?, _ indices: TensorOut?) -> Int32 {
    status {
        guard let values, let indices else { throw CajalError(.nullArgument, "output pointer is NULL") }
        let result = try Tensor.maxPool1d(tensor(x, "input"), kernelSize: ints(kernel, nkernel, "kernel_size"),
                                          stride: ints(stride, nstride, "stride"), padding: ints(padding, npadding, "padding"),
                                          dilation: ints(dilation, ndilation, "dilation"), ceilMode: ceilMode != 0)
        values.pointee = handle(result.values)
        indices.pointee = handle(result.indices)
    }
}

@_cdecl("cajal_nn_avg_pool2d")
public func cajal_nn_avg_pool2d(_ x: OpaquePointer?, _ kernel: UnsafePointer<Int64>?, _ nkernel: Int,
                                _ stride: UnsafePointer<Int64>?, _ nstride: Int, _ padding: UnsafePointer<Int64>?,
                                _ npadding: Int, _ ceilMode: Int32, _ countIncludePad: Int32, _ divisorOverride: Int64,
                                _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Tensor.avgPool2d(tensor(x, "input"), kernelSize: ints(kernel, nkernel, "kernel_size"),
                             stride: ints(stride, nstride, "stride"), padding: ints(padding, npadding, "padding"),
                             ceilMode: ceilMode != 0, countIncludePad: countIncludePad != 0, divisorOverride: Int(divisorOverride))
    }
}

@_cdecl("cajal_nn_avg_pool1d")
public func cajal_nn_avg_pool1d(_ x: OpaquePointer?, _ kernel: UnsafePointer<Int64>?, _ nkernel: Int,
                                _ stride: UnsafePointer<Int64>?, _ nstride: Int, _ padding: UnsafePointer<Int64>?,
                                _ npadding: Int, _ ceilMode: Int32, _ countIncludePad: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Tensor.avgPool1d(tensor(x, "input"), kernelSize: ints(kernel, nkernel, "kernel_size"),
                             stride: ints(stride, nstride, "stride"), padding: ints(padding, npadding, "padding"),
                             ceilMode: ceilMode != 0, countIncludePad: countIncludePad != 0)
    }
}

// MARK: activations

@_cdecl("cajal_nn_softmax")
public func cajal_nn_softmax(_ x: OpaquePointer?, _ dim: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.softmax(tensor(x), dim: Int(dim)) }
}

@_cdecl("cajal_nn_log_softmax")
public func cajal_nn_log_softmax(_ x: OpaquePointer?, _ dim: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.logSoftmax(tensor(x), dim: Int(dim)) }
}

@_cdecl("cajal_nn_leaky_relu")
public func cajal_nn_leaky_relu(_ x: OpaquePointer?, _ negativeSlope: Double, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.leakyRelu(tensor(x), negativeSlope: negativeSlope) }
}

@_cdecl("cajal_nn_elu")
public func cajal_nn_elu(_ x: OpaquePointer?, _ alpha: Double, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.elu(tensor(x), alpha: alpha) }
}

@_cdecl("cajal_nn_gelu")
public func cajal_nn_gelu(_ x: OpaquePointer?, _ tanhApproximation: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.gelu(tensor(x), tanhApproximation: tanhApproximation != 0) }
}

@_cdecl("cajal_nn_silu")
public func cajal_nn_silu(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.silu(tensor(x)) }
}

@_cdecl("cajal_nn_softplus")
public func cajal_nn_softplus(_ x: OpaquePointer?, _ beta: Double, _ threshold: Double, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.softplus(tensor(x), beta: beta, threshold: threshold) }
}

@_cdecl("cajal_nn_hardtanh")
public func cajal_nn_hardtanh(_ x: OpaquePointer?, _ low: Double, _ high: Double, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.hardtanh(tensor(x), min: low, max: high) }
}

// MARK: losses

@_cdecl("cajal_nn_mse_loss")
public func cajal_nn_mse_loss(_ input: OpaquePointer?, _ target: OpaquePointer?, _ reductionCode: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.mseLoss(tensor(input, "input"), tensor(target, "target"), reduction: reduction(reductionCode, "mse_loss")) }
}

@_cdecl("cajal_nn_l1_loss")
public func cajal_nn_l1_loss(_ input: OpaquePointer?, _ target: OpaquePointer?, _ reductionCode: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.l1Loss(tensor(input, "input"), tensor(target, "target"), reduction: reduction(reductionCode, "l1_loss")) }
}

@_cdecl("cajal_nn_binary_cross_entropy")
public func cajal_nn_binary_cross_entropy(_ input: OpaquePointer?, _ target: OpaquePointer?, _ weight: OpaquePointer?,
                                          _ reductionCode: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.binaryCrossEntropy(tensor(input, "input"), tensor(target, "target"), weight: optionalTensor(weight, "weight"),
                                          reduction: reduction(reductionCode, "binary_cross_entropy"))
    }
}

@_cdecl("cajal_nn_binary_cross_entropy_with_logits")
public func cajal_nn_binary_cross_entropy_with_logits(_ input: OpaquePointer?, _ target: OpaquePointer?, _ weight: OpaquePointer?,
                                                      _ positiveWeight: OpaquePointer?, _ reductionCode: Int32,
                                                      _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.binaryCrossEntropyWithLogits(tensor(input, "input"), tensor(target, "target"),
                                                    weight: optionalTensor(weight, "weight"),
                                                    positiveWeight: optionalTensor(positiveWeight, "pos_weight"),
                                                    reduction: reduction(reductionCode, "binary_cross_entropy_with_logits"))
    }
}

@_cdecl("cajal_nn_nll_loss")
public func cajal_nn_nll_loss(_ input: OpaquePointer?, _ target: OpaquePointer?, _ weight: OpaquePointer?, _ ignoreIndex: Int64,
                              _ reductionCode: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.nllLoss(tensor(input, "input"), tensor(target, "target"), weight: optionalTensor(weight, "weight"),
                               ignoreIndex: Int(ignoreIndex), reduction: reduction(reductionCode, "nll_loss"))
    }
}

@_cdecl("cajal_nn_cross_entropy")
public func cajal_nn_cross_entropy(_ input: OpaquePointer?, _ target: OpaquePointer?, _ weight: OpaquePointer?, _ ignoreIndex: Int64,
                                   _ reductionCode: Int32, _ labelSmoothing: Double, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.crossEntropy(tensor(input, "input"), tensor(target, "target"), weight: optionalTensor(weight, "weight"),
                                    ignoreIndex: Int(ignoreIndex), reduction: reduction(reductionCode, "cross_entropy"),
                                    labelSmoothing: labelSmoothing)
    }
}

// MARK: more activations

@_cdecl("cajal_nn_selu")
public func cajal_nn_selu(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.selu(tensor(x)) }
}

@_cdecl("cajal_nn_celu")
public func cajal_nn_celu(_ x: OpaquePointer?, _ alpha: Double, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.celu(tensor(x), alpha: alpha) }
}

@_cdecl("cajal_nn_mish")
public func cajal_nn_mish(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.mish(tensor(x)) }
}

@_cdecl("cajal_nn_softsign")
public func cajal_nn_softsign(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.softsign(tensor(x)) }
}

@_cdecl("cajal_nn_hardsigmoid")
public func cajal_nn_hardsigmoid(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.hardsigmoid(tensor(x)) }
}

@_cdecl("cajal_nn_hardswish")
public func cajal_nn_hardswish(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.hardswish(tensor(x)) }
}

@_cdecl("cajal_nn_log_sigmoid")
public func cajal_nn_log_sigmoid(_ x: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.logSigmoid(tensor(x)) }
}

@_cdecl("cajal_nn_threshold")
public func cajal_nn_threshold(_ x: OpaquePointer?, _ threshold: Double, _ value: Double, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.threshold(tensor(x), threshold: threshold, value: value) }
}

@_cdecl("cajal_nn_prelu")
public func cajal_nn_prelu(_ x: OpaquePointer?, _ weight: OpaquePointer?, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.prelu(tensor(x), weight: tensor(weight, "weight")) }
}

// MARK: normalisation and embedding

@_cdecl("cajal_nn_layer_norm")
public func cajal_nn_layer_norm(_ x: OpaquePointer?, _ shape: UnsafePointer<Int64>?, _ ndims: Int, _ weight: OpaquePointer?,
                                _ bias: OpaquePointer?, _ eps: Double, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.layerNorm(tensor(x), normalizedShape: ints(shape, ndims, "normalized_shape"),
                                 weight: optionalTensor(weight, "weight"), bias: optionalTensor(bias, "bias"), eps: eps)
    }
}

@_cdecl("cajal_nn_batch_norm")
public func cajal_nn_batch_norm(_ x: OpaquePointer?, _ runningMean: OpaquePointer?, _ runningVar: OpaquePointer?,
                                _ weight: OpaquePointer?, _ bias: OpaquePointer?, _ training: Int32, _ momentum: Double,
                                _ eps: Double, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.batchNorm(tensor(x), runningMean: optionalTensor(runningMean, "running_mean"),
                                 runningVar: optionalTensor(runningVar, "running_var"), weight: optionalTensor(weight, "weight"),
                                 bias: optionalTensor(bias, "bias"), training: training != 0, momentum: momentum, eps: eps)
    }
}

@_cdecl("cajal_nn_group_norm")
public func cajal_nn_group_norm(_ x: OpaquePointer?, _ numGroups: Int64, _ weight: OpaquePointer?, _ bias: OpaquePointer?,
                                _ eps: Double, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.groupNorm(tensor(x), numGroups: Int(numGroups), weight: optionalTensor(weight, "weight"),
                                 bias: optionalTensor(bias, "bias"), eps: eps)
    }
}

@_cdecl("cajal_nn_instance_norm")
public func cajal_nn_instance_norm(_ x: OpaquePointer?, _ weight: OpaquePointer?, _ bias: OpaquePointer?, _ eps: Double,
                                   _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.instanceNorm(tensor(x), weight: optionalTensor(weight, "weight"), bias: optionalTensor(bias, "bias"), eps: eps)
    }
}

@_cdecl("cajal_nn_embedding")
public func cajal_nn_embedding(_ input: OpaquePointer?, _ weight: OpaquePointer?, _ hasPadding: Int32, _ paddingIndex: Int64,
                               _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.embedding(tensor(input, "input"), weight: tensor(weight, "weight"),
                                 paddingIndex: hasPadding != 0 ? Int(paddingIndex) : nil)
    }
}

// MARK: more losses

@_cdecl("cajal_nn_smooth_l1_loss")
public func cajal_nn_smooth_l1_loss(_ input: OpaquePointer?, _ target: OpaquePointer?, _ reductionCode: Int32, _ beta: Double,
                                    _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.smoothL1Loss(tensor(input, "input"), tensor(target, "target"), reduction: reduction(reductionCode, "smooth_l1_loss"),
                                    beta: beta)
    }
}

@_cdecl("cajal_nn_huber_loss")
public func cajal_nn_huber_loss(_ input: OpaquePointer?, _ target: OpaquePointer?, _ reductionCode: Int32, _ delta: Double,
                                _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.huberLoss(tensor(input, "input"), tensor(target, "target"), reduction: reduction(reductionCode, "huber_loss"),
                                 delta: delta)
    }
}

@_cdecl("cajal_nn_kl_div")
public func cajal_nn_kl_div(_ input: OpaquePointer?, _ target: OpaquePointer?, _ reductionName: UnsafePointer<CChar>?,
                            _ logTarget: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        guard let reductionName else { throw CajalError(.nullArgument, "reduction is NULL") }
        return try Functional.klDivLoss(tensor(input, "input"), tensor(target, "target"), reduction: String(cString: reductionName),
                                        logTarget: logTarget != 0)
    }
}

@_cdecl("cajal_nn_gaussian_nll_loss")
public func cajal_nn_gaussian_nll_loss(_ input: OpaquePointer?, _ target: OpaquePointer?, _ variance: OpaquePointer?, _ full: Int32,
                                       _ eps: Double, _ reductionCode: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.gaussianNLLLoss(tensor(input, "input"), tensor(target, "target"), variance: tensor(variance, "var"),
                                       full: full != 0, eps: eps, reduction: reduction(reductionCode, "gaussian_nll_loss"))
    }
}

@_cdecl("cajal_nn_poisson_nll_loss")
public func cajal_nn_poisson_nll_loss(_ input: OpaquePointer?, _ target: OpaquePointer?, _ logInput: Int32, _ full: Int32,
                                      _ eps: Double, _ reductionCode: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.poissonNLLLoss(tensor(input, "input"), tensor(target, "target"), logInput: logInput != 0, full: full != 0,
                                      eps: eps, reduction: reduction(reductionCode, "poisson_nll_loss"))
    }
}

@_cdecl("cajal_nn_cosine_embedding_loss")
public func cajal_nn_cosine_embedding_loss(_ input1: OpaquePointer?, _ input2: OpaquePointer?, _ target: OpaquePointer?,
                                           _ margin: Double, _ reductionCode: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.cosineEmbeddingLoss(tensor(input1, "input1"), tensor(input2, "input2"), tensor(target, "target"),
                                           margin: margin, reduction: reduction(reductionCode, "cosine_embedding_loss"))
    }
}

@_cdecl("cajal_nn_margin_ranking_loss")
public func cajal_nn_margin_ranking_loss(_ input1: OpaquePointer?, _ input2: OpaquePointer?, _ target: OpaquePointer?,
                                         _ margin: Double, _ reductionCode: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.marginRankingLoss(tensor(input1, "input1"), tensor(input2, "input2"), tensor(target, "target"),
                                         margin: margin, reduction: reduction(reductionCode, "margin_ranking_loss"))
    }
}

@_cdecl("cajal_nn_triplet_margin_loss")
public func cajal_nn_triplet_margin_loss(_ anchor: OpaquePointer?, _ positive: OpaquePointer?, _ negative: OpaquePointer?,
                                         _ margin: Double, _ p: Double, _ eps: Double, _ swap: Int32, _ reductionCode: Int32,
                                         _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.tripletMarginLoss(tensor(anchor, "anchor"), tensor(positive, "positive"), tensor(negative, "negative"),
                                         margin: margin, p: p, eps: eps, swap: swap != 0,
                                         reduction: reduction(reductionCode, "triplet_margin_loss"))
    }
}

@_cdecl("cajal_nn_dice_loss")
public func cajal_nn_dice_loss(_ input: OpaquePointer?, _ target: OpaquePointer?, _ smooth: Double, _ reductionCode: Int32,
                               _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.diceLoss(tensor(input, "input"), tensor(target, "target"), smooth: smooth,
                                reduction: reduction(reductionCode, "dice_loss"))
    }
}

// MARK: resampling

@_cdecl("cajal_nn_pad")
public func cajal_nn_pad(_ x: OpaquePointer?, _ pads: UnsafePointer<Int64>?, _ npads: Int, _ value: Double, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.pad(tensor(x), ints(pads, npads, "pad"), value: value) }
}

@_cdecl("cajal_nn_pixel_shuffle")
public func cajal_nn_pixel_shuffle(_ x: OpaquePointer?, _ upscaleFactor: Int64, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.pixelShuffle(tensor(x), upscaleFactor: Int(upscaleFactor)) }
}

@_cdecl("cajal_nn_interpolate")
public func cajal_nn_interpolate(_ x: OpaquePointer?, _ size: UnsafePointer<Int64>?, _ nsize: Int, _ scales: UnsafePointer<Double>?,
                                 _ nscales: Int, _ mode: Int32, _ alignCorners: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        guard mode == 0 || mode == 1 else { throw CajalError.value("[interpolate] mode \(mode) is not 0 (nearest) or 1 (linear)") }
        let nscales = try checkedCount(nscales, "[interpolate] scales", limit: 8)
        guard nscales == 0 || scales != nil else { throw CajalError(.nullArgument, "[interpolate] scales is NULL") }
        let ratios = (0..<nscales).map { scales?[$0] ?? 0 }
        return try Functional.interpolate(tensor(x), size: ints(size, nsize, "size"), mode: mode == 0 ? .nearest : .linear,
                                          alignCorners: alignCorners != 0, scales: ratios)
    }
}

@_cdecl("cajal_nn_adaptive_avg_pool")
public func cajal_nn_adaptive_avg_pool(_ x: OpaquePointer?, _ size: UnsafePointer<Int64>?, _ nsize: Int, _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.adaptiveAvgPool(tensor(x), outputSize: ints(size, nsize, "output_size")) }
}

@_cdecl("cajal_nn_conv_transpose2d")
public func cajal_nn_conv_transpose2d(_ x: OpaquePointer?, _ weight: OpaquePointer?, _ bias: OpaquePointer?,
                                      _ stride: UnsafePointer<Int64>?, _ nstride: Int, _ padding: UnsafePointer<Int64>?,
                                      _ npadding: Int, _ outputPadding: UnsafePointer<Int64>?, _ noutputPadding: Int,
                                      _ groups: Int64, _ dilation: UnsafePointer<Int64>?, _ ndilation: Int,
                                      _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Tensor.convTranspose2d(tensor(x, "input"), weight: tensor(weight, "weight"), bias: optionalTensor(bias, "bias"),
                                   stride: ints(stride, nstride, "stride"), padding: ints(padding, npadding, "padding"),
                                   outputPadding: ints(outputPadding, noutputPadding, "output_padding"), groups: Int(groups),
                                   dilation: ints(dilation, ndilation, "dilation"))
    }
}

@_cdecl("cajal_nn_affine_grid")
public func cajal_nn_affine_grid(_ theta: OpaquePointer?, _ size: UnsafePointer<Int64>?, _ nsize: Int, _ alignCorners: Int32,
                                 _ out: TensorOut?) -> Int32 {
    newTensor(out) { try Functional.affineGrid(tensor(theta, "theta"), size: ints(size, nsize, "size"), alignCorners: alignCorners != 0) }
}

@_cdecl("cajal_nn_grid_sample")
public func cajal_nn_grid_sample(_ input: OpaquePointer?, _ grid: OpaquePointer?, _ mode: Int32, _ paddingMode: Int32,
                                 _ alignCorners: Int32, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        guard mode == 0 || mode == 1 else { throw CajalError.value("[grid_sample] mode \(mode) is not 0 (bilinear) or 1 (nearest)") }
        let paddings: [Functional.GridPadding] = [.zeros, .border, .reflection]
        guard (0..<3).contains(paddingMode) else {
            throw CajalError.value("[grid_sample] padding mode \(paddingMode) is not 0 (zeros), 1 (border) or 2 (reflection)")
        }
        return try Functional.gridSample(tensor(input, "input"), grid: tensor(grid, "grid"), bilinear: mode == 0,
                                         padding: paddings[Int(paddingMode)], alignCorners: alignCorners != 0)
    }
}

@_cdecl("cajal_nn_adaptive_max_pool2d")
public func cajal_nn_adaptive_max_pool2d(_ x: OpaquePointer?, _ size: UnsafePointer<Int64>?, _ nsize: Int, _ values: TensorOut?,
                                         _ indices: TensorOut?) -> Int32 {
    status {
        guard let values, let indices else { throw CajalError(.nullArgument, "output pointer is NULL") }
        let result = try Tensor.adaptiveMaxPool2d(tensor(x, "input"), outputSize: ints(size, nsize, "output_size"))
        values.pointee = handle(result.values)
        indices.pointee = handle(result.indices)
    }
}

/// softmax(q kᵀ scale + mask) v; attn_mask may be NULL; has_scale 0 uses 1/√E.
@_cdecl("cajal_nn_scaled_dot_product_attention")
public func cajal_nn_scaled_dot_product_attention(_ query: OpaquePointer?, _ key: OpaquePointer?, _ value: OpaquePointer?,
                                                  _ attnMask: OpaquePointer?, _ dropoutP: Double, _ isCausal: Int32,
                                                  _ hasScale: Int32, _ scale: Double, _ out: TensorOut?) -> Int32 {
    newTensor(out) {
        try Functional.scaledDotProductAttention(tensor(query, "query"), tensor(key, "key"), tensor(value, "value"),
                                                 attnMask: attnMask.map { try tensor($0, "attn_mask") }, dropoutP: dropoutP,
                                                 isCausal: isCausal != 0, scale: hasScale != 0 ? scale : nil)
    }
}

/// MultiheadAttention's forward (time-major); NULL for absent weights and masks; weights_out receives NULL unless need_weights.
@_cdecl("cajal_nn_multi_head_attention")
public func cajal_nn_multi_head_attention(_ query: OpaquePointer?, _ key: OpaquePointer?, _ value: OpaquePointer?, _ numHeads: Int64,
                                          _ inProj: OpaquePointer?, _ qProj: OpaquePointer?, _ kProj: OpaquePointer?,
                                          _ vProj: OpaquePointer?, _ inBias: OpaquePointer?, _ outProj: OpaquePointer?,
                                          _ outBias: OpaquePointer?, _ keyPaddingMask: OpaquePointer?, _ attnMask: OpaquePointer?,
                                          _ needWeights: Int32, _ averageWeights: Int32, _ isCausal: Int32, _ dropoutP: Double,
                                          _ training: Int32, _ output: TensorOut?, _ weightsOut: TensorOut?) -> Int32 {
    status {
        guard let output, let weightsOut else { throw CajalError(.nullArgument, "output pointer is NULL") }
        let optional = { (p: OpaquePointer?, name: String) in try p.map { try tensor($0, name) } }
        let weights = MultiheadAttentionWeights(
            inProjection: try optional(inProj, "in_proj_weight"), queryProjection: try optional(qProj, "q_proj_weight"),
            keyProjection: try optional(kProj, "k_proj_weight"), valueProjection: try optional(vProj, "v_proj_weight"),
            inProjectionBias: try optional(inBias, "in_proj_bias"), outProjection: try tensor(outProj, "out_proj_weight"),
            outProjectionBias: try optional(outBias, "out_proj_bias"))
        let result = try Functional.multiHeadAttention(
            query: tensor(query, "query"), key: tensor(key, "key"), value: tensor(value, "value"), numHeads: Int(numHeads),
            weights: weights, keyPaddingMask: optional(keyPaddingMask, "key_padding_mask"), attnMask: optional(attnMask, "attn_mask"),
            needWeights: needWeights != 0, averageAttnWeights: averageWeights != 0, isCausal: isCausal != 0, dropoutP: dropoutP,
            training: training != 0)
        output.pointee = handle(result.output)
        weightsOut.pointee = result.weights.map(handle)
    }
}
