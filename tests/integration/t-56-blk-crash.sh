# Crash consistency of virtio-blk: a guest writes a pattern to its disk,
# fsyncs (a virtio FLUSH) and says so on the console; armlet is SIGKILLed
# as soon as that line appears, while the guest still runs. Every flushed
# byte must be in the backing file: for each backend (io=uring, aio, sync),
# buffered and with ",direct", several rounds each with a fresh pattern.
# A ",ro" disk stays bit-identical whatever the guest does, killed or not.
. tests/integration/lib.sh
ROUNDS=${CRASH_ROUNDS:-3}
BYTES=1049000 # what l2-body.sh's blk-crash writes: not a multiple of a page
pid=

cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

crash_pattern() {
	yes "armlet-crash-$1" | head -c $BYTES
}

# start_guest DISKSPEC TEST: armlet in the background on a 256 MiB L2; $pid.
start_guest() {
	"$ARMLET" run -k "$KERNEL" -i "$INITRD" -m 256 -p "quiet armlet.test=$2" -d "$1" \
		>"$T/out" 2>"$T/err" </dev/null &
	pid=$!
}

# kill_when PATTERN: SIGKILL armlet once its stdout has PATTERN (120 s at most).
kill_when() {
	_i=0
	until grep -q -- "$1" "$T/out"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			rc=$?
			pid=
			fail "armlet ended (status $rc) before printing '$1'"
		fi
		_i=$((_i + 1))
		[ $_i -le 6000 ] || fail "no '$1' within 120 s"
		usleep 20000
	done
	kill -KILL "$pid"
	wait "$pid"
	rc=$?
	pid=
	[ "$rc" = 137 ] || fail "armlet ended with status $rc, not by the SIGKILL (137)"
}

# crash_round DISK SPEC SEED
crash_round() {
	dd if=/dev/zero of="$1" bs=1M count=4 2>/dev/null
	start_guest "$1$2" "blk-crash=$3"
	kill_when "L2: flushed $3"
	crash_pattern "$3" >"$T/want"
	head -c $BYTES "$1" | cmp -s - "$T/want" ||
		fail "$2 round $3: the flushed bytes are not all in the image after SIGKILL"
}

# O_DIRECT needs a file system that supports it: L1's tmpfs may not.
direct_dir() {
	for d in "$T" "$ARMLET_ROOT/build"; do
		if dd if=/dev/zero of="$d/.direct-probe" bs=4096 count=1 oflag=direct 2>/dev/null; then
			rm -f "$d/.direct-probe"
			echo "$d"
			return
		fi
		rm -f "$d/.direct-probe"
	done
}

ddir=$(direct_dir)
seed=0
for io in uring aio sync; do
	for direct in "" ",direct"; do
		dir=$T
		if [ -n "$direct" ]; then
			if [ -z "$ddir" ]; then
				echo "SKIP io=$io,direct: no file system here takes O_DIRECT"
				continue
			fi
			dir=$ddir
		fi
		disk=$dir/crash-$$.img
		r=1
		while [ $r -le "$ROUNDS" ]; do
			seed=$((seed + 1))
			crash_round "$disk" ",io=$io$direct" "$seed"
			r=$((r + 1))
		done
		rm -f "$disk"
		figure "crash rounds io=$io$direct" "$ROUNDS"
	done
done

# ro: refused writes, a guest that tries to write, one killed mid-run.
pattern 4194304 >"$T/ro.img"
before=$(md5sum <"$T/ro.img")
boot_l2 1 blk-ro -d "$T/ro.img,ro"
expect_rc 0
expect_in out "L2: ro disk refused the write"
start_guest "$T/ro.img,ro" "blk-crash=ro"
wait "$pid"
pid=
[ "$(md5sum <"$T/ro.img")" = "$before" ] || fail "a guest writing to the ro image changed it"
start_guest "$T/ro.img,ro,io=sync" sleep
kill_when "L2: tick 2"
[ "$(md5sum <"$T/ro.img")" = "$before" ] || fail "the ro image changed when armlet was killed"
