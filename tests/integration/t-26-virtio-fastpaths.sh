# The data path never goes through armlet's vCPU threads: with the ITS
# (MSI-X) and with plain GICv3 (INTx through a resampling irqfd), --stats
# must show every queue kick arriving through ioeventfd and every interrupt
# through irqfd, none as MMIO exits or ioctls.
. tests/integration/lib.sh
for chip in gicv3-its gicv3; do
	dd if=/dev/zero of="$T/disk" bs=1M count=8 2>/dev/null
	boot_l2 1 blk-write -d "$T/disk" --irqchip=$chip --stats="$T/stats.json"
	expect_rc 0
	expect_in out "L2-BODY-EXIT=0"
	kicks=$(stat_of "$T/stats.json" virtio-blk0 kicks_ioeventfd)
	mmio=$(stat_of "$T/stats.json" virtio-blk0 kicks_mmio)
	irqfd=$(stat_of "$T/stats.json" virtio-blk0 irq_irqfd)
	slow=$(stat_of "$T/stats.json" virtio-blk0 irq_slow)
	[ "${kicks:-0}" -gt 0 ] && [ "$mmio" = 0 ] ||
		fail "$chip: kicks via ioeventfd ${kicks:-?}, via MMIO exits ${mmio:-?}"
	[ "${irqfd:-0}" -gt 0 ] && [ "$slow" = 0 ] ||
		fail "$chip: interrupts via irqfd ${irqfd:-?}, via ioctl ${slow:-?}"
	grep -q "\"msix\": $([ $chip = gicv3-its ] && echo true || echo false)" "$T/stats.json" ||
		fail "$chip: the guest did not use the interrupt kind expected"
	figure "$chip kicks via ioeventfd" "$kicks"
	figure "$chip interrupts via irqfd" "$irqfd"
done
