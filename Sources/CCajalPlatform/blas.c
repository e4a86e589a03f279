#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cajal_blas.h"
#if defined(__x86_64__)
#include <cpuid.h>
#endif

/* CBLAS's enum values (cblas.h), spelled out so that no header is needed. */
enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float,
                         float *, int);
typedef void (*dgemm_fn)(int, int, int, int, int, int, double, const double *, int, const double *, int, double,
                         double *, int);
typedef void (*getrf_fn)(const int *, const int *, void *, const int *, int *, int *);
typedef void (*getri_fn)(const int *, void *, const int *, const int *, void *, const int *, int *);
typedef void (*gesv_fn)(const int *, const int *, void *, const int *, int *, void *, const int *, int *);
/* Fortran LAPACK: each CHARACTER argument has a hidden length after the others (gfortran's ABI). */
typedef void (*potrf_fn)(const char *, const int *, void *, const int *, int *, size_t);
typedef void (*trtrs_fn)(const char *, const char *, const char *, const int *, const int *, const void *, const int *,
                         void *, const int *, int *, size_t, size_t, size_t);
typedef void (*syevd_fn)(const char *, const char *, const int *, void *, const int *, void *, void *, const int *,
                         int *, const int *, int *, size_t, size_t);
typedef void (*gesdd_fn)(const char *, const int *, const int *, void *, const int *, void *, void *, const int *, void *,
                         const int *, void *, const int *, int *, int *, size_t);
/* geqrf and orgqr (the Householder QR and the Q it encodes) take no CHARACTER arguments. */
typedef void (*geqrf_fn)(const int *, const int *, void *, const int *, void *, void *, const int *, int *);
typedef void (*orgqr_fn)(const int *, const int *, const int *, void *, const int *, const void *, void *, const int *,
                         int *);
typedef void (*geev_fn)(const char *, const char *, const int *, void *, const int *, void *, void *, void *, const int *,
                        void *, const int *, void *, const int *, int *, size_t, size_t);
typedef char *(*corename_fn)(void);
typedef void (*set_threads_fn)(int);

static struct {
    sgemm_fn sgemm;
    dgemm_fn dgemm;
    getrf_fn sgetrf, dgetrf;
    getri_fn sgetri, dgetri;
    gesv_fn sgesv, dgesv;
    potrf_fn spotrf, dpotrf;
    trtrs_fn strtrs, dtrtrs;
    syevd_fn ssyevd, dsyevd;
    gesdd_fn sgesdd, dgesdd;
    geqrf_fn sgeqrf, dgeqrf;
    orgqr_fn sorgqr, dorgqr;
    geev_fn sgeev, dgeev;
    const char *core;
    int sequential; /* the library runs each call on the calling thread only */
    set_threads_fn set_threads; /* OpenBLAS's openblas_set_num_threads, when its GEMMs run sequential */
} blas = {.core = "unavailable"};

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

/* AVX-512 F, CD, BW, DQ and VL (what OpenBLAS's SkylakeX kernels use), and an
 * OS that saves the ZMM and mask registers. */
static int cpu_runs_avx512(void) {
#if defined(__x86_64__)
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27))) return 0; /* OSXSAVE */
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned needed = (1u << 16) | (1u << 17) | (1u << 28) | (1u << 30) | (1u << 31);
    if ((ebx & needed) != needed) return 0;
    unsigned lo, hi;
    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    return (lo & 0xE6) == 0xE6; /* SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM state */
#else
    return 0;
#endif
}

static int cpu_runs_avx2(void) {
#if defined(__x86_64__)
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    if (!(ecx & (1u << 12)) || !(ecx & (1u << 27)) || !(ecx & (1u << 28))) return 0; /* FMA, OSXSAVE, AVX */
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) || !(ebx & (1u << 5))) return 0; /* AVX2 */
    unsigned lo, hi;
    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    return (lo & 0x6) == 0x6;
#else
    return 0;
#endif
}

/* The OpenBLAS kernels to ask for, or NULL to let OpenBLAS detect the CPU.
 * CAJAL_BLAS_CORETYPE may ask for SkylakeX, Haswell or Prescott, honoured
 * only when the CPU runs that kernel. */
static const char *chosen_coretype(void) {
    const char *request = getenv("CAJAL_BLAS_CORETYPE");
    if (request) {
        if (!strcasecmp(request, "SkylakeX") && cpu_runs_avx512()) return "SkylakeX";
        if (!strcasecmp(request, "Haswell") && cpu_runs_avx2()) return "Haswell";
        if (!strcasecmp(request, "Prescott")) return "Prescott";
    }
    return cpu_runs_avx512() ? "SkylakeX" : NULL;
}

/* Whether the CPU is Intel's: MKL is preferred there only. On other CPUs
 * MKL's dispatcher has taken slower paths, and OpenBLAS is the safe choice. */
static int cpu_is_intel(void) {
#if defined(__x86_64__)
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return 0;
    return ebx == 0x756e6547 && edx == 0x49656e69 && ecx == 0x6c65746e; /* "GenuineIntel" */
#else
    return 0;
#endif
}

/* MKL's threading layers (mkl_service.h): sequential runs every call on the
 * calling thread. */
enum { MKL_THREADING_SEQUENTIAL = 1 };
typedef int (*mkl_threading_layer_fn)(int);
typedef void (*mkl_version_fn)(char *, int);

/* MKL (the `mkl` wheel's libmkl_rt, found by the Python package and passed in
 * CAJAL_MKL_LIBRARY, or the system's libmkl_rt) on an Intel CPU, in its
 * sequential layer: cajal splits products across its own cores, so no
 * OpenMP pool spins beside its workers. CAJAL_BLAS=openblas skips it. */
static void *open_mkl(void) {
    const char *choice = getenv("CAJAL_BLAS");
    if ((choice && !strcasecmp(choice, "openblas")) || !cpu_is_intel()) return NULL;
    const char *paths[] = {getenv("CAJAL_MKL_LIBRARY"), "libmkl_rt.so.2", "libmkl_rt.so"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        if (!paths[i] || !*paths[i]) continue;
        void *lib = dlopen(paths[i], RTLD_NOW | RTLD_LOCAL);
        if (!lib) continue;
        mkl_threading_layer_fn layer = (mkl_threading_layer_fn)dlsym(lib, "MKL_Set_Threading_Layer");
        if (!layer || !dlsym(lib, "cblas_sgemm") || layer(MKL_THREADING_SEQUENTIAL) < 0) {
            dlclose(lib);
            continue;
        }
        return lib;
    }
    return NULL;
}

/* Where OpenBLAS is looked for, in order: CAJAL_BLAS_LIBRARY (a path: the
 * user's explicit choice), the system's (Debian's libopenblas0), then
 * CAJAL_BLAS_FALLBACK_LIBRARY, which the Python package points at the
 * scipy-openblas32 wheel when that is installed. The wheel's build prefixes
 * every symbol with "scipy_" so that it never clashes with another BLAS in
 * the process; the prefix is found from cblas_sgemm. */
enum { LIBRARY_CANDIDATES = 4 };

static void *open_openblas(int candidate, const char **prefix) {
    const char *path = NULL;
    switch (candidate) {
    case 0: path = getenv("CAJAL_BLAS_LIBRARY"); break;
    case 1: path = "libopenblas.so.0"; break;
    case 2: path = "libopenblas.so"; break;
    default: path = getenv("CAJAL_BLAS_FALLBACK_LIBRARY"); break;
    }
    if (!path || !*path) return NULL;
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) return NULL;
    if (dlsym(lib, "cblas_sgemm")) *prefix = "";
    else if (dlsym(lib, "scipy_cblas_sgemm")) *prefix = "scipy_";
    else {
        dlclose(lib);
        return NULL;
    }
    return lib;
}

static void *find_symbol(void *lib, const char *prefix, const char *name) {
    char full[64];
    int written = snprintf(full, sizeof full, "%s%s", prefix, name);
    if (written < 0 || (size_t)written >= sizeof full) return NULL;
    return dlsym(lib, full);
}

static void load(void) {
    /* OpenBLAS reads OPENBLAS_CORETYPE while it loads and trusts it without
     * checking the CPU. An inherited value (some machines set Haswell for
     * every process) would hold us back or, copied from another machine,
     * crash; so for that moment the variable holds our own safe choice, or
     * nothing (OpenBLAS then detects the CPU), and is restored afterwards. */
    const char *inherited = getenv("OPENBLAS_CORETYPE");
    char *saved = inherited ? strdup(inherited) : NULL;
    const char *coretype = chosen_coretype();
    if (coretype) setenv("OPENBLAS_CORETYPE", coretype, 1);
    else unsetenv("OPENBLAS_CORETYPE");
    void *lib = NULL;
    const char *prefix = "";
    /* An explicit CAJAL_BLAS_LIBRARY first, then MKL where it is the better
     * choice, then OpenBLAS. */
    lib = open_openblas(0, &prefix);
    int mkl = 0;
    if (!lib && (lib = open_mkl())) mkl = 1;
    for (int i = 1; i < LIBRARY_CANDIDATES && !lib; i++) lib = open_openblas(i, &prefix);
    if (saved) setenv("OPENBLAS_CORETYPE", saved, 1);
    else unsetenv("OPENBLAS_CORETYPE");
    free(saved);
    if (!lib) {
        fprintf(stderr, "cajal: OpenBLAS not found (apt-get install libopenblas0, or pip install scipy-openblas32); "
                        "matrix products use cajal's own slower kernels and linalg is unavailable\n");
        return;
    }
#define FIND(name) find_symbol(lib, prefix, name)
    sgemm_fn sgemm = (sgemm_fn)FIND("cblas_sgemm");
    dgemm_fn dgemm = (dgemm_fn)FIND("cblas_dgemm");
    if (!sgemm || !dgemm) return;
    blas.sgetrf = (getrf_fn)FIND("sgetrf_");
    blas.dgetrf = (getrf_fn)FIND("dgetrf_");
    blas.sgetri = (getri_fn)FIND("sgetri_");
    blas.dgetri = (getri_fn)FIND("dgetri_");
    blas.sgesv = (gesv_fn)FIND("sgesv_");
    blas.dgesv = (gesv_fn)FIND("dgesv_");
    blas.spotrf = (potrf_fn)FIND("spotrf_");
    blas.dpotrf = (potrf_fn)FIND("dpotrf_");
    blas.strtrs = (trtrs_fn)FIND("strtrs_");
    blas.dtrtrs = (trtrs_fn)FIND("dtrtrs_");
    blas.ssyevd = (syevd_fn)FIND("ssyevd_");
    blas.dsyevd = (syevd_fn)FIND("dsyevd_");
    blas.sgesdd = (gesdd_fn)FIND("sgesdd_");
    blas.dgesdd = (gesdd_fn)FIND("dgesdd_");
    blas.sgeqrf = (geqrf_fn)FIND("sgeqrf_");
    blas.dgeqrf = (geqrf_fn)FIND("dgeqrf_");
    blas.sorgqr = (orgqr_fn)FIND("sorgqr_");
    blas.dorgqr = (orgqr_fn)FIND("dorgqr_");
    blas.sgeev = (geev_fn)FIND("sgeev_");
    blas.dgeev = (geev_fn)FIND("dgeev_");
    corename_fn corename = (corename_fn)FIND("openblas_get_corename");
    mkl_version_fn mkl_version = (mkl_version_fn)FIND("MKL_Get_Version_String");
#undef FIND
    blas.core = corename ? corename() : "OpenBLAS";
    if (mkl || mkl_version) {
        static char name[96];
        char version[256] = "";
        if (mkl_version) mkl_version(version, (int)sizeof version - 1);
        /* "Intel(R) oneAPI Math Kernel Library Version 2026.2.1-Product Build ..." -> "MKL 2026.2.1" */
        const char *at = strstr(version, "Version ");
        char number[24] = "";
        if (at) sscanf(at + 8, "%23[0-9.]", number);
        snprintf(name, sizeof name, "MKL%s%s%s", *number ? " " : "", number, mkl ? " (sequential)" : "");
        blas.core = name;
        blas.sequential = mkl;
    }
    /* OpenBLAS's GEMMs on one thread, split across cajal's own cores as
     * MKL's: its threads spun in sched_yield against cajal's pool on the same
     * cores (a 512 x 512 product ran at one core's speed, a transformer step
     * 7% slower). LAPACK gets them back for its calls (LAPACK_CALL). */
    if (!mkl && !mkl_version) {
        blas.set_threads = (set_threads_fn)find_symbol(lib, prefix, "openblas_set_num_threads");
        if (blas.set_threads) {
            blas.set_threads(1);
            blas.sequential = 1;
        }
    }
    blas.dgemm = dgemm;
    blas.sgemm = sgemm; /* last: it marks the load complete */
}

int cajal_blas_available(void) {
    pthread_once(&load_once, load);
    return blas.sgemm != NULL;
}

int cajal_blas_is_sequential(void) {
    pthread_once(&load_once, load);
    return blas.sequential;
}

const char *cajal_blas_core_name(void) {
    pthread_once(&load_once, load);
    return blas.core;
}

int cajal_blas_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda,
                     const float *b, int ldb, float beta, float *c, int ldc) {
    if (!cajal_blas_available()) return -1;
    blas.sgemm(ROW_MAJOR, trans_a ? TRANS : NO_TRANS, trans_b ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb,
               beta, c, ldc);
    return 0;
}

int cajal_blas_dgemm(int trans_a, int trans_b, int m, int n, int k, double alpha, const double *a, int lda,
                     const double *b, int ldb, double beta, double *c, int ldc) {
    if (!cajal_blas_available()) return -1;
    blas.dgemm(ROW_MAJOR, trans_a ? TRANS : NO_TRANS, trans_b ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb,
               beta, c, ldc);
    return 0;
}

/* The threads OpenBLAS's LAPACK may use (cajal's thread count): its
 * factorisations gain from them (a 1024 x 1024 inverse 31 -> 20 ms on two
 * cores), while its GEMMs stay on one. One LAPACK call at a time holds them. */
static atomic_int lapack_threads = 1;
static pthread_mutex_t lapack_threads_lock = PTHREAD_MUTEX_INITIALIZER;

void cajal_lapack_set_threads(int threads) { atomic_store(&lapack_threads, threads > 1 ? threads : 1); }

#define LAPACK_CALL(fn, ...)                                      \
    do {                                                          \
        if (!cajal_blas_available() || !blas.fn) return -1;       \
        int threads = atomic_load(&lapack_threads);               \
        if (blas.set_threads && threads > 1) {                    \
            pthread_mutex_lock(&lapack_threads_lock);             \
            blas.set_threads(threads);                            \
            blas.fn(__VA_ARGS__);                                 \
            blas.set_threads(1);                                  \
            pthread_mutex_unlock(&lapack_threads_lock);           \
        } else {                                                  \
            blas.fn(__VA_ARGS__);                                 \
        }                                                         \
        return 0;                                                 \
    } while (0)

int cajal_lapack_sgetrf(int m, int n, float *a, int lda, int *ipiv, int *info) {
    LAPACK_CALL(sgetrf, &m, &n, a, &lda, ipiv, info);
}
int cajal_lapack_dgetrf(int m, int n, double *a, int lda, int *ipiv, int *info) {
    LAPACK_CALL(dgetrf, &m, &n, a, &lda, ipiv, info);
}
int cajal_lapack_sgetri(int n, float *a, int lda, const int *ipiv, float *work, int lwork, int *info) {
    LAPACK_CALL(sgetri, &n, a, &lda, ipiv, work, &lwork, info);
}
int cajal_lapack_dgetri(int n, double *a, int lda, const int *ipiv, double *work, int lwork, int *info) {
    LAPACK_CALL(dgetri, &n, a, &lda, ipiv, work, &lwork, info);
}
int cajal_lapack_sgesv(int n, int nrhs, float *a, int lda, int *ipiv, float *b, int ldb, int *info) {
    LAPACK_CALL(sgesv, &n, &nrhs, a, &lda, ipiv, b, &ldb, info);
}
int cajal_lapack_dgesv(int n, int nrhs, double *a, int lda, int *ipiv, double *b, int ldb, int *info) {
    LAPACK_CALL(dgesv, &n, &nrhs, a, &lda, ipiv, b, &ldb, info);
}

/* The Cholesky factor, the triangular solve and the symmetric eigensolver,
 * for float (is_double 0) or double matrices. */
int cajal_lapack_potrf(int is_double, char uplo, int n, void *a, int lda, int *info) {
    if (is_double) LAPACK_CALL(dpotrf, &uplo, &n, a, &lda, info, 1);
    LAPACK_CALL(spotrf, &uplo, &n, a, &lda, info, 1);
}
int cajal_lapack_trtrs(int is_double, char uplo, char trans, char diag, int n, int nrhs, const void *a, int lda, void *b,
                       int ldb, int *info) {
    if (is_double) LAPACK_CALL(dtrtrs, &uplo, &trans, &diag, &n, &nrhs, a, &lda, b, &ldb, info, 1, 1, 1);
    LAPACK_CALL(strtrs, &uplo, &trans, &diag, &n, &nrhs, a, &lda, b, &ldb, info, 1, 1, 1);
}
int cajal_lapack_syevd(int is_double, char jobz, char uplo, int n, void *a, int lda, void *w, void *work, int lwork,
                       int *iwork, int liwork, int *info) {
    if (is_double) LAPACK_CALL(dsyevd, &jobz, &uplo, &n, a, &lda, w, work, &lwork, iwork, &liwork, info, 1, 1);
    LAPACK_CALL(ssyevd, &jobz, &uplo, &n, a, &lda, w, work, &lwork, iwork, &liwork, info, 1, 1);
}
int cajal_lapack_gesdd(int is_double, char jobz, int m, int n, void *a, int lda, void *s, void *u, int ldu, void *vt,
                       int ldvt, void *work, int lwork, int *iwork, int *info) {
    if (is_double) LAPACK_CALL(dgesdd, &jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, iwork, info, 1);
    LAPACK_CALL(sgesdd, &jobz, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, work, &lwork, iwork, info, 1);
}
int cajal_lapack_geqrf(int is_double, int m, int n, void *a, int lda, void *tau, void *work, int lwork, int *info) {
    if (is_double) LAPACK_CALL(dgeqrf, &m, &n, a, &lda, tau, work, &lwork, info);
    LAPACK_CALL(sgeqrf, &m, &n, a, &lda, tau, work, &lwork, info);
}
int cajal_lapack_orgqr(int is_double, int m, int n, int k, void *a, int lda, const void *tau, void *work, int lwork,
                       int *info) {
    if (is_double) LAPACK_CALL(dorgqr, &m, &n, &k, a, &lda, tau, work, &lwork, info);
    LAPACK_CALL(sorgqr, &m, &n, &k, a, &lda, tau, work, &lwork, info);
}
int cajal_lapack_geev(int is_double, char jobvl, char jobvr, int n, void *a, int lda, void *wr, void *wi, void *vl,
                      int ldvl, void *vr, int ldvr, void *work, int lwork, int *info) {
    if (is_double) LAPACK_CALL(dgeev, &jobvl, &jobvr, &n, a, &lda, wr, wi, vl, &ldvl, vr, &ldvr, work, &lwork, info, 1, 1);
    LAPACK_CALL(sgeev, &jobvl, &jobvr, &n, a, &lda, wr, wi, vl, &ldvl, vr, &ldvr, work, &lwork, info, 1, 1);
}
