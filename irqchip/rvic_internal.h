/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by rvic_model.c and rvic_call.c only; every function here wants the model's lock held. */
#ifndef ARMLET_RVIC_INTERNAL_H
#define ARMLET_RVIC_INTERNAL_H

#include "rvic_model.h"

static inline bool rvic_bit(const uint32_t *map, unsigned n)
{
	return (map[n / 32] >> (n % 32)) & 1;
}

static inline void rvic_bit_assign(uint32_t *map, unsigned n, bool v)
{
	if (v)
		map[n / 32] |= 1u << (n % 32);
	else
		map[n / 32] &= ~(1u << (n % 32));
}

/* Queues or unqueues intid on c after its pending or masked flag changed (FIFO order kept). */
void rvic_requeue(struct rvic *r, struct rvic_cpu *c, unsigned intid);

/*
 * Pends intid on vCPU target unless its rVIC is disabled (RVIC_DISABLED:
 * dropped); adds target to *changed.
 */
enum rvic_status rvic_pend(struct rvic *r, unsigned target, unsigned intid, uint64_t *changed);

/* The vCPU whose MPIDR affinity is mpidr, or -1. */
int rvic_cpu_of_mpidr(const struct rvic *r, uint64_t mpidr);

#endif
