# gicv2-user: the GICv2 in armlet (KVM_CAP_ARM_USER_IRQ), for hosts with no
# usable vGIC. It needs nothing of the host's GIC, so it runs on every L1,
# GICv3 or GICv2. The L2 kernel's timer interrupts must arrive (sleep 1
# returns), so must its IPIs (a second vCPU comes up and the system runs on
# two) and its PMU's, and a virtio-blk disk must work with its interrupts
# raised through armlet (MSI-X through the GICv2m frame, and INTx; irq_slow)
# while its kicks still take ioeventfd. Every GIC access is an MMIO exit to
# armlet: --stats counts them on both frames.
. tests/integration/lib.sh

"$ARMLET" check --json >"$T/check.json" 2>/dev/null
if ! grep -q '"user_irq": true' "$T/check.json"; then
	# Debian's kernels have had it since 4.12: in the harness this is a failure.
	[ "${ARMLET_NESTED:-0}" = 1 ] && fail "L1's KVM does not offer KVM_CAP_ARM_USER_IRQ"
	echo "SKIP: this kernel's KVM does not offer KVM_CAP_ARM_USER_IRQ"
	exit 77
fi

# gic_hits FILE NAME: MMIO accesses --stats counted on the GIC frame NAME@BASE.
gic_hits() {
	sed -n "s/^ *\"$2\": \([0-9]*\),\{0,1\}$/\1/p" "$1"
}

# expect_user_gic: the run used gicv2-user, and its frames saw the guest.
expect_user_gic() {
	expect_in err "irqchip: gicv2-user (requested)"
	grep -q '"irqchip": "gicv2-user"' "$T/stats.json" || fail "--stats names another irqchip"
	dist=$(gic_hits "$T/stats.json" "gicv2-dist@3fff0000")
	cpu=$(gic_hits "$T/stats.json" "gicv2-cpu@3ffd0000")
	[ "${dist:-0}" -gt 0 ] && [ "${cpu:-0}" -gt 0 ] ||
		fail "GIC frames: GICD ${dist:-no} accesses, GICC ${cpu:-no}"
	# Every interrupt went through the model; none through a KVM irqchip.
	delivered=$(stat_of "$T/stats.json" interrupts user_gic)
	[ "${delivered:-0}" -gt 0 ] && [ "$(stat_of "$T/stats.json" interrupts ioctl)" = 0 ] &&
		[ "$(stat_of "$T/stats.json" interrupts irqfd)" = 0 ] ||
		fail "interrupts: $(sed -n '/"interrupts": {/,/}/p' "$T/stats.json" | tr -d '\n ')"
}

# --- one vCPU: the timer ---------------------------------------------------
boot_l2 1 timer --irqchip=gicv2-user --stats="$T/stats.json"
expect_rc 0
expect_in out "L2: slept from uptime"
expect_in out "L2-BODY-EXIT=0"
expect_user_gic
figure "gicv2-user GICC accesses, 1 vCPU boot" "$cpu"
figure "L2 uptime at init (gicv2-user, 1 vCPU)" \
	"$(sed -n 's/^L2: init at uptime \(.*\) s.*/\1/p' "$T/out")"

# --- two vCPUs: IPIs, and the timer on each ---------------------------------
boot_l2 2 cpus=2 --irqchip=gicv2-user --stats="$T/stats.json"
expect_rc 0
expect_in out "L2: 2 CPUs online (0-1)"
expect_in out "L2-BODY-EXIT=0"
expect_user_gic
boot_l2 2 timer --irqchip=gicv2-user --stats="$T/stats.json"
expect_rc 0
expect_in out "L2: slept from uptime"
expect_in out "L2-BODY-EXIT=0"

# --- virtio-blk: interrupts through armlet, kicks through ioeventfd -------
# MSI-X through the GICv2m frame (each vector an SPI pulsed in the model),
# then INTx (the guest told pci=nomsi): no irqfd either way, as no in-kernel
# irqchip exists to take one.
PATTERN_BYTES=4194304
pattern $PATTERN_BYTES >"$T/want"
for kind in msix intx; do
	case $kind in
	msix) msix=true L2_PARAMS="" ;;
	intx) msix=false L2_PARAMS="pci=nomsi" ;;
	esac
	dd if=/dev/zero of="$T/disk" bs=1M count=8 2>/dev/null
	boot_l2 2 blk-write -d "$T/disk" --irqchip=gicv2-user --stats="$T/stats.json"
	expect_rc 0
	expect_in out "L2: pattern written"
	expect_in out "L2-BODY-EXIT=0"
	expect_user_gic
	head -c $PATTERN_BYTES "$T/disk" | cmp -s - "$T/want" ||
		fail "$kind: the first 4 MiB of the image are not the pattern"
	[ "$(tail -c +$((PATTERN_BYTES + 1)) "$T/disk" | tr -d '\000' | wc -c)" = 0 ] ||
		fail "$kind: bytes past the pattern changed"
	kicks=$(stat_of "$T/stats.json" virtio-blk0 kicks_ioeventfd)
	mmio=$(stat_of "$T/stats.json" virtio-blk0 kicks_mmio)
	irqfd=$(stat_of "$T/stats.json" virtio-blk0 irq_irqfd)
	slow=$(stat_of "$T/stats.json" virtio-blk0 irq_slow)
	[ "${kicks:-0}" -gt 0 ] && [ "$mmio" = 0 ] ||
		fail "$kind: kicks via ioeventfd ${kicks:-?}, via MMIO exits ${mmio:-?}"
	[ "${slow:-0}" -gt 0 ] && [ "$irqfd" = 0 ] ||
		fail "$kind: interrupts via armlet ${slow:-?}, via irqfd ${irqfd:-?}"
	grep -q "\"msix\": $msix" "$T/stats.json" ||
		fail "$kind: the guest did not use the interrupt kind expected (msix $msix)"
	grep -q "cannot bind" "$T/err" && fail "$kind: a fast-path refusal was taken for an error"
	if [ $kind = msix ]; then
		# The guest found the frame: it read MSI_TYPER at boot.
		frame=$(gic_hits "$T/stats.json" "gicv2m@3ffcf000")
		[ "${frame:-0}" -gt 0 ] || fail "the guest never read the GICv2m frame (${frame:-?})"
	fi
	figure "gicv2-user blk ($kind) kicks via ioeventfd" "$kicks"
	figure "gicv2-user blk ($kind) interrupts via armlet" "$slow"
done
L2_PARAMS=""

# --- the PMU's overflow interrupt comes through device_irq_level ------------
boot_l2 1 pmu --pmu --irqchip=gicv2-user
expect_rc 0
expect_in out "L2: PMUs: .*armv8"

# --- --reboot: the GIC back to power-on, every pin driven again ------------
dd if=/dev/zero of="$T/disk" bs=1M count=8 2>/dev/null
boot_l2 2 reboot=reset -d "$T/disk" --reboot --pmu --irqchip=gicv2-user
expect_rc 0
expect_in out "L2: second boot: the disk has the mark"
expect_in err "guest reset; restarting (reboot 1)"
expect_in out "L2-BODY-EXIT=0"

# --- what a GICv2 cannot do -------------------------------------------------
run_armlet -k "$KERNEL" -c 9 --irqchip=gicv2-user
expect_rc 1
expect_in err "gicv2-user is not available on this host: a GICv2 has at most 8 vCPUs, -c asks for 9"
