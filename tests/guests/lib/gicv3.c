/* GICv3 distributor, redistributor and system-register CPU interface. */
#include "gicv3.h"

uintptr_t gicv3_dist_base = GICV3_DIST_BASE, gicv3_redist_base = GICV3_REDIST_BASE;

#define GICD_CTLR	      0x0000
#define GICD_PIDR2	      0xffe8
#define GICD_CTLR_ENABLE_GRP1 (1u << 1)
#define GICD_CTLR_ARE	      (1u << 4)
#define GICD_CTLR_RWP	      (1u << 31)
#define GICR_WAKER	      0x0014
#define GICR_WAKER_SLEEP      (1u << 1) /* ProcessorSleep */
#define GICR_WAKER_ASLEEP     (1u << 2) /* ChildrenAsleep */
#define GICR_SGI_BASE	      0x10000	/* the second 64 KiB frame */
#define GICR_IGROUPR0	      (GICR_SGI_BASE + 0x080)
#define GICR_ISENABLER0	      (GICR_SGI_BASE + 0x100)
#define GICR_ICENABLER0	      (GICR_SGI_BASE + 0x180)
#define GICR_ICPENDR0	      (GICR_SGI_BASE + 0x280)
#define GICR_IPRIORITYR	      (GICR_SGI_BASE + 0x400)
#define GICV3_PRIO_DEFAULT    0xa0
#define GICV3_WAIT_SPINS      1000000

/* By encoding: assemblers differ in which ICC_* names they know. */
#define ICC_PMR_EL1	s3_0_c4_c6_0
#define ICC_IAR1_EL1	s3_0_c12_c12_0
#define ICC_EOIR1_EL1	s3_0_c12_c12_1
#define ICC_BPR1_EL1	s3_0_c12_c12_3
#define ICC_CTLR_EL1	s3_0_c12_c12_4
#define ICC_SRE_EL1	s3_0_c12_c12_5
#define ICC_IGRPEN1_EL1 s3_0_c12_c12_7
#define ICC_SGI1R_EL1	s3_0_c12_c11_5

#define read_icc(reg)	    read_sysreg(reg)
#define write_icc(reg, val) write_sysreg(reg, val)

uintptr_t gicv3_redist(void)
{
	return gicv3_redist_base + (uintptr_t)this_cpu() * GICV3_REDIST_SIZE;
}

bool gicv3_present(void)
{
	return ((mmio_read32(gicv3_dist_base + GICD_PIDR2) >> 4) & 0xf) == 3;
}

void gicv3_dist_init(void)
{
	mmio_write32(gicv3_dist_base + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_GRP1);
	for (unsigned i = 0; i < GICV3_WAIT_SPINS; i++) {
		if (!(mmio_read32(gicv3_dist_base + GICD_CTLR) & GICD_CTLR_RWP))
			break;
	}
}

void gicv3_cpu_init(void)
{
	uintptr_t rd = gicv3_redist();

	mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	for (unsigned i = 0; i < GICV3_WAIT_SPINS; i++) {
		if (!(mmio_read32(rd + GICR_WAKER) & GICR_WAKER_ASLEEP))
			break;
	}
	mmio_write32(rd + GICR_ICENABLER0, ~0u);
	mmio_write32(rd + GICR_ICPENDR0, ~0u);
	mmio_write32(rd + GICR_IGROUPR0, ~0u);
	for (unsigned i = 0; i < 32; i += 4)
		mmio_write32(rd + GICR_IPRIORITYR + i, GICV3_PRIO_DEFAULT * 0x01010101u);

	write_icc(ICC_SRE_EL1, read_icc(ICC_SRE_EL1) | 1); /* SRE: system registers */
	isb();
	write_icc(ICC_PMR_EL1, 0xff);
	write_icc(ICC_BPR1_EL1, 0);
	write_icc(ICC_CTLR_EL1, 0); /* EOImode 0: EOIR also deactivates */
	write_icc(ICC_IGRPEN1_EL1, 1);
	isb();
}

void gicv3_private_enable(unsigned intid)
{
	mmio_write32(gicv3_redist() + GICR_ISENABLER0, 1u << (intid & 31));
}

uint32_t gicv3_ack(void)
{
	uint32_t iar = (uint32_t)read_icc(ICC_IAR1_EL1);

	dsb_sy(); /* the acknowledge completes before the handler's effects */
	return iar;
}

void gicv3_eoi(uint32_t iar)
{
	write_icc(ICC_EOIR1_EL1, iar);
	isb();
}

/* ICC_SGI1R_EL1: INTID [27:24], Aff3 [55:48], Aff2 [39:32], Aff1 [23:16], TargetList [15:0]. */
void gicv3_send_sgi(unsigned sgi, unsigned cpu)
{
	uint64_t mpidr = cpu_mpidr(cpu);
	uint64_t val = (uint64_t)(sgi & 0xf) << 24 | ((mpidr >> 16) & 0xff) << 32 |
		       ((mpidr >> 8) & 0xff) << 16 | 1u << (mpidr & 0xf);

	dsb_sy(); /* stores before the SGI are visible to its handler */
	write_icc(ICC_SGI1R_EL1, val);
	isb();
}
