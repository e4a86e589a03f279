"""The C API: named constants.

Each constants() declares one enumeration the C functions take: its C type
(an int32_t typedef), the Swift enum that is its one definition in the
engine, its doc, and its values as (C suffix, torch's name, doc) or
(C suffix, torch's name, doc, Swift case) when the Swift case is not torch's
name in camelCase. Codes count from 0 in the order given; append, never
reorder, since C programs compile the numbers in.

tools/generate.py writes the header's typedef and #defines, the Swift enum
(Sources/<module>/Generated/Constants.swift), the Python IntEnum and name
table (python/cajal/_constants.py), and for every function parameter of the
type, the conversion from the C code with an error that names the op, the
argument and the codes it accepts.
"""

section("constants")

constants("cajal_reduction", swift="LossReduction", doc="How a loss folds its per-element values (torch's reduction=).", values=[
    ("NONE", "none", "no reduction: the per-element losses"),
    ("MEAN", "mean", "their mean"),
    ("SUM", "sum", "their sum"),
    ("BATCHMEAN", "batchmean", "kl_div only: their sum divided by the batch size"),
])

constants("cajal_rounding_mode", swift="RoundingMode", doc="How a division rounds (torch's rounding_mode=).", values=[
    ("TRUNC", "trunc", "toward zero"),
    ("FLOOR", "floor", "toward minus infinity (Python's //)"),
])

constants("cajal_norm_kind", swift="NormKind", doc="Which norm torch.linalg.norm takes (its ord=).", values=[
    ("DEFAULT", "default", "ord=None: the 2-norm of vectors, Frobenius of matrices", "standard"),
    ("NUMBER", "number", "ord=p, a number (INFINITY allowed)"),
    ("FROBENIUS", "fro", "ord='fro'", "frobenius"),
    ("NUCLEAR", "nuc", "ord='nuc': the sum of the singular values", "nuclear"),
])

constants("cajal_conv_padding", swift="ConvolutionPaddingMode", doc="How a convolution pads its input (torch's padding=).", values=[
    ("EXPLICIT", "explicit", "the padding given per spatial dim, on both sides"),
    ("SAME", "same", "padding='same': the output keeps the input's size (stride 1)"),
    ("VALID", "valid", "padding='valid': no padding"),
])

constants("cajal_interpolation", swift="InterpolationMode", doc="How F.interpolate resamples.", values=[
    ("NEAREST", "nearest", "the nearest input element"),
    ("LINEAR", "linear", "linear along each spatial dim (torch's 'linear', 'bilinear', 'trilinear')"),
])

constants("cajal_grid_sample_mode", swift="GridSampleMode", doc="How F.grid_sample interpolates.", values=[
    ("BILINEAR", "bilinear", "bilinear"),
    ("NEAREST", "nearest", "the nearest input element"),
])

constants("cajal_grid_padding", swift="GridPadding", doc="What F.grid_sample reads outside the input (its padding_mode=).", values=[
    ("ZEROS", "zeros", "zeros"),
    ("BORDER", "border", "the nearest border value"),
    ("REFLECTION", "reflection", "the input reflected at its borders"),
])

constants("cajal_pad_mode", swift="PadMode", doc="How F.pad fills the border (its mode=).", values=[
    ("CONSTANT", "constant", "a constant value"),
    ("REFLECT", "reflect", "the input mirrored at its edges, the edge itself not repeated"),
    ("REPLICATE", "replicate", "the edge value repeated"),
    ("CIRCULAR", "circular", "the input wrapped around"),
])

constants("cajal_embedding_bag_mode", swift="EmbeddingBagMode", doc="How EmbeddingBag reduces each bag (its mode=).", values=[
    ("SUM", "sum", "the sum of the bag's rows (times per_sample_weights when given)"),
    ("MEAN", "mean", "their mean"),
    ("MAX", "max", "their elementwise maximum"),
])

constants("cajal_dice_activation", swift="DiceActivation", doc="What dice_loss applies to its input first.", values=[
    ("NONE", "none", "nothing: the input holds probabilities"),
    ("SIGMOID", "sigmoid", "sigmoid: one binary mask per channel"),
    ("SOFTMAX", "softmax", "softmax over the channels (dim 1): one class per pixel"),
])

constants("cajal_rnn_mode", swift="RecurrentKind", module="CajalRuntime",
          doc="The recurrent layers, with torch's mode names and gate order.", values=[
    ("TANH", "RNN_TANH", "nn.RNN with tanh", "rnnTanh"),
    ("RELU", "RNN_RELU", "nn.RNN with relu", "rnnRelu"),
    ("LSTM", "LSTM", "nn.LSTM: gates (input, forget, cell, output)", "lstm"),
    ("GRU", "GRU", "nn.GRU: gates (reset, update, new)", "gru"),
], prefix="CAJAL_RNN_")

constants("cajal_scatter_reduction", swift="ScatterReduction",
          doc="How scatter_reduce combines the values sent to one position (its reduce=).", values=[
    ("SUM", "sum", "their sum"),
    ("PROD", "prod", "their product (not supported yet)"),
    ("MEAN", "mean", "their mean"),
    ("AMAX", "amax", "their maximum (NaN wins)"),
    ("AMIN", "amin", "their minimum (NaN wins)"),
], prefix="CAJAL_SCATTER_")

constants("cajal_bernoulli_stream", swift="BernoulliStream",
          doc="Where bernoulli_(p) with a number p (and so dropout) draws, as torch's CPU build does.", values=[
    ("MT19937", "mt19937", "one 53-bit uniform per element from the generator (torch 2.x on every CPU)"),
    ("MKL", "mkl", "one 32-bit draw seeds MKL's MCG31m1 stream, u < p per element (older torch builds on Intel CPUs)"),
])

constants("cajal_qr_mode", swift="QRMode", doc="Which factors torch.linalg.qr returns (its mode=).", values=[
    ("REDUCED", "reduced", "Q with min(m, n) columns and R with min(m, n) rows"),
    ("COMPLETE", "complete", "Q square (m x m) and R m x n"),
    ("R", "r", "R alone (reduced); Q is empty and nothing is differentiable"),
])

constants("cajal_fft_norm", swift="FFTNorm", doc="How a Fourier transform scales (torch's norm=).", values=[
    ("BACKWARD", "backward", "the forward transform unscaled, the inverse by 1/n"),
    ("FORWARD", "forward", "the forward transform by 1/n, the inverse unscaled"),
    ("ORTHO", "ortho", "both by 1/sqrt(n)"),
])

constants("cajal_reduce_op", swift="ReduceOperation", doc="How a collective combines the ranks' values (torch.distributed.ReduceOp).", values=[
    ("SUM", "sum", "their sum"),
    ("AVG", "avg", "their mean: the sum divided by the world size (floating tensors only)", "average"),
    ("PRODUCT", "product", "their product"),
    ("MIN", "min", "their minimum"),
    ("MAX", "max", "their maximum"),
], prefix="CAJAL_REDUCE_")
