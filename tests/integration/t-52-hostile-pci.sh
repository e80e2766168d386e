# PCI BARs and MSI-X aimed anywhere (tests/guests/hostile_pci.c): BAR 0 of a
# virtio-blk moved onto RAM, the GIC, the UART, the test device, ECAM and
# another device's BAR; MSI-X vectors at RAM, the GIC, the ITS or GICv2m
# frame with garbage, unmapped space, unmasked while requests complete
# through queue 0's vector (--stats counts the raises, masked ones apart).
# armlet stays up, the guest reports PASS (RAM under a BAR stays RAM, no MSI
# wrote RAM), the disk holds only the valid writes; memory bounded. Under
# each MSI-capable model this host has, and the emulated GICv2 (gicv2-user).
. tests/integration/lib.sh
. tests/integration/hostile-lib.sh
hostile_chips
pattern 65536 >"$T/expect"
dd if=/dev/zero bs=64K count=15 2>/dev/null >>"$T/expect"
for chip in $chips; do
	dd if=/dev/zero of="$T/disk" bs=1M count=1 2>/dev/null
	rm -f "$T/stats.json"
	watch_armlet -k "$GUESTS/hostile_pci.bin" -m 64 --testdev --timeout 300 \
		--irqchip=$chip -d "$T/disk" --rng --stats="$T/stats.json"
	expect_rc 0
	expect_in out "hostile: BAR 0 moved onto the GIC distributor"
	expect_in out "hostile: MSI-X vectors at the ITS translater, event 12345 fired"
	expect_in out "hostile: MSI-X vectors at past the IPA space fired"
	expect_in out "the disk still works"
	# The queue's vector fired at each of the 10 targets: twice, once
	# found masked (then sent from the PBA). INTx before MSI-X adds to
	# the raised count, never to the masked one.
	raised=$(($(stat_of "$T/stats.json" virtio-blk0 irq_irqfd) + \
		$(stat_of "$T/stats.json" virtio-blk0 irq_slow)))
	masked=$(stat_of "$T/stats.json" virtio-blk0 irq_masked)
	figure "$chip MSI-X raised" "$raised"
	figure "$chip MSI-X found masked" "$masked"
	[ "${masked:-0}" -ge 10 ] || fail "$chip: ${masked:-no} masked MSI-X raises, want 10"
	[ "$raised" -ge 20 ] || fail "$chip: $raised interrupts raised, want 20 or more"
	cmp "$T/disk" "$T/expect" || fail "$chip: the disk is not what the valid writes made"
	bounded_memory "$chip" 64 40
done
