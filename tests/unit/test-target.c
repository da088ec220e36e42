/* The targets' shared helpers: names, child processes (exit status, timeout, stop signal, exec
 * failure), workload output parsing, run records, the observer's NULL-safe calls. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/proc.h"
#include "run/run.h"
#include "tap.h"
#include "lib/fs.h"
#include "targets/target.h"
#include "lib/util.h"

static char dir[] = "/tmp/assay-test-target.XXXXXX";

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static char *path_in(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void test_names(void)
{
	struct target_config cfg = {.run_dir = dir, .run_id = "t1"};
	struct target *t = NULL;
	assay_error_t err = NULL;

	ok(target_name_valid("native"), "native is a target");
	ok(target_name_valid("oci/runc"), "oci/runc is a target");
	ok(target_name_valid("cri/containerd/runsc"), "cri/containerd/runsc is a target");
	ok(!target_name_valid("oci/"), "oci/ is not");
	ok(!target_name_valid("cri/containerd"), "cri/containerd is not");
	ok(!target_name_valid("cri/containerd/a/b"), "cri/containerd/a/b is not");
	ok(!target_name_valid("oci/a b"), "oci/a b is not");
	ok(!target_name_valid("docker"), "docker is not");

	is_int(target_new("bogus", &cfg, &t, &err), -1, "target_new rejects bogus");
	is_int(err ? err->exit_code : 0, 2, "as a usage error");
	ok(err && strstr(err->msg, "bogus"), "naming it: %s", err ? err->msg : "");
	assay_error_release(&err);

	is_int(target_new("cri/containerd/runsc", &cfg, &t, &err), 0, "target_new cri/...");
	is_str(t->runtime, "runsc", "runtime parsed");
	is_str(t->daemon, "containerd", "daemon parsed");
	ok(t->ops == &target_cri_ops, "CRI ops");
	ok(strchr(t->dir + strlen(dir) + 1, '/') == NULL, "its directory is one level: %s", t->dir);
	target_free(t);
}

static void test_output(void)
{
	cleanup_free char *p = path_in("out");
	cleanup_free char *why = NULL;
	json_t *j;

	write_file(p, "text summary\n{\"a\": 1}\n{not json\n  {\"b\": 2}\n\n");
	j = target_parse_output(p, &why);
	ok(j && json_integer_value(json_object_get(j, "b")) == 2, "last JSON object line wins");
	json_decref(j);

	write_file(p, "no json here\n[1,2]\n");
	j = target_parse_output(p, &why);
	ok(j == NULL && why && strstr(why, "no JSON"), "no object: NULL and why (%s)",
	   why ? why : "");
	free(steal_pointer(&why));

	write_file(p, "first\nsecond line  \n\n");
	{
		cleanup_free char *last = target_last_line(p);

		is_str(last, "second line", "last non-empty line, trimmed");
	}
	unlink(p);
	j = target_parse_output(p, &why);
	ok(j == NULL && why && strstr(why, "cannot read"), "missing file: why says so");
}

static void test_spawn(void)
{
	cleanup_free char *out = path_in("spawn.out");
	cleanup_free char *errf = path_in("spawn.err");
	char *echo_argv[] = {"sh", "-c", "echo hello; echo oops >&2; exit 3", NULL};
	char *sleep_argv[] = {"sleep", "10", NULL};
	char *missing_argv[] = {"/nonexistent/assay-no-such-binary", NULL};
	struct target_spawn sp = {.argv = echo_argv, .out = out, .errf = errf};
	assay_error_t err = NULL;
	uint64_t t0;
	int status = -1;

	is_int(target_spawn_wait(&sp, &status, &err), 0, "a child that exits");
	is_int(status, 3, "its exit status");
	{
		cleanup_free char *last = target_last_line(out);
		cleanup_free char *elast = target_last_line(errf);

		is_str(last, "hello", "stdout captured");
		is_str(elast, "oops", "stderr captured");
	}

	sp.argv = sleep_argv;
	sp.timeout_ns = 100000000;
	t0 = assay_now_ns(CLOCK_MONOTONIC);
	is_int(target_spawn_wait(&sp, &status, &err), 1, "timeout");
	is_int(status, 128 + SIGKILL, "killed");
	ok(assay_now_ns(CLOCK_MONOTONIC) - t0 < 2000000000ull, "within the timeout, not 10 s");

	sp.argv = missing_argv;
	sp.timeout_ns = 0;
	is_int(target_spawn_wait(&sp, &status, &err), -1, "exec failure is an error");
	ok(err && err->status == ENOENT, "with errno ENOENT");
	assay_error_release(&err);

	/* a stop signal ends the wait at once and kills the child */
	is_int(signals_install(&err), 0, "signals installed");
	is_int(signals_pending(), 0, "nothing pending");
	sp.argv = sleep_argv;
	kill(getpid(), SIGTERM);
	is_int(signals_pending(), SIGTERM, "SIGTERM is pending, the process lives");
	t0 = assay_now_ns(CLOCK_MONOTONIC);
	is_int(target_spawn_wait(&sp, &status, &err), 2, "interrupted");
	ok(assay_now_ns(CLOCK_MONOTONIC) - t0 < 2000000000ull, "at once");
	is_int(signals_sleep(5000000000ull), 1, "signals_sleep returns at once too");
	signals_restore();

	{
		char *fail_argv[] = {"sh", "-c", "echo first >&2; echo the reason >&2; exit 4",
		                     NULL};
		cleanup_free char *why = NULL;

		is_int(proc_command(fail_argv, PROC_HELPER_TIMEOUT_NS, NULL, &why, &err), 4,
		       "target_command: exit status");
		is_str(why, "the reason", "and stderr's last line");
	}
	{
		char *argv[] = {"sh", "-c", "echo out-text", NULL};
		cleanup_free char *text = NULL;

		is_int(proc_command(argv, PROC_HELPER_TIMEOUT_NS, &text, NULL, &err), 0,
		       "target_command_output");
		is_str(text, "out-text\n", "captures stdout");
	}
	{
		cleanup_free char *v = proc_tool_version("assay-no-such-tool");

		is_str(v, "not installed", "version of a missing tool");
	}
}

static void test_finish(void)
{
	cleanup_free char *out = path_in("fin.out");
	cleanup_free char *errf = path_in("fin.err");
	struct target_result res = {0};

	write_file(out, "{\"events\": 5}\n");
	write_file(errf, "");
	target_finish(&res, 0, 0, out, errf, 0);
	ok(res.failure == NULL && res.output, "exit 0 with JSON: success");
	target_result_release(&res);

	write_file(errf, "cpu: --bad: unknown option\n");
	target_finish(&res, 0, 2, out, errf, 0);
	is_str(res.failure, "exited with status 2: cpu: --bad: unknown option",
	       "failure names stderr");
	target_result_release(&res);

	target_finish(&res, 1, 137, out, errf, 1500000000);
	is_str(res.failure, "timed out after 1.5 s", "timeout");
	ok(res.timed_out, "flagged");
	target_result_release(&res);

	write_file(out, "plain text\n");
	target_finish(&res, 0, 0, out, errf, 0);
	ok(res.failure && strstr(res.failure, "no JSON"), "exit 0 without JSON fails");
	target_result_release(&res);
}

struct counts {
	int begin, pb, pe, proc, cg, end;
	pid_t pid;
};

static int c_begin(void *ctx, const struct observer_run *i)
{
	(void)i;
	((struct counts *)ctx)->begin++;
	return 0;
}
static int c_pb(void *ctx, const char *p)
{
	(void)p;
	((struct counts *)ctx)->pb++;
	return 0;
}
static int c_pe(void *ctx, const char *p, json_t *rec)
{
	(void)p;
	((struct counts *)ctx)->pe++;
	json_object_set_new(rec, "seen", json_true());
	return -1;
}
static void c_proc(void *ctx, const char *role, pid_t pid)
{
	(void)role;
	((struct counts *)ctx)->proc++;
	((struct counts *)ctx)->pid = pid;
}

static void test_observer(void)
{
	struct counts c = {0};
	struct observer o = {.ctx = &c,
	                     .run_begin = c_begin,
	                     .phase_begin = c_pb,
	                     .phase_end = c_pe,
	                     .process = c_proc};
	struct target_result res = {0};
	struct observer_run info = {.target = "native"};
	char *argv[] = {"true", NULL};
	struct target_spawn sp = {.argv = argv, .obs = &o, .role = "workload"};
	assay_error_t err = NULL;
	uint64_t t0;
	int status;

	is_int(observer_run_begin(NULL, &info), 0, "NULL observer: fine");
	observer_process(NULL, "workload", 1);
	is_int(observer_run_end(&o, NULL), 0, "missing callback: 0");
	is_int(observer_run_begin(&o, &info), 0, "run_begin called");
	target_phase_begin(&o, "run", &t0);
	target_spawn_wait(&sp, &status, &err);
	target_phase_end(&o, "run", t0, &res);
	ok(c.begin == 1 && c.pb == 1 && c.pe == 1, "each callback once");
	ok(c.proc == 1 && c.pid > 0, "the child's pid reported (%d)", (int)c.pid);
	is_int(json_array_size(res.phases), 1, "one phase recorded");
	{
		json_t *ph = json_array_get(res.phases, 0);

		is_str(json_string_value(json_object_get(ph, "name")), "run", "named");
		ok(json_integer_value(json_object_get(ph, "ns")) > 0, "timed");
		ok(json_is_true(json_object_get(ph, "seen")), "observer's key kept");
		ok(json_is_true(json_object_get(ph, "observer_error")), "observer error flagged");
	}
	target_result_release(&res);
}

static void test_find_process(void)
{
	cleanup_free char *marker = xasprintf("assay-marker-%d", (int)getpid());
	pid_t child = fork();
	int st;

	if (child == 0) {
		execlp("sleep", marker, "30", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100 && proc_find(marker, NULL) == 0; i++)
		usleep(10000);
	is_int(proc_find(marker, " 30"), child, "finds a process by its command line");
	is_int(proc_find(marker, " 31"), 0, "both strings must be there");
	kill(child, SIGKILL);
	waitpid(child, &st, 0);
	is_int(proc_find(marker, NULL), 0, "gone once it exits");
}

int main(void)
{
	assay_error_t err = NULL;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_names();
	test_output();
	test_spawn();
	test_finish();
	test_observer();
	test_find_process();
	{
		cleanup_free char *sub = path_in("a/b");
		cleanup_free char *a = path_in("a");
		cleanup_free char *f = path_in("a/b/file");

		mkdir(a, 0700);
		mkdir(sub, 0700);
		write_file(f, "x");
	}
	is_int(fs_remove_tree(dir, &err), 0, "remove_tree");
	ok(access(dir, F_OK) < 0, "the tree is gone");
	return tap_done();
}
