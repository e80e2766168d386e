// SPDX-License-Identifier: GPL-2.0-only
/*
 * The gicv2-user model's portable core: see gicv2_user_core.h for who calls
 * what, and why the resync flag and the kick never lose a wake-up.
 */
#include <errno.h>
#include <string.h>

#include "gicv2_user_core.h"

/* Which PPI each device_irq_level bit drives (the INTIDs KVM's own vGIC uses). */
static const struct {
	uint64_t bit;
	unsigned intid;
} dev_ppis[] = {
	{ GICV2_USER_DEV_VTIMER, 27 },
	{ GICV2_USER_DEV_PTIMER, 30 },
	{ GICV2_USER_DEV_PMU, 23 },
};

int gicv2_user_init(struct gicv2_user *u, unsigned nr_cpus, unsigned nr_spis,
		    int (*set_pin)(void *ctx, unsigned cpu, bool level),
		    void (*kick)(void *ctx, unsigned cpu), void *ctx)
{
	int ret;

	memset(u, 0, sizeof(*u));
	ret = gicv2_model_init(&u->gic, nr_cpus, nr_spis);
	if (ret)
		return ret;
	u->nr_cpus = nr_cpus;
	u->set_pin = set_pin;
	u->kick = kick;
	u->ctx = ctx;
	for (unsigned c = 0; c < GICV2_MAX_CPUS; c++) {
		u->cpu[c].pin = GICV2_USER_PIN_UNKNOWN;
		u->cpu[c].resync = true;
	}
	return 0;
}

void gicv2_user_destroy(struct gicv2_user *u)
{
	gicv2_model_destroy(&u->gic);
}

void gicv2_user_reset(struct gicv2_user *u)
{
	gicv2_model_reset(&u->gic);
	/*
	 * dev_level stays: it is what the PPI lines hold, and the model keeps
	 * its input lines across a reset; the first device_irq_level after
	 * it moves them.
	 */
	for (unsigned c = 0; c < GICV2_MAX_CPUS; c++) {
		u->cpu[c].pin = GICV2_USER_PIN_UNKNOWN;
		__atomic_store_n(&u->cpu[c].resync, true, __ATOMIC_SEQ_CST);
	}
}

/*
 * The CPUs in changed must look at their output again: flag first, then
 * kick (see the header). self (or BUS_NO_CPU) is the caller's own vCPU,
 * which syncs before it enters KVM_RUN anyway.
 */
static void gicv2_user_notify(struct gicv2_user *u, uint32_t changed, unsigned self)
{
	for (unsigned c = 0; changed; c++, changed >>= 1) {
		if (!(changed & 1))
			continue;
		__atomic_store_n(&u->cpu[c].resync, true, __ATOMIC_SEQ_CST);
		if (c != self && u->kick)
			u->kick(u->ctx, c);
	}
}

int gicv2_user_set_line(struct gicv2_user *u, unsigned spi, bool level)
{
	int changed = -EINVAL;

	if (spi < GICV2_MAX_SPIS)
		changed = gicv2_model_set_line(&u->gic, GICV2_NR_PRIVATE + spi, level);
	if (changed < 0)
		return changed;
	gicv2_user_notify(u, (uint32_t)changed, BUS_NO_CPU);
	return 0;
}

/* Feeds the bits of device_irq_level that changed to cpu's PPIs. */
static void gicv2_user_feed_ppis(struct gicv2_user *u, unsigned cpu, uint64_t level)
{
	uint64_t diff = level ^ u->cpu[cpu].dev_level;
	uint32_t changed = 0;

	if (!diff)
		return;
	for (unsigned i = 0; i < sizeof(dev_ppis) / sizeof(dev_ppis[0]); i++) {
		int ret;

		if (!(diff & dev_ppis[i].bit))
			continue;
		ret = gicv2_model_set_ppi_line(&u->gic, cpu, dev_ppis[i].intid,
					       (level & dev_ppis[i].bit) != 0);
		if (ret > 0)
			changed |= (uint32_t)ret;
	}
	u->cpu[cpu].dev_level = level;
	/* A PPI is private: only cpu's own output can have changed. */
	gicv2_user_notify(u, changed, cpu);
}

int gicv2_user_vcpu_sync(struct gicv2_user *u, unsigned cpu, uint64_t device_irq_level)
{
	struct gicv2_user_cpu *c;
	bool level;
	int ret;

	if (cpu >= u->nr_cpus)
		return -EINVAL;
	c = &u->cpu[cpu];
	gicv2_user_feed_ppis(u, cpu, device_irq_level);
	/* Cleared before the output is read: a later change sets it again (header). */
	if (!__atomic_exchange_n(&c->resync, false, __ATOMIC_SEQ_CST))
		return 0;
	level = (gicv2_model_irq_lines(&u->gic, NULL) >> cpu) & 1;
	if (c->pin == (int)level)
		return 0;
	ret = u->set_pin(u->ctx, cpu, level);
	if (ret) {
		/* Try again at the next sync rather than trust a pin that may be stale. */
		c->pin = GICV2_USER_PIN_UNKNOWN;
		__atomic_store_n(&c->resync, true, __ATOMIC_SEQ_CST);
		return ret;
	}
	c->pin = level;
	return 0;
}

/* --- the guest's accesses ------------------------------------------------------ */

static void gicv2_user_dist_read(struct mmio_region *r, unsigned cpu, uint64_t off, unsigned len,
				 uint64_t *val)
{
	struct gicv2_user *u = r->opaque;

	gicv2_user_notify(u, gicv2_model_dist_read(&u->gic, cpu, off, len, val), cpu);
}

static void gicv2_user_dist_write(struct mmio_region *r, unsigned cpu, uint64_t off, unsigned len,
				  uint64_t val)
{
	struct gicv2_user *u = r->opaque;

	/* GICD_SGIR, an enable, a target: other CPUs' outputs may change. */
	gicv2_user_notify(u, gicv2_model_dist_write(&u->gic, cpu, off, len, val), cpu);
}

static void gicv2_user_cpu_read(struct mmio_region *r, unsigned cpu, uint64_t off, unsigned len,
				uint64_t *val)
{
	struct gicv2_user *u = r->opaque;

	/* GICC_IAR acknowledges: this CPU's output drops, or moves to the next. */
	gicv2_user_notify(u, gicv2_model_cpu_read(&u->gic, cpu, off, len, val), cpu);
}

static void gicv2_user_cpu_write(struct mmio_region *r, unsigned cpu, uint64_t off, unsigned len,
				 uint64_t val)
{
	struct gicv2_user *u = r->opaque;

	gicv2_user_notify(u, gicv2_model_cpu_write(&u->gic, cpu, off, len, val), cpu);
}

const struct mmio_ops gicv2_user_dist_mmio_ops = {
	.name = "gicv2-dist",
	.read_cpu = gicv2_user_dist_read,
	.write_cpu = gicv2_user_dist_write,
};

const struct mmio_ops gicv2_user_cpu_mmio_ops = {
	.name = "gicv2-cpu",
	.read_cpu = gicv2_user_cpu_read,
	.write_cpu = gicv2_user_cpu_write,
};
