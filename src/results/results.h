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
 * Every change is one line appended to DIR/runs.jsonl (log.h: write + fsync), so a run costs
 * the same whatever the suite's size and a collector killed at any point loses no finished run.
 * The four files are derived from that log (results_derive): at results_finish, by
 * `collector report`, after a crash. results_open writes a first results.json (meta, no cells).
 *
 * The log's lines (format RESULTS_LOG_FORMAT, docs/results.md):
 *   {"log": "assay-runs/1", "meta": {...}}                 first line
 *   {"meta": {...}}                                        meta as it is now (replaces it)
 *   {"target": T, "benchmark": B, "params": {...}}         a new cell, status "pending"
 *   {"target": T, "benchmark": B, "run": RUN}              a run of that cell
 *   {"target": T, "benchmark": B, "status": S, "reason": R} its status */
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
#define RESULTS_LOG         "runs.jsonl"
#define RESULTS_LOG_FORMAT  "assay-runs/1"

struct results;

/* Creates dir (and missing parents, 0755), starts its runs.jsonl (truncated) with meta (a copy;
 * "format": RESULTS_FORMAT is added) and writes a first results.json holding meta, no cells. */
int results_open(const char *dir, json_t *meta, struct results **out, assay_error_t *err);

/* Adds a cell in status "pending" with a copy of params (NULL: {}); *index identifies it. */
int results_add_cell(struct results *r, const char *target, const char *benchmark, json_t *params,
                     size_t *index, assay_error_t *err);

/* Index of the cell target × benchmark, or -1. */
long results_find_cell(struct results *r, const char *target, const char *benchmark);

/* Appends run (a reference is taken) to a cell, recomputes that cell's summary and logs the run.
 * A cell still "pending" becomes "ok" (set_status can change that later). */
int results_add_run(struct results *r, size_t cell, json_t *run, assay_error_t *err);

/* status: "ok", "failed", "skipped" (or "pending"); reason: NULL or why. Logged. */
int results_set_status(struct results *r, size_t cell, const char *status, const char *reason,
                       assay_error_t *err);

/* Logs meta as results_root's is now (the run engine adds target_info and versions to it). */
int results_save_meta(struct results *r, assay_error_t *err);

/* Sets key of a cell to value (a reference is taken; "runs_auto" is the one the log replays)
 * and logs it. */
int results_set_cell_key(struct results *r, size_t cell, const char *key, json_t *value,
                         assay_error_t *err);

/* Sets meta.finished (RFC 3339 UTC), logs it, closes the log and derives the four files. */
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

/* The results root a run log's records (results_log_read) describe: cells in the order they
 * were added, their runs, statuses and summaries (results_summarize), the last meta. */
int results_replay(json_t *records, json_t **out, assay_error_t *err);
/* Derives DIR/results.json and the TSVs from DIR/runs.jsonl: 1 done, 0 when DIR has no log
 * (results written before it existed), <0 on errors. *warning (malloc'd, else NULL) says when a
 * truncated last line was left out. */
int results_derive(const char *dir, char **warning, assay_error_t *err);

/* Reads a results.json back (jansson), checking the top-level shape; usage error on bad input. */
int results_load(const char *path, json_t **out, assay_error_t *err);

/* summary.tsv / runs.tsv of a results root, written atomically to path. */
int results_write_summary_tsv(json_t *root, const char *path, assay_error_t *err);
int results_write_runs_tsv(json_t *root, const char *path, assay_error_t *err);
/* One row per target × benchmark × role of the tracer's attribution: medians over the measured
 * runs of cpu/sys/user ms and syscalls, and the cell's median coverage (docs/results.md). */
int results_write_attribution_tsv(json_t *root, const char *path, assay_error_t *err);

#endif
