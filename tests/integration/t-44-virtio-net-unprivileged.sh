# virtio-net without privileges: armlet runs as nobody (65534:65534, no
# supplementary groups, through tests/integration/runas.c: L1 has no user
# database for su). A tap armlet would have to create is refused in one
# line that names CAP_NET_ADMIN; user mode works: DHCP, a download from
# L1's loopback, hostfwd (net-user-host.sh, as t-42), and with no -n the
# guest still gets its default user-mode NIC. /dev/kvm is opened up for
# the test and restored after.
. tests/integration/lib.sh
. tests/integration/net-user-host.sh

RUNAS=$ARMLET_ROOT/build/tools/runas
[ -x "$RUNAS" ] || fail "no $RUNAS (make check-integration builds it)"
[ "$(id -u)" = 0 ] || { echo "SKIP: L1 runs the tests as uid $(id -u), not root: cannot become nobody"; exit 77; }
[ "$("$RUNAS" 65534 65534 id -u)" = 65534 ] || fail "runas cannot become nobody"
net_user_serve
kvm_mode=$(stat -c %a /dev/kvm)
trap 'chmod "$kvm_mode" /dev/kvm; for p in $bg_pids; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
chmod 666 /dev/kvm
# Copies on L1's tmpfs: the 9p share need not let another user in. nobody
# writes its --stats into $T/w.
mkdir -m 755 "$T/nb"
mkdir "$T/w"
chown 65534:65534 "$T/w"
cp "$ARMLET" "$KERNEL" "$INITRD" "$T/nb/"
chmod 755 "$T" "$T/nb"
chmod 644 "$T/nb/Image" "$T/nb/initramfs.cpio.gz"
NB_KERNEL=$T/nb/Image NB_INITRD=$T/nb/initramfs.cpio.gz
# nobody ARGS...: armlet run ARGS as nobody; stdout, stderr in $T/out, $T/err; $rc.
nobody() {
	"$RUNAS" 65534 65534 "$T/nb/armlet" run -k "$NB_KERNEL" -i "$NB_INITRD" "$@" \
		>"$T/out" 2>"$T/err" </dev/null
	rc=$?
}
nobody -n mode=tap
expect_rc 1
[ "$(grep -vc '^armlet: irqchip: ' "$T/err")" = 1 ] || fail "tap as nobody: not one error line"
expect_in err "CAP_NET_ADMIN"
echo "L1: tap refused as nobody: $(grep -v '^armlet: irqchip: ' "$T/err")"

net_user_boot "$T/w/stats.json" "$T/nb/armlet" "$NB_KERNEL" "$NB_INITRD" "$RUNAS" 65534 65534
[ "$(stat -c %u:%g "$T/w/stats.json")" = 65534:65534 ] ||
	fail "--stats was written as $(stat -c %u:%g "$T/w/stats.json"), not as nobody"

nobody -m 256 -p "quiet armlet.test=net-macs"
expect_rc 0
expect_in out "L2: eth0 02:15:15:15:15:15"
expect_in out "L2-BODY-EXIT=0"
