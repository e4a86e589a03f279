#ifndef CAJAL_BLAS_H
#define CAJAL_BLAS_H

/* OpenBLAS, loaded by the engine at its first BLAS call rather than linked.
 *
 * Why: OpenBLAS picks its kernels in a constructor that runs when the library
 * is loaded, and on CPUs it does not know (AMD Zen 4 with OpenBLAS 0.3.21) it
 * falls back to the AVX2 kernels, half the speed of its AVX-512 ones (and some
 * machines force those with OPENBLAS_CORETYPE=Haswell in every process's
 * environment). Loading it ourselves lets us ask for the AVX-512 kernels when
 * the CPU and the OS support them, and only then. CAJAL_BLAS_CORETYPE
 * (SkylakeX, Haswell or Prescott) asks for others, if the CPU runs them.
 *
 * Every call returns -1 when OpenBLAS cannot be loaded; the caller then uses
 * its fallback or reports an error. Internal: not part of libcajal.so's API. */

#define CAJAL_BLAS_INTERNAL __attribute__((visibility("hidden")))

/* 1 when OpenBLAS is loaded (loading it on the first call), 0 otherwise. */
CAJAL_BLAS_INTERNAL int cajal_blas_available(void);

/* OpenBLAS's name for the kernels in use ("SkylakeX", "Haswell", ...), or
 * "unavailable". */
CAJAL_BLAS_INTERNAL const char *cajal_blas_core_name(void);
/* 1 when the library runs every call on the calling thread (MKL's sequential
 * layer, OpenBLAS set to one thread): cajal then splits large products across
 * its own cores. */
CAJAL_BLAS_INTERNAL int cajal_blas_is_sequential(void);
/* How many threads OpenBLAS's LAPACK routines may use (its GEMMs keep one). */
CAJAL_BLAS_INTERNAL void cajal_lapack_set_threads(int threads);

/* cblas_sgemm / cblas_dgemm, row-major; transposes are 0 (no) or 1 (yes). */
CAJAL_BLAS_INTERNAL int cajal_blas_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha,
                                         const float *a, int lda, const float *b, int ldb, float beta,
                                         float *c, int ldc);
CAJAL_BLAS_INTERNAL int cajal_blas_dgemm(int trans_a, int trans_b, int m, int n, int k, double alpha,
                                         const double *a, int lda, const double *b, int ldb, double beta,
                                         double *c, int ldc);

/* LAPACK (column-major, 32-bit integers); each returns -1 when unavailable,
 * else 0 with LAPACK's own status in *info. */
CAJAL_BLAS_INTERNAL int cajal_lapack_sgetrf(int m, int n, float *a, int lda, int *ipiv, int *info);
CAJAL_BLAS_INTERNAL int cajal_lapack_dgetrf(int m, int n, double *a, int lda, int *ipiv, int *info);
CAJAL_BLAS_INTERNAL int cajal_lapack_sgetri(int n, float *a, int lda, const int *ipiv, float *work, int lwork, int *info);
CAJAL_BLAS_INTERNAL int cajal_lapack_dgetri(int n, double *a, int lda, const int *ipiv, double *work, int lwork, int *info);
CAJAL_BLAS_INTERNAL int cajal_lapack_sgesv(int n, int nrhs, float *a, int lda, int *ipiv, float *b, int ldb, int *info);
CAJAL_BLAS_INTERNAL int cajal_lapack_dgesv(int n, int nrhs, double *a, int lda, int *ipiv, double *b, int ldb, int *info);
/* potrf (Cholesky), trtrs (triangular solve) and syevd (symmetric eigensolver,
 * workspace given by the caller; lwork = -1 asks for its size in work[0] and iwork[0]),
 * for doubles when is_double, floats otherwise. */
CAJAL_BLAS_INTERNAL int cajal_lapack_potrf(int is_double, char uplo, int n, void *a, int lda, int *info);
CAJAL_BLAS_INTERNAL int cajal_lapack_trtrs(int is_double, char uplo, char trans, char diag, int n, int nrhs, const void *a,
                                           int lda, void *b, int ldb, int *info);
CAJAL_BLAS_INTERNAL int cajal_lapack_syevd(int is_double, char jobz, char uplo, int n, void *a, int lda, void *w, void *work,
                                           int lwork, int *iwork, int liwork, int *info);
/* gesdd: the SVD of a column-major m x n matrix (destroyed); jobz 'S' (reduced) or 'A' (full);
 * iwork holds 8 min(m, n) ints; lwork = -1 asks for the workspace size in work[0]. */
CAJAL_BLAS_INTERNAL int cajal_lapack_gesdd(int is_double, char jobz, int m, int n, void *a, int lda, void *s, void *u,
                                           int ldu, void *vt, int ldvt, void *work, int lwork, int *iwork, int *info);
/* geqrf: the Householder QR of a column-major m x n matrix in place (R on and above the
 * diagonal, the reflectors below, their scales in tau); orgqr: the first n columns of the
 * m x m Q from k reflectors, over a. lwork = -1 asks for the workspace size in work[0]. */
CAJAL_BLAS_INTERNAL int cajal_lapack_geqrf(int is_double, int m, int n, void *a, int lda, void *tau, void *work, int lwork,
                                           int *info);
/* geev: eigenvalues (wr + i wi) and, with jobvr 'V', right eigenvectors of a general column-major
 * n x n matrix (destroyed); a complex pair's vectors are vr's columns j (real) and j + 1 (imaginary). */
CAJAL_BLAS_INTERNAL int cajal_lapack_geev(int is_double, char jobvl, char jobvr, int n, void *a, int lda, void *wr, void *wi,
                                          void *vl, int ldvl, void *vr, int ldvr, void *work, int lwork, int *info);
CAJAL_BLAS_INTERNAL int cajal_lapack_orgqr(int is_double, int m, int n, int k, void *a, int lda, const void *tau, void *work,
                                           int lwork, int *info);

#endif
