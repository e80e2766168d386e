# --reboot: a guest reset restarts the VM instead of ending armlet (exit 3,
# t-12). The L2 body marks its disk and resets on its first boot; the second
# boot finds the mark and powers off. So virtio-blk, the UART and the vCPUs
# came back from the reset, RAM got the kernel, initrd and a device tree
# again, and the disk kept what was flushed to it. A panic with panic=-1
# restarts too, --timeout spans every boot, and a named VM's control socket
# serves the rebooted guest.
. tests/integration/lib.sh

XDG_RUNTIME_DIR=$T/xdg
export XDG_RUNTIME_DIR
mkdir -p "$XDG_RUNTIME_DIR"
pid=""
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

MARK=armlet-reboot-mark

fresh_disk() {
	dd if=/dev/zero of="$T/disk" bs=1M count=8 2>/dev/null
}

# expect_two_boots: stdout shows both boots, stderr the one restart.
expect_two_boots() {
	n=$(grep -c "L2: init at uptime" "$T/out")
	[ "$n" = 2 ] || fail "expected 2 boots on the console, saw $n"
	expect_in out "L2: first boot: marking the disk"
	expect_in out "L2: second boot: the disk has the mark"
	expect_in err "guest reset; restarting (reboot 1)"
	grep -q "reboot 2" "$T/err" && fail "the VM restarted more than once"
	[ "$(head -c ${#MARK} "$T/disk")" = "$MARK" ] || fail "the disk lacks the mark"
}

# PSCI SYSTEM_RESET (reboot -f), on 2 vCPUs: the secondary is off again at
# the second boot, and comes up through PSCI CPU_ON as the first time. With
# a PMU, which KVM keeps across the vCPUs' reset.
fresh_disk
boot_l2 2 reboot=reset -d "$T/disk" --reboot --pmu --stats="$T/stats"
expect_rc 0
expect_two_boots
expect_in out "L2-BODY-EXIT=0"
grep -q '"reboots": 1,' "$T/stats" || fail "--stats does not count the reboot"
figure reboot_boots "$(grep "L2: init at uptime" "$T/out" | tr '\n' ' ')"

# A kernel panic with panic=-1 ends in a reset: restarted as well. Without
# an MSI controller (no ITS, no GICv2m), so virtio-blk interrupts through
# INTx, whose line the reset lowers.
detect_host_gic
intx_chip=gicv$host_gic
fresh_disk
L2_PARAMS=panic=-1 boot_l2 1 reboot=panic -d "$T/disk" --reboot --irqchip $intx_chip
expect_rc 0
expect_two_boots
expect_in out "L2-BODY-EXIT=0"

# A guest that resets at every boot keeps being restarted, and --timeout
# counts from the first boot, not from each: it ends the run (were it armed
# again at each boot, it would never expire). 90 s leaves room for two
# boots on a loaded machine, where one can take 20 s under TCG.
boot_l2 1 reset --reboot --timeout 90
expect_rc 4
expect_in err "guest reset; restarting (reboot 2)"
expect_in err "timeout 90 s expired"

# A named VM: the control socket answers for the rebooted guest, and stops it.
fresh_disk
"$ARMLET" run -k "$KERNEL" -i "$INITRD" -m 256 -p "quiet armlet.test=reboot=sleep" \
	-d "$T/disk" --reboot --name rb >"$T/out" 2>"$T/err" </dev/null &
pid=$!
i=0
until grep -q "L2: tick" "$T/out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 240 ] || fail "the rebooted guest never ticked"
	kill -0 "$pid" 2>/dev/null || fail "armlet ended before the second boot ticked"
	usleep 500000
done
"$ARMLET" stat rb >"$T/stat" 2>&1 || fail "stat after the reboot: $(cat "$T/stat")"
grep -q '"state": "running"' "$T/stat" || fail "stat: not running: $(cat "$T/stat")"
grep -q '"reboots": 1,' "$T/stat" || fail "stat: no reboot counted: $(cat "$T/stat")"
"$ARMLET" stop rb >"$T/stop" 2>&1 || fail "stop after the reboot: $(cat "$T/stop")"
wait "$pid"
rc=$?
pid=""
expect_rc 7
expect_two_boots
