# PCI BARs and MSI-X aimed anywhere (tests/guests/hostile_pci.c): BAR 0 of a
# virtio-blk moved onto RAM, the GIC, the UART, the test device, ECAM and
# another device's BAR; MSI-X vectors at RAM, the GIC, the ITS or GICv2m
# frame with garbage, unmapped space, unmasked while requests complete.
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
	watch_armlet -k "$GUESTS/hostile_pci.bin" -m 64 --testdev --timeout 300 \
		--irqchip=$chip -d "$T/disk" --rng
	expect_rc 0
	expect_in out "hostile: BAR 0 moved onto the GIC distributor"
	expect_in out "hostile: MSI-X vectors at the ITS translater"
	expect_in out "the disk still works"
	cmp "$T/disk" "$T/expect" || fail "$chip: the disk is not what the valid writes made"
	bounded_memory "$chip" 64 40
done
