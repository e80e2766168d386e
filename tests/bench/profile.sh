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
# what is missing to 100 % is guest time. Then, for vCPU 0, its exits to
# armlet (--stats) and what its samples come to per exit, in armlet's code
# and in L1's kernel (the kernel's including KVM's exits handled there,
# without going to armlet). Prints a profile; measures nothing for the
# table.
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

HZ=4000

# per_exit REPORT STATS: vCPU 0's samples per exit to armlet, in microseconds.
per_exit() {
	report=$1
	exits=$(tr -d ' \n' <"$2" |
		sed -n 's/.*"vcpu_exits":\[{"mmio":\([0-9]*\),"system_event":[0-9]*,"intr":[0-9]*,"hypercall":\([0-9]*\).*/\1 \2/p')
	# shellcheck disable=SC2086 # two numbers
	set -- $exits
	awk -v mmio="${1:-0}" -v hc="${2:-0}" -v hz=$HZ '
	$3 == "vcpu0" { s[$4 == "armlet" ? "armlet" : "kernel"] += $2 }
	END {
		n = mmio + hc
		printf "vcpu0: %d exits to armlet (%d MMIO, %d hypercalls)\n", n, mmio, hc
		if (n) for (k in s)
			printf "vcpu0: %-7s %6d samples, %.1f us per exit to armlet\n", k, s[k], s[k] * 1e6 / hz / n
	}' "$report"
}

echo 0 >/proc/sys/kernel/kptr_restrict 2>/dev/null
echo -1 >/proc/sys/kernel/perf_event_paranoid 2>/dev/null
status=0
for chip in "$@"; do
	echo "bench: profile: armlet under $chip"
	if ! perf record -q -F $HZ -e cpu-clock -g -o "$T/perf.data" -- \
		"$ARMLET" run -k "$GUEST" -m 64 -c 2 --testdev --irqchip="$chip" --nodefaults --timeout 300 \
		--stats="$T/stats.json" \
		>"$T/out" 2>"$T/err" </dev/null || ! grep -q "^bench: done" "$T/out"; then
		echo "bench: profile under $chip failed:"
		tail -n 15 "$T/out" "$T/err" | sed 's/^/    | /'
		status=1
		continue
	fi
	echo "--- $chip: samples by thread, then by object (the rest: in L2)"
	perf report -i "$T/perf.data" --stdio --no-children --sort comm 2>/dev/null |
		grep -v '^#' | grep -v '^$' | head -n 8
	perf report -i "$T/perf.data" --stdio --no-children -n --sort comm,dso -g none 2>/dev/null |
		grep -v '^#' | grep -v '^$' >"$T/dso"
	head -n 10 "$T/dso"
	per_exit "$T/dso" "$T/stats.json"
	echo "--- $chip: hottest symbols (self)"
	perf report -i "$T/perf.data" --stdio --no-children --sort comm,dso,sym -g none \
		2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 25
done
exit $status
