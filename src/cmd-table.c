/* Placeholder until issue 6 lands: says so honestly and exits 2. */
#include "commands.h"

int cmd_table(int argc, char **argv, assay_error_t *err)
{
	(void)argc;
	(void)argv;
	return assay_error_usage(err, "`table` is not implemented yet (issue 6)");
}
