# Layer specifications: the parameters, buffers and children of the layers
# that both fronts build (python/cajal/nn/modules and Sources/CajalNN), with
# torch's names, shapes, registration order and default initialisation.
# tools/generate.py writes one function per layer for each front
# (python/cajal/nn/_layer_specs.py, Sources/CajalNN/Generated/LayerSpecs.swift);
# each front registers and initialises exactly what its function returns, so
# the two cannot disagree.
#
# layer(name, doc, args, tensors=[...], children=[...]):
#   args     "name: int | bool | [int]" in order; the fronts validate them first,
#            so shapes built from them fit (sizes are bounded where they enter)
#   tensor(name, shape, init, when=None, buffer=False, dtype=None)
#     shape  Python expressions over the args ('*name' splices a [int] arg)
#     init   how the tensor starts, drawn in declaration order:
#              'fan_in_uniform'  U(-1/√fan_in, 1/√fan_in), fan_in of the layer's
#                                weight (torch's kaiming_uniform_(a=√5) and its bias rule)
#              'inverse_sqrt_uniform(n)'  U(-1/√n, 1/√n)
#              'xavier_uniform'  U(±√(6 / (fan_in + fan_out)))
#              'normal'          N(0, 1)
#              'ones', 'zeros'
#     when   a condition over the args; when false the name is registered
#            empty (None / nil), as torch registers an absent bias
#     dtype  'int64' for a counter; otherwise the layer's dtype
#   child(name, kind)  a submodule, in torch's construction and registration order

layer("linear", "torch.nn.Linear: y = x Wᵀ + b.",
      args=["in_features: int", "out_features: int", "bias: bool"],
      tensors=[tensor("weight", ["out_features", "in_features"], "fan_in_uniform"),
               tensor("bias", ["out_features"], "fan_in_uniform", when="bias")])

layer("conv", "torch.nn.Conv1d/2d: weight (out, in / groups, *kernel).",
      args=["in_channels: int", "out_channels: int", "kernel_size: [int]", "groups: int", "bias: bool"],
      tensors=[tensor("weight", ["out_channels", "in_channels // groups", "*kernel_size"], "fan_in_uniform"),
               tensor("bias", ["out_channels"], "fan_in_uniform", when="bias")])

layer("conv_transpose", "torch.nn.ConvTranspose2d: weight (in, out / groups, *kernel); fan_in from its dim 1, as torch.",
      args=["in_channels: int", "out_channels: int", "kernel_size: [int]", "groups: int", "bias: bool"],
      tensors=[tensor("weight", ["in_channels", "out_channels // groups", "*kernel_size"], "fan_in_uniform"),
               tensor("bias", ["out_channels"], "fan_in_uniform", when="bias")])

layer("batch_norm", "torch.nn.BatchNorm1d/2d: affine weight and bias, running statistics and the batch counter.",
      args=["num_features: int", "affine: bool", "bias: bool", "track_running_stats: bool"],
      tensors=[tensor("weight", ["num_features"], "ones", when="affine"),
               tensor("bias", ["num_features"], "zeros", when="affine and bias"),
               tensor("running_mean", ["num_features"], "zeros", when="track_running_stats", buffer=True),
               tensor("running_var", ["num_features"], "ones", when="track_running_stats", buffer=True),
               tensor("num_batches_tracked", [], "zeros", when="track_running_stats", buffer=True, dtype="int64")])

layer("layer_norm", "torch.nn.LayerNorm: weight 1 and bias 0 over the normalized shape.",
      args=["normalized_shape: [int]", "elementwise_affine: bool", "bias: bool"],
      tensors=[tensor("weight", ["*normalized_shape"], "ones", when="elementwise_affine"),
               tensor("bias", ["*normalized_shape"], "zeros", when="elementwise_affine and bias")])

layer("rms_norm", "torch.nn.RMSNorm: weight 1 over the normalized shape (no bias).",
      args=["normalized_shape: [int]", "elementwise_affine: bool"],
      tensors=[tensor("weight", ["*normalized_shape"], "ones", when="elementwise_affine")])

layer("channel_norm", "torch.nn.GroupNorm and InstanceNorm2d: weight 1 and bias 0 per channel.",
      args=["num_channels: int", "affine: bool", "bias: bool"],
      tensors=[tensor("weight", ["num_channels"], "ones", when="affine"),
               tensor("bias", ["num_channels"], "zeros", when="affine and bias")])

layer("embedding", "torch.nn.Embedding: rows ~ N(0, 1) (the padding row is then zeroed by the layer).",
      args=["num_embeddings: int", "embedding_dim: int"],
      tensors=[tensor("weight", ["num_embeddings", "embedding_dim"], "normal")])

layer("recurrent", "torch.nn.RNN/LSTM/GRU, one layer and direction (the names get _l{k} and _reverse), "
      "and the cells as they are: gates stacked as torch's (i, f, g, o for LSTM; r, z, n for GRU). state_size is "
      "the size of h: hidden_size, or an LSTM's proj_size, which adds the projection weight_hr.",
      args=["gates: int", "input_size: int", "hidden_size: int", "bias: bool", "state_size: int"],
      tensors=[tensor("weight_ih", ["gates * hidden_size", "input_size"], "inverse_sqrt_uniform(hidden_size)"),
               tensor("weight_hh", ["gates * hidden_size", "state_size"], "inverse_sqrt_uniform(hidden_size)"),
               tensor("bias_ih", ["gates * hidden_size"], "inverse_sqrt_uniform(hidden_size)", when="bias"),
               tensor("bias_hh", ["gates * hidden_size"], "inverse_sqrt_uniform(hidden_size)", when="bias"),
               tensor("weight_hr", ["state_size", "hidden_size"], "inverse_sqrt_uniform(hidden_size)",
                      when="state_size != hidden_size")])

layer("multihead_attention", "torch.nn.MultiheadAttention: one packed input projection, or three when kdim or vdim "
      "differ; out_proj is a Linear made before the projections are drawn, its bias then zeroed.",
      args=["embed_dim: int", "kdim: int", "vdim: int", "bias: bool"],
      tensors=[tensor("in_proj_weight", ["3 * embed_dim", "embed_dim"], "xavier_uniform",
                      when="kdim == embed_dim and vdim == embed_dim"),
               tensor("q_proj_weight", ["embed_dim", "embed_dim"], "xavier_uniform",
                      when="not (kdim == embed_dim and vdim == embed_dim)"),
               tensor("k_proj_weight", ["embed_dim", "kdim"], "xavier_uniform",
                      when="not (kdim == embed_dim and vdim == embed_dim)"),
               tensor("v_proj_weight", ["embed_dim", "vdim"], "xavier_uniform",
                      when="not (kdim == embed_dim and vdim == embed_dim)"),
               tensor("in_proj_bias", ["3 * embed_dim"], "zeros", when="bias")],
      children=[child("out_proj", "linear")])

layer("transformer_encoder_layer", "torch.nn.TransformerEncoderLayer's submodules.",
      args=[],
      children=[child("self_attn", "multihead_attention"), child("linear1", "linear"), child("dropout", "dropout"),
                child("linear2", "linear"), child("norm1", "layer_norm"), child("norm2", "layer_norm"),
                child("dropout1", "dropout"), child("dropout2", "dropout")])

layer("transformer_decoder_layer", "torch.nn.TransformerDecoderLayer's submodules.",
      args=[],
      children=[child("self_attn", "multihead_attention"), child("multihead_attn", "multihead_attention"),
                child("linear1", "linear"), child("dropout", "dropout"), child("linear2", "linear"),
                child("norm1", "layer_norm"), child("norm2", "layer_norm"), child("norm3", "layer_norm"),
                child("dropout1", "dropout"), child("dropout2", "dropout"), child("dropout3", "dropout")])
