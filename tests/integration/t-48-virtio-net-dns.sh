# DNS through user-mode networking: libslirp forwards what the guest sends
# to 10.0.2.3:53 to the first nameserver of the host's /etc/resolv.conf
# (re-read when it changes), and a loopback nameserver works: the replies
# come back with 10.0.2.3 as their source (libslirp's sotranslate_in()).
# L1 serves one name, armlet-l1.test, with tests/integration/dns-answer.c on
# 127.0.0.1:53 (busybox has no dnsd); the guest resolves it, is refused an
# unknown name, and downloads from L1's loopback by that name (l2-net.sh's
# net-dns). L1's /etc/resolv.conf is restored after.
. tests/integration/lib.sh
. tests/integration/net-user-host.sh

DNS=$ARMLET_ROOT/build/tools/dns-answer
[ -x "$DNS" ] || fail "no $DNS (make check-integration builds it)"
[ -w /etc ] || { echo "SKIP: cannot write L1's /etc/resolv.conf"; exit 77; }
net_user_serve
if [ -e /etc/resolv.conf ] || [ -L /etc/resolv.conf ]; then
	cp -P /etc/resolv.conf "$T/resolv.conf.saved"
fi
restore_resolv() {
	rm -f /etc/resolv.conf
	[ -e "$T/resolv.conf.saved" ] || [ -L "$T/resolv.conf.saved" ] &&
		cp -P "$T/resolv.conf.saved" /etc/resolv.conf
}
trap 'restore_resolv; for p in $bg_pids; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
rm -f /etc/resolv.conf
echo "nameserver 127.0.0.1" >/etc/resolv.conf

"$DNS" 127.0.0.1 53 armlet-l1.test 10.0.2.2 >"$T/dns.log" 2>&1 &
bg_pids="$bg_pids $!"
i=0
until grep -q "dns-answer: ready" "$T/dns.log"; do
	i=$((i + 1))
	[ $i -le 20 ] || fail "dns-answer did not start: $(cat "$T/dns.log")"
	sleep 0.5
done

boot_l2 1 net-dns --timeout 300
grep -E '^L2: (dhcp|dns|nslookup)' "$T/out" | tr -d '\r'
expect_rc 0
expect_in out "L2: dns resolved armlet-l1.test"
expect_in out "L2: dns unknown name refused"
expect_in out "L2: tcp download ok"
expect_in out "L2-BODY-EXIT=0"
# The guest's queries reached L1's server through slirp.
grep -q "dns-answer: A armlet-l1.test" "$T/dns.log" || fail "L1's server saw no A query: $(cat "$T/dns.log")"
grep -q "dns-answer: NXDOMAIN no-such-name.test" "$T/dns.log" ||
	fail "L1's server saw no query for the unknown name: $(cat "$T/dns.log")"
