# Two vCPUs: the secondary comes up through PSCI CPU_ON.
. tests/integration/lib.sh
boot_l2 2 cpus=2 --debug
expect_rc 0
expect_in out "L2: 2 CPUs online (0-1)"
expect_in out "L2-BODY-EXIT=0"
figure "L2 uptime at init (2 vCPUs)" "$(sed -n 's/^L2: init at uptime \(.*\) s.*/\1/p' "$T/out")"
figure "armlet start to first KVM_RUN" "$(sed -n 's/.*start to first KVM_RUN: //p' "$T/err")"
