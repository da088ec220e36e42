/* The harness's reports: the threads' figures merged into one wl_result, the header printed
 * before the run, and the sysbench-like text summary or the one-line JSON after it. */
#include "harness/internal.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

void harness_merge_results(struct wl_result *r, const struct wl_thread *threads, int nthreads,
                           uint64_t total_ns)
{
	memset(r, 0, sizeof(*r));
	r->threads = threads;
	r->nthreads = nthreads;
	r->total_time_s = total_ns / 1e9;
	r->lat_min_ns = UINT64_MAX;
	for (int i = 0; i < nthreads; i++) {
		const struct wl_thread *t = &threads[i];
		r->events += t->events;
		r->lat_sum_ns += t->lat_sum_ns;
		if (t->events && t->lat_min_ns < r->lat_min_ns)
			r->lat_min_ns = t->lat_min_ns;
		if (t->lat_max_ns > r->lat_max_ns)
			r->lat_max_ns = t->lat_max_ns;
		wl_hist_merge(&r->hist, &t->hist);
	}
	if (!r->events)
		r->lat_min_ns = 0;
	r->lat_avg_ns = r->events ? (double)r->lat_sum_ns / r->events : 0;
	r->percentile = wl_opt_double("percentile");
	if (r->events && r->percentile > 0) {
		/* A bucket's value can lie a little outside what was observed (buckets are
		 * 1.8 % wide): never report beyond min/max. */
		double p = wl_hist_percentile_ms(&r->hist, r->percentile) * 1e6;
		if (p < r->lat_min_ns)
			p = r->lat_min_ns;
		if (p > r->lat_max_ns)
			p = r->lat_max_ns;
		r->lat_pct_ns = p;
	}
}

/* "95" -> "p95", "99.9" -> "p99.9" */
static void pct_key(char *buf, size_t len, double pct)
{
	snprintf(buf, len, "p%g", pct);
}

static void json_latency(struct wl_json *j, const char *key, const struct wl_result *r,
                         double scale)
{
	char pk[32];

	wl_json_begin_object(j, key);
	wl_json_double(j, "min", r->lat_min_ns / scale);
	wl_json_double(j, "avg", r->lat_avg_ns / scale);
	wl_json_double(j, "max", r->lat_max_ns / scale);
	if (r->percentile > 0) {
		pct_key(pk, sizeof(pk), r->percentile);
		wl_json_double(j, pk, r->lat_pct_ns / scale);
	}
	wl_json_double(j, "sum", r->lat_sum_ns / scale);
	wl_json_end_object(j);
}

void harness_print_json(const struct wl_workload *w, const struct wl_result *r, uint64_t start_ns,
                        uint64_t seed)
{
	struct wl_json j = {.out = stdout};

	wl_json_begin_object(&j, NULL);
	wl_json_str(&j, "workload", w->name);
	wl_json_str(&j, "version", ASSAY_VERSION);
	wl_json_begin_object(&j, "params");
	for (int i = 0; i < harness_opt_count(); i++) {
		const struct opt_value *v = harness_opt_at(i);
		const char *n = v->o->name;
		if (!strcmp(n, "json") || !strcmp(n, "help") || !strcmp(n, "version"))
			continue;
		if (!strcmp(n, "rand-seed")) {
			wl_json_uint(&j, n, seed);
			continue;
		}
		switch (v->o->type) {
		case WL_OPT_INT:
			wl_json_int(&j, n, v->i);
			break;
		case WL_OPT_SIZE:
			wl_json_uint(&j, n, v->size);
			break;
		case WL_OPT_DOUBLE:
			wl_json_double(&j, n, v->d);
			break;
		case WL_OPT_BOOL:
			wl_json_bool(&j, n, v->b);
			break;
		default:
			wl_json_str(&j, n, v->text);
			break;
		}
	}
	wl_json_end_object(&j);
	wl_json_int(&j, "threads", r->nthreads);
	wl_json_uint(&j, "events", r->events);
	wl_json_double(&j, "total_time_s", r->total_time_s);
	wl_json_double(&j, "events_per_sec", r->total_time_s > 0 ? r->events / r->total_time_s : 0);
	json_latency(&j, "latency_ms", r, 1e6);
	json_latency(&j, "latency_ns", r, 1);
	wl_json_uint(&j, "start_ns", start_ns);
	harness_buffer_json(&j);
	harness_process_json(&j);
	if (wl_opt_bool("histogram")) {
		wl_json_begin_array(&j, "histogram");
		for (unsigned i = 0; i < WL_HIST_SIZE; i++) {
			if (!r->hist.count[i])
				continue;
			wl_json_begin_array(&j, NULL);
			wl_json_double(&j, NULL, wl_hist_bucket_ms(i));
			wl_json_uint(&j, NULL, r->hist.count[i]);
			wl_json_end_array(&j);
		}
		wl_json_end_array(&j);
	}
	if (w->report_json)
		w->report_json(&j, r);
	wl_json_end_object(&j);
	fputc('\n', stdout);
	fflush(stdout);
}

static void print_histogram(FILE *out, const struct wl_hist *h)
{
	uint64_t maxc = 0;

	for (int i = 0; i < WL_HIST_SIZE; i++)
		if (h->count[i] > maxc)
			maxc = h->count[i];
	if (!maxc)
		return;
	fprintf(out, "Latency histogram (values are in milliseconds)\n");
	fprintf(out, "       value  ------------- distribution ------------- count\n");
	for (unsigned i = 0; i < WL_HIST_SIZE; i++) {
		if (!h->count[i])
			continue;
		int width = (int)floor(h->count[i] * 40.0 / maxc + 0.5);
		fprintf(out, "%12.3f |%-40.*s %" PRIu64 "\n", wl_hist_bucket_ms(i), width,
		        "****************************************", h->count[i]);
	}
	fprintf(out, "\n");
}

void harness_print_text(const struct wl_workload *w, const struct wl_result *r)
{
	FILE *out = stdout;
	double ev_avg = (double)r->events / r->nthreads, t_avg = r->lat_sum_ns / 1e9 / r->nthreads;
	double ev_sd = 0, t_sd = 0;

	if (wl_opt_bool("histogram"))
		print_histogram(out, &r->hist);
	if (w->report_text)
		w->report_text(out, r);
	for (int i = 0; i < r->nthreads; i++) {
		const struct wl_thread *t = &r->threads[i];
		double d = ev_avg - t->events;
		ev_sd += d * d;
		d = t_avg - t->lat_sum_ns / 1e9;
		t_sd += d * d;
	}
	ev_sd = sqrt(ev_sd / r->nthreads);
	t_sd = sqrt(t_sd / r->nthreads);

	fprintf(out, "General statistics:\n");
	fprintf(out, "    total time:                          %.4fs\n", r->total_time_s);
	fprintf(out, "    total number of events:              %" PRIu64 "\n\n", r->events);
	fprintf(out, "Latency (ms):\n");
	fprintf(out, "         min:                            %10.2f\n", r->lat_min_ns / 1e6);
	fprintf(out, "         avg:                            %10.2f\n", r->lat_avg_ns / 1e6);
	fprintf(out, "         max:                            %10.2f\n", r->lat_max_ns / 1e6);
	if (r->percentile > 0)
		fprintf(out, "        %3gth percentile:                %10.2f\n", r->percentile,
		        r->lat_pct_ns / 1e6);
	else
		fprintf(out, "         percentile stats:               disabled\n");
	fprintf(out, "         sum:                            %10.2f\n\n", r->lat_sum_ns / 1e6);
	/* sysbench rounds sub-microsecond events to 0.00 ms; these are the real figures. */
	fprintf(out, "Latency (ns):\n");
	fprintf(out, "         min:                            %10" PRIu64 "\n", r->lat_min_ns);
	fprintf(out, "         avg:                            %12.1f\n", r->lat_avg_ns);
	fprintf(out, "         max:                            %10" PRIu64 "\n", r->lat_max_ns);
	if (r->percentile > 0)
		fprintf(out, "        %3gth percentile:                %10.0f\n", r->percentile,
		        r->lat_pct_ns);
	fprintf(out, "\nThreads fairness:\n");
	fprintf(out, "    events (avg/stddev):           %.4f/%3.2f\n", ev_avg, ev_sd);
	fprintf(out, "    execution time (avg/stddev):   %.4f/%3.2f\n\n", t_avg, t_sd);
	fflush(out);
}

void harness_print_header(const struct wl_workload *w, int nthreads, uint64_t seed)
{
	bool first = true;

	printf("%s (assay %s)\n\nRunning the test with following options:\n", w->name,
	       ASSAY_VERSION);
	printf("Number of threads: %d\n", nthreads);
	if (wl_opt_double("warmup-time") > 0)
		printf("Warm-up time: %gs\n", wl_opt_double("warmup-time"));
	if (wl_opt_double("report-interval") > 0)
		printf("Report intermediate results every %g second(s)\n",
		       wl_opt_double("report-interval"));
	printf("Random number generator seed: %" PRIu64 "\n", seed);
	for (int i = 0; i < harness_opt_count(); i++) {
		const struct opt_value *v = harness_opt_at(i);
		if (harness_opt_is_common(v->o))
			continue;
		printf("%s--%s=%s", first ? "Workload options: " : " ", v->o->name, v->text);
		first = false;
	}
	printf("%s\nThreads started!\n\n", first ? "" : "\n");
	fflush(stdout);
}
