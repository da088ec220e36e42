/* `collector report`: figures (gnuplot scripts of analysis/, fed with TSV files written here) and
 * an offline HTML page for one or more results directories (see report.h, docs/report.md).
 *
 * Nothing is drawn in C: this module only chooses what to draw, writes each figure's data and
 * calls its script, then lays out the page. A figure whose data is absent (no tracer, no CRI
 * target, no scalability benchmark) is not drawn and the page says why. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchmarks/benchmarks.h"
#include "report/report.h"
#include "lib/fs.h"
#include "results/results.h"
#include "lib/util.h"
#include "version.h"

extern char **environ;

#define FIG_DIR  "figures"
#define DATA_DIR "figures/data"

struct rdir {
	char *path;
	char *label;
	json_t *root;
};

struct rcell {
	json_t *cell; /* borrowed from its directory's root */
	size_t dir;   /* index in report.dirs */
	char *name;   /* shown: TARGET, or TARGET@LABEL when comparing */
	const char *target;
};

struct rfig {
	const char *name, *unit, *better; /* borrowed from some cell's summary */
	bool headline;
};

struct rbench {
	const char *name;
	struct rcell *cells;
	size_t ncells;
	struct rfig *figs;
	size_t nfigs;
};

struct report {
	struct rdir *dirs;
	size_t ndirs;
	const char *out;
	char *adir;    /* the scripts */
	char *gnuplot; /* program */
	char *labels;  /* space-separated labels when comparing, else "" */
	struct rbench *benches;
	size_t nbenches;
};

/* ---- small helpers ----------------------------------------------------------------------- */

/* s with every character outside [A-Za-z0-9._-] replaced by '_', in place (file-name safe). */
static char *safe_name(char *s)
{
	for (char *p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			*p = '_';
	return s;
}

char *report_dir_label(const char *dir)
{
	cleanup_free char *copy = xstrdup(dir);
	size_t len = strlen(copy);
	char *base, *label;

	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = 0;
	base = strrchr(copy, '/');
	base = base && base[1] ? base + 1 : copy;
	label = xstrdup(base);
	return safe_name(label);
}

int report_same_family(const char *first, const char *fig)
{
	const char *us = strrchr(first, '_');
	size_t len;

	if (!strcmp(first, fig))
		return 1;
	if (us == NULL)
		return 0;
	len = (size_t)(us - first) + 1;
	return strncmp(first, fig, len) == 0 && strchr(fig + len, '_') == NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double report_median(double *values, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(values, n, sizeof(*values), cmp_double);
	return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

void report_html_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static double jnum(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Summary statistic `key` of figure `fig` in a cell, NaN when absent. */
static double cstat(json_t *cell, const char *fig, const char *key)
{
	return jnum(json_object_get(json_object_get(cell, "summary"), fig), key);
}

static void tsv_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "\t%.10g", v);
	else
		fputs("\tNaN", f);
}

/* A memory stream for one file's contents, written atomically when done. */
struct membuf {
	FILE *f;
	char *buf;
	size_t len;
};

static void membuf_open(struct membuf *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	if (m->f == NULL)
		abort();
}

static int membuf_write(struct membuf *m, const char *path, assay_error_t *err)
{
	int ret;

	fclose(m->f);
	m->f = NULL;
	ret = fs_write_atomic(path, m->buf, m->len, err);
	free(m->buf);
	m->buf = NULL;
	return ret;
}

/* Path of `to` relative to directory `from` (both existing), for links of the page. */
static char *relpath(const char *from, const char *to)
{
	cleanup_free char *a = realpath(from, NULL);
	cleanup_free char *b = realpath(to, NULL);
	struct membuf m;
	size_t i = 0, common = 0;
	char *out;

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
	membuf_open(&m);
	for (const char *s = a + common; *s; s++)
		if (*s == '/')
			fputs("../", m.f);
	fputs(b[common] == '/' ? b + common + 1 : b + common, m.f);
	fclose(m.f);
	out = m.buf;
	if (out[0] == 0) {
		free(out);
		out = xstrdup(".");
	}
	return out;
}

/* ---- the model: benchmarks × cells of every directory ---------------------------------------- */

static struct rbench *bench_get(struct report *r, const char *name)
{
	for (size_t i = 0; i < r->nbenches; i++)
		if (!strcmp(r->benches[i].name, name))
			return &r->benches[i];
	r->benches = xrealloc(r->benches, (r->nbenches + 1) * sizeof(*r->benches));
	memset(&r->benches[r->nbenches], 0, sizeof(*r->benches));
	r->benches[r->nbenches].name = name;
	return &r->benches[r->nbenches++];
}

static void bench_add_fig(struct rbench *b, const char *name, json_t *stats)
{
	const char *unit = jstr(stats, "unit"), *better = jstr(stats, "better");

	for (size_t i = 0; i < b->nfigs; i++)
		if (!strcmp(b->figs[i].name, name))
			return;
	b->figs = xrealloc(b->figs, (b->nfigs + 1) * sizeof(*b->figs));
	b->figs[b->nfigs].name = name;
	b->figs[b->nfigs].unit = unit && *unit ? unit : "1";
	b->figs[b->nfigs].better = better && *better ? better : "lower";
	b->figs[b->nfigs].headline = b->nfigs == 0 || report_same_family(b->figs[0].name, name);
	b->nfigs++;
}

/* Cells are grouped per benchmark (in order of first appearance), then per target (same), then
 * per directory: the compared variants of a target sit side by side. */
static void build_model(struct report *r)
{
	const char **targets = NULL;
	size_t ntargets = 0;

	for (size_t d = 0; d < r->ndirs; d++) {
		size_t i;
		json_t *cell;

		json_array_foreach(json_object_get(r->dirs[d].root, "cells"), i, cell)
		{
			const char *t = jstr(cell, "target"), *b = jstr(cell, "benchmark");
			size_t k;

			if (t == NULL || b == NULL)
				continue;
			bench_get(r, b);
			for (k = 0; k < ntargets && strcmp(targets[k], t); k++)
				;
			if (k == ntargets) {
				targets = xrealloc(targets, (ntargets + 1) * sizeof(*targets));
				targets[ntargets++] = t;
			}
		}
	}
	for (size_t bi = 0; bi < r->nbenches; bi++) {
		struct rbench *b = &r->benches[bi];

		for (size_t t = 0; t < ntargets; t++) {
			for (size_t d = 0; d < r->ndirs; d++) {
				size_t i;
				json_t *cell;

				json_array_foreach(json_object_get(r->dirs[d].root, "cells"), i,
				                   cell)
				{
					const char *fig;
					json_t *stats;
					struct rcell *c;

					if (strcmp(jstr(cell, "target") ? jstr(cell, "target") : "",
					           targets[t]) ||
					    strcmp(jstr(cell, "benchmark") ? jstr(cell, "benchmark")
					                                   : "",
					           b->name))
						continue;
					b->cells =
					    xrealloc(b->cells, (b->ncells + 1) * sizeof(*b->cells));
					c = &b->cells[b->ncells++];
					c->cell = cell;
					c->dir = d;
					c->target = targets[t];
					c->name = r->ndirs > 1 ? xasprintf("%s@%s", targets[t],
					                                   r->dirs[d].label)
					                       : xstrdup(targets[t]);
					json_object_foreach(json_object_get(cell, "summary"), fig,
					                    stats) bench_add_fig(b, fig, stats);
					break;
				}
			}
		}
	}
	free(targets);
}

/* The native median of the same benchmark and figure in the cell's own directory. */
static double native_median(const struct rbench *b, const struct rcell *c, const char *fig)
{
	for (size_t i = 0; i < b->ncells; i++)
		if (b->cells[i].dir == c->dir && !strcmp(b->cells[i].target, "native"))
			return cstat(b->cells[i].cell, fig, "median");
	return NAN;
}

/* How many times costlier than native (docs/results.md `overhead`). */
static double overhead(const struct rbench *b, const struct rcell *c, const struct rfig *f)
{
	double m = cstat(c->cell, f->name, "median"), nat = native_median(b, c, f->name);

	if (!isfinite(m) || !isfinite(nat) || m <= 0 || nat <= 0)
		return NAN;
	return !strcmp(f->better, "higher") ? nat / m : m / nat;
}

static bool is_measured_run(json_t *run)
{
	return !json_is_true(json_object_get(run, "warmup")) &&
	       json_is_object(json_object_get(run, "figures"));
}

/* ---- gnuplot ----------------------------------------------------------------------------------
 */

/* name='value'; with gnuplot's single-quote escaping. */
static void gp_var(FILE *f, const char *name, const char *value)
{
	fprintf(f, "%s='", name);
	for (; *value; value++) {
		if (*value == '\'')
			fputc('\'', f);
		fputc(*value, f);
	}
	fputs("'; ", f);
}

static int check_output(const char *path, const char *script, assay_error_t *err)
{
	struct stat st;

	if (stat(path, &st) < 0 || st.st_size == 0)
		return assay_error_make(err, 0, "%s: gnuplot wrote no `%s`", script, path);
	return 0;
}

/* Runs `gnuplot -e "VARS adir=…; data=…; out=…; labels=…;" analysis/SCRIPT.gp` and checks that
 * out.svg and out.png exist. name is the figure's name (figures/NAME.*, data in
 * figures/data/NAME.tsv). */
static int run_script(struct report *r, const char *script, const char *name, const char *vars,
                      assay_error_t *err)
{
	cleanup_free char *script_path = xasprintf("%s/%s.gp", r->adir, script);
	cleanup_free char *data = xasprintf("%s/" DATA_DIR "/%s.tsv", r->out, name);
	cleanup_free char *out = xasprintf("%s/" FIG_DIR "/%s", r->out, name);
	cleanup_free char *svg = xasprintf("%s.svg", out);
	cleanup_free char *png = xasprintf("%s.png", out);
	cleanup_free char *stderr_text = NULL;
	size_t stderr_len = 0;
	struct membuf m;
	int pipefd[2], status;
	pid_t pid;

	membuf_open(&m);
	gp_var(m.f, "adir", r->adir);
	gp_var(m.f, "data", data);
	gp_var(m.f, "out", out);
	gp_var(m.f, "labels", r->labels);
	fputs(vars, m.f);
	fclose(m.f);

	unlink(svg);
	unlink(png);
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		free(m.buf);
		return assay_error_make(err, errno, "%s: pipe", script);
	}
	/* posix_spawn, not fork: nothing of ours runs in the child, and a missing gnuplot is an
	 * error number here rather than a child's exit status */
	{
		char *argv[] = {r->gnuplot, "-e", m.buf, script_path, NULL};
		posix_spawn_file_actions_t fa;
		int rc;

		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
		posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
		rc = posix_spawnp(&pid, r->gnuplot, &fa, NULL, argv, environ);
		posix_spawn_file_actions_destroy(&fa);
		if (rc != 0) {
			free(m.buf);
			close(pipefd[0]);
			close(pipefd[1]);
			return assay_error_make(
			    err, rc,
			    "%s (figure %s): cannot execute `%s` (Debian: apt-get "
			    "install gnuplot-nox, or set GNUPLOT)",
			    script_path, name, r->gnuplot);
		}
	}
	free(m.buf);
	close(pipefd[1]);
	{
		FILE *s = open_memstream(&stderr_text, &stderr_len);
		char buf[4096];
		ssize_t got;

		if (s == NULL)
			abort();
		while ((got = read(pipefd[0], buf, sizeof(buf))) != 0) {
			if (got < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			fwrite(buf, 1, (size_t)got, s);
		}
		fclose(s);
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return assay_error_make(err, errno, "%s: waitpid", script);
	}
	/* gnuplot's message ends with a newline; the error's text must not */
	while (stderr_len &&
	       (stderr_text[stderr_len - 1] == '\n' || stderr_text[stderr_len - 1] == ' '))
		stderr_text[--stderr_len] = 0;
	if (WIFSIGNALED(status))
		return assay_error_make(err, 0, "%s (figure %s): gnuplot killed by signal %d: %s",
		                        script_path, name, WTERMSIG(status), stderr_text);
	/* (posix_spawn's child exits 127 when exec fails where it cannot report it, e.g. under
	 * valgrind) */
	if (WEXITSTATUS(status) == 127 && stderr_len == 0)
		return assay_error_make(
		    err, 0,
		    "%s (figure %s): cannot execute `%s` (Debian: apt-get install "
		    "gnuplot-nox, or set GNUPLOT)",
		    script_path, name, r->gnuplot);
	if (WEXITSTATUS(status) != 0)
		return assay_error_make(err, 0, "%s (figure %s): gnuplot exited with status %d: %s",
		                        script_path, name, WEXITSTATUS(status), stderr_text);
	if (check_output(svg, script_path, err) < 0 || check_output(png, script_path, err) < 0)
		return assay_error_wrap(err, "%s", stderr_text);
	return 0;
}

/* Space-separated words (names never hold spaces: targets, labels, figures, roles). */
static void words_add(FILE *f, bool *first, const char *w)
{
	fprintf(f, "%s%s", *first ? "" : " ", w);
	*first = false;
}

/* ---- the page ---------------------------------------------------------------------------------
 */

static void fmt_num(FILE *f, double v)
{
	if (!isfinite(v))
		fputs("–", f);
	else if (fabs(v) >= 1e5 || (fabs(v) < 1e-3 && v != 0))
		fprintf(f, "%.3g", v);
	else
		fprintf(f, "%.4g", v);
}

static void figure_html(FILE *f, const char *name, const char *alt, const char *caption)
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

static void absent_html(FILE *f, const char *what)
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
		struct membuf m;
		size_t i;

		membuf_open(&m);
		json_array_foreach(v, i, x)
		{
			cleanup_free char *s = json_dumps(x, JSON_ENCODE_ANY);

			if (json_is_string(x))
				fprintf(m.f, "%s%s", i ? ", " : "", json_string_value(x));
			else
				fprintf(m.f, "%s%s", i ? ", " : "", s ? s : "");
		}
		fclose(m.f);
		json_object_set_new(out, prefix, json_string(m.buf));
		free(m.buf);
	} else if (json_is_string(v)) {
		json_object_set(out, prefix, v);
	} else if (!json_is_null(v)) {
		cleanup_free char *s = json_dumps(v, JSON_ENCODE_ANY);

		json_object_set_new(out, prefix, json_string(s ? s : ""));
	} else {
		json_object_set_new(out, prefix, json_string("–"));
	}
}

/* The facts a reader checks first; the rest of meta goes into a <details>. */
static const char *const key_facts[] = {
    "host",     "cpu",       "ncpu",     "arch",    "kernel", "suite",        "started",
    "finished", "versions.", "endpoint", "tracing", "quick",  "runsc_sandbox"};

static bool is_key_fact(const char *key)
{
	for (size_t i = 0; i < sizeof(key_facts) / sizeof(key_facts[0]); i++) {
		size_t len = strlen(key_facts[i]);

		if (key_facts[i][len - 1] == '.' ? !strncmp(key, key_facts[i], len)
		                                 : !strcmp(key, key_facts[i]))
			return true;
	}
	return false;
}

static void meta_table(struct report *r, FILE *f, json_t **flat, json_t *keys, bool facts)
{
	size_t i;
	json_t *v;

	fputs("<div class=\"scroll\"><table class=\"meta\">\n", f);
	if (r->ndirs > 1) {
		fputs("<tr><th></th>", f);
		for (size_t d = 0; d < r->ndirs; d++) {
			fputs("<th>", f);
			report_html_escape(f, r->dirs[d].label);
			fputs("</th>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("<tr><th>directory</th>", f);
	for (size_t d = 0; d < r->ndirs; d++) {
		fputs("<td>", f);
		report_html_escape(f, r->dirs[d].path);
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
	/* key facts in their own order, the rest as the files have them */
	for (size_t q = 0; q < (facts ? sizeof(key_facts) / sizeof(key_facts[0]) : 1); q++) {
		json_array_foreach(keys, i, v)
		{
			const char *key = json_string_value(v);
			size_t len = strlen(key_facts[q]);

			if (facts && (key_facts[q][len - 1] == '.' ? strncmp(key, key_facts[q], len)
			                                           : strcmp(key, key_facts[q])))
				continue;
			if (!facts && is_key_fact(key))
				continue;
			fputs("<tr><th>", f);
			report_html_escape(f, key);
			fputs("</th>", f);
			for (size_t d = 0; d < r->ndirs; d++) {
				fputs("<td>", f);
				report_html_escape(f, jstr(flat[d], key) ? jstr(flat[d], key) : "");
				fputs("</td>", f);
			}
			fputs("</tr>\n", f);
		}
	}
	fputs("</table></div>\n", f);
}

static void page_meta(struct report *r, FILE *f)
{
	json_t *flat[r->ndirs], *keys = json_array();
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

			json_array_foreach(keys, i, k) seen =
			    seen || !strcmp(json_string_value(k), key);
			if (!seen)
				json_array_append_new(keys, json_string(key));
		}
	}
	fputs("<h2 id=\"meta\">Run</h2>\n", f);
	meta_table(r, f, flat, keys, true);
	fputs("<details><summary>all metadata</summary>\n", f);
	meta_table(r, f, flat, keys, false);
	fputs("</details>\n", f);
	for (size_t d = 0; d < r->ndirs; d++) {
		json_t *meta = json_object_get(r->dirs[d].root, "meta");
		const char *text = jstr(meta, "suite_text");

		if (json_is_true(json_object_get(meta, "quick")))
			fprintf(
			    f,
			    "<p class=\"warn\">%s%s%sa <code>--quick</code> run: one tiny run per "
			    "cell, a check of the set-up, not a measurement.</p>\n",
			    r->ndirs > 1 ? "<b>" : "", r->ndirs > 1 ? r->dirs[d].label : "",
			    r->ndirs > 1 ? "</b>: " : "");
		if (json_object_get(meta, "finished") == NULL) {
			fputs("<p class=\"warn\">", f);
			report_html_escape(f, r->dirs[d].label);
			fputs(": the suite did not finish (interrupted): the results hold what was "
			      "measured "
			      "until then.</p>\n",
			      f);
		}
		if (text) {
			fputs("<details><summary>suite file", f);
			if (r->ndirs > 1) {
				fputs(" of ", f);
				report_html_escape(f, r->dirs[d].label);
			}
			fputs("</summary><pre>", f);
			report_html_escape(f, text);
			fputs("</pre></details>\n", f);
		}
		json_decref(flat[d]);
	}
	json_decref(keys);
}

/* Cells that did not run as they should: one line per target × status × reason, listing the
 * benchmarks (a runtime that cannot run here is skipped in every cell for the same reason). */
static void page_problems(struct report *r, FILE *f)
{
	json_t *groups = json_object(); /* "name\tstatus\treason" → [benchmarks] */
	const char *key;
	json_t *list;

	for (size_t bi = 0; bi < r->nbenches; bi++) {
		struct rbench *b = &r->benches[bi];

		for (size_t i = 0; i < b->ncells; i++) {
			const char *st = jstr(b->cells[i].cell, "status"),
			           *why = jstr(b->cells[i].cell, "reason");
			cleanup_free char *k = NULL;

			if (st && !strcmp(st, "ok"))
				continue;
			k = xasprintf("%s\t%s\t%s", b->cells[i].name, st ? st : "?",
			              why ? why : "");
			if (json_object_get(groups, k) == NULL)
				json_object_set_new(groups, k, json_array());
			json_array_append_new(json_object_get(groups, k), json_string(b->name));
		}
	}
	if (json_object_size(groups)) {
		fputs("<h2 id=\"problems\">Cells that did not run cleanly</h2>\n<ul>\n", f);
		json_object_foreach(groups, key, list)
		{
			cleanup_free char *k = xstrdup(key);
			char *status = strchr(k, '\t') + 1, *reason = strchr(status, '\t') + 1;
			size_t i;
			json_t *bn;

			status[-1] = 0;
			reason[-1] = 0;
			fputs("<li><b>", f);
			report_html_escape(f, k);
			fputs("</b>: <span class=\"status\">", f);
			report_html_escape(f, status);
			fputs("</span> (", f);
			json_array_foreach(list, i, bn)
			{
				fputs(i ? ", " : "", f);
				report_html_escape(f, json_string_value(bn));
			}
			fputs(")", f);
			if (*reason) {
				fputs(" — ", f);
				report_html_escape(f, reason);
			}
			fputs("</li>\n", f);
		}
		fputs("</ul>\n", f);
	}
	json_decref(groups);
}

/* Index of the best cell for a figure (highest or lowest median), -1 when none. */
static long best_cell(const struct rbench *b, const struct rfig *fig)
{
	long best = -1;
	double bv = NAN;
	bool higher = !strcmp(fig->better, "higher");

	for (size_t i = 0; i < b->ncells; i++) {
		double v = cstat(b->cells[i].cell, fig->name, "median");

		if (!isfinite(v))
			continue;
		if (best < 0 || (higher ? v > bv : v < bv)) {
			best = (long)i;
			bv = v;
		}
	}
	return best;
}

static void page_bench_table(const struct rbench *b, FILE *f)
{
	long best[b->nfigs];

	for (size_t j = 0; j < b->nfigs; j++)
		best[j] = best_cell(b, &b->figs[j]);
	fputs("<div class=\"scroll\"><table class=\"summary\">\n<tr><th>target</th><th>runs</th>",
	      f);
	for (size_t j = 0; j < b->nfigs; j++) {
		fputs("<th>", f);
		report_html_escape(f, b->figs[j].name);
		fputs("<br><span class=\"unit\">", f);
		report_html_escape(f, b->figs[j].unit);
		fprintf(f, ", %s</span></th>",
		        !strcmp(b->figs[j].better, "higher") ? "higher is better ↑"
		                                             : "lower is better ↓");
	}
	fputs("</tr>\n", f);
	for (size_t i = 0; i < b->ncells; i++) {
		const struct rcell *c = &b->cells[i];
		const char *st = jstr(c->cell, "status");
		double n = NAN;

		for (size_t j = 0; j < b->nfigs && !isfinite(n); j++)
			n = cstat(c->cell, b->figs[j].name, "n");
		fputs("<tr><th>", f);
		report_html_escape(f, c->name);
		fprintf(f, "</th><td>%s", isfinite(n) ? "" : "0");
		if (isfinite(n))
			fprintf(f, "%.0f", n);
		if (st && strcmp(st, "ok")) {
			fputs(" <span class=\"status\" title=\"", f);
			report_html_escape(f,
			                   jstr(c->cell, "reason") ? jstr(c->cell, "reason") : "");
			fputs("\">", f);
			report_html_escape(f, st);
			fputs("</span>", f);
		}
		fputs("</td>", f);
		for (size_t j = 0; j < b->nfigs; j++) {
			const char *fig = b->figs[j].name;
			double med = cstat(c->cell, fig, "median"),
			       ov = overhead(b, c, &b->figs[j]);

			if (!isfinite(med)) {
				fputs("<td class=\"na\">–</td>", f);
				continue;
			}
			fprintf(f, "<td%s>",
			        best[j] == (long)i ? " class=\"best\" title=\"best\"" : "");
			fmt_num(f, med);
			if (best[j] == (long)i)
				fputs(" ★", f);
			fputs("<br><span class=\"spread\">", f);
			fmt_num(f, cstat(c->cell, fig, "p5"));
			fputs("–", f);
			fmt_num(f, cstat(c->cell, fig, "p95"));
			fputs("</span>", f);
			if (isfinite(ov) && strcmp(c->target, "native"))
				fprintf(f, " <span class=\"ov%s\">×%.2f</span>",
				        ov >= 1.5 ? " bad" : (ov <= 1.05 ? " good" : ""), ov);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

/* ---- figures ----------------------------------------------------------------------------------
 */

static void summary_row(FILE *f, const struct rbench *b, const struct rcell *c,
                        const struct rfig *fig)
{
	static const char *const stats[] = {"median", "min",    "max",     "p5",
	                                    "p95",    "ci_low", "ci_high", "ci_level"};
	double n = cstat(c->cell, fig->name, "n"), med = cstat(c->cell, fig->name, "median");
	double nat = native_median(b, c, fig->name);
	const char *st = jstr(c->cell, "status");

	fprintf(f, "%s\t%s\t%s\t%s\t%s\t%s\t%.0f", c->name, b->name, fig->name, fig->unit,
	        fig->better, st ? st : "pending", isfinite(n) ? n : 0);
	for (size_t k = 0; k < sizeof(stats) / sizeof(stats[0]); k++)
		tsv_num(f, cstat(c->cell, fig->name, stats[k]));
	tsv_num(f, nat);
	tsv_num(f, isfinite(med) && isfinite(nat) && nat != 0 ? med / nat : NAN);
	tsv_num(f, overhead(b, c, fig));
	fputc('\n', f);
}

#define SUMMARY_HEADER                                                                             \
	"# "                                                                                       \
	"target\tbenchmark\tfigure\tunit\tbetter\tstatus\tn\tmedian\tmin\tmax\tp5\tp95\tci_"       \
	"low\tci_"                                                                                 \
	"high\tci_level\tnative_median\tratio\toverhead\n"

static int fig_bars(struct report *r, const struct rbench *b, FILE *page, assay_error_t *err)
{
	cleanup_free char *name = xasprintf("bars-%s", b->name);
	cleanup_free char *path = xasprintf("%s/" DATA_DIR "/%s.tsv", r->out, name);
	struct membuf data, vars, figs, units, betters;
	bool f1 = true, f2 = true, f3 = true;
	size_t tlen = 0;
	int ret;

	if (b->nfigs == 0 || b->ncells == 0) {
		absent_html(page, "Nothing measured for this benchmark: no figure.");
		return 0;
	}
	membuf_open(&data);
	membuf_open(&figs);
	membuf_open(&units);
	membuf_open(&betters);
	fputs(SUMMARY_HEADER, data.f);
	for (size_t j = 0; j < b->nfigs; j++) {
		if (j)
			fputs("\n\n", data.f);
		for (size_t i = 0; i < b->ncells; i++)
			summary_row(data.f, b, &b->cells[i], &b->figs[j]);
		words_add(figs.f, &f1, b->figs[j].name);
		words_add(units.f, &f2, b->figs[j].unit);
		words_add(betters.f, &f3, b->figs[j].better);
	}
	fclose(figs.f);
	fclose(units.f);
	fclose(betters.f);
	membuf_open(&vars);
	for (size_t i = 0; i < b->ncells; i++)
		tlen = strlen(b->cells[i].name) > tlen ? strlen(b->cells[i].name) : tlen;
	fprintf(vars.f, "tlen=%zu; ", tlen);
	gp_var(vars.f, "title", b->name);
	gp_var(vars.f, "figs", figs.buf);
	gp_var(vars.f, "units", units.buf);
	gp_var(vars.f, "betters", betters.buf);
	fclose(vars.f);
	free(figs.buf);
	free(units.buf);
	free(betters.buf);
	ret = membuf_write(&data, path, err);
	if (ret == 0)
		ret = run_script(r, "bars", name, vars.buf, err);
	free(vars.buf);
	if (ret < 0)
		return ret;
	figure_html(page, name, b->name,
	            "Median of the measured runs per target, error bars p5–p95; dashed: the native "
	            "median.");
	return 0;
}

/* The shown names of every cell (TARGET or TARGET@LABEL), once each, in order of appearance;
 * without the native ones unless with_native. */
static json_t *cell_names(const struct report *r, bool with_native)
{
	json_t *names = json_array(), *v;
	size_t k;

	for (size_t bi = 0; bi < r->nbenches; bi++)
		for (size_t i = 0; i < r->benches[bi].ncells; i++) {
			const char *n = r->benches[bi].cells[i].name;
			bool seen = false;

			json_array_foreach(names, k, v) seen =
			    seen || !strcmp(json_string_value(v), n);
			if (!seen &&
			    (with_native || strcmp(r->benches[bi].cells[i].target, "native")))
				json_array_append_new(names, json_string(n));
		}
	return names;
}

/* One line per non-native target over every headline figure: the geometric mean of its
 * overheads (the fair average of ratios), the worst figure and how many were measured. */
static void page_glance(struct report *r, FILE *f)
{
	json_t *names = cell_names(r, false), *v;
	size_t k;

	fputs(
	    "<div class=\"scroll\"><table class=\"summary\">\n<tr><th>target</th><th>geometric "
	    "mean overhead<br><span class=\"unit\">headline figures, × native</span></th><th>worst"
	    "</th><th>best</th><th>figures measured</th></tr>\n",
	    f);
	json_array_foreach(names, k, v)
	{
		const char *n = json_string_value(v);
		double logsum = 0, worst = NAN, best = NAN;
		const char *wb = NULL, *wf = NULL, *bb = NULL, *bf = NULL;
		size_t count = 0, total = 0;

		for (size_t bi = 0; bi < r->nbenches; bi++) {
			struct rbench *b = &r->benches[bi];

			for (size_t i = 0; i < b->ncells; i++) {
				if (strcmp(b->cells[i].name, n))
					continue;
				for (size_t j = 0; j < b->nfigs; j++) {
					double ov;

					if (!b->figs[j].headline)
						continue;
					total++;
					ov = overhead(b, &b->cells[i], &b->figs[j]);
					if (!isfinite(ov))
						continue;
					count++;
					logsum += log(ov);
					if (!(ov <= worst)) {
						worst = ov;
						wb = b->name;
						wf = b->figs[j].name;
					}
					if (!(ov >= best)) {
						best = ov;
						bb = b->name;
						bf = b->figs[j].name;
					}
				}
			}
		}
		fputs("<tr><th>", f);
		report_html_escape(f, n);
		fputs("</th>", f);
		if (count == 0) {
			fprintf(f,
			        "<td class=\"na\">–</td><td class=\"na\">–</td><td "
			        "class=\"na\">–</td><td>0 of %zu</td></tr>\n",
			        total);
			continue;
		}
		fprintf(f, "<td><b>×%.2f</b></td><td>×%.2f <span class=\"spread\">",
		        exp(logsum / (double)count), worst);
		report_html_escape(f, wb);
		fputs(" ", f);
		report_html_escape(f, wf);
		fprintf(f, "</span></td><td>×%.2f <span class=\"spread\">", best);
		report_html_escape(f, bb);
		fputs(" ", f);
		report_html_escape(f, bf);
		fprintf(f, "</span></td><td>%zu of %zu</td></tr>\n", count, total);
	}
	fputs("</table></div>\n", f);
	json_decref(names);
}

static int fig_overhead(struct report *r, FILE *page, assay_error_t *err)
{
	const char *name = "overhead";
	cleanup_free char *path = xasprintf("%s/" DATA_DIR "/%s.tsv", r->out, name);
	const char **cols = NULL;
	size_t ncols = 0, nrows = 0;
	struct membuf data, targets, vars;
	bool first = true;
	int ret;

	/* columns: every non-native shown target that has an overhead somewhere */
	for (size_t bi = 0; bi < r->nbenches; bi++) {
		struct rbench *b = &r->benches[bi];

		for (size_t i = 0; i < b->ncells; i++) {
			size_t k;
			bool any = false;

			if (!strcmp(b->cells[i].target, "native"))
				continue;
			for (size_t j = 0; j < b->nfigs; j++)
				any = any || isfinite(overhead(b, &b->cells[i], &b->figs[j]));
			for (k = 0; k < ncols && strcmp(cols[k], b->cells[i].name); k++)
				;
			if (any && k == ncols) {
				cols = xrealloc(cols, (ncols + 1) * sizeof(*cols));
				cols[ncols++] = b->cells[i].name;
			}
		}
	}
	if (ncols == 0) {
		free(cols);
		absent_html(page, "No overhead figure: the results hold no native baseline next to "
		                  "another target (add `native` to the suite's targets).");
		return 0;
	}
	membuf_open(&data);
	membuf_open(&targets);
	fputs("# figure", data.f);
	for (size_t k = 0; k < ncols; k++) {
		fprintf(data.f, "\t%s", cols[k]);
		words_add(targets.f, &first, cols[k]);
	}
	fputc('\n', data.f);
	for (size_t bi = 0; bi < r->nbenches; bi++) {
		struct rbench *b = &r->benches[bi];
		const char *shortname = strchr(b->name, '.') ? strchr(b->name, '.') + 1 : b->name;

		for (size_t j = 0; j < b->nfigs; j++) {
			if (!b->figs[j].headline)
				continue;
			fprintf(data.f, "%s %s", shortname, b->figs[j].name);
			for (size_t k = 0; k < ncols; k++) {
				double v = NAN;

				for (size_t i = 0; i < b->ncells; i++)
					if (!strcmp(b->cells[i].name, cols[k]))
						v = overhead(b, &b->cells[i], &b->figs[j]);
				tsv_num(data.f, v);
			}
			fputc('\n', data.f);
			nrows++;
		}
	}
	fclose(targets.f);
	free(cols);
	membuf_open(&vars);
	gp_var(vars.f, "targets", targets.buf);
	fclose(vars.f);
	free(targets.buf);
	ret = membuf_write(&data, path, err);
	if (ret == 0 && nrows)
		ret = run_script(r, "overhead", name, vars.buf, err);
	free(vars.buf);
	if (ret < 0)
		return ret;
	figure_html(page, name, "overhead vs native",
	            "How many times costlier than native each target is for every benchmark's "
	            "headline figures (log scale; 1 = native speed, whatever the unit).");
	return 0;
}

/* Roles in the order the stacks are drawn: the workload at the bottom, then what a runtime adds
 * from the inside out; unknown roles come last in order of appearance. */
static const char *const role_order[] = {"workload",    "sentry",    "gofer",      "stub",
                                         "oci-runtime", "shim",      "cri-daemon", "pause",
                                         "kernel",      "collector", "other"};

/* Adds to `seen` (object used as an ordered set) every role of the cell's measured runs. */
static void roles_of_cell(json_t *seen, json_t *cell)
{
	size_t ri;
	json_t *run, *rv;
	const char *role;

	json_array_foreach(json_object_get(cell, "runs"), ri, run)
	{
		if (!is_measured_run(run))
			continue;
		json_object_foreach(json_object_get(json_object_get(run, "attribution"), "roles"),
		                    role, rv) if (!strchr(role, ' '))
		    json_object_set(seen, role, json_true());
	}
}

/* The roles of `seen` as an array: canonical ones first in role_order, the rest as they came. */
static json_t *roles_ordered(json_t *seen)
{
	json_t *roles = json_array(), *v;
	const size_t nknown = sizeof(role_order) / sizeof(role_order[0]);
	const char *role;

	for (size_t o = 0; o < nknown; o++)
		if (json_object_get(seen, role_order[o]))
			json_array_append_new(roles, json_string(role_order[o]));
	json_object_foreach(seen, role, v)
	{
		bool known = false;

		for (size_t o = 0; o < nknown; o++)
			known = known || !strcmp(role, role_order[o]);
		if (!known)
			json_array_append_new(roles, json_string(role));
	}
	return roles;
}

/* Measured runs of a cell carrying attribution; their median coverage into *cov (NaN: none). */
static size_t attributed_runs(json_t *cell, double *cov)
{
	json_t *runs = json_object_get(cell, "runs"), *run;
	size_t nruns = json_array_size(runs), ri, m = 0, ncov = 0;
	double covs[nruns ? nruns : 1];

	json_array_foreach(runs, ri, run)
	{
		json_t *a = json_object_get(run, "attribution");

		if (is_measured_run(run) && json_is_object(json_object_get(a, "roles"))) {
			m++;
			if (json_is_number(json_object_get(a, "coverage")))
				covs[ncov++] = jnum(a, "coverage");
		}
	}
	*cov = ncov ? report_median(covs, ncov) : NAN;
	return m;
}

/* One data row: label, then the median ms of CPU per run of each role (0 in a run without it). */
static void attribution_row(FILE *f, const char *label, json_t *cell, json_t *roles)
{
	json_t *runs = json_object_get(cell, "runs"), *run, *v;
	size_t nruns = json_array_size(runs), ri, k;
	double vals[nruns ? nruns : 1];

	fputs(label, f);
	json_array_foreach(roles, k, v)
	{
		size_t nv = 0;

		json_array_foreach(runs, ri, run)
		{
			json_t *rr = json_object_get(json_object_get(run, "attribution"), "roles");
			double x;

			if (!is_measured_run(run) || !json_is_object(rr))
				continue;
			x = jnum(json_object_get(rr, json_string_value(v)), "cpu_ns");
			vals[nv++] = isfinite(x) ? x : 0; /* a role with nothing is left out */
		}
		tsv_num(f, report_median(vals, nv) / 1e6);
	}
	fputc('\n', f);
}

/* Draws one attribution.gp figure: rows[i] labelled labels[i], columns the roles seen in them.
 * Returns 1 when drawn, 0 when no row has attribution, <0 on error. cov (may be NULL) gets
 * "label NN %, ..." of the rows' median coverage, malloc'd. */
static int draw_attribution(struct report *r, const char *name, const char *title,
                            const char *rowname, json_t **rows, const char *const *labels,
                            size_t nrows, char **cov, assay_error_t *err)
{
	cleanup_free char *path = xasprintf("%s/" DATA_DIR "/%s.tsv", r->out, name);
	json_t *seen = json_object(), *roles, *v;
	struct membuf data, vars, rl, cv;
	bool first = true;
	size_t k, drawn = 0;
	int ret;

	for (size_t i = 0; i < nrows; i++)
		roles_of_cell(seen, rows[i]);
	roles = roles_ordered(seen);
	json_decref(seen);
	if (json_array_size(roles) == 0) {
		json_decref(roles);
		return 0;
	}
	membuf_open(&data);
	membuf_open(&rl);
	membuf_open(&cv);
	fprintf(data.f, "# %s", rowname);
	json_array_foreach(roles, k, v)
	{
		fprintf(data.f, "\t%s", json_string_value(v));
		words_add(rl.f, &first, json_string_value(v));
	}
	fputc('\n', data.f);
	for (size_t i = 0; i < nrows; i++) {
		double c;

		if (attributed_runs(rows[i], &c) == 0)
			continue;
		drawn++;
		attribution_row(data.f, labels[i], rows[i], roles);
		if (isfinite(c))
			fprintf(cv.f, "%s%s %.0f %%", ftell(cv.f) ? ", " : "", labels[i], 100 * c);
	}
	fclose(rl.f);
	fclose(cv.f);
	json_decref(roles);
	membuf_open(&vars);
	gp_var(vars.f, "title", title);
	gp_var(vars.f, "roles", rl.buf);
	fclose(vars.f);
	free(rl.buf);
	ret = membuf_write(&data, path, err);
	if (ret == 0 && drawn)
		ret = run_script(r, "attribution", name, vars.buf, err);
	free(vars.buf);
	if (cov)
		*cov = cv.buf && *cv.buf ? xstrdup(cv.buf) : NULL;
	free(cv.buf);
	return ret < 0 ? ret : drawn > 0;
}

/* Targets where reading the clock is dear (the syscall benchmark's clock_gettime above 1 µs:
 * the vDSO falling back to a trapped system call, as gVisor's does here): every figure timed per
 * event pays two clock reads per event, which the page says next to the overview. */
static void page_clock_caveat(struct report *r, FILE *f)
{
	for (size_t bi = 0; bi < r->nbenches; bi++) {
		struct rbench *b = &r->benches[bi];

		if (strcmp(b->name, "performance.syscall"))
			continue;
		for (size_t i = 0; i < b->ncells; i++) {
			double ns = cstat(b->cells[i].cell, "ns_per_call_clock_gettime", "median");
			double nat = native_median(b, &b->cells[i], "ns_per_call_clock_gettime");

			if (!isfinite(ns) || ns < 1000)
				continue;
			fputs("<p class=\"warn\">On <b>", f);
			report_html_escape(f, b->cells[i].name);
			fprintf(f, "</b> reading the clock costs %.1f µs (clock_gettime, median",
			        ns / 1000);
			if (isfinite(nat))
				fprintf(f, "; native %.0f ns", nat);
			fputs(
			    "): the vDSO falls back to a trapped system call. Benchmarks that time "
			    "every event (<code>time-batch</code> 1, as sysbench) pay two clock "
			    "reads "
			    "per event there, so their memory figures (one event per 1 KiB block) "
			    "measure mostly clock reads, not memory; batched events (the default "
			    "suite's memory, disk and cpu) and memlat's 10 ms events are barely "
			    "touched.</p>\n",
			    f);
		}
	}
}

/* Who pays in one benchmark: a stacked bar per target. */
static int fig_attribution(struct report *r, const struct rbench *b, FILE *page, assay_error_t *err)
{
	cleanup_free char *name = xasprintf("attribution-%s", b->name), *cov = NULL, *cap = NULL;
	json_t *rows[b->ncells ? b->ncells : 1];
	const char *labels[b->ncells ? b->ncells : 1];
	int ret;

	for (size_t i = 0; i < b->ncells; i++) {
		rows[i] = b->cells[i].cell;
		labels[i] = b->cells[i].name;
	}
	ret = draw_attribution(r, name, b->name, "target", rows, labels, b->ncells, &cov, err);
	if (ret < 0)
		return ret;
	if (ret == 0) {
		absent_html(page, "No attribution for this benchmark: the tracer did not run "
		                  "(`collector run --no-trace`, or eBPF unavailable).");
		return 0;
	}
	cap = xasprintf("Who pays: CPU time per run by role (eBPF, median per role over the "
	                "measured runs). Coverage, attributed CPU over cgroup cpuacct: %s.",
	                cov ? cov : "not measured");
	figure_html(page, name, "CPU time by role", cap);
	return 0;
}

/* Who pays under one target: a stacked bar per benchmark (attribution-target-TARGET, '/' → '_'),
 * over the performance benchmarks (labelled without their PERF prefix). */
#define PERF "performance."
static int fig_attribution_targets(struct report *r, FILE *page, assay_error_t *err)
{
	json_t *names = cell_names(r, true), *v;
	size_t k;
	int ret = 0, any = 0;

	json_array_foreach(names, k, v)
	{
		const char *target = json_string_value(v);
		json_t *rows[r->nbenches ? r->nbenches : 1];
		const char *labels[r->nbenches ? r->nbenches : 1];
		size_t n = 0;
		cleanup_free char *name = xasprintf("attribution-target-%s", target), *cov = NULL;
		cleanup_free char *title = xasprintf("%s: CPU per run by role", target);

		safe_name(name);
		for (size_t bi = 0; bi < r->nbenches; bi++)
			for (size_t i = 0; i < r->benches[bi].ncells; i++)
				if (!strcmp(r->benches[bi].cells[i].name, target) &&
				    !strncmp(r->benches[bi].name, PERF, strlen(PERF))) {
					rows[n] = r->benches[bi].cells[i].cell;
					labels[n++] = r->benches[bi].name + strlen(PERF);
				}
		ret = draw_attribution(r, name, title, "benchmark", rows, labels, n, &cov, err);
		if (ret < 0)
			break;
		if (ret > 0) {
			cleanup_free char *cap = xasprintf(
			    "Who pays under %s: CPU time per run of each performance benchmark, by "
			    "role (median per role). Coverage: %s.",
			    target, cov ? cov : "not measured");

			figure_html(page, name, "CPU time by role per benchmark", cap);
			any = 1;
		}
		ret = 0;
	}
	json_decref(names);
	if (ret == 0 && !any)
		absent_html(page, "No attribution: the tracer did not run (`collector run "
		                  "--no-trace`, or eBPF unavailable).");
	return ret;
}

/* memlat: ns_per_load_<bytes> figures of every cell, as one line per target. */
static int fig_memlat(struct report *r, FILE *page, assay_error_t *err)
{
	const char *name = "memlat";
	cleanup_free char *path = xasprintf("%s/" DATA_DIR "/%s.tsv", r->out, name);
	struct membuf data, targets, vars;
	bool first = true;
	size_t blocks = 0;
	int ret;

	membuf_open(&data);
	membuf_open(&targets);
	fputs("# one block per target: working-set bytes, median, p5, p95 (ns per load)\n", data.f);
	for (size_t bi = 0; bi < r->nbenches; bi++) {
		struct rbench *b = &r->benches[bi];

		for (size_t i = 0; i < b->ncells; i++) {
			size_t rows = 0;

			for (size_t j = 0; j < b->nfigs; j++) {
				const char *fig = b->figs[j].name;
				double med = cstat(b->cells[i].cell, fig, "median");
				char *end;
				unsigned long long bytes;

				if (strncmp(fig, "ns_per_load_", 12) || !isfinite(med))
					continue;
				bytes = strtoull(fig + 12, &end, 10);
				if (*end || bytes == 0)
					continue;
				if (rows == 0 && blocks)
					fputs("\n\n", data.f);
				fprintf(data.f, "%llu", bytes);
				tsv_num(data.f, med);
				tsv_num(data.f, cstat(b->cells[i].cell, fig, "p5"));
				tsv_num(data.f, cstat(b->cells[i].cell, fig, "p95"));
				fputc('\n', data.f);
				rows++;
			}
			if (rows) {
				blocks++;
				words_add(targets.f, &first, b->cells[i].name);
			}
		}
	}
	fclose(targets.f);
	if (blocks == 0) {
		fclose(data.f);
		free(data.buf);
		free(targets.buf);
		absent_html(page, "No memory-latency figure: no performance.memlat results here.");
		return 0;
	}
	membuf_open(&vars);
	gp_var(vars.f, "targets", targets.buf);
	fclose(vars.f);
	free(targets.buf);
	ret = membuf_write(&data, path, err);
	if (ret == 0)
		ret = run_script(r, "memlat", name, vars.buf, err);
	free(vars.buf);
	if (ret < 0)
		return ret;
	figure_html(page, name, "memory latency vs working-set size",
	            "Nanoseconds per dependent load against working-set size (log–log), median and "
	            "p5–p95 per target: the steps are the caches and main memory.");
	return 0;
}

/* Groups of points for line figures: key (panel) × cell, each a list of (x, median, p5, p95). */
struct series {
	char *panel;
	const char *cell; /* shown target name */
	double (*pts)[4];
	size_t npts;
};

static struct series *series_get(struct series **s, size_t *n, const char *panel, const char *cell)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*s)[i].panel, panel) && !strcmp((*s)[i].cell, cell))
			return &(*s)[i];
	*s = xrealloc(*s, (*n + 1) * sizeof(**s));
	(*s)[*n] = (struct series){.panel = xstrdup(panel), .cell = cell};
	return &(*s)[(*n)++];
}

static void series_add(struct series *s, double x, double m, double p5, double p95)
{
	s->pts = xrealloc(s->pts, (s->npts + 1) * sizeof(*s->pts));
	s->pts[s->npts][0] = x;
	s->pts[s->npts][1] = m;
	s->pts[s->npts][2] = p5;
	s->pts[s->npts][3] = p95;
	s->npts++;
}

static void series_free(struct series *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].panel);
		free(s[i].pts);
	}
	free(s);
}

static int cmp_pt(const void *a, const void *b)
{
	return cmp_double(a, b);
}

/* Writes the series panel-major (panels in order of first appearance) with ncol columns per
 * point, and the variables lifecycle.gp/scalability.gp read: panels, pfirst, pcount, btargets. */
static void series_write(struct series *s, size_t n, size_t ncol, FILE *data, FILE *vars,
                         const char *panels_var)
{
	struct membuf panels, pfirst, pcount, bt;
	bool f1 = true, f2 = true, f3 = true, f4 = true;
	bool done[n ? n : 1];
	size_t block = 0;

	memset(done, 0, sizeof(done));
	membuf_open(&panels);
	membuf_open(&pfirst);
	membuf_open(&pcount);
	membuf_open(&bt);
	for (size_t i = 0; i < n; i++) {
		size_t count = 0;
		char num[32];

		if (done[i])
			continue;
		snprintf(num, sizeof(num), "%zu", block);
		words_add(pfirst.f, &f2, num);
		words_add(panels.f, &f1, s[i].panel);
		for (size_t j = i; j < n; j++) {
			if (done[j] || strcmp(s[j].panel, s[i].panel))
				continue;
			done[j] = true;
			qsort(s[j].pts, s[j].npts, sizeof(*s[j].pts), cmp_pt);
			if (block)
				fputs("\n\n", data);
			for (size_t p = 0; p < s[j].npts; p++) {
				fprintf(data, "%.10g", s[j].pts[p][0]);
				for (size_t c = 1; c < ncol; c++)
					tsv_num(data, s[j].pts[p][c]);
				fputc('\n', data);
			}
			words_add(bt.f, &f4, s[j].cell);
			block++;
			count++;
		}
		snprintf(num, sizeof(num), "%zu", count);
		words_add(pcount.f, &f3, num);
	}
	fclose(panels.f);
	fclose(pfirst.f);
	fclose(pcount.f);
	fclose(bt.f);
	gp_var(vars, panels_var, panels.buf);
	gp_var(vars, "pfirst", pfirst.buf);
	gp_var(vars, "pcount", pcount.buf);
	gp_var(vars, "btargets", bt.buf);
	free(panels.buf);
	free(pfirst.buf);
	free(pcount.buf);
	free(bt.buf);
}

/* CDF of every lifecycle call (run phases other than the workload's own `run`), per target. */
static int fig_lifecycle(struct report *r, FILE *page, assay_error_t *err)
{
	const char *name = "lifecycle";
	cleanup_free char *path = xasprintf("%s/" DATA_DIR "/%s.tsv", r->out, name);
	struct series *s = NULL;
	size_t ns = 0, calls = 0;
	struct membuf data, vars;
	int ret;

	for (size_t bi = 0; bi < r->nbenches; bi++) {
		struct rbench *b = &r->benches[bi];

		for (size_t i = 0; i < b->ncells; i++) {
			size_t ri, pi;
			json_t *run, *ph;

			json_array_foreach(json_object_get(b->cells[i].cell, "runs"), ri, run)
			{
				if (json_is_true(json_object_get(run, "warmup")))
					continue;
				json_array_foreach(json_object_get(run, "phases"), pi, ph)
				{
					const char *pn = jstr(ph, "name");
					double v = jnum(ph, "ns");

					if (pn == NULL || !strcmp(pn, "run") || !isfinite(v) ||
					    v <= 0 || strchr(pn, ' '))
						continue;
					series_add(series_get(&s, &ns, pn, b->cells[i].name),
					           v / 1e6, 0, 0, 0);
					calls++;
				}
			}
		}
	}
	if (calls == 0) {
		absent_html(page,
		            "No lifecycle calls in these results: only CRI targets "
		            "(cri/DAEMON/HANDLER) record their RunPodSandbox, CreateContainer, "
		            "StartContainer… calls.");
		return 0;
	}
	/* cumulative fraction as the second column */
	for (size_t i = 0; i < ns; i++) {
		qsort(s[i].pts, s[i].npts, sizeof(*s[i].pts), cmp_pt);
		for (size_t p = 0; p < s[i].npts; p++)
			s[i].pts[p][1] = (double)(p + 1) / (double)s[i].npts;
	}
	membuf_open(&data);
	membuf_open(&vars);
	fputs("# one block per call x target (see pfirst/pcount): ms, fraction of calls <= ms\n",
	      data.f);
	series_write(s, ns, 2, data.f, vars.f, "phases");
	fclose(vars.f);
	series_free(s, ns);
	ret = membuf_write(&data, path, err);
	if (ret == 0)
		ret = run_script(r, "lifecycle", name, vars.buf, err);
	free(vars.buf);
	if (ret < 0)
		return ret;
	figure_html(
	    page, name, "lifecycle call latency CDFs",
	    "Distribution of each container-lifecycle call's wall time over every measured run "
	    "(all benchmarks), per target: further right is slower, a long tail is jitter.");
	return 0;
}

static bool role_known(const char *role)
{
	for (size_t q = 0; q < sizeof(role_order) / sizeof(role_order[0]); q++)
		if (!strcmp(role, role_order[q]))
			return true;
	return false;
}

/* Canonical roles first, in role_order, then the others in order of appearance. */
static json_t *roles_sorted(json_t *seen)
{
	json_t *out = json_array(), *v;
	const char *role;

	for (size_t q = 0; q < sizeof(role_order) / sizeof(role_order[0]); q++)
		if (json_object_get(seen, role_order[q]))
			json_array_append_new(out, json_string(role_order[q]));
	json_object_foreach(seen, role, v) if (!role_known(role))
	    json_array_append_new(out, json_string(role));
	return out;
}

/* Who pays for each lifecycle call: the tracer's attribution.phases of every measured run,
 * per target → call → role: CPU ns of each run (a run without the role counts 0). */
static int fig_calls(struct report *r, FILE *page, assay_error_t *err)
{
	const char *name = "calls";
	cleanup_free char *path = xasprintf("%s/" DATA_DIR "/%s.tsv", r->out, name);
	json_t *acc = json_object(), *seen = json_object(), *roles, *calls = json_array();
	struct membuf data, vars, tl, rl;
	bool ft = true, fr = true;
	const char *tname;
	json_t *tv, *v;
	size_t k;
	int ret;

	for (size_t bi = 0; bi < r->nbenches; bi++) {
		struct rbench *b = &r->benches[bi];

		for (size_t i = 0; i < b->ncells; i++) {
			size_t ri;
			json_t *run;

			json_array_foreach(json_object_get(b->cells[i].cell, "runs"), ri, run)
			{
				json_t *phases =
				    json_object_get(json_object_get(run, "attribution"), "phases");
				const char *pn;
				json_t *ph;

				if (!is_measured_run(run) || !json_is_object(phases))
					continue;
				json_object_foreach(phases, pn, ph)
				{
					json_t *t, *c, *roles_of = json_object_get(ph, "roles");
					const char *role;
					json_t *rv;
					bool known = false;

					if (!strcmp(pn, "run") || strchr(pn, ' ') ||
					    !json_is_object(roles_of))
						continue;
					if (!(t = json_object_get(acc, b->cells[i].name)))
						json_object_set_new(acc, b->cells[i].name,
						                    t = json_object());
					if (!(c = json_object_get(t, pn))) {
						json_object_set_new(t, pn, c = json_object());
						json_object_set_new(c, "",
						                    json_integer(0)); /* runs */
					}
					json_object_set_new(
					    c, "",
					    json_integer(
					        json_integer_value(json_object_get(c, "")) + 1));
					json_array_foreach(calls, k, v) known =
					    known || !strcmp(json_string_value(v), pn);
					if (!known)
						json_array_append_new(calls, json_string(pn));
					json_object_foreach(roles_of, role, rv)
					{
						json_t *list = json_object_get(c, role);

						if (!*role || strchr(role, ' ') ||
						    !json_is_number(json_object_get(rv, "cpu_ns")))
							continue;
						if (list == NULL)
							json_object_set_new(c, role,
							                    list = json_array());
						json_array_append(list,
						                  json_object_get(rv, "cpu_ns"));
						json_object_set_new(seen, role, json_true());
					}
				}
			}
		}
	}
	if (json_object_size(acc) == 0) {
		json_decref(acc);
		json_decref(seen);
		json_decref(calls);
		absent_html(page,
		            "No per-call attribution: needs CRI targets traced by eBPF (runs' "
		            "attribution.phases).");
		return 0;
	}
	roles = roles_sorted(seen);
	membuf_open(&data);
	membuf_open(&tl);
	membuf_open(&rl);
	json_array_foreach(roles, k, v) words_add(rl.f, &fr, json_string_value(v));
	fputs("# one block per target: call, then ms of CPU per role:", data.f);
	json_array_foreach(roles, k, v) fprintf(data.f, " %s", json_string_value(v));
	fputc('\n', data.f);
	json_object_foreach(acc, tname, tv)
	{
		size_t ci;
		json_t *call;

		if (!ft)
			fputs("\n\n", data.f);
		words_add(tl.f, &ft, tname);
		json_array_foreach(calls, ci, call)
		{
			json_t *c = json_object_get(tv, json_string_value(call));
			size_t nruns = (size_t)json_integer_value(json_object_get(c, ""));

			if (c == NULL)
				continue;
			fputs(json_string_value(call), data.f);
			json_array_foreach(roles, k, v)
			{
				json_t *list = json_object_get(c, json_string_value(v));
				double vals[nruns ? nruns : 1];
				size_t nv = 0, li;
				json_t *x;

				json_array_foreach(list, li, x) if (nv < nruns) vals[nv++] =
				    json_number_value(x);
				while (nv < nruns)
					vals[nv++] = 0;
				tsv_num(data.f, report_median(vals, nv) / 1e6);
			}
			fputc('\n', data.f);
		}
	}
	fclose(tl.f);
	fclose(rl.f);
	json_decref(acc);
	json_decref(seen);
	json_decref(calls);
	json_decref(roles);
	membuf_open(&vars);
	gp_var(vars.f, "targets", tl.buf);
	gp_var(vars.f, "roles", rl.buf);
	fclose(vars.f);
	free(tl.buf);
	free(rl.buf);
	ret = membuf_write(&data, path, err);
	if (ret == 0)
		ret = run_script(r, "calls", name, vars.buf, err);
	free(vars.buf);
	if (ret < 0)
		return ret;
	figure_html(
	    page, name, "CPU per lifecycle call by role",
	    "Who pays for each lifecycle call: CPU time of every role during the call (eBPF, "
	    "median over the measured runs of all benchmarks), one panel per target.");
	return 0;
}

/* Trailing integer of a dotted name ("scalability.runtime.50" → 50), -1 when none. */
static long trailing_number(const char *s, size_t *prefix_len)
{
	const char *dot = strrchr(s, '.');
	char *end;
	long v;

	if (dot == NULL || !dot[1])
		return -1;
	v = strtol(dot + 1, &end, 10);
	if (*end || v < 0)
		return -1;
	*prefix_len = (size_t)(dot - s);
	return v;
}

/* scalability.X.N: one figure per family scalability.X, a panel per figure, a line per target. */
static int fig_scalability(struct report *r, FILE *page, assay_error_t *err)
{
	json_t *families = json_array();
	size_t k;
	json_t *fam;
	int ret = 0;

	for (size_t bi = 0; bi < r->nbenches; bi++) {
		size_t plen;
		bool seen = false;

		if (strncmp(r->benches[bi].name, "scalability.", 12) ||
		    trailing_number(r->benches[bi].name, &plen) < 0)
			continue;
		json_array_foreach(families, k, fam) seen =
		    seen || (strlen(json_string_value(fam)) == plen &&
		             !strncmp(json_string_value(fam), r->benches[bi].name, plen));
		if (!seen)
			json_array_append_new(families, json_stringn(r->benches[bi].name, plen));
	}
	json_array_foreach(families, k, fam)
	{
		const char *family = json_string_value(fam);
		cleanup_free char *name = xasprintf("%s", family);
		cleanup_free char *path = xasprintf("%s/" DATA_DIR "/%s.tsv", r->out, name);
		struct series *s = NULL;
		size_t ns = 0;
		struct membuf data, vars, units;
		bool first = true;

		membuf_open(&units);
		for (size_t bi = 0; bi < r->nbenches; bi++) {
			struct rbench *b = &r->benches[bi];
			size_t plen;
			long nn = trailing_number(b->name, &plen);

			if (nn < 0 || plen != strlen(family) || strncmp(b->name, family, plen))
				continue;
			for (size_t j = 0; j < b->nfigs; j++) {
				for (size_t i = 0; i < b->ncells; i++) {
					const char *fig = b->figs[j].name;
					double m = cstat(b->cells[i].cell, fig, "median");

					if (isfinite(m))
						series_add(
						    series_get(&s, &ns, fig, b->cells[i].name),
						    (double)nn, m,
						    cstat(b->cells[i].cell, fig, "p5"),
						    cstat(b->cells[i].cell, fig, "p95"));
				}
			}
		}
		if (ns == 0) {
			fclose(units.f);
			free(units.buf);
			continue;
		}
		membuf_open(&data);
		membuf_open(&vars);
		fputs("# one block per figure x target (see pfirst/pcount): N, median, p5, p95\n",
		      data.f);
		series_write(s, ns, 4, data.f, vars.f, "figs");
		/* units in panel order */
		for (size_t i = 0; i < ns; i++) {
			bool again = false;

			for (size_t j = 0; j < i; j++)
				again = again || !strcmp(s[j].panel, s[i].panel);
			if (again)
				continue;
			for (size_t bi = 0; bi < r->nbenches && !again; bi++)
				for (size_t j = 0; j < r->benches[bi].nfigs && !again; j++)
					if (!strcmp(r->benches[bi].figs[j].name, s[i].panel) &&
					    !strncmp(r->benches[bi].name, family, strlen(family))) {
						words_add(units.f, &first,
						          r->benches[bi].figs[j].unit);
						again = true;
					}
		}
		fclose(units.f);
		gp_var(vars.f, "units", units.buf);
		gp_var(vars.f, "title", family);
		fclose(vars.f);
		free(units.buf);
		series_free(s, ns);
		ret = membuf_write(&data, path, err);
		if (ret == 0)
			ret = run_script(r, "scalability", name, vars.buf, err);
		free(vars.buf);
		if (ret < 0)
			break;
		figure_html(
		    page, name, family,
		    "Each figure against the number of pods N, median and p5–p95 per target.");
	}
	if (ret == 0 && json_array_size(families) == 0)
		absent_html(page, "No scalability results here (benchmarks scalability.*.N, e.g. "
		                  "suites/scalability.yaml).");
	json_decref(families);
	return ret;
}

/* limits.*: the figure `share` (x = the cell's quota/period parameters) and figures
 * `share_..._N` (x = N, the step's requested %: limits.cpu.scaling's share_at_55), y = the
 * measured share; both in % (a unit other than "%" is a fraction of one CPU). */
static int fig_limits(struct report *r, FILE *page, assay_error_t *err)
{
	bool any = false;
	int ret = 0;

	for (size_t bi = 0; bi < r->nbenches && ret == 0; bi++) {
		struct rbench *b = &r->benches[bi];
		cleanup_free char *name = NULL, *path = NULL;
		struct series *s = NULL;
		size_t ns = 0;
		struct membuf data, vars, targets;
		bool first = true;

		if (strncmp(b->name, "limits.", 7))
			continue;
		for (size_t i = 0; i < b->ncells; i++) {
			json_t *params = json_object_get(b->cells[i].cell, "params");
			double quota = NAN, period = NAN;
			const char *pk;
			json_t *pv;

			json_object_foreach(params, pk, pv)
			{
				const char *sv = json_string_value(pv);

				if (sv && strstr(pk, "quota"))
					quota = strtod(sv, NULL);
				else if (sv && strstr(pk, "period"))
					period = strtod(sv, NULL);
			}
			for (size_t j = 0; j < b->nfigs; j++) {
				const char *fig = b->figs[j].name, *us = strrchr(fig, '_');
				double x = NAN, scale = strcmp(b->figs[j].unit, "%") ? 100 : 1;
				double m = cstat(b->cells[i].cell, fig, "median");
				char *end;

				if (strncmp(fig, "share", 5) || !isfinite(m))
					continue;
				if (strcmp(fig,
				           "share")) { /* share_at_55: the step's requested % */
					x = us && us[1] ? strtod(us + 1, &end) : NAN;
					if (!isfinite(x) || *end)
						continue;
				} else if (isfinite(quota) && isfinite(period) && period > 0) {
					x = 100 * quota / period;
				}
				if (!isfinite(x))
					continue;
				series_add(series_get(&s, &ns, "share", b->cells[i].name), x,
				           m * scale, cstat(b->cells[i].cell, fig, "p5") * scale,
				           cstat(b->cells[i].cell, fig, "p95") * scale);
			}
		}
		if (ns == 0)
			continue;
		any = true;
		name = xasprintf("%s", b->name);
		path = xasprintf("%s/" DATA_DIR "/%s.tsv", r->out, name);
		membuf_open(&data);
		membuf_open(&targets);
		fputs("# one block per target: requested share %, measured median, p5, p95 (%)\n",
		      data.f);
		for (size_t i = 0; i < ns; i++) {
			qsort(s[i].pts, s[i].npts, sizeof(*s[i].pts), cmp_pt);
			if (i)
				fputs("\n\n", data.f);
			for (size_t p = 0; p < s[i].npts; p++) {
				fprintf(data.f, "%.10g", s[i].pts[p][0]);
				for (size_t c = 1; c < 4; c++)
					tsv_num(data.f, s[i].pts[p][c]);
				fputc('\n', data.f);
			}
			words_add(targets.f, &first, s[i].cell);
		}
		fclose(targets.f);
		series_free(s, ns);
		membuf_open(&vars);
		gp_var(vars.f, "targets", targets.buf);
		gp_var(vars.f, "title", b->name);
		fclose(vars.f);
		free(targets.buf);
		ret = membuf_write(&data, path, err);
		if (ret == 0)
			ret = run_script(r, "limits", name, vars.buf, err);
		free(vars.buf);
		if (ret == 0)
			figure_html(
			    page, name, b->name,
			    "Measured CPU share per requested step (median, p5–p95) against the "
			    "dashed line of a perfectly enforced limit.");
	}
	if (ret == 0 && !any)
		absent_html(page,
		            "No CPU-limit results here (limits.* benchmarks with a measured share, "
		            "e.g. suites/limits.yaml).");
	return ret;
}

/* ---- the whole ----------------------------------------------------------------------------------
 */

static const char *const css =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:1.5em auto;max-width:1280px;"
    "padding:0 1em;color:#222;line-height:1.4}"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;"
    "margin-top:2em}h3{margin-top:1.5em}"
    "table{border-collapse:collapse;font-size:.88em;margin:.6em 0}"
    "th,td{border:1px solid #ddd;padding:.25em .55em;text-align:right;vertical-align:top}"
    "th{background:#f4f4f4}table.meta td,table.meta th{text-align:left}"
    "tr>th:first-child{text-align:left;white-space:nowrap}"
    ".scroll{overflow-x:auto}.unit{font-weight:normal;color:#666;font-size:.85em}"
    ".spread{color:#777;font-size:.82em}.best{background:#e3f4e3;font-weight:bold}"
    ".ov{font-size:.82em;color:#555}.ov.bad{color:#b00}.ov.good{color:#070}"
    ".status{color:#b00;font-weight:bold}.na{color:#aaa;text-align:center}"
    ".absent{color:#777;font-style:italic}.warn{background:#fff4d6;padding:.4em .7em;"
    "border-left:4px solid #e6a700}"
    "figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}"
    "figcaption{font-size:.9em;color:#444}.files{color:#888}"
    "nav ul{columns:3;font-size:.92em}pre{background:#f7f7f7;padding:.6em;overflow-x:auto}"
    "code{background:#f3f3f3;padding:0 .2em}";

static int write_page(struct report *r, char **index_path, assay_error_t *err)
{
	cleanup_free char *path = xasprintf("%s/index.html", r->out);
	struct membuf m;
	FILE *f;
	json_t *meta0 = json_object_get(r->dirs[0].root, "meta");
	const char *suite = jstr(meta0, "suite"), *host = jstr(meta0, "host");
	int ret = 0;

	membuf_open(&m);
	f = m.f;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\">\n<title>assay: ",
	      f);
	report_html_escape(f, suite ? suite : "results");
	if (r->ndirs > 1)
		fputs(" (comparison)", f);
	fprintf(f, "</title>\n<style>%s</style></head><body>\n<h1>assay: ", css);
	if (r->ndirs > 1) {
		fputs("comparison of ", f);
		for (size_t d = 0; d < r->ndirs; d++) {
			fputs(d ? (d + 1 == r->ndirs ? " and " : ", ") : "", f);
			report_html_escape(f, r->dirs[d].label);
		}
	} else {
		fputs("suite ", f);
		report_html_escape(f, suite ? suite : "?");
		if (host) {
			fputs(" on ", f);
			report_html_escape(f, host);
		}
	}
	fputs("</h1>\n<p>What a container runtime costs next to running natively, and who pays for "
	      "it. Medians of the measured runs (warm-ups excluded); spread is p5–p95; ×N is the "
	      "cost relative to native (1.00 = native; above 1 costs more, whether higher or lower "
	      "is better); ★ marks the best target of each column.",
	      f);
	if (r->ndirs > 1)
		fputs(" Targets are named TARGET@DIRECTORY; each directory keeps its own native "
		      "baseline.",
		      f);
	fputs("</p>\n<nav><ul><li><a href=\"#meta\">Run</a></li><li><a "
	      "href=\"#overview\">Overhead at a glance</a></li>",
	      f);
	for (size_t bi = 0; bi < r->nbenches; bi++) {
		fputs("<li><a href=\"#b-", f);
		report_html_escape(f, r->benches[bi].name);
		fputs("\">", f);
		report_html_escape(f, r->benches[bi].name);
		fputs("</a></li>", f);
	}
	fputs("<li><a href=\"#memlat\">Memory latency</a></li><li><a "
	      "href=\"#lifecycle\">Lifecycle calls</a></li><li><a "
	      "href=\"#scalability\">Scalability</a></li><li><a href=\"#limits\">CPU "
	      "limits</a></li><li><a href=\"#files\">Files</a></li></ul></nav>\n",
	      f);
	page_meta(r, f);
	page_problems(r, f);

	fputs("<h2 id=\"overview\">Overhead at a glance</h2>\n", f);
	ret = fig_overhead(r, f, err);
	if (ret == 0) {
		page_glance(r, f);
		page_clock_caveat(r, f);
	}
	if (ret == 0) {
		fputs("<h2 id=\"who-pays\">Who pays, per target</h2>\n", f);
		ret = fig_attribution_targets(r, f, err);
	}
	for (size_t bi = 0; bi < r->nbenches && ret == 0; bi++) {
		struct rbench *b = &r->benches[bi];
		const struct benchmark *reg = benchmarks_find(b->name);
		json_t *params = b->ncells ? json_object_get(b->cells[0].cell, "params") : NULL;

		fputs("<h2 id=\"b-", f);
		report_html_escape(f, b->name);
		fputs("\">", f);
		report_html_escape(f, b->name);
		fputs("</h2>\n", f);
		if (reg || json_object_size(params)) {
			const char *pk;
			json_t *pv;
			bool first = true;

			fputs("<p>", f);
			if (reg)
				report_html_escape(f, reg->description);
			if (json_object_size(params)) {
				fputs(reg ? ". Parameters: <code>" : "Parameters: <code>", f);
				json_object_foreach(params, pk, pv)
				{
					fprintf(f, "%s", first ? "" : " ");
					first = false;
					fputs("--", f);
					report_html_escape(f, pk);
					fputs("=", f);
					report_html_escape(
					    f, json_string_value(pv) ? json_string_value(pv) : "?");
				}
				fputs("</code>", f);
			}
			fputs("</p>\n", f);
		}
		page_bench_table(b, f);
		ret = fig_bars(r, b, f, err);
		if (ret == 0)
			ret = fig_attribution(r, b, f, err);
	}
	if (ret == 0) {
		fputs("<h2 id=\"memlat\">Memory latency</h2>\n", f);
		ret = fig_memlat(r, f, err);
	}
	if (ret == 0) {
		fputs("<h2 id=\"lifecycle\">Lifecycle calls</h2>\n", f);
		ret = fig_lifecycle(r, f, err);
	}
	if (ret == 0)
		ret = fig_calls(r, f, err);
	if (ret == 0) {
		fputs("<h2 id=\"scalability\">Scalability</h2>\n", f);
		ret = fig_scalability(r, f, err);
	}
	if (ret == 0) {
		fputs("<h2 id=\"limits\">CPU limits</h2>\n", f);
		ret = fig_limits(r, f, err);
	}
	if (ret < 0) {
		fclose(m.f);
		free(m.buf);
		return ret;
	}
	fputs("<h2 id=\"files\">Files</h2>\n<ul>\n", f);
	for (size_t d = 0; d < r->ndirs; d++) {
		cleanup_free char *rel = relpath(r->out, r->dirs[d].path);
		const char *names[] = {RESULTS_JSON, RESULTS_SUMMARY, RESULTS_RUNS,
		                       RESULTS_ATTRIBUTION};

		fputs("<li>", f);
		if (r->ndirs > 1) {
			report_html_escape(f, r->dirs[d].label);
			fputs(": ", f);
		}
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			cleanup_free char *p = xasprintf("%s/%s", r->dirs[d].path, names[k]);

			if (k > 0 && access(p, F_OK) < 0)
				continue; /* attribution.tsv: results of older versions lack it */
			fputs(k ? ", <a href=\"" : "<a href=\"", f);
			if (strcmp(rel, ".")) {
				report_html_escape(f, rel);
				fputc('/', f);
			}
			fprintf(f, "%s\">%s</a>", names[k], names[k]);
		}
		fputs("</li>\n", f);
	}
	fputs("<li>figures: <code>" FIG_DIR "/</code> (SVG and PNG), the data each was drawn from: "
	      "<code>" DATA_DIR "/</code>; the gnuplot scripts: <code>analysis/</code> "
	      "(docs/report.md)</li>\n</ul>\n<p class=\"files\">Written by <code>collector "
	      "report</code> of assay " ASSAY_VERSION ".</p>\n</body></html>\n",
	      f);
	ret = membuf_write(&m, path, err);
	if (ret < 0)
		return ret;
	if (index_path)
		*index_path = steal_pointer(&path);
	return 0;
}

int report_write(const char *const *dirs, size_t n, const char *out_dir, char **index_path,
                 assay_error_t *err)
{
	struct report r = {0};
	cleanup_free char *figdir = NULL, *datadir = NULL;
	struct membuf labels;
	int ret = 0;

	if (n == 0)
		return assay_error_usage(err, "report: no results directory given");
	r.ndirs = n;
	r.dirs = xcalloc(n, sizeof(*r.dirs));
	r.out = out_dir;
	for (size_t d = 0; d < n && ret == 0; d++) {
		cleanup_free char *json = xasprintf("%s/" RESULTS_JSON, dirs[d]);

		r.dirs[d].path = xstrdup(dirs[d]);
		r.dirs[d].label = report_dir_label(dirs[d]);
		for (size_t e = 0; e < d; e++) {
			if (!strcmp(r.dirs[e].label, r.dirs[d].label)) {
				char *l = xasprintf("%s-%zu", r.dirs[d].label, d + 1);

				free(r.dirs[d].label);
				r.dirs[d].label = l;
			}
		}
		ret = results_load(json, &r.dirs[d].root, err);
	}
	membuf_open(&labels);
	for (size_t d = 0; d < n && n > 1; d++)
		fprintf(labels.f, "%s%s", d ? " " : "", r.dirs[d].label);
	fclose(labels.f);
	r.labels = labels.buf;

	if (ret == 0) {
		const char *env = getenv("ASSAY_ANALYSIS_DIR");

		r.adir = env && *env ? xstrdup(env) : fs_tree_path("analysis", "../analysis");
		env = getenv("GNUPLOT");
		r.gnuplot = xstrdup(env && *env ? env : "gnuplot");
		figdir = xasprintf("%s/" FIG_DIR, out_dir);
		datadir = xasprintf("%s/" DATA_DIR, out_dir);
		ret = fs_mkdir_p(datadir, 0755, err);
	}
	if (ret == 0) {
		cleanup_free char *palette = xasprintf("%s/palette.gp", r.adir);

		if (access(palette, R_OK) < 0)
			ret = assay_error_make(err, errno,
			                       "report: the gnuplot scripts are missing: `%s` (set "
			                       "ASSAY_ANALYSIS_DIR to assay's analysis/ directory)",
			                       palette);
	}
	if (ret == 0) {
		build_model(&r);
		ret = write_page(&r, index_path, err);
	}

	for (size_t bi = 0; bi < r.nbenches; bi++) {
		for (size_t i = 0; i < r.benches[bi].ncells; i++)
			free(r.benches[bi].cells[i].name);
		free(r.benches[bi].cells);
		free(r.benches[bi].figs);
	}
	free(r.benches);
	for (size_t d = 0; d < n; d++) {
		free(r.dirs[d].path);
		free(r.dirs[d].label);
		json_decref(r.dirs[d].root);
	}
	free(r.dirs);
	free(r.labels);
	free(r.adir);
	free(r.gnuplot);
	return ret;
}
