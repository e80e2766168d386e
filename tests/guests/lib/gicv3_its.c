/* GICv3 ITS: LPI tables, ITS tables, command queue (lib/gicv3_its.h). */
#include "gicv3_its.h"
#include "gicv3.h"

/* Redistributor, RD_base frame (IHI 0069 §12.11). */
#define GICR_CTLR	      0x0000
#define GICR_CTLR_ENABLE_LPIS (1u << 0)
#define GICR_TYPER	      0x0008
#define GICR_TYPER_PLPIS      (1u << 0)
#define GICR_TYPER_PROCNUM(t) (((t) >> 8) & 0xffff)
#define GICR_PROPBASER	      0x0070
#define GICR_PENDBASER	      0x0078
#define GICR_PENDBASER_PTZ    (1ull << 62) /* the pending table is known to be zero */

/* ITS control frame (IHI 0069 §12.19). */
#define GITS_CTLR		0x0000
#define GITS_CTLR_ENABLE	(1u << 0)
#define GITS_CTLR_QUIESCENT	(1u << 31)
#define GITS_TYPER		0x0008
#define GITS_TYPER_PHYSICAL	(1ull << 0)
#define GITS_TYPER_PTA		(1ull << 19) /* RDbase is an address, not a number */
#define GITS_TYPER_ITT_ESIZE(t) ((((t) >> 4) & 0xf) + 1)
#define GITS_CBASER		0x0080
#define GITS_CWRITER		0x0088
#define GITS_CREADR		0x0090
#define GITS_BASER(n)		(0x0100 + 8 * (n))
#define GITS_TRANSLATER		0x10040 /* in the second 64 KiB frame */
#define GITS_BASER_NR		8
#define GITS_BASER_VALID	(1ull << 63)
#define GITS_BASER_TYPE(b)	(((b) >> 56) & 7)
#define GITS_BASER_ESIZE(b)	((((b) >> 48) & 0x1f) + 1)
#define GITS_BASER_PAGE_MASK	(3ull << 8)
#define GITS_BASER_PAGE_64K	(2ull << 8)
#define GITS_BASER_DEVICE	1
#define GITS_BASER_COLLECTION	4
#define GITS_CBASER_VALID	(1ull << 63)

/*
 * InnerCache = 1, Normal Inner Non-cacheable, in the same bits [9:7] of
 * GICR_PROPBASER/PENDBASER and [61:59] of GITS_BASER/CBASER: the tables
 * are written with the MMU off, so nothing of them sits in a cache.
 */
#define GICR_BASER_INNER_NC (1ull << 7)
#define GITS_BASER_INNER_NC (1ull << 59)

/* Commands (IHI 0069 §6.3): four doublewords, the opcode in DW0[7:0]. */
#define ITS_CMD_INT    0x03
#define ITS_CMD_SYNC   0x05
#define ITS_CMD_MAPD   0x08
#define ITS_CMD_MAPC   0x09
#define ITS_CMD_MAPTI  0x0a
#define ITS_CMD_INV    0x0c
#define ITS_CMD_BYTES  32
#define ITS_CMD_VALID  (1ull << 63) /* MAPC, MAPD: V */
#define ITS_QUEUE_SIZE 4096	    /* GITS_CBASER.Size 0: one 4 KiB page */

#define ITS_TABLE_SIZE 0x10000 /* one 64 KiB page per table */
#define LPI_ID_BITS    14      /* INTIDs below 16384: GICV3_LPI_BASE + GICV3_ITS_NR_LPIS */
#define LPI_PROP_RES1  (1u << 1)
#define LPI_PROP_EN    (1u << 0)
#define ITS_ICID       0
#define ITS_WAIT_MS    1000
#define ITT_ESIZE_MAX  16

_Static_assert(GICV3_LPI_BASE + GICV3_ITS_NR_LPIS == 1u << LPI_ID_BITS, "LPI table sizes");

/*
 * Alignments are the registers': GITS_BASER with 64 KiB pages, GITS_CBASER
 * and GICR_PENDBASER (KVM ignores their bits [15:12]) 64 KiB; PROPBASER
 * 4 KiB; an ITT 256 bytes. The pending table's first 1 KiB (INTIDs below
 * 8192) stays zero, as the architecture wants.
 */
static uint8_t its_devices[ITS_TABLE_SIZE] __attribute__((aligned(0x10000)));
static uint8_t its_collections[ITS_TABLE_SIZE] __attribute__((aligned(0x10000)));
static uint8_t its_queue[ITS_QUEUE_SIZE] __attribute__((aligned(0x10000)));
static uint8_t lpi_pending[(1u << LPI_ID_BITS) / 8] __attribute__((aligned(0x10000)));
static uint8_t lpi_props[GICV3_ITS_NR_LPIS] __attribute__((aligned(0x1000)));
static uint8_t its_itt[GICV3_ITS_NR_EVENT * ITT_ESIZE_MAX] __attribute__((aligned(256)));

static uintptr_t its_base;
static uint64_t its_rdbase;  /* the calling CPU's redistributor as MAPC and SYNC name it */
static uint32_t its_cwriter; /* next free byte of the queue */
static bool its_mapped_dev;
static uint32_t its_devid;

static uint64_t gpa(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* The calling CPU's redistributor: LPI tables in, then LPIs on. */
static const char *its_redist_init(void)
{
	uintptr_t rd = gicv3_redist();
	uint64_t typer = mmio_read64(rd + GICR_TYPER);

	if (!(typer & GICR_TYPER_PLPIS))
		return "the redistributor has no LPIs (GICR_TYPER.PLPIS clear)";
	if (mmio_read32(rd + GICR_CTLR) & GICR_CTLR_ENABLE_LPIS)
		return "LPIs already on: their tables can no longer be set";
	mmio_write64(rd + GICR_PROPBASER, gpa(lpi_props) | GICR_BASER_INNER_NC | (LPI_ID_BITS - 1));
	mmio_write64(rd + GICR_PENDBASER,
		     gpa(lpi_pending) | GICR_BASER_INNER_NC | GICR_PENDBASER_PTZ);
	dsb_sy();
	mmio_write32(rd + GICR_CTLR, mmio_read32(rd + GICR_CTLR) | GICR_CTLR_ENABLE_LPIS);
	if (!(mmio_read32(rd + GICR_CTLR) & GICR_CTLR_ENABLE_LPIS))
		return "GICR_CTLR.EnableLPIs does not stick";
	its_rdbase = GICR_TYPER_PROCNUM(typer);
	return NULL;
}

/* One GITS_BASER<n> for a flat table of one 64 KiB page; NULL or what was refused. */
static const char *its_baser_set(unsigned n, uint64_t baser, void *table)
{
	uint64_t val = GITS_BASER_VALID | GITS_BASER_INNER_NC | gpa(table) | GITS_BASER_PAGE_64K;

	/* Type and Entry_Size are read-only: write them back as they are. */
	val |= baser & (7ull << 56 | 0x1full << 48);
	mmio_write64(its_base + GITS_BASER(n), val);
	baser = mmio_read64(its_base + GITS_BASER(n));
	if (!(baser & GITS_BASER_VALID) || (baser & GITS_BASER_PAGE_MASK) != GITS_BASER_PAGE_64K)
		return "the ITS refused a 64 KiB flat table (GITS_BASER)";
	return NULL;
}

/* Device and collection tables; other types (vPEs) stay invalid. */
static const char *its_tables_init(void)
{
	bool dev = false, coll = false;
	const char *err = NULL;

	for (unsigned n = 0; n < GITS_BASER_NR && !err; n++) {
		uint64_t baser = mmio_read64(its_base + GITS_BASER(n));

		if (GITS_BASER_TYPE(baser) == GITS_BASER_DEVICE && !dev) {
			err = its_baser_set(n, baser, its_devices);
			dev = true;
		} else if (GITS_BASER_TYPE(baser) == GITS_BASER_COLLECTION && !coll) {
			err = its_baser_set(n, baser, its_collections);
			coll = true;
		}
	}
	if (!err && (!dev || !coll))
		err = "the ITS has no device or no collection table (GITS_BASER)";
	return err;
}

static void its_cmd(const uint64_t dw[4])
{
	uintptr_t slot = (uintptr_t)its_queue + its_cwriter;

	for (unsigned i = 0; i < 4; i++)
		mmio_write64(slot + 8 * i, dw[i]);
	its_cwriter = (its_cwriter + ITS_CMD_BYTES) % ITS_QUEUE_SIZE;
	dsb_sy(); /* the command is in memory before the ITS is told */
	mmio_write64(its_base + GITS_CWRITER, its_cwriter);
}

bool gicv3_its_drain(uint64_t timeout_ms)
{
	uint64_t deadline = deadline_ms(timeout_ms);

	while (mmio_read64(its_base + GITS_CREADR) != its_cwriter) {
		if (deadline_passed(deadline))
			return false;
		cpu_relax();
	}
	return true;
}

static void its_sync(void)
{
	its_cmd((const uint64_t[4]){ ITS_CMD_SYNC, 0, its_rdbase << 16, 0 });
}

const char *gicv3_its_init(uintptr_t base)
{
	uint64_t typer;
	const char *err;

	its_base = base;
	typer = mmio_read64(its_base + GITS_TYPER);
	if (!(typer & GITS_TYPER_PHYSICAL))
		return "the ITS has no physical LPIs (GITS_TYPER.Physical clear)";
	if (GITS_TYPER_ITT_ESIZE(typer) > ITT_ESIZE_MAX)
		return "ITT entries larger than this driver's ITT allows (GITS_TYPER)";
	if (mmio_read32(its_base + GITS_CTLR) & GITS_CTLR_ENABLE)
		return "the ITS is already on";
	err = its_redist_init();
	if (err)
		return err;
	if (typer & GITS_TYPER_PTA)
		its_rdbase = gicv3_redist() >> 16; /* RDbase[50:16] is the frame's address */
	err = its_tables_init();
	if (err)
		return err;
	mmio_write64(its_base + GITS_CBASER, GITS_CBASER_VALID | GITS_BASER_INNER_NC |
						 gpa(its_queue) | 0 /* Size: 1 page */);
	its_cwriter = 0;
	mmio_write64(its_base + GITS_CWRITER, 0);
	mmio_write32(its_base + GITS_CTLR, GITS_CTLR_ENABLE);
	if (!(mmio_read32(its_base + GITS_CTLR) & GITS_CTLR_ENABLE))
		return "GITS_CTLR.Enable does not stick";
	its_cmd(
	    (const uint64_t[4]){ ITS_CMD_MAPC, 0, ITS_CMD_VALID | its_rdbase << 16 | ITS_ICID, 0 });
	its_sync();
	return gicv3_its_drain(ITS_WAIT_MS) ? NULL : "the ITS did not take MAPC and SYNC";
}

const char *gicv3_its_map(uint32_t devid, uint32_t event, uint32_t intid, uint8_t prio)
{
	if (intid < GICV3_LPI_BASE || intid >= GICV3_LPI_BASE + GICV3_ITS_NR_LPIS ||
	    event >= GICV3_ITS_NR_EVENT)
		return "LPI or event out of this driver's range";
	if (its_mapped_dev && devid != its_devid)
		return "this driver has one ITT: one device";
	/* Before MAPTI: the ITS reads the LPI's configuration when it maps it. */
	mmio_write8((uintptr_t)&lpi_props[intid - GICV3_LPI_BASE],
		    (uint8_t)((prio & 0xfc) | LPI_PROP_RES1 | LPI_PROP_EN));
	dsb_sy();
	if (!its_mapped_dev) {
		/* Size: EventID bits minus one; ITT_addr[51:8] in place. */
		its_cmd((const uint64_t[4]){ ITS_CMD_MAPD | (uint64_t)devid << 32,
					     __builtin_ctz(GICV3_ITS_NR_EVENT) - 1,
					     ITS_CMD_VALID | gpa(its_itt), 0 });
		its_mapped_dev = true;
		its_devid = devid;
	}
	its_cmd((const uint64_t[4]){ ITS_CMD_MAPTI | (uint64_t)devid << 32,
				     event | (uint64_t)intid << 32, ITS_ICID, 0 });
	its_cmd((const uint64_t[4]){ ITS_CMD_INV | (uint64_t)devid << 32, event, 0, 0 });
	its_sync();
	return gicv3_its_drain(ITS_WAIT_MS) ? NULL : "the ITS did not take MAPD/MAPTI/INV/SYNC";
}

void gicv3_its_int(uint32_t devid, uint32_t event)
{
	its_cmd((const uint64_t[4]){ ITS_CMD_INT | (uint64_t)devid << 32, event, 0, 0 });
}

void gicv3_its_translate(uint32_t event)
{
	dsb_sy();
	mmio_write32(its_base + GITS_TRANSLATER, event);
}
