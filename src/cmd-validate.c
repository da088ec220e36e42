/* `collector validate SUITE.yaml...`: loads each suite as `run` would and summarises its plan. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "suite/suite.h"
#include "lib/util.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: collector validate [-v] SUITE.yaml...\n"
	           "\n"
	           "Checks suite files without running them (schema: docs/suites.md) and prints a\n"
	           "summary of each: targets, benchmarks, cells, runs and a rough time estimate.\n"
	           "An error names FILE:LINE:COLUMN and what was expected; exit status 2.\n"
	           "\n"
	           "Options:\n"
	           "  -v, --verbose  also each benchmark's runs, timeout and parameters\n"
	           "  -h, --help     this text\n");
}

static void print_duration(double s)
{
	unsigned long t = (unsigned long)(s + 0.5);

	if (t >= 3600)
		printf("%luh%02lum", t / 3600, t / 60 % 60);
	else if (t >= 60)
		printf("%lum%02lus", t / 60, t % 60);
	else
		printf("%lus", t);
}

static void summary(const struct suite *s, bool verbose)
{
	size_t runs = suite_runs(s), warm = 0;

	for (size_t b = 0; b < s->n_benches; b++)
		warm += (size_t)s->benches[b].warmup * s->n_targets;
	printf("%s: suite `%s` is valid\n", s->path, s->name);
	if (s->description)
		printf("  description  %s\n", s->description);
	printf("  targets      ");
	for (size_t t = 0; t < s->n_targets; t++)
		printf("%s%s", t ? ", " : "", s->targets[t].name);
	printf("\n  benchmarks   %zu\n", s->n_benches);
	if (verbose) {
		for (size_t b = 0; b < s->n_benches; b++) {
			const struct suite_bench *sb = &s->benches[b];
			const char *key;
			json_t *v;

			printf("    %s: %u runs + %u warm-up, timeout %us\n     ", sb->def->name,
			       sb->runs, sb->warmup, sb->timeout_s);
			json_object_foreach(sb->params, key, v)
			    printf(" %s=%s", key, json_string_value(v));
			printf("\n");
		}
	}
	printf("  cells        %zu (targets × benchmarks)\n", suite_cells(s));
	printf("  runs         %zu (%zu warm-up, %zu measured)\n", runs, warm, runs - warm);
	if (s->runs_auto)
		printf(
		    "  runs: auto   then rounds until ±%u%% (at most %u runs a cell, %us in all)\n",
		    s->auto_target_pct, s->auto_max_runs, s->auto_budget_s);
	printf("  order        %s\n",
	       s->order == SUITE_ORDER_INTERLEAVED ? "interleaved" : "sequential");
	printf("  estimate     ~");
	print_duration(suite_estimate_s(s));
	printf(" on a machine like the one assay was written on\n");
}

int cmd_validate(int argc, char **argv, assay_error_t *err)
{
	static const struct option options[] = {
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	bool verbose = false;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "vh", options, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return assay_error_usage(err, "validate: unknown option `%s` (see --help)",
			                         argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return assay_error_usage(err, "validate: expected a suite file (see --help)");
	for (int i = optind; i < argc; i++) {
		struct suite *s = NULL;

		if (suite_load(argv[i], &s, err) < 0)
			return -1;
		summary(s, verbose);
		suite_free(s);
	}
	return 0;
}
