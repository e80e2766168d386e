# --pmu gives the guest a PMUv3 that Linux finds and registers.
. tests/integration/lib.sh
boot_l2 1 pmu --pmu
expect_rc 0
expect_in out "L2: PMUs: .*armv8"
