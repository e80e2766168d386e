// SPDX-License-Identifier: GPL-2.0-only
/*
 * Choosing a model: the probe order of --irqchip=auto lives here, and the
 * one read of the test hook (ARMLET_TEST_NO_VGIC) the probes are told of.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irqchip.h"

/* The backend for each concrete model; NULL for auto. */
static const struct irqchip_ops *const model_ops[IRQCHIP_NR_MODELS] = {
	[IRQCHIP_GICV3] = &vgic_v3_ops,		/* vgic_v3.c */
	[IRQCHIP_GICV3_ITS] = &vgic_its_ops,	/* vgic_its.c */
	[IRQCHIP_GICV2] = &vgic_v2_ops,		/* vgic_v2.c */
	[IRQCHIP_GICV2M] = &vgic_v2m_ops,	/* vgic_v2.c */
	[IRQCHIP_GICV2_USER] = &gicv2_user_ops, /* gicv2_user.c: in armlet, not in KVM */
	[IRQCHIP_RVIC] = &rvic_user_ops,	/* rvic_kvm.c; KVM's own first, where it exists */
};

/* What auto tries, best first. */
static const enum irqchip_model auto_order[] = {
	IRQCHIP_GICV3_ITS, /* MSIs for PCI devices */
	IRQCHIP_GICV3,
	IRQCHIP_GICV2M, /* a GICv2 host: MSIs as SPIs, at most 8 vCPUs */
	IRQCHIP_GICV2,
	IRQCHIP_GICV2_USER, /* no usable vGIC: every GIC access and interrupt goes through armlet */
};

bool irqchip_test_no_vgic(void)
{
	const char *v = getenv(IRQCHIP_TEST_NO_VGIC_ENV);

	return v && v[0] && strcmp(v, "0") != 0;
}

/* The models auto passed over, grouped by why: each clause once, after its models. */
struct passed_over {
	unsigned nr;
	struct {
		char models[64]; /* "gicv3-its, gicv3" */
		char why[160];
	} entry[IRQCHIP_NR_MODELS];
};

static void passed_over_add(struct passed_over *p, const char *model, const char *why)
{
	unsigned i = 0;
	size_t used;

	/* Models built on one another fail alike (gicv3-its and gicv3 on vgic-v3). */
	while (i < p->nr && strcmp(p->entry[i].why, why) != 0)
		i++;
	if (i == p->nr) {
		p->nr++;
		snprintf(p->entry[i].why, sizeof(p->entry[i].why), "%s", why);
		snprintf(p->entry[i].models, sizeof(p->entry[i].models), "%s", model);
		return;
	}
	used = strlen(p->entry[i].models);
	snprintf(p->entry[i].models + used, sizeof(p->entry[i].models) - used, ", %s", model);
}

/* "gicv3-its, gicv3: KVM_CREATE_DEVICE vgic-v3: ENODEV; gicv2m, gicv2: ..." */
static void passed_over_print(const struct passed_over *p, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < p->nr && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s: %s", i ? "; " : "",
				 p->entry[i].models, p->entry[i].why);

		used += n > 0 ? (size_t)n : 0;
	}
}

static const struct irqchip_ops *select_requested(struct vm *vm, const struct irqchip_ops *ops,
						  unsigned flags, char *reason, size_t len)
{
	char why[160];

	if (ops->probe(vm, flags, why, sizeof(why)) == 0) {
		snprintf(reason, len, "%s (requested)", ops->name);
		return ops;
	}
	snprintf(reason, len, "%s is not available on this host: %s", ops->name, why);
	return NULL;
}

const struct irqchip_ops *irqchip_select(struct vm *vm, enum irqchip_model model, char *reason,
					 size_t len)
{
	/* Read here, once: the backends see only the flag. */
	unsigned flags = irqchip_test_no_vgic() ? IRQCHIP_PROBE_NO_VGIC : 0;
	struct passed_over skipped = { 0 };
	char one[160], why[512];

	/* Never in auto: no Linux guest has an rVIC driver. */
	if (model == IRQCHIP_RVIC && rvic_kernel_ops.probe(vm, flags, one, sizeof(one)) == 0) {
		snprintf(reason, len, "%s (requested; in-kernel)", rvic_kernel_ops.name);
		return &rvic_kernel_ops;
	}
	if (model != IRQCHIP_AUTO)
		return select_requested(vm, model_ops[model], flags, reason, len);
	for (size_t i = 0; i < sizeof(auto_order) / sizeof(auto_order[0]); i++) {
		const struct irqchip_ops *ops = model_ops[auto_order[i]];

		if (ops->probe(vm, flags, one, sizeof(one)) == 0) {
			passed_over_print(&skipped, why, sizeof(why));
			if (skipped.nr)
				snprintf(reason, len, "%s (auto; better models unavailable: %s)",
					 ops->name, why);
			else
				snprintf(reason, len, "%s (auto; the best model this host offers)",
					 ops->name);
			return ops;
		}
		passed_over_add(&skipped, ops->name, one);
	}
	passed_over_print(&skipped, why, sizeof(why));
	snprintf(reason, len, "no interrupt controller model is available: %s", why);
	return NULL;
}
