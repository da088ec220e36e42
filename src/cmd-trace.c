/* Placeholder until issue 5 lands: says so honestly and exits 2. */
#include "commands.h"

int cmd_trace(int argc, char **argv, assay_error_t *err)
{
	(void)argc;
	(void)argv;
	return assay_error_usage(err, "`trace` is not implemented yet (issue 5)");
}
