# tests/integration/net-user-host.sh - L1's side of the user-mode NIC
# check that t-42 (as root) and t-44 (as nobody) share (sourced after
# lib.sh). l2-net.sh's net-user is the guest's side.

NET_SEQ=200000
NU_HTTP_PORT=8081 NU_FWD_PORT=5580 NU_DONE_PORT=5582

# net_user_serve: serves `seq 1 $NET_SEQ` over HTTP on L1's 127.0.0.1:8081,
# where the guest fetches it through slirp as 10.0.2.2:8081.
net_user_serve() {
	bg_kill_at_exit
	ip link set lo up 2>/dev/null
	mkdir -p "$T/www"
	seq 1 $NET_SEQ >"$T/www/seq"
	httpd -f -p 127.0.0.1:$NU_HTTP_PORT -h "$T/www" &
	bg_pids="$bg_pids $!"
}

# net_user_boot STATS ARMLET KERNEL INITRD [PREFIX...]: runs PREFIX ARMLET
# with a user-mode NIC that forwards L1's ports to the guest, waits until
# L1 reaches the guest's server through hostfwd, tells the guest it is
# done, and checks what the guest said (DHCP, the download) and that the
# NIC's --stats (in STATS) counted the download. Sets $rc.
net_user_boot() {
	_stats=$1 _armlet=$2 _kernel=$3 _initrd=$4
	shift 4
	"$@" "$_armlet" run -k "$_kernel" -i "$_initrd" -m 256 -c 1 --stats="$_stats" \
		-p "quiet armlet.test=net-user" --timeout 300 \
		-n "mode=user,hostfwd=tcp:$NU_FWD_PORT:80,hostfwd=tcp:$NU_DONE_PORT:5002" \
		>"$T/out" 2>"$T/err" </dev/null &
	_vm=$!
	bg_pids="$bg_pids $_vm"
	# The guest's server answers through the forward once it has its lease.
	_i=0
	until wget -q -O "$T/token" "http://127.0.0.1:$NU_FWD_PORT/token" 2>/dev/null &&
		[ "$(cat "$T/token")" = armlet-hostfwd-token ]; do
		_i=$((_i + 1))
		[ $_i -le 240 ] || fail "hostfwd never reached the guest's server"
		kill -0 "$_vm" 2>/dev/null || fail "armlet exited before the hostfwd answered"
		sleep 1
	done
	echo "L1: hostfwd reached the guest"
	tell_done 127.0.0.1 $NU_DONE_PORT
	wait "$_vm"
	rc=$?
	expect_rc 0
	expect_in out "L2: dhcp: 10.0.2.15 router 10.0.2.2"
	expect_in out "L2: tcp download ok"
	expect_in out "L2-BODY-EXIT=0"
	_rx=$(stat_of "$_stats" virtio-net0 bytes_written)
	[ "${_rx:-0}" -ge 1000000 ] || fail "--stats: virtio-net0 received ${_rx:-no} bytes"
	figure net_user_rx_bytes "$_rx"
}
