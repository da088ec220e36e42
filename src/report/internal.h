/* What the files of src/report/ share; nothing outside src/report/ includes it.
 *
 *   model.c        the results as benchmarks × cells of every directory; medians, overheads, roles
 *   gnuplot.c      running analysis/NAME.gp on a figure's data; memory streams
 *   html.c         escaping, numbers, a figure or its absence on the page, metadata tables
 *   series.c       points of the line figures (lifecycle, scalability, limits)
 *   fig-*.c        one drawer per figure: writes its data, runs its script, puts it on the page
 *   page.c         the table of figures, the page it lays out, and report_write
 *   table.c        TouchStone's Table 1 (table.h; `collector table`)
 *
 * A new figure is fig-X.c, analysis/X.gp and one row of figures[] (page.c). */
#ifndef ASSAY_REPORT_INTERNAL_H
#define ASSAY_REPORT_INTERNAL_H

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>

#include "lib/error.h"
#include "report/report.h"
#include "results/compare.h"

#define FIG_DIR  "figures"
#define DATA_DIR "figures/data"

/* ---- the model (model.c) ---- */

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
	char *rcolors; /* "ROLE:0xRRGGBB ..." of every role, for palette.gp's rcolor */
	struct rbench *benches;
	size_t nbenches;
};

/* Loads results.json of every directory and labels them (unique labels). */
int report_model_load(struct report *r, const char *const *dirs, size_t n, assay_error_t *err);
/* Cells are grouped per benchmark (in order of first appearance), then per target (same), then
 * per directory: the compared variants of a target sit side by side. */
void report_model_build(struct report *r);
void report_model_release(struct report *r);
#define cleanup_report __attribute__((cleanup(report_model_release)))

/* s with every character outside [A-Za-z0-9._-] replaced by '_', in place (file-name safe). */
char *report_safe_name(char *s);
/* qsort's comparison of doubles (the first of each element). */
int report_cmp_double(const void *a, const void *b);

static inline const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static inline double jnum(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Summary statistic `key` of figure `fig` in a cell, NaN when absent. */
static inline double cstat(json_t *cell, const char *fig, const char *key)
{
	return jnum(json_object_get(json_object_get(cell, "summary"), fig), key);
}

/* The native median of the same benchmark and figure in the cell's own directory. */
double report_native_median(const struct rbench *b, const struct rcell *c, const char *fig);
/* How many times costlier than native (docs/results.md `overhead`). */
double report_overhead(const struct rbench *b, const struct rcell *c, const struct rfig *f);
/* The cell's figure against native in its own directory, with its interval; -1 without one. */
int report_vs_native(const struct rbench *b, const struct rcell *c, const char *fig,
                     struct results_cmp *out);
/* When comparing directories: the same target's cell in the first directory (NULL for the first
 * directory's own cells or when it lacks the target). */
const struct rcell *report_baseline_cell(const struct rbench *b, const struct rcell *c);
/* Whether cell i is significantly better than every other cell with a median of fig. */
bool report_clearly_best(const struct rbench *b, size_t i, const char *fig);
bool report_measured_run(json_t *run);
/* The shown names of every cell (TARGET or TARGET@LABEL), once each, in order of appearance;
 * without the native ones unless with_native. */
json_t *report_cell_names(const struct report *r, bool with_native);
/* The roles of `seen` (an object used as an ordered set) as an array: those of the roles table
 * (tracer_roles) in its drawing order, then the others as they came. */
json_t *report_roles_ordered(json_t *seen);

/* ---- gnuplot (gnuplot.c) ---- */

/* A memory stream for one file's contents, or a string built piecewise. */
struct membuf {
	FILE *f;
	char *buf;
	size_t len;
};

void report_membuf_open(struct membuf *m);
/* Closes the stream; the text stays in m->buf (owned by m). */
const char *report_membuf_text(struct membuf *m);
void report_membuf_release(struct membuf *m);
/* Zero-initialise: released even when never opened. */
#define cleanup_membuf __attribute__((cleanup(report_membuf_release)))

/* name='value'; with gnuplot's single-quote escaping. */
void report_gp_var(FILE *f, const char *name, const char *value);
/* Space-separated words (names never hold spaces: targets, labels, figures, roles). */
void report_words_add(FILE *f, bool *first, const char *w);
/* A TSV column: tab, then the number or NaN. */
void report_tsv_num(FILE *f, double v);

/* Finds the scripts ($ASSAY_ANALYSIS_DIR or analysis/), the program ($GNUPLOT or gnuplot) and
 * the roles' colours. */
int report_gnuplot_init(struct report *r, assay_error_t *err);
/* Writes data (closed, released) into figures/data/NAME.tsv atomically. */
int report_write_data(struct report *r, const char *name, struct membuf *data, assay_error_t *err);
/* Runs `gnuplot -e "VARS adir=…; data=…; out=…; labels=…; rcolors=…;" analysis/SCRIPT.gp` and
 * checks that out.svg and out.png exist. name is the figure's name (figures/NAME.*, data in
 * figures/data/NAME.tsv). */
int report_run_script(struct report *r, const char *script, const char *name, const char *vars,
                      assay_error_t *err);
/* report_write_data, then report_run_script with vars' text. */
int report_plot(struct report *r, const char *script, const char *name, struct membuf *data,
                struct membuf *vars, assay_error_t *err);

/* report_plot, then the figure on the page: alt its images' text, caption what it shows. */
int report_draw(struct report *r, const char *script, const char *name, struct membuf *data,
                struct membuf *vars, FILE *page, const char *alt, const char *caption,
                assay_error_t *err);

/* ---- HTML (html.c) ---- */

void report_fmt_num(FILE *f, double v);
void report_figure_html(FILE *f, const char *name, const char *alt, const char *caption);
/* Why a figure is not there. */
void report_absent_html(FILE *f, const char *what);
/* The metadata of every directory, flattened ("versions.runc"): a table of the key facts, and
 * the rest folded below it. */
void report_meta_tables(struct report *r, FILE *f);
/* Path of `to` relative to directory `from` (both existing), for links of the page. */
char *report_relpath(const char *from, const char *to);

/* ---- line figures (series.c) ---- */

/* Groups of points: key (panel) × cell, each a list of (x, median, p5, p95). */
struct series {
	char *panel;
	const char *cell; /* shown target name */
	double (*pts)[4];
	size_t npts;
};

struct series *report_series_get(struct series **s, size_t *n, const char *panel, const char *cell);
void report_series_add(struct series *s, double x, double m, double p5, double p95);
void report_series_free(struct series *s, size_t n);
/* One block of data: the points sorted by x, ncol columns each; blocks after the first are
 * preceded by gnuplot's two blank lines. */
void report_series_block(FILE *data, struct series *s, size_t ncol, bool first);
/* Writes the series panel-major (panels in order of first appearance) with ncol columns per
 * point, and the variables lifecycle.gp/scalability.gp read: panels, pfirst, pcount, btargets. */
void report_series_write(struct series *s, size_t n, size_t ncol, FILE *data, FILE *vars,
                         const char *panels_var);

/* ---- the figures (fig-*.c), rows of the table in page.c ---- */

/* A section of the page, or a part of the one above: its drawer writes its figures' data, runs
 * their scripts and puts them on the page, or says there why not. */
struct report_fig {
	const char *id;      /* the section's anchor; NULL: goes on in the section above */
	const char *heading; /* its <h2> and its entry in the page's nav */
	bool unlisted;       /* the nav leaves the section out */
	/* Drawn once for the page... */
	int (*draw)(struct report *r, FILE *page, assay_error_t *err);
	/* ...or once per benchmark, in the benchmark's section (id b-NAME, heading NAME, its
	 * description and summary table first); rows of this kind stand next to each other. */
	int (*draw_bench)(struct report *r, const struct rbench *b, FILE *page, assay_error_t *err);
};

int report_fig_overview(struct report *r, FILE *page, assay_error_t *err);
int report_fig_attribution_targets(struct report *r, FILE *page, assay_error_t *err);
int report_fig_bars(struct report *r, const struct rbench *b, FILE *page, assay_error_t *err);
int report_fig_attribution(struct report *r, const struct rbench *b, FILE *page,
                           assay_error_t *err);
int report_fig_memlat(struct report *r, FILE *page, assay_error_t *err);
int report_fig_lifecycle(struct report *r, FILE *page, assay_error_t *err);
int report_fig_calls(struct report *r, FILE *page, assay_error_t *err);
int report_fig_scalability(struct report *r, FILE *page, assay_error_t *err);
int report_fig_sandbox(struct report *r, FILE *page, assay_error_t *err);
int report_fig_limits(struct report *r, FILE *page, assay_error_t *err);

#endif
