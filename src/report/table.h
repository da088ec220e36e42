/* `collector table`: the TouchStone study's Table 1 from a results.json — one row per metric of
 * the study (CPUTime … Scalability50), one column per target, each cell the median of the
 * figure that measures it, the best of a row marked, "-" where there is no data. */
#ifndef ASSAY_TABLE_H
#define ASSAY_TABLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/error.h"

/* A row: the study's metric name and the benchmark figure assay measures it with. */
struct table_row {
	const char *metric;    /* "CPUTime" */
	const char *benchmark; /* "performance.cpu.time" */
	const char *figure;    /* "total_time_s" */
};

/* The rows, in the study's order; *n the count. */
const struct table_row *report_table_rows(size_t *n);

/* Renders the table of a loaded results root (results_load) as text (aligned columns, best
 * value marked `*`) or TSV (metric, unit, better, one column per target, best: the best
 * target's name). *out is malloc'd. */
int report_table_render(json_t *root, bool tsv, char **out, assay_error_t *err);

#endif
