/* `collector report [-o OUT] DIR...`: figures and index.html for results directories (report.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "report/report.h"
#include "results/results.h"
#include "lib/util.h"

static void usage(FILE *f)
{
	fprintf(
	    f, "Usage: collector report [-o OUT] RESULTS_DIR [RESULTS_DIR...]\n"
	       "\n"
	       "Draws the figures of results directories (written by `collector run`) with the\n"
	       "gnuplot scripts of analysis/ and writes a self-contained page, OUT/index.html:\n"
	       "the run's metadata, summary tables (median, p5-p95, overhead vs native, best\n"
	       "marked) and the figures (OUT/figures/*.svg and *.png, their data in\n"
	       "OUT/figures/data/). With one directory OUT is that directory. Several directories\n"
	       "are overlaid for comparison (targets become TARGET@DIRNAME); OUT is then\n"
	       "required.\n"
	       "\n"
	       "A directory's results.json and TSVs are first derived again from its run log\n"
	       "(runs.jsonl), so a suite whose collector crashed gets its page too.\n"
	       "\n"
	       "Options:\n"
	       "  -o, --output OUT   where to write index.html and figures/\n"
	       "  -h, --help         this text\n"
	       "\n"
	       "Environment: GNUPLOT (default gnuplot), ASSAY_ANALYSIS_DIR (the scripts; default\n"
	       "analysis/ of the source tree).\n");
}

int cmd_report(int argc, char **argv, assay_error_t *err)
{
	static const struct option options[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	cleanup_free char *index = NULL;
	const char *out = NULL;
	struct stat st;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			return assay_error_usage(err, "report: `%s` needs a value (see --help)",
			                         argv[optind - 1]);
		default:
			return assay_error_usage(err, "report: unknown option `%s` (see --help)",
			                         argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return assay_error_usage(err, "report: no results directory given (see --help)");
	for (int i = optind; i < argc; i++)
		if (stat(argv[i], &st) < 0 || !S_ISDIR(st.st_mode))
			return assay_error_usage(err, "report: `%s` is not a results directory",
			                         argv[i]);
	if (out == NULL && argc - optind > 1)
		return assay_error_usage(err,
		                         "report: comparing %d directories needs -o OUT (where the "
		                         "page goes)",
		                         argc - optind);
	if (out == NULL)
		out = argv[optind];
	/* results.json and the TSVs again from the run log: the suite may have crashed */
	for (int i = optind; i < argc; i++) {
		cleanup_free char *warning = NULL;

		if (results_derive(argv[i], &warning, err) < 0)
			return assay_error_wrap(err, "report: %s", argv[i]);
		if (warning)
			fprintf(stderr, "collector report: warning: %s\n", warning);
	}
	if (report_write((const char *const *)argv + optind, (size_t)(argc - optind), out, &index,
	                 err) < 0)
		return -1;
	printf("%s\n", index);
	return 0;
}
