// SPDX-License-Identifier: GPL-2.0
/* The floor of bench/tracer: empty programs on exactly the tracepoints assay's tracer attaches
 * (bpf/attribution.bpf.c), the same program type (tp_btf). What assay's programs cost beyond
 * this is what they do; this much any tracer on these hooks pays here. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#define EMPTY(name, hook)                                                                          \
	SEC("tp_btf/" hook)                                                                        \
	int name(void *ctx)                                                                        \
	{                                                                                          \
		return 0;                                                                          \
	}

/* sys_enter is attached only for the --syscall-latency floor, as assay attaches attr_sys_enter */
EMPTY(floor_sys_enter, "sys_enter")
EMPTY(floor_sys_exit, "sys_exit")
EMPTY(floor_switch, "sched_switch")
EMPTY(floor_fork, "sched_process_fork")
EMPTY(floor_exec, "sched_process_exec")
EMPTY(floor_exit, "sched_process_exit")
