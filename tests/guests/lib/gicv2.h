/*
 * A minimal GICv2 driver for test guests (ARM IHI 0048B), and the IRQ
 * dispatch that goes with it.
 *
 * armlet's GICv2 models (--irqchip=gicv2-user, gicv2, gicv2m) put the
 * distributor and the CPU interface where kvmtool does. Every interrupt is
 * Group 0 and signalled as IRQ (one Security state, as a guest under KVM
 * sees its GIC), so GICD_CTLR and GICC_CTLR only need EnableGrp0.
 *
 * Call gic_dist_init() once, on CPU 0, before any CPU calls gic_cpu_init();
 * then every CPU that takes interrupts calls gic_cpu_init() itself (the
 * SGI/PPI registers and the CPU interface are banked per CPU). Register
 * accesses are single 32-bit or 8-bit MMIO accesses (lib/arm64.h).
 */
#ifndef GUEST_GICV2_H
#define GUEST_GICV2_H

#include "guest.h"

/* ---- Where armlet puts the GIC (vmm/layout.c) -------------------------- */

#define GICV2_DIST_BASE 0x3fff0000 /* 4 KiB */
#define GICV2_CPU_BASE	0x3ffd0000 /* 8 KiB: GICC_DIR is at 0x1000 */

/*
 * The bases the accessors use: armlet's, unless a guest that also runs
 * elsewhere (bench_exits, under QEMU) sets them from its device tree first.
 */
extern uintptr_t gicv2_dist_base, gicv2_cpu_base;
#define GICV2M_BASE 0x3ffcf000 /* GICv2m MSI frame (gicv2-user, gicv2m only) */

/* INTIDs (IHI 0048B §2.2.1). */
#define GIC_NR_SGIS	   16
#define GIC_NR_PRIVATE	   32
#define GIC_MAX_INTID	   1020 /* 1020..1023 are special */
#define GIC_INTID_SPURIOUS 1023
#define GIC_SPI(n)	   (GIC_NR_PRIVATE + (n))
#define GIC_SPI_UART	   GIC_SPI(0) /* the 16550's THRE/RDI interrupt, level */
#define GIC_PPI_VIRT_TIMER 27
#define GIC_PPI_PHYS_TIMER 30

/* Distributor registers (IHI 0048B §4.3, Table 4-1). */
#define GICD_CTLR	0x000
#define GICD_TYPER	0x004
#define GICD_IIDR	0x008
#define GICD_IGROUPR	0x080
#define GICD_ISENABLER	0x100
#define GICD_ICENABLER	0x180
#define GICD_ISPENDR	0x200
#define GICD_ICPENDR	0x280
#define GICD_ISACTIVER	0x300
#define GICD_ICACTIVER	0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR	0x800
#define GICD_ICFGR	0xc00
#define GICD_SGIR	0xf00
#define GICD_CPENDSGIR	0xf10
#define GICD_SPENDSGIR	0xf20

#define GICD_CTLR_ENABLE	(1u << 0)
#define GICD_TYPER_ITLINES(v)	((v)&0x1f)
#define GICD_TYPER_CPUNUMBER(v) (((v) >> 5) & 7)
#define GICD_SGIR_FILTER_LIST	(0u << 24) /* the CPUs in CPUTargetList */
#define GICD_SGIR_FILTER_OTHERS (1u << 24) /* every CPU but the writer */
#define GICD_SGIR_FILTER_SELF	(2u << 24) /* the writer only */
#define GICD_SGIR_TARGETS(mask) (((uint32_t)(mask)&0xff) << 16)

/* CPU interface registers (IHI 0048B §4.4, Table 4-2). */
#define GICC_CTLR  0x0000
#define GICC_PMR   0x0004
#define GICC_BPR   0x0008
#define GICC_IAR   0x000c
#define GICC_EOIR  0x0010
#define GICC_RPR   0x0014
#define GICC_HPPIR 0x0018
#define GICC_IIDR  0x00fc
#define GICC_DIR   0x1000

#define GICC_CTLR_ENABLE  (1u << 0) /* EnableGrp0 */
#define GICC_CTLR_EOIMODE (1u << 9) /* EOImodeS: EOIR drops priority, DIR deactivates */
#define GICC_IAR_INTID(v) ((v)&0x3ff)
#define GICC_IAR_CPUID(v) (((v) >> 10) & 7) /* SGIs: the CPU that sent it */

/* The priority gic_dist_init() and gic_cpu_init() give every interrupt. */
#define GIC_PRIO_DEFAULT 0xa0

/* ---- Registers ---------------------------------------------------------- */

static inline uint32_t gicd_read(uint32_t off)
{
	return mmio_read32(gicv2_dist_base + off);
}
static inline void gicd_write(uint32_t off, uint32_t val)
{
	mmio_write32(gicv2_dist_base + off, val);
}
static inline uint8_t gicd_read8(uint32_t off)
{
	return mmio_read8(gicv2_dist_base + off);
}
static inline void gicd_write8(uint32_t off, uint8_t val)
{
	mmio_write8(gicv2_dist_base + off, val);
}
static inline uint32_t gicc_read(uint32_t off)
{
	return mmio_read32(gicv2_cpu_base + off);
}
static inline void gicc_write(uint32_t off, uint32_t val)
{
	mmio_write32(gicv2_cpu_base + off, val);
}

/* The word of a one-bit-per-interrupt register (ISENABLER...) holding intid, and its bit. */
#define GICD_BIT_REG(base, intid) ((base) + ((intid) / 32) * 4)
#define GICD_BIT(intid)		  (1u << ((intid) % 32))

/* ---- Distributor --------------------------------------------------------- */

/* Interrupts the distributor implements: 32 * (GICD_TYPER.ITLinesNumber + 1). */
unsigned gic_nr_irqs(void);
/* CPU interfaces: GICD_TYPER.CPUNumber + 1. */
unsigned gic_nr_cpus(void);

/*
 * CPU 0, once: distributor off, every SPI disabled, not pending, not
 * active, level-sensitive, GIC_PRIO_DEFAULT, targeting CPU 0; then on.
 */
void gic_dist_init(void);

/*
 * Each CPU, for itself: its SGIs and PPIs disabled, not pending, not
 * active, at GIC_PRIO_DEFAULT; the CPU interface on with EOImode 0 and
 * the priority mask open (GICC_PMR 0xff). PSTATE.I is left as it is.
 */
void gic_cpu_init(void);

void gic_irq_enable(unsigned intid);
void gic_irq_disable(unsigned intid);
bool gic_irq_enabled(unsigned intid);
void gic_irq_set_pending(unsigned intid); /* not SGIs: GICD_ISPENDR0's SGI bits are WI */
void gic_irq_clear_pending(unsigned intid);
bool gic_irq_pending(unsigned intid);
void gic_irq_set_active(unsigned intid);
void gic_irq_clear_active(unsigned intid);
bool gic_irq_active(unsigned intid);
void gic_irq_set_priority(unsigned intid, uint8_t prio); /* byte access */
uint8_t gic_irq_priority(unsigned intid);
void gic_irq_set_targets(unsigned intid, uint8_t cpu_mask); /* SPIs; byte access */
uint8_t gic_irq_targets(unsigned intid);
void gic_irq_set_edge(unsigned intid, bool edge); /* SPIs: edge, else level */

/*
 * GICD_SGIR: SGI sgi with a GICD_SGIR_FILTER_* and, for the list filter,
 * GICD_SGIR_TARGETS(mask). Earlier stores are visible to the targets' handlers.
 */
void gic_send_sgi(unsigned sgi, uint32_t filter_and_targets);

/*
 * CPU 0, after gic_dist_init(): starts CPUs 1..nr-1 with cpu_on(); each runs
 * gic_cpu_init(), unmasks IRQs and then serves smp_call()s. Returns 0 once
 * all of them are serving, else the first CPU that CPU_ON refused or that
 * did not come up within timeout_ms.
 */
unsigned gic_start_cpus(unsigned nr, uint64_t timeout_ms);

/* ---- CPU interface ------------------------------------------------------- */

static inline uint32_t gic_ack(void)
{
	return gicc_read(GICC_IAR);
}
static inline void gic_eoi(uint32_t iar)
{
	gicc_write(GICC_EOIR, iar);
}
static inline void gic_deactivate(uint32_t iar)
{
	gicc_write(GICC_DIR, iar);
}

/* ---- IRQ dispatch ------------------------------------------------------- */

/*
 * Called on the CPU that acknowledged the interrupt, with PSTATE.I set, with
 * the GICC_IAR value (INTID, and for an SGI the source CPU). The dispatcher
 * writes GICC_EOIR with it once the handler returns: so a level-sensitive
 * source must be quietened first, and under EOImode 1 the interrupt stays
 * active until someone writes GICC_DIR.
 */
typedef void (*gic_handler_fn)(uint32_t iar);

/*
 * Handle intid with fn on every CPU (NULL: an interrupt on intid FAILs
 * with FAIL_UNEXPECTED_IRQ | intid). The first call also installs the
 * dispatcher as the EXC_IRQ handler. Each IRQ exception acknowledges one
 * interrupt: a spurious INTID (1023) is ignored.
 */
void gic_handler_set(unsigned intid, gic_handler_fn fn);

#endif /* GUEST_GICV2_H */
