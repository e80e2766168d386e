# Bare-metal guests: unhandled MMIO reads 0, drops writes, logs at debug
# level and the guest runs on; an MMIO access KVM cannot decode stops the VM
# with the VMM-error status (2) and a register dump. A test guest that
# reports failure through the test device ends the run with status 5.
. tests/integration/lib.sh
run_armlet -k "$GUESTS/mmio_unhandled.bin" -m 64 --testdev --debug --timeout 60
expect_rc 0
expect_in out "mmio: hole 3f000000 reads 0, writes ignored"
expect_in err "unhandled MMIO write at 0xa000000 (4 bytes) dropped"
expect_in err "unhandled MMIO read at 0xa000000 (4 bytes), read as 0"

run_armlet -k "$GUESTS/mmio_nisv.bin" -m 64 --testdev --timeout 60
expect_rc 2
expect_in err "MMIO access KVM cannot decode"
expect_in err "vcpu 0: pc="

run_armlet -k "$GUESTS/testdev_fail.bin" -m 64 --testdev --timeout 60
expect_rc 5
expect_in out "FAIL (code 0x2a): on purpose"
expect_in err "test guest reported failure, code 42"
