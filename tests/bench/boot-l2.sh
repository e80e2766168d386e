#!/bin/sh
# /body of the boot benchmark's initramfs (scripts/bench): say that init
# runs, then end, so the VMM's exit marks the power-off. tests/bench/vmm.sh
# timestamps the marker from outside, the same way for armlet and QEMU.
echo "BENCH-INIT uptime $(cut -d' ' -f1 /proc/uptime)"
