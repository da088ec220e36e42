# Collector unit tests: tests/unit/test-*.c, each linked against libassay.a, TAP on stdout.
# They run three times in `make test`: as built, under ASan+UBSan (build/san) and under valgrind.
# Integration tests are tests/integration/*.sh (TAP via tests/tap.sh), run as root against real
# containerd/runc/runsc/BPF; areas add their build prerequisites to `test-build`.
# tests/lint/: format.sh checks every tracked C file against .clang-format, includes.sh that the
# include graph has no cycle between folders or between the modules of one folder.
DEB_PKGS += valgrind clang-format

COLLECTOR_UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test-*.c))
TESTS += $(COLLECTOR_UNIT_TESTS) $(sort $(wildcard tests/integration/*.sh)) \
	$(sort $(wildcard tests/lint/*.sh))
UNIT_TESTS += $(COLLECTOR_UNIT_TESTS)
VALGRIND_TESTS += $(COLLECTOR_UNIT_TESTS)

$(B)/tests/%: $(B)/obj/tests/unit/%.o $(B)/libassay.a
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ $(ASSAY_LIBS)


