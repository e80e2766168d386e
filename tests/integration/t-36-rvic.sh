# --irqchip=rvic: the paravirtual rVIC/rVID in armlet (SMCCC filter + user
# IRQ lines, Linux >= 6.4 in L1). Bare-metal guests, one feature each:
# the calls and every status, IPIs among 2 and 4 CPUs, the virtual timer
# with RESAMPLE, an rVID input from the MSI doorbell. Then the run
# summary's interrupts.rvic, the limitation printed for a Linux Image, and
# that auto never picks rvic.
. tests/integration/lib.sh

"$ARMLET" check --json >"$T/check.json" 2>/dev/null
if ! grep -q '"smccc_filter": true' "$T/check.json" || ! grep -q '"user_irq": true' "$T/check.json"; then
	[ "${ARMLET_NESTED:-0}" = 1 ] && fail "L1's KVM lacks the SMCCC filter or USER_IRQ"
	echo "SKIP: this kernel's KVM lacks the SMCCC filter (Linux >= 6.4) or KVM_CAP_ARM_USER_IRQ"
	exit 77
fi

# run_guest NAME CPUS: the guest passes (exit 0) under rvic.
run_guest() {
	run_armlet -k "$GUESTS/$1.bin" -m 64 -c "$2" --testdev --irqchip=rvic --timeout 120 \
		--stats="$T/stats.json"
	[ "$rc" = 0 ] || fail "$1 with $2 vCPUs under rvic: exit $rc"
	expect_in err "irqchip: rvic (requested)"
	expect_in out "^PASS"
	echo "$1: $2 vCPUs under rvic pass"
}

run_guest rvic_calls 2
grep '^  ' "$T/out" | tr -d '\r'
run_guest rvic_ipi 2
run_guest rvic_ipi 4
delivered=$(sed -n 's/.*"rvic": \([0-9]*\).*/\1/p' "$T/stats.json" | head -n1)
# 16 IPIs among 4 CPUs and the masked one: at least 17 acknowledged.
[ "${delivered:-0}" -ge 17 ] || fail "interrupts.rvic is '${delivered}' after rvic_ipi on 4 CPUs"
echo "run summary: interrupts.rvic = $delivered"
run_guest rvic_timer 1
run_guest rvic_rvid 2

# A device's MSI: virtio-blk's MSI-X vector aimed at the rVID doorbell, one
# interrupt per request on the mapped (CPU, INTID), held while masked,
# dropped once unmapped; the five 4 KiB writes land and nothing else does.
dd if=/dev/zero of="$T/disk" bs=64k count=1 2>/dev/null
run_armlet -k "$GUESTS/rvic_virtio.bin" -m 64 --testdev --irqchip=rvic --timeout 120 \
	-d "$T/disk"
[ "$rc" = 0 ] || fail "rvic_virtio under rvic: exit $rc"
expect_in out "^PASS"
expect_in out "rvic_virtio: masked vector held its MSI until unmasked"
[ "$(head -c 20480 "$T/disk" | tr -d '\000' | wc -c)" -gt 0 ] || fail "rvic_virtio: no data written"
[ "$(tail -c +20481 "$T/disk" | tr -d '\000' | wc -c)" = 0 ] ||
	fail "rvic_virtio: bytes past the five writes changed"
echo "rvic_virtio: virtio-blk MSI-X through the rVID passes"

# A Linux Image boots nowhere on rvic: armlet says why before it tries.
run_armlet -k "$KERNEL" -m 256 --irqchip=rvic --timeout 5
expect_in err "no Linux driver for the rVIC"

# auto never picks rvic.
run_armlet -k "$GUESTS/psci_cpu_on.bin" -m 64 -c 2 --testdev --timeout 60
! grep -q "irqchip: rvic" "$T/err" || fail "auto picked rvic"
echo "auto: $(grep -o "irqchip: [a-z0-9-]*" "$T/err" | head -n1), never rvic"

# bench_gic's figures under rvic, gicv2-user and this host's in-kernel GIC
# (never asserted): timer interrupt round trip, IPI latency, exits per
# tick, and under rvic the ACKNOWLEDGE + CLEAR_MASKED round trip.
detect_host_gic
for chip in rvic gicv2-user "gicv$host_gic"; do
	bench_gic_figures "$chip" hypercall hypercall
done
