#!/bin/sh
# tests/bench/boot.sh - boot and footprint figures, armlet and QEMU in turn.
#
#   sh tests/bench/boot.sh RUNS
#
# Boots the L2 kernel with build/bench/boot.cpio.gz (busybox; its init
# prints BENCH-INIT and powers off) under armlet and under QEMU, one after
# the other (A B A B ...) so both see the same load on a shared host, with 1
# and 2 vCPUs and 512 MiB, no "quiet": the console carries the kernel's log.
# build/bench/vmmstat times both from the outside: start to first console
# byte, to the init marker, to exit; and weighs each at the marker (RSS less
# guest RAM, threads). armlet's own --stats adds start to first KVM_RUN,
# which QEMU does not show from the outside. Appends to $BENCH_SAMPLES.
set -u
. "$ARMLET_ROOT/tests/bench/lib.sh"
runs=${1:-3}
INITRD=$BENCH_OUT/boot.cpio.gz
MEM=512
bench_need "$ARMLET" "$KERNEL" "$INITRD" "$VMMSTAT" "$QEMU_ROOT/usr/bin/qemu-system-aarch64"
T=$(mktemp -d "${TMPDIR:-/tmp}/armlet-boot.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

# boot_one WHO CPUS: one boot; its vmmstat line (and armlet's stats) in $T.
boot_one() {
	if [ "$1" = armlet ]; then
		"$VMMSTAT" -m BENCH-INIT -r $MEM -- "$ARMLET" run -k "$KERNEL" -i "$INITRD" \
			-m $MEM -c "$2" --nodefaults --stats="$T/stats" --timeout 600 >"$T/out" 2>"$T/err" </dev/null
	else
		"$VMMSTAT" -m BENCH-INIT -r $MEM -- "$T/qemu_virt" -m $MEM -smp "$2" \
			-kernel "$KERNEL" -initrd "$INITRD" >"$T/out" 2>"$T/err" </dev/null
	fi
}

# record WHO CPUS: the samples of the boot just done.
record() {
	_s=$(field status "$T/out")
	if [ "$_s" != 0 ] || ! grep -q BENCH-INIT "$T/out"; then
		echo "bench: $1 boot with $2 vCPU failed (status $_s); its last lines:"
		tail -n 15 "$T/out" "$T/err" | sed 's/^/    | /'
		status=1
		return
	fi
	sample boot "start to first console byte, ${2} vCPU" "$1" ms "$(field first_byte_ms "$T/out")"
	sample boot "start to guest init, ${2} vCPU" "$1" ms "$(field marker_ms "$T/out")"
	sample boot "start to exit after power-off, ${2} vCPU" "$1" ms "$(field exit_ms "$T/out")"
	[ "$1" = armlet ] && sample boot "start to first KVM_RUN, ${2} vCPU" armlet ms \
		"$(stat_ms first_kvm_run "$T/stats")"
	sample footprint "RSS less guest RAM at init, ${2} vCPU" "$1" KiB \
		"$(field vmm_rss_kib "$T/out")"
	sample footprint "guest RAM resident at init, ${2} vCPU" "$1" KiB \
		"$(field guest_rss_kib "$T/out")"
	sample footprint "threads at init, ${2} vCPU" "$1" count "$(field threads "$T/out")"
}

status=0
qemu_virt_script "$T/qemu_virt"
# One untimed boot each first: the first reads kernel and binaries through 9p.
echo "bench: boot: warming up"
boot_one armlet 1
boot_one qemu 1
for i in $(seq "$runs"); do
	for cpus in 1 2; do
		for who in armlet qemu; do
			echo "bench: boot: run $i/$runs, $who, $cpus vCPU"
			boot_one $who $cpus
			record $who $cpus
		done
	done
done
sample footprint "binary size, stripped (QEMU: + shared objects)" armlet KiB \
	"$(($(wc -c <"$ARMLET_ROOT/build/armlet.stripped") / 1024))"
# QEMU is dynamic: its binary (Debian strips it) plus the shared objects it loads.
sample footprint "binary size, stripped (QEMU: + shared objects)" qemu KiB "$(qemu_kib)"
exit $status
