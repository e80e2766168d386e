// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the PCI host bridge (vmm/pci.c) on a struct mmio_bus
 * with ECAM, the 32-bit and 64-bit memory windows and the I/O window, as a
 * guest reaches it. Two devices sit on bus 0: one with a fixed set of BARs
 * (32-bit, I/O, 64-bit prefetchable) and capabilities (MSI-X-like and a
 * vendor one with writable and write-one-to-clear bits), one whose BARs and
 * capabilities the input declares (through the setup API, which must
 * refuse what is invalid). Both check what pci.h promises a device: BAR
 * moves that chain (old is what it was last told, new is what
 * pci_dev_bar_addr() says), window accesses inside the BAR, config hooks
 * inside 4 KiB; and after every write, no read-only bit changed and no
 * write-one-to-clear bit got set.
 *
 * Input: 6 bytes, the second device's BARs (bits 0-1 type, bit 2
 * prefetchable, bits 3-7 log2 size), u8 capability count (mod 8), then per
 * capability u8 length, u32 write mask, u32 write-one-to-clear mask; then
 * operations until the input ends:
 *   u8 op: bits 0-2 width (1, 2, 4, 8, 1, 2, 4, 3), bit 3 write, bits 4-7 target:
 *     0, 1    ECAM of device 0/1: u16 register (mod 4 KiB + 8: some cross the end)
 *     2, 3    ECAM of device 0/1, header only: u8 register (mod 64)
 *     4       ECAM anywhere: u32 offset
 *     5       32-bit memory window anywhere: u32 offset
 *     6       I/O window: u16 port
 *     7       64-bit window: u32 offset
 *     8..15   where a device's BAR decodes now: u8 (bit 0 device, bits 1-3 BAR), u16 offset
 *   then, for writes, width bytes of value.
 */
#include <errno.h>
#include <string.h>

#include "../../vmm/layout.h"
#include "../../vmm/pci.h"
#include "fuzz_input.h"

#define NDEV	    2
#define MMIO64_BASE 0x1000000000ULL
#define MMIO64_SIZE 0x100000000ULL

struct tdev {
	struct pci_dev pci;
	bool told[PCI_NR_BARS];
	uint64_t last[PCI_NR_BARS];
};

static uint64_t ones(unsigned len)
{
	return len >= 8 ? UINT64_MAX : (1ULL << (8 * len)) - 1;
}

static void tdev_bar_remap(struct pci_dev *dev, unsigned bar, uint64_t old, uint64_t new)
{
	struct tdev *t = dev->opaque;

	FUZZ_CHECK(bar < PCI_NR_BARS && dev->bars[bar].size);
	FUZZ_CHECK(pci_dev_bar_addr(dev, bar) == new);
	FUZZ_CHECK(old != new);
	FUZZ_CHECK(old == (t->told[bar] ? t->last[bar] : PCI_BAR_UNMAPPED));
	t->told[bar] = true;
	t->last[bar] = new;
}

static void tdev_cfg_write(struct pci_dev *dev, unsigned off, unsigned len, uint32_t val)
{
	(void)dev, (void)val;
	FUZZ_CHECK(len == 1 || len == 2 || len == 4);
	FUZZ_CHECK(off < PCI_CFG_SIZE && len <= PCI_CFG_SIZE - off);
}

static void tdev_cfg_read(struct pci_dev *dev, unsigned off, unsigned len, uint32_t *val)
{
	(void)dev;
	FUZZ_CHECK(len == 1 || len == 2 || len == 4);
	FUZZ_CHECK(off < PCI_CFG_SIZE && len <= PCI_CFG_SIZE - off);
	FUZZ_CHECK(*val <= ones(len));
}

static void tdev_bar_check(struct pci_dev *dev, unsigned bar, uint64_t off, unsigned len)
{
	FUZZ_CHECK(bar < PCI_NR_BARS && dev->bars[bar].size);
	FUZZ_CHECK(dev->bars[bar].mapped != PCI_BAR_UNMAPPED);
	FUZZ_CHECK(len >= 1 && len <= 8);
	FUZZ_CHECK(off < dev->bars[bar].size && len <= dev->bars[bar].size - off);
}

static void tdev_bar_read(struct pci_dev *dev, unsigned bar, uint64_t off, unsigned len,
			  uint64_t *val)
{
	tdev_bar_check(dev, bar, off, len);
	*val = (0x0101010101010101ULL * (0xb0 | bar)) & ones(len);
}

static void tdev_bar_write(struct pci_dev *dev, unsigned bar, uint64_t off, unsigned len,
			   uint64_t val)
{
	(void)val;
	tdev_bar_check(dev, bar, off, len);
}

static const struct pci_dev_ops tdev_ops = {
	.bar_remap = tdev_bar_remap,
	.cfg_write = tdev_cfg_write,
	.cfg_read = tdev_cfg_read,
	.bar_read = tdev_bar_read,
	.bar_write = tdev_bar_write,
};

/* --- the bench ------------------------------------------------------------------------ */

struct bench {
	struct mmio_bus bus;
	struct pci_host host;
	struct tdev dev[NDEV];
	uint8_t before[NDEV][PCI_CFG_SIZE];
};

static const struct pci_dev_id ids[NDEV] = {
	{ .vendor = 0x1af4, .device = 0x1041, .class_code = 0x018000, .revision = 1 },
	{ .vendor = 0x1234, .device = 0x5678, .class_code = 0xff0000 },
};

static void dev0_setup(struct pci_dev *p)
{
	int c;

	FUZZ_CHECK(!pci_dev_set_bar(p, 0, PCI_BAR_MEM32, 0x1000, false));
	FUZZ_CHECK(!pci_dev_set_bar(p, 1, PCI_BAR_IO, 0x100, false));
	FUZZ_CHECK(!pci_dev_set_bar(p, 2, PCI_BAR_MEM64, 0x100000, true));
	FUZZ_CHECK(!pci_dev_set_bar(p, 5, PCI_BAR_MEM32, 16, false));
	FUZZ_CHECK(!pci_dev_set_intx_pin(p, PCI_INTA));
	c = pci_dev_add_cap(p, PCI_CAP_ID_MSIX, PCI_MSIX_CAP_LEN);
	FUZZ_CHECK(c >= PCI_CAP_START);
	pci_dev_cfg_set(p, c + PCI_MSIX_CTRL, 2, 3);
	pci_dev_set_wmask(p, c + PCI_MSIX_CTRL, 2, PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL);
	c = pci_dev_add_cap(p, PCI_CAP_ID_VNDR, 16);
	FUZZ_CHECK(c >= PCI_CAP_START);
	pci_dev_set_wmask(p, c + 4, 4, UINT32_MAX);
	pci_dev_cfg_set(p, c + 8, 4, 0xffffffff);
	pci_dev_set_w1cmask(p, c + 8, 4, 0x0f0f0f0f);
}

/* The second device's shape comes from the input; the setup API must refuse nonsense. */
static void dev1_setup(struct pci_dev *p, struct fuzz_in *in)
{
	unsigned ncaps;

	for (unsigned i = 0; i < PCI_NR_BARS; i++) {
		uint8_t s = fuzz_u8(in);

		pci_dev_set_bar(p, i, (enum pci_bar_type)(s & 3), 1ULL << (s >> 3), s & 4);
	}
	pci_dev_set_intx_pin(p, (enum pci_intx_pin)(fuzz_u8(in) % 6));
	ncaps = fuzz_u8(in) % 8;
	for (unsigned i = 0; i < ncaps; i++) {
		int c = pci_dev_add_cap(p, PCI_CAP_ID_VNDR, fuzz_u8(in));
		uint32_t w = fuzz_u32(in), w1c = fuzz_u32(in);

		if (c < 0)
			continue;
		FUZZ_CHECK(c >= PCI_CAP_START && c < PCI_CAP_END && c % 4 == 0);
		pci_dev_set_wmask(p, c + 2, 2, w);
		pci_dev_set_w1cmask(p, c + 2, 2, w1c >> 16);
	}
}

/*
 * After a guest write: read-only bits kept, write-one-to-clear bits never
 * set. Nothing opens bits past the capability area, so that part must not
 * change at all (one memcmp instead of a byte loop: this runs per write).
 */
static void masks_check(struct bench *b)
{
	for (unsigned d = 0; d < NDEV; d++) {
		const struct pci_dev *p = &b->dev[d].pci;

		for (unsigned i = 0; i < PCI_CAP_END; i++) {
			uint8_t ro = (uint8_t) ~(p->wmask[i] | p->w1cmask[i]);

			FUZZ_CHECK(((p->cfg[i] ^ b->before[d][i]) & ro) == 0);
			FUZZ_CHECK((p->cfg[i] & ~b->before[d][i] & p->w1cmask[i]) == 0);
		}
		FUZZ_CHECK(!memcmp(p->cfg + PCI_CAP_END, b->before[d] + PCI_CAP_END,
				   PCI_CFG_SIZE - PCI_CAP_END));
	}
}

static void bus_access(struct bench *b, uint64_t addr, unsigned len, bool write, struct fuzz_in *in)
{
	uint64_t val;

	if (!write) {
		bus_read(&b->bus, addr, len, &val);
		FUZZ_CHECK(val <= ones(len));
		return;
	}
	for (unsigned d = 0; d < NDEV; d++)
		memcpy(b->before[d], b->dev[d].pci.cfg, PCI_CFG_SIZE);
	bus_write(&b->bus, addr, len, fuzz_le(in, len));
	masks_check(b);
}

static void bar_access(struct bench *b, unsigned len, bool write, struct fuzz_in *in)
{
	uint8_t sel = fuzz_u8(in);
	const struct pci_dev *p = &b->dev[sel & 1].pci;
	unsigned bar = (sel >> 1) % PCI_NR_BARS;
	uint64_t off = fuzz_u16(in), base = p->bars[bar].mapped;

	if (!p->bars[bar].size || base == PCI_BAR_UNMAPPED)
		return;
	if (p->bars[bar].type == PCI_BAR_IO)
		base += layout_base(LAYOUT_PCI_IO); /* ports start at the I/O window's base */
	bus_access(b, base + off % p->bars[bar].size, len, write, in);
}

static void run_op(struct bench *b, struct fuzz_in *in)
{
	static const unsigned widths[8] = { 1, 2, 4, 8, 1, 2, 4, 3 };
	uint8_t op = fuzz_u8(in);
	unsigned len = widths[op & 7], t = op >> 4;
	bool write = op & 8;
	uint64_t ecam = layout_base(LAYOUT_PCI_ECAM);

	switch (t) {
	case 0:
	case 1:
		bus_access(b,
			   ecam + PCI_ECAM_OFFSET(0, t, 0, 0) + fuzz_u16(in) % (PCI_CFG_SIZE + 8),
			   len, write, in);
		break;
	case 2:
	case 3:
		bus_access(b, ecam + PCI_ECAM_OFFSET(0, t - 2, 0, fuzz_u8(in) % 64), len, write,
			   in);
		break;
	case 4:
		bus_access(b, ecam + fuzz_u32(in) % layout_size(LAYOUT_PCI_ECAM), len, write, in);
		break;
	case 5:
		bus_access(
		    b, layout_base(LAYOUT_PCI_MMIO) + fuzz_u32(in) % layout_size(LAYOUT_PCI_MMIO),
		    len, write, in);
		break;
	case 6:
		bus_access(b,
			   layout_base(LAYOUT_PCI_IO) + fuzz_u16(in) % layout_size(LAYOUT_PCI_IO),
			   len, write, in);
		break;
	case 7: bus_access(b, MMIO64_BASE + fuzz_u32(in), len, write, in); break;
	default: bar_access(b, len, write, in); break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bench b;
	struct fuzz_in in = { data, size };

	bus_init(&b.bus);
	pci_host_init(&b.host);
	for (unsigned i = 0; i < PCI_NR_INTX; i++)
		b.host.intx_spi[i] = LAYOUT_SPI_PCI_INTA + i;
	b.host.mmio64_base = MMIO64_BASE;
	b.host.mmio64_size = MMIO64_SIZE;
	FUZZ_CHECK(!bus_add(&b.bus, layout_base(LAYOUT_PCI_ECAM), layout_size(LAYOUT_PCI_ECAM),
			    &pci_ecam_mmio_ops, &b.host));
	FUZZ_CHECK(!bus_add(&b.bus, layout_base(LAYOUT_PCI_MMIO), layout_size(LAYOUT_PCI_MMIO),
			    &pci_mem_window_mmio_ops, &b.host));
	FUZZ_CHECK(!bus_add(&b.bus, MMIO64_BASE, MMIO64_SIZE, &pci_mem_window_mmio_ops, &b.host));
	FUZZ_CHECK(!bus_add(&b.bus, layout_base(LAYOUT_PCI_IO), layout_size(LAYOUT_PCI_IO),
			    &pci_io_window_mmio_ops, &b.host));
	for (unsigned d = 0; d < NDEV; d++) {
		memset(&b.dev[d], 0, sizeof(b.dev[d]));
		pci_dev_init(&b.dev[d].pci, &ids[d], &tdev_ops, &b.dev[d]);
	}
	dev0_setup(&b.dev[0].pci);
	dev1_setup(&b.dev[1].pci, &in);
	for (unsigned d = 0; d < NDEV; d++)
		FUZZ_CHECK(pci_host_add_dev(&b.host, &b.dev[d].pci) == (int)d);
	while (fuzz_left(&in))
		run_op(&b, &in);
	pci_host_destroy(&b.host);
	bus_destroy(&b.bus);
	return 0;
}
