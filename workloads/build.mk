# The in-container workloads: every workloads/*.c but harness.c is one static binary
# $(BIN)/<name> (musl-gcc -static, stripped, unused sections dropped), linked with the harness.
# -O2 rather than -Os: at -Os gcc neither inlines the PRNG nor breaks cvtsi2sd's false
# dependency on its destination register, which made memory rnd 1.7x slower than at -O2
# (2600 vs 6000 MiB/s); at -O2 the binaries are still 35-105 KiB.
#
# Unit tests: tests/workloads/test-*.c, built with the host compiler (so SANITIZE=1 applies) and
# jansson. A test named test-<w>[-anything].c is linked with workloads/<w>.c compiled with
# -DWORKLOAD_NO_MAIN (WL_MAIN expands to nothing, so the test calls the workload's functions and
# wl_main() itself) plus the harness; test-harness*.c gets the harness only. Shell tests
# tests/workloads/*.sh drive the real static binaries (TAP via tests/tap.sh).
DEB_PKGS += musl-tools libjansson-dev jq procps util-linux

MUSL_CC ?= musl-gcc
WL_CFLAGS := $(CSTD) -O2 $(WARN) -I $(TOP)/version -I workloads \
	-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
WL_LDFLAGS := -static -s -Wl,--gc-sections
WL_NAMES := $(filter-out harness,$(patsubst workloads/%.c,%,$(wildcard workloads/*.c)))
WL_BINS := $(addprefix $(BIN)/,$(WL_NAMES))
ALL += $(WL_BINS)

.PHONY: workloads
workloads: $(WL_BINS)
# native runs these binaries (src/build.mk: `collector` is what a run needs)
collector: $(WL_BINS)

$(WL_BINS): $(BIN)/%: workloads/%.c workloads/harness.c workloads/harness.h workloads/build.mk \
		$(VERSION_H)
	$(call msg,MUSL,$@)
	$(Q)mkdir -p $(@D) $(TOP)/obj/musl
	$(Q)$(MUSL_CC) $(WL_CFLAGS) -MMD -MP -MF $(TOP)/obj/musl/$*.d -MT $@ \
		-o $@ $< workloads/harness.c $(WL_LDFLAGS) -lm
-include $(wildcard $(TOP)/obj/musl/*.d)

# Unit tests.
WL_TEST_SRCS := $(wildcard tests/workloads/test-*.c)
WL_TESTS := $(patsubst tests/workloads/%.c,$(B)/tests/workloads/%,$(WL_TEST_SRCS))
WL_TEST_LIBS := -ljansson -lpthread -lm
TESTS += $(WL_TESTS) $(sort $(wildcard tests/workloads/*.sh))
UNIT_TESTS += $(WL_TESTS)
test-build: workloads

# test-fileio-verify -> fileio; empty when no such workload (test-harness).
wl_of_test = $(filter $(WL_NAMES),$(firstword $(subst -, ,$(patsubst test-%,%,$(notdir $(1))))))

$(B)/obj/workloads/nomain/%.o: workloads/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) -I workloads -DWORKLOAD_NO_MAIN -MMD -MP -c -o $@ $<

CFLAGS_harness := -I workloads
$(foreach t,$(WL_TEST_SRCS),$(eval CFLAGS_$(basename $(notdir $(t))) := -I workloads))

define wl_test_rule
$(B)/tests/workloads/$(1): $(B)/obj/tests/workloads/$(1).o $(B)/obj/workloads/harness.o \
		$(if $(call wl_of_test,$(1)),$(B)/obj/workloads/nomain/$(call wl_of_test,$(1)).o)
	$$(call msg,LD,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $$(HOST_LDFLAGS) -o $$@ $$^ $$(WL_TEST_LIBS)
endef
$(foreach t,$(WL_TEST_SRCS),$(eval $(call wl_test_rule,$(basename $(notdir $(t))))))
