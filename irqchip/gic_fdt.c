// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>

#include "../fdt/fdt.h"
#include "../vmm/layout.h"
#include "../vmm/vm.h"
#include "gic.h"

/* include/dt-bindings/interrupt-controller/arm-gic.h and irq.h */
#define GIC_FDT_SPI	     0
#define GIC_FDT_PPI	     1
#define IRQ_TYPE_EDGE_RISING 1
#define IRQ_TYPE_LEVEL_HIGH  4

unsigned gic_fdt_spi_cells(unsigned spi, bool level, uint32_t *cells)
{
	cells[0] = GIC_FDT_SPI;
	cells[1] = spi;
	cells[2] = level ? IRQ_TYPE_LEVEL_HIGH : IRQ_TYPE_EDGE_RISING;
	return 3;
}

unsigned gic_fdt_ppi_cells(unsigned intid, bool level, uint32_t *cells)
{
	cells[0] = GIC_FDT_PPI;
	cells[1] = intid - 16;
	cells[2] = level ? IRQ_TYPE_LEVEL_HIGH : IRQ_TYPE_EDGE_RISING;
	return 3;
}

/* The arm,gic-v3 node; returns its offset or -errno. */
static int gicv3_fdt_add(const struct fdt_ctx *ctx)
{
	const uint64_t reg[] = {
		layout_base(LAYOUT_GIC_DIST),
		layout_size(LAYOUT_GIC_DIST),
		layout_base(LAYOUT_GIC_REDIST),
		(uint64_t)ctx->vm->nr_vcpus * 2 * SZ_64K,
	};
	void *fdt = ctx->fdt;
	char name[32];
	int node, ret;

	snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)reg[0]);
	node = fdt_add_subnode(fdt, 0, name);
	if (node < 0)
		return fdt_errno(node);
	ret = fdt_setprop_string(fdt, node, "compatible", "arm,gic-v3");
	ret = ret ?: fdt_setprop_u32(fdt, node, "#interrupt-cells", 3);
	ret = ret ?: fdt_setprop(fdt, node, "interrupt-controller", NULL, 0);
	/* Children (the ITS) use the parent's address space as is. */
	ret = ret ?: fdt_setprop_u32(fdt, node, "#address-cells", 2);
	ret = ret ?: fdt_setprop_u32(fdt, node, "#size-cells", 2);
	ret = ret ?: fdt_setprop(fdt, node, "ranges", NULL, 0);
	ret = ret ?: fdt_setprop_u32(fdt, node, "phandle", ctx->intc_phandle);
	if (ret)
		return -ENOSPC;
	ret = fdt_set_reg(fdt, node, reg, 2);
	return ret < 0 ? ret : node;
}

int gicv3_fdt_node(const struct fdt_ctx *ctx)
{
	int node = gicv3_fdt_add(ctx);

	return node < 0 ? node : 0;
}

int gicv3_its_fdt_node(const struct fdt_ctx *ctx)
{
	/*
	 * arm,gic-v3.yaml names the child msi-controller@ (also gic-its@ or
	 * interrupt-controller@; "its@" is not allowed by the schema).
	 */
	const uint64_t reg[] = { layout_base(LAYOUT_GIC_ITS), layout_size(LAYOUT_GIC_ITS) };
	int gic = gicv3_fdt_add(ctx), node, ret;
	char name[32];

	if (gic < 0)
		return gic;
	snprintf(name, sizeof(name), "msi-controller@%llx", (unsigned long long)reg[0]);
	node = fdt_add_subnode(ctx->fdt, gic, name);
	if (node < 0)
		return fdt_errno(node);
	ret = fdt_setprop_string(ctx->fdt, node, "compatible", "arm,gic-v3-its");
	ret = ret ?: fdt_setprop(ctx->fdt, node, "msi-controller", NULL, 0);
	/* One cell: the device ID (PCI requester ID) each MSI carries. */
	ret = ret ?: fdt_setprop_u32(ctx->fdt, node, "#msi-cells", 1);
	ret = ret ?: fdt_setprop_u32(ctx->fdt, node, "phandle", FDT_PHANDLE_ITS);
	if (ret)
		return -ENOSPC;
	return fdt_set_reg(ctx->fdt, node, reg, 1);
}
