/* unit.h — what every C unit test shares (tests/unit/<domain>/<module>.c, header
 * only): check() counts a condition and prints "not ok N what" when it fails,
 * unit_done() prints the summary and gives main's exit status.
 *
 *	check(x == 2, "x is %d", x);
 *	...
 *	return unit_done();      // 0: all passed, 1: any failed */
#ifndef SV_UNIT_H
#define SV_UNIT_H
#include <stdarg.h>
#include <stdio.h>

static int unit_fails, unit_count;

static void check(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3), unused));

static void
check(int cond, const char *fmt, ...)
{
	va_list ap;

	unit_count++;
	if (cond)
		return;
	unit_fails++;
	printf("not ok %d ", unit_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static int __attribute__((unused))
unit_done(void)
{
	if (unit_fails)
		printf("# %d of %d checks failed\n", unit_fails, unit_count);
	else
		printf("# all %d checks passed\n", unit_count);
	return unit_fails ? 1 : 0;
}

#endif
