/* CRI log lines (full, partial, stderr, malformed), reassembly of a log file, and endpoint
 * resolution in crictl's order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cri/cri.h"
#include "tap.h"
#include "lib/util.h"

static char tmpdir[] = "/tmp/assay-test-cri-log-XXXXXX";

static char *write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "we");

	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
	return path;
}

static void test_parse(void)
{
	struct cri_log_line l;
	const char *s;

	s = "2026-11-23T11:50:23.123456789Z stdout F {\"a\": 1}\n";
	is_int(cri_log_parse_line(s, strlen(s), &l), 0, "full stdout line parses");
	is_int(l.stream, CRI_LOG_STDOUT, "stream is stdout");
	ok(!l.partial, "F is a full line");
	ok(l.message_len == 8 && memcmp(l.message, "{\"a\": 1}", 8) == 0,
	   "message without the newline");
	ok(l.timestamp_len == 30 && memcmp(l.timestamp, "2026-11-23T11:50:23.123456789Z", 30) == 0,
	   "timestamp");

	s = "2026-11-23T11:50:23.1+01:00 stderr P half a li";
	is_int(cri_log_parse_line(s, strlen(s), &l), 0, "partial stderr line without newline");
	is_int(l.stream, CRI_LOG_STDERR, "stream is stderr");
	ok(l.partial, "P is partial");
	ok(l.message_len == 9 && memcmp(l.message, "half a li", 9) == 0, "partial message");

	s = "2026-11-23T11:50:23Z stdout F \n";
	is_int(cri_log_parse_line(s, strlen(s), &l), 0, "empty full line");
	is_int((int)l.message_len, 0, "empty message");
	s = "2026-11-23T11:50:23Z stdout F";
	is_int(cri_log_parse_line(s, strlen(s), &l), 0, "empty full line without the space");
	is_int((int)l.message_len, 0, "still an empty message");
	s = "2026-11-23T11:50:23Z stdout F:x   two  spaces kept \n";
	is_int(cri_log_parse_line(s, strlen(s), &l), 0, "tag with extra fields");
	ok(l.message_len == 19 && memcmp(l.message, "  two  spaces kept ", 19) == 0,
	   "message keeps its own spaces");

	is_int(cri_log_parse_line("", 0, &l), -1, "empty line is malformed");
	s = "hello world\n";
	is_int(cri_log_parse_line(s, strlen(s), &l), -1, "plain text is malformed");
	s = "2026-11-23T11:50:23Z stdin F x\n";
	is_int(cri_log_parse_line(s, strlen(s), &l), -1, "unknown stream is malformed");
	s = "2026-11-23T11:50:23Z stdout X x\n";
	is_int(cri_log_parse_line(s, strlen(s), &l), -1, "unknown tag is malformed");
	s = "2026-11-23T11:50:23Z stdout\n";
	is_int(cri_log_parse_line(s, strlen(s), &l), -1, "missing tag is malformed");
	s = "2026-11-2311:50:23Z stdout F x\n";
	is_int(cri_log_parse_line(s, strlen(s), &l), -1, "bad timestamp is malformed");
	s = "2026-11-23T11:50:23Z stdout FP x\n";
	is_int(cri_log_parse_line(s, strlen(s), &l), -1, "two-letter tag is malformed");
}

static void test_read(void)
{
	cleanup_free char *path = NULL, *bad = NULL, *out = NULL, *errs = NULL, *only = NULL;
	assay_error_t err = NULL;

	path = write_file("ok.log", "2026-11-23T11:50:23.1Z stdout P {\"events\": \n"
	                            "2026-11-23T11:50:23.2Z stderr F warming up\n"
	                            "2026-11-23T11:50:23.3Z stdout P 12, \n"
	                            "2026-11-23T11:50:23.4Z stderr P no newl\n"
	                            "2026-11-23T11:50:23.5Z stdout F \"ok\": true}\n"
	                            "2026-11-23T11:50:23.6Z stdout F second line\n"
	                            "2026-11-23T11:50:23.7Z stderr F ine\n");
	is_int(cri_log_read(path, &out, &errs, &err), 0, "log file reads");
	is_str(out, "{\"events\": 12, \"ok\": true}\nsecond line\n", "stdout reassembled");
	is_str(errs, "warming up\nno newline\n", "stderr reassembled separately");
	only = cri_log_read_stdout(path, &err);
	is_str(only, "{\"events\": 12, \"ok\": true}\nsecond line\n", "stdout-only reader");

	bad = write_file("bad.log", "2026-11-23T11:50:23.1Z stdout F fine\n"
	                            "garbage\n");
	ok(cri_log_read(bad, NULL, NULL, &err) < 0, "malformed line is an error");
	ok(err && strstr(err->msg, "bad.log:2:") != NULL, "error names file:line (%s)",
	   err ? err->msg : "");
	assay_error_release(&err);

	ok(cri_log_read_stdout("/nonexistent/x.log", &err) == NULL, "missing file fails");
	ok(err && err->status == ENOENT, "with ENOENT");
	assay_error_release(&err);
}

static void test_endpoint(void)
{
	cleanup_free char *yaml = NULL, *yaml_none = NULL, *yaml_bad = NULL;
	assay_error_t err = NULL;
	const char *source;
	char *ep = NULL;

	yaml = write_file("crictl.yaml", "runtime-endpoint: unix:///run/yaml.sock\n"
	                                 "image-endpoint: unix:///run/image.sock\ntimeout: 2\n");
	yaml_none = write_file("crictl-none.yaml", "timeout: 2\n");
	yaml_bad = write_file("crictl-bad.yaml", "runtime-endpoint: [unix:///x\n");

	is_int(cri_endpoint_resolve_from("unix:///run/flag.sock", "unix:///run/env.sock", yaml, &ep,
	                                 &source, &err),
	       0, "flag wins");
	is_str(ep, "unix:///run/flag.sock", "flag endpoint");
	is_str(source, "--endpoint", "source is the flag");
	free(ep);

	is_int(cri_endpoint_resolve_from("", "unix:///run/env.sock", yaml, &ep, &source, &err), 0,
	       "environment next");
	is_str(ep, "unix:///run/env.sock", "environment endpoint");
	is_str(source, "CONTAINER_RUNTIME_ENDPOINT", "source is the environment");
	free(ep);

	is_int(cri_endpoint_resolve_from(NULL, NULL, yaml, &ep, &source, &err), 0, "yaml last");
	is_str(ep, "unix:///run/yaml.sock", "runtime-endpoint from crictl.yaml");
	is_str(source, yaml, "source is the yaml file");
	free(ep);

	is_int(cri_endpoint_resolve_from(NULL, "/run/bare.sock", NULL, &ep, NULL, &err), 0,
	       "bare path accepted");
	is_str(ep, "unix:///run/bare.sock", "bare path becomes a unix:// URI");
	free(ep);

	ep = (char *)"x";
	is_int(cri_endpoint_resolve_from(NULL, "", yaml_none, &ep, &source, &err), 0,
	       "nothing configured is not an error");
	ok(ep == NULL && source == NULL, "no endpoint: embedded daemon");
	is_int(cri_endpoint_resolve_from(NULL, NULL, "/nonexistent/crictl.yaml", &ep, NULL, &err),
	       0, "missing crictl.yaml is fine");
	ok(ep == NULL, "still no endpoint");

	ok(cri_endpoint_resolve_from("tcp://10.0.0.1:10010", NULL, NULL, &ep, NULL, &err) < 0,
	   "tcp endpoint refused");
	ok(err && err->exit_code == 2 && strstr(err->msg, "tcp://10.0.0.1:10010"),
	   "as a usage error naming it");
	assay_error_release(&err);

	ok(cri_endpoint_resolve_from(NULL, NULL, yaml_bad, &ep, NULL, &err) < 0,
	   "broken crictl.yaml is an error");
	ok(err && strstr(err->msg, "crictl-bad.yaml:") != NULL, "naming the file (%s)",
	   err ? err->msg : "");
	assay_error_release(&err);
}

int main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	test_parse();
	test_read();
	test_endpoint();
	for (const char *const *n =
	         (const char *const[]){"ok.log", "bad.log", "crictl.yaml", "crictl-none.yaml",
	                               "crictl-bad.yaml", NULL};
	     *n; n++) {
		cleanup_free char *p = xasprintf("%s/%s", tmpdir, *n);
		unlink(p);
	}
	rmdir(tmpdir);
	return tap_done();
}
