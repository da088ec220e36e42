#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"

static int make_v(assay_error_t *err, int status, int exit_code, const char *fmt, va_list ap)
{
	struct assay_error_s *e;

	if (err == NULL)
		return -1;
	if (*err) /* keep the first error: it is the cause */
		return -1;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		abort();
	e->status = status;
	e->exit_code = exit_code;
	if (vasprintf(&e->msg, fmt, ap) < 0)
		abort();
	*err = e;
	return -1;
}

int assay_error_make(assay_error_t *err, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	make_v(err, status, 1, fmt, ap);
	va_end(ap);
	return -1;
}

int assay_error_usage(assay_error_t *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	make_v(err, 0, 2, fmt, ap);
	va_end(ap);
	return -1;
}

int assay_error_wrap(assay_error_t *err, const char *fmt, ...)
{
	char *ctx, *msg;
	va_list ap;

	if (err == NULL || *err == NULL)
		return -1;
	va_start(ap, fmt);
	if (vasprintf(&ctx, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (asprintf(&msg, "%s: %s", ctx, (*err)->msg) < 0)
		abort();
	free(ctx);
	free((*err)->msg);
	(*err)->msg = msg;
	return -1;
}

char *assay_error_text(const assay_error_t err)
{
	char *s;

	if (err == NULL)
		return NULL;
	if (err->status) {
		if (asprintf(&s, "%s: %s", err->msg, strerror(err->status)) < 0)
			abort();
	} else if ((s = strdup(err->msg)) == NULL) {
		abort();
	}
	return s;
}

int assay_error_print(assay_error_t *err, const char *prog)
{
	int code;
	char *text;

	if (err == NULL || *err == NULL)
		return 0;
	text = assay_error_text(*err);
	fprintf(stderr, "%s: %s\n", prog, text);
	free(text);
	code = (*err)->exit_code;
	assay_error_release(err);
	return code;
}

void assay_error_release(assay_error_t *err)
{
	if (err == NULL || *err == NULL)
		return;
	free((*err)->msg);
	free(*err);
	*err = NULL;
}
