#!/bin/sh
# tests/bench/blk.sh - the half of scripts/bench that runs where KVM is.
#
#   sh tests/bench/blk.sh [RUNTIME [SIZE_MIB [BACKENDS [CPUS]]]]
#
# Makes a SIZE_MIB backing file in $ARMLET_BENCH_DIR (default $TMPDIR or
# /tmp: tmpfs in L1), boots the benchmark guest (build/bench/initramfs.cpio.gz)
# once per armlet backend in BACKENDS with that file as its virtio-blk disk,
# where fio runs tests/bench/blk.fio on /dev/vda (libaio, direct=1); then runs
# the same jobs here on the file itself. Prints a table of IOPS, MB/s
# (10^6 bytes) and L2/L1, and writes it all to build/bench/blk.json.
# Figures only: nothing is asserted. Exit status 0 when every run worked.
#
# POSIX sh: inside L1 the shell is busybox ash, and awk and sed are busybox's.
set -u

ARMLET_ROOT=${ARMLET_ROOT:-$(pwd)}
cd "$ARMLET_ROOT" || exit 2
runtime=${1:-5}
size=${2:-256}
backends=${3:-uring aio sync}
cpus=${4:-1}
ARMLET=$ARMLET_ROOT/build/armlet
SUITE=${ARMLET_KERNEL:-trixie}
KERNEL=$ARMLET_ROOT/.cache/kernel/$SUITE/Image
INITRD=$ARMLET_ROOT/build/bench/initramfs.cpio.gz
FIO_ROOT=$ARMLET_ROOT/.cache/fio-root
JOBS=$ARMLET_ROOT/tests/bench/blk.fio
JSON=$ARMLET_ROOT/build/bench/blk.json
# The image unpacks fio's library closure (~90 MB) into RAM.
L2_MEM=768

for f in "$ARMLET" "$KERNEL" "$INITRD" "$FIO_ROOT/usr/bin/fio"; do
	[ -e "$f" ] || { echo "bench: no $f (run scripts/bench)"; exit 1; }
done
[ -e /dev/kvm ] || { echo "bench: SKIP: no /dev/kvm on this host"; exit 77; }

T=$(mktemp -d "${ARMLET_BENCH_DIR:-${TMPDIR:-/tmp}}/armlet-bench.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
disk=$T/disk
results=$T/results

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

# figures WHERE: read fio terse (v3) lines and append "WHERE JOB IOPS MB/s"
# to $results. Fields: 3 job name, 7/8 read KiB/s and IOPS, 48/49 write
# KiB/s and IOPS; a job only reads or only writes, so the sums are its own.
figures() {
	awk -F';' -v where="$1" '$1 == "3" && NF > 49 {
		printf "%s %s %.0f %.1f\n", where, $3, $8 + $49, ($7 + $48) * 1024 / 1e6
	}' >>"$results"
}

# run_l2 IO: boot the guest on the disk with armlet's IO backend.
run_l2() {
	_out=$T/l2-$1.out
	echo "bench: L2, io=$1: fio on /dev/vda ..."
	_t0=$(cut -d' ' -f1 /proc/uptime)
	"$ARMLET" run -k "$KERNEL" -i "$INITRD" -m $L2_MEM -c "$cpus" \
		-p "quiet armlet.runtime=$runtime" -d "$disk,io=$1" --stats="$T/stats-$1.json" \
		--timeout $((runtime * 8 + 300)) >"$_out" 2>"$T/l2-$1.err" </dev/null
	_rc=$?
	tr -d '\r' <"$_out" | sed -n 's/^BENCH;//p' | figures "$1"
	if [ "$_rc" != 0 ] || ! grep -q "L2-BODY-EXIT=0" "$_out"; then
		echo "bench: L2 io=$1 failed (armlet status $_rc); its console and stderr:"
		tail -n 30 "$_out" "$T/l2-$1.err" | sed 's/^/    | /'
		return 1
	fi
	awk -v io="$1" -v a="$_t0" -v b="$(cut -d' ' -f1 /proc/uptime)" \
		'BEGIN { printf "bench: L2, io=%s: done in %.0f s\n", io, b - a }'
}

# run_l1: the same jobs on the backing file, with O_DIRECT where its file
# system allows it (tmpfs since Linux 6.6; then it is still the page cache).
run_l1() {
	echo "bench: L1: fio on $disk ($fs, direct=$l1_direct) ..."
	FIO_FILE=$disk FIO_SIZE=$((size * 1048576)) FIO_RUNTIME=$runtime FIO_DIRECT=$l1_direct \
		l1_fio --output-format=terse "$JOBS" >"$T/l1.out" 2>"$T/l1.err"
	_rc=$?
	figures l1 <"$T/l1.out"
	if [ "$_rc" != 0 ]; then
		echo "bench: L1 fio failed ($_rc):"
		sed 's/^/    | /' "$T/l1.err"
		return 1
	fi
}

# fig WHERE JOB FIELD: one figure from $results (3 = IOPS, 4 = MB/s).
fig() {
	awk -v w="$1" -v j="$2" -v f="$3" '$1 == w && $2 == j { print $f; exit }' "$results"
}

# ratio A B: A/B with three decimals, or "-" when either is missing.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"
		else printf "%.3f\n", a / b }'
}

print_table() {
	echo
	echo "armlet block benchmark: L1 $(uname -r), L2 $l2_kernel, ${cpus} vCPU, ${L2_MEM} MiB;"
	echo "${size} MiB file on $fs in L1; fio libaio, ${runtime} s per job; L2 direct=1 on /dev/vda,"
	echo "L1 direct=$l1_direct on the file$([ "$l1_direct" = 0 ] && echo " ($fs refuses O_DIRECT: buffered)")"
	echo
	printf '%-18s %-9s %10s %10s %7s\n' job where IOPS MB/s L2/L1
	for j in $jobs; do
		printf '%-18s %-9s %10s %10s %7s\n' "$j" L1 "$(fig l1 "$j" 3)" "$(fig l1 "$j" 4)" ""
		for io in $backends; do
			printf '%-18s %-9s %10s %10s %7s\n' "" "io=$io" "$(fig "$io" "$j" 3)" \
				"$(fig "$io" "$j" 4)" "$(ratio "$(fig "$io" "$j" 3)" "$(fig l1 "$j" 3)")"
		done
	done
	echo
}

# json_job WHERE JOB: one job's figures as a JSON object (null if missing).
json_job() {
	_i=$(fig "$1" "$2" 3)
	_m=$(fig "$1" "$2" 4)
	[ -n "$_i" ] || { printf 'null'; return; }
	printf '{ "iops": %s, "mb_per_s": %s' "$_i" "$_m"
	[ "$1" = l1 ] || printf ', "ratio_l2_l1": %s' "$(ratio "$_i" "$(fig l1 "$2" 3)" | sed 's/^-$/null/')"
	printf ' }'
}

# json_where WHERE INDENT: every job of WHERE.
json_where() {
	printf '{\n'
	_sep=""
	for j in $jobs; do
		printf '%s%s  "%s": %s' "$_sep" "$2" "$j" "$(json_job "$1" "$j")"
		_sep=",
"
	done
	printf '\n%s}' "$2"
}

write_json() {
	mkdir -p "${JSON%/*}"
	{
		echo "{"
		echo "  \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
		echo "  \"armlet\": \"$("$ARMLET" --version | sed 's/^armlet version //')\","
		echo "  \"nested\": ${ARMLET_NESTED:-0},"
		echo "  \"l1_kernel\": \"$(uname -r)\","
		echo "  \"l2_kernel\": \"$l2_kernel\","
		echo "  \"l2_cpus\": $cpus,"
		echo "  \"l2_mem_mib\": $L2_MEM,"
		echo "  \"file_mib\": $size,"
		echo "  \"file_fs\": \"$fs\","
		echo "  \"runtime_s\": $runtime,"
		echo "  \"fio\": \"$(l1_fio --version)\","
		echo "  \"l2_direct\": true,"
		echo "  \"l1_direct\": $([ "$l1_direct" = 1 ] && echo true || echo false),"
		printf '  "l1": '
		json_where l1 "  "
		printf ',\n  "l2": {\n'
		_bsep=""
		for io in $backends; do
			printf '%s    "%s": ' "$_bsep" "$io"
			json_where "$io" "    "
			_bsep=",
"
		done
		printf '\n  }\n}\n'
	} >"$JSON.tmp" && mv "$JSON.tmp" "$JSON"
}

# ---------------------------------------------------------------------- main

jobs=$(sed -n 's/^\[\(.*\)\]$/\1/p' "$JOBS" | grep -vx global)
l2_kernel=$(cat "${KERNEL%/*}/version")
: >"$results"
echo "bench: making the ${size} MiB backing file"
dd if=/dev/zero of="$disk" bs=1M count="$size" 2>/dev/null || exit 1
fs=$(fs_of "$T")
l1_direct=0
if l1_fio --name=probe --filename="$disk" --size=4k --bs=4k --rw=read --direct=1 \
	--ioengine=psync --output=/dev/null >/dev/null 2>&1; then
	l1_direct=1
fi

status=0
for io in $backends; do
	run_l2 "$io" || status=1
done
run_l1 || status=1
print_table
write_json && echo "bench: figures in ${JSON#"$ARMLET_ROOT"/}"
exit $status
