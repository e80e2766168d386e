#!/bin/sh
# tests/bench/profile.sh - where armlet's own time goes on the exit paths.
#
#   sh tests/bench/profile.sh [IRQCHIP...]
#
# Records armlet (build/armlet, unstripped) running the bench_exits guest
# under each IRQCHIP (default gicv2-user and gicv3) with Debian's perf from
# .cache/perf-root (cpu-clock sampling: L1 under TCG has no useful hardware
# PMU events), and prints the hottest symbols, armlet's and the L1 kernel's,
# per thread and per object. Samples taken while L2 runs are the guest's
# and perf hides them, so the percentages shown are shares of all samples:
# what is missing to 100 % is guest time. Prints a profile; measures
# nothing for the table.
set -u
. "$ARMLET_ROOT/tests/bench/lib.sh"
PERF_ROOT=$ARMLET_ROOT/.cache/perf-root
GUEST=$ARMLET_ROOT/build/guests/bench_exits.bin
bench_need "$ARMLET" "$GUEST" "$PERF_ROOT/usr/bin/perf"
[ $# -gt 0 ] || set -- gicv2-user gicv3
T=$(mktemp -d "${TMPDIR:-/tmp}/armlet-profile.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

perf() {
	"$PERF_ROOT/lib/ld-linux-aarch64.so.1" \
		--library-path "$PERF_ROOT/lib/aarch64-linux-gnu:$PERF_ROOT/usr/lib/aarch64-linux-gnu" \
		"$PERF_ROOT/usr/bin/perf" "$@"
}

echo 0 >/proc/sys/kernel/kptr_restrict 2>/dev/null
echo -1 >/proc/sys/kernel/perf_event_paranoid 2>/dev/null
status=0
for chip in "$@"; do
	echo "bench: profile: armlet under $chip"
	if ! perf record -q -F 2000 -e cpu-clock -g -o "$T/perf.data" -- \
		"$ARMLET" run -k "$GUEST" -m 64 -c 2 --testdev --irqchip="$chip" --timeout 300 \
		>"$T/out" 2>"$T/err" </dev/null || ! grep -q "^bench: done" "$T/out"; then
		echo "bench: profile under $chip failed:"
		tail -n 15 "$T/out" "$T/err" | sed 's/^/    | /'
		status=1
		continue
	fi
	echo "--- $chip: samples by thread, then by object (the rest: in L2)"
	perf report -i "$T/perf.data" --stdio --no-children --sort comm 2>/dev/null |
		grep -v '^#' | grep -v '^$' | head -n 8
	perf report -i "$T/perf.data" --stdio --no-children --sort comm,dso -g none 2>/dev/null |
		grep -v '^#' | grep -v '^$' | head -n 10
	echo "--- $chip: hottest symbols (self)"
	perf report -i "$T/perf.data" --stdio --no-children --sort comm,dso,sym -g none \
		2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 25
done
exit $status
