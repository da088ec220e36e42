/* Report: its pure helpers, then report_write on synthetic results holding every figure family
 * the fixture lacks (scalability, limits, lifecycle phases) and on the fixture, and its errors
 * (missing directory, missing scripts, gnuplot failing). */
#include <ftw.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/error.h"
#include "report/report.h"
#include "results/results.h"
#include "tap.h"
#include "lib/util.h"

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_rf(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static bool nonempty(const char *dir, const char *name)
{
	cleanup_free char *p = xasprintf("%s/%s", dir, name);
	struct stat st;

	return stat(p, &st) == 0 && st.st_size > 0;
}

static char *slurp(const char *path)
{
	cleanup_file FILE *f = fopen(path, "re");
	size_t cap = 1 << 20, len = 0, got;
	char *s = xmalloc(cap);

	while (f && (got = fread(s + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (len + 1 == cap)
			s = xrealloc(s, cap *= 2);
	}
	s[len] = 0;
	return s;
}

static char *escaped(const char *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_html_escape(f, in);
	fclose(f);
	return buf;
}

static void helpers(void)
{
	char *s;
	double v[] = {5, 1, 3, 2};

	s = report_dir_label("results/2026-11-23T12 default/");
	is_str(s, "2026-11-23T12_default", "label: base name, trailing slash, unsafe characters");
	free(s);
	s = report_dir_label("/");
	is_str(s, "_", "label of / is still a word");
	free(s);
	s = report_dir_label("hostA");
	is_str(s, "hostA", "label of a bare name");
	free(s);

	ok(report_same_family("ns_per_load_16384", "ns_per_load_65536"),
	   "memlat sizes: one family");
	ok(report_same_family("ns_per_call_getppid", "ns_per_call_open-close"),
	   "syscall ops: one family");
	ok(!report_same_family("total_time_s", "events_per_sec"), "cpu figures: not one family");
	ok(!report_same_family("read_mib_per_sec", "read_mib_per_sec_x_y"),
	   "a longer name is not of the family");
	ok(report_same_family("total", "total"), "a figure is its own family");

	ok(report_median(v, 4) == 2.5, "median of an even count");
	ok(report_median(v, 3) == 2, "median of an odd count (sorted in place)");
	ok(isnan(report_median(v, 0)), "median of nothing is NaN");

	s = escaped("<a href=\"x\">&'</a>");
	is_str(s, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;", "HTML escaping");
	free(s);
}

static json_t *run(int index, const char *fig1, double v1, const char *fig2, double v2, bool phases)
{
	json_t *r = json_pack("{s:i, s:b, s:i, s:{s:f, s:f}}", "index", index, "warmup", 0,
	                      "exit_status", 0, "figures", fig1, v1, fig2, v2);

	if (phases)
		json_object_set_new(r, "phases",
		                    json_pack("[{s:s, s:I}, {s:s, s:I}, {s:s, s:I}]", "name",
		                              "RunPodSandbox", "ns",
		                              (json_int_t)(60000000 + index * 1000000), "name",
		                              "StartContainer", "ns", (json_int_t)40000000, "name",
		                              "run", "ns", (json_int_t)1000000));
	return r;
}

/* results_add_run takes its own reference: drop ours. */
static int add(struct results *res, size_t cell, json_t *r, assay_error_t *err)
{
	int ret = results_add_run(res, cell, r, err);

	json_decref(r);
	return ret;
}

/* Results of issue 6's kinds, made up but in their registry's names and units. */
static int synthetic(const char *dir, assay_error_t *err)
{
	static const char *const targets[] = {"native", "cri/containerd/runc",
	                                      "cri/containerd/runsc"};
	json_t *meta = json_pack("{s:s, s:s}", "host", "test", "suite", "synthetic");
	struct results *res;
	size_t cell;
	int ret = results_open(dir, meta, &res, err);

	json_decref(meta);
	if (ret < 0)
		return -1;
	for (size_t t = 0; t < 3; t++) {
		double slow = 1 + (double)t;

		for (int n = 3; n <= 6; n += 3) {
			cleanup_free char *b = xasprintf("scalability.runtime.%d", n == 3 ? 5 : 10);

			if (t == 0)
				continue; /* native has no pods */
			if (results_add_cell(res, targets[t], b, NULL, &cell, err) < 0)
				goto fail;
			for (int i = 1; i <= 3; i++)
				if (add(res, cell,
				        run(i, "total_s", slow * n * (1 + 0.01 * i),
				            "pss_per_pod_mib", slow * 10 + i, true),
				        err) < 0)
					goto fail;
		}
		/* clock reads: cheap but for runsc, whose vDSO traps here */
		if (results_add_cell(res, targets[t], "performance.syscall", NULL, &cell, err) < 0)
			goto fail;
		for (int i = 1; i <= 3; i++)
			if (add(res, cell,
			        run(i, "ns_per_call_getppid", 80 * slow,
			            "ns_per_call_clock_gettime", t == 2 ? 70000 + i : 17 + i,
			            false),
			        err) < 0)
				goto fail;
		if (results_add_cell(res, targets[t], "limits.cpu.scaling", NULL, &cell, err) < 0)
			goto fail;
		for (int i = 1; i <= 3; i++)
			if (add(res, cell,
			        run(i, "share_at_55", 0.55 - 0.01 * i, "share_at_60",
			            0.6 - 0.02 * slow, false),
			        err) < 0)
				goto fail;
	}
	if (results_finish(res, err) < 0)
		goto fail;
	results_free(res);
	return 0;
fail:
	results_free(res);
	return -1;
}

static void write_synthetic(const char *tmp)
{
	cleanup_free char *dir = xasprintf("%s/synthetic", tmp);
	cleanup_free char *index = NULL;
	cleanup_free char *html = NULL;
	const char *dirs[] = {dir};
	assay_error_t err = NULL;
	int ret;

	ret = synthetic(dir, &err);
	ok(ret == 0, "synthetic results written");
	if (ret < 0) {
		diag("%s", err->msg);
		assay_error_release(&err);
		return;
	}
	ret = report_write(dirs, 1, dir, &index, &err);
	ok(ret == 0, "report of scalability and limits results");
	if (ret < 0) {
		diag("%s", err->msg);
		assay_error_release(&err);
		return;
	}
	is_str(strrchr(index, '/'), "/index.html", "index path returned");
	ok(nonempty(dir, "figures/scalability.runtime.svg") &&
	       nonempty(dir, "figures/scalability.runtime.png"),
	   "one scalability figure for the family scalability.runtime.{5,10}");
	ok(nonempty(dir, "figures/limits.cpu.scaling.svg") &&
	       nonempty(dir, "figures/limits.cpu.scaling.png"),
	   "limits figure");
	ok(nonempty(dir, "figures/lifecycle.svg"), "lifecycle CDF from the runs' phases");
	ok(!nonempty(dir, "figures/memlat.svg"), "no memlat figure without memlat results");
	html = slurp(index);
	ok(strstr(html, "No memory-latency figure") != NULL, "the page says why memlat is absent");
	ok(strstr(html, "No attribution for this benchmark") != NULL,
	   "the page says why attribution is absent");
	ok(strstr(html, "src=\"figures/limits.cpu.scaling.svg\"") != NULL,
	   "limits figure on the page");
	ok(strstr(html, "On <b>cri/containerd/runsc</b> reading the clock costs 70.0 µs") &&
	       strstr(html, "native 19 ns") &&
	       !strstr(html, "On <b>cri/containerd/runc</b> reading"),
	   "the page warns where clock reads trap, and only there");
	free(html);
	html = xasprintf("%s/figures/data/limits.cpu.scaling.tsv", dir);
	{
		cleanup_free char *tsv = slurp(html);

		/* x = the step's %, y = the share in %: 55 → median of 54, 53, 52 */
		ok(strstr(tsv, "55\t53\t") != NULL, "limits data: step 55 %% measured 53 %%");
	}
}

static void write_fixture(const char *tmp)
{
	cleanup_free char *out = xasprintf("%s/fixture", tmp);
	cleanup_free char *index = NULL, *html = NULL;
	const char *dirs[] = {"tests/fixtures/results-small", "tests/fixtures/results-small"};
	assay_error_t err = NULL;
	int ret;

	ret = report_write(dirs, 2, out, &index, &err);
	ok(ret == 0, "report comparing the fixture with itself");
	if (ret < 0) {
		diag("%s", err->msg);
		assay_error_release(&err);
		return;
	}
	html = slurp(index);
	ok(strstr(html, "oci/runsc@results-small-2") != NULL,
	   "compared targets are TARGET@LABEL, labels made unique");
	ok(strstr(html, "<script") == NULL && strstr(html, "src=\"http") == NULL,
	   "no script, nothing fetched from the network");
	ok(nonempty(out, "figures/attribution-performance.syscall.png"), "attribution figure");
	ok(nonempty(out, "figures/bars-performance.memlat.svg"), "bars figure");
}

static void errors(const char *tmp)
{
	cleanup_free char *scripts = xasprintf("%s/scripts", tmp);
	cleanup_free char *out = xasprintf("%s/err", tmp);
	cleanup_free char *cmd = NULL;
	const char *missing[] = {"/nonexistent/results"};
	const char *fixture[] = {"tests/fixtures/results-small"};
	assay_error_t err = NULL;
	FILE *f;

	ok(report_write(missing, 1, out, NULL, &err) < 0 && err &&
	       strstr(err->msg, "/nonexistent/results/results.json"),
	   "a missing directory is named");
	if (err)
		diag("%s", err->msg);
	assay_error_release(&err);

	setenv("ASSAY_ANALYSIS_DIR", "/nonexistent/analysis", 1);
	ok(report_write(fixture, 1, out, NULL, &err) < 0 && err && strstr(err->msg, "palette.gp") &&
	       strstr(err->msg, "ASSAY_ANALYSIS_DIR"),
	   "missing scripts are named, with the way out");
	assay_error_release(&err);

	/* the scripts, with bars.gp broken: the error names it and carries gnuplot's message */
	cmd = xasprintf("mkdir -p %s && cp analysis/*.gp %s/", scripts, scripts);
	ok(system(cmd) == 0, "copy of the scripts");
	free(cmd);
	cmd = xasprintf("%s/bars.gp", scripts);
	f = fopen(cmd, "we");
	if (f) {
		fputs("load adir.\"/palette.gp\"\nplot no_such_variable_here\n", f);
		fclose(f);
	}
	setenv("ASSAY_ANALYSIS_DIR", scripts, 1);
	ok(report_write(fixture, 1, out, NULL, &err) < 0 && err && strstr(err->msg, "bars.gp") &&
	       strstr(err->msg, "no_such_variable_here"),
	   "a failing script: its name and gnuplot's stderr");
	if (err)
		diag("%s", err->msg);
	assay_error_release(&err);
	unsetenv("ASSAY_ANALYSIS_DIR");

	setenv("GNUPLOT", "/nonexistent/gnuplot", 1);
	ok(report_write(fixture, 1, out, NULL, &err) < 0 && err &&
	       strstr(err->msg, "/nonexistent/gnuplot") && strstr(err->msg, "gnuplot-nox"),
	   "gnuplot missing: named, with the package");
	if (err)
		diag("%s", err->msg);
	assay_error_release(&err);
	unsetenv("GNUPLOT");
}

int main(void)
{
	char tmpl[] = "/tmp/assay-test-report.XXXXXX";
	char *tmp;

	helpers();
	if (system("gnuplot --version >/dev/null 2>&1") != 0) {
		skip("gnuplot not installed (make deps)");
		return tap_done();
	}
	tmp = mkdtemp(tmpl);
	if (tmp == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	write_synthetic(tmp);
	write_fixture(tmp);
	errors(tmp);
	if (getenv("ASSAY_TEST_KEEP")) { /* to look at the figures */
		diag("kept %s", tmp);
		return tap_done();
	}
	rm_rf(tmp);
	ok(access(tmp, F_OK) < 0, "temporary directory removed");
	return tap_done();
}
