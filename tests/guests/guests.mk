# Bare-metal test guests for armlet: flat binaries loaded at 0x80080000.
#
# Included by the top-level Makefile, or used on its own:
#     make -f tests/guests/guests.mk BUILD=build guests
#
# Adding a test: write tests/guests/NAME.c (defining test_main()) and add
# NAME to GUEST_TESTS. It is linked with everything in lib/ and built as
# $(BUILD)/guests/NAME.bin, with NAME.elf next to it for gdb and objdump.
#
# Everything here is prefixed GUEST_ / guests so it cannot collide with the
# top-level Makefile's variables and targets.

GUEST_MK := $(lastword $(MAKEFILE_LIST))
GUEST_DIR := $(patsubst %/,%,$(dir $(GUEST_MK)))
# Standalone when no other makefile was read before this one.
GUEST_STANDALONE := $(if $(filter-out $(GUEST_MK),$(MAKEFILE_LIST)),,y)
guests_saved_goal := $(.DEFAULT_GOAL)

GUEST_TESTS := \
	psci_cpu_on \
	mmio_unhandled \
	mmio_nisv \
	testdev_fail \
	gic_sgi \
	gic_dist \
	gic_active \
	gic_timer \
	gic_spi \
	bench_gic \
	bench_exits \
	rvic_calls \
	rvic_ipi \
	rvic_timer \
	rvic_rvid \
	rvic_virtio \
	hostile_virtq \
	hostile_mmio \
	hostile_pci \
	hostile_smp \
	hostile_flood \
	hostile_rvic

BUILD ?= build
GUEST_OUT := $(BUILD)/guests

ifneq ($(filter aarch64 arm64,$(shell uname -m)),)
GUEST_CROSS_COMPILE ?=
else
GUEST_CROSS_COMPILE ?= aarch64-linux-gnu-
endif
GUEST_CC ?= $(GUEST_CROSS_COMPILE)gcc
GUEST_OBJCOPY ?= $(GUEST_CROSS_COMPILE)objcopy
GUEST_OBJDUMP ?= $(GUEST_CROSS_COMPILE)objdump

# -mstrict-align: with the MMU off all data accesses are Device memory,
# where an unaligned access faults. -mgeneral-regs-only: FP/SIMD is not
# enabled. The -fno-* and -U flags undo distribution defaults (PIE,
# fortify, unwind tables, branch protection) that make no sense here.
GUEST_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -nostdlib -nostartfiles -fno-pic -static \
	-fno-stack-protector -fno-common -fno-builtin \
	-fno-tree-loop-distribute-patterns \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-ffunction-sections -fdata-sections \
	-mgeneral-regs-only -mstrict-align -mbranch-protection=none \
	-U_FORTIFY_SOURCE -I$(GUEST_DIR)/lib $(GUEST_EXTRA_CFLAGS)
GUEST_DEPFLAGS = -MMD -MP -MF $(@:.o=.d)
GUEST_LDS := $(GUEST_DIR)/lib/guest.ld
GUEST_LDFLAGS := -nostdlib -nostartfiles -static -no-pie \
	-Wl,--gc-sections -Wl,--build-id=none -Wl,-T,$(GUEST_LDS)

# Exclusives and LSE atomics are CONSTRAINED UNPREDICTABLE on the Device
# memory a guest with the MMU off has; refuse to build a binary with any.
GUEST_FORBIDDEN := \
	'[[:space:]](ld|st)a?[lx]?x[rp][bh]?[[:space:]]|[[:space:]](cas|swp|ld(add|clr|eor|set|smax|smin|umax|umin)|st(add|clr|eor|set|smax|smin|umax|umin))[a-z]*[[:space:]]'

GUEST_LIB_C := bench counter exception gicv2 gicv3 gicv3_its pci printf psci rvic smp string testdev timer uart virtio
GUEST_LIB_S := start vectors
GUEST_LIB_OBJS := $(GUEST_LIB_S:%=$(GUEST_OUT)/lib/%.o) \
	$(GUEST_LIB_C:%=$(GUEST_OUT)/lib/%.o)
GUEST_TEST_OBJS := $(GUEST_TESTS:%=$(GUEST_OUT)/%.o)
GUEST_ELFS := $(GUEST_TESTS:%=$(GUEST_OUT)/%.elf)
GUEST_BINS := $(GUEST_TESTS:%=$(GUEST_OUT)/%.bin)

.PHONY: guests guests-clean
guests: $(GUEST_BINS) $(GUEST_ELFS)

$(GUEST_LIB_C:%=$(GUEST_OUT)/lib/%.o): $(GUEST_OUT)/lib/%.o: $(GUEST_DIR)/lib/%.c $(GUEST_MK)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_DEPFLAGS) -c -o $@ $<

$(GUEST_LIB_S:%=$(GUEST_OUT)/lib/%.o): $(GUEST_OUT)/lib/%.o: $(GUEST_DIR)/lib/%.S $(GUEST_MK)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_DEPFLAGS) -c -o $@ $<

$(GUEST_TEST_OBJS): $(GUEST_OUT)/%.o: $(GUEST_DIR)/%.c $(GUEST_MK)
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_DEPFLAGS) -c -o $@ $<

$(GUEST_ELFS): $(GUEST_OUT)/%.elf: $(GUEST_OUT)/%.o $(GUEST_LIB_OBJS) $(GUEST_LDS)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $(filter %.o,$^)
	@if $(GUEST_OBJDUMP) -d $@ | grep -E $(GUEST_FORBIDDEN); then \
		echo "$@: exclusive or atomic instructions (see above)" >&2; \
		rm -f $@; exit 1; \
	fi

$(GUEST_BINS): %.bin: %.elf
	$(GUEST_OBJCOPY) -O binary $< $@

guests-clean:
	rm -rf $(GUEST_OUT)

-include $(GUEST_LIB_OBJS:.o=.d) $(GUEST_TEST_OBJS:.o=.d)

# Do not take over the including Makefile's default goal.
ifeq ($(GUEST_STANDALONE),y)
.DEFAULT_GOAL := guests
else
.DEFAULT_GOAL := $(guests_saved_goal)
endif
