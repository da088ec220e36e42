/* syscall: every operation measured and reported, the file it uses removed afterwards (also
 * when --dir cannot be written), rejections. */
#include "harness/harness.h"
#include "tap.h"
#include "wl_capture.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>

extern const struct wl_workload syscall_workload;

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

int main(void)
{
	static const char *const ops[] = {"getppid", "clock_gettime", "open-close",
	                                  "stat",    "read",          "mmap-munmap"};
	char dir[] = "/tmp/assay-syscall-test.XXXXXX", dirarg[64], path[96];
	struct wl_capture c;

	if (!mkdtemp(dir)) {
		printf("# SKIP all: mkdtemp failed\n");
		return TAP_SKIP_ALL;
	}
	snprintf(dirarg, sizeof(dirarg), "--dir=%s", dir);

	wl_capture(&c, &syscall_workload, "--json", dirarg, "--op-time=0.05", "--calls=200", NULL);
	ok(c.status == 0 && c.json, "all operations: exit 0, one JSON line");
	json_t *o = json_object_get(c.json, "ops");
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		json_t *op = json_object_get(o, ops[i]);
		double ns = json_number_value(json_object_get(op, "ns_per_call"));
		json_int_t calls = json_integer_value(json_object_get(op, "calls"));
		ok(ns > 1 && ns < 1e7 && calls > 0 && calls % 200 == 0,
		   "%s: %.1f ns/call over %lld calls", ops[i], ns, (long long)calls);
	}
	is_int(wl_json_num(c.json, "calls_per_event"), 200, "calls_per_event");
	is_int(entries(dir), 0, "the 4 KiB file is gone afterwards");
	wl_capture_free(&c);

	wl_capture(&c, &syscall_workload, "--json", "--ops=getppid", "--op-time=0.05", NULL);
	ok(c.status == 0 && json_object_size(json_object_get(c.json, "ops")) == 1 &&
	       wl_json_num(c.json, "ops.getppid.ns_per_call") > 1,
	   "--ops=getppid: only getppid, no file needed");
	wl_capture_free(&c);

	wl_capture(&c, &syscall_workload, "--ops=clock_gettime,getppid", "--op-time=0.05", NULL);
	ok(c.status == 0 && strstr(c.out, "ns/call") && strstr(c.out, "clock_gettime") &&
	       strstr(c.out, "getppid"),
	   "text report: ns/call table");
	wl_capture_free(&c);

	/* A --dir that cannot hold the file: exit 1 naming the file and the errno text. */
	snprintf(path, sizeof(path), "--dir=%s/missing", dir);
	wl_capture(&c, &syscall_workload, path, "--ops=stat", "--op-time=0.01", NULL);
	ok(c.status == 1 && strstr(c.err, "creating ") &&
	       strstr(c.err, "/missing/assay-syscall.") &&
	       strstr(c.err, "No such file or directory"),
	   "missing --dir: exit 1, file and errno text named");
	wl_capture_free(&c);
	/* sysfs refuses new files even to root. */
	wl_capture(&c, &syscall_workload, "--dir=/sys", "--ops=stat", "--op-time=0.01", NULL);
	ok(c.status == 1 && strstr(c.err, "creating /sys/assay-syscall.") &&
	       strstr(c.err, "Permission denied"),
	   "unwritable --dir: exit 1, Permission denied");
	wl_capture_free(&c);
	is_int(entries(dir), 0, "nothing left behind after the failures");

	static const struct {
		const char *arg, *needle;
	} bad[] = {
	    {"--ops=fork", "--ops=fork: accepted values: a comma-separated list of getppid|"},
	    {"--ops=", "--ops=: accepted values"},
	    {"--calls=0", "--calls=0: accepted values: an integer from 1 to"},
	    {"--op-time=0", "--op-time=0: accepted values: a number from 0.001 to 3600"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		wl_capture(&c, &syscall_workload, bad[i].arg, dirarg, NULL);
		ok(c.status == 2 && strstr(c.err, bad[i].needle), "%s: exit 2", bad[i].arg);
		wl_capture_free(&c);
	}
	is_int(entries(dir), 0, "nothing left behind after the rejections");
	rmdir(dir);
	return tap_done();
}
