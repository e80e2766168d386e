# MMIO everywhere that is not RAM (tests/guests/hostile_mmio.c): every width
# at every offset 0..7 of holes, the UART, the test device, every GIC frame,
# ECAM, the PCI windows and past RAM, under each interrupt controller this
# host has and under the GICv2 emulated in armlet (where every GIC access
# reaches armlet). armlet stays up, the guest reports PASS, memory and
# threads stay bounded.
. tests/integration/lib.sh
. tests/integration/hostile-lib.sh
hostile_chips
dd if=/dev/zero of="$T/disk" bs=1M count=1 2>/dev/null
for chip in $chips; do
	watch_armlet -k "$GUESTS/hostile_mmio.bin" -m 64 -c 2 --testdev --timeout 300 \
		--irqchip=$chip -d "$T/disk" --rng
	expect_rc 0
	expect_in out "hostile: past the IPA space"
	expect_in out "alignment faults"
	expect_in out "hostile: UART (1000000): done"
	figure "$chip MMIO accesses survived" \
		"$(sed -n 's/^hostile: \([0-9]*\) access patterns, \(.*\)/\1 (\2)/p' "$T/out")"
	bounded_memory "$chip" 64 40
done
