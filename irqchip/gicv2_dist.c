// SPDX-License-Identifier: GPL-2.0-only
/*
 * The user GICv2's distributor registers (IHI 0048B, "Distributor register
 * descriptions"). Called from gicv2_model.c with the lock held, a valid
 * CPU and a naturally aligned access inside the 4 KiB frame.
 */
#include "gicv2_internal.h"

/* The per-interrupt bit arrays at 0x100..0x3ff, as set/clear pairs. */
enum bit_field { FIELD_ENABLE, FIELD_PENDING, FIELD_ACTIVE };

/* Peripheral and component ID registers, GICD_PIDR4 (0xfd0) to GICD_CIDR3. */
static const uint8_t id_regs[12] = {
	0x04,			/* PIDR4: JEP106 continuation code 4 (ARM) */
	0x00, 0x00, 0x00,	/* PIDR5-7 */
	0x00,			/* PIDR0: part number [7:0] */
	0xb0,			/* PIDR1: JEP106 ID [3:0], part number [11:8] */
	0x2b,			/* PIDR2: ArchRev 2 (GICv2), JEDEC, JEP106 ID [6:4] */
	0x00,			/* PIDR3 */
	0x0d, 0xf0, 0x05, 0xb1, /* CIDR0-3: the PrimeCell preamble */
};

static uint32_t typer(const struct gicv2_model *g)
{
	uint32_t it_lines = (g->nr_irqs + 31) / 32 - 1;

	/* SecurityExtn (bit 10) and LSPI stay 0: one Security state. */
	return it_lines | (g->nr_cpus - 1) << 5;
}

static bool field_get(const struct gicv2_model *g, unsigned cpu, unsigned intid,
		      const struct gicv2_irq *irq, enum bit_field f)
{
	switch (f) {
	case FIELD_ENABLE: return irq->enabled;
	case FIELD_PENDING: return gicv2_irq_pending(g, cpu, intid, irq);
	case FIELD_ACTIVE: return irq->active;
	}
	return false;
}

static void field_set(unsigned intid, struct gicv2_irq *irq, enum bit_field f, bool set)
{
	switch (f) {
	case FIELD_ENABLE: irq->enabled = set; break;
	case FIELD_PENDING:
		/*
		 * SGI bits of GICD_IS/ICPENDR0 are WI: an SGI is pending per
		 * source CPU, which only GICD_SGIR and GICD_S/CPENDSGIR name.
		 * A level interrupt stays pending after a clear while its line
		 * is high (gicv2_irq_pending()).
		 */
		if (intid >= GICV2_NR_SGIS)
			irq->latched = set;
		break;
	case FIELD_ACTIVE: irq->active = set; break;
	}
}

static uint32_t bits_read(struct gicv2_model *g, unsigned cpu, unsigned first, enum bit_field f)
{
	uint32_t val = 0;

	for (unsigned i = 0; i < 32; i++) {
		const struct gicv2_irq *irq = gicv2_irq(g, cpu, first + i);

		if (!irq)
			break;
		if (field_get(g, cpu, first + i, irq, f))
			val |= 1u << i;
	}
	return val;
}

static void bits_write(struct gicv2_model *g, unsigned cpu, unsigned first, enum bit_field f,
		       bool set, uint32_t val)
{
	for (unsigned i = 0; i < 32; i++) {
		struct gicv2_irq *irq = gicv2_irq(g, cpu, first + i);

		if (!irq)
			break;
		if (val & (1u << i))
			field_set(first + i, irq, f, set);
	}
}

/* GICD_ICFGRn: 2 bits per interrupt; [2F+1] is edge, [2F] is reserved (RAZ/WI). */
static uint32_t icfgr_read(struct gicv2_model *g, unsigned cpu, unsigned n)
{
	uint32_t val = 0;

	for (unsigned i = 0; i < 16; i++) {
		const struct gicv2_irq *irq = gicv2_irq(g, cpu, n * 16 + i);

		if (!irq)
			break;
		if (irq->edge)
			val |= 2u << (2 * i);
	}
	return val;
}

/* SGIs are always edge, PPIs always level (see gicv2_model.h): SPIs only. */
static void icfgr_write(struct gicv2_model *g, unsigned cpu, unsigned n, uint32_t val)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned intid = n * 16 + i;
		struct gicv2_irq *irq = gicv2_irq(g, cpu, intid);

		if (!irq)
			break;
		if (intid >= GICV2_NR_PRIVATE)
			irq->edge = val & (2u << (2 * i));
	}
}

/* GICD_SGIR: TargetListFilter [25:24], CPUTargetList [23:16], SGIINTID [3:0]. */
static void sgir_write(struct gicv2_model *g, unsigned cpu, uint32_t val)
{
	unsigned sgi = val & 0xf;
	uint32_t targets;

	switch ((val >> 24) & 3) {
	case 0: targets = (val >> 16) & 0xff; break;
	case 1: targets = ~(1u << cpu); break; /* every CPU but the writer */
	case 2: targets = 1u << cpu; break;    /* the writer only */
	default: return;		       /* reserved */
	}
	targets &= gicv2_cpu_mask(g);
	for (unsigned t = 0; t < g->nr_cpus; t++) {
		if (targets & (1u << t))
			g->cpu[t].sgi_sources[sgi] |= (uint8_t)(1u << cpu);
	}
}

/*
 * The byte-accessible registers: GICD_IPRIORITYRn, GICD_ITARGETSRn,
 * GICD_CPENDSGIRn and GICD_SPENDSGIRn.
 */
static bool byte_reg(uint64_t off)
{
	return (off >= GICD_IPRIORITYR && off < GICD_ICFGR) ||
	       (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 16);
}

static uint8_t byte_read(struct gicv2_model *g, unsigned cpu, uint64_t off)
{
	if (off < GICD_ITARGETSR) {
		const struct gicv2_irq *irq = gicv2_irq(g, cpu, (unsigned)(off - GICD_IPRIORITYR));

		return irq ? irq->priority : 0;
	}
	if (off < GICD_ICFGR) {
		unsigned intid = (unsigned)(off - GICD_ITARGETSR);

		/* Banked, read-only: the reader's own CPU (see gicv2_model.h). */
		if (intid < GICV2_NR_PRIVATE)
			return (uint8_t)(1u << cpu);
		return intid < g->nr_irqs ? g->spi[intid - GICV2_NR_PRIVATE].targets : 0;
	}
	/* GICD_C/SPENDSGIRn: byte n & 15 is SGI n's pending sources at this CPU. */
	return g->cpu[cpu].sgi_sources[off & 0xf];
}

static void byte_write(struct gicv2_model *g, unsigned cpu, uint64_t off, uint8_t val)
{
	if (off < GICD_ITARGETSR) {
		struct gicv2_irq *irq = gicv2_irq(g, cpu, (unsigned)(off - GICD_IPRIORITYR));

		if (irq)
			irq->priority = val & GICV2_PRIO_MASK;
	} else if (off < GICD_ICFGR) {
		unsigned intid = (unsigned)(off - GICD_ITARGETSR);

		if (intid >= GICV2_NR_PRIVATE && intid < g->nr_irqs)
			g->spi[intid - GICV2_NR_PRIVATE].targets = val & gicv2_cpu_mask(g);
	} else if (off < GICD_SPENDSGIR) {
		g->cpu[cpu].sgi_sources[off & 0xf] &= (uint8_t)~val;
	} else {
		g->cpu[cpu].sgi_sources[off & 0xf] |= val & gicv2_cpu_mask(g);
	}
}

static uint32_t word_read(struct gicv2_model *g, unsigned cpu, uint64_t off)
{
	if (off == GICD_CTLR)
		return g->enabled ? GICD_CTLR_ENABLE : 0;
	if (off == GICD_TYPER)
		return typer(g);
	if (off == GICD_IIDR)
		return GICV2_GICD_IIDR;
	if (off >= GICD_ISENABLER && off < GICD_IPRIORITYR) {
		enum bit_field f = (enum bit_field)((off - GICD_ISENABLER) / 0x100);

		return bits_read(g, cpu, (unsigned)(off & 0x7f) / 4 * 32, f);
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100)
		return icfgr_read(g, cpu, (unsigned)(off - GICD_ICFGR) / 4);
	if (off >= GICD_PIDR4)
		return id_regs[(off - GICD_PIDR4) / 4];
	/* IGROUPR (every interrupt Group 0), NSACR, SGIR (WO), reserved: RAZ. */
	return 0;
}

static void word_write(struct gicv2_model *g, unsigned cpu, uint64_t off, uint32_t val)
{
	if (off == GICD_CTLR) {
		g->enabled = val & GICD_CTLR_ENABLE;
	} else if (off >= GICD_ISENABLER && off < GICD_IPRIORITYR) {
		enum bit_field f = (enum bit_field)((off - GICD_ISENABLER) / 0x100);
		bool set = !(off & 0x80); /* IS* at 0x_00, IC* at 0x_80 */

		bits_write(g, cpu, (unsigned)(off & 0x7f) / 4 * 32, f, set, val);
	} else if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
		icfgr_write(g, cpu, (unsigned)(off - GICD_ICFGR) / 4, val);
	} else if (off == GICD_SGIR) {
		sgir_write(g, cpu, val);
	}
	/* Everything else is read-only, RAZ/WI or reserved. */
}

uint64_t gicv2_dist_read(struct gicv2_model *g, unsigned cpu, uint64_t off, unsigned len)
{
	uint64_t val = 0;

	if (byte_reg(off) && (len == 1 || len == 4)) {
		for (unsigned i = 0; i < len; i++)
			val |= (uint64_t)byte_read(g, cpu, off + i) << (8 * i);
		return val;
	}
	return len == 4 ? word_read(g, cpu, off) : 0;
}

void gicv2_dist_write(struct gicv2_model *g, unsigned cpu, uint64_t off, unsigned len, uint64_t val)
{
	if (byte_reg(off) && (len == 1 || len == 4)) {
		for (unsigned i = 0; i < len; i++)
			byte_write(g, cpu, off + i, (uint8_t)(val >> (8 * i)));
	} else if (len == 4) {
		word_write(g, cpu, off, (uint32_t)val);
	}
}
