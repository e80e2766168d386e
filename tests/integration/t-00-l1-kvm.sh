#!/bin/sh
# t-00-l1-kvm: the test environment itself has a usable KVM.
#
# Everything after this test needs /dev/kvm, so its absence is a failure here
# (not a skip): it means the nested harness or the host is broken. Also logs
# what the kernel said about KVM, which tells VHE from nVHE, the vGIC model
# and the IPA size limit.
set -u

echo "kernel: $(uname -r) ($(uname -m)), $(grep -c '^processor' /proc/cpuinfo) CPUs"

if [ ! -e /dev/kvm ]; then
	echo "FAIL: /dev/kvm is missing (KVM not initialised; see dmesg)"
	dmesg 2>/dev/null | grep -i -e kvm -e hyp | tail -n 20
	exit 1
fi
if [ ! -c /dev/kvm ]; then
	echo "FAIL: /dev/kvm is not a character device"
	exit 1
fi
# A subshell, so a failed open ends only the subshell.
if ! (exec 3<>/dev/kvm) 2>/dev/null; then
	echo "FAIL: cannot open /dev/kvm read-write (permissions?)"
	ls -l /dev/kvm
	exit 1
fi
echo "/dev/kvm: opens read-write"

echo "dmesg | grep -i kvm:"
log=$(dmesg 2>/dev/null | grep -i kvm)
echo "${log:-    (nothing: dmesg restricted or rotated)}"

# On a long-running host the boot messages may have left the ring buffer, but
# L1 was booted just now, so there the success line must be present.
if [ "${ARMLET_NESTED:-0}" = 1 ]; then
	if ! echo "$log" | grep -q 'mode initialized successfully'; then
		echo "FAIL: no 'mode initialized successfully' line from kvm in L1"
		exit 1
	fi
fi
exit 0
