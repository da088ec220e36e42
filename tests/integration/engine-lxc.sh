#!/usr/bin/env bash
# lxc as assay's target(s) lxc: a --quick run of workload benchmarks and of the startup, with the
# tracer: every cell ok with its figures, coverage >= 0.98, the roles workload shim
# with CPU time, and nothing left (processes, mounts, directories, cgroups). Skips only without lxc-execute.
set -u
. tests/tap.sh
. tests/integration/engine-lib.bash
engine_check lxc-execute "lxc" "workload shim"
