/* The harness's streaming JSON writer (report_json and the one-line result): keys, scalars,
 * nested objects and arrays, commas placed by depth. */
#include "harness/harness.h"

#include <inttypes.h>
#include <math.h>

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void json_prefix(struct wl_json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->out);
	j->need_comma[j->depth] = true;
	if (key) {
		json_string(j->out, key);
		fputc(':', j->out);
	}
}

void wl_json_int(struct wl_json *j, const char *key, int64_t v)
{
	json_prefix(j, key);
	fprintf(j->out, "%" PRId64, v);
}

void wl_json_uint(struct wl_json *j, const char *key, uint64_t v)
{
	json_prefix(j, key);
	fprintf(j->out, "%" PRIu64, v);
}

void wl_json_double(struct wl_json *j, const char *key, double v)
{
	json_prefix(j, key);
	if (isfinite(v))
		fprintf(j->out, "%.10g", v);
	else
		fputs("null", j->out);
}

void wl_json_bool(struct wl_json *j, const char *key, bool v)
{
	json_prefix(j, key);
	fputs(v ? "true" : "false", j->out);
}

void wl_json_str(struct wl_json *j, const char *key, const char *s)
{
	json_prefix(j, key);
	json_string(j->out, s ? s : "");
}

void wl_json_null(struct wl_json *j, const char *key)
{
	json_prefix(j, key);
	fputs("null", j->out);
}

static void json_open(struct wl_json *j, const char *key, char c)
{
	json_prefix(j, key);
	fputc(c, j->out);
	if (j->depth < (int)(sizeof(j->need_comma) / sizeof(j->need_comma[0])) - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void json_close(struct wl_json *j, char c)
{
	fputc(c, j->out);
	if (j->depth > 0)
		j->depth--;
}

void wl_json_begin_object(struct wl_json *j, const char *key)
{
	json_open(j, key, '{');
}

void wl_json_end_object(struct wl_json *j)
{
	json_close(j, '}');
}

void wl_json_begin_array(struct wl_json *j, const char *key)
{
	json_open(j, key, '[');
}

void wl_json_end_array(struct wl_json *j)
{
	json_close(j, ']');
}
