// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PCI host bridge on plain memory: every config access goes through a
 * struct mmio_bus with the ECAM region registered, as a vCPU's would. Then
 * the device-tree node, built into a small blob and read back.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../fdt/fdt.h"
#include "../../irqchip/gic.h"
#include "../../irqchip/rvic.h"
#include "../../vmm/layout.h"
#include "../../vmm/pci.h"
#include "../../vmm/vm.h"
#include "suites.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define MAX_EVENTS 16

static uint64_t ones_of(unsigned len)
{
	return len >= 8 ? UINT64_MAX : (1ULL << (8 * len)) - 1;
}

/* A device that records what the model tells it. */
struct tdev {
	struct pci_dev pci;
	struct {
		unsigned bar;
		uint64_t old, new;
	} remap[MAX_EVENTS];
	unsigned nr_remaps;
	bool told[PCI_NR_BARS]; /* each BAR's moves must chain: old is the last new */
	uint64_t last[PCI_NR_BARS];
	unsigned nr_writes, w_off, w_len;
	uint32_t w_val;
	unsigned nr_reads;
	/* Window accesses that reached the device. */
	unsigned nr_bar_reads, nr_bar_writes, a_bar, a_len;
	uint64_t a_off, a_val;
	/* pci_host_reset(): how often, and the Command register it found. */
	unsigned nr_resets;
	uint32_t reset_cmd;
};

/* Reads of this register of a tdev answer from the device, not config space. */
#define TDEV_LIVE_REG 0xf0
#define TDEV_LIVE_VAL 0x600dcafe

static void tdev_bar_remap(struct pci_dev *dev, unsigned bar, uint64_t old, uint64_t new)
{
	struct tdev *t = dev->opaque;

	ck_assert_uint_eq(pci_dev_bar_addr(dev, bar), new);
	ck_assert_uint_ne(old, new);
	ck_assert_uint_eq(old, t->told[bar] ? t->last[bar] : PCI_BAR_UNMAPPED);
	t->told[bar] = true;
	t->last[bar] = new;
	if (t->nr_remaps < MAX_EVENTS) {
		t->remap[t->nr_remaps].bar = bar;
		t->remap[t->nr_remaps].old = old;
		t->remap[t->nr_remaps].new = new;
	}
	t->nr_remaps++;
}

static void tdev_cfg_write(struct pci_dev *dev, unsigned off, unsigned len, uint32_t val)
{
	struct tdev *t = dev->opaque;

	ck_assert_uint_le(off + len, PCI_CFG_SIZE);
	t->nr_writes++;
	t->w_off = off;
	t->w_len = len;
	t->w_val = val;
}

static void tdev_cfg_read(struct pci_dev *dev, unsigned off, unsigned len, uint32_t *val)
{
	struct tdev *t = dev->opaque;

	ck_assert_uint_le(off + len, PCI_CFG_SIZE);
	t->nr_reads++;
	if (off == TDEV_LIVE_REG && len == 4)
		*val = TDEV_LIVE_VAL;
}

/* BAR reads answer 0xb0 | bar in every byte, so a test can tell which BAR answered. */
static void tdev_bar_read(struct pci_dev *dev, unsigned bar, uint64_t off, unsigned len,
			  uint64_t *val)
{
	struct tdev *t = dev->opaque;

	ck_assert_uint_le(off + len, dev->bars[bar].size);
	t->nr_bar_reads++;
	t->a_bar = bar;
	t->a_off = off;
	t->a_len = len;
	*val = (0x0101010101010101ULL * (0xb0 | bar)) & ones_of(len);
}

static void tdev_bar_write(struct pci_dev *dev, unsigned bar, uint64_t off, unsigned len,
			   uint64_t val)
{
	struct tdev *t = dev->opaque;

	ck_assert_uint_le(off + len, dev->bars[bar].size);
	t->nr_bar_writes++;
	t->a_bar = bar;
	t->a_off = off;
	t->a_len = len;
	t->a_val = val;
}

/* By the time the device hears of a reset, config space and decode are back to power-on. */
static void tdev_reset(struct pci_dev *dev)
{
	struct tdev *t = dev->opaque;

	for (unsigned i = 0; i < PCI_NR_BARS; i++)
		ck_assert_uint_eq(pci_dev_bar_addr(dev, i), PCI_BAR_UNMAPPED);
	t->reset_cmd = pci_dev_cfg_get(dev, PCI_COMMAND, 2);
	t->nr_resets++;
}

static const struct pci_dev_ops tdev_ops = {
	.bar_remap = tdev_bar_remap,
	.cfg_write = tdev_cfg_write,
	.cfg_read = tdev_cfg_read,
	.bar_read = tdev_bar_read,
	.bar_write = tdev_bar_write,
	.reset = tdev_reset,
};

static const struct pci_dev_id tdev_id = {
	.vendor = 0x1af4,
	.device = 0x1041,
	.subsys_vendor = 0x1af4,
	.subsys = 0x0001,
	.class_code = 0x020000,
	.revision = 0x01,
};

#define MEM32_SIZE 0x1000ULL
#define IO_SIZE	   0x20ULL
#define MEM64_SIZE 0x4000ULL
#define BIG_SIZE   (8ULL << 30)

static struct mmio_bus bus;
static struct pci_host host;
static struct tdev td; /* in slot 0, once tdev_add() ran */

/*
 * BAR0 mem32 4 KiB, BAR1 I/O 32 bytes, BAR2/3 mem64 prefetchable 16 KiB,
 * BAR4/5 mem64 prefetchable 8 GiB; INTA.
 */
static void tdev_setup(struct tdev *t)
{
	memset(t, 0, sizeof(*t));
	pci_dev_init(&t->pci, &tdev_id, &tdev_ops, t);
	ck_assert_int_eq(pci_dev_set_bar(&t->pci, 0, PCI_BAR_MEM32, MEM32_SIZE, false), 0);
	ck_assert_int_eq(pci_dev_set_bar(&t->pci, 1, PCI_BAR_IO, IO_SIZE, false), 0);
	ck_assert_int_eq(pci_dev_set_bar(&t->pci, 2, PCI_BAR_MEM64, MEM64_SIZE, true), 0);
	ck_assert_int_eq(pci_dev_set_bar(&t->pci, 4, PCI_BAR_MEM64, BIG_SIZE, true), 0);
	ck_assert_int_eq(pci_dev_set_intx_pin(&t->pci, PCI_INTA), 0);
}

static void tdev_add(struct tdev *t, int want_slot)
{
	ck_assert_int_eq(pci_host_add_dev(&host, &t->pci), want_slot);
}

static void setup(void)
{
	bus_init(&bus);
	pci_host_init(&host);
	ck_assert_int_eq(bus_add(&bus, layout_base(LAYOUT_PCI_ECAM), layout_size(LAYOUT_PCI_ECAM),
				 &pci_ecam_mmio_ops, &host),
			 0);
	tdev_setup(&td);
}

static void teardown(void)
{
	pci_host_destroy(&host);
	bus_destroy(&bus);
}

static uint64_t ecam(unsigned busnr, unsigned slot, unsigned fn, unsigned reg)
{
	return layout_base(LAYOUT_PCI_ECAM) + PCI_ECAM_OFFSET(busnr, slot, fn, reg);
}

static uint64_t rd(unsigned slot, unsigned reg, unsigned len)
{
	uint64_t v;

	ck_assert(bus_read(&bus, ecam(0, slot, 0, reg), len, &v));
	return v;
}

static void wr(unsigned slot, unsigned reg, unsigned len, uint64_t v)
{
	ck_assert(bus_write(&bus, ecam(0, slot, 0, reg), len, v));
}

static uint64_t ones(unsigned len)
{
	return len == 8 ? UINT64_MAX : (1ULL << (8 * len)) - 1;
}

static void assert_remap(const struct tdev *t, unsigned i, unsigned bar, uint64_t old, uint64_t new)
{
	ck_assert_uint_gt(t->nr_remaps, i);
	ck_assert_uint_eq(t->remap[i].bar, bar);
	ck_assert_msg(t->remap[i].old == old && t->remap[i].new == new,
		      "remap %u: BAR%u 0x%llx -> 0x%llx, want 0x%llx -> 0x%llx", i, bar,
		      (unsigned long long)t->remap[i].old, (unsigned long long)t->remap[i].new,
		      (unsigned long long)old, (unsigned long long)new);
}

/* --- absent functions ------------------------------------------------------------ */

static void assert_absent_at(uint64_t addr)
{
	static const unsigned lens[] = { 1, 2, 4, 8 };

	for (unsigned i = 0; i < N(lens); i++) {
		uint64_t v = 0;

		ck_assert(bus_read(&bus, addr, lens[i], &v));
		ck_assert_msg(v == ones(lens[i]), "0x%llx len %u: 0x%llx", (unsigned long long)addr,
			      lens[i], (unsigned long long)v);
		ck_assert(bus_write(&bus, addr, lens[i], 0));
	}
}

START_TEST(test_absent_device)
{
	/* Nothing added yet: every slot, several registers, every width. */
	for (unsigned slot = 0; slot < PCI_MAX_SLOTS; slot++) {
		assert_absent_at(ecam(0, slot, 0, PCI_VENDOR_ID));
		assert_absent_at(ecam(0, slot, 0, PCI_COMMAND));
		assert_absent_at(ecam(0, slot, 0, PCI_BAR0 + 3));
	}
	ck_assert_uint_eq(host.cfg_reads, 3 * 4 * PCI_MAX_SLOTS);
	ck_assert_uint_eq(host.cfg_writes, 3 * 4 * PCI_MAX_SLOTS);
	ck_assert_uint_eq(host.cfg_absent, 2 * 3 * 4 * PCI_MAX_SLOTS);
}
END_TEST

START_TEST(test_other_bus_and_function)
{
	tdev_add(&td, 0);
	ck_assert_uint_eq(rd(0, PCI_VENDOR_ID, 2), 0x1af4);
	/* Function 1..7 of the present device, and device 0 on buses 1 and 255. */
	for (unsigned fn = 1; fn < 8; fn++)
		assert_absent_at(ecam(0, 0, fn, PCI_VENDOR_ID));
	assert_absent_at(ecam(1, 0, 0, PCI_VENDOR_ID));
	assert_absent_at(ecam(255, 0, 0, PCI_VENDOR_ID));
	assert_absent_at(ecam(255, 31, 7, 0xff0));
	/* Writes there reached nothing. */
	ck_assert_uint_eq(td.nr_writes, 0);
	ck_assert_uint_eq(rd(0, PCI_COMMAND, 2), 0);
}
END_TEST

/* --- the header ------------------------------------------------------------------ */

START_TEST(test_ids)
{
	tdev_add(&td, 0);
	ck_assert_uint_eq(rd(0, PCI_VENDOR_ID, 4), 0x10411af4);
	ck_assert_uint_eq(rd(0, PCI_VENDOR_ID, 2), 0x1af4);
	ck_assert_uint_eq(rd(0, PCI_DEVICE_ID, 2), 0x1041);
	ck_assert_uint_eq(rd(0, PCI_VENDOR_ID, 1), 0xf4);
	ck_assert_uint_eq(rd(0, PCI_REVISION_ID, 4), 0x02000001); /* class << 8 | revision */
	ck_assert_uint_eq(rd(0, PCI_CLASS_PROG + 2, 1), 0x02);
	ck_assert_uint_eq(rd(0, PCI_HEADER_TYPE, 1), 0x00);
	ck_assert_uint_eq(rd(0, PCI_SUBSYS_VENDOR, 4), 0x00011af4);
	ck_assert_uint_eq(rd(0, PCI_STATUS, 2), 0); /* no capabilities */
	ck_assert_uint_eq(rd(0, PCI_CAP_PTR, 1), 0);
	ck_assert_uint_eq(rd(0, PCI_ROM_ADDRESS, 4), 0);
	/* Beyond the header: zero, up to the last byte (extended space: no capabilities). */
	ck_assert_uint_eq(rd(0, 0x100, 4), 0);
	ck_assert_uint_eq(rd(0, 0xffc, 4), 0);
	ck_assert_uint_eq(rd(0, 0xff8, 8), 0);
	ck_assert_uint_eq(rd(0, PCI_VENDOR_ID, 8), 0x0000000010411af4ULL);
	/* The next slot is still empty. */
	ck_assert_uint_eq(rd(1, PCI_VENDOR_ID, 2), 0xffff);
}
END_TEST

START_TEST(test_read_only_fields)
{
	/*
	 * Every byte of: vendor, device, revision, class, header type, BIST,
	 * CardBus CIS, subsystem IDs, ROM BAR, capabilities pointer,
	 * interrupt pin, Min_Gnt, Max_Lat.
	 */
	static const unsigned ro[] = { 0x00, 0x01, 0x02, 0x03, 0x08, 0x09, 0x0a, 0x0b, 0x0e,
				       0x0f, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
				       0x30, 0x31, 0x32, 0x33, 0x34, 0x3d, 0x3e, 0x3f };

	tdev_add(&td, 0);
	for (unsigned i = 0; i < N(ro); i++) {
		uint32_t before = (uint32_t)rd(0, ro[i], 1);

		wr(0, ro[i], 1, 0xff);
		wr(0, ro[i] & ~1U, 2, 0xffff);
		wr(0, ro[i] & ~3U, 4, 0xffffffff);
		ck_assert_msg(rd(0, ro[i], 1) == before, "0x%x changed to 0x%llx", ro[i],
			      (unsigned long long)rd(0, ro[i], 1));
	}
	ck_assert_uint_eq(rd(0, PCI_VENDOR_ID, 4), 0x10411af4);
	ck_assert_uint_eq(rd(0, PCI_SUBSYS_VENDOR, 4), 0x00011af4);
	ck_assert_uint_eq(rd(0, PCI_REVISION_ID, 4), 0x02000001);
	ck_assert_uint_eq(rd(0, PCI_INTERRUPT_PIN, 1), PCI_INTA);
	/* Writable scratch registers do keep what was written. */
	ck_assert_uint_eq(rd(0, PCI_CACHE_LINE, 1), 0xff);
	ck_assert_uint_eq(rd(0, PCI_INTERRUPT_LINE, 1), 0xff);
}
END_TEST

START_TEST(test_command_mask)
{
	tdev_add(&td, 0);
	wr(0, PCI_COMMAND, 2, 0xffff);
	ck_assert_uint_eq(rd(0, PCI_COMMAND, 2), 0x0407);
	wr(0, PCI_COMMAND, 2, 0);
	ck_assert_uint_eq(rd(0, PCI_COMMAND, 2), 0);
	/* Byte writes: the high byte holds INTx Disable only. */
	wr(0, PCI_COMMAND + 1, 1, 0xff);
	ck_assert_uint_eq(rd(0, PCI_COMMAND, 2), 0x0400);
	wr(0, PCI_COMMAND, 1, PCI_COMMAND_MASTER | 0xf8);
	ck_assert_uint_eq(rd(0, PCI_COMMAND, 2), 0x0404);
	/* A DWORD write at 0x04 reaches Status too: only RW1C there. */
	wr(0, PCI_COMMAND, 4, 0xffff0002);
	ck_assert_uint_eq(rd(0, PCI_COMMAND, 4), 0x00000002);
}
END_TEST

START_TEST(test_status_rw1c)
{
	/* Received Master Abort and Signaled Target Abort set by the device. */
	pci_dev_cfg_set(&td.pci, PCI_STATUS, 2, 0x2800);
	tdev_add(&td, 0);
	ck_assert_uint_eq(rd(0, PCI_STATUS, 2), 0x2800);
	wr(0, PCI_STATUS, 2, 0); /* zeros clear nothing */
	ck_assert_uint_eq(rd(0, PCI_STATUS, 2), 0x2800);
	wr(0, PCI_STATUS, 2, 0x2000);
	ck_assert_uint_eq(rd(0, PCI_STATUS, 2), 0x0800);
	wr(0, PCI_STATUS + 1, 1, 0xff); /* all-ones clears the rest, sets nothing */
	ck_assert_uint_eq(rd(0, PCI_STATUS, 2), 0);
}
END_TEST

START_TEST(test_interrupt_pin_line)
{
	tdev_add(&td, 0);
	ck_assert_uint_eq(rd(0, PCI_INTERRUPT_PIN, 1), PCI_INTA);
	ck_assert_uint_eq(rd(0, PCI_INTERRUPT_LINE, 1), 0);
	wr(0, PCI_INTERRUPT_LINE, 2, 0xff2a); /* line and pin at once */
	ck_assert_uint_eq(rd(0, PCI_INTERRUPT_LINE, 2), 0x012a);
	wr(0, PCI_INTERRUPT_PIN, 1, PCI_INTD);
	ck_assert_uint_eq(rd(0, PCI_INTERRUPT_PIN, 1), PCI_INTA);
	wr(0, PCI_INTERRUPT_LINE, 4, 0xffffff07); /* Min_Gnt/Max_Lat are read-only zero */
	ck_assert_uint_eq(rd(0, PCI_INTERRUPT_LINE, 4), 0x00000107);
	ck_assert_int_eq(pci_dev_set_intx_pin(&td.pci, 5), -EINVAL);
}
END_TEST

/* --- BARs ------------------------------------------------------------------------ */

START_TEST(test_bar_sizing)
{
	tdev_add(&td, 0);
	ck_assert_uint_eq(rd(0, PCI_BAR0, 4), 0x00000000);
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 4, 4), 0x00000001); /* I/O */
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 8, 4), 0x0000000c); /* 64-bit, prefetchable */
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 16, 4), 0x0000000c);
	for (unsigned bar = 0; bar < PCI_NR_BARS; bar++)
		wr(0, PCI_BAR0 + 4 * bar, 4, 0xffffffff);
	ck_assert_uint_eq(rd(0, PCI_BAR0, 4), 0xfffff000);	/* mem32, 4 KiB */
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 4, 4), 0xffffffe1);	/* I/O, 32 bytes */
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 8, 4), 0xffffc00c);	/* mem64 16 KiB: low */
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 12, 4), 0xffffffff); /* and high half */
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 16, 4), 0x0000000c); /* 8 GiB: nothing low */
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 20, 4), 0xfffffffe);
	/* Decode is off: sizing moved nothing. */
	ck_assert_uint_eq(td.nr_remaps, 0);
	/* Restoring zero. */
	for (unsigned bar = 0; bar < PCI_NR_BARS; bar++)
		wr(0, PCI_BAR0 + 4 * bar, 4, 0);
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 4, 4), 0x00000001);
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 8, 8), 0x000000000000000cULL);
}
END_TEST

START_TEST(test_bar_sizing_other_kinds)
{
	/* Prefetchable 32-bit, smallest memory and I/O sizes, and unused BARs. */
	struct tdev t;

	memset(&t, 0, sizeof(t));
	pci_dev_init(&t.pci, &tdev_id, &tdev_ops, &t);
	ck_assert_int_eq(pci_dev_set_bar(&t.pci, 1, PCI_BAR_MEM32, 16, true), 0);
	ck_assert_int_eq(pci_dev_set_bar(&t.pci, 3, PCI_BAR_IO, 4, false), 0);
	ck_assert_int_eq(pci_dev_set_bar(&t.pci, 5, PCI_BAR_MEM32, 1ULL << 31, false), 0);
	tdev_add(&t, 0);
	for (unsigned bar = 0; bar < PCI_NR_BARS; bar++)
		wr(0, PCI_BAR0 + 4 * bar, 4, 0xffffffff);
	wr(0, PCI_ROM_ADDRESS, 4, 0xffffffff);
	ck_assert_uint_eq(rd(0, PCI_BAR0, 4), 0);
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 4, 4), 0xfffffff8);
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 8, 4), 0);
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 12, 4), 0xfffffffd);
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 16, 4), 0);
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 20, 4), 0x80000000);
	ck_assert_uint_eq(rd(0, PCI_ROM_ADDRESS, 4), 0); /* no expansion ROM */
}
END_TEST

START_TEST(test_bar_invalid)
{
	struct pci_dev d;

	pci_dev_init(&d, &tdev_id, NULL, NULL);
	ck_assert_int_eq(pci_dev_set_bar(&d, 6, PCI_BAR_MEM32, 0x1000, false), -EINVAL);
	ck_assert_int_eq(pci_dev_set_bar(&d, 5, PCI_BAR_MEM64, 0x1000, false), -EINVAL);
	ck_assert_int_eq(pci_dev_set_bar(&d, 0, PCI_BAR_NONE, 0x1000, false), -EINVAL);
	ck_assert_int_eq(pci_dev_set_bar(&d, 0, PCI_BAR_MEM32, 0, false), -EINVAL);
	ck_assert_int_eq(pci_dev_set_bar(&d, 0, PCI_BAR_MEM32, 0x1800, false), -EINVAL);
	ck_assert_int_eq(pci_dev_set_bar(&d, 0, PCI_BAR_MEM32, 8, false), -EINVAL);
	ck_assert_int_eq(pci_dev_set_bar(&d, 0, PCI_BAR_MEM32, 1ULL << 32, false), -EINVAL);
	ck_assert_int_eq(pci_dev_set_bar(&d, 0, PCI_BAR_IO, 2, false), -EINVAL);
	ck_assert_int_eq(pci_dev_set_bar(&d, 0, PCI_BAR_IO, 512, false), -EINVAL);
	ck_assert_int_eq(pci_dev_set_bar(&d, 0, PCI_BAR_IO, 16, true), -EINVAL);
	ck_assert_int_eq(pci_dev_set_bar(&d, 2, PCI_BAR_MEM64, 0x1000, false), 0);
	ck_assert_int_eq(pci_dev_set_bar(&d, 2, PCI_BAR_MEM32, 0x1000, false), -EBUSY);
	ck_assert_int_eq(pci_dev_set_bar(&d, 3, PCI_BAR_MEM32, 0x1000, false), -EBUSY);
	ck_assert_int_eq(pci_dev_set_bar(&d, 1, PCI_BAR_MEM64, 0x1000, false), -EBUSY);
	ck_assert_int_eq(pci_dev_set_bar(&d, 4, PCI_BAR_IO, 16, false), 0);
	ck_assert_int_eq(pci_dev_set_bar(&d, 4, PCI_BAR_IO, 16, false), -EBUSY);
	ck_assert_int_eq(pci_host_add_dev(&host, &d), 0);
	ck_assert_int_eq(pci_dev_set_bar(&d, 0, PCI_BAR_MEM32, 0x1000, false), -EBUSY);
}
END_TEST

START_TEST(test_bar_remap)
{
	tdev_add(&td, 0);
	/* Programmed with decode off: nothing to tell. */
	wr(0, PCI_BAR0, 4, 0x50001000);
	ck_assert_uint_eq(td.nr_remaps, 0);
	ck_assert_uint_eq(pci_dev_bar_addr(&td.pci, 0), PCI_BAR_UNMAPPED);
	/* Memory Space Enable maps every memory BAR, not the I/O one. */
	wr(0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	ck_assert_uint_eq(td.nr_remaps, 3);
	assert_remap(&td, 0, 0, PCI_BAR_UNMAPPED, 0x50001000);
	assert_remap(&td, 1, 2, PCI_BAR_UNMAPPED, 0);
	assert_remap(&td, 2, 4, PCI_BAR_UNMAPPED, 0);
	ck_assert_uint_eq(pci_dev_bar_addr(&td.pci, 0), 0x50001000);
	ck_assert_uint_eq(pci_dev_bar_addr(&td.pci, 1), PCI_BAR_UNMAPPED);
	/* Moving while enabled. */
	wr(0, PCI_BAR0, 4, 0x50003000);
	ck_assert_uint_eq(td.nr_remaps, 4);
	assert_remap(&td, 3, 0, 0x50001000, 0x50003000);
	/* Rewriting the same value, and a write elsewhere, move nothing. */
	wr(0, PCI_BAR0, 4, 0x50003000);
	wr(0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	ck_assert_uint_eq(td.nr_remaps, 4);
	/* A 64-bit BAR moved with one 8-byte store: one move, never half-written. */
	wr(0, PCI_BAR0 + 8, 8, 0x0000008000000000ULL);
	ck_assert_uint_eq(td.nr_remaps, 5);
	assert_remap(&td, 4, 2, 0, 0x8000000000ULL);
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 8, 8), 0x000000800000000cULL);
	/* The same with two DWORD stores: the low half lands first. */
	wr(0, PCI_BAR0 + 16, 4, 0x0);
	wr(0, PCI_BAR0 + 20, 4, 0x4);
	ck_assert_uint_eq(td.nr_remaps, 6);
	assert_remap(&td, 5, 4, 0, 0x400000000ULL);
	/* I/O Space Enable maps the I/O BAR. */
	wr(0, PCI_BAR0 + 4, 4, 0x1000);
	ck_assert_uint_eq(td.nr_remaps, 6);
	wr(0, PCI_COMMAND, 1, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	ck_assert_uint_eq(td.nr_remaps, 7);
	assert_remap(&td, 6, 1, PCI_BAR_UNMAPPED, 0x1000);
	/* Disabling memory unmaps the memory BARs only. */
	wr(0, PCI_COMMAND, 1, PCI_COMMAND_IO);
	ck_assert_uint_eq(td.nr_remaps, 10);
	assert_remap(&td, 7, 0, 0x50003000, PCI_BAR_UNMAPPED);
	assert_remap(&td, 8, 2, 0x8000000000ULL, PCI_BAR_UNMAPPED);
	assert_remap(&td, 9, 4, 0x400000000ULL, PCI_BAR_UNMAPPED);
	ck_assert_uint_eq(pci_dev_bar_addr(&td.pci, 1), 0x1000);
	wr(0, PCI_COMMAND, 2, 0);
	ck_assert_uint_eq(td.nr_remaps, 11);
	assert_remap(&td, 10, 1, 0x1000, PCI_BAR_UNMAPPED);
	for (unsigned bar = 0; bar < PCI_NR_BARS; bar++)
		ck_assert_uint_eq(pci_dev_bar_addr(&td.pci, bar), PCI_BAR_UNMAPPED);
}
END_TEST

START_TEST(test_bar_sizing_while_enabled)
{
	/* Hardware decodes the sizing pattern if the guest leaves decode on; so do we. */
	tdev_add(&td, 0);
	wr(0, PCI_BAR0, 4, 0x50000000);
	wr(0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	td.nr_remaps = 0;
	wr(0, PCI_BAR0, 4, 0xffffffff);
	wr(0, PCI_BAR0, 4, 0x50000000);
	ck_assert_uint_eq(td.nr_remaps, 2);
	assert_remap(&td, 0, 0, 0x50000000, 0xfffff000);
	assert_remap(&td, 1, 0, 0xfffff000, 0x50000000);
}
END_TEST

START_TEST(test_unaligned_and_narrow)
{
	tdev_add(&td, 0);
	/* A DWORD read straddling Device ID and Command. */
	wr(0, PCI_COMMAND, 1, PCI_COMMAND_MASTER);
	ck_assert_uint_eq(rd(0, PCI_DEVICE_ID, 4), 0x00041041);
	ck_assert_uint_eq(rd(0, PCI_VENDOR_ID + 1, 2), 0x411a);
	/* A halfword at 0x11: the bits below 4 KiB in byte 0x11 stay zero. */
	wr(0, PCI_BAR0 + 1, 2, 0xabcd);
	ck_assert_uint_eq(rd(0, PCI_BAR0, 4), 0x00abc000);
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 1, 1), 0xc0);
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 2, 2), 0x00ab);
	ck_assert_uint_eq(td.nr_remaps, 0);
	/* Memory Space Enable by a byte store. */
	wr(0, PCI_COMMAND, 1, PCI_COMMAND_MEMORY);
	ck_assert_uint_eq(td.nr_remaps, 3);
	assert_remap(&td, 0, 0, PCI_BAR_UNMAPPED, 0x00abc000);
	/* The top byte alone moves it. */
	wr(0, PCI_BAR0 + 3, 1, 0x5a);
	ck_assert_uint_eq(td.nr_remaps, 4);
	assert_remap(&td, 3, 0, 0x00abc000, 0x5aabc000);
	/* A DWORD across BAR0 and BAR1 with both decodes on: both move, BAR order. */
	wr(0, PCI_BAR0 + 4, 4, 0x2000);
	wr(0, PCI_COMMAND, 1, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	ck_assert_uint_eq(td.nr_remaps, 5);
	assert_remap(&td, 4, 1, PCI_BAR_UNMAPPED, 0x2000);
	wr(0, PCI_BAR0 + 2, 4, 0x30005000);
	ck_assert_uint_eq(td.nr_remaps, 7);
	assert_remap(&td, 5, 0, 0x5aabc000, 0x5000c000);
	assert_remap(&td, 6, 1, 0x2000, 0x3000);
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 4, 4), 0x00003001);
	/* An 8-byte read at an odd offset: bytes 0x11..0x18. */
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 1, 8), 0x0c000030015000c0ULL);
}
END_TEST

/* --- capabilities and hooks ------------------------------------------------------ */

START_TEST(test_capabilities)
{
	int a, b, off;
	unsigned seen = 0;

	a = pci_dev_add_cap(&td.pci, 0x09, 10); /* vendor-specific, odd length */
	b = pci_dev_add_cap(&td.pci, 0x11, 12); /* MSI-X */
	ck_assert_int_eq(a, PCI_CAP_START);
	ck_assert_int_eq(b, PCI_CAP_START + 12);	      /* DWORD-aligned after 10 bytes */
	pci_dev_cfg_set(&td.pci, (unsigned)b + 2, 2, 0x0007); /* table size 8 */
	ck_assert_int_eq(pci_dev_set_wmask(&td.pci, (unsigned)b + 2, 2, 0xc000), 0);
	tdev_add(&td, 0);

	ck_assert_uint_eq(rd(0, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST, PCI_STATUS_CAP_LIST);
	/* Walk the list the way Linux's pci_find_capability() does. */
	for (off = (int)rd(0, PCI_CAP_PTR, 1); off; off = (int)rd(0, (unsigned)off + 1, 1)) {
		ck_assert_int_lt(seen, 2);
		ck_assert_int_eq(off & 3, 0);
		ck_assert_int_eq(off, seen ? b : a);
		ck_assert_uint_eq(rd(0, (unsigned)off, 1), seen ? 0x11 : 0x09);
		seen++;
	}
	ck_assert_uint_eq(seen, 2);
	/* The body is read-only but where opened; headers and pointer too. */
	wr(0, (unsigned)b, 4, 0xffffffff);
	ck_assert_uint_eq(rd(0, (unsigned)b, 4), 0xc0070011);
	ck_assert_uint_eq(td.nr_writes, 1);
	ck_assert_uint_eq(td.w_off, (unsigned)b);
	ck_assert_uint_eq(td.w_len, 4);
	ck_assert_uint_eq(td.w_val, 0xffffffff);
	wr(0, (unsigned)b + 3, 1, 0x40); /* the hook sees the guest's value at its offset */
	ck_assert_uint_eq(rd(0, (unsigned)b + 2, 2), 0x4007);
	ck_assert_uint_eq(td.w_off, (unsigned)b + 3);
	ck_assert_uint_eq(td.w_len, 1);
	ck_assert_uint_eq(td.w_val, 0x40);
	wr(0, (unsigned)a, 4, 0xffffffff);
	wr(0, PCI_CAP_PTR, 1, 0x80);
	wr(0, PCI_STATUS, 2, 0xffff);
	ck_assert_uint_eq(rd(0, (unsigned)a, 2), (unsigned)b << 8 | 0x09);
	ck_assert_uint_eq(rd(0, PCI_CAP_PTR, 1), (unsigned)a);
	ck_assert_uint_eq(rd(0, PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
	/* Added: the list is closed. */
	ck_assert_int_eq(pci_dev_add_cap(&td.pci, 0x05, 8), -EBUSY);
}
END_TEST

START_TEST(test_capabilities_full)
{
	struct pci_dev d;

	pci_dev_init(&d, &tdev_id, NULL, NULL);
	ck_assert_int_eq(pci_dev_add_cap(&d, 0x09, 1), -EINVAL);
	ck_assert_int_eq(pci_dev_add_cap(&d, 0x09, PCI_CAP_END - PCI_CAP_START + 1), -EINVAL);
	ck_assert_int_eq(pci_dev_add_cap(&d, 0x09, 64), 0x40);
	ck_assert_int_eq(pci_dev_add_cap(&d, 0x09, 64), 0x80);
	ck_assert_int_eq(pci_dev_add_cap(&d, 0x09, 61), 0xc0);
	ck_assert_int_eq(pci_dev_add_cap(&d, 0x09, 2), -ENOSPC); /* 0xfd rounds up to 0x100 */
	ck_assert_uint_eq(pci_dev_cfg_get(&d, 0xc1, 1), 0);	 /* the last one ends the list */
	ck_assert_int_eq(pci_dev_set_wmask(&d, PCI_CFG_SIZE - 1, 2, 0xffff), -EINVAL);
	ck_assert_int_eq(pci_dev_set_wmask(&d, 0x40, 3, 0xffffff), -EINVAL);
	ck_assert_int_eq(pci_dev_set_w1cmask(&d, PCI_CFG_SIZE, 1, 1), -EINVAL);
	ck_assert_int_eq(pci_dev_cfg_set(&d, PCI_CFG_SIZE - 2, 4, 0), -EINVAL);
	ck_assert_uint_eq(pci_dev_cfg_get(&d, PCI_CFG_SIZE - 2, 4), 0);
	ck_assert_uint_eq(pci_dev_cfg_get(&d, 0, 4), 0x10411af4);
}
END_TEST

START_TEST(test_cap_w1c_and_read_hook)
{
	int c = pci_dev_add_cap(&td.pci, 0x09, 8);

	ck_assert_int_ge(c, 0);
	pci_dev_cfg_set(&td.pci, (unsigned)c + 4, 4, 0x000000f0);
	ck_assert_int_eq(pci_dev_set_w1cmask(&td.pci, (unsigned)c + 4, 1, 0xf0), 0);
	tdev_add(&td, 0);
	wr(0, (unsigned)c + 4, 1, 0x30);
	ck_assert_uint_eq(rd(0, (unsigned)c + 4, 1), 0xc0);
	/* The device may answer a read itself. */
	td.nr_reads = 0;
	ck_assert_uint_eq(rd(0, TDEV_LIVE_REG, 4), TDEV_LIVE_VAL);
	ck_assert_uint_eq(rd(0, TDEV_LIVE_REG, 2), 0);
	ck_assert_uint_eq(td.nr_reads, 2);
	/* An 8-byte read is two DWORD reads for the hook. */
	ck_assert_uint_eq(rd(0, TDEV_LIVE_REG, 8), TDEV_LIVE_VAL);
	ck_assert_uint_eq(td.nr_reads, 4);
}
END_TEST

/* --- hostile accesses ------------------------------------------------------------ */

START_TEST(test_straddle_4k)
{
	tdev_add(&td, 0);
	/* Accesses running past the function's 4 KiB: all-ones, dropped, no hook. */
	ck_assert_uint_eq(rd(0, 0xffe, 4), 0xffffffff);
	ck_assert_uint_eq(rd(0, 0xfff, 2), 0xffff);
	ck_assert_uint_eq(rd(0, 0xffc, 8), UINT64_MAX);
	ck_assert_uint_eq(rd(0, 0xff9, 8), UINT64_MAX);
	wr(0, 0xffe, 4, 0xffffffff);
	wr(0, 0xffc, 8, UINT64_MAX);
	ck_assert_uint_eq(td.nr_writes, 0);
	ck_assert_uint_eq(td.nr_reads, 0);
	ck_assert_uint_eq(host.cfg_absent, 6);
	/* Slot 1 (absent) is what a straddling access would have reached. */
	ck_assert_uint_eq(rd(1, 0, 4), 0xffffffff);
	/* Just inside is fine. */
	ck_assert_uint_eq(rd(0, 0xfff, 1), 0);
	ck_assert_uint_eq(rd(0, 0xff8, 8), 0);
	/* The last bytes of the ECAM window: the bus refuses to straddle its end. */
	{
		uint64_t end = layout_base(LAYOUT_PCI_ECAM) + layout_size(LAYOUT_PCI_ECAM), v;

		ck_assert(!bus_read(&bus, end - 2, 4, &v));
		ck_assert(bus_read(&bus, end - 4, 4, &v));
		ck_assert_uint_eq(v, 0xffffffff);
	}
}
END_TEST

/* The bits of every byte that neither the guest nor RW1C can change. */
static void snapshot_ro(const struct pci_dev *d, uint8_t *out)
{
	for (unsigned i = 0; i < PCI_CFG_SIZE; i++)
		out[i] = d->cfg[i] & (uint8_t) ~(d->wmask[i] | d->w1cmask[i]);
}

static void assert_ro_unchanged(const struct pci_dev *d, const uint8_t *before)
{
	static uint8_t now[PCI_CFG_SIZE];

	snapshot_ro(d, now);
	for (unsigned i = 0; i < PCI_CFG_SIZE; i++)
		ck_assert_msg(now[i] == before[i], "read-only bits of 0x%x: 0x%x -> 0x%x", i,
			      before[i], now[i]);
	ck_assert_uint_eq(rd(0, PCI_VENDOR_ID, 4), 0x10411af4);
	ck_assert_uint_eq(rd(0, PCI_REVISION_ID, 4), 0x02000001);
	ck_assert_uint_eq(rd(0, PCI_HEADER_TYPE, 1), 0);
	ck_assert_uint_eq(rd(0, PCI_INTERRUPT_PIN, 1), PCI_INTA);
	ck_assert_uint_eq(rd(0, PCI_CAP_PTR, 1), PCI_CAP_START);
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 4, 4) & 3, 1);
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 8, 4) & 0xf, 0xc);
}

START_TEST(test_hostile_all_ones)
{
	static const unsigned lens[] = { 1, 2, 4, 8 };
	static uint8_t before[PCI_CFG_SIZE];

	ck_assert_int_ge(pci_dev_add_cap(&td.pci, 0x11, 12), 0);
	tdev_add(&td, 0);
	snapshot_ro(&td.pci, before);
	for (unsigned l = 0; l < N(lens); l++)
		for (unsigned reg = 0; reg < PCI_CFG_SIZE; reg++)
			wr(0, reg, lens[l], UINT64_MAX);
	assert_ro_unchanged(&td.pci, before);
	ck_assert_uint_eq(rd(0, PCI_COMMAND, 2), 0x0407);
	ck_assert_uint_eq(rd(0, PCI_BAR0, 4), 0xfffff000);
	/* Every BAR decodes at its sizing pattern now. */
	ck_assert_uint_eq(pci_dev_bar_addr(&td.pci, 0), 0xfffff000);
	ck_assert_uint_eq(pci_dev_bar_addr(&td.pci, 1), 0xffffffe0);
	ck_assert_uint_eq(pci_dev_bar_addr(&td.pci, 2), 0xffffffffffffc000ULL);
	ck_assert_uint_eq(pci_dev_bar_addr(&td.pci, 4), 0xfffffffe00000000ULL);
}
END_TEST

/* What the device was last told is what Command and the BARs say now. */
static void assert_decode_matches(const struct tdev *t)
{
	uint64_t cmd = rd(0, PCI_COMMAND, 2);
	uint64_t mem = (cmd & PCI_COMMAND_MEMORY) ? 0 : PCI_BAR_UNMAPPED;
	uint64_t io = (cmd & PCI_COMMAND_IO) ? 0 : PCI_BAR_UNMAPPED;
	const uint64_t want[] = {
		mem | (rd(0, PCI_BAR0, 4) & ~0xfULL),
		io | (rd(0, PCI_BAR0 + 4, 4) & ~0x3ULL),
		mem | (rd(0, PCI_BAR0 + 8, 8) & ~0xfULL),
		mem | (rd(0, PCI_BAR0 + 16, 8) & ~0xfULL),
	};
	static const unsigned bars[] = { 0, 1, 2, 4 };

	for (unsigned i = 0; i < N(bars); i++) {
		ck_assert_uint_eq(pci_dev_bar_addr(&t->pci, bars[i]), want[i]);
		ck_assert_uint_eq(t->told[bars[i]] ? t->last[bars[i]] : PCI_BAR_UNMAPPED, want[i]);
	}
}

START_TEST(test_hostile_random)
{
	static const unsigned lens[] = { 1, 2, 4, 8 };
	static uint8_t before[PCI_CFG_SIZE];
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	ck_assert_int_ge(pci_dev_add_cap(&td.pci, 0x11, 12), 0);
	tdev_add(&td, 0);
	snapshot_ro(&td.pci, before);
	for (unsigned i = 0; i < 200000; i++) {
		uint64_t v;

		/* xorshift64: reproducible, no libc state. */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = x * 0x2545f4914f6cdd1dULL;
		/* Mostly the header, where the side effects are; sometimes anywhere. */
		wr(0, (unsigned)(x >> 40) & ((x & 1) ? 0x3f : 0xfff), lens[(x >> 8) & 3], v);
		if ((x & 0xff) == 0)
			(void)rd(0, (unsigned)(x >> 20) & 0xfff, lens[(x >> 10) & 3]);
	}
	assert_ro_unchanged(&td.pci, before);
	ck_assert_uint_gt(td.nr_remaps, 0);
	assert_decode_matches(&td);
}
END_TEST

START_TEST(test_reset_after_hostile)
{
	static uint8_t at_add[PCI_CFG_SIZE];
	uint64_t x = 0x243f6a8885a308d3ULL;

	ck_assert_int_ge(pci_dev_add_cap(&td.pci, 0x11, 12), 0);
	tdev_add(&td, 0);
	memcpy(at_add, td.pci.cfg, PCI_CFG_SIZE);
	for (unsigned i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		wr(0, (unsigned)(x >> 40) & 0x3f, 4, x * 0x2545f4914f6cdd1dULL);
	}
	wr(0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	pci_host_reset(&host);
	/* Every byte as it was when added, and nothing decodes (the hook checked it too). */
	ck_assert_mem_eq(td.pci.cfg, at_add, PCI_CFG_SIZE);
	ck_assert_uint_eq(td.nr_resets, 1);
	assert_decode_matches(&td);
}
END_TEST

/* --- the host -------------------------------------------------------------------- */

START_TEST(test_add_dev)
{
	static struct pci_dev devs[PCI_MAX_SLOTS + 1];

	for (unsigned i = 0; i < PCI_MAX_SLOTS; i++) {
		pci_dev_init(&devs[i], &tdev_id, NULL, NULL);
		pci_dev_cfg_set(&devs[i], PCI_INTERRUPT_LINE, 1, i);
		ck_assert_int_eq(pci_host_add_dev(&host, &devs[i]), (int)i);
		ck_assert_uint_eq(devs[i].slot, i);
		ck_assert_ptr_eq(devs[i].host, &host);
	}
	ck_assert_int_eq(pci_host_add_dev(&host, &devs[0]), -EBUSY);
	pci_dev_init(&devs[PCI_MAX_SLOTS], &tdev_id, NULL, NULL);
	ck_assert_int_eq(pci_host_add_dev(&host, &devs[PCI_MAX_SLOTS]), -ENOSPC);
	for (unsigned i = 0; i < PCI_MAX_SLOTS; i++) {
		ck_assert_uint_eq(rd(i, PCI_VENDOR_ID, 2), 0x1af4);
		ck_assert_uint_eq(rd(i, PCI_INTERRUPT_LINE, 1), i);
	}
	/* Devices without ops take every access too. */
	wr(5, PCI_COMMAND, 2, 0xffff);
	ck_assert_uint_eq(rd(5, PCI_COMMAND, 2), 0x0407);
	ck_assert_uint_eq(rd(6, PCI_COMMAND, 2), 0);
}
END_TEST

/*
 * A reset puts config space back to what it was when the device was added
 * (not to zero), reports every decoding BAR going away, then calls the
 * hook; the guest can program the device again afterwards.
 */
START_TEST(test_host_reset)
{
	struct pci_dev plain;

	pci_dev_cfg_set(&td.pci, PCI_INTERRUPT_LINE, 1, 0x2a);
	tdev_add(&td, 0);
	pci_dev_init(&plain, &tdev_id, NULL, NULL); /* a device without ops */
	ck_assert_int_eq(pci_host_add_dev(&host, &plain), 1);
	wr(0, PCI_BAR0, 4, 0x50004000);
	wr(0, PCI_BAR0 + 4, 4, 0x2000);
	wr(0, PCI_BAR0 + 8, 8, 0x60000000);
	wr(0, PCI_BAR0 + 16, 8, 64ULL << 30);
	wr(0, PCI_CACHE_LINE, 1, 0x10);
	wr(0, PCI_INTERRUPT_LINE, 1, 0x55);
	wr(0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO | PCI_COMMAND_MASTER);
	wr(1, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	/* An error bit the device raised itself (RW1C: the guest can only clear it). */
	pci_dev_cfg_set(&td.pci, PCI_STATUS, 2, 0x8000);
	ck_assert_uint_eq(td.nr_remaps, 4);
	pci_host_reset(&host);
	ck_assert_uint_eq(td.nr_resets, 1);
	ck_assert_uint_eq(td.reset_cmd, 0);
	ck_assert_uint_eq(td.nr_remaps, 8);
	assert_remap(&td, 4, 0, 0x50004000, PCI_BAR_UNMAPPED);
	assert_remap(&td, 5, 1, 0x2000, PCI_BAR_UNMAPPED);
	assert_remap(&td, 6, 2, 0x60000000, PCI_BAR_UNMAPPED);
	assert_remap(&td, 7, 4, 64ULL << 30, PCI_BAR_UNMAPPED);
	ck_assert_uint_eq(rd(0, PCI_COMMAND, 4), 0); /* Status too */
	ck_assert_uint_eq(rd(0, PCI_BAR0, 4), 0);
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 4, 4), 1);	/* I/O space indicator */
	ck_assert_uint_eq(rd(0, PCI_BAR0 + 8, 8), 0xc); /* 64-bit, prefetchable */
	ck_assert_uint_eq(rd(0, PCI_CACHE_LINE, 1), 0);
	ck_assert_uint_eq(rd(0, PCI_INTERRUPT_LINE, 1), 0x2a);
	ck_assert_uint_eq(rd(0, PCI_VENDOR_ID, 4), 0x10411af4);
	ck_assert_uint_eq(rd(1, PCI_COMMAND, 2), 0);
	/* The writable bits are still writable: sizing and decode work as before. */
	wr(0, PCI_BAR0, 4, UINT32_MAX);
	ck_assert_uint_eq(rd(0, PCI_BAR0, 4), 0xfffff000);
	wr(0, PCI_BAR0, 4, 0x50008000);
	wr(0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	ck_assert_uint_eq(pci_dev_bar_addr(&td.pci, 0), 0x50008000);
	ck_assert_uint_eq(td.nr_remaps, 11); /* BARs 0, 2 and 4 */
	/* The statistics are the run's, not the boot's. */
	ck_assert_uint_eq(host.cfg_writes, 11);
	/* Nothing to reset but config space: a second reset finds it as it left it. */
	pci_host_reset(&host);
	ck_assert_uint_eq(td.nr_resets, 2);
	ck_assert_uint_eq(td.nr_remaps, 14);
}
END_TEST

START_TEST(test_stats)
{
	tdev_add(&td, 0);
	rd(0, PCI_VENDOR_ID, 4);
	rd(0, PCI_VENDOR_ID, 2);
	rd(3, PCI_VENDOR_ID, 2);
	wr(0, PCI_COMMAND, 2, 0);
	wr(3, PCI_COMMAND, 2, 0);
	ck_assert_uint_eq(host.cfg_reads, 3);
	ck_assert_uint_eq(host.cfg_writes, 2);
	ck_assert_uint_eq(host.cfg_absent, 2);
	ck_assert_uint_eq(bus.regions[0].hits, 5);
}
END_TEST

/* --- the device-tree node -------------------------------------------------------- */

#define BLOB_SIZE	(16 << 10)
#define INTC_ADDR_CELLS 2 /* gicv3_fdt_node()'s #address-cells */
#define IMAP_CELLS	(4 + 1 + INTC_ADDR_CELLS + 3)

static const struct irqchip_ops pci_gicv3_ops = {
	.name = "gicv3 (fdt only)",
	.fdt_node = gicv3_fdt_node,
	.fdt_spi_cells = gic_fdt_spi_cells,
	.fdt_ppi_cells = gic_fdt_ppi_cells,
};

static const struct vm_config fdt_cfg = {
	.kernel = "Image",
	.params = "",
	.ram_size = 256ULL << 20,
	.nr_cpus = 1,
};

static struct vm fdt_vm;
static uint8_t fdt_ram[4096];

static void fdt_vm_setup(void)
{
	ck_assert_int_eq(vm_init(&fdt_vm, &fdt_cfg), 0);
	fdt_vm.mem = (struct guest_mem){ .gpa = 0x80000000, .size = 256ULL << 20, .hva = fdt_ram };
	fdt_vm.nr_vcpus = 1;
	fdt_vm.mpidr[0] = 0x80000000ULL;
	fdt_vm.irqchip = &pci_gicv3_ops;
}

/* A host with n test devices in slots 0..n-1 and SPIs 1..4 for INTA..INTD. */
static void fdt_host_setup(unsigned n, uint32_t msi)
{
	static struct pci_dev devs[PCI_MAX_SLOTS];

	for (unsigned i = 0; i < PCI_NR_INTX; i++)
		host.intx_spi[i] = 1 + i;
	host.msi_parent_phandle = msi;
	for (unsigned i = 0; i < n; i++) {
		pci_dev_init(&devs[i], &tdev_id, NULL, NULL);
		ck_assert_int_eq(pci_host_add_dev(&host, &devs[i]), (int)i);
	}
}

/* The GIC's node, then ours, into a fresh small blob. Returns pci_host_fdt_node()'s result. */
static int fdt_build_pci(void *blob, int size)
{
	struct fdt_ctx ctx = { .fdt = blob, .vm = &fdt_vm, .intc_phandle = FDT_PHANDLE_INTC };

	ck_assert_int_eq(fdt_create_empty_tree(blob, size), 0);
	ck_assert_int_eq(gicv3_fdt_node(&ctx), 0);
	return pci_host_fdt_node(&host, &ctx);
}

static const fdt32_t *prop(const void *fdt, int node, const char *name, int *ncells)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	ck_assert_msg(p, "no property %s", name);
	ck_assert_int_eq(len % 4, 0);
	*ncells = len / 4;
	return p;
}

static void assert_cells(const void *fdt, int node, const char *name, const uint32_t *want, int n)
{
	int got;
	const fdt32_t *p = prop(fdt, node, name, &got);

	ck_assert_msg(got == n, "%s: %d cells, want %d", name, got, n);
	for (int i = 0; i < n; i++)
		ck_assert_msg(fdt32_to_cpu(p[i]) == want[i], "%s[%d] = 0x%x, want 0x%x", name, i,
			      fdt32_to_cpu(p[i]), want[i]);
}

static int pcie_node(const void *fdt)
{
	int node = fdt_path_offset(fdt, "/pcie@40000000");

	ck_assert_msg(node >= 0, "/pcie@40000000: %s", fdt_strerror(node));
	return node;
}

START_TEST(test_fdt_node)
{
	static const uint32_t reg[] = { 0, 0x40000000, 0, 0x100000 };
	static const uint32_t bus_range[] = { 0, 0 };
	static const uint32_t ranges[] = {
		0x01000000, 0, 0,	   0, 0x00000000, 0, 0x00010000, /* I/O from port 0 */
		0x02000000, 0, 0x50000000, 0, 0x50000000, 0, 0x30000000, /* 32-bit memory */
	};
	static const uint32_t mask[] = { 0xf800, 0, 0, 7 };
	uint8_t *blob = malloc(BLOB_SIZE);
	int node, len;

	ck_assert_ptr_nonnull(blob);
	fdt_vm_setup();
	fdt_host_setup(1, 0);
	ck_assert_int_eq(fdt_build_pci(blob, BLOB_SIZE), 0);
	node = pcie_node(blob);
	ck_assert_int_eq(fdt_node_check_compatible(blob, node, "pci-host-ecam-generic"), 0);
	ck_assert_str_eq(fdt_getprop(blob, node, "device_type", NULL), "pci");
	ck_assert_uint_eq(fdt32_to_cpu(*prop(blob, node, "#address-cells", &len)), 3);
	ck_assert_uint_eq(fdt32_to_cpu(*prop(blob, node, "#size-cells", &len)), 2);
	ck_assert_uint_eq(fdt32_to_cpu(*prop(blob, node, "#interrupt-cells", &len)), 1);
	assert_cells(blob, node, "bus-range", bus_range, 2);
	assert_cells(blob, node, "reg", reg, 4);
	assert_cells(blob, node, "ranges", ranges, N(ranges));
	assert_cells(blob, node, "interrupt-map-mask", mask, 4);
	ck_assert_ptr_nonnull(fdt_getprop(blob, node, "dma-coherent", &len));
	ck_assert_int_eq(len, 0);
	ck_assert_ptr_null(fdt_getprop(blob, node, "msi-parent", NULL));
	free(blob);
	vm_destroy(&fdt_vm);
}
END_TEST

START_TEST(test_fdt_interrupt_map)
{
	/* Slot 3, INTB: (3 + 2 - 1) mod 4 = 0, so INTA's SPI of slot 0: SPI 1, level-high. */
	static const uint32_t slot3_intb[IMAP_CELLS] = { 0x1800, 0, 0, 2, FDT_PHANDLE_INTC,
							 0,	 0, 0, 1, 4 };
	uint8_t *blob = malloc(BLOB_SIZE);
	const fdt32_t *map;
	int node, n;

	ck_assert_ptr_nonnull(blob);
	fdt_vm_setup();
	fdt_host_setup(5, 0);
	ck_assert_int_eq(fdt_build_pci(blob, BLOB_SIZE), 0);
	node = pcie_node(blob);
	map = prop(blob, node, "interrupt-map", &n);
	ck_assert_int_eq(n, 5 * PCI_NR_INTX * IMAP_CELLS);
	for (unsigned i = 0; i < IMAP_CELLS; i++)
		ck_assert_uint_eq(fdt32_to_cpu(map[(3 * 4 + 1) * IMAP_CELLS + i]), slot3_intb[i]);
	/* Every entry: slot, pin, phandle, zero parent address, rotated SPI. */
	for (unsigned slot = 0; slot < 5; slot++) {
		for (unsigned pin = 1; pin <= 4; pin++) {
			const fdt32_t *e = &map[(slot * 4 + pin - 1) * IMAP_CELLS];

			ck_assert_uint_eq(fdt32_to_cpu(e[0]), slot << 11);
			ck_assert_uint_eq(fdt32_to_cpu(e[1]) | fdt32_to_cpu(e[2]), 0);
			ck_assert_uint_eq(fdt32_to_cpu(e[3]), pin);
			ck_assert_uint_eq(fdt32_to_cpu(e[4]), FDT_PHANDLE_INTC);
			ck_assert_uint_eq(fdt32_to_cpu(e[5]) | fdt32_to_cpu(e[6]), 0);
			ck_assert_uint_eq(fdt32_to_cpu(e[7]), 0); /* GIC_SPI */
			ck_assert_uint_eq(fdt32_to_cpu(e[8]), 1 + (slot + pin - 1) % 4);
			ck_assert_uint_eq(fdt32_to_cpu(e[9]), 4); /* IRQ_TYPE_LEVEL_HIGH */
		}
	}
	free(blob);
	vm_destroy(&fdt_vm);
}
END_TEST

/*
 * Under the rVIC, INTx lines are rVID inputs: each entry names the rVID
 * (no address cells) and the input, nothing else.
 */
START_TEST(test_fdt_interrupt_map_rvic)
{
	static const struct irqchip_ops rvic_fdt_ops = {
		.name = "rvic (fdt only)",
		.msi_phandle = FDT_PHANDLE_RVID,
		.spi_phandle = FDT_PHANDLE_RVID,
		.fdt_node = rvic_fdt_node,
		.fdt_spi_cells = rvic_fdt_spi_cells,
		.fdt_ppi_cells = rvic_fdt_ppi_cells,
	};
	struct fdt_ctx ctx = { .vm = &fdt_vm, .intc_phandle = FDT_PHANDLE_INTC };
	uint8_t *blob = malloc(BLOB_SIZE);
	const fdt32_t *map;
	int node, n;

	ck_assert_ptr_nonnull(blob);
	fdt_vm_setup();
	fdt_vm.irqchip = &rvic_fdt_ops;
	fdt_host_setup(3, FDT_PHANDLE_RVID);
	ctx.fdt = blob;
	ck_assert_int_eq(fdt_create_empty_tree(blob, BLOB_SIZE), 0);
	ck_assert_int_eq(rvic_fdt_node(&ctx), 0);
	ck_assert_int_eq(pci_host_fdt_node(&host, &ctx), 0);
	node = pcie_node(blob);
	ck_assert_uint_eq(fdt32_to_cpu(*prop(blob, node, "msi-parent", &n)), FDT_PHANDLE_RVID);
	map = prop(blob, node, "interrupt-map", &n);
	ck_assert_int_eq(n, 3 * PCI_NR_INTX * 6);
	for (unsigned slot = 0; slot < 3; slot++) {
		for (unsigned pin = 1; pin <= 4; pin++) {
			const fdt32_t *e = &map[(slot * 4 + pin - 1) * 6];

			ck_assert_uint_eq(fdt32_to_cpu(e[0]), slot << 11);
			ck_assert_uint_eq(fdt32_to_cpu(e[3]), pin);
			ck_assert_uint_eq(fdt32_to_cpu(e[4]), FDT_PHANDLE_RVID);
			ck_assert_uint_eq(fdt32_to_cpu(e[5]), 1 + (slot + pin - 1) % 4);
		}
	}
	free(blob);
	vm_destroy(&fdt_vm);
}
END_TEST

START_TEST(test_fdt_msi_and_mmio64)
{
	static const uint32_t mmio64[] = { 0x43000000, 0x80, 0, 0x80, 0, 0x80, 0 };
	uint8_t *blob = malloc(BLOB_SIZE);
	const fdt32_t *r;
	int node, n;

	ck_assert_ptr_nonnull(blob);
	fdt_vm_setup();
	fdt_host_setup(1, FDT_PHANDLE_ITS);
	host.mmio64_base = 0x8000000000ULL;
	host.mmio64_size = 0x8000000000ULL;
	ck_assert_int_eq(fdt_build_pci(blob, BLOB_SIZE), 0);
	node = pcie_node(blob);
	ck_assert_uint_eq(fdt32_to_cpu(*prop(blob, node, "msi-parent", &n)), FDT_PHANDLE_ITS);
	ck_assert_int_eq(n, 1);
	ck_assert_ptr_null(fdt_getprop(blob, node, "msi-map", NULL));
	r = prop(blob, node, "ranges", &n);
	ck_assert_int_eq(n, 3 * 7);
	for (unsigned i = 0; i < 7; i++)
		ck_assert_uint_eq(fdt32_to_cpu(r[14 + i]), mmio64[i]);
	free(blob);
	vm_destroy(&fdt_vm);
}
END_TEST

START_TEST(test_fdt_no_devices)
{
	uint8_t *blob = malloc(BLOB_SIZE);
	int node;

	ck_assert_ptr_nonnull(blob);
	fdt_vm_setup();
	fdt_host_setup(0, 0);
	ck_assert_int_eq(fdt_build_pci(blob, BLOB_SIZE), 0);
	node = pcie_node(blob);
	ck_assert_ptr_null(fdt_getprop(blob, node, "interrupt-map", NULL));
	ck_assert_ptr_null(fdt_getprop(blob, node, "interrupt-map-mask", NULL));
	ck_assert_ptr_nonnull(fdt_getprop(blob, node, "ranges", NULL));
	free(blob);
	vm_destroy(&fdt_vm);
}
END_TEST

START_TEST(test_fdt_intc_without_address_cells)
{
	/* A controller without #address-cells: entries have no parent unit address. */
	uint8_t *blob = malloc(BLOB_SIZE);
	struct fdt_ctx ctx = { .fdt = blob, .vm = &fdt_vm, .intc_phandle = 7 };
	const fdt32_t *map;
	int intc, n;

	ck_assert_ptr_nonnull(blob);
	fdt_vm_setup();
	fdt_host_setup(1, 0);
	ck_assert_int_eq(fdt_create_empty_tree(blob, BLOB_SIZE), 0);
	/* No controller node yet: the map cannot be built. */
	ck_assert_int_eq(pci_host_fdt_node(&host, &ctx), -ENOENT);
	ck_assert_int_eq(fdt_create_empty_tree(blob, BLOB_SIZE), 0);
	intc = fdt_add_subnode(blob, 0, "intc");
	ck_assert_int_ge(intc, 0);
	ck_assert_int_eq(fdt_setprop_u32(blob, intc, "phandle", 7), 0);
	ck_assert_int_eq(pci_host_fdt_node(&host, &ctx), 0);
	map = prop(blob, pcie_node(blob), "interrupt-map", &n);
	ck_assert_int_eq(n, PCI_NR_INTX * 8);
	ck_assert_uint_eq(fdt32_to_cpu(map[4]), 7);
	ck_assert_uint_eq(fdt32_to_cpu(map[6]), 1); /* slot 0 INTA: SPI 1 */
	free(blob);
	vm_destroy(&fdt_vm);
}
END_TEST

START_TEST(test_fdt_short_blob)
{
	/* Every size too small fails with -ENOSPC, inside the buffer (ASan). */
	uint8_t *blob = malloc(BLOB_SIZE);
	int need, ret;

	ck_assert_ptr_nonnull(blob);
	fdt_vm_setup();
	fdt_host_setup(PCI_MAX_SLOTS, FDT_PHANDLE_ITS);
	ck_assert_int_eq(fdt_build_pci(blob, BLOB_SIZE), 0);
	ck_assert_int_eq(fdt_pack(blob), 0);
	need = (int)fdt_totalsize(blob);
	for (int size = need - 1; size >= 64; size -= 7) {
		uint8_t *small = malloc((size_t)size);
		struct fdt_ctx ctx = { .fdt = small,
				       .vm = &fdt_vm,
				       .intc_phandle = FDT_PHANDLE_INTC };

		ck_assert_ptr_nonnull(small);
		/* Too small for the GIC or even an empty tree: nothing of ours to test. */
		if (fdt_create_empty_tree(small, size) == 0 && gicv3_fdt_node(&ctx) == 0) {
			ret = pci_host_fdt_node(&host, &ctx);
			ck_assert_msg(ret == -ENOSPC, "size %d: %d", size, ret);
		}
		free(small);
	}
	free(blob);
	vm_destroy(&fdt_vm);
}
END_TEST

START_TEST(test_fdt_build_from_bus)
{
	/* The ECAM region's fdt_node op puts the host in fdt_build()'s tree. */
	uint8_t *blob = malloc(64 << 10);
	int size, node;

	ck_assert_ptr_nonnull(blob);
	fdt_vm_setup();
	fdt_host_setup(2, 0);
	ck_assert_int_eq(bus_add(&fdt_vm.bus, layout_base(LAYOUT_PCI_ECAM),
				 layout_size(LAYOUT_PCI_ECAM), &pci_ecam_mmio_ops, &host),
			 0);
	size = fdt_build(&fdt_vm, blob, 64 << 10);
	ck_assert_msg(size > 0, "fdt_build: %d", size);
	node = pcie_node(blob);
	ck_assert_int_eq(fdt_node_check_compatible(blob, node, "pci-host-ecam-generic"), 0);
	ck_assert_ptr_nonnull(fdt_getprop(blob, node, "interrupt-map", NULL));
	free(blob);
	vm_destroy(&fdt_vm);
}
END_TEST

/* --- the windows ---------------------------------------------------------------- */

#define MMIO64_BASE (4ULL << 30)

static void window_setup(void)
{
	setup();
	ck_assert_int_eq(bus_add(&bus, layout_base(LAYOUT_PCI_MMIO), layout_size(LAYOUT_PCI_MMIO),
				 &pci_mem_window_mmio_ops, &host),
			 0);
	ck_assert_int_eq(bus_add(&bus, layout_base(LAYOUT_PCI_IO), layout_size(LAYOUT_PCI_IO),
				 &pci_io_window_mmio_ops, &host),
			 0);
	ck_assert_int_eq(bus_add(&bus, MMIO64_BASE, 4ULL << 30, &pci_mem_window_mmio_ops, &host),
			 0);
	tdev_add(&td, 0);
	wr(0, PCI_BAR0, 4, 0x50004000);
	wr(0, PCI_BAR0 + 4, 4, 0x2000);
	wr(0, PCI_BAR0 + 8, 8, MMIO64_BASE + 0x10000);
	/* Out of the way: left at 0, the 8 GiB BAR4 would cover both windows. */
	wr(0, PCI_BAR0 + 16, 8, 64ULL << 30);
}

static uint64_t win_rd(uint64_t addr, unsigned len)
{
	uint64_t v = 0;

	ck_assert(bus_read(&bus, addr, len, &v));
	return v;
}

START_TEST(test_window_decode)
{
	uint64_t io = layout_base(LAYOUT_PCI_IO);

	/* Decode off: master aborts, the device hears nothing. */
	ck_assert_uint_eq(win_rd(0x50004000, 4), 0xffffffff);
	ck_assert_uint_eq(win_rd(io + 0x2000, 1), 0xff);
	ck_assert(bus_write(&bus, 0x50004000, 4, 1));
	ck_assert_uint_eq(td.nr_bar_reads + td.nr_bar_writes, 0);
	ck_assert_uint_eq(host.bar_absent, 3);

	wr(0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	/* Each BAR answers at its address, with offsets relative to it. */
	ck_assert_uint_eq(win_rd(0x50004000 + 0x10, 4), 0xb0b0b0b0);
	ck_assert_uint_eq(td.a_bar, 0);
	ck_assert_uint_eq(td.a_off, 0x10);
	ck_assert_uint_eq(win_rd(io + 0x2000 + 4, 2), 0xb1b1);
	ck_assert_uint_eq(td.a_bar, 1);
	ck_assert_uint_eq(td.a_off, 4);
	ck_assert_uint_eq(win_rd(MMIO64_BASE + 0x10000 + 0x3ff8, 8), 0xb2b2b2b2b2b2b2b2ULL);
	ck_assert_uint_eq(td.a_off, 0x3ff8);
	ck_assert(bus_write(&bus, 0x50004000 + 0xffc, 4, 0x12345678));
	ck_assert_uint_eq(td.nr_bar_writes, 1);
	ck_assert_uint_eq(td.a_val, 0x12345678);
	ck_assert_uint_eq(td.a_off, 0xffc);
	/* The I/O window is port space: a memory address with the same offset is not a port. */
	ck_assert_uint_eq(win_rd(0x50000000 + 0x2000, 4), 0xffffffff);
}
END_TEST

START_TEST(test_window_edges)
{
	unsigned before;

	wr(0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	before = td.nr_bar_reads;
	/* Just below, just past, and straddling the end of BAR0. */
	ck_assert_uint_eq(win_rd(0x50003fff, 1), 0xff);
	ck_assert_uint_eq(win_rd(0x50005000, 1), 0xff);
	ck_assert_uint_eq(win_rd(0x50004ffe, 4), 0xffffffff);
	ck_assert_uint_eq(win_rd(0x50004ff8, 8), 0xb0b0b0b0b0b0b0b0ULL);
	ck_assert_uint_eq(td.nr_bar_reads, before + 1);
	/* Moved: the old address goes dead, the new one answers. */
	wr(0, PCI_BAR0, 4, 0x50010000);
	ck_assert_uint_eq(win_rd(0x50004000, 4), 0xffffffff);
	ck_assert_uint_eq(win_rd(0x50010000, 4), 0xb0b0b0b0);
	/* Memory decode off: gone. */
	wr(0, PCI_COMMAND, 2, 0);
	ck_assert_uint_eq(win_rd(0x50010000, 4), 0xffffffff);
}
END_TEST

START_TEST(test_window_hostile_bars)
{
	struct tdev td2;

	tdev_setup(&td2);
	tdev_add(&td2, 1);
	wr(1, PCI_BAR0 + 16, 8, 64ULL << 30);
	/* BAR4 (8 GiB) at the top of the address space: base + size wraps. */
	wr(0, PCI_BAR0 + 16, 8, 0xfffffffe00000000ULL);
	/* Both devices' BAR0 at the same address: the lowest slot answers. */
	wr(1, PCI_BAR0, 4, 0x50004000);
	wr(0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	wr(1, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	ck_assert_uint_eq(win_rd(0x50004000, 4), 0xb0b0b0b0);
	ck_assert_uint_eq(td.nr_bar_reads, 1);
	ck_assert_uint_eq(td2.nr_bar_reads, 0);
	/* The wrapped BAR decodes nothing inside the windows, and nothing crashes. */
	ck_assert_uint_eq(win_rd(MMIO64_BASE, 4), 0xffffffff);
	/* An unprogrammed (zero) 8 GiB BAR covers the windows, as it would on hardware. */
	wr(1, PCI_BAR0 + 16, 8, 0);
	ck_assert_uint_eq(win_rd(MMIO64_BASE, 4), 0xb4b4b4b4);
	ck_assert_uint_eq(td2.nr_bar_reads, 1);
	/* Sizing pattern while decoding: the BAR moves to all-ones & mask, off the windows. */
	wr(0, PCI_BAR0, 4, 0xffffffff);
	ck_assert_uint_eq(win_rd(0x50004000, 4), 0xb0b0b0b0);
	ck_assert_uint_eq(td2.nr_bar_reads, 2);
}
END_TEST

/* An ITS wants a device ID cell: msi-map from requester IDs, no msi-parent. */
START_TEST(test_fdt_msi_map)
{
	static const uint32_t want[] = { 0, FDT_PHANDLE_ITS, 0, 0x10000 };
	uint8_t *blob = malloc(BLOB_SIZE);
	const fdt32_t *m;
	int node, n;

	ck_assert_ptr_nonnull(blob);
	fdt_vm_setup();
	fdt_host_setup(1, FDT_PHANDLE_ITS);
	host.msi_devid = true;
	ck_assert_int_eq(fdt_build_pci(blob, BLOB_SIZE), 0);
	node = pcie_node(blob);
	ck_assert_ptr_null(fdt_getprop(blob, node, "msi-parent", NULL));
	m = prop(blob, node, "msi-map", &n);
	ck_assert_int_eq(n, 4);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_uint_eq(fdt32_to_cpu(m[i]), want[i]);
	free(blob);
	vm_destroy(&fdt_vm);
}
END_TEST

Suite *pci_suite(void)
{
	Suite *s = suite_create("pci");
	TCase *cfg = tcase_create("config");
	TCase *hostile = tcase_create("hostile");
	TCase *fdt = tcase_create("fdt");
	TCase *window = tcase_create("window");

	tcase_add_checked_fixture(cfg, setup, teardown);
	tcase_add_test(cfg, test_absent_device);
	tcase_add_test(cfg, test_other_bus_and_function);
	tcase_add_test(cfg, test_ids);
	tcase_add_test(cfg, test_read_only_fields);
	tcase_add_test(cfg, test_command_mask);
	tcase_add_test(cfg, test_status_rw1c);
	tcase_add_test(cfg, test_interrupt_pin_line);
	tcase_add_test(cfg, test_bar_sizing);
	tcase_add_test(cfg, test_bar_sizing_other_kinds);
	tcase_add_test(cfg, test_bar_invalid);
	tcase_add_test(cfg, test_bar_remap);
	tcase_add_test(cfg, test_bar_sizing_while_enabled);
	tcase_add_test(cfg, test_unaligned_and_narrow);
	tcase_add_test(cfg, test_capabilities);
	tcase_add_test(cfg, test_capabilities_full);
	tcase_add_test(cfg, test_cap_w1c_and_read_hook);
	tcase_add_test(cfg, test_add_dev);
	tcase_add_test(cfg, test_host_reset);
	tcase_add_test(cfg, test_stats);
	suite_add_tcase(s, cfg);

	tcase_add_checked_fixture(hostile, setup, teardown);
	tcase_add_test(hostile, test_straddle_4k);
	tcase_add_test(hostile, test_hostile_all_ones);
	tcase_add_test(hostile, test_hostile_random);
	tcase_add_test(hostile, test_reset_after_hostile);
	tcase_set_timeout(hostile, 60);
	suite_add_tcase(s, hostile);

	tcase_add_checked_fixture(window, window_setup, teardown);
	tcase_add_test(window, test_window_decode);
	tcase_add_test(window, test_window_edges);
	tcase_add_test(window, test_window_hostile_bars);
	suite_add_tcase(s, window);

	tcase_add_checked_fixture(fdt, setup, teardown);
	tcase_add_test(fdt, test_fdt_node);
	tcase_add_test(fdt, test_fdt_interrupt_map);
	tcase_add_test(fdt, test_fdt_interrupt_map_rvic);
	tcase_add_test(fdt, test_fdt_msi_and_mmio64);
	tcase_add_test(fdt, test_fdt_msi_map);
	tcase_add_test(fdt, test_fdt_no_devices);
	tcase_add_test(fdt, test_fdt_intc_without_address_cells);
	tcase_add_test(fdt, test_fdt_short_blob);
	tcase_add_test(fdt, test_fdt_build_from_bus);
	tcase_set_timeout(fdt, 30);
	suite_add_tcase(s, fdt);
	return s;
}
