// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rvic backends' shared, portable half (rvic.h): device tree, MSI
 * doorbell, and the in-kernel device's ioctl sequence.
 */
#include <errno.h>
#include <libfdt.h>

#include "../fdt/fdt.h"
#include "../vmm/layout.h"
#include "rvic.h"
#include "rvic_model.h"

/* include/dt-bindings/interrupt-controller/irq.h */
#define IRQ_TYPE_EDGE_RISING 1
#define IRQ_TYPE_LEVEL_HIGH  4

_Static_assert(LAYOUT_NR_SPIS <= RVIC_MAX_TOTAL, "one rVID input per board SPI");

unsigned rvic_nr_inputs(void)
{
	return LAYOUT_NR_SPIS;
}

int rvic_msi_input(uint64_t addr, uint32_t data)
{
	if (addr != RVIC_DOORBELL || data >= rvic_nr_inputs())
		return -EINVAL;
	return (int)data;
}

/*
 * A wired device's line is an rVID input (irqchip_ops.spi_phandle makes
 * its node and the PCI interrupt-map name the rVID), and the rVID's
 * specifier is just the input: the guest MAPs it to the (CPU, INTID) it
 * wants. Inputs are edges; a level line signals on its rising edge.
 */
unsigned rvic_fdt_spi_cells(unsigned spi, bool level, uint32_t *cells)
{
	(void)level;
	cells[0] = spi;
	return 1;
}

/* The timers and the PMU are trusted level interrupts with the GIC's INTIDs. */
unsigned rvic_fdt_ppi_cells(unsigned intid, bool level, unsigned nr_cpus, uint32_t *cells)
{
	(void)nr_cpus;
	cells[0] = intid;
	cells[1] = level ? IRQ_TYPE_LEVEL_HIGH : IRQ_TYPE_EDGE_RISING;
	return 2;
}

/* A controller node with no registers (every operation is a hypercall). */
static int rvic_fdt_intc(const struct fdt_ctx *ctx, const char *name, const char *compatible,
			 uint32_t cells, uint32_t phandle)
{
	int node = fdt_add_subnode(ctx->fdt, 0, name), ret;

	if (node < 0)
		return fdt_errno(node);
	ret = fdt_setprop_string(ctx->fdt, node, "compatible", compatible);
	ret = ret ?: fdt_setprop(ctx->fdt, node, "interrupt-controller", NULL, 0);
	ret = ret ?: fdt_setprop_u32(ctx->fdt, node, "#interrupt-cells", cells);
	ret = ret ?: fdt_setprop_u32(ctx->fdt, node, "#address-cells", 0);
	ret = ret ?: fdt_setprop_u32(ctx->fdt, node, "phandle", phandle);
	return ret ? fdt_errno(ret) : node;
}

int rvic_fdt_node(const struct fdt_ctx *ctx)
{
	const uint32_t range[] = { cpu_to_fdt32(LAYOUT_SPI_MSI_FIRST),
				   cpu_to_fdt32(LAYOUT_NR_MSI_SPIS) };
	int ret = rvic_fdt_intc(ctx, "rvic", "arm,rvic", 2, ctx->intc_phandle), node;

	if (ret < 0)
		return ret;
	node = rvic_fdt_intc(ctx, "rvid", "arm,rvid", 1, FDT_PHANDLE_RVID);
	if (node < 0)
		return node;
	/* The 2020 series' MSIs: a write of an input in msi-range to the doorbell. */
	ret = fdt_setprop_u32(ctx->fdt, node, "interrupt-parent", ctx->intc_phandle);
	ret = ret ?: fdt_setprop(ctx->fdt, node, "msi-controller", NULL, 0);
	ret = ret ?: fdt_setprop(ctx->fdt, node, "msi-range", range, sizeof(range));
	return fdt_errno(ret);
}

static void rvic_doorbell_read(struct mmio_region *r, uint64_t off, unsigned len, uint64_t *val)
{
	(void)r, (void)off, (void)len;
	*val = 0;
}

static void rvic_doorbell_write(struct mmio_region *r, uint64_t off, unsigned len, uint64_t val)
{
	const struct rvic_doorbell *d = r->opaque;
	int input = rvic_msi_input(RVIC_DOORBELL + off, (uint32_t)val);

	if (len == 4 && input >= 0)
		d->pulse(d->ctx, (unsigned)input);
}

const struct mmio_ops rvic_doorbell_mmio_ops = {
	.name = "rvid-doorbell",
	.read = rvic_doorbell_read,
	.write = rvic_doorbell_write,
};

/* --- the in-kernel rVIC ------------------------------------------------------- */

int rvic_kernel_probe(const struct rvic_kernel_ioctls *io, void *ctx)
{
	return io->create_device(ctx, RVIC_KVM_DEV_TYPE, true, NULL);
}

int rvic_kernel_create(const struct rvic_kernel_ioctls *io, void *ctx, int *fd)
{
	return io->create_device(ctx, RVIC_KVM_DEV_TYPE, false, fd);
}

int rvic_kernel_finalize(const struct rvic_kernel_ioctls *io, void *ctx, int fd,
			 unsigned nr_trusted, unsigned nr_total)
{
	uint32_t nr = (uint32_t)nr_total << 16 | (nr_trusted & 0xffff);
	int ret = io->set_attr(ctx, fd, RVIC_KVM_GRP_NR_IRQS, 0, &nr);

	return ret ?: io->set_attr(ctx, fd, RVIC_KVM_GRP_INIT, 0, NULL);
}

int rvic_kernel_input(const struct rvic_kernel_ioctls *io, void *ctx, unsigned input, bool level)
{
	if (input >= rvic_nr_inputs())
		return -EINVAL;
	return io->irq_line(ctx, RVIC_KVM_IRQ_TYPE_SPI << RVIC_KVM_IRQ_TYPE_SHIFT | input, level);
}
