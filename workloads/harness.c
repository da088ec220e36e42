/* The workloads' harness: options, threads, timed loop, histogram, text and JSON reports.
 * See harness.h for the contract. Built into every static workload binary (musl), and with the
 * host compiler into the workload unit tests. */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    {"json", WL_OPT_BOOL, "off", NULL,
     "print one JSON object on one line instead of the text report", 0, 0},
    {"help", WL_OPT_BOOL, "off", NULL, "print this help and exit", 0, 0},
    {"version", WL_OPT_BOOL, "off", NULL, "print the version and exit", 0, 0},
    {NULL, 0, NULL, NULL, NULL, 0, 0},
};

struct opt_value {
	const struct wl_option *o;
	const char *text; /* as given, or the default */
	int64_t i;
	uint64_t size;
	double d;
	bool b;
	unsigned choice;
};

/* One run's state; reset at the start of every wl_main (unit tests call it repeatedly). */
static struct {
	const struct wl_workload *w;
	struct opt_value opts[MAX_OPTIONS];
	int nopts;
	char errmsg[512];
	int errcode;
	pthread_mutex_t errlock;

	int nthreads;
	struct wl_thread *threads; /* one array: wl_result hands it to report callbacks */
	uint64_t events_limit;
	uint64_t time_batch;     /* --time-batch */
	uint64_t events_claimed; /* atomic */
	uint64_t measure_start;  /* atomic; UINT64_MAX while warming up */
	int stop;                /* atomic: time is up, a signal came or a thread failed */
	int running;             /* atomic: threads not finished yet */
	int wake_pipe[2];        /* threads finishing and signals wake the main thread */
} H;

static volatile sig_atomic_t signal_seen;
static int signal_pipe = -1;

/* ---- errors ----------------------------------------------------------------------------- */

static int record_error(int code, int with_errno, const char *fmt, va_list ap)
{
	int saved = errno;

	pthread_mutex_lock(&H.errlock);
	if (!H.errcode) {
		int n = vsnprintf(H.errmsg, sizeof(H.errmsg), fmt, ap);
		if (with_errno && n >= 0 && (size_t)n < sizeof(H.errmsg))
			snprintf(H.errmsg + n, sizeof(H.errmsg) - n, ": %s", strerror(saved));
		H.errcode = code;
	}
	pthread_mutex_unlock(&H.errlock);
	errno = saved;
	return code == 2 ? -2 : -1;
}

int wl_error(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = record_error(1, 0, fmt, ap);
	va_end(ap);
	return r;
}

int wl_error_errno(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = record_error(1, 1, fmt, ap);
	va_end(ap);
	return r;
}

int wl_usage_error(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = record_error(2, 0, fmt, ap);
	va_end(ap);
	return r;
}

/* ---- value parsers ---------------------------------------------------------------------- */

int wl_parse_int(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int wl_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'b':
	case 'B':
		end++;
		break;
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	case 't':
	case 'T':
		shift = 40;
		break;
	default:
		return -1;
	}
	if (shift)
		end++;
	/* Accept "16KB"/"16KiB" spellings too; nothing else may follow. */
	if (shift && (*end == 'i' || *end == 'I'))
		end++;
	if (shift && (*end == 'b' || *end == 'B'))
		end++;
	if (*end)
		return -1;
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

int wl_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"on", "true", "1", "yes"};
	static const char *const no[] = {"off", "false", "0", "no"};

	if (!s)
		return -1;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

int wl_parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

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

/* ---- options ---------------------------------------------------------------------------- */

static struct opt_value *find_opt(const char *name)
{
	for (int i = 0; i < H.nopts; i++)
		if (!strcmp(H.opts[i].o->name, name))
			return &H.opts[i];
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
			if (H.nopts == MAX_OPTIONS)
				return wl_error("harness: too many options");
			v = &H.opts[H.nopts++];
			v->o = o;
		}
	}
	return 0;
}

static int set_defaults(void)
{
	for (int i = 0; i < H.nopts; i++) {
		int r = set_value(&H.opts[i], H.opts[i].o->def);
		if (r < 0) {
			/* A default the table itself rejects is a programming error. */
			fprintf(stderr, "harness: bad default for --%s\n", H.opts[i].o->name);
			abort();
		}
	}
	return 0;
}

static void list_option_names(char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < H.nopts && n < len; i++)
		n += snprintf(buf + n, len - n, "%s--%s", i ? " " : "", H.opts[i].o->name);
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

static void print_help(FILE *out)
{
	const struct wl_workload *w = H.w;

	fprintf(out, "Usage: %s [OPTION]...\n%s\n", w->name, w->summary ? w->summary : "");
	fprintf(out, "\n%s options:\n", w->name);
	for (int i = 0; i < H.nopts; i++) {
		const struct wl_option *o = H.opts[i].o;
		bool common = false;
		for (const struct wl_option *c = common_options; c->name; c++)
			common |= !strcmp(c->name, o->name);
		if (!common)
			print_option_help(out, o);
	}
	fprintf(out, "\nGeneral options:\n");
	for (const struct wl_option *c = common_options; c->name; c++)
		print_option_help(out, find_opt(c->name)->o);
	fprintf(out,
	        "\nSizes take K/M/G/T suffixes (powers of 1024); booleans on/off/true/false/1/0.\n"
	        "Exit status: 0 success, 1 failure, 2 bad usage, 128+N after signal N.\n");
}

/* ---- histogram -------------------------------------------------------------------------- */

static const double hist_min_ms = 0.001, hist_max_ms = 100000.0;
static double hist_deduct, hist_mult;
/* lower[i]: the smallest latency in ns that sysbench's formula puts in bucket >= i. */
static uint64_t hist_lower[WL_HIST_SIZE];
static pthread_once_t hist_once = PTHREAD_ONCE_INIT;

static long exact_bucket(uint64_t ns)
{
	double i;

	if (ns == 0)
		return 0;
	i = floor((log((double)ns / 1e6) - hist_deduct) * hist_mult + 0.5);
	if (i < 0)
		return 0;
	if (i >= WL_HIST_SIZE)
		return WL_HIST_SIZE - 1;
	return (long)i;
}

/* Thresholds computed once, so the hot path compares integers instead of taking a log, while
 * keeping exactly sysbench's bucket boundaries (checked with the formula itself). */
static void hist_init(void)
{
	hist_deduct = log(hist_min_ms);
	hist_mult = (WL_HIST_SIZE - 1) / (log(hist_max_ms) - hist_deduct);
	hist_lower[0] = 0;
	for (int i = 1; i < WL_HIST_SIZE; i++) {
		double est = exp((i - 0.5) / hist_mult + hist_deduct) * 1e6;
		uint64_t ns = (uint64_t)est;
		while (ns > 0 && exact_bucket(ns - 1) >= i)
			ns--;
		while (exact_bucket(ns) < i)
			ns++;
		hist_lower[i] = ns;
	}
}

unsigned wl_hist_bucket(uint64_t ns)
{
	unsigned lo = 0, hi = WL_HIST_SIZE - 1;

	pthread_once(&hist_once, hist_init);
	if (ns < hist_lower[1])
		return 0;
	/* Largest i with hist_lower[i] <= ns. */
	while (lo < hi) {
		unsigned mid = (lo + hi + 1) / 2;
		if (hist_lower[mid] <= ns)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

double wl_hist_bucket_ms(unsigned i)
{
	pthread_once(&hist_once, hist_init);
	return exp(i / hist_mult + hist_deduct);
}

void wl_hist_add(struct wl_hist *h, uint64_t ns)
{
	wl_hist_add_n(h, ns, 1);
}

void wl_hist_add_n(struct wl_hist *h, uint64_t ns, uint64_t n)
{
	unsigned b = wl_hist_bucket(ns);

	h->count[b] += n;
	h->total += n;
	if (b == 0)
		h->fine[ns < WL_HIST_FINE ? ns : WL_HIST_FINE - 1] += n;
}

void wl_hist_merge(struct wl_hist *dst, const struct wl_hist *src)
{
	for (int i = 0; i < WL_HIST_SIZE; i++)
		dst->count[i] += src->count[i];
	for (int i = 0; i < WL_HIST_FINE; i++)
		dst->fine[i] += src->fine[i];
	dst->total += src->total;
}

double wl_hist_percentile_ms(const struct wl_hist *h, double pct)
{
	uint64_t target, cur = 0;
	unsigned i;

	if (h->total == 0)
		return 0;
	target = (uint64_t)floor((double)h->total * pct / 100 + 0.5);
	for (i = 0; i < WL_HIST_SIZE - 1; i++) {
		cur += h->count[i];
		if (cur >= target)
			break;
	}
	if (i == 0 && target > 0) {
		cur = 0;
		for (unsigned ns = 0; ns < WL_HIST_FINE; ns++) {
			cur += h->fine[ns];
			if (cur >= target)
				return ns / 1e6;
		}
	}
	return wl_hist_bucket_ms(i);
}

/* ---- JSON writer ------------------------------------------------------------------------ */

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void json_prefix(struct wl_json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->out);
	j->need_comma[j->depth] = true;
	if (key) {
		json_string(j->out, key);
		fputc(':', j->out);
	}
}

void wl_json_int(struct wl_json *j, const char *key, int64_t v)
{
	json_prefix(j, key);
	fprintf(j->out, "%" PRId64, v);
}

void wl_json_uint(struct wl_json *j, const char *key, uint64_t v)
{
	json_prefix(j, key);
	fprintf(j->out, "%" PRIu64, v);
}

void wl_json_double(struct wl_json *j, const char *key, double v)
{
	json_prefix(j, key);
	if (isfinite(v))
		fprintf(j->out, "%.10g", v);
	else
		fputs("null", j->out);
}

void wl_json_bool(struct wl_json *j, const char *key, bool v)
{
	json_prefix(j, key);
	fputs(v ? "true" : "false", j->out);
}

void wl_json_str(struct wl_json *j, const char *key, const char *s)
{
	json_prefix(j, key);
	json_string(j->out, s ? s : "");
}

void wl_json_null(struct wl_json *j, const char *key)
{
	json_prefix(j, key);
	fputs("null", j->out);
}

static void json_open(struct wl_json *j, const char *key, char c)
{
	json_prefix(j, key);
	fputc(c, j->out);
	if (j->depth < (int)(sizeof(j->need_comma) / sizeof(j->need_comma[0])) - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void json_close(struct wl_json *j, char c)
{
	fputc(c, j->out);
	if (j->depth > 0)
		j->depth--;
}

void wl_json_begin_object(struct wl_json *j, const char *key)
{
	json_open(j, key, '{');
}

void wl_json_end_object(struct wl_json *j)
{
	json_close(j, '}');
}

void wl_json_begin_array(struct wl_json *j, const char *key)
{
	json_open(j, key, '[');
}

void wl_json_end_array(struct wl_json *j)
{
	json_close(j, ']');
}

/* ---- the run ---------------------------------------------------------------------------- */

static void on_signal(int sig)
{
	int saved = errno;

	if (!signal_seen)
		signal_seen = sig;
	if (signal_pipe >= 0 && write(signal_pipe, "s", 1) < 0) {
		/* Nothing to do: the main thread polls signal_seen anyway. */
	}
	errno = saved;
}

bool wl_stop_requested(void)
{
	return signal_seen != 0;
}

bool wl_measuring(void)
{
	return __atomic_load_n(&H.measure_start, __ATOMIC_RELAXED) != UINT64_MAX;
}

/* n events that took ns together (n > 1 with --time-batch): each counts as ns / n. */
static inline void account_n(struct wl_thread *t, uint64_t ns, uint64_t n)
{
	uint64_t each = n == 1 ? ns : ns / n; /* no division on the per-event path */

	/* Relaxed stores: the main thread reads events and the sum for --report-interval. */
	__atomic_store_n(&t->events, t->events + n, __ATOMIC_RELAXED);
	__atomic_store_n(&t->lat_sum_ns, t->lat_sum_ns + ns, __ATOMIC_RELAXED);
	if (each < t->lat_min_ns)
		t->lat_min_ns = each;
	if (each > t->lat_max_ns)
		t->lat_max_ns = each;
	wl_hist_add_n(&t->hist, each, n);
}

static inline void account(struct wl_thread *t, uint64_t ns)
{
	account_n(t, ns, 1);
}

bool wl_keep_going(struct wl_thread *t)
{
	(void)t;
	if (__atomic_load_n(&H.stop, __ATOMIC_RELAXED))
		return false;
	if (H.events_limit && wl_measuring() &&
	    __atomic_fetch_add(&H.events_claimed, 1, __ATOMIC_RELAXED) >= H.events_limit)
		return false;
	return true;
}

void wl_record(struct wl_thread *t, uint64_t ns)
{
	if (wl_measuring())
		account(t, ns);
}

int wl_run_for(struct wl_thread *t, uint64_t ns, int (*event)(struct wl_thread *t, void *arg),
               void *arg, uint64_t *events, uint64_t *sum_ns)
{
	const uint64_t end = ns ? wl_now_ns() + ns : UINT64_MAX;

	for (;;) {
		uint64_t t0, t1;
		int rc;

		if (!wl_keep_going(t))
			return 1;
		t0 = wl_now_ns();
		rc = event(t, arg);
		t1 = wl_now_ns();
		if (rc < 0)
			return rc;
		if (wl_measuring()) {
			account(t, t1 - t0);
			*events += 1;
			*sum_ns += t1 - t0;
		}
		if (t1 >= end)
			return 0;
	}
}

static void stop_all(void)
{
	__atomic_store_n(&H.stop, 1, __ATOMIC_RELAXED);
}

/* The event loop of workloads without their own run(): events timed in batches of --time-batch
 * (default 1: each event on its own, as sysbench). Only the first next() of a batch is outside
 * the timing: with batches the point is to read the clock rarely where reading it is dear
 * (under gVisor here a clock read traps into the Sentry). */
static inline __attribute__((always_inline)) int event_loop(struct wl_thread *t,
                                                            const uint64_t batch)
{
	const struct wl_workload *w = H.w;
	int rc = 0;

	for (;;) {
		uint64_t t0 = 0, n = 0;
		bool more = true;

		while (n < batch && (more = wl_keep_going(t))) {
			if (w->next && (rc = w->next(t)) != 0)
				break; /* > 0: the workload is done */
			if (n == 0)
				t0 = wl_now_ns();
			if (w->event && (rc = w->event(t)) < 0)
				break;
			rc = 0;
			n++;
		}
		/* Events begun during warm-up are not counted. */
		if (n && t0 >= __atomic_load_n(&H.measure_start, __ATOMIC_RELAXED))
			account_n(t, wl_now_ns() - t0, n);
		if (rc || !more)
			return rc;
	}
}

/* Compiled twice: with batch 1 (sysbench's per-event timing, the hot path of 60 ns memory
 * events) the inner loop folds away; a runtime batch size there cost 3 % of throughput. */
static int worker_events(struct wl_thread *t)
{
	return H.time_batch == 1 ? event_loop(t, 1) : event_loop(t, H.time_batch);
}

static void *worker(void *arg)
{
	struct wl_thread *t = arg;
	const struct wl_workload *w = H.w;
	int rc = w->run ? w->run(t) : worker_events(t);

	if (rc > 0)
		rc = 0;
	if (w->thread_done) {
		/* Also after a failure: thread_done releases what thread_init took. */
		int r2 = w->thread_done(t);
		if (rc == 0)
			rc = r2;
	}
	if (rc < 0) {
		t->status = rc;
		stop_all();
	}
	t->busy_ns = wl_now_ns() - __atomic_load_n(&H.measure_start, __ATOMIC_RELAXED);
	__atomic_fetch_sub(&H.running, 1, __ATOMIC_RELEASE);
	if (write(H.wake_pipe[1], "t", 1) < 0) {
		/* The main thread also wakes on its timeout. */
	}
	return NULL;
}

static FILE *progress_out(void)
{
	return wl_opt_bool("json") ? stderr : stdout;
}

static void report_interval(double elapsed_s, double interval_s)
{
	uint64_t ev = 0, sum = 0;

	for (int i = 0; i < H.nthreads; i++) {
		struct wl_thread *t = &H.threads[i];
		uint64_t e = __atomic_load_n(&t->events, __ATOMIC_RELAXED);
		uint64_t s = __atomic_load_n(&t->lat_sum_ns, __ATOMIC_RELAXED);
		ev += e - t->ival_events;
		sum += s - t->ival_sum_ns;
		t->ival_events = e;
		t->ival_sum_ns = s;
	}
	fprintf(progress_out(), "[ %.0fs ] thds: %d eps: %.2f lat (ms,avg): %.3f\n", elapsed_s,
	        __atomic_load_n(&H.running, __ATOMIC_RELAXED), ev / interval_s,
	        ev ? sum / 1e6 / ev : 0.0);
	fflush(progress_out());
}

static void drain(int fd)
{
	char buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/* Sleeps until `until_ns` (CLOCK_MONOTONIC) or until a thread finishes or a signal comes. */
static void wait_until(uint64_t until_ns)
{
	struct pollfd p = {.fd = H.wake_pipe[0], .events = POLLIN};
	uint64_t now = wl_now_ns();
	struct timespec ts = {0, 0};

	if (until_ns > now) {
		uint64_t d = until_ns - now;
		ts.tv_sec = (time_t)(d / 1000000000u);
		ts.tv_nsec = (long)(d % 1000000000u);
	}
	if (ppoll(&p, 1, until_ns == UINT64_MAX ? NULL : &ts, NULL) > 0)
		drain(H.wake_pipe[0]);
}

static uint64_t seconds_ns(double s)
{
	return s <= 0 ? 0 : (uint64_t)(s * 1e9 + 0.5);
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Runs the threads; fills *total_ns. Returns <0 when a thread failed or could not start. */
static int run_threads(uint64_t seed, uint64_t *total_ns)
{
	const uint64_t warmup_ns = seconds_ns(wl_opt_double("warmup-time"));
	const uint64_t time_ns = seconds_ns(wl_opt_double("time"));
	const double ival_s = wl_opt_double("report-interval");
	const uint64_t ival_ns = seconds_ns(ival_s);
	pthread_t *tids;
	sigset_t block, old;
	uint64_t t_begin, start, deadline, next_report, end = 0;
	int started = 0, rc = 0;

	tids = calloc(H.nthreads, sizeof(*tids));
	H.threads = aligned_alloc(64, H.nthreads * sizeof(*H.threads));
	if (!tids || !H.threads) {
		free(tids);
		return wl_error_errno("allocating %d threads", H.nthreads);
	}
	memset(H.threads, 0, H.nthreads * sizeof(*H.threads));
	for (int i = 0; i < H.nthreads; i++) {
		struct wl_thread *t = &H.threads[i];
		t->id = i;
		t->lat_min_ns = UINT64_MAX;
		uint64_t x = seed + (uint64_t)i * 0x51ed2701u;
		t->rng[0] = splitmix64(&x);
		t->rng[1] = splitmix64(&x);
	}
	for (int i = 0; i < H.nthreads; i++) {
		if (H.w->thread_init && (rc = H.w->thread_init(&H.threads[i])) < 0) {
			/* The failed one cleaned up after itself; the others had no run. */
			for (int k = 0; k < i && H.w->thread_done; k++)
				H.w->thread_done(&H.threads[k]);
			goto out;
		}
	}

	H.measure_start = warmup_ns ? UINT64_MAX : wl_now_ns();
	H.running = H.nthreads;
	/* Workers leave signals to the main thread, whose ppoll they interrupt. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	t_begin = wl_now_ns();
	for (; started < H.nthreads; started++) {
		int e = pthread_create(&tids[started], NULL, worker, &H.threads[started]);
		if (e) {
			errno = e;
			rc = wl_error_errno("starting thread %d", started);
			stop_all();
			__atomic_fetch_sub(&H.running, H.nthreads - started, __ATOMIC_RELAXED);
			break;
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	if (warmup_ns) {
		while (!signal_seen && __atomic_load_n(&H.running, __ATOMIC_ACQUIRE) > 0 &&
		       wl_now_ns() < t_begin + warmup_ns)
			wait_until(t_begin + warmup_ns);
		__atomic_store_n(&H.measure_start, wl_now_ns(), __ATOMIC_RELAXED);
	}
	start = H.measure_start;
	deadline = time_ns ? start + time_ns : UINT64_MAX;
	next_report = ival_ns ? start + ival_ns : UINT64_MAX;
	while (__atomic_load_n(&H.running, __ATOMIC_ACQUIRE) > 0) {
		uint64_t now = wl_now_ns();
		if (signal_seen)
			stop_all();
		if (now >= deadline)
			stop_all();
		if (now >= next_report) {
			report_interval((next_report - start) / 1e9, ival_s);
			next_report += ival_ns;
		}
		wait_until(next_report < deadline ? next_report : deadline);
	}
	for (int i = started; i < H.nthreads && H.w->thread_done; i++)
		H.w->thread_done(&H.threads[i]);
	for (int i = 0; i < started; i++) {
		pthread_join(tids[i], NULL);
		if (H.threads[i].status < 0 && rc == 0)
			rc = H.threads[i].status;
		if (H.threads[i].busy_ns > end)
			end = H.threads[i].busy_ns;
	}
	*total_ns = end;
out:
	free(tids);
	return rc;
}

static void merge_results(struct wl_result *r, uint64_t total_ns)
{
	memset(r, 0, sizeof(*r));
	r->threads = H.threads;
	r->nthreads = H.nthreads;
	r->total_time_s = total_ns / 1e9;
	r->lat_min_ns = UINT64_MAX;
	for (int i = 0; i < H.nthreads; i++) {
		const struct wl_thread *t = &H.threads[i];
		r->events += t->events;
		r->lat_sum_ns += t->lat_sum_ns;
		if (t->events && t->lat_min_ns < r->lat_min_ns)
			r->lat_min_ns = t->lat_min_ns;
		if (t->lat_max_ns > r->lat_max_ns)
			r->lat_max_ns = t->lat_max_ns;
		wl_hist_merge(&r->hist, &t->hist);
	}
	if (!r->events)
		r->lat_min_ns = 0;
	r->lat_avg_ns = r->events ? (double)r->lat_sum_ns / r->events : 0;
	r->percentile = wl_opt_double("percentile");
	if (r->events && r->percentile > 0) {
		/* A bucket's value can lie a little outside what was observed (buckets are
		 * 1.8 % wide): never report beyond min/max. */
		double p = wl_hist_percentile_ms(&r->hist, r->percentile) * 1e6;
		if (p < r->lat_min_ns)
			p = r->lat_min_ns;
		if (p > r->lat_max_ns)
			p = r->lat_max_ns;
		r->lat_pct_ns = p;
	}
}

/* "95" -> "p95", "99.9" -> "p99.9" */
static void pct_key(char *buf, size_t len, double pct)
{
	snprintf(buf, len, "p%g", pct);
}

static void json_latency(struct wl_json *j, const char *key, const struct wl_result *r,
                         double scale)
{
	char pk[32];

	wl_json_begin_object(j, key);
	wl_json_double(j, "min", r->lat_min_ns / scale);
	wl_json_double(j, "avg", r->lat_avg_ns / scale);
	wl_json_double(j, "max", r->lat_max_ns / scale);
	if (r->percentile > 0) {
		pct_key(pk, sizeof(pk), r->percentile);
		wl_json_double(j, pk, r->lat_pct_ns / scale);
	}
	wl_json_double(j, "sum", r->lat_sum_ns / scale);
	wl_json_end_object(j);
}

static void print_json(const struct wl_result *r, uint64_t start_ns, uint64_t seed)
{
	struct wl_json j = {.out = stdout};

	wl_json_begin_object(&j, NULL);
	wl_json_str(&j, "workload", H.w->name);
	wl_json_str(&j, "version", ASSAY_VERSION);
	wl_json_begin_object(&j, "params");
	for (int i = 0; i < H.nopts; i++) {
		const struct opt_value *v = &H.opts[i];
		const char *n = v->o->name;
		if (!strcmp(n, "json") || !strcmp(n, "help") || !strcmp(n, "version"))
			continue;
		if (!strcmp(n, "rand-seed")) {
			wl_json_uint(&j, n, seed);
			continue;
		}
		switch (v->o->type) {
		case WL_OPT_INT:
			wl_json_int(&j, n, v->i);
			break;
		case WL_OPT_SIZE:
			wl_json_uint(&j, n, v->size);
			break;
		case WL_OPT_DOUBLE:
			wl_json_double(&j, n, v->d);
			break;
		case WL_OPT_BOOL:
			wl_json_bool(&j, n, v->b);
			break;
		default:
			wl_json_str(&j, n, v->text);
			break;
		}
	}
	wl_json_end_object(&j);
	wl_json_int(&j, "threads", r->nthreads);
	wl_json_uint(&j, "events", r->events);
	wl_json_double(&j, "total_time_s", r->total_time_s);
	wl_json_double(&j, "events_per_sec", r->total_time_s > 0 ? r->events / r->total_time_s : 0);
	json_latency(&j, "latency_ms", r, 1e6);
	json_latency(&j, "latency_ns", r, 1);
	wl_json_uint(&j, "start_ns", start_ns);
	if (wl_opt_bool("histogram")) {
		wl_json_begin_array(&j, "histogram");
		for (unsigned i = 0; i < WL_HIST_SIZE; i++) {
			if (!r->hist.count[i])
				continue;
			wl_json_begin_array(&j, NULL);
			wl_json_double(&j, NULL, wl_hist_bucket_ms(i));
			wl_json_uint(&j, NULL, r->hist.count[i]);
			wl_json_end_array(&j);
		}
		wl_json_end_array(&j);
	}
	if (H.w->report_json)
		H.w->report_json(&j, r);
	wl_json_end_object(&j);
	fputc('\n', stdout);
	fflush(stdout);
}

static void print_histogram(FILE *out, const struct wl_hist *h)
{
	uint64_t maxc = 0;

	for (int i = 0; i < WL_HIST_SIZE; i++)
		if (h->count[i] > maxc)
			maxc = h->count[i];
	if (!maxc)
		return;
	fprintf(out, "Latency histogram (values are in milliseconds)\n");
	fprintf(out, "       value  ------------- distribution ------------- count\n");
	for (unsigned i = 0; i < WL_HIST_SIZE; i++) {
		if (!h->count[i])
			continue;
		int width = (int)floor(h->count[i] * 40.0 / maxc + 0.5);
		fprintf(out, "%12.3f |%-40.*s %" PRIu64 "\n", wl_hist_bucket_ms(i), width,
		        "****************************************", h->count[i]);
	}
	fprintf(out, "\n");
}

static void print_text(const struct wl_result *r)
{
	FILE *out = stdout;
	double ev_avg = (double)r->events / r->nthreads, t_avg = r->lat_sum_ns / 1e9 / r->nthreads;
	double ev_sd = 0, t_sd = 0;

	if (wl_opt_bool("histogram"))
		print_histogram(out, &r->hist);
	if (H.w->report_text)
		H.w->report_text(out, r);
	for (int i = 0; i < r->nthreads; i++) {
		const struct wl_thread *t = &H.threads[i];
		double d = ev_avg - t->events;
		ev_sd += d * d;
		d = t_avg - t->lat_sum_ns / 1e9;
		t_sd += d * d;
	}
	ev_sd = sqrt(ev_sd / r->nthreads);
	t_sd = sqrt(t_sd / r->nthreads);

	fprintf(out, "General statistics:\n");
	fprintf(out, "    total time:                          %.4fs\n", r->total_time_s);
	fprintf(out, "    total number of events:              %" PRIu64 "\n\n", r->events);
	fprintf(out, "Latency (ms):\n");
	fprintf(out, "         min:                            %10.2f\n", r->lat_min_ns / 1e6);
	fprintf(out, "         avg:                            %10.2f\n", r->lat_avg_ns / 1e6);
	fprintf(out, "         max:                            %10.2f\n", r->lat_max_ns / 1e6);
	if (r->percentile > 0)
		fprintf(out, "        %3gth percentile:                %10.2f\n", r->percentile,
		        r->lat_pct_ns / 1e6);
	else
		fprintf(out, "         percentile stats:               disabled\n");
	fprintf(out, "         sum:                            %10.2f\n\n", r->lat_sum_ns / 1e6);
	/* sysbench rounds sub-microsecond events to 0.00 ms; these are the real figures. */
	fprintf(out, "Latency (ns):\n");
	fprintf(out, "         min:                            %10" PRIu64 "\n", r->lat_min_ns);
	fprintf(out, "         avg:                            %12.1f\n", r->lat_avg_ns);
	fprintf(out, "         max:                            %10" PRIu64 "\n", r->lat_max_ns);
	if (r->percentile > 0)
		fprintf(out, "        %3gth percentile:                %10.0f\n", r->percentile,
		        r->lat_pct_ns);
	fprintf(out, "\nThreads fairness:\n");
	fprintf(out, "    events (avg/stddev):           %.4f/%3.2f\n", ev_avg, ev_sd);
	fprintf(out, "    execution time (avg/stddev):   %.4f/%3.2f\n\n", t_avg, t_sd);
	fflush(out);
}

static void print_header(uint64_t seed)
{
	bool first = true;

	printf("%s (assay %s)\n\nRunning the test with following options:\n", H.w->name,
	       ASSAY_VERSION);
	printf("Number of threads: %d\n", H.nthreads);
	if (wl_opt_double("warmup-time") > 0)
		printf("Warm-up time: %gs\n", wl_opt_double("warmup-time"));
	if (wl_opt_double("report-interval") > 0)
		printf("Report intermediate results every %g second(s)\n",
		       wl_opt_double("report-interval"));
	printf("Random number generator seed: %" PRIu64 "\n", seed);
	for (int i = 0; i < H.nopts; i++) {
		const struct wl_option *o = H.opts[i].o;
		bool common = false;
		for (const struct wl_option *c = common_options; c->name; c++)
			common |= !strcmp(c->name, o->name);
		if (common)
			continue;
		printf("%s--%s=%s", first ? "Workload options: " : " ", o->name, H.opts[i].text);
		first = false;
	}
	printf("%s\nThreads started!\n\n", first ? "" : "\n");
	fflush(stdout);
}

static void free_threads(void)
{
	free(H.threads);
	H.threads = NULL;
}

int wl_main(const struct wl_workload *w, int argc, char **argv, uint64_t start_ns)
{
	struct sigaction sa, old_int, old_term;
	struct wl_result *res = NULL;
	uint64_t seed, total_ns = 0;
	bool inited = false;
	int rc, status;

	memset(&H, 0, sizeof(H));
	pthread_mutex_init(&H.errlock, NULL);
	H.w = w;
	H.wake_pipe[0] = H.wake_pipe[1] = -1;
	signal_seen = 0;
	pthread_once(&hist_once, hist_init);

	if ((rc = add_options(common_options)) < 0 || (rc = add_options(w->options)) < 0)
		goto finish;
	set_defaults();
	if ((rc = parse_args(argc, argv)) < 0)
		goto finish;
	if (wl_opt_bool("help")) {
		print_help(stdout);
		goto finish;
	}
	if (wl_opt_bool("version")) {
		printf("%s (assay %s)\n", w->name, ASSAY_VERSION);
		goto finish;
	}

	H.nthreads = (int)wl_opt_int("threads");
	H.events_limit = (uint64_t)wl_opt_int("events");
	H.time_batch = (uint64_t)wl_opt_int("time-batch");
	seed = (uint64_t)wl_opt_int("rand-seed");
	if (!seed)
		seed = wl_now_ns() ^ ((uint64_t)getpid() << 32);

	if (pipe2(H.wake_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		rc = wl_error_errno("pipe");
		goto finish;
	}
	signal_pipe = H.wake_pipe[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	if (w->init && (rc = w->init()) < 0)
		goto restore;
	inited = true;
	if (signal_seen)
		goto restore;
	if (!wl_opt_bool("json"))
		print_header(seed);
	rc = run_threads(seed, &total_ns);
	if (rc < 0 || signal_seen)
		goto restore;
	res = calloc(1, sizeof(*res));
	if (!res) {
		rc = wl_error_errno("allocating the result");
		goto restore;
	}
	merge_results(res, total_ns);
	if (wl_opt_bool("json"))
		print_json(res, start_ns, seed);
	else
		print_text(res);

restore:
	/* Per-thread state belongs to the workload until done() has run. */
	if (inited && w->done)
		w->done();
	free(res);
	free_threads();
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	signal_pipe = -1;
finish:
	if (H.wake_pipe[0] >= 0) {
		close(H.wake_pipe[0]);
		close(H.wake_pipe[1]);
	}
	fflush(stdout);
	status = 0;
	if (rc < 0 || H.errcode) {
		fprintf(stderr, "%s: %s\n", w->name, H.errmsg[0] ? H.errmsg : "failed");
		status = H.errcode == 2 || rc == -2 ? 2 : 1;
	} else if (signal_seen) {
		status = 128 + signal_seen;
	}
	pthread_mutex_destroy(&H.errlock);
	return status;
}
