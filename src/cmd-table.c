/* `collector table RESULTS_DIR [--tsv]`: the study's Table 1 layout of a results directory
 * (rows and rendering: src/report/table.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "lib/json.h"
#include "lib/util.h"
#include "report/table.h"
#include "results/gate.h"

static void usage(FILE *f)
{
	fprintf(
	    f, "Usage: collector table [--tsv] RESULTS\n"
	       "\n"
	       "Prints the TouchStone study's Table 1 (rows CPUTime ... Scalability50, one column\n"
	       "per target) from RESULTS, a results directory or its results.json: the median of\n"
	       "each metric's runs, the best of each row marked `*` when it is significantly\n"
	       "better than every other, `-` where nothing was measured; then every target's\n"
	       "cost against native with its 95%% interval (a bootstrap of the runs), `≈` where\n"
	       "the interval holds 1. suites/touchstone.yaml measures every row\n"
	       "(docs/touchstone.md).\n"
	       "\n"
	       "Options:\n"
	       "  --tsv       tab-separated: metric, unit, better, one column per target, best\n"
	       "              (`≈`: none significantly), then per non-native target its\n"
	       "              overhead, interval (low, high) and verdict against native\n"
	       "  -h, --help  this text\n");
}

int cmd_table(int argc, char **argv, assay_error_t *err)
{
	static const struct option options[] = {
	    {"tsv", no_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	cleanup_free char *text = NULL;
	cleanup_json json_t *root = NULL;
	bool tsv = false;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 't':
			tsv = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return assay_error_usage(err, "table: unknown option `%s` (see --help)",
			                         argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return assay_error_usage(err, "table: expected one results directory (see --help)");
	if (results_load_arg("table", argv[optind], &root, err) < 0)
		return -1;
	if (report_table_render(root, tsv, &text, err) < 0)
		return -1;
	fputs(text, stdout);
	return 0;
}
