# tests/bench/lib.sh - what the L1 halves of scripts/bench share: where
# things are, QEMU through its own loader, and the samples file.
#
# Sourced by tests/bench/*.sh inside L1 (or on an arm64 KVM host). POSIX sh:
# in L1 the shell is busybox ash, and awk and sed are busybox's.
# shellcheck shell=sh disable=SC2034 # the settings are used by the sourcers

ARMLET_ROOT=${ARMLET_ROOT:-$(pwd)}
ARMLET=$ARMLET_ROOT/build/armlet
SUITE=${ARMLET_KERNEL:-trixie}
KERNEL=$ARMLET_ROOT/.cache/kernel/$SUITE/Image
QEMU_ROOT=$ARMLET_ROOT/.cache/qemu-root
VMMSTAT=$ARMLET_ROOT/build/bench/vmmstat
BENCH_OUT=$ARMLET_ROOT/build/bench

QEMU_LOADER=$QEMU_ROOT/lib/ld-linux-aarch64.so.1
QEMU_LIBS=$QEMU_ROOT/lib/aarch64-linux-gnu:$QEMU_ROOT/usr/lib/aarch64-linux-gnu
QEMU_BIN=$QEMU_ROOT/usr/bin/qemu-system-aarch64

# qemu ARGS...: Debian's qemu-system-aarch64 from .cache/qemu-root through its
# own loader (L1 has no libc of its own); the loader runs it in its process.
qemu() {
	"$QEMU_LOADER" --library-path "$QEMU_LIBS" "$QEMU_BIN" "$@"
}

# The QEMU side of every comparison: the virt board with the host's GIC
# under KVM, no default devices, the serial port on stdout. armlet runs with
# --nodefaults to match (no user-mode NIC) wherever the bench gives it no -n.
QEMU_KVM="-enable-kvm -cpu host -nodefaults -no-user-config -display none -serial stdio -no-reboot"
QEMU_VIRT="-M virt,gic-version=host $QEMU_KVM"

# qemu_virt_script PATH: an executable PATH that execs QEMU's virt board
# with its arguments, for programs (vmmstat) that run a file, not a shell
# function; exec, so the process it starts is QEMU itself.
qemu_virt_script() {
	printf '#!/bin/sh\nexec "%s" --library-path "%s" "%s" %s "$@"\n' \
		"$QEMU_LOADER" "$QEMU_LIBS" "$QEMU_BIN" "$QEMU_VIRT" >"$1"
	chmod +x "$1"
}

# qemu_kib: QEMU's binary and the shared objects it loads, in KiB.
qemu_kib() {
	"$QEMU_LOADER" --library-path "$QEMU_LIBS" --list "$QEMU_BIN" |
		sed -n 's/.*=> \([^ ]*\) .*/\1/p' | sort -u |
		while read -r _l; do wc -c <"$_l"; done |
		awk -v b="$(wc -c <"$QEMU_BIN")" '{ s += $1 } END { printf "%d\n", (s + b) / 1024 }'
}

qemu_version() {
	qemu -version | sed -n '1s/^QEMU emulator version //p'
}

# sample SECTION METRIC WHO UNIT VALUE: one measurement for the report
# (tests/bench/report.sh); empty values are dropped.
sample() {
	[ -n "$5" ] && [ "$5" != -1 ] || return 0
	echo "$1|$2|$3|$4|$5" >>"$BENCH_SAMPLES"
}

# guest_figures SECTION WHO OUT [SUFFIX]: a bench guest's figures in OUT
# ("bench: NAME = median M ns ...") as samples, NAME followed by SUFFIX;
# fails, showing OUT's end, when the guest did not get to "bench: done".
guest_figures() {
	if ! grep -q "^bench: done" "$3"; then
		echo "bench: $1: the guest under $2 failed; its last lines:"
		tail -n 15 "$3" | sed 's/^/    | /'
		return 1
	fi
	tr -d '\r' <"$3" | sed -n 's/^bench: \(.*\) = median \([0-9]*\) ns .*/\1|\2/p' |
		while IFS='|' read -r _name _ns; do
			sample "$1" "$_name${4:-}" "$2" ns "$_ns"
		done
}

# field KEY FILE: KEY's value from a "vmmstat:" line of FILE.
field() {
	sed -n "s/^vmmstat: .*[ ]$1=\\([-0-9.]*\\).*/\\1/p; s/^vmmstat: $1=\\([-0-9.]*\\).*/\\1/p" "$2" | tail -n 1
}

# stat_in OBJECT KEY FILE: KEY's number in the flat object OBJECT of armlet's --stats.
stat_in() {
	tr -d ' \n' <"$3" | sed -n "s/.*\"$1\":{[^}]*\"$2\":\\([0-9.]*\\).*/\\1/p"
}

# stat_ms KEY FILE: armlet's --stats timeline_ms.KEY.
stat_ms() {
	stat_in timeline_ms "$1" "$2"
}

bench_need() {
	for _f in "$@"; do
		[ -e "$_f" ] || { echo "bench: no $_f (run scripts/bench)"; exit 1; }
	done
	[ -e /dev/kvm ] || { echo "bench: SKIP: no /dev/kvm on this host"; exit 77; }
}
