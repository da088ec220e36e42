#!/usr/bin/env bash
# podman as assay's target(s) engine/podman/crun engine/podman/runc engine/podman/runsc: a --quick run of workload benchmarks and of the startup, with the
# tracer: every cell ok with its figures, coverage >= 0.98, the roles engine shim oci-runtime
# with CPU time, and nothing left (processes, mounts, directories, cgroups). Skips only without podman.
set -u
. tests/tap.sh
. tests/integration/engine-lib.bash
engine_check podman "engine/podman/crun engine/podman/runc engine/podman/runsc" "engine shim oci-runtime"
