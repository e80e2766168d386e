// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the virtio PCI transport (virtio/pci.c, pci_common.c,
 * pci_irq.c) behind the real PCI host bridge (vmm/pci.c), driven through a
 * struct mmio_bus with the ECAM and memory-window regions as a vCPU's MMIO
 * exits would: config space, BAR programming, common configuration, the
 * pci_cfg window, MSI-X table and PBA, ISR, notifications. Behind the
 * transport sit a fake device (it records its lifecycle, and on request
 * pops and pushes one chain from a device "thread") and a fake fastpath
 * whose ops succeed or fail (-ENOSYS, or a real error) as the input says.
 *
 * Input: u8 fastpath choices (2 bits each: doorbell_add, msi_bind,
 * intx_bind; bit 6 maps BAR 0 first, bit 7 gives the device a config_write
 * op), u8 device shape (bits 0-1 queues - 1, bits 2-4 log2 size_max), u8
 * config size (mod 65), then operations until the input ends:
 *   u8 op: bits 0-1 width (1, 2, 4, 8), bit 2 write, bits 3-5 target:
 *     0, 6  ECAM, this function's 4 KiB: u16 register
 *     1, 7  BAR 0 where it decodes now (else where the prelude puts it): u16 offset
 *     2     ECAM anywhere: u32 offset
 *     3     the memory window anywhere: u32 offset
 *     4     a device-side event: u8 (see dev_event())
 *     5     the guest writes RAM: u16 offset, u8 value
 *   then, for writes to targets 0-3, width bytes of value.
 */
#include <errno.h>
#include <string.h>

#include "../../virtio/pci.h"
#include "../../vmm/layout.h"
#include "../../vmm/log.h"
#include "fuzz_input.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE 0x10000ULL
#define BAR_ADDR (layout_base(LAYOUT_PCI_MMIO) + 0x100000)
#define MAX_Q	 4
#define MAX_DB	 16

static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));
static struct guest_mem mem = { .gpa = RAM_BASE, .size = RAM_SIZE, .hva = ram };

/* --- a fastpath that answers as the input says, and checks it is used consistently --- */

struct ffp {
	int db_ret, msi_ret, intx_ret;
	struct {
		uint64_t gpa;
		int fd;
	} db[MAX_DB];
	unsigned nr_db;
	bool intx_bound;
	int intx_fd;
	void (*resample)(void *opaque);
	void *opaque;
};

static int ffp_doorbell_add(void *ctx, uint64_t gpa, int fd)
{
	struct ffp *f = ctx;

	FUZZ_CHECK(fd >= 0);
	if (f->db_ret)
		return f->db_ret;
	for (unsigned i = 0; i < f->nr_db; i++)
		if (f->db[i].gpa == gpa)
			return -EEXIST; /* as KVM_IOEVENTFD says for an address taken */
	FUZZ_CHECK(f->nr_db < MAX_DB);
	f->db[f->nr_db].gpa = gpa;
	f->db[f->nr_db++].fd = fd;
	return 0;
}

/* The transport may only remove what it added. */
static int ffp_doorbell_del(void *ctx, uint64_t gpa, int fd)
{
	struct ffp *f = ctx;

	for (unsigned i = 0; i < f->nr_db; i++) {
		if (f->db[i].gpa != gpa || f->db[i].fd != fd)
			continue;
		f->db[i] = f->db[--f->nr_db];
		return 0;
	}
	FUZZ_CHECK(!"doorbell_del of a doorbell never added");
	return -ENOENT;
}

static int ffp_msi_bind(void *ctx, int fd, const struct msi_msg *msg)
{
	struct ffp *f = ctx;

	FUZZ_CHECK(fd >= 0 && msg);
	return f->msi_ret;
}

static void ffp_msi_unbind(void *ctx, int fd)
{
	(void)ctx;
	FUZZ_CHECK(fd >= 0);
}

static int ffp_intx_bind(void *ctx, unsigned spi, int fd, void (*resample)(void *opaque),
			 void *opaque)
{
	struct ffp *f = ctx;

	FUZZ_CHECK(spi >= LAYOUT_SPI_PCI_INTA && spi <= LAYOUT_SPI_PCI_INTD && fd >= 0);
	if (f->intx_ret)
		return f->intx_ret;
	f->intx_bound = true;
	f->intx_fd = fd;
	f->resample = resample;
	f->opaque = opaque;
	return 0;
}

static void ffp_intx_unbind(void *ctx, int fd)
{
	struct ffp *f = ctx;

	FUZZ_CHECK(f->intx_bound && fd == f->intx_fd);
	f->intx_bound = false;
}

static int ffp_msi_send(void *ctx, const struct msi_msg *msg)
{
	(void)ctx;
	FUZZ_CHECK(msg);
	return 0;
}

static int ffp_spi_set(void *ctx, unsigned spi, bool level)
{
	(void)ctx, (void)level;
	FUZZ_CHECK(spi >= LAYOUT_SPI_PCI_INTA && spi <= LAYOUT_SPI_PCI_INTD);
	return 0;
}

static const struct fastpath_ops ffp_ops = {
	.doorbell_add = ffp_doorbell_add,
	.doorbell_del = ffp_doorbell_del,
	.msi_bind = ffp_msi_bind,
	.msi_unbind = ffp_msi_unbind,
	.intx_bind = ffp_intx_bind,
	.intx_unbind = ffp_intx_unbind,
	.msi_send = ffp_msi_send,
	.spi_set = ffp_spi_set,
};

/* --- a device that records, and checks what the transport promises it ---------------- */

struct fdev {
	struct virtio_dev dev;
	uint8_t config[64];
	bool active;
	struct virtq_chain chain;
};

static void fdev_config_write(struct virtio_dev *dev, unsigned off, unsigned len, uint32_t val)
{
	(void)val;
	FUZZ_CHECK(len == 1 || len == 2 || len == 4);
	FUZZ_CHECK(off < dev->config_size && len <= dev->config_size - off);
}

/* virtio.h: at DRIVER_OK every enabled queue's ring is set up, within the device's size_max. */
static int fdev_activate(struct virtio_dev *dev)
{
	struct fdev *d = dev->priv;

	FUZZ_CHECK(!d->active);
	FUZZ_CHECK(dev->features & VIRTIO_BIT(VIRTIO_F_VERSION_1));
	for (unsigned i = 0; i < dev->nr_queues; i++) {
		const struct virtio_queue *q = &dev->queues[i];

		if (!q->enabled)
			continue;
		FUZZ_CHECK(!q->vq.broken && q->vq.mem == &mem);
		FUZZ_CHECK(q->vq.num >= 1 && q->vq.num <= q->size_max);
	}
	d->active = true;
	return 0;
}

static void fdev_reset(struct virtio_dev *dev)
{
	struct fdev *d = dev->priv;

	FUZZ_CHECK(d->active); /* virtio.h: only after a successful activate() */
	d->active = false;
}

static const struct virtio_dev_ops fdev_ops = {
	.activate = fdev_activate,
	.reset = fdev_reset,
};

static const struct virtio_dev_ops fdev_ops_cfgw = {
	.config_write = fdev_config_write,
	.activate = fdev_activate,
	.reset = fdev_reset,
};

/* --- the bench ------------------------------------------------------------------------ */

struct bench {
	struct mmio_bus bus;
	struct pci_host host;
	struct ffp ffp;
	struct fdev fdev;
	struct virtio_pci vp;
};

static int fp_ret(unsigned sel)
{
	static const int rets[4] = { 0, -ENOSYS, -EINVAL, 0 };

	return rets[sel & 3];
}

/* What a device thread does: the transport ops are lock-free and callable from anywhere. */
static void dev_event(struct bench *b, uint8_t ev)
{
	struct virtio_dev *dev = &b->fdev.dev;
	unsigned q = (ev >> 3) % dev->nr_queues;

	switch (ev & 7) {
	case 0: {
		/* Serve one request: pop, push, interrupt as the ring asks. */
		struct virtq *vq = &dev->queues[q].vq;
		uint16_t old = vq->used_idx;
		int ret;

		if (!b->fdev.active || !dev->queues[q].enabled)
			break;
		ret = virtq_pop(vq, &b->fdev.chain);
		if (ret > 0)
			virtq_push(vq, b->fdev.chain.head, 0);
		else if (ret < 0)
			virtio_dev_needs_reset(dev);
		virtio_queue_interrupt(dev, q, old);
		break;
	}
	case 1: dev->transport_ops->notify_queue(dev, q); break;
	case 2: virtio_dev_notify_config(dev); break;
	case 3: virtio_dev_needs_reset(dev); break;
	case 4:
		if (b->ffp.intx_bound)
			b->ffp.resample(b->ffp.opaque);
		break;
	default: virtio_queue_kick_read(dev, q); break;
	}
}

static void bus_access(struct bench *b, uint64_t addr, unsigned len, bool write, struct fuzz_in *in)
{
	uint64_t val;

	if (write)
		bus_write(&b->bus, addr, len, fuzz_le(in, len));
	else
		bus_read(&b->bus, addr, len, &val);
}

static void run_op(struct bench *b, struct fuzz_in *in)
{
	uint8_t op = fuzz_u8(in);
	unsigned len = 1u << (op & 3);
	bool write = op & 4;
	uint64_t ecam = layout_base(LAYOUT_PCI_ECAM), bar;

	switch ((op >> 3) & 7) {
	case 0:
	case 6:
		bus_access(
		    b, ecam + PCI_ECAM_OFFSET(0, b->vp.pci.slot, 0, fuzz_u16(in) % PCI_CFG_SIZE),
		    len, write, in);
		break;
	case 1:
	case 7:
		bar = pci_dev_bar_addr(&b->vp.pci, VIRTIO_PCI_BAR);
		if (bar == PCI_BAR_UNMAPPED)
			bar = BAR_ADDR;
		bus_access(b, bar + fuzz_u16(in) % VIRTIO_PCI_BAR_SIZE, len, write, in);
		break;
	case 2:
		bus_access(b, ecam + fuzz_u32(in) % layout_size(LAYOUT_PCI_ECAM), len, write, in);
		break;
	case 3:
		bus_access(
		    b, layout_base(LAYOUT_PCI_MMIO) + fuzz_u32(in) % layout_size(LAYOUT_PCI_MMIO),
		    len, write, in);
		break;
	case 4: dev_event(b, fuzz_u8(in)); break;
	default: fuzz_poke(in, ram, RAM_SIZE); break;
	}
}

static void fdev_init(struct fdev *d, uint8_t shape, uint8_t cfg_size, bool cfgw)
{
	memset(d, 0, sizeof(*d));
	d->dev.ops = cfgw ? &fdev_ops_cfgw : &fdev_ops;
	d->dev.priv = d;
	d->dev.name = "virtio-fuzz0";
	d->dev.device_id = VIRTIO_ID_BLOCK;
	d->dev.host_features = VIRTIO_BIT(0) | VIRTIO_BIT(5);
	d->dev.mem = &mem;
	for (unsigned i = 0; i < sizeof(d->config); i++)
		d->config[i] = (uint8_t)(0xa0 + i);
	d->dev.config = d->config;
	d->dev.config_size = cfg_size % (sizeof(d->config) + 1);
	d->dev.nr_queues = 1 + (shape & 3);
	for (unsigned i = 0; i < d->dev.nr_queues; i++)
		d->dev.queues[i].size_max = 1u << ((shape >> 2) & 7);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	log_set_level(LOG_ERROR); /* the transport warns about every refused binding */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bench b;
	struct fuzz_in in = { data, size };
	uint8_t fp = fuzz_u8(&in), shape = fuzz_u8(&in), cfg_size = fuzz_u8(&in);
	struct fastpath fast = { .ops = &ffp_ops, .ctx = &b.ffp };
	char err[256];

	memset(ram, 0, sizeof(ram));
	memset(&b.ffp, 0, sizeof(b.ffp));
	b.ffp.db_ret = fp_ret(fp);
	b.ffp.msi_ret = fp_ret(fp >> 2);
	b.ffp.intx_ret = fp_ret(fp >> 4);
	b.ffp.intx_fd = -1;
	fdev_init(&b.fdev, shape, cfg_size, fp & 0x80);
	bus_init(&b.bus);
	pci_host_init(&b.host);
	for (unsigned i = 0; i < PCI_NR_INTX; i++)
		b.host.intx_spi[i] = LAYOUT_SPI_PCI_INTA + i;
	FUZZ_CHECK(!bus_add(&b.bus, layout_base(LAYOUT_PCI_ECAM), layout_size(LAYOUT_PCI_ECAM),
			    &pci_ecam_mmio_ops, &b.host));
	FUZZ_CHECK(!bus_add(&b.bus, layout_base(LAYOUT_PCI_MMIO), layout_size(LAYOUT_PCI_MMIO),
			    &pci_mem_window_mmio_ops, &b.host));
	FUZZ_CHECK(!virtio_pci_init(&b.vp, &b.fdev.dev, &fast, err, sizeof(err)));
	FUZZ_CHECK(virtio_pci_add(&b.vp, &b.host) == 0);
	if (fp & 0x40) {
		/* What firmware would do: BAR 0 placed, memory decode and bus mastering on. */
		uint64_t ecam =
		    layout_base(LAYOUT_PCI_ECAM) + PCI_ECAM_OFFSET(0, b.vp.pci.slot, 0, 0);

		bus_write(&b.bus, ecam + PCI_BAR0, 4, (uint32_t)BAR_ADDR);
		bus_write(&b.bus, ecam + PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	}
	while (fuzz_left(&in))
		run_op(&b, &in);
	virtio_pci_destroy(&b.vp);
	FUZZ_CHECK(!b.fdev.active);
	FUZZ_CHECK(b.ffp.nr_db == 0 && !b.ffp.intx_bound);
	pci_host_destroy(&b.host);
	bus_destroy(&b.bus);
	return 0;
}
