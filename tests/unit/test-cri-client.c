/* The CRI client without a CRI server: endpoint checks, a missing socket (UNAVAILABLE), and a
 * socket that accepts but never answers (the call's deadline ends it). The calls against a real
 * containerd are in tests/integration/cri-lifecycle.sh. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cri/cri.h"
#include "tap.h"
#include "lib/util.h"

int main(void)
{
	char dir[] = "/tmp/assay-test-cri-client-XXXXXX";
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct cri_client *c = NULL;
	assay_error_t err = NULL;
	cleanup_free char *sock = NULL, *ep = NULL;
	cleanup_close int fd = -1;
	char *name = NULL;
	bool present = true;

	ok(cri_connect("tcp://127.0.0.1:1234", &c, &err) < 0, "tcp endpoint refused");
	ok(err && err->exit_code == 2, "as a usage error");
	assay_error_release(&err);
	ok(cri_connect("", &c, &err) < 0, "empty endpoint refused");
	assay_error_release(&err);

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	sock = xasprintf("%s/cri.sock", dir);

	is_int(cri_connect(sock, &c, &err), 0, "bare socket path accepted");
	is_str(cri_endpoint(c), sock, "endpoint kept as given");
	cri_set_timeout(c, 2000);
	ok(cri_version(c, &name, NULL, &err) < 0, "Version on a missing socket fails");
	is_int(cri_last_code(c), CRI_CODE_UNAVAILABLE, "with UNAVAILABLE");
	ok(err && strstr(err->msg, "Version: UNAVAILABLE") == err->msg, "message: %s",
	   err ? err->msg : "");
	ok(name == NULL, "no output on failure");
	assay_error_release(&err);
	ok(cri_image_status(c, "localhost/x:1", &present, NULL, &err) < 0,
	   "ImageStatus on a missing socket fails");
	ok(err && strstr(err->msg, "ImageStatus localhost/x:1: UNAVAILABLE"), "message: %s",
	   err ? err->msg : "");
	assay_error_release(&err);
	cri_close(c);
	c = NULL;

	/* Listening, never accepting: the connection stays pending until the deadline. */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	strncpy(sa.sun_path, sock, sizeof(sa.sun_path) - 1);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
		printf("Bail out! unix socket: %s\n", strerror(errno));
		return 1;
	}
	ep = xasprintf("unix://%s", sock);
	is_int(cri_connect(ep, &c, &err), 0, "unix:// endpoint accepted");
	cri_set_timeout(c, 300);
	ok(cri_stop_pod(c, "0123456789abcdef", &err) < 0, "StopPodSandbox to a mute server fails");
	ok(cri_last_code(c) == CRI_CODE_DEADLINE_EXCEEDED ||
	       cri_last_code(c) == CRI_CODE_UNAVAILABLE,
	   "with DEADLINE_EXCEEDED or UNAVAILABLE (%d)", cri_last_code(c));
	ok(cri_last_call_ns(c) >= 250000000ull && cri_last_call_ns(c) < 5000000000ull,
	   "after about the 300 ms deadline (%.1f ms)", cri_last_call_ns(c) / 1e6);
	ok(err && strstr(err->msg, "StopPodSandbox 0123456789abc:") == err->msg,
	   "error names the call and a short id: %s", err ? err->msg : "");
	assay_error_release(&err);
	cri_close(c);

	unlink(sock);
	rmdir(dir);
	return tap_done();
}
