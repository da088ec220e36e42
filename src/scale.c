/* scalability.runtime.N: N long-running pods started one after the other (the study's mode) or
 * by K concurrent CRI clients. */
#include "kinds.h"
#include "util.h"

int scale_run(struct target *t, const struct benchmark *b, json_t *params,
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
