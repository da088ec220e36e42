/* See pod.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cri/pod.h"
#include "lib/cgroup.h"
#include "lib/fs.h"
#include "lib/util.h"

int cri_pod_init(struct cri_pod *p, const struct cri_pod_opts *o, assay_error_t *err)
{
	size_t i = 0;

	memset(p, 0, sizeof(*p));
	p->runtime = xstrdup(o->runtime);
	p->name = xasprintf("assay-%s-%s-%s%d", o->run_id, o->runtime, o->tag, o->seq);
	p->logdir = xasprintf("%s/pod-%s%d", o->dir, o->tag, o->seq);
	p->cgparent = o->own_cgroup ? xasprintf("/assay/%s", p->name) : NULL;
	p->log_path = xasprintf("%s/%s.log", p->logdir, o->image);
	snprintf(p->run_s, sizeof(p->run_s), "%d", o->run_index);
	if (mkdir(o->dir, 0700) < 0 && errno != EEXIST)
		return assay_error_make(err, errno, "mkdir `%s`", o->dir);
	if (mkdir(p->logdir, 0700) < 0)
		return assay_error_make(err, errno, "mkdir `%s`", p->logdir);
	p->labels[i++] = "io.assay";
	p->labels[i++] = "1";
	p->labels[i++] = "io.assay.run";
	p->labels[i++] = o->run_id;
	p->labels[i++] = "io.assay.suite";
	p->labels[i++] = o->suite ? o->suite : "";
	p->labels[i++] = "io.assay.benchmark";
	p->labels[i++] = o->benchmark;
	p->labels[i++] = "io.assay.run-index";
	p->labels[i++] = p->run_s;
	p->labels[i] = NULL;
	p->pod = (struct cri_pod_spec){
	    .name = p->name,
	    .uid = p->name,
	    .namespace_ = CRI_POD_NAMESPACE,
	    .log_directory = p->logdir,
	    .labels = p->labels,
	    /* a real node's daemon may use the systemd cgroup driver: its default then */
	    .cgroup_parent = p->cgparent,
	    .host_network = true,
	};
	p->ctr = (struct cri_container_spec){
	    .name = o->image,
	    .image = o->image_ref,
	    .args = (const char *const *)o->args,
	    .working_dir = o->scratch ? CRI_POD_SCRATCH : NULL,
	    .log_path = p->log_path + strlen(p->logdir) + 1,
	    .labels = p->labels,
	    .host_network = true,
	    .resources = {.memory_limit_bytes = o->memory_limit},
	};
	if (o->scratch) {
		p->mnt.host_path = o->scratch;
		p->mnt.container_path = CRI_POD_SCRATCH;
		p->ctr.mounts = &p->mnt;
		p->ctr.n_mounts = 1;
	}
	return 0;
}

const char *cri_pod_step_name(enum cri_pod_step step)
{
	static const char *const names[] = {
	    [CRI_POD_RUN] = "RunPodSandbox",           [CRI_POD_CREATE] = "CreateContainer",
	    [CRI_POD_START] = "StartContainer",        [CRI_POD_STOP] = "StopContainer",
	    [CRI_POD_REMOVE] = "RemoveContainer",      [CRI_POD_STOP_POD] = "StopPodSandbox",
	    [CRI_POD_REMOVE_POD] = "RemovePodSandbox",
	};

	return names[step];
}

int cri_pod_call(struct cri_client *c, struct cri_pod *p, enum cri_pod_step step,
                 int64_t stop_timeout, assay_error_t *err)
{
	int ret = -1;

	switch (step) {
	case CRI_POD_RUN:
		return cri_run_pod(c, &p->pod, p->runtime, &p->pod_id, err);
	case CRI_POD_CREATE:
		return cri_create_container(c, p->pod_id, &p->ctr, &p->pod, &p->ctr_id, err);
	case CRI_POD_START:
		return cri_start_container(c, p->ctr_id, err);
	case CRI_POD_STOP:
		return cri_stop_container(c, p->ctr_id, stop_timeout, err);
	case CRI_POD_REMOVE:
		ret = cri_remove_container(c, p->ctr_id, err);
		free(steal_pointer(&p->ctr_id));
		return ret;
	case CRI_POD_STOP_POD:
		return cri_stop_pod(c, p->pod_id, err);
	case CRI_POD_REMOVE_POD:
		ret = cri_remove_pod(c, p->pod_id, err);
		free(steal_pointer(&p->pod_id));
		return ret;
	}
	return ret;
}

static void keep_first(assay_error_t *first, assay_error_t *e)
{
	if (*first == NULL)
		*first = steal_pointer(e);
	else
		assay_error_release(e);
}

void cri_pod_destroy(struct cri_client *c, struct cri_pod *p, assay_error_t *first_err)
{
	assay_error_t e = NULL;

	for (enum cri_pod_step s = CRI_POD_STOP; s <= CRI_POD_REMOVE_POD; s++) {
		if ((s <= CRI_POD_REMOVE ? p->ctr_id : p->pod_id) == NULL)
			continue;
		if (cri_pod_call(c, p, s, 0, &e) < 0)
			keep_first(first_err, &e);
	}
	/* a failed run's processes may still be exiting (a shim that died: its runtime kills
	 * them): not a moment longer than that */
	if (p->cgparent)
		cgroup_remove_wait(p->cgparent, 2000);
	if (p->logdir) {
		fs_remove_tree(p->logdir, &e);
		assay_error_release(&e);
	}
}

void cri_pod_release(struct cri_pod *p)
{
	free(p->name);
	free(p->logdir);
	free(p->cgparent);
	free(p->log_path);
	free(p->runtime);
	free(p->pod_id);
	free(p->ctr_id);
	memset(p, 0, sizeof(*p));
}
