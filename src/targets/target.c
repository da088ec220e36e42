/* What the targets share: their life as objects, phases, child processes of a run, workload
 * output parsing, image extraction, scratch directories. The table of target types and their
 * names is types.c. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "targets/target.h"
#include "lib/fs.h"
#include "lib/proc.h"
#include "lib/json.h"
#include "lib/layout.h"
#include "lib/util.h"
#include "runtimes/runtimes.h"

void target_free(struct target *t)
{
	if (t == NULL)
		return;
	if (t->ops && t->ops->cleanup)
		t->ops->cleanup(t);
	free(t->name);
	free(t->runtime);
	free(t->daemon);
	free(t->dir);
	free(t);
}

void target_result_release(struct target_result *res)
{
	free(res->failure);
	json_decref(res->output);
	json_decref(res->phases);
	json_decref(res->extra);
	memset(res, 0, sizeof(*res));
}

void target_phase_begin(const struct observer *obs, const char *phase, uint64_t *t0)
{
	observer_phase_begin(obs, phase);
	*t0 = assay_now_ns(CLOCK_MONOTONIC);
}

void target_phase_end(const struct observer *obs, const char *phase, uint64_t t0,
                      struct target_result *res)
{
	uint64_t t1 = assay_now_ns(CLOCK_MONOTONIC);
	json_t *rec = json_pack("{s:s, s:I}", "name", phase, "ns", (json_int_t)(t1 - t0));

	if (observer_phase_end(obs, phase, rec) < 0)
		json_object_set_new(rec, "observer_error", json_true());
	if (res->phases == NULL)
		res->phases = json_array();
	json_array_append_new(res->phases, rec);
	res->wall_ns += t1 - t0;
}

json_t *target_json_line(char *text)
{
	json_t *found = NULL;
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *j;

		while (isspace((unsigned char)*line))
			line++;
		if (*line != '{')
			continue;
		j = json_loads(line, 0, NULL);
		if (j && json_is_object(j)) {
			json_decref(found);
			found = j;
		} else {
			json_decref(j);
		}
	}
	return found;
}

json_t *target_parse_output(const char *path, char **why)
{
	cleanup_free char *text = fs_read(path, 64 << 20, NULL);
	json_t *found;

	if (text == NULL) {
		*why = xasprintf("cannot read the workload's output %s: %s", path, strerror(errno));
		return NULL;
	}
	found = target_json_line(text);
	if (found == NULL)
		*why = xstrdup("the workload printed no JSON result line");
	return found;
}

char *target_last_line(const char *path)
{
	cleanup_free char *text = fs_read(path, 64 << 20, NULL);
	char *end, *start;

	if (text == NULL)
		return NULL;
	end = text + strlen(text);
	while (end > text && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	start = end;
	while (start > text && start[-1] != '\n')
		start--;
	if (*start == '\0')
		return NULL;
	if (strlen(start) > 400)
		start[400] = '\0';
	return xstrdup(start);
}

static int open_out(const char *path)
{
	if (path == NULL)
		return open("/dev/null", O_WRONLY | O_CLOEXEC);
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
}

int target_spawn_wait(const struct target_spawn *s, int *status, assay_error_t *err)
{
	cleanup_close int outfd = open_out(s->out);
	cleanup_close int errfd = open_out(s->errf);
	struct proc_opts o = {.argv = s->argv, .cwd = s->cwd};
	pid_t pid;
	int ret;

	if (outfd < 0 || errfd < 0)
		return assay_error_make(err, errno, "open `%s`", outfd < 0 ? s->out : s->errf);
	o.out_fd = outfd;
	o.err_fd = errfd;
	if (proc_spawn(&o, &pid, err) < 0)
		return -1;
	if (s->role)
		observer_process(s->obs, s->role, pid);
	ret = proc_wait(pid, s->timeout_ns, true, status, err);
	if (ret != PROC_EXITED) {
		if (s->on_stop)
			s->on_stop(s->arg);
		proc_kill_reap(pid, status);
	}
	return ret;
}

int target_extract_image(const char *layout, const char *rootfs, assay_error_t *err)
{
	cleanup_json json_t *manifest = NULL;
	cleanup_free char *blob = NULL;
	cleanup_free char *why = NULL;
	const char *ldigest = NULL;
	int status;

	if (layout_manifest(layout, &manifest, err) < 0)
		return -1;
	json_unpack(manifest, "{s:[{s:s}]}", "layers", "digest", &ldigest);
	blob = layout_blob_path(layout, ldigest, err);
	if (blob == NULL)
		return assay_error_wrap(err, "%s: manifest has no usable layers[0].digest", layout);
	if (mkdir(rootfs, 0755) < 0 && errno != EEXIST)
		return assay_error_make(err, errno, "mkdir `%s`", rootfs);
	{
		char *argv[] = {"tar", "-xf", blob, "-C", (char *)rootfs, "--no-same-owner", NULL};

		status = proc_command(argv, 60ull * 1000000000, NULL, &why, err);
	}
	if (status < 0)
		return -1;
	if (status != 0)
		return assay_error_make(err, 0, "extract %s: %s", blob, why ? why : "tar failed");
	return 0;
}

void target_finish(struct target_result *res, int wait_ret, int status, const char *out,
                   const char *errf, uint64_t timeout_ns)
{
	cleanup_free char *why = NULL;
	cleanup_free char *last = NULL;

	res->exit_status = status;
	res->timed_out = wait_ret == 1;
	res->interrupted = wait_ret == 2;
	if (res->timed_out) {
		res->failure = xasprintf("timed out after %.1f s", (double)timeout_ns / 1e9);
		return;
	}
	if (res->interrupted) {
		res->failure = xstrdup("interrupted");
		return;
	}
	res->output = target_parse_output(out, &why);
	if (status != 0) {
		/* 128 + N: what the runtimes and the CRI report for a death by signal N */
		cleanup_free char *how =
		    status > 128 && status < 128 + NSIG
		        ? xasprintf("killed by signal %d (SIG%s), exit status %d", status - 128,
		                    sigabbrev_np(status - 128) ?: "?", status)
		        : xasprintf("exited with status %d", status);

		last = errf ? target_last_line(errf) : NULL;
		res->failure = last ? xasprintf("%s: %s", how, last) : steal_pointer(&how);
		return;
	}
	if (res->output == NULL)
		res->failure = steal_pointer(&why);
}

char *target_scratch_new(struct target *t, assay_error_t *err)
{
	cleanup_free char *path = NULL;
	const char *base = strrchr(t->dir, '/');

	path = xasprintf("%s/%s-%d", t->cfg.scratch_dir, base ? base + 1 : t->dir, t->seq);
	if (fs_remove_tree(path, err) < 0)
		return NULL;
	if (mkdir(path, 0777) < 0) {
		assay_error_make(err, errno, "mkdir `%s`", path);
		return NULL;
	}
	/* a workload running as another uid (gVisor's Sentry maps it) must still write there */
	chmod(path, 01777);
	return steal_pointer(&path);
}

char *target_runtime_program(const struct target *t, char **reason)
{
	const struct runtime *row = runtime_find(t->runtime);
	char *bin = NULL;

	if (!proc_which(t->runtime, &bin)) {
		*reason = xasprintf("OCI runtime `%s` not installed (not in PATH)", t->runtime);
		return NULL;
	}
	/* a runtime that needs a helper of assay's here goes through it (crun: assay-crun, which
	 * hides a cgroup v2 hierarchy crun would refuse) */
	if (row && row->helper_oci && runtime_needs_helper(row)) {
		char *helper = assay_libexec_path(row->helper);

		free(bin);
		if (helper == NULL)
			*reason = xasprintf("the %s helper was not found (make builds "
			                    "build/libexec/%s)",
			                    row->helper, row->helper);
		return helper;
	}
	return bin;
}
