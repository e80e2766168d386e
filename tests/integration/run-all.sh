#!/bin/sh
# tests/integration/run-all.sh - run armlet's integration tests.
#
#   sh tests/integration/run-all.sh [-v] [NAME...]
#
# Runs inside L1 (scripts/nested tests/integration/run-all.sh) or directly on
# an arm64 host with KVM. Each tests/integration/t-*.sh runs in name order as
# "sh FILE" from the repository root, with ARMLET_ROOT exported and a time
# limit of $ARMLET_TEST_TIMEOUT seconds (default 600). NAME picks tests:
# "t-00-l1-kvm.sh", "t-00-l1-kvm" or "00-l1-kvm". -v shows every test's
# output, not only the failures'.
#
# A test passes with status 0, is skipped with status 77 (its last line of
# output is the reason) and fails otherwise. On timeout, busybox timeout(1)
# signals only the test's shell (TERM, then KILL 10 s later), so a test that
# starts a VM should trap TERM and stop it.
#
# POSIX sh: inside L1 the shell is busybox ash.
set -u

here=$(cd "$(dirname "$0")" && pwd)
ARMLET_ROOT=${ARMLET_ROOT:-$(cd "$here/../.." && pwd)}
export ARMLET_ROOT
limit=${ARMLET_TEST_TIMEOUT:-600}

verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi

# Seconds since boot with a fraction; works in busybox and on any Linux host.
uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

# find_test NAME: print the test file NAME refers to.
find_test() {
	for c in "$here/$1" "$here/$1.sh" "$here/t-$1" "$here/t-$1.sh"; do
		case ${c##*/} in
		t-*.sh) [ -f "$c" ] && { echo "$c"; return 0; } ;;
		esac
	done
	return 1
}

if [ $# -gt 0 ]; then
	tests=""
	for n in "$@"; do
		t=$(find_test "$n") || { echo "run-all: no test named '$n'" >&2; exit 2; }
		tests="$tests $t"
	done
else
	tests=$(ls "$here"/t-*.sh 2>/dev/null)
fi

cd "$ARMLET_ROOT" || exit 2
out=$(mktemp "${TMPDIR:-/tmp}/armlet-test.XXXXXX")
trap 'rm -f "$out"' EXIT
trap 'exit 130' INT TERM

echo "integration: kernel $(uname -r), ARMLET_NESTED=${ARMLET_NESTED:-unset}"
passed=0
failed=0
skipped=0
for t in $tests; do
	name=${t##*/}
	name=${name%.sh}
	start=$(uptime_s)
	timeout -k 10 "$limit" sh "$t" >"$out" 2>&1 </dev/null
	rc=$?
	secs=$(awk -v a="$start" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }')
	# GNU timeout exits 124; busybox's kills the shell with SIGTERM (143).
	timed_out=$(awk -v s="$secs" -v l="$limit" 'BEGIN { print (s + 0.5 >= l) }')
	if [ "$rc" = 0 ]; then
		passed=$((passed + 1))
		echo "ok   $name (${secs}s)"
		# Measured figures are for the log, never asserted.
		grep '^figure: ' "$out" | sed 's/^/    /'
	elif [ "$rc" = 77 ]; then
		skipped=$((skipped + 1))
		reason=$(grep -v '^[[:space:]]*$' "$out" | tail -n 1)
		echo "SKIP $name: ${reason:-no reason given}"
	else
		failed=$((failed + 1))
		if { [ "$rc" = 124 ] || [ "$rc" = 143 ]; } && [ "$timed_out" = 1 ]; then
			echo "FAIL $name (${secs}s): timed out after ${limit}s"
		else
			echo "FAIL $name (${secs}s): exit status $rc"
		fi
		sed 's/^/    | /' "$out"
		continue
	fi
	[ "$verbose" = 1 ] && sed 's/^/    | /' "$out"
done

echo "integration: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
