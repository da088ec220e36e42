/* CRI client: the subset of Kubernetes' CRI runtime.v1 assay uses, over gRPC (C core) with
 * protobuf-c messages generated from src/proto/cri.proto (upstream field numbers).
 *
 * Every call has a deadline (cri_set_timeout, default 60 s) and records its wall time
 * (CLOCK_MONOTONIC) in cri_last_call_ns(). A failed call returns <0 with *err set to
 * "METHOD ARG: GRPC_CODE_NAME: message" and remembers the gRPC status code (cri_last_code()).
 *
 * String lists passed in are NULL-terminated arrays: key/value maps as
 * {"k1", "v1", "k2", "v2", NULL}, environments as {"NAME=value", ..., NULL}. Strings returned
 * are malloc'd and owned by the caller (free(), or cri_strv_free() for lists).
 *
 * A client is not thread-safe: use one per thread. */
#ifndef ASSAY_CRI_H
#define ASSAY_CRI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

struct cri_client;

/* gRPC status codes (grpc/status.h), for callers that must tell "not found" apart. */
#define CRI_CODE_OK                0
#define CRI_CODE_DEADLINE_EXCEEDED 4
#define CRI_CODE_NOT_FOUND         5
#define CRI_CODE_UNIMPLEMENTED     12
#define CRI_CODE_UNAVAILABLE       14

/* Connects to a CRI endpoint "unix:///path/to.sock" (a bare absolute path is accepted too).
 * Does not talk to the server yet: the first call does (use cri_version to check). */
int cri_connect(const char *endpoint, struct cri_client **out, assay_error_t *err);
void cri_close(struct cri_client *c);

/* Deadline of every later call, in milliseconds (0 restores the default, 60000). */
void cri_set_timeout(struct cri_client *c, unsigned timeout_ms);
/* A flag (typically set by the caller's SIGINT/SIGTERM handler) that makes cri_wait_exit give up
 * at its next poll. NULL: none. */
void cri_set_cancel(struct cri_client *c, volatile sig_atomic_t *flag);
/* Wall time of the last call (successful or not), ns, CLOCK_MONOTONIC. */
uint64_t cri_last_call_ns(const struct cri_client *c);
/* gRPC status code of the last call (CRI_CODE_OK after a success). */
int cri_last_code(const struct cri_client *c);
/* The endpoint this client talks to, as given to cri_connect. */
const char *cri_endpoint(const struct cri_client *c);

/* RuntimeService.Version: e.g. "containerd", "v1.6.20". Either out pointer may be NULL. */
int cri_version(struct cri_client *c, char **runtime_name, char **runtime_version,
                assay_error_t *err);

/* --- pods ----------------------------------------------------------------------------------- */

struct cri_pod_spec {
	const char *name; /* metadata; name + uid + namespace must be unique */
	const char *uid;
	const char *namespace_; /* NULL: "default" */
	uint32_t attempt;
	const char *hostname;           /* NULL: none (fine with host_network) */
	const char *log_directory;      /* absolute host dir for the containers' CRI logs */
	const char *const *labels;      /* k/v pairs, NULL-terminated; may be NULL */
	const char *const *annotations; /* k/v pairs, NULL-terminated; may be NULL */
	const char *cgroup_parent;      /* NULL: the daemon's default */
	bool host_network;              /* NamespaceOption.network = NODE (no CNI) */
	bool host_pid;                  /* NamespaceOption.pid = NODE (default: POD) */
};

enum cri_pod_state {
	CRI_POD_READY = 0,
	CRI_POD_NOTREADY = 1,
};

struct cri_pod_status {
	char *id;
	enum cri_pod_state state;
	int64_t created_at; /* ns since the epoch */
	char *runtime_handler;
};
void cri_pod_status_release(struct cri_pod_status *s); /* frees the members */

/* RunPodSandbox with runtime_handler ("" or NULL: the daemon's default). *pod_id is malloc'd. */
int cri_run_pod(struct cri_client *c, const struct cri_pod_spec *spec, const char *runtime_handler,
                char **pod_id, assay_error_t *err);
int cri_stop_pod(struct cri_client *c, const char *pod_id, assay_error_t *err);
int cri_remove_pod(struct cri_client *c, const char *pod_id, assay_error_t *err);
int cri_pod_status(struct cri_client *c, const char *pod_id, struct cri_pod_status *out,
                   assay_error_t *err);
/* ListPodSandbox filtered by labels (k/v pairs; NULL: all). *ids is NULL-terminated. */
int cri_list_pods(struct cri_client *c, const char *const *label_selector, char ***ids,
                  assay_error_t *err);

/* --- containers ------------------------------------------------------------------------------ */

struct cri_mount {
	const char *host_path;
	const char *container_path;
	bool readonly;
};

struct cri_resources {
	int64_t cpu_period; /* 0: not set */
	int64_t cpu_quota;  /* 0: not set */
	int64_t cpu_shares; /* 0: not set */
	int64_t memory_limit_bytes;
};

struct cri_container_spec {
	const char *name;
	uint32_t attempt;
	const char *image;          /* reference as imported, e.g. "localhost/assay/cpu:1" */
	const char *const *command; /* entrypoint override, NULL-terminated; NULL: image's */
	const char *const *args;    /* NULL-terminated; NULL: image's */
	const char *const *env;     /* "NAME=value", NULL-terminated; may be NULL */
	const char *working_dir;    /* NULL: image's */
	const char *log_path;       /* relative to the pod's log_directory, e.g. "cpu/0.log" */
	const struct cri_mount *mounts;
	size_t n_mounts;
	struct cri_resources resources;
	const char *const *labels;      /* k/v pairs */
	const char *const *annotations; /* k/v pairs */
	bool host_network;              /* must match the pod's */
	bool host_pid;
	bool readonly_rootfs;
};

enum cri_container_state {
	CRI_CONTAINER_CREATED = 0,
	CRI_CONTAINER_RUNNING = 1,
	CRI_CONTAINER_EXITED = 2,
	CRI_CONTAINER_UNKNOWN = 3,
};

struct cri_container_status {
	char *id;
	enum cri_container_state state;
	int32_t exit_code;                           /* meaningful when finished_at != 0 */
	int64_t created_at, started_at, finished_at; /* ns since the epoch; 0: not yet */
	char *reason;                                /* e.g. "Completed", "Error", "OOMKilled" */
	char *message;
	char *log_path; /* absolute path of the CRI log file */
};
void cri_container_status_release(struct cri_container_status *s); /* frees the members */

/* CreateContainer in pod_id; pod must be the spec the pod was run with (the CRI wants it
 * again). *container_id is malloc'd. */
int cri_create_container(struct cri_client *c, const char *pod_id,
                         const struct cri_container_spec *spec, const struct cri_pod_spec *pod,
                         char **container_id, assay_error_t *err);
int cri_start_container(struct cri_client *c, const char *container_id, assay_error_t *err);
/* StopContainer: SIGTERM, SIGKILL after timeout_s seconds (0: at once). */
int cri_stop_container(struct cri_client *c, const char *container_id, int64_t timeout_s,
                       assay_error_t *err);
int cri_remove_container(struct cri_client *c, const char *container_id, assay_error_t *err);
int cri_container_status(struct cri_client *c, const char *container_id,
                         struct cri_container_status *out, assay_error_t *err);
/* ListContainers of pod_id (NULL: any pod) filtered by labels (NULL: all). */
int cri_list_containers(struct cri_client *c, const char *pod_id, const char *const *label_selector,
                        char ***ids, assay_error_t *err);
int cri_update_resources(struct cri_client *c, const char *container_id,
                         const struct cri_resources *r, assay_error_t *err);

/* --- images ---------------------------------------------------------------------------------- */

/* ImageService.ImageStatus: *present tells whether the daemon has ref; *image_id (may be NULL)
 * gets its id ("sha256:...") when present. */
int cri_image_status(struct cri_client *c, const char *ref, bool *present, char **image_id,
                     assay_error_t *err);

/* ImageService.RemoveImage (an image assay placed on a daemon it did not start). */
int cri_remove_image(struct cri_client *c, const char *ref, assay_error_t *err);

/* --- helpers --------------------------------------------------------------------------------- */

void cri_strv_free(char **v);

/* Polls ContainerStatus every poll_ms (clamped to >= 10) until the container has exited or
 * timeout_ms passed (ETIMEDOUT in the error's status then). Fills *out on success. Returns early
 * with EINTR in the error's status when a signal interrupts the wait or the client's cancel
 * flag (cri_set_cancel) is set. */
int cri_wait_exit(struct cri_client *c, const char *container_id, unsigned poll_ms,
                  unsigned timeout_ms, struct cri_container_status *out, assay_error_t *err);

/* Which endpoint to use, like crictl: the flag (if non-NULL and non-empty), else
 * $CONTAINER_RUNTIME_ENDPOINT, else `runtime-endpoint:` of /etc/crictl.yaml. *endpoint is
 * malloc'd, or NULL when none is configured (the caller then starts the embedded daemon);
 * *source (may be NULL) says where it came from ("--endpoint", "CONTAINER_RUNTIME_ENDPOINT",
 * the yaml path). Endpoints must be unix:// URIs or absolute socket paths. */
int cri_endpoint_resolve(const char *flag, char **endpoint, const char **source,
                         assay_error_t *err);
/* Same with the environment value and the crictl.yaml path given (tests). */
int cri_endpoint_resolve_from(const char *flag, const char *env_value, const char *crictl_yaml,
                              char **endpoint, const char **source, assay_error_t *err);

/* --- CRI log files (kubelet format: "<RFC3339Nano> <stdout|stderr> <P|F> <message>\n") --- */

enum cri_log_stream {
	CRI_LOG_STDOUT = 0,
	CRI_LOG_STDERR = 1,
};

struct cri_log_line {
	const char *timestamp; /* points into the parsed line, not NUL-terminated */
	size_t timestamp_len;
	enum cri_log_stream stream;
	bool partial;        /* "P": the message continues in the next line of this stream */
	const char *message; /* points into the line, without the trailing newline */
	size_t message_len;
};

/* Parses one line (len bytes, trailing '\n' optional). Returns 0, or -1 if malformed. */
int cri_log_parse_line(const char *line, size_t len, struct cri_log_line *out);

/* Reads a CRI log file and reassembles each stream's partial lines. Either out may be NULL.
 * Full lines end with '\n'. Malformed lines are an error naming path:line. */
int cri_log_read(const char *path, char **stdout_text, char **stderr_text, assay_error_t *err);
/* Convenience: the stdout stream only, or NULL with *err set. */
char *cri_log_read_stdout(const char *path, assay_error_t *err);

#endif
