#!/bin/sh
# tests/bench/net.sh - the network section of scripts/bench, where KVM is.
#
#   sh tests/bench/net.sh [RUNTIME [RUNS [MODES]]]
#
# For each mode of MODES (tap, vhost, user), RUNS times, armlet and then
# Debian's qemu-system-aarch64 (A B A B ..., so both see the same load)
# boot the same kernel and benchmark initramfs (build/bench/net.cpio.gz,
# tests/bench/net-l2.sh) with 2 vCPUs, 512 MiB and one virtio-net NIC of
# that mode: armlet's -n mode=tap,tapif=armbench0[,vhost=1] or mode=user
# against QEMU's -netdev tap,ifname=armbench0[,vhost=on] or -netdev user,
# each with virtio-net-pci. The guest runs iperf3 against a server here, L2
# -> L1 and L1 -> L2 (-R) for RUNTIME seconds each, and 20 pings; L1 is
# 192.168.33.1 on the tap, or its loopback as 10.0.2.2 through slirp.
# Appends Mbit/s (iperf3's receiver side) and ms samples to $BENCH_SAMPLES.
# Figures only: nothing is asserted. Exit status 0 when every run worked.
#
# POSIX sh: inside L1 the shell is busybox ash, and awk and sed are busybox's.
set -u
. "$ARMLET_ROOT/tests/bench/lib.sh"
runtime=${1:-5}
runs=${2:-3}
modes=${3:-tap vhost user}
INITRD=$BENCH_OUT/net.cpio.gz
IPERF_ROOT=$ARMLET_ROOT/.cache/iperf-root
TAP=armbench0
BENCH_SAMPLES=${BENCH_SAMPLES:-$BENCH_OUT/samples.txt}
bench_need "$ARMLET" "$KERNEL" "$INITRD" "$IPERF_ROOT/usr/bin/iperf3" "$QEMU_BIN"
T=$(mktemp -d "${TMPDIR:-/tmp}/armlet-net.XXXXXX") || exit 1
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

# tap_address VM: once the VMM (pid VM) made the tap, give L1's end its address.
tap_address() {
	_i=0
	until [ -e "/sys/class/net/$TAP" ] || [ $_i -ge 600 ]; do
		kill -0 "$1" 2>/dev/null || return 0
		_i=$((_i + 1))
		usleep 100000
	done
	ip addr add 192.168.33.1/24 dev "$TAP" 2>/dev/null
	ip link set "$TAP" up 2>/dev/null
}

# vmm_args WHO MODE: the NIC options of WHO (armlet or qemu) for MODE.
# romfile=: no PXE option ROM, which is in qemu-system-data (not unpacked)
# and which a -kernel boot never runs.
vmm_args() {
	case $1/$2 in
	armlet/tap) echo "-n mode=tap,tapif=$TAP" ;;
	armlet/vhost) echo "-n mode=tap,tapif=$TAP,vhost=1" ;;
	armlet/user) echo "-n mode=user" ;;
	qemu/tap) echo "-netdev tap,id=n0,ifname=$TAP,script=no,downscript=no -device virtio-net-pci,netdev=n0,romfile=" ;;
	qemu/vhost) echo "-netdev tap,id=n0,ifname=$TAP,script=no,downscript=no,vhost=on -device virtio-net-pci,netdev=n0,romfile=" ;;
	qemu/user) echo "-netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile=" ;;
	esac
}

# run_one WHO MODE: one guest; its figures become samples.
run_one() {
	_net=tap
	[ "$2" = user ] && _net=user
	_cmdline="quiet armlet.runtime=$runtime armlet.net=$_net"
	_limit=$((runtime * 4 + 400))
	l1_iperf -s >/dev/null 2>&1 &
	server=$!
	# shellcheck disable=SC2046 # the NIC options are words
	if [ "$1" = armlet ]; then
		rm -f "$T/stats.json"
		"$ARMLET" run -k "$KERNEL" -i "$INITRD" -m 512 -c 2 $(vmm_args armlet "$2") \
			-p "$_cmdline" --stats="$T/stats.json" --timeout $_limit \
			>"$T/out" 2>"$T/err" </dev/null &
	else
		# shellcheck disable=SC2086 # QEMU's options are words
		timeout $_limit "$QEMU_LOADER" --library-path "$QEMU_LIBS" "$QEMU_BIN" $QEMU_VIRT \
			-m 512 -smp 2 -kernel "$KERNEL" -initrd "$INITRD" -append "$_cmdline" \
			$(vmm_args qemu "$2") >"$T/out" 2>"$T/err" </dev/null &
	fi
	_vm=$!
	[ "$_net" = tap ] && tap_address $_vm
	wait $_vm
	_rc=$?
	kill "$server" 2>/dev/null
	wait "$server" 2>/dev/null
	server=""
	_label=$2
	[ "$2" = vhost ] && _label=tap+vhost
	tr -d '\r' <"$T/out" | sed -n 's/^BENCH;\([^;]*\);\(.*\)$/\1 \2/p' |
		while read -r _name _value; do
			case $_name in
			l2_to_l1_mbps) sample network "TCP L2 -> L1, $_label" "$1" Mbit/s "$_value" ;;
			l1_to_l2_mbps) sample network "TCP L1 -> L2, $_label" "$1" Mbit/s "$_value" ;;
			ping_avg_ms) sample network "ping L2 -> L1 (avg of 20), $_label" "$1" ms "$_value" ;;
			esac
		done
	# Frames armlet had to drop for want of receive buffers (vhost: the kernel's, not counted).
	if [ "$1" = armlet ] && [ "$2" != vhost ] && [ -s "$T/stats.json" ]; then
		_drops=$(stat_in virtio-net0 rx_dropped "$T/stats.json")
		[ -n "$_drops" ] && sample network "receive frames dropped, $_label" armlet count "$_drops"
	fi
	if [ "$_rc" != 0 ] || ! grep -q "L2-BODY-EXIT=0" "$T/out"; then
		echo "bench: network: $1 $_label failed (status $_rc); its console and stderr:"
		tail -n 15 "$T/out" "$T/err" | sed 's/^/    | /'
		return 1
	fi
}

qemu_user=1
# -netdev user is libslirp, which Debian's QEMU links (scripts/bench checks
# the unpacked root has it); the loader says whether this one loads it.
if ! "$QEMU_LOADER" --library-path "$QEMU_LIBS" --list "$QEMU_BIN" | grep -q libslirp; then
	echo "bench: network: this QEMU has no -netdev user (no libslirp): user mode runs armlet only"
	qemu_user=0
fi
status=0
for i in $(seq "$runs"); do
	for mode in $modes; do
		for who in armlet qemu; do
			[ "$who/$mode/$qemu_user" = qemu/user/0 ] && continue
			echo "bench: network: run $i/$runs, $who $mode: iperf3 ${runtime} s each way, 20 pings"
			run_one $who "$mode" || status=1
		done
	done
done
exit $status
