#!/bin/sh
# tests/bench/run.sh - the half of scripts/bench that runs where KVM is.
#
#   sh tests/bench/run.sh SECTIONS RUNS RUNTIME SIZE_MIB BACKENDS CPUS [NET_MODES]
#
# Runs each section of SECTIONS ("boot exits block net", and "a/b": the armlet
# build saved as build/bench/armlet-before against build/armlet, under
# gicv2-user, for a change's before and after; "profile": perf on armlet's
# exit paths, printed, not tabled), each collecting samples
# into one file, then prints the table and writes build/bench/bench.json
# (tests/bench/report.sh). Exit status 0 when every run worked.
set -u
ARMLET_ROOT=${ARMLET_ROOT:-$(pwd)}
cd "$ARMLET_ROOT" || exit 2
. "$ARMLET_ROOT/tests/bench/lib.sh"
sections=${1:-boot exits block net}
runs=${2:-3}
mkdir -p "$BENCH_OUT"
BENCH_SAMPLES=$BENCH_OUT/samples.txt
export BENCH_SAMPLES
: >"$BENCH_SAMPLES"
status=0
for s in $sections; do
	case $s in
	boot) sh tests/bench/boot.sh "$runs" || status=1 ;;
	exits) sh tests/bench/exits.sh "$runs" || status=1 ;;
	block) sh tests/bench/blk.sh "$3" "$4" "$5" "$6" "$runs" || status=1 ;;
	net) sh tests/bench/net.sh "$3" "$runs" "${7:-tap vhost user}" || status=1 ;;
	a/b) sh tests/bench/ab.sh "$runs" "$BENCH_OUT/armlet-before" "$ARMLET" || status=1 ;;
	profile) sh tests/bench/profile.sh || status=1 ;;
	esac
done
sh tests/bench/report.sh "$BENCH_SAMPLES" "$BENCH_OUT/bench.json" \
	"armlet=$("$ARMLET" --version | sed 's/^armlet version //')" \
	"qemu=$(qemu_version | tr ' ' _)" "nested=${ARMLET_NESTED:-0}" "l1_kernel=$(uname -r)" \
	"l1_cpus=$(grep -c ^processor /proc/cpuinfo)" \
	"l1_gic=$(grep -o 'GICv[0-9]' /proc/interrupts | head -n 1)" \
	"l2_kernel=$(cat "${KERNEL%/*}/version")" "runs=$runs" "sections=$(echo "$sections" | tr ' ' ,)"
echo "bench: figures in ${BENCH_OUT#"$ARMLET_ROOT"/}/bench.json"
exit $status
