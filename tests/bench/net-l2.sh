#!/bin/sh
# /body of the network benchmark initramfs (scripts/bench-net): bring eth0
# up as armlet.net=tap (192.168.33.2, L1 at .1) or user (DHCP from slirp, L1
# at 10.0.2.2), then iperf3 to L1's server for armlet.runtime seconds each
# way and 20 pings; figures go to the console as "BENCH;name;value" lines.
runtime=5
net=tap
# shellcheck disable=SC2013 # the command line is words
for arg in $(cat /proc/cmdline); do
	case $arg in
	armlet.runtime=*) runtime=${arg#armlet.runtime=} ;;
	armlet.net=*) net=${arg#armlet.net=} ;;
	esac
done
ip link set lo up
ip link set eth0 up || exit 1
if [ "$net" = user ]; then
	cat >/tmp/udhcpc.sh <<'EOS'
#!/bin/sh
case $1 in
bound|renew)
	ip addr add "$ip/${mask:-24}" dev "$interface"
	for r in $router; do ip route add default via "$r"; done
	;;
esac
EOS
	chmod +x /tmp/udhcpc.sh
	udhcpc -i eth0 -n -q -t 10 -T 2 -s /tmp/udhcpc.sh >/dev/null 2>&1 || { echo "L2: no lease"; exit 1; }
	host=10.0.2.2
else
	ip addr add 192.168.33.2/24 dev eth0 || exit 1
	host=192.168.33.1
fi
i=0
until ping -c 1 -W 1 $host >/dev/null 2>&1 || [ $i -ge 60 ]; do
	i=$((i + 1))
done
# mbps ARGS...: iperf3's receiver-side rate in Mbit/s (the last "receiver" line).
mbps() {
	/usr/bin/iperf3 -c $host -t "$runtime" -f m "$@" 2>&1 |
		awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") v = $i } END { print v }'
}
echo "BENCH;l2_to_l1_mbps;$(mbps)"
echo "BENCH;l1_to_l2_mbps;$(mbps -R)"
# busybox: "round-trip min/avg/max = 0.1/0.2/0.3 ms"
rtt=$(ping -c 20 -i 0.2 $host | sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|\1|p')
echo "BENCH;ping_avg_ms;$rtt"
