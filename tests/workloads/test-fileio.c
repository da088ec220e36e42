/* fileio in-process: every mode writes, then reads back and checks what it wrote; exact event
 * accounting of sysbench's periodic fsync bursts; corruption is caught; bad input is refused;
 * nothing is left in the directory afterwards. Each run goes through wl_main with --json, its
 * stdout parsed back with jansson. */
#include "harness/harness.h"
#include "tap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern const struct wl_workload fileio_workload;

#define BLOCK   16384
#define NFILES  4
#define FILE_SZ (1024 * 1024)

struct run {
	int status;
	json_t *json; /* NULL unless stdout held one JSON object */
	char err[4096];
};

static char dir[64];
static char dir_opt[96];

static void slurp(int fd, char *buf, size_t len)
{
	ssize_t n;
	size_t got = 0;

	lseek(fd, 0, SEEK_SET);
	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
}

/* Runs fileio with --dir=<dir> --json and the NULL-terminated options; catches its stdout and
 * stderr. */
static void run_fileio(struct run *r, ...)
{
	char *argv[64];
	int argc = 0, saved_out, saved_err, out, errfd;
	static char outbuf[1 << 16];
	json_error_t jerr;
	va_list ap;
	const char *a;

	argv[argc++] = "fileio";
	argv[argc++] = dir_opt;
	argv[argc++] = "--json";
	va_start(ap, r);
	while ((a = va_arg(ap, const char *)) != NULL && argc < 63)
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;

	fflush(stdout);
	fflush(stderr);
	out = fileno(tmpfile());
	errfd = fileno(tmpfile());
	saved_out = dup(1);
	saved_err = dup(2);
	dup2(out, 1);
	dup2(errfd, 2);
	r->status = wl_main(&fileio_workload, argc, argv, 0);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	slurp(out, outbuf, sizeof(outbuf));
	slurp(errfd, r->err, sizeof(r->err));
	r->json = outbuf[0] ? json_loads(outbuf, 0, &jerr) : NULL;
	if (r->status != 0)
		diag("fileio exited %d: %s", r->status, r->err);
}

static long long jint(const struct run *r, const char *key)
{
	json_t *v = r->json ? json_object_get(r->json, key) : NULL;

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

static double jnum(const struct run *r, const char *key)
{
	json_t *v = r->json ? json_object_get(r->json, key) : NULL;

	return json_is_number(v) ? json_number_value(v) : -1.0;
}

static void done_run(struct run *r)
{
	json_decref(r->json);
	r->json = NULL;
}

static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* FNV-1a over every test file: tells whether a run changed the content. */
static uint64_t files_hash(int nfiles)
{
	uint64_t h = 1469598103934665603ull;
	unsigned char buf[65536];
	char path[128];

	for (int i = 0; i < nfiles; i++) {
		ssize_t n;
		int fd;

		snprintf(path, sizeof(path), "%s/test_file.%d", dir, i);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return 0;
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			for (ssize_t k = 0; k < n; k++)
				h = (h ^ buf[k]) * 1099511628211ull;
		close(fd);
	}
	return h;
}

static int poke(int file, off_t off, const void *data, size_t len)
{
	char path[128];
	int fd, ok_;

	snprintf(path, sizeof(path), "%s/test_file.%d", dir, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ok_ = pwrite(fd, data, len, off) == (ssize_t)len;
	close(fd);
	return ok_ ? 0 : -1;
}

static int peek(int file, off_t off, void *data, size_t len)
{
	char path[128];
	int fd, ok_;

	snprintf(path, sizeof(path), "%s/test_file.%d", dir, file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ok_ = pread(fd, data, len, off) == (ssize_t)len;
	close(fd);
	return ok_ ? 0 : -1;
}

/* Reads every block of the NFILES x FILE_SZ set back with validation. */
static void verify_all(const char *what, const char *bs, long long events)
{
	struct run r;
	char ev[32];

	snprintf(ev, sizeof(ev), "--events=%lld", events);
	run_fileio(&r, "--phase=run", "--file-test-mode=seqrd", "--validate=on", "--file-num=4",
	           "--file-total-size=4M", bs, ev, "--time=0", NULL);
	is_int(r.status, 0, "%s: every block reads back valid", what);
	done_run(&r);
}

static const char *const modes[] = {"seqwr", "seqrewr", "seqrd", "rndrd", "rndwr", "rndrw"};

static void test_mode(const char *mode)
{
	bool writes = strcmp(mode, "seqrd") != 0 && strcmp(mode, "rndrd") != 0;
	char mode_opt[64];
	uint64_t before, after;
	struct run r;

	snprintf(mode_opt, sizeof(mode_opt), "--file-test-mode=%s", mode);
	run_fileio(&r, "--phase=prepare", "--file-test-mode=seqrd", "--validate=on", "--file-num=4",
	           "--file-total-size=4M", NULL);
	is_int(r.status, 0, "%s: prepare", mode);
	is_int(jint(&r, "prepare_bytes"), NFILES * FILE_SZ, "%s: prepare wrote the whole set",
	       mode);
	ok(jnum(&r, "prepare_s") > 0, "%s: prepare_s is reported", mode);
	done_run(&r);
	before = files_hash(NFILES);

	/* 1000 events over 256 blocks: sequential modes wrap round the set about three times. */
	run_fileio(&r, "--phase=run", mode_opt, "--validate=on", "--file-num=4",
	           "--file-total-size=4M", "--file-fsync-freq=7", "--events=1000", "--time=0",
	           NULL);
	is_int(r.status, 0, "%s: run with --validate=on", mode);
	is_int(jint(&r, "events"), 1000, "%s: 1000 events", mode);
	is_int(jint(&r, "bytes_read"), jint(&r, "reads") * BLOCK, "%s: bytes read = reads x block",
	       mode);
	is_int(jint(&r, "bytes_written"), jint(&r, "writes") * BLOCK,
	       "%s: bytes written = writes x block", mode);
	if (!writes) {
		is_int(jint(&r, "reads"), 1000, "%s: every event a read", mode);
		is_int(jint(&r, "fsyncs"), 0, "%s: read-only modes never fsync", mode);
	} else if (strcmp(mode, "rndrw") != 0) {
		/* Periodic fsync (freq 7, 4 files): 7 writes, then a burst of 4 fsync events.
		 * 1000 = 90 x 11 + 10 -> 90 x 7 + 7 = 637 writes and 90 x 4 + 3 = 363 periodic
		 * fsyncs, plus 4 at the end (not events). */
		is_int(jint(&r, "writes"), 637, "%s: writes between fsync bursts", mode);
		is_int(jint(&r, "fsyncs"), 363 + NFILES, "%s: fsync bursts touch every file", mode);
	} else {
		double ratio = (double)jint(&r, "reads") / (double)jint(&r, "writes");
		ok(ratio > 1.45 && ratio < 1.55, "rndrw: reads/writes %.3f near --file-rw-ratio",
		   ratio);
		is_int(jint(&r, "reads") + jint(&r, "writes") + jint(&r, "fsyncs") - NFILES, 1000,
		       "rndrw: events are reads, writes and periodic fsyncs");
	}
	ok(jnum(&r, "reads_per_sec") >= 0 && jnum(&r, "written_mib_per_sec") >= 0,
	   "%s: rates present", mode);
	done_run(&r);

	after = files_hash(NFILES);
	if (writes)
		ok(after != before, "%s: content changed", mode);
	else
		ok(after == before, "%s: content unchanged", mode);
	verify_all(mode, "--file-block-size=16K", 256);

	run_fileio(&r, "--phase=cleanup", "--file-num=4", "--file-total-size=4M", NULL);
	is_int(r.status, 0, "%s: cleanup", mode);
	done_run(&r);
	is_int(count_entries(dir), 0, "%s: no files left", mode);
}

static void test_corruption(void)
{
	unsigned char b = 0, blk[BLOCK];
	struct run r;

	run_fileio(&r, "--phase=prepare", "--file-test-mode=rndrd", "--validate=on", "--file-num=4",
	           "--file-total-size=4M", NULL);
	is_int(r.status, 0, "corruption: prepare");
	done_run(&r);

	/* One flipped byte in the payload of file 2, block 5. */
	ok(peek(2, 5 * BLOCK + 100, &b, 1) == 0, "read a byte of test_file.2");
	b ^= 0x40;
	ok(poke(2, 5 * BLOCK + 100, &b, 1) == 0, "flip it");
	run_fileio(&r, "--phase=run", "--file-test-mode=seqrd", "--validate=on", "--file-num=4",
	           "--file-total-size=4M", "--events=256", "--time=0", NULL);
	is_int(r.status, 1, "a flipped byte fails validation with exit 1");
	ok(strstr(r.err, "test_file.2") && strstr(r.err, "offset 81920"),
	   "the message names the file and the block: %s", r.err);
	ok(r.json == NULL, "no JSON result after a failure");
	done_run(&r);
	b ^= 0x40;
	poke(2, 5 * BLOCK + 100, &b, 1);
	verify_all("corruption: restored byte", "--file-block-size=16K", 256);

	/* A block in the wrong place: file 1's block 3 copied over its block 4. */
	ok(peek(1, 3 * BLOCK, blk, BLOCK) == 0 && poke(1, 4 * BLOCK, blk, BLOCK) == 0,
	   "copy a block over its neighbour");
	run_fileio(&r, "--phase=run", "--file-test-mode=seqrd", "--validate=on", "--file-num=4",
	           "--file-total-size=4M", "--events=256", "--time=0", NULL);
	is_int(r.status, 1, "a misplaced block fails validation");
	ok(strstr(r.err, "holds the block of test_file.1 at offset 49152") != NULL,
	   "the message tells where the block belongs: %s", r.err);
	done_run(&r);

	run_fileio(&r, "--phase=cleanup", "--file-num=4", "--file-total-size=4M", NULL);
	done_run(&r);

	/* Files prepared without --validate hold zeros: validation must not pass them. */
	run_fileio(&r, "--file-test-mode=rndrd", "--validate=on", "--file-num=4",
	           "--file-total-size=4M", "--events=10", "--time=0", NULL);
	is_int(r.status, 0, "phase all with --validate prepares checkable content");
	done_run(&r);
	run_fileio(&r, "--phase=prepare", "--file-test-mode=rndrd", "--file-num=4",
	           "--file-total-size=4M", NULL);
	done_run(&r);
	run_fileio(&r, "--phase=run", "--file-test-mode=rndrd", "--validate=on", "--file-num=4",
	           "--file-total-size=4M", "--events=10", "--time=0", NULL);
	is_int(r.status, 1, "zero-filled files fail validation");
	ok(strstr(r.err, "no block trailer") != NULL, "and say why: %s", r.err);
	done_run(&r);
	run_fileio(&r, "--phase=cleanup", "--file-num=4", "--file-total-size=4M", NULL);
	done_run(&r);
	is_int(count_entries(dir), 0, "corruption: no files left");
}

/* Merged sequential requests and odd file sizes keep the block layout readable by any mode. */
static void test_layouts(void)
{
	struct run r;

	run_fileio(&r, "--phase=prepare", "--file-test-mode=seqwr", "--file-num=4",
	           "--file-total-size=4M", NULL);
	done_run(&r);
	run_fileio(&r, "--phase=run", "--file-test-mode=seqwr", "--file-merged-requests=4",
	           "--validate=on", "--file-num=4", "--file-total-size=4M", "--events=100",
	           "--time=0", "--file-fsync-freq=0", NULL);
	is_int(r.status, 0, "seqwr with --file-merged-requests=4");
	is_int(jint(&r, "bytes_written"), 100LL * 4 * BLOCK, "merged requests are 4 blocks");
	done_run(&r);
	run_fileio(&r, "--phase=run", "--file-test-mode=rndrd", "--validate=on", "--file-num=4",
	           "--file-total-size=4M", "--events=2000", "--time=0", NULL);
	is_int(r.status, 0, "random single blocks validate after merged writes");
	done_run(&r);
	run_fileio(&r, "--phase=cleanup", "--file-num=4", "--file-total-size=4M", NULL);
	done_run(&r);

	/* 4 files of 100000 bytes: a 1696-byte tail block; rndwr then a full read-back. */
	run_fileio(&r, "--phase=prepare", "--file-test-mode=rndwr", "--validate=on", "--file-num=4",
	           "--file-total-size=400000", NULL);
	is_int(r.status, 0, "prepare files with a short tail block");
	done_run(&r);
	run_fileio(&r, "--phase=run", "--file-test-mode=rndwr", "--validate=on", "--file-num=4",
	           "--file-total-size=400000", "--events=500", "--time=0", NULL);
	is_int(r.status, 0, "rndwr with short tail blocks");
	ok(jint(&r, "bytes_written") < jint(&r, "writes") * BLOCK || jint(&r, "writes") < 20,
	   "some writes were the short tail");
	done_run(&r);
	run_fileio(&r, "--phase=run", "--file-test-mode=seqrd", "--validate=on", "--file-num=4",
	           "--file-total-size=400000", "--events=28", "--time=0", NULL);
	is_int(r.status, 0, "every block incl. tails reads back valid");
	is_int(jint(&r, "bytes_read"), 400000, "28 sequential reads cover the set exactly");
	done_run(&r);
	run_fileio(&r, "--phase=cleanup", "--file-num=4", "--file-total-size=400000", NULL);
	done_run(&r);

	/* Tails shorter than the block trailer (4100 = 4096 + 4). */
	run_fileio(&r, "--file-test-mode=rndrw", "--validate=on", "--file-num=3",
	           "--file-total-size=12300", "--file-block-size=4K", "--events=300", "--time=0",
	           NULL);
	is_int(r.status, 0, "rndrw with 4-byte tail blocks validates");
	done_run(&r);
	is_int(count_entries(dir), 0, "layouts: no files left");
}

static bool direct_supported(void)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/.direct-probe", dir);
	fd = open(path, O_CREAT | O_RDWR | O_DIRECT, 0600);
	if (fd >= 0) {
		close(fd);
		unlink(path);
		return true;
	}
	diag("O_DIRECT refused in %s: %s", dir, strerror(errno));
	unlink(path);
	return false;
}

static void test_flags(void)
{
	static const char *const combos[] = {"sync",   "dsync",       "sync,dsync",
	                                     "direct", "sync,direct", "sync,dsync,direct"};
	bool direct = direct_supported();
	char opt[64];
	struct run r;

	for (size_t i = 0; i < sizeof(combos) / sizeof(combos[0]); i++) {
		if (strstr(combos[i], "direct") && !direct) {
			skip("O_DIRECT is refused by this filesystem");
			skip("O_DIRECT is refused by this filesystem");
			continue;
		}
		snprintf(opt, sizeof(opt), "--file-extra-flags=%s", combos[i]);
		run_fileio(&r, "--phase=prepare", "--file-test-mode=rndrw", "--validate=on", opt,
		           "--file-num=4", "--file-total-size=4M", NULL);
		done_run(&r);
		run_fileio(&r, "--phase=run", "--file-test-mode=rndrw", "--validate=on", opt,
		           "--file-num=4", "--file-total-size=4M", "--events=200", "--time=0",
		           NULL);
		is_int(r.status, 0, "rndrw with --file-extra-flags=%s", combos[i]);
		done_run(&r);
		verify_all(combos[i], "--file-block-size=16K", 256);
		run_fileio(&r, "--phase=cleanup", "--file-num=4", "--file-total-size=4M", NULL);
		done_run(&r);
	}

	run_fileio(&r, "--file-test-mode=rndwr", "--file-fsync-all=on", "--file-num=4",
	           "--file-total-size=4M", "--events=100", "--time=0", NULL);
	is_int(r.status, 0, "--file-fsync-all");
	ok(jint(&r, "writes") == 100 && jint(&r, "fsyncs") == 100,
	   "one fsync per write, none periodic or at the end (%lld writes, %lld fsyncs)",
	   jint(&r, "writes"), jint(&r, "fsyncs"));
	done_run(&r);
	run_fileio(&r, "--file-test-mode=seqrewr", "--file-fsync-mode=fdatasync",
	           "--file-fsync-end=off", "--file-num=4", "--file-total-size=4M",
	           "--file-fsync-freq=10", "--events=28", "--time=0", NULL);
	is_int(r.status, 0, "--file-fsync-mode=fdatasync");
	/* 10 writes + 4 syncs, twice: 20 writes, 8 syncs, no final ones. */
	ok(jint(&r, "writes") == 20 && jint(&r, "fsyncs") == 8,
	   "fdatasync bursts, --file-fsync-end=off (%lld writes, %lld fsyncs)", jint(&r, "writes"),
	   jint(&r, "fsyncs"));
	done_run(&r);
	run_fileio(&r, "--file-test-mode=rndrw", "--validate=on", "--threads=2", "--file-num=4",
	           "--file-total-size=4M", "--events=3000", "--time=0", "--phase=prepare", NULL);
	done_run(&r);
	run_fileio(&r, "--file-test-mode=rndrw", "--validate=on", "--threads=2", "--file-num=4",
	           "--file-total-size=4M", "--events=3000", "--time=0", "--phase=run", NULL);
	is_int(r.status, 0, "rndrw --threads=2 --validate=on");
	is_int(jint(&r, "events"), 3000, "two threads share --events");
	done_run(&r);
	verify_all("two threads", "--file-block-size=16K", 256);
	run_fileio(&r, "--phase=cleanup", "--file-num=4", "--file-total-size=4M", NULL);
	done_run(&r);
	is_int(count_entries(dir), 0, "flags: no files left");
}

static void expect_usage(const char *what, const char *needle, ...)
{
	const char *a[8] = {0};
	struct run r;
	va_list ap;
	int n = 0;

	va_start(ap, needle);
	while (n < 7 && (a[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	run_fileio(&r, a[0], a[1], a[2], a[3], a[4], a[5], a[6], NULL);
	is_int(r.status, 2, "%s: usage error, exit 2", what);
	ok(strstr(r.err, needle) != NULL, "%s: message names %s: %s", what, needle, r.err);
	done_run(&r);
}

static void test_errors(void)
{
	char missing[128];
	struct run r;

	expect_usage("no test mode", "--file-test-mode", "--file-num=4", NULL);
	expect_usage("bad test mode", "rndrd", "--file-test-mode=random", NULL);
	expect_usage("async I/O", "--file-io-mode", "--file-test-mode=rndrd",
	             "--file-io-mode=async", NULL);
	expect_usage("bad extra flag", "--file-extra-flags", "--file-test-mode=rndrd",
	             "--file-extra-flags=sync,fast", NULL);
	expect_usage("files of zero bytes", "--file-total-size", "--file-test-mode=rndrd",
	             "--file-num=8", "--file-total-size=4", NULL);
	expect_usage("unaligned direct", "--file-extra-flags=direct", "--file-test-mode=rndrd",
	             "--file-extra-flags=direct", "--file-block-size=1000", NULL);
	expect_usage("validating threads without a block each", "--threads=2",
	             "--file-test-mode=rndwr", "--validate=on", "--threads=2", "--file-num=1",
	             "--file-total-size=16K", NULL);
	expect_usage("bad phase", "--phase", "--file-test-mode=rndrd", "--phase=later", NULL);
	is_int(count_entries(dir), 0, "usage errors create nothing");

	run_fileio(&r, "--phase=run", "--file-test-mode=rndrd", "--file-num=4",
	           "--file-total-size=4M", NULL);
	is_int(r.status, 1, "run without prepare: exit 1");
	ok(strstr(r.err, "test_file.0") && strstr(r.err, "No such file or directory"),
	   "names the file and the errno text: %s", r.err);
	done_run(&r);

	/* A later --dir wins over the one run_fileio puts first. */
	snprintf(missing, sizeof(missing), "--dir=%s/nowhere", dir);
	run_fileio(&r, missing, "--file-test-mode=rndrd", NULL);
	is_int(r.status, 1, "missing --dir: exit 1");
	ok(strstr(r.err, "nowhere") && strstr(r.err, "No such file or directory"),
	   "names the directory and the errno text: %s", r.err);
	done_run(&r);
	is_int(count_entries(dir), 0, "errors: no files left");
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/assay-fileio-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		printf("# mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(dir_opt, sizeof(dir_opt), "--dir=%s", dir);

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		test_mode(modes[i]);
	test_corruption();
	test_layouts();
	test_flags();
	test_errors();

	ok(rmdir(dir) == 0, "the test directory is empty at the end");
	return tap_done();
}
