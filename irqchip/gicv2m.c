// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>

#include "gicv2m.h"

#define GIC_NR_PRIVATE 32   /* SGIs and PPIs: SPI n is INTID 32 + n */
#define GIC_MAX_INTID  1019 /* 1020..1023 are special */

int gicv2m_init(struct gicv2m *f, uint64_t base, unsigned spi, unsigned nr_spis,
		int (*pulse)(void *ctx, unsigned spi), void *ctx)
{
	/* Linux refuses a frame whose block is empty or passes INTID 1019 (is_msi_spi_valid()). */
	if (!nr_spis || spi > GIC_MAX_INTID - GIC_NR_PRIVATE ||
	    nr_spis > GIC_MAX_INTID + 1 - GIC_NR_PRIVATE - spi)
		return -EINVAL;
	*f = (struct gicv2m){
		.base = base,
		.spi = spi,
		.nr_spis = nr_spis,
		.pulse = pulse,
		.ctx = ctx,
	};
	return 0;
}

/* The SPI a SETSPI_NS write of data raises, or -EINVAL when it names none of the block. */
static int gicv2m_setspi_spi(const struct gicv2m *f, uint32_t data)
{
	unsigned intid = data & GICV2M_INTID_MASK;

	if (intid < GIC_NR_PRIVATE + f->spi || intid - GIC_NR_PRIVATE - f->spi >= f->nr_spis)
		return -EINVAL;
	return (int)(intid - GIC_NR_PRIVATE);
}

int gicv2m_msi_spi(const struct gicv2m *f, uint64_t addr, uint32_t data)
{
	if (addr != f->base + GICV2M_SETSPI_NS)
		return -EINVAL;
	return gicv2m_setspi_spi(f, data);
}

static void gicv2m_read(struct mmio_region *r, uint64_t off, unsigned len, uint64_t *val)
{
	const struct gicv2m *f = r->opaque;

	*val = 0;
	if (len != 4)
		return;
	if (off == GICV2M_MSI_TYPER)
		*val = (uint32_t)(GIC_NR_PRIVATE + f->spi) << GICV2M_TYPER_SHIFT | f->nr_spis;
	else if (off == GICV2M_MSI_IIDR)
		*val = GICV2M_IIDR;
}

/* QEMU's frame takes 16- and 32-bit writes to SETSPI_NS; Linux writes 32. */
static void gicv2m_write(struct mmio_region *r, uint64_t off, unsigned len, uint64_t val)
{
	const struct gicv2m *f = r->opaque;
	int spi;

	if (off != GICV2M_SETSPI_NS || (len != 2 && len != 4))
		return;
	spi = gicv2m_setspi_spi(f, (uint32_t)val);
	if (spi >= 0 && f->pulse)
		f->pulse(f->ctx, (unsigned)spi);
}

const struct mmio_ops gicv2m_mmio_ops = {
	.name = "gicv2m",
	.read = gicv2m_read,
	.write = gicv2m_write,
};
