# CRI client (gRPC C core + protobuf-c from src/cri/proto/cri.proto), the embedded containerd
# (src/daemons/), CRI-O's inspect endpoints (src/cri/crio.c; skopeo puts images into its storage)
# and the runsc adapter (src/adapter/ → $(B)/libexec/assay-runsc, the runtime
# binary the runc v2 shim runs for handler runsc). Their tests: tests/unit/test-cri*.c,
# tests/cri/cri-drive.c and tests/integration/cri-*.sh.
DEB_PKGS += containerd runc runsc crun skopeo docker.io podman conmon lxc umoci protobuf-c-compiler libprotobuf-c-dev libgrpc-dev libjansson-dev \
	libyaml-dev libssl-dev jq

CRI_GEN := $(B)/gen/cri.pb-c.c $(B)/gen/cri.pb-c.h

$(CRI_GEN) &: src/cri/proto/cri.proto
	$(call msg,PROTOC,$@)
	$(Q)mkdir -p $(B)/gen
	$(Q)protoc-c --c_out=$(B)/gen -I src/cri/proto $<

# The CRI has fields named `linux`, which gnu11 predefines as a macro.
CFLAGS_client := -Ulinux

$(B)/obj/gen/cri.pb-c.o: $(B)/gen/cri.pb-c.c $(B)/gen/cri.pb-c.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(CFLAGS_client) -MMD -MP -c -o $@ $<

$(B)/libassay.a: $(B)/obj/gen/cri.pb-c.o
$(B)/obj/src/cri/client.o: $(B)/gen/cri.pb-c.h

# The helpers a run execs instead of a runtime are programs of their own (they have a main), so
# their sources live below src/adapter/ where the library's wildcard does not reach; their logic
# is in separate objects so unit tests (and, for the cgroup check, the collector) can link it.
#   assay-runsc  the runsc adapter the runc v2 shim runs for handler runsc
#   assay-crun   crun in a mount namespace without a cgroup v2 hierarchy crun refuses
ADAPTER_OBJS := $(B)/obj/src/adapter/runsc-adapter.o $(B)/obj/src/adapter/runsc-pod.o \
	$(B)/obj/src/adapter/main.o
CRUN_WRAPPER_OBJS := $(B)/obj/src/adapter/crun-main.o $(B)/obj/src/adapter/cgroup-view.o

$(B)/libexec/assay-runsc: $(ADAPTER_OBJS)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ $(shell pkg-config --libs jansson)

$(B)/libexec/assay-crun: $(CRUN_WRAPPER_OBJS)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^

$(B)/libassay.a: $(B)/obj/src/adapter/cgroup-view.o

$(B)/tests/test-cri-adapter: $(B)/obj/src/adapter/runsc-adapter.o $(B)/obj/src/adapter/runsc-pod.o

$(B)/tests/cri-drive: $(B)/obj/tests/cri/cri-drive.o $(B)/libassay.a
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ $(ASSAY_LIBS)

HELPERS := $(B)/libexec/assay-runsc $(B)/libexec/assay-crun
ALL += $(HELPERS)
# The launcher (./collector) builds `collector`: everything a run execs, not just the binary.
collector: $(HELPERS)
test-build: $(B)/tests/cri-drive $(HELPERS) $(BIN)/pause images
.PHONY: cri
cri: $(B)/libassay.a $(HELPERS) $(B)/tests/cri-drive
