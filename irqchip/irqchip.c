// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "irqchip.h"

static const char *const model_names[IRQCHIP_NR_MODELS] = {
	[IRQCHIP_AUTO] = "auto",   [IRQCHIP_GICV3] = "gicv3",	[IRQCHIP_GICV3_ITS] = "gicv3-its",
	[IRQCHIP_GICV2] = "gicv2", [IRQCHIP_GICV2M] = "gicv2m", [IRQCHIP_GICV2_USER] = "gicv2-user",
	[IRQCHIP_RVIC] = "rvic",
};

int irqchip_model_parse(const char *name, enum irqchip_model *out)
{
	for (int m = 0; m < IRQCHIP_NR_MODELS; m++) {
		if (strcmp(name, model_names[m]) == 0) {
			*out = (enum irqchip_model)m;
			return 0;
		}
	}
	return -EINVAL;
}

const char *irqchip_model_name(enum irqchip_model model)
{
	return model < IRQCHIP_NR_MODELS ? model_names[model] : "?";
}
