/* build/image-builder: turns image definitions (images/NAME.image) and static binaries into OCI
 * image layouts and oci-archives, reproducibly. See docs/images.md. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image.h"
#include "version.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: image-builder [OPTION...] DEFINITION...\n\n"
	    "Builds OUT/NAME/ (an OCI image layout) and OUT/NAME.tar (an oci-archive) for\n"
	    "each image definition (a `key = value` file, see docs/images.md).\n\n"
	    "  -o, --out DIR       output directory (default build/images)\n"
	    "  -b, --bin-dir DIR   where the definitions' binaries are (default build/bin)\n"
	    "  -t, --tag TAG       the images' version and reference tag (default %s)\n"
	    "  -r, --repo PREFIX   reference prefix (default localhost/assay)\n"
	    "  -s, --source URL    org.opencontainers.image.source unless a definition has one\n"
	    "  -q, --quiet         no line per image\n"
	    "  -h, --help\n\n"
	    "Timestamps come from SOURCE_DATE_EPOCH (default 0). Exit status: 0 built, 1 a\n"
	    "build failed (nothing of that image is left behind), 2 usage error.\n",
	    ASSAY_VERSION);
}

static void on_signal(int sig)
{
	image_interrupted = sig;
}

static int epoch_from_env(uint64_t *epoch, assay_error_t *err)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;

	*epoch = 0;
	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	*epoch = strtoull(s, &end, 10);
	if (errno || *end || s[0] < '0' || s[0] > '9' || *epoch > 253402300799ull)
		return assay_error_usage(err, "SOURCE_DATE_EPOCH=`%s` is not a number of seconds",
		                         s);
	return 0;
}

static int build_all(int argc, char **argv, struct image_params *p, int quiet, assay_error_t *err)
{
	if (mkdir(p->out_dir, 0755) < 0 && errno != EEXIST)
		return assay_error_make(err, errno, "mkdir `%s`", p->out_dir);
	for (int i = 0; i < argc; i++) {
		struct image_def def;
		struct image_result res;
		int ret;

		if (image_def_load(argv[i], &def, err) < 0)
			return -1;
		ret = image_build(&def, p, &res, err);
		image_def_release(&def);
		if (ret < 0)
			return -1;
		if (!quiet)
			printf("%s %s %llu\n", res.ref, res.manifest,
			       (unsigned long long)res.archive_size);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"out", required_argument, NULL, 'o'},    {"bin-dir", required_argument, NULL, 'b'},
	    {"tag", required_argument, NULL, 't'},    {"repo", required_argument, NULL, 'r'},
	    {"source", required_argument, NULL, 's'}, {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},         {0},
	};
	struct image_params p = {
	    .bin_dir = "build/bin",
	    .out_dir = "build/images",
	    .repo = "localhost/assay",
	    .version = ASSAY_VERSION,
	};
	struct sigaction sa = {.sa_handler = on_signal};
	assay_error_t err = NULL;
	int c, quiet = 0, ret;

	while ((c = getopt_long(argc, argv, "o:b:t:r:s:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			p.out_dir = optarg;
			break;
		case 'b':
			p.bin_dir = optarg;
			break;
		case 't':
			p.version = optarg;
			break;
		case 'r':
			p.repo = optarg;
			break;
		case 's':
			p.source = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	if (epoch_from_env(&p.epoch, &err) < 0)
		return assay_error_print(&err, "image-builder");

	/* Interrupted builds must still remove their temporary directory: the handler only sets a
	 * flag (no SA_RESTART), the write loop turns it into an error, and we re-raise at the end.
	 */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* Past RLIMIT_FSIZE a write should fail with EFBIG and be reported, not kill us. */
	signal(SIGXFSZ, SIG_IGN);

	ret = build_all(argc - optind, argv + optind, &p, quiet, &err);
	if (ret < 0)
		ret = assay_error_print(&err, "image-builder");
	if (image_interrupted) {
		signal(image_interrupted, SIG_DFL);
		raise(image_interrupted);
	}
	return ret;
}
