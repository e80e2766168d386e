#!/bin/sh
# tests/bench/exits.sh - exit and interrupt costs, armlet and QEMU in turn.
#
#   sh tests/bench/exits.sh RUNS
#
# Runs the bench_exits guest (tests/guests/bench_exits.c: HVC, MMIO to the
# VMM, MMIO to the GIC distributor, IPI, timer interrupt, EOI, LPI through
# an ITS; rVIC calls under rvic) RUNS times under each irqchip model this
# L1 offers, armlet's and QEMU's alternately (A B A B ...), and records
# each figure's per-run median. On a GICv3 L1: armlet gicv3, gicv3-its and
# gicv2-user against QEMU's in-kernel GICv3 without and with its in-kernel
# ITS and its userspace GICv2 (kernel_irqchip=off); on a GICv2 L1
# (scripts/nested --gic 2): armlet gicv2 and gicv2-user against QEMU's
# in-kernel and userspace GICv2. Both: armlet's rvic, which QEMU does not
# have. Appends to $BENCH_SAMPLES.
set -u
. "$ARMLET_ROOT/tests/bench/lib.sh"
runs=${1:-3}
GUEST=$ARMLET_ROOT/build/guests/bench_exits
bench_need "$ARMLET" "$GUEST.bin" "$GUEST.elf" "$QEMU_BIN"
T=$(mktemp -d "${TMPDIR:-/tmp}/armlet-exits.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

# Each entry pairs an armlet model with the QEMU machine options that are
# its counterpart ("-" when QEMU has none: the rVIC), per L1 GIC. QEMU's
# virt has an ITS by default with a GICv3: off for the plain gicv3 pair.
if grep -q GICv3 /proc/interrupts; then
	models="gicv3 gic-version=3,its=off
gicv3-its gic-version=3,its=on
gicv2-user gic-version=2,kernel_irqchip=off
rvic -"
else
	models="gicv2 gic-version=2
gicv2-user gic-version=2,kernel_irqchip=off
rvic -"
fi

status=0
for i in $(seq "$runs"); do
	while read -r chip qemu_opts; do
		echo "bench: exits: run $i/$runs, armlet $chip"
		"$ARMLET" run -k "$GUEST.bin" -m 64 -c 2 --testdev --irqchip="$chip" --nodefaults \
			--timeout 300 >"$T/out" 2>&1 </dev/null
		guest_figures exits "armlet $chip" "$T/out" || status=1
		[ "$qemu_opts" = - ] && continue
		echo "bench: exits: run $i/$runs, qemu $chip"
		# QEMU loads the ELF at its link address (0x80080000): RAM must reach it.
		# shellcheck disable=SC2086 # QEMU's options are words
		timeout 300 "$QEMU_LOADER" --library-path "$QEMU_LIBS" "$QEMU_BIN" -M "virt,$qemu_opts" \
			$QEMU_KVM -m 1280 -smp 2 -kernel "$GUEST.elf" >"$T/out" 2>&1 </dev/null
		guest_figures exits "qemu $chip" "$T/out" || status=1
	done <<EOF
$models
EOF
done
exit $status
