# Benchmarks of assay itself (`make bench`, not part of `make test`): each entry of BENCHES is a
# command run from the top of the tree after `make all`.
DEB_PKGS += sysbench fio jq

# Our workloads against Debian's sysbench and fio (BENCH_PAIRS, BENCH_TIME, BENCH_FILE_SIZE,
# BENCH_ONLY, BENCH_DIR tune it; see the script's head).
BENCHES += bench/workloads

# The floor for bench/tracer: empty BPF programs on the tracer's hooks, and their loader.
$(B)/obj/bench/floor/floor.bpf.o: bench/floor/floor.bpf.c $(B)/gen/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPF_CLANG) $(BPF_CFLAGS) -c -o $@ $<

$(B)/gen/floor.skel.h: $(B)/obj/bench/floor/floor.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name floor > $@.tmp && mv $@.tmp $@

$(B)/obj/bench/floor/tracer-floor.o: $(B)/gen/floor.skel.h

$(B)/bench/tracer-floor: $(B)/obj/bench/floor/tracer-floor.o
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ $(shell pkg-config --libs libbpf) -lelf -lz

ALL += $(B)/bench/tracer-floor

$(B)/bench/getppid-ns: $(B)/obj/bench/floor/getppid-ns.o
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^

ALL += $(B)/bench/getppid-ns

# The soak of issue 15: scalability.runtime.200 sequential and concurrent, twice, on runc and
# runsc, traced; the collector's RSS after each run and nothing left (about 12 minutes).
BENCHES += bench/soak
