# eBPF attribution (issue 5): bpf/attribution.bpf.c → BPF object → libbpf skeleton
# ($(B)/gen/attribution.skel.h) included by src/tracer/tracer.c.
#
# vmlinux.h is generated from the running kernel's BTF at build time rather than committed: the
# program is CO-RE, so a header from any BTF kernel works, and regenerating keeps it in step with
# the machine the tests run on. A kernel without /sys/kernel/btf/vmlinux cannot run the tracer.
DEB_PKGS += bpftool clang llvm libbpf-dev libelf-dev linux-libc-dev

BPF_CLANG ?= clang
BPFTOOL ?= bpftool
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror -I bpf -I $(B)/gen

$(B)/gen/vmlinux.h:
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

$(B)/obj/bpf/attribution.bpf.o: bpf/attribution.bpf.c bpf/attribution.h $(B)/gen/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPF_CLANG) $(BPF_CFLAGS) -c -o $@ $<

$(B)/gen/attribution.skel.h: $(B)/obj/bpf/attribution.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name attribution > $@.tmp && mv $@.tmp $@

# Syscall names for the JSON, from the x86-64 numbers of the installed kernel headers.
SYSCALL_HDR ?= /usr/include/x86_64-linux-gnu/asm/unistd_64.h
$(B)/gen/syscall-names.h: $(SYSCALL_HDR)
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)awk '$$1 == "#define" && $$2 ~ /^__NR_/ { sub(/^__NR_/, "", $$2); \
		printf "\t[%d] = \"%s\",\n", $$3, $$2 }' $< > $@.tmp && mv $@.tmp $@

# src/tracer/tracer.h includes bpf/attribution.h; the loader needs the skeleton and syscall names.
HOST_CFLAGS += -I bpf
$(B)/obj/src/tracer/tracer.o: $(B)/gen/attribution.skel.h $(B)/gen/syscall-names.h

BENCHES += bench/tracer
