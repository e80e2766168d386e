# tests/integration/run-asan.sh - the integration suite with the ASan/UBSan
# build of armlet (make check-asan), in L1 like run-all.sh: NAME... picks
# tests as there. Sanitizer reports go to build/asan/reports/ (a report also
# makes armlet exit 86, which fails its test); they are listed at the end.
ARMLET_ROOT=${ARMLET_ROOT:-$(pwd)}
ARMLET=$ARMLET_ROOT/build/asan/armlet
reports=$ARMLET_ROOT/build/asan/reports
[ -x "$ARMLET" ] || { echo "no $ARMLET (run make asan)"; exit 1; }
rm -rf "$reports"
mkdir -p "$reports"
# No LeakSanitizer: its exit scan ptrace()s the threads, which the seccomp
# sandbox forbids (armlet then spins at exit); make check-unit runs the
# portable code with leak checks instead.
ASAN_OPTIONS=detect_leaks=0:exitcode=86:log_path=$reports/asan
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86:log_path=$reports/ubsan
# ASan and UBSan make armlet 2-3x slower, and gicv2-user takes every GIC
# access as an exit to armlet: t-33's Linux boots outgrow the plain limit.
ARMLET_TEST_TIMEOUT=${ARMLET_TEST_TIMEOUT:-1800}
export ARMLET ASAN_OPTIONS UBSAN_OPTIONS ARMLET_TEST_TIMEOUT
"$ARMLET" version || { echo "the ASan armlet does not start"; exit 1; }
sh tests/integration/run-all.sh "$@"
rc=$?
n=$(ls "$reports" | wc -l)
echo "asan: $n sanitizer report(s) in build/asan/reports"
for f in "$reports"/*; do
	[ -f "$f" ] || continue
	echo "--- $f"
	head -n 30 "$f"
done
[ "$n" = 0 ] || rc=1
exit $rc
