# A guest reset ends armlet with the reset code (3), not a reboot loop; so
# does a Linux panic with panic=-1.
. tests/integration/lib.sh
boot_l2 1 reset
expect_rc 3
expect_in out "L2: resetting"
expect_in err "guest requested a reset"
L2_PARAMS=panic=-1 boot_l2 1 panic
expect_rc 3
expect_in out "L2: panicking"
