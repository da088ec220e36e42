/* The report of one or more results directories: figures drawn by the gnuplot scripts of
 * analysis/ (run with fork/exec) from TSV files this module writes, and one self-contained HTML
 * page (no CDN, no JavaScript) with the run's metadata, summary tables and the figures.
 *
 *   OUT/index.html
 *   OUT/figures/NAME.svg, NAME.png      every figure in both formats
 *   OUT/figures/data/NAME.tsv           what each figure was drawn from (formats: docs/report.md)
 *
 * Several directories are compared by overlaying them: each target becomes TARGET@LABEL (LABEL:
 * the directory's base name, made unique), the label lightens the target's colour, and each
 * directory keeps its own native baseline. */
#ifndef ASSAY_REPORT_H
#define ASSAY_REPORT_H

#include <jansson.h>
#include <stddef.h>

#include "lib/error.h"

/* Draws every figure the results allow and writes out_dir/index.html (out_dir is created if
 * missing). *index_path (may be NULL) gets the page's path, malloc'd. Errors name the directory,
 * or the script and gnuplot's stderr. gnuplot is $GNUPLOT or `gnuplot` in PATH; the scripts are
 * in $ASSAY_ANALYSIS_DIR, else analysis/ of the source tree. */
int report_write(const char *const *dirs, size_t n, const char *out_dir, char **index_path,
                 assay_error_t *err);

/* ---- Pieces, public for the unit tests ------------------------------------------------------- */

/* A label for a results directory: its base name with every character outside [A-Za-z0-9._-]
 * replaced by '_' ("results/2026-11-23 x/" → "2026-11-23_x"); malloc'd. */
char *report_dir_label(const char *dir);

/* Figure names of one family share the text up to their last '_' (ns_per_load_16384 and
 * ns_per_load_65536): the headline figures of a benchmark are its first figure and the rest of
 * its family. True when fig belongs with first. */
int report_same_family(const char *first, const char *fig);

/* Median of values (sorted in place); NaN when n == 0. */
double report_median(double *values, size_t n);

/* Writes s into f escaped for HTML text and attribute values. */
void report_html_escape(FILE *f, const char *s);

#endif
