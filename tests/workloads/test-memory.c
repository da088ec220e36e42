/* memory: event counts from --memory-total-size, rates, every option value and rejection. The
 * sanitizer build (make test) also proves rnd never leaves the block: the block is allocated
 * at exactly --memory-block-size bytes, so ASan would report an access beyond it. */
#include "harness/harness.h"
#include "tap.h"
#include "wl_capture.h"

#include <math.h>

extern const struct wl_workload memory_workload;

int main(void)
{
	static const char *const opers[] = {"read", "write", "none"};
	static const char *const modes[] = {"seq", "rnd"};
	static const char *const scopes[] = {"global", "local"};
	static const char *const blocks[] = {"8", "64", "1K", "4K", "1M"};
	struct wl_capture c;
	char a1[64], a2[64], a3[64], a4[64];

	for (size_t o = 0; o < 3; o++)
		for (size_t m = 0; m < 2; m++)
			for (size_t s = 0; s < 2; s++) {
				snprintf(a1, sizeof(a1), "--memory-oper=%s", opers[o]);
				snprintf(a2, sizeof(a2), "--memory-access-mode=%s", modes[m]);
				snprintf(a3, sizeof(a3), "--memory-scope=%s", scopes[s]);
				wl_capture(&c, &memory_workload, "--json", a1, a2, a3,
				           "--threads=2", "--memory-block-size=4K",
				           "--memory-total-size=8M", NULL);
				/* 8M / 4K / 2 threads = 1024 events each. */
				ok(c.status == 0 && wl_json_num(c.json, "events") == 2048 &&
				       wl_json_num(c.json, "ops") == 2048,
				   "%s %s %s: 2048 events of 4K for 8M over 2 threads", opers[o],
				   modes[m], scopes[s]);
				double tt = wl_json_num(c.json, "total_time_s");
				double want = o == 2 ? 0 : 8.0 / tt;
				ok(fabs(wl_json_num(c.json, "mib_per_sec") - want) <= 1e-6 * want,
				   "  mib_per_sec = MiB / total time (%.1f)",
				   wl_json_num(c.json, "mib_per_sec"));
				ok(fabs(wl_json_num(c.json, "ops_per_sec") - 2048 / tt) <
				       1e-6 * 2048 / tt,
				   "  ops_per_sec = ops / total time");
				wl_capture_free(&c);
			}

	for (size_t b = 0; b < sizeof(blocks) / sizeof(blocks[0]); b++) {
		snprintf(a4, sizeof(a4), "--memory-block-size=%s", blocks[b]);
		wl_capture(&c, &memory_workload, "--json", a4, "--memory-access-mode=rnd",
		           "--memory-oper=write", "--memory-total-size=4M", "--time=1", NULL);
		ok(c.status == 0 && c.json, "rnd write with %s stays inside the block", a4);
		wl_capture_free(&c);
	}

	/* Total size not a multiple: floor(total / block / threads) per thread, as sysbench. */
	wl_capture(&c, &memory_workload, "--json", "--threads=3", "--memory-block-size=1K",
	           "--memory-total-size=10K", NULL);
	is_int(wl_json_num(c.json, "events"), 9, "10K in 1K blocks over 3 threads: 3 x 3 events");
	wl_capture_free(&c);

	wl_capture(&c, &memory_workload, "--json", "--time=0.2", NULL);
	ok(c.status == 0 && wl_json_num(c.json, "params.memory-block-size") == 1024 &&
	       wl_json_num(c.json, "params.memory-total-size") == 107374182400.0 &&
	       !strcmp(json_string_value(
	                   json_object_get(json_object_get(c.json, "params"), "memory-oper")),
	               "write"),
	   "defaults: 1K blocks, 100G total, write");
	double avg = wl_json_num(c.json, "latency_ns.avg"),
	       p = wl_json_num(c.json, "latency_ns.p95");
	ok(avg > 0 && avg < 100000 && p >= wl_json_num(c.json, "latency_ns.min") &&
	       p <= wl_json_num(c.json, "latency_ns.max"),
	   "1K events have real ns figures (avg %.1f ns, p95 %.0f ns)", avg, p);
	wl_capture_free(&c);

	wl_capture(&c, &memory_workload, "--memory-total-size=1M", NULL);
	ok(c.status == 0 && strstr(c.out, "Total operations: 1024") &&
	       strstr(c.out, "1.00 MiB transferred"),
	   "text report: operations and MiB transferred");
	wl_capture_free(&c);

	static const struct {
		const char *arg, *needle;
	} bad[] = {
	    {"--memory-block-size=1000", "a power of two >= 8"},
	    {"--memory-block-size=4", "--memory-block-size=4: accepted values"},
	    {"--memory-block-size=1Q", "--memory-block-size=1Q: accepted values"},
	    {"--memory-total-size=lots", "--memory-total-size=lots: accepted values"},
	    {"--memory-scope=shared", "--memory-scope=shared: accepted values: global|local"},
	    {"--memory-oper=copy", "--memory-oper=copy: accepted values: read|write|none"},
	    {"--memory-access-mode=stride", "accepted values: seq|rnd"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* A small total so that a wrongly accepted value still ends quickly. */
		bool total = !strncmp(bad[i].arg, "--memory-total-size", 19);
		wl_capture(&c, &memory_workload, bad[i].arg,
		           total ? "--time=0.1" : "--memory-total-size=1M", NULL);
		ok(c.status == 2 && strstr(c.err, bad[i].needle) && c.out[0] == '\0',
		   "%s: exit 2 with the accepted values", bad[i].arg);
		wl_capture_free(&c);
	}
	return tap_done();
}
