# tests/integration/lib.sh - helpers for the integration tests (sourced).
#
# POSIX sh: inside L1 the shell is busybox ash. Each test runs armlet with
# the L2 kernel and initramfs that `make check-integration` built, captures
# its stdout (the guest console), stderr and exit status, and asserts on them.

ARMLET_ROOT=${ARMLET_ROOT:-$(pwd)}
ARMLET=${ARMLET:-$ARMLET_ROOT/build/armlet}
SUITE=${ARMLET_KERNEL:-trixie}
KERNEL=$ARMLET_ROOT/.cache/kernel/$SUITE/Image
INITRD=$ARMLET_ROOT/build/l2/initramfs.cpio.gz
GUESTS=$ARMLET_ROOT/build/guests
T=$(mktemp -d "${TMPDIR:-/tmp}/armlet-it.XXXXXX")
trap 'rm -rf "$T"' EXIT

[ -x "$ARMLET" ] || { echo "no $ARMLET (run make)"; exit 1; }
[ -e /dev/kvm ] || { echo "SKIP: no /dev/kvm on this host"; exit 77; }

fail() {
	echo "FAIL: $*"
	for f in out err; do
		[ -s "$T/$f" ] && { echo "--- armlet std$f (last 40 lines):"; tail -n 40 "$T/$f"; }
	done
	exit 1
}

# run_armlet ARGS...: armlet run ARGS with no stdin; sets $rc.
run_armlet() {
	"$ARMLET" run "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}

# boot_l2 CPUS TEST [ARGS...]: boot the L2 Debian kernel with the test
# initramfs; TEST goes to the guest as armlet.test=TEST (see l2-body.sh),
# $L2_PARAMS is added to the kernel command line, ARGS to armlet's.
boot_l2() {
	_cpus=$1 _test=$2
	shift 2
	run_armlet -k "$KERNEL" -i "$INITRD" -m 256 -c "$_cpus" \
		-p "quiet armlet.test=$_test ${L2_PARAMS:-}" "$@"
}

expect_rc() {
	[ "$rc" = "$1" ] || fail "armlet exited $rc, expected $1"
}

# expect_out FILE PATTERN: FILE (out or err) has a line matching PATTERN.
expect_in() {
	grep -q -- "$2" "$T/$1" || fail "std$1 has no line matching '$2'"
}

# figure NAME VALUE: a measured figure, printed for the log (never asserted).
figure() {
	echo "figure: $1 = $2"
}

# pattern BYTES: the test pattern l2-body.sh's blk-write mode writes.
pattern() {
	yes armlet-pattern-0123456789abcdef | head -c "$1"
}

# detect_host_gic: sets host_gic to 3 or 2, this host's GIC, by the name
# its driver gives the irq chip in /proc/interrupts: "GICv3"; "GICv2" (Linux
# 6.x), "GIC-0" or "GIC" (older) for a GICv2. Fails when it cannot tell, or
# when it is not what scripts/nested asked QEMU for (ARMLET_GIC).
detect_host_gic() {
	if grep -q ' GICv3 ' /proc/interrupts; then
		host_gic=3
	elif grep -q -E ' GIC(v2|-[0-9]+)? ' /proc/interrupts; then
		host_gic=2
	else
		fail "cannot tell this host's GIC from /proc/interrupts: $(head -n 3 /proc/interrupts)"
	fi
	if [ -n "${ARMLET_GIC:-}" ] && [ "$ARMLET_GIC" != "$host_gic" ]; then
		fail "scripts/nested asked for GICv$ARMLET_GIC but /proc/interrupts shows GICv$host_gic"
	fi
}

# stat_of FILE DEVICE KEY: the number KEY has in DEVICE's block of the
# --stats JSON in FILE (one member per line), or nothing.
stat_of() {
	sed -n "/\"$2\": {/,/}/p" "$1" | sed -n "s/^ *\"$3\": \([0-9]*\),\{0,1\}$/\1/p" | head -n 1
}

# tell_done HOST PORT: send "done" to an L2 guest's `nc -l` (l2-net.sh) until
# its console ($T/out) shows it arrived; 60 tries, a second apart.
tell_done() {
	_i=0
	until grep -q "L2: got done" "$T/out"; do
		_i=$((_i + 1))
		[ $_i -le 60 ] || fail "cannot tell L2 we are done"
		echo done | nc "$1" "$2" >/dev/null 2>&1
		sleep 1
	done
}

# bg_kill_at_exit: from here on, exiting (or TERM/INT, which run-all's
# timeout sends) kills every pid in $bg_pids (add background jobs there)
# and removes $T.
bg_pids=""
bg_kill_at_exit() {
	trap 'for _p in $bg_pids; do kill -KILL "$_p" 2>/dev/null; done; rm -rf "$T"' EXIT
	trap 'exit 143' TERM INT
}

# exits_of FILE CPU [KIND]: the exits --stats counted for vCPU CPU (all
# kinds, or only KIND: mmio, intr, hypercall, ...).
exits_of() {
	sed -n '/"vcpu_exits": \[/,/^  \]/p' "$1" | awk -v cpu="$2" -v kind="${3:-}" '
		/\{/ { n++ }
		n == cpu + 1 && /"[a-z_]+": [0-9]+/ {
			gsub(/[",:]/, "")
			if (kind == "" || $1 == kind)
				sum += $2
		}
		END { print sum + 0 }'
}

# bench_gic_figures CHIP KIND LABEL: runs tests/guests/bench_gic under
# --irqchip=CHIP and prints its figures (never asserted). The guest prints
# "bench: NAME = VALUE"; vCPU 2 took only timer ticks (and set up its
# interrupt controller), so its exits over the ticks are the exits per
# tick, split into KIND's (mmio, hypercall: named LABEL) and KVM_EXIT_INTR.
bench_gic_figures() {
	run_armlet -k "$GUESTS/bench_gic.bin" -m 64 -c 3 --testdev --irqchip="$1" \
		--timeout 300 --stats="$T/stats.json"
	[ "$rc" = 0 ] || fail "bench_gic under $1: exit $rc"
	grep '^bench: .* ns ' "$T/out" | tr -d '\r' | sed 's/^bench: //' >"$T/figures"
	while IFS= read -r line; do
		figure "$1: ${line%% = *}" "${line#* = }"
	done <"$T/figures"
	ticks=$(sed -n 's/^bench: ticks on cpu 2 = \([0-9]*\) .*/\1/p' "$T/out")
	[ "${ticks:-0}" -gt 0 ] || fail "bench_gic under $1: no tick count in its output"
	figure "$1: exits per timer tick (vCPU 2, $ticks ticks)" "$(awk \
		-v all="$(exits_of "$T/stats.json" 2)" -v kind="$(exits_of "$T/stats.json" 2 "$2")" \
		-v intr="$(exits_of "$T/stats.json" 2 intr)" -v n="$ticks" -v label="$3" \
		'BEGIN { printf "%.2f (%s %.2f, KVM_EXIT_INTR %.2f)", all / n, label, kind / n, intr / n }')"
}
