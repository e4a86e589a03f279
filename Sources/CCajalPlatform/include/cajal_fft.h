#ifndef CAJAL_FFT_H
#define CAJAL_FFT_H

/* FFTW 3 (Debian's libfftw3-double3 and libfftw3-single3), loaded by the
 * engine at its first transform rather than linked, so that a program that
 * never transforms needs no FFTW. Each call transforms `howmany` contiguous
 * rows one after another (row r of the input at in + r * its row length, of
 * the output likewise), unnormalized; it returns -1 when FFTW cannot be loaded
 * and -2 when FFTW cannot plan the transform. Planning is serialized (FFTW's
 * planner is not thread-safe); transforms run on the calling thread.
 * Internal: not part of libcajal.so's API. */

#define CAJAL_FFT_INTERNAL __attribute__((visibility("hidden")))

/* 1 when FFTW is loaded for this precision (loading it on the first call), 0 otherwise. */
CAJAL_FFT_INTERNAL int cajal_fft_available(int is_double);

/* Complex to complex: rows of n complex numbers (interleaved re, im); inverse
 * uses e^{+2 pi i k t / n} (FFTW_BACKWARD), else e^{-2 pi i k t / n}. */
CAJAL_FFT_INTERNAL int cajal_fft_c2c(int is_double, int n, int howmany, void *in, void *out, int inverse);

/* Real to complex: rows of n reals to rows of n / 2 + 1 complex numbers. */
CAJAL_FFT_INTERNAL int cajal_fft_r2c(int is_double, int n, int howmany, void *in, void *out);

/* Complex to real: rows of n / 2 + 1 complex numbers (a Hermitian spectrum's
 * first half; the imaginary parts of bin 0 and, for even n, bin n / 2 are
 * ignored) to rows of n reals. The input is overwritten. */
CAJAL_FFT_INTERNAL int cajal_fft_c2r(int is_double, int n, int howmany, void *in, void *out);

#endif
