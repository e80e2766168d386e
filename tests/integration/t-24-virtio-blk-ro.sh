# A disk given with ",ro": the guest sees a read-only device, its writes
# fail, reads work, and the image is bit for bit what it was.
. tests/integration/lib.sh
pattern 2097152 >"$T/disk"
before=$(md5sum <"$T/disk")
boot_l2 1 blk-ro -d "$T/disk,ro"
expect_rc 0
expect_in out "L2: ro disk refused the write"
expect_in out "L2-BODY-EXIT=0"
[ "$(md5sum <"$T/disk")" = "$before" ] || fail "the ro image changed"
# A disk that does not exist is a setup error, with the path in the message.
boot_l2 1 uptime -d "$T/no-such.img"
expect_rc 1
expect_in err "no-such.img"
boot_l2 1 uptime -d "$T/disk,io=floppy"
expect_rc 1
expect_in err "floppy"
