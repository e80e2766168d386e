# virtio-blk under a file system: mkfs.ext4 in the guest, 8 files of 1 MiB,
# unmount, e2fsck -f finds nothing, remount and compare every file. Two
# vCPUs, so requests come from both queues (MQ).
. tests/integration/lib.sh
dd if=/dev/zero of="$T/disk" bs=1M count=64 2>/dev/null
boot_l2 2 blk-ext4 -d "$T/disk"
expect_rc 0
expect_in out "L2: ext4 clean"
expect_in out "L2-BODY-EXIT=0"
