/* cpu: prime counts for several limits (against a sieve written here), the JSON report, and
 * the option's rejections. */
#include "harness/harness.h"
#include "tap.h"
#include "wl_capture.h"

extern const struct wl_workload cpu_workload;
unsigned long long cpu_count_primes(unsigned long long max);

/* Primes in [3, max) by the sieve of Eratosthenes: an independent answer. */
static unsigned long long sieve_count(unsigned long long max)
{
	unsigned long long n = 0;
	char *composite = calloc(max + 1, 1);

	for (unsigned long long i = 2; i < max; i++) {
		if (composite[i])
			continue;
		if (i >= 3)
			n++;
		for (unsigned long long k = i * i; k < max; k += i)
			composite[k] = 1;
	}
	free(composite);
	return n;
}

int main(void)
{
	static const unsigned long long limits[] = {3, 4, 5, 10, 100, 1000, 10000, 20000, 65537};
	struct wl_capture c;

	is_int(cpu_count_primes(10000), 1228, "10000 (sysbench's default): 1228 primes");
	is_int(cpu_count_primes(20000), 2261, "20000: 2261 primes");
	is_int(cpu_count_primes(100), 24, "100: 24 primes (2 is not counted)");
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		is_int(cpu_count_primes(limits[i]), sieve_count(limits[i]),
		       "limit %llu agrees with a sieve", limits[i]);

	wl_capture(&c, &cpu_workload, "--json", "--cpu-max-prime=20000", "--events=20", NULL);
	ok(c.status == 0 && c.json, "--json --events=20: exit 0, one JSON line");
	is_int(wl_json_num(c.json, "primes"), 2261, "JSON primes at 20000");
	is_int(wl_json_num(c.json, "events"), 20, "JSON events");
	is_int(wl_json_num(c.json, "params.cpu-max-prime"), 20000, "JSON params.cpu-max-prime");
	ok(wl_json_num(c.json, "latency_ns.min") > 1000, "an event takes more than 1 us");
	wl_capture_free(&c);

	wl_capture(&c, &cpu_workload, "--json", "--time=0.3", NULL);
	ok(c.status == 0 && wl_json_num(c.json, "primes") == 1228 &&
	       wl_json_num(c.json, "params.cpu-max-prime") == 10000,
	   "default limit 10000 -> 1228 primes");
	ok(wl_json_num(c.json, "events_per_sec") > 10, "time-limited run: %.1f events/s",
	   wl_json_num(c.json, "events_per_sec"));
	wl_capture_free(&c);

	wl_capture(&c, &cpu_workload, "--events=3", NULL);
	ok(c.status == 0 && strstr(c.out, "CPU speed:") && strstr(c.out, "events per second:") &&
	       strstr(c.out, "1228 primes per event"),
	   "text report: CPU speed block");
	wl_capture_free(&c);

	static const char *const bad[] = {"--cpu-max-prime=2", "--cpu-max-prime=x",
	                                  "--cpu-max-prime=-5", "--cpu-max-prime"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		wl_capture(&c, &cpu_workload, bad[i], NULL);
		ok(c.status == 2 && strstr(c.err, "--cpu-max-prime") &&
		       strstr(c.err, "an integer from 3 to"),
		   "%s: exit 2 naming the option and the range", bad[i]);
		wl_capture_free(&c);
	}
	return tap_done();
}
