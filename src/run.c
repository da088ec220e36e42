/* The run engine behind `collector run`. */
#include "run.h"

int run_observer_run_begin(const struct run_observer *o, const struct run_info *info)
{
	return o && o->run_begin ? o->run_begin(o->ctx, info) : 0;
}

int run_observer_phase_begin(const struct run_observer *o, const char *phase)
{
	return o && o->phase_begin ? o->phase_begin(o->ctx, phase) : 0;
}

int run_observer_phase_end(const struct run_observer *o, const char *phase, json_t *rec)
{
	return o && o->phase_end ? o->phase_end(o->ctx, phase, rec) : 0;
}

void run_observer_process(const struct run_observer *o, const char *role, pid_t pid)
{
	if (o && o->process)
		o->process(o->ctx, role, pid);
}

void run_observer_cgroup(const struct run_observer *o, const char *role, const char *path)
{
	if (o && o->cgroup)
		o->cgroup(o->ctx, role, path);
}

int run_observer_run_end(const struct run_observer *o, json_t *run_record)
{
	return o && o->run_end ? o->run_end(o->ctx, run_record) : 0;
}
