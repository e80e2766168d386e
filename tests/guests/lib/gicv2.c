/* GICv2 distributor and CPU interface set-up, and the IRQ dispatcher. */
#include "gicv2.h"

uintptr_t gicv2_dist_base = GICV2_DIST_BASE, gicv2_cpu_base = GICV2_CPU_BASE;

static gic_handler_fn volatile gic_handlers[GIC_MAX_INTID];

unsigned gic_nr_irqs(void)
{
	unsigned n = 32 * (GICD_TYPER_ITLINES(gicd_read(GICD_TYPER)) + 1);

	return n > GIC_MAX_INTID ? GIC_MAX_INTID : n;
}

unsigned gic_nr_cpus(void)
{
	return GICD_TYPER_CPUNUMBER(gicd_read(GICD_TYPER)) + 1;
}

/* Byte n of a word holding four 8-bit fields, replicated. */
#define PRIO_WORD(p) ((uint32_t)(p)*0x01010101u)

void gic_dist_init(void)
{
	unsigned nr = gic_nr_irqs();

	gicd_write(GICD_CTLR, 0);
	for (unsigned i = GIC_NR_PRIVATE; i < nr; i += 32) {
		gicd_write(GICD_BIT_REG(GICD_ICENABLER, i), ~0u);
		gicd_write(GICD_BIT_REG(GICD_ICPENDR, i), ~0u);
		gicd_write(GICD_BIT_REG(GICD_ICACTIVER, i), ~0u);
	}
	for (unsigned i = GIC_NR_PRIVATE; i < nr; i += 16)
		gicd_write(GICD_ICFGR + i / 4, 0);
	for (unsigned i = GIC_NR_PRIVATE; i < nr; i += 4) {
		gicd_write(GICD_IPRIORITYR + i, PRIO_WORD(GIC_PRIO_DEFAULT));
		gicd_write(GICD_ITARGETSR + i, 0x01010101u);
	}
	gicd_write(GICD_CTLR, GICD_CTLR_ENABLE);
}

void gic_cpu_init(void)
{
	gicc_write(GICC_CTLR, 0);
	gicd_write(GICD_ICENABLER, ~0u);
	gicd_write(GICD_ICPENDR, ~0u); /* SGI bits are WI here: see GICD_CPENDSGIR */
	gicd_write(GICD_ICACTIVER, ~0u);
	for (unsigned i = 0; i < GIC_NR_SGIS; i += 4)
		gicd_write(GICD_CPENDSGIR + i, ~0u);
	for (unsigned i = 0; i < GIC_NR_PRIVATE; i += 4)
		gicd_write(GICD_IPRIORITYR + i, PRIO_WORD(GIC_PRIO_DEFAULT));
	gicc_write(GICC_PMR, 0xff);
	gicc_write(GICC_BPR, 0); /* clamped to the minimum: all priority bits preempt */
	gicc_write(GICC_CTLR, GICC_CTLR_ENABLE);
}

void gic_irq_enable(unsigned intid)
{
	gicd_write(GICD_BIT_REG(GICD_ISENABLER, intid), GICD_BIT(intid));
}

void gic_irq_disable(unsigned intid)
{
	gicd_write(GICD_BIT_REG(GICD_ICENABLER, intid), GICD_BIT(intid));
}

bool gic_irq_enabled(unsigned intid)
{
	return gicd_read(GICD_BIT_REG(GICD_ISENABLER, intid)) & GICD_BIT(intid);
}

void gic_irq_set_pending(unsigned intid)
{
	gicd_write(GICD_BIT_REG(GICD_ISPENDR, intid), GICD_BIT(intid));
}

void gic_irq_clear_pending(unsigned intid)
{
	gicd_write(GICD_BIT_REG(GICD_ICPENDR, intid), GICD_BIT(intid));
}

bool gic_irq_pending(unsigned intid)
{
	return gicd_read(GICD_BIT_REG(GICD_ISPENDR, intid)) & GICD_BIT(intid);
}

void gic_irq_set_active(unsigned intid)
{
	gicd_write(GICD_BIT_REG(GICD_ISACTIVER, intid), GICD_BIT(intid));
}

void gic_irq_clear_active(unsigned intid)
{
	gicd_write(GICD_BIT_REG(GICD_ICACTIVER, intid), GICD_BIT(intid));
}

bool gic_irq_active(unsigned intid)
{
	return gicd_read(GICD_BIT_REG(GICD_ISACTIVER, intid)) & GICD_BIT(intid);
}

void gic_irq_set_priority(unsigned intid, uint8_t prio)
{
	gicd_write8(GICD_IPRIORITYR + intid, prio);
}

uint8_t gic_irq_priority(unsigned intid)
{
	return gicd_read8(GICD_IPRIORITYR + intid);
}

void gic_irq_set_targets(unsigned intid, uint8_t cpu_mask)
{
	gicd_write8(GICD_ITARGETSR + intid, cpu_mask);
}

uint8_t gic_irq_targets(unsigned intid)
{
	return gicd_read8(GICD_ITARGETSR + intid);
}

/* GICD_ICFGRn is word-access only: read-modify-write Int_config[1] of intid. */
void gic_irq_set_edge(unsigned intid, bool edge)
{
	uint32_t off = GICD_ICFGR + (intid / 16) * 4;
	uint32_t bit = 2u << (2 * (intid % 16));
	uint32_t val = gicd_read(off);

	gicd_write(off, edge ? val | bit : val & ~bit);
}

void gic_send_sgi(unsigned sgi, uint32_t filter_and_targets)
{
	/* The GICD write is Device memory, but the data may be Normal elsewhere. */
	dsb_sy();
	gicd_write(GICD_SGIR, filter_and_targets | (sgi & 0xf));
}

static volatile uint32_t gic_cpu_up[GUEST_MAX_CPUS];

static void gic_secondary(unsigned cpu)
{
	gic_cpu_init();
	local_irq_enable();
	smp_flag_set(&gic_cpu_up[cpu], 1);
	smp_serve(cpu);
}

unsigned gic_start_cpus(unsigned nr, uint64_t timeout_ms)
{
	for (unsigned cpu = 1; cpu < nr; cpu++) {
		if (cpu_on(cpu, gic_secondary) != PSCI_RET_SUCCESS)
			return cpu;
	}
	for (unsigned cpu = 1; cpu < nr; cpu++) {
		if (!smp_flag_wait(&gic_cpu_up[cpu], 1, timeout_ms))
			return cpu;
	}
	return 0;
}

static void gic_dispatch(struct exc_frame *frame)
{
	unsigned cpu = this_cpu();
	uint32_t iar, intid;
	gic_handler_fn fn;

	(void)frame;
	iar = gic_ack();
	intid = GICC_IAR_INTID(iar);
	if (intid >= GIC_MAX_INTID)
		return; /* spurious: someone else took it, or it went away */
	fn = gic_handlers[intid];
	if (!fn)
		test_fail(FAIL_UNEXPECTED_IRQ | intid,
			  "cpu %u: interrupt %u (IAR 0x%x) has no handler", cpu, intid, iar);
	fn(iar);
	gic_eoi(iar);
}

void gic_handler_set(unsigned intid, gic_handler_fn fn)
{
	if (intid >= GIC_MAX_INTID)
		test_fail(FAIL_UNEXPECTED_IRQ | intid, "gic_handler_set(%u): no such INTID", intid);
	gic_handlers[intid] = fn;
	exception_handler_set(EXC_IRQ, gic_dispatch); /* with a barrier */
}
