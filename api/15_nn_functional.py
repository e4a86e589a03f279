"""The C API: nn functional. Generated files come from this; see tools/generate.py."""

section("nn functional")

note("""torch.nn.functional. Optional tensors (bias, weight, pos_weight) may be NULL.
reduction: 0 none, 1 mean, 2 sum. Lists of per-dim values (stride, padding,
dilation, kernel_size) hold one value for every dim or a single shared one;
an empty pooling stride means stride = kernel_size.""")

fn("int cajal_nn_linear(cajal_tensor x, cajal_tensor weight, cajal_tensor bias, cajal_tensor *out)",
   "x W^T + b.")

fn("int cajal_nn_dropout(cajal_tensor x, double p, cajal_tensor *out)",
   """Training-mode dropout: each element zeroed with probability p (drawn from
the default generator, one uniform per element), the rest scaled by 1 / (1 - p).""")

fn("int cajal_nn_conv2d(cajal_tensor x, cajal_tensor weight, cajal_tensor bias, const int64_t *stride, size_t nstride, int32_t padding_mode, const int64_t *padding, size_t npadding, const int64_t *dilation, size_t ndilation, int64_t groups, cajal_tensor *out)",
   "padding_mode: 0 explicit (padding, symmetric), 1 'same' (stride 1), 2 'valid'.")

fn("int cajal_nn_conv1d(cajal_tensor x, cajal_tensor weight, cajal_tensor bias, const int64_t *stride, size_t nstride, int32_t padding_mode, const int64_t *padding, size_t npadding, const int64_t *dilation, size_t ndilation, int64_t groups, cajal_tensor *out)",
   "conv2d's 1-d form: x (N, C, L) or (C, L), weight (O, C / groups, k).")

fn("int cajal_nn_max_pool2d(cajal_tensor x, const int64_t *kernel_size, size_t nkernel, const int64_t *stride, size_t nstride, const int64_t *padding, size_t npadding, const int64_t *dilation, size_t ndilation, int32_t ceil_mode, cajal_tensor *values, cajal_tensor *indices)",
   "The window maxima and their flat positions in each input plane.")

fn("int cajal_nn_max_pool1d(cajal_tensor x, const int64_t *kernel_size, size_t nkernel, const int64_t *stride, size_t nstride, const int64_t *padding, size_t npadding, const int64_t *dilation, size_t ndilation, int32_t ceil_mode, cajal_tensor *values, cajal_tensor *indices)",
   "max_pool2d's 1-d form.")

fn("int cajal_nn_avg_pool2d(cajal_tensor x, const int64_t *kernel_size, size_t nkernel, const int64_t *stride, size_t nstride, const int64_t *padding, size_t npadding, int32_t ceil_mode, int32_t count_include_pad, int64_t divisor_override, cajal_tensor *out)",
   "divisor_override: 0 for none.")

fn("int cajal_nn_avg_pool1d(cajal_tensor x, const int64_t *kernel_size, size_t nkernel, const int64_t *stride, size_t nstride, const int64_t *padding, size_t npadding, int32_t ceil_mode, int32_t count_include_pad, cajal_tensor *out)",
   "avg_pool2d's 1-d form.")

fn("int cajal_nn_softmax(cajal_tensor x, int64_t dim, cajal_tensor *out)",
   "e^x / sum(e^x) along dim.")

fn("int cajal_nn_log_softmax(cajal_tensor x, int64_t dim, cajal_tensor *out)",
   "x - logsumexp(x) along dim.")

fn("int cajal_nn_leaky_relu(cajal_tensor x, double negative_slope, cajal_tensor *out)",
   "x where x > 0, else negative_slope * x.")

fn("int cajal_nn_elu(cajal_tensor x, double alpha, cajal_tensor *out)",
   "x where x > 0, else alpha * (e^x - 1).")

fn("int cajal_nn_gelu(cajal_tensor x, int32_t tanh_approximation, cajal_tensor *out)",
   "tanh_approximation: 0 exact (erf), 1 the tanh formula.")

fn("int cajal_nn_silu(cajal_tensor x, cajal_tensor *out)",
   "x * sigmoid(x).")

fn("int cajal_nn_softplus(cajal_tensor x, double beta, double threshold, cajal_tensor *out)",
   "log(1 + e^(beta x)) / beta; x where beta x > threshold.")

fn("int cajal_nn_hardtanh(cajal_tensor x, double min, double max, cajal_tensor *out)",
   "x clipped to [min, max].")

fn("int cajal_nn_mse_loss(cajal_tensor input, cajal_tensor target, int32_t reduction, cajal_tensor *out)",
   "(input - target)^2, reduced.")

fn("int cajal_nn_l1_loss(cajal_tensor input, cajal_tensor target, int32_t reduction, cajal_tensor *out)",
   "|input - target|, reduced.")

fn("int cajal_nn_binary_cross_entropy(cajal_tensor input, cajal_tensor target, cajal_tensor weight, int32_t reduction, cajal_tensor *out)",
   "-(y log x + (1 - y) log(1 - x)) with logs clamped at -100, times weight, reduced.")

fn("int cajal_nn_binary_cross_entropy_with_logits(cajal_tensor input, cajal_tensor target, cajal_tensor weight, cajal_tensor pos_weight, int32_t reduction, cajal_tensor *out)",
   "binary_cross_entropy of sigmoid(input), stable in the logits; pos_weight scales the positive term.")

fn("int cajal_nn_nll_loss(cajal_tensor input, cajal_tensor target, cajal_tensor weight, int64_t ignore_index, int32_t reduction, cajal_tensor *out)",
   "target: int64 class indices.")

fn("int cajal_nn_cross_entropy(cajal_tensor input, cajal_tensor target, cajal_tensor weight, int64_t ignore_index, int32_t reduction, double label_smoothing, cajal_tensor *out)",
   "target: int64 class indices, or float class probabilities shaped like input.")

fn("int cajal_nn_selu(cajal_tensor x, cajal_tensor *out)",
   "SELU: scale * elu(x, alpha) with the self-normalising constants.")

fn("int cajal_nn_celu(cajal_tensor x, double alpha, cajal_tensor *out)",
   "max(0, x) + min(0, alpha (e^(x/alpha) - 1)).")

fn("int cajal_nn_mish(cajal_tensor x, cajal_tensor *out)",
   "x tanh(softplus(x)).")

fn("int cajal_nn_softsign(cajal_tensor x, cajal_tensor *out)",
   "x / (1 + |x|).")

fn("int cajal_nn_hardsigmoid(cajal_tensor x, cajal_tensor *out)",
   "clamp(x / 6 + 1/2, 0, 1).")

fn("int cajal_nn_hardswish(cajal_tensor x, cajal_tensor *out)",
   "x hardsigmoid(x).")

fn("int cajal_nn_log_sigmoid(cajal_tensor x, cajal_tensor *out)",
   "log(sigmoid(x)), stable.")

fn("int cajal_nn_threshold(cajal_tensor x, double threshold, double value, cajal_tensor *out)",
   "x where x > threshold, else value.")

fn("int cajal_nn_prelu(cajal_tensor x, cajal_tensor weight, cajal_tensor *out)",
   "x where x > 0, else weight * x; weight has 1 or C (dim 1) elements.")

fn("int cajal_nn_layer_norm(cajal_tensor x, const int64_t *normalized_shape, size_t ndims, cajal_tensor weight, cajal_tensor bias, double eps, cajal_tensor *out)",
   "Normalises over the last ndims dims (normalized_shape); weight and bias shaped like it, or NULL.")

fn("int cajal_nn_batch_norm(cajal_tensor x, cajal_tensor running_mean, cajal_tensor running_var, cajal_tensor weight, cajal_tensor bias, int32_t training, double momentum, double eps, cajal_tensor *out)",
   """Over dim 1 of (N, C, ...): batch statistics when training (updating running_mean and running_var in
place when given), the running ones otherwise. Any of the four tensors may be NULL.""")

fn("int cajal_nn_group_norm(cajal_tensor x, int64_t num_groups, cajal_tensor weight, cajal_tensor bias, double eps, cajal_tensor *out)",
   "Channels (dim 1) in num_groups groups, each normalised over its channels and positions.")

fn("int cajal_nn_instance_norm(cajal_tensor x, cajal_tensor weight, cajal_tensor bias, double eps, cajal_tensor *out)",
   "Each (sample, channel) normalised over its positions with its own statistics.")

fn("int cajal_nn_embedding(cajal_tensor input, cajal_tensor weight, int32_t has_padding, int64_t padding_idx, cajal_tensor *out)",
   "weight[input] for int64 indices; with has_padding, row padding_idx receives no gradient.")

fn("int cajal_nn_smooth_l1_loss(cajal_tensor input, cajal_tensor target, int32_t reduction, double beta, cajal_tensor *out)",
   "0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta; d = input - target.")

fn("int cajal_nn_huber_loss(cajal_tensor input, cajal_tensor target, int32_t reduction, double delta, cajal_tensor *out)",
   "0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta).")

fn("int cajal_nn_kl_div(cajal_tensor input, cajal_tensor target, const char *reduction, int32_t log_target, cajal_tensor *out)",
   """KL divergence of log-probabilities input from target; reduction "none", "mean", "sum" or "batchmean".""")

fn("int cajal_nn_gaussian_nll_loss(cajal_tensor input, cajal_tensor target, cajal_tensor var, int32_t full, double eps, int32_t reduction, cajal_tensor *out)",
   "0.5 (log max(var, eps) + (input - target)^2 / max(var, eps)) (+ 0.5 log 2 pi when full).")

fn("int cajal_nn_poisson_nll_loss(cajal_tensor input, cajal_tensor target, int32_t log_input, int32_t full, double eps, int32_t reduction, cajal_tensor *out)",
   "e^input - target input (log_input), or input - target log(input + eps); Stirling's term when full.")

fn("int cajal_nn_cosine_embedding_loss(cajal_tensor input1, cajal_tensor input2, cajal_tensor target, double margin, int32_t reduction, cajal_tensor *out)",
   "1 - cos for target 1, max(0, cos - margin) for target -1.")

fn("int cajal_nn_margin_ranking_loss(cajal_tensor input1, cajal_tensor input2, cajal_tensor target, double margin, int32_t reduction, cajal_tensor *out)",
   "max(0, -target (input1 - input2) + margin).")

fn("int cajal_nn_triplet_margin_loss(cajal_tensor anchor, cajal_tensor positive, cajal_tensor negative, double margin, double p, double eps, int32_t swap, int32_t reduction, cajal_tensor *out)",
   "max(d(a, p) - d(a, n) + margin, 0) with the p-norm distance along the last dim.")

fn("int cajal_nn_dice_loss(cajal_tensor input, cajal_tensor target, double smooth, int32_t reduction, cajal_tensor *out)",
   "cajal's soft Dice: 1 - (2 sum(p t) + smooth) / (sum p + sum t + smooth) per sample (all dims but 0), reduced.")

fn("int cajal_nn_pad(cajal_tensor x, const int64_t *pads, size_t npads, double value, cajal_tensor *out)",
   "Constant padding: (before, after) pairs for the last dims, last dim first; negative values crop.")

fn("int cajal_nn_pixel_shuffle(cajal_tensor x, int64_t upscale_factor, cajal_tensor *out)",
   "(N, C r^2, H, W) -> (N, C, H r, W r).")

fn("int cajal_nn_interpolate(cajal_tensor x, const int64_t *size, size_t nsize, const double *scales, size_t nscales, int32_t mode, int32_t align_corners, cajal_tensor *out)",
   """Resizes the spatial dims of (N, C, ...) to size; mode 0 nearest, 1 (bi)linear. scales: input/output
ratios per dim (0: from the sizes), as torch's 1 / scale_factor; nscales may be 0.""")

fn("int cajal_nn_adaptive_avg_pool(cajal_tensor x, const int64_t *output_size, size_t nsize, cajal_tensor *out)",
   "Adaptive average pooling of the last nsize dims to output_size.")

fn("int cajal_nn_conv_transpose2d(cajal_tensor x, cajal_tensor weight, cajal_tensor bias, const int64_t *stride, size_t nstride, const int64_t *padding, size_t npadding, const int64_t *output_padding, size_t noutput_padding, int64_t groups, const int64_t *dilation, size_t ndilation, cajal_tensor *out)",
   """The transposed convolution (the input gradient of conv2d): x (N, Cin, H, W) or (Cin, H, W),
weight (Cin, Cout / groups, kH, kW), output (N, Cout, (H-1) s - 2 p + d (kH-1) + output_padding + 1, ...).""")

fn("int cajal_nn_affine_grid(cajal_tensor theta, const int64_t *size, size_t nsize, int32_t align_corners, cajal_tensor *out)",
   "The sampling grid (N, H, W, 2) of affine maps theta (N, 2, 3) for size (N, C, H, W).")

fn("int cajal_nn_grid_sample(cajal_tensor x, cajal_tensor grid, int32_t mode, int32_t padding_mode, int32_t align_corners, cajal_tensor *out)",
   """Samples x (N, C, H, W) at grid (N, Ho, Wo, 2) points in [-1, 1]; mode 0 bilinear, 1 nearest;
padding_mode 0 zeros, 1 border, 2 reflection.""")

fn("int cajal_nn_adaptive_max_pool2d(cajal_tensor x, const int64_t *output_size, size_t nsize, cajal_tensor *values, cajal_tensor *indices)",
   "Adaptive max pooling of the last two dims to output_size: the maxima and their flat positions.")

fn("int cajal_nn_rnn(int32_t mode, cajal_tensor input, cajal_tensor batch_sizes, cajal_tensor hx, cajal_tensor cx, const cajal_tensor *weights, size_t nweights, int32_t has_bias, int64_t num_layers, int32_t bidirectional, double dropout, int32_t training, int32_t batch_first, cajal_tensor *output, cajal_tensor *hidden, cajal_tensor *cell)",
   """Recurrent layers (mode 0 RNN tanh, 1 RNN relu, 2 LSTM, 3 GRU) over a padded (T, B, I) / batch_first / unbatched input,
or over packed rows when batch_sizes (1-D int64) is given. weights: torch's flat list per layer and direction,
w_ih, w_hh (, b_ih, b_hh). hx, cx may be NULL (zeros); cell receives c_n for LSTM only (may be NULL otherwise).""")

fn("int cajal_nn_pack_padded_sequence(cajal_tensor input, cajal_tensor lengths, int32_t batch_first, int32_t enforce_sorted, cajal_tensor *data, cajal_tensor *batch_sizes, cajal_tensor *sorted_indices, cajal_tensor *unsorted_indices)",
   "pack_padded_sequence with int64 lengths; sorted_indices / unsorted_indices are NULL when enforce_sorted.")

fn("int cajal_nn_pad_packed_sequence(cajal_tensor data, cajal_tensor batch_sizes, cajal_tensor sorted_indices, int32_t batch_first, double padding_value, int64_t total_length, cajal_tensor *padded, cajal_tensor *lengths)",
   "pad_packed_sequence: the padded batch in the original order and the int64 lengths; total_length < 0 for none.")

fn("int cajal_nn_pad_sequence(const cajal_tensor *sequences, size_t count, int32_t batch_first, double padding_value, cajal_tensor *out)",
   "pad_sequence: sequences (L_i, *) stacked into (max L, B, *), or (B, max L, *) with batch_first.")

fn("int cajal_nn_scaled_dot_product_attention(cajal_tensor query, cajal_tensor key, cajal_tensor value, cajal_tensor attn_mask, double dropout_p, int32_t is_causal, int32_t has_scale, double scale, cajal_tensor *out)",
   """softmax(q k^T scale + mask) v over the last two dims; attn_mask (bool: true may attend; float: added) may be NULL;
has_scale 0 uses 1/sqrt(E).""")

fn("int cajal_nn_multi_head_attention(cajal_tensor query, cajal_tensor key, cajal_tensor value, int64_t num_heads, cajal_tensor in_proj_weight, cajal_tensor q_proj_weight, cajal_tensor k_proj_weight, cajal_tensor v_proj_weight, cajal_tensor in_proj_bias, cajal_tensor out_proj_weight, cajal_tensor out_proj_bias, cajal_tensor key_padding_mask, cajal_tensor attn_mask, int32_t need_weights, int32_t average_attn_weights, int32_t is_causal, double dropout_p, int32_t training, cajal_tensor *output, cajal_tensor *weights)",
   """MultiheadAttention's forward, time-major (L, N, E): in_proj_weight, or q/k/v_proj_weight when the sizes differ; masks
(bool: true is blocked; float: added) and biases may be NULL. weights receives NULL unless need_weights.""")

note("""Optimizer steps over one parameter group. Every array holds `count` handles, one per parameter, in the same order;
parameters, state tensors and the float32 0-dim step counters are updated in place. Formulas are torch.optim's.""")

fn("int cajal_optim_sgd_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *momentum_buffers, size_t count, double lr, double momentum, double dampening, double weight_decay, int32_t nesterov, int32_t maximize, cajal_tensor *created_buffers)",
   """SGD; momentum_buffers entries may be NULL (no buffer yet): a buffer made by this step is returned in
created_buffers[i] (a new handle), other entries of created_buffers are left untouched.""")

fn("int cajal_optim_adam_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *steps, const cajal_tensor *exp_avgs, const cajal_tensor *exp_avg_sqs, const cajal_tensor *max_exp_avg_sqs, size_t count, double lr, double beta1, double beta2, double eps, double weight_decay, int32_t amsgrad, int32_t maximize, int32_t decoupled_weight_decay)",
   "Adam (AdamW with decoupled_weight_decay); max_exp_avg_sqs is read only with amsgrad and may be NULL otherwise.")

fn("int cajal_optim_rmsprop_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *steps, const cajal_tensor *square_avgs, const cajal_tensor *grad_avgs, const cajal_tensor *momentum_buffers, size_t count, double lr, double alpha, double eps, double weight_decay, double momentum, int32_t centered, int32_t maximize)",
   "RMSprop; grad_avgs is read only when centered, momentum_buffers only when momentum > 0 (NULL otherwise).")

fn("int cajal_optim_adagrad_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *steps, const cajal_tensor *sums, size_t count, double lr, double lr_decay, double weight_decay, double eps, int32_t maximize)",
   "Adagrad; sums start at initial_accumulator_value.")

fn("int cajal_optim_adadelta_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *steps, const cajal_tensor *square_avgs, const cajal_tensor *acc_deltas, size_t count, double lr, double rho, double eps, double weight_decay, int32_t maximize)",
   "Adadelta.")

fn("int cajal_optim_nadam_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *steps, const cajal_tensor *mu_products, const cajal_tensor *exp_avgs, const cajal_tensor *exp_avg_sqs, size_t count, double lr, double beta1, double beta2, double eps, double weight_decay, double momentum_decay, int32_t decoupled_weight_decay, int32_t maximize)",
   "NAdam; mu_products are float32 0-dim tensors starting at 1.")

fn("int cajal_optim_radam_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *steps, const cajal_tensor *exp_avgs, const cajal_tensor *exp_avg_sqs, size_t count, double lr, double beta1, double beta2, double eps, double weight_decay, int32_t decoupled_weight_decay, int32_t maximize)",
   "RAdam.")

fn("int cajal_optim_clip_grad_norm(const cajal_tensor *grads, size_t count, double max_norm, double norm_type, int32_t error_if_nonfinite, cajal_tensor *out)",
   """clip_grad_norm_: scales the gradients in place so that their joint norm_type-norm is at most max_norm;
out receives the norm they had (0-dim).""")

fn("int cajal_optim_clip_grad_value(const cajal_tensor *grads, size_t count, double clip_value)",
   "clip_grad_value_: clamps the gradients in place to [-clip_value, clip_value].")

note("""Checkpoints in the safetensors format. Writes go to a temporary file in the same folder, are fsynced and renamed
over path, so a crash leaves the old file intact; a CRC-32 of the data is stored in the metadata and checked on load.
Truncated, corrupted or foreign files fail with a message; no code in a file is ever run.""")

fn("int cajal_safetensors_save(const char *path, const char *const *names, const cajal_tensor *tensors, size_t count, const char *const *metadata_keys, const char *const *metadata_values, size_t metadata_count)",
   "Saves count named tensors and metadata_count string pairs of metadata to path.")

fn("int cajal_safetensors_load(const char *path, cajal_archive *out)",
   "Loads path into a new archive (free it with cajal_archive_free).")

fn("void cajal_archive_free(cajal_archive archive)",
   "Frees an archive; the tensors taken from it stay valid. NULL is a no-op.")

fn("int cajal_archive_count(cajal_archive archive, size_t *tensor_count, size_t *metadata_count)",
   "The numbers of tensors and metadata pairs; either out-pointer may be NULL.")

fn("int cajal_archive_tensor(cajal_archive archive, size_t i, const char **name, cajal_tensor *out)",
   "Tensor i in file order: its name (owned by the archive, may be NULL) and a new tensor handle.")

fn("int cajal_archive_metadata(cajal_archive archive, size_t i, const char **key, const char **value)",
   "Metadata pair i, sorted by key; the strings are owned by the archive.")
