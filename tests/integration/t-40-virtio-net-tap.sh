# virtio-net over a tap armlet creates (tapif=NAME names it): L2 pings L1,
# L1 pings L2, and a TCP transfer each way (HTTP down, nc up) whose md5sum
# both sides compute from `seq` (l2-net.sh). NET_VHOST=1 (t-41) runs the
# same with vhost=1. The --stats check proves the frames went through
# virtio-net, and with vhost=1 that armlet's own thread moved none of them.
. tests/integration/lib.sh

[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun in L1 (tun module)"; exit 77; }
TAP=$(echo "armtap$$" | cut -c1-15)
NET_SEQ=200000
vhost=${NET_VHOST:-0}
if [ "$vhost" = 1 ] && [ ! -c /dev/vhost-net ]; then
	echo "SKIP: no /dev/vhost-net in L1 (vhost_net module)"
	exit 77
fi
bg_kill_at_exit

mkdir -p "$T/www"
seq 1 $NET_SEQ >"$T/www/seq"
want=$(md5sum <"$T/www/seq" | cut -d' ' -f1)

"$ARMLET" run -k "$KERNEL" -i "$INITRD" -m 256 -c 1 --stats="$T/stats.json" \
	-p "quiet armlet.test=net-tap" --timeout 300 \
	-n "mode=tap,tapif=$TAP,vhost=$vhost,guest_mac=02:aa:bb:cc:dd:01" \
	>"$T/out" 2>"$T/err" </dev/null &
vm=$!
bg_pids="$bg_pids $vm"

# armlet creates the tap and brings it up; L1's side gets its address here.
i=0
until [ -e "/sys/class/net/$TAP" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "armlet made no tap $TAP"
	kill -0 "$vm" 2>/dev/null || fail "armlet exited before the tap existed"
	usleep 100000
done
ip addr add 192.168.33.1/24 dev "$TAP" || fail "cannot address $TAP"
ip link set "$TAP" up
httpd -f -p 192.168.33.1:8080 -h "$T/www" &
bg_pids="$bg_pids $!"
# nc's stdin must stay open: at its EOF busybox nc half-closes, and the
# guest's nc stops sending when it sees that.
sleep 600 | nc -l -p 5001 >"$T/up" &
ncpid=$!
bg_pids="$bg_pids $ncpid"

# L1 -> L2: once the guest answers (it configures eth0 early).
i=0
until ping -c 1 -W 1 192.168.33.2 >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -le 180 ] || fail "L2 never answered ping"
	kill -0 "$vm" 2>/dev/null || fail "armlet exited before L2 answered ping"
done
echo "L1: ping L2 ok"
# The upload arrives once the guest is past its download.
i=0
while kill -0 "$ncpid" 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 240 ] || fail "no upload from L2"
	usleep 500000
done
got=$(md5sum <"$T/up" | cut -d' ' -f1)
[ "$got" = "$want" ] || fail "upload from L2: md5 $got, expected $want ($(wc -c <"$T/up") bytes)"
echo "L1: tcp upload ok"
tell_done 192.168.33.2 5002
wait "$vm"
rc=$?
expect_rc 0
expect_in out "L2: ping L1 ok"
expect_in out "L2: tcp download ok"
expect_in out "L2: eth0 02:aa:bb:cc:dd:01 up"
expect_in out "L2-BODY-EXIT=0"
rx=$(stat_of "$T/stats.json" virtio-net0 bytes_written)
tx=$(stat_of "$T/stats.json" virtio-net0 bytes_read)
rxf=$(stat_of "$T/stats.json" virtio-net0 rx_frames)
txf=$(stat_of "$T/stats.json" virtio-net0 tx_frames)
if [ "$vhost" = 1 ]; then
	# The kernel moved the frames: armlet's own counters stay at zero.
	[ "${tx:-x}" = 0 ] && [ "${rx:-x}" = 0 ] && [ "${txf:-x}" = 0 ] && [ "${rxf:-x}" = 0 ] ||
		fail "vhost=1 but armlet itself moved ${tx:-?}/${rx:-?} bytes, ${txf:-?}/${rxf:-?} frames"
else
	[ "${rx:-0}" -ge 1000000 ] || fail "--stats: virtio-net0 received ${rx:-no} bytes"
	[ "${tx:-0}" -ge 1000000 ] || fail "--stats: virtio-net0 sent ${tx:-no} bytes"
	[ "${rxf:-0}" -gt 0 ] && [ "${txf:-0}" -gt 0 ] ||
		fail "--stats: virtio-net0 counted ${rxf:-no} frames in, ${txf:-no} out"
	figure net_tap_rx_frames "$rxf"
	figure net_tap_rx_dropped "$(stat_of "$T/stats.json" virtio-net0 rx_dropped)"
	figure net_tap_rx_bytes "$rx"
	figure net_tap_tx_bytes "$tx"
fi
