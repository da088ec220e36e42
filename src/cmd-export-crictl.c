/* `collector export-crictl BENCHMARK [-o DIR]`: the pod and container configs crictl takes, so a
 * workload can be launched by hand on any CRI node exactly as assay launches it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "benchmarks/benchmarks.h"
#include "commands.h"
#include "lib/fs.h"
#include "lib/json.h"
#include "lib/layout.h"
#include "results/results.h"
#include "lib/util.h"

/* runtime.v1 NamespaceMode: pods share the node's network namespace, as on the embedded
 * daemon (no CNI there, see DESIGN.md). */
#define NAMESPACE_MODE_NODE 2

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: collector export-crictl [OPTION...] BENCHMARK\n"
	    "\n"
	    "Writes DIR/pod.json and DIR/container.json in crictl's format for one benchmark\n"
	    "(the same image, arguments and namespaces `collector run` uses) and prints the\n"
	    "crictl commands that launch it.\n"
	    "\n"
	    "Options:\n"
	    "  -o, --output DIR      where to write the files (default: the current directory)\n"
	    "  -p, --param K=V       set a benchmark parameter (repeatable; `collector list -l`)\n"
	    "      --images DIR      OCI layouts made by `make images` (default: build/images)\n"
	    "      --runtime HANDLER runtime handler to show in the commands (e.g. runsc)\n"
	    "  -h, --help            this text\n");
}

static int write_json(const char *dir, const char *file, json_t *v, assay_error_t *err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, file);
	cleanup_free char *text = json_dumps(v, JSON_INDENT(2));
	cleanup_free char *line = xasprintf("%s\n", text);

	return fs_write_atomic(path, line, strlen(line), err);
}

/* Pod names must be DNS labels: dots become dashes. */
static char *pod_name(const char *benchmark)
{
	char *s = xasprintf("assay-%s", benchmark);

	for (char *p = s; *p; p++)
		if (*p == '.')
			*p = '-';
	return s;
}

static json_t *security_context(void)
{
	return json_pack("{s:{s:{s:i}}}", "security_context", "namespace_options", "network",
	                 NAMESPACE_MODE_NODE);
}

int cmd_export_crictl(int argc, char **argv, assay_error_t *err)
{
	static const struct option options[] = {
	    {"output", required_argument, NULL, 'o'}, {"param", required_argument, NULL, 'p'},
	    {"images", required_argument, NULL, 'I'}, {"runtime", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	const char *dir = ".", *images = "build/images", *runtime = NULL;
	const struct benchmark *b;
	cleanup_json json_t *overrides = json_object();
	cleanup_json json_t *params = NULL, *args = NULL, *pod = NULL, *ctr = NULL;
	cleanup_free char *ref = NULL, *name = NULL, *cmd = NULL;
	char **argvec = NULL;
	int c, ret = -1;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:p:h", options, NULL)) != -1) {
		char *eq;

		switch (c) {
		case 'o':
			dir = optarg;
			break;
		case 'I':
			images = optarg;
			break;
		case 'r':
			runtime = optarg;
			break;
		case 'p':
			eq = strchr(optarg, '=');
			if (eq == NULL || eq == optarg) {
				assay_error_usage(
				    err, "export-crictl: --param expects NAME=VALUE, got `%s`",
				    optarg);
				goto out;
			}
			*eq = '\0';
			json_object_set_new(overrides, optarg, json_string(eq + 1));
			*eq = '=';
			break;
		case 'h':
			usage(stdout);
			ret = 0;
			goto out;
		default:
			assay_error_usage(err,
			                  "export-crictl: unknown option or missing value `%s` "
			                  "(see --help)",
			                  argv[optind - 1]);
			goto out;
		}
	}
	if (argc - optind != 1) {
		assay_error_usage(err, "export-crictl: expected one benchmark name (see --help)");
		goto out;
	}
	b = benchmarks_find(argv[optind]);
	if (b == NULL) {
		assay_error_usage(err,
		                  "export-crictl: unknown benchmark `%s` (`collector list` shows "
		                  "the names)",
		                  argv[optind]);
		goto out;
	}
	if (benchmarks_resolve_params(b, overrides, false, &params, err) < 0 ||
	    benchmarks_argv(b, params, &argvec, err) < 0) {
		assay_error_wrap(err, "export-crictl %s", b->name);
		goto out;
	}
	if (layout_ref(images, b->image, &ref, err) < 0)
		goto out;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		assay_error_make(err, errno, "export-crictl: mkdir `%s`", dir);
		goto out;
	}
	args = json_array();
	for (char **a = argvec; *a; a++)
		json_array_append_new(args, json_string(*a));
	name = pod_name(b->name);
	cmd = xasprintf("/%s", b->image);
	pod = json_pack("{s:{s:s, s:s, s:s, s:i}, s:s, s:{s:s, s:s}, s:o}", "metadata", "name",
	                name, "namespace", "assay", "uid", name, "attempt", 0, "log_directory",
	                "/tmp/assay-crictl", "labels", "assay.benchmark", b->name, "assay.source",
	                "export-crictl", "linux", security_context());
	ctr = json_pack("{s:{s:s}, s:{s:s}, s:[s], s:O, s:s, s:s, s:{s:s}, s:o}", "metadata",
	                "name", b->image, "image", "image", ref, "command", cmd, "args", args,
	                "working_dir", "/tmp", "log_path", "workload.log", "labels",
	                "assay.benchmark", b->name, "linux", security_context());
	if (pod == NULL || ctr == NULL) {
		assay_error_make(err, 0, "export-crictl: cannot build the JSON");
		goto out;
	}
	if (write_json(dir, "pod.json", pod, err) < 0 ||
	    write_json(dir, "container.json", ctr, err) < 0)
		goto out;
	printf("wrote %s/pod.json and %s/container.json: %s, image %s\n\n", dir, dir, b->name, ref);
	printf("With crictl talking to your CRI runtime (crictl --runtime-endpoint unix:///...):\n"
	       "  ctr -n k8s.io images import %s/%s.tar   # once, if the image is missing\n"
	       "  POD=$(crictl runp%s%s %s/pod.json)\n"
	       "  CTR=$(crictl create $POD %s/container.json %s/pod.json)\n"
	       "  crictl start $CTR\n"
	       "  crictl inspect -o go-template --template '{{.status.state}}' $CTR   # until "
	       "CONTAINER_EXITED\n"
	       "  crictl logs $CTR     # the workload's one-line JSON result\n"
	       "  crictl stopp $POD && crictl rmp $POD\n",
	       images, b->image, runtime ? " --runtime " : "", runtime ? runtime : "", dir, dir,
	       dir);
	ret = 0;
out:
	benchmarks_argv_free(argvec);
	return ret;
}
