# --console virtio gives the guest hvc0, whose output reaches armlet's
# stdout; --rng gives it /dev/hwrng.
. tests/integration/lib.sh
boot_l2 1 hvc --console virtio --stats="$T/stats.json"
expect_rc 0
expect_in out "L2: hello through hvc0"
expect_in out "L2-BODY-EXIT=0"
# The run summary's timeline saw the guest's first console byte.
grep -q '"first_console_byte": [1-9]' "$T/stats.json" ||
	fail "--stats has no first console byte: $(grep first_console "$T/stats.json")"
boot_l2 1 rng --rng --stats="$T/stats.json"
expect_rc 0
expect_in out "L2-BODY-EXIT=0"
got=$(stat_of "$T/stats.json" virtio-rng bytes_written)
[ "${got:-0}" -ge 8192 ] || fail "--stats says virtio-rng gave ${got:-no} bytes"
