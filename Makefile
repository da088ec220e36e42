# assay — one non-recursive GNU make build. Everything lands under build/.
#
#   make            build the collector, the workloads and the images' builder
#   make images     OCI images of every workload (build/images/)
#   make test       build and run every test; ends with "N passed, N failed, N skipped"
#   make bench      benchmarks of assay itself (not tests: they take minutes)
#   make deps       install the Debian packages the build and the tests need (only missing ones)
#   V=1             show the commands
#   SANITIZE=1      host code (collector library, unit tests) with ASan+UBSan, under build/san/
#   T=GLOB          with `make test`: only tests whose name matches GLOB (e.g. T='workloads-*')
#
# Each area of the tree owns a fragment (workloads/build.mk, src/build.mk, ...) that appends to
# the shared lists below; this file only holds what they have in common.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:
.SECONDARY:

SHELL := /bin/bash
V ?= 0
SANITIZE ?= 0
ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-9s %s\n' '$(1)' '$(2)';
endif

# Outputs. Static workload binaries never take sanitizers (musl, no runtime), so they always go
# to build/bin; host code goes to $(B), which is build/san with SANITIZE=1.
TOP := build
BIN := $(TOP)/bin
ifeq ($(SANITIZE),1)
B := $(TOP)/san
else
B := $(TOP)
endif

VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || cat VERSION)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH

# The version lives in one generated header, rewritten only when it changes: only the objects that
# include it are rebuilt, and every binary of one build reports the same version.
VERSION_H := $(TOP)/version/version.h
$(VERSION_H): FORCE-version
	$(Q)mkdir -p $(@D)
	$(Q)echo '#define ASSAY_VERSION "$(VERSION)"' | cmp -s - $@ 2>/dev/null || \
		echo '#define ASSAY_VERSION "$(VERSION)"' >$@
.PHONY: FORCE-version

CC ?= cc
ifeq ($(origin CC),default)
CC := gcc
endif
WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
CSTD := -std=gnu11 -D_GNU_SOURCE
OPT ?= -O2 -g
SANFLAGS :=
ifeq ($(SANITIZE),1)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT := -O1 -g
endif
HOST_CFLAGS = $(CSTD) $(OPT) $(WARN) $(SANFLAGS) -I $(TOP)/version -I . -I src -I $(B)/gen -I tests
HOST_LDFLAGS = $(SANFLAGS)

# Lists the fragments append to.
DEB_PKGS := build-essential pkg-config git make jq
ALL :=            # default goal's targets
TESTS :=          # test programs/scripts, each prints TAP; run by tests/run
UNIT_TESTS :=     # the subset of TESTS that are C unit tests (rebuilt with SANITIZE=1 by `make test`)
VALGRIND_TESTS := # unit tests also run under valgrind (collector's unit tests)
BENCHES :=        # commands run by `make bench`
CLEAN_EXTRA :=

include $(sort $(wildcard workloads/*.mk lib/*.mk src/*.mk src/*/*.mk bpf/*.mk images/*.mk tests/*.mk \
	bench/*.mk analysis/*.mk))

.PHONY: all deps test test-build bench clean format format-check
all: $(ALL)

deps:
	$(Q)scripts/deps $(sort $(DEB_PKGS))

# `make test` runs every test once as built, the unit tests once more under ASan+UBSan (a second
# build tree, build/san), and the collector's unit tests under valgrind; one closing line for all.
test-build: $(TESTS)

ifeq ($(SANITIZE),1)
test: test-build
	$(Q)tests/run $(if $(T),--filter '$(T)') $(UNIT_TESTS)
else
test: test-build
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 test-build-unit
	$(Q)tests/run $(if $(T),--filter '$(T)') $(TESTS) \
		--sanitized $(patsubst $(TOP)/%,$(TOP)/san/%,$(UNIT_TESTS)) \
		--valgrind $(VALGRIND_TESTS)
endif

.PHONY: test-build-unit
test-build-unit: $(UNIT_TESTS)

bench: all
	$(Q)set -e; for b in $(BENCHES); do echo "== $$b"; $$b; done

format:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	$(Q)clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(TOP) $(CLEAN_EXTRA)

# Generic host compile rule: build/<path>.o from <path>.c, dependency files alongside.
$(B)/obj/%.o: %.c | $(VERSION_H)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(CFLAGS_$(notdir $*)) -MMD -MP -c -o $@ $<

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
