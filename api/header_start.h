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
