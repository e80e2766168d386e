// SPDX-License-Identifier: GPL-2.0-only
/*
 * The user GICv2's state, inputs and outputs, and the prioritization that
 * decides what each CPU interface signals (IHI 0048B chapter 3, "Interrupt
 * Handling and Prioritization"). The register
 * decoding is in gicv2_dist.c and gicv2_cpu.c.
 */
#include <errno.h>
#include <string.h>

#include "gicv2_internal.h"

struct gicv2_irq *gicv2_irq(struct gicv2_model *g, unsigned cpu, unsigned intid)
{
	if (intid < GICV2_NR_PRIVATE)
		return &g->cpu[cpu].priv[intid];
	if (intid < g->nr_irqs)
		return &g->spi[intid - GICV2_NR_PRIVATE];
	return NULL;
}

bool gicv2_irq_pending(const struct gicv2_model *g, unsigned cpu, unsigned intid,
		       const struct gicv2_irq *irq)
{
	if (intid < GICV2_NR_SGIS)
		return g->cpu[cpu].sgi_sources[intid] != 0;
	return irq->latched || (!irq->edge && irq->line);
}

uint8_t gicv2_cpu_mask(const struct gicv2_model *g)
{
	return (uint8_t)((1u << g->nr_cpus) - 1);
}

/* Whether irq (INTID intid) competes for cpu's attention. */
static bool forwardable(const struct gicv2_model *g, unsigned cpu, unsigned intid,
			const struct gicv2_irq *irq)
{
	/*
	 * An active interrupt is not forwarded again, even when also pending,
	 * until it is deactivated: that is what stops a level interrupt whose
	 * line is still high from being taken twice.
	 */
	if (!irq->enabled || irq->active || !gicv2_irq_pending(g, cpu, intid, irq))
		return false;
	return intid < GICV2_NR_PRIVATE || (irq->targets & (1u << cpu));
}

unsigned gicv2_hppi(struct gicv2_model *g, unsigned cpu, uint8_t *prio)
{
	unsigned best = GICV2_SPURIOUS;
	unsigned best_prio = 0x100;

	if (!g->enabled)
		return GICV2_SPURIOUS;
	for (unsigned intid = 0; intid < g->nr_irqs; intid++) {
		const struct gicv2_irq *irq = gicv2_irq(g, cpu, intid);

		if (irq->priority < best_prio && forwardable(g, cpu, intid, irq)) {
			best = intid;
			best_prio = irq->priority;
		}
	}
	*prio = (uint8_t)best_prio;
	return best;
}

uint8_t gicv2_group_prio(uint8_t prio, uint8_t bpr)
{
	return (uint8_t)(prio & (0xffu << (bpr + 1)));
}

uint8_t gicv2_running_prio(const struct gicv2_cpu *c)
{
	if (!c->apr)
		return GICV2_IDLE_PRIO;
	return (uint8_t)(__builtin_ctz(c->apr) << 3);
}

bool gicv2_can_signal(const struct gicv2_model *g, unsigned cpu, uint8_t prio)
{
	const struct gicv2_cpu *c = &g->cpu[cpu];

	/*
	 * Priority masking (GICC_PMR) uses the whole priority; preemption
	 * compares only its group priority with the running priority, which
	 * is itself a group priority (GICC_APR0's, recorded at acknowledge
	 * under the BPR of the time; GICC_RPR "as if the BPR was set to the
	 * minimum value").
	 */
	return prio < c->pmr && gicv2_group_prio(prio, c->bpr) < gicv2_running_prio(c);
}

static bool cpu_signals(struct gicv2_model *g, unsigned cpu)
{
	uint8_t prio;

	if (!(g->cpu[cpu].ctlr & GICC_CTLR_GRP0))
		return false;
	if (gicv2_hppi(g, cpu, &prio) == GICV2_SPURIOUS)
		return false;
	return gicv2_can_signal(g, cpu, prio);
}

uint32_t gicv2_update(struct gicv2_model *g)
{
	uint32_t lines = 0;
	uint32_t changed;

	for (unsigned cpu = 0; cpu < g->nr_cpus; cpu++) {
		if (cpu_signals(g, cpu))
			lines |= 1u << cpu;
	}
	changed = lines ^ g->irq_lines;
	if (changed) {
		g->irq_lines = lines;
		g->generation++;
	}
	return changed;
}

/* Power-on register values (the reset columns of IHI 0048B Tables 4-1, 4-2). */
static void regs_reset(struct gicv2_model *g)
{
	g->enabled = false;
	for (unsigned cpu = 0; cpu < GICV2_MAX_CPUS; cpu++) {
		struct gicv2_cpu *c = &g->cpu[cpu];

		for (unsigned i = 0; i < GICV2_NR_PRIVATE; i++) {
			bool line = c->priv[i].line;

			c->priv[i] = (struct gicv2_irq){ .line = line };
			c->priv[i].edge = i < GICV2_NR_SGIS;
			c->priv[i].enabled = i < GICV2_NR_SGIS;
		}
		memset(c->sgi_sources, 0, sizeof(c->sgi_sources));
		c->ctlr = 0;
		c->pmr = 0;
		c->bpr = GICV2_BPR_MIN;
		c->abpr = GICV2_ABPR_MIN;
		c->apr = 0;
	}
	for (unsigned i = 0; i < GICV2_MAX_SPIS; i++)
		g->spi[i] = (struct gicv2_irq){ .line = g->spi[i].line };
}

int gicv2_model_init(struct gicv2_model *g, unsigned nr_cpus, unsigned nr_spis)
{
	int err;

	if (nr_cpus < 1 || nr_cpus > GICV2_MAX_CPUS || nr_spis > GICV2_MAX_SPIS)
		return -EINVAL;
	memset(g, 0, sizeof(*g));
	err = pthread_mutex_init(&g->lock, NULL);
	if (err)
		return -err;
	g->nr_cpus = nr_cpus;
	g->nr_spis = nr_spis;
	g->nr_irqs = GICV2_NR_PRIVATE + nr_spis;
	regs_reset(g);
	return 0;
}

void gicv2_model_destroy(struct gicv2_model *g)
{
	pthread_mutex_destroy(&g->lock);
}

uint32_t gicv2_model_reset(struct gicv2_model *g)
{
	uint32_t changed;

	pthread_mutex_lock(&g->lock);
	regs_reset(g);
	changed = gicv2_update(g);
	pthread_mutex_unlock(&g->lock);
	return changed;
}

/* An input changes level: an edge-triggered interrupt latches a rising edge. */
static uint32_t irq_drive(struct gicv2_model *g, struct gicv2_irq *irq, bool level)
{
	if (level && !irq->line && irq->edge)
		irq->latched = true;
	irq->line = level;
	return gicv2_update(g);
}

int gicv2_model_set_line(struct gicv2_model *g, unsigned intid, bool level)
{
	uint32_t changed;

	if (intid < GICV2_NR_PRIVATE || intid >= g->nr_irqs)
		return -EINVAL;
	pthread_mutex_lock(&g->lock);
	changed = irq_drive(g, &g->spi[intid - GICV2_NR_PRIVATE], level);
	pthread_mutex_unlock(&g->lock);
	return (int)changed;
}

int gicv2_model_set_ppi_line(struct gicv2_model *g, unsigned cpu, unsigned intid, bool level)
{
	uint32_t changed;

	if (cpu >= g->nr_cpus || intid < GICV2_NR_SGIS || intid >= GICV2_NR_PRIVATE)
		return -EINVAL;
	pthread_mutex_lock(&g->lock);
	changed = irq_drive(g, &g->cpu[cpu].priv[intid], level);
	pthread_mutex_unlock(&g->lock);
	return (int)changed;
}

uint32_t gicv2_model_irq_lines(struct gicv2_model *g, uint64_t *generation)
{
	uint32_t lines;

	pthread_mutex_lock(&g->lock);
	lines = g->irq_lines;
	if (generation)
		*generation = g->generation;
	pthread_mutex_unlock(&g->lock);
	return lines;
}

/*
 * The GIC's registers are 32-bit; an access is one register's (or, for
 * the byte-accessible ones, one byte's) only when naturally aligned.
 */
static bool access_shape_ok(uint64_t off, unsigned len, uint64_t size)
{
	if (len != 1 && len != 2 && len != 4 && len != 8)
		return false;
	return off < size && (off & (len - 1)) == 0;
}

uint32_t gicv2_model_dist_read(struct gicv2_model *g, unsigned cpu, uint64_t off, unsigned len,
			       uint64_t *val)
{
	*val = 0;
	if (cpu >= g->nr_cpus || !access_shape_ok(off, len, GICV2_DIST_SIZE))
		return 0;
	pthread_mutex_lock(&g->lock);
	*val = gicv2_dist_read(g, cpu, off, len);
	pthread_mutex_unlock(&g->lock);
	return 0;
}

uint32_t gicv2_model_dist_write(struct gicv2_model *g, unsigned cpu, uint64_t off, unsigned len,
				uint64_t val)
{
	uint32_t changed;

	if (cpu >= g->nr_cpus || !access_shape_ok(off, len, GICV2_DIST_SIZE))
		return 0;
	pthread_mutex_lock(&g->lock);
	gicv2_dist_write(g, cpu, off, len, val);
	changed = gicv2_update(g);
	pthread_mutex_unlock(&g->lock);
	return changed;
}

uint32_t gicv2_model_cpu_read(struct gicv2_model *g, unsigned cpu, uint64_t off, unsigned len,
			      uint64_t *val)
{
	uint32_t changed;

	*val = 0;
	if (cpu >= g->nr_cpus || !access_shape_ok(off, len, GICV2_CPU_SIZE))
		return 0;
	pthread_mutex_lock(&g->lock);
	*val = gicv2_cpu_read(g, cpu, off, len);
	changed = gicv2_update(g); /* GICC_IAR acknowledges */
	pthread_mutex_unlock(&g->lock);
	return changed;
}

uint32_t gicv2_model_cpu_write(struct gicv2_model *g, unsigned cpu, uint64_t off, unsigned len,
			       uint64_t val)
{
	uint32_t changed;

	if (cpu >= g->nr_cpus || !access_shape_ok(off, len, GICV2_CPU_SIZE))
		return 0;
	pthread_mutex_lock(&g->lock);
	gicv2_cpu_write(g, cpu, off, len, val);
	changed = gicv2_update(g);
	pthread_mutex_unlock(&g->lock);
	return changed;
}
