/* See crio.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "cri/crio.h"
#include "lib/util.h"

#define HTTP_TIMEOUT_MS 5000

static int connect_endpoint(const char *endpoint, assay_error_t *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	const char *path = endpoint;
	int fd;

	if (!strncmp(path, "unix://", 7))
		path += 7;
	if (strlen(path) >= sizeof(sa.sun_path))
		return assay_error_make(err, ENAMETOOLONG, "endpoint `%s`", endpoint);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return assay_error_make(err, errno, "socket for `%s`", endpoint);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return assay_error_make(err, e, "connect `%s`", path);
	}
	return fd;
}

pid_t cri_endpoint_pid(const char *endpoint)
{
	struct ucred cred = {0};
	socklen_t len = sizeof(cred);
	assay_error_t err = NULL;
	int fd = connect_endpoint(endpoint, &err);

	assay_error_release(&err);
	if (fd < 0)
		return 0;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		cred.pid = 0;
	close(fd);
	return cred.pid;
}

/* The body of GET path over endpoint's socket (HTTP/1.0: the server closes when done). */
static int http_get(const char *endpoint, const char *path, char **body, assay_error_t *err)
{
	cleanup_free char *req = xasprintf("GET %s HTTP/1.0\r\nHost: crio\r\n\r\n", path);
	cleanup_free char *buf = NULL;
	size_t len = 0, cap = 0;
	cleanup_close int fd = connect_endpoint(endpoint, err);
	char *sep;

	if (fd < 0)
		return -1;
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		return assay_error_make(err, errno, "GET %s from `%s`", path, endpoint);
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, HTTP_TIMEOUT_MS) <= 0)
			return assay_error_make(err, ETIMEDOUT, "GET %s from `%s`", path, endpoint);
		if (len + 4096 + 1 > cap)
			buf = xrealloc(buf, cap = 2 * cap + 4096 + 1);
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return assay_error_make(err, errno, "GET %s from `%s`", path, endpoint);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (buf == NULL)
		return assay_error_make(err, 0, "GET %s from `%s`: empty answer", path, endpoint);
	buf[len] = '\0';
	sep = strstr(buf, "\r\n\r\n");
	if (strncmp(buf, "HTTP/1.", 7) || sep == NULL || strncmp(buf + 8, " 200", 4))
		return assay_error_make(err, 0, "GET %s from `%s`: %.*s (not CRI-O?)", path,
		                        endpoint, (int)strcspn(buf, "\r\n"), buf);
	*body = xstrdup(sep + 4);
	return 0;
}

char *cri_toml_string(const char *toml, const char *key)
{
	size_t klen = strlen(key);

	for (const char *line = toml; line && *line;) {
		const char *end = strchr(line, '\n');
		const char *p = line + strspn(line, " \t");

		if (!strncmp(p, key, klen) && strchr(" \t=", p[klen])) {
			p += klen + strspn(p + klen, " \t");
			if (*p == '=') {
				p += 1 + strspn(p + 1, " \t");
				if (*p == '"') {
					size_t n = strcspn(p + 1, "\"\n");

					return xasprintf("%.*s", (int)n, p + 1);
				}
			}
		}
		line = end ? end + 1 : NULL;
	}
	return NULL;
}

int cri_crio_storage(const char *endpoint, struct cri_crio_storage *out, assay_error_t *err)
{
	cleanup_free char *config = NULL, *info = NULL;
	json_t *j;

	memset(out, 0, sizeof(*out));
	if (http_get(endpoint, "/config", &config, err) < 0 ||
	    http_get(endpoint, "/info", &info, err) < 0)
		return -1;
	out->root = cri_toml_string(config, "root");
	out->runroot = cri_toml_string(config, "runroot");
	out->driver = cri_toml_string(config, "storage_driver");
	j = json_loads(info, 0, NULL);
	if (json_is_string(json_object_get(j, "storage_driver")) &&
	    (!out->driver || !*out->driver)) {
		free(out->driver);
		out->driver = xstrdup(json_string_value(json_object_get(j, "storage_driver")));
	}
	if (json_is_string(json_object_get(j, "cgroup_driver")))
		out->cgroup_driver =
		    xstrdup(json_string_value(json_object_get(j, "cgroup_driver")));
	json_decref(j);
	if (out->root == NULL || out->runroot == NULL || out->driver == NULL || !*out->driver) {
		cri_crio_storage_release(out);
		return assay_error_make(err, 0,
		                        "CRI-O at `%s`: its /config names no root, runroot and "
		                        "storage_driver",
		                        endpoint);
	}
	return 0;
}

void cri_crio_storage_release(struct cri_crio_storage *s)
{
	free(s->driver);
	free(s->root);
	free(s->runroot);
	free(s->cgroup_driver);
	memset(s, 0, sizeof(*s));
}
