# Every vCPU hammering every device at once (tests/guests/hostile_smp.c): 4
# vCPUs, two disks (one ro), virtio-rng and virtio-console; resets under
# in-flight writes, garbage common config, BARs and MSI-X moving, writes to
# the ro disk. armlet stays up, the guest reports PASS, the writable disk
# holds only the valid writes' pattern, the ro one is bit-identical; memory
# and threads bounded (4 vCPUs, 4 queues per disk).
. tests/integration/lib.sh
. tests/integration/hostile-lib.sh
pattern 131072 >"$T/expect"
dd if=/dev/zero bs=128K count=7 2>/dev/null >>"$T/expect"
dd if=/dev/urandom of="$T/ro.orig" bs=1M count=1 2>/dev/null
for io in uring sync; do
	dd if=/dev/zero of="$T/rw.img" bs=1M count=1 2>/dev/null
	cp "$T/ro.orig" "$T/ro.img"
	watch_armlet -k "$GUESTS/hostile_smp.bin" -m 64 -c 4 --testdev --timeout 300 \
		-d "$T/rw.img,io=$io" -d "$T/ro.img,ro,io=$io" --rng --console virtio
	expect_rc 0
	expect_in out "hostile: 4 CPUs hammered every device; all still work"
	cmp "$T/rw.img" "$T/expect" || fail "io=$io: the writable disk is not what the valid writes made"
	cmp "$T/ro.img" "$T/ro.orig" || fail "io=$io: the read-only disk changed"
	figure "io=$io rounds per CPU" "$(sed -n 's/^hostile: rounds per CPU: //p' "$T/out")"
	bounded_memory "io=$io" 64 60
done
