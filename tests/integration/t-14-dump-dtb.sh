# --dump-dtb writes a blob that parses and describes the VM, then exits 0.
. tests/integration/lib.sh
run_armlet -k "$KERNEL" -i "$INITRD" -c 2 -m 256 -p "console=ttyS0 hello" --pmu --dump-dtb "$T/vm.dtb"
expect_rc 0
[ -s "$T/vm.dtb" ] || fail "no DTB written"
"$ARMLET_ROOT/build/tools/dtbcheck" "$T/vm.dtb" >"$T/out" 2>"$T/err" || fail "dtbcheck rejected the blob"
for node in /chosen /memory@80000000 /cpus/cpu@0 /cpus/cpu@1 /psci /intc@3fff0000 /timer /pmu /uart@1000000; do
	expect_in out "^$node\$"
done
expect_in out '^/chosen:bootargs = "console=ttyS0 hello"$'
expect_in out '^/chosen:stdout-path = "/uart@1000000"$'
# The GIC node is whatever auto picked on this host.
detect_host_gic
if [ "$host_gic" = 3 ]; then
	expect_in out '^/intc@3fff0000:compatible = "arm,gic-v3"$'
else
	expect_in out '^/intc@3fff0000:compatible = "arm,cortex-a15-gic"$'
fi
