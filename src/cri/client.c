/* CRI client over the gRPC C core: one unary call per CRI method, messages packed and unpacked
 * with protobuf-c (src/proto/cri.proto). Requests point at the caller's strings; whatever the
 * request needs beyond that (map entries, arrays) comes from a small per-call pool. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/slice.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>

#include "cri/cri.h"
#include "cri.pb-c.h"
#include "lib/util.h"

#define DEFAULT_TIMEOUT_MS 60000u

struct cri_client {
	grpc_channel *channel;
	grpc_completion_queue *cq;
	char *endpoint;
	unsigned timeout_ms;
	uint64_t last_ns;
	int last_code;
	volatile sig_atomic_t *cancel;
};

static const char *const code_names[] = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};

static const char *code_name(int code)
{
	if (code >= 0 && (size_t)code < sizeof(code_names) / sizeof(code_names[0]))
		return code_names[code];
	return "UNKNOWN_CODE";
}

/* Allocations a request needs for one call, freed together afterwards. */
struct pool {
	void **p;
	size_t n, cap;
};

static void *pool_alloc(struct pool *pool, size_t size)
{
	void *p = xcalloc(1, size);

	if (pool->n == pool->cap) {
		pool->cap = pool->cap ? pool->cap * 2 : 16;
		pool->p = xrealloc(pool->p, pool->cap * sizeof(*pool->p));
	}
	pool->p[pool->n++] = p;
	return p;
}

static void pool_release(struct pool *pool)
{
	for (size_t i = 0; i < pool->n; i++)
		free(pool->p[i]);
	free(pool->p);
	pool->p = NULL;
	pool->n = pool->cap = 0;
}

#define cleanup_pool __attribute__((cleanup(pool_release)))

static char *S(const char *s)
{
	return (char *)(s ? s : "");
}

static size_t strv_len(const char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* Fills a map field (repeated XxxEntry {key, value}) of msg from k/v pairs. Map entries of every
 * message share one shape, so the field's own descriptor tells how to build them. */
static int set_map(struct pool *pool, ProtobufCMessage *msg, const char *field,
                   const char *const *kv, assay_error_t *err)
{
	const ProtobufCFieldDescriptor *f;
	const ProtobufCMessageDescriptor *ed;
	size_t n = strv_len(kv);
	ProtobufCMessage **entries;

	if (n == 0)
		return 0;
	if (n % 2)
		return assay_error_make(err, EINVAL, "%s: odd number of strings in key/value list",
		                        field);
	f = protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, field);
	if (f == NULL || f->label != PROTOBUF_C_LABEL_REPEATED)
		return assay_error_make(err, EINVAL, "no map field `%s` in %s", field,
		                        msg->descriptor->name);
	ed = f->descriptor;
	entries = pool_alloc(pool, (n / 2) * sizeof(*entries));
	for (size_t i = 0; i < n / 2; i++) {
		ProtobufCMessage *e = pool_alloc(pool, ed->sizeof_message);

		protobuf_c_message_init(ed, e);
		*(const char **)((char *)e + ed->fields[0].offset) = kv[2 * i];
		*(const char **)((char *)e + ed->fields[1].offset) = kv[2 * i + 1];
		entries[i] = e;
	}
	*(size_t *)((char *)msg + f->quantifier_offset) = n / 2;
	*(ProtobufCMessage ***)((char *)msg + f->offset) = entries;
	return 0;
}

int cri_connect(const char *endpoint, struct cri_client **out, assay_error_t *err)
{
	struct cri_client *c;
	grpc_channel_credentials *creds;
	cleanup_free char *target = NULL;

	if (endpoint == NULL || *endpoint == '\0')
		return assay_error_usage(err, "empty CRI endpoint");
	if (strncmp(endpoint, "unix://", 7) == 0)
		target = xstrdup(endpoint);
	else if (endpoint[0] == '/')
		target = xasprintf("unix://%s", endpoint);
	else
		return assay_error_usage(
		    err, "CRI endpoint `%s`: only unix:///path sockets are supported", endpoint);

	grpc_init();
	c = xcalloc(1, sizeof(*c));
	creds = grpc_insecure_credentials_create();
	c->channel = grpc_channel_create(target, creds, NULL);
	grpc_channel_credentials_release(creds);
	c->cq = grpc_completion_queue_create_for_next(NULL);
	c->endpoint = xstrdup(endpoint);
	c->timeout_ms = DEFAULT_TIMEOUT_MS;
	*out = c;
	return 0;
}

void cri_close(struct cri_client *c)
{
	grpc_event ev;

	if (c == NULL)
		return;
	grpc_channel_destroy(c->channel);
	grpc_completion_queue_shutdown(c->cq);
	do
		ev = grpc_completion_queue_next(c->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
	while (ev.type != GRPC_QUEUE_SHUTDOWN);
	grpc_completion_queue_destroy(c->cq);
	free(c->endpoint);
	free(c);
	grpc_shutdown();
}

void cri_set_timeout(struct cri_client *c, unsigned timeout_ms)
{
	c->timeout_ms = timeout_ms ? timeout_ms : DEFAULT_TIMEOUT_MS;
}

void cri_set_cancel(struct cri_client *c, volatile sig_atomic_t *flag)
{
	c->cancel = flag;
}

uint64_t cri_last_call_ns(const struct cri_client *c)
{
	return c->last_ns;
}

int cri_last_code(const struct cri_client *c)
{
	return c->last_code;
}

const char *cri_endpoint(const struct cri_client *c)
{
	return c->endpoint;
}

/* One unary call: "/runtime.v1.SERVICE/METHOD". what names the call in errors ("StartContainer
 * 4f2a…"). The response is unpacked into *resp (free with protobuf_c_message_free_unpacked). */
static int unary(struct cri_client *c, const char *service, const char *method,
                 const ProtobufCMessage *req, const ProtobufCMessageDescriptor *resp_desc,
                 ProtobufCMessage **resp, const char *what, assay_error_t *err)
{
	cleanup_free char *path = xasprintf("/runtime.v1.%s/%s", service, method);
	cleanup_free uint8_t *buf = NULL;
	size_t len = protobuf_c_message_get_packed_size(req);
	grpc_slice slice, method_slice, details = grpc_empty_slice();
	grpc_byte_buffer *send, *recv = NULL;
	grpc_metadata_array initial_md, trailing_md;
	grpc_status_code status = GRPC_STATUS_UNKNOWN;
	grpc_op ops[6];
	grpc_call *call;
	grpc_call_error cerr;
	grpc_event ev;
	gpr_timespec deadline;
	uint64_t t0;
	int ret = 0;

	buf = xmalloc(len);
	protobuf_c_message_pack(req, buf);
	slice = grpc_slice_from_copied_buffer((const char *)buf, len);
	send = grpc_raw_byte_buffer_create(&slice, 1);
	grpc_slice_unref(slice);
	grpc_metadata_array_init(&initial_md);
	grpc_metadata_array_init(&trailing_md);

	memset(ops, 0, sizeof(ops));
	ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
	ops[1].op = GRPC_OP_SEND_MESSAGE;
	ops[1].data.send_message.send_message = send;
	ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
	ops[3].op = GRPC_OP_RECV_INITIAL_METADATA;
	ops[3].data.recv_initial_metadata.recv_initial_metadata = &initial_md;
	ops[4].op = GRPC_OP_RECV_MESSAGE;
	ops[4].data.recv_message.recv_message = &recv;
	ops[5].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
	ops[5].data.recv_status_on_client.trailing_metadata = &trailing_md;
	ops[5].data.recv_status_on_client.status = &status;
	ops[5].data.recv_status_on_client.status_details = &details;

	t0 = assay_now_ns(CLOCK_MONOTONIC);
	deadline = gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
	                        gpr_time_from_millis(c->timeout_ms, GPR_TIMESPAN));
	method_slice = grpc_slice_from_copied_string(path);
	call = grpc_channel_create_call(c->channel, NULL, GRPC_PROPAGATE_DEFAULTS, c->cq,
	                                method_slice, NULL, deadline, NULL);
	grpc_slice_unref(method_slice);
	cerr = grpc_call_start_batch(call, ops, 6, call, NULL);
	if (cerr != GRPC_CALL_OK) {
		grpc_call_unref(call);
		c->last_ns = assay_now_ns(CLOCK_MONOTONIC) - t0;
		c->last_code = GRPC_STATUS_INTERNAL;
		ret = assay_error_make(err, 0, "%s: grpc_call_start_batch failed (%d)", what,
		                       (int)cerr);
		goto out;
	}
	/* The call's own deadline ends it; the queue only needs to outlive that. */
	do
		ev = grpc_completion_queue_next(c->cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
	while (ev.type != GRPC_OP_COMPLETE || ev.tag != call);
	c->last_ns = assay_now_ns(CLOCK_MONOTONIC) - t0;
	grpc_call_unref(call);

	c->last_code = status;
	if (status != GRPC_STATUS_OK) {
		char *msg = grpc_slice_to_c_string(details);

		ret = assay_error_make(err, status == GRPC_STATUS_DEADLINE_EXCEEDED ? ETIMEDOUT : 0,
		                       "%s: %s: %s", what, code_name(status), msg);
		gpr_free(msg);
		goto out;
	}
	if (recv == NULL) {
		c->last_code = GRPC_STATUS_INTERNAL;
		ret = assay_error_make(err, 0, "%s: no response message", what);
		goto out;
	}
	{
		grpc_byte_buffer_reader reader;
		grpc_slice all;

		grpc_byte_buffer_reader_init(&reader, recv);
		all = grpc_byte_buffer_reader_readall(&reader);
		grpc_byte_buffer_reader_destroy(&reader);
		*resp = protobuf_c_message_unpack(resp_desc, NULL, GRPC_SLICE_LENGTH(all),
		                                  GRPC_SLICE_START_PTR(all));
		grpc_slice_unref(all);
		if (*resp == NULL) {
			c->last_code = GRPC_STATUS_INTERNAL;
			ret = assay_error_make(err, EPROTO, "%s: cannot decode %s", what,
			                       resp_desc->name);
		}
	}
out:
	grpc_byte_buffer_destroy(send);
	if (recv)
		grpc_byte_buffer_destroy(recv);
	grpc_slice_unref(details);
	grpc_metadata_array_destroy(&initial_md);
	grpc_metadata_array_destroy(&trailing_md);
	return ret;
}

static void free_resp(ProtobufCMessage **m)
{
	if (*m)
		protobuf_c_message_free_unpacked(*m, NULL);
}

#define cleanup_resp __attribute__((cleanup(free_resp)))

#define RUNTIME(c, method, req, resp_desc, resp, what, err)                                        \
	unary(c, "RuntimeService", method, &(req)->base, resp_desc, resp, what, err)

int cri_version(struct cri_client *c, char **runtime_name, char **runtime_version,
                assay_error_t *err)
{
	Runtime__V1__VersionRequest req = RUNTIME__V1__VERSION_REQUEST__INIT;
	cleanup_resp ProtobufCMessage *m = NULL;
	Runtime__V1__VersionResponse *r;

	req.version = "v1";
	if (RUNTIME(c, "Version", &req, &runtime__v1__version_response__descriptor, &m, "Version",
	            err) < 0)
		return -1;
	r = (Runtime__V1__VersionResponse *)m;
	if (runtime_name)
		*runtime_name = xstrdup(S(r->runtime_name));
	if (runtime_version)
		*runtime_version = xstrdup(S(r->runtime_version));
	return 0;
}

/* The calls whose request is an id alone (field 1) and whose response is empty. */
static int call_by_id(struct cri_client *c, const char *method,
                      const ProtobufCMessageDescriptor *req_desc,
                      const ProtobufCMessageDescriptor *resp_desc, const char *id,
                      assay_error_t *err)
{
	const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(req_desc, 1);
	cleanup_free ProtobufCMessage *req = xcalloc(1, req_desc->sizeof_message);
	cleanup_resp ProtobufCMessage *m = NULL;
	cleanup_free char *what = xasprintf("%s %.13s", method, id);

	protobuf_c_message_init(req_desc, req);
	*(const char **)((char *)req + f->offset) = S(id);
	return unary(c, "RuntimeService", method, req, resp_desc, &m, what, err);
}

/* --- pods ----------------------------------------------------------------------------------- */

static Runtime__V1__NamespaceOption *namespaces(struct pool *pool, bool host_network, bool host_pid)
{
	Runtime__V1__NamespaceOption *ns = pool_alloc(pool, sizeof(*ns));

	runtime__v1__namespace_option__init(ns);
	ns->network =
	    host_network ? RUNTIME__V1__NAMESPACE_MODE__NODE : RUNTIME__V1__NAMESPACE_MODE__POD;
	ns->pid = host_pid ? RUNTIME__V1__NAMESPACE_MODE__NODE : RUNTIME__V1__NAMESPACE_MODE__POD;
	ns->ipc = RUNTIME__V1__NAMESPACE_MODE__POD;
	return ns;
}

static int pod_config(struct pool *pool, const struct cri_pod_spec *spec,
                      Runtime__V1__PodSandboxConfig **out, assay_error_t *err)
{
	Runtime__V1__PodSandboxConfig *cfg = pool_alloc(pool, sizeof(*cfg));
	Runtime__V1__PodSandboxMetadata *md = pool_alloc(pool, sizeof(*md));
	Runtime__V1__LinuxPodSandboxConfig *lx = pool_alloc(pool, sizeof(*lx));
	Runtime__V1__LinuxSandboxSecurityContext *sc = pool_alloc(pool, sizeof(*sc));

	if (spec->name == NULL || spec->uid == NULL)
		return assay_error_make(err, EINVAL, "pod spec without name or uid");
	runtime__v1__pod_sandbox_config__init(cfg);
	runtime__v1__pod_sandbox_metadata__init(md);
	runtime__v1__linux_pod_sandbox_config__init(lx);
	runtime__v1__linux_sandbox_security_context__init(sc);
	md->name = S(spec->name);
	md->uid = S(spec->uid);
	md->namespace_ = spec->namespace_ ? (char *)spec->namespace_ : "default";
	md->attempt = spec->attempt;
	cfg->metadata = md;
	cfg->hostname = S(spec->hostname);
	cfg->log_directory = S(spec->log_directory);
	sc->namespace_options = namespaces(pool, spec->host_network, spec->host_pid);
	lx->security_context = sc;
	lx->cgroup_parent = S(spec->cgroup_parent);
	cfg->linux = lx;
	if (set_map(pool, &cfg->base, "labels", spec->labels, err) < 0 ||
	    set_map(pool, &cfg->base, "annotations", spec->annotations, err) < 0)
		return assay_error_wrap(err, "pod %s", spec->name);
	*out = cfg;
	return 0;
}

int cri_run_pod(struct cri_client *c, const struct cri_pod_spec *spec, const char *runtime_handler,
                char **pod_id, assay_error_t *err)
{
	Runtime__V1__RunPodSandboxRequest req = RUNTIME__V1__RUN_POD_SANDBOX_REQUEST__INIT;
	cleanup_pool struct pool pool = {0};
	cleanup_resp ProtobufCMessage *m = NULL;
	cleanup_free char *what = NULL;

	if (pod_config(&pool, spec, &req.config, err) < 0)
		return -1;
	req.runtime_handler = S(runtime_handler);
	what = xasprintf("RunPodSandbox %s (handler %s)", spec->name,
	                 runtime_handler && *runtime_handler ? runtime_handler : "default");
	if (RUNTIME(c, "RunPodSandbox", &req, &runtime__v1__run_pod_sandbox_response__descriptor,
	            &m, what, err) < 0)
		return -1;
	*pod_id = xstrdup(S(((Runtime__V1__RunPodSandboxResponse *)m)->pod_sandbox_id));
	return 0;
}

int cri_stop_pod(struct cri_client *c, const char *pod_id, assay_error_t *err)
{
	return call_by_id(c, "StopPodSandbox", &runtime__v1__stop_pod_sandbox_request__descriptor,
	                  &runtime__v1__stop_pod_sandbox_response__descriptor, pod_id, err);
}

int cri_remove_pod(struct cri_client *c, const char *pod_id, assay_error_t *err)
{
	return call_by_id(c, "RemovePodSandbox",
	                  &runtime__v1__remove_pod_sandbox_request__descriptor,
	                  &runtime__v1__remove_pod_sandbox_response__descriptor, pod_id, err);
}

void cri_pod_status_release(struct cri_pod_status *s)
{
	if (s == NULL)
		return;
	free(s->id);
	free(s->runtime_handler);
	memset(s, 0, sizeof(*s));
}

int cri_pod_status(struct cri_client *c, const char *pod_id, struct cri_pod_status *out,
                   assay_error_t *err)
{
	Runtime__V1__PodSandboxStatusRequest req = RUNTIME__V1__POD_SANDBOX_STATUS_REQUEST__INIT;
	cleanup_resp ProtobufCMessage *m = NULL;
	cleanup_free char *what = xasprintf("PodSandboxStatus %.13s", pod_id);
	Runtime__V1__PodSandboxStatus *st;

	req.pod_sandbox_id = S(pod_id);
	if (RUNTIME(c, "PodSandboxStatus", &req,
	            &runtime__v1__pod_sandbox_status_response__descriptor, &m, what, err) < 0)
		return -1;
	st = ((Runtime__V1__PodSandboxStatusResponse *)m)->status;
	if (st == NULL)
		return assay_error_make(err, EPROTO, "%s: response without status", what);
	out->id = xstrdup(S(st->id));
	out->state = st->state == RUNTIME__V1__POD_SANDBOX_STATE__SANDBOX_READY ? CRI_POD_READY
	                                                                        : CRI_POD_NOTREADY;
	out->created_at = st->created_at;
	out->runtime_handler = xstrdup(S(st->runtime_handler));
	return 0;
}

int cri_list_pods(struct cri_client *c, const char *const *label_selector, char ***ids,
                  assay_error_t *err)
{
	Runtime__V1__ListPodSandboxRequest req = RUNTIME__V1__LIST_POD_SANDBOX_REQUEST__INIT;
	Runtime__V1__PodSandboxFilter filter = RUNTIME__V1__POD_SANDBOX_FILTER__INIT;
	cleanup_pool struct pool pool = {0};
	cleanup_resp ProtobufCMessage *m = NULL;
	Runtime__V1__ListPodSandboxResponse *r;
	char **v;

	if (set_map(&pool, &filter.base, "label_selector", label_selector, err) < 0)
		return assay_error_wrap(err, "ListPodSandbox");
	req.filter = &filter;
	if (RUNTIME(c, "ListPodSandbox", &req, &runtime__v1__list_pod_sandbox_response__descriptor,
	            &m, "ListPodSandbox", err) < 0)
		return -1;
	r = (Runtime__V1__ListPodSandboxResponse *)m;
	v = xcalloc(r->n_items + 1, sizeof(*v));
	for (size_t i = 0; i < r->n_items; i++)
		v[i] = xstrdup(S(r->items[i]->id));
	*ids = v;
	return 0;
}

/* --- containers ------------------------------------------------------------------------------ */

static Runtime__V1__LinuxContainerResources *resources(struct pool *pool,
                                                       const struct cri_resources *r)
{
	Runtime__V1__LinuxContainerResources *lr = pool_alloc(pool, sizeof(*lr));

	runtime__v1__linux_container_resources__init(lr);
	lr->cpu_period = r->cpu_period;
	lr->cpu_quota = r->cpu_quota;
	lr->cpu_shares = r->cpu_shares;
	lr->memory_limit_in_bytes = r->memory_limit_bytes;
	return lr;
}

static int container_config(struct pool *pool, const struct cri_container_spec *spec,
                            Runtime__V1__ContainerConfig **out, assay_error_t *err)
{
	Runtime__V1__ContainerConfig *cfg = pool_alloc(pool, sizeof(*cfg));
	Runtime__V1__ContainerMetadata *md = pool_alloc(pool, sizeof(*md));
	Runtime__V1__ImageSpec *img = pool_alloc(pool, sizeof(*img));
	Runtime__V1__LinuxContainerConfig *lx = pool_alloc(pool, sizeof(*lx));
	Runtime__V1__LinuxContainerSecurityContext *sc = pool_alloc(pool, sizeof(*sc));
	size_t n_env = strv_len(spec->env);

	if (spec->name == NULL || spec->image == NULL)
		return assay_error_make(err, EINVAL, "container spec without name or image");
	runtime__v1__container_config__init(cfg);
	runtime__v1__container_metadata__init(md);
	runtime__v1__image_spec__init(img);
	runtime__v1__linux_container_config__init(lx);
	runtime__v1__linux_container_security_context__init(sc);
	md->name = S(spec->name);
	md->attempt = spec->attempt;
	img->image = S(spec->image);
	cfg->metadata = md;
	cfg->image = img;
	cfg->n_command = strv_len(spec->command);
	cfg->command = (char **)spec->command;
	cfg->n_args = strv_len(spec->args);
	cfg->args = (char **)spec->args;
	cfg->working_dir = S(spec->working_dir);
	cfg->log_path = S(spec->log_path);
	if (n_env) {
		cfg->envs = pool_alloc(pool, n_env * sizeof(*cfg->envs));
		for (size_t i = 0; i < n_env; i++) {
			Runtime__V1__KeyValue *kv = pool_alloc(pool, sizeof(*kv));
			const char *eq = strchr(spec->env[i], '=');
			char *key;

			if (eq == NULL || eq == spec->env[i])
				return assay_error_make(err, EINVAL,
				                        "container %s: environment entry `%s` is "
				                        "not NAME=value",
				                        spec->name, spec->env[i]);
			key = pool_alloc(pool, (size_t)(eq - spec->env[i]) + 1);
			memcpy(key, spec->env[i], (size_t)(eq - spec->env[i]));
			runtime__v1__key_value__init(kv);
			kv->key = key;
			kv->value = (char *)eq + 1;
			cfg->envs[i] = kv;
		}
		cfg->n_envs = n_env;
	}
	if (spec->n_mounts) {
		cfg->mounts = pool_alloc(pool, spec->n_mounts * sizeof(*cfg->mounts));
		for (size_t i = 0; i < spec->n_mounts; i++) {
			Runtime__V1__Mount *mt = pool_alloc(pool, sizeof(*mt));

			runtime__v1__mount__init(mt);
			mt->host_path = S(spec->mounts[i].host_path);
			mt->container_path = S(spec->mounts[i].container_path);
			mt->readonly = spec->mounts[i].readonly;
			cfg->mounts[i] = mt;
		}
		cfg->n_mounts = spec->n_mounts;
	}
	sc->namespace_options = namespaces(pool, spec->host_network, spec->host_pid);
	sc->readonly_rootfs = spec->readonly_rootfs;
	lx->security_context = sc;
	lx->resources = resources(pool, &spec->resources);
	cfg->linux = lx;
	if (set_map(pool, &cfg->base, "labels", spec->labels, err) < 0 ||
	    set_map(pool, &cfg->base, "annotations", spec->annotations, err) < 0)
		return assay_error_wrap(err, "container %s", spec->name);
	*out = cfg;
	return 0;
}

int cri_create_container(struct cri_client *c, const char *pod_id,
                         const struct cri_container_spec *spec, const struct cri_pod_spec *pod,
                         char **container_id, assay_error_t *err)
{
	Runtime__V1__CreateContainerRequest req = RUNTIME__V1__CREATE_CONTAINER_REQUEST__INIT;
	cleanup_pool struct pool pool = {0};
	cleanup_resp ProtobufCMessage *m = NULL;
	cleanup_free char *what = NULL;

	if (container_config(&pool, spec, &req.config, err) < 0 ||
	    pod_config(&pool, pod, &req.sandbox_config, err) < 0)
		return assay_error_wrap(err, "CreateContainer");
	req.pod_sandbox_id = S(pod_id);
	what = xasprintf("CreateContainer %s (image %s) in pod %.13s", spec->name, spec->image,
	                 pod_id);
	if (RUNTIME(c, "CreateContainer", &req, &runtime__v1__create_container_response__descriptor,
	            &m, what, err) < 0)
		return -1;
	*container_id = xstrdup(S(((Runtime__V1__CreateContainerResponse *)m)->container_id));
	return 0;
}

int cri_start_container(struct cri_client *c, const char *container_id, assay_error_t *err)
{
	return call_by_id(c, "StartContainer", &runtime__v1__start_container_request__descriptor,
	                  &runtime__v1__start_container_response__descriptor, container_id, err);
}

int cri_stop_container(struct cri_client *c, const char *container_id, int64_t timeout_s,
                       assay_error_t *err)
{
	Runtime__V1__StopContainerRequest req = RUNTIME__V1__STOP_CONTAINER_REQUEST__INIT;
	cleanup_resp ProtobufCMessage *m = NULL;
	cleanup_free char *what = xasprintf("StopContainer %.13s", container_id);

	req.container_id = S(container_id);
	req.timeout = timeout_s;
	return RUNTIME(c, "StopContainer", &req, &runtime__v1__stop_container_response__descriptor,
	               &m, what, err);
}

int cri_remove_container(struct cri_client *c, const char *container_id, assay_error_t *err)
{
	return call_by_id(c, "RemoveContainer", &runtime__v1__remove_container_request__descriptor,
	                  &runtime__v1__remove_container_response__descriptor, container_id, err);
}

void cri_container_status_release(struct cri_container_status *s)
{
	if (s == NULL)
		return;
	free(s->id);
	free(s->reason);
	free(s->message);
	free(s->log_path);
	memset(s, 0, sizeof(*s));
}

int cri_container_status(struct cri_client *c, const char *container_id,
                         struct cri_container_status *out, assay_error_t *err)
{
	Runtime__V1__ContainerStatusRequest req = RUNTIME__V1__CONTAINER_STATUS_REQUEST__INIT;
	cleanup_resp ProtobufCMessage *m = NULL;
	cleanup_free char *what = xasprintf("ContainerStatus %.13s", container_id);
	Runtime__V1__ContainerStatus *st;

	req.container_id = S(container_id);
	if (RUNTIME(c, "ContainerStatus", &req, &runtime__v1__container_status_response__descriptor,
	            &m, what, err) < 0)
		return -1;
	st = ((Runtime__V1__ContainerStatusResponse *)m)->status;
	if (st == NULL)
		return assay_error_make(err, EPROTO, "%s: response without status", what);
	out->id = xstrdup(S(st->id));
	switch (st->state) {
	case RUNTIME__V1__CONTAINER_STATE__CONTAINER_CREATED:
		out->state = CRI_CONTAINER_CREATED;
		break;
	case RUNTIME__V1__CONTAINER_STATE__CONTAINER_RUNNING:
		out->state = CRI_CONTAINER_RUNNING;
		break;
	case RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED:
		out->state = CRI_CONTAINER_EXITED;
		break;
	default:
		out->state = CRI_CONTAINER_UNKNOWN;
		break;
	}
	out->exit_code = st->exit_code;
	out->created_at = st->created_at;
	out->started_at = st->started_at;
	out->finished_at = st->finished_at;
	out->reason = xstrdup(S(st->reason));
	out->message = xstrdup(S(st->message));
	out->log_path = xstrdup(S(st->log_path));
	return 0;
}

int cri_list_containers(struct cri_client *c, const char *pod_id, const char *const *label_selector,
                        char ***ids, assay_error_t *err)
{
	Runtime__V1__ListContainersRequest req = RUNTIME__V1__LIST_CONTAINERS_REQUEST__INIT;
	Runtime__V1__ContainerFilter filter = RUNTIME__V1__CONTAINER_FILTER__INIT;
	cleanup_pool struct pool pool = {0};
	cleanup_resp ProtobufCMessage *m = NULL;
	Runtime__V1__ListContainersResponse *r;
	char **v;

	if (set_map(&pool, &filter.base, "label_selector", label_selector, err) < 0)
		return assay_error_wrap(err, "ListContainers");
	filter.pod_sandbox_id = S(pod_id);
	req.filter = &filter;
	if (RUNTIME(c, "ListContainers", &req, &runtime__v1__list_containers_response__descriptor,
	            &m, "ListContainers", err) < 0)
		return -1;
	r = (Runtime__V1__ListContainersResponse *)m;
	v = xcalloc(r->n_containers + 1, sizeof(*v));
	for (size_t i = 0; i < r->n_containers; i++)
		v[i] = xstrdup(S(r->containers[i]->id));
	*ids = v;
	return 0;
}

int cri_update_resources(struct cri_client *c, const char *container_id,
                         const struct cri_resources *r, assay_error_t *err)
{
	Runtime__V1__UpdateContainerResourcesRequest req =
	    RUNTIME__V1__UPDATE_CONTAINER_RESOURCES_REQUEST__INIT;
	cleanup_pool struct pool pool = {0};
	cleanup_resp ProtobufCMessage *m = NULL;
	cleanup_free char *what = xasprintf("UpdateContainerResources %.13s", container_id);

	req.container_id = S(container_id);
	req.linux = resources(&pool, r);
	return RUNTIME(c, "UpdateContainerResources", &req,
	               &runtime__v1__update_container_resources_response__descriptor, &m, what,
	               err);
}

/* --- images ---------------------------------------------------------------------------------- */

int cri_image_status(struct cri_client *c, const char *ref, bool *present, char **image_id,
                     assay_error_t *err)
{
	Runtime__V1__ImageStatusRequest req = RUNTIME__V1__IMAGE_STATUS_REQUEST__INIT;
	Runtime__V1__ImageSpec spec = RUNTIME__V1__IMAGE_SPEC__INIT;
	cleanup_resp ProtobufCMessage *m = NULL;
	cleanup_free char *what = xasprintf("ImageStatus %s", ref);
	Runtime__V1__Image *img;

	spec.image = S(ref);
	req.image = &spec;
	if (unary(c, "ImageService", "ImageStatus", &req.base,
	          &runtime__v1__image_status_response__descriptor, &m, what, err) < 0)
		return -1;
	img = ((Runtime__V1__ImageStatusResponse *)m)->image;
	*present = img != NULL && img->id && *img->id;
	if (image_id)
		*image_id = *present ? xstrdup(img->id) : NULL;
	return 0;
}

int cri_remove_image(struct cri_client *c, const char *ref, assay_error_t *err)
{
	Runtime__V1__RemoveImageRequest req = RUNTIME__V1__REMOVE_IMAGE_REQUEST__INIT;
	Runtime__V1__ImageSpec spec = RUNTIME__V1__IMAGE_SPEC__INIT;
	cleanup_resp ProtobufCMessage *m = NULL;
	cleanup_free char *what = xasprintf("RemoveImage %s", ref);

	spec.image = S(ref);
	req.image = &spec;
	return unary(c, "ImageService", "RemoveImage", &req.base,
	             &runtime__v1__remove_image_response__descriptor, &m, what, err);
}

/* --- helpers --------------------------------------------------------------------------------- */

void cri_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int cri_wait_exit(struct cri_client *c, const char *container_id, unsigned poll_ms,
                  unsigned timeout_ms, struct cri_container_status *out, assay_error_t *err)
{
	uint64_t end = assay_now_ns(CLOCK_MONOTONIC) + (uint64_t)timeout_ms * 1000000ull;
	struct timespec ts;

	if (poll_ms < 10)
		poll_ms = 10;
	ts.tv_sec = poll_ms / 1000;
	ts.tv_nsec = (long)(poll_ms % 1000) * 1000000L;
	for (;;) {
		struct cri_container_status st = {0};

		if (cri_container_status(c, container_id, &st, err) < 0)
			return -1;
		if (st.state == CRI_CONTAINER_EXITED || st.finished_at != 0) {
			*out = st;
			return 0;
		}
		cri_container_status_release(&st);
		if (c->cancel && *c->cancel)
			return assay_error_make(
			    err, EINTR, "waiting for container %.13s: cancelled", container_id);
		if (assay_now_ns(CLOCK_MONOTONIC) >= end)
			return assay_error_make(err, ETIMEDOUT,
			                        "container %.13s still running after %u ms",
			                        container_id, timeout_ms);
		/* A signal ends the wait: the caller decides whether to go on. */
		if (nanosleep(&ts, NULL) < 0 && errno == EINTR)
			return assay_error_make(err, EINTR, "waiting for container %.13s",
			                        container_id);
	}
}
