# virtio-net in user mode (libslirp), no privileges: the guest gets
# 10.0.2.15 by DHCP (busybox udhcpc), fetches a file from an HTTP server on
# L1's loopback through slirp (10.0.2.2), and L1 reaches the guest's own
# HTTP server through hostfwd=tcp:HOSTPORT:80 (l2-net.sh).
. tests/integration/lib.sh

NET_SEQ=200000
HTTP_PORT=8081 FWD_PORT=5580 DONE_PORT=5582
bg_kill_at_exit

ip link set lo up 2>/dev/null
mkdir -p "$T/www"
seq 1 $NET_SEQ >"$T/www/seq"
httpd -f -p 127.0.0.1:$HTTP_PORT -h "$T/www" &
bg_pids="$bg_pids $!"

"$ARMLET" run -k "$KERNEL" -i "$INITRD" -m 256 -c 1 --stats="$T/stats.json" \
	-p "quiet armlet.test=net-user" --timeout 300 \
	-n "mode=user,hostfwd=tcp:$FWD_PORT:80,hostfwd=tcp:$DONE_PORT:5002" \
	>"$T/out" 2>"$T/err" </dev/null &
vm=$!
bg_pids="$bg_pids $vm"

# The guest's server answers through the forward once it has its lease.
i=0
until wget -q -O "$T/token" "http://127.0.0.1:$FWD_PORT/token" 2>/dev/null &&
	[ "$(cat "$T/token")" = armlet-hostfwd-token ]; do
	i=$((i + 1))
	[ $i -le 240 ] || fail "hostfwd never reached the guest's server"
	kill -0 "$vm" 2>/dev/null || fail "armlet exited before the hostfwd answered"
	sleep 1
done
echo "L1: hostfwd reached the guest"
tell_done 127.0.0.1 $DONE_PORT
wait "$vm"
rc=$?
expect_rc 0
expect_in out "L2: dhcp: 10.0.2.15 router 10.0.2.2"
expect_in out "L2: tcp download ok"
expect_in out "L2-BODY-EXIT=0"
rx=$(stat_of "$T/stats.json" virtio-net0 bytes_written)
[ "${rx:-0}" -ge 1000000 ] || fail "--stats: virtio-net0 received ${rx:-no} bytes"
figure net_user_rx_bytes "$rx"

# Without privileges or -n, the default NIC is user mode too; mode=none has none.
boot_l2 1 uptime --dump-dtb "$T/dtb" -n mode=none
expect_rc 0
