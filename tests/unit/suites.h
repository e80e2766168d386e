/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The unit-test suites, one per area; main.c runs them all in one binary.
 * Helpers shared by more than one suite live here too.
 */
#ifndef ARMLET_TEST_SUITES_H
#define ARMLET_TEST_SUITES_H

#include <check.h>

Suite *layout_suite(void);
Suite *cli_suite(void);
Suite *loader_suite(void);
Suite *mem_bus_suite(void);
Suite *uart_suite(void);
Suite *fdt_suite(void);
Suite *testdev_suite(void);
Suite *irqchip_suite(void);
Suite *gicv2_suite(void);
Suite *gicv2_user_suite(void);
Suite *virtqueue_suite(void);
Suite *pci_suite(void);
Suite *json_suite(void);
Suite *summary_suite(void);
Suite *virtio_pci_suite(void);
Suite *virtio_blk_suite(void);
Suite *virtio_console_suite(void);
Suite *virtio_rng_suite(void);
Suite *control_suite(void);
Suite *hostcheck_suite(void);
Suite *rvic_suite(void);
Suite *vhost_suite(void);
Suite *vsock_suite(void);
Suite *p9_suite(void);
Suite *sandbox_suite(void);
Suite *virtio_net_suite(void);

#endif
