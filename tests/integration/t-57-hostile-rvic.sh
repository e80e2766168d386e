# rVIC/rVID garbage from every vCPU (tests/guests/hostile_rvic.c): 4 vCPUs
# under --irqchip=rvic with the sandbox on (the default) make hypercalls
# with function IDs in and around the rVIC and rVID blocks and of other
# SMCCC owners, with garbage x1..x3; every answer must be a DEN0103 status
# or NOT_SUPPORTED, exact where the garbage is fixed. Afterwards an IPI and
# a timer interrupt still reach every CPU. armlet stays up and exits 0,
# its memory and threads bounded; --stats shows the calls reached armlet.
. tests/integration/lib.sh
. tests/integration/hostile-lib.sh

"$ARMLET" check --json >"$T/check.json" 2>/dev/null
if ! grep -q '"smccc_filter": true' "$T/check.json" || ! grep -q '"user_irq": true' "$T/check.json"; then
	[ "${ARMLET_NESTED:-0}" = 1 ] && fail "L1's KVM lacks the SMCCC filter or USER_IRQ"
	echo "SKIP: this kernel's KVM lacks the SMCCC filter (Linux >= 6.4) or KVM_CAP_ARM_USER_IRQ"
	exit 77
fi

watch_armlet -k "$GUESTS/hostile_rvic.bin" -m 64 -c 4 --testdev --irqchip=rvic --timeout 300 \
	--stats="$T/stats.json"
expect_rc 0
expect_in err "irqchip: rvic (requested)"
expect_in out "hostile_rvic: every answer a DEN0103 status or NOT_SUPPORTED"
expect_in out "hostile_rvic: after the garbage, each CPU took 1 IPI and 1 timer interrupt"
expect_in out "^PASS"
figure "garbage calls per CPU" "$(sed -n 's/^hostile_rvic: garbage calls per CPU: //p' "$T/out" | tr -d '\r')"
# Each forwarded call is one hypercall exit; KVM answers the IDs it owns itself.
hypercalls=$(grep -o '"hypercall": [0-9]*' "$T/stats.json" | awk '{s += $2} END {print s + 0}')
figure "hypercall exits" "$hypercalls"
[ "$hypercalls" -ge 800 ] || fail "only $hypercalls hypercall exits reached armlet"
bounded_memory rvic 64 40
