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
/* GIC_CPU_MASK_SIMPLE(n): PPI flags bits [15:8], one bit per CPU interface (GICv2 only). */
#define GIC_CPU_MASK_SIMPLE(n) ((((1u << (n)) - 1) & 0xff) << 8)

/* The board's SPIs, the GICv2m block included, must exist in every model's GIC. */
_Static_assert(LAYOUT_NR_SPIS <= GIC_NR_SPIS, "GIC_NR_SPIS must cover the layout's SPIs");

unsigned gic_fdt_spi_cells(unsigned spi, bool level, uint32_t *cells)
{
	cells[0] = GIC_FDT_SPI;
	cells[1] = spi;
	cells[2] = level ? IRQ_TYPE_LEVEL_HIGH : IRQ_TYPE_EDGE_RISING;
	return 3;
}

/* arm,gic-v3.yaml: the flags are the trigger type alone; nr_cpus plays no part. */
unsigned gic_fdt_ppi_cells(unsigned intid, bool level, unsigned nr_cpus, uint32_t *cells)
{
	(void)nr_cpus;
	cells[0] = GIC_FDT_PPI;
	cells[1] = intid - 16;
	cells[2] = level ? IRQ_TYPE_LEVEL_HIGH : IRQ_TYPE_EDGE_RISING;
	return 3;
}

/*
 * arm,gic.yaml: "bits[15:8] PPI interrupt cpu mask. Each bit corresponds to
 * each of the 8 possible cpus attached to the GIC." KVM wires the timer and
 * PMU PPIs of every vCPU, so all of them.
 */
unsigned gicv2_fdt_ppi_cells(unsigned intid, bool level, unsigned nr_cpus, uint32_t *cells)
{
	unsigned n = gic_fdt_ppi_cells(intid, level, nr_cpus, cells);

	cells[2] |= GIC_CPU_MASK_SIMPLE(nr_cpus < GIC_V2_MAX_CPUS ? nr_cpus : GIC_V2_MAX_CPUS);
	return n;
}

/*
 * A GIC node with these registers; returns its offset or -errno. Children
 * (an ITS, a v2m frame) use the parent's address space as is, so every GIC
 * node has <2 2> cells and an empty ranges, as QEMU's and kvmtool's do.
 */
static int gic_fdt_add(const struct fdt_ctx *ctx, const char *compatible, const uint64_t *reg,
		       unsigned nr_pairs)
{
	void *fdt = ctx->fdt;
	char name[32];
	int node, ret;

	snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)reg[0]);
	node = fdt_add_subnode(fdt, 0, name);
	if (node < 0)
		return fdt_errno(node);
	ret = fdt_setprop_string(fdt, node, "compatible", compatible);
	ret = ret ?: fdt_setprop_u32(fdt, node, "#interrupt-cells", 3);
	ret = ret ?: fdt_setprop(fdt, node, "interrupt-controller", NULL, 0);
	ret = ret ?: fdt_setprop_u32(fdt, node, "#address-cells", 2);
	ret = ret ?: fdt_setprop_u32(fdt, node, "#size-cells", 2);
	ret = ret ?: fdt_setprop(fdt, node, "ranges", NULL, 0);
	ret = ret ?: fdt_setprop_u32(fdt, node, "phandle", ctx->intc_phandle);
	if (ret)
		return -ENOSPC;
	ret = fdt_set_reg(fdt, node, reg, nr_pairs);
	return ret < 0 ? ret : node;
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

	return gic_fdt_add(ctx, "arm,gic-v3", reg, 2);
}

/*
 * The GICv2 node; returns its offset or -errno. "arm,cortex-a15-gic", as
 * QEMU and kvmtool name a virtual GICv2. reg is what the vGICv2 emulates,
 * not the layout rows reserved around it.
 */
static int gicv2_fdt_add(const struct fdt_ctx *ctx)
{
	const uint64_t reg[] = {
		layout_base(LAYOUT_GIC_DIST),
		GIC_V2_DIST_SIZE,
		layout_base(LAYOUT_GIC_CPU),
		GIC_V2_CPU_SIZE,
	};

	return gic_fdt_add(ctx, "arm,cortex-a15-gic", reg, 2);
}

int gicv3_fdt_node(const struct fdt_ctx *ctx)
{
	int node = gicv3_fdt_add(ctx);

	return node < 0 ? node : 0;
}

int gicv2_fdt_node(const struct fdt_ctx *ctx)
{
	int node = gicv2_fdt_add(ctx);

	return node < 0 ? node : 0;
}

/* An MSI controller child of gic at region r; returns its offset or -errno. */
static int gic_fdt_add_msi(const struct fdt_ctx *ctx, int gic, const char *prefix,
			   const char *compatible, enum layout_region r, uint32_t phandle)
{
	const uint64_t reg[] = { layout_base(r), layout_size(r) };
	char name[40];
	int node, ret;

	snprintf(name, sizeof(name), "%s@%llx", prefix, (unsigned long long)reg[0]);
	node = fdt_add_subnode(ctx->fdt, gic, name);
	if (node < 0)
		return fdt_errno(node);
	ret = fdt_setprop_string(ctx->fdt, node, "compatible", compatible);
	ret = ret ?: fdt_setprop(ctx->fdt, node, "msi-controller", NULL, 0);
	ret = ret ?: fdt_setprop_u32(ctx->fdt, node, "phandle", phandle);
	if (ret)
		return -ENOSPC;
	ret = fdt_set_reg(ctx->fdt, node, reg, 1);
	return ret < 0 ? ret : node;
}

int gicv2m_fdt_node(const struct fdt_ctx *ctx)
{
	int gic = gicv2_fdt_add(ctx), node;

	if (gic < 0)
		return gic;
	/*
	 * arm,gic.yaml allows v2m@ and nothing else for the frame's name. No
	 * arm,msi-base-spi / arm,msi-num-spis: they only override MSI_TYPER,
	 * and the frame's MSI_TYPER is right. No #msi-cells: MSIs carry no
	 * device ID here (the PCI host gets msi-parent, not msi-map).
	 */
	node =
	    gic_fdt_add_msi(ctx, gic, "v2m", "arm,gic-v2m-frame", LAYOUT_GIC_V2M, FDT_PHANDLE_V2M);
	return node < 0 ? node : 0;
}

int gicv3_its_fdt_node(const struct fdt_ctx *ctx)
{
	int gic = gicv3_fdt_add(ctx), node;

	if (gic < 0)
		return gic;
	/*
	 * arm,gic-v3.yaml names the ITS child msi-controller@ (also gic-its@ or
	 * interrupt-controller@; "its@" is not allowed by the schema).
	 */
	node = gic_fdt_add_msi(ctx, gic, "msi-controller", "arm,gic-v3-its", LAYOUT_GIC_ITS,
			       FDT_PHANDLE_ITS);
	if (node < 0)
		return node;
	/* One cell: the device ID (PCI requester ID) each MSI carries. */
	return fdt_errno(fdt_setprop_u32(ctx->fdt, node, "#msi-cells", 1));
}
