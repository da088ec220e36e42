/* Minimal TAP producer for assay's C tests (header only).
 *
 *   ok(cond, "what %d", x);         one test point
 *   is_int(got, want, "what");      integer comparison, prints both on failure
 *   is_str(got, want, "what");      string comparison (NULL-safe)
 *   skip("why");                    one skipped point
 *   return tap_done();              prints the plan; exit status 1 if any point failed
 *
 * Exit with 77 (TAP_SKIP_ALL) before any point when a prerequisite cannot exist here. */
#ifndef ASSAY_TAP_H
#define ASSAY_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define TAP_SKIP_ALL 77

static int tap_count, tap_failures;

__attribute__((format(printf, 4, 5), unused)) static int tap_ok(int pass, const char *file,
                                                                int line, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	printf("%sok %d - ", pass ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failures++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return pass;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...)                                                                     \
	do {                                                                                       \
		long long tap_g_ = (long long)(got), tap_w_ = (long long)(want);                   \
		if (!tap_ok(tap_g_ == tap_w_, __FILE__, __LINE__, __VA_ARGS__))                    \
			printf("#   got %lld, want %lld\n", tap_g_, tap_w_);                       \
	} while (0)

#define is_str(got, want, ...)                                                                     \
	do {                                                                                       \
		const char *tap_g_ = (got), *tap_w_ = (want);                                      \
		int tap_eq_ = (tap_g_ && tap_w_) ? strcmp(tap_g_, tap_w_) == 0 : tap_g_ == tap_w_; \
		if (!tap_ok(tap_eq_, __FILE__, __LINE__, __VA_ARGS__))                             \
			printf("#   got  \"%s\"\n#   want \"%s\"\n", tap_g_ ? tap_g_ : "(null)",   \
			       tap_w_ ? tap_w_ : "(null)");                                        \
	} while (0)

__attribute__((unused)) static void skip(const char *why)
{
	printf("ok %d # SKIP %s\n", ++tap_count, why);
	fflush(stdout);
}

__attribute__((unused)) static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

__attribute__((unused)) static int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failures ? 1 : 0;
}

#endif
