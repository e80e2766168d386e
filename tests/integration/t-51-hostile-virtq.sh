# Hostile virtqueues (tests/guests/hostile_virtq.c) on two virtio-blk disks,
# one read-only, with each block backend: armlet stays up and the guest
# reports PASS; the writable disk holds exactly what the valid writes put
# there (1 MiB of pattern, zeroes elsewhere: no refused request wrote a
# byte) and the read-only one is bit-identical; memory and threads bounded.
. tests/integration/lib.sh
. tests/integration/hostile-lib.sh
pattern 1048576 >"$T/expect"
dd if=/dev/zero bs=1M count=3 2>/dev/null >>"$T/expect"
dd if=/dev/urandom of="$T/ro.orig" bs=1M count=1 2>/dev/null
for io in uring aio sync; do
	dd if=/dev/zero of="$T/rw.img" bs=1M count=4 2>/dev/null
	cp "$T/ro.orig" "$T/ro.img"
	watch_armlet -k "$GUESTS/hostile_virtq.bin" -m 64 --testdev --timeout 300 \
		-d "$T/rw.img,io=$io" -d "$T/ro.img,ro,io=$io"
	expect_rc 0
	expect_in out "hostile: ro disk refused 10 writes"
	expect_in out "device fine after each"
	cmp "$T/rw.img" "$T/expect" || fail "io=$io: the writable disk is not what the valid writes made"
	cmp "$T/ro.img" "$T/ro.orig" || fail "io=$io: the read-only disk changed"
	attacks=$(sed -n 's/.*hostile: \([0-9]*\) attacks.*/\1/p' "$T/out")
	figure "io=$io attacks survived" "${attacks:-?}"
	bounded_memory "io=$io" 64 40
done
grep '^hostile: ' "$T/out" | sed 's/^/    /'
