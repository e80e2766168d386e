# tests/integration/hostile-lib.sh - helpers for the hostile-guest tests
# (t-50..t-54), sourced after lib.sh.
#
# watch_armlet runs armlet like run_armlet, and samples its
# /proc/PID/status every 0.1 s while it runs: the most VmRSS and Threads
# seen, and the last VmHWM (the high-water mark, so also what it reached
# between samples). bounded_memory then asserts the figures stay within
# what the VM's RAM and vCPUs explain, whatever the guest did.

# watch_armlet ARGS...: sets rc, rss_kb, hwm_kb, threads.
watch_armlet() {
	"$ARMLET" run "$@" >"$T/out" 2>"$T/err" </dev/null &
	_pid=$!
	rss_kb=0 hwm_kb=0 threads=0
	while [ -r "/proc/$_pid/status" ]; do
		_s=$(cat "/proc/$_pid/status" 2>/dev/null) || break
		_r=$(echo "$_s" | sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p')
		_h=$(echo "$_s" | sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p')
		_t=$(echo "$_s" | sed -n 's/^Threads:[[:space:]]*\([0-9]*\)/\1/p')
		# A zombie has no Vm lines: keep what the live process showed.
		[ -n "$_r" ] && [ "$_r" -gt "$rss_kb" ] && rss_kb=$_r
		[ -n "$_h" ] && hwm_kb=$_h
		[ -n "$_t" ] && [ "$_t" -gt "$threads" ] && threads=$_t
		sleep 0.1
	done
	wait "$_pid"
	rc=$?
}

# bounded_memory NAME RAM_MIB MAX_THREADS: the figures of the last
# watch_armlet, printed; fails if the high-water mark exceeds the guest's
# RAM plus 96 MiB (armlet's own: queues' state, stacks, the binary; far
# below what an unbounded allocation per request would reach), or if there
# were more threads than MAX_THREADS.
bounded_memory() {
	figure "$1 VmHWM (kB)" "$hwm_kb"
	figure "$1 VmRSS max (kB)" "$rss_kb"
	figure "$1 threads max" "$threads"
	[ "$hwm_kb" -gt 0 ] || fail "$1: no VmHWM sampled"
	[ "$hwm_kb" -le $((($2 + 96) * 1024)) ] ||
		fail "$1: VmHWM $hwm_kb kB over $2 MiB of RAM + 96 MiB"
	[ "$threads" -le "$3" ] || fail "$1: $threads threads, more than $3"
}

# hostile_chips: sets chips to the interrupt controllers a hostile guest
# runs under: this host's in-kernel model with MSIs (gicv3-its on a GICv3,
# gicv2m on a GICv2), and gicv2-user, where every GIC access and MSI
# reaches armlet itself.
hostile_chips() {
	detect_host_gic
	if [ "$host_gic" = 3 ]; then
		chips="gicv3-its gicv2-user"
	else
		chips="gicv2m gicv2-user"
	fi
}
