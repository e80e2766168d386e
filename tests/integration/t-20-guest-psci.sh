# Bare-metal guest: PSCI CPU_ON of every CPU, and their MPIDRs.
. tests/integration/lib.sh
for cpus in 1 2 4; do
	run_armlet -k "$GUESTS/psci_cpu_on.bin" -m 64 -c "$cpus" --testdev
	[ "$rc" = 0 ] || fail "psci_cpu_on with $cpus vCPUs: exit $rc"
	echo "psci_cpu_on: $cpus vCPUs pass"
done
