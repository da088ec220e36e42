/* limits.cpu.time and limits.cpu.scaling: the cpu workload under a CFS quota. */
#include "kinds.h"
#include "util.h"

int limits_cpu_time_run(struct target *t, const struct benchmark *b, json_t *params,
                        const struct target_run_spec *spec, const struct run_observer *obs,
                        struct target_result *res, assay_error_t *err)
{
	(void)t;
	(void)params;
	(void)spec;
	(void)obs;
	(void)err;
	res->failure = xasprintf("%s: not implemented yet", b->name);
	return 0;
}

int limits_cpu_scaling_run(struct target *t, const struct benchmark *b, json_t *params,
                           const struct target_run_spec *spec, const struct run_observer *obs,
                           struct target_result *res, assay_error_t *err)
{
	return limits_cpu_time_run(t, b, params, spec, obs, res, err);
}
