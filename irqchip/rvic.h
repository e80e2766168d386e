/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the two rvic backends share, with no KVM in it: the device-tree
 * nodes, the rVID's MSI doorbell, and the in-kernel rVIC's ioctl sequence
 * behind a small table of calls so a unit test can record it.
 *
 * The userspace rVIC (rvic_kvm.c, rvic_user_ops) runs rvic_model.h in
 * armlet; the in-kernel one (rvic_kernel_ops) is the 2020 series' KVM
 * device, which no merged kernel has.
 */
#ifndef ARMLET_RVIC_H
#define ARMLET_RVIC_H

#include <stdbool.h>
#include <stdint.h>

#include "../vmm/bus.h"

struct fdt_ctx;

/* The 2020 series' MSI doorbell: a write of data here is an edge on rVID input data. */
#define RVIC_DOORBELL	   0xba5e0000ull
#define RVIC_DOORBELL_SIZE 0x1000ull

/*
 * The rVID inputs: one per board SPI (devices' wired lines, then the MSI
 * block: msi-range in the DT), so a device's "SPI" is its rVID input.
 */
unsigned rvic_nr_inputs(void);

/*
 * The rVID input an MSI (addr, data) raises, or -EINVAL when addr is not
 * the doorbell or data names no input.
 */
int rvic_msi_input(uint64_t addr, uint32_t data);

/* The rVIC node (FDT_PHANDLE_INTC) and the rVID node (msi-parent of the PCI host). */
int rvic_fdt_node(const struct fdt_ctx *ctx);
unsigned rvic_fdt_spi_cells(unsigned spi, bool level, uint32_t *cells);
unsigned rvic_fdt_ppi_cells(unsigned intid, bool level, unsigned nr_cpus, uint32_t *cells);

/*
 * The doorbell as an MMIO region, for a guest CPU's own MSI writes (a
 * bare-metal test): a 32-bit write of data pulses input data through
 * pulse(ctx, input); anything else is ignored, reads are 0.
 */
struct rvic_doorbell {
	int (*pulse)(void *ctx, unsigned input);
	void *ctx;
};
extern const struct mmio_ops rvic_doorbell_mmio_ops;

/* --- the in-kernel rVIC's ioctls ----------------------------------------------- */

/*
 * vmm/kvm_uapi.h's ARMLET_KVM_DEV_TYPE_ARM_RVIC and groups, and KVM_IRQ_LINE's
 * SPI type (arch/arm64/include/uapi/asm/kvm.h), restated so this stays
 * portable; rvic_kvm.c checks them against KVM's.
 */
#define RVIC_KVM_DEV_TYPE	11
#define RVIC_KVM_GRP_NR_IRQS	0
#define RVIC_KVM_GRP_INIT	1
#define RVIC_KVM_IRQ_TYPE_SPI	1u
#define RVIC_KVM_IRQ_TYPE_SHIFT 24

struct rvic_kernel_ioctls {
	/* KVM_CREATE_DEVICE of type; with test, KVM_CREATE_DEVICE_TEST (no fd). -errno. */
	int (*create_device)(void *ctx, uint32_t type, bool test, int *fd);
	/* KVM_SET_DEVICE_ATTR on fd; val points at the attribute's value (or NULL). */
	int (*set_attr)(void *ctx, int fd, uint32_t group, uint64_t attr, const void *val);
	/* KVM_IRQ_LINE with irq and level. */
	int (*irq_line)(void *ctx, uint32_t irq, bool level);
};

/* Whether the host's KVM can create the rVIC device (test only, nothing made). */
int rvic_kernel_probe(const struct rvic_kernel_ioctls *io, void *ctx);
/* Creates the device; *fd gets it. After KVM_CREATE_VM, before any vCPU. */
int rvic_kernel_create(const struct rvic_kernel_ioctls *io, void *ctx, int *fd);
/* NR_IRQS (nr_trusted, nr_total), then INIT. After every vCPU exists. */
int rvic_kernel_finalize(const struct rvic_kernel_ioctls *io, void *ctx, int fd,
			 unsigned nr_trusted, unsigned nr_total);
/* rVID input to level: KVM_IRQ_LINE, type SPI. -EINVAL for no such input. */
int rvic_kernel_input(const struct rvic_kernel_ioctls *io, void *ctx, unsigned input, bool level);

#endif
