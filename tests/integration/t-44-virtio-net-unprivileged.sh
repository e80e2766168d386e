# virtio-net without privileges: a tap armlet would have to create is
# refused in one line that names CAP_NET_ADMIN, and user mode (the default
# NIC) works. Runs armlet as nobody through su; /dev/kvm is opened up for
# the test and restored after.
. tests/integration/lib.sh

command -v su >/dev/null && su -s /bin/sh nobody -c true 2>/dev/null ||
	{ echo "SKIP: cannot run a command as nobody in L1 (su)"; exit 77; }
kvm_mode=$(stat -c %a /dev/kvm)
trap 'chmod "$kvm_mode" /dev/kvm; rm -rf "$T"' EXIT
chmod 666 /dev/kvm
# Copies on L1's tmpfs: the 9p share need not let another user in.
mkdir -m 755 "$T/nb"
cp "$ARMLET" "$KERNEL" "$INITRD" "$T/nb/"
chmod 755 "$T" "$T/nb"
chmod 644 "$T/nb/Image" "$T/nb/initramfs.cpio.gz"
# nobody ARGS...: armlet run ARGS as nobody; stdout, stderr in $T/out, $T/err; $rc.
nobody() {
	su -s /bin/sh nobody -c "$T/nb/armlet run -k $T/nb/Image -i $T/nb/initramfs.cpio.gz $*" \
		>"$T/out" 2>"$T/err" </dev/null
	rc=$?
}
nobody -n mode=tap
expect_rc 1
[ "$(grep -vc '^armlet: irqchip: ' "$T/err")" = 1 ] || fail "tap as nobody: not one error line"
expect_in err "CAP_NET_ADMIN"
nobody -m 256 -p "'quiet armlet.test=net-macs'"
expect_rc 0
expect_in out "L2: eth0 02:15:15:15:15:15"
expect_in out "L2-BODY-EXIT=0"
