# Benchmarks of assay itself (`make bench`, not part of `make test`): each entry of BENCHES is a
# command run from the top of the tree after `make all`.
DEB_PKGS += sysbench fio jq

# Our workloads against Debian's sysbench and fio (BENCH_PAIRS, BENCH_TIME, BENCH_FILE_SIZE,
# BENCH_ONLY, BENCH_DIR tune it; see the script's head).
BENCHES += bench/workloads
