/* The harness's options: the common options' table, the workload's merged into it, the command
 * line parsed against both, the values looked up by name, and --help. */
#include "harness/internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_OPTIONS 64
#define MAX_THREADS 1024

static const struct wl_option common_options[] = {
    {"threads", WL_OPT_INT, "1", NULL, "number of threads to use", 1, MAX_THREADS},
    {"time", WL_OPT_DOUBLE, "10", NULL, "limit for total execution time in seconds (0: none)", 0,
     0},
    {"events", WL_OPT_INT, "0", NULL, "limit for total number of events (0: none)", 0, 0},
    {"warmup-time", WL_OPT_DOUBLE, "0", NULL,
     "seconds of events run before the measurement starts (not counted)", 0, 0},
    {"percentile", WL_OPT_DOUBLE, "95", NULL,
     "percentile to report in the latency statistics (0: disabled)", 0, 100},
    {"histogram", WL_OPT_BOOL, "off", NULL, "print the latency histogram in the report", 0, 0},
    {"report-interval", WL_OPT_DOUBLE, "0", NULL,
     "print intermediate statistics every N seconds (0: off)", 0, 0},
    {"rand-seed", WL_OPT_INT, "0", NULL,
     "seed for the random number generators (0: from the clock)", 0, 0},
    {"time-batch", WL_OPT_INT, "1", NULL,
     "events timed together, one pair of clock reads per N events (1: each, as sysbench); "
     "latency figures are then per-batch averages",
     1, 1e9},
    {"huge-pages", WL_OPT_CHOICE, "off", "off|on",
     "transparent huge pages for the working buffers, advised explicitly (madvise) so that "
     "every target gets the same",
     0, 0},
    {"cpus", WL_OPT_STRING, "", NULL,
     "pin the workload's threads to these CPUs (a list: 0 or 0-1,3; empty: not pinned), the "
     "same sched_setaffinity on every target",
     0, 0},
    {"json", WL_OPT_BOOL, "off", NULL,
     "print one JSON object on one line instead of the text report", 0, 0},
    {"help", WL_OPT_BOOL, "off", NULL, "print this help and exit", 0, 0},
    {"version", WL_OPT_BOOL, "off", NULL, "print the version and exit", 0, 0},
    {NULL, 0, NULL, NULL, NULL, 0, 0},
};

/* One run's table: the common options, then the workload's; rebuilt by every wl_main. */
static struct opt_value opts[MAX_OPTIONS];
static int nopts;

/* Index of `word` in "a|b|c", or -1. */
static int choice_index(const char *choices, const char *word, size_t len)
{
	int idx = 0;
	const char *p = choices;

	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (n == len && !strncmp(p, word, len))
			return idx;
		idx++;
		p = bar ? bar + 1 : NULL;
	}
	return -1;
}
static struct opt_value *find_opt(const char *name)
{
	for (int i = 0; i < nopts; i++)
		if (!strcmp(opts[i].o->name, name))
			return &opts[i];
	return NULL;
}

static struct opt_value *must_opt(const char *name, enum wl_opt_type t1, enum wl_opt_type t2)
{
	struct opt_value *v = find_opt(name);

	if (!v || (v->o->type != t1 && v->o->type != t2)) {
		fprintf(stderr, "harness: option --%s is not declared with this type\n", name);
		abort();
	}
	return v;
}

int64_t wl_opt_int(const char *name)
{
	return must_opt(name, WL_OPT_INT, WL_OPT_INT)->i;
}

uint64_t wl_opt_size(const char *name)
{
	return must_opt(name, WL_OPT_SIZE, WL_OPT_SIZE)->size;
}

double wl_opt_double(const char *name)
{
	return must_opt(name, WL_OPT_DOUBLE, WL_OPT_DOUBLE)->d;
}

bool wl_opt_bool(const char *name)
{
	return must_opt(name, WL_OPT_BOOL, WL_OPT_BOOL)->b;
}

unsigned wl_opt_choice(const char *name)
{
	return must_opt(name, WL_OPT_CHOICE, WL_OPT_FLAGS)->choice;
}

const char *wl_opt_str(const char *name)
{
	struct opt_value *v = find_opt(name);

	if (!v) {
		fprintf(stderr, "harness: option --%s is not declared\n", name);
		abort();
	}
	return v->text;
}

static bool has_range(const struct wl_option *o)
{
	return o->min != 0 || o->max != 0;
}

/* What an option accepts, for --help and for error messages. */
static void describe_accepted(const struct wl_option *o, char *buf, size_t len)
{
	switch (o->type) {
	case WL_OPT_INT:
		if (has_range(o))
			snprintf(buf, len, "an integer from %.0f to %.0f", o->min, o->max);
		else
			snprintf(buf, len, "an integer >= 0");
		break;
	case WL_OPT_SIZE:
		snprintf(buf, len,
		         "a size in bytes with an optional K/M/G/T suffix (powers of 1024)");
		if (has_range(o)) {
			size_t n = strlen(buf);
			snprintf(buf + n, len - n, " from %.0f to %.0f", o->min, o->max);
		}
		break;
	case WL_OPT_DOUBLE:
		if (has_range(o))
			snprintf(buf, len, "a number from %g to %g", o->min, o->max);
		else
			snprintf(buf, len, "a number >= 0");
		break;
	case WL_OPT_BOOL:
		snprintf(buf, len, "on|off|true|false|1|0");
		break;
	case WL_OPT_STRING:
		snprintf(buf, len, "any text");
		break;
	case WL_OPT_CHOICE:
		snprintf(buf, len, "%s", o->choices);
		break;
	case WL_OPT_FLAGS:
		snprintf(buf, len, "a comma-separated list of %s (may be empty)", o->choices);
		break;
	}
}

static int bad_value(const struct wl_option *o, const char *text)
{
	char acc[256];

	describe_accepted(o, acc, sizeof(acc));
	return wl_usage_error("--%s=%s: accepted values: %s", o->name, text, acc);
}

static bool in_range(const struct wl_option *o, double v)
{
	if (!has_range(o))
		return v >= 0;
	return v >= o->min && v <= o->max;
}

static int set_value(struct opt_value *v, const char *text)
{
	const struct wl_option *o = v->o;

	if (!text)
		text = "";
	v->text = text;
	switch (o->type) {
	case WL_OPT_INT:
		if (wl_parse_int(text, &v->i) < 0 || !in_range(o, (double)v->i))
			return bad_value(o, text);
		break;
	case WL_OPT_SIZE:
		if (wl_parse_size(text, &v->size) < 0 || !in_range(o, (double)v->size))
			return bad_value(o, text);
		break;
	case WL_OPT_DOUBLE:
		if (wl_parse_double(text, &v->d) < 0 || !in_range(o, v->d))
			return bad_value(o, text);
		break;
	case WL_OPT_BOOL:
		if (wl_parse_bool(text, &v->b) < 0)
			return bad_value(o, text);
		break;
	case WL_OPT_STRING:
		break;
	case WL_OPT_CHOICE: {
		int idx = choice_index(o->choices, text, strlen(text));
		if (idx < 0)
			return bad_value(o, text);
		v->choice = (unsigned)idx;
		break;
	}
	case WL_OPT_FLAGS: {
		const char *p = text;
		v->choice = 0;
		while (*p) {
			const char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);
			int idx = choice_index(o->choices, p, n);
			if (idx < 0 || idx >= 32)
				return bad_value(o, text);
			v->choice |= 1u << idx;
			p = comma ? comma + 1 : p + n;
		}
		break;
	}
	}
	return 0;
}

static int add_options(const struct wl_option *table)
{
	for (const struct wl_option *o = table; o && o->name; o++) {
		struct opt_value *v = find_opt(o->name);
		if (v) {
			/* A workload re-declaring a common option changes its default/help. */
			if (v->o->type != o->type)
				return wl_error("harness: --%s redeclared with another type",
				                o->name);
			v->o = o;
		} else {
			if (nopts == MAX_OPTIONS)
				return wl_error("harness: too many options");
			v = &opts[nopts++];
			v->o = o;
		}
	}
	return 0;
}

static int set_defaults(void)
{
	for (int i = 0; i < nopts; i++) {
		int r = set_value(&opts[i], opts[i].o->def);
		if (r < 0) {
			/* A default the table itself rejects is a programming error. */
			fprintf(stderr, "harness: bad default for --%s\n", opts[i].o->name);
			abort();
		}
	}
	return 0;
}

static void list_option_names(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < nopts && n < len; i++)
		n += snprintf(buf + n, len - n, "%s--%s", i ? " " : "", opts[i].o->name);
}

static int parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq, *value;
		char name[128];
		size_t nlen;
		struct opt_value *v;

		if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0')
			return wl_usage_error("unexpected argument '%s'; options are --name=value "
			                      "or --name value (see --help)",
			                      arg);
		arg += 2;
		eq = strchr(arg, '=');
		nlen = eq ? (size_t)(eq - arg) : strlen(arg);
		if (nlen >= sizeof(name))
			nlen = sizeof(name) - 1;
		memcpy(name, arg, nlen);
		name[nlen] = '\0';
		v = find_opt(name);
		if (!v) {
			char names[1024];
			list_option_names(names, sizeof(names));
			return wl_usage_error("unknown option '--%s'; accepted options: %s", name,
			                      names);
		}
		if (eq) {
			value = eq + 1;
		} else if (v->o->type == WL_OPT_BOOL) {
			bool b;
			/* "--json" alone means on; "--json off" takes the next word if it is one.
			 */
			if (i + 1 < argc && wl_parse_bool(argv[i + 1], &b) == 0)
				value = argv[++i];
			else
				value = "on";
		} else if (i + 1 < argc) {
			value = argv[++i];
		} else {
			char acc[256];
			describe_accepted(v->o, acc, sizeof(acc));
			return wl_usage_error("--%s needs a value: accepted values: %s", name, acc);
		}
		if (set_value(v, value) < 0)
			return -2;
	}
	return 0;
}

int harness_opts_parse(const struct wl_workload *w, int argc, char **argv)
{
	int rc;

	memset(opts, 0, sizeof(opts));
	nopts = 0;
	if ((rc = add_options(common_options)) < 0 || (rc = add_options(w->options)) < 0)
		return rc;
	set_defaults();
	return parse_args(argc, argv);
}

int harness_opt_count(void)
{
	return nopts;
}

const struct opt_value *harness_opt_at(int i)
{
	return &opts[i];
}

bool harness_opt_is_common(const struct wl_option *o)
{
	bool common = false;

	for (const struct wl_option *c = common_options; c->name; c++)
		common |= !strcmp(c->name, o->name);
	return common;
}

static const char *placeholder(const struct wl_option *o)
{
	switch (o->type) {
	case WL_OPT_INT:
		return "N";
	case WL_OPT_SIZE:
		return "SIZE";
	case WL_OPT_DOUBLE:
		return "N";
	case WL_OPT_BOOL:
		return "[on|off]";
	case WL_OPT_STRING:
		return "STRING";
	case WL_OPT_CHOICE:
		return o->choices;
	case WL_OPT_FLAGS:
		return "LIST";
	}
	return "";
}

static void print_option_help(FILE *out, const struct wl_option *o)
{
	char left[160];

	if (!strcmp(o->name, "help") || !strcmp(o->name, "version"))
		snprintf(left, sizeof(left), "--%s", o->name);
	else
		snprintf(left, sizeof(left), "--%s=%s", o->name, placeholder(o));
	fprintf(out, "  %-34s %s", left, o->help ? o->help : "");
	if (o->type == WL_OPT_FLAGS)
		fprintf(out, " (from %s)", o->choices);
	if (strcmp(o->name, "help") && strcmp(o->name, "version"))
		fprintf(out, " [%s]", o->def && *o->def ? o->def : "");
	fputc('\n', out);
}

void harness_print_help(FILE *out, const struct wl_workload *w)
{
	fprintf(out, "Usage: %s [OPTION]...\n%s\n", w->name, w->summary ? w->summary : "");
	fprintf(out, "\n%s options:\n", w->name);
	for (int i = 0; i < nopts; i++)
		if (!harness_opt_is_common(opts[i].o))
			print_option_help(out, opts[i].o);
	fprintf(out, "\nGeneral options:\n");
	for (const struct wl_option *c = common_options; c->name; c++)
		print_option_help(out, find_opt(c->name)->o);
	fprintf(out,
	        "\nSizes take K/M/G/T suffixes (powers of 1024); booleans on/off/true/false/1/0.\n"
	        "Exit status: 0 success, 1 failure, 2 bad usage, 128+N after signal N.\n");
}
