// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PCI host bridge: ECAM config space on bus 0 and its device-tree node.
 *
 * Config space is bytes plus two per-byte masks (writable, write-one-to-
 * clear), so every register's behaviour is data set up once by
 * pci_dev_init()/pci_dev_set_bar()/pci_dev_add_cap(), and a guest write is
 * the same few lines whatever register it hits. BAR sizing falls out of the
 * masks: the low bits of a BAR below its size are read-only (zero, or the
 * type bits), so writing all-ones reads back ~(size - 1) | type
 * (PCI 3.0 §6.2.5.1).
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "../fdt/fdt.h"
#include "layout.h"
#include "le.h"
#include "pci.h"
#include "vm.h"

#define PCI_BAR_MEM_TYPE_64  0x4
#define PCI_BAR_MEM_PREFETCH 0x8
#define PCI_BAR_IO_SPACE     0x1
#define PCI_BAR_MEM_LOW	     0xf /* read-only type bits of a memory BAR */
#define PCI_BAR_IO_LOW	     0x3 /* I/O space indicator and a reserved bit */
#define PCI_IO_BAR_MAX	     256 /* PCI 3.0 §6.2.5.1: I/O ranges of at most 256 bytes */

/* phys.hi space codes of the PCI bus binding (IEEE 1275 PCI Bus Binding 2.1 §2.2.1.1). */
#define PCI_FDT_SPACE_IO       0x01000000
#define PCI_FDT_SPACE_MEM32    0x02000000
#define PCI_FDT_SPACE_MEM64    0x03000000
#define PCI_FDT_PREFETCHABLE   0x40000000
#define PCI_FDT_RANGE_CELLS    7  /* 3 PCI address, 2 CPU address, 2 size */
#define PCI_FDT_IMAP_MAX_CELLS 12 /* 3 + 1 child, phandle, up to 3 + 4 parent */

/* --- config space as the device sees it ------------------------------------- */

static bool pci_cfg_range_ok(unsigned off, unsigned len)
{
	return (len == 1 || len == 2 || len == 4) && off < PCI_CFG_SIZE &&
	       len <= PCI_CFG_SIZE - off;
}

uint32_t pci_dev_cfg_get(const struct pci_dev *dev, unsigned off, unsigned len)
{
	if (!pci_cfg_range_ok(off, len))
		return 0;
	return (uint32_t)le_bytes_get(&dev->cfg[off], len);
}

int pci_dev_cfg_set(struct pci_dev *dev, unsigned off, unsigned len, uint32_t val)
{
	if (!pci_cfg_range_ok(off, len))
		return -EINVAL;
	le_bytes_set(&dev->cfg[off], len, val);
	return 0;
}

/* A bit is either writable or write-one-to-clear, never both. */
int pci_dev_set_wmask(struct pci_dev *dev, unsigned off, unsigned len, uint32_t mask)
{
	if (!pci_cfg_range_ok(off, len))
		return -EINVAL;
	le_bytes_set(&dev->wmask[off], len, mask);
	le_bytes_set(&dev->w1cmask[off], len, le_bytes_get(&dev->w1cmask[off], len) & ~mask);
	return 0;
}

int pci_dev_set_w1cmask(struct pci_dev *dev, unsigned off, unsigned len, uint32_t mask)
{
	if (!pci_cfg_range_ok(off, len))
		return -EINVAL;
	le_bytes_set(&dev->w1cmask[off], len, mask);
	le_bytes_set(&dev->wmask[off], len, le_bytes_get(&dev->wmask[off], len) & ~mask);
	return 0;
}

void pci_dev_init(struct pci_dev *dev, const struct pci_dev_id *id, const struct pci_dev_ops *ops,
		  void *opaque)
{
	memset(dev, 0, sizeof(*dev));
	dev->ops = ops;
	dev->opaque = opaque;
	dev->cap_next = PCI_CAP_START;
	for (unsigned i = 0; i < PCI_NR_BARS; i++)
		dev->bars[i].mapped = PCI_BAR_UNMAPPED;
	pci_dev_cfg_set(dev, PCI_VENDOR_ID, 2, id->vendor);
	pci_dev_cfg_set(dev, PCI_DEVICE_ID, 2, id->device);
	pci_dev_cfg_set(dev, PCI_REVISION_ID, 1, id->revision);
	/* Prog-if, sub-class and base class: three bytes from 0x09 up. */
	pci_dev_cfg_set(dev, PCI_CLASS_PROG, 1, id->class_code & 0xff);
	pci_dev_cfg_set(dev, PCI_CLASS_PROG + 1, 2, (id->class_code >> 8) & 0xffff);
	pci_dev_cfg_set(dev, PCI_SUBSYS_VENDOR, 2, id->subsys_vendor);
	pci_dev_cfg_set(dev, PCI_SUBSYS_ID, 2, id->subsys);
	/* Header type 0, single function: the zero left by memset. */
	pci_dev_set_wmask(dev, PCI_COMMAND, 2,
			  PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
			      PCI_COMMAND_INTX_DISABLE);
	pci_dev_set_w1cmask(dev, PCI_STATUS, 2, PCI_STATUS_RW1C);
	/* Software's scratch registers (PCI 3.0 §6.2.4): stored, never acted on. */
	pci_dev_set_wmask(dev, PCI_CACHE_LINE, 1, 0xff);
	pci_dev_set_wmask(dev, PCI_LATENCY_TIMER, 1, 0xff);
	pci_dev_set_wmask(dev, PCI_INTERRUPT_LINE, 1, 0xff);
}

static bool pci_bar_size_ok(enum pci_bar_type type, uint64_t size, bool prefetchable)
{
	if (!size || (size & (size - 1)))
		return false;
	switch (type) {
	case PCI_BAR_MEM32: return size >= 16 && size <= (1ULL << 31);
	case PCI_BAR_MEM64: return size >= 16 && size <= (1ULL << 63);
	case PCI_BAR_IO: return !prefetchable && size >= 4 && size <= PCI_IO_BAR_MAX;
	default: return false;
	}
}

int pci_dev_set_bar(struct pci_dev *dev, unsigned bar, enum pci_bar_type type, uint64_t size,
		    bool prefetchable)
{
	unsigned off = PCI_BAR0 + 4 * bar;
	uint64_t addr_mask = ~(size - 1);
	uint32_t low;

	if (bar >= PCI_NR_BARS || (type == PCI_BAR_MEM64 && bar + 1 >= PCI_NR_BARS) ||
	    !pci_bar_size_ok(type, size, prefetchable))
		return -EINVAL;
	if (dev->host || dev->bars[bar].type != PCI_BAR_NONE ||
	    (type == PCI_BAR_MEM64 && dev->bars[bar + 1].type != PCI_BAR_NONE))
		return -EBUSY;
	dev->bars[bar] = (struct pci_bar){
		.size = size, .type = type, .prefetchable = prefetchable, .mapped = PCI_BAR_UNMAPPED
	};
	if (type == PCI_BAR_IO) {
		low = PCI_BAR_IO_SPACE;
		pci_dev_set_wmask(dev, off, 4, (uint32_t)addr_mask & ~PCI_BAR_IO_LOW);
	} else {
		low = (type == PCI_BAR_MEM64 ? PCI_BAR_MEM_TYPE_64 : 0) |
		      (prefetchable ? PCI_BAR_MEM_PREFETCH : 0);
		pci_dev_set_wmask(dev, off, 4, (uint32_t)addr_mask & ~PCI_BAR_MEM_LOW);
	}
	pci_dev_cfg_set(dev, off, 4, low);
	if (type == PCI_BAR_MEM64) {
		/* The upper half: taken, no size of its own, all address bits. */
		dev->bars[bar + 1].type = PCI_BAR_MEM64;
		pci_dev_set_wmask(dev, off + 4, 4, (uint32_t)(addr_mask >> 32));
	}
	return 0;
}

int pci_dev_set_intx_pin(struct pci_dev *dev, enum pci_intx_pin pin)
{
	if ((unsigned)pin > PCI_INTD)
		return -EINVAL;
	return pci_dev_cfg_set(dev, PCI_INTERRUPT_PIN, 1, pin);
}

int pci_dev_add_cap(struct pci_dev *dev, uint8_t cap_id, unsigned len)
{
	unsigned off = dev->cap_next;

	if (len < 2 || len > PCI_CAP_END - PCI_CAP_START)
		return -EINVAL;
	if (dev->host)
		return -EBUSY;
	if (len > PCI_CAP_END - off)
		return -ENOSPC;
	pci_dev_cfg_set(dev, off, 1, cap_id);
	pci_dev_cfg_set(dev, dev->cap_last ? dev->cap_last + 1 : PCI_CAP_PTR, 1, off);
	pci_dev_cfg_set(dev, PCI_STATUS, 2,
			pci_dev_cfg_get(dev, PCI_STATUS, 2) | PCI_STATUS_CAP_LIST);
	dev->cap_last = off;
	/* Pointers' low two bits are reserved: capabilities are DWORD-aligned (§6.7). */
	dev->cap_next = (off + len + 3) & ~3U;
	return (int)off;
}

/* The rotation pci_fdt_interrupt_map() describes. */
static unsigned pci_intx_spi(const struct pci_host *host, unsigned slot, unsigned pin)
{
	return host->intx_spi[(slot + pin - 1) % PCI_NR_INTX];
}

int pci_dev_intx_spi(const struct pci_dev *dev)
{
	unsigned pin = dev->cfg[PCI_INTERRUPT_PIN];

	if (!dev->host || pin < PCI_INTA || pin > PCI_INTD)
		return -ENODEV;
	return (int)pci_intx_spi(dev->host, dev->slot, pin);
}

uint64_t pci_dev_bar_addr(const struct pci_dev *dev, unsigned bar)
{
	return bar < PCI_NR_BARS ? dev->bars[bar].mapped : PCI_BAR_UNMAPPED;
}

/* --- config space as the guest sees it ---------------------------------------- */

/* The address BAR i holds now, whether or not it decodes. */
static uint64_t pci_bar_programmed(const struct pci_dev *dev, unsigned i)
{
	uint32_t low = pci_dev_cfg_get(dev, PCI_BAR0 + 4 * i, 4);

	switch (dev->bars[i].type) {
	case PCI_BAR_IO: return low & ~PCI_BAR_IO_LOW;
	case PCI_BAR_MEM64:
		return (low & ~PCI_BAR_MEM_LOW) |
		       (uint64_t)pci_dev_cfg_get(dev, PCI_BAR0 + 4 * (i + 1), 4) << 32;
	default: return low & ~PCI_BAR_MEM_LOW;
	}
}

/*
 * Brings every BAR's decode in line with the Command register and the BAR
 * contents, telling the device about each change (PCI 3.0 §6.2.2: a BAR
 * decodes only while its space's enable bit is set). Runs once per guest
 * access, so a multi-byte write is one move, not several.
 */
static void pci_dev_bars_sync(struct pci_dev *dev)
{
	uint16_t cmd = (uint16_t)pci_dev_cfg_get(dev, PCI_COMMAND, 2);

	for (unsigned i = 0; i < PCI_NR_BARS; i++) {
		struct pci_bar *bar = &dev->bars[i];
		uint16_t enable = bar->type == PCI_BAR_IO ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
		uint64_t want, old;

		if (!bar->size)
			continue;
		want = (cmd & enable) ? pci_bar_programmed(dev, i) : PCI_BAR_UNMAPPED;
		if (want == bar->mapped)
			continue;
		old = bar->mapped;
		/*
		 * Updated first, so the op sees the new state through
		 * pci_dev_bar_addr(); under the decode lock, so no window
		 * access is inside the BAR while it moves.
		 */
		if (dev->host)
			pthread_rwlock_wrlock(&dev->host->decode_lock);
		bar->mapped = want;
		if (dev->host)
			pthread_rwlock_unlock(&dev->host->decode_lock);
		if (dev->ops && dev->ops->bar_remap)
			dev->ops->bar_remap(dev, i, old, want);
	}
}

static void pci_dev_guest_write(struct pci_dev *dev, unsigned off, unsigned len, uint32_t val)
{
	for (unsigned i = 0; i < len; i++, val >>= 8) {
		uint8_t b = (uint8_t)val, w = dev->wmask[off + i];
		uint8_t *c = &dev->cfg[off + i];

		*c = (uint8_t)((*c & ~w) | (b & w));
		*c &= (uint8_t) ~(b & dev->w1cmask[off + i]);
	}
}

static uint32_t pci_dev_guest_read(struct pci_dev *dev, unsigned off, unsigned len)
{
	uint32_t val = (uint32_t)le_bytes_get(&dev->cfg[off], len);

	if (dev->ops && dev->ops->cfg_read)
		dev->ops->cfg_read(dev, off, len, &val);
	return val;
}

/* --- ECAM ------------------------------------------------------------------------ */

/*
 * The device an ECAM access of len bytes at off reaches, or NULL: other
 * buses and functions are absent, and so is an access that would run into
 * the next function's space. Host lock held.
 */
static struct pci_dev *pci_host_find(struct pci_host *host, uint64_t off, unsigned len)
{
	unsigned reg = off & (PCI_CFG_SIZE - 1);

	if (off >= PCI_ECAM_BUS_SIZE || (off >> 12) & 7)
		return NULL;
	if (len > PCI_CFG_SIZE - reg)
		return NULL;
	return host->devs[off >> 15];
}

static bool pci_ecam_len_ok(unsigned len)
{
	return len == 1 || len == 2 || len == 4 || len == 8;
}

static void pci_ecam_read(struct mmio_region *r, uint64_t off, unsigned len, uint64_t *val)
{
	struct pci_host *host = r->opaque;
	unsigned reg = off & (PCI_CFG_SIZE - 1);
	struct pci_dev *dev;

	__atomic_fetch_add(&host->cfg_reads, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&host->lock);
	dev = pci_ecam_len_ok(len) ? pci_host_find(host, off, len) : NULL;
	if (!dev) {
		/* A master abort: all-ones of the access's width (PCI 3.0 §6.1). */
		*val = len >= 8 ? UINT64_MAX : (1ULL << (8 * len)) - 1;
		host->cfg_absent++;
	} else if (len == 8) {
		*val = pci_dev_guest_read(dev, reg, 4) |
		       (uint64_t)pci_dev_guest_read(dev, reg + 4, 4) << 32;
	} else {
		*val = pci_dev_guest_read(dev, reg, len);
	}
	pthread_mutex_unlock(&host->lock);
}

static void pci_ecam_write(struct mmio_region *r, uint64_t off, unsigned len, uint64_t val)
{
	struct pci_host *host = r->opaque;
	unsigned reg = off & (PCI_CFG_SIZE - 1), step = len < 4 ? len : 4;
	struct pci_dev *dev;

	__atomic_fetch_add(&host->cfg_writes, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&host->lock);
	dev = pci_ecam_len_ok(len) ? pci_host_find(host, off, len) : NULL;
	if (!dev) {
		host->cfg_absent++;
		goto out;
	}
	/* All bytes first, then BAR decode once, then the device's hook per DWORD. */
	for (unsigned i = 0; i < len; i += step)
		pci_dev_guest_write(dev, reg + i, step, (uint32_t)(val >> (8 * i)));
	pci_dev_bars_sync(dev);
	for (unsigned i = 0; dev->ops && dev->ops->cfg_write && i < len; i += step)
		dev->ops->cfg_write(dev, reg + i, step, (uint32_t)(val >> (8 * i)));
out:
	pthread_mutex_unlock(&host->lock);
}

static int pci_ecam_fdt_node(const struct mmio_region *r, const struct fdt_ctx *ctx)
{
	return pci_host_fdt_node(r->opaque, ctx);
}

const struct mmio_ops pci_ecam_mmio_ops = {
	.name = "pci-ecam",
	.read = pci_ecam_read,
	.write = pci_ecam_write,
	.fdt_node = pci_ecam_fdt_node,
};

/* --- the windows ----------------------------------------------------------------- */

/*
 * The BAR of the given space that decodes all of [addr, addr + len), with
 * its device in *devp, or -1. Decode lock read-held.
 */
static int pci_window_find(struct pci_host *host, bool io, uint64_t addr, unsigned len,
			   struct pci_dev **devp)
{
	for (unsigned slot = 0; slot < PCI_MAX_SLOTS; slot++) {
		struct pci_dev *dev = host->devs[slot];

		for (unsigned i = 0; dev && i < PCI_NR_BARS; i++) {
			const struct pci_bar *bar = &dev->bars[i];

			if (!bar->size || bar->mapped == PCI_BAR_UNMAPPED ||
			    (bar->type == PCI_BAR_IO) != io)
				continue;
			/* Written to avoid overflow: mapped + size may wrap for a hostile BAR. */
			if (addr < bar->mapped || addr - bar->mapped >= bar->size ||
			    len > bar->size - (addr - bar->mapped))
				continue;
			*devp = dev;
			return (int)i;
		}
	}
	return -1;
}

static void pci_window_read(struct pci_host *host, bool io, uint64_t addr, unsigned len,
			    uint64_t *val)
{
	struct pci_dev *dev = NULL;
	int bar;

	__atomic_fetch_add(&host->bar_accesses, 1, __ATOMIC_RELAXED);
	*val = len >= 8 ? UINT64_MAX : (1ULL << (8 * len)) - 1;
	pthread_rwlock_rdlock(&host->decode_lock);
	bar = pci_window_find(host, io, addr, len, &dev);
	if (bar >= 0 && dev->ops && dev->ops->bar_read)
		dev->ops->bar_read(dev, (unsigned)bar, addr - dev->bars[bar].mapped, len, val);
	else if (bar < 0)
		__atomic_fetch_add(&host->bar_absent, 1, __ATOMIC_RELAXED);
	pthread_rwlock_unlock(&host->decode_lock);
}

static void pci_window_write(struct pci_host *host, bool io, uint64_t addr, unsigned len,
			     uint64_t val)
{
	struct pci_dev *dev = NULL;
	int bar;

	__atomic_fetch_add(&host->bar_accesses, 1, __ATOMIC_RELAXED);
	pthread_rwlock_rdlock(&host->decode_lock);
	bar = pci_window_find(host, io, addr, len, &dev);
	if (bar >= 0 && dev->ops && dev->ops->bar_write)
		dev->ops->bar_write(dev, (unsigned)bar, addr - dev->bars[bar].mapped, len, val);
	else if (bar < 0)
		__atomic_fetch_add(&host->bar_absent, 1, __ATOMIC_RELAXED);
	pthread_rwlock_unlock(&host->decode_lock);
}

static void pci_mem_window_read(struct mmio_region *r, uint64_t off, unsigned len, uint64_t *val)
{
	pci_window_read(r->opaque, false, r->base + off, len, val);
}

static void pci_mem_window_write(struct mmio_region *r, uint64_t off, unsigned len, uint64_t val)
{
	pci_window_write(r->opaque, false, r->base + off, len, val);
}

/* I/O space: port numbers start at 0 at the window's base. */
static void pci_io_window_read(struct mmio_region *r, uint64_t off, unsigned len, uint64_t *val)
{
	pci_window_read(r->opaque, true, off, len, val);
}

static void pci_io_window_write(struct mmio_region *r, uint64_t off, unsigned len, uint64_t val)
{
	pci_window_write(r->opaque, true, off, len, val);
}

const struct mmio_ops pci_mem_window_mmio_ops = {
	.name = "pci-mmio",
	.read = pci_mem_window_read,
	.write = pci_mem_window_write,
};

const struct mmio_ops pci_io_window_mmio_ops = {
	.name = "pci-io",
	.read = pci_io_window_read,
	.write = pci_io_window_write,
};

/* --- the host ------------------------------------------------------------------- */

void pci_host_init(struct pci_host *host)
{
	memset(host, 0, sizeof(*host));
	pthread_mutex_init(&host->lock, NULL);
	pthread_rwlock_init(&host->decode_lock, NULL);
}

void pci_host_destroy(struct pci_host *host)
{
	pthread_rwlock_destroy(&host->decode_lock);
	pthread_mutex_destroy(&host->lock);
}

int pci_host_add_dev(struct pci_host *host, struct pci_dev *dev)
{
	int ret = -ENOSPC;

	pthread_mutex_lock(&host->lock);
	if (dev->host) {
		ret = -EBUSY;
		goto out;
	}
	for (unsigned slot = 0; slot < PCI_MAX_SLOTS; slot++) {
		if (host->devs[slot])
			continue;
		host->devs[slot] = dev;
		dev->host = host;
		dev->slot = slot;
		/* From here on the guest owns config space: this is its power-on state. */
		memcpy(dev->cfg_reset, dev->cfg, PCI_CFG_SIZE);
		ret = (int)slot;
		break;
	}
out:
	pthread_mutex_unlock(&host->lock);
	return ret;
}

void pci_host_reset(struct pci_host *host)
{
	pthread_mutex_lock(&host->lock);
	for (unsigned slot = 0; slot < PCI_MAX_SLOTS; slot++) {
		struct pci_dev *dev = host->devs[slot];

		if (!dev)
			continue;
		memcpy(dev->cfg, dev->cfg_reset, PCI_CFG_SIZE);
		/* Decode first, so the reset op finds its doorbells gone. */
		pci_dev_bars_sync(dev);
		if (dev->ops && dev->ops->reset)
			dev->ops->reset(dev);
	}
	pthread_mutex_unlock(&host->lock);
}

/* --- the device-tree node ------------------------------------------------------- */

/* A 64-bit number as the two cells the bindings use (high first). */
static void pci_fdt_u64(fdt32_t *c, uint64_t v)
{
	c[0] = cpu_to_fdt32((uint32_t)(v >> 32));
	c[1] = cpu_to_fdt32((uint32_t)v);
}

static unsigned pci_fdt_range(fdt32_t *c, uint32_t space, uint64_t pci, uint64_t cpu, uint64_t size)
{
	c[0] = cpu_to_fdt32(space);
	pci_fdt_u64(&c[1], pci);
	pci_fdt_u64(&c[3], cpu);
	pci_fdt_u64(&c[5], size);
	return PCI_FDT_RANGE_CELLS;
}

/*
 * I/O space starts at port 0 at the bottom of LAYOUT_PCI_IO; memory windows
 * are identity-mapped, so a memory BAR's value is its CPU address.
 */
static int pci_fdt_ranges(const struct pci_host *host, void *fdt, int node)
{
	fdt32_t cells[3 * PCI_FDT_RANGE_CELLS];
	unsigned n = 0;

	n += pci_fdt_range(&cells[n], PCI_FDT_SPACE_IO, 0, layout_base(LAYOUT_PCI_IO),
			   layout_size(LAYOUT_PCI_IO));
	n += pci_fdt_range(&cells[n], PCI_FDT_SPACE_MEM32, layout_base(LAYOUT_PCI_MMIO),
			   layout_base(LAYOUT_PCI_MMIO), layout_size(LAYOUT_PCI_MMIO));
	if (host->mmio64_size)
		n += pci_fdt_range(&cells[n], PCI_FDT_SPACE_MEM64 | PCI_FDT_PREFETCHABLE,
				   host->mmio64_base, host->mmio64_base, host->mmio64_size);
	return fdt_errno(fdt_setprop(fdt, node, "ranges", cells, n * sizeof(cells[0])));
}

/*
 * #address-cells of the interrupt controller: interrupt-map's parent unit
 * address has that many cells (Devicetree Spec 0.4 §2.4.3.1); a node
 * without the property has none, as Linux's of_irq_parse_raw() assumes.
 */
static int pci_fdt_intc_addr_cells(const struct fdt_ctx *ctx, uint32_t phandle)
{
	int intc = fdt_node_offset_by_phandle(ctx->fdt, phandle);
	const fdt32_t *p;
	int len;

	if (intc < 0)
		return -ENOENT;
	p = fdt_getprop(ctx->fdt, intc, "#address-cells", &len);
	if (!p)
		return 0;
	if (len != sizeof(*p) || fdt32_to_cpu(*p) > 3)
		return -EINVAL;
	return (int)fdt32_to_cpu(*p);
}

/*
 * One entry per populated slot and pin. Bus 0 sits right on the host
 * bridge, but we rotate pins by slot as the PCI-to-PCI Bridge Architecture
 * Spec 1.2 §9.1 (Table 9-1) does behind a bridge, so that INTA of
 * neighbouring slots (most devices use only INTA) lands on different SPIs.
 * INTx is level-sensitive (PCI 3.0 §2.2.6).
 */
static int pci_fdt_interrupt_map(const struct pci_host *host, const struct fdt_ctx *ctx, int node)
{
	static const uint32_t mask[] = { 0xf800, 0, 0, 7 }; /* device number and pin */
	fdt32_t mask_cells[4], c[PCI_FDT_IMAP_MAX_CELLS];
	/* The controller the irqchip's SPI specifiers belong to (irqchip.h). */
	uint32_t parent_phandle = ctx->vm->irqchip->spi_phandle ?: ctx->intc_phandle;
	int addr_cells = pci_fdt_intc_addr_cells(ctx, parent_phandle), ret = 0;
	bool any = false;

	if (addr_cells < 0)
		return addr_cells;
	for (unsigned slot = 0; slot < PCI_MAX_SLOTS; slot++) {
		for (unsigned pin = PCI_INTA; host->devs[slot] && pin <= PCI_INTD && !ret; pin++) {
			uint32_t parent[4];
			unsigned spi = pci_intx_spi(host, slot, pin);
			unsigned k = 0, np = ctx->vm->irqchip->fdt_spi_cells(spi, true, parent);

			c[k++] = cpu_to_fdt32(slot << 11); /* phys.hi: bus 0, function 0 */
			c[k++] = 0;
			c[k++] = 0;
			c[k++] = cpu_to_fdt32(pin);
			c[k++] = cpu_to_fdt32(parent_phandle);
			for (int i = 0; i < addr_cells; i++)
				c[k++] = 0;
			for (unsigned i = 0; i < np; i++)
				c[k++] = cpu_to_fdt32(parent[i]);
			ret = fdt_errno(
			    fdt_appendprop(ctx->fdt, node, "interrupt-map", c, k * sizeof(c[0])));
			any = true;
		}
	}
	if (ret || !any)
		return ret;
	for (unsigned i = 0; i < 4; i++)
		mask_cells[i] = cpu_to_fdt32(mask[i]);
	return fdt_errno(
	    fdt_setprop(ctx->fdt, node, "interrupt-map-mask", mask_cells, sizeof(mask_cells)));
}

/*
 * reg covers bus 0 only (1 MiB), matching bus-range <0 0>: the binding ties
 * reg's base to the first bus of bus-range, and Linux maps the whole of
 * reg, so describing all 256 MiB would cost the guest 255 MiB of address
 * space for buses that do not exist.
 */
int pci_host_fdt_node(const struct pci_host *host, const struct fdt_ctx *ctx)
{
	const uint64_t reg[] = { layout_base(LAYOUT_PCI_ECAM), PCI_ECAM_BUS_SIZE };
	const fdt32_t bus_range[] = { cpu_to_fdt32(0), cpu_to_fdt32(0) };
	void *fdt = ctx->fdt;
	char name[32];
	int node, ret;

	snprintf(name, sizeof(name), "pcie@%llx", (unsigned long long)reg[0]);
	node = fdt_add_subnode(fdt, 0, name);
	if (node < 0)
		return fdt_errno(node);
	ret = fdt_setprop_string(fdt, node, "compatible", "pci-host-ecam-generic");
	ret = ret ?: fdt_setprop_string(fdt, node, "device_type", "pci");
	ret = ret ?: fdt_setprop_u32(fdt, node, "#address-cells", 3);
	ret = ret ?: fdt_setprop_u32(fdt, node, "#size-cells", 2);
	ret = ret ?: fdt_setprop_u32(fdt, node, "#interrupt-cells", 1);
	ret = ret ?: fdt_setprop(fdt, node, "bus-range", bus_range, sizeof(bus_range));
	ret = ret ?: fdt_setprop(fdt, node, "dma-coherent", NULL, 0);
	if (!ret && host->msi_parent_phandle && host->msi_devid) {
		/*
		 * Bus 0's 64 Ki requester IDs map 1:1 onto device IDs
		 * (Documentation/devicetree/bindings/pci/pci-msi.txt):
		 * msi-parent would leave the ITS's one cell unfilled.
		 */
		const fdt32_t map[] = { cpu_to_fdt32(0), cpu_to_fdt32(host->msi_parent_phandle),
					cpu_to_fdt32(0), cpu_to_fdt32(0x10000) };

		ret = fdt_setprop(fdt, node, "msi-map", map, sizeof(map));
	} else if (!ret && host->msi_parent_phandle) {
		ret = fdt_setprop_u32(fdt, node, "msi-parent", host->msi_parent_phandle);
	}
	ret = fdt_errno(ret);
	ret = ret ?: fdt_set_reg(fdt, node, reg, 1);
	ret = ret ?: pci_fdt_ranges(host, fdt, node);
	ret = ret ?: pci_fdt_interrupt_map(host, ctx, node);
	return ret;
}
