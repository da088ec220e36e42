/* `collector table`: the rows name real registry figures, and the text and TSV renderings of a
 * fixed results file match their goldens (tests/golden/table-*.txt; regenerate after an
 * intended change with GOLDEN_UPDATE=1 build/tests/test-table). */
#include <stdlib.h>
#include <string.h>

#include "benchmarks/benchmarks.h"
#include "results/results.h"
#include "report/table.h"
#include "lib/util.h"
#include "../tap.h"

#define FIXTURE "tests/fixtures/table-results.json"

static char *slurp(const char *path)
{
	cleanup_file FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, len = 0, r;

	if (f == NULL)
		return NULL;
	do {
		buf = xrealloc(buf, cap += 65536);
		r = fread(buf + len, 1, cap - len - 1, f);
		len += r;
	} while (r > 0);
	buf[len] = '\0';
	return buf;
}

static void rows(void)
{
	static const char *const study[] = {
	    "CPUTime",        "HardLimit",     "ScalingLimit",  "MemTime",       "MemMinLatency",
	    "MemAvgLatency",  "MemMaxLatency", "FileRndRead",   "FileSeqRead",   "FileRndWrite",
	    "FileSeqRewrite", "FileSeqWrite",  "OpCreate",      "OpRun",         "OpCreateAndRun",
	    "OpDestroy",      "Scalability5",  "Scalability10", "Scalability50",
	};
	size_t n;
	const struct table_row *r = report_table_rows(&n);

	is_int(n, sizeof(study) / sizeof(study[0]), "one row per metric of the study's Table 1");
	for (size_t i = 0; i < n && i < sizeof(study) / sizeof(study[0]); i++) {
		const struct benchmark *b = benchmarks_find(r[i].benchmark);

		is_str(r[i].metric, study[i], "row %zu is %s", i + 1, study[i]);
		ok(b && benchmarks_figure(b, r[i].figure), "%s: %s has figure %s", r[i].metric,
		   r[i].benchmark, r[i].figure);
	}
}

static void golden(json_t *root, bool tsv, const char *path)
{
	assay_error_t err = NULL;
	cleanup_free char *got = NULL;
	cleanup_free char *want = NULL;

	ok(report_table_render(root, tsv, &got, &err) == 0, "render %s", tsv ? "TSV" : "text");
	if (got && getenv("GOLDEN_UPDATE")) {
		FILE *f = fopen(path, "w");

		if (f) {
			fputs(got, f);
			fclose(f);
		}
	}
	want = slurp(path);
	is_str(got, want, "%s matches", path);
	assay_error_release(&err);
}

int main(void)
{
	assay_error_t err = NULL;
	json_t *root = NULL;

	rows();
	if (results_load(FIXTURE, &root, &err) < 0) {
		ok(0, "load %s", FIXTURE);
		assay_error_release(&err);
		return tap_done();
	}
	golden(root, false, "tests/golden/table-text.txt");
	golden(root, true, "tests/golden/table-tsv.txt");
	json_decref(root);

	ok(results_load("tests/fixtures/nonexistent.json", &root, &err) < 0 && err &&
	       err->exit_code == 2,
	   "a missing results file is a usage error");
	assay_error_release(&err);
	return tap_done();
}
