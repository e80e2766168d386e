# --irqchip auto: the model it picks, and the one line on stderr that says
# why. On the GICv3 L1 it is gicv3-its, on the GICv2 L1 gicv2m (the test
# learns the host's GIC from /proc/interrupts). Then with the test hook
# ARMLET_TEST_NO_VGIC=1, which makes every in-kernel vGIC model's probe fail
# as if the host had none: auto falls back to gicv2-user on both L1s, names
# each model it passed over with why, and the L2 guest still boots;
# `armlet check` says the same; an in-kernel model asked for by name is
# refused (exit 1) with one line.
. tests/integration/lib.sh

detect_host_gic
echo "host GIC: v$host_gic"

# expect_chosen MODEL: the run's reason line and --stats both name MODEL.
expect_chosen() {
	[ "$(grep -c '^armlet: irqchip: ' "$T/err")" = 1 ] || fail "not one irqchip line on stderr"
	grep '^armlet: irqchip: ' "$T/err"
	grep -q "^  \"irqchip\": \"$1\",$" "$T/stats.json" ||
		fail "--stats names another irqchip than $1: $(grep '"irqchip"' "$T/stats.json")"
	grep -q '^armlet: ' "$T/out" && fail "armlet wrote to stdout: $(grep '^armlet: ' "$T/out")"
	return 0
}

# --- no hook: the best model this host has -----------------------------------
boot_l2 1 uptime --stats="$T/stats.json"
expect_rc 0
expect_in out "L2-BODY-EXIT=0"
if [ "$host_gic" = 3 ]; then
	expect_in err '^armlet: irqchip: gicv3-its (auto; the best model this host offers)$'
	expect_chosen gicv3-its
else
	expect_in err '^armlet: irqchip: gicv2m (auto; better models unavailable: gicv3-its, gicv3: KVM_CREATE_DEVICE vgic-v3: E[A-Z]*)$'
	expect_chosen gicv2m
fi

# The hook is on only when set to something other than 0.
ARMLET_TEST_NO_VGIC=0 "$ARMLET" check --json >"$T/out" 2>"$T/err" </dev/null
grep -q '"irqchip_auto": "gicv2-user"' "$T/out" && fail "ARMLET_TEST_NO_VGIC=0 hid the vGIC"
grep -q '^    "hidden": false$' "$T/out" || fail "ARMLET_TEST_NO_VGIC=0: vgic.hidden is not false"

# --- the hook: no vGIC, so gicv2-user -------------------------------------------
"$ARMLET" check --json >"$T/check.json" 2>/dev/null
if ! grep -q '"user_irq": true' "$T/check.json"; then
	[ "${ARMLET_NESTED:-0}" = 1 ] && fail "L1's KVM does not offer KVM_CAP_ARM_USER_IRQ"
	echo "SKIP: this kernel's KVM does not offer KVM_CAP_ARM_USER_IRQ (gicv2-user)"
	exit 77
fi

export ARMLET_TEST_NO_VGIC=1
hidden="hidden by ARMLET_TEST_NO_VGIC (test hook)"
boot_l2 1 uptime --stats="$T/stats.json"
expect_rc 0
expect_in out "L2: init at uptime"
expect_in out "L2-BODY-EXIT=0"
expect_in err "^armlet: irqchip: gicv2-user (auto; better models unavailable: gicv3-its, gicv3: KVM_CREATE_DEVICE vgic-v3: $hidden; gicv2m, gicv2: KVM_CREATE_DEVICE vgic-v2: $hidden)$"
expect_chosen gicv2-user
figure "L2 uptime at init (auto under the hook: gicv2-user, 1 vCPU)" \
	"$(sed -n 's/^L2: init at uptime \(.*\) s.*/\1/p' "$T/out")"

# `armlet check` honours it: the vGIC models hidden, auto is gicv2-user, a VM can run.
"$ARMLET" check --json >"$T/out" 2>"$T/err" </dev/null
rc=$?
cat "$T/out"
expect_rc 0
expect_in out '^  "ok": true,$'
expect_in out '^  "irqchip_auto": "gicv2-user",$'
expect_in out '^    "v3": false,$'
expect_in out '^    "its": false,$'
expect_in out '^    "v2": false,$'
expect_in out '^    "hidden": true$'
expect_in out "^  \"irqchip_reason\": \"gicv2-user (auto; better models unavailable: gicv3-its, gicv3: KVM_CREATE_DEVICE vgic-v3: $hidden; gicv2m, gicv2: KVM_CREATE_DEVICE vgic-v2: $hidden)\",$"
[ ! -s "$T/err" ] || fail "armlet check --json wrote to stderr: $(cat "$T/err")"
"$ARMLET" check >"$T/out" 2>"$T/err" </dev/null
rc=$?
expect_rc 0
expect_in out '^  vgic-v3  *no (hidden by ARMLET_TEST_NO_VGIC, a test hook)$'
expect_in out '^ready: armlet can run VMs here (irqchip gicv2-user)$'

# A model asked for by name that the hook hides: exit 1, one line saying why.
for model in gicv3-its gicv3 gicv2m gicv2; do
	case $model in
	gicv3*) dev=vgic-v3 ;;
	*) dev=vgic-v2 ;;
	esac
	run_armlet -k "$KERNEL" -i "$INITRD" --irqchip="$model"
	expect_rc 1
	[ "$(wc -l <"$T/err")" = 1 ] || fail "--irqchip=$model: not one line on stderr"
	expect_in err "^armlet: irqchip: $model is not available on this host: KVM_CREATE_DEVICE $dev: $hidden$"
	[ ! -s "$T/out" ] || fail "--irqchip=$model wrote to stdout"
done
cat "$T/err"
