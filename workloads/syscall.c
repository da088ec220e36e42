/* syscall: what one system call costs (sysbench has no such test), the figure that shows a
 * sandbox's per-syscall price. For each operation in --ops, one event is a batch of --calls
 * calls; the operation is measured for --op-time seconds and reported as ns per call.
 *   getppid        null syscall, through syscall(SYS_getppid) so no libc cache can answer
 *   clock_gettime  CLOCK_MONOTONIC through the vDSO (no kernel entry natively)
 *   open-close     open(O_RDONLY) + close of a 4 KiB file in --dir
 *   stat           stat of that file
 *   read           pread of its 4 KiB at offset 0 (page cache)
 *   mmap-munmap    4 KiB anonymous mapping, not touched, then unmapped */
#include "harness/harness.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { OP_GETPPID, OP_CLOCK, OP_OPEN, OP_STAT, OP_READ, OP_MMAP, NOPS };
static const char *const op_names[NOPS] = {"getppid", "clock_gettime", "open-close",
                                           "stat",    "read",          "mmap-munmap"};

static const struct wl_option syscall_options[] = {
    {"ops", WL_OPT_FLAGS, "getppid,clock_gettime,open-close,stat,read,mmap-munmap",
     "getppid|clock_gettime|open-close|stat|read|mmap-munmap", "operations to measure", 0, 0},
    {"calls", WL_OPT_INT, "1000", NULL, "calls per event", 1, 1e9},
    {"op-time", WL_OPT_DOUBLE, "1", NULL, "seconds of measurement per operation", 0.001, 3600},
    {"dir", WL_OPT_STRING, ".", NULL, "directory for the 4 KiB file of open/stat/read", 0, 0},
    {"time", WL_OPT_DOUBLE, "0", NULL,
     "limit for total execution time in seconds (0: none; each operation takes --op-time)", 0, 0},
    {NULL, 0, NULL, NULL, NULL, 0, 0},
};

static unsigned ops_mask;
static uint64_t calls_per_event, op_time_ns;
static char path[4096];
static bool file_created;
static int file_fd = -1;

struct syscall_thread {
	uint64_t calls[NOPS], ns[NOPS];
	char buf[4096];
};
static struct syscall_thread *per_thread;

static void syscall_done(void);

static bool needs_file(void)
{
	return ops_mask & ((1u << OP_OPEN) | (1u << OP_STAT) | (1u << OP_READ));
}

static int syscall_init(void)
{
	char block[4096];
	ssize_t n;

	ops_mask = wl_opt_choice("ops");
	if (!ops_mask)
		return wl_usage_error("--ops=: accepted values: a comma-separated list of "
		                      "getppid|clock_gettime|open-close|stat|read|mmap-munmap");
	calls_per_event = (uint64_t)wl_opt_int("calls");
	op_time_ns = (uint64_t)(wl_opt_double("op-time") * 1e9);
	file_created = false;
	file_fd = -1;
	/* Here rather than in thread_init: the report reads it after the threads are done. */
	per_thread = calloc((size_t)wl_opt_int("threads"), sizeof(*per_thread));
	if (!per_thread)
		return wl_error("allocating thread state: out of memory");
	if (!needs_file())
		return 0;
	/* done() only runs after a successful init: the failures below call it themselves. */
	snprintf(path, sizeof(path), "%s/assay-syscall.%d", wl_opt_str("dir"), (int)getpid());
	file_fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (file_fd < 0) {
		int rc = wl_error_errno("creating %s", path);
		syscall_done();
		return rc;
	}
	file_created = true;
	memset(block, 'a', sizeof(block));
	n = write(file_fd, block, sizeof(block));
	if (n != (ssize_t)sizeof(block)) {
		int rc = n < 0 ? wl_error_errno("writing %s", path)
		               : wl_error("writing %s: short write (disk full?)", path);
		syscall_done();
		return rc;
	}
	return 0;
}

static int syscall_thread_init(struct wl_thread *t)
{
	t->priv = &per_thread[t->id];
	return 0;
}

/* One batch of n calls of op; <0 on the first failing call. */
static int batch(int op, uint64_t n, char *buf)
{
	struct timespec ts;
	struct stat st;

	switch (op) {
	case OP_GETPPID:
		for (uint64_t i = 0; i < n; i++)
			syscall(SYS_getppid);
		return 0;
	case OP_CLOCK:
		for (uint64_t i = 0; i < n; i++)
			clock_gettime(CLOCK_MONOTONIC, &ts);
		return 0;
	case OP_OPEN:
		for (uint64_t i = 0; i < n; i++) {
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				return wl_error_errno("open %s", path);
			close(fd);
		}
		return 0;
	case OP_STAT:
		for (uint64_t i = 0; i < n; i++)
			if (stat(path, &st) < 0)
				return wl_error_errno("stat %s", path);
		return 0;
	case OP_READ:
		for (uint64_t i = 0; i < n; i++)
			if (pread(file_fd, buf, 4096, 0) != 4096)
				return wl_error_errno("read %s", path);
		return 0;
	case OP_MMAP:
		for (uint64_t i = 0; i < n; i++) {
			void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				return wl_error_errno("mmap of 4096 bytes");
			munmap(p, 4096);
		}
		return 0;
	}
	return wl_error("unknown operation %d", op);
}

static int op_event(struct wl_thread *t, void *arg)
{
	return batch(*(int *)arg, calls_per_event, ((struct syscall_thread *)t->priv)->buf);
}

static int syscall_run(struct wl_thread *t)
{
	struct syscall_thread *st = t->priv;
	int rc = 0;

	for (int op = 0; op < NOPS && rc == 0; op++) {
		uint64_t events = 0;

		if (!(ops_mask & (1u << op)))
			continue;
		/* One untimed batch: first-touch costs (dentry lookup, page tables) stay out. */
		if (batch(op, calls_per_event, st->buf) < 0)
			return -1;
		rc = wl_run_for(t, op_time_ns, op_event, &op, &events, &st->ns[op]);
		st->calls[op] += events * calls_per_event;
	}
	return rc < 0 ? rc : 0;
}

static void op_totals(const struct wl_result *r, int op, uint64_t *calls, uint64_t *ns)
{
	*calls = *ns = 0;
	for (int i = 0; i < r->nthreads; i++) {
		const struct syscall_thread *st = r->threads[i].priv;
		*calls += st->calls[op];
		*ns += st->ns[op];
	}
}

static void syscall_report_text(FILE *out, const struct wl_result *r)
{
	fprintf(out, "System call cost (%" PRIu64 " calls per event):\n", calls_per_event);
	fprintf(out, "    %-16s %12s %14s\n", "operation", "ns/call", "calls");
	for (int op = 0; op < NOPS; op++) {
		uint64_t calls, ns;
		if (!(ops_mask & (1u << op)))
			continue;
		op_totals(r, op, &calls, &ns);
		if (calls)
			fprintf(out, "    %-16s %12.1f %14" PRIu64 "\n", op_names[op],
			        (double)ns / calls, calls);
	}
	fprintf(out, "\n");
}

static void syscall_report_json(struct wl_json *j, const struct wl_result *r)
{
	wl_json_uint(j, "calls_per_event", calls_per_event);
	wl_json_begin_object(j, "ops");
	for (int op = 0; op < NOPS; op++) {
		uint64_t calls, ns;
		if (!(ops_mask & (1u << op)))
			continue;
		op_totals(r, op, &calls, &ns);
		wl_json_begin_object(j, op_names[op]);
		if (calls)
			wl_json_double(j, "ns_per_call", (double)ns / calls);
		else
			wl_json_null(j, "ns_per_call");
		wl_json_uint(j, "calls", calls);
		wl_json_end_object(j);
	}
	wl_json_end_object(j);
}

static void syscall_done(void)
{
	free(per_thread);
	per_thread = NULL;
	if (file_fd >= 0)
		close(file_fd);
	file_fd = -1;
	if (file_created)
		unlink(path);
	file_created = false;
}

const struct wl_workload syscall_workload = {
    .name = "syscall",
    .summary = "System calls: ns per call of getppid, clock_gettime, open+close, stat, 4 KiB "
               "read, mmap+munmap.",
    .options = syscall_options,
    .init = syscall_init,
    .thread_init = syscall_thread_init,
    .run = syscall_run,
    .report_text = syscall_report_text,
    .report_json = syscall_report_json,
    .done = syscall_done,
};

WL_MAIN(syscall_workload)
