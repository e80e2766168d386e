/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device tree armlet hands the guest, built with libfdt from struct vm:
 * memory, cpus, psci, timer, the irqchip's node and one node per device on
 * the MMIO bus that has an fdt_node op. Portable: the unit tests build it
 * from a hand-made struct vm and parse it back.
 */
#ifndef ARMLET_FDT_H
#define ARMLET_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;

/* Handed to every node builder. */
struct fdt_ctx {
	void *fdt; /* the blob under construction */
	const struct vm *vm;
	uint32_t intc_phandle; /* the interrupt controller's phandle */
};

/* Phandles armlet assigns; fixed so tests and dumps are stable. */
enum fdt_phandle {
	FDT_PHANDLE_INTC = 1,
	FDT_PHANDLE_ITS,  /* the GICv3 ITS (gicv3-its) */
	FDT_PHANDLE_V2M,  /* the GICv2m frame (gicv2m) */
	FDT_PHANDLE_RVID, /* the rVID (rvic): the PCI host's msi-parent */
};

/*
 * Builds the DTB for vm into buf (size bytes) and packs it. Needs vm's
 * config, RAM, vCPU MPIDRs, boot placement and irqchip. Returns the blob's
 * size or -errno (-ENOSPC when size is too small).
 */
int fdt_build(const struct vm *vm, void *buf, size_t size);

/*
 * Adds /<name>@<base> with compatible, a reg of size bytes, its SPI as the
 * interrupt (edge when !level) and, if nonzero, clock-frequency.
 * Returns the node offset or -errno.
 */
int fdt_add_device_node(const struct fdt_ctx *ctx, const char *name, const char *compatible,
			uint64_t base, uint64_t size, unsigned spi, bool level, uint32_t clock);

/*
 * Maps a libfdt result to armlet's convention: values >= 0 (offsets, 0 for
 * success) pass through; -FDT_ERR_NOSPACE becomes -ENOSPC (the blob is too
 * small), any other libfdt error -EINVAL.
 */
int fdt_errno(int err);

/* Sets "reg" to <base size> pairs of 2 cells each. */
int fdt_set_reg(void *fdt, int node, const uint64_t *pairs, unsigned nr_pairs);

#endif
