/* A CRI daemon that died during a suite costs the run it hit, not the rest (cri-revive.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cri/crio.h"
#include "lib/proc.h"
#include "runtimes/runtimes.h"
#include "targets/cri-faults.h"
#include "lib/signals.h"
#include "lib/util.h"

/* The embedded containerd: how it died (a moment is allowed for its exit after the socket
 * closed), or NULL when it answers again. */
static char *embedded_death(struct cri_shared *sh)
{
	const struct timespec tick = {0, 20 * 1000000L};
	assay_error_t e = NULL;
	char *death = NULL;
	int ret;

	for (int i = 0; i < 50 && death == NULL; i++) {
		death = daemon_death(sh->daemon);
		if (death == NULL)
			nanosleep(&tick, NULL);
	}
	if (death)
		return death;
	cri_set_timeout(sh->client, 2000);
	ret = cri_version(sh->client, NULL, NULL, &e);
	cri_set_timeout(sh->client, 0);
	if (ret == 0)
		return NULL;
	death = xasprintf("containerd (pid %d) runs but its CRI does not answer (%s): killed",
	                  (int)daemon_pid(sh->daemon), e ? e->msg : "?");
	assay_error_release(&e);
	return death;
}

/* rmdir of a cgroup directory and the cgroups below it, deepest first. */
static void rmdir_cgroups(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		cleanup_free char *sub = NULL;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		sub = xasprintf("%s/%s", path, de->d_name);
		rmdir_cgroups(sub);
	}
	if (d)
		closedir(d);
	rmdir(path);
}

void target_cri_remove_pod_cgroups(const char *run_id)
{
	cleanup_free char *prefix = xasprintf("assay-%s-", run_id);
	DIR *root = opendir("/sys/fs/cgroup");
	struct dirent *h;

	/* every hierarchy: a runtime killed while it created a container may have made its
	 * cgroup in some of them only (cpuset first) */
	while (root && (h = readdir(root))) {
		cleanup_free char *dir = xasprintf("/sys/fs/cgroup/%s/assay", h->d_name);
		DIR *d = h->d_name[0] == '.' ? NULL : opendir(dir);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			cleanup_free char *pod = NULL;

			if (strncmp(de->d_name, prefix, strlen(prefix)))
				continue;
			pod = xasprintf("%s/%s", dir, de->d_name);
			rmdir_cgroups(pod);
		}
		if (d)
			closedir(d);
	}
	if (root)
		closedir(root);
}

static int revive_embedded(struct cri_shared *sh, const struct target *t, char **cause,
                           assay_error_t *err)
{
	/* before embedded_death's own call: whether the run's failure was the daemon's */
	bool unavailable = cri_last_code(sh->client) == CRI_CODE_UNAVAILABLE;
	cleanup_free char *death = embedded_death(sh);

	if (death == NULL && !unavailable)
		return assay_error_make(err, 0,
		                        "containerd runs and answers: nothing to bring back");
	if (death == NULL) {
		*cause = xstrdup("containerd did not answer for a moment");
		return 0;
	}
	if (daemon_restarts(sh->daemon) >= TARGET_CRI_MAX_RESTARTS) {
		sh->gone = xasprintf("%s; it was restarted %u times already: not again", death,
		                     daemon_restarts(sh->daemon));
		return assay_error_make(err, 0, "%s", sh->gone);
	}
	if (daemon_restart(sh->daemon, err) < 0)
		goto fail;
	sh->client = daemon_client(sh->daemon);
	sh->pid = daemon_pid(sh->daemon);
	if (sh->own_cgroups)
		target_cri_remove_pod_cgroups(t->cfg.run_id);
	/* the new one's store is empty: the images the targets prepared, from the run's copy */
	for (size_t i = 0; i < sh->n_imported; i++) {
		cleanup_free char *archive =
		    xasprintf("%s/%s.tar", t->cfg.image_dir, sh->imported[2 * i]);

		if (strcmp(sh->imported[2 * i], "pause") &&
		    daemon_import(sh->daemon, archive, err) < 0)
			goto fail;
	}
	*cause = xasprintf("%s; a fresh containerd took over", death);
	return 0;
fail:
	assay_error_wrap(err, "%s", death);
	sh->gone = assay_error_text(*err);
	return -1;
}

/* Seconds a daemon assay does not own may stay away. */
static unsigned endpoint_wait_s(void)
{
	const char *v = getenv("ASSAY_ENDPOINT_WAIT_S");
	char *end;
	unsigned long n = v ? strtoul(v, &end, 10) : 0;

	return v && *v && *end == '\0' && n < 86400 ? (unsigned)n : TARGET_CRI_ENDPOINT_WAIT_S;
}

/* The containers and pods of run_id the daemon still has: the failed run's guard could not
 * remove them while the daemon was away, and runs go one at a time, so none is in use. */
static void remove_run_pods(struct cri_shared *sh, const char *run_id)
{
	const char *sel[] = {"io.assay.run", run_id, NULL};
	assay_error_t e = NULL;
	char **ids = NULL;

	if (cri_list_containers(sh->client, NULL, sel, &ids, &e) == 0)
		for (size_t i = 0; ids[i]; i++)
			if (cri_stop_container(sh->client, ids[i], 0, &e) < 0 ||
			    cri_remove_container(sh->client, ids[i], &e) < 0)
				assay_error_release(&e);
	cri_strv_free(ids);
	ids = NULL;
	assay_error_release(&e);
	if (cri_list_pods(sh->client, sel, &ids, &e) == 0)
		for (size_t i = 0; ids[i]; i++)
			if (cri_stop_pod(sh->client, ids[i], &e) < 0 ||
			    cri_remove_pod(sh->client, ids[i], &e) < 0)
				assay_error_release(&e);
	cri_strv_free(ids);
	assay_error_release(&e);
}

static int revive_endpoint(struct cri_shared *sh, const char *run_id, char **cause,
                           assay_error_t *err)
{
	uint64_t t0 = assay_now_ns(CLOCK_MONOTONIC), pause = 250000000ull;
	unsigned limit = endpoint_wait_s(), tries = 0;
	bool unavailable = sh->client && cri_last_code(sh->client) == CRI_CODE_UNAVAILABLE;
	cleanup_free char *last = NULL;

	for (;;) {
		struct cri_client *c = NULL;
		assay_error_t e = NULL;
		double el;

		tries++;
		if (cri_connect(sh->endpoint, &c, &e) == 0) {
			cri_set_timeout(c, 2000);
			if (cri_version(c, NULL, NULL, &e) == 0 && tries == 1 && !unavailable) {
				cri_close(c);
				return assay_error_make(
				    err, 0,
				    "the CRI daemon at %s answers: nothing to bring "
				    "back",
				    sh->endpoint);
			}
			if (e == NULL) {
				cri_set_timeout(c, 0);
				if (sh->client)
					cri_close(sh->client);
				sh->client = c;
				sh->pid = cri_endpoint_pid(sh->endpoint);
				remove_run_pods(sh, run_id);
				*cause = xasprintf(
				    "the CRI daemon at %s stopped answering; it "
				    "answered again after %.1f s (%u tries)",
				    sh->endpoint,
				    (double)(assay_now_ns(CLOCK_MONOTONIC) - t0) / 1e9, tries);
				return 0;
			}
			cri_close(c);
		}
		free(last);
		last = assay_error_text(e);
		assay_error_release(&e);
		el = (double)(assay_now_ns(CLOCK_MONOTONIC) - t0) / 1e9;
		if (el >= limit) {
			sh->gone = xasprintf("the CRI daemon at %s did not come back within %u s "
			                     "(%u tries; last: %s)",
			                     sh->endpoint, limit, tries, last);
			return assay_error_make(err, 0, "%s", sh->gone);
		}
		if (signals_sleep(pause))
			return assay_error_make(
			    err, EINTR, "interrupted while waiting for the CRI daemon at %s",
			    sh->endpoint);
		/* a growing pause, never past the limit nor above 5 s */
		pause = pause * 2 > 5000000000ull ? 5000000000ull : pause * 2;
		if (el + (double)pause / 1e9 > limit)
			pause = (uint64_t)((limit - el) * 1e9) + 1;
	}
}

int target_cri_revive(struct cri_shared *sh, const struct target *t, char **cause,
                      assay_error_t *err)
{
	if (sh->gone)
		return assay_error_make(err, 0, "%s", sh->gone);
	return sh->daemon ? revive_embedded(sh, t, cause, err)
	                  : revive_endpoint(sh, t->cfg.run_id, cause, err);
}

pid_t target_cri_find_sentry(const struct target *t, const struct cri_pod *pod)
{
	const struct runtime *r = runtime_find(t->runtime);
	pid_t p;

	if (r == NULL || !r->gvisor)
		return 0;
	p = proc_find("runsc-sandbox", pod->pod_id);
	return p > 0 ? p : proc_find("runsc-sandbox", pod->ctr_id);
}

static void failure_prefix(struct target_result *res, char *cause)
{
	char *f = xasprintf("%s: %s", cause, res->failure);

	free(cause);
	free(res->failure);
	res->failure = f;
}

void target_cri_failure_cause(struct target_result *res, const struct cri_container_status *st,
                              const struct target_run_spec *spec, pid_t shim, pid_t sentry)
{
	/* the kernel's OOM killer, as the daemon saw it: not only "signal 9" */
	if (st && st->reason && !strcmp(st->reason, "OOMKilled"))
		failure_prefix(res, spec->memory_limit
		                        ? xasprintf("OOM-killed over its memory limit of %.1f MiB",
		                                    (double)spec->memory_limit / (1 << 20))
		                        : xstrdup("OOM-killed"));
	if (sentry > 0)
		failure_prefix(res,
		               xasprintf("its gVisor Sentry (runsc-sandbox, pid %d) died during "
		                         "the run",
		                         (int)sentry));
	else if (shim > 0)
		failure_prefix(
		    res, xasprintf("its containerd shim (pid %d) died during the run", (int)shim));
}
