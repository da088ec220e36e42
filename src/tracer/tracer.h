/* eBPF attribution: loads bpf/attribution.bpf.c, classifies the host's tasks into roles and reads
 * the per-role aggregates the kernel keeps (on-CPU, system time, syscalls by number, syscall
 * latency, context switches, page faults). Callers snapshot before and after whatever they
 * measure and diff. Nothing is pinned: every program, link and map goes with the last fd, so
 * also when the collector is killed. */
#ifndef ASSAY_TRACER_H
#define ASSAY_TRACER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <linux/types.h> /* attribution.h uses __u32/__u64 */

#include "attribution.h"
#include "tracer/roles.h"
#include "lib/error.h"

struct tracer;

/* Sum over CPUs of every slot (see attribution.h: roles outside, then inside the lineage). */
struct tracer_stats {
	struct attr_stats slot[ATTR_NR_SLOTS];
};

struct tracer_options {
	bool events;          /* exec and stub events, printed by tracer_poll_events */
	bool syscall_latency; /* per-syscall latency histograms (tracer_set_latency) */
	bool calibrate; /* measure getppid's cost before attaching (tracer_calibrate does the rest)
	                 */
};

/* ns per getppid() of the calling thread (medians): before the programs are attached, attached
 * but the thread untracked, and tracked. */
struct tracer_cost {
	double base_ns;
	double untracked_ns;
	double tracked_ns;
};

/* Loads, fills the exe table from the host's container binaries (containerd, shims, runc, crun,
 * runsc, the collector itself), attaches, then seeds tasks that already run. */
int tracer_open(const struct tracer_options *opts, struct tracer **out, assay_error_t *err);
void tracer_close(struct tracer *t);

/* Tasks exec'ing `path` get `role` (ATTR_EXE_RUNSC: decided by argv[0]). */
int tracer_add_exe(struct tracer *t, const char *path, unsigned int role, assay_error_t *err);
/* Gives thread `tid` a role; with lineage, it and its descendants count as the run's. */
int tracer_set_task(struct tracer *t, pid_t tid, unsigned int role, bool lineage,
                    assay_error_t *err);
/* Same for every thread of process `pid`. */
int tracer_set_process(struct tracer *t, pid_t pid, unsigned int role, bool lineage,
                       assay_error_t *err);

/* Process `pid` joins the lineage: its threads keep the role the exe table gives them (runsc by
 * argv[0]), else get `fallback`. */
int tracer_adopt(struct tracer *t, pid_t pid, unsigned int fallback, assay_error_t *err);
/* The calling thread's getppid cost untracked and tracked (it ends up tracked with `role`); needs
 * an open with calibrate. ~0.1 s. */
int tracer_calibrate(struct tracer *t, unsigned int role, bool lineage, assay_error_t *err);
/* NULL until tracer_calibrate. */
const struct tracer_cost *tracer_cost(const struct tracer *t);

/* Per-syscall latency histograms on or off: a program on sys_enter and two clock reads per
 * syscall of a tracked task; off (the default), syscalls are only counted, at sys_exit. */
int tracer_set_latency(struct tracer *t, bool on, assay_error_t *err);

int tracer_snapshot(struct tracer *t, struct tracer_stats *out, assay_error_t *err);
/* out = after - before (out may alias either). */
void tracer_stats_diff(struct tracer_stats *out, const struct tracer_stats *after,
                       const struct tracer_stats *before);
/* On-CPU time of the lineage, all roles. */
uint64_t tracer_lineage_cpu_ns(const struct tracer_stats *d);
uint64_t tracer_syscall_total(const struct attr_stats *s);
/* System time of s: cpu_ns split by the kernel's tick-sampled stime/(utime+stime), as
 * /proc/<pid>/stat and getrusage do (no tick: all user time). */
uint64_t tracer_sys_ns(const struct attr_stats *s);

/* {role: {cpu_ns, sys_ns, user_ns, nvcsw, nivcsw, faults, syscalls: {total, NAME: n…},
 * syscall_latency_log2_ns: [..]}} for the lineage's roles plus `kernel`; roles with nothing
 * are left out. */
json_t *tracer_roles_json(const struct tracer_stats *d);
/* {role: cpu_ns} of tasks outside the lineage (daemons and containers of others, seeded). */
json_t *tracer_outside_json(const struct tracer_stats *d);

/* Ring-buffer fd to poll (-1 without events), and a drain printing one line per event. */
int tracer_events_fd(struct tracer *t);
int tracer_poll_events(struct tracer *t, FILE *out);

/* NULL when the number has no name. */
const char *tracer_syscall_name(unsigned int nr);
/* Number of a syscall name, -1 when unknown. */
int tracer_syscall_nr(const char *name);

/* An observer (src/observer/observer.h) backed by a tracer: per-phase snapshots, `attribution`
 * in every run record, coverage against cpuacct. trace_observer_free tears everything down. */
struct observer;
int trace_observer_new(struct observer **out, assay_error_t *err);
void trace_observer_free(struct observer *o);

#endif
