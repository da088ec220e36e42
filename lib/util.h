/* Small helpers shared by the collector's modules: crun-style cleanup attributes, time. */
#ifndef ASSAY_UTIL_H
#define ASSAY_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static inline void assay_freep(void *p)
{
	free(*(void **)p);
}
static inline void assay_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
static inline void assay_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define cleanup_free  __attribute__((cleanup(assay_freep)))
#define cleanup_close __attribute__((cleanup(assay_closep)))
#define cleanup_file  __attribute__((cleanup(assay_fclosep)))

/* Hands ownership over: returns the value and resets the variable so cleanup skips it. */
#define steal_pointer(pp)                                                                          \
	({                                                                                         \
		__typeof__(*(pp)) steal_v_ = *(pp);                                                \
		*(pp) = NULL;                                                                      \
		steal_v_;                                                                          \
	})

static inline uint64_t assay_now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* malloc-family wrappers that abort on exhaustion (the collector cannot do anything useful then).
 */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "a, b, c and d": the n items item(0..n-1, ctx) joined with ", " and `last` (" and ", " or ")
 * before the last one; malloc'd. */
char *assay_join(size_t n, const char *(*item)(size_t i, const void *ctx), const void *ctx,
                 const char *last);

/* libexec/NAME of this build, the helper programs a run execs (assay-runsc, assay-crun): next to
 * the running executable (build/collector -> build/libexec/NAME) or one directory up from it
 * (build/tests/x -> build/libexec/NAME). Absolute and malloc'd; NULL when it is not there. */
char *assay_libexec_path(const char *name);

#endif
