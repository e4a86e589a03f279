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

/* The version of this header. cajal_api_version() must return the same value.
 * 3: the named constants (cajal_reduction, cajal_rnn_mode, ...) replace magic integers; their codes are
 *    the integers version 2 took. cajal_nn_kl_div_v2 and cajal_tensor_scatter_reduce_v2 take constants
 *    where cajal_nn_kl_div and cajal_tensor_scatter_reduce took strings; those two stay until version 4. */
#define CAJAL_API_VERSION 3

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
/* Storage types: held natively, computed in int64 (the integers) or float32
 * (the half floats) with the result rounded back once, as torch does. */
#define CAJAL_INT32 4
#define CAJAL_INT16 5
#define CAJAL_INT8 6
#define CAJAL_UINT8 7
#define CAJAL_FLOAT16 8
#define CAJAL_BFLOAT16 9
/* Complex numbers: interleaved (re, im) pairs of float32 or float64. */
#define CAJAL_COMPLEX64 10
#define CAJAL_COMPLEX128 11

/* A tensor: an n-dimensional array on the CPU with autograd. */
typedef struct cajal_tensor_s *cajal_tensor;

/* A random number generator (torch.Generator): torch's mt19937 and sampling. */
typedef struct cajal_generator_s *cajal_generator;

/* Called once when memory borrowed by cajal_tensor_from_blob is no longer used. */
typedef void (*cajal_release_fn)(void *context);

/* A gradient callback (tensor hooks, custom autograd functions). It receives
   its context and a new handle to a gradient, which it owns (and frees), and
   writes new handles (or NULL) to results: one for a hook (NULL keeps the
   gradient), one per input for a function. It returns 0, or non-zero on
   failure, which fails the backward. The library takes over the handles. */
typedef int (*cajal_gradient_fn)(void *context, cajal_tensor grad, cajal_tensor *results);

/* A loaded safetensors file: its tensors, their names and its metadata. */
typedef struct cajal_archive_s *cajal_archive;

/* A captured plan: the calls one thread made between cajal_plan_begin and
   cajal_plan_end, repeated by cajal_plan_run with new inputs. */
typedef struct cajal_plan_s *cajal_plan;

/* --------------------------------------------------------------- constants */

/* How a loss folds its per-element values (torch's reduction=). */
typedef int32_t cajal_reduction;
#define CAJAL_REDUCTION_NONE      0 /* no reduction: the per-element losses */
#define CAJAL_REDUCTION_MEAN      1 /* their mean */
#define CAJAL_REDUCTION_SUM       2 /* their sum */
#define CAJAL_REDUCTION_BATCHMEAN 3 /* kl_div only: their sum divided by the batch size */

/* How a division rounds (torch's rounding_mode=). */
typedef int32_t cajal_rounding_mode;
#define CAJAL_ROUNDING_MODE_TRUNC 0 /* toward zero */
#define CAJAL_ROUNDING_MODE_FLOOR 1 /* toward minus infinity (Python's //) */

/* Which norm torch.linalg.norm takes (its ord=). */
typedef int32_t cajal_norm_kind;
#define CAJAL_NORM_KIND_DEFAULT   0 /* ord=None: the 2-norm of vectors, Frobenius of matrices */
#define CAJAL_NORM_KIND_NUMBER    1 /* ord=p, a number (INFINITY allowed) */
#define CAJAL_NORM_KIND_FROBENIUS 2 /* ord='fro' */
#define CAJAL_NORM_KIND_NUCLEAR   3 /* ord='nuc': the sum of the singular values */

/* How a convolution pads its input (torch's padding=). */
typedef int32_t cajal_conv_padding;
#define CAJAL_CONV_PADDING_EXPLICIT 0 /* the padding given per spatial dim, on both sides */
#define CAJAL_CONV_PADDING_SAME     1 /* padding='same': the output keeps the input's size (stride 1) */
#define CAJAL_CONV_PADDING_VALID    2 /* padding='valid': no padding */

/* How F.interpolate resamples. */
typedef int32_t cajal_interpolation;
#define CAJAL_INTERPOLATION_NEAREST 0 /* the nearest input element */
#define CAJAL_INTERPOLATION_LINEAR  1 /* linear along each spatial dim (torch's 'linear', 'bilinear', 'trilinear') */

/* How F.grid_sample interpolates. */
typedef int32_t cajal_grid_sample_mode;
#define CAJAL_GRID_SAMPLE_MODE_BILINEAR 0 /* bilinear */
#define CAJAL_GRID_SAMPLE_MODE_NEAREST  1 /* the nearest input element */

/* What F.grid_sample reads outside the input (its padding_mode=). */
typedef int32_t cajal_grid_padding;
#define CAJAL_GRID_PADDING_ZEROS      0 /* zeros */
#define CAJAL_GRID_PADDING_BORDER     1 /* the nearest border value */
#define CAJAL_GRID_PADDING_REFLECTION 2 /* the input reflected at its borders */

/* How F.pad fills the border (its mode=). */
typedef int32_t cajal_pad_mode;
#define CAJAL_PAD_MODE_CONSTANT  0 /* a constant value */
#define CAJAL_PAD_MODE_REFLECT   1 /* the input mirrored at its edges, the edge itself not repeated */
#define CAJAL_PAD_MODE_REPLICATE 2 /* the edge value repeated */
#define CAJAL_PAD_MODE_CIRCULAR  3 /* the input wrapped around */

/* How EmbeddingBag reduces each bag (its mode=). */
typedef int32_t cajal_embedding_bag_mode;
#define CAJAL_EMBEDDING_BAG_MODE_SUM  0 /* the sum of the bag's rows (times per_sample_weights when given) */
#define CAJAL_EMBEDDING_BAG_MODE_MEAN 1 /* their mean */
#define CAJAL_EMBEDDING_BAG_MODE_MAX  2 /* their elementwise maximum */

/* What dice_loss applies to its input first. */
typedef int32_t cajal_dice_activation;
#define CAJAL_DICE_ACTIVATION_NONE    0 /* nothing: the input holds probabilities */
#define CAJAL_DICE_ACTIVATION_SIGMOID 1 /* sigmoid: one binary mask per channel */
#define CAJAL_DICE_ACTIVATION_SOFTMAX 2 /* softmax over the channels (dim 1): one class per pixel */

/* The recurrent layers, with torch's mode names and gate order. */
typedef int32_t cajal_rnn_mode;
#define CAJAL_RNN_TANH 0 /* nn.RNN with tanh */
#define CAJAL_RNN_RELU 1 /* nn.RNN with relu */
#define CAJAL_RNN_LSTM 2 /* nn.LSTM: gates (input, forget, cell, output) */
#define CAJAL_RNN_GRU  3 /* nn.GRU: gates (reset, update, new) */

/* How scatter_reduce combines the values sent to one position (its reduce=). */
typedef int32_t cajal_scatter_reduction;
#define CAJAL_SCATTER_SUM  0 /* their sum */
#define CAJAL_SCATTER_PROD 1 /* their product (not supported yet) */
#define CAJAL_SCATTER_MEAN 2 /* their mean */
#define CAJAL_SCATTER_AMAX 3 /* their maximum (NaN wins) */
#define CAJAL_SCATTER_AMIN 4 /* their minimum (NaN wins) */

/* Where bernoulli_(p) with a number p (and so dropout) draws, as torch's CPU build does. */
typedef int32_t cajal_bernoulli_stream;
#define CAJAL_BERNOULLI_STREAM_MT19937 0 /* one 53-bit uniform per element from the generator (torch 2.x on every CPU) */
#define CAJAL_BERNOULLI_STREAM_MKL     1 /* one 32-bit draw seeds MKL's MCG31m1 stream, u < p per element (older torch builds on Intel CPUs) */

/* Which factors torch.linalg.qr returns (its mode=). */
typedef int32_t cajal_qr_mode;
#define CAJAL_QR_MODE_REDUCED  0 /* Q with min(m, n) columns and R with min(m, n) rows */
#define CAJAL_QR_MODE_COMPLETE 1 /* Q square (m x m) and R m x n */
#define CAJAL_QR_MODE_R        2 /* R alone (reduced); Q is empty and nothing is differentiable */

/* How a Fourier transform scales (torch's norm=). */
typedef int32_t cajal_fft_norm;
#define CAJAL_FFT_NORM_BACKWARD 0 /* the forward transform unscaled, the inverse by 1/n */
#define CAJAL_FFT_NORM_FORWARD  1 /* the forward transform by 1/n, the inverse unscaled */
#define CAJAL_FFT_NORM_ORTHO    2 /* both by 1/sqrt(n) */

/* How a collective combines the ranks' values (torch.distributed.ReduceOp). */
typedef int32_t cajal_reduce_op;
#define CAJAL_REDUCE_SUM     0 /* their sum */
#define CAJAL_REDUCE_AVG     1 /* their mean: the sum divided by the world size (floating tensors only) */
#define CAJAL_REDUCE_PRODUCT 2 /* their product */
#define CAJAL_REDUCE_MIN     3 /* their minimum */
#define CAJAL_REDUCE_MAX     4 /* their maximum */

/* ----------------------------------------------------------------- library */

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

/* Bytes of freed tensor buffers kept for reuse (at most 512 MiB): a training
 * step reuses them instead of faulting in fresh pages every time. */
size_t cajal_cached_memory_bytes(void);

/* Gives every buffer kept for reuse back to the system. */
void cajal_clear_memory_cache(void);

/* Bytes this process can still allocate: the memory the system reports
 * available (plus free swap), bounded by the cgroup's limit and ulimit -v.
 * Larger requests fail with CAJAL_ERR_OUT_OF_MEMORY before any memory is taken. */
size_t cajal_memory_available(void);

/* The instruction set of the kernels in use: "avx512", "avx2" or "baseline".
 * The best one the CPU supports is chosen at load; the environment variable
 * CAJAL_KERNELS=baseline|avx2|avx512 can ask for a lower one. */
const char *cajal_kernel_isa(void);

/* OpenBLAS's name for the GEMM kernels in use ("SkylakeX", "Haswell", ...),
 * or "unavailable". OpenBLAS is loaded at the first call that needs it, with
 * the best kernels the CPU runs (CAJAL_BLAS_CORETYPE=SkylakeX|Haswell|Prescott
 * asks for others, if the CPU runs them). */
const char *cajal_blas_core(void);

/* oneDNN's version ("oneDNN 2.6.3") when its library (Debian's libdnnl2) is
 * installed, loading it; "" otherwise. While enabled, float32 convolutions and
 * their gradients run on oneDNN's kernels, as torch's do (torch.backends.mkldnn). */
const char *cajal_onednn_version(void);

/* Whether float32 convolutions may run on oneDNN (torch.backends.mkldnn.enabled): 1 (the default) or 0. */
int32_t cajal_onednn_enabled(void);

/* Lets float32 convolutions run on oneDNN when installed (non-zero), or keeps
 * them on im2col and BLAS (0), process-wide. */
void cajal_set_onednn_enabled(int32_t enabled);

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

/* The default floating-point dtype (CAJAL_FLOAT32 unless set): what float numbers and integer math turn into. */
int32_t cajal_get_default_dtype(void);

/* torch.set_default_dtype, process-wide: CAJAL_FLOAT32 or CAJAL_FLOAT64. Integer inputs of
 * real functions, true division of integers and Python floats promote to it. */
int cajal_set_default_dtype(int32_t dtype);

/* torch.autocast("cpu", dtype) for this thread: while enabled, matmul, linear and the
 * (transposed) convolutions cast float32 operands to dtype (CAJAL_BFLOAT16 or CAJAL_FLOAT16) and
 * return it, and the losses compute in float32; backward runs with it off. 0 switches it off. */
int cajal_set_autocast(int32_t enabled, int32_t dtype);

/* The dtype autocast runs in on this thread (a CAJAL_* code), or -1 when it is off. */
int32_t cajal_autocast_dtype(void);

/* ---------------------------------------------------------------- creation */

/* Releases a tensor handle. NULL is a no-op. */
void cajal_tensor_free(cajal_tensor tensor);

/* Copies nbytes of row-major dtype elements from data into a new tensor of
 * the given shape. nbytes must equal numel * element size. */
int cajal_tensor_from_data(const void *data, size_t nbytes, const int64_t *shape, size_t ndim, int32_t dtype,
                           cajal_tensor *out);

/* Wraps memory owned by the caller without copying. strides are in elements
 * and must not be negative. release(context) is called once, when no tensor
 * uses the memory any more; release may be NULL. */
int cajal_tensor_from_blob(void *data, const int64_t *shape, const int64_t *strides, size_t ndim, int32_t dtype,
                           cajal_release_fn release, void *context, cajal_tensor *out);

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

/* Uniform samples in [0, 1) from generator, or the default one when NULL (torch.rand). */
int cajal_tensor_rand(const int64_t *shape, size_t ndim, int32_t dtype, cajal_generator generator, cajal_tensor *out);

/* Standard normal samples from generator, or the default one when NULL (torch.randn). */
int cajal_tensor_randn(const int64_t *shape, size_t ndim, int32_t dtype, cajal_generator generator, cajal_tensor *out);

/* Integers drawn uniformly from [low, high), as torch.randint draws them. */
int cajal_tensor_randint(int64_t low, int64_t high, const int64_t *shape, size_t ndim, int32_t dtype,
                         cajal_generator generator, cajal_tensor *out);

/* torch.multinomial over the rows of a 1-D or 2-D tensor of non-negative weights; int64 indices. */
int cajal_tensor_multinomial(cajal_tensor input, int64_t num_samples, int32_t replacement, cajal_generator generator,
                             cajal_tensor *out);

/* A random permutation of 0 .. n-1, as torch.randperm draws it. */
int cajal_tensor_randperm(int64_t n, int32_t dtype, cajal_generator generator, cajal_tensor *out);

/* An n x m matrix with ones on the diagonal. */
int cajal_tensor_eye(int64_t n, int64_t m, int32_t dtype, cajal_tensor *out);

/* steps values from start to end inclusive, evenly spaced (torch.linspace). */
int cajal_tensor_linspace(double start, double end, int64_t steps, int32_t dtype, cajal_tensor *out);

/* -------------------------------------------------------------- generators */

/* A new generator seeded with seed. Free it with cajal_generator_free. */
int cajal_generator_new(uint64_t seed, cajal_generator *out);

/* A new handle to the default generator (the one cajal_manual_seed seeds). */
int cajal_generator_default(cajal_generator *out);

/* Releases a generator handle. NULL is a no-op. */
void cajal_generator_free(cajal_generator generator);

/* Reseeds a generator. */
int cajal_generator_manual_seed(cajal_generator generator, uint64_t seed);

/* The seed a generator was last seeded with. */
int cajal_generator_initial_seed(cajal_generator generator, uint64_t *out);

/* A generator's whole state as an int64 tensor of 628 values. */
int cajal_generator_get_state(cajal_generator generator, cajal_tensor *out);

/* Restores a state made by cajal_generator_get_state. */
int cajal_generator_set_state(cajal_generator generator, cajal_tensor state);

/* Where bernoulli_(p) with a number p, and so dropout, draws (a cajal_bernoulli_stream):
 * CAJAL_BERNOULLI_STREAM_MT19937 unless set otherwise, as torch 2.x draws on every CPU. */
int32_t cajal_get_bernoulli_stream(void);

/* Makes bernoulli_(p) and dropout draw from `stream` from now on (process-wide): to
 * reproduce a run of an older torch build on an Intel CPU (CAJAL_BERNOULLI_STREAM_MKL). */
int cajal_set_bernoulli_stream(cajal_bernoulli_stream stream);

/* bernoulli_(p): each element becomes 1 with probability p (in [0, 1]), else 0, drawn
 * from generator (NULL: the default) as torch draws them. Any dtype. */
int cajal_tensor_bernoulli_inplace(cajal_tensor tensor, double p, cajal_generator generator);

/* torch.bernoulli: 1 with each element's probability (floating point, in [0, 1]), else 0,
 * in the probabilities' dtype. */
int cajal_tensor_bernoulli(cajal_tensor probabilities, cajal_generator generator, cajal_tensor *out);

/* torch._standard_gamma: a Gamma(concentration, 1) sample per element (floating point),
 * drawn as torch draws them; not differentiable with respect to the concentration. */
int cajal_tensor_standard_gamma(cajal_tensor concentration, cajal_generator generator, cajal_tensor *out);

/* torch._sample_dirichlet: a Dirichlet sample over the last dim per row of concentrations,
 * drawn as torch draws them. */
int cajal_tensor_sample_dirichlet(cajal_tensor concentration, cajal_generator generator, cajal_tensor *out);

/* -------------------------------------------------------------- properties */

/* The number of dims. */
int cajal_tensor_ndim(cajal_tensor tensor, size_t *out);

/* Writes the ndim sizes to out; capacity is out's length and must be >= ndim. */
int cajal_tensor_shape(cajal_tensor tensor, int64_t *out, size_t capacity);

/* Writes the ndim strides (in elements) to out; capacity must be >= ndim. */
int cajal_tensor_strides(cajal_tensor tensor, int64_t *out, size_t capacity);

/* The number of elements. */
int cajal_tensor_numel(cajal_tensor tensor, size_t *out);

/* The dtype, one of CAJAL_FLOAT32 ... CAJAL_BFLOAT16. */
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

/* ---------------------------------------------------------------- autograd */

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

/* torch.autograd.backward: accumulates into every leaf's .grad the gradient of
 * sum(outputs[i] * gradients[i]). gradients may be NULL, or hold NULLs, for one-element outputs. */
int cajal_autograd_backward(const cajal_tensor *outputs, size_t count, const cajal_tensor *gradients,
                            int32_t retain_graph);

/* torch.autograd.grad: writes to results[0..ninputs) new tensors holding the gradient of
 * sum(outputs[i] * grad_outputs[i]) with respect to each input, leaving .grad untouched. grad_outputs
 * may be NULL, or hold NULLs, for one-element outputs. An input the outputs do not depend on is an
 * error, or a NULL result when allow_unused is nonzero. On error no result is written. */
int cajal_autograd_grad(const cajal_tensor *outputs, size_t noutputs, const cajal_tensor *grad_outputs,
                        const cajal_tensor *inputs, size_t ninputs, int32_t retain_graph, int32_t allow_unused,
                        cajal_tensor *results);

/* cajal_autograd_backward with torch's other two options. With create_graph, the
 * backward is itself recorded, so the gradients it accumulates can be differentiated
 * again (higher-order gradients); the graph is then retained. With ninputs > 0, only
 * inputs[0..ninputs) (leaves or not) accumulate into .grad. */
int cajal_autograd_backward_ex(const cajal_tensor *outputs, size_t count, const cajal_tensor *gradients,
                               int32_t retain_graph, int32_t create_graph, const cajal_tensor *inputs, size_t ninputs);

/* cajal_autograd_grad with create_graph: the gradients are computed by recorded
 * ops, so they have a history and can be differentiated again (gradient penalties,
 * Hessian-vector products). grad_outputs may then require grad themselves. */
int cajal_autograd_grad_ex(const cajal_tensor *outputs, size_t noutputs, const cajal_tensor *grad_outputs,
                           const cajal_tensor *inputs, size_t ninputs, int32_t retain_graph, int32_t create_graph,
                           int32_t allow_unused, cajal_tensor *results);

/* Tensor.register_hook: hook(context, grad, results) runs each time a gradient for
 * the tensor is computed, before it is accumulated into .grad (a leaf) or passed
 * on (a non-leaf); writing a tensor of the same shape to results[0] replaces the
 * gradient. The tensor must require grad. *id removes the hook again;
 * release(context), if not NULL, runs when the hook is removed or the tensor
 * (or its node) is freed. On error, release is not called. */
int cajal_tensor_register_hook(cajal_tensor tensor, cajal_gradient_fn hook, void *context, cajal_release_fn release,
                               int64_t *id);

/* Removes a hook added by cajal_tensor_register_hook; an id already removed is ignored. */
int cajal_tensor_remove_hook(cajal_tensor tensor, int64_t id);

/* torch.autograd.Function: *out is a new tensor with output's values whose history
 * is one node named name over inputs[0..ninputs). In backward, backward(context,
 * grad, results) writes one gradient (or NULL) per input; each is checked against
 * its input's shape. Nothing is recorded when grad mode is off, no input requires
 * grad or output is not floating point. release(context) runs when the node is
 * freed (at once when none was recorded; not at all when this call fails). With
 * once_differentiable, the backward is not itself recorded under create_graph, and
 * differentiating its result fails. */
int cajal_autograd_function(cajal_tensor output, const cajal_tensor *inputs, size_t ninputs, const char *name,
                            cajal_gradient_fn backward, void *context, cajal_release_fn release,
                            int32_t once_differentiable, cajal_tensor *out);

/* A second handle to the same tensor (not a view: the same object, with its
 * history and .grad), to be freed on its own. */
int cajal_tensor_share(cajal_tensor tensor, cajal_tensor *out);

/* A new tensor sharing memory, cut out of the graph. */
int cajal_tensor_detach(cajal_tensor tensor, cajal_tensor *out);

/* -------------------------------------------------------- elementwise math */

/* Binary ops broadcast their operands and promote dtypes as torch does. */

/* a + b */
int cajal_tensor_add(cajal_tensor a, cajal_tensor b, cajal_tensor *out);

/* a - b (not for bool) */
int cajal_tensor_sub(cajal_tensor a, cajal_tensor b, cajal_tensor *out);

/* a + alpha b (torch.add's alpha; whole for integer results) */
int cajal_tensor_add_scaled(cajal_tensor a, cajal_tensor b, double alpha, cajal_tensor *out);

/* a - alpha b (torch.sub's alpha; whole for integer results) */
int cajal_tensor_sub_scaled(cajal_tensor a, cajal_tensor b, double alpha, cajal_tensor *out);

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

/* --------------------------------------------------------------- more math */

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

/* base-10 logarithm */
int cajal_tensor_log10(cajal_tensor x, cajal_tensor *out);

/* 1 / sqrt(x) */
int cajal_tensor_rsqrt(cajal_tensor x, cajal_tensor *out);

/* arctangent, in (-pi/2, pi/2) */
int cajal_tensor_atan(cajal_tensor x, cajal_tensor *out);

/* hyperbolic sine */
int cajal_tensor_sinh(cajal_tensor x, cajal_tensor *out);

/* hyperbolic cosine */
int cajal_tensor_cosh(cajal_tensor x, cajal_tensor *out);

/* inverse hyperbolic sine */
int cajal_tensor_asinh(cajal_tensor x, cajal_tensor *out);

/* arcsine, in [-pi/2, pi/2]; NaN outside [-1, 1] */
int cajal_tensor_asin(cajal_tensor x, cajal_tensor *out);

/* arccosine, in [0, pi]; NaN outside [-1, 1] */
int cajal_tensor_acos(cajal_tensor x, cajal_tensor *out);

/* inverse hyperbolic tangent; NaN outside [-1, 1] */
int cajal_tensor_atanh(cajal_tensor x, cajal_tensor *out);

/* inverse hyperbolic cosine; NaN below 1 */
int cajal_tensor_acosh(cajal_tensor x, cajal_tensor *out);

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

/* rounded half to even at 10^-decimals (torch.round(decimals=); floating point only unless decimals is 0) */
int cajal_tensor_round_decimals(cajal_tensor x, int64_t decimals, cajal_tensor *out);

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
int cajal_tensor_div_rounding(cajal_tensor a, cajal_tensor b, cajal_rounding_mode mode, cajal_tensor *out);

/* min(max(x, low), high); low or high may be NULL (not both); where low > high the result is high. */
int cajal_tensor_clamp(cajal_tensor x, cajal_tensor low, cajal_tensor high, cajal_tensor *out);

/* |a - b| <= atol + rtol * |b| elementwise (bool); NaNs match only with equal_nan. */
int cajal_tensor_isclose(cajal_tensor a, cajal_tensor b, double rtol, double atol, int32_t equal_nan,
                         cajal_tensor *out);

/* Whether isclose holds everywhere: 1 or 0. */
int cajal_tensor_allclose(cajal_tensor a, cajal_tensor b, double rtol, double atol, int32_t equal_nan, int32_t *out);

/* Whether a and b have the same shape and values: 1 or 0. */
int cajal_tensor_equal(cajal_tensor a, cajal_tensor b, int32_t *out);

/* the inverse error function; NaN outside [-1, 1] */
int cajal_tensor_erfinv(cajal_tensor x, cajal_tensor *out);

/* log |Gamma(x)| */
int cajal_tensor_lgamma(cajal_tensor x, cajal_tensor *out);

/* psi(x), the derivative of lgamma */
int cajal_tensor_digamma(cajal_tensor x, cajal_tensor *out);

/* degrees to radians */
int cajal_tensor_deg2rad(cajal_tensor x, cajal_tensor *out);

/* radians to degrees */
int cajal_tensor_rad2deg(cajal_tensor x, cajal_tensor *out);

/* the fractional part x - trunc(x) (floating point only) */
int cajal_tensor_frac(cajal_tensor x, cajal_tensor *out);

/* the sign (for real numbers, sign) */
int cajal_tensor_sgn(cajal_tensor x, cajal_tensor *out);

/* the angle of the point (b, a), in (-pi, pi] */
int cajal_tensor_atan2(cajal_tensor a, cajal_tensor b, cajal_tensor *out);

/* sqrt(a^2 + b^2) without overflow */
int cajal_tensor_hypot(cajal_tensor a, cajal_tensor b, cajal_tensor *out);

/* log(e^a + e^b), computed stably */
int cajal_tensor_logaddexp(cajal_tensor a, cajal_tensor b, cajal_tensor *out);

/* a * log(b), 0 where a is 0 (unless b is NaN) */
int cajal_tensor_xlogy(cajal_tensor a, cajal_tensor b, cajal_tensor *out);

/* a ** b computed in float64 */
int cajal_tensor_float_power(cajal_tensor a, cajal_tensor b, cajal_tensor *out);

/* ---------------------------------------------------------- linear algebra */

/* torch.matmul: 1-D operands act as vectors, batch dims broadcast. */
int cajal_tensor_matmul(cajal_tensor a, cajal_tensor b, cajal_tensor *out);

/* torch.mm: two matrices. */
int cajal_tensor_mm(cajal_tensor a, cajal_tensor b, cajal_tensor *out);

/* torch.bmm: two 3-D batches with equal batch sizes. */
int cajal_tensor_bmm(cajal_tensor a, cajal_tensor b, cajal_tensor *out);

/* torch.mv: a matrix times a vector. */
int cajal_tensor_mv(cajal_tensor a, cajal_tensor b, cajal_tensor *out);

/* torch.dot: two vectors of one length, giving a 0-D tensor. */
int cajal_tensor_dot(cajal_tensor a, cajal_tensor b, cajal_tensor *out);

/* torch.outer: a[i] * b[j]. */
int cajal_tensor_outer(cajal_tensor a, cajal_tensor b, cajal_tensor *out);

/* torch.einsum over count operands, e.g. "bij,bjk->bik"; "..." broadcasts, repeated subscripts take diagonals,
 * and without "->" the output is the subscripts seen once, in alphabetical order (A-Z before a-z). */
int cajal_einsum(const char *equation, const cajal_tensor *operands, size_t count, cajal_tensor *out);

/* torch.linalg.inv of each square matrix in the batch; fails (CAJAL_ERROR_RUNTIME) when one is singular. */
int cajal_linalg_inv(cajal_tensor a, cajal_tensor *out);

/* torch.linalg.det of each square matrix in the batch. The gradient needs invertible matrices. */
int cajal_linalg_det(cajal_tensor a, cajal_tensor *out);

/* torch.linalg.solve: X with A X = B. B is [..., n, k], or [..., n] when it has one dim fewer than A. */
int cajal_linalg_solve(cajal_tensor a, cajal_tensor b, cajal_tensor *out);

/* torch.linalg.norm with the norm ord_kind (p for CAJAL_NORM_KIND_NUMBER). dims: 1 (vector norm) or 2 (matrix norm);
 * ndims 0 means None. Matrix norms with p = +-2 and the nuclear norm come from the singular values. */
int cajal_linalg_norm(cajal_tensor x, cajal_norm_kind ord_kind, double p, const int64_t *dims, size_t ndims,
                      int32_t keepdim, cajal_tensor *out);

/* torch.linalg.cholesky: L with A = L Lᵀ for each symmetric positive-definite matrix (U = Lᵀ with
 * upper); fails naming the first leading minor that is not positive-definite. */
int cajal_linalg_cholesky(cajal_tensor a, int32_t upper, cajal_tensor *out);

/* torch.linalg.solve_triangular: X with A X = B (X A = B when left is 0) for triangular A, of which
 * only the upper (or lower) triangle is read; batch dims broadcast. */
int cajal_linalg_solve_triangular(cajal_tensor a, cajal_tensor b, int32_t upper, int32_t left, int32_t unitriangular,
                                  cajal_tensor *out);

/* torch.linalg.eigh: the eigenvalues (ascending) and eigenvectors (columns) of each symmetric matrix,
 * read from its lower triangle (upper when upper is nonzero). On error nothing is written. */
int cajal_linalg_eigh(cajal_tensor a, int32_t upper, cajal_tensor *values, cajal_tensor *vectors);

/* torch.linalg.eigvalsh: the eigenvalues (ascending) of each symmetric matrix. */
int cajal_linalg_eigvalsh(cajal_tensor a, int32_t upper, cajal_tensor *out);

/* torch.linalg.svd: A = U diag(S) Vh for each matrix, S descending; U and Vh have min(m, n) columns and
 * rows, or m and n with full_matrices. Gradients through U or Vh need full_matrices 0. On error nothing is written. */
int cajal_linalg_svd(cajal_tensor a, int32_t full_matrices, cajal_tensor *u, cajal_tensor *s, cajal_tensor *vh);

/* torch.linalg.qr: A = QR for each matrix by Householder reflections (LAPACK's signs, as torch's). Q has
 * orthonormal columns, R is upper triangular; their sizes follow mode. On error nothing is written. */
int cajal_linalg_qr(cajal_tensor a, cajal_qr_mode mode, cajal_tensor *q, cajal_tensor *r);

/* torch.linalg.eig: the eigenvalues and unit right eigenvectors (columns) of each general square matrix, as
 * complex tensors (LAPACK's geev, its order). Forward only: differentiating them raises. On error nothing is written. */
int cajal_linalg_eig(cajal_tensor a, cajal_tensor *values, cajal_tensor *vectors);

/* torch.linalg.eigvals: the eigenvalues of each general square matrix, complex. Forward only. */
int cajal_linalg_eigvals(cajal_tensor a, cajal_tensor *out);

/* torch.linalg.svdvals: the singular values of each matrix, descending. */
int cajal_linalg_svdvals(cajal_tensor a, cajal_tensor *out);

/* torch.linalg.slogdet: the sign and log |det| of each square matrix (0 and -inf when singular);
 * logabsdet is differentiable. On error nothing is written. */
int cajal_linalg_slogdet(cajal_tensor a, cajal_tensor *sign, cajal_tensor *logabsdet);

/* -------------------------------------------------------------- reductions */

/* The sum of all elements (integers and bool sum to CAJAL_INT64). */
int cajal_tensor_sum_all(cajal_tensor x, cajal_tensor *out);

/* The sum over dims[0..ndims); keepdim keeps them as size 1. ndims 0 means all dims. */
int cajal_tensor_sum(cajal_tensor x, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out);

/* The mean of all elements (floating-point tensors only). */
int cajal_tensor_mean_all(cajal_tensor x, cajal_tensor *out);

/* The mean over dims[0..ndims); keepdim keeps them as size 1. ndims 0 means all dims. */
int cajal_tensor_mean(cajal_tensor x, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out);

/* --------------------------------------------------------- more reductions */

/* The product of all elements (integers and bool give int64). */
int cajal_tensor_prod_all(cajal_tensor x, cajal_tensor *out);

/* The product along dim; keepdim keeps it as size 1. */
int cajal_tensor_prod(cajal_tensor x, int64_t dim, int32_t keepdim, cajal_tensor *out);

/* The largest element (NaN if any). */
int cajal_tensor_max_all(cajal_tensor x, cajal_tensor *out);

/* The smallest element (NaN if any). */
int cajal_tensor_min_all(cajal_tensor x, cajal_tensor *out);

/* The max along dim and the first index (int64) where it occurs. */
int cajal_tensor_max_dim(cajal_tensor x, int64_t dim, int32_t keepdim, cajal_tensor *values, cajal_tensor *indices);

/* The min along dim and the first index (int64) where it occurs. */
int cajal_tensor_min_dim(cajal_tensor x, int64_t dim, int32_t keepdim, cajal_tensor *values, cajal_tensor *indices);

/* The index of the max along dim, or of the flattened tensor when flatten is non-zero. */
int cajal_tensor_argmax(cajal_tensor x, int64_t dim, int32_t flatten, int32_t keepdim, cajal_tensor *out);

/* The index of the min along dim, or of the flattened tensor when flatten is non-zero. */
int cajal_tensor_argmin(cajal_tensor x, int64_t dim, int32_t flatten, int32_t keepdim, cajal_tensor *out);

/* The max over dims (all when ndims is 0). */
int cajal_tensor_amax(cajal_tensor x, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out);

/* The min over dims (all when ndims is 0). */
int cajal_tensor_amin(cajal_tensor x, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out);

/* Whether every element is nonzero, over dims (all when ndims is 0): a bool tensor. */
int cajal_tensor_all(cajal_tensor x, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out);

/* Whether any element is nonzero, over dims (all when ndims is 0): a bool tensor. */
int cajal_tensor_any(cajal_tensor x, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out);

/* The variance over dims (all when ndims is 0), dividing by N - correction. */
int cajal_tensor_var(cajal_tensor x, const int64_t *dims, size_t ndims, double correction, int32_t keepdim,
                     cajal_tensor *out);

/* The standard deviation over dims (all when ndims is 0), dividing by N - correction. */
int cajal_tensor_std(cajal_tensor x, const int64_t *dims, size_t ndims, double correction, int32_t keepdim,
                     cajal_tensor *out);

/* The p-norm over dims (all when ndims is 0); p may be INFINITY, -INFINITY or 0. */
int cajal_tensor_norm(cajal_tensor x, double p, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out);

/* log(sum(exp(x))) over dims, computed stably. */
int cajal_tensor_logsumexp(cajal_tensor x, const int64_t *dims, size_t ndims, int32_t keepdim, cajal_tensor *out);

/* Running sums along dim (integers and bool give int64). */
int cajal_tensor_cumsum(cajal_tensor x, int64_t dim, cajal_tensor *out);

/* Running products along dim (integers and bool give int64). */
int cajal_tensor_cumprod(cajal_tensor x, int64_t dim, cajal_tensor *out);

/* A stable sort along dim (NaN ranks highest) and the int64 indices it took. */
int cajal_tensor_sort(cajal_tensor x, int64_t dim, int32_t descending, cajal_tensor *values, cajal_tensor *indices);

/* The int64 indices that sort along dim. */
int cajal_tensor_argsort(cajal_tensor x, int64_t dim, int32_t descending, cajal_tensor *out);

/* The k largest (or smallest, with largest 0) elements along dim, in order, with their indices. */
int cajal_tensor_topk(cajal_tensor x, int64_t k, int64_t dim, int32_t largest, cajal_tensor *values,
                      cajal_tensor *indices);

/* --------------------------------------------------------- views and shape */

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

/* torch.as_strided: a view of x's storage with these sizes and strides (in elements), starting at
 * storage_offset (x's own offset when negative). Windows may overlap; their gradients add up. */
int cajal_tensor_as_strided(cajal_tensor x, const int64_t *size, const int64_t *stride, size_t ndim,
                            int64_t storage_offset, cajal_tensor *out);

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

/* ----------------------------------------------------- slicing and joining */

/* x[start:end:step] along dim, as a view; start and end are clamped to the dim
 * as Python does (pass INT64_MIN / INT64_MAX for an open end); step > 0. */
int cajal_tensor_slice(cajal_tensor x, int64_t dim, int64_t start, int64_t end, int64_t step, cajal_tensor *out);

/* The slice at index along dim, without that dim (x[index]), as a view. */
int cajal_tensor_select(cajal_tensor x, int64_t dim, int64_t index, cajal_tensor *out);

/* length elements from start along dim, as a view. */
int cajal_tensor_narrow(cajal_tensor x, int64_t dim, int64_t start, int64_t length, cajal_tensor *out);

/* The diagonal of dims dim1 and dim2, shifted by offset, as the last dim of a view. */
int cajal_tensor_diagonal(cajal_tensor x, int64_t offset, int64_t dim1, int64_t dim2, cajal_tensor *out);

/* The slices along dim as views. outs has room for capacity handles; *count gets how many were written. */
int cajal_tensor_unbind(cajal_tensor x, int64_t dim, cajal_tensor *outs, size_t capacity, size_t *count);

/* Pieces of size along dim (the last may be smaller), as views, written to outs as in cajal_tensor_unbind. */
int cajal_tensor_split(cajal_tensor x, int64_t size, int64_t dim, cajal_tensor *outs, size_t capacity, size_t *count);

/* Pieces of the given sizes (which must add up to the dim) along dim, as views. */
int cajal_tensor_split_sizes(cajal_tensor x, const int64_t *sizes, size_t nsizes, int64_t dim, cajal_tensor *outs,
                             size_t capacity, size_t *count);

/* chunks nearly equal pieces along dim (fewer if the dim is short), as views. */
int cajal_tensor_chunk(cajal_tensor x, int64_t chunks, int64_t dim, cajal_tensor *outs, size_t capacity, size_t *count);

/* Joins count tensors along an existing dim; dtypes promote. */
int cajal_tensor_cat(const cajal_tensor *tensors, size_t count, int64_t dim, cajal_tensor *out);

/* Joins count tensors of one shape along a new dim. */
int cajal_tensor_stack(const cajal_tensor *tensors, size_t count, int64_t dim, cajal_tensor *out);

/* Reverses the elements along dims (a copy). */
int cajal_tensor_flip(cajal_tensor x, const int64_t *dims, size_t ndims, cajal_tensor *out);

/* Rotates by shifts[i] along dims[i]; with ndims 0, the flattened tensor rolls by shifts[0]. */
int cajal_tensor_roll(cajal_tensor x, const int64_t *shifts, size_t nshifts, const int64_t *dims, size_t ndims,
                      cajal_tensor *out);

/* Moves dims source[i] to destination[i], the others keeping their order. */
int cajal_tensor_movedim(cajal_tensor x, const int64_t *source, size_t nsource, const int64_t *destination,
                         size_t ndestination, cajal_tensor *out);

/* Merges dims start_dim through end_dim into one. */
int cajal_tensor_flatten(cajal_tensor x, int64_t start_dim, int64_t end_dim, cajal_tensor *out);

/* Splits dim into sizes (one may be -1). */
int cajal_tensor_unflatten(cajal_tensor x, int64_t dim, const int64_t *sizes, size_t nsizes, cajal_tensor *out);

/* Tiles x: dim i repeated repeats[i] times; extra leading repeats add dims. */
int cajal_tensor_repeat(cajal_tensor x, const int64_t *repeats, size_t nrepeats, cajal_tensor *out);

/* The lower triangle of the last two dims (column - row <= k); the rest zero. */
int cajal_tensor_tril(cajal_tensor x, int64_t k, cajal_tensor *out);

/* The upper triangle of the last two dims (column - row >= k); the rest zero. */
int cajal_tensor_triu(cajal_tensor x, int64_t k, cajal_tensor *out);

/* A 1-D x placed on diagonal k of a square matrix, or diagonal k of a 2-D x (a copy). */
int cajal_tensor_diag(cajal_tensor x, int64_t k, cajal_tensor *out);

/* ---------------------------------------------------------------- indexing */

/* x[items], Python's indexing: items holds nitems quadruples (kind, a, b, c) of int64:
 *   kind 0 an integer a;  1 a slice a:b:c (INT64_MIN for an open end);  2 None;  3 ...;
 *   4 the index tensor tensors[a] (int64 positions or a bool mask);  5 True or False (a);  6 a whole dim (:).
 * Integers, slices, None and ... give a view; index tensors give a copy. */
int cajal_tensor_getitem(cajal_tensor x, const int64_t *items, size_t nitems, const cajal_tensor *tensors,
                         size_t ntensors, cajal_tensor *out);

/* x[items] = value (broadcast), in place; items as in cajal_tensor_getitem. */
int cajal_tensor_setitem(cajal_tensor x, const int64_t *items, size_t nitems, const cajal_tensor *tensors,
                         size_t ntensors, cajal_tensor value);

/* x[indices] with index tensors (advanced indexing): indices[i] indexes dim i, or is
 * NULL for the whole dim; int64 indices broadcast together, bool masks select. */
int cajal_tensor_index(cajal_tensor x, const cajal_tensor *indices, size_t count, cajal_tensor *out);

/* x[indices] = values (broadcast), in place; with accumulate, repeated indices add up. */
int cajal_tensor_index_put_inplace(cajal_tensor x, const cajal_tensor *indices, size_t count, cajal_tensor values,
                                   int32_t accumulate);

/* The elements at the int64 vector index along dim. */
int cajal_tensor_index_select(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor *out);

/* out[i][j] = x[i][index[i][j]] for dim 1, and alike for other dims (torch.gather). */
int cajal_tensor_gather(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor *out);

/* A copy of x with src written at the indexed positions (torch.scatter). */
int cajal_tensor_scatter(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor src, cajal_tensor *out);

/* A copy of x with value written at the indexed positions. */
int cajal_tensor_scatter_value(cajal_tensor x, int64_t dim, cajal_tensor index, double value, cajal_tensor *out);

/* A copy of x with src added at the indexed positions (torch.scatter_add). */
int cajal_tensor_scatter_add(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor src, cajal_tensor *out);

/* A copy of x where each indexed position combines the src elements sent to
 * it by reduce, with x's own value too when include_self is non-zero (torch.scatter_reduce). */
int cajal_tensor_scatter_reduce_v2(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor src,
                                   cajal_scatter_reduction reduce, int32_t include_self, cajal_tensor *out);

/* Deprecated since API version 3, removed in 4: cajal_tensor_scatter_reduce_v2 with reduce "sum",
 * "prod", "mean", "amax" or "amin" spelled as a string. */
int cajal_tensor_scatter_reduce(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor src, const char *reduce,
                                int32_t include_self, cajal_tensor *out);

/* A copy of x with alpha * source's slices along dim added at the positions
 * the 1-D int64 index names (torch.index_add). */
int cajal_tensor_index_add(cajal_tensor x, int64_t dim, cajal_tensor index, cajal_tensor source, double alpha,
                           cajal_tensor *out);

/* A copy of x with the 0-dim value where the bool mask is true; x keeps its dtype. */
int cajal_tensor_masked_fill(cajal_tensor x, cajal_tensor mask, cajal_tensor value, cajal_tensor *out);

/* The elements where the bool mask (broadcast with x) is true, as a vector. */
int cajal_tensor_masked_select(cajal_tensor x, cajal_tensor mask, cajal_tensor *out);

/* The coordinates of the nonzero elements: an int64 (count x ndim) tensor. */
int cajal_tensor_nonzero(cajal_tensor x, cajal_tensor *out);

/* int64 class indices as one-hot rows in a new last dim; num_classes -1 infers max + 1. */
int cajal_tensor_one_hot(cajal_tensor x, int64_t num_classes, cajal_tensor *out);

/* ---------------------------------------------------------------- in-place */

/* In-place ops write into the tensor's memory. other is broadcast to its shape.
 * They fail on a leaf that requires grad while grad mode is on. */

/* tensor += other */
int cajal_tensor_add_inplace(cajal_tensor tensor, cajal_tensor other);

/* tensor -= other */
int cajal_tensor_sub_inplace(cajal_tensor tensor, cajal_tensor other);

/* tensor += alpha other */
int cajal_tensor_add_scaled_inplace(cajal_tensor tensor, cajal_tensor other, double alpha);

/* tensor -= alpha other */
int cajal_tensor_sub_scaled_inplace(cajal_tensor tensor, cajal_tensor other, double alpha);

/* tensor *= other */
int cajal_tensor_mul_inplace(cajal_tensor tensor, cajal_tensor other);

/* tensor /= other */
int cajal_tensor_div_inplace(cajal_tensor tensor, cajal_tensor other);

/* Copies src (broadcast to the tensor's shape, converted to its dtype) into it. */
int cajal_tensor_copy_inplace(cajal_tensor tensor, cajal_tensor src);

/* Limits the values to [low, high] in place; either bound may be NULL (not both). */
int cajal_tensor_clamp_inplace(cajal_tensor tensor, cajal_tensor low, cajal_tensor high);

/* Sets the 0-dim value where the bool mask is true, in place. */
int cajal_tensor_masked_fill_inplace(cajal_tensor tensor, cajal_tensor mask, cajal_tensor value);

/* Fills with normal samples (torch's draw order) from generator, or the default one when NULL. */
int cajal_tensor_normal_inplace(cajal_tensor tensor, double mean, double std, cajal_generator generator);

/* Fills with uniform samples in [low, high) from generator, or the default one when NULL. */
int cajal_tensor_uniform_inplace(cajal_tensor tensor, double low, double high, cajal_generator generator);

/* Sets every element to value. */
int cajal_tensor_fill_inplace(cajal_tensor tensor, double value);

/* Adds src at the indexed positions of the tensor (Tensor.scatter_add_). */
int cajal_tensor_scatter_add_inplace(cajal_tensor tensor, int64_t dim, cajal_tensor index, cajal_tensor src);

/* Combines src into the indexed positions of the tensor by reduce (Tensor.scatter_reduce_). */
int cajal_tensor_scatter_reduce_inplace(cajal_tensor tensor, int64_t dim, cajal_tensor index, cajal_tensor src,
                                        cajal_scatter_reduction reduce, int32_t include_self);

/* Adds alpha * source's slices along dim at the positions index names (Tensor.index_add_). */
int cajal_tensor_index_add_inplace(cajal_tensor tensor, int64_t dim, cajal_tensor index, cajal_tensor source,
                                   double alpha);

/* Makes result, computed out of place, the tensor's value and history: the
 * in-place form op (e.g. "exp_") of any op. When the graph is recorded, compute
 * result from a clone of the tensor, so that what it saved is not the memory
 * overwritten here. result must have the tensor's shape and a dtype it can take. */
int cajal_tensor_assign_inplace(cajal_tensor tensor, cajal_tensor result, const char *op);

/* ----------------------------------------------------------- nn functional */

/* torch.nn.functional. Optional tensors (bias, weight, pos_weight) may be NULL.
 * reduction: a cajal_reduction other than BATCHMEAN, which only kl_div takes. Lists of per-dim values (stride, padding,
 * dilation, kernel_size) hold one value for every dim or a single shared one;
 * an empty pooling stride means stride = kernel_size. */

/* x W^T + b. */
int cajal_nn_linear(cajal_tensor x, cajal_tensor weight, cajal_tensor bias, cajal_tensor *out);

/* Dropout: in training, each element zeroed with probability p (drawn from the default
 * generator, one uniform per element), the rest scaled by 1 / (1 - p); otherwise x itself.
 * p outside [0, 1] fails either way. */
int cajal_nn_dropout_v2(cajal_tensor x, double p, int32_t training, cajal_tensor *out);

/* Channel dropout of (N, C, H, W) or (C, H, W): in training, each channel zeroed with
 * probability p (one uniform per channel from the default generator, kept when >= p), the
 * rest scaled by 1 / (1 - p); otherwise x itself. */
int cajal_nn_dropout2d(cajal_tensor x, double p, int32_t training, cajal_tensor *out);

/* Channel dropout with spatial_dims (1 to 3) spatial dims, (N, C, ...) or (C, ...): dropout1d, dropout2d and
 * dropout3d, drawn as cajal_nn_dropout2d draws. */
int cajal_nn_feature_dropout(cajal_tensor x, double p, int32_t training, int64_t spatial_dims, cajal_tensor *out);

/* CAJAL_OK when p is a dropout probability (in [0, 1]); the check nn.Dropout makes when it is built. */
int cajal_nn_check_dropout_probability(double p);

/* Deprecated since API version 3, removed in 4: cajal_nn_dropout_v2 in training. */
int cajal_nn_dropout(cajal_tensor x, double p, cajal_tensor *out);

/* padding_mode: CAJAL_CONV_PADDING_EXPLICIT (padding, on both sides), _SAME (stride 1) or _VALID. */
int cajal_nn_conv2d(cajal_tensor x, cajal_tensor weight, cajal_tensor bias, const int64_t *stride, size_t nstride,
                    cajal_conv_padding padding_mode, const int64_t *padding, size_t npadding, const int64_t *dilation,
                    size_t ndilation, int64_t groups, cajal_tensor *out);

/* conv2d's 1-d form: x (N, C, L) or (C, L), weight (O, C / groups, k). */
int cajal_nn_conv1d(cajal_tensor x, cajal_tensor weight, cajal_tensor bias, const int64_t *stride, size_t nstride,
                    cajal_conv_padding padding_mode, const int64_t *padding, size_t npadding, const int64_t *dilation,
                    size_t ndilation, int64_t groups, cajal_tensor *out);

/* conv2d's 3-d form: x (N, C, D, H, W) or (C, D, H, W), weight (O, C / groups, kD, kH, kW). The column
 * matrix is made a few output planes at a time (about 32 MB), so its memory stays bounded on large volumes. */
int cajal_nn_conv3d(cajal_tensor x, cajal_tensor weight, cajal_tensor bias, const int64_t *stride, size_t nstride,
                    cajal_conv_padding padding_mode, const int64_t *padding, size_t npadding, const int64_t *dilation,
                    size_t ndilation, int64_t groups, cajal_tensor *out);

/* The window maxima and their flat positions in each input plane. */
int cajal_nn_max_pool2d(cajal_tensor x, const int64_t *kernel_size, size_t nkernel, const int64_t *stride,
                        size_t nstride, const int64_t *padding, size_t npadding, const int64_t *dilation,
                        size_t ndilation, int32_t ceil_mode, cajal_tensor *values, cajal_tensor *indices);

/* max_pool2d's 1-d form. */
int cajal_nn_max_pool1d(cajal_tensor x, const int64_t *kernel_size, size_t nkernel, const int64_t *stride,
                        size_t nstride, const int64_t *padding, size_t npadding, const int64_t *dilation,
                        size_t ndilation, int32_t ceil_mode, cajal_tensor *values, cajal_tensor *indices);

/* divisor_override: 0 for none. */
int cajal_nn_avg_pool2d(cajal_tensor x, const int64_t *kernel_size, size_t nkernel, const int64_t *stride,
                        size_t nstride, const int64_t *padding, size_t npadding, int32_t ceil_mode,
                        int32_t count_include_pad, int64_t divisor_override, cajal_tensor *out);

/* avg_pool2d's 1-d form. */
int cajal_nn_avg_pool1d(cajal_tensor x, const int64_t *kernel_size, size_t nkernel, const int64_t *stride,
                        size_t nstride, const int64_t *padding, size_t npadding, int32_t ceil_mode,
                        int32_t count_include_pad, cajal_tensor *out);

/* max_pool2d's 3-d form; indices are positions in each input volume ((d H + h) W + w). */
int cajal_nn_max_pool3d(cajal_tensor x, const int64_t *kernel_size, size_t nkernel, const int64_t *stride,
                        size_t nstride, const int64_t *padding, size_t npadding, const int64_t *dilation,
                        size_t ndilation, int32_t ceil_mode, cajal_tensor *values, cajal_tensor *indices);

/* avg_pool2d's 3-d form. */
int cajal_nn_avg_pool3d(cajal_tensor x, const int64_t *kernel_size, size_t nkernel, const int64_t *stride,
                        size_t nstride, const int64_t *padding, size_t npadding, int32_t ceil_mode,
                        int32_t count_include_pad, int64_t divisor_override, cajal_tensor *out);

/* e^x / sum(e^x) along dim. */
int cajal_nn_softmax(cajal_tensor x, int64_t dim, cajal_tensor *out);

/* x - logsumexp(x) along dim. */
int cajal_nn_log_softmax(cajal_tensor x, int64_t dim, cajal_tensor *out);

/* x where x > 0, else negative_slope * x. */
int cajal_nn_leaky_relu(cajal_tensor x, double negative_slope, cajal_tensor *out);

/* x where x > 0, else alpha * (e^x - 1). */
int cajal_nn_elu(cajal_tensor x, double alpha, cajal_tensor *out);

/* tanh_approximation: 0 exact (erf), 1 the tanh formula. */
int cajal_nn_gelu(cajal_tensor x, int32_t tanh_approximation, cajal_tensor *out);

/* x * sigmoid(x). */
int cajal_nn_silu(cajal_tensor x, cajal_tensor *out);

/* log(1 + e^(beta x)) / beta; x where beta x > threshold. */
int cajal_nn_softplus(cajal_tensor x, double beta, double threshold, cajal_tensor *out);

/* x clipped to [min, max]. */
int cajal_nn_hardtanh(cajal_tensor x, double min, double max, cajal_tensor *out);

/* (input - target)^2, reduced. */
int cajal_nn_mse_loss(cajal_tensor input, cajal_tensor target, cajal_reduction reduction, cajal_tensor *out);

/* |input - target|, reduced. */
int cajal_nn_l1_loss(cajal_tensor input, cajal_tensor target, cajal_reduction reduction, cajal_tensor *out);

/* -(y log x + (1 - y) log(1 - x)) with logs clamped at -100, times weight, reduced. */
int cajal_nn_binary_cross_entropy(cajal_tensor input, cajal_tensor target, cajal_tensor weight,
                                  cajal_reduction reduction, cajal_tensor *out);

/* binary_cross_entropy of sigmoid(input), stable in the logits; pos_weight scales the positive term. */
int cajal_nn_binary_cross_entropy_with_logits(cajal_tensor input, cajal_tensor target, cajal_tensor weight,
                                              cajal_tensor pos_weight, cajal_reduction reduction, cajal_tensor *out);

/* target: int64 class indices. */
int cajal_nn_nll_loss(cajal_tensor input, cajal_tensor target, cajal_tensor weight, int64_t ignore_index,
                      cajal_reduction reduction, cajal_tensor *out);

/* target: int64 class indices, or float class probabilities shaped like input. */
int cajal_nn_cross_entropy(cajal_tensor input, cajal_tensor target, cajal_tensor weight, int64_t ignore_index,
                           cajal_reduction reduction, double label_smoothing, cajal_tensor *out);

/* SELU: scale * elu(x, alpha) with the self-normalising constants. */
int cajal_nn_selu(cajal_tensor x, cajal_tensor *out);

/* max(0, x) + min(0, alpha (e^(x/alpha) - 1)). */
int cajal_nn_celu(cajal_tensor x, double alpha, cajal_tensor *out);

/* x tanh(softplus(x)). */
int cajal_nn_mish(cajal_tensor x, cajal_tensor *out);

/* x / (1 + |x|). */
int cajal_nn_softsign(cajal_tensor x, cajal_tensor *out);

/* clamp(x / 6 + 1/2, 0, 1). */
int cajal_nn_hardsigmoid(cajal_tensor x, cajal_tensor *out);

/* x hardsigmoid(x). */
int cajal_nn_hardswish(cajal_tensor x, cajal_tensor *out);

/* log(sigmoid(x)), stable. */
int cajal_nn_log_sigmoid(cajal_tensor x, cajal_tensor *out);

/* x where x > threshold, else value. */
int cajal_nn_threshold(cajal_tensor x, double threshold, double value, cajal_tensor *out);

/* x where x > 0, else weight * x; weight has 1 or C (dim 1) elements. */
int cajal_nn_prelu(cajal_tensor x, cajal_tensor weight, cajal_tensor *out);

/* Normalises over the last ndims dims (normalized_shape); weight and bias shaped like it, or NULL. */
int cajal_nn_layer_norm(cajal_tensor x, const int64_t *normalized_shape, size_t ndims, cajal_tensor weight,
                        cajal_tensor bias, double eps, cajal_tensor *out);

/* Over dim 1 of (N, C, ...): batch statistics when training (updating running_mean and running_var in
 * place when given), the running ones otherwise. Any of the four tensors may be NULL. */
int cajal_nn_batch_norm(cajal_tensor x, cajal_tensor running_mean, cajal_tensor running_var, cajal_tensor weight,
                        cajal_tensor bias, int32_t training, double momentum, double eps, cajal_tensor *out);

/* Channels (dim 1) in num_groups groups, each normalised over its channels and positions. */
int cajal_nn_group_norm(cajal_tensor x, int64_t num_groups, cajal_tensor weight, cajal_tensor bias, double eps,
                        cajal_tensor *out);

/* Each (sample, channel) normalised over its positions with its own statistics. */
int cajal_nn_instance_norm(cajal_tensor x, cajal_tensor weight, cajal_tensor bias, double eps, cajal_tensor *out);

/* instance_norm with optional running statistics (torch's F.instance_norm): with use_input_stats, each
 * instance's own statistics, and the running ones (if given) updated in place by the mean over the batch of
 * their momentum updates; otherwise the running ones normalise. */
int cajal_nn_instance_norm_v2(cajal_tensor x, cajal_tensor running_mean, cajal_tensor running_var, cajal_tensor weight,
                              cajal_tensor bias, int32_t use_input_stats, double momentum, double eps,
                              cajal_tensor *out);

/* weight[input] for int64 indices; with has_padding, row padding_idx receives no gradient. */
int cajal_nn_embedding(cajal_tensor input, cajal_tensor weight, int32_t has_padding, int64_t padding_idx,
                       cajal_tensor *out);

/* 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta; d = input - target. */
int cajal_nn_smooth_l1_loss(cajal_tensor input, cajal_tensor target, cajal_reduction reduction, double beta,
                            cajal_tensor *out);

/* 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta). */
int cajal_nn_huber_loss(cajal_tensor input, cajal_tensor target, cajal_reduction reduction, double delta,
                        cajal_tensor *out);

/* KL divergence of log-probabilities input from target (F.kl_div), reduced; BATCHMEAN divides the sum by the batch size. */
int cajal_nn_kl_div_v2(cajal_tensor input, cajal_tensor target, cajal_reduction reduction, int32_t log_target,
                       cajal_tensor *out);

/* Deprecated since API version 3, removed in 4: cajal_nn_kl_div_v2 with reduction "none", "mean", "sum"
 * or "batchmean" spelled as a string. */
int cajal_nn_kl_div(cajal_tensor input, cajal_tensor target, const char *reduction, int32_t log_target,
                    cajal_tensor *out);

/* 0.5 (log max(var, eps) + (input - target)^2 / max(var, eps)) (+ 0.5 log 2 pi when full). */
int cajal_nn_gaussian_nll_loss(cajal_tensor input, cajal_tensor target, cajal_tensor variance, int32_t full, double eps,
                               cajal_reduction reduction, cajal_tensor *out);

/* e^input - target input (log_input), or input - target log(input + eps); Stirling's term when full. */
int cajal_nn_poisson_nll_loss(cajal_tensor input, cajal_tensor target, int32_t log_input, int32_t full, double eps,
                              cajal_reduction reduction, cajal_tensor *out);

/* 1 - cos for target 1, max(0, cos - margin) for target -1. */
int cajal_nn_cosine_embedding_loss(cajal_tensor input1, cajal_tensor input2, cajal_tensor target, double margin,
                                   cajal_reduction reduction, cajal_tensor *out);

/* max(0, -target (input1 - input2) + margin). */
int cajal_nn_margin_ranking_loss(cajal_tensor input1, cajal_tensor input2, cajal_tensor target, double margin,
                                 cajal_reduction reduction, cajal_tensor *out);

/* max(d(a, p) - d(a, n) + margin, 0) with the p-norm distance along the last dim. */
int cajal_nn_triplet_margin_loss(cajal_tensor anchor, cajal_tensor positive, cajal_tensor negative, double margin,
                                 double p, double eps, int32_t swap, cajal_reduction reduction, cajal_tensor *out);

/* Deprecated since API version 3, removed in 4: cajal_nn_dice_loss_v2 with its defaults (per sample, no activation). */
int cajal_nn_dice_loss(cajal_tensor input, cajal_tensor target, double smooth, cajal_reduction reduction,
                       cajal_tensor *out);

/* cajal's soft Dice: 1 - (2 sum(p t) + smooth) / (sum p + sum t + smooth), p = activation(input), reduced over the batch.
 * per_class 0: per sample over all dims but 0; 1: per sample and channel (N, C, ...) over the spatial dims, averaged over
 * the channels (weighted by weight, one per channel; may be NULL; channel 0 left out without include_background);
 * -1: per class when activation is SOFTMAX, target holds integer classes (N, ...) (made one-hot), include_background is 0
 * or weight is given. */
int cajal_nn_dice_loss_v2(cajal_tensor input, cajal_tensor target, double smooth, cajal_reduction reduction,
                          cajal_dice_activation activation, int32_t include_background, cajal_tensor weight,
                          int32_t per_class, cajal_tensor *out);

/* Constant padding: (before, after) pairs for the last dims, last dim first; negative values crop. */
int cajal_nn_pad(cajal_tensor x, const int64_t *pads, size_t npads, double value, cajal_tensor *out);

/* Padding by mode: (before, after) pairs for the last dims, last dim first; negative values crop. REFLECT,
 * REPLICATE and CIRCULAR pad the last 1 to 3 dims of an input with one or two more (torch's rule); value is for
 * CONSTANT only. */
int cajal_nn_pad_v2(cajal_tensor x, const int64_t *pads, size_t npads, cajal_pad_mode mode, double value,
                    cajal_tensor *out);

/* (N, C r^2, H, W) -> (N, C, H r, W r). */
int cajal_nn_pixel_shuffle(cajal_tensor x, int64_t upscale_factor, cajal_tensor *out);

/* Resizes the spatial dims of (N, C, ...) to size by mode. scales: input/output
 * ratios per dim (0: from the sizes), as torch's 1 / scale_factor; nscales may be 0. */
int cajal_nn_interpolate(cajal_tensor x, const int64_t *size, size_t nsize, const double *scales, size_t nscales,
                         cajal_interpolation mode, int32_t align_corners, cajal_tensor *out);

/* Adaptive average pooling of the last nsize dims to output_size. */
int cajal_nn_adaptive_avg_pool(cajal_tensor x, const int64_t *output_size, size_t nsize, cajal_tensor *out);

/* The transposed convolution (the input gradient of conv2d): x (N, Cin, H, W) or (Cin, H, W),
 * weight (Cin, Cout / groups, kH, kW), output (N, Cout, (H-1) s - 2 p + d (kH-1) + output_padding + 1, ...). */
int cajal_nn_conv_transpose2d(cajal_tensor x, cajal_tensor weight, cajal_tensor bias, const int64_t *stride,
                              size_t nstride, const int64_t *padding, size_t npadding, const int64_t *output_padding,
                              size_t noutput_padding, int64_t groups, const int64_t *dilation, size_t ndilation,
                              cajal_tensor *out);

/* The transposed convolution (the input gradient of conv1d): x (N, Cin, L) or (Cin, L), weight (Cin, Cout / groups, k). */
int cajal_nn_conv_transpose1d(cajal_tensor x, cajal_tensor weight, cajal_tensor bias, const int64_t *stride,
                              size_t nstride, const int64_t *padding, size_t npadding, const int64_t *output_padding,
                              size_t noutput_padding, int64_t groups, const int64_t *dilation, size_t ndilation,
                              cajal_tensor *out);

/* The transposed convolution (the input gradient of conv3d): x (N, Cin, D, H, W) or (Cin, D, H, W),
 * weight (Cin, Cout / groups, kD, kH, kW). */
int cajal_nn_conv_transpose3d(cajal_tensor x, cajal_tensor weight, cajal_tensor bias, const int64_t *stride,
                              size_t nstride, const int64_t *padding, size_t npadding, const int64_t *output_padding,
                              size_t noutput_padding, int64_t groups, const int64_t *dilation, size_t ndilation,
                              cajal_tensor *out);

/* The sampling grid (N, H, W, 2) of affine maps theta (N, 2, 3) for size (N, C, H, W), or (N, D, H, W, 3) of
 * theta (N, 3, 4) for size (N, C, D, H, W). */
int cajal_nn_affine_grid(cajal_tensor theta, const int64_t *size, size_t nsize, int32_t align_corners,
                         cajal_tensor *out);

/* Samples x (N, C, H, W) at grid (N, Ho, Wo, 2) points, or x (N, C, D, H, W) at grid (N, Do, Ho, Wo, 3) points
 * (x, y[, z] in [-1, 1]), by mode (BILINEAR is trilinear on volumes), reading padding_mode outside. */
int cajal_nn_grid_sample(cajal_tensor x, cajal_tensor grid, cajal_grid_sample_mode mode,
                         cajal_grid_padding padding_mode, int32_t align_corners, cajal_tensor *out);

/* Adaptive max pooling of the last two dims to output_size: the maxima and their flat positions. */
int cajal_nn_adaptive_max_pool2d(cajal_tensor x, const int64_t *output_size, size_t nsize, cajal_tensor *values,
                                 cajal_tensor *indices);

/* Adaptive max pooling of the last nsize (1 to 3) dims to output_size: the maxima and their positions in each input sequence, plane or volume. */
int cajal_nn_adaptive_max_pool(cajal_tensor x, const int64_t *output_size, size_t nsize, cajal_tensor *values,
                               cajal_tensor *indices);

/* Recurrent layers (by mode) over a padded (T, B, I) / batch_first / unbatched input,
 * or over packed rows when batch_sizes (1-D int64) is given. weights: torch's flat list per layer and direction,
 * w_ih, w_hh (, b_ih, b_hh) (, w_hr with has_projection: an LSTM's proj_size, h = W_hr (o * tanh(c))). hx, cx may be
 * NULL (zeros); cell receives c_n for LSTM only (may be NULL otherwise). */
int cajal_nn_rnn_v2(cajal_rnn_mode mode, cajal_tensor input, cajal_tensor batch_sizes, cajal_tensor hx, cajal_tensor cx,
                    const cajal_tensor *weights, size_t nweights, int32_t has_bias, int32_t has_projection,
                    int64_t num_layers, int32_t bidirectional, double dropout, int32_t training, int32_t batch_first,
                    cajal_tensor *output, cajal_tensor *hidden, cajal_tensor *cell);

/* Deprecated since API version 3, removed in 4: cajal_nn_rnn_v2 without projections. */
int cajal_nn_rnn(cajal_rnn_mode mode, cajal_tensor input, cajal_tensor batch_sizes, cajal_tensor hx, cajal_tensor cx,
                 const cajal_tensor *weights, size_t nweights, int32_t has_bias, int64_t num_layers,
                 int32_t bidirectional, double dropout, int32_t training, int32_t batch_first, cajal_tensor *output,
                 cajal_tensor *hidden, cajal_tensor *cell);

/* pack_padded_sequence with int64 lengths; sorted_indices / unsorted_indices are NULL when enforce_sorted. */
int cajal_nn_pack_padded_sequence(cajal_tensor input, cajal_tensor lengths, int32_t batch_first, int32_t enforce_sorted,
                                  cajal_tensor *data, cajal_tensor *batch_sizes, cajal_tensor *sorted_indices,
                                  cajal_tensor *unsorted_indices);

/* pad_packed_sequence: the padded batch in the original order and the int64 lengths; total_length < 0 for none. */
int cajal_nn_pad_packed_sequence(cajal_tensor data, cajal_tensor batch_sizes, cajal_tensor sorted_indices,
                                 int32_t batch_first, double padding_value, int64_t total_length, cajal_tensor *padded,
                                 cajal_tensor *lengths);

/* pad_sequence: sequences (L_i, *) stacked into (max L, B, *), or (B, max L, *) with batch_first. */
int cajal_nn_pad_sequence(const cajal_tensor *sequences, size_t count, int32_t batch_first, double padding_value,
                          cajal_tensor *out);

/* softmax(q k^T scale + mask) v over the last two dims; attn_mask (bool: true may attend; float: added) may be NULL;
 * has_scale 0 uses 1/sqrt(E). */
int cajal_nn_scaled_dot_product_attention(cajal_tensor query, cajal_tensor key, cajal_tensor value,
                                          cajal_tensor attn_mask, double dropout_p, int32_t is_causal,
                                          int32_t has_scale, double scale, cajal_tensor *out);

/* MultiheadAttention's forward, time-major (L, N, E): in_proj_weight, or q/k/v_proj_weight when the sizes differ; masks
 * (bool: true is blocked; float: added) and biases may be NULL. bias_k and bias_v (1, 1, E; add_bias_kv, both or neither)
 * and add_zero_attn each append a source position every query may attend. weights receives NULL unless need_weights. */
int cajal_nn_multi_head_attention_v2(cajal_tensor query, cajal_tensor key, cajal_tensor value, int64_t num_heads,
                                     cajal_tensor in_proj_weight, cajal_tensor q_proj_weight,
                                     cajal_tensor k_proj_weight, cajal_tensor v_proj_weight, cajal_tensor in_proj_bias,
                                     cajal_tensor out_proj_weight, cajal_tensor out_proj_bias, cajal_tensor bias_k,
                                     cajal_tensor bias_v, int32_t add_zero_attn, cajal_tensor key_padding_mask,
                                     cajal_tensor attn_mask, int32_t need_weights, int32_t average_attn_weights,
                                     int32_t is_causal, double dropout_p, int32_t training, cajal_tensor *output,
                                     cajal_tensor *weights);

/* Deprecated since API version 3, removed in 4: cajal_nn_multi_head_attention_v2 without bias_k, bias_v and
 * add_zero_attn. */
int cajal_nn_multi_head_attention(cajal_tensor query, cajal_tensor key, cajal_tensor value, int64_t num_heads,
                                  cajal_tensor in_proj_weight, cajal_tensor q_proj_weight, cajal_tensor k_proj_weight,
                                  cajal_tensor v_proj_weight, cajal_tensor in_proj_bias, cajal_tensor out_proj_weight,
                                  cajal_tensor out_proj_bias, cajal_tensor key_padding_mask, cajal_tensor attn_mask,
                                  int32_t need_weights, int32_t average_attn_weights, int32_t is_causal,
                                  double dropout_p, int32_t training, cajal_tensor *output, cajal_tensor *weights);

/* Optimizer steps over one parameter group. Every array holds `count` handles, one per parameter, in the same order;
 * parameters, state tensors and the float32 0-dim step counters are updated in place. Formulas are torch.optim's. */

/* torch's checks of an optimizer's options, made when it is built: count options under torch's names
 * ("lr", "eps", "momentum", "weight_decay", "beta1", "beta2", "rho", "alpha", "lr_decay", ...) with their
 * values; integral[i] non-zero when the caller wrote an integer (the message shows it so). SGD's nesterov
 * (1 or 0) is checked against its momentum and dampening. */
int cajal_optim_check_options(const char *const *names, const double *values, const int32_t *integral, size_t count);

/* SGD; momentum_buffers entries may be NULL (no buffer yet): a buffer made by this step is returned in
 * created_buffers[i] (a new handle), other entries of created_buffers are left untouched. */
int cajal_optim_sgd_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *momentum_buffers,
                         size_t count, double lr, double momentum, double dampening, double weight_decay,
                         int32_t nesterov, int32_t maximize, cajal_tensor *created_buffers);

/* Adam (AdamW with decoupled_weight_decay); max_exp_avg_sqs is read only with amsgrad and may be NULL otherwise. */
int cajal_optim_adam_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *steps,
                          const cajal_tensor *exp_avgs, const cajal_tensor *exp_avg_sqs,
                          const cajal_tensor *max_exp_avg_sqs, size_t count, double lr, double beta1, double beta2,
                          double eps, double weight_decay, int32_t amsgrad, int32_t maximize,
                          int32_t decoupled_weight_decay);

/* RMSprop; grad_avgs is read only when centered, momentum_buffers only when momentum > 0 (NULL otherwise). */
int cajal_optim_rmsprop_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *steps,
                             const cajal_tensor *square_avgs, const cajal_tensor *grad_avgs,
                             const cajal_tensor *momentum_buffers, size_t count, double lr, double alpha, double eps,
                             double weight_decay, double momentum, int32_t centered, int32_t maximize);

/* Adagrad; sums start at initial_accumulator_value. */
int cajal_optim_adagrad_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *steps,
                             const cajal_tensor *sums, size_t count, double lr, double lr_decay, double weight_decay,
                             double eps, int32_t maximize);

/* Adadelta. */
int cajal_optim_adadelta_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *steps,
                              const cajal_tensor *square_avgs, const cajal_tensor *acc_deltas, size_t count, double lr,
                              double rho, double eps, double weight_decay, int32_t maximize);

/* NAdam; mu_products are float32 0-dim tensors starting at 1. */
int cajal_optim_nadam_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *steps,
                           const cajal_tensor *mu_products, const cajal_tensor *exp_avgs,
                           const cajal_tensor *exp_avg_sqs, size_t count, double lr, double beta1, double beta2,
                           double eps, double weight_decay, double momentum_decay, int32_t decoupled_weight_decay,
                           int32_t maximize);

/* RAdam. */
int cajal_optim_radam_step(const cajal_tensor *params, const cajal_tensor *grads, const cajal_tensor *steps,
                           const cajal_tensor *exp_avgs, const cajal_tensor *exp_avg_sqs, size_t count, double lr,
                           double beta1, double beta2, double eps, double weight_decay, int32_t decoupled_weight_decay,
                           int32_t maximize);

/* clip_grad_norm_: scales the gradients in place so that their joint norm_type-norm is at most max_norm;
 * out receives the norm they had (0-dim). */
int cajal_optim_clip_grad_norm(const cajal_tensor *grads, size_t count, double max_norm, double norm_type,
                               int32_t error_if_nonfinite, cajal_tensor *out);

/* clip_grad_value_: clamps the gradients in place to [-clip_value, clip_value]. */
int cajal_optim_clip_grad_value(const cajal_tensor *grads, size_t count, double clip_value);

/* Checkpoints in the safetensors format. Writes go to a temporary file in the same folder, are fsynced and renamed
 * over path, so a crash leaves the old file intact; a CRC-32 of the data is stored in the metadata and checked on load.
 * Truncated, corrupted or foreign files fail with a message; no code in a file is ever run. */

/* Saves count named tensors and metadata_count string pairs of metadata to path. */
int cajal_safetensors_save(const char *path, const char *const *names, const cajal_tensor *tensors, size_t count,
                           const char *const *metadata_keys, const char *const *metadata_values, size_t metadata_count);

/* Loads path into a new archive (free it with cajal_archive_free). */
int cajal_safetensors_load(const char *path, cajal_archive *out);

/* Frees an archive; the tensors taken from it stay valid. NULL is a no-op. */
void cajal_archive_free(cajal_archive archive);

/* The numbers of tensors and metadata pairs; either out-pointer may be NULL. */
int cajal_archive_count(cajal_archive archive, size_t *tensor_count, size_t *metadata_count);

/* Tensor i in file order: its name (owned by the archive, may be NULL) and a new tensor handle. */
int cajal_archive_tensor(cajal_archive archive, size_t i, const char **name, cajal_tensor *out);

/* Metadata pair i, sorted by key; the strings are owned by the archive. */
int cajal_archive_metadata(cajal_archive archive, size_t i, const char **key, const char **value);

/* The rest of everyday torch.nn (issue 20): patches, shuffles and unpooling, distances between embeddings,
 * more activations and losses. */

/* F.unfold (im2col): x (N, C, H, W) or (C, H, W) to (N, C kH kW, L) or (C kH kW, L), column l the block under
 * sliding position l (row-major); each list holds one value or two. */
int cajal_nn_unfold(cajal_tensor x, const int64_t *kernel_size, size_t nkernel, const int64_t *dilation,
                    size_t ndilation, const int64_t *padding, size_t npadding, const int64_t *stride, size_t nstride,
                    cajal_tensor *out);

/* F.fold (col2im), unfold's adjoint: x (N, C kH kW, L) or (C kH kW, L) to (N, C, *output_size), overlapping blocks added. */
int cajal_nn_fold(cajal_tensor x, const int64_t *output_size, size_t nsize, const int64_t *kernel_size, size_t nkernel,
                  const int64_t *dilation, size_t ndilation, const int64_t *padding, size_t npadding,
                  const int64_t *stride, size_t nstride, cajal_tensor *out);

/* (*, C, H r, W r) -> (*, C r^2, H, W), pixel_shuffle's inverse. */
int cajal_nn_pixel_unshuffle(cajal_tensor x, int64_t downscale_factor, cajal_tensor *out);

/* (N, C, *) with its channels in `groups` groups interleaved (ShuffleNet). */
int cajal_nn_channel_shuffle(cajal_tensor x, int64_t groups, cajal_tensor *out);

/* max_unpool1d/2d/3d: x's values written at their int64 indices (positions in each output sequence, plane or volume,
 * as max_pool returns them) of a zero output whose last nsize (1 to 3) dims are output_size. */
int cajal_nn_max_unpool(cajal_tensor x, cajal_tensor indices, const int64_t *output_size, size_t nsize,
                        cajal_tensor *out);

/* x / max(||x||_p, eps) along dim. */
int cajal_nn_normalize(cajal_tensor x, double p, int64_t dim, double eps, cajal_tensor *out);

/* sum((x1 / max(||x1||, eps)) (x2 / max(||x2||, eps))) along dim of the broadcast inputs. */
int cajal_nn_cosine_similarity(cajal_tensor x1, cajal_tensor x2, int64_t dim, double eps, cajal_tensor *out);

/* ||x1 - x2 + eps||_p along the last dim of the broadcast inputs. */
int cajal_nn_pairwise_distance(cajal_tensor x1, cajal_tensor x2, double p, double eps, int32_t keepdim,
                               cajal_tensor *out);

/* The p-norm distances between the rows of x (N, M) for every pair i < j, row-major: N (N - 1) / 2 values. */
int cajal_nn_pdist(cajal_tensor x, double p, cajal_tensor *out);

/* a sigmoid(b), a and b the halves of dim (its size even). */
int cajal_nn_glu(cajal_tensor x, int64_t dim, cajal_tensor *out);

/* x where |x| > lambda, else 0. */
int cajal_nn_hardshrink(cajal_tensor x, double lambda, cajal_tensor *out);

/* x - lambda above lambda, x + lambda below -lambda, else 0; lambda >= 0. */
int cajal_nn_softshrink(cajal_tensor x, double lambda, cajal_tensor *out);

/* Randomized leaky ReLU: in training, each element <= 0 times a slope uniform in [lower, upper) drawn from the
 * default generator in order (torch's draws); otherwise leaky_relu with slope (lower + upper) / 2. */
int cajal_nn_rrelu(cajal_tensor x, double lower, double upper, int32_t training, cajal_tensor *out);

/* Alpha dropout (SELU networks), in training: dropped elements (whole channels with feature) set to SELU's negative
 * saturation, then an affine correction keeps mean and variance; the mask draws as dropout's does. */
int cajal_nn_alpha_dropout(cajal_tensor x, double p, int32_t training, int32_t feature, cajal_tensor *out);

/* x / sqrt(mean(x^2) + eps) over the trailing normalized_shape, times weight (may be NULL); without has_eps, eps is
 * the machine epsilon of x's compute type. */
int cajal_nn_rms_norm(cajal_tensor x, const int64_t *normalized_shape, size_t nshape, cajal_tensor weight,
                      int32_t has_eps, double eps, cajal_tensor *out);

/* log(1 + e^(-target input)), reduced. */
int cajal_nn_soft_margin_loss(cajal_tensor input, cajal_tensor target, cajal_reduction reduction, cajal_tensor *out);

/* input where target is 1, max(0, margin - input) where target is -1, reduced. */
int cajal_nn_hinge_embedding_loss(cajal_tensor input, cajal_tensor target, double margin, cajal_reduction reduction,
                                  cajal_tensor *out);

/* Multi-class hinge loss: per row of input (N, C) or (C), the sum over classes i other than the int64 target y of
 * max(0, margin - x[y] + x[i])^p (p 1 or 2), times weight[y] (weight may be NULL), over C; reduced. */
int cajal_nn_multi_margin_loss(cajal_tensor input, cajal_tensor target, int64_t p, double margin, cajal_tensor weight,
                               cajal_reduction reduction, cajal_tensor *out);

/* Multi-label hinge loss: per row, the sum over its target classes j (the int64 labels before the first -1)
 * and the other classes i of max(0, 1 - (x[j] - x[i])), over C; reduced. */
int cajal_nn_multilabel_margin_loss(cajal_tensor input, cajal_tensor target, cajal_reduction reduction,
                                    cajal_tensor *out);

/* Connectionist temporal classification: log_probs (T, N, C) (log_softmax outputs) or (T, C) unbatched; targets
 * (N, S) padded or the label sequences concatenated (1-D), integer labels in [0, C); one input length (at most T) and one
 * target length per sample. MEAN divides each loss by its target length (at least 1) before averaging; zero_infinity
 * zeroes infinite losses and their gradients. The gradient is torch's (exp(lp) minus the posterior). */
int cajal_nn_ctc_loss(cajal_tensor log_probs, cajal_tensor targets, const int64_t *input_lengths, size_t ninput,
                      const int64_t *target_lengths, size_t ntarget, int64_t blank, cajal_reduction reduction,
                      int32_t zero_infinity, cajal_tensor *out);

/* x - tanh(x). */
int cajal_nn_tanhshrink(cajal_tensor x, cajal_tensor *out);

/* x / (k + alpha mean(x^2 over `size` neighbouring channels))^beta, for (N, C, ...) of 3 or more dims. */
int cajal_nn_local_response_norm(cajal_tensor x, int64_t size, double alpha, double beta, double k, cajal_tensor *out);

/* lp_pool1d/2d/3d: (sum of x^p over each window)^(1/p), p = norm_type; an empty stride means stride = kernel_size. */
int cajal_nn_lp_pool(cajal_tensor x, double norm_type, const int64_t *kernel_size, size_t nkernel,
                     const int64_t *stride, size_t nstride, int32_t ceil_mode, int64_t spatial_dims, cajal_tensor *out);

/* The mean over classes (last dim) of -(t log sigmoid(x) + (1 - t) log sigmoid(-x)), times weight (may be NULL); reduced. */
int cajal_nn_multilabel_soft_margin_loss(cajal_tensor input, cajal_tensor target, cajal_tensor weight,
                                         cajal_reduction reduction, cajal_tensor *out);

/* F.embedding_bag: weight's rows at the int64 indices reduced per bag by mode. input (B, L) is B bags (offsets NULL);
 * 1-D input takes offsets, the start of each bag (one more, the end, with include_last_offset). Entries equal to
 * padding_idx (with has_padding) are left out; empty bags give zeros. per_sample_weights (shaped as input, SUM only) may
 * be NULL. */
int cajal_nn_embedding_bag(cajal_tensor input, cajal_tensor weight, cajal_tensor offsets, cajal_embedding_bag_mode mode,
                           cajal_tensor per_sample_weights, int32_t include_last_offset, int32_t has_padding,
                           int64_t padding_idx, cajal_tensor *out);

/* ---------------------------------- complex numbers and Fourier transforms */

/* CAJAL_COMPLEX64 and CAJAL_COMPLEX128 hold interleaved (re, im) pairs of float32 or float64.
 * Views, indexing, joining, +, -, *, /, neg, abs, sum and mean take them; other ops refuse them by name. */

/* Like cajal_tensor_scalar, for a host complex number (a Python complex): a
 * complex128 0-dim tensor that ranks below real tensors, so float32 * 1j is complex64. */
int cajal_tensor_scalar_complex(double re, double im, cajal_tensor *out);

/* torch.view_as_real: a complex tensor's (re, im) pairs as a float view with a last dim of 2. */
int cajal_tensor_view_as_real(cajal_tensor x, cajal_tensor *out);

/* torch.view_as_complex: a float32/float64 tensor whose last dim (size 2, stride 1) holds (re, im), as complex. */
int cajal_tensor_view_as_complex(cajal_tensor x, cajal_tensor *out);

/* torch.complex: real + i imag, from float tensors of one dtype (broadcast). */
int cajal_complex(cajal_tensor real, cajal_tensor imag, cajal_tensor *out);

/* The real parts of a complex tensor, as a view. */
int cajal_tensor_real(cajal_tensor x, cajal_tensor *out);

/* The imaginary parts of a complex tensor, as a view. */
int cajal_tensor_imag(cajal_tensor x, cajal_tensor *out);

/* The complex conjugate (a new tensor); a real tensor is returned as itself. */
int cajal_tensor_conj(cajal_tensor x, cajal_tensor *out);

/* The argument of each element, atan2(imag, real) (0 or pi for real tensors). */
int cajal_tensor_angle(cajal_tensor x, cajal_tensor *out);

/* torch.fft.fft (ifft when inverse is nonzero) along dim by FFTW, after zero-padding or trimming dim to n
 * points (n -1 keeps its size). Real input is taken as complex. */
int cajal_fft_fft(cajal_tensor x, int64_t n, int64_t dim, cajal_fft_norm norm, int32_t inverse, cajal_tensor *out);

/* torch.fft.rfft: the n / 2 + 1 non-negative frequency bins of a real signal (n -1: dim's size). */
int cajal_fft_rfft(cajal_tensor x, int64_t n, int64_t dim, cajal_fft_norm norm, cajal_tensor *out);

/* torch.fft.irfft: n real points (n -1: 2 (bins - 1)) from the first n / 2 + 1 bins of a Hermitian spectrum. */
int cajal_fft_irfft(cajal_tensor x, int64_t n, int64_t dim, cajal_fft_norm norm, cajal_tensor *out);

/* ------------------------------------------------------------- distributed */

/* Joins the job's process group (MPI_Init_thread); a second call does nothing.
 * Fails with CAJAL_ERR_RUNTIME when MPI cannot be loaded. */
int cajal_dist_init(void);

/* 1 between cajal_dist_init and cajal_dist_finalize, else 0. */
int32_t cajal_dist_is_initialized(void);

/* 1 when MPI can be loaded on this machine (loading it), else 0. */
int32_t cajal_dist_is_available(void);

/* Leaves the process group (MPI_Finalize); it cannot be joined again in this process. */
int cajal_dist_finalize(void);

/* This process's rank, from 0. */
int cajal_dist_rank(int32_t *out);

/* The number of ranks. */
int cajal_dist_world_size(int32_t *out);

/* Returns once every rank has called it. */
int cajal_dist_barrier(void);

/* Reduces the tensor over the ranks, in place on each (float32, float64,
 * int32 or int64; CAJAL_REDUCE_AVG floating only). */
int cajal_dist_all_reduce(cajal_tensor tensor, cajal_reduce_op op);

/* Copies rank src's tensor into every rank's, in place (any dtype). */
int cajal_dist_broadcast(cajal_tensor tensor, int32_t src);

/* Every rank's tensor, in rank order, as new tensors on every rank: outs has
 * room for capacity handles (at least the world size); *count gets how many were written. */
int cajal_dist_all_gather(cajal_tensor tensor, cajal_tensor *outs, size_t capacity, size_t *count);

/* Reduces the ranks' inputs (count = the world size, each of the output's
 * shape and dtype) element-wise; inputs[r] reduced lands in rank r's output. */
int cajal_dist_reduce_scatter(cajal_tensor output, const cajal_tensor *inputs, size_t count, cajal_reduce_op op);

/* Sends the tensor to rank dst (tag 0-32767), blocking until MPI has taken it. */
int cajal_dist_send(cajal_tensor tensor, int32_t dst, int32_t tag);

/* Receives into the tensor (its size and dtype must match what was sent) from
 * rank src, or from any rank when src is -1; *sender gets the rank it came from. */
int cajal_dist_recv(cajal_tensor tensor, int32_t src, int32_t tag, int32_t *sender);

/* Starts reducing the tensor over the ranks and returns at once with a work
 * number for cajal_dist_work_wait / cajal_dist_work_test; the result is in the
 * tensor once done. Keep the tensor unchanged meanwhile. Every started reduction
 * must be waited for (or tested until done), in the same order on every rank
 * relative to the other collectives. */
int cajal_dist_all_reduce_start(cajal_tensor tensor, cajal_reduce_op op, int64_t *work);

/* Blocks until the started reduction has finished; the work number is then spent. */
int cajal_dist_work_wait(int64_t work);

/* *done gets 1 when the started reduction has finished (the number is then
 * spent), 0 otherwise; each call lets MPI progress. */
int cajal_dist_work_test(int64_t work, int32_t *done);

/* ------------------------------------------------------------------- plans */

/* A plan is a recording of the calls this thread makes between
 * cajal_plan_begin and cajal_plan_end (ops, backward, optimizer steps, in-place
 * updates, grad-mode changes), which cajal_plan_run repeats with new inputs in
 * one call. Tensors from before the capture (parameters, optimizer state) are
 * used by the plan as they are then; the inputs are replaced. A call that
 * reads tensor values (cajal_tensor_item, cajal_tensor_copy_to, ...) or takes a
 * callback makes cajal_plan_end fail with CAJAL_ERR_NOT_IMPLEMENTED and the
 * reason; the calls themselves still ran, so the caller can go on without a plan.
 * Tensors a recorded call made must be freed before cajal_plan_end unless they
 * are outputs: one still held would not be updated by a run, so it fails the capture. */

/* Starts recording this thread's calls. inputs are the tensors a run
 * replaces; a run checks that its inputs have their shapes, strides, dtypes and
 * requires_grad. One capture per thread at a time. */
int cajal_plan_begin(const cajal_tensor *inputs, size_t count);

/* Ends the recording and makes a plan whose runs return handles to these
 * outputs (each an input, a tensor a recorded call made, or one from before).
 * Fails, making no plan, if a recorded call could not be captured. */
int cajal_plan_end(const cajal_tensor *outputs, size_t count, cajal_plan *out);

/* Drops this thread's capture, if any, without making a plan (the captured function failed). */
void cajal_plan_abort(void);

/* Repeats the plan's calls on new inputs and writes a new handle for each
 * output. An input whose shape, strides, dtype or requires_grad differs from the
 * capture's, or a grad mode that differs, fails with CAJAL_ERR_VALUE before any call runs. */
int cajal_plan_run(cajal_plan plan, const cajal_tensor *inputs, size_t ninputs, cajal_tensor *outputs, size_t noutputs);

/* How many recorded calls a run of the plan makes. */
int cajal_plan_step_count(cajal_plan plan, size_t *out);

/* Releases a plan and the tensors it holds. NULL is a no-op. */
void cajal_plan_free(cajal_plan plan);

#ifdef __cplusplus
}
#endif

#endif /* CAJAL_H */
