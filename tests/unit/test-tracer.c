/* Unit tests of the tracer's user-space side that need no BPF: role and syscall names, stats
 * differences, and the JSON the results and `collector trace --json` carry. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "tracer/tracer.h"

static struct tracer_stats *stats_new(void)
{
	return calloc(1, sizeof(struct tracer_stats));
}

static void test_names(void)
{
	for (unsigned int r = 0; r < ATTR_NR_ROLES; r++)
		is_int(tracer_role_from_name(tracer_role_name(r)), r, "role %u (%s) round-trips", r,
		       tracer_role_name(r));
	is_int(tracer_role_from_name("sentry"), ATTR_ROLE_SENTRY, "sentry is a role");
	is_int(tracer_role_from_name("oci-runtime"), ATTR_ROLE_OCI_RUNTIME,
	       "oci-runtime is a role");
	is_int(tracer_role_from_name("nosuch"), -1, "unknown role name: -1");
	is_str(tracer_role_name(ATTR_NR_ROLES), "?", "out-of-range role prints ?");
	is_str(tracer_syscall_name(110), "getppid", "x86-64 syscall 110 is getppid");
	is_str(tracer_syscall_name(101), "ptrace", "101 is ptrace");
	is_str(tracer_syscall_name(61), "wait4", "61 is wait4");
	is_str(tracer_syscall_name(202), "futex", "202 is futex");
	ok(tracer_syscall_name(ATTR_NR_SYSCALLS) == NULL, "no name past the table");
	is_int(tracer_syscall_nr("getppid"), 110, "getppid is 110");
	is_int(tracer_syscall_nr("nosuch"), -1, "unknown syscall name: -1");
}

/* The roles table: one row per role, in drawing order, and the /proc classifier it backs. */
static void test_roles(void)
{
	size_t n, seen = 0;
	const struct tracer_role *r = tracer_roles(&n);
	unsigned int colors_dup = 0;

	is_int(n, ATTR_NR_ROLES, "one row per role");
	for (size_t i = 0; i < n; i++) {
		seen |= 1u << r[i].id;
		for (size_t j = 0; j < i; j++)
			colors_dup += r[i].color == r[j].color;
	}
	is_int(seen, (1u << ATTR_NR_ROLES) - 1, "every role id once");
	is_int(colors_dup, 0, "each role its own colour");
	is_str(r[0].name, "workload", "the workload is drawn first (at the bottom)");
	ok(tracer_role_by_name("shim") == tracer_role(ATTR_ROLE_SHIM), "by name and by id agree");
	is_int(tracer_role_of_process("exe", "runsc-sandbox --root /r boot --bundle /b x"),
	       ATTR_ROLE_SENTRY, "runsc-sandbox is the Sentry");
	is_int(tracer_role_of_process("exe", "runsc-gofer --root /r gofer --bundle /b"),
	       ATTR_ROLE_GOFER, "runsc-gofer is the Gofer");
	is_int(tracer_role_of_process("runsc", "/usr/bin/runsc --root /r boot --bundle /b x"),
	       ATTR_ROLE_SENTRY, "the runsc CLI's boot is the Sentry");
	is_int(tracer_role_of_process("runsc", "/usr/bin/runsc --root /r create x"),
	       ATTR_ROLE_OCI_RUNTIME, "the runsc CLI otherwise is the OCI runtime");
	is_int(tracer_role_of_process("containerd-shim",
	                              "/usr/bin/containerd-shim-runc-v2 -namespace k8s.io -id a"),
	       ATTR_ROLE_SHIM, "containerd-shim-runc-v2 is a shim");
	is_int(tracer_role_of_process("containerd-shim", ""), ATTR_ROLE_SHIM,
	       "a shim without a command line, by comm");
	is_int(tracer_role_of_process("runc", "/usr/sbin/runc --root /r create x"),
	       ATTR_ROLE_OCI_RUNTIME, "runc is the OCI runtime");
	is_int(tracer_role_of_process("pause", "/pause"), ATTR_ROLE_OTHER,
	       "an unknown program is `other`");
	is_int(tracer_role_of_process("exe", ""), ATTR_ROLE_OTHER, "a stub (no command line)");
}

static void test_diff(void)
{
	struct tracer_stats *a = stats_new(), *b = stats_new(), *d = stats_new();
	struct attr_stats *w = &a->slot[ATTR_NR_ROLES + ATTR_ROLE_WORKLOAD];

	w->cpu_ns = 5000;
	w->sc[110] = 42;
	w->lat[3] = 7;
	b->slot[ATTR_NR_ROLES + ATTR_ROLE_WORKLOAD].cpu_ns = 1000;
	b->slot[ATTR_NR_ROLES + ATTR_ROLE_WORKLOAD].sc[110] = 2;
	b->slot[ATTR_ROLE_SHIM].cpu_ns = 10; /* after < before: clamped, not wrapped */
	tracer_stats_diff(d, a, b);
	is_int(d->slot[ATTR_NR_ROLES + ATTR_ROLE_WORKLOAD].cpu_ns, 4000, "cpu_ns difference");
	is_int(d->slot[ATTR_NR_ROLES + ATTR_ROLE_WORKLOAD].sc[110], 40, "syscall count difference");
	is_int(d->slot[ATTR_NR_ROLES + ATTR_ROLE_WORKLOAD].lat[3], 7, "histogram difference");
	is_int(d->slot[ATTR_ROLE_SHIM].cpu_ns, 0, "a counter that went down gives 0");
	tracer_stats_diff(a, a, b); /* aliasing the output with an input is allowed */
	is_int(a->slot[ATTR_NR_ROLES + ATTR_ROLE_WORKLOAD].cpu_ns, 4000, "diff in place");
	is_int(tracer_syscall_total(&d->slot[ATTR_NR_ROLES + ATTR_ROLE_WORKLOAD]), 40,
	       "syscall total sums the numbers");
	free(a);
	free(b);
	free(d);
}

static void test_json(void)
{
	struct tracer_stats *d = stats_new();
	struct attr_stats *w = &d->slot[ATTR_NR_ROLES + ATTR_ROLE_WORKLOAD];
	struct attr_stats *st = &d->slot[ATTR_NR_ROLES + ATTR_ROLE_STUB];
	json_t *roles, *o, *sc, *lat, *out;

	w->cpu_ns = 1000;
	w->utime_ns = 0; /* only system ticks: all of cpu_ns is system time */
	w->stime_ns = 4000000;
	w->nvcsw = 3;
	w->sc[110] = 5;
	w->sc[ATTR_NR_SYSCALLS - 1] = 2;
	w->sc[ATTR_SC_IA32] = 4;
	w->lat[0] = 1;
	w->lat[4] = 2;
	st->cpu_ns = 700;
	st->utime_ns = 12000000; /* 3 user ticks, 1 system tick: cpu_ns split 3:1 */
	st->stime_ns = 4000000;
	d->slot[ATTR_ROLE_KERNEL].cpu_ns = 50;                    /* kernel threads: outside half */
	d->slot[ATTR_ROLE_CRI_DAEMON].cpu_ns = 999;               /* someone else's daemon */
	d->slot[ATTR_NR_ROLES + ATTR_ROLE_KERNEL].cpu_ns = 12345; /* impossible: not reported */

	is_int(tracer_lineage_cpu_ns(d), 1000 + 700 + 12345, "lineage CPU sums the inside half");
	roles = tracer_roles_json(d);
	ok(json_object_size(roles) == 3, "three roles with activity (workload, stub, kernel): %zu",
	   json_object_size(roles));
	ok(json_object_get(roles, "shim") == NULL, "idle roles are left out");
	ok(json_object_get(roles, "cri-daemon") == NULL, "roles outside the lineage are left out");
	o = json_object_get(roles, "workload");
	is_int(json_integer_value(json_object_get(o, "cpu_ns")), 1000, "workload cpu_ns");
	is_int(json_integer_value(json_object_get(o, "sys_ns")), 1000,
	       "only system ticks: sys_ns is cpu_ns");
	is_int(json_integer_value(json_object_get(o, "user_ns")), 0, "user_ns = cpu - sys");
	is_int(json_integer_value(json_object_get(o, "nvcsw")), 3, "voluntary switches");
	sc = json_object_get(o, "syscalls");
	is_int(json_integer_value(json_object_get(sc, "total")), 11, "syscalls.total");
	is_int(json_integer_value(json_object_get(sc, "ia32")), 4, "32-bit calls under ia32");
	is_int(json_integer_value(json_object_get(sc, "getppid")), 5, "syscalls by name");
	is_int(json_integer_value(json_object_get(sc, "nr_511+")), 2, "numbers past the table");
	lat = json_object_get(o, "syscall_latency_log2_ns");
	is_int(json_array_size(lat), 5, "latency histogram trimmed after the last bucket");
	is_int(json_integer_value(json_array_get(lat, 4)), 2, "bucket 4 (16..31 ns)");
	o = json_object_get(roles, "stub");
	is_int(json_integer_value(json_object_get(o, "user_ns")), 525,
	       "stub user_ns: cpu_ns x utime / (utime + stime)");
	is_int(json_integer_value(json_object_get(o, "sys_ns")), 175, "stub sys_ns: the rest");
	o = json_object_get(roles, "kernel");
	is_int(json_integer_value(json_object_get(o, "cpu_ns")), 50,
	       "kernel is the host-wide kernel-thread figure");
	json_decref(roles);
	st->utime_ns = st->stime_ns = 0;
	is_int(tracer_sys_ns(st), 0, "no tick at all: all user time, as the kernel has it");

	out = tracer_outside_json(d);
	is_int(json_integer_value(json_object_get(out, "cri-daemon")), 999,
	       "outside: other daemons' CPU");
	ok(json_object_get(out, "kernel") == NULL, "outside: kernel is reported as a role instead");
	json_decref(out);
	free(d);
}

int main(void)
{
	test_names();
	test_roles();
	test_diff();
	test_json();
	return tap_done();
}
