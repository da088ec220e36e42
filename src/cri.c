/* Placeholder so the API links while the implementation is being written. */
#include <errno.h>
#include <stdlib.h>
#include "cri.h"

int cri_connect(const char *endpoint, struct cri_client **out, assay_error_t *err)
{
	(void)endpoint;
	(void)out;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_connect: not implemented yet");
}

void cri_close(struct cri_client *c)
{
	(void)c;
}

void cri_set_timeout(struct cri_client *c, unsigned timeout_ms)
{
	(void)c;
	(void)timeout_ms;
}

uint64_t cri_last_call_ns(const struct cri_client *c)
{
	(void)c;
	return 0;
}

int cri_last_code(const struct cri_client *c)
{
	(void)c;
	return -1;
}

const char *cri_endpoint(const struct cri_client *c)
{
	(void)c;
	return NULL;
}

int cri_version(struct cri_client *c, char **runtime_name, char **runtime_version,
                assay_error_t *err)
{
	(void)c;
	(void)runtime_name;
	(void)runtime_version;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_version: not implemented yet");
}

void cri_pod_status_release(struct cri_pod_status *s)
{
	(void)s;
}

int cri_run_pod(struct cri_client *c, const struct cri_pod_spec *spec, const char *runtime_handler,
                char **pod_id, assay_error_t *err)
{
	(void)c;
	(void)spec;
	(void)runtime_handler;
	(void)pod_id;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_run_pod: not implemented yet");
}

int cri_stop_pod(struct cri_client *c, const char *pod_id, assay_error_t *err)
{
	(void)c;
	(void)pod_id;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_stop_pod: not implemented yet");
}

int cri_remove_pod(struct cri_client *c, const char *pod_id, assay_error_t *err)
{
	(void)c;
	(void)pod_id;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_remove_pod: not implemented yet");
}

int cri_pod_status(struct cri_client *c, const char *pod_id, struct cri_pod_status *out,
                   assay_error_t *err)
{
	(void)c;
	(void)pod_id;
	(void)out;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_pod_status: not implemented yet");
}

int cri_list_pods(struct cri_client *c, const char *const *label_selector, char ***ids,
                  assay_error_t *err)
{
	(void)c;
	(void)label_selector;
	(void)ids;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_list_pods: not implemented yet");
}

void cri_container_status_release(struct cri_container_status *s)
{
	(void)s;
}

int cri_create_container(struct cri_client *c, const char *pod_id,
                         const struct cri_container_spec *spec, const struct cri_pod_spec *pod,
                         char **container_id, assay_error_t *err)
{
	(void)c;
	(void)pod_id;
	(void)spec;
	(void)pod;
	(void)container_id;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_create_container: not implemented yet");
}

int cri_start_container(struct cri_client *c, const char *container_id, assay_error_t *err)
{
	(void)c;
	(void)container_id;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_start_container: not implemented yet");
}

int cri_stop_container(struct cri_client *c, const char *container_id, int64_t timeout_s,
                       assay_error_t *err)
{
	(void)c;
	(void)container_id;
	(void)timeout_s;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_stop_container: not implemented yet");
}

int cri_remove_container(struct cri_client *c, const char *container_id, assay_error_t *err)
{
	(void)c;
	(void)container_id;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_remove_container: not implemented yet");
}

int cri_container_status(struct cri_client *c, const char *container_id,
                         struct cri_container_status *out, assay_error_t *err)
{
	(void)c;
	(void)container_id;
	(void)out;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_container_status: not implemented yet");
}

int cri_list_containers(struct cri_client *c, const char *pod_id, const char *const *label_selector,
                        char ***ids, assay_error_t *err)
{
	(void)c;
	(void)pod_id;
	(void)label_selector;
	(void)ids;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_list_containers: not implemented yet");
}

int cri_update_resources(struct cri_client *c, const char *container_id,
                         const struct cri_resources *r, assay_error_t *err)
{
	(void)c;
	(void)container_id;
	(void)r;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_update_resources: not implemented yet");
}

int cri_image_status(struct cri_client *c, const char *ref, bool *present, char **image_id,
                     assay_error_t *err)
{
	(void)c;
	(void)ref;
	(void)present;
	(void)image_id;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_image_status: not implemented yet");
}

void cri_strv_free(char **v)
{
	(void)v;
}

int cri_wait_exit(struct cri_client *c, const char *container_id, unsigned poll_ms,
                  unsigned timeout_ms, struct cri_container_status *out, assay_error_t *err)
{
	(void)c;
	(void)container_id;
	(void)poll_ms;
	(void)timeout_ms;
	(void)out;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_wait_exit: not implemented yet");
}

int cri_endpoint_resolve(const char *flag, char **endpoint, const char **source, assay_error_t *err)
{
	(void)flag;
	(void)endpoint;
	(void)source;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_endpoint_resolve: not implemented yet");
}

int cri_endpoint_resolve_from(const char *flag, const char *env_value, const char *crictl_yaml,
                              char **endpoint, const char **source, assay_error_t *err)
{
	(void)flag;
	(void)env_value;
	(void)crictl_yaml;
	(void)endpoint;
	(void)source;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_endpoint_resolve_from: not implemented yet");
}

int cri_log_parse_line(const char *line, size_t len, struct cri_log_line *out)
{
	(void)line;
	(void)len;
	(void)out;
	return -1;
}

int cri_log_read(const char *path, char **stdout_text, char **stderr_text, assay_error_t *err)
{
	(void)path;
	(void)stdout_text;
	(void)stderr_text;
	(void)err;
	return assay_error_make(err, ENOSYS, "cri_log_read: not implemented yet");
}

char *cri_log_read_stdout(const char *path, assay_error_t *err)
{
	(void)path;
	(void)err;
	return NULL;
}
