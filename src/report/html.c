/* The pieces of the page's HTML: escaping, numbers, a figure or the reason it is absent, the
 * metadata tables, relative links. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/util.h"
#include "report/internal.h"

void report_html_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		const char *e = *s == '<'    ? "&lt;"
		                : *s == '>'  ? "&gt;"
		                : *s == '&'  ? "&amp;"
		                : *s == '"'  ? "&quot;"
		                : *s == '\'' ? "&#39;"
		                             : NULL;

		if (e)
			fputs(e, f);
		else
			fputc(*s, f);
	}
}

void report_fmt_num(FILE *f, double v)
{
	if (!isfinite(v))
		fputs("–", f);
	else if (fabs(v) >= 1e5 || (fabs(v) < 1e-3 && v != 0))
		fprintf(f, "%.3g", v);
	else
		fprintf(f, "%.4g", v);
}

void report_figure_html(FILE *f, const char *name, const char *alt, const char *caption)
{
	fprintf(f, "<figure><a href=\"" FIG_DIR "/%s.svg\"><img src=\"" FIG_DIR "/%s.svg\" alt=\"",
	        name, name);
	report_html_escape(f, alt);
	fprintf(f, "\"></a><figcaption>");
	report_html_escape(f, caption);
	fprintf(f,
	        " <span class=\"files\">(<a href=\"" FIG_DIR "/%s.png\">PNG</a>, <a href=\"" FIG_DIR
	        "/%s.svg\">SVG</a>, <a href=\"" DATA_DIR "/%s.tsv\">data</a>)</span></figcaption>"
	        "</figure>\n",
	        name, name, name);
}

void report_absent_html(FILE *f, const char *what)
{
	fputs("<p class=\"absent\">", f);
	report_html_escape(f, what);
	fputs("</p>\n", f);
}

/* Every scalar of meta as "a.b.c" → value, objects flattened, arrays joined. */
static void meta_flatten(json_t *v, const char *prefix, json_t *out)
{
	const char *key;
	json_t *x;

	if (json_is_object(v)) {
		json_object_foreach(v, key, x)
		{
			cleanup_free char *p =
			    *prefix ? xasprintf("%s.%s", prefix, key) : xstrdup(key);

			if (!strcmp(p, "suite_text") || !strcmp(p, "format"))
				continue;
			meta_flatten(x, p, out);
		}
	} else if (json_is_array(v)) {
		cleanup_membuf struct membuf m = {0};
		size_t i;

		report_membuf_open(&m);
		json_array_foreach(v, i, x)
		{
			cleanup_free char *s = json_dumps(x, JSON_ENCODE_ANY);

			if (json_is_string(x))
				fprintf(m.f, "%s%s", i ? ", " : "", json_string_value(x));
			else
				fprintf(m.f, "%s%s", i ? ", " : "", s ? s : "");
		}
		json_object_set_new(out, prefix, json_string(report_membuf_text(&m)));
	} else if (json_is_string(v)) {
		json_object_set(out, prefix, v);
	} else if (!json_is_null(v)) {
		cleanup_free char *s = json_dumps(v, JSON_ENCODE_ANY);

		json_object_set_new(out, prefix, json_string(s ? s : ""));
	} else {
		json_object_set_new(out, prefix, json_string("–"));
	}
}

/* The facts a reader checks first; the rest of meta goes into a <details>. A key ending in '.'
 * stands for every key it begins. */
static const char *const key_facts[] = {
    "host",     "cpu",       "ncpu",     "arch",    "kernel", "suite",        "started",
    "finished", "versions.", "endpoint", "tracing", "quick",  "runsc_sandbox"};
#define N_KEY_FACTS (sizeof(key_facts) / sizeof(key_facts[0]))

static bool is_fact(const char *key, const char *fact)
{
	size_t len = strlen(fact);

	return fact[len - 1] == '.' ? !strncmp(key, fact, len) : !strcmp(key, fact);
}

static bool is_key_fact(const char *key)
{
	for (size_t i = 0; i < N_KEY_FACTS; i++)
		if (is_fact(key, key_facts[i]))
			return true;
	return false;
}

/* A row of a metadata table: its heading, then one cell (<td>, or <th> with head) per
 * directory. */
static void meta_row(FILE *f, const char *key, const char *const *values, size_t n, bool head)
{
	fputs("<tr><th>", f);
	report_html_escape(f, key);
	fputs("</th>", f);
	for (size_t d = 0; d < n; d++) {
		fputs(head ? "<th>" : "<td>", f);
		report_html_escape(f, values[d]);
		fputs(head ? "</th>" : "</td>", f);
	}
	fputs("</tr>\n", f);
}

static void meta_key_row(struct report *r, FILE *f, json_t **flat, const char *key)
{
	const char *values[r->ndirs];

	for (size_t d = 0; d < r->ndirs; d++)
		values[d] = jstr(flat[d], key) ? jstr(flat[d], key) : "";
	meta_row(f, key, values, r->ndirs, false);
}

/* The key facts in their own order (facts), or the rest as the files have them. */
static void meta_table(struct report *r, FILE *f, json_t **flat, json_t *keys, bool facts)
{
	const char *labels[r->ndirs], *paths[r->ndirs];
	size_t i;
	json_t *v;

	for (size_t d = 0; d < r->ndirs; d++) {
		labels[d] = r->dirs[d].label;
		paths[d] = r->dirs[d].path;
	}
	fputs("<div class=\"scroll\"><table class=\"meta\">\n", f);
	if (r->ndirs > 1)
		meta_row(f, "", labels, r->ndirs, true);
	meta_row(f, "directory", paths, r->ndirs, false);
	if (facts) {
		for (size_t q = 0; q < N_KEY_FACTS; q++) {
			json_array_foreach(keys, i, v)
			{
				if (is_fact(json_string_value(v), key_facts[q]))
					meta_key_row(r, f, flat, json_string_value(v));
			}
		}
	} else {
		json_array_foreach(keys, i, v)
		{
			if (!is_key_fact(json_string_value(v)))
				meta_key_row(r, f, flat, json_string_value(v));
		}
	}
	fputs("</table></div>\n", f);
}

void report_meta_tables(struct report *r, FILE *f)
{
	json_t *flat[r->ndirs];
	cleanup_json json_t *keys = json_array();
	const char *key;
	json_t *v;
	size_t i;

	for (size_t d = 0; d < r->ndirs; d++) {
		flat[d] = json_object();
		meta_flatten(json_object_get(r->dirs[d].root, "meta"), "", flat[d]);
		json_object_foreach(flat[d], key, v)
		{
			bool seen = false;
			json_t *k;

			json_array_foreach(keys, i, k)
			{
				seen = seen || !strcmp(json_string_value(k), key);
			}
			if (!seen)
				json_array_append_new(keys, json_string(key));
		}
	}
	meta_table(r, f, flat, keys, true);
	fputs("<details><summary>all metadata</summary>\n", f);
	meta_table(r, f, flat, keys, false);
	fputs("</details>\n", f);
	for (size_t d = 0; d < r->ndirs; d++)
		json_decref(flat[d]);
}

char *report_relpath(const char *from, const char *to)
{
	cleanup_free char *a = realpath(from, NULL);
	cleanup_free char *b = realpath(to, NULL);
	struct membuf m;
	size_t i = 0, common = 0;

	if (a == NULL || b == NULL)
		return xstrdup(to);
	/* common directory prefix, on component boundaries */
	while (a[i] && a[i] == b[i]) {
		if (a[i] == '/')
			common = i;
		i++;
	}
	if ((a[i] == 0 && (b[i] == '/' || b[i] == 0)) || (b[i] == 0 && a[i] == '/'))
		common = i;
	report_membuf_open(&m);
	for (const char *s = a + common; *s; s++)
		if (*s == '/')
			fputs("../", m.f);
	fputs(b[common] == '/' ? b + common + 1 : b + common, m.f);
	if (*report_membuf_text(&m) == 0) {
		free(m.buf);
		return xstrdup(".");
	}
	return m.buf;
}
