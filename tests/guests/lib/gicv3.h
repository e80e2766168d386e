/*
 * A minimal GICv3 driver (ARM IHI 0069), enough for the benchmark guest to
 * compare armlet's userspace GICv2 with the in-kernel vGICv3: the
 * distributor with affinity routing, each CPU's redistributor (its SGIs
 * and PPIs) and the system-register CPU interface, Group 1 only, as Linux
 * uses it under KVM. No SPIs; LPIs
 * through an ITS are lib/gicv3_its.h's.
 *
 * gicv3_present() tells the two GICs apart (a GICv2 VM has nothing at the
 * GICv3 ID registers, which read as zero). Call gicv3_dist_init() once on
 * CPU 0, then gicv3_cpu_init() on every CPU that takes interrupts.
 */
#ifndef GUEST_GICV3_H
#define GUEST_GICV3_H

#include "guest.h"

/* Where armlet puts the GICv3 (vmm/layout.c): 64 KiB GICD, 128 KiB per redistributor. */
#define GICV3_DIST_BASE	  0x3fff0000
#define GICV3_REDIST_BASE 0x3f7f0000
#define GICV3_REDIST_SIZE 0x20000

/* The bases the driver uses: armlet's, unless set from a device tree first. */
extern uintptr_t gicv3_dist_base, gicv3_redist_base;

/* The calling CPU's redistributor (its RD_base frame; SGI_base follows it). */
uintptr_t gicv3_redist(void);

/* Whether the VM's GIC is a GICv3: GICD_PIDR2.ArchRev. */
bool gicv3_present(void);

/* CPU 0, once: distributor on, affinity routing, Group 1. */
void gicv3_dist_init(void);

/*
 * Each CPU, for itself: wakes its redistributor, puts its SGIs and PPIs in
 * Group 1, disabled, at priority 0xa0, and turns on the system-register
 * CPU interface (PMR 0xff, EOImode 0, Group 1 enabled). PSTATE.I as it is.
 */
void gicv3_cpu_init(void);

/* An SGI or PPI of the calling CPU. */
void gicv3_private_enable(unsigned intid);

/* ICC_IAR1_EL1 / ICC_EOIR1_EL1: acknowledge (INTID, 1023 if none) and end. */
uint32_t gicv3_ack(void);
void gicv3_eoi(uint32_t iar);

/* ICC_SGI1R_EL1: SGI sgi to the CPU with logical index cpu (cpu_mpidr()). */
void gicv3_send_sgi(unsigned sgi, unsigned cpu);

#endif /* GUEST_GICV3_H */
