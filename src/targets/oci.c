/* oci/<runtime>: the OCI runtime CLI run directly on a bundle (rootfs from the image's layer +
 * a generated config.json), no daemon — isolates the OCI runtime's cost from the CRI daemon's.
 *
 * Runtime state lives under the target's directory (`--root`), never in /run/runc; containers
 * get the host's network namespace (runsc: --network=none, its netstack cannot attach to the
 * host's), their own pid/ipc/uts/mount namespaces, a cgroup under /assay and no capabilities
 * beyond runc's default three. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/proc.h"
#include "lib/cgroup.h"
#include "targets/target.h"
#include "lib/fs.h"
#include "lib/json.h"
#include "lib/layout.h"
#include "runtimes/runtimes.h"
#include "lib/util.h"

#define OCI_PATH_ENV "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define SCRATCH_IN   "/scratch"

struct oci_image {
	char *name;
	char *rootfs;
	json_t *entrypoint; /* array: the image config's Entrypoint (or /<name> without one) */
	json_t *cmd;        /* array: its Cmd, used when a run gives no arguments */
	json_t *env;        /* array or NULL */
};

struct oci_priv {
	char *bin;   /* runtime executable */
	char *state; /* --root */
	struct oci_image *images;
	size_t n_images;
	char *current_id; /* container being run, for on_stop */
};

/* Its row of the runtimes table, or NULL for a runtime assay knows nothing special about. */
static const struct runtime *row(const struct target *t)
{
	return runtime_find(t->runtime);
}

static bool is_runsc(const struct target *t)
{
	return row(t) && row(t)->gvisor;
}

/* Global flags go before the subcommand. */
static size_t runtime_argv(struct target *t, char **argv)
{
	struct oci_priv *p = t->priv;
	size_t n = 0;

	argv[n++] = p->bin;
	argv[n++] = "--root";
	argv[n++] = p->state;
	if (is_runsc(t))
		argv[n++] = "--network=none";
	return n;
}

static int oci_probe(struct target *t, char **reason, assay_error_t *err)
{
	struct oci_priv *p;
	char *bin;

	(void)err;
	if (row(t) && row(t)->binary == NULL) {
		*reason = xasprintf("`%s` is only a containerd shim (%s), no OCI runtime: use "
		                    "cri/containerd/%s",
		                    t->runtime, row(t)->shim, t->runtime);
		return TARGET_SKIP;
	}
	bin = target_runtime_program(t, reason);
	if (bin == NULL)
		return TARGET_SKIP;
	p = xcalloc(1, sizeof(*p));
	p->bin = bin;
	p->state = xasprintf("%s/state", t->dir);
	t->priv = p;
	return 0;
}

/* The image config's Entrypoint+Cmd and Env: what the image says to run. */
static int read_image_config(const char *layout, struct oci_image *img, assay_error_t *err)
{
	cleanup_json json_t *manifest = NULL;
	cleanup_json json_t *config = NULL;
	const char *cd = NULL;
	json_t *cfg, *ep, *cmd;

	if (layout_manifest(layout, &manifest, err) < 0)
		return -1;
	json_unpack(manifest, "{s:{s:s}}", "config", "digest", &cd);
	if (layout_blob_json(layout, cd, &config, err) < 0)
		return -1;
	cfg = json_object_get(config, "config");
	ep = json_object_get(cfg, "Entrypoint");
	cmd = json_object_get(cfg, "Cmd");
	/* CRI semantics: Entrypoint stays, the run's arguments replace Cmd */
	img->entrypoint = json_array();
	img->cmd = json_array();
	if (json_is_array(ep))
		json_array_extend(img->entrypoint, ep);
	if (json_is_array(cmd))
		json_array_extend(img->cmd, cmd);
	if (json_array_size(img->entrypoint) == 0) {
		cleanup_free char *prog = xasprintf("/%s", img->name);

		json_array_append_new(img->entrypoint, json_string(prog));
	}
	if (json_is_array(json_object_get(cfg, "Env")))
		img->env = json_incref(json_object_get(cfg, "Env"));
	return 0;
}

static json_t *mount(const char *dst, const char *type, const char *src, const char *opts)
{
	json_t *o = json_array();
	char *copy = xstrdup(opts), *tok, *save = NULL;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(o, json_string(tok));
	free(copy);
	return json_pack("{s:s, s:s, s:s, s:o}", "destination", dst, "type", type, "source", src,
	                 "options", o);
}

static json_t *strv(const char *const *v)
{
	json_t *a = json_array();

	for (; *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

/* A minimal runc-spec-like config. */
static json_t *make_config(struct target *t, const struct oci_image *img, char *const *args,
                           const char *scratch, const char *id)
{
	static const char *const caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
	                                   NULL};
	static const char *const masked[] = {"/proc/acpi",
	                                     "/proc/asound",
	                                     "/proc/kcore",
	                                     "/proc/keys",
	                                     "/proc/latency_stats",
	                                     "/proc/timer_list",
	                                     "/proc/timer_stats",
	                                     "/proc/sched_debug",
	                                     "/sys/firmware",
	                                     "/proc/scsi",
	                                     NULL};
	static const char *const ro[] = {
	    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL};
	json_t *argv = json_deep_copy(img->entrypoint), *mounts, *env, *caps_o, *ns;
	cleanup_free char *cgpath = xasprintf("/assay/%s", id);

	(void)t;
	if (args && *args)
		for (; *args; args++)
			json_array_append_new(argv, json_string(*args));
	else
		json_array_extend(argv, img->cmd);
	env = img->env ? json_deep_copy(img->env) : json_pack("[s]", OCI_PATH_ENV);
	caps_o = json_pack("{s:o, s:o, s:o}", "bounding", strv(caps), "effective", strv(caps),
	                   "permitted", strv(caps));
	mounts = json_array();
	json_array_append_new(mounts, mount("/proc", "proc", "proc", "nosuid,noexec,nodev"));
	json_array_append_new(
	    mounts, mount("/dev", "tmpfs", "tmpfs", "nosuid,strictatime,mode=755,size=65536k"));
	json_array_append_new(mounts, mount("/dev/pts", "devpts", "devpts",
	                                    "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620"));
	json_array_append_new(
	    mounts, mount("/dev/shm", "tmpfs", "shm", "nosuid,noexec,nodev,mode=1777,size=65536k"));
	json_array_append_new(mounts, mount("/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro"));
	json_array_append_new(mounts, mount("/tmp", "tmpfs", "tmpfs", "nosuid,nodev,mode=1777"));
	if (scratch)
		json_array_append_new(mounts, mount(SCRATCH_IN, "bind", scratch, "rbind,rw"));
	/* no network namespace: the host's network, as the CRI pods use here */
	ns = json_pack("[{s:s},{s:s},{s:s},{s:s}]", "type", "pid", "type", "ipc", "type", "uts",
	               "type", "mount");
	return json_pack(
	    "{s:s, s:{s:b, s:{s:i, s:i}, s:o, s:o, s:s, s:o, s:[{s:s, s:i, s:i}], s:b},"
	    " s:{s:s, s:b}, s:s, s:o,"
	    " s:{s:s, s:o, s:o, s:o}}",
	    "ociVersion", "1.0.2", "process", "terminal", 0, "user", "uid", 0, "gid", 0, "args",
	    argv, "env", env, "cwd", scratch ? SCRATCH_IN : "/", "capabilities", caps_o, "rlimits",
	    "type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024, "noNewPrivileges", 1, "root",
	    "path", img->rootfs, "readonly", 0, "hostname", "assay", "mounts", mounts, "linux",
	    "cgroupsPath", cgpath, "namespaces", ns, "maskedPaths", strv(masked), "readonlyPaths",
	    strv(ro));
}

static const struct oci_image *find_image(struct oci_priv *p, const char *name)
{
	for (size_t i = 0; i < p->n_images; i++)
		if (!strcmp(p->images[i].name, name))
			return &p->images[i];
	return NULL;
}

static void delete_container(struct target *t, const char *id)
{
	char *argv[12];
	size_t n = runtime_argv(t, argv);
	assay_error_t err = NULL;

	argv[n++] = "delete";
	argv[n++] = "-f";
	argv[n++] = (char *)id;
	argv[n] = NULL;
	proc_command(argv, PROC_HELPER_TIMEOUT_NS, NULL, NULL, &err);
	assay_error_release(&err);
}

static void on_stop(void *arg)
{
	struct target *t = arg;
	struct oci_priv *p = t->priv;

	if (p->current_id)
		delete_container(t, p->current_id);
}

/* One container: the shared part of a trial and a measured run. */
static int oci_exec(struct target *t, const struct target_run_spec *spec,
                    const struct observer *obs, struct target_result *res, assay_error_t *err)
{
	struct oci_priv *p = t->priv;
	const struct oci_image *img = find_image(p, spec->image);
	cleanup_free char *id = NULL;
	cleanup_free char *bundle = NULL;
	cleanup_free char *cfgpath = NULL;
	cleanup_free char *out = NULL;
	cleanup_free char *errf = NULL;
	cleanup_free char *scratch = NULL;
	cleanup_free char *cgpath = NULL;
	struct target_spawn sp = {0};
	cleanup_json json_t *config = NULL;
	char *argv[16];
	size_t n;
	uint64_t t0;
	int ret, status = -1;

	if (img == NULL)
		return assay_error_make(err, 0, "%s: image `%s` was not prepared", t->name,
		                        spec->image);
	t->seq++;
	id = xasprintf("assay-%s-%s-%d", t->cfg.run_id, t->runtime, t->seq);
	bundle = xasprintf("%s/%d", t->dir, t->seq);
	cfgpath = xasprintf("%s/config.json", bundle);
	out = xasprintf("%s/%d.out", t->dir, t->seq);
	errf = xasprintf("%s/%d.err", t->dir, t->seq);
	cgpath = xasprintf("/assay/%s", id);
	if (mkdir(bundle, 0700) < 0)
		return assay_error_make(err, errno, "mkdir `%s`", bundle);
	if (spec->scratch && (scratch = target_scratch_new(t, err)) == NULL)
		return -1;
	config = make_config(t, img, spec->argv, scratch, id);
	if (config == NULL || json_dump_file(config, cfgpath, JSON_INDENT(1)) < 0)
		return assay_error_make(err, errno, "write `%s`", cfgpath);

	n = runtime_argv(t, argv);
	argv[n++] = "run";
	argv[n++] = "--bundle";
	argv[n++] = bundle;
	argv[n++] = id;
	argv[n] = NULL;
	sp.argv = argv;
	sp.cwd = t->dir;
	sp.out = out;
	sp.errf = errf;
	sp.timeout_ns = spec->timeout_ns;
	sp.obs = obs;
	sp.role = "oci-runtime";
	sp.on_stop = on_stop;
	sp.arg = t;
	p->current_id = id;
	observer_cgroup(obs, "container", cgpath);
	res->exit_status = -1;
	target_phase_begin(obs, "run", &t0);
	ret = target_spawn_wait(&sp, &status, err);
	target_phase_end(obs, "run", t0, res);
	p->current_id = NULL;
	/* `run` deletes the container when it exits by itself; after a kill or a runtime error
	 * it may still exist */
	if (ret != 0 || status != 0)
		delete_container(t, id);
	/* runsc leaves some v1 hierarchies' cgroups behind when its sandbox was killed */
	cgroup_remove_wait(cgpath, 2000);
	if (scratch) {
		assay_error_t e2 = NULL;

		fs_remove_tree(scratch, &e2);
		assay_error_release(&e2);
	}
	{
		assay_error_t e2 = NULL;

		fs_remove_tree(bundle, &e2);
		assay_error_release(&e2);
	}
	if (ret < 0)
		return ret;
	target_finish(res, ret, status, out, errf, spec->timeout_ns);
	return 0;
}

static int oci_prepare(struct target *t, char *const *images, char **reason, assay_error_t *err)
{
	struct oci_priv *p = t->priv;
	size_t n = 0;

	if (mkdir(t->dir, 0700) < 0 && errno != EEXIST)
		return assay_error_make(err, errno, "mkdir `%s`", t->dir);
	if (mkdir(p->state, 0700) < 0 && errno != EEXIST)
		return assay_error_make(err, errno, "mkdir `%s`", p->state);
	while (images[n])
		n++;
	p->images = xcalloc(n, sizeof(*p->images));
	for (size_t i = 0; i < n; i++) {
		struct oci_image *img = &p->images[i];
		cleanup_free char *layout = xasprintf("%s/%s", t->cfg.image_dir, images[i]);

		img->name = xstrdup(images[i]);
		img->rootfs = xasprintf("%s/rootfs-%s", t->dir, images[i]);
		p->n_images++;
		if (access(layout, F_OK) < 0) {
			*reason = xasprintf("image %s/%s.tar not built (run `make images`)",
			                    t->cfg.image_src_dir ? t->cfg.image_src_dir
			                                         : t->cfg.image_dir,
			                    images[i]);
			return TARGET_SKIP;
		}
		if (read_image_config(layout, img, err) < 0 ||
		    target_extract_image(layout, img->rootfs, err) < 0)
			return assay_error_wrap(err, "%s", t->name);
	}
	if (n == 0)
		return 0;
	/* Some runtimes cannot run on some hosts at all (crun on a cgroup v1 hybrid host): try one
	 * container so the cells say why, instead of failing every run. */
	{
		char *args[] = {"--version", NULL};
		struct target_run_spec trial = {.benchmark = "trial",
		                                .image = images[0],
		                                .argv = args,
		                                .timeout_ns = 60ull * 1000000000};
		struct target_result res = {0};
		int ret = oci_exec(t, &trial, NULL, &res, err);

		if (ret < 0)
			return ret;
		if (res.interrupted) {
			*reason = xstrdup("interrupted during set-up");
			target_result_release(&res);
			return TARGET_SKIP;
		}
		/* --version prints no JSON: only whether it ran counts */
		if (res.exit_status != 0 || res.timed_out || res.interrupted) {
			cleanup_free char *errf = xasprintf("%s/%d.err", t->dir, t->seq);
			cleanup_free char *last = target_last_line(errf);

			*reason = xasprintf("%s cannot run a container here: %s", t->runtime,
			                    last ? last : res.failure);
			target_result_release(&res);
			return TARGET_SKIP;
		}
		target_result_release(&res);
	}
	return 0;
}

static int oci_run(struct target *t, const struct target_run_spec *spec, const struct observer *obs,
                   struct target_result *res, assay_error_t *err)
{
	return oci_exec(t, spec, obs, res, err);
}

static char *oci_version(struct target *t)
{
	return proc_tool_version(t->runtime);
}

static json_t *oci_meta(struct target *t)
{
	return json_pack("{s:s, s:o, s:s, s:s, s:s*}", "runtime", t->runtime, "version",
	                 json_string_take(proc_tool_version(t->runtime)), "sandbox_mode",
	                 is_runsc(t) ? "one sandbox per container (runsc run)"
	                             : "one container, own pid/ipc/uts/mount namespaces",
	                 "network",
	                 is_runsc(t) ? "host network namespace, runsc --network=none"
	                             : "host network namespace",
	                 "cgroups", row(t) && row(t)->note ? row(t)->note() : NULL);
}

static void oci_cleanup(struct target *t)
{
	struct oci_priv *p = t->priv;
	assay_error_t err = NULL;

	if (p == NULL)
		return;
	/* containers of ours that survived (a kill in the middle of `run`) */
	if (p->state && access(p->state, F_OK) == 0) {
		char *argv[12];
		size_t n = runtime_argv(t, argv);
		cleanup_free char *listing = NULL;

		argv[n++] = "list";
		argv[n++] = "-q";
		argv[n] = NULL;
		if (proc_command(argv, PROC_HELPER_TIMEOUT_NS, &listing, NULL, &err) == 0 &&
		    listing) {
			char *save = NULL;

			for (char *l = strtok_r(listing, "\n", &save); l;
			     l = strtok_r(NULL, "\n", &save))
				delete_container(t, l);
		}
		assay_error_release(&err);
	}
	cgroup_remove("/assay");
	for (size_t i = 0; i < p->n_images; i++) {
		free(p->images[i].name);
		free(p->images[i].rootfs);
		json_decref(p->images[i].entrypoint);
		json_decref(p->images[i].cmd);
		json_decref(p->images[i].env);
	}
	fs_remove_tree(t->dir, &err);
	assay_error_release(&err);
	free(p->images);
	free(p->bin);
	free(p->state);
	free(p);
	t->priv = NULL;
}

const struct target_ops target_oci_ops = {
    .probe = oci_probe,
    .prepare = oci_prepare,
    .run = oci_run,
    .version = oci_version,
    .meta = oci_meta,
    .cleanup = oci_cleanup,
};
