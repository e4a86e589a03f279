/* oneDNN 2.x through dlopen: see include/cajal_dnnl.h.
 *
 * oneDNN's C API is declared here, not included: the engine builds without its
 * headers. Only what a convolution needs is declared, with the values of
 * oneDNN 2.x's enums (stable within a major version; the version is checked
 * at load). Its descriptors are caller-allocated structs, given buffers larger
 * than 2.x's (696 bytes for a memory descriptor, 5976 for a convolution's). */
#include "cajal_dnnl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int status_t;
typedef void *handle_t;
typedef struct { _Alignas(64) unsigned char bytes[2048]; } memory_desc_t;
typedef struct { _Alignas(64) unsigned char bytes[16384]; } operation_desc_t;
typedef struct { int arg; handle_t memory; } exec_arg_t;
typedef struct { int major, minor, patch; const char *hash; unsigned cpu_runtime, gpu_runtime; } version_t;

enum { U8 = 6, F32 = 3, TAG_ANY = 1, CPU_ENGINE = 1, STREAM_IN_ORDER = 1 };
enum { FORWARD_TRAINING = 64, CONVOLUTION_DIRECT = 1 };
enum { ARG_SRC = 1, ARG_DST = 17, ARG_WEIGHTS = 33, ARG_BIAS = 41, ARG_SCRATCHPAD = 80, ARG_DIFF_SRC = 129, ARG_DIFF_DST = 145,
       ARG_DIFF_WEIGHTS = 161 };
enum { SCRATCHPAD_USER = 1, QUERY_SCRATCHPAD = 136 };
enum { QUERY_SRC = 129, QUERY_DIFF_SRC = 130, QUERY_WEIGHTS = 131, QUERY_DIFF_WEIGHTS = 132, QUERY_DST = 133,
       QUERY_DIFF_DST = 134 };

/* The plain row-major tags a, ab, abc, ... by number of dims (oneDNN 2.x's dnnl_format_tag_t). */
static int plain_tag(int ndims) {
    switch (ndims) {
    case 1: return 2;  /* a: a scratchpad's bytes */
    case 3: return 4;  /* abc: ncw, oiw */
    case 4: return 5;  /* abcd: nchw, oihw, goiw */
    case 5: return 7;  /* abcde: ncdhw, oidhw, goihw */
    case 6: return 8;  /* abcdef: goidhw */
    default: return 0;
    }
}

static struct {
    const version_t *(*version)(void);
    status_t (*engine_create)(handle_t *, int, size_t);
    status_t (*stream_create)(handle_t *, handle_t, unsigned);
    status_t (*stream_wait)(handle_t);
    status_t (*memory_desc_init_by_tag)(memory_desc_t *, int, const int64_t *, int, int);
    int (*memory_desc_equal)(const memory_desc_t *, const memory_desc_t *);
    size_t (*memory_desc_get_size)(const memory_desc_t *);
    status_t (*memory_create)(handle_t *, const memory_desc_t *, handle_t, void *);
    status_t (*memory_destroy)(handle_t);
    status_t (*forward_desc_init)(operation_desc_t *, int, int, const memory_desc_t *, const memory_desc_t *,
                                  const memory_desc_t *, const memory_desc_t *, const int64_t *, const int64_t *,
                                  const int64_t *, const int64_t *);
    status_t (*backward_data_desc_init)(operation_desc_t *, int, const memory_desc_t *, const memory_desc_t *,
                                        const memory_desc_t *, const int64_t *, const int64_t *, const int64_t *,
                                        const int64_t *);
    status_t (*backward_weights_desc_init)(operation_desc_t *, int, const memory_desc_t *, const memory_desc_t *,
                                           const memory_desc_t *, const memory_desc_t *, const int64_t *,
                                           const int64_t *, const int64_t *, const int64_t *);
    status_t (*primitive_desc_create)(handle_t *, const void *, const void *, handle_t, handle_t);
    const memory_desc_t *(*primitive_desc_query_md)(handle_t, int, int);
    status_t (*primitive_desc_destroy)(handle_t);
    status_t (*reorder_primitive_desc_create)(handle_t *, const memory_desc_t *, handle_t, const memory_desc_t *,
                                              handle_t, const void *);
    status_t (*primitive_create)(handle_t *, handle_t);
    status_t (*primitive_execute)(handle_t, handle_t, int, const exec_arg_t *);
    status_t (*primitive_destroy)(handle_t);
    status_t (*attr_create)(handle_t *);
    status_t (*attr_destroy)(handle_t);
    status_t (*attr_set_scratchpad_mode)(handle_t, int);
    void (*set_threads)(int); /* libgomp's omp_set_num_threads and omp_get_max_threads: oneDNN runs on OpenMP */
    int (*get_threads)(void);
    handle_t engine;
    handle_t attributes; /* scratchpads passed by the caller: a call needs no state the library shares between calls */
} dnnl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded;
static char version_text[48];

/* A child forked after oneDNN ran cannot use it: libgomp's thread pool is the
 * parent's, and the child's first parallel region would wait for threads that
 * do not exist (a data-loader worker would hang). Its convolutions go back to
 * im2col. */
static void forget_in_child(void) { loaded = 0; }

static void load(void) {
    void *lib = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return;
#define SYMBOL(field, name) *(void **)&dnnl.field = dlsym(lib, name)
    SYMBOL(version, "dnnl_version");
    SYMBOL(engine_create, "dnnl_engine_create");
    SYMBOL(stream_create, "dnnl_stream_create");
    SYMBOL(stream_wait, "dnnl_stream_wait");
    SYMBOL(memory_desc_init_by_tag, "dnnl_memory_desc_init_by_tag");
    SYMBOL(memory_desc_equal, "dnnl_memory_desc_equal");
    SYMBOL(memory_desc_get_size, "dnnl_memory_desc_get_size");
    SYMBOL(memory_create, "dnnl_memory_create");
    SYMBOL(memory_destroy, "dnnl_memory_destroy");
    SYMBOL(forward_desc_init, "dnnl_dilated_convolution_forward_desc_init");
    SYMBOL(backward_data_desc_init, "dnnl_dilated_convolution_backward_data_desc_init");
    SYMBOL(backward_weights_desc_init, "dnnl_dilated_convolution_backward_weights_desc_init");
    SYMBOL(primitive_desc_create, "dnnl_primitive_desc_create");
    SYMBOL(primitive_desc_query_md, "dnnl_primitive_desc_query_md");
    SYMBOL(primitive_desc_destroy, "dnnl_primitive_desc_destroy");
    SYMBOL(reorder_primitive_desc_create, "dnnl_reorder_primitive_desc_create");
    SYMBOL(primitive_create, "dnnl_primitive_create");
    SYMBOL(primitive_execute, "dnnl_primitive_execute");
    SYMBOL(primitive_destroy, "dnnl_primitive_destroy");
    SYMBOL(attr_create, "dnnl_primitive_attr_create");
    SYMBOL(attr_destroy, "dnnl_primitive_attr_destroy");
    SYMBOL(attr_set_scratchpad_mode, "dnnl_primitive_attr_set_scratchpad_mode");
    SYMBOL(set_threads, "omp_set_num_threads");
    SYMBOL(get_threads, "omp_get_max_threads");
#undef SYMBOL
    void **fields = (void **)&dnnl;
    for (size_t i = 0; i < offsetof(__typeof__(dnnl), engine) / sizeof(void *); i++)
        if (!fields[i]) return;
    const version_t *version = dnnl.version();
    if (!version || version->major != 2) return;
    if (dnnl.engine_create(&dnnl.engine, CPU_ENGINE, 0) != 0) return;
    if (dnnl.attr_create(&dnnl.attributes) != 0 || dnnl.attr_set_scratchpad_mode(dnnl.attributes, SCRATCHPAD_USER) != 0) return;
    snprintf(version_text, sizeof version_text, "oneDNN %d.%d.%d", version->major, version->minor, version->patch);
    if (pthread_atfork(NULL, NULL, forget_in_child) != 0) return;
    loaded = 1;
}

int cajal_dnnl_available(void) {
    pthread_once(&load_once, load);
    return loaded;
}

const char *cajal_dnnl_version(void) { return cajal_dnnl_available() ? version_text : ""; }

/* The channels-last tags acb, acdb, acdeb (nwc, nhwc, ndhwc) by number of dims. */
static int channels_last_tag(int ndims) {
    switch (ndims) {
    case 3: return 17;
    case 4: return 20;
    case 5: return 21;
    default: return 0;
    }
}

/* ---- one convolution step, built once ---- */

enum { FORWARD, BACKWARD_DATA, BACKWARD_WEIGHTS };

/* A built step: the primitive, and for each of its two inputs and its output
 * the plain layout the caller's tensor has, the layout the primitive wants,
 * and the reorder between them when they differ. */
typedef struct {
    handle_t forward_hint; /* the forward descriptor a backward one was made against */
    handle_t descriptor, primitive;
    memory_desc_t plain[3];
    const memory_desc_t *wanted[3];
    handle_t reorder[3];
    size_t bytes[3];
    size_t scratchpad; /* bytes: the most any of the step's primitives asks for */
    int args[3];
    memory_desc_t bias; /* a forward's bias (Cout values), when it has one */
} step_t;

typedef struct {
    cajal_dnnl_convolution geometry;
    int kind, threads, with_bias;
} step_key_t;

static void step_destroy(step_t *step) {
    for (int i = 0; i < 3; i++)
        if (step->reorder[i]) dnnl.primitive_destroy(step->reorder[i]);
    if (step->primitive) dnnl.primitive_destroy(step->primitive);
    if (step->descriptor) dnnl.primitive_desc_destroy(step->descriptor);
    if (step->forward_hint) dnnl.primitive_desc_destroy(step->forward_hint);
    memset(step, 0, sizeof *step);
}

/* The scratchpad a primitive descriptor asks for, in bytes. */
static size_t scratchpad_bytes(handle_t descriptor) {
    const memory_desc_t *md = dnnl.primitive_desc_query_md(descriptor, QUERY_SCRATCHPAD, 0);
    return md ? dnnl.memory_desc_get_size(md) : 0;
}

static handle_t make_reorder(const memory_desc_t *from, const memory_desc_t *to, size_t *scratchpad) {
    handle_t descriptor = NULL, primitive = NULL;
    if (dnnl.reorder_primitive_desc_create(&descriptor, from, dnnl.engine, to, dnnl.engine, dnnl.attributes) != 0)
        return NULL;
    size_t bytes = scratchpad_bytes(descriptor);
    if (bytes > *scratchpad) *scratchpad = bytes;
    if (dnnl.primitive_create(&primitive, descriptor) != 0) primitive = NULL;
    dnnl.primitive_desc_destroy(descriptor);
    return primitive;
}

/* Builds the step for key; 0 on success. */
static int step_build(const step_key_t *key, step_t *step) {
    memset(step, 0, sizeof *step);
    const cajal_dnnl_convolution *g = &key->geometry;
    int spatial = (int)g->spatial, first = spatial == 3 ? 0 : 1, grouped = g->groups > 1;
    int64_t src[6], weights[7], dst[6], strides[3], dilates[3], before[3], after[3];
    int src_dims = 2 + spatial, weight_dims = 2 + spatial + grouped;
    src[0] = dst[0] = g->batch;
    src[1] = g->in_channels;
    dst[1] = g->out_channels;
    int w = 0;
    if (grouped) weights[w++] = g->groups;
    weights[w++] = g->out_channels / g->groups;
    weights[w++] = g->in_channels / g->groups;
    for (int d = first, i = 0; d < 3; d++, i++) {
        src[2 + i] = g->in[d];
        dst[2 + i] = g->out[d];
        weights[w++] = g->kernel[d];
        strides[i] = g->stride[d];
        dilates[i] = g->dilation[d] - 1; /* oneDNN counts the gaps */
        before[i] = g->pad_before[d];
        /* the padding after: what makes (in + before + after - reach) / stride + 1 == out */
        after[i] = (g->out[d] - 1) * g->stride[d] + (g->kernel[d] - 1) * g->dilation[d] + 1 - g->in[d] - before[i];
    }
    /* The backward kernels on few output channels (below one 16-lane block)
     * ran up to 3x faster on channels-last tensors than on blocked ones, whose
     * channels are padded to 16; the forward kernels were as fast or faster
     * blocked. Measured on the Xeon, one thread, oneDNN 2.6, reorders
     * included: LeNet conv1's weight gradient 1563 -> 645 us, 4 -> 4 channels
     * at 64x64 (batch 16) input gradient 2366 -> 612 us, weight gradient
     * 1150 -> 630 us; with 16 output channels the two layouts were even. */
    int activations = key->kind != FORWARD && g->out_channels < 16 ? channels_last_tag(src_dims) : TAG_ANY;
    memory_desc_t plain_src, plain_weights, plain_dst, asked_src, asked_weights, asked_dst;
    if (dnnl.memory_desc_init_by_tag(&plain_src, src_dims, src, F32, plain_tag(src_dims)) ||
        dnnl.memory_desc_init_by_tag(&plain_weights, weight_dims, weights, F32, plain_tag(weight_dims)) ||
        dnnl.memory_desc_init_by_tag(&plain_dst, src_dims, dst, F32, plain_tag(src_dims)) ||
        dnnl.memory_desc_init_by_tag(&asked_src, src_dims, src, F32, activations) ||
        dnnl.memory_desc_init_by_tag(&asked_weights, weight_dims, weights, F32, TAG_ANY) ||
        dnnl.memory_desc_init_by_tag(&asked_dst, src_dims, dst, F32, activations))
        return -1;
    int64_t bias_size = g->out_channels;
    int with_bias = key->kind == FORWARD && key->with_bias;
    if (with_bias && dnnl.memory_desc_init_by_tag(&step->bias, 1, &bias_size, F32, plain_tag(1))) return -1;
    operation_desc_t *forward = malloc(sizeof *forward);
    if (!forward) return -1;
    int failed = dnnl.forward_desc_init(forward, FORWARD_TRAINING, CONVOLUTION_DIRECT, &asked_src, &asked_weights,
                                        with_bias ? &step->bias : NULL, &asked_dst, strides, dilates, before, after) ||
                 dnnl.primitive_desc_create(&step->forward_hint, forward, dnnl.attributes, dnnl.engine, NULL);
    free(forward);
    if (failed) {
        step->forward_hint = NULL;
        return -1;
    }
    int queries[3];
    if (key->kind == FORWARD) {
        step->descriptor = step->forward_hint;
        step->forward_hint = NULL;
        step->plain[0] = plain_src, step->plain[1] = plain_weights, step->plain[2] = plain_dst;
        queries[0] = QUERY_SRC, queries[1] = QUERY_WEIGHTS, queries[2] = QUERY_DST;
        step->args[0] = ARG_SRC, step->args[1] = ARG_WEIGHTS, step->args[2] = ARG_DST;
    } else {
        operation_desc_t *backward = malloc(sizeof *backward);
        if (!backward) return step_destroy(step), -1;
        if (key->kind == BACKWARD_DATA) {
            failed = dnnl.backward_data_desc_init(backward, CONVOLUTION_DIRECT, &asked_src, &asked_weights, &asked_dst, strides,
                                                  dilates, before, after);
            step->plain[0] = plain_dst, step->plain[1] = plain_weights, step->plain[2] = plain_src;
            queries[0] = QUERY_DIFF_DST, queries[1] = QUERY_WEIGHTS, queries[2] = QUERY_DIFF_SRC;
            step->args[0] = ARG_DIFF_DST, step->args[1] = ARG_WEIGHTS, step->args[2] = ARG_DIFF_SRC;
        } else {
            failed = dnnl.backward_weights_desc_init(backward, CONVOLUTION_DIRECT, &asked_src, &asked_weights, NULL, &asked_dst,
                                                     strides, dilates, before, after);
            step->plain[0] = plain_src, step->plain[1] = plain_dst, step->plain[2] = plain_weights;
            queries[0] = QUERY_SRC, queries[1] = QUERY_DIFF_DST, queries[2] = QUERY_DIFF_WEIGHTS;
            step->args[0] = ARG_SRC, step->args[1] = ARG_DIFF_DST, step->args[2] = ARG_DIFF_WEIGHTS;
        }
        failed = failed ||
                 dnnl.primitive_desc_create(&step->descriptor, backward, dnnl.attributes, dnnl.engine, step->forward_hint);
        free(backward);
        if (failed) {
            step->descriptor = NULL;
            return step_destroy(step), -1;
        }
    }
    if (dnnl.primitive_create(&step->primitive, step->descriptor) != 0) {
        step->primitive = NULL;
        return step_destroy(step), -1;
    }
    step->scratchpad = scratchpad_bytes(step->descriptor);
    for (int i = 0; i < 3; i++) {
        step->wanted[i] = dnnl.primitive_desc_query_md(step->descriptor, queries[i], 0);
        if (!step->wanted[i]) return step_destroy(step), -1;
        if (dnnl.memory_desc_equal(step->wanted[i], &step->plain[i])) continue;
        step->bytes[i] = dnnl.memory_desc_get_size(step->wanted[i]);
        step->reorder[i] = i < 2 ? make_reorder(&step->plain[i], step->wanted[i], &step->scratchpad)
                                 : make_reorder(step->wanted[i], &step->plain[i], &step->scratchpad);
        if (!step->reorder[i]) return step_destroy(step), -1;
    }
    return 0;
}

/* Runs a built step on the caller's plain tensors; 0 on success. */
static int step_run(const step_t *step, const void *in0, const void *in1, const void *bias, void *out) {
    static __thread handle_t stream; /* a stream per calling thread: streams are not shared */
    if (!stream && dnnl.stream_create(&stream, dnnl.engine, STREAM_IN_ORDER) != 0) {
        stream = NULL;
        return -1;
    }
    void *plain_data[3] = {(void *)in0, (void *)in1, out};
    handle_t plain[3] = {0}, wanted[3] = {0}, scratch = NULL, bias_memory = NULL;
    void *buffers[3] = {0}, *scratch_data = NULL;
    int status = 0;
    if (step->scratchpad) {
        memory_desc_t bytes;
        int64_t size = (int64_t)step->scratchpad;
        if (posix_memalign(&scratch_data, 64, step->scratchpad) != 0) return -1;
        status = dnnl.memory_desc_init_by_tag(&bytes, 1, &size, U8, plain_tag(1)) ||
                 dnnl.memory_create(&scratch, &bytes, dnnl.engine, scratch_data);
    }
    for (int i = 0; i < 3 && status == 0; i++) {
        if (!step->reorder[i]) {
            status = dnnl.memory_create(&wanted[i], &step->plain[i], dnnl.engine, plain_data[i]);
            continue;
        }
        if (posix_memalign(&buffers[i], 64, step->bytes[i] ? step->bytes[i] : 64) != 0) {
            buffers[i] = NULL;
            status = -1;
            break;
        }
        status = dnnl.memory_create(&plain[i], &step->plain[i], dnnl.engine, plain_data[i]) ||
                 dnnl.memory_create(&wanted[i], step->wanted[i], dnnl.engine, buffers[i]);
    }
    for (int i = 0; i < 2 && status == 0; i++) {
        if (!step->reorder[i]) continue;
        exec_arg_t args[3] = {{ARG_SRC, plain[i]}, {ARG_DST, wanted[i]}, {ARG_SCRATCHPAD, scratch}};
        status = dnnl.primitive_execute(step->reorder[i], stream, scratch ? 3 : 2, args);
    }
    if (status == 0 && bias) status = dnnl.memory_create(&bias_memory, &step->bias, dnnl.engine, (void *)bias);
    if (status == 0) {
        exec_arg_t args[5] = {{step->args[0], wanted[0]}, {step->args[1], wanted[1]}, {step->args[2], wanted[2]}};
        int count = 3;
        if (scratch) args[count++] = (exec_arg_t){ARG_SCRATCHPAD, scratch};
        if (bias_memory) args[count++] = (exec_arg_t){ARG_BIAS, bias_memory};
        status = dnnl.primitive_execute(step->primitive, stream, count, args);
    }
    if (status == 0 && step->reorder[2]) {
        exec_arg_t args[3] = {{ARG_SRC, wanted[2]}, {ARG_DST, plain[2]}, {ARG_SCRATCHPAD, scratch}};
        status = dnnl.primitive_execute(step->reorder[2], stream, scratch ? 3 : 2, args);
    }
    if (status == 0) status = dnnl.stream_wait(stream);
    for (int i = 0; i < 3; i++) {
        if (plain[i]) dnnl.memory_destroy(plain[i]);
        if (wanted[i]) dnnl.memory_destroy(wanted[i]);
        free(buffers[i]);
    }
    if (scratch) dnnl.memory_destroy(scratch);
    if (bias_memory) dnnl.memory_destroy(bias_memory);
    free(scratch_data);
    return status == 0 ? 0 : -1;
}

/* ---- the table of built steps ---- */

/* Building a step compiles kernels (about a millisecond), so steps are kept
 * per geometry, kind and thread count (oneDNN sizes some of its work at
 * build time by the thread count). A full table drops its least recently used
 * step that no call is running. */
enum { TABLE_SIZE = 96 };
static struct {
    step_key_t key;
    step_t step;
    unsigned long long last_use;
    int users, built;
} table[TABLE_SIZE];
static unsigned long long clock_tick;
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

/* Builds (or finds) and runs a step, OpenMP set to `threads` (oneDNN sizes
 * its work by it, building and running). */
static int convolve_with(int kind, const cajal_dnnl_convolution *g, const void *in0, const void *in1, const void *bias,
                         void *out, int threads) {
    step_key_t key;
    memset(&key, 0, sizeof key);
    key.geometry = *g;
    if (key.geometry.spatial == 2) {
        key.geometry.in[0] = key.geometry.out[0] = key.geometry.kernel[0] = 1;
        key.geometry.stride[0] = key.geometry.dilation[0] = 1;
        key.geometry.pad_before[0] = 0;
    }
    key.kind = kind;
    key.threads = threads;
    key.with_bias = bias != NULL;

    pthread_mutex_lock(&table_lock);
    int slot = -1, free_slot = -1, oldest = -1;
    for (int i = 0; i < TABLE_SIZE; i++) {
        if (table[i].built && memcmp(&table[i].key, &key, sizeof key) == 0) {
            slot = i;
            break;
        }
        if (!table[i].built) {
            if (free_slot < 0) free_slot = i;
        } else if (table[i].users == 0 && (oldest < 0 || table[i].last_use < table[oldest].last_use)) {
            oldest = i;
        }
    }
    if (slot < 0) {
        slot = free_slot >= 0 ? free_slot : oldest;
        if (slot >= 0 && table[slot].built) {
            step_destroy(&table[slot].step);
            table[slot].built = 0;
        }
        if (slot >= 0) {
            if (step_build(&key, &table[slot].step) != 0) {
                pthread_mutex_unlock(&table_lock);
                return -2;
            }
            table[slot].key = key;
            table[slot].built = 1;
        }
    }
    step_t transient;
    const step_t *step;
    if (slot >= 0) {
        table[slot].users++;
        table[slot].last_use = ++clock_tick;
        step = &table[slot].step;
        pthread_mutex_unlock(&table_lock);
    } else { /* every slot in use by running calls: build one for this call alone */
        pthread_mutex_unlock(&table_lock);
        if (step_build(&key, &transient) != 0) return -2;
        step = &transient;
    }
    int status = step_run(step, in0, in1, bias, out);
    if (slot >= 0) {
        pthread_mutex_lock(&table_lock);
        table[slot].users--;
        pthread_mutex_unlock(&table_lock);
    } else {
        step_destroy(&transient);
    }
    return status == 0 ? 0 : -2;
}

static int convolve(int kind, const cajal_dnnl_convolution *g, const void *in0, const void *in1, const void *bias, void *out,
                    int threads) {
    if (!cajal_dnnl_available()) return -1;
    if (g->spatial != 2 && g->spatial != 3) return -2;
    if (threads < 1) threads = 1;
    /* OpenMP's thread count is the calling thread's setting for every library
     * on the same libgomp (torch's, scikit-learn's): set for the call, then restored. */
    int previous = dnnl.get_threads();
    if (previous != threads) dnnl.set_threads(threads);
    int status = convolve_with(kind, g, in0, in1, bias, out, threads);
    if (previous != threads) dnnl.set_threads(previous);
    return status;
}

int cajal_dnnl_convolution_forward(const cajal_dnnl_convolution *g, const float *x, const float *w, const float *bias,
                                   float *y, int threads) {
    return convolve(FORWARD, g, x, w, bias, y, threads);
}

int cajal_dnnl_convolution_backward_data(const cajal_dnnl_convolution *g, const float *dy, const float *w, float *dx,
                                         int threads) {
    return convolve(BACKWARD_DATA, g, dy, w, NULL, dx, threads);
}

int cajal_dnnl_convolution_backward_weights(const cajal_dnnl_convolution *g, const float *x, const float *dy,
                                            float *dw, int threads) {
    return convolve(BACKWARD_WEIGHTS, g, x, dy, NULL, dw, threads);
}
