# A gzip-compressed Image (Image.gz, some distributions' vmlinuz) boots as is.
. tests/integration/lib.sh
KERNEL=$ARMLET_ROOT/build/l2/Image.gz
[ -s "$KERNEL" ] || fail "no $KERNEL (make check-integration builds it)"
boot_l2 1 cpus=1
expect_rc 0
expect_in out "L2-BODY-EXIT=0"
# A truncated gzip is refused with a clear message.
head -c 1000000 "$KERNEL" >"$T/cut.gz"
run_armlet -k "$T/cut.gz"
expect_rc 1
expect_in err "is a corrupt or truncated gzip file"
