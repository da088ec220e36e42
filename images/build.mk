# OCI images: build/image-builder (our C builder, images/*.c, not part of libassay.a) turns each
# definition images/NAME.image plus its static binary $(BIN)/BINARY into build/images/NAME/ (an
# OCI image layout) and build/images/NAME.tar (an oci-archive). `make images` prints their sizes.
# Reference: localhost/assay/NAME:$(VERSION). See docs/images.md.
DEB_PKGS += libjansson-dev zlib1g-dev libssl-dev skopeo umoci runc runsc containerd

IMAGE_DEFS := $(sort $(wildcard images/*.image))
IMAGE_NAMES := $(patsubst images/%.image,%,$(IMAGE_DEFS))
IMAGE_DIR := $(TOP)/images
IMAGE_TARS := $(IMAGE_NAMES:%=$(IMAGE_DIR)/%.tar)
IMAGE_BUILDER := $(B)/image-builder
# The git remote's URL, without any user:password@ part (it would end up in every image).
IMAGE_SOURCE ?= $(shell git config --get remote.origin.url 2>/dev/null | sed 's|://[^/@]*@|://|')

IMAGE_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(filter-out images/main.c,$(wildcard images/*.c)))
IMAGE_LIB_OBJS := $(IMAGE_OBJS) $(B)/obj/lib/error.o $(B)/obj/lib/util.o
IMAGE_LDLIBS = $(shell pkg-config --libs jansson zlib libcrypto 2>/dev/null)

$(B)/obj/images/%.o $(B)/obj/tests/images/%.o: HOST_CFLAGS += -I images

$(IMAGE_BUILDER): $(B)/obj/images/main.o $(IMAGE_LIB_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ $(IMAGE_LDLIBS)

# The images carry $(VERSION), SOURCE_DATE_EPOCH and the source URL: rebuild when one changes.
$(IMAGE_DIR)/.inputs: FORCE-image-inputs
	$(Q)mkdir -p $(@D)
	$(Q)echo '$(VERSION) $(SOURCE_DATE_EPOCH) $(IMAGE_SOURCE)' | cmp -s - $@ 2>/dev/null || \
		echo '$(VERSION) $(SOURCE_DATE_EPOCH) $(IMAGE_SOURCE)' >$@
.PHONY: FORCE-image-inputs

# Each image depends on the binary its definition names (`binary = ...`, relative to $(BIN)).
image_binary = $(shell sed -n 's/^[[:space:]]*binary[[:space:]]*=[[:space:]]*//p' images/$(1).image)
$(foreach n,$(IMAGE_NAMES),$(eval $(IMAGE_DIR)/$(n).tar: $(BIN)/$(call image_binary,$(n))))

$(IMAGE_DIR)/%.tar: images/%.image $(IMAGE_BUILDER) $(IMAGE_DIR)/.inputs | deps
	$(call msg,IMAGE,$@)
	$(Q)$(IMAGE_BUILDER) -q -o $(IMAGE_DIR) -b $(BIN) -t '$(VERSION)' \
		$(if $(IMAGE_SOURCE),-s '$(IMAGE_SOURCE)') $<

.PHONY: images image-builder
image-builder: $(IMAGE_BUILDER)
images: $(IMAGE_TARS) | deps
	@printf '%-10s %10s  %s\n' IMAGE BYTES REFERENCE
	@for n in $(IMAGE_NAMES); do \
		printf '%-10s %10s  %s\n' "$$n" "$$(stat -c %s $(IMAGE_DIR)/$$n.tar)" \
			"$$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' \
				$(IMAGE_DIR)/$$n/index.json)"; \
	done

ALL += $(IMAGE_BUILDER)
# every other target runs the images (src/build.mk: `collector` is what a run needs)
collector: $(IMAGE_TARS)

# Unit tests of the builder's modules (tar, gzip, digests, definitions, layout).
IMAGE_UNIT_TESTS := $(patsubst tests/images/%.c,$(B)/tests/images/%,$(wildcard tests/images/test-*.c))
$(IMAGE_OBJS) $(B)/obj/images/main.o $(IMAGE_UNIT_TESTS:$(B)/tests/%=$(B)/obj/tests/%.o): | deps
$(IMAGE_UNIT_TESTS): $(B)/tests/images/%: $(B)/obj/tests/images/%.o $(IMAGE_LIB_OBJS)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_LDFLAGS) -o $@ $^ $(IMAGE_LDLIBS)
TESTS += $(IMAGE_UNIT_TESTS)
UNIT_TESTS += $(IMAGE_UNIT_TESTS)
VALGRIND_TESTS += $(IMAGE_UNIT_TESTS)

# Integration tests (tests/integration/images-*.sh) use the images and the builder.
test-build: images $(IMAGE_BUILDER)
