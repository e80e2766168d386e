#!/bin/sh
# /body of the benchmark initramfs (scripts/bench): run the fio jobs of
# /bench/blk.fio on /dev/vda and print fio's terse lines, each prefixed with
# "BENCH;" so tests/bench/blk.sh can pick them out of the console. The run
# time per job comes from the kernel command line as armlet.runtime=SECONDS.
runtime=5
# shellcheck disable=SC2013 # the command line is words
for arg in $(cat /proc/cmdline); do
	case $arg in
	armlet.runtime=*) runtime=${arg#armlet.runtime=} ;;
	esac
done
echo "L2: init at uptime $(cut -d' ' -f1 /proc/uptime) s"
[ -b /dev/vda ] || { echo "L2: no /dev/vda"; exit 1; }
# The whole disk: /sys counts 512-byte sectors whatever the block size.
bytes=$(($(cat /sys/block/vda/size) * 512))
echo "L2: /dev/vda has $bytes bytes; fio $runtime s per job"
FIO_FILE=/dev/vda FIO_SIZE=$bytes FIO_RUNTIME=$runtime FIO_DIRECT=1 \
	/usr/bin/fio --output-format=terse /bench/blk.fio >/tmp/fio.out 2>/tmp/fio.err
rc=$?
sed 's/^/BENCH;/' /tmp/fio.out
[ "$rc" = 0 ] || { echo "L2: fio failed ($rc):"; cat /tmp/fio.err; exit 1; }
