#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"

static void *check(void *p)
{
	if (p == NULL) {
		fputs("assay: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *xmalloc(size_t n)
{
	return check(malloc(n ? n : 1));
}

void *xcalloc(size_t n, size_t size)
{
	return check(calloc(n ? n : 1, size ? size : 1));
}

void *xrealloc(void *p, size_t n)
{
	return check(realloc(p, n ? n : 1));
}

char *xstrdup(const char *s)
{
	return check(strdup(s));
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return check(s);
}

char *assay_libexec_path(const char *name)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (int up = 0; up < 2; up++) {
		char *p, *real;

		slash = strrchr(exe, '/');
		if (slash == NULL)
			return NULL;
		*slash = '\0';
		p = xasprintf("%s/libexec/%s", exe, name);
		real = access(p, X_OK) == 0 ? realpath(p, NULL) : NULL;
		free(p);
		if (real)
			return real;
	}
	return NULL;
}

char *assay_join(size_t n, const char *(*item)(size_t i, const void *ctx), const void *ctx,
                 const char *last)
{
	char *out = xstrdup("");

	for (size_t i = 0; i < n; i++) {
		char *more = xasprintf("%s%s%s", out,
		                       i == 0       ? ""
		                       : i + 1 == n ? last
		                                    : ", ",
		                       item(i, ctx));

		free(out);
		out = more;
	}
	return out;
}
