/* The runsc adapter's command-line and bundle rewriting (src/adapter/runsc-adapter.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "adapter/runsc-adapter.h"
#include "adapter/runsc-pod.h"
#include "tap.h"
#include "lib/fs.h"
#include "lib/util.h"

static char *join(char **v)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; v[i]; i++)
		len += strlen(v[i]) + 1;
	s = xcalloc(1, len);
	for (size_t i = 0; v[i]; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, v[i]);
	}
	return s;
}

static void test_argv(void)
{
	char *create[] = {
	    "assay-runsc", "--root", "/run/x/runc/k8s.io", "--log", "/b/log.json", "--log-format",
	    "json",        "create", "--bundle",           "/b",    "--pid-file",  "/b/init.pid",
	    "abc123",      NULL};
	char *kill[] = {"assay-runsc", "--root=/r", "--log", "/l", "kill",
	                "--all",       "abc123",    "9",     NULL};
	char *netflag[] = {"assay-runsc", "--network", "host", "state", "x", NULL};
	char *bad[] = {"assay-runsc", "--root", NULL};
	char *none[] = {"assay-runsc", "--version", NULL};
	char extra_s[] = " --platform=ptrace   --debug ";
	char **extra = adapter_split_flags(extra_s);
	struct adapter_cmd cmd;
	char errbuf[256];
	char **v;
	cleanup_free char *s1 = NULL, *s2 = NULL, *s3 = NULL, *s4 = NULL, *s5 = NULL;

	ok(extra[0] && !strcmp(extra[0], "--platform=ptrace") && extra[1] &&
	       !strcmp(extra[1], "--debug") && extra[2] == NULL,
	   "extra flags split on blanks");

	is_int(adapter_parse(13, create, &cmd, errbuf, sizeof(errbuf)), 0, "create parses");
	is_str(cmd.command, "create", "command found after value flags");
	is_int(cmd.cmd_index, 7, "command index");
	is_str(cmd.id, "abc123", "id skips --bundle and --pid-file values");
	is_str(cmd.bundle, "/b", "bundle");
	v = adapter_runsc_argv(&cmd, "/usr/bin/runsc", extra);
	s1 = join(v);
	is_str(s1,
	       "/usr/bin/runsc --root /run/x/runc/k8s.io --log /b/log.json --log-format json "
	       "--network=none --platform=ptrace --debug create --bundle /b --pid-file /b/init.pid "
	       "abc123",
	       "runsc argv: globals, --network=none, extra flags, then the command");
	free(v);

	is_int(adapter_parse(8, kill, &cmd, errbuf, sizeof(errbuf)), 0, "kill parses");
	is_str(cmd.command, "kill", "kill command with --root=value");
	is_str(cmd.id, "abc123", "kill id after --all");
	ok(cmd.bundle == NULL, "no bundle for kill");
	v = adapter_runsc_argv(&cmd, "runsc", NULL);
	s2 = join(v);
	is_str(s2, "runsc --root=/r --log /l --network=none kill --all abc123 9", "kill argv");
	free(v);
	v = adapter_sub_argv(&cmd, "runsc", NULL, "state");
	s3 = join(v);
	is_str(s3, "runsc --root=/r --log /l --network=none state abc123",
	       "state argv for fallback");
	free(v);

	is_int(adapter_parse(5, netflag, &cmd, errbuf, sizeof(errbuf)), 0, "--network given");
	v = adapter_runsc_argv(&cmd, "runsc", NULL);
	s4 = join(v);
	is_str(s4, "runsc --network host state x", "an explicit --network is kept, not doubled");
	free(v);

	ok(adapter_parse(2, bad, &cmd, errbuf, sizeof(errbuf)) < 0, "dangling --root refused");
	ok(strstr(errbuf, "--root") != NULL, "message names the flag (%s)", errbuf);

	is_int(adapter_parse(2, none, &cmd, errbuf, sizeof(errbuf)), 0, "no command parses");
	ok(cmd.command == NULL && cmd.cmd_index == 0, "no command found");
	v = adapter_runsc_argv(&cmd, "runsc", NULL);
	s5 = join(v);
	is_str(s5, "runsc --version --network=none", "flags only are passed on");
	free(v);
	free(extra);

	{
		char *dflt[] = {"x", "create", "id1", NULL};

		adapter_parse(3, dflt, &cmd, errbuf, sizeof(errbuf));
		is_str(cmd.bundle, ".", "create without --bundle uses the current directory");
		is_str(cmd.id, "id1", "and finds the id");
	}
}

static char dir[] = "/tmp/assay-test-cri-adapter-XXXXXX";

static int write_config(const char *text)
{
	cleanup_free char *p = xasprintf("%s/config.json", dir);
	FILE *f = fopen(p, "we");

	if (f == NULL)
		return -1;
	fputs(text, f);
	fclose(f);
	return chmod(p, 0640);
}

static json_t *read_config(void)
{
	cleanup_free char *p = xasprintf("%s/config.json", dir);

	return json_load_file(p, 0, NULL);
}

static void test_bundle(void)
{
	char errbuf[512];
	cleanup_free char *p = xasprintf("%s/config.json", dir);
	struct stat st;
	json_t *j;

	write_config("{\"ociVersion\": \"1.0.2\", \"process\": {\"args\": [\"/cpu\"]},"
	             " \"annotations\": {\"io.kubernetes.cri.container-type\": \"container\","
	             " \"io.kubernetes.cri.sandbox-id\": \"pod1\"}}");
	is_int(adapter_rewrite_bundle(dir, errbuf, sizeof(errbuf)), 1,
	       "container bundle rewritten");
	j = read_config();
	ok(j != NULL, "config.json still valid JSON");
	is_str(json_string_value(json_object_get(json_object_get(j, "annotations"),
	                                         "io.kubernetes.cri.container-type")),
	       "sandbox", "container-type is now sandbox");
	is_str(json_string_value(json_object_get(json_object_get(j, "annotations"),
	                                         "io.kubernetes.cri.sandbox-id")),
	       "pod1", "other annotations kept");
	is_str(json_string_value(
	           json_array_get(json_object_get(json_object_get(j, "process"), "args"), 0)),
	       "/cpu", "rest of the spec kept");
	json_decref(j);
	ok(stat(p, &st) == 0 && (st.st_mode & 07777) == 0640, "file mode kept");

	is_int(adapter_rewrite_bundle(dir, errbuf, sizeof(errbuf)), 0,
	       "sandbox bundle left alone (idempotent)");

	write_config("{\"ociVersion\": \"1.0.2\"}");
	is_int(adapter_rewrite_bundle(dir, errbuf, sizeof(errbuf)), 0,
	       "bundle without annotations left alone");

	write_config("{\"ociVersion\": ");
	is_int(adapter_rewrite_bundle(dir, errbuf, sizeof(errbuf)), -1, "broken config.json fails");
	ok(strstr(errbuf, "config.json") != NULL, "naming the file (%s)", errbuf);
	unlink(p);
	is_int(adapter_rewrite_bundle(dir, errbuf, sizeof(errbuf)), -1,
	       "missing config.json fails");
	ok(strstr(errbuf, strerror(ENOENT)) != NULL, "with the errno text (%s)", errbuf);
}

static void test_state(void)
{
	is_int(
	    adapter_state_stopped("{\"ociVersion\":\"1.0.0\",\"id\":\"a\",\"status\":\"stopped\","
	                          "\"pid\":0}"),
	    1, "stopped state");
	is_int(adapter_state_stopped("{\"id\":\"a\",\"status\":\"running\",\"pid\":42}"), 0,
	       "running state");
	is_int(adapter_state_stopped("not json"), -1, "garbage");
	is_int(adapter_state_stopped("{\"id\":\"a\"}"), -1, "no status");
	is_int(adapter_state_pid("{\"id\":\"a\",\"status\":\"running\",\"pid\":42}"), 42, "pid");
	is_int(adapter_state_pid("{\"id\":\"a\",\"pid\":0}"), -1, "no pid of a stopped sandbox");
}

static const char hybrid_cgroup[] = "12:cpuset:/k8s.io/abc\n"
                                    "11:memory:/k8s.io/abc\n"
                                    "4:cpu,cpuacct:/k8s.io/abc\n"
                                    "1:name=systemd:/k8s.io/abc\n"
                                    "0::/\n";

static int find(const struct adapter_write *w, int n, const char *path)
{
	for (int i = 0; i < n; i++) {
		if (strcmp(w[i].path, path) == 0)
			return i;
	}
	return -1;
}

static void test_update(void)
{
	struct adapter_write w[32];
	char errbuf[256], root[] = "/tmp/assay-test-cri-update-XXXXXX";
	cleanup_free char *cgdir = NULL, *file = NULL;
	char buf[64] = "";
	FILE *f;
	int n;

	n = adapter_update_plan("{\"cpu\": {\"quota\": 50000, \"period\": 100000, \"shares\": 512},"
	                        " \"memory\": {\"limit\": 268435456}}",
	                        hybrid_cgroup, "/sys/fs/cgroup", w, 32, errbuf, sizeof(errbuf));
	is_int(n, 4, "v1 hybrid: period, quota, shares, memory limit");
	if (n == 4) {
		int per = find(w, n, "/sys/fs/cgroup/cpu,cpuacct/k8s.io/abc/cpu.cfs_period_us");
		int quo = find(w, n, "/sys/fs/cgroup/cpu,cpuacct/k8s.io/abc/cpu.cfs_quota_us");
		int sha = find(w, n, "/sys/fs/cgroup/cpu,cpuacct/k8s.io/abc/cpu.shares");
		int mem = find(w, n, "/sys/fs/cgroup/memory/k8s.io/abc/memory.limit_in_bytes");

		ok(per >= 0 && quo >= 0 && sha >= 0 && mem >= 0,
		   "each file in its own hierarchy, under the sandbox's path");
		ok(per < quo,
		   "period written before quota (the kernel checks one against the other)");
		is_str(per >= 0 ? w[per].value : NULL, "100000", "period value");
		is_str(quo >= 0 ? w[quo].value : NULL, "50000", "quota value");
		is_str(sha >= 0 ? w[sha].value : NULL, "512", "shares value");
		is_str(mem >= 0 ? w[mem].value : NULL, "268435456", "memory value");
	}

	n = adapter_update_plan("{\"cpu\": {\"quota\": -1, \"period\": 100000, \"shares\": 1024},"
	                        " \"memory\": {\"limit\": 1048576}}",
	                        "0::/kubepods/pod1/abc\n", "/nonexistent-root", w, 32, errbuf,
	                        sizeof(errbuf));
	is_int(n, 3, "pure v2: cpu.max, cpu.weight, memory.max");
	if (n == 3) {
		is_str(w[0].path, "/nonexistent-root/kubepods/pod1/abc/cpu.max", "cpu.max path");
		is_str(w[0].value, "max 100000", "unlimited quota is max");
		is_str(w[1].value, "39", "shares 1024 → weight 39");
		is_str(w[2].path, "/nonexistent-root/kubepods/pod1/abc/memory.max", "memory.max");
	}

	n = adapter_update_plan("{}", hybrid_cgroup, "/sys/fs/cgroup", w, 32, errbuf,
	                        sizeof(errbuf));
	is_int(n, 0, "nothing to change: no writes");
	ok(adapter_update_plan("{\"cpu\": {\"quota\": 1}}", "4:cpu,cpuacct:/\n0::/\n",
	                       "/sys/fs/cgroup", w, 32, errbuf, sizeof(errbuf)) < 0,
	   "a sandbox in the root cgroups is refused");
	ok(strstr(errbuf, "no cgroup") != NULL, "saying why (%s)", errbuf);
	ok(adapter_update_plan("[1]", hybrid_cgroup, "/sys/fs/cgroup", w, 32, errbuf,
	                       sizeof(errbuf)) < 0,
	   "resources that are not an object are refused");
	n = adapter_update_plan("{\"cpu\": {\"cpus\": \"0\", \"mems\": \"0\"}}", hybrid_cgroup,
	                        "/sys/fs/cgroup", w, 32, errbuf, sizeof(errbuf));
	is_int(n, 2, "cpuset cpus and mems");

	/* adapter_apply on plain files standing in for cgroup files. */
	if (mkdtemp(root) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	cgdir = xasprintf("%s/cpu,cpuacct/k8s.io/abc", root);
	file = xasprintf("%s/cpu.cfs_quota_us", cgdir);
	{
		cleanup_free char *cmd = xasprintf(
		    "mkdir -p '%s' && : > '%s' && : > '%s/cpu.cfs_period_us'", cgdir, file, cgdir);
		ok(system(cmd) == 0, "fake cgroup tree");
	}
	n = adapter_update_plan("{\"cpu\": {\"quota\": 25000, \"period\": 50000}}",
	                        "4:cpu,cpuacct:/k8s.io/abc\n", root, w, 32, errbuf, sizeof(errbuf));
	is_int(n, 2, "plan against the fake tree");
	is_int(adapter_apply(w, (size_t)n, errbuf, sizeof(errbuf)), 0, "apply writes the files");
	f = fopen(file, "re");
	if (f) {
		if (fgets(buf, sizeof(buf), f) == NULL)
			buf[0] = '\0';
		fclose(f);
	}
	is_str(buf, "25000", "quota written");
	snprintf(w[0].path, sizeof(w[0].path), "%s/missing/cpu.shares", root);
	ok(adapter_apply(w, 1, errbuf, sizeof(errbuf)) < 0, "a missing cgroup file fails");
	ok(strstr(errbuf, "missing/cpu.shares") != NULL, "naming it (%s)", errbuf);
	{
		cleanup_free char *cmd = xasprintf("rm -rf '%s'", root);
		ok(system(cmd) == 0, "fake tree removed");
	}
}

/* The per-pod mode's pieces that need no runsc (runsc-pod.h). */
static void test_pod(void)
{
	char *create[] = {"assay-runsc", "--root=/run/x/runsc/k8s.io", "create", "--bundle",
	                  "/b",          "--pid-file=/b/init.pid",     "ctr1",   NULL};
	char errbuf[512];
	cleanup_free char *pidf = xasprintf("%s/init.pid", dir);
	cleanup_free char *text = NULL;
	char *type = NULL, *sid = NULL, *res;
	enum adapter_sandbox_mode mode = ADAPTER_PER_CONTAINER;
	struct sockaddr_un a, b;
	struct adapter_cmd cmd;
	socklen_t la, lb;
	json_t *j;

	is_int(adapter_sandbox_mode(NULL, &mode), 0, "no ASSAY_RUNSC_SANDBOX: accepted");
	is_int(mode, ADAPTER_PER_POD, "... and per pod is the default");
	ok(adapter_sandbox_mode("per-container", &mode) == 0 && mode == ADAPTER_PER_CONTAINER,
	   "per-container");
	is_int(adapter_sandbox_mode("per-node", &mode), -1, "anything else is refused");

	is_int(adapter_parse(7, create, &cmd, errbuf, sizeof(errbuf)), 0, "create parses");
	is_str(cmd.root, "/run/x/runsc/k8s.io", "--root=V is the runsc root");
	is_str(cmd.pid_file, "/b/init.pid", "--pid-file=V is the shim's pid file");
	is_str(cmd.id, "ctr1", "and the id follows");

	la = adapter_waiter_addr("/run/x/runsc/k8s.io", "ctr1", &a);
	lb = adapter_waiter_addr("/run/y/runsc/k8s.io", "ctr1", &b);
	ok(la > 0 && a.sun_path[0] == '\0' && !strncmp(a.sun_path + 1, "assay-runsc/", 12),
	   "the waiter's address is abstract (%s)", a.sun_path + 1);
	ok(lb > 0 && memcmp(a.sun_path, b.sun_path, la - offsetof(struct sockaddr_un, sun_path)),
	   "and differs between two runsc roots");
	{
		char id[200];

		memset(id, 'f', sizeof(id) - 1);
		id[sizeof(id) - 1] = '\0';
		is_int((int)adapter_waiter_addr("/r", id, &a), 0,
		       "an id too long for it is refused");
	}

	is_int(adapter_wait_status("{\"id\":\"ctr1\",\"exitStatus\":3}\n"), 3,
	       "runsc wait's exit status");
	is_int(adapter_wait_status("{\"id\":\"ctr1\",\"exitStatus\":137}"), 137,
	       "a killed container's 128+9");
	is_int(adapter_wait_status("waiting on container: not started"), -1, "no JSON: -1");
	is_int(adapter_signal_number("9"), 9, "signal 9");
	is_int(adapter_signal_number("SIGKILL"), 9, "SIGKILL");
	is_int(adapter_signal_number("TERM"), 15, "TERM");
	is_int(adapter_signal_number("nonsense"), 15, "unknown: TERM");

	write_config("{\"annotations\": {\"io.kubernetes.cri.container-type\": \"container\","
	             " \"io.kubernetes.cri.sandbox-id\": \"pod1\"}, \"linux\": {\"resources\":"
	             " {\"cpu\": {\"quota\": 20000, \"period\": 100000},"
	             " \"memory\": {\"limit\": 1048576}}}}");
	is_int(adapter_bundle_info(dir, &type, &sid, errbuf, sizeof(errbuf)), 0, "bundle info");
	ok(type && sid && !strcmp(type, "container") && !strcmp(sid, "pod1"),
	   "a sub-container of pod1 (%s of %s)", type, sid);
	free(type);
	free(sid);
	res = adapter_bundle_resources(dir, errbuf, sizeof(errbuf));
	j = res ? json_loads(res, 0, NULL) : NULL;
	ok(j && json_integer_value(json_object_get(json_object_get(j, "cpu"), "quota")) == 20000 &&
	       json_integer_value(json_object_get(json_object_get(j, "cpu"), "shares")) == 1024 &&
	       json_integer_value(json_object_get(json_object_get(j, "memory"), "limit")) ==
	           1048576,
	   "its limits for the sandbox: its own, shares 1024 where unset (%s)", res);
	json_decref(j);
	free(res);
	write_config("{\"annotations\": {}}");
	res = adapter_bundle_resources(dir, errbuf, sizeof(errbuf));
	is_str(res, "{\"cpu\":{\"shares\":1024,\"quota\":-1}}",
	       "without limits: a container cgroup's defaults");
	free(res);
	is_int(adapter_bundle_info(dir, &type, &sid, errbuf, sizeof(errbuf)), 0, "no annotations");
	ok(type == NULL && sid == NULL, "no type, no sandbox id");
	write_config("{");
	is_int(adapter_bundle_info(dir, &type, &sid, errbuf, sizeof(errbuf)), -1,
	       "a broken config.json fails");
	ok(strstr(errbuf, "config.json") != NULL, "naming the file (%s)", errbuf);

	is_int(adapter_write_pid(pidf, 4242, errbuf, sizeof(errbuf)), 0, "pid file written");
	text = fs_read(pidf, 64, NULL);
	is_str(text, "4242", "it holds the waiter's pid");
	unlink(pidf);
	ok(adapter_write_pid("/nonexistent/dir/init.pid", 1, errbuf, sizeof(errbuf)) < 0 &&
	       strstr(errbuf, "/nonexistent/dir/init.pid"),
	   "an unwritable pid file fails, naming it (%s)", errbuf);
	{
		cleanup_free char *sf = adapter_state_file("/r", "c1", "p1");

		is_str(sf, "/r/c1_sandbox:p1.state", "runsc's state file of a sub-container");
	}
}

int main(void)
{
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	test_argv();
	test_bundle();
	test_state();
	test_update();
	test_pod();
	{
		cleanup_free char *p = xasprintf("%s/config.json", dir);

		unlink(p);
	}
	rmdir(dir);
	return tap_done();
}
