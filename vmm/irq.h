/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An interrupt handle: what a device gets instead of the interrupt
 * controller. The owner wires it to an irqchip line (or, in unit tests, to a
 * recorder); the device only raises and lowers it.
 */
#ifndef ARMLET_IRQ_H
#define ARMLET_IRQ_H

#include <stdbool.h>

struct irq_handle {
	int (*set)(void *ctx, unsigned line, bool level);
	void *ctx;
	unsigned line;
};

static inline int irq_set(const struct irq_handle *h, bool level)
{
	return h->set ? h->set(h->ctx, h->line, level) : 0;
}

#endif
