// SPDX-License-Identifier: GPL-2.0-only
/* Choosing a model: the probe order of --irqchip=auto lives here. */
#include <stdio.h>
#include <string.h>

#include "irqchip.h"

/* The backend for each concrete model; NULL for auto. */
static const struct irqchip_ops *const model_ops[IRQCHIP_NR_MODELS] = {
	[IRQCHIP_GICV3] = &vgic_v3_ops,		/* vgic_v3.c */
	[IRQCHIP_GICV3_ITS] = &vgic_its_ops,	/* vgic_its.c */
	[IRQCHIP_GICV2] = &vgic_v2_ops,		/* vgic_v2.c */
	[IRQCHIP_GICV2M] = &vgic_v2m_ops,	/* vgic_v2.c */
	[IRQCHIP_GICV2_USER] = &gicv2_user_ops, /* gicv2_user.c: in armlet, not in KVM */
};

/* What auto tries, best first. */
static const enum irqchip_model auto_order[] = {
	IRQCHIP_GICV3_ITS, /* MSIs for PCI devices */
	IRQCHIP_GICV3,
	IRQCHIP_GICV2M, /* a GICv2 host: MSIs as SPIs, at most 8 vCPUs */
	IRQCHIP_GICV2,
	IRQCHIP_GICV2_USER, /* no usable vGIC: every GIC access and interrupt goes through armlet */
};

const struct irqchip_ops *irqchip_select(struct vm *vm, enum irqchip_model model, char *reason,
					 size_t len)
{
	char why[512] = "", one[160];
	size_t used = 0;

	if (model != IRQCHIP_AUTO) {
		const struct irqchip_ops *ops = model_ops[model];

		if (ops->probe(vm, one, sizeof(one)) == 0) {
			snprintf(reason, len, "%s (requested)", ops->name);
			return ops;
		}
		snprintf(reason, len, "%s is not available on this host: %s", ops->name, one);
		return NULL;
	}
	for (size_t i = 0; i < sizeof(auto_order) / sizeof(auto_order[0]); i++) {
		const struct irqchip_ops *ops = model_ops[auto_order[i]];

		if (ops->probe(vm, one, sizeof(one)) == 0) {
			if (used)
				snprintf(reason, len, "%s (auto; better models unavailable: %s)",
					 ops->name, why);
			else
				snprintf(reason, len, "%s (auto; the best model this host offers)",
					 ops->name);
			return ops;
		}
		/* Models built on one another fail alike: say it once. */
		if (strstr(why, one))
			continue;
		used +=
		    (size_t)snprintf(why + used, sizeof(why) - used, "%s%s", used ? "; " : "", one);
		if (used >= sizeof(why))
			used = sizeof(why) - 1;
	}
	snprintf(reason, len, "no interrupt controller model is available: %s", why);
	return NULL;
}
