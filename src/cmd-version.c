/* Placeholder until issue 4 lands: says so honestly and exits 2. */
#include "commands.h"

int cmd_version(int argc, char **argv, assay_error_t *err)
{
	(void)argc;
	(void)argv;
	return assay_error_usage(err, "`version` is not implemented yet (issue 4)");
}
