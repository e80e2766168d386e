#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Runs libFuzzer targets for a while each and says how it went (`make fuzz`).
#
#   tests/fuzz/run.sh BINDIR SECONDS TARGET... [-- LIBFUZZER-OPTION...]
#
# Each target runs on a scratch copy of its committed corpus
# (tests/fuzz/corpus/TARGET/ -> BINDIR/TARGET.run/corpus/), so what it
# discovers never lands in the tree by itself; a crash, leak, timeout or
# broken invariant leaves its input as BINDIR/TARGET.run/crash-* (or leak-*,
# timeout-*) and the log next to it. Exits 1 if any target failed.
set -u

die() {
	echo "fuzz: $*" >&2
	exit 1
}

[ $# -ge 3 ] || die "usage: $0 BINDIR SECONDS TARGET... [-- LIBFUZZER-OPTION...]"
bindir=$1
seconds=$2
shift 2
targets=
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	targets="$targets $1"
	shift
done
[ $# -gt 0 ] && shift # the rest are libFuzzer options

here=$(dirname "$0")
rc=0
summary=
for t in $targets; do
	run=$bindir/$t.run
	[ -x "$bindir/$t" ] || die "$bindir/$t: not built"
	[ -d "$here/corpus/$t" ] || die "$here/corpus/$t: no seed corpus"
	rm -rf "$run"
	mkdir -p "$run/corpus"
	cp "$here/corpus/$t"/* "$run/corpus/"
	dict=
	[ -f "$here/$t.dict" ] && dict=-dict=$here/$t.dict
	echo "fuzz: $t for $seconds s (log: $run/log)"
	# -timeout: one input taking 10 s is a hang; leaks are on by default (ASan).
	if "$bindir/$t" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$run/" ${dict:+"$dict"} "$@" "$run/corpus" >"$run/log" 2>&1; then
		status=ok
	else
		status=FAILED
		rc=1
		echo "fuzz: $t FAILED; the end of its log:"
		tail -n 30 "$run/log" | sed 's/^/    /'
		for f in "$run"/crash-* "$run"/leak-* "$run"/timeout-* "$run"/oom-*; do
			[ -e "$f" ] && echo "    input: $f"
		done
	fi
	# libFuzzer's last status line ("#N DONE cov: C ft: F corp: K/S ...") and final stats.
	line=$(grep -E '^#[0-9]+' "$run/log" | tail -n 1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$run/log")
	cov=$(echo "$line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$line" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	summary="$summary$(printf '%-18s %-6s %10s %8s %6s %7s %6s' "$t" "$status" \
		"${runs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}")
"
done
printf '\n%-18s %-6s %10s %8s %6s %7s %6s\n' target status runs exec/s cov ft corpus
printf '%s' "$summary"
exit $rc
