// SPDX-License-Identifier: GPL-2.0-only
/*
 * The unit-test runner. Check forks a child per test, so one test's crash
 * is reported as an error and the rest still run. CI reads the closing
 * "NN%: Checks: N, Failures: N, Errors: N" line; keep CK_NORMAL.
 * CK_RUN_SUITE / CK_RUN_CASE select a subset (Check's own variables).
 */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
	SRunner *sr = srunner_create(layout_suite());
	int failed;

	srunner_add_suite(sr, cli_suite());
	srunner_add_suite(sr, loader_suite());
	srunner_add_suite(sr, mem_bus_suite());
	srunner_add_suite(sr, uart_suite());
	srunner_add_suite(sr, fdt_suite());
	srunner_add_suite(sr, testdev_suite());
	srunner_add_suite(sr, irqchip_suite());
	srunner_add_suite(sr, gicv2_suite());
	srunner_add_suite(sr, gicv2_user_suite());
	srunner_add_suite(sr, virtqueue_suite());
	srunner_add_suite(sr, pci_suite());
	srunner_add_suite(sr, json_suite());
	srunner_add_suite(sr, summary_suite());
	srunner_add_suite(sr, virtio_pci_suite());
	srunner_add_suite(sr, virtio_blk_suite());
	srunner_add_suite(sr, virtio_console_suite());
	srunner_add_suite(sr, virtio_rng_suite());
	srunner_add_suite(sr, control_suite());
	srunner_add_suite(sr, hostcheck_suite());
	srunner_add_suite(sr, rvic_suite());
	srunner_add_suite(sr, vhost_suite());
	srunner_add_suite(sr, vsock_suite());
	srunner_add_suite(sr, p9_suite());
	srunner_add_suite(sr, sandbox_suite());
	srunner_add_suite(sr, virtio_net_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
