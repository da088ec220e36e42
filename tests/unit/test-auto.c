/* runs: auto's decision on summaries made from runs: when a cell's headline interval is tight
 * enough, and what the record of a stopped cell says. */
#include <math.h>
#include <string.h>

#include "benchmarks/benchmarks.h"
#include "lib/json.h"
#include "results/results.h"
#include "run/auto.h"
#include "tap.h"

/* A syscall cell (headline: the ns_per_call_{op} family) of n runs, each figure v*(1+spread*k). */
static json_t *cell_of_runs(int n, double spread, double other_spread)
{
	json_t *runs = json_array(), *cell;

	for (int i = 0; i < n; i++) {
		double k = (i % 3) - 1; /* -1, 0, 1 */

		json_array_append_new(runs,
		                      json_pack("{s:b, s:{s:f, s:f}}", "warmup", 0, "figures",
		                                "ns_per_call_getppid", 100 * (1 + spread * k),
		                                "ns_per_call_stat", 900 * (1 + other_spread * k)));
	}
	cell = json_pack("{s:s, s:o}", "benchmark", "performance.syscall", "summary",
	                 results_summarize("performance.syscall", runs));
	json_decref(runs);
	return cell;
}

int main(void)
{
	const struct benchmark *def = benchmarks_find("performance.syscall");
	json_t *c, *rec;
	bool level_ok;
	double w;

	ok(def && benchmarks_is_headline(def, "ns_per_call_getppid") &&
	       benchmarks_is_headline(def, "ns_per_call_stat") &&
	       !benchmarks_is_headline(def, "latency_avg_ns"),
	   "syscall's headline is the ns_per_call_{op} family");

	c = cell_of_runs(3, 0.01, 0.01);
	w = run_auto_half_width(c, def, &level_ok);
	ok(fabs(w - 1) < 1e-9 && !level_ok,
	   "3 runs within ±1%%: half-width 1%%, but no 95%% interval");
	ok(!run_auto_met(c, def, 3), "so not met: more runs");
	json_decref(c);

	c = cell_of_runs(6, 0.01, 0.01);
	ok(run_auto_met(c, def, 3), "6 runs within ±1%%: met at ±3%%");
	ok(!run_auto_met(c, def, 0.5), "not at ±0.5%%");
	json_decref(c);

	c = cell_of_runs(9, 0.01, 0.10);
	w = run_auto_half_width(c, def, &level_ok);
	ok(fabs(w - 10) < 1e-9 && level_ok, "the widest headline figure counts (stat: ±10%%)");
	ok(!run_auto_met(c, def, 3), "not met while one headline figure is wide");
	rec = run_auto_record(c, def, "budget", 3);
	ok(!strcmp(json_string_value(json_object_get(rec, "stopped")), "budget") &&
	       json_integer_value(json_object_get(rec, "n")) == 9 &&
	       fabs(json_real_value(json_object_get(rec, "half_width_pct")) - 10) < 1e-9 &&
	       json_real_value(json_object_get(rec, "target_pct")) == 3,
	   "the record: why it stopped, n, half-width, target");
	json_decref(rec);
	json_decref(c);

	c = json_pack("{s:s, s:{}}", "benchmark", "performance.syscall", "summary");
	ok(isnan(run_auto_half_width(c, def, &level_ok)) && !level_ok && !run_auto_met(c, def, 3),
	   "nothing measured: not met");
	json_decref(c);

	{
		const double width[] = {1.0, 24.4, -1, NAN, 6.2, 24.4};
		size_t order[6];

		run_auto_rank(width, 6, order);
		ok(order[0] == 3 && order[1] == 1 && order[2] == 5 && order[3] == 4 &&
		       order[4] == 0 && order[5] == 2,
		   "rounds visit benchmarks widest first (unknown before all, ties in suite order, "
		   "none wanting last): %zu %zu %zu %zu %zu %zu",
		   order[0], order[1], order[2], order[3], order[4], order[5]);
	}
	return tap_done();
}
