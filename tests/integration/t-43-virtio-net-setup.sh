# virtio-net setup: several NICs in -n order with their MACs (given, or
# stable per --name), bad -n values refused in one line, a tap without
# CAP_NET_ADMIN refused in one line that says so, and user mode (the
# default NIC) working for an unprivileged user.
. tests/integration/lib.sh

# Two NICs: eth0 and eth1 in order, kvmtool's default MAC then the given one.
boot_l2 1 net-macs -n mode=user -n mode=user,guest_mac=02:00:00:00:00:07
expect_rc 0
expect_in out "L2: eth0 02:15:15:15:15:15"
expect_in out "L2: eth1 02:00:00:00:00:07"
expect_in out "L2-BODY-EXIT=0"
# A named VM's MAC comes from its name: the same on every run, not the default.
boot_l2 1 net-macs --name netvm1
expect_rc 0
mac1=$(sed -n 's/^L2: eth0 \(.*\)$/\1/p' "$T/out" | tr -d '\r')
boot_l2 1 net-macs --name netvm1
mac2=$(sed -n 's/^L2: eth0 \(.*\)$/\1/p' "$T/out" | tr -d '\r')
case $mac1 in 02:*) ;; *) fail "named VM's MAC '$mac1' is not locally administered" ;; esac
[ "$mac1" = "$mac2" ] && [ "$mac1" != 02:15:15:15:15:15 ] ||
	fail "MACs for --name netvm1: '$mac1' then '$mac2'"
echo "L1: --name netvm1 gives $mac1"
# --nodefaults: no NIC at all.
boot_l2 1 net-macs --nodefaults
expect_rc 0
grep -q "L2: eth" "$T/out" && fail "--nodefaults still gave the guest a NIC"

# Bad values: exit 1, one line on stderr naming the problem, nothing on stdout.
for bad in mode=bridge mode=tap,vhost=2 guest_mac=01:00:00:00:00:01 mode=user,tapif=x \
	hostfwd=tcp:0:80; do
	run_armlet -k "$KERNEL" -n "$bad"
	expect_rc 1
	[ "$(wc -l <"$T/err")" = 1 ] || fail "-n $bad: not one line on stderr"
	expect_in err "network"
	[ ! -s "$T/out" ] || fail "-n $bad wrote to stdout"
done

# Unprivileged: no tap without CAP_NET_ADMIN (one line, says why and what to
# do); user mode works. /dev/kvm is opened up for the test, then restored.
command -v setpriv >/dev/null || { echo "SKIP: no setpriv in L1"; exit 77; }
kvm_mode=$(stat -c %a /dev/kvm)
trap 'chmod "$kvm_mode" /dev/kvm; rm -rf "$T"' EXIT
chmod 666 /dev/kvm
# Copies on L1's tmpfs: the 9p share need not let another user in.
mkdir -m 755 "$T/nb"
cp "$ARMLET" "$KERNEL" "$INITRD" "$T/nb/"
chmod 755 "$T" "$T/nb"
chmod 644 "$T/nb/Image" "$T/nb/initramfs.cpio.gz"
nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
nobody "$T/nb/armlet" run -k "$T/nb/Image" -i "$T/nb/initramfs.cpio.gz" -n mode=tap >"$T/out" 2>"$T/err" </dev/null
rc=$?
expect_rc 1
[ "$(wc -l <"$T/err")" = 1 ] || fail "tap as nobody: not one line on stderr"
expect_in err "CAP_NET_ADMIN"
nobody "$T/nb/armlet" run -k "$T/nb/Image" -i "$T/nb/initramfs.cpio.gz" -m 256 -p "quiet armlet.test=net-macs" \
	>"$T/out" 2>"$T/err" </dev/null
rc=$?
expect_rc 0
expect_in out "L2: eth0 02:15:15:15:15:15"
expect_in out "L2-BODY-EXIT=0"
