/* The run log: DIR/runs.jsonl, JSON Lines, appended one record at a time (write + fsync) so a
 * suite's cost per run stays constant and a collector killed at any moment loses no finished
 * run (docs/results.md, "runs.jsonl"). This module only writes and reads lines; what the records
 * mean (meta, cells, runs, statuses) is results.c's, which derives results.json from them. */
#ifndef ASSAY_RESULTS_LOG_H
#define ASSAY_RESULTS_LOG_H

#include <jansson.h>

#include "lib/error.h"

struct results_log;

/* Creates (truncates) path and writes first as its first line. */
int results_log_create(const char *path, json_t *first, struct results_log **out,
                       assay_error_t *err);
/* Appends rec as one line (compact, reals with 17 digits) and fsyncs it. */
int results_log_append(struct results_log *l, json_t *rec, assay_error_t *err);
/* Closes the file (NULL is fine). */
void results_log_close(struct results_log *l);

/* Every record of path, in order, as a new array. A last line without its newline or that
 * does not parse (a write cut short by a crash) is left out and *warning (malloc'd) says so;
 * any other line that does not parse is an error. */
int results_log_read(const char *path, json_t **records, char **warning, assay_error_t *err);

#endif
