#ifndef CAJAL_DNNL_H
#define CAJAL_DNNL_H

#include <stdint.h>

/* oneDNN 2.x (Debian's libdnnl2: the library torch's own CPU convolutions run
 * on), loaded by the engine at its first float32 convolution rather than
 * linked, so that a program without it keeps the im2col path. A convolution
 * goes through oneDNN's direct (JIT) kernels: the plain NC(D)HW tensors are
 * reordered into the blocked layouts those kernels pick and back. Primitives
 * are built once per geometry and thread count and kept (a bounded table).
 * Every call returns 0 on success, -1 when oneDNN cannot be loaded and -2
 * when it cannot run this convolution (the caller falls back).
 * Internal: not part of libcajal.so's API. */

#define CAJAL_DNNL_INTERNAL __attribute__((visibility("hidden")))

/* One convolution's geometry, all extents validated by the caller. spatial is
 * 2 (images and sequences, height 1) or 3 (volumes); for 2, the [0] entries
 * (depth) are ignored. */
typedef struct {
    int64_t spatial, batch, in_channels, out_channels, groups;
    int64_t in[3], out[3], kernel[3], stride[3], dilation[3], pad_before[3];
} cajal_dnnl_convolution;

/* 1 when oneDNN 2.x is loaded (loading it on the first call), 0 otherwise. */
CAJAL_DNNL_INTERNAL int cajal_dnnl_available(void);

/* "oneDNN 2.6.3" once loaded, "" otherwise. */
CAJAL_DNNL_INTERNAL const char *cajal_dnnl_version(void);

/* y = conv(x, w) + bias (bias may be NULL), all float32 and dense: x (N,
 * Cin, ...), w (Cout, Cin / groups, k...), bias (Cout), y (N, Cout, ...). */
CAJAL_DNNL_INTERNAL int cajal_dnnl_convolution_forward(const cajal_dnnl_convolution *g, const float *x, const float *w,
                                                       const float *bias, float *y, int threads);

/* dx = the input gradient of y = conv(x, w) for dy (written, not added). */
CAJAL_DNNL_INTERNAL int cajal_dnnl_convolution_backward_data(const cajal_dnnl_convolution *g, const float *dy,
                                                             const float *w, float *dx, int threads);

/* dw = the weight gradient of y = conv(x, w) for dy (written, not added). */
CAJAL_DNNL_INTERNAL int cajal_dnnl_convolution_backward_weights(const cajal_dnnl_convolution *g, const float *x,
                                                                const float *dy, float *dw, int threads);

#endif
