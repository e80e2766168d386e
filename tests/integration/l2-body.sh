# /body of the L2 test initramfs: what to do comes from the kernel command
# line as armlet.test=WHAT, so one image serves every test.
#   cpus=N  check that N CPUs came online
#   reset   reboot (PSCI SYSTEM_RESET)
#   panic   crash the kernel (with panic=-1 that ends in a reset)
#   echo    read one line from the console and print it back
#   pmu     check that the guest found a PMUv3
#   uptime  just report
#   timer   sleep 1 s: it returns only if timer interrupts arrive
#   blk-write   write $PATTERN_BYTES of the test pattern to /dev/vda, flushed
#   blk-ext4    mkfs.ext4 /dev/vda, write files, unmount, fsck, read back
#   blk-ro      /dev/vda must refuse writes and allow reads
#   hvc     the console is hvc0, and a line written to it arrives
#   rng     /dev/hwrng is virtio-rng and yields bytes
#   vsock   echo one connection on vsock port 5000 (the host sends), and
#           send 1 MiB to the host's port 5001 and check its echo
#   9p      mount the share "t", check and write files (see t-46)
#   9p-ro   mount the read-only share "t": reads work, writes fail
#   sleep   stay up until stopped, printing "L2: tick N" every 0.5 s
#   blk-crash=SEED  write SEED's pattern to /dev/vda, fsync, say so, then sleep
#   reboot=HOW  (armlet --reboot, with /dev/vda zeroed) first boot: mark the
#           disk, then reset: HOW is reset (reboot -f) or panic (with
#           panic=-1); second boot, finding the mark: pass, or with
#           HOW=sleep (first boot: reboot -f) tick as sleep does
#   net-*   virtio-net: see /l2-net.sh
what=uptime
REBOOT_MARK=armlet-reboot-mark

ticks() {
	i=0
	while :; do
		i=$((i + 1))
		echo "L2: tick $i"
		usleep 500000
	done
}

for arg in $(cat /proc/cmdline); do
	case $arg in
	armlet.test=*) what=${arg#armlet.test=} ;;
	esac
done
echo "L2: init at uptime $(cut -d' ' -f1 /proc/uptime) s"
case $what in
cpus=*)
	want=${what#cpus=}
	got=$(nproc)
	echo "L2: $got CPUs online ($(cat /sys/devices/system/cpu/online))"
	[ "$got" = "$want" ] || { echo "L2: expected $want CPUs"; exit 1; }
	;;
reset)
	echo "L2: resetting"
	reboot -f
	;;
panic)
	echo "L2: panicking"
	echo c >/proc/sysrq-trigger
	;;
echo)
	echo "L2: ready for input"
	read -r line </dev/console
	echo "L2: got '$line'"
	;;
pmu)
	pmus=$(ls /sys/bus/event_source/devices/)
	echo "L2: PMUs: $pmus"
	case $pmus in *armv8*) ;; *) exit 1 ;; esac
	;;
blk-write)
	echo "L2: vda has $(cat /sys/block/vda/size) sectors"
	# The same pattern tests/integration/lib.sh's pattern() makes on L1.
	yes armlet-pattern-0123456789abcdef | head -c 4194304 >/tmp/p
	dd if=/tmp/p of=/dev/vda bs=65536 conv=fsync 2>/dev/null || exit 1
	echo "L2: pattern written"
	;;
blk-ext4)
	# Full paths: busybox's shell runs its own applets of the same names first.
	/sbin/mke2fs -q -F -t ext4 /dev/vda || exit 1
	mount -t ext4 /dev/vda /mnt || exit 1
	for i in 1 2 3 4 5 6 7 8; do
		yes "file $i" | head -c 1048576 >/mnt/f$i || exit 1
	done
	umount /mnt || exit 1
	/sbin/e2fsck -f -n /dev/vda || { echo "L2: fsck found errors"; exit 1; }
	mount -t ext4 -o ro /dev/vda /mnt || exit 1
	for i in 1 2 3 4 5 6 7 8; do
		[ "$(yes "file $i" | head -c 1048576 | md5sum)" = "$(md5sum </mnt/f$i)" ] ||
			{ echo "L2: f$i differs"; exit 1; }
	done
	umount /mnt
	echo "L2: ext4 clean"
	;;
blk-ro)
	echo "L2: ro flag $(cat /sys/block/vda/ro)"
	[ "$(cat /sys/block/vda/ro)" = 1 ] || exit 1
	if dd if=/dev/zero of=/dev/vda bs=4096 count=1 conv=fsync 2>/dev/null; then
		echo "L2: a write to the ro disk succeeded"
		exit 1
	fi
	dd if=/dev/vda of=/dev/null bs=65536 count=16 2>/dev/null || exit 1
	echo "L2: ro disk refused the write"
	;;
hvc)
	active=$(cat /sys/class/tty/console/active)
	echo "L2: consoles: $active"
	case $active in *hvc0*) ;; *) exit 1 ;; esac
	echo "L2: hello through hvc0" >/dev/hvc0
	;;
rng)
	cur=$(cat /sys/class/misc/hw_random/rng_current)
	echo "L2: hwrng: $cur"
	case $cur in virtio_rng*) ;; *) exit 1 ;; esac
	n=$(head -c 4096 /dev/hwrng | wc -c)
	zeros=$(head -c 4096 /dev/hwrng | tr -d '\000' | wc -c)
	echo "L2: read $n bytes from /dev/hwrng, $zeros non-zero"
	[ "$n" = 4096 ] && [ "$zeros" -gt 3000 ] || exit 1
	;;
vsock)
	/bin/vsock-tool serve 5000 &
	spid=$!
	/bin/vsock-tool send 2 5001 1048576 || exit 1
	wait $spid || exit 1
	echo "L2: vsock both ways"
	;;
9p | 9p-ro)
	mkdir -p /mnt/t
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=131072 t /mnt/t || exit 1
	sh /mnt/t/guest.sh $what /mnt/t
	;;
sleep)
	# A guest that never ends on its own; the ticks show whether it runs.
	ticks
	;;
blk-crash=*)
	# t-56: SEED's pattern to /dev/vda, flushed (fsync: virtio FLUSH),
	# reported, then run on until armlet is killed.
	seed=${what#blk-crash=}
	yes "armlet-crash-$seed" | head -c 1049000 >/tmp/p
	dd if=/tmp/p of=/dev/vda bs=65536 conv=fsync 2>/dev/null || exit 1
	echo "L2: flushed $seed"
	ticks
	;;
reboot=*)
	how=${what#reboot=}
	# NULs dropped: a zeroed disk reads as an empty string.
	if [ "$(head -c ${#REBOOT_MARK} /dev/vda | tr -d '\000')" = "$REBOOT_MARK" ]; then
		echo "L2: second boot: the disk has the mark"
		# The GIC was reset too: LPIs left on would make Linux warn.
		if dmesg | grep -q "Booted with LPIs enabled"; then
			echo "L2: the GIC still had LPIs enabled"
			exit 1
		fi
		if [ "$how" = sleep ]; then
			ticks
		fi
	else
		echo "L2: first boot: marking the disk"
		printf %s "$REBOOT_MARK" | dd of=/dev/vda conv=fsync 2>/dev/null || exit 1
		if [ "$how" = panic ]; then
			echo c >/proc/sysrq-trigger
		else
			reboot -f
		fi
		echo "L2: still running after the reset"
		exit 1
	fi
	;;
timer)
	t0=$(cut -d' ' -f1 /proc/uptime)
	sleep 1
	t1=$(cut -d' ' -f1 /proc/uptime)
	echo "L2: slept from uptime $t0 s to $t1 s"
	;;
net-*) . /l2-net.sh ;;
uptime) ;;
*)
	echo "L2: unknown test '$what'"
	exit 1
	;;
esac
