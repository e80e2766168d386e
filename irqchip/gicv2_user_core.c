// SPDX-License-Identifier: GPL-2.0-only
/*
 * The gicv2-user model's portable core: see gicv2_user_core.h for who calls
 * what, and why the resync flag and the kick never lose a wake-up.
 */
#include <errno.h>
#include <string.h>

#include "gicv2_user_core.h"

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
	ret = user_pins_init(&u->pins, nr_cpus, set_pin, kick, ctx);
	if (ret)
		gicv2_model_destroy(&u->gic);
	return ret;
}

void gicv2_user_destroy(struct gicv2_user *u)
{
	gicv2_model_destroy(&u->gic);
}

void gicv2_user_reset(struct gicv2_user *u)
{
	gicv2_model_reset(&u->gic);
	user_pins_reset(&u->pins);
}

/* What has changed CPUs' outputs (the model's mask): resync them, kicking all but self. */
static void gicv2_user_notify(struct gicv2_user *u, uint32_t changed, unsigned self)
{
	user_pins_notify(&u->pins, changed, self);
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

/* A timer or PMU PPI of cpu (user_pins_feed()): the CPUs whose output changed. */
static uint64_t gicv2_user_ppi_line(void *model, unsigned cpu, unsigned intid, bool level)
{
	int ret = gicv2_model_set_ppi_line(model, cpu, intid, level);

	return ret > 0 ? (uint64_t)ret : 0;
}

static bool gicv2_user_output(void *model, unsigned cpu)
{
	return (gicv2_model_irq_lines(model, NULL) >> cpu) & 1;
}

int gicv2_user_vcpu_sync(struct gicv2_user *u, unsigned cpu, uint64_t device_irq_level)
{
	if (cpu >= u->nr_cpus)
		return -EINVAL;
	user_pins_feed(&u->pins, cpu, device_irq_level, gicv2_user_ppi_line, &u->gic);
	return user_pins_sync(&u->pins, cpu, gicv2_user_output, &u->gic);
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
