/* collector version: assay's version, the CRI daemon's (CRI Version: the embedded containerd,
 * started briefly, or --endpoint's) and each OCI runtime's `--version`. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/proc.h"
#include "commands.h"
#include "runtimes/runtimes.h"
#include "lib/layout.h"
#include "cri/cri.h"
#include "daemons/daemon.h"
#include "run/run.h"
#include "targets/target.h"
#include "lib/util.h"
#include "version.h"

static void usage(FILE *f)
{
	fprintf(
	    f, "Usage: collector version [--endpoint URI] [--image-dir DIR]\n\n"
	       "Prints assay's version, the CRI daemon's name and version (asked over the CRI:\n"
	       "the embedded containerd is started for a moment, or --endpoint's daemon is asked)\n"
	       "and each OCI runtime's version (\"not installed\" when absent).\n");
}

/* "containerd v1.6.20" or NULL with *err. */
static char *daemon_version(const char *endpoint, const char *image_dir, assay_error_t *err)
{
	struct cri_client *c = NULL;
	struct daemon *d = NULL;
	cleanup_free char *name = NULL;
	cleanup_free char *ver = NULL;
	cleanup_free char *dir = NULL;
	char *out = NULL;
	int ret;

	if (endpoint) {
		if (cri_connect(endpoint, &c, err) < 0)
			return NULL;
		ret = cri_version(c, &name, &ver, err);
		cri_close(c);
	} else {
		cleanup_free char *pause_archive = xasprintf("%s/pause.tar", image_dir);
		cleanup_free char *pause_ref = NULL;
		assay_error_t e = NULL;

		if (layout_ref(image_dir, "pause", &pause_ref, &e) < 0)
			assay_error_release(&e);
		struct daemon_opts o = {0};

		if (geteuid() != 0) {
			assay_error_make(err, 0, "starting the embedded containerd needs root");
			return NULL;
		}
		if (pause_ref == NULL) {
			assay_error_make(err, 0, "no pause image in %s (run `make images`)",
			                 image_dir);
			return NULL;
		}
		if (mkdir("/run/assay", 0755) < 0 && errno != EEXIST) {
			assay_error_make(err, errno, "mkdir /run/assay");
			return NULL;
		}
		dir = xasprintf("/run/assay/version-%d", (int)getpid());
		o.run_dir = dir;
		o.pause_archive = pause_archive;
		o.pause_ref = pause_ref;
		if (daemon_start(&o, &d, err) < 0) {
			rmdir("/run/assay");
			return NULL;
		}
		ret = cri_version(daemon_client(d), &name, &ver, err);
		{
			assay_error_t e2 = NULL;

			daemon_stop(d, &e2);
			assay_error_release(&e2);
			daemon_free(d);
		}
		rmdir("/run/assay");
	}
	if (ret < 0)
		return NULL;
	out = xasprintf("%s %s", name ? name : "?", ver ? ver : "?");
	return out;
}

int cmd_version(int argc, char **argv, assay_error_t *err)
{
	static const struct option longopts[] = {
	    {"endpoint", required_argument, NULL, 'e'},
	    {"image-dir", required_argument, NULL, 'i'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	size_t nrt;
	const struct runtime *rt = runtimes(&nrt);
	const char *endpoint_flag = NULL, *image_dir = "build/images";
	cleanup_free char *endpoint = NULL;
	cleanup_free char *dv = NULL;
	assay_error_t derr = NULL;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			endpoint_flag = optarg;
			break;
		case 'i':
			image_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			return assay_error_usage(err, "version: option `%s` needs a value",
			                         argv[optind - 1]);
		default:
			return assay_error_usage(err, "version: unknown option `%s` (see --help)",
			                         argv[optind - 1]);
		}
	}
	if (optind < argc)
		return assay_error_usage(err, "version: unexpected argument `%s`", argv[optind]);
	if (cri_endpoint_resolve(endpoint_flag, &endpoint, NULL, err) < 0)
		return -1;

	printf("assay %s\n", ASSAY_VERSION);
	/* a ^C while the daemon starts must still tear it down */
	if (signals_install(err) < 0)
		return -1;
	dv = daemon_version(endpoint, image_dir, &derr);
	signals_restore();
	if (dv) {
		printf("cri: %s (%s)\n", dv, endpoint ? endpoint : "embedded");
	} else {
		cleanup_free char *why = assay_error_text(derr);

		printf("cri: unavailable (%s)\n", why);
		assay_error_release(&derr);
	}
	for (size_t i = 0; i < nrt; i++) {
		cleanup_free char *v = proc_tool_version(runtime_program(&rt[i]));

		printf("%s: %s\n", rt[i].name, v);
	}
	return dv ? 0 : 1;
}
