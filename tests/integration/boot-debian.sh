# The main job (`make boot`): boot the Debian arm64 kernel with the busybox
# initramfs under armlet on 2 vCPUs, show its console, and report figures.
# Not a test (no t- prefix): run-all.sh does not pick it up.
ARMLET_ROOT=${ARMLET_ROOT:-$(pwd)}
ARMLET=$ARMLET_ROOT/build/armlet
KERNEL=$ARMLET_ROOT/.cache/kernel/${ARMLET_KERNEL:-trixie}/Image
INITRD=$ARMLET_ROOT/build/l2/initramfs.cpio.gz
LOG=$(mktemp "${TMPDIR:-/tmp}/armlet-boot.XXXXXX")

echo "boot: $ARMLET run -k $KERNEL -i $INITRD -m 256 -c 2 --debug"
"$ARMLET" run -k "$KERNEL" -i "$INITRD" -m 256 -c 2 -p "armlet.test=cpus=2" --debug \
	</dev/null 2>"$LOG"
rc=$?
grep -v "unhandled MMIO" "$LOG" >&2
echo "boot: armlet exited with status $rc"
echo "boot: armlet start to first KVM_RUN: $(sed -n 's/.*start to first KVM_RUN: //p' "$LOG")"
echo "boot: armlet binary $(wc -c <"$ARMLET") bytes, stripped $(wc -c <"$ARMLET.stripped") bytes"
rm -f "$LOG"
exit $rc
