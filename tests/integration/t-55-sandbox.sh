# seccomp sandbox: a forbidden system call kills armlet by SIGSYS with a
# one-line report naming the thread, from the main thread, a vCPU and a
# device thread (the ARMLET_TEST_SANDBOX_TRIP hook makes one such call once
# the thread's filter is on); --sandbox=off runs without filters, so the
# same hook finds nothing to trip. Every other test runs with the sandbox
# on (the default), which proves what is legitimate is allowed.
. tests/integration/lib.sh
SIGSYS_RC=159 # 128 + SIGSYS (31) on arm64
dd if=/dev/zero of="$T/disk" bs=1M count=8 2>/dev/null

# --nodefaults: no NIC, whose slirp would make socket() (the hook's call) legitimate.
for kind in main vcpu device; do
	export ARMLET_TEST_SANDBOX_TRIP=$kind
	boot_l2 1 blk-write -d "$T/disk" --nodefaults
	expect_rc $SIGSYS_RC
	expect_in err "armlet: sandbox: $kind thread '.*' made system call 198, which the sandbox forbids"
	# Device threads name themselves (naming another thread is refused by then).
	[ "$kind" != device ] || expect_in err "device thread 'blk0-q[0-9]*' made"
	if grep -q "ARMLET_TEST_SANDBOX_TRIP: socket() returned" "$T/err"; then
		fail "$kind: the forbidden socket() returned"
	fi
done

# --sandbox=off: no filter, so the hook never runs and the guest finishes.
export ARMLET_TEST_SANDBOX_TRIP=vcpu
boot_l2 1 blk-write -d "$T/disk" --sandbox=off
expect_rc 0
expect_in out "L2: pattern written"
unset ARMLET_TEST_SANDBOX_TRIP

# The default: every thread kind at work (disk, rng, virtio console, 2 vCPUs).
boot_l2 2 rng -d "$T/disk" --rng --console virtio --stats="$T/stats.json"
expect_rc 0
expect_in out "L2-BODY-EXIT=0"
[ -s "$T/stats.json" ] || fail "--stats wrote nothing under the sandbox"
