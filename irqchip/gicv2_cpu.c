// SPDX-License-Identifier: GPL-2.0-only
/*
 * The user GICv2's CPU interface registers (IHI 0048B, "CPU interface
 * register descriptions"): acknowledge, priority drop and deactivation.
 * Called from gicv2_model.c with the lock held, a valid CPU and a naturally
 * aligned access inside the 8 KiB frame. Every register is 32-bit only.
 */
#include "gicv2_internal.h"

/* The SGI source an acknowledge would report: the lowest-numbered CPU. */
static unsigned sgi_source(const struct gicv2_cpu *c, unsigned sgi)
{
	return (unsigned)__builtin_ctz(c->sgi_sources[sgi]);
}

/* GICC_HPPIR: what GICC_IAR would return, ignoring GICC_PMR and preemption. */
static uint32_t hppir_read(struct gicv2_model *g, unsigned cpu)
{
	const struct gicv2_cpu *c = &g->cpu[cpu];
	uint8_t prio;
	unsigned intid;

	if (!(c->ctlr & GICC_CTLR_GRP0))
		return GICV2_SPURIOUS;
	intid = gicv2_hppi(g, cpu, &prio);
	if (intid < GICV2_NR_SGIS)
		return intid | sgi_source(c, intid) << 10;
	return intid;
}

/*
 * GICC_IAR: acknowledges the highest-priority pending interrupt if it
 * can be signalled now (else 1023, the spurious INTID): it becomes active,
 * an edge or ISPENDR pending state is consumed (a level interrupt whose
 * line is still high is left active and pending), and its group priority
 * becomes the running priority through GICC_APR0.
 */
static uint32_t iar_read(struct gicv2_model *g, unsigned cpu)
{
	struct gicv2_cpu *c = &g->cpu[cpu];
	struct gicv2_irq *irq;
	uint32_t ret;
	uint8_t prio;
	unsigned intid;

	if (!(c->ctlr & GICC_CTLR_GRP0))
		return GICV2_SPURIOUS;
	intid = gicv2_hppi(g, cpu, &prio);
	if (intid == GICV2_SPURIOUS || !gicv2_can_signal(g, cpu, prio))
		return GICV2_SPURIOUS;
	irq = gicv2_irq(g, cpu, intid);
	ret = intid;
	if (intid < GICV2_NR_SGIS) {
		unsigned src = sgi_source(c, intid);

		c->sgi_sources[intid] &= (uint8_t) ~(1u << src);
		ret |= src << 10;
	} else {
		irq->latched = false;
	}
	irq->active = true;
	c->apr |= 1u << (gicv2_group_prio(prio, c->bpr) >> 3);
	__atomic_fetch_add(&g->acks, 1, __ATOMIC_RELAXED);
	return ret;
}

/* Deactivation (GICC_EOIR with EOImode 0, GICC_DIR with EOImode 1). */
static void deactivate(struct gicv2_model *g, unsigned cpu, uint32_t val)
{
	struct gicv2_irq *irq = gicv2_irq(g, cpu, GICV2_IAR_INTID(val));

	/* The SGI CPUID field does not matter: active is per SGI, not per source. */
	if (irq)
		irq->active = false;
}

/*
 * GICC_EOIR: priority drop, of the highest active priority (the GIC
 * assumes EOIs in the reverse order of acknowledges; anything else is
 * UNPREDICTABLE), then deactivation unless EOImode is 1. A spurious or
 * unimplemented INTID, or an EOI with nothing active, is ignored.
 */
static void eoir_write(struct gicv2_model *g, unsigned cpu, uint32_t val)
{
	struct gicv2_cpu *c = &g->cpu[cpu];

	if (GICV2_IAR_INTID(val) >= g->nr_irqs || !c->apr)
		return;
	c->apr &= c->apr - 1;
	if (!(c->ctlr & GICC_CTLR_EOIMODE))
		deactivate(g, cpu, val);
}

/* GICC_DIR is UNPREDICTABLE with EOImode 0: ignored, as QEMU does. */
static void dir_write(struct gicv2_model *g, unsigned cpu, uint32_t val)
{
	if (g->cpu[cpu].ctlr & GICC_CTLR_EOIMODE)
		deactivate(g, cpu, val);
}

static uint8_t bpr_clamp(uint32_t val, uint8_t min)
{
	uint8_t bpr = val & 7;

	return bpr < min ? min : bpr;
}

uint64_t gicv2_cpu_read(struct gicv2_model *g, unsigned cpu, uint64_t off, unsigned len)
{
	const struct gicv2_cpu *c = &g->cpu[cpu];

	if (len != 4)
		return 0;
	switch (off) {
	case GICC_CTLR: return c->ctlr;
	case GICC_PMR: return c->pmr;
	case GICC_BPR: return c->bpr;
	case GICC_IAR: return iar_read(g, cpu);
	case GICC_RPR: return gicv2_running_prio(c);
	case GICC_HPPIR: return hppir_read(g, cpu);
	case GICC_ABPR: return c->abpr;
	/* No interrupt is ever Group 1: the Group 1 aliases see nothing. */
	case GICC_AIAR:
	case GICC_AHPPIR: return GICV2_SPURIOUS;
	case GICC_APR0: return c->apr;
	case GICC_IIDR: return GICV2_GICC_IIDR;
	}
	/* APR1-3 (5 priority bits need one), NSAPRn, WO and reserved: RAZ. */
	return 0;
}

void gicv2_cpu_write(struct gicv2_model *g, unsigned cpu, uint64_t off, unsigned len, uint64_t val)
{
	struct gicv2_cpu *c = &g->cpu[cpu];

	if (len != 4)
		return;
	switch (off) {
	case GICC_CTLR: c->ctlr = (uint32_t)val & GICC_CTLR_MASK; break;
	case GICC_PMR: c->pmr = (uint8_t)val & GICV2_PRIO_MASK; break;
	case GICC_BPR: c->bpr = bpr_clamp((uint32_t)val, GICV2_BPR_MIN); break;
	case GICC_EOIR: eoir_write(g, cpu, (uint32_t)val); break;
	case GICC_ABPR: c->abpr = bpr_clamp((uint32_t)val, GICV2_ABPR_MIN); break;
	/* For save/restore; other values than those read are UNPREDICTABLE. */
	case GICC_APR0: c->apr = (uint32_t)val; break;
	case GICC_DIR: dir_write(g, cpu, (uint32_t)val); break;
	}
	/* GICC_AEOIR (no Group 1 interrupt to end), RO, reserved: WI. */
}
