# The L2 Debian kernel boots to init on one vCPU and powers off: exit 0.
. tests/integration/lib.sh
boot_l2 1 cpus=1
expect_rc 0
expect_in out "L2: 1 CPUs online"
expect_in out "L2-BODY-EXIT=0"
figure "L2 uptime at init (1 vCPU)" "$(sed -n 's/^L2: init at uptime \(.*\) s.*/\1/p' "$T/out")"
