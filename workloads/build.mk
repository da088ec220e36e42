# The in-container workloads: every workloads/*.c is one static binary $(BIN)/<name> (musl-gcc
# -static, stripped, unused sections dropped), linked with the harness (workloads/harness/*.c;
# workloads include its public header, harness/harness.h) and with the workload's own other
# sources, workloads/<name>/*.c, if it has any (fileio: its test files, workloads/fileio/).
# Every source is compiled apart, the harness once for all binaries; with no LTO nothing is
# inlined across files, so each file keeps its hot loop and what that calls per event.
# -O2 rather than -Os: at -Os gcc neither inlines the PRNG nor breaks cvtsi2sd's false
# dependency on its destination register, which made memory rnd 1.7x slower than at -O2
# (2600 vs 6000 MiB/s); at -O2 the binaries are still 35-105 KiB.
#
# Unit tests: tests/workloads/test-*.c, built with the host compiler (so SANITIZE=1 applies) and
# jansson. A test named test-<w>[-anything].c is linked with workloads/<w>.c compiled with
# -DWORKLOAD_NO_MAIN (WL_MAIN expands to nothing, so the test calls the workload's functions and
# wl_main() itself), workloads/<w>/*.c and the harness; test-harness*.c gets the harness only.
# Shell tests tests/workloads/*.sh drive the real static binaries (TAP via tests/tap.sh).
DEB_PKGS += musl-tools libjansson-dev jq procps util-linux

MUSL_CC ?= musl-gcc
WL_CFLAGS := $(CSTD) -O2 $(WARN) -I $(TOP)/version -I workloads \
	-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
WL_LDFLAGS := -static -s -Wl,--gc-sections
WL_NAMES := $(patsubst workloads/%.c,%,$(wildcard workloads/*.c))
WL_BINS := $(addprefix $(BIN)/,$(WL_NAMES))
WL_HARNESS_SRCS := $(wildcard workloads/harness/*.c)
# A workload's sources besides workloads/<name>.c; the musl and the host objects of sources.
wl_extra_srcs = $(wildcard workloads/$(1)/*.c)
wl_musl_objs = $(patsubst workloads/%.c,$(TOP)/obj/musl/%.o,$(1))
wl_host_objs = $(patsubst workloads/%.c,$(B)/obj/workloads/%.o,$(1))
ALL += $(WL_BINS)

.PHONY: workloads
workloads: $(WL_BINS)
# native runs these binaries (src/build.mk: `collector` is what a run needs)
collector: $(WL_BINS)

$(TOP)/obj/musl/%.o: workloads/%.c workloads/build.mk | $(VERSION_H)
	$(call msg,MUSL,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(MUSL_CC) $(WL_CFLAGS) -MMD -MP -c -o $@ $<

$(WL_BINS): $(BIN)/%: $(TOP)/obj/musl/%.o $(call wl_musl_objs,$(WL_HARNESS_SRCS)) workloads/build.mk
	$(call msg,MUSL,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(MUSL_CC) $(WL_LDFLAGS) -o $@ $(filter %.o,$^) -lm
$(foreach w,$(WL_NAMES),$(eval $(BIN)/$(w): $(call wl_musl_objs,$(call wl_extra_srcs,$(w)))))
-include $(wildcard $(TOP)/obj/musl/*.d $(TOP)/obj/musl/*/*.d)
# Dependency files from before the harness was split (one compile per binary) name the old
# workloads/harness.c; this lets such a build tree update, and the new ones replace them.
workloads/harness.c:

# Unit tests.
WL_TEST_SRCS := $(wildcard tests/workloads/test-*.c)
WL_TESTS := $(patsubst tests/workloads/%.c,$(B)/tests/workloads/%,$(WL_TEST_SRCS))
WL_TEST_LIBS := -ljansson -lpthread -lm
TESTS += $(WL_TESTS) $(sort $(wildcard tests/workloads/*.sh))
UNIT_TESTS += $(WL_TESTS)
test-build: workloads

# test-fileio-verify -> fileio; empty when no such workload (test-harness).
wl_of_test = $(filter $(WL_NAMES),$(firstword $(subst -, ,$(patsubst test-%,%,$(notdir $(1))))))

# The harness and a workload's other sources take the generic host rule ($(B)/obj/%.o).
$(B)/obj/workloads/%.o $(B)/obj/tests/workloads/%.o: HOST_CFLAGS += -I workloads

$(B)/obj/workloads/nomain/%.o: workloads/%.c | $(VERSION_H)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) -DWORKLOAD_NO_MAIN -MMD -MP -c -o $@ $<

define wl_test_rule
$(B)/tests/workloads/$(1): $(B)/obj/tests/workloads/$(1).o $(call wl_host_objs,$(WL_HARNESS_SRCS)) \
		$(if $(call wl_of_test,$(1)),$(B)/obj/workloads/nomain/$(call wl_of_test,$(1)).o \
			$(call wl_host_objs,$(call wl_extra_srcs,$(call wl_of_test,$(1)))))
	$$(call msg,LD,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $$(HOST_LDFLAGS) -o $$@ $$^ $$(WL_TEST_LIBS)
endef
$(foreach t,$(WL_TEST_SRCS),$(eval $(call wl_test_rule,$(basename $(notdir $(t))))))
