#!/usr/bin/env bash
# docker as assay's target(s) engine/docker/runc engine/docker/runsc: a --quick run of workload benchmarks and of the startup, with the
# tracer: every cell ok with its figures, coverage >= 0.98, the roles engine shim cri-daemon
# with CPU time, and nothing left (processes, mounts, directories, cgroups). Skips only without dockerd.
set -u
. tests/tap.sh
. tests/integration/engine-lib.bash
engine_check dockerd "engine/docker/runc engine/docker/runsc" "engine shim cri-daemon"
