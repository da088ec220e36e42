/* engine/<engine>/<runtime>: a container engine's own CLI — Docker (a private dockerd assay
 * starts, daemons/dockerd.h) or Podman (no daemon: private --root/--runroot/--tmpdir) — with the
 * runtime its name gives.
 *
 * Why the CLI and not Docker's HTTP API: what an engine's user pays is the CLI call (its client,
 * the API round trip, the daemon's work), and Podman has no daemon to talk to at all; one code
 * path then times both the same way.
 *
 * A run is the engine's lifecycle as the CLI exposes it, one phase each: `create` (the
 * container, from the image, no network: `--network none`), `start`, `run` (`wait`: start →
 * exit), then `logs` (untimed: the workload's JSON line) and `remove` (`rm -f`). The container's
 * cgroup parent is /assay/<name> (cgroupfs), made for the run and removed after it; Podman's
 * conmon lives in it too. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemons/dockerd.h"
#include "lib/cgroup.h"
#include "lib/fs.h"
#include "lib/json.h"
#include "lib/layout.h"
#include "lib/proc.h"
#include "lib/util.h"
#include "targets/target.h"

#define MAX_ARGS   64
#define SCRATCH_IN "/scratch"

struct engine_priv;

/* What differs between the engines: one row each. */
struct engine {
	const char *name;     /* engine/NAME/… */
	const char *cli;      /* its command line program */
	const char *daemon;   /* a daemon it needs in PATH (dockerd), or NULL */
	const char *runtimes; /* the runtimes it runs here, " name " each */
	/* brings up what the CLI talks to and sets its global arguments */
	int (*start)(struct target *t, struct engine_priv *p, assay_error_t *err);
	/* puts the image archive (oci-archive) into its store as ref */
	int (*load)(struct target *t, const char *archive, const char *ref, assay_error_t *err);
	/* create's arguments for runtime program rt (after the container's name) */
	size_t (*create_args)(const struct target *t, const char *rt, char **argv);
	/* tells the observer who runs a started container id */
	void (*watch)(const struct target *t, const char *id, const struct observer *obs);
};

struct engine_priv {
	const struct engine *e;
	char *cli;     /* the CLI's path */
	char *program; /* the runtime's program (podman's --runtime), or NULL (dockerd's own) */
	char *global[10];
	size_t n_global;
	struct dockerd *dockerd;
	char *runroot; /* podman's, short: /tmp/assay-podman-XXXXXX */
	char **refs;   /* "image", "ref" pairs */
	size_t n_refs;
	const char *current; /* the container being run, for on_stop */
};

/* CLI argv: the program, its global arguments, then what the caller appends. */
static size_t cli_argv(const struct engine_priv *p, char **argv)
{
	size_t n = 0;

	argv[n++] = p->cli;
	for (size_t i = 0; i < p->n_global; i++)
		argv[n++] = p->global[i];
	return n;
}

/* One short CLI call: out gets its stdout (may be NULL). */
static int cli_call(const struct engine_priv *p, char *const *args, char **out, assay_error_t *err)
{
	char *argv[MAX_ARGS];
	size_t n = cli_argv(p, argv);
	cleanup_free char *why = NULL;
	const char *what = args[0];
	int st;

	for (; *args && n < MAX_ARGS - 1; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	st = proc_command(argv, PROC_HELPER_TIMEOUT_NS, out, &why, err);
	if (st < 0)
		return -1;
	if (st != 0)
		return assay_error_make(err, 0, "%s %s: %s", p->e->cli, what, why ? why : "failed");
	return 0;
}

/* ---- Docker ---------------------------------------------------------------------------- */

static int docker_start(struct target *t, struct engine_priv *p, assay_error_t *err)
{
	cleanup_free char *dockerd = NULL, *runsc = NULL, *dir = xasprintf("%s/dockerd", t->dir);
	struct dockerd_opts o = {.run_dir = dir, .cli = p->cli};

	if (!proc_which("dockerd", &dockerd))
		return assay_error_make(err, ENOENT, "dockerd not in PATH");
	o.dockerd = dockerd;
	if (!strcmp(t->runtime, "runsc"))
		o.runsc = p->program;
	if (daemon_dockerd_start(&o, &p->dockerd, err) < 0)
		return -1;
	p->global[p->n_global++] = xstrdup("-H");
	p->global[p->n_global++] = xstrdup(daemon_dockerd_host(p->dockerd));
	return 0;
}

/* `docker load` of Docker 20.10 takes no OCI layout (it wants manifest.json): skopeo copies
 * the archive into the daemon instead. */
static int docker_load(struct target *t, const char *archive, const char *ref, assay_error_t *err)
{
	struct engine_priv *p = t->priv;
	cleanup_free char *src = xasprintf("oci-archive:%s", archive);
	cleanup_free char *dst = xasprintf("docker-daemon:%s", ref);
	cleanup_free char *why = NULL;
	char *argv[] = {"skopeo",
	                "copy",
	                "--quiet",
	                "--dest-daemon-host",
	                (char *)daemon_dockerd_host(p->dockerd),
	                src,
	                dst,
	                NULL};
	int st = proc_command(argv, PROC_HELPER_TIMEOUT_NS, NULL, &why, err);

	if (st < 0)
		return -1;
	if (st != 0)
		return assay_error_make(err, 0, "skopeo copy %s → dockerd: %s", archive,
		                        why ? why : "failed");
	return 0;
}

static size_t docker_create_args(const struct target *t, const char *rt, char **argv)
{
	size_t n = 0;

	(void)rt;
	/* runc is dockerd's default; runsc its --add-runtime (daemon.json) */
	argv[n++] = "--runtime";
	argv[n++] = t->runtime;
	return n;
}

static void docker_watch(const struct target *t, const char *id, const struct observer *obs)
{
	struct engine_priv *p = t->priv;
	pid_t ctrd = daemon_dockerd_containerd(p->dockerd), shim = proc_find("containerd-shim", id);

	observer_process(obs, "engine", daemon_dockerd_pid(p->dockerd));
	if (ctrd > 0)
		observer_process(obs, "cri-daemon", ctrd);
	if (shim > 0)
		observer_process(obs, "shim", shim);
}

/* ---- Podman ---------------------------------------------------------------------------- */

static int podman_start(struct target *t, struct engine_priv *p, assay_error_t *err)
{
	static const char *const dirs[] = {"root", "tmp", "net", NULL};

	for (const char *const *d = dirs; *d; d++) {
		cleanup_free char *path = xasprintf("%s/podman/%s", t->dir, *d);

		if (fs_mkdir_p(path, 0700, err) < 0)
			return -1;
	}
	p->global[p->n_global++] = xasprintf("--root=%s/podman/root", t->dir);
	/* podman wants a runroot of at most 50 characters */
	{
		char tmpl[] = "/tmp/assay-podman-XXXXXX";

		if (mkdtemp(tmpl) == NULL)
			return assay_error_make(err, errno, "mkdtemp `%s`", tmpl);
		p->runroot = xstrdup(tmpl);
	}
	p->global[p->n_global++] = xasprintf("--runroot=%s", p->runroot);
	p->global[p->n_global++] = xasprintf("--tmpdir=%s/podman/tmp", t->dir);
	/* vfs: works on any file system (the run directory may be a tmpfs); the images are small */
	p->global[p->n_global++] = xstrdup("--storage-driver=vfs");
	p->global[p->n_global++] = xstrdup("--cgroup-manager=cgroupfs");
	p->global[p->n_global++] = xstrdup("--events-backend=none");
	if (!strcmp(t->runtime, "runsc"))
		p->global[p->n_global++] = xstrdup("--runtime-flag=network=none");
	/* the runtime's state and the network backend's lock beside podman's (by default they are
	 * /run/RUNTIME and /etc/cni/net.d, the host's) */
	p->global[p->n_global++] = xasprintf("--runtime-flag=root=%s/%s", p->runroot, t->runtime);
	p->global[p->n_global++] = xasprintf("--network-config-dir=%s/podman/net", t->dir);
	return 0;
}

static int podman_load(struct target *t, const char *archive, const char *ref, assay_error_t *err)
{
	char *args[] = {"load", "--quiet", "--input", (char *)archive, NULL};

	(void)ref;
	return cli_call(t->priv, args, NULL, err);
}

static size_t podman_create_args(const struct target *t, const char *rt, char **argv)
{
	size_t n = 0;

	(void)t;
	argv[n++] = "--runtime";
	argv[n++] = (char *)rt;
	/* podman's defaults (nofile 1048576, nproc its own) exceed what this host lets root set
	 * without CAP_SYS_RESOURCE: the OCI targets' 1024 */
	argv[n++] = "--ulimit=nofile=1024:1024";
	argv[n++] = "--ulimit=nproc=1024:1024";
	return n;
}

static void podman_watch(const struct target *t, const char *id, const struct observer *obs)
{
	pid_t mon = proc_find("conmon", id);

	(void)t;
	if (mon > 0)
		observer_process(obs, "shim", mon);
}

static const struct engine engines[] = {
    {"docker", "docker", "dockerd", " runc runsc ", docker_start, docker_load, docker_create_args,
     docker_watch},
    {"podman", "podman", NULL, " crun runc runsc ", podman_start, podman_load, podman_create_args,
     podman_watch},
};

static const struct engine *engine_of(const char *name)
{
	for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++)
		if (!strcmp(engines[i].name, name))
			return &engines[i];
	return NULL;
}

/* The docker CLI of dockerd's own package where it is (a newer one may come first in PATH). */
static char *find_cli(const struct engine *e)
{
	char *path = NULL;

	if (e->daemon && proc_which(e->daemon, &path)) {
		char *slash = strrchr(path, '/');
		char *cli;

		*slash = 0;
		slash = strrchr(path, '/');
		if (slash)
			*slash = 0;
		cli = xasprintf("%s/bin/%s", path, e->cli);
		free(path);
		if (access(cli, X_OK) == 0)
			return cli;
		free(cli);
	}
	return proc_which(e->cli, &path) ? path : NULL;
}

static int engine_probe(struct target *t, char **reason, assay_error_t *err)
{
	const struct engine *e = engine_of(t->daemon);
	struct engine_priv *p;
	cleanup_free char *word = xasprintf(" %s ", t->runtime);
	char *cli, *program;

	(void)err;
	if (e == NULL) {
		*reason = xasprintf("unknown engine `%s` (docker or podman)", t->daemon);
		return TARGET_SKIP;
	}
	if (!strstr(e->runtimes, word)) {
		*reason = xasprintf("%s runs%s here, not %s", e->name, e->runtimes, t->runtime);
		return TARGET_SKIP;
	}
	if (e->daemon && !proc_which(e->daemon, NULL)) {
		*reason =
		    xasprintf("%s not installed (not in PATH): %s needs it", e->daemon, e->name);
		return TARGET_SKIP;
	}
	cli = find_cli(e);
	if (cli == NULL) {
		*reason = xasprintf("%s not installed (not in PATH)", e->cli);
		return TARGET_SKIP;
	}
	program = target_runtime_program(t, reason);
	if (program == NULL) {
		free(cli);
		return TARGET_SKIP;
	}
	p = xcalloc(1, sizeof(*p));
	p->e = e;
	p->cli = cli;
	p->program = program;
	t->priv = p;
	return 0;
}

static const char *ref_of(const struct engine_priv *p, const char *image)
{
	for (size_t i = 0; i < p->n_refs; i++)
		if (!strcmp(p->refs[2 * i], image))
			return p->refs[2 * i + 1];
	return NULL;
}

static void on_stop(void *arg)
{
	struct target *t = arg;
	struct engine_priv *p = t->priv;

	if (p->current) {
		char *args[] = {"rm", "-f", (char *)p->current, NULL};
		assay_error_t e = NULL;

		cli_call(p, args, NULL, &e);
		assay_error_release(&e);
	}
}

/* One CLI call of a run, timed as phase (NULL: untimed), its stdout to out. */
static int run_cli(struct target *t, const char *phase, char **args, const char *out,
                   const char *errf, uint64_t timeout_ns, const struct observer *obs,
                   struct target_result *res, int *status, assay_error_t *err)
{
	struct engine_priv *p = t->priv;
	char *argv[MAX_ARGS];
	size_t n = cli_argv(p, argv);
	struct target_spawn sp = {.argv = argv,
	                          .cwd = t->dir,
	                          .out = out,
	                          .errf = errf,
	                          .timeout_ns = timeout_ns,
	                          .obs = obs,
	                          .role = "engine",
	                          .on_stop = on_stop,
	                          .arg = t};
	uint64_t t0 = 0;
	int ret;

	for (; *args && n < MAX_ARGS - 1; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	if (phase)
		target_phase_begin(obs, phase, &t0);
	ret = target_spawn_wait(&sp, status, err);
	if (phase)
		target_phase_end(obs, phase, t0, res);
	return ret;
}

static int engine_exec(struct target *t, const struct target_run_spec *spec,
                       const struct observer *obs, struct target_result *res, assay_error_t *err)
{
	struct engine_priv *p = t->priv;
	const char *ref = ref_of(p, spec->image);
	cleanup_free char *name = NULL, *cgparent = NULL, *cgdir = NULL, *scratch = NULL;
	cleanup_free char *out = NULL, *errf = NULL, *idf = NULL, *vol = NULL, *id = NULL;
	cleanup_free char *code = NULL, *failed = NULL;
	char *args[MAX_ARGS];
	size_t n = 0;
	int ret, st = -1, wret = PROC_EXITED, status = -1;

	if (ref == NULL)
		return assay_error_make(err, 0, "%s: image `%s` was not prepared", t->name,
		                        spec->image);
	t->seq++;
	name = xasprintf("assay-%s-%s-%s-%d", t->cfg.run_id, p->e->name, t->runtime, t->seq);
	cgparent = xasprintf("/assay/%s", name);
	cgdir = xasprintf("/sys/fs/cgroup/cpuacct%s", cgparent);
	out = xasprintf("%s/%d.out", t->dir, t->seq);
	errf = xasprintf("%s/%d.err", t->dir, t->seq);
	idf = xasprintf("%s/%d.id", t->dir, t->seq);
	res->exit_status = -1;
	if (spec->scratch && (scratch = target_scratch_new(t, err)) == NULL)
		return -1;
	/* made before the container so the observer reads its usage from the start; the engine's
	 * runtime makes the container's own below it (and Podman's conmon one) */
	if (fs_mkdir_p(cgdir, 0755, err) < 0)
		return -1;
	observer_cgroup(obs, "pod", cgparent);

	args[n++] = "create";
	args[n++] = "--name";
	args[n++] = name;
	args[n++] = "--network=none";
	args[n++] = "--cgroup-parent";
	args[n++] = cgparent;
	n += p->e->create_args(t, p->program, args + n);
	if (scratch) {
		vol = xasprintf("%s:%s", scratch, SCRATCH_IN);
		args[n++] = "--volume";
		args[n++] = vol;
		args[n++] = "--workdir=" SCRATCH_IN;
	}
	args[n++] = (char *)ref;
	for (char *const *a = spec->argv; a && *a && n < MAX_ARGS - 1; a++)
		args[n++] = *a;
	args[n] = NULL;
	p->current = name;
	ret = run_cli(t, "create", args, idf, errf, PROC_HELPER_TIMEOUT_NS, obs, res, &st, err);
	if (ret < 0)
		goto out;
	if (ret != PROC_EXITED || st != 0) {
		cleanup_free char *why = target_last_line(errf);

		failed = xasprintf("%s create: %s", p->e->cli, why ? why : "failed");
		wret = ret;
		goto remove;
	}
	id = target_last_line(idf);
	if (signals_pending()) {
		wret = PROC_STOPPED;
		goto remove;
	}
	{
		char *start[] = {"start", name, NULL};

		ret = run_cli(t, "start", start, NULL, errf, PROC_HELPER_TIMEOUT_NS, obs, res, &st,
		              err);
		if (ret < 0)
			goto out;
		if (ret != PROC_EXITED || st != 0) {
			cleanup_free char *why = target_last_line(errf);

			failed = xasprintf("%s start: %s", p->e->cli, why ? why : "failed");
			wret = ret;
			goto remove;
		}
	}
	if (id && obs && obs->process)
		p->e->watch(t, id, obs);
	{
		char *wait[] = {"wait", name, NULL};

		ret = run_cli(t, "run", wait, idf, NULL, spec->timeout_ns, obs, res, &st, err);
		if (ret < 0)
			goto out;
		wret = ret;
		code = target_last_line(idf);
		if (ret == PROC_EXITED && st == 0 && code)
			status = atoi(code);
		else if (ret == PROC_EXITED)
			failed = xasprintf("%s wait: exit %d", p->e->cli, st);
	}
	if (wret == PROC_EXITED) {
		char *logs[] = {"logs", name, NULL};

		ret = run_cli(t, NULL, logs, out, errf, PROC_HELPER_TIMEOUT_NS, obs, res, &st, err);
		if (ret < 0)
			goto out;
	}
remove : {
	char *rm[] = {"rm", "-f", name, NULL};
	int rst;

	p->current = NULL;
	ret = run_cli(t, "remove", rm, NULL, NULL, PROC_HELPER_TIMEOUT_NS, obs, res, &rst, err);
	if (ret < 0)
		goto out;
	ret = 0;
}
	if (failed) {
		res->failure = steal_pointer(&failed);
	} else {
		target_finish(res, wret, status, out, errf, spec->timeout_ns);
	}
out:
	p->current = NULL;
	cgroup_remove_tree(cgparent, 2000);
	if (scratch) {
		assay_error_t e2 = NULL;

		fs_remove_tree(scratch, &e2);
		assay_error_release(&e2);
	}
	return ret < 0 ? -1 : 0;
}

static int engine_prepare(struct target *t, char *const *images, char **reason, assay_error_t *err)
{
	struct engine_priv *p = t->priv;
	size_t n = 0;

	if (mkdir(t->dir, 0700) < 0 && errno != EEXIST)
		return assay_error_make(err, errno, "mkdir `%s`", t->dir);
	if (p->e->start(t, p, err) < 0)
		return assay_error_wrap(err, "%s", t->name);
	while (images[n])
		n++;
	p->refs = xcalloc(2 * n + 1, sizeof(*p->refs));
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *archive = xasprintf("%s/%s.tar", t->cfg.image_dir, images[i]);
		char *ref = NULL;

		if (access(archive, R_OK) < 0) {
			*reason = xasprintf("image %s/%s.tar not built (run `make images`)",
			                    t->cfg.image_src_dir ? t->cfg.image_src_dir
			                                         : t->cfg.image_dir,
			                    images[i]);
			return TARGET_SKIP;
		}
		if (layout_ref(t->cfg.image_dir, images[i], &ref, err) < 0)
			return assay_error_wrap(err, "%s", t->name);
		p->refs[2 * p->n_refs] = xstrdup(images[i]);
		p->refs[2 * p->n_refs + 1] = ref;
		p->n_refs++;
		if (p->e->load(t, archive, ref, err) < 0)
			return assay_error_wrap(err, "%s", t->name);
	}
	if (n == 0)
		return 0;
	/* a runtime that cannot run here says so once, in the cells, instead of in every run */
	{
		char *args[] = {"--version", NULL};
		struct target_run_spec trial = {.benchmark = "trial",
		                                .image = images[0],
		                                .argv = args,
		                                .timeout_ns = 60ull * 1000000000};
		struct target_result res = {0};
		int ret = engine_exec(t, &trial, NULL, &res, err);

		if (ret < 0)
			return ret;
		if (res.exit_status != 0 || res.timed_out || res.interrupted) {
			*reason = xasprintf(
			    "%s cannot run a container here with %s: %s", p->e->name, t->runtime,
			    res.failure ? res.failure : "the trial container failed");
			target_result_release(&res);
			return TARGET_SKIP;
		}
		target_result_release(&res);
	}
	return 0;
}

static int engine_run(struct target *t, const struct target_run_spec *spec,
                      const struct observer *obs, struct target_result *res, assay_error_t *err)
{
	return engine_exec(t, spec, obs, res, err);
}

static char *engine_version(struct target *t)
{
	const struct engine *e = engine_of(t->daemon);
	struct engine_priv *p = t->priv;

	if (e == NULL)
		return xstrdup("not installed");
	return proc_tool_version(p && p->cli ? p->cli : e->cli);
}

static json_t *engine_meta(struct target *t)
{
	struct engine_priv *p = t->priv;
	bool gvisor = !strcmp(t->runtime, "runsc");

	return json_pack(
	    "{s:s, s:s, s:o, s:o, s:s, s:s, s:s}", "engine", t->daemon, "runtime", t->runtime,
	    "version", json_string_take(engine_version(t)), "runtime_version",
	    json_string_take(proc_tool_version(t->runtime)), "sandbox_mode",
	    gvisor ? "one gVisor sandbox per container" : "one container, its own namespaces",
	    "network",
	    gvisor ? "--network=none, runsc --network=none" : "--network=none (loopback only)",
	    "storage",
	    p && p->dockerd ? "dockerd's default (overlay2) under the run directory"
	                    : "vfs under the run directory");
}

static void engine_cleanup(struct target *t)
{
	struct engine_priv *p = t->priv;
	assay_error_t err = NULL;

	if (p == NULL)
		return;
	if (p->dockerd) {
		daemon_dockerd_free(p->dockerd);
	} else if (p->n_global) {
		char *args[] = {"rm", "--all", "--force", NULL};
		cleanup_free char *root = xasprintf("%s/podman/root", t->dir);
		const struct timespec tick = {0, 100 * 1000000L};

		cli_call(p, args, NULL, &err);
		assay_error_release(&err);
		/* conmon's exit command (`podman … container cleanup`, run when a container exits)
		 * finishes on its own first: killed by the sweep it would leave what it does, and
		 * its runtime call (`--runtime NAME`, without our --root: podman does not pass
		 * --runtime-flag on) makes /run/RUNTIME after the footprint check */
		for (int i = 0; i < 50 && proc_find(root, "container cleanup"); i++)
			nanosleep(&tick, NULL);
	}
	/* conmon, runtimes or mounts that survived, and the engine's whole state */
	daemon_sweep(t->dir, NULL, &err);
	assay_error_release(&err);
	if (p->runroot) {
		daemon_sweep(p->runroot, NULL, &err);
		assay_error_release(&err);
	}
	cgroup_remove("/assay");
	free(p->runroot);
	for (size_t i = 0; i < 2 * p->n_refs; i++)
		free(p->refs[i]);
	for (size_t i = 0; i < p->n_global; i++)
		free(p->global[i]);
	free(p->refs);
	free(p->cli);
	free(p->program);
	free(p);
	t->priv = NULL;
}

const struct target_ops target_engine_ops = {
    .probe = engine_probe,
    .prepare = engine_prepare,
    .run = engine_run,
    .version = engine_version,
    .meta = engine_meta,
    .cleanup = engine_cleanup,
};
