/* `collector check BASELINE RESULTS`: the regression gate (src/results/gate.h). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "lib/json.h"
#include "lib/util.h"
#include "results/gate.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: collector check [--threshold PCT] [--thresholds FILE] [--absolute]\n"
	    "                       [--all-figures] [--all] BASELINE RESULTS\n"
	    "\n"
	    "The regression gate: every figure of RESULTS against the same target, benchmark\n"
	    "and figure of BASELINE (results directories, or their results.json). A target's\n"
	    "figure is taken relative to native's in its own results (its cost over native),\n"
	    "so a host that got slower as a whole cancels out; native's figures are shown\n"
	    "(\"drift\" when they moved) but gate nothing unless --absolute. Each figure gets\n"
	    "its cost (× BASELINE; above 1 is worse, whether higher or lower is better) with\n"
	    "the 99%% bootstrap interval, and a verdict: slower (the whole interval beyond\n"
	    "1 + threshold: significantly worse by more than it), faster (the mirror image),\n"
	    "same (otherwise), unknown (fewer than 2 runs a side), missing (not measured in\n"
	    "RESULTS). Judged: each benchmark's headline figures (the ones that answer it),\n"
	    "all of them with --all-figures.\n"
	    "\n"
	    "Options:\n"
	    "  --threshold PCT    how much worse a figure may get (default 5)\n"
	    "  --thresholds FILE  per-figure thresholds: lines `PATTERN PCT`, PATTERN a glob\n"
	    "                     over BENCHMARK/FIGURE or TARGET:BENCHMARK/FIGURE (last match\n"
	    "                     wins; # comments)\n"
	    "  --absolute         raw figures, native gated too (a kernel or host change:\n"
	    "                     run both on one quiet host)\n"
	    "  --all-figures      judge every figure (tails, preparation times too)\n"
	    "  --all              print every figure (default: those not `same`, and the count)\n"
	    "  -h, --help         this text\n"
	    "\n"
	    "Exit status: 0 no figure significantly worse beyond its threshold, 1 some are,\n"
	    "2 usage error.\n");
}

static void print_row(const struct results_gate_row *r)
{
	const struct results_cmp *c = &r->cmp;

	printf("%-8s %s %s %s  baseline %.6g", r->verdict, r->target, r->benchmark, r->figure,
	       r->base_median);
	if (!strcmp(r->verdict, "missing")) {
		printf("  (not measured)\n");
		return;
	}
	printf("  now %.6g  ×%.3f", r->median, c->cost);
	if (isfinite(c->cost_low) && isfinite(c->cost_high))
		printf(" [%.3f–%.3f]", c->cost_low, c->cost_high);
	printf("  %s, threshold %g%%, %zu vs %zu runs%s%s%s\n", results_verdict_name(c->verdict),
	       r->threshold, c->na, c->nb, r->relative ? ", over native" : "",
	       r->native_moved ? " (its raw figure did not move so: native did)" : "",
	       r->regression ? "  REGRESSION" : "");
}

/* The two hosts' noise, and a warning when they differed (host_noise of the runs). */
static void print_noise(json_t *base, json_t *res)
{
	struct results_noise a, b;

	results_noise_of(base, &a);
	results_noise_of(res, &b);
	if (a.runs == 0 || b.runs == 0)
		return;
	printf("host: baseline %zu of %zu runs disturbed, mean load %.2f; results %zu of %zu, "
	       "mean load %.2f\n",
	       a.disturbed, a.runs, a.load1, b.disturbed, b.runs, b.load1);
	if (b.load1 > a.load1 * 1.5 + 0.5 || a.load1 > b.load1 * 1.5 + 0.5)
		printf("warning: the hosts were loaded differently; differences may be the host's, "
		       "not the software's (rerun both on a quiet host)\n");
}

int cmd_check(int argc, char **argv, assay_error_t *err)
{
	static const struct option options[] = {
	    {"threshold", required_argument, NULL, 't'},
	    {"thresholds", required_argument, NULL, 'f'},
	    {"all", no_argument, NULL, 'a'},
	    {"absolute", no_argument, NULL, 'A'},
	    {"all-figures", no_argument, NULL, 'F'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	cleanup_json json_t *base = NULL, *res = NULL, *thresholds = NULL;
	struct results_gate g;
	double threshold = 5;
	bool all = false, absolute = false, all_figures = false;
	char *end;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 't':
			threshold = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' || !(threshold >= 0))
				return assay_error_usage(
				    err, "check: --threshold `%s`: expected a percentage >= 0",
				    optarg);
			break;
		case 'f':
			json_decref(thresholds);
			thresholds = NULL;
			if (results_gate_thresholds(optarg, &thresholds, err) < 0)
				return -1;
			break;
		case 'a':
			all = true;
			break;
		case 'A':
			absolute = true;
			break;
		case 'F':
			all_figures = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return assay_error_usage(err,
			                         "check: unknown option or missing value `%s` "
			                         "(see --help)",
			                         argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return assay_error_usage(err, "check: expected BASELINE and RESULTS (see --help)");
	if (results_load_arg("check", argv[optind], &base, err) < 0 ||
	    results_load_arg("check", argv[optind + 1], &res, err) < 0)
		return -1;
	results_gate_run(base, res, threshold, thresholds, absolute, all_figures, &g);
	printf("costs: %s\n", absolute ? "absolute (raw figures, native gated)"
	                               : "relative to each side's native (--absolute: raw)");
	for (size_t i = 0; i < g.n; i++)
		if (all || strcmp(g.rows[i].verdict, "same"))
			print_row(&g.rows[i]);
	printf("%zu figures: %zu slower, %zu faster, %zu same, %zu unknown, %zu missing", g.n,
	       g.nslower, g.nfaster, g.nsame, g.nunknown, g.nmissing);
	if (g.ndrift)
		printf(", %zu drift (native moved: the host's, not gated)", g.ndrift);
	printf("\n");
	print_noise(base, res);
	printf("gate: %s\n",
	       g.nslower ? "FAIL (significantly worse beyond the threshold)" : "pass");
	c = g.nslower ? 1 : 0;
	results_gate_free(&g);
	return c;
}
