/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A GICv2m MSI frame (Arm Server Base System Architecture, GICv2m
 * appendix; Linux drivers/irqchip/irq-gic-v2m.c): a 4 KiB MMIO page that
 * owns a block of SPIs. MSI_TYPER tells the guest which; a write of an
 * SPI's INTID to MSI_SETSPI_NS raises that SPI as an edge. The guest's PCI
 * devices get SETSPI_NS's address and the INTID as their MSI message.
 *
 * Portable: the frame only decodes. Raising the SPI is the owner's pulse()
 * (the in-kernel vGICv2: KVM_IRQ_LINE up then down), so the unit tests
 * drive the frame with a recorder. Under KVM, MSIs from armlet's own
 * devices never reach the frame: fastpath_kvm.c asks gicv2m_msi_spi() once
 * and binds an irqfd to that SPI.
 */
#ifndef ARMLET_GICV2M_H
#define ARMLET_GICV2M_H

#include <stdint.h>

#include "../vmm/bus.h"

#define GICV2M_FRAME_SIZE  0x1000
#define GICV2M_MSI_TYPER   0x008 /* [25:16] first SPI's INTID, [9:0] number of SPIs */
#define GICV2M_SETSPI_NS   0x040 /* write an INTID: that SPI goes pending */
#define GICV2M_MSI_IIDR	   0xfcc
#define GICV2M_INTID_MASK  0x3ff /* SETSPI_NS and MSI_TYPER carry 10-bit INTIDs */
#define GICV2M_TYPER_SHIFT 16

/*
 * armlet's MSI_IIDR: ProductID 'a' for armlet (QEMU's frame says 'Q'),
 * implementer 0. Linux takes two other values for errata that change the
 * MSI data (X-Gene's 0x06000170, NS2's 0x0000013f); this is neither.
 */
#define GICV2M_IIDR ((uint32_t)'a' << 20)

struct gicv2m {
	uint64_t base;	  /* guest physical address of the frame */
	unsigned spi;	  /* first SPI of the block, 0-based (INTID 32 + spi) */
	unsigned nr_spis; /* at most GICV2M_INTID_MASK + 1 - 32 - spi */
	/* Raises SPI spi as one edge; from vCPU threads, so thread-safe. */
	int (*pulse)(void *ctx, unsigned spi);
	void *ctx;
};

/* Sets up f; the block must fit below INTID 1020. Returns 0 or -EINVAL. */
int gicv2m_init(struct gicv2m *f, uint64_t base, unsigned spi, unsigned nr_spis,
		int (*pulse)(void *ctx, unsigned spi), void *ctx);

/*
 * The SPI (0-based) a write of data to guest physical address addr raises,
 * decoded as the frame decodes a SETSPI_NS write (INTID in bits [9:0]), or
 * -EINVAL when the frame would ignore it: addr is not SETSPI_NS, or the
 * INTID is outside the block.
 */
int gicv2m_msi_spi(const struct gicv2m *f, uint64_t addr, uint32_t data);

/*
 * The frame's registers on the MMIO bus (opaque: the struct gicv2m).
 * Reads of MSI_TYPER and MSI_IIDR as 32 bits return them; anything else
 * reads as zero. 16- and 32-bit writes to SETSPI_NS pulse the SPI they
 * name if it is in the block; every other write is ignored.
 */
extern const struct mmio_ops gicv2m_mmio_ops;

#endif
