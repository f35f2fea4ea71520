/* fft.h — FFTW3 buffers for the dsp modules (stft, beat, cqt).
 *
 * fft_real() and fft_complex() are fftw_alloc_real / fftw_alloc_complex (SIMD
 * aligned, freed with fftw_free) with the n x size product checked; they exit like
 * emalloc when memory runs out.  Plans need no check: FFTW's basic-interface
 * planners always return a plan in the standard FFTW distribution (FFTW manual,
 * "Complex DFTs").  The FFTW planner is not thread-safe: plans are made and
 * destroyed by one thread at a time. */
#ifndef SV_FFT_H
#define SV_FFT_H
#include <stddef.h>

#include <fftw3.h>

double *fft_real(size_t n);
fftw_complex *fft_complex(size_t n);

#endif
