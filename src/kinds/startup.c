/* operations.container.startup: launch to the workload's first instruction and to its exit, on
 * any target (the target's own run, the same launch path every workload benchmark takes). */
#include <string.h>

#include "kinds/kinds.h"
#include "lib/util.h"

int kinds_startup_run(struct target *t, const struct benchmark *b, json_t *params,
                      const struct target_run_spec *spec, const struct observer *obs,
                      struct target_result *res, assay_error_t *err)
{
	uint64_t rt0 = assay_now_ns(CLOCK_REALTIME), start_ns, exit_ns = 0;
	json_t *s, *out;
	size_t i;
	json_t *ph;
	int ret;

	(void)b;
	(void)params;
	/* the target's own run: the same launch path every workload benchmark takes */
	ret = t->ops->run(t, spec, obs, res, err);
	if (ret < 0 || res->failure || res->output == NULL)
		return ret;
	s = json_object_get(res->output, "start_ns");
	if (!json_is_number(s)) {
		res->failure = xstrdup("the workload's JSON has no start_ns");
		return 0;
	}
	start_ns =
	    json_is_integer(s) ? (uint64_t)json_integer_value(s) : (uint64_t)json_real_value(s);
	{
		/* CRI: the daemon's record of the exit; else the phases up to the workload's end */
		json_t *fin =
		    json_object_get(json_object_get(res->extra, "container"), "finished_at");
		uint64_t mono = 0;

		if (json_integer_value(fin) > 0) {
			exit_ns = (uint64_t)json_integer_value(fin);
		} else {
			json_array_foreach(res->phases, i, ph)
			{
				mono += (uint64_t)json_integer_value(json_object_get(ph, "ns"));
				if (!strcmp(json_string_value(json_object_get(ph, "name")) ?: "",
				            "run"))
					break;
			}
			exit_ns = rt0 + mono;
		}
	}
	if (start_ns < rt0 || exit_ns < start_ns) {
		res->failure =
		    xasprintf("times out of order: launch %llu, start_ns %llu, exit %llu "
		              "(clocks differ?)",
		              (unsigned long long)rt0, (unsigned long long)start_ns,
		              (unsigned long long)exit_ns);
		return 0;
	}
	out = json_pack("{s:f, s:f, s:O}", "to_first_instruction_ms", kinds_ms(start_ns - rt0),
	                "to_exit_ms", kinds_ms(exit_ns - rt0), "workload", res->output);
	json_decref(res->output);
	res->output = out;
	return 0;
}
