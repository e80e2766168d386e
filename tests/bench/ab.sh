#!/bin/sh
# tests/bench/ab.sh - one armlet against another: before and after a change.
#
#   sh tests/bench/ab.sh RUNS BEFORE AFTER [IRQCHIP...]
#
# Runs the bench_exits guest RUNS times under each IRQCHIP (default
# gicv2-user) with the armlet binaries BEFORE and AFTER in turn (A B A B
# ...), through build/bench/vmmstat, and appends to $BENCH_SAMPLES (section
# "a/b") the guest's figures and, from the outside, the process's CPU time
# and voluntary context switches for the whole run. Figures only.
set -u
. "$ARMLET_ROOT/tests/bench/lib.sh"
runs=$1
before=$2
after=$3
shift 3
[ $# -gt 0 ] || set -- gicv2-user
GUEST=$ARMLET_ROOT/build/guests/bench_exits.bin
bench_need "$before" "$after" "$GUEST" "$VMMSTAT"
T=$(mktemp -d "${TMPDIR:-/tmp}/armlet-ab.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

status=0
for i in $(seq "$runs"); do
	for chip in "$@"; do
		for which in before after; do
			bin=$before
			[ $which = after ] && bin=$after
			echo "bench: a/b: run $i/$runs, $which, $chip"
			"$VMMSTAT" -- "$bin" run -k "$GUEST" -m 64 -c 2 --testdev --irqchip="$chip" \
				--timeout 300 >"$T/out" </dev/null
			guest_figures a/b "$which" "$T/out" ", $chip" || { status=1; continue; }
			sample a/b "voluntary context switches, $chip" "$which" count "$(field vcsw "$T/out")"
			sample a/b "CPU time, $chip" "$which" ms "$(field cpu_ms "$T/out")"
		done
	done
done
exit $status
