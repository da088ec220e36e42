# The collector: lib/*.c and every src/**/*.c but main.c and the helper programs of src/adapter/
# go into libassay.a (unit tests link it), main.c on top.
# Other areas add objects with a rule line of their own (`$(B)/libassay.a: $(B)/obj/gen/x.o`; the
# archive takes all its prerequisites) and pkg-config names with `ASSAY_PKGS += name`.
DEB_PKGS += libjansson-dev libyaml-dev libgrpc-dev libprotobuf-c-dev protobuf-c-compiler \
	libbpf-dev libelf-dev zlib1g-dev libssl-dev valgrind

ASSAY_SRCS := $(wildcard lib/*.c) $(filter-out src/main.c src/adapter/%,$(wildcard src/*.c src/*/*.c))
ASSAY_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(ASSAY_SRCS))
ASSAY_PKGS += jansson yaml-0.1 libprotobuf-c grpc libbpf zlib libcrypto
ASSAY_LIBS = $(shell pkg-config --libs $(ASSAY_PKGS) 2>/dev/null) -lelf -lpthread -lm
ASSAY_CFLAGS := $(shell pkg-config --cflags jansson yaml-0.1 libprotobuf-c grpc libbpf 2>/dev/null)
HOST_CFLAGS += $(ASSAY_CFLAGS)

$(B)/libassay.a: $(ASSAY_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/collector: $(B)/obj/src/main.o $(B)/libassay.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ $(ASSAY_LIBS)

ALL += $(B)/collector
# `collector` (what the ./collector launcher builds) is everything a run execs or loads: this
# binary, and what other fragments add (the helpers in libexec/, the workloads, the images).
.PHONY: collector
collector: $(B)/collector
