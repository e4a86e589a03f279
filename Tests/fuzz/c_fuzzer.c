/*
 * The C fuzzer: random calls of every function in include/cajal.h with live,
 * NULL, freed, wrong-kind and garbage handles, boundary counts (0, 64, 65,
 * 2^21, SIZE_MAX, ...), wild int64s and doubles, NULL or valid output
 * pointers. Every call must return a status in 0..8 with a message for a
 * failure; none may crash, abort or hang the process.
 *
 * The callers are generated from the header (Tests/fuzz/gen_c_calls.py); this
 * file holds the pools and the few calls written by hand. Every array handed
 * to the library is longer than any count the library accepts (counts above
 * its limits are refused before they are read), so the fuzzer itself never
 * breaks the C contract.
 *
 * usage: c_fuzzer [--seed S] [--calls N] [--rlimit-gib G]
 * A crash prints the last calls (the reproducer) and dies by the signal.
 */
#define _GNU_SOURCE
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cajal.h"

enum {
    LIST = 4096,          /* entries of every input array */
    SLOTS = 1 << 17,      /* entries of every handle output array (split pieces) */
    POOL = 64,            /* live tensors kept */
    MAX_ELEMENTS = 1 << 16, /* tensors larger than this are freed, not kept */
    DATA_BYTES = 4 << 20, /* the buffer behind data pointers */
    TRACE = 32,           /* calls remembered for the crash report */
};

typedef struct Fuzz {
    uint64_t state;
    unsigned long long calls;
    cajal_tensor pool[POOL];
    int pooled;
    cajal_tensor freed[16];
    cajal_generator generators[8], freed_generator;
    int generator_count;
    cajal_archive archives[4], freed_archive;
    int archive_count;
    cajal_plan plans[4], freed_plan;
    int plan_count;
    cajal_tensor lists[3][LIST];
    int next_list;
    cajal_tensor slots[4][SLOTS], before[4][LIST];
    int next_slot;
    int64_t int64_lists[4][LIST];
    int next_int64_list;
    double doubles[LIST];
    const char *strings[LIST];
    cajal_generator generator_slot;
    cajal_archive archive_slot;
    cajal_plan plan_slot;
    int64_t int64_out[LIST];
    double double_out[LIST];
    int32_t int32_out[LIST];
    size_t size_out[LIST];
    uint64_t uint64_out[LIST];
    void *pointer_out[LIST];
    const char *string_out[LIST];
    unsigned char *data;
    char paths[8][512];
    char *long_string;
    unsigned long long statuses[16];
    char trace[TRACE][768];
} Fuzz;

static Fuzz *current;

static void fail(const char *format, ...) {
    va_list args;
    va_start(args, format);
    fprintf(stderr, "c_fuzzer FAILED after %llu calls: ", current ? current->calls : 0ULL);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    if (current)
        for (unsigned long long k = current->calls > TRACE ? current->calls - TRACE + 1 : 1; k <= current->calls; k++)
            fprintf(stderr, "  call %llu: %s\n", k, current->trace[k % TRACE]);
    exit(1);
}

/* ------------------------------------------------------------ randomness */

static uint64_t next_random(Fuzz *f) { /* splitmix64 */
    uint64_t z = (f->state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static int below(Fuzz *f, int n) { return (int)(next_random(f) % (uint64_t)n); }
static int chance(Fuzz *f, int percent) { return below(f, 100) < percent; }

/* Counts: small ones, the array lengths, and values above every limit the
 * library has (never between LIST and those limits, which would be read). */
static size_t pick_count(Fuzz *f) {
    static const size_t wild[] = {0, 1, 2, 3, 4, 8, 16, 63, 64, 65, 100, LIST, (size_t)1 << 21, (size_t)1 << 32,
                                  (size_t)1 << 40, (size_t)1 << 63, SIZE_MAX, SIZE_MAX - 1};
    if (chance(f, 60)) return (size_t)below(f, 5);
    return wild[below(f, sizeof wild / sizeof wild[0])];
}

static int64_t pick_int64(Fuzz *f) {
    static const int64_t wild[] = {0, 1, -1, 2, 3, -2, 7, 64, 65, INT32_MAX, (int64_t)INT32_MAX + 1, INT32_MIN,
                                   (int64_t)1 << 40, -((int64_t)1 << 40), (int64_t)1 << 51, (int64_t)1 << 62,
                                   -((int64_t)1 << 62), INT64_MAX, INT64_MIN, INT64_MIN + 1, -100};
    if (chance(f, 55)) return below(f, 5) - 1;
    return wild[below(f, sizeof wild / sizeof wild[0])];
}

static int32_t pick_int32(Fuzz *f) {
    static const int32_t wild[] = {0, 1, 2, 3, 4, 5, 6, 7, -1, 100, INT32_MAX, INT32_MIN};
    if (chance(f, 60)) return below(f, 4);
    return wild[below(f, sizeof wild / sizeof wild[0])];
}

static double pick_double(Fuzz *f) {
    static const double wild[] = {0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1e-300, 1e30, -1e30, 1e300, 9.3e18, -9.3e18};
    int r = below(f, 100);
    if (r < 40) return (double)below(f, 2001) / 500.0 - 2.0;
    if (r < 47) return NAN;
    if (r < 54) return r & 1 ? INFINITY : -INFINITY;
    return wild[below(f, sizeof wild / sizeof wild[0])];
}

/* --------------------------------------------------------------- handles */

static cajal_tensor fresh_tensor(Fuzz *f) {
    int64_t shape[3] = {1 + below(f, 3), 1 + below(f, 3), 1 + below(f, 3)};
    cajal_tensor t = NULL;
    int32_t dtypes[] = {CAJAL_FLOAT32, CAJAL_FLOAT32, CAJAL_FLOAT64, CAJAL_INT64, CAJAL_BOOL};
    if (cajal_tensor_randn(shape, (size_t)below(f, 4), CAJAL_FLOAT32, NULL, &t) != CAJAL_OK)
        fail("randn of a small shape failed: %s", cajal_last_error());
    int32_t dtype = dtypes[below(f, 5)];
    if (dtype != CAJAL_FLOAT32) {
        cajal_tensor cast = NULL;
        if (cajal_tensor_to_dtype(t, dtype, &cast) == CAJAL_OK) {
            cajal_tensor_free(t);
            t = cast;
        }
    }
    if (chance(f, 20)) cajal_tensor_set_requires_grad(t, 1);
    return t;
}

static void forget(Fuzz *f, cajal_tensor t) {
    f->freed[below(f, 16)] = t; /* kept as a stale pointer: a freed handle to pass later */
    cajal_tensor_free(t);
}

/* Keeps a new handle the library gave out, unless it is large. */
static void adopt(Fuzz *f, cajal_tensor t) {
    size_t numel = 0;
    if (cajal_tensor_numel(t, &numel) != CAJAL_OK) fail("a handle the library returned is not a live tensor");
    if (numel > MAX_ELEMENTS) {
        forget(f, t);
        return;
    }
    if (f->pooled < POOL) {
        f->pool[f->pooled++] = t;
        return;
    }
    int i = below(f, POOL);
    forget(f, f->pool[i]);
    f->pool[i] = t;
}

static cajal_tensor pick_tensor(Fuzz *f) {
    if (f->pooled == 0) f->pool[f->pooled++] = fresh_tensor(f);
    int r = below(f, 100);
    if (r < 86) return f->pool[below(f, f->pooled)];
    if (r < 90) return NULL;
    if (r < 94) return f->freed[below(f, 16)];
    if (r < 96 && f->generator_count) return (cajal_tensor)f->generators[below(f, f->generator_count)];
    if (r < 97 && f->archive_count) return (cajal_tensor)f->archives[below(f, f->archive_count)];
    if (r < 99) return (cajal_tensor)(f->data + 64 * below(f, 1024)); /* mapped memory that is no handle */
    return (cajal_tensor)(uintptr_t)(0x1000 + 16 * below(f, 4096));    /* an address nothing lives at */
}

static cajal_generator pick_generator(Fuzz *f) {
    int r = below(f, 100);
    if (r < 45 || f->generator_count == 0) return NULL; /* the default generator */
    if (r < 88) return f->generators[below(f, f->generator_count)];
    if (r < 94) return f->freed_generator;
    return (cajal_generator)pick_tensor(f);
}

static cajal_archive pick_archive(Fuzz *f) {
    int r = below(f, 100);
    if (r < 75 && f->archive_count) return f->archives[below(f, f->archive_count)];
    if (r < 85) return f->freed_archive;
    if (r < 92) return NULL;
    return (cajal_archive)pick_tensor(f);
}

/* Plans come from captures the fuzzer starts and ends at random (the calls in
 * between are recorded, and the capture usually fails on a value read). */
static cajal_plan pick_plan(Fuzz *f) {
    int r = below(f, 100);
    if (r < 75 && f->plan_count) return f->plans[below(f, f->plan_count)];
    if (r < 85) return f->freed_plan;
    if (r < 92) return NULL;
    return (cajal_plan)pick_tensor(f);
}

/* ----------------------------------------------------------------- arrays */

static const cajal_tensor *tensor_list(Fuzz *f) {
    cajal_tensor *list = f->lists[f->next_list++ % 3];
    for (int i = 0; i < 66; i++) list[i] = chance(f, 8) ? NULL : pick_tensor(f);
    return list;
}

/* An in/out array of handles: inputs first (optimizer state), outputs after. */
static cajal_tensor *tensor_slots(Fuzz *f) {
    int k = f->next_slot++ % 4;
    for (int i = 0; i < 66; i++) f->slots[k][i] = chance(f, 50) ? NULL : pick_tensor(f);
    memcpy(f->before[k], f->slots[k], sizeof f->before[k]);
    return f->slots[k];
}

static const int64_t *int64_list(Fuzz *f) {
    int64_t *list = f->int64_lists[f->next_int64_list++ % 4];
    int wild = chance(f, 30);
    for (int i = 0; i < 300; i++) list[i] = wild ? pick_int64(f) : below(f, 4) - (chance(f, 10) ? 1 : 0);
    return list;
}

static const double *double_list(Fuzz *f) {
    for (int i = 0; i < 70; i++) f->doubles[i] = pick_double(f);
    return f->doubles;
}

static const char *pick_string(Fuzz *f) {
    static const char *words[] = {"ij,jk->ik", "i,i->", "...ij->...ji", "ii->i", "i->", "ab", "", "->", "i,j",
                                  "sum", "mean", "none", "amax", "amin", "prod", "bad", "\xff\xfe", "ij,jk,kl->il"};
    int r = below(f, 100);
    if (r < 6) return NULL;
    if (r < 10) return f->long_string;
    if (r < 30) return f->paths[below(f, 8)];
    return words[below(f, sizeof words / sizeof words[0])];
}

static const char *const *string_list(Fuzz *f) {
    for (int i = 0; i < 66; i++) f->strings[i] = chance(f, 5) ? NULL : pick_string(f);
    return f->strings;
}

static void *maybe_null(Fuzz *f, void *pointer) { return chance(f, 8) ? NULL : pointer; }

static cajal_generator *generator_out(Fuzz *f) {
    f->generator_slot = NULL;
    return maybe_null(f, &f->generator_slot);
}

static cajal_archive *archive_out(Fuzz *f) {
    f->archive_slot = NULL;
    return maybe_null(f, &f->archive_slot);
}

static cajal_plan *plan_out(Fuzz *f) {
    f->plan_slot = NULL;
    return maybe_null(f, &f->plan_slot);
}

static unsigned long long releases;
static void count_release(void *context) { (void)context; releases++; }
static cajal_release_fn pick_release(Fuzz *f) { return chance(f, 50) ? count_release : NULL; }

/* Gradient callbacks as a careless caller writes them: one hands the gradient
 * back (its shape may be wrong for a function's input), one fails, one writes
 * a pointer that is no handle. The library must report, never crash. */
static int gradient_back(void *context, cajal_tensor grad, cajal_tensor *results) {
    (void)context;
    results[0] = grad;
    return 0;
}
static int gradient_fails(void *context, cajal_tensor grad, cajal_tensor *results) {
    (void)context, (void)results;
    cajal_tensor_free(grad);
    return 3;
}
static int gradient_garbage(void *context, cajal_tensor grad, cajal_tensor *results) {
    (void)context;
    cajal_tensor_free(grad);
    results[0] = (cajal_tensor)(uintptr_t)0x1234560;
    return 0;
}
static cajal_gradient_fn pick_gradient(Fuzz *f) {
    switch (next_random(f) % 4) {
    case 0: return NULL;
    case 1: return gradient_back;
    case 2: return gradient_fails;
    default: return gradient_garbage;
    }
}

/* ---------------------------------------------------------- each call */

/* "[2x3 f32 strides 3 1]@0x..." for a live tensor handle, the pointer alone otherwise. */
static const char *describe(Fuzz *f, cajal_tensor t) {
    static char texts[8][160];
    static int next;
    char *text = texts[next++ % 8];
    size_t ndim = 0;
    int32_t dtype = -1;
    int64_t shape[8], strides[8];
    if (t == NULL || cajal_tensor_ndim(t, &ndim) != CAJAL_OK || ndim > 8 || cajal_tensor_dtype(t, &dtype) != CAJAL_OK ||
        cajal_tensor_shape(t, shape, 8) != CAJAL_OK || cajal_tensor_strides(t, strides, 8) != CAJAL_OK) {
        snprintf(text, 160, "%p", (void *)t);
        return text;
    }
    static const char *names[] = {"f32", "f64", "i64", "bool"};
    int n = snprintf(text, 160, "[");
    for (size_t d = 0; d < ndim && n < 120; d++) n += snprintf(text + n, 160 - (size_t)n, "%s%lld", d ? "x" : "", (long long)shape[d]);
    n += snprintf(text + n, 160 - (size_t)n, " %s strides", dtype >= 0 && dtype < 4 ? names[dtype] : "?");
    for (size_t d = 0; d < ndim && n < 150; d++) n += snprintf(text + n, 160 - (size_t)n, " %lld", (long long)strides[d]);
    snprintf(text + n, 160 - (size_t)n, "]@%p", (void *)t);
    (void)f;
    return text;
}

static void trace(Fuzz *f, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(f->trace[f->calls % TRACE], sizeof f->trace[0], format, args);
    va_end(args);
}

static void check_status(Fuzz *f, int status) {
    if (status < 0 || status > CAJAL_ERR_NULL_ARGUMENT) fail("status %d is not a CAJAL_* code", status);
    f->statuses[status]++;
    if (status != CAJAL_OK) {
        const char *message = cajal_last_error();
        if (message == NULL || message[0] == '\0') fail("status %d came without a message", status);
    }
}

/* Takes in every handle the last call handed out. */
static void after_call(Fuzz *f) {
    for (int k = 0; k < 4; k++) {
        for (int i = 0; i < LIST; i++) {
            cajal_tensor t = f->slots[k][i];
            if (t != f->before[k][i] && t != NULL) adopt(f, t);
            f->slots[k][i] = f->before[k][i] = NULL;
        }
    }
    if (f->generator_slot) {
        if (f->generator_count < 8) f->generators[f->generator_count++] = f->generator_slot;
        else { f->freed_generator = f->generator_slot; cajal_generator_free(f->generator_slot); cajal_generator_free(f->generator_slot); }
        f->generator_slot = NULL;
    }
    if (f->archive_slot) {
        if (f->archive_count < 4) f->archives[f->archive_count++] = f->archive_slot;
        else { f->freed_archive = f->archive_slot; cajal_archive_free(f->archive_slot); cajal_archive_free(f->archive_slot); }
        f->archive_slot = NULL;
    }
    if (f->plan_slot) {
        if (f->plan_count < 4) f->plans[f->plan_count++] = f->plan_slot;
        else { f->freed_plan = f->plan_slot; cajal_plan_free(f->plan_slot); cajal_plan_free(f->plan_slot); }
        f->plan_slot = NULL;
    }
}

#include "c_calls.inc"

/* Borrowed memory: the layout must stay inside the buffer, unless it is so
 * large that its span overflows, which the library must refuse. */
static void call_from_blob(Fuzz *f) {
    int64_t shape[4], strides[4];
    size_t ndim = (size_t)below(f, 5);
    int wild = chance(f, 25);
    for (size_t d = 0; d < ndim; d++) {
        shape[d] = below(f, 5);
        strides[d] = below(f, 9) - (chance(f, 10) ? 2 : 0);
        if (wild) strides[d] = pick_int64(f), shape[d] = 2 + below(f, 3);
    }
    /* The largest offset the layout reaches, in elements (wild ones may overflow). */
    __int128 span = 0;
    int negative = 0;
    for (size_t d = 0; d < ndim; d++) {
        if (shape[d] > 1) span += (__int128)(shape[d] - 1) * strides[d];
        if (strides[d] < 0) negative = 1;
    }
    if (wild && !negative && span < ((__int128)1 << 51)) return; /* would be accepted and read past the buffer */
    if (span * 8 + 8 > DATA_BYTES) return;
    int32_t dtypes[] = {CAJAL_FLOAT32, CAJAL_FLOAT64, CAJAL_INT64};
    cajal_tensor *out = tensor_slots(f);
    trace(f, "cajal_tensor_from_blob(ndim=%zu, wild=%d)", ndim, wild);
    check_status(f, cajal_tensor_from_blob(f->data, shape, strides, ndim, dtypes[below(f, 3)], pick_release(f), NULL, out));
    after_call(f);
}

static void call_free(Fuzz *f) {
    int r = below(f, 10);
    if (r < 6 && f->pooled > 0) {
        int i = below(f, f->pooled);
        trace(f, "cajal_tensor_free(pool %d)", i);
        forget(f, f->pool[i]);
        f->pool[i] = f->pool[--f->pooled];
    } else if (r < 7) {
        /* A double free must be harmless. (Only of a handle held once, right
         * away: the pool may hold a handle twice, and a freed address may
         * later belong to a new tensor.) */
        trace(f, "cajal_tensor_free twice");
        cajal_tensor t = fresh_tensor(f);
        cajal_tensor_free(t);
        cajal_tensor_free(t);
    } else if (r < 8) {
        trace(f, "cajal_tensor_free(a foreign pointer)");
        cajal_tensor_free((cajal_tensor)(f->data + 64 * below(f, 1024)));
        cajal_tensor_free((cajal_tensor)(uintptr_t)(0x1000 + 16 * below(f, 4096)));
    } else {
        trace(f, "cajal_generator_free / cajal_archive_free of a wrong-kind handle");
        if (f->pooled) cajal_generator_free((cajal_generator)f->pool[below(f, f->pooled)]);
        if (f->pooled) cajal_archive_free((cajal_archive)f->pool[below(f, f->pooled)]);
        if (f->generator_count) cajal_tensor_free((cajal_tensor)f->generators[below(f, f->generator_count)]);
    }
}

static void call_set_num_threads(Fuzz *f) {
    int32_t n = pick_int32(f);
    trace(f, "cajal_set_num_threads(%d)", n);
    check_status(f, cajal_set_num_threads(n));
    check_status(f, cajal_set_num_threads(1));
}

/* The engine still computes: ones(2) + ones(2) == 2. */
static void sanity(Fuzz *f) {
    const int64_t shape[1] = {2};
    cajal_tensor a = NULL, b = NULL;
    double value = 0;
    if (cajal_tensor_ones(shape, 1, CAJAL_FLOAT32, &a) || cajal_tensor_add(a, a, &b) || cajal_tensor_sum_all(b, &a) ||
        cajal_tensor_item(a, &value) || value != 4.0)
        fail("the engine no longer computes ones(2) + ones(2): %s", cajal_last_error());
    cajal_tensor_free(a);
    cajal_tensor_free(b);
    (void)f;
}

static void on_crash(int number) {
    char line[1024];
    int n = snprintf(line, sizeof line, "c_fuzzer CRASHED (signal %d) in call %llu; the last calls:\n", number,
                     current ? current->calls : 0ULL);
    if (write(2, line, (size_t)n) < 0) _exit(128 + number);
    if (current)
        for (unsigned long long k = current->calls > TRACE ? current->calls - TRACE + 1 : 1; k <= current->calls; k++) {
            n = snprintf(line, sizeof line, "  call %llu: %s\n", k, current->trace[k % TRACE]);
            if (write(2, line, (size_t)n) < 0) break;
        }
    signal(number, SIG_DFL);
    raise(number);
}

/* Files for the safetensors calls: one valid, damaged copies, missing paths. */
static void make_files(Fuzz *f) {
    char dir[] = "/tmp/cajal-cfuzz-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) fail("mkdtemp failed"); /* relative paths land there */
    for (int i = 0; i < 8; i++) snprintf(f->paths[i], sizeof f->paths[i], "%s/f%d.safetensors", dir, i);
    snprintf(f->paths[7], sizeof f->paths[7], "/nonexistent/cajal/f.safetensors");
    const int64_t shape[2] = {3, 2};
    cajal_tensor t = NULL;
    const char *names[1] = {"w"};
    if (cajal_tensor_randn(shape, 2, CAJAL_FLOAT32, NULL, &t) || cajal_safetensors_save(f->paths[0], names, &t, 1, NULL, NULL, 0))
        fail("could not write %s: %s", f->paths[0], cajal_last_error());
    cajal_tensor_free(t);
    FILE *in = fopen(f->paths[0], "rb");
    unsigned char good[4096];
    size_t size = in ? fread(good, 1, sizeof good, in) : 0;
    if (in) fclose(in);
    for (int i = 1; i < 6; i++) {
        unsigned char bad[4096];
        memcpy(bad, good, size);
        size_t length = size;
        if (i == 1) length = (size_t)below(f, (int)size);                     /* truncated */
        if (i == 2) for (int k = 0; k < 8; k++) bad[k] = 0xff;                /* a header length of 2^64 - 1 */
        if (i == 3) for (int k = 0; k < 6; k++) bad[8 + below(f, 40)] = (unsigned char)below(f, 256);
        if (i == 4) { uint64_t huge = (uint64_t)1 << 40; memcpy(bad, &huge, 8); }
        if (i == 5) for (size_t k = 0; k < length; k++) bad[k] = (unsigned char)below(f, 256);
        FILE *out = fopen(f->paths[i], "wb");
        if (out) { fwrite(bad, 1, length, out); fclose(out); }
    }
}

int main(int argc, char **argv) {
    unsigned long long seed = 1, calls = 100000;
    double rlimit_gib = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--seed")) seed = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--calls")) calls = strtoull(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--rlimit-gib")) rlimit_gib = atof(argv[i + 1]);
    }
    /* Under an address-space limit, huge requests fail fast instead of filling memory. */
    struct rlimit limit = {(rlim_t)(rlimit_gib * (1 << 30)), (rlim_t)(rlimit_gib * (1 << 30))};
    if (rlimit_gib > 0) setrlimit(RLIMIT_AS, &limit);

    static Fuzz fuzz;
    Fuzz *f = &fuzz;
    current = f;
    f->state = seed * 0x2545F4914F6CDD1DULL + 1;
    f->data = calloc(DATA_BYTES, 1);
    f->long_string = malloc(100001);
    memset(f->long_string, 'i', 100000);
    f->long_string[100000] = '\0';
    int signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE};
    for (int i = 0; i < 6; i++) signal(signals[i], on_crash);
    make_files(f);
    for (int i = 0; i < LIST; i++) f->strings[i] = "n";

    size_t generated = sizeof GENERATED_CALLS / sizeof GENERATED_CALLS[0];
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (f->calls = 1; f->calls <= calls; f->calls++) {
        int r = below(f, 1000);
        if (r < 940) GENERATED_CALLS[below(f, (int)generated)].call(f);
        else if (r < 965) call_from_blob(f);
        else if (r < 995) call_free(f);
        else call_set_num_threads(f);
        if (f->calls % 1000 == 0) sanity(f);
        if (f->calls % 10000 == 0) { printf("progress %llu\n", f->calls); fflush(stdout); } /* for the campaign's hang watch */
        if (f->calls % 20000 == 0) { /* a fresh pool: graphs, histories and captures stay small */
            cajal_plan_abort();
            while (f->pooled) forget(f, f->pool[--f->pooled]);
            cajal_set_grad_enabled(1);
        }
    }
    f->calls--;
    cajal_plan_abort();
    while (f->plan_count) cajal_plan_free(f->plans[--f->plan_count]);
    while (f->pooled) forget(f, f->pool[--f->pooled]); /* what is left at exit is a leak (LeakSanitizer) */
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (double)(end.tv_sec - start.tv_sec) + 1e-9 * (double)(end.tv_nsec - start.tv_nsec);
    printf("c_fuzzer: %llu calls of %zu functions in %.1f s, seed %llu; statuses:", f->calls, generated + 4, seconds, seed);
    for (int s = 0; s <= CAJAL_ERR_NULL_ARGUMENT; s++) printf(" %d:%llu", s, f->statuses[s]);
    printf("\n");
    return 0;
}
