#!/bin/sh
# tests/bench/net.sh - the half of scripts/bench-net that runs where KVM is.
#
#   sh tests/bench/net.sh [RUNTIME [MODES]]
#
# For each mode in MODES (tap, vhost, user): starts iperf3's server here,
# boots the benchmark guest (build/bench/net-initramfs.cpio.gz) with one NIC
# of that mode, and collects what the guest measured: iperf3 L2 -> L1 and
# L1 -> L2 (-R) for RUNTIME seconds each, and the average of 20 pings. Prints
# a table and writes build/bench/net.json. Figures only: nothing is asserted.
# Exit status 0 when every run worked.
#
# POSIX sh: inside L1 the shell is busybox ash.
set -u

ARMLET_ROOT=${ARMLET_ROOT:-$(pwd)}
cd "$ARMLET_ROOT" || exit 2
runtime=${1:-5}
modes=${2:-tap vhost user}
ARMLET=$ARMLET_ROOT/build/armlet
SUITE=${ARMLET_KERNEL:-trixie}
KERNEL=$ARMLET_ROOT/.cache/kernel/$SUITE/Image
INITRD=$ARMLET_ROOT/build/bench/net-initramfs.cpio.gz
IPERF_ROOT=$ARMLET_ROOT/.cache/iperf-root
JSON=$ARMLET_ROOT/build/bench/net.json

for f in "$ARMLET" "$KERNEL" "$INITRD" "$IPERF_ROOT/usr/bin/iperf3"; do
	[ -e "$f" ] || { echo "bench-net: no $f (run scripts/bench-net)"; exit 1; }
done
[ -e /dev/kvm ] || { echo "bench-net: SKIP: no /dev/kvm on this host"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/armlet-bench-net.XXXXXX") || exit 1
server=""
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ip link set lo up 2>/dev/null

# l1_iperf ARGS...: Debian's iperf3 through its own loader (L1 has no libc).
l1_iperf() {
	"$IPERF_ROOT/lib/ld-linux-aarch64.so.1" \
		--library-path "$IPERF_ROOT/lib/aarch64-linux-gnu:$IPERF_ROOT/usr/lib/aarch64-linux-gnu" \
		"$IPERF_ROOT/usr/bin/iperf3" "$@"
}

# run_mode MODE: one guest; its BENCH lines become "MODE NAME VALUE" in $T/results.
run_mode() {
	_mode=$1 _tap=armbench0 _net=tap
	case $_mode in
	tap) _n="mode=tap,tapif=$_tap" ;;
	vhost) _n="mode=tap,tapif=$_tap,vhost=1" ;;
	user) _n="mode=user" _net=user ;;
	esac
	echo "bench-net: $_mode: iperf3 ${runtime} s each way, 20 pings ..."
	l1_iperf -s >/dev/null 2>&1 &
	server=$!
	"$ARMLET" run -k "$KERNEL" -i "$INITRD" -m 512 -c 2 -n "$_n" \
		-p "quiet armlet.runtime=$runtime armlet.net=$_net" \
		--timeout $((runtime * 4 + 300)) >"$T/$_mode.out" 2>"$T/$_mode.err" </dev/null &
	_vm=$!
	if [ "$_net" = tap ]; then
		_i=0
		until [ -e "/sys/class/net/$_tap" ] || [ $_i -ge 100 ]; do
			_i=$((_i + 1))
			usleep 100000
		done
		ip addr add 192.168.33.1/24 dev "$_tap" 2>/dev/null
		ip link set "$_tap" up 2>/dev/null
	fi
	wait "$_vm"
	_rc=$?
	kill "$server" 2>/dev/null
	wait "$server" 2>/dev/null
	server=""
	tr -d '\r' <"$T/$_mode.out" | sed -n 's/^BENCH;\([^;]*\);\(.*\)$/\1 \2/p' |
		while read -r name value; do echo "$_mode $name ${value:-0}"; done >>"$T/results"
	if [ "$_rc" != 0 ] || ! grep -q "L2-BODY-EXIT=0" "$T/$_mode.out"; then
		echo "bench-net: $_mode: the guest run failed (armlet $_rc):"
		tail -n 15 "$T/$_mode.out" "$T/$_mode.err"
		return 1
	fi
}

rc=0
: >"$T/results"
for m in $modes; do
	run_mode "$m" || rc=1
done
echo
echo "virtio-net, $runtime s per direction (Mbit/s: iperf3 receiver side; ping: avg of 20)"
printf '%-8s %14s %14s %12s\n' mode "L2->L1 Mbit/s" "L1->L2 Mbit/s" "ping ms"
for m in $modes; do
	awk -v m="$m" '$1 == m { v[$2] = $3 } END {
		printf "%-8s %14s %14s %12s\n", m, v["l2_to_l1_mbps"], v["l1_to_l2_mbps"], v["ping_avg_ms"]
	}' "$T/results"
done
mkdir -p "$(dirname "$JSON")"
awk -v rt="$runtime" 'BEGIN { printf "{\n  \"runtime_s\": %s,\n  \"runs\": [", rt; n = 0 }
	{ printf "%s\n    {\"mode\": \"%s\", \"figure\": \"%s\", \"value\": %s}", n++ ? "," : "", $1, $2, $3 }
	END { printf "\n  ]\n}\n" }' "$T/results" >"$JSON"
echo "bench-net: figures in build/bench/net.json"
exit "$rc"
