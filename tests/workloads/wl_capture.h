/* Test helper (header only): runs a workload in-process through wl_main with its stdout and
 * stderr caught, and parses stdout back as JSON when it holds exactly one line.
 *
 *   struct wl_capture c;
 *   wl_capture(&c, &cpu_workload, "--json", "--events=3", NULL);
 *   c.status, c.out, c.err, c.lines (stdout lines), c.json (NULL unless one JSON line)
 *   wl_capture_free(&c);
 */
#ifndef ASSAY_WL_CAPTURE_H
#define ASSAY_WL_CAPTURE_H

#include "harness/harness.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct wl_capture {
	int status;
	char *out, *err;
	int lines;
	json_t *json;
};

static char *wl_capture_slurp(FILE *f)
{
	long n;
	char *buf;

	fflush(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf[0] = '\0';
	fclose(f);
	return buf;
}

__attribute__((sentinel, unused)) static int wl_capture(struct wl_capture *c,
                                                        const struct wl_workload *w, ...)
{
	char *argv[64];
	int argc = 0, saved_out, saved_err;
	FILE *out = tmpfile(), *err = tmpfile();
	const char *a;
	va_list ap;

	memset(c, 0, sizeof(*c));
	argv[argc++] = (char *)w->name;
	va_start(ap, w);
	while ((a = va_arg(ap, const char *)) != NULL && argc < 63)
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;

	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	dup2(fileno(out), 1);
	dup2(fileno(err), 2);
	c->status = wl_main(w, argc, argv, 12345);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	c->out = wl_capture_slurp(out);
	c->err = wl_capture_slurp(err);
	for (const char *p = c->out; p && *p; p++)
		c->lines += *p == '\n';
	if (c->lines == 1)
		c->json = json_loads(c->out, 0, NULL);
	return c->status;
}

__attribute__((unused)) static void wl_capture_free(struct wl_capture *c)
{
	free(c->out);
	free(c->err);
	json_decref(c->json);
	memset(c, 0, sizeof(*c));
}

/* A number from a JSON path like "latency_ns.p95" (NAN when absent). */
__attribute__((unused)) static double wl_json_num(json_t *root, const char *path)
{
	char buf[128], *save = NULL, *tok;
	json_t *cur = root;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && cur; tok = strtok_r(NULL, ".", &save))
		cur = json_object_get(cur, tok);
	return cur && json_is_number(cur) ? json_number_value(cur) : __builtin_nan("");
}

#endif
