/* Suite files: libyaml's document API (every node keeps its start mark, so each error can point
 * at FILE:LINE:COLUMN), validated into struct suite. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <yaml.h>

#include "lib/filter.h"
#include "suite/suite.h"
#include "lib/util.h"

struct ctx {
	const char *path;
	yaml_document_t *doc;
	assay_error_t *err;
};

__attribute__((format(printf, 3, 4))) static int at(struct ctx *c, const yaml_node_t *n,
                                                    const char *fmt, ...)
{
	cleanup_free char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	return assay_error_usage(c->err, "%s:%zu:%zu: %s", c->path, n->start_mark.line + 1,
	                         n->start_mark.column + 1, msg);
}

static const char *node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static yaml_node_t *node(struct ctx *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

/* Checks the node's type; `what` names the key for the message. */
static int expect(struct ctx *c, const yaml_node_t *n, yaml_node_type_t type, const char *what)
{
	static const char *const names[] = {
	    [YAML_SCALAR_NODE] = "a scalar",
	    [YAML_SEQUENCE_NODE] = "a sequence",
	    [YAML_MAPPING_NODE] = "a mapping",
	};

	if (n->type == type)
		return 0;
	return at(c, n, "%s: expected %s, got %s", what, names[type], node_kind(n));
}

static int get_string(struct ctx *c, const yaml_node_t *n, const char *what, char **out)
{
	if (expect(c, n, YAML_SCALAR_NODE, what) < 0)
		return -1;
	if (*scalar(n) == '\0')
		return at(c, n, "%s: expected a non-empty string", what);
	free(*out);
	*out = xstrdup(scalar(n));
	return 0;
}

static int get_uint(struct ctx *c, const yaml_node_t *n, const char *what, unsigned min,
                    unsigned *out)
{
	const char *s;
	char *end;
	unsigned long v;

	if (expect(c, n, YAML_SCALAR_NODE, what) < 0)
		return -1;
	s = scalar(n);
	errno = 0;
	v = isdigit((unsigned char)*s) ? strtoul(s, &end, 10) : 0;
	if (!isdigit((unsigned char)*s) || *end || errno || v > 1000000 || v < min)
		return at(c, n, "%s: expected an integer >= %u, got `%s`", what, min, s);
	*out = (unsigned)v;
	return 0;
}

/* Seconds: 90, 90s, 2m, 1h (whole seconds >= 1). */
/* A size in bytes: a number with an optional K, M or G (powers of 1024; Ki, Mi, Gi too), at
 * least 4 MiB (what a container's runtime itself needs), at most 1 TiB. */
static int get_bytes(struct ctx *c, const yaml_node_t *n, const char *what, uint64_t *out)
{
	static const char units[] = "KMG";
	const char *s, *u;
	char *end;
	double v;

	if (expect(c, n, YAML_SCALAR_NODE, what) < 0)
		return -1;
	s = scalar(n);
	errno = 0;
	v = isdigit((unsigned char)*s) ? strtod(s, &end) : -1;
	if (v >= 0 && !errno && *end) {
		u = strchr(units, *end);
		if (u && (!end[1] || !strcmp(end + 1, "i")))
			v *= (double)(1ull << (10 * (u - units + 1)));
		else
			v = -1;
	}
	if (v < 4.0 * 1024 * 1024 || v > 1024.0 * 1024 * 1024 * 1024)
		return at(c, n,
		          "%s: expected a size of at least 4M (e.g. 64M, 1G, 268435456), got `%s`",
		          what, s);
	*out = (uint64_t)v;
	return 0;
}

static int get_duration(struct ctx *c, const yaml_node_t *n, const char *what, unsigned *out)
{
	const char *s;
	char *end;
	double v;

	if (expect(c, n, YAML_SCALAR_NODE, what) < 0)
		return -1;
	s = scalar(n);
	errno = 0;
	v = isdigit((unsigned char)*s) ? strtod(s, &end) : -1;
	if (v >= 0 && !errno) {
		if (!strcmp(end, "m"))
			v *= 60;
		else if (!strcmp(end, "h"))
			v *= 3600;
		else if (strcmp(end, "s") && *end)
			v = -1;
	}
	if (v < 1 || v > 86400 * 7)
		return at(c, n,
		          "%s: expected a duration of at least 1 s (e.g. 90, 90s, 2m), got `%s`",
		          what, s);
	*out = (unsigned)(v + 0.5);
	return 0;
}

/* Picks one word of choices ("a|b"), or an error listing them. */
static int get_choice(struct ctx *c, const yaml_node_t *n, const char *what, const char *choices,
                      char **out)
{
	const char *s;
	size_t len;

	if (expect(c, n, YAML_SCALAR_NODE, what) < 0)
		return -1;
	s = scalar(n);
	len = strlen(s);
	for (const char *p = choices; *p;) {
		size_t w = strcspn(p, "|");

		if (w == len && !strncmp(p, s, len)) {
			free(*out);
			*out = xstrdup(s);
			return 0;
		}
		p += w;
		if (*p)
			p++;
	}
	return at(c, n, "%s: expected one of %s, got `%s`", what, choices, s);
}

/* Iterates a mapping's pairs, rejecting non-scalar keys, duplicates and keys not in `keys`
 * (NULL-terminated; NULL accepts any key). fn gets each key and value. */
typedef int (*pair_fn)(struct ctx *c, void *data, const char *key, yaml_node_t *k, yaml_node_t *v);

static int each_pair(struct ctx *c, yaml_node_t *map, const char *what, const char *const *keys,
                     pair_fn fn, void *data)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(c, p->key), *v = node(c, p->value);

		if (k->type != YAML_SCALAR_NODE)
			return at(c, k, "%s: keys must be scalars, got %s", what, node_kind(k));
		for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *prev = node(c, q->key);

			if (prev->type == YAML_SCALAR_NODE && !strcmp(scalar(prev), scalar(k)))
				return at(c, k, "%s: duplicate key `%s`", what, scalar(k));
		}
		if (keys) {
			const char *const *key;
			size_t len = 0;

			for (key = keys; *key && strcmp(*key, scalar(k)); key++)
				;
			if (*key == NULL) {
				cleanup_free char *list = NULL;

				for (key = keys; *key; key++)
					len += strlen(*key) + 2;
				list = xcalloc(len + 1, 1);
				for (key = keys; *key; key++) {
					if (*list)
						strcat(list, ", ");
					strcat(list, *key);
				}
				return at(c, k, "%s: unknown key `%s` (expected one of: %s)", what,
				          scalar(k), list);
			}
		}
		if (fn(c, data, scalar(k), k, v) < 0)
			return -1;
	}
	return 0;
}

/* ---- Targets ------------------------------------------------------------------------------ */

/* name is valid (target_name_valid) */
static void target_init(struct suite_target *t, const char *name)
{
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	target_parse_name(name, &t->type, &t->runtime, &t->daemon);
}

static void target_release(struct suite_target *t)
{
	free(t->name);
	free(t->runtime);
	free(t->daemon);
}

static bool has_target(const struct suite *s, const char *name)
{
	for (size_t i = 0; i < s->n_targets; i++)
		if (!strcmp(s->targets[i].name, name))
			return true;
	return false;
}

static void add_target(struct suite *s, const char *name)
{
	s->targets = xrealloc(s->targets, (s->n_targets + 1) * sizeof(*s->targets));
	target_init(&s->targets[s->n_targets++], name);
}

static int parse_targets(struct ctx *c, struct suite *s, yaml_node_t *n)
{
	if (expect(c, n, YAML_SEQUENCE_NODE, "targets") < 0)
		return -1;
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top;
	     i++) {
		yaml_node_t *t = node(c, *i);

		if (expect(c, t, YAML_SCALAR_NODE, "targets") < 0)
			return -1;
		if (!target_name_valid(scalar(t))) {
			cleanup_free char *syntaxes = target_syntaxes();

			return at(
			    c, t,
			    "targets: expected %s (e.g. oci/runc, cri/containerd/runsc), got `%s`",
			    syntaxes, scalar(t));
		}
		if (has_target(s, scalar(t)))
			return at(c, t, "targets: `%s` listed twice", scalar(t));
		add_target(s, scalar(t));
	}
	if (s->n_targets == 0)
		return at(c, n, "targets: expected at least one target");
	return 0;
}

/* ---- Benchmarks --------------------------------------------------------------------------- */

/* One `benchmarks:` item before glob expansion. Unset numbers are 0 / -1. */
struct bench_item {
	yaml_node_t *name_node, *params_node;
	char *name;
	json_t *overrides;
	unsigned runs, timeout_s;
	int warmup;
	uint64_t memory_limit;
};

static int item_params_pair(struct ctx *c, void *data, const char *key, yaml_node_t *k,
                            yaml_node_t *v)
{
	struct bench_item *it = data;

	(void)k;
	if (expect(c, v, YAML_SCALAR_NODE, "params") < 0)
		return -1;
	json_object_set_new(it->overrides, key, json_string(scalar(v)));
	return 0;
}

static int item_pair(struct ctx *c, void *data, const char *key, yaml_node_t *k, yaml_node_t *v)
{
	struct bench_item *it = data;
	unsigned w;

	(void)k;
	if (!strcmp(key, "name")) {
		it->name_node = v;
		return get_string(c, v, "name", &it->name);
	}
	if (!strcmp(key, "params")) {
		if (expect(c, v, YAML_MAPPING_NODE, "params") < 0)
			return -1;
		it->params_node = v;
		return each_pair(c, v, "params", NULL, item_params_pair, it);
	}
	if (!strcmp(key, "runs"))
		return get_uint(c, v, "runs", 1, &it->runs);
	if (!strcmp(key, "warmup")) {
		if (get_uint(c, v, "warmup", 0, &w) < 0)
			return -1;
		it->warmup = (int)w;
		return 0;
	}
	if (!strcmp(key, "memory-limit"))
		return get_bytes(c, v, "memory-limit", &it->memory_limit);
	return get_duration(c, v, "timeout", &it->timeout_s);
}

/* Checks the item's params against one registry entry, pointing at the offending key/value. */
static int check_params(struct ctx *c, const struct bench_item *it, const struct benchmark *b)
{
	yaml_node_t *map = it->params_node;

	if (map == NULL)
		return 0;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
		const struct benchmark_param *param = benchmarks_param(b, scalar(k));
		assay_error_t e = NULL;
		int ret;

		if (param == NULL) {
			json_t *one = json_pack("{s:s}", scalar(k), ""), *unused = NULL;

			/* Its message lists the parameters the benchmark does take. */
			benchmarks_resolve_params(b, one, false, &unused, &e);
			json_decref(one);
			json_decref(unused);
			ret = at(c, k, "params: %s", e ? e->msg : "unknown parameter");
			assay_error_release(&e);
			return ret;
		}
		if (benchmarks_check_param(param, scalar(v), &e) < 0) {
			ret = at(c, v, "params of %s: %s", b->name, e->msg);
			assay_error_release(&e);
			return ret;
		}
	}
	return 0;
}

static int add_bench(struct ctx *c, struct suite *s, const struct bench_item *it,
                     const struct benchmark *b)
{
	struct suite_bench *sb;

	for (size_t i = 0; i < s->n_benches; i++)
		if (s->benches[i].def == b)
			return at(c, it->name_node, "benchmarks: %s listed twice", b->name);
	if (check_params(c, it, b) < 0)
		return -1;
	s->benches = xrealloc(s->benches, (s->n_benches + 1) * sizeof(*s->benches));
	sb = &s->benches[s->n_benches++];
	memset(sb, 0, sizeof(*sb));
	sb->def = b;
	sb->overrides = json_deep_copy(it->overrides);
	/* Suite-wide runs/warmup/timeout are filled in once the whole file is read. */
	sb->runs = it->runs;
	sb->warmup = it->warmup >= 0 ? (unsigned)it->warmup : (unsigned)-1;
	sb->timeout_s = it->timeout_s;
	sb->memory_limit = it->memory_limit;
	if (benchmarks_resolve_params(b, sb->overrides, false, &sb->params, c->err) < 0)
		return at(c, it->name_node, "%s", "params");
	return 0;
}

static int parse_bench_item(struct ctx *c, struct suite *s, yaml_node_t *n)
{
	static const char *const keys[] = {"name",    "params",       "runs", "warmup",
	                                   "timeout", "memory-limit", NULL};
	struct bench_item it = {.warmup = -1, .overrides = json_object()};
	size_t nreg, matched = 0;
	const struct benchmark *reg = benchmarks_all(&nreg);
	int ret = -1;

	if (n->type == YAML_SCALAR_NODE) {
		it.name_node = n;
		if (get_string(c, n, "benchmarks", &it.name) < 0)
			goto out;
	} else if (n->type == YAML_MAPPING_NODE) {
		if (each_pair(c, n, "benchmarks", keys, item_pair, &it) < 0)
			goto out;
		if (it.name == NULL) {
			ret = at(c, n, "benchmarks: missing key `name`");
			goto out;
		}
	} else {
		ret = at(c, n,
		         "benchmarks: expected a benchmark name or a mapping with `name`, got %s",
		         node_kind(n));
		goto out;
	}
	for (size_t i = 0; i < nreg; i++) {
		if (!filter_match(it.name, reg[i].name))
			continue;
		matched++;
		if (add_bench(c, s, &it, &reg[i]) < 0)
			goto out;
	}
	if (matched == 0) {
		ret = at(c, it.name_node,
		         "benchmarks: unknown benchmark `%s` (`collector list` shows the names)",
		         it.name);
		goto out;
	}
	ret = 0;
out:
	free(it.name);
	json_decref(it.overrides);
	return ret;
}

static int parse_benchmarks(struct ctx *c, struct suite *s, yaml_node_t *n)
{
	if (expect(c, n, YAML_SEQUENCE_NODE, "benchmarks") < 0)
		return -1;
	for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top;
	     i++)
		if (parse_bench_item(c, s, node(c, *i)) < 0)
			return -1;
	if (s->n_benches == 0)
		return at(c, n, "benchmarks: expected at least one benchmark");
	return 0;
}

/* ---- Top level ---------------------------------------------------------------------------- */

static int options_pair(struct ctx *c, void *data, const char *key, yaml_node_t *k, yaml_node_t *v)
{
	struct suite *s = data;

	(void)k;
	if (!strcmp(key, "pod-network"))
		return get_choice(c, v, "pod-network", "node|cni", &s->pod_network);
	if (!strcmp(key, "runsc-sandbox"))
		return get_choice(c, v, "runsc-sandbox", "per-pod|per-container",
		                  &s->runsc_sandbox);
	if (!strcmp(key, "auto-target"))
		return get_uint(c, v, "auto-target", 1, &s->auto_target_pct);
	if (!strcmp(key, "auto-max-runs"))
		return get_uint(c, v, "auto-max-runs", 2, &s->auto_max_runs);
	if (!strcmp(key, "auto-budget"))
		return get_duration(c, v, "auto-budget", &s->auto_budget_s);
	if (!strcmp(key, "syscall-latency")) {
		cleanup_free char *b = NULL;

		if (get_choice(c, v, "syscall-latency", "true|false|on|off", &b) < 0)
			return -1;
		s->syscall_latency = !strcmp(b, "true") || !strcmp(b, "on");
		return 0;
	}
	return get_duration(c, v, "cri-timeout", &s->cri_timeout_s);
}

struct top {
	struct suite *s;
	yaml_node_t *targets, *benchmarks;
	bool runs_set, warmup_set;
};

static int top_pair(struct ctx *c, void *data, const char *key, yaml_node_t *k, yaml_node_t *v)
{
	static const char *const options[] = {
	    "pod-network",   "cri-timeout", "runsc-sandbox",   "auto-target",
	    "auto-max-runs", "auto-budget", "syscall-latency", NULL};
	struct top *t = data;
	struct suite *s = t->s;
	cleanup_free char *order = NULL;

	(void)k;
	if (!strcmp(key, "name"))
		return get_string(c, v, "name", &s->name);
	if (!strcmp(key, "description"))
		return get_string(c, v, "description", &s->description);
	if (!strcmp(key, "targets")) {
		t->targets = v;
		return 0;
	}
	if (!strcmp(key, "benchmarks")) {
		t->benchmarks = v;
		return 0;
	}
	if (!strcmp(key, "runs")) {
		s->runs_auto = v->type == YAML_SCALAR_NODE && !strcmp(scalar(v), "auto");
		return s->runs_auto ? 0 : get_uint(c, v, "runs", 1, &s->runs);
	}
	if (!strcmp(key, "warmup"))
		return get_uint(c, v, "warmup", 0, &s->warmup);
	if (!strcmp(key, "order")) {
		if (get_choice(c, v, "order", "interleaved|sequential", &order) < 0)
			return -1;
		s->order =
		    strcmp(order, "sequential") ? SUITE_ORDER_INTERLEAVED : SUITE_ORDER_SEQUENTIAL;
		return 0;
	}
	if (!strcmp(key, "timeout"))
		return get_duration(c, v, "timeout", &s->timeout_s);
	if (!strcmp(key, "output"))
		return get_string(c, v, "output", &s->output);
	if (expect(c, v, YAML_MAPPING_NODE, "options") < 0)
		return -1;
	return each_pair(c, v, "options", options, options_pair, s);
}

static char *default_name(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name = xstrdup(base ? base + 1 : path);
	char *dot = strrchr(name, '.');

	if (dot && dot != name)
		*dot = '\0';
	return name;
}

static int parse_document(struct ctx *c, struct suite *s)
{
	static const char *const keys[] = {"name",   "description", "targets", "benchmarks",
	                                   "runs",   "warmup",      "order",   "timeout",
	                                   "output", "options",     NULL};
	yaml_node_t *root = yaml_document_get_root_node(c->doc);
	struct top t = {.s = s};

	if (root == NULL)
		return assay_error_usage(c->err,
		                         "%s:1:1: empty suite (expected a mapping with `targets` "
		                         "and `benchmarks`)",
		                         c->path);
	if (expect(c, root, YAML_MAPPING_NODE, "suite") < 0)
		return -1;
	if (each_pair(c, root, "suite", keys, top_pair, &t) < 0)
		return -1;
	if (t.targets == NULL)
		return at(c, root, "suite: missing key `targets`");
	if (t.benchmarks == NULL)
		return at(c, root, "suite: missing key `benchmarks`");
	if (parse_targets(c, s, t.targets) < 0 || parse_benchmarks(c, s, t.benchmarks) < 0)
		return -1;
	for (size_t i = 0; i < s->n_benches; i++) {
		struct suite_bench *b = &s->benches[i];

		if (b->runs == 0)
			b->runs = s->runs;
		if (b->warmup == (unsigned)-1)
			b->warmup = s->warmup;
		if (b->timeout_s == 0)
			b->timeout_s = s->timeout_s ? s->timeout_s : b->def->timeout_s;
	}
	if (s->name == NULL)
		s->name = default_name(s->path);
	if (s->pod_network == NULL)
		s->pod_network = xstrdup("node");
	if (s->runsc_sandbox == NULL)
		s->runsc_sandbox = xstrdup("per-pod");
	return 0;
}

int suite_parse(const char *path, const char *text, size_t len, struct suite **out,
                assay_error_t *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct ctx c = {.path = path, .doc = &doc, .err = err};
	struct suite *s;
	int ret;

	if (!yaml_parser_initialize(&parser))
		return assay_error_make(err, ENOMEM, "%s: cannot initialise the YAML parser", path);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		ret = assay_error_usage(
		    err, "%s:%zu:%zu: YAML syntax: %s%s%s", path, parser.problem_mark.line + 1,
		    parser.problem_mark.column + 1, parser.problem ? parser.problem : "error",
		    parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return ret;
	}
	s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	s->text = strndup(text, len);
	if (s->text == NULL)
		abort();
	s->runs = 3;
	s->warmup = 1;
	s->cri_timeout_s = 60;
	s->auto_target_pct = 3;
	s->auto_max_runs = 12;
	s->auto_budget_s = 540;
	ret = parse_document(&c, s);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (ret < 0) {
		suite_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

int suite_load(const char *path, struct suite **out, assay_error_t *err)
{
	cleanup_file FILE *f = fopen(path, "re");
	cleanup_free char *text = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL)
		return assay_error_usage(err, "open suite `%s`: %s", path, strerror(errno));
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			text = xrealloc(text, cap);
		}
		n = fread(text + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	if (ferror(f))
		return assay_error_usage(err, "read suite `%s`: %s", path, strerror(errno));
	text[len] = '\0';
	return suite_parse(path, text, len, out, err);
}

void suite_free(struct suite *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_targets; i++)
		target_release(&s->targets[i]);
	for (size_t i = 0; i < s->n_benches; i++) {
		json_decref(s->benches[i].params);
		json_decref(s->benches[i].overrides);
	}
	free(s->targets);
	free(s->benches);
	free(s->path);
	free(s->text);
	free(s->name);
	free(s->description);
	free(s->output);
	free(s->pod_network);
	free(s->runsc_sandbox);
	free(s);
}

/* ---- Overrides from the command line ------------------------------------------------------- */

static int restrict_targets(struct suite *s, const char *list, assay_error_t *err)
{
	char **items = NULL;
	size_t n = 0;
	struct suite *tmp = xcalloc(1, sizeof(*tmp));
	int ret = -1;

	if (filter_split(list, &items, &n, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		size_t before = tmp->n_targets;

		if (filter_is_glob(items[i])) {
			for (size_t j = 0; j < s->n_targets; j++)
				if (filter_match(items[i], s->targets[j].name) &&
				    !has_target(tmp, s->targets[j].name))
					add_target(tmp, s->targets[j].name);
			if (tmp->n_targets == before) {
				assay_error_usage(err, "no target of suite `%s` matches `%s`",
				                  s->name, items[i]);
				goto out;
			}
		} else if (!target_name_valid(items[i])) {
			cleanup_free char *syntaxes = target_syntaxes();

			assay_error_usage(err, "target `%s`: expected %s", items[i], syntaxes);
			goto out;
		} else if (!has_target(tmp, items[i])) {
			add_target(tmp, items[i]);
		}
	}
	for (size_t i = 0; i < s->n_targets; i++)
		target_release(&s->targets[i]);
	free(s->targets);
	s->targets = steal_pointer(&tmp->targets);
	s->n_targets = tmp->n_targets;
	tmp->n_targets = 0;
	ret = 0;
out:
	filter_free(items);
	suite_free(tmp);
	return ret;
}

int suite_restrict(struct suite *s, const char *targets, char *const *bench_globs, size_t n_globs,
                   int runs, bool quick, assay_error_t *err)
{
	size_t kept = 0;

	if (targets && restrict_targets(s, targets, err) < 0)
		return -1;
	/* a number of runs asked for, or a check: no rounds added */
	if (runs > 0 || quick)
		s->runs_auto = false;
	if (n_globs > 0) {
		cleanup_free const char **names = xcalloc(s->n_benches, sizeof(char *));

		for (size_t i = 0; i < s->n_benches; i++)
			names[i] = s->benches[i].def->name;
		if (filter_check_used(bench_globs, n_globs, names, s->n_benches,
		                      "benchmark of the suite", err) < 0)
			return -1;
		for (size_t i = 0; i < s->n_benches; i++) {
			if (filter_match_any(bench_globs, n_globs, s->benches[i].def->name)) {
				s->benches[kept++] = s->benches[i];
			} else {
				json_decref(s->benches[i].params);
				json_decref(s->benches[i].overrides);
			}
		}
		s->n_benches = kept;
	}
	for (size_t i = 0; i < s->n_benches; i++) {
		struct suite_bench *b = &s->benches[i];

		if (runs > 0)
			b->runs = (unsigned)runs;
		if (quick) {
			json_t *params;

			b->runs = 1;
			b->warmup = 0;
			if (benchmarks_resolve_params(b->def, b->overrides, true, &params, err) < 0)
				return -1;
			json_decref(b->params);
			b->params = params;
		}
	}
	return 0;
}

/* ---- The plan ----------------------------------------------------------------------------- */
