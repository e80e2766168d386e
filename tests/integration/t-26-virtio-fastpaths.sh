# The data path never goes through armlet's vCPU threads: with MSI-X (through
# the ITS on a GICv3 host, the GICv2m frame on a GICv2 one) and with INTx
# (through a resampling irqfd), --stats must show every queue kick arriving
# through ioeventfd and every interrupt through irqfd, none as MMIO exits or
# ioctls. Which models this host runs depends on its GIC (L1's, under
# scripts/nested --gic).
. tests/integration/lib.sh
detect_host_gic
if [ "$host_gic" = 3 ]; then
	chips="gicv3-its gicv3"
else
	chips="gicv2m gicv2"
fi
echo "host GIC: v$host_gic; models: $chips"
for chip in $chips; do
	case $chip in gicv3-its | gicv2m) msix=true ;; *) msix=false ;; esac
	dd if=/dev/zero of="$T/disk" bs=1M count=8 2>/dev/null
	boot_l2 1 blk-write -d "$T/disk" --irqchip=$chip --stats="$T/stats.json"
	expect_rc 0
	expect_in out "L2-BODY-EXIT=0"
	expect_in err "irqchip: $chip (requested)"
	kicks=$(stat_of "$T/stats.json" virtio-blk0 kicks_ioeventfd)
	mmio=$(stat_of "$T/stats.json" virtio-blk0 kicks_mmio)
	irqfd=$(stat_of "$T/stats.json" virtio-blk0 irq_irqfd)
	slow=$(stat_of "$T/stats.json" virtio-blk0 irq_slow)
	[ "${kicks:-0}" -gt 0 ] && [ "$mmio" = 0 ] ||
		fail "$chip: kicks via ioeventfd ${kicks:-?}, via MMIO exits ${mmio:-?}"
	[ "${irqfd:-0}" -gt 0 ] && [ "$slow" = 0 ] ||
		fail "$chip: interrupts via irqfd ${irqfd:-?}, via ioctl ${slow:-?}"
	# The VM-wide count is the devices': the disk's and the default NIC's
	# (virtio-net0, user mode, idle here), nothing else has an irqfd.
	net=$(stat_of "$T/stats.json" virtio-net0 irq_irqfd)
	[ -n "$net" ] || fail "$chip: no virtio-net0 (the default NIC) in --stats"
	[ "$(stat_of "$T/stats.json" interrupts irqfd)" = "$((irqfd + net))" ] ||
		fail "$chip: interrupts.irqfd is not the devices' $irqfd + $net"
	grep -q "\"msix\": $msix" "$T/stats.json" ||
		fail "$chip: the guest did not use the interrupt kind expected (msix $msix)"
	if [ $chip = gicv2m ]; then
		# The guest found the frame: it read MSI_TYPER (and the IIDR) at boot.
		frame=$(sed -n 's/^ *"gicv2m@3ffcf000": \([0-9]*\),\{0,1\}$/\1/p' "$T/stats.json")
		[ "${frame:-0}" -gt 0 ] || fail "gicv2m: the guest never read the frame (${frame:-?})"
		grep -q "cannot bind irqfd" "$T/err" && fail "gicv2m: an MSI-X vector fell back"
	fi
	figure "$chip kicks via ioeventfd" "$kicks"
	figure "$chip interrupts via irqfd" "$irqfd"
done
