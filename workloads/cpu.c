/* cpu: sysbench 1.0.20's CPU test. One event tests every c in [3, max) for primality by trial
 * division up to sqrt(c), in 64-bit arithmetic like sysbench, so the per-event work (301,275
 * divisions at 20000) is identical. */
#include "harness/harness.h"

#include <math.h>

static const struct wl_option cpu_options[] = {
    {"cpu-max-prime", WL_OPT_INT, "10000", NULL, "upper limit for primes generator", 3, 1e12},
    {NULL, 0, NULL, NULL, NULL, 0, 0},
};

static unsigned long long max_prime;
/* The count must stay observable or the compiler may delete the whole loop. */
static volatile unsigned long long last_primes;

unsigned long long cpu_count_primes(unsigned long long max);

unsigned long long cpu_count_primes(unsigned long long max)
{
	unsigned long long c, l, n = 0;
	double t;

	for (c = 3; c < max; c++) {
		t = sqrt((double)c);
		for (l = 2; l <= t; l++)
			if (c % l == 0)
				break;
		if (l > t)
			n++;
	}
	return n;
}

static int cpu_init(void)
{
	max_prime = (unsigned long long)wl_opt_int("cpu-max-prime");
	return 0;
}

static int cpu_event(struct wl_thread *t)
{
	(void)t;
	last_primes = cpu_count_primes(max_prime);
	return 0;
}

static void cpu_report_text(FILE *out, const struct wl_result *r)
{
	fprintf(out, "Prime numbers limit: %llu (%llu primes per event)\n\n", max_prime,
	        last_primes);
	fprintf(out, "CPU speed:\n    events per second: %8.2f\n\n",
	        r->total_time_s > 0 ? r->events / r->total_time_s : 0);
}

static void cpu_report_json(struct wl_json *j, const struct wl_result *r)
{
	wl_json_uint(j, "primes", r->events ? last_primes : cpu_count_primes(max_prime));
}

const struct wl_workload cpu_workload = {
    .name = "cpu",
    .summary = "CPU: count primes below --cpu-max-prime by trial division (sysbench cpu).",
    .options = cpu_options,
    .init = cpu_init,
    .event = cpu_event,
    .report_text = cpu_report_text,
    .report_json = cpu_report_json,
};

WL_MAIN(cpu_workload)
