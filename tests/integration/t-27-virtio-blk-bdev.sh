# A host block device as the disk: a loop device on L1 over an image file.
# armlet sizes it with BLKGETSIZE64; the guest must see its capacity, and
# its pattern must land on the device.
. tests/integration/lib.sh
dd if=/dev/zero of="$T/disk" bs=1M count=16 2>/dev/null
# busybox losetup has no --show: ask for a free device, then attach.
loop=$(losetup -f 2>/dev/null) && losetup "$loop" "$T/disk" 2>/dev/null ||
	{ echo "SKIP: no loop device on this host (losetup failed)"; exit 77; }
trap 'losetup -d "$loop"; rm -rf "$T"' EXIT
boot_l2 1 blk-write -d "$loop,io=uring"
expect_rc 0
expect_in out "L2: vda has 32768 sectors"
expect_in out "L2: pattern written"
pattern 4194304 >"$T/want"
head -c 4194304 "$loop" >"$T/got"
cmp -s "$T/want" "$T/got" || fail "the pattern did not reach $loop"
