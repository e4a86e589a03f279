"""The C API: nn functional.

Each fn() declares one exported function: its C signature, its doc comment
and its Swift body. tools/generate.py (make generate) makes include/cajal.h,
the Swift exports and the ctypes table from these declarations.
"""

section("nn functional")

note("""torch.nn.functional. Optional tensors (bias, weight, pos_weight) may be NULL.
reduction: a cajal_reduction other than BATCHMEAN, which only kl_div takes. Lists of per-dim values (stride, padding,
dilation, kernel_size) hold one value for every dim or a single shared one;
an empty pooling stride means stride = kernel_size.""")

fn("int cajal_nn_linear(cajal_tensor x, cajal_tensor weight, cajal_tensor bias, cajal_tensor *out)",
   "x W^T + b.",
   swift='newTensor(out) { try Functional.linear(tensorArgument(x, "input"), weight: tensorArgument(weight, "weight"), bias: optionalTensor(bias, "bias")) }')

fn("int cajal_nn_dropout_v2(cajal_tensor x, double p, int32_t training, cajal_tensor *out)",
   """Dropout: in training, each element zeroed with probability p (drawn from the default
generator, one uniform per element), the rest scaled by 1 / (1 - p); otherwise x itself.
p outside [0, 1] fails either way.""",
   swift='newTensor(out) { try Functional.dropout(tensorArgument(x, "input"), probability: p, training: training != 0) }')

fn("int cajal_nn_dropout2d(cajal_tensor x, double p, int32_t training, cajal_tensor *out)",
   """Channel dropout of (N, C, H, W) or (C, H, W): in training, each channel zeroed with
probability p (one uniform per channel from the default generator, kept when >= p), the
rest scaled by 1 / (1 - p); otherwise x itself.""",
   swift='newTensor(out) { try Functional.dropout2d(tensorArgument(x, "input"), probability: p, training: training != 0) }')

fn("int cajal_nn_feature_dropout(cajal_tensor x, double p, int32_t training, int64_t spatial_dims, cajal_tensor *out)",
   """Channel dropout with spatial_dims (1 to 3) spatial dims, (N, C, ...) or (C, ...): dropout1d, dropout2d and
dropout3d, drawn as cajal_nn_dropout2d draws.""",
   swift='newTensor(out) { try Functional.featureDropout(tensorArgument(x, "input"), probability: p, training: training != 0, spatialDims: Int(spatial_dims)) }')

fn("int cajal_nn_check_dropout_probability(double p)",
   "CAJAL_OK when p is a dropout probability (in [0, 1]); the check nn.Dropout makes when it is built.",
   swift='status { try Functional.checkDropoutProbability(p) }', capture="query")

fn("int cajal_nn_dropout(cajal_tensor x, double p, cajal_tensor *out)",
   "Deprecated since API version 3, removed in 4: cajal_nn_dropout_v2 in training.",
   swift='newTensor(out) { try Functional.dropout(tensorArgument(x, "input"), probability: p, training: true) }')

conv(2, "padding_mode: CAJAL_CONV_PADDING_EXPLICIT (padding, on both sides), _SAME (stride 1) or _VALID.")

conv(1, "conv2d's 1-d form: x (N, C, L) or (C, L), weight (O, C / groups, k).")

conv(3, """conv2d's 3-d form: x (N, C, D, H, W) or (C, D, H, W), weight (O, C / groups, kD, kH, kW). The column
matrix is made a few output planes at a time (about 32 MB), so its memory stays bounded on large volumes.""")

max_pool(2, "The window maxima and their flat positions in each input plane.")

max_pool(1, "max_pool2d's 1-d form.")

avg_pool(2, "divisor_override: 0 for none.", divisor_override=True)

avg_pool(1, "avg_pool2d's 1-d form.", divisor_override=False)

max_pool(3, "max_pool2d's 3-d form; indices are positions in each input volume ((d H + h) W + w).")

avg_pool(3, "avg_pool2d's 3-d form.", divisor_override=True)

fn("int cajal_nn_softmax(cajal_tensor x, int64_t dim, cajal_tensor *out)",
   "e^x / sum(e^x) along dim.",
   swift='newTensor(out) { try Functional.softmax(tensorArgument(x), dim: Int(dim)) }')

fn("int cajal_nn_log_softmax(cajal_tensor x, int64_t dim, cajal_tensor *out)",
   "x - logsumexp(x) along dim.",
   swift='newTensor(out) { try Functional.logSoftmax(tensorArgument(x), dim: Int(dim)) }')

fn("int cajal_nn_leaky_relu(cajal_tensor x, double negative_slope, cajal_tensor *out)",
   "x where x > 0, else negative_slope * x.",
   swift='newTensor(out) { try Functional.leakyRelu(tensorArgument(x), negativeSlope: negative_slope) }')

fn("int cajal_nn_elu(cajal_tensor x, double alpha, cajal_tensor *out)",
   "x where x > 0, else alpha * (e^x - 1).",
   swift='newTensor(out) { try Functional.elu(tensorArgument(x), alpha: alpha) }')

fn("int cajal_nn_gelu(cajal_tensor x, int32_t tanh_approximation, cajal_tensor *out)",
   "tanh_approximation: 0 exact (erf), 1 the tanh formula.",
   swift='newTensor(out) { try Functional.gelu(tensorArgument(x), tanhApproximation: tanh_approximation != 0) }')

fn("int cajal_nn_silu(cajal_tensor x, cajal_tensor *out)",
   "x * sigmoid(x).",
   swift='newTensor(out) { try Functional.silu(tensorArgument(x)) }')

fn("int cajal_nn_softplus(cajal_tensor x, double beta, double threshold, cajal_tensor *out)",
   "log(1 + e^(beta x)) / beta; x where beta x > threshold.",
   swift='newTensor(out) { try Functional.softplus(tensorArgument(x), beta: beta, threshold: threshold) }')

fn("int cajal_nn_hardtanh(cajal_tensor x, double min, double max, cajal_tensor *out)",
   "x clipped to [min, max].",
   swift='newTensor(out) { try Functional.hardtanh(tensorArgument(x), min: min, max: max) }')

loss("mse_loss", "(input - target)^2, reduced.")

loss("l1_loss", "|input - target|, reduced.")

fn("int cajal_nn_binary_cross_entropy(cajal_tensor input, cajal_tensor target, cajal_tensor weight, cajal_reduction reduction, cajal_tensor *out)",
   "-(y log x + (1 - y) log(1 - x)) with logs clamped at -100, times weight, reduced.",
   swift='''newTensor(out) {
    try Functional.binaryCrossEntropy(tensorArgument(input, "input"), tensorArgument(target, "target"), weight: optionalTensor(weight, "weight"),
                                      reduction: reduction)
}''')

fn("int cajal_nn_binary_cross_entropy_with_logits(cajal_tensor input, cajal_tensor target, cajal_tensor weight, cajal_tensor pos_weight, cajal_reduction reduction, cajal_tensor *out)",
   "binary_cross_entropy of sigmoid(input), stable in the logits; pos_weight scales the positive term.",
   swift='''newTensor(out) {
    try Functional.binaryCrossEntropyWithLogits(tensorArgument(input, "input"), tensorArgument(target, "target"),
                                                weight: optionalTensor(weight, "weight"),
                                                positiveWeight: optionalTensor(pos_weight, "pos_weight"),
                                                reduction: reduction)
}''')

fn("int cajal_nn_nll_loss(cajal_tensor input, cajal_tensor target, cajal_tensor weight, int64_t ignore_index, cajal_reduction reduction, cajal_tensor *out)",
   "target: int64 class indices.",
   swift='''newTensor(out) {
    try Functional.nllLoss(tensorArgument(input, "input"), tensorArgument(target, "target"), weight: optionalTensor(weight, "weight"),
                           ignoreIndex: Int(ignore_index), reduction: reduction)
}''')

fn("int cajal_nn_cross_entropy(cajal_tensor input, cajal_tensor target, cajal_tensor weight, int64_t ignore_index, cajal_reduction reduction, double label_smoothing, cajal_tensor *out)",
   "target: int64 class indices, or float class probabilities shaped like input.",
   swift='''newTensor(out) {
    try Functional.crossEntropy(tensorArgument(input, "input"), tensorArgument(target, "target"), weight: optionalTensor(weight, "weight"),
                                ignoreIndex: Int(ignore_index), reduction: reduction,
                                labelSmoothing: label_smoothing)
}''')

fn("int cajal_nn_selu(cajal_tensor x, cajal_tensor *out)",
   "SELU: scale * elu(x, alpha) with the self-normalising constants.",
   swift='newTensor(out) { try Functional.selu(tensorArgument(x)) }')

fn("int cajal_nn_celu(cajal_tensor x, double alpha, cajal_tensor *out)",
   "max(0, x) + min(0, alpha (e^(x/alpha) - 1)).",
   swift='newTensor(out) { try Functional.celu(tensorArgument(x), alpha: alpha) }')

fn("int cajal_nn_mish(cajal_tensor x, cajal_tensor *out)",
   "x tanh(softplus(x)).",
   swift='newTensor(out) { try Functional.mish(tensorArgument(x)) }')

fn("int cajal_nn_softsign(cajal_tensor x, cajal_tensor *out)",
   "x / (1 + |x|).",
   swift='newTensor(out) { try Functional.softsign(tensorArgument(x)) }')

fn("int cajal_nn_hardsigmoid(cajal_tensor x, cajal_tensor *out)",
   "clamp(x / 6 + 1/2, 0, 1).",
   swift='newTensor(out) { try Functional.hardsigmoid(tensorArgument(x)) }')

fn("int cajal_nn_hardswish(cajal_tensor x, cajal_tensor *out)",
   "x hardsigmoid(x).",
   swift='newTensor(out) { try Functional.hardswish(tensorArgument(x)) }')

fn("int cajal_nn_log_sigmoid(cajal_tensor x, cajal_tensor *out)",
   "log(sigmoid(x)), stable.",
   swift='newTensor(out) { try Functional.logSigmoid(tensorArgument(x)) }')

fn("int cajal_nn_threshold(cajal_tensor x, double threshold, double value, cajal_tensor *out)",
   "x where x > threshold, else value.",
   swift='newTensor(out) { try Functional.threshold(tensorArgument(x), threshold: threshold, value: value) }')

fn("int cajal_nn_prelu(cajal_tensor x, cajal_tensor weight, cajal_tensor *out)",
   "x where x > 0, else weight * x; weight has 1 or C (dim 1) elements.",
   swift='newTensor(out) { try Functional.prelu(tensorArgument(x), weight: tensorArgument(weight, "weight")) }')

fn("int cajal_nn_layer_norm(cajal_tensor x, const int64_t *normalized_shape, size_t ndims, cajal_tensor weight, cajal_tensor bias, double eps, cajal_tensor *out)",
   "Normalises over the last ndims dims (normalized_shape); weight and bias shaped like it, or NULL.",
   swift='''newTensor(out) {
    try Functional.layerNorm(tensorArgument(x), normalizedShape: ints(normalized_shape, ndims, "normalized_shape"),
                             weight: optionalTensor(weight, "weight"), bias: optionalTensor(bias, "bias"), eps: eps)
}''')

fn("int cajal_nn_batch_norm(cajal_tensor x, cajal_tensor running_mean, cajal_tensor running_var, cajal_tensor weight, cajal_tensor bias, int32_t training, double momentum, double eps, cajal_tensor *out)",
   """Over dim 1 of (N, C, ...): batch statistics when training (updating running_mean and running_var in
place when given), the running ones otherwise. Any of the four tensors may be NULL.""",
   swift='''newTensor(out) {
    try Functional.batchNorm(tensorArgument(x), runningMean: optionalTensor(running_mean, "running_mean"),
                             runningVar: optionalTensor(running_var, "running_var"), weight: optionalTensor(weight, "weight"),
                             bias: optionalTensor(bias, "bias"), training: training != 0, momentum: momentum, eps: eps)
}''')

fn("int cajal_nn_group_norm(cajal_tensor x, int64_t num_groups, cajal_tensor weight, cajal_tensor bias, double eps, cajal_tensor *out)",
   "Channels (dim 1) in num_groups groups, each normalised over its channels and positions.",
   swift='''newTensor(out) {
    try Functional.groupNorm(tensorArgument(x), numGroups: Int(num_groups), weight: optionalTensor(weight, "weight"),
                             bias: optionalTensor(bias, "bias"), eps: eps)
}''')

fn("int cajal_nn_instance_norm(cajal_tensor x, cajal_tensor weight, cajal_tensor bias, double eps, cajal_tensor *out)",
   "Each (sample, channel) normalised over its positions with its own statistics.",
   swift='''newTensor(out) {
    try Functional.instanceNorm(tensorArgument(x), weight: optionalTensor(weight, "weight"), bias: optionalTensor(bias, "bias"), eps: eps)
}''')

fn("int cajal_nn_instance_norm_v2(cajal_tensor x, cajal_tensor running_mean, cajal_tensor running_var, cajal_tensor weight, cajal_tensor bias, int32_t use_input_stats, double momentum, double eps, cajal_tensor *out)",
   """instance_norm with optional running statistics (torch's F.instance_norm): with use_input_stats, each
instance's own statistics, and the running ones (if given) updated in place by the mean over the batch of
their momentum updates; otherwise the running ones normalise.""",
   swift='''newTensor(out) {
    try Functional.instanceNorm(tensorArgument(x), runningMean: optionalTensor(running_mean, "running_mean"),
                                runningVar: optionalTensor(running_var, "running_var"), weight: optionalTensor(weight, "weight"),
                                bias: optionalTensor(bias, "bias"), useInputStats: use_input_stats != 0, momentum: momentum, eps: eps)
}''')

fn("int cajal_nn_embedding(cajal_tensor input, cajal_tensor weight, int32_t has_padding, int64_t padding_idx, cajal_tensor *out)",
   "weight[input] for int64 indices; with has_padding, row padding_idx receives no gradient.",
   swift='''newTensor(out) {
    try Functional.embedding(tensorArgument(input, "input"), weight: tensorArgument(weight, "weight"),
                             paddingIndex: has_padding != 0 ? Int(padding_idx) : nil)
}''')

loss("smooth_l1_loss", "0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta; d = input - target.",
     params="cajal_reduction reduction, double beta", method="smoothL1Loss")

loss("huber_loss", "0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta).",
     params="cajal_reduction reduction, double delta")

loss("kl_div_v2", "KL divergence of log-probabilities input from target (F.kl_div), reduced; BATCHMEAN divides the sum by the batch size.",
     params="cajal_reduction reduction, int32_t log_target", method="klDivLoss")

fn("int cajal_nn_kl_div(cajal_tensor input, cajal_tensor target, const char *reduction, int32_t log_target, cajal_tensor *out)",
   """Deprecated since API version 3, removed in 4: cajal_nn_kl_div_v2 with reduction "none", "mean", "sum"
or "batchmean" spelled as a string.""",
   swift='''newTensor(out) {
    guard let reduction else { throw CajalError(.nullArgument, "reduction is NULL") }
    return try Functional.klDivLoss(tensorArgument(input, "input"), tensorArgument(target, "target"), reduction: String(cString: reduction),
                                    logTarget: log_target != 0)
}''')

fn("int cajal_nn_gaussian_nll_loss(cajal_tensor input, cajal_tensor target, cajal_tensor variance, int32_t full, double eps, cajal_reduction reduction, cajal_tensor *out)",
   "0.5 (log max(var, eps) + (input - target)^2 / max(var, eps)) (+ 0.5 log 2 pi when full).",
   swift='''newTensor(out) {
    try Functional.gaussianNLLLoss(tensorArgument(input, "input"), tensorArgument(target, "target"), variance: tensorArgument(variance, "var"),
                                   full: full != 0, eps: eps, reduction: reduction)
}''')

loss("poisson_nll_loss", "e^input - target input (log_input), or input - target log(input + eps); Stirling's term when full.",
     params="int32_t log_input, int32_t full, double eps, cajal_reduction reduction", method="poissonNLLLoss")

loss("cosine_embedding_loss", "1 - cos for target 1, max(0, cos - margin) for target -1.",
     tensors=("input1", "input2", "target"), params="double margin, cajal_reduction reduction")

loss("margin_ranking_loss", "max(0, -target (input1 - input2) + margin).",
     tensors=("input1", "input2", "target"), params="double margin, cajal_reduction reduction")

loss("triplet_margin_loss", "max(d(a, p) - d(a, n) + margin, 0) with the p-norm distance along the last dim.",
     tensors=("anchor", "positive", "negative"), params="double margin, double p, double eps, int32_t swap, cajal_reduction reduction")

fn("int cajal_nn_dice_loss(cajal_tensor input, cajal_tensor target, double smooth, cajal_reduction reduction, cajal_tensor *out)",
   "Deprecated since API version 3, removed in 4: cajal_nn_dice_loss_v2 with its defaults (per sample, no activation).",
   swift='''newTensor(out) {
    try Functional.diceLoss(tensorArgument(input, "input"), tensorArgument(target, "target"), smooth: smooth,
                            reduction: reduction)
}''')

fn("int cajal_nn_dice_loss_v2(cajal_tensor input, cajal_tensor target, double smooth, cajal_reduction reduction, cajal_dice_activation activation, int32_t include_background, cajal_tensor weight, int32_t per_class, cajal_tensor *out)",
   """cajal's soft Dice: 1 - (2 sum(p t) + smooth) / (sum p + sum t + smooth), p = activation(input), reduced over the batch.
per_class 0: per sample over all dims but 0; 1: per sample and channel (N, C, ...) over the spatial dims, averaged over
the channels (weighted by weight, one per channel; may be NULL; channel 0 left out without include_background);
-1: per class when activation is SOFTMAX, target holds integer classes (N, ...) (made one-hot), include_background is 0
or weight is given.""",
   swift='''newTensor(out) {
    try Functional.diceLoss(tensorArgument(input, "input"), tensorArgument(target, "target"), smooth: smooth,
                            reduction: reduction, activation: activation, includeBackground: include_background != 0,
                            weight: optionalTensor(weight, "weight"), perClass: per_class < 0 ? nil : per_class != 0)
}''')

fn("int cajal_nn_pad(cajal_tensor x, const int64_t *pads, size_t npads, double value, cajal_tensor *out)",
   "Constant padding: (before, after) pairs for the last dims, last dim first; negative values crop.",
   swift='newTensor(out) { try Functional.pad(tensorArgument(x), ints(pads, npads, "pad"), value: value) }')

fn("int cajal_nn_pad_v2(cajal_tensor x, const int64_t *pads, size_t npads, cajal_pad_mode mode, double value, cajal_tensor *out)",
   """Padding by mode: (before, after) pairs for the last dims, last dim first; negative values crop. REFLECT,
REPLICATE and CIRCULAR pad the last 1 to 3 dims of an input with one or two more (torch's rule); value is for
CONSTANT only.""",
   swift='newTensor(out) { try Functional.pad(tensorArgument(x), ints(pads, npads, "pad"), mode: mode, value: value) }')

fn("int cajal_nn_pixel_shuffle(cajal_tensor x, int64_t upscale_factor, cajal_tensor *out)",
   "(N, C r^2, H, W) -> (N, C, H r, W r).",
   swift='newTensor(out) { try Functional.pixelShuffle(tensorArgument(x), upscaleFactor: Int(upscale_factor)) }')

fn("int cajal_nn_interpolate(cajal_tensor x, const int64_t *size, size_t nsize, const double *scales, size_t nscales, cajal_interpolation mode, int32_t align_corners, cajal_tensor *out)",
   """Resizes the spatial dims of (N, C, ...) to size by mode. scales: input/output
ratios per dim (0: from the sizes), as torch's 1 / scale_factor; nscales may be 0.""",
   swift=r'''newTensor(out) {
    let nscales = try checkedCount(nscales, "[interpolate] scales", limit: 8)
    guard nscales == 0 || scales != nil else { throw CajalError(.nullArgument, "[interpolate] scales is NULL") }
    let ratios = (0..<nscales).map { scales?[$0] ?? 0 }
    return try Functional.interpolate(tensorArgument(x), size: ints(size, nsize, "size"), mode: mode,
                                      alignCorners: align_corners != 0, scales: ratios)
}''')

fn("int cajal_nn_adaptive_avg_pool(cajal_tensor x, const int64_t *output_size, size_t nsize, cajal_tensor *out)",
   "Adaptive average pooling of the last nsize dims to output_size.",
   swift='newTensor(out) { try Functional.adaptiveAvgPool(tensorArgument(x), outputSize: ints(output_size, nsize, "output_size")) }')

for dims, shape in ((2, "(N, Cin, H, W) or (Cin, H, W),\nweight (Cin, Cout / groups, kH, kW), output (N, Cout, (H-1) s - 2 p + d (kH-1) + output_padding + 1, ...)"),
                    (1, "(N, Cin, L) or (Cin, L), weight (Cin, Cout / groups, k)"),
                    (3, "(N, Cin, D, H, W) or (Cin, D, H, W),\nweight (Cin, Cout / groups, kD, kH, kW)")):
    fn(f"int cajal_nn_conv_transpose{dims}d(cajal_tensor x, cajal_tensor weight, cajal_tensor bias, const int64_t *stride, size_t nstride, const int64_t *padding, size_t npadding, const int64_t *output_padding, size_t noutput_padding, int64_t groups, const int64_t *dilation, size_t ndilation, cajal_tensor *out)",
       f"The transposed convolution (the input gradient of conv{dims}d): x {shape}.",
       swift=f'''newTensor(out) {{
    try Tensor.convTranspose{dims}d(tensorArgument(x, "input"), weight: tensorArgument(weight, "weight"), bias: optionalTensor(bias, "bias"),
                               stride: ints(stride, nstride, "stride"), padding: ints(padding, npadding, "padding"),
                               outputPadding: ints(output_padding, noutput_padding, "output_padding"), groups: Int(groups),
                               dilation: ints(dilation, ndilation, "dilation"))
}}''')

fn("int cajal_nn_affine_grid(cajal_tensor theta, const int64_t *size, size_t nsize, int32_t align_corners, cajal_tensor *out)",
   "The sampling grid (N, H, W, 2) of affine maps theta (N, 2, 3) for size (N, C, H, W), or (N, D, H, W, 3) of\ntheta (N, 3, 4) for size (N, C, D, H, W).",
   swift='newTensor(out) { try Functional.affineGrid(tensorArgument(theta, "theta"), size: ints(size, nsize, "size"), alignCorners: align_corners != 0) }')

fn("int cajal_nn_grid_sample(cajal_tensor x, cajal_tensor grid, cajal_grid_sample_mode mode, cajal_grid_padding padding_mode, int32_t align_corners, cajal_tensor *out)",
   "Samples x (N, C, H, W) at grid (N, Ho, Wo, 2) points, or x (N, C, D, H, W) at grid (N, Do, Ho, Wo, 3) points\n(x, y[, z] in [-1, 1]), by mode (BILINEAR is trilinear on volumes), reading padding_mode outside.",
   swift='''newTensor(out) {
    try Functional.gridSample(tensorArgument(x, "input"), grid: tensorArgument(grid, "grid"), bilinear: mode == .bilinear,
                              padding: padding_mode, alignCorners: align_corners != 0)
}''')

fn("int cajal_nn_adaptive_max_pool2d(cajal_tensor x, const int64_t *output_size, size_t nsize, cajal_tensor *values, cajal_tensor *indices)",
   "Adaptive max pooling of the last two dims to output_size: the maxima and their flat positions.",
   swift='''status {
    guard let values, let indices else { throw CajalError(.nullArgument, "output pointer is NULL") }
    let result = try Tensor.adaptiveMaxPool2d(tensorArgument(x, "input"), outputSize: ints(output_size, nsize, "output_size"))
    values.pointee = handle(result.values)
    indices.pointee = handle(result.indices)
}''')

fn("int cajal_nn_adaptive_max_pool(cajal_tensor x, const int64_t *output_size, size_t nsize, cajal_tensor *values, cajal_tensor *indices)",
   "Adaptive max pooling of the last nsize (1 to 3) dims to output_size: the maxima and their positions in each input sequence, plane or volume.",
   swift='''status {
    guard let values, let indices else { throw CajalError(.nullArgument, "output pointer is NULL") }
    let result = try Tensor.adaptiveMaxPool(tensorArgument(x, "input"), outputSize: ints(output_size, nsize, "output_size"))
    values.pointee = handle(result.values)
    indices.pointee = handle(result.indices)
}''')

for suffix, extra, doc in (
        ("_v2", "int32_t has_projection, ",
         """Recurrent layers (by mode) over a padded (T, B, I) / batch_first / unbatched input,
or over packed rows when batch_sizes (1-D int64) is given. weights: torch's flat list per layer and direction,
w_ih, w_hh (, b_ih, b_hh) (, w_hr with has_projection: an LSTM's proj_size, h = W_hr (o * tanh(c))). hx, cx may be
NULL (zeros); cell receives c_n for LSTM only (may be NULL otherwise)."""),
        ("", "", "Deprecated since API version 3, removed in 4: cajal_nn_rnn_v2 without projections.")):
    projection = "has_projection != 0" if suffix else "false"
    fn(f"int cajal_nn_rnn{suffix}(cajal_rnn_mode mode, cajal_tensor input, cajal_tensor batch_sizes, cajal_tensor hx, cajal_tensor cx, const cajal_tensor *weights, size_t nweights, int32_t has_bias, {extra}int64_t num_layers, int32_t bidirectional, double dropout, int32_t training, int32_t batch_first, cajal_tensor *output, cajal_tensor *hidden, cajal_tensor *cell)",
       doc,
       swift=rf'''status {{
    guard let output, let hidden else {{ throw CajalError(.nullArgument, "output pointer is NULL") }}
    let kind = mode
    let flat = try tensorList(weights, nweights, "weights")
    let projected = {projection}
    let stride = (has_bias != 0 ? 4 : 2) + (projected ? 1 : 0)
    guard flat.count % stride == 0 else {{
        throw CajalError.value("[\(kind.opName)] expected \(stride) weights per layer and direction, got \(flat.count) in all")
    }}
    let grouped = groupWeights(flat, bias: has_bias != 0, projection: projected)
    let result = try Functional.recurrent(kind, input: tensorArgument(input, "input"), batchSizes: intList(batch_sizes, "batch_sizes"),
                                          hidden: hx.map {{ try tensorArgument($0, "hx") }}, cell: cx.map {{ try tensorArgument($0, "cx") }},
                                          weights: grouped, numLayers: Int(num_layers), bidirectional: bidirectional != 0,
                                          dropout: dropout, training: training != 0, batchFirst: batch_first != 0)
    output.pointee = handle(result.output)
    hidden.pointee = handle(result.hidden)
    if let c = result.cell {{ cell?.pointee = handle(c) }}
}}''')

fn("int cajal_nn_pack_padded_sequence(cajal_tensor input, cajal_tensor lengths, int32_t batch_first, int32_t enforce_sorted, cajal_tensor *data, cajal_tensor *batch_sizes, cajal_tensor *sorted_indices, cajal_tensor *unsorted_indices)",
   "pack_padded_sequence with int64 lengths; sorted_indices / unsorted_indices are NULL when enforce_sorted.",
   swift='''status {
    guard let data, let batch_sizes, let sorted_indices, let unsorted_indices else {
        throw CajalError(.nullArgument, "output pointer is NULL")
    }
    guard let lengthList = try intList(lengths, "lengths") else { throw CajalError(.nullArgument, "lengths handle is NULL") }
    let packed = try Functional.packPaddedSequence(tensorArgument(input, "input"), lengths: lengthList, batchFirst: batch_first != 0,
                                                   enforceSorted: enforce_sorted != 0)
    let sizes = try intTensor(packed.batchSizes), sorted = try intTensor(packed.sortedIndices)
    let unsorted = try intTensor(packed.unsortedIndices)
    data.pointee = handle(packed.data)
    (batch_sizes.pointee, sorted_indices.pointee, unsorted_indices.pointee) = (sizes, sorted, unsorted)
}''', capture="data")

fn("int cajal_nn_pad_packed_sequence(cajal_tensor data, cajal_tensor batch_sizes, cajal_tensor sorted_indices, int32_t batch_first, double padding_value, int64_t total_length, cajal_tensor *padded, cajal_tensor *lengths)",
   "pad_packed_sequence: the padded batch in the original order and the int64 lengths; total_length < 0 for none.",
   swift='''status {
    guard let padded, let lengths else { throw CajalError(.nullArgument, "output pointer is NULL") }
    guard let sizes = try intList(batch_sizes, "batch_sizes") else { throw CajalError(.nullArgument, "batch_sizes handle is NULL") }
    let sequence = PackedSequence(data: try tensorArgument(data, "data"), batchSizes: sizes,
                                  sortedIndices: try intList(sorted_indices, "sorted_indices"))
    let result = try Functional.padPackedSequence(sequence, batchFirst: batch_first != 0, paddingValue: padding_value,
                                                  totalLength: total_length < 0 ? nil : Int(total_length))
    let lengthTensor = try intTensor(result.lengths)
    padded.pointee = handle(result.padded)
    lengths.pointee = lengthTensor
}''')

fn("int cajal_nn_pad_sequence(const cajal_tensor *sequences, size_t count, int32_t batch_first, double padding_value, cajal_tensor *out)",
   "pad_sequence: sequences (L_i, *) stacked into (max L, B, *), or (B, max L, *) with batch_first.",
   swift='''newTensor(out) {
    try Functional.padSequence(tensorList(sequences, count, "sequences"), batchFirst: batch_first != 0, paddingValue: padding_value)
}''')

fn("int cajal_nn_scaled_dot_product_attention(cajal_tensor query, cajal_tensor key, cajal_tensor value, cajal_tensor attn_mask, double dropout_p, int32_t is_causal, int32_t has_scale, double scale, cajal_tensor *out)",
   """softmax(q k^T scale + mask) v over the last two dims; attn_mask (bool: true may attend; float: added) may be NULL;
has_scale 0 uses 1/sqrt(E).""",
   swift='''newTensor(out) {
    try Functional.scaledDotProductAttention(tensorArgument(query, "query"), tensorArgument(key, "key"), tensorArgument(value, "value"),
                                             attnMask: attn_mask.map { try tensorArgument($0, "attn_mask") }, dropoutP: dropout_p,
                                             isCausal: is_causal != 0, scale: has_scale != 0 ? scale : nil)
}''')

for suffix, extra, doc in (
        ("_v2", "cajal_tensor bias_k, cajal_tensor bias_v, int32_t add_zero_attn, ",
         """MultiheadAttention's forward, time-major (L, N, E): in_proj_weight, or q/k/v_proj_weight when the sizes differ; masks
(bool: true is blocked; float: added) and biases may be NULL. bias_k and bias_v (1, 1, E; add_bias_kv, both or neither)
and add_zero_attn each append a source position every query may attend. weights receives NULL unless need_weights."""),
        ("", "", """Deprecated since API version 3, removed in 4: cajal_nn_multi_head_attention_v2 without bias_k, bias_v and
add_zero_attn.""")):
    biases = ',\n        keyBias: try optional(bias_k, "bias_k"), valueBias: try optional(bias_v, "bias_v")' if suffix else ""
    zero_attn = ", addZeroAttn: add_zero_attn != 0" if suffix else ""
    fn(f"int cajal_nn_multi_head_attention{suffix}(cajal_tensor query, cajal_tensor key, cajal_tensor value, int64_t num_heads, cajal_tensor in_proj_weight, cajal_tensor q_proj_weight, cajal_tensor k_proj_weight, cajal_tensor v_proj_weight, cajal_tensor in_proj_bias, cajal_tensor out_proj_weight, cajal_tensor out_proj_bias, {extra}cajal_tensor key_padding_mask, cajal_tensor attn_mask, int32_t need_weights, int32_t average_attn_weights, int32_t is_causal, double dropout_p, int32_t training, cajal_tensor *output, cajal_tensor *weights)",
       doc,
       swift=f'''status {{
    guard let output, let weights else {{ throw CajalError(.nullArgument, "output pointer is NULL") }}
    let optional = {{ (p: OpaquePointer?, name: String) in try p.map {{ try tensorArgument($0, name) }} }}
    let projections = MultiheadAttentionWeights(
        inProjection: try optional(in_proj_weight, "in_proj_weight"), queryProjection: try optional(q_proj_weight, "q_proj_weight"),
        keyProjection: try optional(k_proj_weight, "k_proj_weight"), valueProjection: try optional(v_proj_weight, "v_proj_weight"),
        inProjectionBias: try optional(in_proj_bias, "in_proj_bias"), outProjection: try tensorArgument(out_proj_weight, "out_proj_weight"),
        outProjectionBias: try optional(out_proj_bias, "out_proj_bias"){biases})
    let result = try Functional.multiHeadAttention(
        query: tensorArgument(query, "query"), key: tensorArgument(key, "key"), value: tensorArgument(value, "value"), numHeads: Int(num_heads),
        weights: projections, keyPaddingMask: optional(key_padding_mask, "key_padding_mask"), attnMask: optional(attn_mask, "attn_mask"),
        needWeights: need_weights != 0, averageAttnWeights: average_attn_weights != 0, isCausal: is_causal != 0, dropoutP: dropout_p,
        training: training != 0{zero_attn})
    output.pointee = handle(result.output)
    weights.pointee = result.weights.map(handle)
}}''')

note("""Optimizer steps over one parameter group. Every array holds `count` handles, one per parameter, in the same order;
parameters, state tensors and the float32 0-dim step counters are updated in place. Formulas are torch.optim's.""")

fn("int cajal_optim_check_options(const char *const *names, const double *values, const int32_t *integral, size_t count)",
   """torch's checks of an optimizer's options, made when it is built: count options under torch's names
("lr", "eps", "momentum", "weight_decay", "beta1", "beta2", "rho", "alpha", "lr_decay", ...) with their
values; integral[i] non-zero when the caller wrote an integer (the message shows it so). SGD's nesterov
(1 or 0) is checked against its momentum and dampening.""",
   swift=r'''status {
    let count = try checkedCount(count, "[optimizer] options", limit: 64)
    guard count == 0 || (names != nil && values != nil && integral != nil) else {
        throw CajalError(.nullArgument, "[optimizer] names, values or integral is NULL")
    }
    try OptimizerOptions.check((0..<count).map { i in
        .init(try stringArgument(names?[i], "names[\(i)]"), values?[i] ?? 0, integral: (integral?[i] ?? 0) != 0)
    })
}''')

fn("int cajal_optim_sgd_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *momentum_buffers, size_t count, double lr, double momentum, double dampening, double weight_decay, int32_t nesterov, int32_t maximize, cajal_tensor *created_buffers)",
   """SGD; momentum_buffers entries may be NULL (no buffer yet): a buffer made by this step is returned in
created_buffers[i] (a new handle), other entries of created_buffers are left untouched.""",
   swift='''status {
    var buffers = try optionalTensorList(momentum_buffers, count, "momentum_buffers")
    let before = buffers.map { $0 == nil }
    try OptimizerStep.sgd(parameters: tensorList(params, count, "params"), gradients: tensorList(grads, count, "grads"),
                          momentumBuffers: &buffers, lr: lr, momentum: momentum, dampening: dampening,
                          weightDecay: weight_decay, nesterov: nesterov != 0, maximize: maximize != 0)
    for i in 0..<count where before[i] {
        if let b = buffers[i] { created_buffers?[i] = handle(b) }
    }
}''', lengths={"created_buffers": "count"})

fn("int cajal_optim_adam_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *steps, const cajal_tensor *exp_avgs, const cajal_tensor *exp_avg_sqs, const cajal_tensor *max_exp_avg_sqs, size_t count, double lr, double beta1, double beta2, double eps, double weight_decay, int32_t amsgrad, int32_t maximize, int32_t decoupled_weight_decay)",
   "Adam (AdamW with decoupled_weight_decay); max_exp_avg_sqs is read only with amsgrad and may be NULL otherwise.",
   swift='''status {
    try OptimizerStep.adam(parameters: tensorList(params, count, "params"), gradients: tensorList(grads, count, "grads"),
                           steps: tensorList(steps, count, "steps"), expAvgs: tensorList(exp_avgs, count, "exp_avgs"),
                           expAvgSqs: tensorList(exp_avg_sqs, count, "exp_avg_sqs"),
                           maxExpAvgSqs: stateList(amsgrad != 0, max_exp_avg_sqs, count, "max_exp_avg_sqs"), lr: lr,
                           beta1: beta1, beta2: beta2, eps: eps, weightDecay: weight_decay, amsgrad: amsgrad != 0,
                           maximize: maximize != 0, decoupledWeightDecay: decoupled_weight_decay != 0)
}''')

fn("int cajal_optim_rmsprop_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *steps, const cajal_tensor *square_avgs, const cajal_tensor *grad_avgs, const cajal_tensor *momentum_buffers, size_t count, double lr, double alpha, double eps, double weight_decay, double momentum, int32_t centered, int32_t maximize)",
   "RMSprop; grad_avgs is read only when centered, momentum_buffers only when momentum > 0 (NULL otherwise).",
   swift='''status {
    try OptimizerStep.rmsprop(parameters: tensorList(params, count, "params"), gradients: tensorList(grads, count, "grads"),
                              steps: tensorList(steps, count, "steps"), squareAvgs: tensorList(square_avgs, count, "square_avgs"),
                              gradAvgs: stateList(centered != 0, grad_avgs, count, "grad_avgs"),
                              momentumBuffers: stateList(momentum > 0, momentum_buffers, count, "momentum_buffers"),
                              lr: lr, alpha: alpha, eps: eps, weightDecay: weight_decay, momentum: momentum,
                              centered: centered != 0, maximize: maximize != 0)
}''')

fn("int cajal_optim_adagrad_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *steps, const cajal_tensor *sums, size_t count, double lr, double lr_decay, double weight_decay, double eps, int32_t maximize)",
   "Adagrad; sums start at initial_accumulator_value.",
   swift='''status {
    try OptimizerStep.adagrad(parameters: tensorList(params, count, "params"), gradients: tensorList(grads, count, "grads"),
                              steps: tensorList(steps, count, "steps"), sums: tensorList(sums, count, "sums"), lr: lr,
                              lrDecay: lr_decay, weightDecay: weight_decay, eps: eps, maximize: maximize != 0)
}''')

fn("int cajal_optim_adadelta_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *steps, const cajal_tensor *square_avgs, const cajal_tensor *acc_deltas, size_t count, double lr, double rho, double eps, double weight_decay, int32_t maximize)",
   "Adadelta.",
   swift='''status {
    try OptimizerStep.adadelta(parameters: tensorList(params, count, "params"), gradients: tensorList(grads, count, "grads"),
                               steps: tensorList(steps, count, "steps"), squareAvgs: tensorList(square_avgs, count, "square_avgs"),
                               accDeltas: tensorList(acc_deltas, count, "acc_deltas"), lr: lr, rho: rho, eps: eps,
                               weightDecay: weight_decay, maximize: maximize != 0)
}''')

fn("int cajal_optim_nadam_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *steps, const cajal_tensor *mu_products, const cajal_tensor *exp_avgs, const cajal_tensor *exp_avg_sqs, size_t count, double lr, double beta1, double beta2, double eps, double weight_decay, double momentum_decay, int32_t decoupled_weight_decay, int32_t maximize)",
   "NAdam; mu_products are float32 0-dim tensors starting at 1.",
   swift='''status {
    try OptimizerStep.nadam(parameters: tensorList(params, count, "params"), gradients: tensorList(grads, count, "grads"),
                            steps: tensorList(steps, count, "steps"), muProducts: tensorList(mu_products, count, "mu_products"),
                            expAvgs: tensorList(exp_avgs, count, "exp_avgs"), expAvgSqs: tensorList(exp_avg_sqs, count, "exp_avg_sqs"),
                            lr: lr, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weight_decay,
                            momentumDecay: momentum_decay, decoupledWeightDecay: decoupled_weight_decay != 0,
                            maximize: maximize != 0)
}''')

fn("int cajal_optim_radam_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *steps, const cajal_tensor *exp_avgs, const cajal_tensor *exp_avg_sqs, size_t count, double lr, double beta1, double beta2, double eps, double weight_decay, int32_t decoupled_weight_decay, int32_t maximize)",
   "RAdam.",
   swift='''status {
    try OptimizerStep.radam(parameters: tensorList(params, count, "params"), gradients: tensorList(grads, count, "grads"),
                            steps: tensorList(steps, count, "steps"), expAvgs: tensorList(exp_avgs, count, "exp_avgs"),
                            expAvgSqs: tensorList(exp_avg_sqs, count, "exp_avg_sqs"), lr: lr, beta1: beta1, beta2: beta2,
                            eps: eps, weightDecay: weight_decay, decoupledWeightDecay: decoupled_weight_decay != 0,
                            maximize: maximize != 0)
}''')

fn("int cajal_optim_clip_grad_norm(const cajal_tensor *grads, size_t count, double max_norm, double norm_type, int32_t error_if_nonfinite, cajal_tensor *out)",
   """clip_grad_norm_: scales the gradients in place so that their joint norm_type-norm is at most max_norm;
out receives the norm they had (0-dim).""",
   swift='''newTensor(out) {
    try GradientClipping.clipNorm(tensorList(grads, count, "grads"), maxNorm: max_norm, normType: norm_type,
                                  errorIfNonfinite: error_if_nonfinite != 0)
}''')

fn("int cajal_optim_clip_grad_value(const cajal_tensor *grads, size_t count, double clip_value)",
   "clip_grad_value_: clamps the gradients in place to [-clip_value, clip_value].",
   swift='status { try GradientClipping.clipValue(tensorList(grads, count, "grads"), clipValue: clip_value) }')

note("""Checkpoints in the safetensors format. Writes go to a temporary file in the same folder, are fsynced and renamed
over path, so a crash leaves the old file intact; a CRC-32 of the data is stored in the metadata and checked on load.
Truncated, corrupted or foreign files fail with a message; no code in a file is ever run.""")

fn("int cajal_safetensors_save(const char *path, const char *const *names, const cajal_tensor *tensors, size_t count, const char *const *metadata_keys, const char *const *metadata_values, size_t metadata_count)",
   "Saves count named tensors and metadata_count string pairs of metadata to path.",
   swift=r'''status {
    let list = try tensorList(tensors, count, "tensors")
    guard count == 0 || names != nil else { throw CajalError(.nullArgument, "names is NULL") }
    let named = try list.enumerated().map { i, t in (name: try stringArgument(names?[i], "names[\(i)]"), tensor: t) }
    let metadata_count = try checkedCount(metadata_count, "metadata", limit: maxListCount)
    guard metadata_count == 0 || (metadata_keys != nil && metadata_values != nil) else {
        throw CajalError(.nullArgument, "metadata keys or values are NULL")
    }
    var metadata: [String: String] = [:]
    for i in 0..<metadata_count {
        metadata[try stringArgument(metadata_keys?[i], "metadata key \(i)")] = try stringArgument(metadata_values?[i], "metadata value \(i)")
    }
    try SafeTensors.save(named, metadata: metadata, to: stringArgument(path, "path"))
}''')

fn("int cajal_safetensors_load(const char *path, cajal_archive *out)",
   "Loads path into a new archive (free it with cajal_archive_free).",
   swift='''status {
    guard let out else { throw CajalError(.nullArgument, "output pointer is NULL") }
    let loaded = Archive(try SafeTensors.load(from: stringArgument(path, "path")))
    out.pointee = Handles.hand(loaded, .archive)
}''')

fn("void cajal_archive_free(cajal_archive archive)",
   "Frees an archive; the tensors taken from it stay valid. NULL is a no-op.",
   swift='Handles.release(archive, .archive)')

fn("int cajal_archive_count(cajal_archive archive, size_t *tensor_count, size_t *metadata_count)",
   "The numbers of tensors and metadata pairs; either out-pointer may be NULL.",
   swift='''status {
    let archive = try archiveArgument(archive)
    tensor_count?.pointee = archive.tensors.count
    metadata_count?.pointee = archive.metadata.count
}''')

fn("int cajal_archive_tensor(cajal_archive archive, size_t i, const char **name, cajal_tensor *out)",
   "Tensor i in file order: its name (owned by the archive, may be NULL) and a new tensor handle.",
   swift='''status {
    let archive = try archiveArgument(archive)
    let k = try archiveIndex(i, archive.tensors.count, "tensor")
    guard let out else { throw CajalError(.nullArgument, "output pointer is NULL") }
    name?.pointee = UnsafePointer(archive.names[k])
    out.pointee = handle(archive.tensors[k])
}''')

fn("int cajal_archive_metadata(cajal_archive archive, size_t i, const char **key, const char **value)",
   "Metadata pair i, sorted by key; the strings are owned by the archive.",
   swift='''status {
    let archive = try archiveArgument(archive)
    let k = try archiveIndex(i, archive.metadata.count, "metadata")
    key?.pointee = UnsafePointer(archive.metadata[k].key)
    value?.pointee = UnsafePointer(archive.metadata[k].value)
}''')

note("""The rest of everyday torch.nn (issue 20): patches, shuffles and unpooling, distances between embeddings,
more activations and losses.""")

fn("int cajal_nn_unfold(cajal_tensor x, const int64_t *kernel_size, size_t nkernel, const int64_t *dilation, size_t ndilation, const int64_t *padding, size_t npadding, const int64_t *stride, size_t nstride, cajal_tensor *out)",
   """F.unfold (im2col): x (N, C, H, W) or (C, H, W) to (N, C kH kW, L) or (C kH kW, L), column l the block under
sliding position l (row-major); each list holds one value or two.""",
   swift='''newTensor(out) {
    try Tensor.unfoldPatches(tensorArgument(x, "input"), kernelSize: ints(kernel_size, nkernel, "kernel_size"),
                             dilation: ints(dilation, ndilation, "dilation"), padding: ints(padding, npadding, "padding"),
                             stride: ints(stride, nstride, "stride"))
}''')

fn("int cajal_nn_fold(cajal_tensor x, const int64_t *output_size, size_t nsize, const int64_t *kernel_size, size_t nkernel, const int64_t *dilation, size_t ndilation, const int64_t *padding, size_t npadding, const int64_t *stride, size_t nstride, cajal_tensor *out)",
   "F.fold (col2im), unfold's adjoint: x (N, C kH kW, L) or (C kH kW, L) to (N, C, *output_size), overlapping blocks added.",
   swift='''newTensor(out) {
    try Tensor.foldPatches(tensorArgument(x, "input"), outputSize: ints(output_size, nsize, "output_size"),
                           kernelSize: ints(kernel_size, nkernel, "kernel_size"), dilation: ints(dilation, ndilation, "dilation"),
                           padding: ints(padding, npadding, "padding"), stride: ints(stride, nstride, "stride"))
}''')

fn("int cajal_nn_pixel_unshuffle(cajal_tensor x, int64_t downscale_factor, cajal_tensor *out)",
   "(*, C, H r, W r) -> (*, C r^2, H, W), pixel_shuffle's inverse.",
   swift='newTensor(out) { try Functional.pixelUnshuffle(tensorArgument(x), downscaleFactor: Int(downscale_factor)) }')

fn("int cajal_nn_channel_shuffle(cajal_tensor x, int64_t groups, cajal_tensor *out)",
   "(N, C, *) with its channels in `groups` groups interleaved (ShuffleNet).",
   swift='newTensor(out) { try Functional.channelShuffle(tensorArgument(x), groups: Int(groups)) }')

fn("int cajal_nn_max_unpool(cajal_tensor x, cajal_tensor indices, const int64_t *output_size, size_t nsize, cajal_tensor *out)",
   """max_unpool1d/2d/3d: x's values written at their int64 indices (positions in each output sequence, plane or volume,
as max_pool returns them) of a zero output whose last nsize (1 to 3) dims are output_size.""",
   swift='''newTensor(out) {
    try Functional.maxUnpool(tensorArgument(x, "input"), indices: tensorArgument(indices, "indices"),
                             outputSize: ints(output_size, nsize, "output_size"))
}''')

fn("int cajal_nn_normalize(cajal_tensor x, double p, int64_t dim, double eps, cajal_tensor *out)",
   "x / max(||x||_p, eps) along dim.",
   swift='newTensor(out) { try Functional.normalize(tensorArgument(x), p: p, dim: Int(dim), eps: eps) }')

fn("int cajal_nn_cosine_similarity(cajal_tensor x1, cajal_tensor x2, int64_t dim, double eps, cajal_tensor *out)",
   "sum((x1 / max(||x1||, eps)) (x2 / max(||x2||, eps))) along dim of the broadcast inputs.",
   swift='newTensor(out) { try Functional.cosineSimilarity(tensorArgument(x1, "x1"), tensorArgument(x2, "x2"), dim: Int(dim), eps: eps) }')

fn("int cajal_nn_pairwise_distance(cajal_tensor x1, cajal_tensor x2, double p, double eps, int32_t keepdim, cajal_tensor *out)",
   "||x1 - x2 + eps||_p along the last dim of the broadcast inputs.",
   swift='''newTensor(out) {
    try Functional.pairwiseDistance(tensorArgument(x1, "x1"), tensorArgument(x2, "x2"), p: p, eps: eps, keepDim: keepdim != 0)
}''')

fn("int cajal_nn_pdist(cajal_tensor x, double p, cajal_tensor *out)",
   "The p-norm distances between the rows of x (N, M) for every pair i < j, row-major: N (N - 1) / 2 values.",
   swift='newTensor(out) { try Functional.pdist(tensorArgument(x), p: p) }')

fn("int cajal_nn_glu(cajal_tensor x, int64_t dim, cajal_tensor *out)",
   "a sigmoid(b), a and b the halves of dim (its size even).",
   swift='newTensor(out) { try Functional.glu(tensorArgument(x), dim: Int(dim)) }')

fn("int cajal_nn_hardshrink(cajal_tensor x, double lambda, cajal_tensor *out)",
   "x where |x| > lambda, else 0.",
   swift='newTensor(out) { try Functional.hardshrink(tensorArgument(x), lambda: lambda) }')

fn("int cajal_nn_softshrink(cajal_tensor x, double lambda, cajal_tensor *out)",
   "x - lambda above lambda, x + lambda below -lambda, else 0; lambda >= 0.",
   swift='newTensor(out) { try Functional.softshrink(tensorArgument(x), lambda: lambda) }')

fn("int cajal_nn_rrelu(cajal_tensor x, double lower, double upper, int32_t training, cajal_tensor *out)",
   """Randomized leaky ReLU: in training, each element <= 0 times a slope uniform in [lower, upper) drawn from the
default generator in order (torch's draws); otherwise leaky_relu with slope (lower + upper) / 2.""",
   swift='newTensor(out) { try Functional.rrelu(tensorArgument(x), lower: lower, upper: upper, training: training != 0) }')

fn("int cajal_nn_alpha_dropout(cajal_tensor x, double p, int32_t training, int32_t feature, cajal_tensor *out)",
   """Alpha dropout (SELU networks), in training: dropped elements (whole channels with feature) set to SELU's negative
saturation, then an affine correction keeps mean and variance; the mask draws as dropout's does.""",
   swift='''newTensor(out) {
    try Functional.alphaDropout(tensorArgument(x), probability: p, training: training != 0, feature: feature != 0)
}''')

fn("int cajal_nn_rms_norm(cajal_tensor x, const int64_t *normalized_shape, size_t nshape, cajal_tensor weight, int32_t has_eps, double eps, cajal_tensor *out)",
   "x / sqrt(mean(x^2) + eps) over the trailing normalized_shape, times weight (may be NULL); without has_eps, eps is\nthe machine epsilon of x's compute type.",
   swift='''newTensor(out) {
    try Functional.rmsNorm(tensorArgument(x), normalizedShape: ints(normalized_shape, nshape, "normalized_shape"),
                           weight: optionalTensor(weight, "weight"), eps: has_eps != 0 ? eps : nil)
}''')

loss("soft_margin_loss", "log(1 + e^(-target input)), reduced.")

loss("hinge_embedding_loss", "input where target is 1, max(0, margin - input) where target is -1, reduced.",
     params="double margin, cajal_reduction reduction")

fn("int cajal_nn_multi_margin_loss(cajal_tensor input, cajal_tensor target, int64_t p, double margin, cajal_tensor weight, cajal_reduction reduction, cajal_tensor *out)",
   """Multi-class hinge loss: per row of input (N, C) or (C), the sum over classes i other than the int64 target y of
max(0, margin - x[y] + x[i])^p (p 1 or 2), times weight[y] (weight may be NULL), over C; reduced.""",
   swift='''newTensor(out) {
    try Functional.multiMarginLoss(tensorArgument(input, "input"), tensorArgument(target, "target"), p: Int(clamping: p),
                                   margin: margin, weight: optionalTensor(weight, "weight"), reduction: reduction)
}''')

loss("multilabel_margin_loss", """Multi-label hinge loss: per row, the sum over its target classes j (the int64 labels before the first -1)
and the other classes i of max(0, 1 - (x[j] - x[i])), over C; reduced.""")

fn("int cajal_nn_ctc_loss(cajal_tensor log_probs, cajal_tensor targets, const int64_t *input_lengths, size_t ninput, const int64_t *target_lengths, size_t ntarget, int64_t blank, cajal_reduction reduction, int32_t zero_infinity, cajal_tensor *out)",
   """Connectionist temporal classification: log_probs (T, N, C) (log_softmax outputs) or (T, C) unbatched; targets
(N, S) padded or the label sequences concatenated (1-D), integer labels in [0, C); one input length (at most T) and one
target length per sample. MEAN divides each loss by its target length (at least 1) before averaging; zero_infinity
zeroes infinite losses and their gradients. The gradient is torch's (exp(lp) minus the posterior).""",
   swift='''newTensor(out) {
    try Functional.ctcLoss(tensorArgument(log_probs, "log_probs"), targets: tensorArgument(targets, "targets"),
                           inputLengths: ints(input_lengths, ninput, "input_lengths", limit: maxListCount),
                           targetLengths: ints(target_lengths, ntarget, "target_lengths", limit: maxListCount), blank: Int(clamping: blank),
                           reduction: reduction, zeroInfinity: zero_infinity != 0)
}''')

fn("int cajal_nn_tanhshrink(cajal_tensor x, cajal_tensor *out)",
   "x - tanh(x).",
   swift='newTensor(out) { try Functional.tanhshrink(tensorArgument(x)) }')

fn("int cajal_nn_local_response_norm(cajal_tensor x, int64_t size, double alpha, double beta, double k, cajal_tensor *out)",
   "x / (k + alpha mean(x^2 over `size` neighbouring channels))^beta, for (N, C, ...) of 3 or more dims.",
   swift='''newTensor(out) {
    try Functional.localResponseNorm(tensorArgument(x), size: Int(clamping: size), alpha: alpha, beta: beta, k: k)
}''')

fn("int cajal_nn_lp_pool(cajal_tensor x, double norm_type, const int64_t *kernel_size, size_t nkernel, const int64_t *stride, size_t nstride, int32_t ceil_mode, int64_t spatial_dims, cajal_tensor *out)",
   "lp_pool1d/2d/3d: (sum of x^p over each window)^(1/p), p = norm_type; an empty stride means stride = kernel_size.",
   swift='''newTensor(out) {
    try Functional.lpPool(tensorArgument(x), normType: norm_type, kernelSize: ints(kernel_size, nkernel, "kernel_size"),
                          stride: ints(stride, nstride, "stride"), ceilMode: ceil_mode != 0, spatialDims: Int(clamping: spatial_dims))
}''')

fn("int cajal_nn_multilabel_soft_margin_loss(cajal_tensor input, cajal_tensor target, cajal_tensor weight, cajal_reduction reduction, cajal_tensor *out)",
   "The mean over classes (last dim) of -(t log sigmoid(x) + (1 - t) log sigmoid(-x)), times weight (may be NULL); reduced.",
   swift='''newTensor(out) {
    try Functional.multilabelSoftMarginLoss(tensorArgument(input, "input"), tensorArgument(target, "target"),
                                            weight: optionalTensor(weight, "weight"), reduction: reduction)
}''')

fn("int cajal_nn_embedding_bag(cajal_tensor input, cajal_tensor weight, cajal_tensor offsets, cajal_embedding_bag_mode mode, cajal_tensor per_sample_weights, int32_t include_last_offset, int32_t has_padding, int64_t padding_idx, cajal_tensor *out)",
   """F.embedding_bag: weight's rows at the int64 indices reduced per bag by mode. input (B, L) is B bags (offsets NULL);
1-D input takes offsets, the start of each bag (one more, the end, with include_last_offset). Entries equal to
padding_idx (with has_padding) are left out; empty bags give zeros. per_sample_weights (shaped as input, SUM only) may
be NULL.""",
   swift='''newTensor(out) {
    try Functional.embeddingBag(tensorArgument(input, "input"), weight: tensorArgument(weight, "weight"),
                                offsets: optionalTensor(offsets, "offsets"), mode: mode,
                                perSampleWeights: optionalTensor(per_sample_weights, "per_sample_weights"),
                                includeLastOffset: include_last_offset != 0,
                                paddingIndex: has_padding != 0 ? Int(padding_idx) : nil)
}''')
