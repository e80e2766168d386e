/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The board's PCI side: the host bridge with its ECAM and windows on the
 * MMIO bus, the kernel fast paths (fastpath_kvm.c), and the virtio devices
 * the command line asked for, each behind its virtio-pci transport. KVM
 * side (arm64 only).
 *
 * Lifecycle, in main.c's order:
 *   board_init()       after the irqchip's create() and the vCPUs, before
 *                      the irqchip's finalize(): builds every device
 *   board_finalize()   after the irqchip's finalize(): the irqfds go live
 *   (the guest runs)
 *   board_reset()      after a guest reset (--reboot), vCPU threads joined:
 *                      every device back to power-on; then the guest runs again
 *   board_stop()       after the vCPU threads are joined: resets the devices
 *                      (their threads stop), unbinds, stops the fast paths
 *   board_destroy()    frees everything; safe on a board that failed to init
 */
#ifndef ARMLET_BOARD_H
#define ARMLET_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "fastpath_kvm.h"
#include "json.h"
#include "pci.h"
#include "vm.h"

#define BOARD_MAX_VIRTIO (CONFIG_MAX_DISKS + CONFIG_MAX_NICS + 2) /* disks, NICs, console, rng */

struct board_virtio;
struct virtio_console;

struct board {
	struct vm *vm;
	struct pci_host pci;
	bool pci_ready;
	struct fastpath_kvm fk;
	bool fk_ready;
	unsigned nr_virtio;
	struct board_virtio *virtio[BOARD_MAX_VIRTIO];
	struct virtio_console *console; /* --console virtio, else NULL */
	bool stopped;
};

/* Returns 0, or -errno with one line in err saying what failed and why. */
int board_init(struct board *b, struct vm *vm, char *err, size_t len);
int board_finalize(struct board *b, char *err, size_t len);
void board_reset(struct board *b);
void board_stop(struct board *b);
void board_destroy(struct board *b);

/*
 * Console input for --console virtio (the main loop's console sink): hands
 * bytes to hvc0's receive queue; returns how many the guest took.
 */
size_t board_console_input(void *board, const uint8_t *buf, size_t n);

/* Adds "pci" and "devices" members (per-device counters) to a run summary. */
void board_summary(const struct board *b, struct json *j);

/* Whether the board has a NIC (the sandbox then allows its sockets). */
bool board_has_net(const struct board *b);

/* Interrupts all devices have sent through irqfds so far. */
uint64_t board_irq_irqfd(const struct board *b);

#endif
