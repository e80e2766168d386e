# The exit micro-benchmark guest (tests/guests/bench_exits.c) under the
# models whose rows only it has: gicv3-its, where it drives KVM's ITS
# through its own driver (lib/gicv3_its.c: tables, command queue, MAPD,
# MAPC, MAPTI, INV, SYNC, INT) and must get every one of its LPIs, and
# rvic, where every interrupt comes through the rVIC's hypercalls. The
# guest stops with an error code when an interrupt never comes; the
# figures are printed, never asserted.
. tests/integration/lib.sh

GUEST=$GUESTS/bench_exits.bin

# bench CHIP: bench_exits runs to the end under CHIP; its figures, printed.
bench() {
	run_armlet -k "$GUEST" -m 64 -c 2 --testdev --irqchip="$1" --timeout 300 \
		--stats="$T/stats.json"
	[ "$rc" = 0 ] || fail "bench_exits under $1: exit $rc"
	expect_in err "irqchip: $1 (requested)"
	expect_in out "^bench: done"
	tr -d '\r' <"$T/out" | sed -n 's/^bench: \(.*\) = \(median .*\)/\1|\2/p' |
		while IFS='|' read -r name value; do
			figure "$1: $name" "$value"
		done
}

"$ARMLET" check --json >"$T/check.json" 2>/dev/null
detect_host_gic
ran=0
if [ "$host_gic" = 3 ]; then
	bench gicv3-its
	expect_in out "^bench: LPI via ITS: .* to handler entry = median"
	expect_in out "^bench: EOI (in the LPI handler) = median"
	# KVM's ITS ignores a vCPU's GITS_TRANSLATER writes; say so if that changes.
	grep -q "^bench: note: a CPU write to GITS_TRANSLATER raised no LPI" "$T/out" ||
		echo "note: a CPU write to GITS_TRANSLATER raised the LPI: that write was timed"
	echo "gicv3-its: LPIs through the ITS arrive"
	ran=1
else
	echo "gicv3-its part skipped: the host's GIC is a GICv$host_gic (KVM's ITS needs a GICv3)"
fi
if grep -q '"smccc_filter": true' "$T/check.json" && grep -q '"user_irq": true' "$T/check.json"
then
	bench rvic
	expect_in out "^bench: HVC round trip, rVIC call (VERSION) = median"
	expect_in out "^bench: rVIC ACKNOWLEDGE + CLEAR_MASKED round trip = median"
	hc=$(exits_of "$T/stats.json" 0 hypercall)
	# 1,000 VERSION calls alone are forwarded to armlet.
	[ "${hc:-0}" -ge 1000 ] || fail "rvic: vCPU 0 made $hc hypercall exits, expected >= 1000"
	echo "rvic: timer, IPI and rVIC calls arrive ($hc hypercall exits on vCPU 0)"
	ran=1
else
	[ "${ARMLET_NESTED:-0}" = 1 ] && fail "L1's KVM lacks the SMCCC filter or USER_IRQ"
	echo "rvic part skipped: this kernel's KVM lacks the SMCCC filter (Linux >= 6.4) or USER_IRQ"
fi
[ "$ran" = 1 ] || { echo "SKIP: neither gicv3-its nor rvic can run on this host"; exit 77; }
