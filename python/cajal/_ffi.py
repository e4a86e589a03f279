"""Loads libcajal.so and declares every C function once.

The declaration table below is the Python side of include/cajal.h; a drift
test checks that the header, the library's exported symbols (and the Swift
@_cdecl functions behind them) and this table name the same functions with the
same signatures. Every call that returns a status goes through
`check`, which raises the Python exception matching the C error code.
"""

import ctypes
import os
import threading
from ctypes import ArgumentError
from ctypes import POINTER, c_char_p, c_double, c_int, c_int32, c_int64, c_size_t, c_uint64, c_void_p

API_VERSION = 2  # must match CAJAL_API_VERSION in include/cajal.h

class OutOfMemoryError(RuntimeError, MemoryError):
    """A request the engine refused because the memory is not there: a
    RuntimeError as torch's allocator failure is, and a MemoryError."""


# Status codes (include/cajal.h) and the exceptions they raise, as torch does.
ERRORS = {
    1: RuntimeError,  # CAJAL_ERR_RUNTIME
    2: RuntimeError,  # CAJAL_ERR_SHAPE
    3: IndexError,  # CAJAL_ERR_INDEX
    4: TypeError,  # CAJAL_ERR_TYPE
    5: ValueError,  # CAJAL_ERR_VALUE
    6: NotImplementedError,  # CAJAL_ERR_NOT_IMPLEMENTED
    7: OutOfMemoryError,  # CAJAL_ERR_OUT_OF_MEMORY
    8: ValueError,  # CAJAL_ERR_NULL_ARGUMENT
}

RELEASE_FN = ctypes.CFUNCTYPE(None, c_void_p)

T = c_void_p  # cajal_tensor
T_OUT = POINTER(c_void_p)  # cajal_tensor *
T_ARRAY = POINTER(c_void_p)  # const cajal_tensor *
SHAPE = POINTER(c_int64)  # const int64_t *

# name: (restype, argtypes). `int` results are status codes.
DECLARATIONS = {
    # library
    "cajal_api_version": (c_int32, []),
    "cajal_last_error": (c_char_p, []),
    "cajal_manual_seed": (None, [c_uint64]),
    "cajal_grad_enabled": (c_int32, []),
    "cajal_set_grad_enabled": (None, [c_int32]),
    "cajal_cached_memory_bytes": (c_size_t, []),
    "cajal_clear_memory_cache": (None, []),
    "cajal_memory_available": (c_size_t, []),
    "cajal_kernel_isa": (c_char_p, []),
    "cajal_blas_core": (c_char_p, []),
    "cajal_get_num_threads": (c_int32, []),
    "cajal_set_num_threads": (c_int, [c_int32]),
    "cajal_live_tensor_count": (c_size_t, []),
    "cajal_live_storage_bytes": (c_size_t, []),
    # creation
    "cajal_tensor_free": (None, [T]),
    "cajal_tensor_from_data": (c_int, [c_void_p, c_size_t, SHAPE, c_size_t, c_int32, T_OUT]),
    "cajal_tensor_from_blob": (c_int, [c_void_p, SHAPE, SHAPE, c_size_t, c_int32, RELEASE_FN, c_void_p, T_OUT]),
    "cajal_tensor_scalar": (c_int, [c_double, c_int32, T_OUT]),
    "cajal_tensor_scalar_int64": (c_int, [c_int64, T_OUT]),
    "cajal_tensor_full": (c_int, [SHAPE, c_size_t, c_double, c_int32, T_OUT]),
    "cajal_tensor_full_int64": (c_int, [SHAPE, c_size_t, c_int64, c_int32, T_OUT]),
    "cajal_tensor_zeros": (c_int, [SHAPE, c_size_t, c_int32, T_OUT]),
    "cajal_tensor_ones": (c_int, [SHAPE, c_size_t, c_int32, T_OUT]),
    "cajal_tensor_arange": (c_int, [c_double, c_double, c_double, c_int32, T_OUT]),
    "cajal_tensor_rand": (c_int, [SHAPE, c_size_t, c_int32, c_void_p, T_OUT]),
    "cajal_tensor_randn": (c_int, [SHAPE, c_size_t, c_int32, c_void_p, T_OUT]),
    "cajal_tensor_randint": (c_int, [c_int64, c_int64, SHAPE, c_size_t, c_int32, c_void_p, T_OUT]),
    "cajal_tensor_randperm": (c_int, [c_int64, c_int32, c_void_p, T_OUT]),
    "cajal_tensor_multinomial": (c_int, [T, c_int64, c_int32, c_void_p, T_OUT]),
    "cajal_tensor_eye": (c_int, [c_int64, c_int64, c_int32, T_OUT]),
    "cajal_tensor_linspace": (c_int, [c_double, c_double, c_int64, c_int32, T_OUT]),
    # generators
    "cajal_generator_new": (c_int, [c_uint64, POINTER(c_void_p)]),
    "cajal_generator_default": (c_int, [POINTER(c_void_p)]),
    "cajal_generator_free": (None, [c_void_p]),
    "cajal_generator_manual_seed": (c_int, [c_void_p, c_uint64]),
    "cajal_generator_initial_seed": (c_int, [c_void_p, POINTER(c_uint64)]),
    "cajal_generator_get_state": (c_int, [c_void_p, T_OUT]),
    "cajal_generator_set_state": (c_int, [c_void_p, T]),
    # properties
    "cajal_tensor_ndim": (c_int, [T, POINTER(c_size_t)]),
    "cajal_tensor_shape": (c_int, [T, SHAPE, c_size_t]),
    "cajal_tensor_strides": (c_int, [T, SHAPE, c_size_t]),
    "cajal_tensor_numel": (c_int, [T, POINTER(c_size_t)]),
    "cajal_tensor_dtype": (c_int, [T, POINTER(c_int32)]),
    "cajal_tensor_data_ptr": (c_int, [T, POINTER(c_void_p)]),
    "cajal_tensor_is_contiguous": (c_int, [T, POINTER(c_int32)]),
    "cajal_tensor_copy_to": (c_int, [T, c_void_p, c_size_t]),
    "cajal_tensor_item": (c_int, [T, POINTER(c_double)]),
    "cajal_tensor_item_int64": (c_int, [T, POINTER(c_int64)]),
    # autograd
    "cajal_tensor_requires_grad": (c_int, [T, POINTER(c_int32)]),
    "cajal_tensor_set_requires_grad": (c_int, [T, c_int32]),
    "cajal_tensor_is_leaf": (c_int, [T, POINTER(c_int32)]),
    "cajal_tensor_grad": (c_int, [T, T_OUT]),
    "cajal_tensor_set_grad": (c_int, [T, T]),
    "cajal_tensor_grad_fn_name": (c_int, [T, POINTER(c_char_p)]),
    "cajal_tensor_retain_grad": (c_int, [T]),
    "cajal_tensor_backward": (c_int, [T, T, c_int32]),
    "cajal_tensor_detach": (c_int, [T, T_OUT]),
    "cajal_autograd_backward": (c_int, [T_ARRAY, c_size_t, T_ARRAY, c_int32]),
    "cajal_autograd_grad": (c_int, [T_ARRAY, c_size_t, T_ARRAY, T_ARRAY, c_size_t, c_int32, c_int32, T_OUT]),
    # elementwise
    "cajal_tensor_add": (c_int, [T, T, T_OUT]),
    "cajal_tensor_sub": (c_int, [T, T, T_OUT]),
    "cajal_tensor_mul": (c_int, [T, T, T_OUT]),
    "cajal_tensor_div": (c_int, [T, T, T_OUT]),
    "cajal_tensor_pow": (c_int, [T, T, T_OUT]),
    "cajal_tensor_neg": (c_int, [T, T_OUT]),
    "cajal_tensor_exp": (c_int, [T, T_OUT]),
    "cajal_tensor_log": (c_int, [T, T_OUT]),
    "cajal_tensor_sqrt": (c_int, [T, T_OUT]),
    "cajal_tensor_relu": (c_int, [T, T_OUT]),
    "cajal_tensor_sigmoid": (c_int, [T, T_OUT]),
    "cajal_tensor_tanh": (c_int, [T, T_OUT]),
    "cajal_tensor_eq": (c_int, [T, T, T_OUT]),
    "cajal_tensor_ne": (c_int, [T, T, T_OUT]),
    "cajal_tensor_lt": (c_int, [T, T, T_OUT]),
    "cajal_tensor_le": (c_int, [T, T, T_OUT]),
    "cajal_tensor_gt": (c_int, [T, T, T_OUT]),
    "cajal_tensor_ge": (c_int, [T, T, T_OUT]),
    "cajal_tensor_where": (c_int, [T, T, T, T_OUT]),
    # more math
    "cajal_tensor_abs": (c_int, [T, T_OUT]),
    "cajal_tensor_sign": (c_int, [T, T_OUT]),
    "cajal_tensor_expm1": (c_int, [T, T_OUT]),
    "cajal_tensor_log1p": (c_int, [T, T_OUT]),
    "cajal_tensor_log2": (c_int, [T, T_OUT]),
    "cajal_tensor_log10": (c_int, [T, T_OUT]),
    "cajal_tensor_rsqrt": (c_int, [T, T_OUT]),
    "cajal_tensor_sin": (c_int, [T, T_OUT]),
    "cajal_tensor_cos": (c_int, [T, T_OUT]),
    "cajal_tensor_erf": (c_int, [T, T_OUT]),
    "cajal_tensor_floor": (c_int, [T, T_OUT]),
    "cajal_tensor_ceil": (c_int, [T, T_OUT]),
    "cajal_tensor_round": (c_int, [T, T_OUT]),
    "cajal_tensor_trunc": (c_int, [T, T_OUT]),
    "cajal_tensor_reciprocal": (c_int, [T, T_OUT]),
    "cajal_tensor_isnan": (c_int, [T, T_OUT]),
    "cajal_tensor_isinf": (c_int, [T, T_OUT]),
    "cajal_tensor_isfinite": (c_int, [T, T_OUT]),
    "cajal_tensor_logical_not": (c_int, [T, T_OUT]),
    "cajal_tensor_maximum": (c_int, [T, T, T_OUT]),
    "cajal_tensor_minimum": (c_int, [T, T, T_OUT]),
    "cajal_tensor_fmod": (c_int, [T, T, T_OUT]),
    "cajal_tensor_remainder": (c_int, [T, T, T_OUT]),
    "cajal_tensor_logical_and": (c_int, [T, T, T_OUT]),
    "cajal_tensor_logical_or": (c_int, [T, T, T_OUT]),
    "cajal_tensor_logical_xor": (c_int, [T, T, T_OUT]),
    "cajal_tensor_div_rounding": (c_int, [T, T, c_int32, T_OUT]),
    "cajal_tensor_clamp": (c_int, [T, T, T, T_OUT]),
    "cajal_tensor_isclose": (c_int, [T, T, c_double, c_double, c_int32, T_OUT]),
    "cajal_tensor_allclose": (c_int, [T, T, c_double, c_double, c_int32, POINTER(c_int32)]),
    "cajal_tensor_equal": (c_int, [T, T, POINTER(c_int32)]),
    # linear algebra
    "cajal_tensor_matmul": (c_int, [T, T, T_OUT]),
    "cajal_tensor_mm": (c_int, [T, T, T_OUT]),
    "cajal_tensor_bmm": (c_int, [T, T, T_OUT]),
    "cajal_tensor_mv": (c_int, [T, T, T_OUT]),
    "cajal_tensor_dot": (c_int, [T, T, T_OUT]),
    "cajal_tensor_outer": (c_int, [T, T, T_OUT]),
    "cajal_einsum": (c_int, [c_char_p, T_ARRAY, c_size_t, T_OUT]),
    "cajal_linalg_inv": (c_int, [T, T_OUT]),
    "cajal_linalg_det": (c_int, [T, T_OUT]),
    "cajal_linalg_solve": (c_int, [T, T, T_OUT]),
    "cajal_linalg_norm": (c_int, [T, c_int32, c_double, SHAPE, c_size_t, c_int32, T_OUT]),
    # reductions
    "cajal_tensor_sum_all": (c_int, [T, T_OUT]),
    "cajal_tensor_sum": (c_int, [T, SHAPE, c_size_t, c_int32, T_OUT]),
    "cajal_tensor_mean_all": (c_int, [T, T_OUT]),
    "cajal_tensor_mean": (c_int, [T, SHAPE, c_size_t, c_int32, T_OUT]),
    # more reductions
    "cajal_tensor_prod_all": (c_int, [T, T_OUT]),
    "cajal_tensor_prod": (c_int, [T, c_int64, c_int32, T_OUT]),
    "cajal_tensor_max_all": (c_int, [T, T_OUT]),
    "cajal_tensor_min_all": (c_int, [T, T_OUT]),
    "cajal_tensor_max_dim": (c_int, [T, c_int64, c_int32, T_OUT, T_OUT]),
    "cajal_tensor_min_dim": (c_int, [T, c_int64, c_int32, T_OUT, T_OUT]),
    "cajal_tensor_argmax": (c_int, [T, c_int64, c_int32, c_int32, T_OUT]),
    "cajal_tensor_argmin": (c_int, [T, c_int64, c_int32, c_int32, T_OUT]),
    "cajal_tensor_amax": (c_int, [T, SHAPE, c_size_t, c_int32, T_OUT]),
    "cajal_tensor_amin": (c_int, [T, SHAPE, c_size_t, c_int32, T_OUT]),
    "cajal_tensor_all": (c_int, [T, SHAPE, c_size_t, c_int32, T_OUT]),
    "cajal_tensor_any": (c_int, [T, SHAPE, c_size_t, c_int32, T_OUT]),
    "cajal_tensor_var": (c_int, [T, SHAPE, c_size_t, c_double, c_int32, T_OUT]),
    "cajal_tensor_std": (c_int, [T, SHAPE, c_size_t, c_double, c_int32, T_OUT]),
    "cajal_tensor_norm": (c_int, [T, c_double, SHAPE, c_size_t, c_int32, T_OUT]),
    "cajal_tensor_logsumexp": (c_int, [T, SHAPE, c_size_t, c_int32, T_OUT]),
    "cajal_tensor_cumsum": (c_int, [T, c_int64, T_OUT]),
    "cajal_tensor_cumprod": (c_int, [T, c_int64, T_OUT]),
    "cajal_tensor_sort": (c_int, [T, c_int64, c_int32, T_OUT, T_OUT]),
    "cajal_tensor_argsort": (c_int, [T, c_int64, c_int32, T_OUT]),
    "cajal_tensor_topk": (c_int, [T, c_int64, c_int64, c_int32, T_OUT, T_OUT]),
    # views and shape
    "cajal_tensor_reshape": (c_int, [T, SHAPE, c_size_t, T_OUT]),
    "cajal_tensor_view": (c_int, [T, SHAPE, c_size_t, T_OUT]),
    "cajal_tensor_transpose": (c_int, [T, c_int64, c_int64, T_OUT]),
    "cajal_tensor_t": (c_int, [T, T_OUT]),
    "cajal_tensor_permute": (c_int, [T, SHAPE, c_size_t, T_OUT]),
    "cajal_tensor_expand": (c_int, [T, SHAPE, c_size_t, T_OUT]),
    "cajal_tensor_squeeze": (c_int, [T, T_OUT]),
    "cajal_tensor_squeeze_dim": (c_int, [T, c_int64, T_OUT]),
    "cajal_tensor_unsqueeze": (c_int, [T, c_int64, T_OUT]),
    "cajal_tensor_contiguous": (c_int, [T, T_OUT]),
    "cajal_tensor_clone": (c_int, [T, T_OUT]),
    "cajal_tensor_to_dtype": (c_int, [T, c_int32, T_OUT]),
    # slicing and joining
    "cajal_tensor_slice": (c_int, [T, c_int64, c_int64, c_int64, c_int64, T_OUT]),
    "cajal_tensor_select": (c_int, [T, c_int64, c_int64, T_OUT]),
    "cajal_tensor_narrow": (c_int, [T, c_int64, c_int64, c_int64, T_OUT]),
    "cajal_tensor_diagonal": (c_int, [T, c_int64, c_int64, c_int64, T_OUT]),
    "cajal_tensor_unbind": (c_int, [T, c_int64, T_OUT, c_size_t, POINTER(c_size_t)]),
    "cajal_tensor_split": (c_int, [T, c_int64, c_int64, T_OUT, c_size_t, POINTER(c_size_t)]),
    "cajal_tensor_split_sizes": (c_int, [T, SHAPE, c_size_t, c_int64, T_OUT, c_size_t, POINTER(c_size_t)]),
    "cajal_tensor_chunk": (c_int, [T, c_int64, c_int64, T_OUT, c_size_t, POINTER(c_size_t)]),
    "cajal_tensor_cat": (c_int, [T_OUT, c_size_t, c_int64, T_OUT]),
    "cajal_tensor_stack": (c_int, [T_OUT, c_size_t, c_int64, T_OUT]),
    "cajal_tensor_flip": (c_int, [T, SHAPE, c_size_t, T_OUT]),
    "cajal_tensor_roll": (c_int, [T, SHAPE, c_size_t, SHAPE, c_size_t, T_OUT]),
    "cajal_tensor_movedim": (c_int, [T, SHAPE, c_size_t, SHAPE, c_size_t, T_OUT]),
    "cajal_tensor_flatten": (c_int, [T, c_int64, c_int64, T_OUT]),
    "cajal_tensor_unflatten": (c_int, [T, c_int64, SHAPE, c_size_t, T_OUT]),
    "cajal_tensor_repeat": (c_int, [T, SHAPE, c_size_t, T_OUT]),
    "cajal_tensor_tril": (c_int, [T, c_int64, T_OUT]),
    "cajal_tensor_triu": (c_int, [T, c_int64, T_OUT]),
    "cajal_tensor_diag": (c_int, [T, c_int64, T_OUT]),
    # indexing
    "cajal_tensor_getitem": (c_int, [T, SHAPE, c_size_t, T_OUT, c_size_t, T_OUT]),
    "cajal_tensor_setitem": (c_int, [T, SHAPE, c_size_t, T_OUT, c_size_t, T]),
    "cajal_tensor_index": (c_int, [T, T_OUT, c_size_t, T_OUT]),
    "cajal_tensor_index_put_inplace": (c_int, [T, T_OUT, c_size_t, T, c_int32]),
    "cajal_tensor_index_select": (c_int, [T, c_int64, T, T_OUT]),
    "cajal_tensor_gather": (c_int, [T, c_int64, T, T_OUT]),
    "cajal_tensor_scatter": (c_int, [T, c_int64, T, T, T_OUT]),
    "cajal_tensor_scatter_value": (c_int, [T, c_int64, T, c_double, T_OUT]),
    "cajal_tensor_scatter_add": (c_int, [T, c_int64, T, T, T_OUT]),
    "cajal_tensor_scatter_reduce": (c_int, [T, c_int64, T, T, c_char_p, c_int32, T_OUT]),
    "cajal_tensor_index_add": (c_int, [T, c_int64, T, T, c_double, T_OUT]),
    "cajal_tensor_masked_fill": (c_int, [T, T, T, T_OUT]),
    "cajal_tensor_masked_select": (c_int, [T, T, T_OUT]),
    "cajal_tensor_nonzero": (c_int, [T, T_OUT]),
    "cajal_tensor_one_hot": (c_int, [T, c_int64, T_OUT]),
    # in-place
    "cajal_tensor_add_inplace": (c_int, [T, T]),
    "cajal_tensor_sub_inplace": (c_int, [T, T]),
    "cajal_tensor_mul_inplace": (c_int, [T, T]),
    "cajal_tensor_div_inplace": (c_int, [T, T]),
    "cajal_tensor_copy_inplace": (c_int, [T, T]),
    "cajal_tensor_clamp_inplace": (c_int, [T, T, T]),
    "cajal_tensor_masked_fill_inplace": (c_int, [T, T, T]),
    "cajal_tensor_normal_inplace": (c_int, [T, c_double, c_double, c_void_p]),
    "cajal_tensor_uniform_inplace": (c_int, [T, c_double, c_double, c_void_p]),
    "cajal_tensor_fill_inplace": (c_int, [T, c_double]),
    # nn functional (reduction: 0 none, 1 mean, 2 sum; padding mode: 0 explicit, 1 same, 2 valid)
    "cajal_nn_linear": (c_int, [T, T, T, T_OUT]),
    "cajal_nn_dropout": (c_int, [T, c_double, T_OUT]),
    "cajal_nn_conv2d": (c_int, [T, T, T, SHAPE, c_size_t, c_int32, SHAPE, c_size_t, SHAPE, c_size_t, c_int64, T_OUT]),
    "cajal_nn_conv1d": (c_int, [T, T, T, SHAPE, c_size_t, c_int32, SHAPE, c_size_t, SHAPE, c_size_t, c_int64, T_OUT]),
    "cajal_nn_max_pool2d": (c_int, [T, SHAPE, c_size_t, SHAPE, c_size_t, SHAPE, c_size_t, SHAPE, c_size_t, c_int32, T_OUT, T_OUT]),
    "cajal_nn_max_pool1d": (c_int, [T, SHAPE, c_size_t, SHAPE, c_size_t, SHAPE, c_size_t, SHAPE, c_size_t, c_int32, T_OUT, T_OUT]),
    "cajal_nn_avg_pool2d": (c_int, [T, SHAPE, c_size_t, SHAPE, c_size_t, SHAPE, c_size_t, c_int32, c_int32, c_int64, T_OUT]),
    "cajal_nn_avg_pool1d": (c_int, [T, SHAPE, c_size_t, SHAPE, c_size_t, SHAPE, c_size_t, c_int32, c_int32, T_OUT]),
    "cajal_nn_softmax": (c_int, [T, c_int64, T_OUT]),
    "cajal_nn_log_softmax": (c_int, [T, c_int64, T_OUT]),
    "cajal_nn_leaky_relu": (c_int, [T, c_double, T_OUT]),
    "cajal_nn_elu": (c_int, [T, c_double, T_OUT]),
    "cajal_nn_gelu": (c_int, [T, c_int32, T_OUT]),
    "cajal_nn_silu": (c_int, [T, T_OUT]),
    "cajal_nn_softplus": (c_int, [T, c_double, c_double, T_OUT]),
    "cajal_nn_hardtanh": (c_int, [T, c_double, c_double, T_OUT]),
    "cajal_nn_mse_loss": (c_int, [T, T, c_int32, T_OUT]),
    "cajal_nn_l1_loss": (c_int, [T, T, c_int32, T_OUT]),
    "cajal_nn_binary_cross_entropy": (c_int, [T, T, T, c_int32, T_OUT]),
    "cajal_nn_binary_cross_entropy_with_logits": (c_int, [T, T, T, T, c_int32, T_OUT]),
    "cajal_nn_nll_loss": (c_int, [T, T, T, c_int64, c_int32, T_OUT]),
    "cajal_nn_cross_entropy": (c_int, [T, T, T, c_int64, c_int32, c_double, T_OUT]),
    "cajal_nn_selu": (c_int, [T, T_OUT]),
    "cajal_nn_celu": (c_int, [T, c_double, T_OUT]),
    "cajal_nn_mish": (c_int, [T, T_OUT]),
    "cajal_nn_softsign": (c_int, [T, T_OUT]),
    "cajal_nn_hardsigmoid": (c_int, [T, T_OUT]),
    "cajal_nn_hardswish": (c_int, [T, T_OUT]),
    "cajal_nn_log_sigmoid": (c_int, [T, T_OUT]),
    "cajal_nn_threshold": (c_int, [T, c_double, c_double, T_OUT]),
    "cajal_nn_prelu": (c_int, [T, T, T_OUT]),
    "cajal_nn_layer_norm": (c_int, [T, SHAPE, c_size_t, T, T, c_double, T_OUT]),
    "cajal_nn_batch_norm": (c_int, [T, T, T, T, T, c_int32, c_double, c_double, T_OUT]),
    "cajal_nn_group_norm": (c_int, [T, c_int64, T, T, c_double, T_OUT]),
    "cajal_nn_instance_norm": (c_int, [T, T, T, c_double, T_OUT]),
    "cajal_nn_embedding": (c_int, [T, T, c_int32, c_int64, T_OUT]),
    "cajal_nn_smooth_l1_loss": (c_int, [T, T, c_int32, c_double, T_OUT]),
    "cajal_nn_huber_loss": (c_int, [T, T, c_int32, c_double, T_OUT]),
    "cajal_nn_kl_div": (c_int, [T, T, c_char_p, c_int32, T_OUT]),
    "cajal_nn_gaussian_nll_loss": (c_int, [T, T, T, c_int32, c_double, c_int32, T_OUT]),
    "cajal_nn_poisson_nll_loss": (c_int, [T, T, c_int32, c_int32, c_double, c_int32, T_OUT]),
    "cajal_nn_cosine_embedding_loss": (c_int, [T, T, T, c_double, c_int32, T_OUT]),
    "cajal_nn_margin_ranking_loss": (c_int, [T, T, T, c_double, c_int32, T_OUT]),
    "cajal_nn_triplet_margin_loss": (c_int, [T, T, T, c_double, c_double, c_double, c_int32, c_int32, T_OUT]),
    "cajal_nn_dice_loss": (c_int, [T, T, c_double, c_int32, T_OUT]),
    "cajal_nn_pad": (c_int, [T, SHAPE, c_size_t, c_double, T_OUT]),
    "cajal_nn_pixel_shuffle": (c_int, [T, c_int64, T_OUT]),
    "cajal_nn_interpolate": (c_int, [T, SHAPE, c_size_t, POINTER(c_double), c_size_t, c_int32, c_int32, T_OUT]),
    "cajal_nn_adaptive_avg_pool": (c_int, [T, SHAPE, c_size_t, T_OUT]),
    "cajal_nn_conv_transpose2d": (c_int, [T, T, T, SHAPE, c_size_t, SHAPE, c_size_t, SHAPE, c_size_t, c_int64, SHAPE, c_size_t,
                                          T_OUT]),
    "cajal_nn_affine_grid": (c_int, [T, SHAPE, c_size_t, c_int32, T_OUT]),
    "cajal_nn_grid_sample": (c_int, [T, T, c_int32, c_int32, c_int32, T_OUT]),
    "cajal_nn_adaptive_max_pool2d": (c_int, [T, SHAPE, c_size_t, T_OUT, T_OUT]),
    # recurrent layers and packed sequences
    "cajal_nn_rnn": (c_int, [c_int32, T, T, T, T, T_OUT, c_size_t, c_int32, c_int64, c_int32, c_double, c_int32, c_int32,
                             T_OUT, T_OUT, T_OUT]),
    "cajal_nn_pack_padded_sequence": (c_int, [T, T, c_int32, c_int32, T_OUT, T_OUT, T_OUT, T_OUT]),
    "cajal_nn_pad_packed_sequence": (c_int, [T, T, T, c_int32, c_double, c_int64, T_OUT, T_OUT]),
    "cajal_nn_pad_sequence": (c_int, [T_OUT, c_size_t, c_int32, c_double, T_OUT]),
    # attention
    "cajal_nn_scaled_dot_product_attention": (c_int, [T, T, T, T, c_double, c_int32, c_int32, c_double, T_OUT]),
    "cajal_nn_multi_head_attention": (c_int, [T, T, T, c_int64, T, T, T, T, T, T, T, T, T, c_int32, c_int32, c_int32,
                                              c_double, c_int32, T_OUT, T_OUT]),
    # optimizer steps (one call per parameter group) and gradient clipping
    "cajal_optim_sgd_step": (c_int, [T_OUT, T_OUT, T_OUT, c_size_t, c_double, c_double, c_double, c_double, c_int32,
                                     c_int32, T_OUT]),
    "cajal_optim_adam_step": (c_int, [T_OUT, T_OUT, T_OUT, T_OUT, T_OUT, T_OUT, c_size_t, c_double, c_double, c_double,
                                      c_double, c_double, c_int32, c_int32, c_int32]),
    "cajal_optim_rmsprop_step": (c_int, [T_OUT, T_OUT, T_OUT, T_OUT, T_OUT, T_OUT, c_size_t, c_double, c_double, c_double,
                                         c_double, c_double, c_int32, c_int32]),
    "cajal_optim_adagrad_step": (c_int, [T_OUT, T_OUT, T_OUT, T_OUT, c_size_t, c_double, c_double, c_double, c_double,
                                         c_int32]),
    "cajal_optim_adadelta_step": (c_int, [T_OUT, T_OUT, T_OUT, T_OUT, T_OUT, c_size_t, c_double, c_double, c_double,
                                          c_double, c_int32]),
    "cajal_optim_nadam_step": (c_int, [T_OUT, T_OUT, T_OUT, T_OUT, T_OUT, T_OUT, c_size_t, c_double, c_double, c_double,
                                       c_double, c_double, c_double, c_int32, c_int32]),
    "cajal_optim_radam_step": (c_int, [T_OUT, T_OUT, T_OUT, T_OUT, T_OUT, c_size_t, c_double, c_double, c_double,
                                       c_double, c_double, c_int32, c_int32]),
    "cajal_optim_clip_grad_norm": (c_int, [T_OUT, c_size_t, c_double, c_double, c_int32, T_OUT]),
    "cajal_optim_clip_grad_value": (c_int, [T_OUT, c_size_t, c_double]),
    # safetensors checkpoints
    "cajal_safetensors_save": (c_int, [c_char_p, POINTER(c_char_p), T_OUT, c_size_t, POINTER(c_char_p),
                                       POINTER(c_char_p), c_size_t]),
    "cajal_safetensors_load": (c_int, [c_char_p, POINTER(c_void_p)]),
    "cajal_archive_free": (None, [c_void_p]),
    "cajal_archive_count": (c_int, [c_void_p, POINTER(c_size_t), POINTER(c_size_t)]),
    "cajal_archive_tensor": (c_int, [c_void_p, c_size_t, POINTER(c_char_p), T_OUT]),
    "cajal_archive_metadata": (c_int, [c_void_p, c_size_t, POINTER(c_char_p), POINTER(c_char_p)]),
}


def _candidates():
    """Where to look for libcajal.so, in order."""
    here = os.path.dirname(os.path.abspath(__file__))
    paths = []
    env = os.environ.get("CAJAL_LIBRARY_PATH")
    if env:
        paths.append(os.path.join(env, "libcajal.so") if os.path.isdir(env) else env)
    paths.append(os.path.join(here, "libcajal.so"))
    repo = os.path.dirname(os.path.dirname(here))
    paths.append(os.path.join(repo, ".build", "release", "libcajal.so"))
    paths.append(os.path.join(repo, ".build", "debug", "libcajal.so"))
    return paths


def _load():
    tried = []
    for path in _candidates():
        if not os.path.exists(path):
            tried.append(f"{path} (not found)")
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as error:
            tried.append(f"{path} ({error})")
            continue
        lib.cajal_api_version.restype = c_int32
        version = lib.cajal_api_version()
        if version != API_VERSION:
            raise ImportError(
                f"cajal: {path} has API version {version}, but this package needs {API_VERSION}; "
                "rebuild it with `swift build -c release`"
            )
        return lib, path
    raise ImportError(
        "cajal: could not load libcajal.so. Build it with `swift build -c release` or set "
        "CAJAL_LIBRARY_PATH. Tried:\n  " + "\n  ".join(tried)
    )


_overflow = threading.local()  # the OverflowError behind the ctypes ArgumentError being raised


def _checked(ctype, bits):
    """An argument type for `ctype` that refuses Python integers outside its
    range: plain ctypes wraps them silently, so that zeros(2**64 + 3) would
    make a tensor of 3 elements."""
    low, high, convert = -(1 << (bits - 1)), (1 << (bits - 1)) - 1, ctype.from_param

    class Checked:
        @classmethod
        def from_param(cls, value):
            try:
                inside = low <= value <= high
            except TypeError:  # not a number: ctypes says what it expected
                return convert(value)
            if not inside:
                _overflow.error = OverflowError(f"Overflow when unpacking long: {value} does not fit in int{bits}")
                raise _overflow.error
            return convert(value)

    Checked.__name__ = f"checked_{ctype.__name__}"
    return Checked


# Every integer argument goes through its range check on the way in.
CHECKED_TYPES = {c_int64: _checked(c_int64, 64), c_int32: _checked(c_int32, 32)}


def _raising_overflow(function):
    """`function` raising the OverflowError of an out-of-range integer itself,
    not wrapped in ctypes' ArgumentError (torch raises OverflowError there)."""

    def call(*args):
        _overflow.error = None
        try:
            return function(*args)
        except ArgumentError:
            if _overflow.error is not None:
                raise _overflow.error from None
            raise

    call.__name__ = function.__name__
    return call


lib, library_path = _load()
for _name, (_restype, _argtypes) in DECLARATIONS.items():
    _function = getattr(lib, _name)
    _function.restype = _restype
    _function.argtypes = [CHECKED_TYPES.get(t, t) for t in _argtypes]
    if any(t in CHECKED_TYPES for t in _argtypes):
        setattr(lib, _name, _raising_overflow(_function))


def last_error():
    message = lib.cajal_last_error()
    return message.decode("utf-8", "replace") if message else ""


def reserve(nbytes, what):
    """Raises OutOfMemoryError when `nbytes` more cannot be had, before any of
    it is taken: for memory the Python layer allocates itself (lists, copies
    of modules), which the engine's own checks do not see."""
    available = lib.cajal_memory_available()
    if nbytes > available:
        raise OutOfMemoryError(f"[{what}] cannot allocate {nbytes} bytes: only {available} are available")


def check(status):
    """Raises the Python exception for a non-zero C status."""
    if status:
        raise ERRORS.get(status, RuntimeError)(last_error())


INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


def int64_array(values):
    """A ctypes int64 array for a shape or a list of dims; integers outside
    int64 raise OverflowError instead of wrapping."""
    for value in values:
        try:
            inside = INT64_MIN <= value <= INT64_MAX
        except TypeError:
            continue  # ctypes raises its own TypeError below
        if not inside:
            raise OverflowError(f"Overflow when unpacking long: {value} does not fit in int64")
    return (c_int64 * len(values))(*values)
