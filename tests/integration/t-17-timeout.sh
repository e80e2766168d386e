# --timeout stops a guest that never powers off: exit 4 and a register dump
# of every vCPU. The guest here is a bare-metal test without --testdev, which
# reports through nothing and spins forever.
. tests/integration/lib.sh
run_armlet -k "$GUESTS/psci_cpu_on.bin" -m 64 -c 2 --timeout 3
expect_rc 4
expect_in err "--timeout 3 s expired"
expect_in err "vcpu 0: pc="
expect_in err "vcpu 1: pc="
run_armlet -k "$GUESTS/psci_cpu_on.bin" --timeout 0
expect_rc 1
expect_in err "invalid timeout '0'"
