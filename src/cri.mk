# CRI client (gRPC C core + protobuf-c from src/proto/cri.proto), the embedded containerd
# (src/daemon.c) and the runsc adapter (src/adapter/ → $(B)/libexec/assay-runsc, the runtime
# binary the runc v2 shim runs for handler runsc). Their tests: tests/unit/test-cri*.c,
# tests/cri/cri-drive.c and tests/integration/cri-*.sh.
DEB_PKGS += containerd runc runsc crun protobuf-c-compiler libprotobuf-c-dev libgrpc-dev libjansson-dev \
	libyaml-dev libssl-dev jq

CRI_GEN := $(B)/gen/cri.pb-c.c $(B)/gen/cri.pb-c.h

$(CRI_GEN) &: src/proto/cri.proto
	$(call msg,PROTOC,$@)
	$(Q)mkdir -p $(B)/gen
	$(Q)protoc-c --c_out=$(B)/gen -I src/proto $<

# The CRI has fields named `linux`, which gnu11 predefines as a macro.
CFLAGS_cri := -Ulinux

$(B)/obj/gen/cri.pb-c.o: $(B)/gen/cri.pb-c.c $(B)/gen/cri.pb-c.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(CFLAGS_cri) -MMD -MP -c -o $@ $<

$(B)/libassay.a: $(B)/obj/gen/cri.pb-c.o
$(B)/obj/src/cri.o: $(B)/gen/cri.pb-c.h

# The adapter is its own program (it has a main), so its sources live below src/adapter/ where the
# library's wildcard does not reach; its logic is a separate object so a unit test can link it.
ADAPTER_OBJS := $(B)/obj/src/adapter/runsc-adapter.o $(B)/obj/src/adapter/main.o

$(B)/libexec/assay-runsc: $(ADAPTER_OBJS)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ $(shell pkg-config --libs jansson)

$(B)/tests/test-cri-adapter: $(B)/obj/src/adapter/runsc-adapter.o

$(B)/tests/cri-drive: $(B)/obj/tests/cri/cri-drive.o $(B)/libassay.a
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ $(ASSAY_LIBS)

ALL += $(B)/libexec/assay-runsc
test-build: $(B)/tests/cri-drive $(B)/libexec/assay-runsc $(BIN)/pause images
.PHONY: cri
cri: $(B)/libassay.a $(B)/libexec/assay-runsc $(B)/tests/cri-drive
