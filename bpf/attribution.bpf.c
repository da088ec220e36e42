// SPDX-License-Identifier: GPL-2.0
/* Attribution of CPU time and syscalls to the roles of a container stack.
 *
 * A task carries a role in task storage: set at exec from the executable's inode (plus argv[0]
 * for runsc), inherited at fork, seeded from user space for tasks that existed before attach.
 * Tasks without storage are untracked: the syscall hook rejects them with one per-CPU lookup
 * (the running task's state is cached per CPU at switch-in). Everything is aggregated here, per
 * role, in a per-CPU array. */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "attribution.h"

#define PF_KTHREAD 0x00200000

char LICENSE[] SEC("license") = "GPL";

/* Set by user space before load: send exec/stub events to the ring buffer. */
const volatile bool emit_events = false;
__u64 dbg_mismatch, dbg_mismatch_tracked, dbg_same_untracked, dbg_same_tracked_nostorage;

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct attr_task);
} attr_tasks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct attr_cur);
} attr_cur SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ATTR_NR_SLOTS);
	__type(key, __u32);
	__type(value, struct attr_stats);
} attr_stats SEC(".maps");

/* Executable inode → role (or ATTR_EXE_RUNSC), filled by user space from the host's binaries. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct attr_exe_key);
	__type(value, __u32);
} attr_exes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} attr_events SEC(".maps");

/* Out-of-range roles (user space bugs) fail the array lookup. */
static __always_inline struct attr_stats *slot(__u32 i)
{
	return bpf_map_lookup_elem(&attr_stats, &i);
}

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) {
		v >>= 32;
		r += 32;
	}
	if (v >> 16) {
		v >>= 16;
		r += 16;
	}
	if (v >> 8) {
		v >>= 8;
		r += 8;
	}
	if (v >> 4) {
		v >>= 4;
		r += 4;
	}
	if (v >> 2) {
		v >>= 2;
		r += 2;
	}
	if (v >> 1)
		r += 1;
	return r;
}

#define ATTR_SYS_FLAGS (ATTR_TASK_IN_SYS | ATTR_TASK_FORK_RET)

static __always_inline struct attr_cur *cur(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&attr_cur, &zero);
}

#define TS_COMPAT 0x0002 /* x86 thread_info.status: a 32-bit syscall is active */

/* bpf_rdonly_cast is resolved by the verifier to a plain register move: the cached task address
 * becomes a pointer to read through, with no helper call. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/* 32-bit (ia32) calls have numbers of their own (int $0x80 from 64-bit code too): counted apart,
 * not under an x86-64 name. */
static __always_inline void count_syscall(__u32 sl, __u64 nr, __u64 task_addr)
{
	struct task_struct *task =
	    bpf_rdonly_cast((void *)task_addr, bpf_core_type_id_kernel(struct task_struct));
	struct attr_stats *s = slot(sl);

	if (!s)
		return;
	if (task->thread_info.status & TS_COMPAT)
		nr = ATTR_SC_IA32;
	else if (nr >= ATTR_SC_IA32)
		nr = ATTR_NR_SYSCALLS - 1;
	s->sc[nr]++;
}

/* The running task's syscall state: the CPU's attr_cur when it describes the task (its pt_regs,
 * which the syscall tracepoints get as their first argument, are the task's own: no helper call
 * to compare), else task storage, and the cache is refilled from it (a switch-in attr_switch did
 * not see). NULL: untracked. */
static __always_inline struct attr_cur *running(struct pt_regs *regs)
{
	struct attr_cur *c = cur();
	struct task_struct *task;
	struct attr_task *t;

	if (!c)
		return NULL;
	if (c->regs == (__u64)regs)
		return c->tracked ? c : NULL;
	task = bpf_get_current_task_btf();
	t = bpf_task_storage_get(&attr_tasks, task, 0, 0);
	c->task = (__u64)task;
	c->regs = (__u64)regs;
	c->tracked = t != NULL;
	if (!t)
		return NULL;
	c->slot = attr_slot(t->role, t->flags);
	c->flags = t->flags & ATTR_SYS_FLAGS;
	c->enter_ts = t->enter_ts;
	return c;
}

/* Only attached with syscall latency on (tracer_set_latency): the default mode reads no clock on
 * the syscall path. */
SEC("tp_btf/sys_enter")
int BPF_PROG(attr_sys_enter, struct pt_regs *regs, long id)
{
	struct attr_cur *c = running(regs);

	if (!c)
		return 0;
	c->enter_ts = bpf_ktime_get_ns();
	c->flags |= ATTR_TASK_IN_SYS;
	return 0;
}

/* Syscalls are counted here, where the number is known for every kind of task: gVisor's stubs
 * under PTRACE_SYSEMU fire only sys_exit (with the original number). exit and exit_group never
 * return: attr_exit counts them. */
SEC("tp_btf/sys_exit")
int BPF_PROG(attr_sys_exit, struct pt_regs *regs, long ret)
{
	struct attr_cur *c = running(regs);

	if (!c)
		return 0;
	if (c->flags & ATTR_SYS_FLAGS) {
		if (c->flags & ATTR_TASK_FORK_RET) {
			/* a new child returning from clone: its parent's call */
			c->flags &= ~ATTR_SYS_FLAGS;
			return 0;
		}
		c->flags &= ~ATTR_TASK_IN_SYS;
		{
			struct attr_stats *s = slot(c->slot);

			if (s)
				s->lat[log2_u64(bpf_ktime_get_ns() - c->enter_ts) &
				       (ATTR_LAT_BUCKETS - 1)]++;
		}
	}
	count_syscall(c->slot, regs->orig_ax, c->task);
	return 0;
}

#define NR_EXIT       60
#define NR_EXIT_GROUP 231
#define NR32_EXIT     1
#define NR32_EXIT_GRP 252

/* A task calling exit or exit_group has that number in orig_ax when it reaches do_exit; one
 * killed by a signal has its own last call, or none. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(attr_exit, struct task_struct *task)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	struct attr_cur *c;
	__u64 nr;

	if (!regs || !(c = running(regs)))
		return 0;
	nr = regs->orig_ax;
	if (task->thread_info.status & TS_COMPAT) {
		if (nr != NR32_EXIT && nr != NR32_EXIT_GRP)
			return 0;
	} else if (nr != NR_EXIT && nr != NR_EXIT_GROUP) {
		return 0;
	}
	count_syscall(c->slot, nr, c->task);
	return 0;
}

/* On-CPU time is the growth of se.sum_exec_runtime between a task's switch-outs: the base moves
 * at switch-out, so a switch-in this program does not see (it happens) can neither lose nor
 * double-count time. The user/system split is the kernel's own: the growth of utime and stime
 * (whole ticks, charged where the tick interrupt found the task), the figures /proc/<pid>/stat
 * and getrusage scale to sum_exec_runtime. */
SEC("tp_btf/sched_switch")
int BPF_PROG(attr_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
             unsigned int prev_state)
{
	struct attr_stats *s;
	struct attr_task *t;
	struct attr_cur *c;
	__u64 run, flt, ut, st;

	c = cur();
	t = bpf_task_storage_get(&attr_tasks, prev, 0, 0);
	if (t && c && c->task == (__u64)prev && c->tracked) {
		/* Its syscall state ran in attr_cur: back to task storage. */
		t->flags = (t->flags & ~ATTR_SYS_FLAGS) | (c->flags & ATTR_SYS_FLAGS);
		t->enter_ts = c->enter_ts;
	}
	if (t && !(t->flags & ATTR_TASK_NO_BASE)) {
		run = prev->se.sum_exec_runtime;
		flt = prev->min_flt + prev->maj_flt;
		ut = prev->utime;
		st = prev->stime;
		s = slot(attr_slot(t->role, t->flags));
		if (s) {
			s->cpu_ns += run - t->run_base;
			s->utime_ns += ut - t->utime_base;
			s->stime_ns += st - t->stime_base;
			s->faults += flt - t->flt_base;
			if (!preempt && prev_state)
				s->nvcsw++;
			else
				s->nivcsw++;
		}
		t->run_base = run;
		t->flt_base = flt;
		t->utime_base = ut;
		t->stime_base = st;
	}

	t = bpf_task_storage_get(&attr_tasks, next, 0, 0);
	if (!t && (next->flags & PF_KTHREAD) && next->pid) {
		/* Kernel threads are classified lazily, at their first switch-in (pid 0 is idle).
		 */
		t = bpf_task_storage_get(&attr_tasks, next, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (t) {
			t->role = ATTR_ROLE_KERNEL;
			t->flags = ATTR_TASK_NO_BASE;
		}
	}
	if (c) {
		c->task = (__u64)next;
		c->regs = (__u64)bpf_task_pt_regs(next);
		c->tracked = t != NULL;
	}
	if (!t)
		return 0;
	if (t->flags & ATTR_TASK_NO_BASE) {
		t->flags &= ~ATTR_TASK_NO_BASE;
		t->run_base = next->se.sum_exec_runtime;
		t->flt_base = next->min_flt + next->maj_flt;
		t->utime_base = next->utime;
		t->stime_base = next->stime;
	}
	if (c) {
		c->slot = attr_slot(t->role, t->flags);
		c->flags = t->flags & ATTR_SYS_FLAGS;
		c->enter_ts = t->enter_ts;
	}
	return 0;
}

static __always_inline void emit(__u32 type, struct task_struct *task, __u32 role, __u32 old_role,
                                 const void *file)
{
	struct attr_event *e;

	if (!emit_events)
		return;
	e = bpf_ringbuf_reserve(&attr_events, sizeof(*e), 0);
	if (!e)
		return;
	e->type = type;
	e->pid = task->pid;
	e->tgid = task->tgid;
	e->role = role;
	e->old_role = old_role;
	e->pad = 0;
	bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), task->comm);
	e->file[0] = 0;
	e->arg0[0] = 0;
	if (file) {
		bpf_probe_read_kernel_str(e->file, sizeof(e->file), file);
		bpf_probe_read_user_str(e->arg0, sizeof(e->arg0),
		                        (void *)BPF_CORE_READ(task, mm, arg_start));
	}
	bpf_ringbuf_submit(e, 0);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(attr_fork, struct task_struct *parent, struct task_struct *child)
{
	struct attr_task *pt, *ct;
	__u32 role;

	pt = bpf_task_storage_get(&attr_tasks, parent, 0, 0);
	if (!pt)
		return 0;
	role = pt->role;
	/* The ptrace platform's stubs are processes the Sentry forks (threads stay Sentry). */
	if (role == ATTR_ROLE_SENTRY && child->pid == child->tgid)
		role = ATTR_ROLE_STUB;
	ct = bpf_task_storage_get(&attr_tasks, child, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!ct)
		return 0;
	ct->role = role;
	ct->flags = (pt->flags & ATTR_TASK_LINEAGE) | ATTR_TASK_FORK_RET;
	ct->run_base = 0;
	ct->flt_base = 0;
	ct->utime_base = 0;
	ct->stime_base = 0;
	ct->enter_ts = 0;
	if (role == ATTR_ROLE_STUB && pt->role == ATTR_ROLE_SENTRY)
		emit(ATTR_EV_STUB, child, role, pt->role, NULL);
	return 0;
}

/* "runsc-sandbox" → Sentry, "runsc-gofer" → Gofer. Other re-execs of runsc by the sandbox's own
 * processes (the Sentry runs helpers as /proc/self/exe) stay in the sandbox; the rest is the
 * runsc CLI. */
static __always_inline __u32 runsc_role(struct task_struct *task, __u32 old)
{
	char arg0[16] = {};
	unsigned long p;

	p = BPF_CORE_READ(task, mm, arg_start);
	if (bpf_probe_read_user_str(arg0, sizeof(arg0), (void *)p) > 0 && arg0[0] == 'r' &&
	    arg0[1] == 'u' && arg0[2] == 'n' && arg0[3] == 's' && arg0[4] == 'c' &&
	    arg0[5] == '-') {
		if (arg0[6] == 's' && arg0[7] == 'a' && arg0[8] == 'n' && arg0[9] == 'd')
			return ATTR_ROLE_SENTRY;
		if (arg0[6] == 'g' && arg0[7] == 'o' && arg0[8] == 'f')
			return ATTR_ROLE_GOFER;
	}
	if (old == ATTR_ROLE_SENTRY || old == ATTR_ROLE_STUB)
		return ATTR_ROLE_SENTRY;
	if (old == ATTR_ROLE_GOFER)
		return ATTR_ROLE_GOFER;
	return ATTR_ROLE_OCI_RUNTIME;
}

static __always_inline bool is_memfd(struct file *f)
{
	char name[6] = {};
	const unsigned char *p = BPF_CORE_READ(f, f_path.dentry, d_name.name);

	bpf_probe_read_kernel(name, sizeof(name), p);
	return name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' &&
	       name[4] == 'd' && name[5] == ':';
}

/* The container's first program: the sandbox's pause, or the workload. */
static __always_inline __u32 container_role(struct linux_binprm *bprm)
{
	char base[8] = {};
	const void *fn = BPF_CORE_READ(bprm, file, f_path.dentry, d_name.name);

	bpf_probe_read_kernel_str(base, sizeof(base), fn);
	if (base[0] == 'p' && base[1] == 'a' && base[2] == 'u' && base[3] == 's' &&
	    base[4] == 'e' && base[5] == 0)
		return ATTR_ROLE_PAUSE;
	return ATTR_ROLE_WORKLOAD;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(attr_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	struct attr_exe_key key = {};
	struct attr_task *t;
	struct attr_cur *c;
	__u32 *known, kr, role, old;

	key.dev = BPF_CORE_READ(bprm, file, f_inode, i_sb, s_dev);
	key.ino = BPF_CORE_READ(bprm, file, f_inode, i_ino);
	/* A scalar, not the pointer: clang would OR two pointers, which the verifier refuses. */
	known = bpf_map_lookup_elem(&attr_exes, &key);
	kr = known ? *known : ATTR_NR_ROLES;
	t = bpf_task_storage_get(&attr_tasks, task, 0, 0);
	if (!t && kr == ATTR_NR_ROLES)
		return 0;
	old = t ? t->role : ATTR_NR_ROLES;
	if (kr != ATTR_NR_ROLES) {
		role = kr == ATTR_EXE_RUNSC ? runsc_role(task, old) : kr;
	} else {
		switch (old) {
		case ATTR_ROLE_OCI_RUNTIME:
			/* runc init re-execs a sealed memfd copy of itself before the workload. */
			role = is_memfd(bprm->file) ? old : container_role(bprm);
			break;
		case ATTR_ROLE_SHIM:
			/* LXC's monitor forks the container's init and it execs the workload, no
			 * runtime binary between: in a pid namespace of its own it is the container
			 */
			if (BPF_CORE_READ(task, thread_pid, level) > 0) {
				role = container_role(bprm);
				break;
			}
			role = ATTR_ROLE_OTHER;
			break;
		case ATTR_ROLE_COLLECTOR:
		case ATTR_ROLE_CRI_DAEMON:
		case ATTR_ROLE_ENGINE:
			/* Helpers (ctr, unpigz, wrappers). Native workloads are in the exe table or
			 * given their role by the run engine. */
			role = ATTR_ROLE_OTHER;
			break;
		default:
			role = old;
		}
	}
	if (!t) {
		t = bpf_task_storage_get(&attr_tasks, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!t)
			return 0;
		/* Already on CPU: count from now on. */
		t->run_base = task->se.sum_exec_runtime;
		t->flt_base = task->min_flt + task->maj_flt;
		t->utime_base = task->utime;
		t->stime_base = task->stime;
		t->flags = 0;
	}
	t->role = role;
	/* The exec'ing task is the one running here: the CPU's cache becomes its own. */
	c = cur();
	if (c) {
		if (c->task != (__u64)task || !c->tracked) {
			/* tracked from now on; it is in execve, not seen entering */
			c->task = (__u64)task;
			c->regs = (__u64)bpf_task_pt_regs(task);
			c->tracked = 1;
			c->flags = t->flags & ATTR_TASK_FORK_RET;
			c->enter_ts = 0;
		}
		c->slot = attr_slot(role, t->flags);
	}
	emit(ATTR_EV_EXEC, task, role, old, BPF_CORE_READ(bprm, file, f_path.dentry, d_name.name));
	return 0;
}
