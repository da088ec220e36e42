/* What the harness's files (the .c files of workloads/harness/) share with one another and not with
 * workloads, whose contract is harness.h. Each file keeps its own state; these are the ways in.
 *
 *   error.c    the first error of a run, for wl_main to print
 *   parse.c    value parsers (public: wl_parse_*)
 *   options.c  the option table, the command line, lookups (wl_opt_*), --help
 *   hist.c     the latency histogram (wl_hist_*)
 *   json.c     the JSON writer (wl_json_*)
 *   run.c      wl_main, threads, the timed event loop (the per-event path stays in this one file)
 *   report.c   the merged result, the header, the text summary and the JSON line
 *   buffer.c   working buffers: 2 MiB-aligned, the --huge-pages advice, huge pages obtained
 *   start.c    the canonical process image (argv[0], environment) and what it was
 *   affinity.c --cpus: the workload pins itself (sched_setaffinity) and records the set it got
 */
#ifndef ASSAY_WORKLOAD_HARNESS_INTERNAL_H
#define ASSAY_WORKLOAD_HARNESS_INTERNAL_H

#include "harness/harness.h"

/* ---- errors (error.c) ------------------------------------------------------------------- */

/* At the start of every wl_main: no error recorded, the lock ready; fini at its end. */
void harness_error_reset(void);
void harness_error_fini(void);
/* The recorded error: 0 none, 1 failure, 2 bad usage; its message ("" when none). */
int harness_error_code(void);
const char *harness_error_msg(void);

/* ---- options (options.c) ---------------------------------------------------------------- */

struct opt_value {
	const struct wl_option *o;
	const char *text; /* as given, or the default */
	int64_t i;
	uint64_t size;
	double d;
	bool b;
	unsigned choice;
};

/* Builds the table (the common options, then w's, which may redeclare a common one), sets the
 * defaults and parses argv. <0 on a bad command line (the error is recorded). */
int harness_opts_parse(const struct wl_workload *w, int argc, char **argv);
void harness_print_help(FILE *out, const struct wl_workload *w);
/* The table in order, for the reports; whether an entry is one of the common options. */
int harness_opt_count(void);
const struct opt_value *harness_opt_at(int i);
bool harness_opt_is_common(const struct wl_option *o);

/* ---- histogram (hist.c) ----------------------------------------------------------------- */

/* Computes the bucket thresholds once (also done by the first wl_hist_* call): wl_main does it
 * before the clock starts. */
void harness_hist_setup(void);

/* ---- reports (report.c) ----------------------------------------------------------------- */

void harness_merge_results(struct wl_result *r, const struct wl_thread *threads, int nthreads,
                           uint64_t total_ns);
/* Text mode: what runs, before the threads start (stdout). */
void harness_print_header(const struct wl_workload *w, int nthreads, uint64_t seed);
void harness_print_text(const struct wl_workload *w, const struct wl_result *r);
void harness_print_json(const struct wl_workload *w, const struct wl_result *r, uint64_t start_ns,
                        uint64_t seed);

/* ---- buffers (buffer.c) ----------------------------------------------------------------- */

/* "memory": {"huge_pages": POLICY, "buffer_align": BYTES, "anon_huge_kb": KiB or null}: the
 * most huge-page memory seen when a buffer was freed (or now). */
void harness_buffer_json(struct wl_json *j);
/* "process": {"canonical", "env_vars", "env_bytes", "auxv_entries", "cpus", "affinity"}
 * (start.c, affinity.c). */
void harness_process_json(struct wl_json *j);

/* ---- CPU affinity (affinity.c) ---------------------------------------------------------- */

/* --cpus=LIST applied to the calling thread (its threads inherit it); 0 when not set, <0 with
 * the error recorded. */
int harness_pin(void);
/* "cpus": LIST or null, "affinity": the set obtained, into the open object. */
void harness_affinity_json(struct wl_json *j);

#endif
