/* NULL-safe calls of an observer's callbacks (observer.h). */
#include "observer/observer.h"

int observer_run_begin(const struct observer *o, const struct observer_run *info)
{
	return o && o->run_begin ? o->run_begin(o->ctx, info) : 0;
}

int observer_phase_begin(const struct observer *o, const char *phase)
{
	return o && o->phase_begin ? o->phase_begin(o->ctx, phase) : 0;
}

int observer_phase_end(const struct observer *o, const char *phase, json_t *rec)
{
	return o && o->phase_end ? o->phase_end(o->ctx, phase, rec) : 0;
}

void observer_process(const struct observer *o, const char *role, pid_t pid)
{
	if (o && o->process)
		o->process(o->ctx, role, pid);
}

void observer_cgroup(const struct observer *o, const char *role, const char *path)
{
	if (o && o->cgroup)
		o->cgroup(o->ctx, role, path);
}

int observer_run_end(const struct observer *o, json_t *run_record)
{
	return o && o->run_end ? o->run_end(o->ctx, run_record) : 0;
}
