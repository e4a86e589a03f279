"""cajal.nn.functional, as torch.nn.functional: every function is one engine call."""

import builtins
from ctypes import byref, c_void_p

from .._constants import (CONVOLUTION_PADDING_MODE_BY_NAME, DICE_ACTIVATION_BY_NAME, EMBEDDING_BAG_MODE_BY_NAME,
                          GRID_PADDING_BY_NAME, GRID_SAMPLE_MODE_BY_NAME,
                          LOSS_REDUCTION_BY_NAME, PAD_MODE_BY_NAME, ConvolutionPaddingMode, InterpolationMode)
from .._ffi import check, int64_array, lib
from .._tensor import _call, _wrap, as_tensor_operand


def _reduction(reduction, size_average=None, reduce=None):
    """torch's reduction string (the legacy size_average/reduce flags map onto it)."""
    if size_average is not None or reduce is not None:
        reduce = True if reduce is None else reduce
        size_average = True if size_average is None else size_average
        reduction = ("mean" if size_average else "sum") if reduce else "none"
    if reduction not in LOSS_REDUCTION_BY_NAME:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return LOSS_REDUCTION_BY_NAME[reduction]  # the engine refuses batchmean for all but kl_div, as torch


def _ints(value):
    """An int or a sequence of ints as a ctypes array and its length."""
    values = [int(value)] if isinstance(value, int) else [int(v) for v in value]
    return int64_array(values), len(values)


def _optional(tensor):
    return None if tensor is None else as_tensor_operand(tensor)


def one_hot(tensor, num_classes=-1):
    """Class indices (int64) as one-hot rows in a new last dim."""
    return _call(lib.cajal_tensor_one_hot, tensor._handle, num_classes)


# ------------------------------------------------------------------ layers

def linear(input, weight, bias=None):  # noqa: A002
    return _call(lib.cajal_nn_linear, input, weight, bias)


def _conv(function, input, weight, bias, stride, padding, dilation, groups):  # noqa: A002
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(f"Invalid padding string '{padding}', should be one of {{'valid', 'same'}}")
        mode, pad = CONVOLUTION_PADDING_MODE_BY_NAME[padding], (int64_array([0]), 1)
    else:
        mode, pad = ConvolutionPaddingMode.EXPLICIT, _ints(padding)
    return _call(function, input, weight, bias, *_ints(stride), mode, *pad, *_ints(dilation), int(groups))


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    return _conv(lib.cajal_nn_conv2d, input, weight, bias, stride, padding, dilation, groups)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    return _conv(lib.cajal_nn_conv1d, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    return _conv(lib.cajal_nn_conv3d, input, weight, bias, stride, padding, dilation, groups)


def _conv_transpose(function, input, weight, bias, stride, padding, output_padding, groups, dilation):  # noqa: A002
    return _call(function, input, weight, bias, *_ints(stride), *_ints(padding), *_ints(output_padding), int(groups),
                 *_ints(dilation))


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):  # noqa: A002
    return _conv_transpose(lib.cajal_nn_conv_transpose1d, input, weight, bias, stride, padding, output_padding, groups,
                           dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):  # noqa: A002
    return _conv_transpose(lib.cajal_nn_conv_transpose2d, input, weight, bias, stride, padding, output_padding, groups,
                           dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):  # noqa: A002
    return _conv_transpose(lib.cajal_nn_conv_transpose3d, input, weight, bias, stride, padding, output_padding, groups,
                           dilation)


def _max_pool(function, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):  # noqa: A002
    values, indices = c_void_p(), c_void_p()
    stride = _ints(stride) if stride is not None and stride != [] else (int64_array([]), 0)
    check(function(input, *_ints(kernel_size), *stride, *_ints(padding), *_ints(dilation), 1 if ceil_mode else 0,
                   byref(values), byref(indices)))
    values, indices = _wrap(values.value), _wrap(indices.value)
    return (values, indices) if return_indices else values


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):  # noqa: A002
    return _max_pool(lib.cajal_nn_max_pool2d, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):  # noqa: A002
    return _max_pool(lib.cajal_nn_max_pool1d, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):  # noqa: A002
    return _max_pool(lib.cajal_nn_max_pool3d, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def _avg_pool_with_divisor(function, input, kernel_size, stride, padding, ceil_mode, count_include_pad,  # noqa: A002
                           divisor_override):
    stride = _ints(stride) if stride is not None and stride != [] else (int64_array([]), 0)
    if divisor_override is not None and divisor_override <= 0:
        raise RuntimeError("divisor must be not zero")
    return _call(function, input, *_ints(kernel_size), *stride, *_ints(padding), 1 if ceil_mode else 0,
                 1 if count_include_pad else 0, int(divisor_override or 0))


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,  # noqa: A002
               divisor_override=None):
    return _avg_pool_with_divisor(lib.cajal_nn_avg_pool2d, input, kernel_size, stride, padding, ceil_mode,
                                  count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,  # noqa: A002
               divisor_override=None):
    return _avg_pool_with_divisor(lib.cajal_nn_avg_pool3d, input, kernel_size, stride, padding, ceil_mode,
                                  count_include_pad, divisor_override)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):  # noqa: A002
    stride = _ints(stride) if stride is not None and stride != [] else (int64_array([]), 0)
    return _call(lib.cajal_nn_avg_pool1d, input, *_ints(kernel_size), *stride, *_ints(padding), 1 if ceil_mode else 0,
                 1 if count_include_pad else 0)


def _dropout(function, input, p, training):  # noqa: A002
    out = _call(function, input, float(p), 1 if training else 0)
    # The engine returns input itself unless it drew a mask; torch returns the same object then.
    return input if not training or p == 0 else out


def dropout(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zeroes each element with probability p and scales the rest by 1/(1-p) (training only)."""
    return _dropout(lib.cajal_nn_dropout_v2, input, p, training)


def dropout2d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zeroes whole channels (dim -3 of (N, C, H, W) or (C, H, W)) with probability p, scaling the rest by 1/(1-p)."""
    return _dropout(lib.cajal_nn_dropout2d, input, p, training)


def _feature_dropout(input, p, training, spatial_dims):  # noqa: A002
    out = _call(lib.cajal_nn_feature_dropout, input, float(p), 1 if training else 0, spatial_dims)
    return input if not training or p == 0 else out


def dropout1d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zeroes whole channels of (N, C, L) or (C, L) with probability p, scaling the rest by 1/(1-p)."""
    return _feature_dropout(input, p, training, 1)


def dropout3d(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) with probability p, scaling the rest by 1/(1-p)."""
    return _feature_dropout(input, p, training, 3)


# ------------------------------------------------------------------ activations

def _implicit_dim(ndim):
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    if dtype is not None:
        input = input.to(dtype)
    return _call(lib.cajal_nn_softmax, input, _implicit_dim(input.dim()) if dim is None else dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    if dtype is not None:
        input = input.to(dtype)
    return _call(lib.cajal_nn_log_softmax, input, _implicit_dim(input.dim()) if dim is None else dim)


def relu(input, inplace=False):  # noqa: A002
    return input.relu()


def sigmoid(input):  # noqa: A002
    return input.sigmoid()


def tanh(input):  # noqa: A002
    return input.tanh()


def leaky_relu(input, negative_slope=0.01, inplace=False):  # noqa: A002
    return _call(lib.cajal_nn_leaky_relu, input, float(negative_slope))


def elu(input, alpha=1.0, inplace=False):  # noqa: A002
    return _call(lib.cajal_nn_elu, input, float(alpha))


def gelu(input, approximate="none"):  # noqa: A002
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh, got {approximate}")
    return _call(lib.cajal_nn_gelu, input, 1 if approximate == "tanh" else 0)


def silu(input, inplace=False):  # noqa: A002
    return _call(lib.cajal_nn_silu, input)


def softplus(input, beta=1.0, threshold=20.0):  # noqa: A002
    return _call(lib.cajal_nn_softplus, input, float(beta), float(threshold))


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):  # noqa: A002
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _call(lib.cajal_nn_hardtanh, input, float(min_val), float(max_val))


def relu6(input, inplace=False):  # noqa: A002
    return hardtanh(input, 0.0, 6.0)


# ------------------------------------------------------------------ losses

def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):  # noqa: A002
    return _call(lib.cajal_nn_mse_loss, input, as_tensor_operand(target), _reduction(reduction, size_average, reduce))


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    return _call(lib.cajal_nn_l1_loss, input, as_tensor_operand(target), _reduction(reduction, size_average, reduce))


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    return _call(lib.cajal_nn_binary_cross_entropy, input, target, _optional(weight),
                 _reduction(reduction, size_average, reduce))


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                                     reduction="mean", pos_weight=None):
    return _call(lib.cajal_nn_binary_cross_entropy_with_logits, input, target, _optional(weight), _optional(pos_weight),
                 _reduction(reduction, size_average, reduce))


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):  # noqa: A002
    return _call(lib.cajal_nn_nll_loss, input, target, _optional(weight), int(ignore_index),
                 _reduction(reduction, size_average, reduce))


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,  # noqa: A002
                  reduction="mean", label_smoothing=0.0):
    return _call(lib.cajal_nn_cross_entropy, input, target, _optional(weight), int(ignore_index),
                 _reduction(reduction, size_average, reduce), builtins.float(label_smoothing))


# ------------------------------------------------------------------ more activations

def selu(input, inplace=False):  # noqa: A002
    return _call(lib.cajal_nn_selu, input)


def celu(input, alpha=1.0, inplace=False):  # noqa: A002
    return _call(lib.cajal_nn_celu, input, float(alpha))


def mish(input, inplace=False):  # noqa: A002
    return _call(lib.cajal_nn_mish, input)


def softsign(input):  # noqa: A002
    return _call(lib.cajal_nn_softsign, input)


def hardsigmoid(input, inplace=False):  # noqa: A002
    return _call(lib.cajal_nn_hardsigmoid, input)


def hardswish(input, inplace=False):  # noqa: A002
    return _call(lib.cajal_nn_hardswish, input)


def logsigmoid(input):  # noqa: A002
    return _call(lib.cajal_nn_log_sigmoid, input)


def softmin(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    return softmax(-input, dim, dtype=dtype)


def threshold(input, threshold, value, inplace=False):  # noqa: A002
    return _call(lib.cajal_nn_threshold, input, float(threshold), float(value))


def prelu(input, weight):  # noqa: A002
    return _call(lib.cajal_nn_prelu, input, weight)


# ------------------------------------------------------------------ normalisation and embedding

def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):  # noqa: A002
    return _call(lib.cajal_nn_layer_norm, input, *_ints(normalized_shape), _optional(weight), _optional(bias), float(eps))


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,  # noqa: A002
               eps=1e-5):
    return _call(lib.cajal_nn_batch_norm, input, _optional(running_mean), _optional(running_var), _optional(weight),
                 _optional(bias), 1 if training else 0, float(momentum), float(eps))


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):  # noqa: A002
    return _call(lib.cajal_nn_group_norm, input, int(num_groups), _optional(weight), _optional(bias), float(eps))


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,  # noqa: A002
                  momentum=0.1, eps=1e-5):
    return _call(lib.cajal_nn_instance_norm_v2, input, _optional(running_mean), _optional(running_var), _optional(weight),
                 _optional(bias), 1 if use_input_stats else 0, float(momentum), float(eps))


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,  # noqa: A002
              sparse=False):
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding: max_norm, scale_grad_by_freq and sparse are not supported")
    if padding_idx is not None:
        rows = weight.shape[0]
        if not -rows <= padding_idx < rows:
            raise AssertionError("Padding_idx must be within num_embeddings")
    return _call(lib.cajal_nn_embedding, input, weight, 0 if padding_idx is None else 1, int(padding_idx or 0))


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False,  # noqa: A002
                  mode="mean", sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """The rows of weight at input, summed / averaged / maxed per bag: (B, L) input is B bags; 1-D input is cut by offsets."""
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding_bag: max_norm, scale_grad_by_freq and sparse are not supported")
    if mode not in EMBEDDING_BAG_MODE_BY_NAME:
        raise ValueError(f"mode has to be one of sum, mean or max, got {mode}")
    return _call(lib.cajal_nn_embedding_bag, input, weight, _optional(offsets), EMBEDDING_BAG_MODE_BY_NAME[mode],
                 _optional(per_sample_weights), 1 if include_last_offset else 0, 0 if padding_idx is None else 1,
                 int(padding_idx or 0))


# ------------------------------------------------------------------ more losses

def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):  # noqa: A002
    return _call(lib.cajal_nn_smooth_l1_loss, input, as_tensor_operand(target), _reduction(reduction, size_average, reduce),
                 float(beta))


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):  # noqa: A002
    return _call(lib.cajal_nn_huber_loss, input, as_tensor_operand(target), _reduction(reduction), float(delta))


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):  # noqa: A002
    return _call(lib.cajal_nn_kl_div_v2, input, target, _reduction(reduction, size_average, reduce), 1 if log_target else 0)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):  # noqa: A002
    if not hasattr(var, "_handle"):
        var = input.new_full(input.shape, float(var)) if hasattr(input, "new_full") else as_tensor_operand(var)
    return _call(lib.cajal_nn_gaussian_nll_loss, input, target, var, 1 if full else 0, float(eps), _reduction(reduction))


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,  # noqa: A002
                     reduction="mean"):
    return _call(lib.cajal_nn_poisson_nll_loss, input, target, 1 if log_input else 0, 1 if full else 0, float(eps),
                 _reduction(reduction, size_average, reduce))


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    return _call(lib.cajal_nn_cosine_embedding_loss, input1, input2, target, float(margin),
                 _reduction(reduction, size_average, reduce))


def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None, reduction="mean"):
    return _call(lib.cajal_nn_margin_ranking_loss, input1, input2, target, float(margin),
                 _reduction(reduction, size_average, reduce))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    return _call(lib.cajal_nn_triplet_margin_loss, anchor, positive, negative, float(margin), float(p), float(eps),
                 1 if swap else 0, _reduction(reduction, size_average, reduce))


def dice_loss(input, target, smooth=1.0, reduction="mean", *, sigmoid=False, softmax=False,  # noqa: A002
              include_background=True, weight=None, per_class=None):
    """cajal's soft Dice loss (torch has none): 1 - (2 Σ p·t + smooth) / (Σ p + Σ t + smooth).

    By default per sample, the sums over all dims but the batch, for
    probabilities and masks shaped alike. sigmoid / softmax (over dim 1) turn
    logits into probabilities first. Per class (input (N, C, ...)): each
    sample's Dice per channel over the spatial dims, averaged over channels
    (weighted by `weight`, one per channel); chosen by per_class=True, or
    implied by softmax, integer class targets (N, ...) (made one-hot),
    include_background=False (channel 0 left out) or a weight."""
    if sigmoid and softmax:
        raise ValueError("dice_loss: sigmoid=True and softmax=True are not compatible")
    activation = DICE_ACTIVATION_BY_NAME["sigmoid" if sigmoid else "softmax" if softmax else "none"]
    return _call(lib.cajal_nn_dice_loss_v2, input, as_tensor_operand(target), float(smooth), _reduction(reduction), activation,
                 1 if include_background else 0, _optional(weight), -1 if per_class is None else int(bool(per_class)))


# ------------------------------------------------------------------ resampling

def pad(input, pad, mode="constant", value=None):  # noqa: A002
    if mode not in PAD_MODE_BY_NAME:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if mode != "constant" and value is not None and value != 0:
        raise ValueError(f'Padding mode "{mode}" doesn\'t take in value argument')
    return _call(lib.cajal_nn_pad_v2, input, *_ints(pad), PAD_MODE_BY_NAME[mode], float(value or 0.0))


def pixel_shuffle(input, upscale_factor):  # noqa: A002
    return _call(lib.cajal_nn_pixel_shuffle, input, int(upscale_factor))


# torch's modes by the engine's: linear interpolates along every spatial dim.
_MODES = {"nearest": InterpolationMode.NEAREST, "linear": InterpolationMode.LINEAR,
          "bilinear": InterpolationMode.LINEAR, "trilinear": InterpolationMode.LINEAR}


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,  # noqa: A002
                recompute_scale_factor=None, antialias=False):
    from ctypes import c_double

    if mode not in _MODES:
        raise NotImplementedError(f"interpolate mode '{mode}' is not supported (nearest, linear, bilinear, trilinear)")
    needs = {"linear": 3, "bilinear": 4, "trilinear": 5}.get(mode)
    if needs is not None and input.dim() != needs:
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs {needs}D input")
    if mode == "nearest" and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                         "bicubic | trilinear")
    if antialias:
        raise NotImplementedError("interpolate(antialias=True) is not supported")
    spatial = input.dim() - 2
    if (size is None) == (scale_factor is None):
        raise ValueError("only one of size or scale_factor should be defined")
    scales = []
    if size is not None:
        size = [int(size)] * spatial if isinstance(size, int) else [int(s) for s in size]
    else:
        factors = [float(scale_factor)] * spatial if isinstance(scale_factor, (int, float)) else [float(f) for f in scale_factor]
        size = [int(n * f) for n, f in zip(input.shape[2:], factors)]
        if not recompute_scale_factor:
            scales = [1.0 / f for f in factors]
    return _call(lib.cajal_nn_interpolate, input, *_ints(size), (c_double * len(scales))(*scales), len(scales),
                 _MODES[mode], 1 if align_corners else 0)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):  # noqa: A002
    return interpolate(input, size, scale_factor, mode, align_corners)


def _adaptive(input, output_size, k):  # noqa: A002
    sizes = [output_size] * k if isinstance(output_size, int) or output_size is None else list(output_size)
    # None keeps that dim's input size (torch).
    shape = input.shape[input.dim() - k:]
    sizes = [shape[i] if s is None else int(s) for i, s in enumerate(sizes)]
    return _call(lib.cajal_nn_adaptive_avg_pool, input, *_ints(sizes))


def adaptive_avg_pool1d(input, output_size):  # noqa: A002
    return _adaptive(input, output_size, 1)


def adaptive_avg_pool2d(input, output_size):  # noqa: A002
    return _adaptive(input, output_size, 2)


def adaptive_avg_pool3d(input, output_size):  # noqa: A002
    return _adaptive(input, output_size, 3)


def bilinear(input1, input2, weight, bias=None):
    """y[b, o] = Σ_ij input1[b, i] weight[o, i, j] input2[b, j] + bias[o]."""
    from .. import einsum

    out = einsum("...i,oij,...j->...o", input1, weight, input2)
    return out if bias is None else out + bias


# ------------------------------------------------------------------ spatial transformers

def affine_grid(theta, size, align_corners=None):
    return _call(lib.cajal_nn_affine_grid, theta, *_ints(list(size)), 1 if align_corners else 0)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):  # noqa: A002
    modes, paddings = GRID_SAMPLE_MODE_BY_NAME, GRID_PADDING_BY_NAME
    if mode not in modes:
        raise NotImplementedError(f"grid_sample mode '{mode}' is not supported (bilinear, nearest)")
    if padding_mode not in paddings:
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', "
                         f"but got: '{padding_mode}'")
    return _call(lib.cajal_nn_grid_sample, input, grid, modes[mode], paddings[padding_mode], 1 if align_corners else 0)


def _adaptive_max(input, output_size, return_indices, k):  # noqa: A002
    sizes = [output_size] * k if isinstance(output_size, int) or output_size is None else list(output_size)
    shape = input.shape[input.dim() - k:]
    sizes = [shape[i] if s is None else int(s) for i, s in enumerate(sizes)]
    values, indices = c_void_p(), c_void_p()
    check(lib.cajal_nn_adaptive_max_pool(input, *_ints(sizes), byref(values), byref(indices)))
    values, indices = _wrap(values.value), _wrap(indices.value)
    return (values, indices) if return_indices else values


def adaptive_max_pool1d(input, output_size, return_indices=False):  # noqa: A002
    return _adaptive_max(input, output_size, return_indices, 1)


def adaptive_max_pool2d(input, output_size, return_indices=False):  # noqa: A002
    return _adaptive_max(input, output_size, return_indices, 2)


def adaptive_max_pool3d(input, output_size, return_indices=False):  # noqa: A002
    return _adaptive_max(input, output_size, return_indices, 3)


# ------------------------------------------------------------------ attention

def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """softmax(q kᵀ · scale + mask) v; a bool attn_mask marks what may attend (True), a float one is added.
    enable_gqa: grouped-query attention, each key/value head shared by query.size(-3) / key.size(-3) query heads."""
    if enable_gqa and query.dim() >= 3 and key.dim() >= 3:
        query_heads, key_heads, value_heads = query.size(-3), key.size(-3), value.size(-3)
        if key_heads != value_heads or query_heads % key_heads != 0:
            raise RuntimeError(f"scaled_dot_product_attention: with enable_gqa, the number of query heads "
                               f"({query_heads}) must be a multiple of the number of key/value heads "
                               f"({key_heads}, {value_heads})")
        key = key.repeat_interleave(query_heads // key_heads, -3)
        value = value.repeat_interleave(query_heads // value_heads, -3)
    return _call(lib.cajal_nn_scaled_dot_product_attention, query, key, value, _optional(attn_mask), float(dropout_p),
                 1 if is_causal else 0, 0 if scale is None else 1, 0.0 if scale is None else float(scale))


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,  # noqa: PLR0913
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training=True,
                                 key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """torch.nn.functional.multi_head_attention_forward, time-major (L, N, E): (output, weights or None).
    Bool masks mark what may NOT be attended (True); float masks are added."""
    if static_k is not None or static_v is not None:
        raise NotImplementedError("multi_head_attention_forward: static_k/static_v are not supported by cajal")
    if query.shape[-1] != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {query.shape[-1]}")
    separate = (q_proj_weight, k_proj_weight, v_proj_weight) if use_separate_proj_weight else (None, None, None)
    output, weights = c_void_p(), c_void_p()
    check(lib.cajal_nn_multi_head_attention_v2(query, key, value, num_heads,
                                            None if use_separate_proj_weight else _optional(in_proj_weight),
                                            *[_optional(w) for w in separate], _optional(in_proj_bias),
                                            out_proj_weight, _optional(out_proj_bias), _optional(bias_k), _optional(bias_v),
                                            1 if add_zero_attn else 0, _optional(key_padding_mask),
                                            _optional(attn_mask), 1 if need_weights else 0,
                                            1 if average_attn_weights else 0, 1 if is_causal else 0,
                                            float(dropout_p), 1 if training else 0, byref(output), byref(weights)))
    return _wrap(output.value), (_wrap(weights.value) if weights.value else None)


# ------------------------------------------------------------------ patches, shuffles, unpooling

def unfold(input, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """The sliding blocks of (N, C, H, W) as columns: (N, C·kH·kW, L) (im2col)."""
    return _call(lib.cajal_nn_unfold, input, *_ints(kernel_size), *_ints(dilation), *_ints(padding), *_ints(stride))


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """unfold's adjoint: columns (N, C·kH·kW, L) summed back into (N, C, *output_size) (col2im)."""
    return _call(lib.cajal_nn_fold, input, *_ints(output_size), *_ints(kernel_size), *_ints(dilation), *_ints(padding),
                 *_ints(stride))


def pixel_unshuffle(input, downscale_factor):  # noqa: A002
    return _call(lib.cajal_nn_pixel_unshuffle, input, int(downscale_factor))


def channel_shuffle(input, groups):  # noqa: A002
    return _call(lib.cajal_nn_channel_shuffle, input, int(groups))


native_channel_shuffle = channel_shuffle


def _tuple(value, n):
    return (int(value),) * n if isinstance(value, int) else tuple(int(v) for v in value)


def _unpool_output_size(input, kernel_size, stride, padding, output_size):  # noqa: A002
    """torch's rule: the size max_pool came from, or output_size within a stride of it."""
    k = len(kernel_size)
    default_size = [(input.size()[-k + d] - 1) * stride[d] + kernel_size[d] - 2 * padding[d] for d in range(k)]
    if output_size is None:
        return default_size
    output_size = list(output_size)
    if len(output_size) == k + 2:
        output_size = output_size[2:]
    if len(output_size) != k:
        raise ValueError(f"output_size should be a sequence containing {k} or {k + 2} elements, but it has a length of "
                         f"'{len(output_size)}'")
    for d in range(k):
        min_size, max_size = default_size[d] - stride[d], default_size[d] + stride[d]
        if not (min_size < output_size[d] < max_size):
            raise ValueError(f'invalid output_size "{output_size}" (dim {d} must be between {min_size} and {max_size})')
    return output_size


def _max_unpool(input, indices, kernel_size, stride, padding, output_size, k):  # noqa: A002
    kernel_size = _tuple(kernel_size, k)
    stride = _tuple(stride, k) if stride is not None else kernel_size
    padding = _tuple(padding, k)
    size = _unpool_output_size(input, kernel_size, stride, padding, output_size)
    return _call(lib.cajal_nn_max_unpool, input, indices, *_ints(size))


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):  # noqa: A002
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):  # noqa: A002
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):  # noqa: A002
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3)


def _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, k):  # noqa: A002
    stride = (int64_array([]), 0) if stride is None else _ints(stride)
    return _call(lib.cajal_nn_lp_pool, input, float(norm_type), *_ints(kernel_size), *stride, 1 if ceil_mode else 0, k)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):  # noqa: A002
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):  # noqa: A002
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):  # noqa: A002
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 3)


# ------------------------------------------------------------------ distances

def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):  # noqa: A002
    if out is not None:
        raise NotImplementedError("normalize(out=) is not supported by cajal")
    return _call(lib.cajal_nn_normalize, input, float(p), int(dim), float(eps))


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    return _call(lib.cajal_nn_cosine_similarity, as_tensor_operand(x1), as_tensor_operand(x2), int(dim), float(eps))


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    return _call(lib.cajal_nn_pairwise_distance, as_tensor_operand(x1), as_tensor_operand(x2), float(p), float(eps),
                 1 if keepdim else 0)


def pdist(input, p=2):  # noqa: A002
    return _call(lib.cajal_nn_pdist, input, float(p))


# ------------------------------------------------------------------ more activations

def glu(input, dim=-1):  # noqa: A002
    return _call(lib.cajal_nn_glu, input, int(dim))


def hardshrink(input, lambd=0.5):  # noqa: A002
    return _call(lib.cajal_nn_hardshrink, input, float(lambd))


def softshrink(input, lambd=0.5):  # noqa: A002
    return _call(lib.cajal_nn_softshrink, input, float(lambd))


def tanhshrink(input):  # noqa: A002
    return _call(lib.cajal_nn_tanhshrink, input)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):  # noqa: A002
    out = _call(lib.cajal_nn_rrelu, input, float(lower), float(upper), 1 if training else 0)
    return input.copy_(out) if inplace else out


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):  # noqa: A002
    return rrelu(input, lower, upper, training, inplace=True)


def alpha_dropout(input, p=0.5, training=False, inplace=False):  # noqa: A002
    """Dropout for SELU networks: dropped elements take SELU's negative saturation, then an affine correction."""
    out = _call(lib.cajal_nn_alpha_dropout, input, float(p), 1 if training else 0, 0)
    if not training or p == 0:
        return input
    return input.copy_(out) if inplace else out


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):  # noqa: A002
    out = _call(lib.cajal_nn_alpha_dropout, input, float(p), 1 if training else 0, 1)
    if not training or p == 0:
        return input
    return input.copy_(out) if inplace else out


def rms_norm(input, normalized_shape, weight=None, eps=None):  # noqa: A002
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    return _call(lib.cajal_nn_rms_norm, input, *_ints(shape), _optional(weight), 0 if eps is None else 1,
                 0.0 if eps is None else float(eps))


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):  # noqa: A002
    return _call(lib.cajal_nn_local_response_norm, input, int(size), float(alpha), float(beta), float(k))


def gumbel_softmax(logits, tau=1.0, hard=False, eps=1e-10, dim=-1):
    """Softmax of (logits + Gumbel noise) / tau; with hard, one-hot in the forward and the soft gradient.
    The noise is -log(E), E ~ Exp(1) from the default generator (not torch's stream of draws)."""
    from .. import empty_like
    uniform = empty_like(logits).uniform_(1e-20, 1.0)
    gumbels = -(-(-uniform).log1p()).log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = logits.new_zeros(logits.shape).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


# ------------------------------------------------------------------ more losses, continued

def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    return _call(lib.cajal_nn_soft_margin_loss, input, as_tensor_operand(target), _reduction(reduction, size_average, reduce))


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    return _call(lib.cajal_nn_hinge_embedding_loss, input, as_tensor_operand(target), float(margin),
                 _reduction(reduction, size_average, reduce))


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,  # noqa: A002
                      reduction="mean"):
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    return _call(lib.cajal_nn_multi_margin_loss, input, as_tensor_operand(target), int(p), float(margin), _optional(weight),
                 _reduction(reduction, size_average, reduce))


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):  # noqa: A002
    return _call(lib.cajal_nn_multilabel_margin_loss, input, as_tensor_operand(target),
                 _reduction(reduction, size_average, reduce))


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,  # noqa: A002
                                reduction="mean"):
    return _call(lib.cajal_nn_multilabel_soft_margin_loss, input, as_tensor_operand(target), _optional(weight),
                 _reduction(reduction, size_average, reduce))


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False,
                                      reduction="mean"):
    """torch's composition: max(d(a, p) - d(a, n) + margin, 0) with any distance function (pairwise_distance by default)."""
    if margin <= 0:
        raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} instead")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if not (anchor.dim() == positive.dim() == negative.dim()) or anchor.dim() not in (1, 2):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions (1 or 2), but got: anchor {anchor.dim()}D, positive {positive.dim()}D, and "
                           f"negative {negative.dim()}D inputs")
    distance = distance_function if distance_function is not None else pairwise_distance
    dist_pos, dist_neg = distance(anchor, positive), distance(anchor, negative)
    if swap:
        from .. import minimum
        dist_neg = minimum(dist_neg, distance(positive, negative))
    loss = (margin + dist_pos - dist_neg).clamp_min(0.0)
    return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss


def _lengths(values, name):
    """CTC's lengths: a tensor, an array or a sequence of integers."""
    import operator

    if hasattr(values, "tolist"):
        values = values.tolist()
    values = [values] if isinstance(values, int) else list(values)
    try:
        values = [operator.index(v) for v in values]
    except TypeError:
        raise TypeError(f"ctc_loss: {name} must be integers, got {values}") from None
    return int64_array(values), len(values)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """Connectionist temporal classification: log_probs (T, N, C) from log_softmax, targets (N, S) padded or
    concatenated (1-D), one input and one target length per sample."""
    return _call(lib.cajal_nn_ctc_loss, log_probs, as_tensor_operand(targets), *_lengths(input_lengths, "input_lengths"),
                 *_lengths(target_lengths, "target_lengths"), int(blank), _reduction(reduction), 1 if zero_infinity else 0)
