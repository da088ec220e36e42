/* Placeholder so the API links while the implementation is being written. */
#include <errno.h>
#include <stdlib.h>
#include "daemon.h"

int daemon_start(const struct daemon_opts *opts, struct daemon **out, assay_error_t *err)
{
	(void)opts;
	(void)out;
	(void)err;
	return assay_error_make(err, ENOSYS, "daemon_start: not implemented yet");
}

const char *daemon_endpoint(const struct daemon *d)
{
	(void)d;
	return NULL;
}

const char *daemon_run_dir(const struct daemon *d)
{
	(void)d;
	return NULL;
}

const char *daemon_log_path(const struct daemon *d)
{
	(void)d;
	return NULL;
}

pid_t daemon_pid(const struct daemon *d)
{
	(void)d;
	return 0;
}

struct cri_client *daemon_client(struct daemon *d)
{
	(void)d;
	return NULL;
}

int daemon_import(struct daemon *d, const char *archive, assay_error_t *err)
{
	(void)d;
	(void)archive;
	(void)err;
	return assay_error_make(err, ENOSYS, "daemon_import: not implemented yet");
}

const struct daemon_handler *daemon_handler(const struct daemon *d, const char *name)
{
	(void)d;
	(void)name;
	return NULL;
}

int daemon_probe_handler(struct daemon *d, const char *name, assay_error_t *err)
{
	(void)d;
	(void)name;
	(void)err;
	return assay_error_make(err, ENOSYS, "daemon_probe_handler: not implemented yet");
}

int daemon_stop(struct daemon *d, assay_error_t *err)
{
	(void)d;
	(void)err;
	return assay_error_make(err, ENOSYS, "daemon_stop: not implemented yet");
}

void daemon_free(struct daemon *d)
{
	(void)d;
}

char *daemon_default_adapter(void)
{
	return NULL;
}
