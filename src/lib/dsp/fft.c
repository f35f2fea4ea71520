/* fft.c — checked FFTW3 buffers (see fft.h). */
#include "dsp/fft.h"
#include "core/util.h"

#include <stdint.h>

/* fftw_malloc of n x size bytes; exits like emalloc when memory runs out */
static void *
fft_alloc(size_t n, size_t size)
{
	void *p;

	if (n > SIZE_MAX / size || !(p = fftw_malloc(n ? n * size : 1)))
		eprintf("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

double *
fft_real(size_t n)
{
	return fft_alloc(n, sizeof(double));
}

fftw_complex *
fft_complex(size_t n)
{
	return fft_alloc(n, sizeof(fftw_complex));
}
