# Setup errors: one line, exit 1, and lkvm's wording for a missing kernel.
. tests/integration/lib.sh
run_armlet -k /nonexistent/Image
expect_rc 1
expect_in err "Fatal: Unable to open kernel /nonexistent/Image"
[ ! -s "$T/out" ] || fail "armlet wrote to stdout on a setup error"

run_armlet -k "$KERNEL" --no-such-option
expect_rc 1
expect_in err "unknown option '--no-such-option'"

run_armlet -k "$KERNEL" -i /nonexistent/initrd
expect_rc 1
expect_in err "Fatal: Unable to open initrd /nonexistent/initrd"

# A kernel larger than RAM, and a kernel and initrd that together do not fit.
run_armlet -k "$KERNEL" -m 16
expect_rc 1
expect_in err "is larger than guest RAM (16 MiB); raise -m"
dd if=/dev/zero of="$T/big-initrd" bs=1M count=40 2>/dev/null
run_armlet -k "$KERNEL" -i "$T/big-initrd" -m 64
expect_rc 1
expect_in err "do not fit in 64 MiB of RAM; raise -m"

# An ELF file is refused with advice. build/armlet, not $ARMLET: under
# make check-asan that is a shell script, which would boot as a flat binary.
run_armlet -k "$ARMLET_ROOT/build/armlet"
expect_rc 1
expect_in err "is an ELF file"

# A directory is not a kernel: lkvm's wording again.
run_armlet -k "$ARMLET_ROOT/build"
expect_rc 1
expect_in err "Fatal: Unable to open kernel"
