/* Results of a suite run: DIR/results.json (schema in docs/results.md), DIR/summary.tsv (one
 * row per target × benchmark × figure, for gnuplot), DIR/runs.tsv (one row per run × figure) and
 * DIR/attribution.tsv (one row per target × benchmark × role, when the tracer ran).
 *
 *   {"meta": {...}, "cells": [{"target": "cri/containerd/runc",
 *     "benchmark": "performance.cpu.time", "status": "ok|failed|skipped|pending",
 *     "reason": null, "params": {...}, "runs": [RUN...],
 *     "summary": {"events_per_sec": {"median":…, "min":…, "max":…, "p5":…, "p95":…,
 *                 "ci_low":…, "ci_high":…, "ci_level":…, "n":…, "unit": "events/s",
 *                 "better": "higher"}}}]}
 *
 * A RUN is the object the run engine builds; keys the results module reads: "warmup" (bool,
 * warm-ups are kept but never summarised), "figures" (object figure → number; absent or
 * null for a failed run). Everything else is kept as given: "index", "exit_status", "failure",
 * "workload" (the workload's JSON), "phases" (CRI call timings), "attribution" (the tracer's,
 * docs/attribution.md).
 *
 * Every change rewrites the four files atomically (temp file in DIR, fsync, rename, fsync of
 * DIR), so a suite interrupted at any point leaves what it measured. */
#ifndef ASSAY_RESULTS_H
#define ASSAY_RESULTS_H

#include <jansson.h>
#include <stddef.h>

#include "lib/error.h"

#define RESULTS_JSON        "results.json"
#define RESULTS_SUMMARY     "summary.tsv"
#define RESULTS_RUNS        "runs.tsv"
#define RESULTS_ATTRIBUTION "attribution.tsv"
#define RESULTS_FORMAT      "assay-results/1"

struct results;

/* Creates dir (and missing parents, 0755) and writes a first results.json holding meta (a new
 * reference is taken; "format": RESULTS_FORMAT is added) and no cells. */
int results_open(const char *dir, json_t *meta, struct results **out, assay_error_t *err);

/* Adds a cell in status "pending" with a copy of params (NULL: {}); *index identifies it. */
int results_add_cell(struct results *r, const char *target, const char *benchmark, json_t *params,
                     size_t *index, assay_error_t *err);

/* Index of the cell target × benchmark, or -1. */
long results_find_cell(struct results *r, const char *target, const char *benchmark);

/* Appends run (a reference is taken) to a cell, recomputes its summary and rewrites the files.
 * A cell still "pending" becomes "ok" (set_status can change that later). */
int results_add_run(struct results *r, size_t cell, json_t *run, assay_error_t *err);

/* status: "ok", "failed", "skipped" (or "pending"); reason: NULL or why. Rewrites the files. */
int results_set_status(struct results *r, size_t cell, const char *status, const char *reason,
                       assay_error_t *err);

/* Sets key of a cell to value (a reference is taken), e.g. "runs_auto"; rewrites the files. */
int results_set_cell_key(struct results *r, size_t cell, const char *key, json_t *value,
                         assay_error_t *err);

/* Rewrites the files a last time with meta.finished set (RFC 3339 UTC). */
int results_finish(struct results *r, assay_error_t *err);

/* Borrowed views (valid until results_free). */
json_t *results_root(struct results *r);
const char *results_dir(struct results *r);

/* Frees memory only: files written so far stay. */
void results_free(struct results *r);

/* ---- Pure helpers (also used by `report`, `table` and tests) ----------------------------------
 */

/* Summary object of a cell's runs (skips warm-ups and runs without figures): figure → stats
 * object, units/better from the benchmark registry ("" when the figure is unknown to it). */
json_t *results_summarize(const char *benchmark, json_t *runs);

/* Reads a results.json back (jansson), checking the top-level shape; usage error on bad input. */
int results_load(const char *path, json_t **out, assay_error_t *err);

/* summary.tsv / runs.tsv of a results root, written atomically to path. */
int results_write_summary_tsv(json_t *root, const char *path, assay_error_t *err);
int results_write_runs_tsv(json_t *root, const char *path, assay_error_t *err);
/* One row per target × benchmark × role of the tracer's attribution: medians over the measured
 * runs of cpu/sys/user ms and syscalls, and the cell's median coverage (docs/results.md). */
int results_write_attribution_tsv(json_t *root, const char *path, assay_error_t *err);

#endif
