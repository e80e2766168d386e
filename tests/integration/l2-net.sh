# /l2-net.sh, sourced by /body for armlet.test=net-*: the L2 side of the
# virtio-net tests (t-40..t-44, t-48). The data is `seq 1 $NET_SEQ` both ways: its
# lines are all different, so a dropped, doubled or reordered piece changes
# the md5sum that both sides compute on their own.
#   net-tap   eth0 is 192.168.33.2/24; L1 is 192.168.33.1 on its tap.
#             ping L1; fetch seq over HTTP from L1:8080 and check it; send
#             seq to L1:5001 with nc; then wait (60 s at most) for L1's
#             "done" on port 5002, which L1 sends after pinging us.
#   net-user  DHCP with udhcpc (slirp hands out 10.0.2.15); fetch seq from
#             the host's loopback through slirp (10.0.2.2:8081); serve
#             /token over HTTP on port 80 (L1 reaches it through hostfwd)
#             and wait for L1's "done" on port 5002 (a second hostfwd).
#   net-dns   DHCP, then resolve a name only L1's DNS server knows through
#             slirp's 10.0.2.3, and fetch seq by that name (t-48).
#   net-macs  print each NIC's MAC ("L2: eth0 MAC")
NET_SEQ=200000

net_seq_md5() {
	seq 1 $NET_SEQ | md5sum | cut -d' ' -f1
}

# net_until TRIES CMD...: run CMD once a second until it succeeds.
net_until() {
	_n=$1
	shift
	while [ "$_n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		_n=$((_n - 1))
		sleep 1
	done
	return 1
}

net_fetch_check() {
	got=$(wget -q -O - "$1" | md5sum | cut -d' ' -f1)
	echo "L2: fetched $1: md5 $got"
	[ "$got" = "$(net_seq_md5)" ] || { echo "L2: fetched data differs"; return 1; }
	echo "L2: tcp download ok"
}

# L1 says "done" (to port 5002) once it checked its side; it may connect
# before nc listens, so L1 repeats until the console shows "L2: got done".
net_wait_done() {
	echo "L2: waiting for done"
	for _try in 1 2 3 4 5 6; do
		[ "$(timeout 20 nc -l -p 5002 2>/dev/null)" = done ] && { echo "L2: got done"; return 0; }
	done
	echo "L2: no done from L1"
	return 1
}

net_tap() {
	ip link set lo up
	ip link set eth0 up || return 1
	ip addr add 192.168.33.2/24 dev eth0 || return 1
	echo "L2: eth0 $(cat /sys/class/net/eth0/address) up"
	net_until 60 ping -c 1 -W 1 192.168.33.1 || { echo "L2: no ping reply from L1"; return 1; }
	echo "L2: ping L1 ok"
	net_fetch_check http://192.168.33.1:8080/seq || return 1
	seq 1 $NET_SEQ | nc 192.168.33.1 5001 || { echo "L2: upload failed"; return 1; }
	echo "L2: tcp upload sent"
	net_wait_done
}

# eth0 configured by DHCP from slirp, its DNS server in /etc/resolv.conf.
net_dhcp() {
	cat >/tmp/udhcpc.sh <<'EOS'
#!/bin/sh
case $1 in
bound|renew)
	ip addr add "$ip/${mask:-24}" dev "$interface"
	for r in $router; do ip route add default via "$r"; done
	for d in $dns; do echo "nameserver $d"; done >/etc/resolv.conf
	echo "L2: dhcp: $ip router $router dns $dns"
	;;
esac
EOS
	chmod +x /tmp/udhcpc.sh
	ip link set lo up
	ip link set eth0 up || return 1
	udhcpc -i eth0 -n -q -t 10 -T 2 -s /tmp/udhcpc.sh || { echo "L2: no DHCP lease"; return 1; }
	ip -4 addr show dev eth0 | grep -q 'inet 10.0.2.15/' || { echo "L2: not 10.0.2.15"; return 1; }
}

net_user() {
	net_dhcp || return 1
	net_fetch_check http://10.0.2.2:8081/seq || return 1
	mkdir -p /tmp/www
	echo "armlet-hostfwd-token" >/tmp/www/token
	httpd -p 80 -h /tmp/www || return 1
	echo "L2: serving /token"
	net_wait_done
}

# A name only L1's DNS server knows (t-48), through slirp's 10.0.2.3, which
# L1 answers with 10.0.2.2 (slirp's name for L1's loopback): nslookup shows
# it, and the download goes by that name; a name L1 does not know fails.
net_dns() {
	net_dhcp || return 1
	grep -q '^nameserver 10.0.2.3$' /etc/resolv.conf || { echo "L2: DNS is not 10.0.2.3"; return 1; }
	got=$(nslookup armlet-l1.test 2>&1)
	echo "$got" | sed 's/^/L2: nslookup: /'
	echo "$got" | grep -q 'Address.*10\.0\.2\.2' || { echo "L2: armlet-l1.test did not resolve"; return 1; }
	echo "L2: dns resolved armlet-l1.test"
	nslookup no-such-name.test >/dev/null 2>&1 && { echo "L2: an unknown name resolved"; return 1; }
	echo "L2: dns unknown name refused"
	net_fetch_check http://armlet-l1.test:8081/seq
}

case $what in
net-tap) net_tap || exit 1 ;;
net-user) net_user || exit 1 ;;
net-dns) net_dns || exit 1 ;;
net-macs)
	for d in /sys/class/net/eth*; do
		[ -e "$d" ] || continue # no NIC: the pattern stays as it is
		echo "L2: ${d##*/} $(cat "$d/address")"
	done
	;;
*) echo "L2: unknown net test '$what'"; exit 1 ;;
esac
