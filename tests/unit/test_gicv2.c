// SPDX-License-Identifier: GPL-2.0-only
/*
 * The user GICv2 on plain memory: every register driven through the MMIO
 * handlers as the vCPUs would, lines driven as devices and timers would,
 * and the IRQ outputs checked after each step (IHI 0048B).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "../../irqchip/gicv2_model.h"
#include "suites.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define NR_CPUS	   4
#define NR_SPIS	   64 /* INTIDs 32..95 */
#define SPI	   40
#define SPI2	   41
#define PPI_VTIMER 27
#define PPI_PTIMER 30
#define PPI_PMU	   23

static struct gicv2_model g;

static void gic_setup(void)
{
	ck_assert_int_eq(gicv2_model_init(&g, NR_CPUS, NR_SPIS), 0);
}

static void gic_teardown(void)
{
	gicv2_model_destroy(&g);
}

/* --- accessors ------------------------------------------------------------ */

static uint64_t drd_n(unsigned cpu, uint64_t off, unsigned len)
{
	uint64_t val = 0xdeadbeefcafef00dull;

	ck_assert_uint_eq(gicv2_model_dist_read(&g, cpu, off, len, &val), 0);
	return val;
}

static uint32_t drd(unsigned cpu, uint64_t off)
{
	uint64_t val = drd_n(cpu, off, 4);

	ck_assert_uint_le(val, UINT32_MAX);
	return (uint32_t)val;
}

static uint8_t drd8(unsigned cpu, uint64_t off)
{
	uint64_t val = drd_n(cpu, off, 1);

	ck_assert_uint_le(val, 0xff);
	return (uint8_t)val;
}

static uint32_t dwr(unsigned cpu, uint64_t off, uint32_t val)
{
	return gicv2_model_dist_write(&g, cpu, off, 4, val);
}

static uint32_t dwr8(unsigned cpu, uint64_t off, uint8_t val)
{
	return gicv2_model_dist_write(&g, cpu, off, 1, val);
}

static uint32_t crd(unsigned cpu, uint64_t off)
{
	uint64_t val = 0xdeadbeefcafef00dull;

	gicv2_model_cpu_read(&g, cpu, off, 4, &val);
	ck_assert_uint_le(val, UINT32_MAX);
	return (uint32_t)val;
}

static uint32_t cwr(unsigned cpu, uint64_t off, uint32_t val)
{
	return gicv2_model_cpu_write(&g, cpu, off, 4, val);
}

static uint32_t iar(unsigned cpu)
{
	return crd(cpu, GICC_IAR);
}

static uint32_t lines(void)
{
	return gicv2_model_irq_lines(&g, NULL);
}

/* The word register holding intid's bit in a 1-bit-per-interrupt array. */
static uint64_t bit_reg(uint64_t base, unsigned intid)
{
	return base + intid / 32 * 4;
}

static bool bit_of(unsigned cpu, uint64_t base, unsigned intid)
{
	return drd(cpu, bit_reg(base, intid)) & (1u << (intid % 32));
}

static bool is_pending(unsigned cpu, unsigned intid)
{
	return bit_of(cpu, GICD_ISPENDR, intid);
}

static bool is_active(unsigned cpu, unsigned intid)
{
	return bit_of(cpu, GICD_ISACTIVER, intid);
}

static void enable_irq(unsigned cpu, unsigned intid)
{
	dwr(cpu, bit_reg(GICD_ISENABLER, intid), 1u << (intid % 32));
}

/* Distributor on; every CPU interface on with nothing masked (PMR 0xf8). */
static void gic_on(void)
{
	dwr(0, GICD_CTLR, GICD_CTLR_ENABLE);
	for (unsigned cpu = 0; cpu < g.nr_cpus; cpu++) {
		cwr(cpu, GICC_CTLR, GICC_CTLR_GRP0);
		cwr(cpu, GICC_PMR, 0xff);
	}
}

/* An enabled SPI of priority prio, routed to the CPUs in targets. */
static void spi_setup(unsigned intid, uint8_t prio, uint8_t targets, bool edge)
{
	uint64_t cfg = GICD_ICFGR + intid / 16 * 4;
	uint32_t bit = 2u << (2 * (intid % 16));

	dwr8(0, GICD_IPRIORITYR + intid, prio);
	dwr8(0, GICD_ITARGETSR + intid, targets);
	dwr(0, cfg, edge ? drd(0, cfg) | bit : drd(0, cfg) & ~bit);
	enable_irq(0, intid);
}

/* An enabled level SPI for CPU 0 with priority prio, its line high. */
static void spi_fire(unsigned intid, uint8_t prio)
{
	spi_setup(intid, prio, 0x1, false);
	gicv2_model_set_line(&g, intid, true);
}

/* A GICD_SGIR value. */
static uint32_t sgir(unsigned filter, unsigned targets, unsigned sgi)
{
	return filter << 24 | targets << 16 | sgi;
}

/* --- init and reset values ------------------------------------------------ */

START_TEST(test_init_args)
{
	struct gicv2_model m;

	ck_assert_int_eq(gicv2_model_init(&m, 0, 32), -EINVAL);
	ck_assert_int_eq(gicv2_model_init(&m, 9, 32), -EINVAL);
	ck_assert_int_eq(gicv2_model_init(&m, 1, GICV2_MAX_SPIS + 1), -EINVAL);
	ck_assert_int_eq(gicv2_model_init(&m, 8, GICV2_MAX_SPIS), 0);
	ck_assert_uint_eq(m.nr_irqs, 1020);
	gicv2_model_destroy(&m);
	ck_assert_int_eq(gicv2_model_init(&m, 1, 0), 0);
	ck_assert_uint_eq(m.nr_irqs, 32);
	gicv2_model_destroy(&m);
}
END_TEST

START_TEST(test_typer)
{
	static const struct {
		unsigned cpus, spis;
		uint32_t typer;
	} cases[] = {
		{ 1, 0, 0x00 },	 { 1, 1, 0x01 },  { 2, 32, 0x21 },	 { 4, 64, 0x62 },
		{ 4, 65, 0x63 }, { 8, 96, 0xe3 }, { 8, 988, 0xe0 | 31 }, { 3, 480, 0x40 | 15 },
	};

	for (unsigned i = 0; i < N(cases); i++) {
		struct gicv2_model m;
		uint64_t val;

		ck_assert_int_eq(gicv2_model_init(&m, cases[i].cpus, cases[i].spis), 0);
		gicv2_model_dist_read(&m, 0, GICD_TYPER, 4, &val);
		ck_assert_msg(val == cases[i].typer, "%u CPUs %u SPIs: TYPER %#llx", cases[i].cpus,
			      cases[i].spis, (unsigned long long)val);
		ck_assert_uint_eq(val & (1u << 10), 0); /* SecurityExtn */
		gicv2_model_destroy(&m);
	}
}
END_TEST

START_TEST(test_dist_reset_values)
{
	ck_assert_uint_eq(drd(0, GICD_CTLR), 0);
	ck_assert_uint_eq(drd(0, GICD_IIDR), GICV2_GICD_IIDR);
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		/* SGIs enabled, PPIs and SPIs not; nothing pending or active. */
		ck_assert_uint_eq(drd(cpu, GICD_ISENABLER), 0xffff);
		ck_assert_uint_eq(drd(cpu, GICD_ICENABLER), 0xffff);
		ck_assert_uint_eq(drd(cpu, GICD_ICFGR), 0xaaaaaaaa); /* SGIs edge */
		ck_assert_uint_eq(drd(cpu, GICD_ICFGR + 4), 0);	     /* PPIs level */
		ck_assert_uint_eq(drd(cpu, GICD_ITARGETSR), 0x01010101u << cpu);
		for (unsigned n = 0; n < 3; n++) {
			ck_assert_uint_eq(drd(cpu, GICD_IGROUPR + 4 * n), 0);
			ck_assert_uint_eq(drd(cpu, GICD_ISPENDR + 4 * n), 0);
			ck_assert_uint_eq(drd(cpu, GICD_ICPENDR + 4 * n), 0);
			ck_assert_uint_eq(drd(cpu, GICD_ISACTIVER + 4 * n), 0);
			ck_assert_uint_eq(drd(cpu, GICD_ICACTIVER + 4 * n), 0);
		}
		for (unsigned n = 0; n < 4; n++)
			ck_assert_uint_eq(drd(cpu, GICD_CPENDSGIR + 4 * n), 0);
	}
}
END_TEST

START_TEST(test_dist_reset_spi_values)
{
	ck_assert_uint_eq(drd(0, GICD_ISENABLER + 4), 0);
	ck_assert_uint_eq(drd(0, GICD_ISENABLER + 8), 0);
	for (unsigned intid = 0; intid < g.nr_irqs; intid += 4)
		ck_assert_uint_eq(drd(0, GICD_IPRIORITYR + intid), 0);
	for (unsigned intid = 32; intid < g.nr_irqs; intid += 4)
		ck_assert_uint_eq(drd(0, GICD_ITARGETSR + intid), 0);
	for (unsigned n = 2; n < g.nr_irqs / 16; n++)
		ck_assert_uint_eq(drd(0, GICD_ICFGR + 4 * n), 0); /* SPIs level */
	ck_assert_uint_eq(drd(0, GICD_SGIR), 0);		  /* write-only */
	ck_assert_uint_eq(lines(), 0);
}
END_TEST

START_TEST(test_id_regs)
{
	static const uint32_t ids[12] = {
		0x04, 0, 0, 0, 0x00, 0xb0, 0x2b, 0, 0x0d, 0xf0, 0x05, 0xb1
	};

	for (unsigned i = 0; i < N(ids); i++)
		ck_assert_uint_eq(drd(0, GICD_PIDR4 + 4 * i), ids[i]);
	ck_assert_uint_eq((drd(0, GICD_PIDR2) >> 4) & 0xf, 2); /* ArchRev: GICv2 */
}
END_TEST

START_TEST(test_cpu_reset_values)
{
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		ck_assert_uint_eq(crd(cpu, GICC_CTLR), 0);
		ck_assert_uint_eq(crd(cpu, GICC_PMR), 0);
		ck_assert_uint_eq(crd(cpu, GICC_BPR), GICV2_BPR_MIN);
		ck_assert_uint_eq(crd(cpu, GICC_IAR), GICV2_SPURIOUS);
		ck_assert_uint_eq(crd(cpu, GICC_EOIR), 0); /* write-only */
		ck_assert_uint_eq(crd(cpu, GICC_RPR), GICV2_IDLE_PRIO);
		ck_assert_uint_eq(crd(cpu, GICC_HPPIR), GICV2_SPURIOUS);
		ck_assert_uint_eq(crd(cpu, GICC_ABPR), GICV2_ABPR_MIN);
		ck_assert_uint_eq(crd(cpu, GICC_AIAR), GICV2_SPURIOUS);
		ck_assert_uint_eq(crd(cpu, GICC_AEOIR), 0);
		ck_assert_uint_eq(crd(cpu, GICC_AHPPIR), GICV2_SPURIOUS);
		for (unsigned n = 0; n < 4; n++) {
			ck_assert_uint_eq(crd(cpu, GICC_APR0 + 4 * n), 0);
			ck_assert_uint_eq(crd(cpu, GICC_NSAPR0 + 4 * n), 0);
		}
		ck_assert_uint_eq(crd(cpu, GICC_IIDR), GICV2_GICC_IIDR);
		ck_assert_uint_eq((crd(cpu, GICC_IIDR) >> 16) & 0xf, 2); /* GICv2 */
		ck_assert_uint_eq(crd(cpu, GICC_DIR), 0);
	}
	ck_assert_uint_eq(g.acks, 0); /* spurious reads deliver nothing */
}
END_TEST

START_TEST(test_ctlr_bits)
{
	dwr(0, GICD_CTLR, UINT32_MAX);
	ck_assert_uint_eq(drd(0, GICD_CTLR), GICD_CTLR_ENABLE); /* no EnableGrp1 */
	ck_assert_uint_eq(drd(3, GICD_CTLR), GICD_CTLR_ENABLE); /* not banked */
	dwr(2, GICD_CTLR, 0);
	ck_assert_uint_eq(drd(0, GICD_CTLR), 0);
}
END_TEST

START_TEST(test_gicc_ctlr)
{
	cwr(1, GICC_CTLR, UINT32_MAX);
	ck_assert_uint_eq(crd(1, GICC_CTLR), 0x217); /* no FIQEn, bypass, EOImodeNS */
	ck_assert_uint_eq(crd(1, GICC_CTLR) & GICC_CTLR_FIQEN, 0);
	ck_assert_uint_eq(crd(0, GICC_CTLR), 0); /* banked */
	cwr(1, GICC_CTLR, GICC_CTLR_EOIMODE);
	ck_assert_uint_eq(crd(1, GICC_CTLR), GICC_CTLR_EOIMODE);
}
END_TEST

START_TEST(test_igroupr_raz_wi)
{
	/* IGROUPR is RAZ/WI: everything stays Group 0. */
	dwr(0, GICD_IGROUPR, UINT32_MAX);
	dwr(0, GICD_IGROUPR + 4, UINT32_MAX);
	ck_assert_uint_eq(drd(0, GICD_IGROUPR), 0);
	ck_assert_uint_eq(drd(0, GICD_IGROUPR + 4), 0);
}
END_TEST

START_TEST(test_id_read_only)
{
	/* Read-only identification. */
	dwr(0, GICD_TYPER, 0);
	dwr(0, GICD_IIDR, 0);
	dwr(0, GICD_PIDR2, 0);
	cwr(0, GICC_IIDR, 0);
	ck_assert_uint_eq(drd(0, GICD_TYPER), 0x62);
	ck_assert_uint_eq(drd(0, GICD_IIDR), GICV2_GICD_IIDR);
	ck_assert_uint_eq(drd(0, GICD_PIDR2), 0x2b);
	ck_assert_uint_eq(crd(0, GICC_IIDR), GICV2_GICC_IIDR);
}
END_TEST

START_TEST(test_pmr_bpr_bits)
{
	cwr(0, GICC_PMR, 0xffffffff);
	ck_assert_uint_eq(crd(0, GICC_PMR), 0xf8); /* 5 priority bits */
	cwr(0, GICC_PMR, 0x87);
	ck_assert_uint_eq(crd(0, GICC_PMR), 0x80);
	ck_assert_uint_eq(crd(1, GICC_PMR), 0);
}
END_TEST

START_TEST(test_bpr_abpr_minimum)
{
	for (uint32_t v = 0; v < 8; v++) {
		cwr(0, GICC_BPR, v);
		ck_assert_uint_eq(crd(0, GICC_BPR), v < 2 ? 2 : v);
		cwr(0, GICC_ABPR, v);
		ck_assert_uint_eq(crd(0, GICC_ABPR), v < 3 ? 3 : v);
	}
	cwr(0, GICC_BPR, 0xfffffffd);
	ck_assert_uint_eq(crd(0, GICC_BPR), 5);
	ck_assert_uint_eq(crd(1, GICC_BPR), 2);
}
END_TEST

START_TEST(test_gicc_banked)
{
	cwr(2, GICC_CTLR, GICC_CTLR_GRP0 | GICC_CTLR_EOIMODE);
	cwr(2, GICC_PMR, 0x40);
	cwr(2, GICC_BPR, 6);
	cwr(2, GICC_ABPR, 6);
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		bool two = cpu == 2;

		ck_assert_uint_eq(crd(cpu, GICC_CTLR), two ? 0x201 : 0);
		ck_assert_uint_eq(crd(cpu, GICC_PMR), two ? 0x40 : 0);
		ck_assert_uint_eq(crd(cpu, GICC_BPR), two ? 6 : 2);
		ck_assert_uint_eq(crd(cpu, GICC_ABPR), two ? 6 : 3);
	}
	/* An acknowledge on one CPU leaves the others' running priority alone. */
	gic_on();
	dwr(1, GICD_SGIR, sgir(2, 0, 0));
	ck_assert_uint_eq(iar(1), 1u << 10);
	ck_assert_uint_eq(g.acks, 1); /* the run summary's user_gic count */
	ck_assert_uint_eq(iar(1), GICV2_SPURIOUS);
	ck_assert_uint_eq(g.acks, 1);
	ck_assert_uint_eq(crd(1, GICC_RPR), 0);
	ck_assert_uint_eq(crd(0, GICC_RPR), GICV2_IDLE_PRIO);
	ck_assert_uint_eq(crd(0, GICC_APR0), 0);
}
END_TEST

/* --- enable, pending, active ---------------------------------------------- */

START_TEST(test_enable_set_clear)
{
	/* SPI: shared. */
	dwr(0, GICD_ISENABLER + 4, 1u << (SPI - 32));
	ck_assert(bit_of(0, GICD_ISENABLER, SPI));
	ck_assert(bit_of(3, GICD_ICENABLER, SPI));
	dwr(2, GICD_ISENABLER + 4, 0); /* zeros do nothing */
	ck_assert(bit_of(0, GICD_ISENABLER, SPI));
	dwr(2, GICD_ICENABLER + 4, 1u << (SPI - 32));
	ck_assert(!bit_of(0, GICD_ISENABLER, SPI));
}
END_TEST

START_TEST(test_enable_ppi_banked)
{
	/* PPI: banked. */
	enable_irq(1, PPI_VTIMER);
	ck_assert(bit_of(1, GICD_ISENABLER, PPI_VTIMER));
	ck_assert(!bit_of(0, GICD_ISENABLER, PPI_VTIMER));
	ck_assert(!bit_of(2, GICD_ISENABLER, PPI_VTIMER));
	dwr(0, GICD_ICENABLER, 1u << PPI_VTIMER);
	ck_assert(bit_of(1, GICD_ISENABLER, PPI_VTIMER));
	dwr(1, GICD_ICENABLER, 1u << PPI_VTIMER);
	ck_assert(!bit_of(1, GICD_ISENABLER, PPI_VTIMER));
}
END_TEST

START_TEST(test_enable_sgi)
{
	/* SGIs can be disabled, per CPU. */
	dwr(2, GICD_ICENABLER, 0xffff);
	ck_assert_uint_eq(drd(2, GICD_ISENABLER), 0);
	ck_assert_uint_eq(drd(1, GICD_ISENABLER), 0xffff);
	dwr(2, GICD_ISENABLER, 1u << 7);
	ck_assert_uint_eq(drd(2, GICD_ISENABLER), 0x80);
}
END_TEST

START_TEST(test_enable_all_spis)
{
	/* All SPIs at once; the unimplemented above 95 stay RAZ. */
	dwr(0, GICD_ISENABLER + 4, UINT32_MAX);
	dwr(0, GICD_ISENABLER + 8, UINT32_MAX);
	dwr(0, GICD_ISENABLER + 12, UINT32_MAX);
	ck_assert_uint_eq(drd(0, GICD_ISENABLER + 4), UINT32_MAX);
	ck_assert_uint_eq(drd(0, GICD_ISENABLER + 8), UINT32_MAX);
	ck_assert_uint_eq(drd(0, GICD_ISENABLER + 12), 0);
}
END_TEST

START_TEST(test_pending_set_clear)
{
	dwr(1, GICD_ISPENDR + 4, 1u << (SPI - 32));
	ck_assert(is_pending(0, SPI));
	ck_assert(is_pending(3, SPI));
	ck_assert(bit_of(2, GICD_ICPENDR, SPI));
	dwr(0, GICD_ICPENDR + 4, 1u << (SPI - 32));
	ck_assert(!is_pending(1, SPI));
}
END_TEST

START_TEST(test_pending_ppi_banked)
{
	dwr(2, GICD_ISPENDR, 1u << PPI_PMU);
	ck_assert(is_pending(2, PPI_PMU));
	ck_assert(!is_pending(0, PPI_PMU));
	dwr(2, GICD_ICPENDR, 1u << PPI_PMU);
	ck_assert(!is_pending(2, PPI_PMU));
}
END_TEST

START_TEST(test_pending_sgi_wi)
{
	/* SGI bits of IS/ICPENDR0 are WI: SPENDSGIR/SGIR own SGI pending. */
	dwr(0, GICD_ISPENDR, 0xffff);
	ck_assert_uint_eq(drd(0, GICD_ISPENDR), 0);
	dwr8(0, GICD_SPENDSGIR + 3, 0x2);
	ck_assert_uint_eq(drd(0, GICD_ISPENDR), 1u << 3);
	dwr(0, GICD_ICPENDR, 0xffff);
	ck_assert_uint_eq(drd(0, GICD_ISPENDR), 1u << 3);
	ck_assert_uint_eq(drd(0, GICD_ICPENDR), 1u << 3);
}
END_TEST

START_TEST(test_active_set_clear)
{
	dwr(3, GICD_ISACTIVER + 8, 1u << (70 - 64));
	ck_assert(is_active(0, 70));
	ck_assert(bit_of(1, GICD_ICACTIVER, 70));
	dwr(1, GICD_ICACTIVER + 8, 1u << (70 - 64));
	ck_assert(!is_active(3, 70));
}
END_TEST

START_TEST(test_active_banked)
{
	/* SGIs and PPIs: banked. */
	dwr(1, GICD_ISACTIVER, (1u << 2) | (1u << PPI_PTIMER));
	ck_assert_uint_eq(drd(1, GICD_ISACTIVER), (1u << 2) | (1u << PPI_PTIMER));
	ck_assert_uint_eq(drd(0, GICD_ISACTIVER), 0);
	dwr(1, GICD_ICACTIVER, 1u << 2);
	ck_assert_uint_eq(drd(1, GICD_ICACTIVER), 1u << PPI_PTIMER);
}
END_TEST

START_TEST(test_unimplemented_irqs)
{
	struct gicv2_model m;
	uint64_t val;

	/* 40 SPIs: INTIDs 32..71; 72..95 exist in TYPER's range but not here. */
	ck_assert_int_eq(gicv2_model_init(&m, 2, 40), 0);
	gicv2_model_dist_write(&m, 0, GICD_ISENABLER + 8, 4, UINT32_MAX);
	gicv2_model_dist_read(&m, 0, GICD_ISENABLER + 8, 4, &val);
	ck_assert_uint_eq(val, 0xff);
	gicv2_model_dist_write(&m, 0, GICD_ISPENDR + 8, 4, UINT32_MAX);
	gicv2_model_dist_read(&m, 0, GICD_ISPENDR + 8, 4, &val);
	ck_assert_uint_eq(val, 0xff);
	gicv2_model_dist_write(&m, 0, GICD_IPRIORITYR + 72, 4, UINT32_MAX);
	gicv2_model_dist_read(&m, 0, GICD_IPRIORITYR + 72, 4, &val);
	ck_assert_uint_eq(val, 0);
	gicv2_model_dist_write(&m, 0, GICD_IPRIORITYR + 68, 4, UINT32_MAX);
	gicv2_model_dist_read(&m, 0, GICD_IPRIORITYR + 68, 4, &val);
	ck_assert_uint_eq(val, 0xf8f8f8f8);
	gicv2_model_dist_write(&m, 0, GICD_ITARGETSR + 72, 1, 1);
	gicv2_model_dist_read(&m, 0, GICD_ITARGETSR + 72, 1, &val);
	ck_assert_uint_eq(val, 0);
	gicv2_model_dist_write(&m, 0, GICD_ICFGR + 4 * 4, 4, UINT32_MAX); /* 64..79 */
	gicv2_model_dist_read(&m, 0, GICD_ICFGR + 4 * 4, 4, &val);
	ck_assert_uint_eq(val, 0xaaaa);
	/* Registers past ITLinesNumber: RAZ/WI. */
	gicv2_model_dist_write(&m, 0, GICD_ISENABLER + 12, 4, UINT32_MAX);
	gicv2_model_dist_read(&m, 0, GICD_ISENABLER + 12, 4, &val);
	ck_assert_uint_eq(val, 0);
	ck_assert_int_eq(gicv2_model_set_line(&m, 72, true), -EINVAL);
	ck_assert_int_eq(gicv2_model_set_line(&m, 71, true), 0);
	gicv2_model_destroy(&m);
}
END_TEST

/* --- priorities, targets, configuration ----------------------------------- */

START_TEST(test_priority_access)
{
	dwr8(0, GICD_IPRIORITYR + SPI, 0xff);
	ck_assert_uint_eq(drd8(0, GICD_IPRIORITYR + SPI), 0xf8);
	ck_assert_uint_eq(drd8(2, GICD_IPRIORITYR + SPI), 0xf8); /* SPIs shared */
	dwr(0, GICD_IPRIORITYR + 44, 0x12345678);
	ck_assert_uint_eq(drd(1, GICD_IPRIORITYR + 44), 0x10305078);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_uint_eq(drd8(0, GICD_IPRIORITYR + 44 + i),
				  (0x10305078 >> (8 * i)) & 0xff);
	dwr8(0, GICD_IPRIORITYR + 46, 0xa0);
	ck_assert_uint_eq(drd(0, GICD_IPRIORITYR + 44), 0x10a05078);
}
END_TEST

START_TEST(test_priority_halfword)
{
	dwr(0, GICD_IPRIORITYR + 44, 0x10a05078);
	/* Halfwords are not allowed: RAZ/WI. */
	gicv2_model_dist_write(&g, 0, GICD_IPRIORITYR + 44, 2, 0xffff);
	ck_assert_uint_eq(drd_n(0, GICD_IPRIORITYR + 44, 2), 0);
	ck_assert_uint_eq(drd(0, GICD_IPRIORITYR + 44), 0x10a05078);
}
END_TEST

START_TEST(test_priority_banked)
{
	/* SGI and PPI priorities are banked. */
	dwr8(1, GICD_IPRIORITYR + 5, 0x40);
	dwr8(2, GICD_IPRIORITYR + PPI_VTIMER, 0x88);
	ck_assert_uint_eq(drd8(1, GICD_IPRIORITYR + 5), 0x40);
	ck_assert_uint_eq(drd8(0, GICD_IPRIORITYR + 5), 0);
	ck_assert_uint_eq(drd8(2, GICD_IPRIORITYR + PPI_VTIMER), 0x88);
	ck_assert_uint_eq(drd8(3, GICD_IPRIORITYR + PPI_VTIMER), 0);
}
END_TEST

START_TEST(test_priority_bits)
{
	/* Every implemented bit reads back, the rest are zero. */
	for (unsigned v = 0; v < 256; v++) {
		dwr8(0, GICD_IPRIORITYR + 95, (uint8_t)v);
		ck_assert_uint_eq(drd8(0, GICD_IPRIORITYR + 95), v & 0xf8);
	}
}
END_TEST

START_TEST(test_targets_access)
{
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		for (unsigned n = 0; n < 8; n++)
			ck_assert_uint_eq(drd(cpu, GICD_ITARGETSR + 4 * n), 0x01010101u << cpu);
		ck_assert_uint_eq(drd8(cpu, GICD_ITARGETSR + 27), 1u << cpu);
		/* Read-only. */
		dwr(cpu, GICD_ITARGETSR + 24, 0);
		dwr8(cpu, GICD_ITARGETSR + 3, 0xff);
		ck_assert_uint_eq(drd(cpu, GICD_ITARGETSR + 24), 0x01010101u << cpu);
		ck_assert_uint_eq(drd8(cpu, GICD_ITARGETSR + 3), 1u << cpu);
	}
}
END_TEST

START_TEST(test_targets_spi)
{
	/* SPIs: implemented CPUs only. */
	dwr8(1, GICD_ITARGETSR + SPI, 0xff);
	ck_assert_uint_eq(drd8(0, GICD_ITARGETSR + SPI), 0x0f);
	dwr(0, GICD_ITARGETSR + 44, 0x11223304);
	ck_assert_uint_eq(drd(3, GICD_ITARGETSR + 44), 0x01020304);
	dwr8(0, GICD_ITARGETSR + 45, 0x08);
	ck_assert_uint_eq(drd(0, GICD_ITARGETSR + 44), 0x01020804);
	gicv2_model_dist_write(&g, 0, GICD_ITARGETSR + 44, 2, 0xffff);
	ck_assert_uint_eq(drd_n(0, GICD_ITARGETSR + 44, 2), 0);
	ck_assert_uint_eq(drd(0, GICD_ITARGETSR + 44), 0x01020804);
}
END_TEST

START_TEST(test_targets_one_cpu)
{
	struct gicv2_model m;
	uint64_t val;

	/* One CPU still reads its own mask (see gicv2_model.h). */
	ck_assert_int_eq(gicv2_model_init(&m, 1, 32), 0);
	gicv2_model_dist_read(&m, 0, GICD_ITARGETSR + 28, 4, &val);
	ck_assert_uint_eq(val, 0x01010101);
	gicv2_model_dist_write(&m, 0, GICD_ITARGETSR + 32, 4, 0xffffffff);
	gicv2_model_dist_read(&m, 0, GICD_ITARGETSR + 32, 4, &val);
	ck_assert_uint_eq(val, 0x01010101);
	gicv2_model_destroy(&m);
}
END_TEST

START_TEST(test_icfgr)
{
	dwr(0, GICD_ICFGR, 0);
	ck_assert_uint_eq(drd(0, GICD_ICFGR), 0xaaaaaaaa);
	dwr(0, GICD_ICFGR + 4, UINT32_MAX);
	ck_assert_uint_eq(drd(0, GICD_ICFGR + 4), 0);
	dwr(0, GICD_ICFGR + 8, UINT32_MAX); /* 32..47: [2F] reserved */
	ck_assert_uint_eq(drd(1, GICD_ICFGR + 8), 0xaaaaaaaa);
	dwr(0, GICD_ICFGR + 8, 0x55555555);
	ck_assert_uint_eq(drd(0, GICD_ICFGR + 8), 0);
	dwr(0, GICD_ICFGR + 12, 2u << (2 * (60 - 48)));
	ck_assert_uint_eq(drd(0, GICD_ICFGR + 12), 0x02000000);
	gicv2_model_dist_write(&g, 0, GICD_ICFGR + 12, 1, 0xff);
	ck_assert_uint_eq(drd(0, GICD_ICFGR + 12), 0x02000000);
	ck_assert_uint_eq(drd_n(0, GICD_ICFGR + 12, 1), 0);
}
END_TEST

/* --- the acknowledge flow ------------------------------------------------- */

START_TEST(test_level_spi_flow)
{
	gic_on();
	spi_setup(SPI, 0x80, 0x1, false);
	ck_assert_uint_eq(lines(), 0);
	ck_assert_int_eq(gicv2_model_set_line(&g, SPI, true), 0x1);
	ck_assert_uint_eq(lines(), 0x1);
	ck_assert(is_pending(0, SPI));
	ck_assert_uint_eq(crd(0, GICC_HPPIR), SPI);
	ck_assert_uint_eq(gicv2_model_cpu_read(&g, 0, GICC_IAR, 4, &(uint64_t){ 0 }), 0x1);
	/* Active and still pending (the line is high), not signalled again. */
	ck_assert_uint_eq(lines(), 0);
	ck_assert(is_active(0, SPI));
	ck_assert(is_pending(0, SPI));
	ck_assert_uint_eq(crd(0, GICC_RPR), 0x80);
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	/* EOI with the line still high: pending again at once. */
	ck_assert_uint_eq(cwr(0, GICC_EOIR, SPI), 0x1);
	ck_assert(!is_active(0, SPI));
	ck_assert_uint_eq(crd(0, GICC_RPR), GICV2_IDLE_PRIO);
	ck_assert_uint_eq(iar(0), SPI);
	/* The device lowers its line before the EOI: done. */
	ck_assert_int_eq(gicv2_model_set_line(&g, SPI, false), 0);
	ck_assert(!is_pending(0, SPI));
	ck_assert_uint_eq(cwr(0, GICC_EOIR, SPI), 0);
	ck_assert_uint_eq(lines(), 0);
	ck_assert(!is_active(0, SPI));
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
}
END_TEST

START_TEST(test_level_line_drops_while_pending)
{
	gic_on();
	spi_setup(SPI, 0x80, 0x1, false);
	ck_assert_int_eq(gicv2_model_set_line(&g, SPI, true), 0x1);
	/* Never taken: a level interrupt stops pending with its line. */
	ck_assert_int_eq(gicv2_model_set_line(&g, SPI, false), 0x1);
	ck_assert(!is_pending(0, SPI));
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
}
END_TEST

START_TEST(test_level_ispendr)
{
	gic_on();
	spi_setup(SPI, 0x80, 0x1, false);
	/* ISPENDR latches it regardless of the line; the acknowledge consumes that. */
	dwr(0, bit_reg(GICD_ISPENDR, SPI), 1u << (SPI % 32));
	ck_assert_uint_eq(lines(), 0x1);
	ck_assert_uint_eq(iar(0), SPI);
	cwr(0, GICC_EOIR, SPI);
	ck_assert(!is_pending(0, SPI));
	ck_assert_uint_eq(lines(), 0);
}
END_TEST

START_TEST(test_level_icpendr_line_high)
{
	gic_on();
	spi_setup(SPI, 0x80, 0x1, false);
	/* ICPENDR cannot clear what the line still holds. */
	gicv2_model_set_line(&g, SPI, true);
	dwr(0, bit_reg(GICD_ICPENDR, SPI), 1u << (SPI % 32));
	ck_assert(is_pending(0, SPI));
	ck_assert_uint_eq(lines(), 0x1);
}
END_TEST

START_TEST(test_edge_spi_latched)
{
	gic_on();
	spi_setup(SPI, 0x80, 0x2, true);
	ck_assert_int_eq(gicv2_model_set_line(&g, SPI, true), 0x2);
	ck_assert_int_eq(gicv2_model_set_line(&g, SPI, false), 0); /* latched */
	ck_assert(is_pending(1, SPI));
	ck_assert_uint_eq(lines(), 0x2);
	ck_assert_uint_eq(iar(1), SPI);
	ck_assert(!is_pending(1, SPI));
}
END_TEST

START_TEST(test_edge_while_active)
{
	gic_on();
	spi_setup(SPI, 0x80, 0x2, true);
	gicv2_model_set_line(&g, SPI, true);
	gicv2_model_set_line(&g, SPI, false);
	ck_assert_uint_eq(iar(1), SPI);
	/* A second edge while active: active and pending, taken after the EOI. */
	gicv2_model_set_line(&g, SPI, true);
	ck_assert(is_pending(1, SPI));
	ck_assert(is_active(1, SPI));
	ck_assert_uint_eq(lines(), 0);
	ck_assert_uint_eq(cwr(1, GICC_EOIR, SPI), 0x2);
	ck_assert_uint_eq(iar(1), SPI);
	/* The line staying high is not another edge. */
	cwr(1, GICC_EOIR, SPI);
	ck_assert(!is_pending(1, SPI));
	ck_assert_uint_eq(lines(), 0);
	gicv2_model_set_line(&g, SPI, true);
	ck_assert_uint_eq(lines(), 0);
	/* Low then high again is. */
	gicv2_model_set_line(&g, SPI, false);
	gicv2_model_set_line(&g, SPI, true);
	ck_assert_uint_eq(lines(), 0x2);
	/* ICPENDR clears a latched edge. */
	dwr(0, bit_reg(GICD_ICPENDR, SPI), 1u << (SPI % 32));
	ck_assert(!is_pending(1, SPI));
	ck_assert_uint_eq(lines(), 0);
}
END_TEST

/* The distributor and CPU interfaces on, with the timer and PMU PPIs enabled. */
static void ppis_on(void)
{
	gic_on();
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		enable_irq(cpu, PPI_VTIMER);
		enable_irq(cpu, PPI_PTIMER);
		enable_irq(cpu, PPI_PMU);
	}
}

START_TEST(test_ppi_lines)
{
	ppis_on();
	ck_assert_int_eq(gicv2_model_set_ppi_line(&g, 2, PPI_VTIMER, true), 0x4);
	ck_assert(is_pending(2, PPI_VTIMER));
	ck_assert(!is_pending(0, PPI_VTIMER));
	ck_assert_uint_eq(lines(), 0x4);
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	ck_assert_uint_eq(iar(2), PPI_VTIMER);
	ck_assert_int_eq(gicv2_model_set_ppi_line(&g, 2, PPI_VTIMER, false), 0);
	cwr(2, GICC_EOIR, PPI_VTIMER);
	ck_assert_uint_eq(lines(), 0);
}
END_TEST

START_TEST(test_ppi_repend)
{
	ppis_on();
	/* The timer still firing at EOI: taken again. */
	gicv2_model_set_ppi_line(&g, 3, PPI_PTIMER, true);
	ck_assert_uint_eq(iar(3), PPI_PTIMER);
	cwr(3, GICC_EOIR, PPI_PTIMER);
	ck_assert_uint_eq(lines(), 0x8);
	ck_assert_uint_eq(iar(3), PPI_PTIMER);
	gicv2_model_set_ppi_line(&g, 0, PPI_PMU, true);
	ck_assert_uint_eq(lines(), 0x1);
	ck_assert_uint_eq(iar(0), PPI_PMU);
}
END_TEST

START_TEST(test_line_args)
{
	ck_assert_int_eq(gicv2_model_set_ppi_line(&g, NR_CPUS, PPI_PMU, true), -EINVAL);
	ck_assert_int_eq(gicv2_model_set_ppi_line(&g, 0, 15, true), -EINVAL);
	ck_assert_int_eq(gicv2_model_set_ppi_line(&g, 0, 32, true), -EINVAL);
	ck_assert_int_eq(gicv2_model_set_line(&g, 31, true), -EINVAL);
	ck_assert_int_eq(gicv2_model_set_line(&g, 96, true), -EINVAL);
	ck_assert_int_eq(gicv2_model_set_line(&g, 1023, true), -EINVAL);
}
END_TEST

START_TEST(test_spurious_dist_off)
{
	spi_fire(SPI, 0x80);
	cwr(0, GICC_CTLR, GICC_CTLR_GRP0);
	cwr(0, GICC_PMR, 0xff);
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	ck_assert_uint_eq(crd(0, GICC_HPPIR), GICV2_SPURIOUS);
	ck_assert_uint_eq(lines(), 0);
	ck_assert_uint_eq(dwr(0, GICD_CTLR, 1), 0x1);
	ck_assert_uint_eq(iar(0), SPI);
}
END_TEST

START_TEST(test_spurious_cpu_off)
{
	spi_fire(SPI, 0x80);
	dwr(0, GICD_CTLR, 1);
	cwr(0, GICC_PMR, 0xff);
	cwr(0, GICC_CTLR, GICC_CTLR_GRP1 | GICC_CTLR_ACKCTL | GICC_CTLR_EOIMODE);
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	ck_assert_uint_eq(crd(0, GICC_HPPIR), GICV2_SPURIOUS);
	ck_assert_uint_eq(lines(), 0);
	ck_assert_uint_eq(cwr(0, GICC_CTLR, GICC_CTLR_GRP0), 0x1);
	ck_assert_uint_eq(iar(0), SPI);
}
END_TEST

START_TEST(test_spurious_pmr)
{
	gic_on();
	spi_fire(SPI, 0x80);
	/* A priority must be strictly higher (lower) than the mask. */
	ck_assert_uint_eq(cwr(0, GICC_PMR, 0x80), 0x1);
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	ck_assert_uint_eq(crd(0, GICC_HPPIR), SPI); /* HPPIR ignores the mask */
	ck_assert_uint_eq(cwr(0, GICC_PMR, 0x88), 0x1);
	ck_assert_uint_eq(cwr(0, GICC_PMR, 0), 0x1);
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	cwr(0, GICC_PMR, 0x81); /* reads as 0x80 */
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	/* PMR 0 masks even priority 0. */
	dwr8(0, GICD_IPRIORITYR + SPI, 0);
	cwr(0, GICC_PMR, 0);
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	cwr(0, GICC_PMR, 0x08);
	ck_assert_uint_eq(iar(0), SPI);
}
END_TEST

START_TEST(test_spurious_disabled_or_elsewhere)
{
	gic_on();
	spi_fire(SPI, 0x80);
	dwr(0, bit_reg(GICD_ICENABLER, SPI), 1u << (SPI % 32));
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	ck_assert_uint_eq(crd(0, GICC_HPPIR), GICV2_SPURIOUS);
	ck_assert(is_pending(0, SPI)); /* still pending, just not forwarded */
	enable_irq(0, SPI);
	dwr8(0, GICD_ITARGETSR + SPI, 0x2);
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	ck_assert_uint_eq(lines(), 0x2);
	dwr8(0, GICD_ITARGETSR + SPI, 0x0);
	ck_assert_uint_eq(lines(), 0);
	ck_assert_uint_eq(iar(1), GICV2_SPURIOUS);
	dwr8(0, GICD_ITARGETSR + SPI, 0x1);
	ck_assert_uint_eq(iar(0), SPI);
}
END_TEST

START_TEST(test_spurious_nothing_pending)
{
	gic_on();
	spi_setup(SPI, 0x80, 0x1, false);
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		ck_assert_uint_eq(iar(cpu), GICV2_SPURIOUS);
		ck_assert_uint_eq(crd(cpu, GICC_RPR), GICV2_IDLE_PRIO);
	}
	gicv2_model_set_line(&g, SPI, true);
	gicv2_model_set_line(&g, SPI, false);
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	ck_assert(!is_active(0, SPI));
}
END_TEST

START_TEST(test_spurious_running_priority)
{
	gic_on();
	spi_fire(SPI2, 0x40);
	ck_assert_uint_eq(iar(0), SPI2);
	spi_fire(SPI, 0x80); /* lower than the running 0x40 */
	ck_assert_uint_eq(lines(), 0);
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	ck_assert_uint_eq(crd(0, GICC_HPPIR), SPI);
	spi_fire(SPI + 2, 0x40); /* equal to it */
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	ck_assert_uint_eq(crd(0, GICC_HPPIR), SPI + 2);
}
END_TEST

START_TEST(test_eoi_spurious_ignored)
{
	gic_on();
	spi_fire(SPI2, 0x40);
	ck_assert_uint_eq(iar(0), SPI2);
	cwr(0, GICC_EOIR, GICV2_SPURIOUS);
	cwr(0, GICC_EOIR, 1022);
	cwr(0, GICC_EOIR, 1020);
	cwr(0, GICC_EOIR, 96); /* not implemented */
	ck_assert_uint_eq(crd(0, GICC_RPR), 0x40);
	ck_assert(is_active(0, SPI2));
	/* The INTID is bits [9:0]; [12:10] are the SGI source and [31:13] ignored. */
	cwr(0, GICC_EOIR, 0xffffe000u | SPI2);
	ck_assert_uint_eq(crd(0, GICC_RPR), GICV2_IDLE_PRIO);
	ck_assert(!is_active(0, SPI2));
}
END_TEST

START_TEST(test_spi_multi_target)
{
	gic_on();
	spi_setup(SPI, 0x80, 0x3, false);
	ck_assert_int_eq(gicv2_model_set_line(&g, SPI, true), 0x3);
	/* 1-N: the first to acknowledge takes it; the other sees it go. */
	ck_assert_uint_eq(gicv2_model_cpu_read(&g, 1, GICC_IAR, 4, &(uint64_t){ 0 }), 0x3);
	ck_assert_uint_eq(lines(), 0);
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	ck_assert_uint_eq(crd(0, GICC_RPR), GICV2_IDLE_PRIO);
	gicv2_model_set_line(&g, SPI, false);
	ck_assert_uint_eq(cwr(1, GICC_EOIR, SPI), 0);
	/* Retargeting a pending SPI moves it. */
	gicv2_model_set_line(&g, SPI, true);
	ck_assert_uint_eq(dwr8(0, GICD_ITARGETSR + SPI, 0x8), 0xb);
	ck_assert_uint_eq(lines(), 0x8);
}
END_TEST

/* --- SGIs ----------------------------------------------------------------- */

START_TEST(test_sgir_filters)
{
	/* Target list. */
	dwr(0, GICD_SGIR, sgir(0, 0x6, 3));
	ck_assert_uint_eq(drd8(1, GICD_SPENDSGIR + 3), 0x1);
	ck_assert_uint_eq(drd8(2, GICD_SPENDSGIR + 3), 0x1);
	ck_assert_uint_eq(drd8(0, GICD_SPENDSGIR + 3), 0);
	ck_assert_uint_eq(drd8(3, GICD_SPENDSGIR + 3), 0);
}
END_TEST

START_TEST(test_sgir_all_but_self)
{
	dwr(2, GICD_SGIR, sgir(1, 0x4, 3)); /* the list is ignored */
	ck_assert_uint_eq(drd8(0, GICD_SPENDSGIR + 3), 0x4);
	ck_assert_uint_eq(drd8(1, GICD_SPENDSGIR + 3), 0x4);
	ck_assert_uint_eq(drd8(2, GICD_SPENDSGIR + 3), 0);
	ck_assert_uint_eq(drd8(3, GICD_SPENDSGIR + 3), 0x4);
	dwr(0, GICD_SGIR, sgir(1, 0, 3));
	ck_assert_uint_eq(drd8(0, GICD_SPENDSGIR + 3), 0x4);
	ck_assert_uint_eq(drd8(1, GICD_SPENDSGIR + 3), 0x5);
	ck_assert_uint_eq(drd8(2, GICD_SPENDSGIR + 3), 0x1);
}
END_TEST

START_TEST(test_sgir_self)
{
	/* Self; the target list is ignored. */
	dwr(3, GICD_SGIR, sgir(2, 0x1, 15));
	ck_assert_uint_eq(drd8(3, GICD_SPENDSGIR + 15), 0x8);
	ck_assert_uint_eq(drd8(0, GICD_SPENDSGIR + 15), 0);
}
END_TEST

START_TEST(test_sgir_ignored)
{
	/* Reserved filter, an empty list, CPUs that do not exist: nothing. */
	dwr(1, GICD_SGIR, sgir(3, 0xff, 9));
	dwr(1, GICD_SGIR, sgir(0, 0, 9));
	dwr(1, GICD_SGIR, sgir(0, 0xf0, 9));
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		ck_assert_uint_eq(drd8(cpu, GICD_SPENDSGIR + 9), 0);
	/* Write-only, word-only; NSATT and reserved bits ignored. */
	ck_assert_uint_eq(drd(1, GICD_SGIR), 0);
	gicv2_model_dist_write(&g, 1, GICD_SGIR, 1, 0x4);
	ck_assert_uint_eq(drd8(1, GICD_SPENDSGIR + 4), 0);
	dwr(1, GICD_SGIR, sgir(0, 0x1, 4) | 1u << 15 | 0xfc000000u);
	ck_assert_uint_eq(drd8(0, GICD_SPENDSGIR + 4), 0x2);
}
END_TEST

START_TEST(test_sgi_source_in_iar)
{
	gic_on();
	dwr(1, GICD_SGIR, sgir(0, 0x1, 5));
	dwr(3, GICD_SGIR, sgir(0, 0x1, 5));
	ck_assert_uint_eq(lines(), 0x1);
	ck_assert_uint_eq(crd(0, GICC_HPPIR), 5 | 1u << 10);
	ck_assert_uint_eq(iar(0), 5 | 1u << 10);
	ck_assert_uint_eq(drd8(0, GICD_SPENDSGIR + 5), 0x8);
	ck_assert(is_active(0, 5));
	ck_assert(is_pending(0, 5));
	/* Active and pending from CPU 3: waits for the deactivation. */
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	ck_assert_uint_eq(cwr(0, GICC_EOIR, 5 | 1u << 10), 0x1);
	ck_assert_uint_eq(crd(0, GICC_HPPIR), 5 | 3u << 10);
	ck_assert_uint_eq(iar(0), 5 | 3u << 10);
	cwr(0, GICC_EOIR, 5 | 3u << 10);
	ck_assert(!is_pending(0, 5));
	ck_assert_uint_eq(lines(), 0);
}
END_TEST

START_TEST(test_sgi_order)
{
	gic_on();
	/* Lower SGI numbers of equal priority come first; from self too. */
	dwr(2, GICD_SGIR, sgir(2, 0, 9));
	dwr(0, GICD_SGIR, sgir(0, 0x4, 1));
	ck_assert_uint_eq(iar(2), 1 | 0u << 10);
	cwr(2, GICC_EOIR, 1);
	ck_assert_uint_eq(iar(2), 9 | 2u << 10);
	cwr(2, GICC_EOIR, 9 | 2u << 10);
}
END_TEST

START_TEST(test_sgi_disabled)
{
	gic_on();
	/* A disabled SGI stays pending, unsignalled. */
	dwr(3, GICD_ICENABLER, 1u << 6);
	dwr(0, GICD_SGIR, sgir(0, 0x8, 6));
	ck_assert_uint_eq(lines(), 0);
	ck_assert(is_pending(3, 6));
	ck_assert_uint_eq(dwr(3, GICD_ISENABLER, 1u << 6), 0x8);
}
END_TEST

START_TEST(test_spendsgir_cpendsgir)
{
	gic_on();
	dwr8(2, GICD_SPENDSGIR + 6, 0xff); /* sources 4..7 do not exist */
	ck_assert_uint_eq(drd8(2, GICD_SPENDSGIR + 6), 0x0f);
	ck_assert_uint_eq(drd8(2, GICD_CPENDSGIR + 6), 0x0f);
	ck_assert_uint_eq(drd8(1, GICD_SPENDSGIR + 6), 0); /* banked */
	ck_assert_uint_eq(drd(2, GICD_SPENDSGIR + 4), 0x000f0000);
	ck_assert_uint_eq(lines(), 0x4);
	dwr8(2, GICD_CPENDSGIR + 6, 0x01);
	ck_assert_uint_eq(crd(2, GICC_HPPIR), 6 | 1u << 10);
}
END_TEST

START_TEST(test_spendsgir_word)
{
	gic_on();
	/* Word access sets and clears four SGIs. */
	dwr(1, GICD_SPENDSGIR + 12, 0x08040201);
	ck_assert_uint_eq(drd(1, GICD_CPENDSGIR + 12), 0x08040201);
	ck_assert_uint_eq(drd(1, GICD_ISPENDR), 0xf000);
	dwr(1, GICD_CPENDSGIR + 12, 0x08000001);
	ck_assert_uint_eq(drd(1, GICD_SPENDSGIR + 12), 0x00040200);
	/* Halfwords: RAZ/WI. */
	gicv2_model_dist_write(&g, 1, GICD_CPENDSGIR + 12, 2, 0xffff);
	ck_assert_uint_eq(drd_n(1, GICD_SPENDSGIR + 12, 2), 0);
	ck_assert_uint_eq(drd(1, GICD_SPENDSGIR + 12), 0x00040200);
	/* Clearing every source drops the CPU's line. */
	dwr(2, GICD_CPENDSGIR + 4, UINT32_MAX);
	ck_assert_uint_eq(lines(), 0x2);
	dwr(1, GICD_CPENDSGIR + 12, UINT32_MAX);
	ck_assert_uint_eq(lines(), 0);
}
END_TEST

/* --- priorities and preemption ------------------------------------------- */

START_TEST(test_preemption_rpr_apr)
{
	gic_on();
	spi_fire(50, 0x80);
	ck_assert_uint_eq(iar(0), 50);
	ck_assert_uint_eq(crd(0, GICC_RPR), 0x80);
	ck_assert_uint_eq(crd(0, GICC_APR0), 1u << (0x80 >> 3));
	/* Equal priority does not preempt; higher does. */
	spi_fire(51, 0x80);
	ck_assert_uint_eq(lines(), 0);
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	spi_fire(52, 0x40);
	ck_assert_uint_eq(lines(), 0x1);
	ck_assert_uint_eq(crd(0, GICC_HPPIR), 52);
	ck_assert_uint_eq(iar(0), 52);
	ck_assert_uint_eq(crd(0, GICC_RPR), 0x40);
	ck_assert_uint_eq(crd(0, GICC_APR0), 1u << 16 | 1u << 8);
	spi_fire(53, 0x00);
	ck_assert_uint_eq(iar(0), 53);
	ck_assert_uint_eq(crd(0, GICC_RPR), 0x00);
	ck_assert_uint_eq(crd(0, GICC_APR0), 1u << 16 | 1u << 8 | 1u);
	/* EOIs unwind in order. */
	gicv2_model_set_line(&g, 53, false);
	cwr(0, GICC_EOIR, 53);
	ck_assert_uint_eq(crd(0, GICC_RPR), 0x40);
	gicv2_model_set_line(&g, 52, false);
	cwr(0, GICC_EOIR, 52);
	ck_assert_uint_eq(crd(0, GICC_RPR), 0x80);
	ck_assert_uint_eq(lines(), 0); /* 51 still waits for 50 */
	gicv2_model_set_line(&g, 50, false);
	ck_assert_uint_eq(cwr(0, GICC_EOIR, 50), 0x1);
	ck_assert_uint_eq(crd(0, GICC_RPR), GICV2_IDLE_PRIO);
	ck_assert_uint_eq(crd(0, GICC_APR0), 0);
	ck_assert_uint_eq(iar(0), 51);
}
END_TEST

START_TEST(test_equal_priority_lowest_intid)
{
	gic_on();
	spi_fire(61, 0x20);
	spi_fire(60, 0x20);
	ck_assert_uint_eq(iar(0), 60);
	/* An EOI with nothing active is ignored. */
	gicv2_model_set_line(&g, 60, false);
	cwr(0, GICC_EOIR, 60);
	cwr(0, GICC_EOIR, 60);
	ck_assert_uint_eq(crd(0, GICC_APR0), 0);
	ck_assert_uint_eq(crd(0, GICC_RPR), GICV2_IDLE_PRIO);
}
END_TEST

START_TEST(test_bpr_group_priority)
{
	gic_on();
	cwr(0, GICC_BPR, 4); /* group priority [7:5], subpriority [4:0] */
	spi_fire(50, 0x48);
	ck_assert_uint_eq(iar(0), 50);
	ck_assert_uint_eq(crd(0, GICC_RPR), 0x40); /* the group priority */
	ck_assert_uint_eq(crd(0, GICC_APR0), 1u << (0x40 >> 3));
	/* Same group (0x40..0x5f): no preemption, even with a higher priority. */
	spi_fire(51, 0x40);
	ck_assert_uint_eq(lines(), 0);
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	spi_fire(52, 0x38); /* group 0x20 */
	ck_assert_uint_eq(lines(), 0x1);
	ck_assert_uint_eq(iar(0), 52);
	ck_assert_uint_eq(crd(0, GICC_RPR), 0x20);
	gicv2_model_set_line(&g, 52, false);
	cwr(0, GICC_EOIR, 52);
	gicv2_model_set_line(&g, 50, false);
	cwr(0, GICC_EOIR, 50);
	ck_assert_uint_eq(iar(0), 51); /* 51 waited for its group to end */
}
END_TEST

START_TEST(test_bpr7_no_preemption)
{
	gic_on();
	/* BPR 7: no group priority bits, so nothing ever preempts. */
	cwr(0, GICC_BPR, 7);
	spi_fire(51, 0xf0);
	ck_assert_uint_eq(iar(0), 51);
	ck_assert_uint_eq(crd(0, GICC_RPR), 0x00);
	ck_assert_uint_eq(crd(0, GICC_APR0), 1);
	spi_fire(53, 0x00);
	ck_assert_uint_eq(lines(), 0);
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	gicv2_model_set_line(&g, 51, false);
	ck_assert_uint_eq(cwr(0, GICC_EOIR, 51), 0x1);
	ck_assert_uint_eq(iar(0), 53);
}
END_TEST

START_TEST(test_bpr_min_every_bit)
{
	gic_on();
	/* BPR 2 (the minimum): every implemented bit is group priority. */
	cwr(0, GICC_BPR, 0);
	spi_fire(53, 0x08);
	ck_assert_uint_eq(iar(0), 53);
	ck_assert_uint_eq(crd(0, GICC_RPR), 0x08);
	spi_fire(54, 0x08);
	ck_assert_uint_eq(lines(), 0); /* equal to the running priority */
	spi_fire(55, 0x00);
	ck_assert_uint_eq(lines(), 0x1);
	ck_assert_uint_eq(iar(0), 55);
	ck_assert_uint_eq(crd(0, GICC_APR0), 0x3);
}
END_TEST

START_TEST(test_bpr_change_after_ack)
{
	gic_on();
	/*
	 * The running priority is recorded at acknowledge; a later BPR only
	 * changes how much of a pending priority counts (GICv3's pseudocode
	 * and QEMU's GICv2 model do the same).
	 */
	spi_fire(50, 0x48);
	ck_assert_uint_eq(iar(0), 50);
	ck_assert_uint_eq(crd(0, GICC_RPR), 0x48);
	spi_fire(51, 0x50);
	ck_assert_uint_eq(lines(), 0);
	ck_assert_uint_eq(cwr(0, GICC_BPR, 4), 0x1); /* 0x50's group is 0x40 */
	ck_assert_uint_eq(iar(0), 51);
	ck_assert_uint_eq(crd(0, GICC_RPR), 0x40);
	ck_assert_uint_eq(crd(0, GICC_APR0), 1u << 8 | 1u << 9);
}
END_TEST
END_TEST

START_TEST(test_eoimode_dir)
{
	gic_on();
	cwr(0, GICC_CTLR, GICC_CTLR_GRP0 | GICC_CTLR_EOIMODE);
	spi_fire(50, 0x80);
	ck_assert_uint_eq(iar(0), 50);
	gicv2_model_set_line(&g, 50, false);
	/* EOImode 1: EOIR only drops the priority. */
	cwr(0, GICC_EOIR, 50);
	ck_assert_uint_eq(crd(0, GICC_RPR), GICV2_IDLE_PRIO);
	ck_assert(is_active(0, 50));
	/* Another interrupt of that priority can now be taken. */
	spi_fire(51, 0x80);
	ck_assert_uint_eq(iar(0), 51);
	gicv2_model_set_line(&g, 51, false);
	cwr(0, GICC_EOIR, 51);
	ck_assert_uint_eq(cwr(0, GICC_DIR, 50), 0);
	ck_assert(!is_active(0, 50));
	ck_assert(is_active(0, 51));
	cwr(0, GICC_DIR, 51);
	ck_assert(!is_active(0, 51));
}
END_TEST

START_TEST(test_dir_other_cpu)
{
	gic_on();
	cwr(0, GICC_CTLR, GICC_CTLR_GRP0 | GICC_CTLR_EOIMODE);
	/* DIR of an SPI from another CPU works too; of nothing, does nothing. */
	spi_fire(52, 0x80);
	ck_assert_uint_eq(iar(0), 52);
	cwr(0, GICC_EOIR, 52);
	cwr(1, GICC_CTLR, GICC_CTLR_GRP0 | GICC_CTLR_EOIMODE);
	cwr(1, GICC_DIR, 52);
	ck_assert(!is_active(0, 52));
	ck_assert_uint_eq(lines(), 0x1); /* its line is still high */
	cwr(0, GICC_DIR, GICV2_SPURIOUS);
	cwr(0, GICC_DIR, 53);
	ck_assert_uint_eq(iar(0), 52);
}
END_TEST

START_TEST(test_dir_ignored_eoimode0)
{
	gic_on();
	/* EOImode 0: DIR is ignored, EOIR deactivates. */
	spi_fire(53, 0x80);
	ck_assert_uint_eq(iar(0), 53);
	cwr(0, GICC_DIR, 53);
	ck_assert(is_active(0, 53));
	cwr(0, GICC_EOIR, 53);
	ck_assert(!is_active(0, 53));
}
END_TEST

START_TEST(test_level_eoimode1)
{
	gic_on();
	cwr(0, GICC_CTLR, GICC_CTLR_GRP0 | GICC_CTLR_EOIMODE);
	spi_fire(50, 0x80);
	ck_assert_uint_eq(iar(0), 50);
	/* Priority dropped but still active: the high line is not taken again. */
	ck_assert_uint_eq(cwr(0, GICC_EOIR, 50), 0);
	ck_assert_uint_eq(lines(), 0);
	ck_assert_uint_eq(iar(0), GICV2_SPURIOUS);
	/* Deactivated with the line still high: pending and signalled. */
	ck_assert_uint_eq(cwr(0, GICC_DIR, 50), 0x1);
	ck_assert_uint_eq(iar(0), 50);
	cwr(0, GICC_EOIR, 50);
	gicv2_model_set_line(&g, 50, false);
	ck_assert_uint_eq(cwr(0, GICC_DIR, 50), 0);
	ck_assert_uint_eq(lines(), 0);
}
END_TEST

START_TEST(test_hppir)
{
	gic_on();
	spi_fire(50, 0x80);
	spi_fire(51, 0x40);
	ck_assert_uint_eq(crd(0, GICC_HPPIR), 51);
	ck_assert_uint_eq(crd(0, GICC_HPPIR), 51); /* no side effect */
	ck_assert(!is_active(0, 51));
	ck_assert_uint_eq(crd(1, GICC_HPPIR), GICV2_SPURIOUS); /* not routed to 1 */
	ck_assert_uint_eq(iar(0), 51);
	/* Active interrupts are not reported, pending lower ones are. */
	ck_assert_uint_eq(crd(0, GICC_HPPIR), 50);
	cwr(0, GICC_PMR, 0);
	ck_assert_uint_eq(crd(0, GICC_HPPIR), 50);
	dwr(0, GICD_CTLR, 0);
	ck_assert_uint_eq(crd(0, GICC_HPPIR), GICV2_SPURIOUS);
}
END_TEST

START_TEST(test_aliased_regs)
{
	gic_on();
	spi_fire(50, 0x80);
	/* No Group 1 interrupts: the aliases neither see nor touch Group 0. */
	ck_assert_uint_eq(crd(0, GICC_AIAR), GICV2_SPURIOUS);
	ck_assert_uint_eq(crd(0, GICC_AHPPIR), GICV2_SPURIOUS);
	ck_assert(!is_active(0, 50));
	ck_assert_uint_eq(iar(0), 50);
	cwr(0, GICC_AEOIR, 50);
	ck_assert(is_active(0, 50));
	ck_assert_uint_eq(crd(0, GICC_RPR), 0x80);
	cwr(0, GICC_ABPR, 5);
	ck_assert_uint_eq(crd(0, GICC_ABPR), 5);
	ck_assert_uint_eq(crd(0, GICC_BPR), 2);
	/* APR0 saves and restores the running priority. */
	ck_assert_uint_eq(crd(0, GICC_APR0), 1u << 16);
	cwr(0, GICC_APR0, 0);
	ck_assert_uint_eq(crd(0, GICC_RPR), GICV2_IDLE_PRIO);
	cwr(0, GICC_APR0, 1u << 16);
	ck_assert_uint_eq(crd(0, GICC_RPR), 0x80);
	cwr(0, GICC_APR0 + 4, UINT32_MAX);
	cwr(0, GICC_NSAPR0, UINT32_MAX);
	ck_assert_uint_eq(crd(0, GICC_APR0 + 4), 0);
	ck_assert_uint_eq(crd(0, GICC_NSAPR0), 0);
}
END_TEST

/* --- the IRQ outputs ------------------------------------------------------ */

START_TEST(test_output_changes)
{
	uint64_t gen0, gen;

	gicv2_model_irq_lines(&g, &gen0);
	gic_on();
	spi_setup(SPI, 0x80, 0x1, false);
	spi_setup(SPI2, 0x40, 0x1, false);
	gicv2_model_irq_lines(&g, &gen);
	ck_assert_uint_eq(gen, gen0); /* nothing pending yet: no change */
	ck_assert_int_eq(gicv2_model_set_line(&g, SPI, true), 0x1);
	gicv2_model_irq_lines(&g, &gen);
	ck_assert_uint_eq(gen, gen0 + 1);
	/* Already high: a second interrupt, or the same level again, changes nothing. */
	ck_assert_int_eq(gicv2_model_set_line(&g, SPI2, true), 0);
	ck_assert_int_eq(gicv2_model_set_line(&g, SPI, true), 0);
	ck_assert_uint_eq(crd(0, GICC_CTLR), GICC_CTLR_GRP0);
	ck_assert_uint_eq(cwr(0, GICC_CTLR, GICC_CTLR_GRP0), 0);
	ck_assert_uint_eq(gicv2_model_irq_lines(&g, &gen), 0x1);
	ck_assert_uint_eq(gen, gen0 + 1);
	/* Distributor off and on. */
	ck_assert_uint_eq(dwr(2, GICD_CTLR, 0), 0x1);
	ck_assert_uint_eq(dwr(2, GICD_CTLR, 1), 0x1);
	/* Disable and re-enable. */
	dwr(0, bit_reg(GICD_ICENABLER, SPI2), 1u << (SPI2 % 32));
	ck_assert_uint_eq(lines(), 0x1); /* SPI still there */
	ck_assert_uint_eq(dwr(0, bit_reg(GICD_ICENABLER, SPI), 1u << (SPI % 32)), 0x1);
	ck_assert_uint_eq(dwr(0, bit_reg(GICD_ISENABLER, SPI), 1u << (SPI % 32)), 0x1);
	/* The mask, and priority changes across it. */
	ck_assert_uint_eq(cwr(0, GICC_PMR, 0x80), 0x1);
	ck_assert_uint_eq(dwr8(0, GICD_IPRIORITYR + SPI, 0x78), 0x1);
	ck_assert_uint_eq(dwr8(0, GICD_IPRIORITYR + SPI, 0x80), 0x1);
	/* Two CPUs at once. */
	ck_assert_uint_eq(dwr(0, GICD_SGIR, sgir(0, 0xa, 0)), 0xa);
	ck_assert_uint_eq(gicv2_model_irq_lines(&g, &gen), 0xa);
	ck_assert_uint_eq(gen, gen0 + 9);
	/* Reads of the distributor change nothing. */
	drd(1, GICD_ISPENDR);
	ck_assert_uint_eq(lines(), 0xa);
}
END_TEST

START_TEST(test_reset)
{
	gic_on();
	spi_fire(50, 0x80);
	gicv2_model_set_ppi_line(&g, 1, PPI_VTIMER, true);
	dwr(1, GICD_SGIR, sgir(1, 0, 2));
	ck_assert_uint_eq(iar(0), 2 | 1u << 10);
	ck_assert_uint_eq(lines(), 0xc); /* CPU 0 runs at priority 0 */
	ck_assert_uint_eq(gicv2_model_reset(&g), 0xc);
	ck_assert_uint_eq(lines(), 0);
	ck_assert_uint_eq(drd(0, GICD_CTLR), 0);
	ck_assert_uint_eq(crd(0, GICC_RPR), GICV2_IDLE_PRIO);
	ck_assert_uint_eq(crd(0, GICC_BPR), 2);
	ck_assert_uint_eq(drd(0, GICD_ISACTIVER), 0);
	ck_assert_uint_eq(drd(0, GICD_ISENABLER + 4), 0);
	ck_assert_uint_eq(drd(2, GICD_ISENABLER), 0xffff);
	ck_assert_uint_eq(drd8(0, GICD_SPENDSGIR + 2), 0);
	ck_assert_uint_eq(drd(0, GICD_ICFGR), 0xaaaaaaaa);
	ck_assert_uint_eq(drd8(0, GICD_IPRIORITYR + 50), 0);
	/* The input lines are the devices': still high, so still pending. */
	ck_assert(is_pending(0, 50));
	ck_assert(is_pending(1, PPI_VTIMER));
	ck_assert(!is_pending(0, PPI_VTIMER));
}
END_TEST

/* --- widths, reserved offsets, hostile accesses -------------------------- */

/* The parts of the state an access could change. */
struct snapshot {
	bool enabled;
	struct gicv2_cpu cpu[GICV2_MAX_CPUS];
	struct gicv2_irq spi[GICV2_MAX_SPIS];
	uint32_t irq_lines;
	uint64_t generation;
};

static void snap(struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
	s->enabled = g.enabled;
	memcpy(s->cpu, g.cpu, sizeof(s->cpu));
	memcpy(s->spi, g.spi, sizeof(s->spi));
	s->irq_lines = g.irq_lines;
	s->generation = g.generation;
}

static bool snap_same(void)
{
	static struct snapshot a, b;

	memcpy(&a, &b, sizeof(a));
	snap(&b);
	return memcmp(&a, &b, sizeof(a)) == 0;
}

/* Some state, so that a stray write would have something to change. */
static void busy_state(void)
{
	gic_on();
	spi_fire(50, 0x80);
	spi_fire(51, 0x40);
	dwr(1, GICD_SGIR, sgir(1, 0, 4));
	gicv2_model_set_ppi_line(&g, 2, PPI_VTIMER, true);
	enable_irq(2, PPI_VTIMER);
	iar(0);
}

static void check_raz_wi_dist(uint64_t from, uint64_t to)
{
	static const unsigned widths[] = { 1, 2, 4, 8 };

	for (uint64_t off = from; off < to; off++) {
		for (unsigned w = 0; w < N(widths); w++) {
			snap_same();
			gicv2_model_dist_write(&g, 1, off, widths[w], UINT64_MAX);
			ck_assert_msg(drd_n(1, off, widths[w]) == 0, "GICD %#llx/%u not RAZ",
				      (unsigned long long)off, widths[w]);
			ck_assert_msg(snap_same(), "GICD %#llx/%u not WI", (unsigned long long)off,
				      widths[w]);
		}
	}
}

static void check_raz_wi_cpu(uint64_t from, uint64_t to)
{
	static const unsigned widths[] = { 1, 2, 4, 8 };

	for (uint64_t off = from; off < to; off++) {
		for (unsigned w = 0; w < N(widths); w++) {
			uint64_t val = 1;

			snap_same();
			gicv2_model_cpu_write(&g, 0, off, widths[w], UINT64_MAX);
			gicv2_model_cpu_read(&g, 0, off, widths[w], &val);
			ck_assert_msg(val == 0, "GICC %#llx/%u not RAZ", (unsigned long long)off,
				      widths[w]);
			ck_assert_msg(snap_same(), "GICC %#llx/%u not WI", (unsigned long long)off,
				      widths[w]);
		}
	}
}

START_TEST(test_reserved_raz_wi)
{
	busy_state();
	check_raz_wi_dist(0x00c, GICD_IGROUPR + 0x80); /* reserved, IGROUPR */
	for (uint64_t base = GICD_ISENABLER; base < GICD_IPRIORITYR; base += 0x80)
		check_raz_wi_dist(base + 12, base + 0x80); /* INTIDs 96 and up */
	check_raz_wi_dist(GICD_IPRIORITYR + 96, GICD_ITARGETSR);
	check_raz_wi_dist(GICD_ITARGETSR + 96, GICD_ICFGR);
	check_raz_wi_dist(GICD_ICFGR + 24, GICD_SGIR); /* SPI cfg, impl. def., NSACR */
	check_raz_wi_dist(GICD_SGIR + 4, GICD_CPENDSGIR);
	check_raz_wi_dist(GICD_SPENDSGIR + 16, GICD_PIDR4);
	check_raz_wi_dist(GICV2_DIST_SIZE, GICV2_DIST_SIZE + 64);
	check_raz_wi_cpu(GICC_AHPPIR + 4, GICC_APR0);
	check_raz_wi_cpu(GICC_APR0 + 4, GICC_IIDR);
	check_raz_wi_cpu(GICC_IIDR + 4, GICC_DIR);
	check_raz_wi_cpu(GICC_DIR + 4, GICV2_CPU_SIZE + 64);
}
END_TEST

START_TEST(test_word_only_widths)
{
	static const uint64_t dist_regs[] = { GICD_CTLR,	GICD_ISENABLER + 4, GICD_ICENABLER,
					      GICD_ISPENDR + 4, GICD_ICPENDR + 4,   GICD_ISACTIVER,
					      GICD_ICFGR + 8,	GICD_SGIR };
	static const uint64_t cpu_regs[] = { GICC_CTLR, GICC_PMR,  GICC_BPR, GICC_IAR,
					     GICC_EOIR, GICC_ABPR, GICC_DIR, GICC_APR0 };

	busy_state();
	snap_same();
	for (unsigned i = 0; i < N(dist_regs); i++) {
		for (unsigned b = 0; b < 4; b++) {
			gicv2_model_dist_write(&g, 0, dist_regs[i] + b, 1, 0xff);
			ck_assert_uint_eq(drd_n(0, dist_regs[i] + b, 1), 0);
		}
		gicv2_model_dist_write(&g, 0, dist_regs[i], 2, 0xffff);
		gicv2_model_dist_write(&g, 0, dist_regs[i] + 2, 2, 0xffff);
		gicv2_model_dist_write(&g, 0, dist_regs[i], 8, UINT64_MAX);
		ck_assert_uint_eq(drd_n(0, dist_regs[i], 2), 0);
		ck_assert_uint_eq(drd_n(0, dist_regs[i], 8), 0);
	}
	for (unsigned i = 0; i < N(cpu_regs); i++) {
		uint64_t val = 1;

		for (unsigned b = 0; b < 4; b++) {
			gicv2_model_cpu_write(&g, 0, cpu_regs[i] + b, 1, 0xff);
			gicv2_model_cpu_read(&g, 0, cpu_regs[i] + b, 1, &val);
			ck_assert_uint_eq(val, 0);
		}
		gicv2_model_cpu_write(&g, 0, cpu_regs[i], 2, 0xffff);
		gicv2_model_cpu_write(&g, 0, cpu_regs[i], 8, UINT64_MAX);
		gicv2_model_cpu_read(&g, 0, cpu_regs[i], 8, &val);
		ck_assert_uint_eq(val, 0);
	}
	ck_assert(snap_same()); /* not even GICC_IAR acknowledged */
	/* Unaligned words and odd lengths. */
	gicv2_model_dist_write(&g, 0, GICD_IPRIORITYR + 50 + 1, 4, UINT32_MAX);
	gicv2_model_dist_write(&g, 0, GICD_IPRIORITYR + 48, 3, UINT32_MAX);
	gicv2_model_dist_write(&g, 0, GICD_IPRIORITYR + 48, 0, UINT32_MAX);
	gicv2_model_cpu_write(&g, 0, GICC_PMR + 2, 4, UINT32_MAX);
	gicv2_model_cpu_write(&g, 0, GICC_PMR, 16, UINT32_MAX);
	ck_assert_uint_eq(drd_n(0, GICD_IPRIORITYR + 49, 4), 0);
	ck_assert(snap_same());
}
END_TEST

START_TEST(test_bad_cpu)
{
	uint64_t val = 1;

	busy_state();
	snap_same();
	for (unsigned cpu = NR_CPUS; cpu < 300; cpu += 37) {
		ck_assert_uint_eq(gicv2_model_dist_write(&g, cpu, GICD_CTLR, 4, 0), 0);
		ck_assert_uint_eq(gicv2_model_dist_write(&g, cpu, GICD_SGIR, 4, sgir(1, 0, 1)), 0);
		ck_assert_uint_eq(gicv2_model_cpu_write(&g, cpu, GICC_EOIR, 4, 51), 0);
		ck_assert_uint_eq(gicv2_model_cpu_read(&g, cpu, GICC_IAR, 4, &val), 0);
		ck_assert_uint_eq(val, 0);
		gicv2_model_dist_read(&g, cpu, GICD_ITARGETSR, 4, &val);
		ck_assert_uint_eq(val, 0);
	}
	ck_assert(snap_same());
	gicv2_model_dist_read(&g, 0, UINT64_MAX - 3, 4, &val);
	gicv2_model_cpu_write(&g, 0, UINT64_MAX - 3, 4, 0);
	gicv2_model_cpu_read(&g, 0, 1ull << 40, 4, &val);
	ck_assert_uint_eq(val, 0);
	ck_assert(snap_same());
}
END_TEST

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/*
 * What must hold whatever the guest did: outputs only for CPUs that exist,
 * each exactly when that CPU's registers say an interrupt can be signalled
 * (recomputed here from GICC_HPPIR, the priority, GICC_PMR, BPR and RPR),
 * and only well-formed values in the CPU interface.
 */
static void check_invariants(void)
{
	uint32_t out = lines();

	ck_assert_uint_eq(out & ~((1u << g.nr_cpus) - 1), 0);
	for (unsigned cpu = 0; cpu < g.nr_cpus; cpu++) {
		uint32_t hppir = crd(cpu, GICC_HPPIR);
		uint32_t rpr = crd(cpu, GICC_RPR);
		unsigned intid = GICV2_IAR_INTID(hppir);
		bool signal = false;

		ck_assert(rpr == GICV2_IDLE_PRIO || (rpr & ~0xf8u) == 0);
		ck_assert_uint_eq(hppir & ~0x1fffu, 0);
		if (intid != GICV2_SPURIOUS) {
			uint8_t prio = drd8(cpu, GICD_IPRIORITYR + intid);
			uint8_t gmask = (uint8_t)(0xffu << (crd(cpu, GICC_BPR) + 1));

			ck_assert_uint_lt(intid, g.nr_irqs);
			ck_assert(intid < 16 || GICV2_IAR_CPUID(hppir) == 0);
			ck_assert(GICV2_IAR_CPUID(hppir) < g.nr_cpus);
			signal = prio < crd(cpu, GICC_PMR) && (prio & gmask) < rpr;
		}
		ck_assert_msg(signal == !!(out & (1u << cpu)), "CPU %u output %u, expected %u", cpu,
			      !!(out & (1u << cpu)), signal);
	}
}

static void hostile_frame(bool dist, uint64_t size)
{
	static const unsigned widths[] = { 1, 2, 4, 8 };

	for (uint64_t off = 0; off < size; off++) {
		for (unsigned w = 0; w < N(widths); w++) {
			unsigned cpu = (unsigned)(rnd() % (g.nr_cpus + 1)); /* one too many */
			uint64_t val = rnd();
			uint64_t got = 0;

			/* Keep the interfaces mostly on, so that the flow gets exercised. */
			if (rnd() % 64 == 0)
				gic_on();
			if (dist) {
				gicv2_model_dist_write(&g, cpu, off, widths[w], val);
				gicv2_model_dist_read(&g, cpu, off, widths[w], &got);
			} else {
				gicv2_model_cpu_write(&g, cpu, off, widths[w], val);
				gicv2_model_cpu_read(&g, cpu, off, widths[w], &got);
			}
			if (widths[w] < 8)
				ck_assert_uint_lt(got, 1ull << (8 * widths[w]));
			else
				ck_assert_uint_eq(got, 0);
			gicv2_model_set_line(&g, 32 + (unsigned)(rnd() % (g.nr_irqs - 32)),
					     rnd() & 1);
			gicv2_model_set_ppi_line(&g, (unsigned)(rnd() % g.nr_cpus),
						 16 + (unsigned)(rnd() % 16), rnd() & 1);
			if (off % 64 == 0)
				check_invariants();
		}
	}
	check_invariants();
}

START_TEST(test_hostile_sweep)
{
	/* The acknowledge flow, at random, between the sweeps. */
	for (unsigned round = 0; round < 2; round++) {
		hostile_frame(true, GICV2_DIST_SIZE);
		hostile_frame(false, GICV2_CPU_SIZE);
		for (unsigned i = 0; i < 2000; i++) {
			unsigned cpu = (unsigned)(rnd() % g.nr_cpus);
			uint32_t v = iar(cpu);

			ck_assert(GICV2_IAR_INTID(v) == GICV2_SPURIOUS ||
				  GICV2_IAR_INTID(v) < g.nr_irqs);
			if (rnd() % 4)
				cwr(cpu, rnd() % 2 ? GICC_EOIR : GICC_DIR, v);
			check_invariants();
		}
	}
}
END_TEST

/* Lines from several threads while the vCPUs acknowledge: no lost state. */
struct hammer {
	unsigned intid;
	unsigned rounds;
};

static void *line_hammer(void *arg)
{
	const struct hammer *h = arg;

	for (unsigned i = 0; i < h->rounds; i++) {
		gicv2_model_set_line(&g, h->intid, true);
		gicv2_model_set_line(&g, h->intid, false);
	}
	return NULL;
}

START_TEST(test_threads)
{
	struct hammer h[3] = { { 40, 20000 }, { 41, 20000 }, { 42, 20000 } };
	pthread_t t[3];
	unsigned taken = 0;

	gic_on();
	for (unsigned i = 0; i < 3; i++) {
		spi_setup(h[i].intid, 0x80, 0xf, true);
		ck_assert_int_eq(pthread_create(&t[i], NULL, line_hammer, &h[i]), 0);
	}
	for (unsigned i = 0; i < 60000; i++) {
		unsigned cpu = i % NR_CPUS;
		uint32_t v = iar(cpu);

		if (v != GICV2_SPURIOUS) {
			taken++;
			cwr(cpu, GICC_EOIR, v);
		}
	}
	for (unsigned i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	/* Whatever is left pending is taken now, each once, and then nothing. */
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		uint32_t v;

		while ((v = iar(cpu)) != GICV2_SPURIOUS) {
			ck_assert(v >= 40 && v <= 42);
			cwr(cpu, GICC_EOIR, v);
			taken++;
		}
		ck_assert_uint_eq(crd(cpu, GICC_RPR), GICV2_IDLE_PRIO);
	}
	ck_assert_uint_eq(lines(), 0);
	ck_assert_uint_gt(taken, 0);
	ck_assert_uint_le(taken, 60000);
}
END_TEST

Suite *gicv2_suite(void)
{
	Suite *s = suite_create("gicv2");
	TCase *regs = tcase_create("registers");
	TCase *flow = tcase_create("flow");
	TCase *hostile = tcase_create("hostile");

	tcase_add_checked_fixture(regs, gic_setup, gic_teardown);
	tcase_add_test(regs, test_init_args);
	tcase_add_test(regs, test_typer);
	tcase_add_test(regs, test_dist_reset_values);
	tcase_add_test(regs, test_dist_reset_spi_values);
	tcase_add_test(regs, test_id_regs);
	tcase_add_test(regs, test_cpu_reset_values);
	tcase_add_test(regs, test_ctlr_bits);
	tcase_add_test(regs, test_gicc_ctlr);
	tcase_add_test(regs, test_igroupr_raz_wi);
	tcase_add_test(regs, test_id_read_only);
	tcase_add_test(regs, test_pmr_bpr_bits);
	tcase_add_test(regs, test_bpr_abpr_minimum);
	tcase_add_test(regs, test_gicc_banked);
	tcase_add_test(regs, test_enable_set_clear);
	tcase_add_test(regs, test_enable_ppi_banked);
	tcase_add_test(regs, test_enable_sgi);
	tcase_add_test(regs, test_enable_all_spis);
	tcase_add_test(regs, test_pending_set_clear);
	tcase_add_test(regs, test_pending_ppi_banked);
	tcase_add_test(regs, test_pending_sgi_wi);
	tcase_add_test(regs, test_active_set_clear);
	tcase_add_test(regs, test_active_banked);
	tcase_add_test(regs, test_unimplemented_irqs);
	tcase_add_test(regs, test_priority_access);
	tcase_add_test(regs, test_priority_halfword);
	tcase_add_test(regs, test_priority_banked);
	tcase_add_test(regs, test_priority_bits);
	tcase_add_test(regs, test_targets_access);
	tcase_add_test(regs, test_targets_spi);
	tcase_add_test(regs, test_targets_one_cpu);
	tcase_add_test(regs, test_icfgr);
	suite_add_tcase(s, regs);

	tcase_add_checked_fixture(flow, gic_setup, gic_teardown);
	tcase_add_test(flow, test_level_spi_flow);
	tcase_add_test(flow, test_level_line_drops_while_pending);
	tcase_add_test(flow, test_level_ispendr);
	tcase_add_test(flow, test_level_icpendr_line_high);
	tcase_add_test(flow, test_edge_spi_latched);
	tcase_add_test(flow, test_edge_while_active);
	tcase_add_test(flow, test_ppi_lines);
	tcase_add_test(flow, test_ppi_repend);
	tcase_add_test(flow, test_line_args);
	tcase_add_test(flow, test_spurious_dist_off);
	tcase_add_test(flow, test_spurious_cpu_off);
	tcase_add_test(flow, test_spurious_pmr);
	tcase_add_test(flow, test_spurious_disabled_or_elsewhere);
	tcase_add_test(flow, test_spurious_nothing_pending);
	tcase_add_test(flow, test_spurious_running_priority);
	tcase_add_test(flow, test_eoi_spurious_ignored);
	tcase_add_test(flow, test_spi_multi_target);
	tcase_add_test(flow, test_sgir_filters);
	tcase_add_test(flow, test_sgir_all_but_self);
	tcase_add_test(flow, test_sgir_self);
	tcase_add_test(flow, test_sgir_ignored);
	tcase_add_test(flow, test_sgi_source_in_iar);
	tcase_add_test(flow, test_sgi_order);
	tcase_add_test(flow, test_sgi_disabled);
	tcase_add_test(flow, test_spendsgir_cpendsgir);
	tcase_add_test(flow, test_spendsgir_word);
	tcase_add_test(flow, test_preemption_rpr_apr);
	tcase_add_test(flow, test_equal_priority_lowest_intid);
	tcase_add_test(flow, test_bpr_group_priority);
	tcase_add_test(flow, test_bpr7_no_preemption);
	tcase_add_test(flow, test_bpr_min_every_bit);
	tcase_add_test(flow, test_bpr_change_after_ack);
	tcase_add_test(flow, test_eoimode_dir);
	tcase_add_test(flow, test_dir_other_cpu);
	tcase_add_test(flow, test_dir_ignored_eoimode0);
	tcase_add_test(flow, test_level_eoimode1);
	tcase_add_test(flow, test_hppir);
	tcase_add_test(flow, test_aliased_regs);
	tcase_add_test(flow, test_output_changes);
	tcase_add_test(flow, test_reset);
	suite_add_tcase(s, flow);

	tcase_add_checked_fixture(hostile, gic_setup, gic_teardown);
	tcase_set_timeout(hostile, 120); /* every offset, width and CPU, under ASan */
	tcase_add_test(hostile, test_reserved_raz_wi);
	tcase_add_test(hostile, test_word_only_widths);
	tcase_add_test(hostile, test_bad_cpu);
	tcase_add_test(hostile, test_hostile_sweep);
	tcase_add_test(hostile, test_threads);
	suite_add_tcase(s, hostile);
	return s;
}
