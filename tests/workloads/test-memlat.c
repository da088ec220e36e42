/* memlat: a 64 MiB working set is slower per load than 16 KiB (DRAM against L1), the JSON
 * report, --sizes parsing and rejections. */
#include "harness/harness.h"
#include "tap.h"
#include "wl_capture.h"

extern const struct wl_workload memlat_workload;
int memlat_parse_sizes(const char *text, uint64_t *out, int max, size_t line);

static double ns_of(json_t *j, uint64_t size)
{
	size_t i;
	json_t *row;

	json_array_foreach(json_object_get(j, "sizes"), i, row)
	{
		if ((uint64_t)json_integer_value(json_object_get(row, "size")) == size &&
		    json_is_number(json_object_get(row, "ns_per_load")))
			return json_number_value(json_object_get(row, "ns_per_load"));
	}
	return -1;
}

int main(void)
{
	struct wl_capture c;
	uint64_t sizes[8];

	is_int(memlat_parse_sizes("4K,64M", sizes, 8, 64), 2, "4K,64M: two sizes");
	ok(sizes[0] == 4096 && sizes[1] == 67108864, "4K,64M values");
	is_int(memlat_parse_sizes("128", sizes, 8, 64), 1, "128 bytes (two lines) is accepted");

	static const char *const bad[] = {"",   "4K,",  ",4K", "4K,,8K", "4Q",
	                                  "64", "4K,x", "-4K", "2T",     "1,2,3,4,5,6,7,8,9"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char arg[64];
		snprintf(arg, sizeof(arg), "--sizes=%s", bad[i]);
		wl_capture(&c, &memlat_workload, arg, "--size-time=0.01", NULL);
		ok(c.status == 2 && strstr(c.err, "--sizes=") &&
		       strstr(c.err, "accepted values: a comma-separated list"),
		   "%s: exit 2 naming --sizes and what it accepts", arg);
		wl_capture_free(&c);
	}
	static const struct {
		const char *arg, *needle;
	} bad_opts[] = {
	    {"--loads=-1", "--loads=-1: accepted values: an integer from 0 to"},
	    {"--event-time=0", "--event-time=0: accepted values: a number from 0.0001 to 10"},
	    {"--size-time=0", "--size-time=0: accepted values: a number from 0.001 to 3600"},
	    {"--line-size=4", "--line-size=4: accepted values: a size in bytes"},
	    {"--time=-1", "--time=-1: accepted values: a number >= 0"},
	};
	for (size_t i = 0; i < sizeof(bad_opts) / sizeof(bad_opts[0]); i++) {
		wl_capture(&c, &memlat_workload, bad_opts[i].arg, NULL);
		ok(c.status == 2 && strstr(c.err, bad_opts[i].needle), "%s: exit 2",
		   bad_opts[i].arg);
		wl_capture_free(&c);
	}
	wl_capture(&c, &memlat_workload, "--line-size=48", NULL);
	ok(c.status == 2 && strstr(c.err, "--line-size=48: accepted values: a power of two"),
	   "--line-size=48: exit 2");
	wl_capture_free(&c);

	wl_capture(&c, &memlat_workload, "--json", "--sizes=16K,64M", "--size-time=0.3", NULL);
	ok(c.status == 0 && c.json, "--sizes=16K,64M --json: exit 0, one JSON line");
	double small = ns_of(c.json, 16384), big = ns_of(c.json, 67108864);
	ok(small > 0 && big > 0, "both sizes measured (16K %.2f ns, 64M %.2f ns)", small, big);
	ok(big > 2 * small, "64 MiB costs more per load than 16 KiB (%.2f > 2 x %.2f ns)", big,
	   small);
	is_int(wl_json_num(c.json, "line_size"), 64, "line_size 64");
	double tt = wl_json_num(c.json, "total_time_s");
	ok(tt >= 0.6 && tt < 3, "two sizes of 0.3 s each: %.2f s in total", tt);
	wl_capture_free(&c);

	wl_capture(&c, &memlat_workload, "--json", "--sizes=4K,8K,16K", "--size-time=0.05",
	           "--threads=2", NULL);
	ok(c.status == 0 && json_array_size(json_object_get(c.json, "sizes")) == 3 &&
	       ns_of(c.json, 8192) > 0,
	   "2 threads, 3 sizes");
	wl_capture_free(&c);

	wl_capture(&c, &memlat_workload, "--sizes=4K,1M", "--size-time=0.05", NULL);
	ok(c.status == 0 && strstr(c.out, "ns/load") && strstr(c.out, "1048576"),
	   "text report: ns/load table");
	wl_capture_free(&c);

	/* --time caps the whole run: the second size is cut short or skipped. */
	wl_capture(&c, &memlat_workload, "--json", "--sizes=4K,8K", "--size-time=5", "--time=0.2",
	           NULL);
	tt = wl_json_num(c.json, "total_time_s");
	ok(c.status == 0 && tt < 1, "--time=0.2 caps --size-time=5 (%.2f s)", tt);
	wl_capture_free(&c);
	return tap_done();
}
