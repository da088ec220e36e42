/* Shared between bpf/attribution.bpf.c and src/tracer/: roles, per-task state, per-role
 * aggregates and lifecycle events. Fixed-width __u32/__u64 only, so both sides agree on layout. */
#ifndef ASSAY_ATTRIBUTION_H
#define ASSAY_ATTRIBUTION_H

/* One row each in the roles table, src/tracer/roles.c (names, order, colours, programs). */
enum attr_role {
	ATTR_ROLE_OTHER = 0,
	ATTR_ROLE_WORKLOAD,
	ATTR_ROLE_SENTRY,
	ATTR_ROLE_GOFER,
	ATTR_ROLE_STUB,
	ATTR_ROLE_OCI_RUNTIME,
	ATTR_ROLE_SHIM,
	ATTR_ROLE_CRI_DAEMON,
	ATTR_ROLE_PAUSE,
	ATTR_ROLE_COLLECTOR,
	ATTR_ROLE_KERNEL,
	ATTR_ROLE_ENGINE,
	ATTR_NR_ROLES,
};

/* Not a role: value in the exe table for runsc, whose role depends on argv[0] (gVisor re-execs
 * /proc/self/exe as "runsc-sandbox" for the Sentry and "runsc-gofer" for the Gofer). */
#define ATTR_EXE_RUNSC 100

/* Stats slots: roles of tasks outside any marked lineage (daemons seeded at attach, kernel
 * threads), then the same roles for tasks descending from a root user space marked
 * (ATTR_TASK_LINEAGE). The lineage half is what a run owns and what an independent measurement
 * (rusage of reaped children, a cgroup) can be compared with; other users' containers and
 * daemons on the same host stay in the first half. */
#define ATTR_NR_SLOTS          (2 * ATTR_NR_ROLES)
#define attr_slot(role, flags) ((role) + (((flags)&ATTR_TASK_LINEAGE) ? ATTR_NR_ROLES : 0))

#define ATTR_NR_SYSCALLS 512 /* x86-64 numbers; the last slot collects anything above */
#define ATTR_SC_IA32     510 /* slot for 32-bit (ia32) calls, whatever their number */
#define ATTR_LAT_BUCKETS 32  /* log2 of the syscall's latency in ns: [2^i, 2^(i+1)) */

/* attr_task.flags */
#define ATTR_TASK_LINEAGE 0x1 /* descends from a root user space marked */
#define ATTR_TASK_IN_SYS  0x2 /* between sys_enter and sys_exit (only with syscall latency on) */
#define ATTR_TASK_FORK_RET                                                                         \
	0x4                   /* a new child: its first sys_exit returns from clone, not counted   \
	                       */
#define ATTR_TASK_NO_BASE 0x8 /* seeded from user space: run_base unknown until next switch-in */

/* Per-task state, in task storage (freed with the task). */
struct attr_task {
	__u32 role;
	__u32 flags;
	__u64 run_base;   /* se.sum_exec_runtime when last switched in */
	__u64 flt_base;   /* min_flt + maj_flt when last switched in */
	__u64 utime_base; /* utime, stime (the kernel's tick-sampled split) when last switched in */
	__u64 stime_base;
	__u64 enter_ts; /* ktime of sys_enter (latency, opt-in) */
};

/* Per CPU: the task attr_switch last switched in there, with a copy of its syscall state, so that
 * the syscall hooks need no task-storage lookup while it runs (synced back at switch-out). */
struct attr_cur {
	__u64 task; /* task_struct address */
	__u64 regs; /* its user pt_regs (the syscall tracepoints' argument): who it is, cheaply */
	__u32 tracked; /* it has task storage */
	__u32 slot;    /* its stats slot */
	__u32 flags;   /* its ATTR_TASK_IN_SYS / ATTR_TASK_FORK_RET while it runs */
	__u32 pad;
	__u64 enter_ts;
};

/* Per role, in a per-CPU array: user space sums the CPUs. */
struct attr_stats {
	__u64 cpu_ns;   /* exact on-CPU time: deltas of se.sum_exec_runtime at switch-out */
	__u64 utime_ns; /* deltas of task->utime / stime at switch-out: tick-sampled (whole ticks */
	__u64
	    stime_ns; /* charged to where the tick hit), user space splits cpu_ns by their ratio */
	__u64 nvcsw;  /* voluntary switches (blocked) */
	__u64 nivcsw; /* involuntary switches (preempted) */
	__u64 faults; /* minor + major page faults */
	__u64 lat[ATTR_LAT_BUCKETS];
	__u64 sc[ATTR_NR_SYSCALLS];
};

/* Executable identity: the inode's superblock dev (kernel encoding) and inode number. */
struct attr_exe_key {
	__u32 dev;
	__u32 pad;
	__u64 ino;
};

enum attr_event_type {
	ATTR_EV_EXEC = 1,
	ATTR_EV_STUB = 2, /* a process forked by the Sentry */
};

/* Ring-buffer record for lifecycle events (rare: exec, stub creation), only when user space asks.
 */
struct attr_event {
	__u32 type;
	__u32 pid;
	__u32 tgid;
	__u32 role;
	__u32 old_role; /* ATTR_NR_ROLES when the task was untracked */
	__u32 pad;
	char comm[16];
	char file[64];
	char arg0[32]; /* exec: argv[0] of the new program */
};

#endif
