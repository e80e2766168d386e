// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rVIC/rVID model: see rvic_model.h for the semantics. One lock for the
 * whole model: every call is short, and a SIGNAL touches two vCPUs' state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rvic_internal.h"

#define WORDS(n) (((n) + 31) / 32)

void rvic_requeue(struct rvic *r, struct rvic_cpu *c, unsigned intid)
{
	unsigned i, n = r->nr_total;
	bool want = rvic_bit(c->pending, intid) && !rvic_bit(c->masked, intid);

	if (want == rvic_bit(c->queued, intid))
		return;
	rvic_bit_assign(c->queued, intid, want);
	if (want) {
		c->queue[(c->head + c->count++) % n] = (uint16_t)intid;
		return;
	}
	/* Out from wherever it is, the others keeping their order. */
	for (i = 0; i < c->count && c->queue[(c->head + i) % n] != intid; i++)
		;
	for (; i + 1 < c->count; i++)
		c->queue[(c->head + i) % n] = c->queue[(c->head + i + 1) % n];
	c->count--;
}

static void cpu_reset(struct rvic *r, struct rvic_cpu *c)
{
	size_t words = WORDS(r->nr_total) * sizeof(uint32_t);

	c->enabled = false;
	memset(c->pending, 0, words);
	memset(c->queued, 0, words);
	memset(c->masked, 0xff, words); /* DEN0103: interrupts reset masked */
	c->head = c->count = 0;
}

/* --- lifecycle -------------------------------------------------------------------- */

static bool rvic_sizes_ok(unsigned nr_cpus, unsigned nr_trusted, unsigned nr_total,
			  unsigned nr_inputs)
{
	return nr_cpus >= 1 && nr_cpus <= 64 && nr_trusted >= RVIC_MIN_TRUSTED &&
	       nr_trusted % 32 == 0 && nr_total >= RVIC_MIN_TOTAL && nr_total % 32 == 0 &&
	       nr_total <= RVIC_MAX_TOTAL && nr_trusted < nr_total && nr_inputs >= 1 &&
	       nr_inputs <= RVIC_MAX_TOTAL;
}

/* One allocation per vCPU: four bitmaps, then the queue. */
static int cpu_alloc(struct rvic *r, struct rvic_cpu *c)
{
	unsigned w = WORDS(r->nr_total);
	uint32_t *mem = calloc(4 * w + (r->nr_total + 1) / 2, sizeof(uint32_t));

	if (!mem)
		return -ENOMEM;
	c->pending = mem;
	c->masked = mem + w;
	c->queued = mem + 2 * w;
	c->line = mem + 3 * w;
	c->queue = (uint16_t *)(mem + 4 * w);
	cpu_reset(r, c);
	return 0;
}

int rvic_init(struct rvic *r, unsigned nr_cpus, unsigned nr_trusted, unsigned nr_total,
	      unsigned nr_inputs)
{
	memset(r, 0, sizeof(*r));
	if (!rvic_sizes_ok(nr_cpus, nr_trusted, nr_total, nr_inputs))
		return -EINVAL;
	r->nr_cpus = nr_cpus;
	r->nr_trusted = nr_trusted;
	r->nr_total = nr_total;
	r->nr_inputs = nr_inputs;
	r->cpu = calloc(nr_cpus, sizeof(*r->cpu));
	r->map = calloc(nr_inputs, sizeof(*r->map));
	if (!r->cpu || !r->map) {
		rvic_destroy(r);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < nr_cpus; i++) {
		if (cpu_alloc(r, &r->cpu[i])) {
			rvic_destroy(r);
			return -ENOMEM;
		}
	}
	pthread_mutex_init(&r->lock, NULL);
	return 0;
}

void rvic_destroy(struct rvic *r)
{
	if (r->cpu) {
		for (unsigned i = 0; i < r->nr_cpus; i++)
			free(r->cpu[i].pending);
		pthread_mutex_destroy(&r->lock);
	}
	free(r->cpu);
	free(r->map);
	r->cpu = NULL;
	r->map = NULL;
}

void rvic_set_mpidr(struct rvic *r, unsigned cpu, uint64_t mpidr)
{
	if (cpu < r->nr_cpus)
		r->cpu[cpu].mpidr = mpidr & RVIC_MPIDR_AFF_MASK;
}

void rvic_reset(struct rvic *r)
{
	pthread_mutex_lock(&r->lock);
	for (unsigned i = 0; i < r->nr_cpus; i++)
		cpu_reset(r, &r->cpu[i]);
	memset(r->map, 0, r->nr_inputs * sizeof(*r->map));
	pthread_mutex_unlock(&r->lock);
}

bool rvic_output(struct rvic *r, unsigned cpu)
{
	bool out;

	if (cpu >= r->nr_cpus)
		return false;
	pthread_mutex_lock(&r->lock);
	out = r->cpu[cpu].enabled && r->cpu[cpu].count;
	pthread_mutex_unlock(&r->lock);
	return out;
}

/* --- operations, lock held ---------------------------------------------------- */

int rvic_cpu_of_mpidr(const struct rvic *r, uint64_t mpidr)
{
	/* Bits 24..31 (MT, U, RES1) say nothing about which CPU; bits above Aff3 must be 0. */
	if (mpidr >> 40)
		return -1;
	for (unsigned i = 0; i < r->nr_cpus; i++)
		if (r->cpu[i].mpidr == (mpidr & RVIC_MPIDR_AFF_MASK))
			return (int)i;
	return -1;
}

enum rvic_status rvic_pend(struct rvic *r, unsigned target, unsigned intid, uint64_t *changed)
{
	struct rvic_cpu *c = &r->cpu[target];

	if (!c->enabled)
		return RVIC_DISABLED;
	rvic_bit_assign(c->pending, intid, true);
	rvic_requeue(r, c, intid);
	*changed |= 1ull << target;
	return RVIC_SUCCESS;
}

uint64_t rvic_set_line(struct rvic *r, unsigned cpu, unsigned intid, bool level)
{
	uint64_t changed = 0;
	struct rvic_cpu *c;

	if (cpu >= r->nr_cpus || intid >= r->nr_trusted)
		return 0;
	c = &r->cpu[cpu];
	pthread_mutex_lock(&r->lock);
	/* A rising edge pends (dropped while disabled); RESAMPLE does the rest. */
	if (level && !rvic_bit(c->line, intid))
		rvic_pend(r, cpu, intid, &changed);
	rvic_bit_assign(c->line, intid, level);
	pthread_mutex_unlock(&r->lock);
	return changed;
}

int rvid_input(struct rvic *r, unsigned input, uint64_t *changed)
{
	struct rvid_map m;
	int ret = 0;

	*changed = 0;
	if (input >= r->nr_inputs)
		return -EINVAL;
	pthread_mutex_lock(&r->lock);
	m = r->map[input];
	if (!m.valid) {
		__atomic_add_fetch(&r->dropped, 1, __ATOMIC_RELAXED);
		ret = -ENOENT;
	} else if (rvic_pend(r, m.cpu, m.intid, changed) != RVIC_SUCCESS) {
		ret = -EAGAIN;
	}
	pthread_mutex_unlock(&r->lock);
	return ret;
}
