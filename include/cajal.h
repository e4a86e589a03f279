/*
 * cajal.h — the C contract of the cajal deep-learning engine (libcajal.so).
 *
 * Conventions
 *  - Every name starts with cajal_ / CAJAL_. Functions are cajal_<object>_<verb>.
 *  - A fallible function returns int: CAJAL_OK (0) on success, otherwise a
 *    CAJAL_ERR_* code; cajal_last_error() then describes the failure. Results
 *    come back through trailing out-params, which are left untouched on failure.
 *  - Handles are opaque. Every function that returns a new handle transfers
 *    ownership: release it with its *_free function. Freeing NULL is a no-op.
 *  - Shapes, strides and dims are int64_t; counts are size_t; strings are UTF-8.
 *    Strides are counted in elements, not bytes. Negative dims count from the end.
 *  - Nothing in the library calls exit() or abort(); bad input gives an error code.
 *  - Distinct tensors may be used from different threads at the same time.
 *    Grad mode and the last error are per thread.
 */
#ifndef CAJAL_H
#define CAJAL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header. cajal_api_version() must return the same value. */
#define CAJAL_API_VERSION 1

/* Status codes. Values never change; new codes are added at the end. */
#define CAJAL_OK 0
#define CAJAL_ERR_RUNTIME 1         /* a failure with no more specific code */
#define CAJAL_ERR_SHAPE 2           /* shapes that do not fit the op */
#define CAJAL_ERR_INDEX 3           /* a dim or index out of range */
#define CAJAL_ERR_TYPE 4            /* a dtype the op does not accept */
#define CAJAL_ERR_VALUE 5           /* a bad argument value */
#define CAJAL_ERR_NOT_IMPLEMENTED 6 /* a feature the engine does not support yet */
#define CAJAL_ERR_OUT_OF_MEMORY 7   /* an allocation failed or was too large */
#define CAJAL_ERR_NULL_ARGUMENT 8   /* a NULL handle or pointer where one is required */

/* Element types. Values never change; new types are added at the end. */
#define CAJAL_FLOAT32 0
#define CAJAL_FLOAT64 1
#define CAJAL_INT64 2
#define CAJAL_BOOL 3

/* A tensor: an n-dimensional array on the CPU with autograd. */
typedef struct cajal_tensor_s *cajal_tensor;

/* Called once when memory borrowed by cajal_tensor_from_blob is no longer used. */
typedef void (*cajal_release_fn)(void *context);

/* ---------------------------------------------------------------- library */

/* The API version the library was built with (CAJAL_API_VERSION). */
int32_t cajal_api_version(void);

/* The message of the last failed call on this thread; "" if none.
 * The string is owned by the library and valid until the next failing call
 * on the same thread. */
const char *cajal_last_error(void);

/* Seeds the default random generator (torch.manual_seed). Given the same
 * seed, cajal_tensor_rand and cajal_tensor_randn produce torch's values. */
void cajal_manual_seed(uint64_t seed);

/* Whether ops on this thread record the autograd graph: 1 or 0. */
int32_t cajal_grad_enabled(void);

/* Turns graph recording on (non-zero) or off (0) for this thread (no_grad). */
void cajal_set_grad_enabled(int32_t enabled);

/* The instruction set of the kernels in use: "avx512", "avx2" or "baseline".
 * The best one the CPU supports is chosen at load; the environment variable
 * CAJAL_KERNELS=baseline|avx2|avx512 can ask for a lower one. */
const char *cajal_kernel_isa(void);

/* How many threads the kernels split large ops across (torch.get_num_threads).
 * Starts at the number of online cores, or at CAJAL_NUM_THREADS when set. */
int32_t cajal_get_num_threads(void);

/* Sets the number of kernel threads (at least 1), like torch.set_num_threads. */
int cajal_set_num_threads(int32_t n);

/* The number of tensor objects alive in the library (for leak checks). */
size_t cajal_live_tensor_count(void);

/* The number of bytes of tensor memory the library has allocated and not yet
 * freed (for leak checks). */
size_t cajal_live_storage_bytes(void);

/* --------------------------------------------------------------- creation */

/* Releases a tensor handle. NULL is a no-op. */
void cajal_tensor_free(cajal_tensor tensor);

/* Copies nbytes of row-major dtype elements from data into a new tensor of
 * the given shape. nbytes must equal numel * element size. */
int cajal_tensor_from_data(const void *data, size_t nbytes, const int64_t *shape, size_t ndim,
                           int32_t dtype, cajal_tensor *out);

/* Wraps memory owned by the caller without copying. strides are in elements
 * and must not be negative. release(context) is called once, when no tensor
 * uses the memory any more; release may be NULL. */
int cajal_tensor_from_blob(void *data, const int64_t *shape, const int64_t *strides, size_t ndim,
                           int32_t dtype, cajal_release_fn release, void *context, cajal_tensor *out);

/* A 0-dim tensor standing for a host number (a Python float or bool): in
 * type promotion it ranks below real tensors, so float32 + 1.5 stays float32.
 * dtype is CAJAL_FLOAT64 for a float or CAJAL_BOOL for a bool. */
int cajal_tensor_scalar(double value, int32_t dtype, cajal_tensor *out);

/* Like cajal_tensor_scalar, for an integer: an int64 0-dim tensor. */
int cajal_tensor_scalar_int64(int64_t value, cajal_tensor *out);

/* A tensor of shape filled with value (truncated for CAJAL_INT64). */
int cajal_tensor_full(const int64_t *shape, size_t ndim, double value, int32_t dtype, cajal_tensor *out);

/* A tensor of shape filled with an integer value, exact beyond 2^53 for CAJAL_INT64. */
int cajal_tensor_full_int64(const int64_t *shape, size_t ndim, int64_t value, int32_t dtype, cajal_tensor *out);

/* A tensor of shape filled with zeros. */
int cajal_tensor_zeros(const int64_t *shape, size_t ndim, int32_t dtype, cajal_tensor *out);

/* A tensor of shape filled with ones. */
int cajal_tensor_ones(const int64_t *shape, size_t ndim, int32_t dtype, cajal_tensor *out);

/* Values start, start+step, ... below end (torch.arange). dtype -1 infers:
 * CAJAL_INT64 when start, end and step are whole numbers, else CAJAL_FLOAT32. */
int cajal_tensor_arange(double start, double end, double step, int32_t dtype, cajal_tensor *out);

/* Uniform samples in [0, 1) from the default generator (torch.rand). */
int cajal_tensor_rand(const int64_t *shape, size_t ndim, int32_t dtype, cajal_tensor *out);

/* Standard normal samples from the default generator (torch.randn). */
int cajal_tensor_randn(const int64_t *shape, size_t ndim, int32_t dtype, cajal_tensor *out);

/* ------------------------------------------------------------- properties */

/* The number of dims. */
int cajal_tensor_ndim(cajal_tensor tensor, size_t *out);

/* Writes the ndim sizes to out; capacity is out's length and must be >= ndim. */
int cajal_tensor_shape(cajal_tensor tensor, int64_t *out, size_t capacity);

/* Writes the ndim strides (in elements) to out; capacity must be >= ndim. */
int cajal_tensor_strides(cajal_tensor tensor, int64_t *out, size_t capacity);

/* The number of elements. */
int cajal_tensor_numel(cajal_tensor tensor, size_t *out);

/* The dtype, one of CAJAL_FLOAT32 ... CAJAL_BOOL. */
int cajal_tensor_dtype(cajal_tensor tensor, int32_t *out);

/* The address of the first element. Read it with cajal_tensor_strides; it
 * stays valid while any tensor sharing the memory is alive. */
int cajal_tensor_data_ptr(cajal_tensor tensor, void **out);

/* Whether the elements are laid out row-major without gaps: 1 or 0. */
int cajal_tensor_is_contiguous(cajal_tensor tensor, int32_t *out);

/* Copies the elements in row-major order to dst; nbytes must equal
 * numel * element size. */
int cajal_tensor_copy_to(cajal_tensor tensor, void *dst, size_t nbytes);

/* The value of a one-element tensor as a double. */
int cajal_tensor_item(cajal_tensor tensor, double *out);

/* The value of a one-element tensor as an int64 (exact for CAJAL_INT64). */
int cajal_tensor_item_int64(cajal_tensor tensor, int64_t *out);

/* --------------------------------------------------------------- autograd */

/* Whether the tensor requires grad: 1 or 0. */
int cajal_tensor_requires_grad(cajal_tensor tensor, int32_t *out);

/* Sets requires_grad on a leaf tensor (requires_grad_). Only floating-point
 * tensors can require grad; a computed tensor cannot be set to 0. */
int cajal_tensor_set_requires_grad(cajal_tensor tensor, int32_t requires_grad);

/* Whether the tensor is a leaf of the graph (not computed by a recorded op): 1 or 0. */
int cajal_tensor_is_leaf(cajal_tensor tensor, int32_t *out);

/* The accumulated gradient as a new handle, or *out = NULL when there is none. */
int cajal_tensor_grad(cajal_tensor tensor, cajal_tensor *out);

/* Replaces the gradient; grad may be NULL to clear it, and must otherwise have
 * the tensor's shape and dtype. */
int cajal_tensor_set_grad(cajal_tensor tensor, cajal_tensor grad);

/* The name of the op that made the tensor, e.g. "AddBackward0", or *out = NULL
 * for a leaf. The string is owned by the library and lives as long as the process. */
int cajal_tensor_grad_fn_name(cajal_tensor tensor, const char **out);

/* Keeps .grad for a non-leaf tensor after backward (retain_grad). */
int cajal_tensor_retain_grad(cajal_tensor tensor);

/* Backpropagates from tensor. gradient may be NULL for a one-element tensor;
 * otherwise it must have the tensor's shape. Without retain_graph the saved
 * values of the graph are freed, and a second backward through it fails. */
int cajal_tensor_backward(cajal_tensor tensor, cajal_tensor gradient, int32_t retain_graph);

/* A new tensor sharing memory, cut out of the graph. */
int cajal_tensor_detach(cajal_tensor tensor, cajal_tensor *out);

/* ------------------------------------------------------- elementwise math */
/* Binary ops broadcast their operands and promote dtypes as torch does. */

/* a + b */
int cajal_tensor_add(cajal_tensor a, cajal_tensor b, cajal_tensor *out);
/* a - b (not for bool) */
int cajal_tensor_sub(cajal_tensor a, cajal_tensor b, cajal_tensor *out);
/* a * b */
int cajal_tensor_mul(cajal_tensor a, cajal_tensor b, cajal_tensor *out);
/* a / b, true division: integers give float32 */
int cajal_tensor_div(cajal_tensor a, cajal_tensor b, cajal_tensor *out);
/* a ** b */
int cajal_tensor_pow(cajal_tensor a, cajal_tensor b, cajal_tensor *out);
/* -x (not for bool) */
int cajal_tensor_neg(cajal_tensor x, cajal_tensor *out);
/* e^x */
int cajal_tensor_exp(cajal_tensor x, cajal_tensor *out);
/* natural log of x */
int cajal_tensor_log(cajal_tensor x, cajal_tensor *out);
/* square root of x */
int cajal_tensor_sqrt(cajal_tensor x, cajal_tensor *out);
/* max(x, 0) */
int cajal_tensor_relu(cajal_tensor x, cajal_tensor *out);
/* 1 / (1 + e^-x) */
int cajal_tensor_sigmoid(cajal_tensor x, cajal_tensor *out);
/* hyperbolic tangent of x */
int cajal_tensor_tanh(cajal_tensor x, cajal_tensor *out);

/* Comparisons give CAJAL_BOOL tensors and have no gradient. */

/* a == b */
int cajal_tensor_eq(cajal_tensor a, cajal_tensor b, cajal_tensor *out);
/* a != b */
int cajal_tensor_ne(cajal_tensor a, cajal_tensor b, cajal_tensor *out);
/* a < b */
int cajal_tensor_lt(cajal_tensor a, cajal_tensor b, cajal_tensor *out);
/* a <= b */
int cajal_tensor_le(cajal_tensor a, cajal_tensor b, cajal_tensor *out);
/* a > b */
int cajal_tensor_gt(cajal_tensor a, cajal_tensor b, cajal_tensor *out);
/* a >= b */
int cajal_tensor_ge(cajal_tensor a, cajal_tensor b, cajal_tensor *out);

/* condition ? a : b, elementwise with broadcasting (torch.where). */
int cajal_tensor_where(cajal_tensor condition, cajal_tensor a, cajal_tensor b, cajal_tensor *out);

/* ------------------------------------------------------------ more math */

/* |x| */
int cajal_tensor_abs(cajal_tensor x, cajal_tensor *out);
/* -1, 0 or 1 (0 for NaN) */
int cajal_tensor_sign(cajal_tensor x, cajal_tensor *out);
/* e^x - 1 */
int cajal_tensor_expm1(cajal_tensor x, cajal_tensor *out);
/* ln(1 + x) */
int cajal_tensor_log1p(cajal_tensor x, cajal_tensor *out);
/* base-2 logarithm */
int cajal_tensor_log2(cajal_tensor x, cajal_tensor *out);
/* 1 / sqrt(x) */
int cajal_tensor_rsqrt(cajal_tensor x, cajal_tensor *out);
/* sine */
int cajal_tensor_sin(cajal_tensor x, cajal_tensor *out);
/* cosine */
int cajal_tensor_cos(cajal_tensor x, cajal_tensor *out);
/* the error function */
int cajal_tensor_erf(cajal_tensor x, cajal_tensor *out);
/* rounded down */
int cajal_tensor_floor(cajal_tensor x, cajal_tensor *out);
/* rounded up */
int cajal_tensor_ceil(cajal_tensor x, cajal_tensor *out);
/* rounded half to even */
int cajal_tensor_round(cajal_tensor x, cajal_tensor *out);
/* rounded toward zero */
int cajal_tensor_trunc(cajal_tensor x, cajal_tensor *out);
/* 1 / x */
int cajal_tensor_reciprocal(cajal_tensor x, cajal_tensor *out);
/* x is NaN (bool) */
int cajal_tensor_isnan(cajal_tensor x, cajal_tensor *out);
/* x is infinite (bool) */
int cajal_tensor_isinf(cajal_tensor x, cajal_tensor *out);
/* x is finite (bool) */
int cajal_tensor_isfinite(cajal_tensor x, cajal_tensor *out);
/* not x (bool; nonzero is true) */
int cajal_tensor_logical_not(cajal_tensor x, cajal_tensor *out);
/* elementwise max, propagating NaN */
int cajal_tensor_maximum(cajal_tensor a, cajal_tensor b, cajal_tensor *out);
/* elementwise min, propagating NaN */
int cajal_tensor_minimum(cajal_tensor a, cajal_tensor b, cajal_tensor *out);
/* C's fmod: the remainder has the dividend's sign */
int cajal_tensor_fmod(cajal_tensor a, cajal_tensor b, cajal_tensor *out);
/* Python's %: the remainder has the divisor's sign */
int cajal_tensor_remainder(cajal_tensor a, cajal_tensor b, cajal_tensor *out);
/* a and b (bool; nonzero is true) */
int cajal_tensor_logical_and(cajal_tensor a, cajal_tensor b, cajal_tensor *out);
/* a or b (bool) */
int cajal_tensor_logical_or(cajal_tensor a, cajal_tensor b, cajal_tensor *out);
/* a xor b (bool) */
int cajal_tensor_logical_xor(cajal_tensor a, cajal_tensor b, cajal_tensor *out);
/* a / b rounded: mode 0 toward zero ("trunc"), 1 toward minus infinity ("floor", Python's //);
 * integers stay integers. */
int cajal_tensor_div_rounding(cajal_tensor a, cajal_tensor b, int32_t mode, cajal_tensor *out);
/* min(max(x, low), high); low or high may be NULL (not both); where low > high the result is high. */
int cajal_tensor_clamp(cajal_tensor x, cajal_tensor low, cajal_tensor high, cajal_tensor *out);
/* |a - b| <= atol + rtol * |b| elementwise (bool); NaNs match only with equal_nan. */
int cajal_tensor_isclose(cajal_tensor a, cajal_tensor b, double rtol, double atol, int32_t equal_nan, cajal_tensor *out);
/* Whether isclose holds everywhere: 1 or 0. */
int cajal_tensor_allclose(cajal_tensor a, cajal_tensor b, double rtol, double atol, int32_t equal_nan, int32_t *out);
/* Whether a and b have the same shape and values: 1 or 0. */
int cajal_tensor_equal(cajal_tensor a, cajal_tensor b, int32_t *out);

/* ---------------------------------------------------------- linear algebra */

/* torch.matmul: 1-D operands act as vectors, batch dims broadcast. */
int cajal_tensor_matmul(cajal_tensor a, cajal_tensor b, cajal_tensor *out);

/* -------------------------------------------------------------- reductions */

/* The sum of all elements (integers and bool sum to CAJAL_INT64). */
int cajal_tensor_sum_all(cajal_tensor x, cajal_tensor *out);

/* The sum over dims[0..ndims); keepdim keeps them as size 1. ndims 0 means all dims. */
int cajal_tensor_sum(cajal_tensor x, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out);

/* The mean of all elements (floating-point tensors only). */
int cajal_tensor_mean_all(cajal_tensor x, cajal_tensor *out);

/* The mean over dims[0..ndims); keepdim keeps them as size 1. ndims 0 means all dims. */
int cajal_tensor_mean(cajal_tensor x, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out);

/* -------------------------------------------------------- views and shape */
/* Views share memory with their input; writes through one show in the other. */

/* A view (or, when the strides do not allow one, a copy) with a new shape;
 * one size may be -1. */
int cajal_tensor_reshape(cajal_tensor x, const int64_t *shape, size_t ndim, cajal_tensor *out);
/* A view with a new shape; fails when the strides do not allow one. */
int cajal_tensor_view(cajal_tensor x, const int64_t *shape, size_t ndim, cajal_tensor *out);
/* Swaps two dims. */
int cajal_tensor_transpose(cajal_tensor x, int64_t dim0, int64_t dim1, cajal_tensor *out);
/* The transpose of a tensor of at most 2 dims. */
int cajal_tensor_t(cajal_tensor x, cajal_tensor *out);
/* Reorders the dims: output dim i is input dim dims[i]. */
int cajal_tensor_permute(cajal_tensor x, const int64_t *dims, size_t ndims, cajal_tensor *out);
/* Broadcasts size-1 dims to shape without copying; -1 keeps a size. */
int cajal_tensor_expand(cajal_tensor x, const int64_t *shape, size_t ndim, cajal_tensor *out);
/* Removes every size-1 dim. */
int cajal_tensor_squeeze(cajal_tensor x, cajal_tensor *out);
/* Removes dim if its size is 1. */
int cajal_tensor_squeeze_dim(cajal_tensor x, int64_t dim, cajal_tensor *out);
/* Inserts a size-1 dim at dim. */
int cajal_tensor_unsqueeze(cajal_tensor x, int64_t dim, cajal_tensor *out);
/* The tensor itself (a new handle) when contiguous, else a contiguous copy. */
int cajal_tensor_contiguous(cajal_tensor x, cajal_tensor *out);
/* A contiguous copy that keeps the autograd history. */
int cajal_tensor_clone(cajal_tensor x, cajal_tensor *out);
/* A copy converted to dtype (the tensor itself when the dtype already matches). */
int cajal_tensor_to_dtype(cajal_tensor x, int32_t dtype, cajal_tensor *out);

/* ---------------------------------------------------------------- in-place */
/* In-place ops write into the tensor's memory. other is broadcast to its shape.
 * They fail on a leaf that requires grad while grad mode is on. */

/* self += other */
int cajal_tensor_add_inplace(cajal_tensor self, cajal_tensor other);
/* self -= other */
int cajal_tensor_sub_inplace(cajal_tensor self, cajal_tensor other);
/* self *= other */
int cajal_tensor_mul_inplace(cajal_tensor self, cajal_tensor other);
/* self /= other */
int cajal_tensor_div_inplace(cajal_tensor self, cajal_tensor other);
/* Sets every element to value. */
int cajal_tensor_fill_inplace(cajal_tensor self, double value);

#ifdef __cplusplus
}
#endif

#endif /* CAJAL_H */
