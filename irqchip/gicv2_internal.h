/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the three halves of the user GICv2 share: gicv2_model.c (state,
 * inputs, outputs, prioritization), gicv2_dist.c (GICD registers) and
 * gicv2_cpu.c (GICC registers). Everything here expects g->lock held and
 * cpu < g->nr_cpus.
 */
#ifndef ARMLET_GICV2_INTERNAL_H
#define ARMLET_GICV2_INTERNAL_H

#include "gicv2_model.h"

/* The state of intid as CPU cpu sees it (banked for SGIs and PPIs), or NULL. */
struct gicv2_irq *gicv2_irq(struct gicv2_model *g, unsigned cpu, unsigned intid);

/* Whether intid is pending for cpu: SGIs from any source, else latched or level-high. */
bool gicv2_irq_pending(const struct gicv2_model *g, unsigned cpu, unsigned intid,
		       const struct gicv2_irq *irq);

/* The CPUs that exist, as a target mask. */
uint8_t gicv2_cpu_mask(const struct gicv2_model *g);

/*
 * CPU cpu's highest-priority pending interrupt that the distributor
 * forwards to it (distributor enabled; enabled, pending, not active,
 * targeting cpu), lowest INTID first among equals; GICV2_SPURIOUS for none.
 * *prio receives its priority.
 */
unsigned gicv2_hppi(struct gicv2_model *g, unsigned cpu, uint8_t *prio);

/* The group-priority part of prio under binary point bpr: bits [7:bpr+1]. */
uint8_t gicv2_group_prio(uint8_t prio, uint8_t bpr);

/* GICC_RPR: the highest active group priority, from GICC_APR0. */
uint8_t gicv2_running_prio(const struct gicv2_cpu *c);

/* Whether an interrupt of priority prio would be signalled to cpu now. */
bool gicv2_can_signal(const struct gicv2_model *g, unsigned cpu, uint8_t prio);

/*
 * Recomputes every CPU's output after a state change; returns the CPUs
 * whose output changed (and bumps the generation if any did).
 */
uint32_t gicv2_update(struct gicv2_model *g);

/* The register halves, called with the lock held and cpu valid. */
uint64_t gicv2_dist_read(struct gicv2_model *g, unsigned cpu, uint64_t off, unsigned len);
void gicv2_dist_write(struct gicv2_model *g, unsigned cpu, uint64_t off, unsigned len,
		      uint64_t val);
uint64_t gicv2_cpu_read(struct gicv2_model *g, unsigned cpu, uint64_t off, unsigned len);
void gicv2_cpu_write(struct gicv2_model *g, unsigned cpu, uint64_t off, unsigned len, uint64_t val);

#endif
