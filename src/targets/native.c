/* native: the workload binary run directly on the host, the baseline every table compares to. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "targets/target.h"
#include "lib/fs.h"
#include "lib/util.h"

static int native_probe(struct target *t, char **reason, assay_error_t *err)
{
	(void)t;
	(void)reason;
	(void)err;
	return 0;
}

static int native_prepare(struct target *t, char *const *images, char **reason, assay_error_t *err)
{
	for (char *const *i = images; *i; i++) {
		cleanup_free char *bin = xasprintf("%s/%s", t->cfg.bin_dir, *i);

		if (access(bin, X_OK) < 0) {
			*reason = xasprintf("workload `%s` not built (run `make`): %s", bin,
			                    strerror(errno));
			return TARGET_SKIP;
		}
	}
	if (mkdir(t->dir, 0700) < 0 && errno != EEXIST)
		return assay_error_make(err, errno, "mkdir `%s`", t->dir);
	return 0;
}

static int native_run(struct target *t, const struct target_run_spec *spec,
                      const struct observer *obs, struct target_result *res, assay_error_t *err)
{
	cleanup_free char *bin = xasprintf("%s/%s", t->cfg.bin_dir, spec->image);
	cleanup_free char *out = NULL;
	cleanup_free char *errf = NULL;
	cleanup_free char *scratch = NULL;
	cleanup_free char **argv = NULL;
	struct target_spawn sp = {0};
	size_t n = 0;
	uint64_t t0;
	int ret, status = -1;

	t->seq++;
	out = xasprintf("%s/%d.out", t->dir, t->seq);
	errf = xasprintf("%s/%d.err", t->dir, t->seq);
	if (spec->scratch && (scratch = target_scratch_new(t, err)) == NULL)
		return -1;
	while (spec->argv && spec->argv[n])
		n++;
	argv = xcalloc(n + 2, sizeof(*argv));
	argv[0] = bin;
	memcpy(argv + 1, spec->argv, n * sizeof(*argv));

	sp.argv = argv;
	sp.cwd = scratch ? scratch : t->dir;
	sp.out = out;
	sp.errf = errf;
	sp.timeout_ns = spec->timeout_ns;
	sp.obs = obs;
	sp.role = "workload";
	res->exit_status = -1;
	target_phase_begin(obs, "run", &t0);
	ret = target_spawn_wait(&sp, &status, err);
	target_phase_end(obs, "run", t0, res);
	if (scratch) {
		assay_error_t e2 = NULL;

		if (fs_remove_tree(scratch, &e2) < 0 && ret >= 0) {
			*err = e2;
			return -1;
		}
		assay_error_release(&e2);
	}
	if (ret < 0)
		return ret;
	target_finish(res, ret, status, out, errf, spec->timeout_ns);
	return 0;
}

static char *native_version(struct target *t)
{
	(void)t;
	return xstrdup("host");
}

static void native_cleanup(struct target *t)
{
	(void)t;
}

const struct target_ops target_native_ops = {
    .probe = native_probe,
    .prepare = native_prepare,
    .run = native_run,
    .version = native_version,
    .cleanup = native_cleanup,
};
