/* lxc: the workload as an LXC application container — our OCI image's layer unpacked as its
 * rootfs, a private lxcpath under the target's directory, `lxc-execute` (LXC's monitor, which
 * runs LXC's own init in the container and the workload under it), no network (an empty network
 * namespace: loopback only), cgroup /assay/<name> (lxc.cgroup.dir).
 *
 * LXC's CLI has no create/start split for an application container: one phase, "run"
 * (lxc-execute to the workload's exit). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

#define SCRATCH_IN "/scratch"
#define MAX_ARGS   64

struct lxc_image {
	char *name, *rootfs, *entrypoint;
};

struct lxc_priv {
	char *bin;     /* lxc-execute */
	char *lxcpath; /* -P */
	struct lxc_image *images;
	size_t n_images;
	const char *current; /* the container being run, for on_stop */
};

/* LXC keeps a lock directory per lxcpath, /run/lxc/lock/LXCPATH, and leaves it: removed with
 * the parents it made for it while they are empty (/run/lxc itself: lib/footprint.c). */
static void remove_lock_dirs(const struct lxc_priv *p)
{
	static const char top[] = "/run/lxc/lock";
	cleanup_free char *lock = xasprintf("%s%s", top, p->lxcpath);
	char *slash;

	fs_remove_tree(lock, NULL);
	while ((slash = strrchr(lock, '/')) && slash > lock + strlen(top)) {
		*slash = '\0';
		if (rmdir(lock) < 0)
			break;
	}
}

static int lxc_probe(struct target *t, char **reason, assay_error_t *err)
{
	struct lxc_priv *p;
	char *bin = NULL;

	(void)err;
	if (!proc_which("lxc-execute", &bin)) {
		*reason = xstrdup("lxc-execute not installed (not in PATH): LXC's");
		return TARGET_SKIP;
	}
	p = xcalloc(1, sizeof(*p));
	p->bin = bin;
	p->lxcpath = xasprintf("%s/lxc", t->dir);
	t->priv = p;
	return 0;
}

/* The image config's Entrypoint[0] (our images run one static program). */
static char *entrypoint(const char *layout, const char *name, assay_error_t *err)
{
	cleanup_json json_t *manifest = NULL, *config = NULL;
	const char *cd = NULL, *ep = NULL;

	if (layout_manifest(layout, &manifest, err) < 0)
		return NULL;
	json_unpack(manifest, "{s:{s:s}}", "config", "digest", &cd);
	if (layout_blob_json(layout, cd, &config, err) < 0)
		return NULL;
	json_unpack(config, "{s:{s:[s]}}", "config", "Entrypoint", &ep);
	return ep ? xstrdup(ep) : xasprintf("/%s", name);
}

static int lxc_prepare(struct target *t, char *const *images, char **reason, assay_error_t *err)
{
	struct lxc_priv *p = t->priv;
	size_t n = 0;

	if (fs_mkdir_p(p->lxcpath, 0700, err) < 0)
		return -1;
	while (images[n])
		n++;
	p->images = xcalloc(n + 1, sizeof(*p->images));
	for (size_t i = 0; i < n; i++) {
		struct lxc_image *img = &p->images[i];
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
		img->entrypoint = entrypoint(layout, images[i], err);
		if (img->entrypoint == NULL || target_extract_image(layout, img->rootfs, err) < 0)
			return assay_error_wrap(err, "%s", t->name);
	}
	return 0;
}

static const struct lxc_image *find_image(const struct lxc_priv *p, const char *name)
{
	for (size_t i = 0; i < p->n_images; i++)
		if (!strcmp(p->images[i].name, name))
			return &p->images[i];
	return NULL;
}

static int write_config(const char *path, const char *rootfs, const char *cgdir, const char *log,
                        const char *scratch, assay_error_t *err)
{
	cleanup_free char *text = NULL, *mnt = NULL;

	if (scratch)
		mnt = xasprintf("lxc.mount.entry = %s %s none bind,create=dir 0 0\n"
		                "lxc.init.cwd = %s\n",
		                scratch, SCRATCH_IN + 1, SCRATCH_IN);
	text = xasprintf("lxc.uts.name = assay\n"
	                 "lxc.rootfs.path = dir:%s\n"
	                 "lxc.net.0.type = empty\n"
	                 "lxc.mount.auto = proc:mixed sys:ro\n"
	                 "lxc.autodev = 1\n"
	                 "lxc.cgroup.dir = %s\n"
	                 "lxc.log.file = %s\n"
	                 "lxc.log.level = WARN\n"
	                 "%s",
	                 rootfs, cgdir, log, mnt ? mnt : "");
	return fs_write_atomic(path, text, strlen(text), err);
}

static void on_stop(void *arg)
{
	struct target *t = arg;
	struct lxc_priv *p = t->priv;

	if (p->current) {
		char *argv[] = {"lxc-stop", "-P", p->lxcpath, "-n", (char *)p->current, "-k", NULL};
		assay_error_t e = NULL;

		proc_command(argv, PROC_HELPER_TIMEOUT_NS, NULL, NULL, &e);
		assay_error_release(&e);
	}
}

static int lxc_run(struct target *t, const struct target_run_spec *spec, const struct observer *obs,
                   struct target_result *res, assay_error_t *err)
{
	struct lxc_priv *p = t->priv;
	const struct lxc_image *img = find_image(p, spec->image);
	cleanup_free char *name = NULL, *cgdir = NULL, *cgparent = NULL, *conf = NULL;
	cleanup_free char *out = NULL, *errf = NULL, *log = NULL, *scratch = NULL;
	char *argv[MAX_ARGS];
	struct target_spawn sp = {0};
	size_t n = 0;
	uint64_t t0;
	int ret, status = -1;

	if (img == NULL)
		return assay_error_make(err, 0, "%s: image `%s` was not prepared", t->name,
		                        spec->image);
	t->seq++;
	name = xasprintf("assay-%s-lxc-%d", t->cfg.run_id, t->seq);
	cgdir = xasprintf("assay/%s", name);
	cgparent = xasprintf("/%s", cgdir);
	conf = xasprintf("%s/%d.conf", t->dir, t->seq);
	out = xasprintf("%s/%d.out", t->dir, t->seq);
	errf = xasprintf("%s/%d.err", t->dir, t->seq);
	log = xasprintf("%s/%d.log", t->dir, t->seq);
	res->exit_status = -1;
	if (spec->scratch && (scratch = target_scratch_new(t, err)) == NULL)
		return -1;
	if (write_config(conf, img->rootfs, cgdir, log, scratch, err) < 0)
		return -1;
	argv[n++] = p->bin;
	argv[n++] = "-P";
	argv[n++] = p->lxcpath;
	argv[n++] = "-n";
	argv[n++] = name;
	argv[n++] = "-f";
	argv[n++] = conf;
	argv[n++] = "--";
	argv[n++] = img->entrypoint;
	for (char *const *a = spec->argv; a && *a && n < MAX_ARGS - 1; a++)
		argv[n++] = *a;
	argv[n] = NULL;
	sp.argv = argv;
	sp.cwd = t->dir;
	sp.out = out;
	sp.errf = errf;
	sp.timeout_ns = spec->timeout_ns;
	sp.obs = obs;
	sp.role = "shim";
	sp.on_stop = on_stop;
	sp.arg = t;
	/* LXC keeps the container's cgroup (and its lxc.pivot) after the exit: read as a pod's */
	observer_cgroup(obs, "pod", cgparent);
	p->current = name;
	target_phase_begin(obs, "run", &t0);
	ret = target_spawn_wait(&sp, &status, err);
	target_phase_end(obs, "run", t0, res);
	if (ret != 0)
		on_stop(t);
	p->current = NULL;
	cgroup_remove_tree(cgparent, 2000);
	if (scratch) {
		assay_error_t e2 = NULL;

		fs_remove_tree(scratch, &e2);
		assay_error_release(&e2);
	}
	{
		cleanup_free char *cdir = xasprintf("%s/%s", p->lxcpath, name);
		assay_error_t e2 = NULL;

		fs_remove_tree(cdir, &e2);
		assay_error_release(&e2);
	}
	if (ret < 0)
		return ret;
	target_finish(res, ret, status, out, errf, spec->timeout_ns);
	return 0;
}

static char *lxc_version(struct target *t)
{
	cleanup_free char *v = NULL;
	char *argv[] = {"lxc-execute", "--version", NULL};
	assay_error_t e = NULL;

	(void)t;
	if (proc_command(argv, PROC_HELPER_TIMEOUT_NS, &v, NULL, &e) != 0 || v == NULL) {
		assay_error_release(&e);
		return xstrdup("not installed");
	}
	v[strcspn(v, "\n")] = 0;
	return xasprintf("lxc %s", v);
}

static json_t *lxc_meta(struct target *t)
{
	return json_pack("{s:o, s:s, s:s}", "version", json_string_take(lxc_version(t)),
	                 "sandbox_mode", "one application container (lxc-execute, LXC's init)",
	                 "network", "an empty network namespace (lxc.net.0.type = empty)");
}

static void lxc_cleanup(struct target *t)
{
	struct lxc_priv *p = t->priv;
	assay_error_t err = NULL;

	if (p == NULL)
		return;
	/* a monitor or container that survived (a kill in the middle of a run) */
	daemon_sweep(t->dir, NULL, &err);
	assay_error_release(&err);
	remove_lock_dirs(p);
	cgroup_remove("/assay");
	for (size_t i = 0; i < p->n_images; i++) {
		free(p->images[i].name);
		free(p->images[i].rootfs);
		free(p->images[i].entrypoint);
	}
	free(p->images);
	free(p->bin);
	free(p->lxcpath);
	free(p);
	t->priv = NULL;
}

const struct target_ops target_lxc_ops = {
    .probe = lxc_probe,
    .prepare = lxc_prepare,
    .run = lxc_run,
    .version = lxc_version,
    .meta = lxc_meta,
    .cleanup = lxc_cleanup,
};
