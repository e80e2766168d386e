# scripts/lib/common.sh - settings shared by the armlet helper scripts.
#
# Sourced (never run) by scripts/setup, scripts/nested, scripts/mk-l2-initramfs
# and the initramfs library. POSIX sh: mk-l2-initramfs also runs inside L1,
# whose only shell is busybox ash.
# shellcheck shell=sh disable=SC2034 # the settings are used by the sourcers

# The Debian arm64 kernel used for L1 (and, by default, for L2 guests).
# This is the one place the default suite is chosen; "bookworm" (6.1) is the
# alternative that setup can also fetch.
ARMLET_DEFAULT_KERNEL=trixie
ARMLET_KERNEL_SUITES="trixie bookworm"

# Suite the arm64 busybox and libfdt in .cache/arm64-root come from: the host
# release, so headers match what a native bookworm build would see.
ARMLET_ROOT_SUITE=bookworm

ARMLET_MIRROR=${ARMLET_MIRROR:-http://deb.debian.org/debian}

armlet_die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

# armlet_check_suite SUITE: fail unless SUITE names a kernel we know about.
armlet_check_suite() {
	case " $ARMLET_KERNEL_SUITES " in
	*" $1 "*) ;;
	*) armlet_die "unknown kernel suite '$1' (want one of: $ARMLET_KERNEL_SUITES)" ;;
	esac
}

# armlet_kernel_dir ROOT SUITE: print the cached kernel directory, or fail
# with a hint when scripts/setup has not fetched that suite yet.
armlet_kernel_dir() {
	_kd=$1/.cache/kernel/$2
	if [ ! -f "$_kd/Image" ] || [ ! -f "$_kd/version" ]; then
		armlet_die "no $2 kernel in $_kd (run: scripts/setup --kernel $2)"
	fi
	echo "$_kd"
}
