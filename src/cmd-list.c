/* `collector list [GLOB...]`: the benchmark registry, sorted, one line each (or in full). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "benchmarks/benchmarks.h"
#include "commands.h"
#include "lib/filter.h"
#include "lib/util.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: collector list [-l] [GLOB...]\n"
	    "\n"
	    "Lists the benchmarks assay knows, sorted by name, with a one-line description.\n"
	    "A GLOB is an exact name or a shell pattern (*, ?, [...]) matched against the whole\n"
	    "name: `performance.disk.*` selects the four disk benchmarks, while\n"
	    "`scalability.runtime.5` selects that name only, never `scalability.runtime.50`.\n"
	    "\n"
	    "Options:\n"
	    "  -l, --long   also the image, the parameters (suite `params:` keys, defaults)\n"
	    "               and the figures (unit, whether higher or lower is better)\n"
	    "  -h, --help   this text\n");
}

static const char *param_type(enum benchmark_param_type t)
{
	static const char *const names[] = {
	    [BENCHMARK_PARAM_INT] = "integer",   [BENCHMARK_PARAM_SIZE] = "size",
	    [BENCHMARK_PARAM_DOUBLE] = "number", [BENCHMARK_PARAM_BOOL] = "on|off",
	    [BENCHMARK_PARAM_CHOICE] = "choice", [BENCHMARK_PARAM_FLAGS] = "list",
	    [BENCHMARK_PARAM_STRING] = "text",
	};
	return names[t];
}

static void print_long(const struct benchmark *b)
{
	printf("%s\n  %s\n  kind: %s, image: %s%s, timeout: %us\n", b->name, b->description,
	       benchmarks_kind_name(b->kind), b->image, b->scratch ? " (scratch dir)" : "",
	       b->timeout_s);
	for (const char *const *f = b->fixed; *f; f++)
		printf("  fixed:  %s\n", *f);
	for (const struct benchmark_param *p = b->params; p->name; p++)
		printf("  param:  %-18s %-7s %-14s %s%s%s\n", p->name, param_type(p->type),
		       p->def ? p->def : "(unset)", p->help, p->choices ? ": " : "",
		       p->choices ? p->choices : "");
	for (const struct benchmark_figure *f = b->figures; f->name; f++)
		printf("  figure: %-24s %-9s %s is better\n", f->name, f->unit,
		       benchmarks_better_name(f->better));
}

int cmd_list(int argc, char **argv, assay_error_t *err)
{
	static const struct option options[] = {
	    {"long", no_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const struct benchmark *all;
	cleanup_free const char **names = NULL;
	bool lng = false, first = true;
	size_t n;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "lh", options, NULL)) != -1) {
		switch (c) {
		case 'l':
			lng = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return assay_error_usage(err, "list: unknown option `%s` (see --help)",
			                         argv[optind - 1]);
		}
	}
	all = benchmarks_all(&n);
	names = xcalloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		names[i] = all[i].name;
	if (filter_check_used(argv + optind, (size_t)(argc - optind), names, n, "benchmark", err) <
	    0)
		return assay_error_wrap(err, "list");
	for (size_t i = 0; i < n; i++) {
		if (!filter_match_any(argv + optind, (size_t)(argc - optind), all[i].name))
			continue;
		if (lng) {
			if (!first)
				printf("\n");
			print_long(&all[i]);
		} else {
			printf("%-28s %s\n", all[i].name, all[i].description);
		}
		first = false;
	}
	return 0;
}
