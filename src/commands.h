/* The collector's subcommands: one file each (src/cmd-NAME.c), dispatched from src/main.c.
 * A command returns its exit code (0 ok, 1 a run failed) or a negative value with *err set
 * (main prints it and exits with its code: 1, or 2 for usage/config errors). */
#ifndef ASSAY_COMMANDS_H
#define ASSAY_COMMANDS_H

#include "lib/error.h"

typedef int (*assay_command_fn)(int argc, char **argv, assay_error_t *err);

int cmd_run(int argc, char **argv, assay_error_t *err);
int cmd_list(int argc, char **argv, assay_error_t *err);
int cmd_validate(int argc, char **argv, assay_error_t *err);
int cmd_version(int argc, char **argv, assay_error_t *err);
int cmd_export_crictl(int argc, char **argv, assay_error_t *err);
int cmd_trace(int argc, char **argv, assay_error_t *err);
int cmd_report(int argc, char **argv, assay_error_t *err);
int cmd_table(int argc, char **argv, assay_error_t *err);
int cmd_check(int argc, char **argv, assay_error_t *err);

#endif
