# armlet: `make` builds build/armlet, a static aarch64 binary (cross-compiled
# on x86_64 hosts). `make check` sets up, runs the unit tests natively, then
# the integration tests on arm64 KVM (through the nested harness on x86).

BUILD ?= build
HOST_ARCH := $(shell uname -m)
SETUP_STAMP := .cache/setup.stamp

ifeq ($(HOST_ARCH),aarch64)
CROSS ?=
ARM64_SYSROOT ?=
else
CROSS ?= aarch64-linux-gnu-
# libfdt-dev:arm64 conflicts with the native libfdt-dev, so scripts/setup
# unpacks it here instead of installing it through multiarch.
ARM64_SYSROOT ?= .cache/arm64-root
endif

CC := $(CROSS)gcc
STRIP := $(CROSS)strip
HOSTCC ?= gcc
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# scripts/setup builds a static libslirp here (with Debian's glib and pcre2 .a).
SLIRP_ROOT := .cache/slirp-root
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
COMMON_CFLAGS := -std=gnu11 -D_GNU_SOURCE -O2 -g $(WARN) -MMD -MP
CFLAGS ?=
ARM64_CFLAGS := $(COMMON_CFLAGS) -DARMLET_VERSION='"$(VERSION)"' \
	$(if $(ARM64_SYSROOT),-I$(ARM64_SYSROOT)/usr/include) -I$(SLIRP_ROOT)/include $(CFLAGS)
ARM64_LDFLAGS := -static $(if $(ARM64_SYSROOT),-L$(ARM64_SYSROOT)/usr/lib/aarch64-linux-gnu) \
	-L$(SLIRP_ROOT)/lib -L$(SLIRP_ROOT)/usr/lib/aarch64-linux-gnu
ARM64_LIBS := -lfdt -lz -luring -laio -lseccomp -lslirp -lglib-2.0 -lpcre2-8 -lpthread -lm

# Portable sources: no KVM, so they also build natively for the unit tests.
PORTABLE_SRCS := \
	vmm/log.c vmm/exitcode.c vmm/layout.c vmm/mem.c vmm/bus.c vmm/cli.c \
	vmm/loader.c vmm/vm.c vmm/pci.c vmm/json.c vmm/dev/uart.c vmm/dev/testdev.c \
	vmm/control.c vmm/control_server.c vmm/control_cmd.c \
	irqchip/irqchip.c irqchip/gic_fdt.c timer/arch_timer.c fdt/fdt.c virtio/virtqueue.c \
	irqchip/gicv2_model.c irqchip/gicv2_dist.c irqchip/gicv2_cpu.c \
	virtio/virtio.c virtio/pci.c virtio/pci_common.c virtio/pci_irq.c virtio/blk.c \
	virtio/blk_req.c virtio/blk_uring.c virtio/blk_aio.c virtio/blk_sync.c virtio/console.c \
	virtio/rng.c vmm/hostcheck_report.c irqchip/gicv2m.c irqchip/gicv2_user_core.c \
	vmm/summary_json.c irqchip/user_pins.c irqchip/rvic_model.c irqchip/rvic_call.c \
	irqchip/rvic_common.c virtio/vhost.c virtio/vsock.c virtio/9p.c virtio/9p_wire.c \
	virtio/9p_fid.c virtio/9p_server.c virtio/9p_ops.c vmm/sandbox.c vmm/sandbox_policy.c \
	virtio/net.c virtio/net_spec.c virtio/net_hdr.c virtio/net_tap.c
# arm64 programs and libraries scripts/setup unpacks (busybox, e2fsprogs, libfdt).
ARM64_ROOT := .cache/arm64-root
# KVM sources: arm64 only.
KVM_SRCS := main.c vmm/kvm.c vmm/vcpu.c vmm/loop.c vmm/fastpath_kvm.c vmm/board.c \
	vmm/summary.c irqchip/select.c irqchip/vgic_v3.c irqchip/vgic_its.c irqchip/vgic_v2.c \
	irqchip/gicv2_user.c vmm/hostcheck.c irqchip/rvic_kvm.c
# libslirp-only sources: arm64 only (scripts/setup builds the static libslirp).
SLIRP_SRCS := virtio/net_user.c

ARM64_OBJS := $(patsubst %.c,$(BUILD)/arm64/%.o,$(PORTABLE_SRCS) $(KVM_SRCS) $(SLIRP_SRCS))

.PHONY: all clean check check-format check-unit check-integration boot setup guests format unit
all: $(BUILD)/armlet

$(SETUP_STAMP): scripts/setup scripts/lib/common.sh
	scripts/setup
	@touch $@

setup:
	scripts/setup

$(BUILD)/arm64/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ARM64_CFLAGS) -c $< -o $@

$(BUILD)/armlet: $(ARM64_OBJS)
	$(CC) $(ARM64_LDFLAGS) -o $@ $^ $(ARM64_LIBS)
	$(STRIP) -o $@.stripped $@

# --- unit tests: Check, natively, on plain memory -------------------------
UNIT_SRCS := $(wildcard tests/unit/*.c)
# Deferred (=): pkg-config only answers once scripts/setup has installed check.
HOST_CFLAGS = $(COMMON_CFLAGS) -Wno-missing-prototypes $(shell pkg-config --cflags check)
HOST_LIBS = $(shell pkg-config --libs check) -lfdt -lz -luring -laio -lseccomp -lpthread -lm
UNIT_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(PORTABLE_SRCS) $(UNIT_SRCS))
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_SAN_OBJS := $(patsubst %.c,$(BUILD)/host-san/%.o,$(PORTABLE_SRCS) $(UNIT_SRCS))

$(BUILD)/host/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/host-san/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(BUILD)/unit-tests: $(UNIT_OBJS)
	$(HOSTCC) -o $@ $^ $(HOST_LIBS)

$(BUILD)/unit-tests-san: $(UNIT_SAN_OBJS)
	$(HOSTCC) $(SAN_FLAGS) -o $@ $^ $(HOST_LIBS)

unit: $(BUILD)/unit-tests $(BUILD)/unit-tests-san

# The tests write their scratch files under $(BUILD)/unit-tmp.
# Both binaries run even when the first fails, so both Check summaries show.
check-unit: unit
	@mkdir -p $(BUILD)/unit-tmp
	@rc=0; \
	ARMLET_TEST_TMP=$(BUILD)/unit-tmp $(BUILD)/unit-tests || rc=1; \
	ARMLET_TEST_TMP=$(BUILD)/unit-tmp ASAN_OPTIONS=detect_leaks=1 $(BUILD)/unit-tests-san || rc=1; \
	exit $$rc

# --- bare-metal test guests ------------------------------------------------
include tests/guests/guests.mk
# The cross compiler comes from scripts/setup.
$(GUEST_LIB_OBJS) $(GUEST_TEST_OBJS): | $(SETUP_STAMP)

# --- integration: in the nested harness on x86, directly on arm64 KVM ------
NESTED_ARGS ?=
# The whole suite's limit in the harness (each test has its own, 600 s):
# about 15 minutes alone under TCG, more on a loaded machine.
INTEGRATION_TIMEOUT ?= 3600
L2_INITRAMFS := $(BUILD)/l2/initramfs.cpio.gz

# Modules built into some kernels are skipped with a note. ext4 finds its
# checksum through the crypto API, which modules.dep cannot know: crc32c_generic.
L2_MODULES := virtio_pci virtio_blk virtio_console virtio_rng crc32c_generic ext4 virtio_net
L2_MODULES += 9p 9pnet_virtio vmw_vsock_virtio_transport
L2_PROGRAMS := /sbin/mke2fs /sbin/e2fsck
VSOCK_TOOL := $(BUILD)/tools/vsock-tool

$(L2_INITRAMFS): scripts/mk-l2-initramfs scripts/lib/initramfs.sh tests/integration/l2-body.sh Makefile \
		tests/integration/l2-net.sh $(VSOCK_TOOL) $(BUILD)/tools/runas | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	scripts/mk-l2-initramfs $(addprefix --module ,$(L2_MODULES)) \
		--file tests/integration/l2-net.sh:/l2-net.sh --file $(VSOCK_TOOL):/bin/vsock-tool \
		--file $(BUILD)/tools/runas:/bin/runas \
		$(addprefix --bin $(ARM64_ROOT):,$(L2_PROGRAMS)) $@ tests/integration/l2-body.sh

# The same kernel gzip-compressed, as several distributions ship it.
L2_KERNEL_GZ := $(BUILD)/l2/Image.gz
$(L2_KERNEL_GZ): | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	gzip -c .cache/kernel/$${ARMLET_KERNEL:-trixie}/Image > $@.tmp && mv $@.tmp $@

# Test tools that run next to armlet on the KVM host.
$(BUILD)/tools/dtbcheck: tests/integration/dtbcheck.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ARM64_CFLAGS) $(ARM64_LDFLAGS) -o $@ $< -lfdt

# Both ends of the vsock test: in L1 and in the L2 initramfs.
$(VSOCK_TOOL): tests/integration/vsock-tool.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ARM64_CFLAGS) $(ARM64_LDFLAGS) -o $@ $<

# Plain tools with no libraries: runas (t-44, and in L2 for t-46), dns-answer (t-48).
TEST_TOOLS := $(BUILD)/tools/runas $(BUILD)/tools/dns-answer
$(TEST_TOOLS): $(BUILD)/tools/%: tests/integration/%.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ARM64_CFLAGS) $(ARM64_LDFLAGS) -o $@ $<

check-integration: $(BUILD)/armlet guests $(L2_INITRAMFS) $(L2_KERNEL_GZ) $(BUILD)/tools/dtbcheck \
		$(TEST_TOOLS)
	scripts/nested --timeout $(INTEGRATION_TIMEOUT) $(NESTED_ARGS) tests/integration/run-all.sh

check: check-format check-unit check-integration

# The main job: boot a Debian guest and show its console.
boot: $(BUILD)/armlet $(L2_INITRAMFS)
	scripts/nested $(NESTED_ARGS) tests/integration/boot-debian.sh

# Performance suite against QEMU (boot, exits, block, footprint, network;
# prints figures, asserts nothing). scripts/bench fetches fio, iperf3 and
# QEMU and builds its own initramfs images; BENCH_ARGS go to it.
.PHONY: bench
BENCH_ARGS ?=
bench: $(BUILD)/armlet $(BUILD)/bench/vmmstat guests
	scripts/bench $(BENCH_ARGS) $(NESTED_ARGS)

# Times and weighs a VMM from the outside, next to it in L1.
$(BUILD)/bench/vmmstat: tests/bench/vmmstat.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ARM64_CFLAGS) $(ARM64_LDFLAGS) -o $@ $<

FORMAT_SRCS = $(PORTABLE_SRCS) $(KVM_SRCS) $(SLIRP_SRCS) $(UNIT_SRCS) $(wildcard */*.h */*/*.h) \
	tests/integration/dtbcheck.c tests/integration/vsock-tool.c tests/integration/runas.c \
	tests/integration/dns-answer.c \
	$(wildcard tests/guests/*.c tests/guests/lib/*.[ch]) tests/bench/vmmstat.c

format:
	clang-format -i $(FORMAT_SRCS)

# Fails when a file differs from what clang-format would make of it.
check-format:
	clang-format --dry-run --Werror $(FORMAT_SRCS)

# --- ASan/UBSan armlet for the nested integration tests (make check-asan) ---
# Static ASan is not supported, so this armlet links the sanitizer runtimes,
# glibc and the loader dynamically (the cross toolchain's arm64 copies, or the
# system's on an arm64 host) and everything else statically. build/asan/armlet
# runs it through the loader with --library-path build/asan/lib, so L1 needs
# no arm64 libraries installed. tests/integration/run-asan.sh points the suite
# at it and collects the sanitizer reports in build/asan/reports/.
ASAN_DIR := $(BUILD)/asan
ASAN_OBJS := $(patsubst %.c,$(ASAN_DIR)/obj/%.o,$(PORTABLE_SRCS) $(KVM_SRCS) $(SLIRP_SRCS))
ifeq ($(HOST_ARCH),aarch64)
ASAN_RUNTIME_DIR ?= /lib/aarch64-linux-gnu
else
ASAN_RUNTIME_DIR ?= /usr/aarch64-linux-gnu/lib
endif
ASAN_RUNTIME := ld-linux-aarch64.so.1 libc.so.6 libm.so.6 libgcc_s.so.1 libstdc++.so.6 \
	libasan.so.8 libubsan.so.1
ASAN_TESTS ?=
# The whole suite's limit in the harness: about 1 hour under ASan alone.
ASAN_TIMEOUT ?= 7200

$(ASAN_DIR)/obj/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ARM64_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(ASAN_DIR)/armlet.bin: $(ASAN_OBJS)
	$(CC) $(SAN_FLAGS) $(if $(ARM64_SYSROOT),-L$(ARM64_SYSROOT)/usr/lib/aarch64-linux-gnu) \
		-L$(SLIRP_ROOT)/lib -L$(SLIRP_ROOT)/usr/lib/aarch64-linux-gnu -o $@ $^ \
		-Wl,-Bstatic -lfdt -lz -luring -laio -lseccomp -lslirp -lglib-2.0 -lpcre2-8 \
		-Wl,-Bdynamic -lpthread -lm

$(ASAN_DIR)/armlet: $(ASAN_DIR)/armlet.bin tests/integration/asan-armlet.sh
	@mkdir -p $(ASAN_DIR)/lib
	cp -L $(addprefix $(ASAN_RUNTIME_DIR)/,$(ASAN_RUNTIME)) $(ASAN_DIR)/lib/
	install -m 755 tests/integration/asan-armlet.sh $@

.PHONY: asan check-asan
asan: $(ASAN_DIR)/armlet

# ASAN_TESTS picks tests by name, as run-all.sh does (all by default).
check-asan: $(ASAN_DIR)/armlet guests $(L2_INITRAMFS) $(L2_KERNEL_GZ) $(BUILD)/tools/dtbcheck $(TEST_TOOLS)
	scripts/nested --timeout $(ASAN_TIMEOUT) $(NESTED_ARGS) tests/integration/run-asan.sh $(ASAN_TESTS)

# --- fuzzing: libFuzzer targets on plain memory (tests/fuzz/) ---------------
# `make fuzz` builds each tests/fuzz/fuzz_*.c with the portable sources under
# clang's libFuzzer, ASan and UBSan into $(BUILD)/fuzz/, then runs each for
# FUZZ_SECONDS on a scratch copy of its seed corpus (tests/fuzz/run.sh) and
# fails on any crash, leak, hang or broken invariant. FUZZ_TARGETS picks
# targets (fuzz_cli ...), FUZZ_ARGS adds libFuzzer options (-max_len=8192 ...).
.PHONY: fuzz fuzz-build
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_ARGS ?=
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_ALL := $(basename $(notdir $(FUZZ_SRCS)))
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 -D_GNU_SOURCE -O1 -g $(WARN) -MMD -MP $(FUZZ_SAN) \
	-fsanitize=fuzzer-no-link
FUZZ_OBJS := $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(PORTABLE_SRCS))
FUZZ_BINS := $(addprefix $(BUILD)/fuzz/,$(FUZZ_ALL))
FORMAT_SRCS += $(FUZZ_SRCS)

$(BUILD)/fuzz/obj/%.o: %.c | $(SETUP_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_BINS): $(BUILD)/fuzz/%: $(BUILD)/fuzz/obj/tests/fuzz/%.o $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ -lfdt -lz -luring -laio -lseccomp -lpthread -lm

fuzz-build: $(FUZZ_BINS)

fuzz: $(addprefix $(BUILD)/fuzz/,$(FUZZ_TARGETS))
	tests/fuzz/run.sh $(BUILD)/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS) -- $(FUZZ_ARGS)

clean:
	rm -rf $(BUILD)
	rm -f $(SETUP_STAMP)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
