# Bare-metal GICv2 guests (tests/guests/gic_*.c), one feature each: SGIs
# between 2 and 4 CPUs, distributor register semantics, active state, the
# virtual and physical timers, and a device's SPI routed by ITARGETSR.
# They run under gicv2-user (the GICv2 in armlet) on every L1, and under
# gicv2 (KVM's vGICv2) where the host's GIC is a GICv2 (scripts/nested
# --gic 2). Then bench_gic's figures, never asserted: timer interrupt round
# trip, IPI latency and exits per timer tick, under gicv2-user and the
# in-kernel GIC of this host (gicv2 or gicv3).
. tests/integration/lib.sh

"$ARMLET" check --json >"$T/check.json" 2>/dev/null
chips=""
if grep -q '"user_irq": true' "$T/check.json"; then
	chips="gicv2-user"
else
	# Debian's kernels have had it since 4.12: in the harness this is a failure.
	[ "${ARMLET_NESTED:-0}" = 1 ] && fail "L1's KVM does not offer KVM_CAP_ARM_USER_IRQ"
	echo "gicv2-user part skipped: this kernel's KVM does not offer KVM_CAP_ARM_USER_IRQ"
fi
detect_host_gic
if [ "$host_gic" = 2 ]; then
	chips="$chips gicv2"
	bench_chips="$chips"
else
	echo "gicv2 part skipped: the host's GIC is a GICv3, and KVM's vGICv2 needs a GICv2" \
		"(scripts/nested --gic 2)"
	bench_chips="$chips gicv3"
fi
[ -n "$chips" ] || { echo "SKIP: neither gicv2-user nor gicv2 can run on this host"; exit 77; }

# run_guest NAME CPUS IRQCHIP: the guest passes (exit 0) on that irqchip.
run_guest() {
	run_armlet -k "$GUESTS/$1.bin" -m 64 -c "$2" --testdev --irqchip="$3" --timeout 120
	[ "$rc" = 0 ] || fail "$1 with $2 vCPUs under $3: exit $rc"
	expect_in err "irqchip: $3 (requested)"
	expect_in out "^PASS"
	echo "$1: $2 vCPUs under $3 pass"
}

for chip in $chips; do
	run_guest gic_sgi 2 "$chip"
	run_guest gic_sgi 4 "$chip"
	for guest in gic_dist gic_active gic_timer gic_spi; do
		run_guest "$guest" 2 "$chip"
	done
done

# bench_gic's figures (lib.sh): latencies, and exits per tick by kind.
for chip in $bench_chips; do
	bench_gic_figures "$chip" mmio MMIO
done
