/* `runs: auto` (suite.h): whether a cell's answer is clear yet. A cell is met when every
 * headline figure of its benchmark (benchmarks_is_headline) has a 95% interval of its median
 * (the order statistics' one, lib/stats.h: at least 6 runs) whose half-width is within
 * ±target % of the median. The engine (run.c) adds interleaved rounds to the cells not met and
 * records per cell why it stopped:
 *   "runs_auto": {"stopped": "met|max-runs|budget|failed", "half_width_pct": W, "n": N,
 *                 "target_pct": T} */
#ifndef ASSAY_RUN_AUTO_H
#define ASSAY_RUN_AUTO_H

#include <jansson.h>
#include <stdbool.h>

#include "benchmarks/benchmarks.h"

/* The widest headline half-width of a results cell in % of its median (NaN: no headline
 * figure measured); *level_ok whether each of those intervals reaches 95% coverage. */
double run_auto_half_width(json_t *cell, const struct benchmark *def, bool *level_ok);

/* Whether the cell is met at target_pct. */
bool run_auto_met(json_t *cell, const struct benchmark *def, double target_pct);

/* order[0..n) := 0..n-1 sorted by width, widest first (NaN, nothing known yet, before all):
 * the order in which runs: auto's rounds visit benchmarks, so a budget that runs out is spent
 * where the answer is least clear. Ties keep their order. */
void run_auto_rank(const double *width, size_t n, size_t *order);

/* The cell's record (a new object). */
json_t *run_auto_record(json_t *cell, const struct benchmark *def, const char *stopped,
                        double target_pct);

#endif
