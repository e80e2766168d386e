# virtio-net setup: several NICs in -n order with their MACs (given, or
# stable per --name), --nodefaults without one, and bad -n values refused in
# one line. The unprivileged cases are t-44.
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

# Bad values: exit 1, one line on stderr naming the problem (after the
# irqchip line: -n is checked when the NIC is made), nothing on stdout.
one_error_line() {
	[ "$(grep -vc '^armlet: irqchip: ' "$T/err")" = 1 ] || fail "$1: not one error line on stderr"
}
for bad in mode=bridge mode=tap,vhost=2 guest_mac=01:00:00:00:00:01 mode=user,tapif=x \
	hostfwd=tcp:0:80; do
	run_armlet -k "$KERNEL" -n "$bad"
	expect_rc 1
	one_error_line "-n $bad"
	expect_in err "network"
	[ ! -s "$T/out" ] || fail "-n $bad wrote to stdout"
done
