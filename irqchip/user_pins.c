// SPDX-License-Identifier: GPL-2.0-only
/* vCPU IRQ pins driven from a model in armlet: see user_pins.h for why nothing is lost. */
#include <errno.h>
#include <string.h>

#include "user_pins.h"

/* Which INTID each device_irq_level bit drives (the ones KVM's own vGIC uses). */
static const struct {
	uint64_t bit;
	unsigned intid;
} dev_lines[] = {
	{ USER_PINS_DEV_VTIMER, 27 },
	{ USER_PINS_DEV_PTIMER, 30 },
	{ USER_PINS_DEV_PMU, 23 },
};

int user_pins_init(struct user_pins *p, unsigned nr_cpus,
		   int (*set_pin)(void *ctx, unsigned cpu, bool level),
		   void (*kick)(void *ctx, unsigned cpu), void *ctx)
{
	memset(p, 0, sizeof(*p));
	if (nr_cpus < 1 || nr_cpus > USER_PINS_MAX_CPUS)
		return -EINVAL;
	p->nr_cpus = nr_cpus;
	p->set_pin = set_pin;
	p->kick = kick;
	p->ctx = ctx;
	user_pins_reset(p);
	return 0;
}

void user_pins_reset(struct user_pins *p)
{
	for (unsigned c = 0; c < USER_PINS_MAX_CPUS; c++) {
		p->cpu[c].pin = USER_PINS_UNKNOWN;
		__atomic_store_n(&p->cpu[c].resync, true, __ATOMIC_SEQ_CST);
	}
}

void user_pins_notify(struct user_pins *p, uint64_t changed, unsigned self)
{
	for (unsigned c = 0; changed && c < p->nr_cpus; c++, changed >>= 1) {
		if (!(changed & 1))
			continue;
		__atomic_store_n(&p->cpu[c].resync, true, __ATOMIC_SEQ_CST);
		if (c != self && p->kick)
			p->kick(p->ctx, c);
	}
}

void user_pins_feed(struct user_pins *p, unsigned cpu, uint64_t level,
		    uint64_t (*set_line)(void *model, unsigned cpu, unsigned intid, bool level),
		    void *model)
{
	uint64_t diff, changed = 0;

	if (cpu >= p->nr_cpus)
		return;
	diff = level ^ p->cpu[cpu].dev_level;
	if (!diff)
		return;
	for (unsigned i = 0; i < sizeof(dev_lines) / sizeof(dev_lines[0]); i++)
		if (diff & dev_lines[i].bit)
			changed |= set_line(model, cpu, dev_lines[i].intid,
					    (level & dev_lines[i].bit) != 0);
	p->cpu[cpu].dev_level = level;
	user_pins_notify(p, changed, cpu);
}

int user_pins_sync(struct user_pins *p, unsigned cpu, bool (*output)(void *model, unsigned cpu),
		   void *model)
{
	struct user_pin *c;
	bool level;
	int ret;

	if (cpu >= p->nr_cpus)
		return -EINVAL;
	c = &p->cpu[cpu];
	/* Cleared before the output is read: a later change sets it again (header). */
	if (!__atomic_exchange_n(&c->resync, false, __ATOMIC_SEQ_CST))
		return 0;
	level = output(model, cpu);
	if (c->pin == (int)level)
		return 0;
	ret = p->set_pin(p->ctx, cpu, level);
	if (ret) {
		/* Try again at the next sync rather than trust a pin that may be stale. */
		c->pin = USER_PINS_UNKNOWN;
		__atomic_store_n(&c->resync, true, __ATOMIC_SEQ_CST);
		return ret;
	}
	c->pin = level;
	return 0;
}
