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

# exits_of FILE CPU [KIND]: the exits --stats counted for vCPU CPU (all
# kinds, or only KIND: mmio, intr, ...).
exits_of() {
	sed -n '/"vcpu_exits": \[/,/^  \]/p' "$1" | awk -v cpu="$2" -v kind="${3:-}" '
		/\{/ { n++ }
		n == cpu + 1 && /"[a-z_]+": [0-9]+/ {
			gsub(/[",:]/, "")
			if (kind == "" || $1 == kind)
				sum += $2
		}
		END { print sum + 0 }'
}

# bench_gic: the guest prints "bench: NAME = VALUE"; vCPU 2 took only timer
# ticks (and set up its GIC interface), so its exits over the ticks are the
# exits per tick.
for chip in $bench_chips; do
	run_armlet -k "$GUESTS/bench_gic.bin" -m 64 -c 3 --testdev --irqchip="$chip" \
		--timeout 300 --stats="$T/stats.json"
	[ "$rc" = 0 ] || fail "bench_gic under $chip: exit $rc"
	grep '^bench: .* ns ' "$T/out" | tr -d '\r' | sed 's/^bench: //' >"$T/figures"
	while IFS= read -r line; do
		figure "$chip: ${line%% = *}" "${line#* = }"
	done <"$T/figures"
	ticks=$(sed -n 's/^bench: ticks on cpu 2 = \([0-9]*\) .*/\1/p' "$T/out")
	[ "${ticks:-0}" -gt 0 ] || fail "bench_gic under $chip: no tick count in its output"
	figure "$chip: exits per timer tick (vCPU 2, $ticks ticks)" "$(awk \
		-v all="$(exits_of "$T/stats.json" 2)" -v mmio="$(exits_of "$T/stats.json" 2 mmio)" \
		-v intr="$(exits_of "$T/stats.json" 2 intr)" -v n="$ticks" \
		'BEGIN { printf "%.2f (MMIO %.2f, KVM_EXIT_INTR %.2f)", all / n, mmio / n, intr / n }')"
done
