/* FFTW 3 through dlopen: see include/cajal_fft.h. */
#include "cajal_fft.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

typedef void *plan_t;
typedef plan_t (*plan_dft_fn)(int, const int *, int, void *, const int *, int, int, void *, const int *, int, int, int,
                              unsigned);
typedef plan_t (*plan_real_fn)(int, const int *, int, void *, const int *, int, int, void *, const int *, int, int,
                               unsigned);
typedef void (*execute_fn)(plan_t);
typedef void (*destroy_fn)(plan_t);

enum { FFTW_FORWARD = -1, FFTW_BACKWARD = 1 };
static const unsigned FFTW_ESTIMATE = 1u << 6, FFTW_DESTROY_INPUT = 1u << 0;

/* One precision's entry points: [0] float (libfftw3f), [1] double (libfftw3). */
static struct {
    plan_dft_fn plan_dft;
    plan_real_fn plan_r2c, plan_c2r;
    execute_fn execute;
    destroy_fn destroy;
} fftw[2];

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t planner = PTHREAD_MUTEX_INITIALIZER;

static void load_precision(int is_double, const char *library, const char *prefix) {
    void *lib = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (!lib) return;
    char name[64];
#define SYMBOL(field, type, suffix)                                      \
    do {                                                                 \
        int i = 0, j = 0;                                                \
        for (; prefix[i]; i++) name[i] = prefix[i];                      \
        for (; suffix[j]; j++) name[i + j] = suffix[j];                  \
        name[i + j] = 0;                                                 \
        fftw[is_double].field = (type)dlsym(lib, name);                  \
    } while (0)
    SYMBOL(plan_r2c, plan_real_fn, "_plan_many_dft_r2c");
    SYMBOL(plan_c2r, plan_real_fn, "_plan_many_dft_c2r");
    SYMBOL(execute, execute_fn, "_execute");
    SYMBOL(destroy, destroy_fn, "_destroy_plan");
    SYMBOL(plan_dft, plan_dft_fn, "_plan_many_dft"); /* last: it marks the precision loaded */
#undef SYMBOL
    if (!fftw[is_double].plan_r2c || !fftw[is_double].plan_c2r || !fftw[is_double].execute || !fftw[is_double].destroy)
        fftw[is_double].plan_dft = NULL;
}

static void load(void) {
    load_precision(0, "libfftw3f.so.3", "fftwf");
    load_precision(1, "libfftw3.so.3", "fftw");
}

int cajal_fft_available(int is_double) {
    pthread_once(&load_once, load);
    return fftw[is_double != 0].plan_dft != NULL;
}

/* Plans under the planner lock, runs, and destroys (under the lock too). */
static int run(int is_double, plan_t plan) {
    if (!plan) return -2;
    fftw[is_double].execute(plan);
    pthread_mutex_lock(&planner);
    fftw[is_double].destroy(plan);
    pthread_mutex_unlock(&planner);
    return 0;
}

int cajal_fft_c2c(int is_double, int n, int howmany, void *in, void *out, int inverse) {
    is_double = is_double != 0;
    if (!cajal_fft_available(is_double)) return -1;
    pthread_mutex_lock(&planner);
    plan_t plan = fftw[is_double].plan_dft(1, &n, howmany, in, NULL, 1, n, out, NULL, 1, n,
                                           inverse ? FFTW_BACKWARD : FFTW_FORWARD, FFTW_ESTIMATE);
    pthread_mutex_unlock(&planner);
    return run(is_double, plan);
}

int cajal_fft_r2c(int is_double, int n, int howmany, void *in, void *out) {
    is_double = is_double != 0;
    if (!cajal_fft_available(is_double)) return -1;
    pthread_mutex_lock(&planner);
    plan_t plan = fftw[is_double].plan_r2c(1, &n, howmany, in, NULL, 1, n, out, NULL, 1, n / 2 + 1, FFTW_ESTIMATE);
    pthread_mutex_unlock(&planner);
    return run(is_double, plan);
}

int cajal_fft_c2r(int is_double, int n, int howmany, void *in, void *out) {
    is_double = is_double != 0;
    if (!cajal_fft_available(is_double)) return -1;
    pthread_mutex_lock(&planner);
    plan_t plan = fftw[is_double].plan_c2r(1, &n, howmany, in, NULL, 1, n / 2 + 1, out, NULL, 1, n,
                                           FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
    pthread_mutex_unlock(&planner);
    return run(is_double, plan);
}
