# armlet run --name and the control commands: list, stat, pause, resume,
# stop; two named VMs at once; a taken name; a stale socket cleaned up.
. tests/integration/lib.sh

XDG_RUNTIME_DIR=$T/xdg
export XDG_RUNTIME_DIR
mkdir -p "$XDG_RUNTIME_DIR"
SOCKS=$XDG_RUNTIME_DIR/armlet
pids=""

cleanup() {
	for p in $pids; do
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# start NAME [ARGS...]: a guest that ticks until stopped, in the background; $pid.
start() {
	_name=$1
	shift
	"$ARMLET" run -k "$KERNEL" -i "$INITRD" -m 256 -p "quiet armlet.test=sleep" \
		--name "$_name" --console-log "$T/$_name.log" "$@" >/dev/null 2>"$T/$_name.err" \
		</dev/null &
	pid=$!
	pids="$pids $pid"
}

# wait_sock DIR NAME: until NAME's control socket exists in DIR (10 s at most).
wait_sock() {
	i=0
	until [ -S "$1/$2.sock" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || fail "$2 made no socket"
		usleep 100000
	done
}

# wait_tick NAME: until the guest's console shows a tick (120 s at most).
wait_tick() {
	i=0
	until grep -q "L2: tick" "$T/$1.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 240 ] || { tail -n 20 "$T/$1.err"; fail "$1 never ticked"; }
		usleep 500000
	done
}

# ctl ARGS...: an armlet control command; stdout in $T/out, stderr in $T/err, $rc.
ctl() {
	"$ARMLET" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}

log_size() {
	wc -c <"$T/$1.log"
}

start vm1
pid1=$pid
start vm2
pid2=$pid
wait_tick vm1
wait_tick vm2

ctl list
expect_rc 0
grep -qx "vm1 running" "$T/out" || fail "list: no 'vm1 running' in: $(cat "$T/out")"
grep -qx "vm2 running" "$T/out" || fail "list: no 'vm2 running' in: $(cat "$T/out")"

ctl stat vm1
expect_rc 0
expect_in out '"state": "running"'
expect_in out '"vcpu_exits"'
expect_in out '"exit_code": null'

# Paused: the console stands still, list and stat say so.
ctl pause vm1
expect_rc 0
ctl list
grep -qx "vm1 paused" "$T/out" || fail "list: no 'vm1 paused' in: $(cat "$T/out")"
grep -qx "vm2 running" "$T/out" || fail "list: no 'vm2 running' in: $(cat "$T/out")"
ctl stat vm1
expect_in out '"state": "paused"'
a=$(log_size vm1)
sleep 2
b=$(log_size vm1)
[ "$a" = "$b" ] || fail "paused vm1's console went on ($a -> $b bytes)"
ctl pause vm1
expect_rc 0 # pausing a paused VM is fine

ctl resume vm1
expect_rc 0
sleep 2
c=$(log_size vm1)
[ "$c" -gt "$b" ] || fail "resumed vm1's console stands still ($b bytes)"
ctl list
grep -qx "vm1 running" "$T/out" || fail "list after resume: $(cat "$T/out")"

# The name is taken while vm1 runs.
"$ARMLET" run -k "$KERNEL" -i "$INITRD" -m 256 --name vm1 >"$T/out" 2>"$T/err" </dev/null
rc=$?
expect_rc 1
expect_in err "a VM named vm1 is already running"

# stop returns once the VM has exited, with its own exit code.
ctl stop vm1
expect_rc 0
wait $pid1
rc=$?
[ "$rc" = 7 ] || { cat "$T/vm1.err"; fail "vm1 exited $rc after armlet stop, expected 7"; }
grep -q "stopped by armlet stop vm1" "$T/vm1.err" || fail "vm1's stderr has no stop reason"
[ ! -e "$SOCKS/vm1.sock" ] || fail "vm1's socket is left behind"
ctl list
grep -q "^vm1 " "$T/out" && fail "vm1 still listed: $(cat "$T/out")"
ctl stat vm1
expect_rc 1
expect_in err "no VM named vm1 is running"

# A paused VM can still be stopped.
ctl pause vm2
expect_rc 0
ctl stop vm2
expect_rc 0
wait $pid2
rc=$?
[ "$rc" = 7 ] || { cat "$T/vm2.err"; fail "paused vm2 exited $rc after armlet stop"; }
pids=""

# A stale socket (SIGKILL leaves it), here under $HOME/.armlet: list removes it.
mkdir -p "$T/home"
(
	unset XDG_RUNTIME_DIR
	HOME=$T/home
	export HOME
	start vm3
	wait_sock "$HOME/.armlet" vm3
	kill -KILL $pid
	wait $pid
	[ -S "$HOME/.armlet/vm3.sock" ] || fail "no stale socket to test with"
	ctl list
	expect_rc 0
	grep -q "^vm3 " "$T/out" && fail "stale vm3 listed: $(cat "$T/out")"
	[ ! -e "$HOME/.armlet/vm3.sock" ] || fail "list left the stale socket"
	ctl stop vm3
	expect_rc 1
	expect_in err "no VM named vm3 is running"
	# The name is free again.
	"$ARMLET" run -k /nonexistent --name vm3 >/dev/null 2>"$T/err" </dev/null
	grep -q "already running" "$T/err" && fail "vm3's name is still taken"
	exit 0
) || exit 1

# While paused, --timeout keeps counting and SIGTERM still stops the VM.
start vm4 --timeout 8
pid4=$pid
start vm5
pid5=$pid
wait_sock "$SOCKS" vm4
wait_sock "$SOCKS" vm5
ctl pause vm4 # answered once the VM runs
expect_rc 0
ctl pause vm5
expect_rc 0
kill -TERM $pid5
wait $pid5
rc=$?
[ "$rc" = 143 ] || { cat "$T/vm5.err"; fail "paused vm5 exited $rc after SIGTERM"; }
wait $pid4
rc=$?
[ "$rc" = 4 ] || { cat "$T/vm4.err"; fail "paused vm4 exited $rc, expected 4 (--timeout)"; }
grep -q "vcpu 0:" "$T/vm4.err" || fail "no register dump from paused vm4"
pids=""
[ -z "$(ls "$SOCKS")" ] || fail "sockets left behind: $(ls "$SOCKS")"

# Bad usage.
for args in "stop" "stat a/b" "pause -x" "list extra" "resume vm1 vm2"; do
	# shellcheck disable=SC2086
	ctl $args
	[ "$rc" = 1 ] || fail "armlet $args exited $rc, expected 1"
done
echo "control: list, stat, pause, resume, stop (also paused), taken name, stale socket: fine"
