#!/bin/sh
# tests/bench/blk.sh - the block section of scripts/bench, where KVM is.
#
#   sh tests/bench/blk.sh [RUNTIME [SIZE_MIB [BACKENDS [CPUS [RUNS]]]]]
#
# Makes a SIZE_MIB backing file in $ARMLET_BENCH_DIR (default $TMPDIR or
# /tmp: tmpfs in L1) and, RUNS times, boots the benchmark guest
# (build/bench/initramfs.cpio.gz, where fio runs tests/bench/blk.fio on
# /dev/vda, libaio, direct=1) with that file as its virtio-blk disk: once per
# armlet backend in BACKENDS, each followed by QEMU's virtio-blk-pci on the
# same file (aio=io_uring after io=uring, buffered like armlet's default;
# aio=native with cache=none, the O_DIRECT QEMU requires for it, after
# io=aio, with armlet's io=aio,direct as its pair); then the same jobs here
# on the file itself. Appends IOPS and MB/s (10^6 bytes) samples to
# $BENCH_SAMPLES. Figures only: nothing is asserted. Exit status 0 when
# every run worked.
#
# POSIX sh: inside L1 the shell is busybox ash, and awk and sed are busybox's.
set -u

ARMLET_ROOT=${ARMLET_ROOT:-$(pwd)}
cd "$ARMLET_ROOT" || exit 2
. "$ARMLET_ROOT/tests/bench/lib.sh"
runtime=${1:-5}
size=${2:-256}
backends=${3:-uring aio sync}
cpus=${4:-1}
runs=${5:-1}
INITRD=$BENCH_OUT/initramfs.cpio.gz
FIO_ROOT=$ARMLET_ROOT/.cache/fio-root
JOBS=$ARMLET_ROOT/tests/bench/blk.fio
BENCH_SAMPLES=${BENCH_SAMPLES:-$BENCH_OUT/samples.txt}
# The image unpacks fio's library closure (~90 MB) into RAM.
L2_MEM=768

bench_need "$ARMLET" "$KERNEL" "$INITRD" "$FIO_ROOT/usr/bin/fio" "$QEMU_BIN"
T=$(mktemp -d "${ARMLET_BENCH_DIR:-${TMPDIR:-/tmp}}/armlet-bench.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
disk=$T/disk

# l1_fio ARGS...: Debian's fio from .cache/fio-root, through its own loader:
# L1 has no libc of its own. --library-path also finds libceph-common, which
# librados' RUNPATH would look for in the real /usr/lib/.../ceph.
l1_fio() {
	"$FIO_ROOT/lib/ld-linux-aarch64.so.1" \
		--library-path "$FIO_ROOT/lib/aarch64-linux-gnu:$FIO_ROOT/usr/lib/aarch64-linux-gnu" \
		"$FIO_ROOT/usr/bin/fio" "$@"
}

# fs_of PATH: the type of the file system PATH is on (longest mount prefix).
fs_of() {
	awk -v p="$1/" '{
		m = ($2 == "/") ? "" : $2
		if (index(p, m "/") == 1 && length(m) >= best) { best = length(m); t = $3 }
	} END { print t }' /proc/mounts
}

# figures WHO: read fio terse (v3) lines and append each job's IOPS and
# MB/s as samples. Fields: 3 job name, 7/8 read KiB/s and IOPS, 48/49 write
# KiB/s and IOPS; a job only reads or only writes, so the sums are its own.
figures() {
	awk -F';' -v who="$1" '$1 == "3" && NF > 49 {
		printf "block|%s IOPS|%s|IOPS|%.0f\n", $3, who, $8 + $49
		printf "block|%s MB/s|%s|MB/s|%.1f\n", $3, who, ($7 + $48) * 1024 / 1e6
	}' >>"$BENCH_SAMPLES"
}

# l2_done WHO OUT ERR RC: pick the figures out of the guest's console.
l2_done() {
	tr -d '\r' <"$2" | sed -n 's/^BENCH;//p' | figures "$1"
	if [ "$4" != 0 ] || ! grep -q "L2-BODY-EXIT=0" "$2"; then
		echo "bench: L2 under $1 failed (status $4); its console and stderr:"
		tail -n 30 "$2" "$3" | sed 's/^/    | /'
		return 1
	fi
}

# run_armlet IO: boot the guest on the disk with armlet's IO backend
# ("uring", "aio,direct", ...).
run_armlet() {
	echo "bench: block: armlet io=$1: fio on /dev/vda ..."
	"$ARMLET" run -k "$KERNEL" -i "$INITRD" -m $L2_MEM -c "$cpus" \
		-p "quiet armlet.runtime=$runtime" -d "$disk,io=$1" --nodefaults \
		--timeout $((runtime * 8 + 300)) >"$T/out" 2>"$T/err" </dev/null
	l2_done "armlet io=$1" "$T/out" "$T/err" $?
}

# run_qemu AIO CACHE: the same guest under QEMU, virtio-blk-pci on the file.
run_qemu() {
	echo "bench: block: qemu aio=$1,cache=$2: fio on /dev/vda ..."
	# shellcheck disable=SC2086 # QEMU's options are words
	timeout $((runtime * 8 + 300)) "$QEMU_LOADER" --library-path "$QEMU_LIBS" "$QEMU_BIN" \
		$QEMU_VIRT -m $L2_MEM -smp "$cpus" -kernel "$KERNEL" -initrd "$INITRD" \
		-append "quiet armlet.runtime=$runtime" \
		-drive "file=$disk,if=none,id=d0,format=raw,aio=$1,cache=$2" \
		-device virtio-blk-pci,drive=d0 >"$T/out" 2>"$T/err" </dev/null
	l2_done "qemu aio=$1" "$T/out" "$T/err" $?
}

# run_l1: the same jobs on the backing file, with O_DIRECT where its file
# system allows it (tmpfs since Linux 6.6; then it is still the page cache).
run_l1() {
	echo "bench: L1: fio on $disk ($fs, direct=$l1_direct) ..."
	FIO_FILE=$disk FIO_SIZE=$((size * 1048576)) FIO_RUNTIME=$runtime FIO_DIRECT=$l1_direct \
		l1_fio --output-format=terse "$JOBS" >"$T/l1.out" 2>"$T/l1.err"
	_rc=$?
	figures L1 <"$T/l1.out"
	if [ "$_rc" != 0 ]; then
		echo "bench: L1 fio failed ($_rc):"
		sed 's/^/    | /' "$T/l1.err"
		return 1
	fi
}

# ---------------------------------------------------------------------- main

echo "bench: making the ${size} MiB backing file"
dd if=/dev/zero of="$disk" bs=1M count="$size" 2>/dev/null || exit 1
fs=$(fs_of "$T")
l1_direct=0
if l1_fio --name=probe --filename="$disk" --size=4k --bs=4k --rw=read --direct=1 \
	--ioengine=psync --output=/dev/null >/dev/null 2>&1; then
	l1_direct=1
fi

echo "bench: block: ${size} MiB file on $fs, L1 direct=$l1_direct; fio libaio, ${runtime} s per job"
status=0
for i in $(seq "$runs"); do
	for io in $backends; do
		echo "bench: block: run $i/$runs"
		case $io in
		uring)
			run_armlet uring || status=1
			run_qemu io_uring writeback || status=1
			;;
		aio)
			run_armlet aio || status=1
			run_armlet aio,direct || status=1
			run_qemu native none || status=1
			;;
		*) run_armlet "$io" || status=1 ;;
		esac
	done
	run_l1 || status=1
done
exit $status
