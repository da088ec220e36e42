/* Drives the embedded containerd through the CRI for tests/integration/cri-lifecycle.sh, printing
 * TAP: start the daemon, import an image, then per handler RunPodSandbox → CreateContainer →
 * StartContainer → wait (ContainerStatus) → JSON from the CRI log → Stop/Remove, each call timed;
 * finally daemon_stop. The last line before the plan is "# run-dir PATH" for the caller's
 * leftover checks.
 *
 *   cri-drive -p PAUSE.tar -P PAUSE_REF -i IMAGE.tar -I IMAGE_REF [-a ADAPTER] [-H h1,h2]
 *             [-e NAME=VALUE] [--hold | --kill-daemon] [-- ARGS...]
 *
 * --hold: start one long container (ARGS) under the first handler and wait for it until a
 * SIGINT/SIGTERM arrives; then tear down and exit 128+signal, the collector's way.
 * --kill-daemon: start one long container, SIGKILL containerd, then daemon_stop.
 * --reclaim RUN_DIR: daemon_reclaim, for the run directory of a driver that was SIGKILLed. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cri/cri.h"
#include "daemons/daemon.h"
#include "tap.h"
#include "lib/util.h"

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static void fail_diag(assay_error_t *err)
{
	char *t = assay_error_text(*err);

	diag("error: %s", t ? t : "(none)");
	free(t);
	assay_error_release(err);
}

#define TIMED(what, call)                                                                          \
	({                                                                                         \
		int r_ = (call);                                                                   \
		ok(r_ == 0, "%s: %s (%.1f ms)", handler, what, cri_last_call_ns(c) / 1e6);         \
		if (r_ < 0)                                                                        \
			fail_diag(&err);                                                           \
		r_;                                                                                \
	})

/* The read-only and update calls, on the pod and its created (not yet started) container. */
static void inspect(struct cri_client *c, const char *handler, const char *pod_id,
                    const char *ctr_id, const char *const *labels)
{
	const char *other[] = {"assay.test", "no-such-run", NULL};
	struct cri_resources res = {.cpu_period = 100000, .cpu_quota = 50000, .cpu_shares = 512};
	struct cri_container_status st = {0};
	struct cri_pod_status ps = {0};
	assay_error_t err = NULL;
	char **ids = NULL;

	if (TIMED("PodSandboxStatus", cri_pod_status(c, pod_id, &ps, &err)) == 0) {
		ok(ps.state == CRI_POD_READY && !strcmp(ps.id, pod_id) && ps.created_at > 0,
		   "%s: pod is READY", handler);
		is_str(ps.runtime_handler, handler, "%s: pod reports its handler", handler);
	}
	cri_pod_status_release(&ps);
	if (TIMED("ListPodSandbox by labels", cri_list_pods(c, labels, &ids, &err)) == 0)
		ok(ids[0] && !strcmp(ids[0], pod_id) && !ids[1], "%s: exactly our pod listed",
		   handler);
	cri_strv_free(ids);
	ids = NULL;
	if (TIMED("ListPodSandbox by other labels", cri_list_pods(c, other, &ids, &err)) == 0)
		ok(ids[0] == NULL, "%s: label filter excludes our pod", handler);
	cri_strv_free(ids);
	ids = NULL;
	if (TIMED("ListContainers", cri_list_containers(c, pod_id, NULL, &ids, &err)) == 0)
		ok(ids[0] && !strcmp(ids[0], ctr_id) && !ids[1], "%s: exactly our container listed",
		   handler);
	cri_strv_free(ids);
	if (TIMED("ContainerStatus", cri_container_status(c, ctr_id, &st, &err)) == 0)
		ok(st.state == CRI_CONTAINER_CREATED && st.started_at == 0,
		   "%s: container is CREATED, not started", handler);
	cri_container_status_release(&st);
	TIMED("UpdateContainerResources", cri_update_resources(c, ctr_id, &res, &err));
	ok(cri_container_status(c,
	                        "0000000000000000000000000000000000000000000000000000000000000000",
	                        &st, &err) < 0 &&
	       cri_last_code(c) == CRI_CODE_NOT_FOUND,
	   "%s: ContainerStatus of an unknown id is NOT_FOUND (%s)", handler,
	   err ? err->msg : "no error");
	assay_error_release(&err);
}

static void lifecycle(struct daemon *d, const char *handler, const char *image, char **args,
                      const char *mark, bool hold, bool crash)
{
	struct cri_client *c = daemon_client(d);
	const struct daemon_handler *h = daemon_handler(d, handler);
	assay_error_t err = NULL;
	cleanup_free char *uid = xasprintf("cri-drive-%d-%s", (int)getpid(), handler);
	cleanup_free char *pod_name = xasprintf("cri-drive-%s", handler);
	cleanup_free char *logdir = xasprintf("%s/logs/%s", daemon_run_dir(d), handler);
	cleanup_free char *pod_id = NULL, *ctr_id = NULL, *out = NULL;
	const char *labels[] = {"assay.test", "cri-drive", "assay.handler", handler, NULL};
	struct cri_pod_spec pod = {
	    .name = pod_name,
	    .uid = uid,
	    .namespace_ = "assay",
	    .log_directory = logdir,
	    .labels = labels,
	    .host_network = true,
	};
	const char *env[] = {mark, NULL};
	struct cri_container_spec ctr = {
	    .name = "workload",
	    .image = image,
	    .args = (const char *const *)args,
	    .env = mark ? env : NULL,
	    .log_path = "workload/0.log",
	    .labels = labels,
	    .host_network = true,
	};
	struct cri_container_status st = {0};
	char **ids = NULL;
	double ms[4];
	json_t *j;

	if (h == NULL) {
		ok(0, "%s: handler configured", handler);
		return;
	}
	diag("%s: %s, %s, binary %s", handler, h->runtime_type, h->sandbox_mode,
	     h->binary ? h->binary : "(none)");
	if (TIMED("RunPodSandbox", cri_run_pod(c, &pod, handler, &pod_id, &err)) < 0)
		return;
	ms[0] = cri_last_call_ns(c) / 1e6;
	if (TIMED("CreateContainer", cri_create_container(c, pod_id, &ctr, &pod, &ctr_id, &err)) <
	    0)
		goto pod;
	ms[1] = cri_last_call_ns(c) / 1e6;
	diag("container-id %s", ctr_id);
	diag("pod-id %s", pod_id);
	if (!hold && !crash)
		inspect(c, handler, pod_id, ctr_id, labels);
	if (TIMED("StartContainer", cri_start_container(c, ctr_id, &err)) < 0)
		goto container;
	ms[2] = cri_last_call_ns(c) / 1e6;
	if (hold) {
		/* A running container: the runtime itself has to apply the update. */
		struct cri_resources res = {.cpu_period = 100000, .cpu_quota = 50000};
		int r = cri_update_resources(c, ctr_id, &res, &err);

		ok(r == 0, "%s: UpdateContainerResources on the running container (%.1f ms)",
		   handler, cri_last_call_ns(c) / 1e6);
		if (r < 0)
			diag("%s", err->msg);
		assay_error_release(&err);
	}
	if (crash) {
		/* containerd dies with its shim, runtime and container still up: daemon_stop has to
		 * find and kill them, unmount and clean up without the CRI. */
		pid_t pid = daemon_pid(d);
		int status;

		ok(kill(pid, SIGKILL) == 0 && waitpid(pid, &status, 0) == pid,
		   "%s: containerd (pid %d) killed with the container running", handler, (int)pid);
		return;
	}

	{
		uint64_t t0 = assay_now_ns(CLOCK_MONOTONIC);
		int r = cri_wait_exit(c, ctr_id, 10, hold ? 3600 * 1000 : 120 * 1000, &st, &err);

		if (hold) {
			ok(r < 0 && got_signal, "%s: held until signal %d", handler,
			   (int)got_signal);
			assay_error_release(&err);
			cri_container_status_release(&st);
			return; /* daemon_stop removes the pod and its container */
		}
		ok(r == 0, "%s: container exited (waited %.1f ms)", handler,
		   (assay_now_ns(CLOCK_MONOTONIC) - t0) / 1e6);
		if (r < 0) {
			fail_diag(&err);
			goto container;
		}
	}
	is_int(st.exit_code, 0, "%s: exit code 0 (reason %s)", handler, st.reason);
	/* containerd stamps started_at after the runtime's start returned, so a container quicker
	 * than that (runsc, 10 events) can finish "before" it started: only check both are set. */
	ok(st.started_at > 0 && st.finished_at > 0, "%s: started_at and finished_at set (%+.1f ms)",
	   handler, (st.finished_at - st.started_at) / 1e6);
	out = cri_log_read_stdout(st.log_path, &err);
	ok(out != NULL, "%s: CRI log read (%s)", handler, st.log_path);
	if (out == NULL)
		fail_diag(&err);
	j = out ? json_loads(out, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
	ok(json_is_object(j), "%s: stdout is a JSON object", handler);
	ok(j && json_integer_value(json_object_get(j, "events")) == 10 &&
	       json_integer_value(json_object_get(j, "primes")) == 1228,
	   "%s: workload did its 10 events (1228 primes below 10000)", handler);
	json_decref(j);
	if (out && !j)
		diag("stdout was: %.300s", out);

container:
	if (TIMED("StopContainer", cri_stop_container(c, ctr_id, 10, &err)) == 0)
		ms[3] = cri_last_call_ns(c) / 1e6;
	TIMED("RemoveContainer", cri_remove_container(c, ctr_id, &err));
pod:
	TIMED("StopPodSandbox", cri_stop_pod(c, pod_id, &err));
	TIMED("RemovePodSandbox", cri_remove_pod(c, pod_id, &err));
	(void)ms;
	if (cri_list_pods(c, labels, &ids, &err) == 0) {
		ok(ids[0] == NULL, "%s: ListPodSandbox finds none of ours left", handler);
		cri_strv_free(ids);
	} else {
		ok(0, "%s: ListPodSandbox", handler);
		fail_diag(&err);
	}
	cri_container_status_release(&st);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {{"hold", no_argument, NULL, 'h'},
	                                         {"kill-daemon", no_argument, NULL, 'K'},
	                                         {"reclaim", required_argument, NULL, 'R'},
	                                         {0}};
	struct daemon_opts opts = {0};
	const char *image_archive = NULL, *image_ref = NULL, *mark = NULL, *reclaim = NULL;
	cleanup_free char *handlers = xstrdup("runc,runsc");
	cleanup_free char *run_dir = NULL;
	cleanup_free char *helper_dir = NULL;
	struct sigaction sa = {.sa_handler = on_signal};
	assay_error_t err = NULL;
	struct daemon *d = NULL;
	char **args;
	bool hold = false, crash = false, present = false;
	char *save = NULL, *name = NULL, *version = NULL;
	int opt;

	while ((opt = getopt_long(argc, argv, "p:P:i:I:a:H:r:e:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			opts.pause_archive = optarg;
			break;
		case 'P':
			opts.pause_ref = optarg;
			break;
		case 'i':
			image_archive = optarg;
			break;
		case 'I':
			image_ref = optarg;
			break;
		case 'a': /* a helper's path: its directory holds the others */
			free(helper_dir);
			helper_dir = xstrdup(optarg);
			if (strrchr(helper_dir, '/'))
				*strrchr(helper_dir, '/') = '\0';
			opts.helper_dir = helper_dir;
			break;
		case 'r':
			opts.run_dir = optarg;
			break;
		case 'H':
			free(handlers);
			handlers = xstrdup(optarg);
			break;
		case 'h':
			hold = true;
			break;
		case 'e':
			mark = optarg;
			break;
		case 'K':
			crash = true;
			break;
		case 'R':
			reclaim = optarg;
			break;
		default:
			return 2;
		}
	}
	if (reclaim) {
		int r = daemon_reclaim(reclaim, &err);

		ok(r == 1, "daemon_reclaim %s: %s", reclaim,
		   r == 1   ? "reclaimed"
		   : r == 0 ? "a containerd still serves it"
		            : "failed");
		if (r < 0)
			fail_diag(&err);
		return tap_done();
	}
	if (!opts.pause_archive || !opts.pause_ref || !image_archive || !image_ref) {
		fprintf(stderr, "usage: cri-drive -p PAUSE.tar -P REF -i IMAGE.tar -I REF ...\n");
		return 2;
	}
	args = argv + optind;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* Output into a closed pipe (`| head`) must not kill us before daemon_stop. */
	signal(SIGPIPE, SIG_IGN);

	if (daemon_start(&opts, &d, &err) < 0) {
		ok(0, "embedded containerd starts");
		fail_diag(&err);
		return tap_done();
	}
	run_dir = xstrdup(daemon_run_dir(d));
	diag("run-dir %s", run_dir);
	ok(1, "embedded containerd starts (pid %d, %s)", (int)daemon_pid(d), daemon_endpoint(d));
	cri_set_cancel(daemon_client(d), &got_signal);
	{
		cleanup_free char *sock = xstrdup(daemon_endpoint(d) + strlen("unix://"));
		struct stat st_dir = {0}, st_sock = {0};
		int r1 = stat(run_dir, &st_dir), r2 = stat(sock, &st_sock);

		ok(r1 == 0 && (st_dir.st_mode & 07777) == 0700, "run directory is 0700 (%o)",
		   st_dir.st_mode & 07777);
		ok(r2 == 0 && S_ISSOCK(st_sock.st_mode) && (st_sock.st_mode & 07777) == 0600,
		   "CRI socket is 0600 (%o)", st_sock.st_mode & 07777);
	}
	opt = cri_version(daemon_client(d), &name, &version, &err);
	ok(opt == 0 && !strcmp(name, "containerd"), "CRI Version: %s %s", name, version);
	free(name);
	free(version);
	ok(daemon_import(d, image_archive, &err) == 0, "import %s", image_archive);
	if (err)
		fail_diag(&err);
	ok(cri_image_status(daemon_client(d), image_ref, &present, NULL, &err) == 0 && present,
	   "ImageStatus finds %s", image_ref);
	if (err)
		fail_diag(&err);

	for (char *h = strtok_r(handlers, ",", &save); h; h = strtok_r(NULL, ",", &save)) {
		lifecycle(d, h, image_ref, args, mark, hold, crash);
		if (hold || crash || got_signal)
			break;
	}
	if (!hold && !crash) {
		int r = daemon_probe_handler(d, "crun", &err);

		ok(r >= 0, "crun probed: %s", r > 0 ? "works" : "does not work here");
		if (r == 0)
			diag("crun: %s", daemon_handler(d, "crun")->reason);
		if (r < 0)
			fail_diag(&err);
	}

	ok(daemon_stop(d, &err) == 0, "daemon_stop");
	if (err)
		fail_diag(&err);
	daemon_free(d);
	tap_done();
	if (got_signal)
		return 128 + got_signal;
	return tap_failures ? 1 : 0;
}
