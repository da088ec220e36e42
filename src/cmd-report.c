/* Placeholder until issue 7 lands: says so honestly and exits 2. */
#include "commands.h"

int cmd_report(int argc, char **argv, assay_error_t *err)
{
	(void)argc;
	(void)argv;
	return assay_error_usage(err, "`report` is not implemented yet (issue 7)");
}
