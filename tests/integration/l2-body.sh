# /body of the L2 test initramfs: what to do comes from the kernel command
# line as armlet.test=WHAT, so one image serves every test.
#   cpus=N  check that N CPUs came online
#   reset   reboot (PSCI SYSTEM_RESET)
#   panic   crash the kernel (with panic=-1 that ends in a reset)
#   echo    read one line from the console and print it back
#   pmu     check that the guest found a PMUv3
#   uptime  just report
what=uptime
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
uptime) ;;
*)
	echo "L2: unknown test '$what'"
	exit 1
	;;
esac
