# virtio-blk: for each backend, the guest writes 4 MiB of a known pattern to
# /dev/vda with dd and fsync, powers off, and the image must hold exactly
# the pattern followed by the zeros it started with. --stats shows the
# request path: kicks through ioeventfd, interrupts through irqfd.
. tests/integration/lib.sh
PATTERN_BYTES=4194304
pattern $PATTERN_BYTES >"$T/want"
for io in uring aio sync; do
	dd if=/dev/zero of="$T/disk" bs=1M count=8 2>/dev/null
	boot_l2 1 blk-write -d "$T/disk,io=$io" --stats="$T/stats.json"
	expect_rc 0
	expect_in out "L2: pattern written"
	expect_in out "L2-BODY-EXIT=0"
	head -c $PATTERN_BYTES "$T/disk" | cmp -s - "$T/want" ||
		fail "io=$io: the first 4 MiB of the image are not the pattern"
	[ "$(tail -c +$((PATTERN_BYTES + 1)) "$T/disk" | tr -d '\000' | wc -c)" = 0 ] ||
		fail "io=$io: bytes past the pattern changed"
	written=$(stat_of "$T/stats.json" virtio-blk0 bytes_read)
	[ "${written:-0}" -ge $PATTERN_BYTES ] ||
		fail "io=$io: --stats says ${written:-no} bytes were written"
	figure "blk io=$io requests" "$(stat_of "$T/stats.json" virtio-blk0 requests)"
done
