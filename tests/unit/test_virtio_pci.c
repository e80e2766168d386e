// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtio PCI transport on plain memory, driven the way a guest drives
 * it: config space through ECAM and BAR 0 through the PCI memory window,
 * both on a struct mmio_bus. Behind it sit a fake device that records its
 * lifecycle and a fake fastpath that records doorbells and interrupt
 * bindings, and can answer -ENOSYS to push the transport onto its slow
 * paths.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../../virtio/pci.h"
#include "../../vmm/layout.h"
#include "guest_ring.h"
#include "suites.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (1ULL << 20)

/* Where the tests' "firmware" puts BAR 0 (32 KiB-aligned, inside the 32-bit window). */
#define BAR_ADDR  (layout_base(LAYOUT_PCI_MMIO) + 0x100000)
#define BAR_ADDR2 (layout_base(LAYOUT_PCI_MMIO) + 0x200000)

#define NQ	      2
#define QMAX	      16
#define DEV_FEATURES  (VIRTIO_BIT(0) | VIRTIO_BIT(5))
#define F_V1	      VIRTIO_BIT(VIRTIO_F_VERSION_1)
#define CONFIG_SIZE   8
#define SLOT	      2 /* two placeholder devices go first, so devid is not 0 */
#define INTA_SPI_BASE 5

/* Queue q's rings. */
#define DESC(q)	 (RAM_BASE + (q)*0x10000ULL)
#define AVAIL(q) (DESC(q) + 0x1000)
#define USED(q)	 (DESC(q) + 0x2000)

#define MAX_REC 64

/* --- a fastpath that records ----------------------------------------------------- */

struct ffp {
	bool no_doorbell, no_msi, no_intx;
	struct {
		uint64_t gpa;
		int fd;
	} db[MAX_REC]; /* live doorbells */
	unsigned nr_db, nr_db_add, nr_db_del;
	struct {
		int fd;
		struct msi_msg msg;
	} bind[MAX_REC];
	unsigned nr_bind;
	int unbind[MAX_REC];
	unsigned nr_unbind;
	struct msi_msg sent[MAX_REC];
	unsigned nr_sent;
	unsigned intx_spi, nr_intx_bind, nr_intx_unbind;
	int intx_fd;
	void (*resample)(void *opaque);
	void *opaque;
	struct {
		unsigned spi;
		bool level;
	} spi[MAX_REC];
	unsigned nr_spi;
	bool level;	      /* the line as the last spi_set() left it */
	unsigned in_spi_set;  /* callers inside spi_set() right now */
	bool spi_set_overlap; /* two were: the transport let them race */
	bool slow_spi_set;
};

static int ffp_doorbell_add(void *ctx, uint64_t gpa, int fd)
{
	struct ffp *f = ctx;

	if (f->no_doorbell)
		return -ENOSYS;
	for (unsigned i = 0; i < f->nr_db; i++)
		if (f->db[i].gpa == gpa)
			return -EEXIST;
	ck_assert_uint_lt(f->nr_db, MAX_REC);
	f->db[f->nr_db].gpa = gpa;
	f->db[f->nr_db++].fd = fd;
	f->nr_db_add++;
	return 0;
}

static int ffp_doorbell_del(void *ctx, uint64_t gpa, int fd)
{
	struct ffp *f = ctx;

	for (unsigned i = 0; i < f->nr_db; i++) {
		if (f->db[i].gpa != gpa || f->db[i].fd != fd)
			continue;
		f->db[i] = f->db[--f->nr_db];
		f->nr_db_del++;
		return 0;
	}
	ck_abort_msg("doorbell_del of unknown 0x%llx", (unsigned long long)gpa);
	return -ENOENT;
}

static int ffp_msi_bind(void *ctx, int fd, const struct msi_msg *msg)
{
	struct ffp *f = ctx;

	if (f->no_msi)
		return -ENOSYS;
	if (f->nr_bind < MAX_REC) {
		f->bind[f->nr_bind].fd = fd;
		f->bind[f->nr_bind].msg = *msg;
	}
	f->nr_bind++;
	return 0;
}

static void ffp_msi_unbind(void *ctx, int fd)
{
	struct ffp *f = ctx;

	if (f->nr_unbind < MAX_REC)
		f->unbind[f->nr_unbind] = fd;
	f->nr_unbind++;
}

static int ffp_intx_bind(void *ctx, unsigned spi, int fd, void (*resample)(void *opaque),
			 void *opaque)
{
	struct ffp *f = ctx;

	if (f->no_intx)
		return -ENOSYS;
	f->intx_spi = spi;
	f->intx_fd = fd;
	f->resample = resample;
	f->opaque = opaque;
	f->nr_intx_bind++;
	return 0;
}

static void ffp_intx_unbind(void *ctx, int fd)
{
	struct ffp *f = ctx;

	ck_assert_int_eq(fd, f->intx_fd);
	f->nr_intx_unbind++;
}

/* Called from device threads too: the slot is taken atomically. */
static int ffp_msi_send(void *ctx, const struct msi_msg *msg)
{
	struct ffp *f = ctx;
	unsigned i = __atomic_fetch_add(&f->nr_sent, 1, __ATOMIC_RELAXED);

	if (i < MAX_REC)
		f->sent[i] = *msg;
	return 0;
}

/* The transport must never have two spi_set() calls in flight: they could land out of order. */
static int ffp_spi_set(void *ctx, unsigned spi, bool level)
{
	struct ffp *f = ctx;

	if (__atomic_add_fetch(&f->in_spi_set, 1, __ATOMIC_SEQ_CST) != 1)
		f->spi_set_overlap = true;
	if (f->nr_spi < MAX_REC) {
		f->spi[f->nr_spi].spi = spi;
		f->spi[f->nr_spi].level = level;
	}
	f->nr_spi++;
	f->level = level;
	if (f->slow_spi_set) /* widen the window a racing caller would need */
		sched_yield();
	__atomic_sub_fetch(&f->in_spi_set, 1, __ATOMIC_SEQ_CST);
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

/* --- a device that records ------------------------------------------------------- */

struct fdev {
	struct virtio_dev dev;
	uint8_t config[CONFIG_SIZE];
	unsigned activates, resets, destroys;
	int activate_ret;
	bool refuse_features;
	unsigned cfg_writes, w_off, w_len;
	uint32_t w_val;
	struct virtq vq[NQ]; /* as activate() saw them */
	bool enabled[NQ];
};

static bool fdev_features_ok(struct virtio_dev *dev, uint64_t features)
{
	struct fdev *d = dev->priv;

	(void)features;
	return !d->refuse_features;
}

static void fdev_config_write(struct virtio_dev *dev, unsigned off, unsigned len, uint32_t val)
{
	struct fdev *d = dev->priv;

	ck_assert_uint_le(off + len, CONFIG_SIZE);
	d->cfg_writes++;
	d->w_off = off;
	d->w_len = len;
	d->w_val = val;
}

static int fdev_activate(struct virtio_dev *dev)
{
	struct fdev *d = dev->priv;

	ck_assert(dev->features & F_V1);
	d->activates++;
	for (unsigned i = 0; i < NQ; i++) {
		d->vq[i] = dev->queues[i].vq;
		d->enabled[i] = dev->queues[i].enabled;
	}
	return d->activate_ret;
}

static void fdev_reset(struct virtio_dev *dev)
{
	struct fdev *d = dev->priv;

	d->resets++;
}

static void fdev_destroy(struct virtio_dev *dev)
{
	struct fdev *d = dev->priv;

	d->destroys++;
}

static const struct virtio_dev_ops fdev_ops = {
	.features_ok = fdev_features_ok,
	.config_write = fdev_config_write,
	.activate = fdev_activate,
	.reset = fdev_reset,
	.destroy = fdev_destroy,
};

/* --- the test bench -------------------------------------------------------------- */

static struct guest_mem mem;
static struct mmio_bus bus;
static struct pci_host host;
static struct pci_dev placeholder[SLOT];
static struct ffp ffp;
static struct fdev fdv;
static struct virtio_pci vp;
static bool started;

static void fdev_init(struct fdev *d, uint16_t id, unsigned config_size)
{
	memset(d, 0, sizeof(*d));
	d->dev.ops = &fdev_ops;
	d->dev.priv = d;
	d->dev.name = "virtio-test0";
	d->dev.device_id = id;
	d->dev.host_features = DEV_FEATURES;
	d->dev.mem = &mem;
	for (unsigned i = 0; i < CONFIG_SIZE; i++)
		d->config[i] = (uint8_t)(0xa0 + i);
	d->dev.config = d->config;
	d->dev.config_size = config_size;
	d->dev.nr_queues = NQ;
	for (unsigned i = 0; i < NQ; i++) {
		d->dev.queues[i].size_max = QMAX;
		d->dev.queues[i].kick_fd = -1;
	}
}

static void setup(void)
{
	static const struct pci_dev_id other = { .vendor = 0x1234, .device = 0x1111 };

	guest_ram_alloc(&mem, RAM_BASE, RAM_SIZE);
	bus_init(&bus);
	pci_host_init(&host);
	for (unsigned i = 0; i < PCI_NR_INTX; i++)
		host.intx_spi[i] = INTA_SPI_BASE + i;
	ck_assert_int_eq(bus_add(&bus, layout_base(LAYOUT_PCI_ECAM), layout_size(LAYOUT_PCI_ECAM),
				 &pci_ecam_mmio_ops, &host),
			 0);
	ck_assert_int_eq(bus_add(&bus, layout_base(LAYOUT_PCI_MMIO), layout_size(LAYOUT_PCI_MMIO),
				 &pci_mem_window_mmio_ops, &host),
			 0);
	for (unsigned i = 0; i < SLOT; i++) {
		pci_dev_init(&placeholder[i], &other, NULL, NULL);
		ck_assert_int_eq(pci_host_add_dev(&host, &placeholder[i]), (int)i);
	}
	memset(&ffp, 0, sizeof(ffp));
	ffp.intx_fd = -1;
	fdev_init(&fdv, VIRTIO_ID_BLOCK, CONFIG_SIZE);
	started = false;
}

static void teardown(void)
{
	if (started)
		virtio_pci_destroy(&vp);
	pci_host_destroy(&host);
	bus_destroy(&bus);
	guest_ram_free(&mem);
}

/* Init and add, as main() will; the ffp.no_* switches must be set before. */
static void start(void)
{
	struct fastpath fp = { .ops = &ffp_ops, .ctx = &ffp };
	char err[128];

	ck_assert_int_eq(virtio_pci_init(&vp, &fdv.dev, &fp, err, sizeof(err)), 0);
	ck_assert_int_eq(virtio_pci_add(&vp, &host), 0);
	ck_assert_uint_eq(vp.pci.slot, SLOT);
	started = true;
}

static uint64_t ecam(unsigned reg)
{
	return layout_base(LAYOUT_PCI_ECAM) + PCI_ECAM_OFFSET(0, SLOT, 0, reg);
}

static uint32_t cfg_rd(unsigned reg, unsigned len)
{
	uint64_t v;

	ck_assert(bus_read(&bus, ecam(reg), len, &v));
	return (uint32_t)v;
}

static void cfg_wr(unsigned reg, unsigned len, uint32_t v)
{
	ck_assert(bus_write(&bus, ecam(reg), len, v));
}

static uint64_t bar_rd(uint64_t off, unsigned len)
{
	uint64_t v;

	ck_assert(bus_read(&bus, BAR_ADDR + off, len, &v));
	return v;
}

static void bar_wr(uint64_t off, unsigned len, uint64_t v)
{
	ck_assert(bus_write(&bus, BAR_ADDR + off, len, v));
}

static void map_bar(void)
{
	cfg_wr(PCI_BAR0, 4, (uint32_t)BAR_ADDR);
	cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

static void start_mapped(void)
{
	start();
	map_bar();
}

/* The capability with this ID (and, for vendor-specific ones, cfg_type), or -1. */
static int find_cap(uint8_t id, int cfg_type)
{
	unsigned off = cfg_rd(PCI_CAP_PTR, 1), n = 0;

	ck_assert(cfg_rd(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	for (; off; off = cfg_rd(off + 1, 1)) {
		ck_assert_uint_lt(++n, 48); /* no loops */
		ck_assert_uint_ge(off, PCI_CAP_START);
		ck_assert_uint_eq(off % 4, 0);
		if (cfg_rd(off, 1) != id)
			continue;
		if (cfg_type < 0 || cfg_rd(off + VIRTIO_PCI_CAP_CFG_TYPE, 1) == (unsigned)cfg_type)
			return (int)off;
	}
	return -1;
}

static uint64_t common_rd(unsigned off, unsigned len)
{
	return bar_rd(VIRTIO_PCI_COMMON_OFF + off, len);
}

static void common_wr(unsigned off, unsigned len, uint64_t v)
{
	bar_wr(VIRTIO_PCI_COMMON_OFF + off, len, v);
}

static uint8_t status(void)
{
	return (uint8_t)common_rd(VIRTIO_PCI_COMMON_STATUS, 1);
}

static void add_status(uint8_t s)
{
	common_wr(VIRTIO_PCI_COMMON_STATUS, 1, status() | s);
}

static uint64_t offered(void)
{
	common_wr(VIRTIO_PCI_COMMON_DFSELECT, 4, 0);
	uint64_t lo = common_rd(VIRTIO_PCI_COMMON_DF, 4);
	common_wr(VIRTIO_PCI_COMMON_DFSELECT, 4, 1);
	return lo | common_rd(VIRTIO_PCI_COMMON_DF, 4) << 32;
}

static void write_features(uint64_t f)
{
	common_wr(VIRTIO_PCI_COMMON_GFSELECT, 4, 0);
	common_wr(VIRTIO_PCI_COMMON_GF, 4, (uint32_t)f);
	common_wr(VIRTIO_PCI_COMMON_GFSELECT, 4, 1);
	common_wr(VIRTIO_PCI_COMMON_GF, 4, f >> 32);
}

/* §3.1.1 steps 1-6; returns whether FEATURES_OK stuck. */
static bool negotiate(uint64_t f)
{
	common_wr(VIRTIO_PCI_COMMON_STATUS, 1, 0);
	add_status(VIRTIO_STATUS_ACKNOWLEDGE);
	add_status(VIRTIO_STATUS_DRIVER);
	write_features(f);
	add_status(VIRTIO_STATUS_FEATURES_OK);
	return status() & VIRTIO_STATUS_FEATURES_OK;
}

static void setup_queue(unsigned q, unsigned size, uint16_t vector)
{
	common_wr(VIRTIO_PCI_COMMON_Q_SELECT, 2, q);
	common_wr(VIRTIO_PCI_COMMON_Q_SIZE, 2, size);
	common_wr(VIRTIO_PCI_COMMON_Q_MSIX, 2, vector);
	common_wr(VIRTIO_PCI_COMMON_Q_DESC, 8, DESC(q));
	common_wr(VIRTIO_PCI_COMMON_Q_DRIVER, 4, (uint32_t)AVAIL(q));
	common_wr(VIRTIO_PCI_COMMON_Q_DRIVER + 4, 4, AVAIL(q) >> 32);
	common_wr(VIRTIO_PCI_COMMON_Q_DEVICE, 8, USED(q));
	common_wr(VIRTIO_PCI_COMMON_Q_ENABLE, 2, 1);
}

/* The whole §3.1.1 sequence with both queues and vectors 1, 2 (config: 0). */
static void bring_up(void)
{
	ck_assert(negotiate(F_V1 | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(0)));
	common_wr(VIRTIO_PCI_COMMON_MSIX, 2, 0);
	setup_queue(0, QMAX, 1);
	setup_queue(1, QMAX / 2, 2);
	add_status(VIRTIO_STATUS_DRIVER_OK);
}

/* DRIVER_OK does not start the device: it asks for a reset instead. */
static void driver_ok_refused(void)
{
	add_status(VIRTIO_STATUS_DRIVER_OK);
	ck_assert_uint_eq(fdv.activates, 0);
	ck_assert(status() & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

/* The driver resets the device; ops->reset() has then run resets times in all. */
static void reset_expect(unsigned resets)
{
	common_wr(VIRTIO_PCI_COMMON_STATUS, 1, 0);
	ck_assert_uint_eq(status(), 0);
	ck_assert_uint_eq(fdv.resets, resets);
}

static uint64_t efd_take(int fd)
{
	eventfd_t n;

	return eventfd_read(fd, &n) ? 0 : n;
}

static uint64_t stat_of(size_t off)
{
	struct virtio_pci_stats s;

	virtio_pci_stats_get(&vp, &s);
	return *(const uint64_t *)((const char *)&s + off);
}

#define STAT(f) stat_of(offsetof(struct virtio_pci_stats, f))

/* MSI-X through the guest's eyes. */
static void msix_ctrl(uint16_t bits)
{
	int c = find_cap(PCI_CAP_ID_MSIX, -1);

	ck_assert_int_gt(c, 0);
	cfg_wr((unsigned)c + PCI_MSIX_CTRL, 2, bits);
}

static void msix_entry(unsigned v, uint64_t addr, uint32_t data)
{
	uint64_t e = VIRTIO_PCI_MSIX_TABLE_OFF + (uint64_t)v * PCI_MSIX_ENTRY_SIZE;

	bar_wr(e + PCI_MSIX_ENTRY_ADDR_LO, 4, (uint32_t)addr);
	bar_wr(e + PCI_MSIX_ENTRY_ADDR_HI, 4, addr >> 32);
	bar_wr(e + PCI_MSIX_ENTRY_DATA, 4, data);
}

static void msix_mask(unsigned v, bool masked)
{
	bar_wr(VIRTIO_PCI_MSIX_TABLE_OFF + v * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_CTRL, 4,
	       masked);
}

static bool pba_pending(unsigned v)
{
	return bar_rd(VIRTIO_PCI_MSIX_PBA_OFF + v / 64 * 8, 8) >> (v % 64) & 1;
}

#define ITS_ADDR 0x08090040ULL

static bool fd_closed(int fd)
{
	return fcntl(fd, F_GETFD) < 0 && errno == EBADF;
}

/* --- identity and capabilities ----------------------------------------------------- */

START_TEST(test_identity)
{
	start();
	ck_assert_uint_eq(cfg_rd(PCI_VENDOR_ID, 2), 0x1af4);
	ck_assert_uint_eq(cfg_rd(PCI_DEVICE_ID, 2), 0x1042); /* 0x1040 + block */
	ck_assert_uint_eq(cfg_rd(PCI_REVISION_ID, 1), 1);
	ck_assert_uint_eq(cfg_rd(PCI_REVISION_ID, 4) >> 8, 0x018000);
	ck_assert_uint_eq(cfg_rd(PCI_SUBSYS_VENDOR, 2), 0x1af4);
	ck_assert_uint_ge(cfg_rd(PCI_SUBSYS_ID, 2), 0x40);
	ck_assert_uint_eq(cfg_rd(PCI_INTERRUPT_PIN, 1), PCI_INTA);
	ck_assert_uint_eq(cfg_rd(PCI_HEADER_TYPE, 1), 0);
	/* Only BAR 0. */
	for (unsigned i = 1; i < PCI_NR_BARS; i++) {
		cfg_wr(PCI_BAR0 + 4 * i, 4, UINT32_MAX);
		ck_assert_uint_eq(cfg_rd(PCI_BAR0 + 4 * i, 4), 0);
	}
}
END_TEST

START_TEST(test_class_codes)
{
	static const struct {
		uint16_t id;
		uint32_t class_code;
	} t[] = {
		{ VIRTIO_ID_BLOCK, 0x018000 },
		{ VIRTIO_ID_CONSOLE, 0x078000 },
		{ VIRTIO_ID_RNG, 0x00ff00 },
		{ VIRTIO_ID_NET, 0xff0000 },
	};
	struct fastpath fp = { .ops = &ffp_ops, .ctx = &ffp };
	char err[128];

	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fdev_init(&fdv, t[i].id, CONFIG_SIZE);
		ck_assert_int_eq(virtio_pci_init(&vp, &fdv.dev, &fp, err, sizeof(err)), 0);
		ck_assert_uint_eq(pci_dev_cfg_get(&vp.pci, PCI_DEVICE_ID, 2), 0x1040 + t[i].id);
		ck_assert_uint_eq(pci_dev_cfg_get(&vp.pci, PCI_REVISION_ID, 4) >> 8,
				  t[i].class_code);
		virtio_pci_destroy(&vp);
		ck_assert_uint_eq(fdv.destroys, 1);
	}
}
END_TEST

static void assert_virtio_cap(int type, uint32_t off, uint32_t len, unsigned caplen)
{
	int c = find_cap(PCI_CAP_ID_VNDR, type);

	ck_assert_msg(c > 0, "no virtio capability of type %d", type);
	ck_assert_uint_eq(cfg_rd((unsigned)c + VIRTIO_PCI_CAP_CAPLEN, 1), caplen);
	ck_assert_uint_eq(cfg_rd((unsigned)c + VIRTIO_PCI_CAP_BAR, 1), 0);
	ck_assert_uint_eq(cfg_rd((unsigned)c + VIRTIO_PCI_CAP_OFFSET, 4), off);
	ck_assert_uint_eq(cfg_rd((unsigned)c + VIRTIO_PCI_CAP_LENGTH, 4), len);
}

START_TEST(test_caps)
{
	int c;

	start();
	assert_virtio_cap(1, 0x0000, 0x3c, 16);	       /* common */
	assert_virtio_cap(2, 0x3000, 4 * NQ, 20);      /* notify */
	assert_virtio_cap(3, 0x1000, 1, 16);	       /* ISR */
	assert_virtio_cap(4, 0x2000, CONFIG_SIZE, 16); /* device */
	c = find_cap(PCI_CAP_ID_VNDR, 2);
	ck_assert_uint_eq(cfg_rd((unsigned)c + VIRTIO_PCI_CAP_NOTIFY_MULT, 4), 4);
	ck_assert_int_gt(find_cap(PCI_CAP_ID_VNDR, 5), 0); /* pci_cfg */
	c = find_cap(PCI_CAP_ID_MSIX, -1);
	ck_assert_int_gt(c, 0);
	ck_assert_uint_eq(cfg_rd((unsigned)c + PCI_MSIX_CTRL, 2), NQ); /* NQ + 1 vectors, N - 1 */
	ck_assert_uint_eq(cfg_rd((unsigned)c + PCI_MSIX_TABLE, 4), 0x4000); /* BIR 0 */
	ck_assert_uint_eq(cfg_rd((unsigned)c + PCI_MSIX_PBA, 4), 0x6000);
	/* Capabilities are read-only, but for MSI-X Enable and Function Mask. */
	cfg_wr((unsigned)c + PCI_MSIX_CTRL, 2, 0xffff);
	ck_assert_uint_eq(cfg_rd((unsigned)c + PCI_MSIX_CTRL, 2), 0xc000 | NQ);
	cfg_wr((unsigned)c + PCI_MSIX_TABLE, 4, 0);
	ck_assert_uint_eq(cfg_rd((unsigned)c + PCI_MSIX_TABLE, 4), 0x4000);
	c = find_cap(PCI_CAP_ID_VNDR, 1);
	cfg_wr((unsigned)c + VIRTIO_PCI_CAP_OFFSET, 4, 0x1234);
	ck_assert_uint_eq(cfg_rd((unsigned)c + VIRTIO_PCI_CAP_OFFSET, 4), 0);
}
END_TEST

START_TEST(test_no_device_cap)
{
	fdv.dev.config_size = 0;
	start_mapped();
	ck_assert_int_eq(find_cap(PCI_CAP_ID_VNDR, 4), -1);
	ck_assert_int_gt(find_cap(PCI_CAP_ID_VNDR, 1), 0);
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_DEVICE_OFF, 4), 0);
}
END_TEST

START_TEST(test_init_errors)
{
	struct fastpath fp = { .ops = &ffp_ops, .ctx = &ffp };
	struct fastpath_ops partial = ffp_ops;
	struct fastpath bad = { .ops = &partial, .ctx = &ffp };
	char err[128] = "";

	fdv.dev.config_size = VIRTIO_PCI_DEVICE_MAX + 1;
	ck_assert_int_eq(virtio_pci_init(&vp, &fdv.dev, &fp, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "virtio-test0"));
	fdev_init(&fdv, VIRTIO_ID_BLOCK, CONFIG_SIZE);
	fdv.dev.nr_queues = 0;
	ck_assert_int_eq(virtio_pci_init(&vp, &fdv.dev, &fp, err, sizeof(err)), -EINVAL);
	fdv.dev.nr_queues = VIRTIO_MAX_QUEUES + 1;
	ck_assert_int_eq(virtio_pci_init(&vp, &fdv.dev, &fp, err, sizeof(err)), -EINVAL);
	fdev_init(&fdv, VIRTIO_ID_BLOCK, CONFIG_SIZE);
	fdv.dev.queues[1].size_max = 24;
	ck_assert_int_eq(virtio_pci_init(&vp, &fdv.dev, &fp, err, sizeof(err)), -EINVAL);
	fdev_init(&fdv, VIRTIO_ID_BLOCK, CONFIG_SIZE);
	partial.msi_send = NULL;
	ck_assert_int_eq(virtio_pci_init(&vp, &fdv.dev, &bad, err, sizeof(err)), -EINVAL);
	/* Nothing was created: no kick fds. */
	ck_assert_int_eq(fdv.dev.queues[0].kick_fd, -1);
}
END_TEST

START_TEST(test_eventfds)
{
	start();
	for (unsigned i = 0; i < NQ; i++)
		ck_assert_int_ge(fdv.dev.queues[i].kick_fd, 0);
	ck_assert_uint_eq(vp.nr_vectors, NQ + 1);
	for (unsigned v = 0; v < NQ + 1; v++)
		ck_assert_int_ge(vp.vec_fd[v], 0);
	/* INTx bound at add, to the SPI INTA of slot 2 reaches (rotated by slot). */
	ck_assert_uint_eq(ffp.nr_intx_bind, 1);
	ck_assert_uint_eq(ffp.intx_spi, INTA_SPI_BASE + (SLOT % PCI_NR_INTX));
	ck_assert_int_eq(ffp.intx_fd, vp.intx_fd);
	ck_assert_ptr_eq(fdv.dev.transport, &vp);
}
END_TEST

/* --- BAR and doorbells -------------------------------------------------------------- */

START_TEST(test_bar_sizing)
{
	start();
	cfg_wr(PCI_BAR0, 4, UINT32_MAX);
	ck_assert_uint_eq(cfg_rd(PCI_BAR0, 4), 0xffff8000); /* 32 KiB, mem32, non-prefetchable */
	ck_assert_uint_eq(ffp.nr_db_add, 0);		    /* decode is off */
	map_bar();
	ck_assert_uint_eq(cfg_rd(PCI_BAR0, 4), (uint32_t)BAR_ADDR);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_NUMQ, 2), NQ);
}
END_TEST

static bool doorbell_at(uint64_t gpa, int fd)
{
	for (unsigned i = 0; i < ffp.nr_db; i++)
		if (ffp.db[i].gpa == gpa && ffp.db[i].fd == fd)
			return true;
	return false;
}

START_TEST(test_doorbells_follow_bar)
{
	start_mapped();
	ck_assert_uint_eq(ffp.nr_db, NQ);
	for (unsigned i = 0; i < NQ; i++)
		ck_assert(doorbell_at(BAR_ADDR + 0x3000 + 4 * i, fdv.dev.queues[i].kick_fd));
	ck_assert_uint_eq(STAT(doorbells_registered), NQ);
	/* Re-programmed while decoding: moved. */
	cfg_wr(PCI_BAR0, 4, (uint32_t)BAR_ADDR2);
	ck_assert_uint_eq(ffp.nr_db, NQ);
	ck_assert_uint_eq(ffp.nr_db_del, NQ);
	for (unsigned i = 0; i < NQ; i++)
		ck_assert(doorbell_at(BAR_ADDR2 + 0x3000 + 4 * i, fdv.dev.queues[i].kick_fd));
	/* Memory decode off: gone. */
	cfg_wr(PCI_COMMAND, 2, 0);
	ck_assert_uint_eq(ffp.nr_db, 0);
	ck_assert_uint_eq(STAT(doorbells_registered), 0);
}
END_TEST

START_TEST(test_notify_mmio)
{
	uint64_t io, mmio;

	ffp.no_doorbell = true;
	start_mapped();
	ck_assert_uint_eq(ffp.nr_db, 0);
	bar_wr(VIRTIO_PCI_NOTIFY_OFF + 4, 2, 1); /* queue 1; the value is not looked at */
	ck_assert(!virtio_queue_kick_read(&fdv.dev, 0));
	ck_assert(virtio_queue_kick_read(&fdv.dev, 1));
	bar_wr(VIRTIO_PCI_NOTIFY_OFF, 4, 0xdead);
	bar_wr(VIRTIO_PCI_NOTIFY_OFF + 1, 1, 0);
	ck_assert(virtio_queue_kick_read(&fdv.dev, 0));
	ck_assert_uint_eq(fdv.dev.queues[0].kicks, 2);
	ck_assert_uint_eq(STAT(kicks_mmio), 3);
	virtio_pci_kicks(&vp, &io, &mmio);
	ck_assert_uint_eq(io, 0);
	ck_assert_uint_eq(mmio, 3);
}
END_TEST

START_TEST(test_notify_out_of_range)
{
	ffp.no_doorbell = true;
	start_mapped();
	for (unsigned off = 4 * NQ; off < 0x1000; off += 2)
		bar_wr(VIRTIO_PCI_NOTIFY_OFF + off, 2, 0);
	ck_assert_uint_eq(STAT(kicks_mmio), 0);
	ck_assert(!virtio_queue_kick_read(&fdv.dev, 0));
	ck_assert(!virtio_queue_kick_read(&fdv.dev, 1));
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_NOTIFY_OFF, 4), 0);
}
END_TEST

START_TEST(test_kicks_by_path)
{
	uint64_t io, mmio;

	start_mapped();
	/* What KVM does for a doorbell, then one through the MMIO path. */
	eventfd_write(fdv.dev.queues[0].kick_fd, 1);
	eventfd_write(fdv.dev.queues[1].kick_fd, 2);
	bar_wr(VIRTIO_PCI_NOTIFY_OFF, 2, 0);
	ck_assert(virtio_queue_kick_read(&fdv.dev, 0));
	ck_assert(virtio_queue_kick_read(&fdv.dev, 1));
	virtio_pci_kicks(&vp, &io, &mmio);
	ck_assert_uint_eq(io, 3);
	ck_assert_uint_eq(mmio, 1);
}
END_TEST

/* --- feature negotiation -------------------------------------------------------------- */

START_TEST(test_device_features)
{
	uint64_t f;

	fdv.dev.host_features |= VIRTIO_BIT(VIRTIO_F_RING_PACKED);
	start_mapped();
	f = offered();
	ck_assert(f & F_V1);
	ck_assert(f & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC));
	ck_assert(f & VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
	ck_assert(f & DEV_FEATURES);
	ck_assert(!(f & VIRTIO_BIT(VIRTIO_F_RING_PACKED)));
	ck_assert(!(f & VIRTIO_BIT(VIRTIO_F_NOTIFICATION_DATA)));
	ck_assert(!(f & VIRTIO_BIT(40))); /* RING_RESET */
	common_wr(VIRTIO_PCI_COMMON_DFSELECT, 4, 2);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_DF, 4), 0);
	common_wr(VIRTIO_PCI_COMMON_DFSELECT, 4, UINT32_MAX);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_DF, 4), 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_DFSELECT, 4), UINT32_MAX);
	/* device_feature is read-only. */
	common_wr(VIRTIO_PCI_COMMON_DFSELECT, 4, 0);
	common_wr(VIRTIO_PCI_COMMON_DF, 4, 0);
	ck_assert_uint_eq(offered(), f);
}
END_TEST

START_TEST(test_features_need_version1)
{
	start_mapped();
	ck_assert(!negotiate(VIRTIO_BIT(0)));
	ck_assert_uint_eq(status(), VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	ck_assert_uint_eq(fdv.dev.features, 0);
}
END_TEST

START_TEST(test_features_subset)
{
	start_mapped();
	ck_assert(!negotiate(F_V1 | VIRTIO_BIT(1))); /* bit 1 was not offered */
	ck_assert(!negotiate(F_V1 | VIRTIO_BIT(VIRTIO_F_RING_PACKED)));
	ck_assert(negotiate(F_V1 | VIRTIO_BIT(5)));
	ck_assert_uint_eq(fdv.dev.features, F_V1 | VIRTIO_BIT(5));
	/* driver_feature reads back what was written. */
	common_wr(VIRTIO_PCI_COMMON_GFSELECT, 4, 1);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_GF, 4), 1);
}
END_TEST

START_TEST(test_features_refused_by_device)
{
	fdv.refuse_features = true;
	start_mapped();
	ck_assert(!negotiate(F_V1));
	fdv.refuse_features = false;
	ck_assert(negotiate(F_V1));
}
END_TEST

START_TEST(test_features_frozen)
{
	start_mapped();
	ck_assert(negotiate(F_V1));
	write_features(F_V1 | VIRTIO_BIT(0));
	ck_assert_uint_eq(fdv.dev.features, F_V1);
	common_wr(VIRTIO_PCI_COMMON_GFSELECT, 4, 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_GF, 4), 0);
	/* Selectors past 1 select nothing. */
	common_wr(VIRTIO_PCI_COMMON_STATUS, 1, 0);
	common_wr(VIRTIO_PCI_COMMON_GFSELECT, 4, 7);
	common_wr(VIRTIO_PCI_COMMON_GF, 4, UINT32_MAX);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_GF, 4), 0);
}
END_TEST

/* --- the status state machine --------------------------------------------------------- */

START_TEST(test_driver_ok_activates)
{
	start_mapped();
	bring_up();
	ck_assert_uint_eq(fdv.activates, 1);
	ck_assert_uint_eq(status(), VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
					VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	for (unsigned q = 0; q < NQ; q++) {
		ck_assert(fdv.enabled[q]);
		ck_assert_uint_eq(fdv.vq[q].desc_gpa, DESC(q));
		ck_assert_uint_eq(fdv.vq[q].avail_gpa, AVAIL(q));
		ck_assert_uint_eq(fdv.vq[q].used_gpa, USED(q));
		ck_assert(fdv.vq[q].event_idx);
		ck_assert(!fdv.vq[q].indirect);
		ck_assert(!fdv.vq[q].broken);
	}
	ck_assert_uint_eq(fdv.vq[0].num, QMAX);
	ck_assert_uint_eq(fdv.vq[1].num, QMAX / 2);
	/* Read back through common config. */
	common_wr(VIRTIO_PCI_COMMON_Q_SELECT, 2, 1);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SIZE, 2), QMAX / 2);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), 2);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 1);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_NOFF, 2), 1);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DESC, 8), DESC(1));
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DEVICE + 4, 4), USED(1) >> 32);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_MSIX, 2), 0);
}
END_TEST

START_TEST(test_disabled_queue)
{
	start_mapped();
	ck_assert(negotiate(F_V1));
	setup_queue(1, QMAX, VIRTIO_MSI_NO_VECTOR);
	add_status(VIRTIO_STATUS_DRIVER_OK);
	ck_assert_uint_eq(fdv.activates, 1);
	ck_assert(!fdv.enabled[0]);
	ck_assert(fdv.enabled[1]);
}
END_TEST

START_TEST(test_driver_ok_needs_features_ok)
{
	start_mapped();
	add_status(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	write_features(F_V1);
	add_status(VIRTIO_STATUS_DRIVER_OK);
	ck_assert_uint_eq(fdv.activates, 0);
	ck_assert(!(status() & VIRTIO_STATUS_DRIVER_OK));
}
END_TEST

START_TEST(test_invalid_rings)
{
	ffp.no_intx = true;
	start_mapped();
	ck_assert(negotiate(F_V1));
	setup_queue(0, QMAX, VIRTIO_MSI_NO_VECTOR);
	common_wr(VIRTIO_PCI_COMMON_Q_DESC, 8, RAM_BASE + RAM_SIZE - 16); /* runs out of RAM */
	driver_ok_refused();
	/* The configuration change went out on INTx (MSI-X is off). */
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_ISR_OFF, 1), VIRTIO_PCI_ISR_CONFIG);
	ck_assert_uint_ge(ffp.nr_spi, 2);
	ck_assert(ffp.spi[0].level);
	/* A reset recovers, without ops->reset (never activated). */
	reset_expect(0);
}
END_TEST

START_TEST(test_misaligned_ring)
{
	start_mapped();
	ck_assert(negotiate(F_V1));
	setup_queue(0, QMAX, VIRTIO_MSI_NO_VECTOR);
	common_wr(VIRTIO_PCI_COMMON_Q_DEVICE, 8, USED(0) + 2); /* used ring needs 4 */
	driver_ok_refused();
}
END_TEST

START_TEST(test_bad_queue_size)
{
	static const unsigned bad[] = { 0, 3, 2 * QMAX, 0xffff };

	start_mapped();
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert(negotiate(F_V1));
		setup_queue(0, bad[i], VIRTIO_MSI_NO_VECTOR);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
		driver_ok_refused();
	}
	/* A smaller power of two is fine. */
	ck_assert(negotiate(F_V1));
	setup_queue(0, 1, VIRTIO_MSI_NO_VECTOR);
	add_status(VIRTIO_STATUS_DRIVER_OK);
	ck_assert_uint_eq(fdv.activates, 1);
	ck_assert_uint_eq(fdv.vq[0].num, 1);
}
END_TEST

/*
 * Found by fuzz_virtio_pci: a size written after queue_enable went to the
 * device at DRIVER_OK, past the size_max it offered. It must not start.
 */
START_TEST(test_queue_size_after_enable)
{
	start_mapped();
	ck_assert(negotiate(F_V1));
	setup_queue(0, QMAX, VIRTIO_MSI_NO_VECTOR);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 1);
	common_wr(VIRTIO_PCI_COMMON_Q_SIZE, 2, 4 * QMAX);
	driver_ok_refused();
	/* Back within size_max after enable is fine, as the size is checked when used. */
	ck_assert(negotiate(F_V1));
	setup_queue(0, QMAX, VIRTIO_MSI_NO_VECTOR);
	common_wr(VIRTIO_PCI_COMMON_Q_SIZE, 2, QMAX / 2);
	add_status(VIRTIO_STATUS_DRIVER_OK);
	ck_assert_uint_eq(fdv.activates, 1);
	ck_assert_uint_eq(fdv.vq[0].num, QMAX / 2);
}
END_TEST

START_TEST(test_activate_fails)
{
	fdv.activate_ret = -ENOMEM;
	start_mapped();
	bring_up();
	ck_assert_uint_eq(fdv.activates, 1);
	ck_assert(status() & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	common_wr(VIRTIO_PCI_COMMON_STATUS, 1, 0);
	ck_assert_uint_eq(fdv.resets, 0); /* activate() failed: no reset() owed */
}
END_TEST

START_TEST(test_reset)
{
	start_mapped();
	bring_up();
	reset_expect(1);
	ck_assert_uint_eq(STAT(resets), 1);
	ck_assert_uint_eq(fdv.dev.features, 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SELECT, 2), 0);
	common_wr(VIRTIO_PCI_COMMON_GFSELECT, 4, 1);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_GF, 4), 0);
	for (unsigned q = 0; q < NQ; q++) {
		common_wr(VIRTIO_PCI_COMMON_Q_SELECT, 2, q);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SIZE, 2), QMAX);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DESC, 8), 0);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DRIVER, 8), 0);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DEVICE, 8), 0);
		ck_assert(!fdv.dev.queues[q].enabled);
	}
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_ISR_OFF, 1), 0);
	/* A second reset owes nothing; the device comes up again. */
	common_wr(VIRTIO_PCI_COMMON_STATUS, 1, 0);
	ck_assert_uint_eq(fdv.resets, 1);
	bring_up();
	ck_assert_uint_eq(fdv.activates, 2);
}
END_TEST

START_TEST(test_status_never_clears_bits)
{
	start_mapped();
	bring_up();
	common_wr(VIRTIO_PCI_COMMON_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	ck_assert(status() & VIRTIO_STATUS_DRIVER_OK);
	/* Dropping bits while adding one: the whole write is ignored. */
	common_wr(VIRTIO_PCI_COMMON_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_FAILED);
	ck_assert_uint_eq(status(), VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
					VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	/* Re-writing DRIVER_OK does not activate twice; FAILED is accepted. */
	add_status(VIRTIO_STATUS_DRIVER_OK);
	ck_assert_uint_eq(fdv.activates, 1);
	add_status(VIRTIO_STATUS_FAILED);
	ck_assert(status() & VIRTIO_STATUS_FAILED);
	/* Other widths are not status writes. */
	common_wr(VIRTIO_PCI_COMMON_STATUS, 2, 0);
	ck_assert(status() & VIRTIO_STATUS_DRIVER_OK);
	ck_assert_uint_eq(fdv.resets, 0);
}
END_TEST

START_TEST(test_queue_frozen_after_driver_ok)
{
	start_mapped();
	bring_up();
	common_wr(VIRTIO_PCI_COMMON_Q_SELECT, 2, 0);
	common_wr(VIRTIO_PCI_COMMON_Q_SIZE, 2, 2);
	common_wr(VIRTIO_PCI_COMMON_Q_DESC, 8, 0x1000);
	common_wr(VIRTIO_PCI_COMMON_Q_MSIX, 2, 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SIZE, 2), QMAX);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DESC, 8), DESC(0));
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), 1);
}
END_TEST

START_TEST(test_queue_select_out_of_range)
{
	static const uint16_t sel[] = { NQ, NQ + 1, VIRTIO_MAX_QUEUES, 0x8000, 0xffff };

	start_mapped();
	ck_assert(negotiate(F_V1));
	for (unsigned i = 0; i < sizeof(sel) / sizeof(sel[0]); i++) {
		common_wr(VIRTIO_PCI_COMMON_Q_SELECT, 2, sel[i]);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SELECT, 2), sel[i]);
		for (unsigned off = VIRTIO_PCI_COMMON_Q_SIZE; off < VIRTIO_PCI_COMMON_SIZE;
		     off += 2) {
			common_wr(off, 2, 1);
			ck_assert_uint_eq(common_rd(off, 2), 0);
		}
		common_wr(VIRTIO_PCI_COMMON_Q_DESC, 8, DESC(0));
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DESC, 8), 0);
	}
	/* Nothing leaked into a real queue. */
	common_wr(VIRTIO_PCI_COMMON_Q_SELECT, 2, 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SIZE, 2), QMAX);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DESC, 8), 0);
}
END_TEST

START_TEST(test_vector_out_of_range)
{
	start_mapped();
	common_wr(VIRTIO_PCI_COMMON_Q_SELECT, 2, 1);
	common_wr(VIRTIO_PCI_COMMON_Q_MSIX, 2, NQ);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), NQ);
	common_wr(VIRTIO_PCI_COMMON_Q_MSIX, 2, NQ + 1); /* the table has NQ + 1 entries */
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
	common_wr(VIRTIO_PCI_COMMON_Q_MSIX, 2, 0x7fff);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
	common_wr(VIRTIO_PCI_COMMON_MSIX, 2, 300);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
	common_wr(VIRTIO_PCI_COMMON_MSIX, 2, 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_MSIX, 2), 0);
}
END_TEST

START_TEST(test_common_widths)
{
	start_mapped();
	/* Reads of any width see the bytes. */
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_NUMQ, 1), NQ);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_MSIX, 4),
			  VIRTIO_MSI_NO_VECTOR | (uint32_t)NQ << 16);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SIZE, 1), QMAX);
	/* queue_desc in two halves, or whole; other widths are dropped. */
	common_wr(VIRTIO_PCI_COMMON_Q_DESC, 4, 0x11223340);
	common_wr(VIRTIO_PCI_COMMON_Q_DESC + 4, 4, 0x55667788);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DESC, 8), 0x5566778811223340ULL);
	common_wr(VIRTIO_PCI_COMMON_Q_DESC, 2, 0);
	common_wr(VIRTIO_PCI_COMMON_Q_DESC + 2, 4, 0);
	common_wr(VIRTIO_PCI_COMMON_Q_DESC + 1, 1, 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DESC + 4, 4), 0x55667788);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DESC, 4), 0x11223340);
	/* A 16-bit field written 8 or 1 bytes wide: dropped. */
	common_wr(VIRTIO_PCI_COMMON_Q_SIZE, 1, 4);
	common_wr(VIRTIO_PCI_COMMON_Q_SIZE, 4, 4);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SIZE, 2), QMAX);
	common_wr(VIRTIO_PCI_COMMON_DFSELECT, 2, 1);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_DFSELECT, 4), 0);
	/* Read-only fields stay. */
	common_wr(VIRTIO_PCI_COMMON_NUMQ, 2, 9);
	common_wr(VIRTIO_PCI_COMMON_CFGGEN, 1, 9);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_NUMQ, 2), NQ);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_CFGGEN, 1), 0);
	/* Past the structure: zero. */
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_SIZE, 4), 0);
	ck_assert_uint_eq(common_rd(0xff8, 8), 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_NDATA, 4), 0);
}
END_TEST

START_TEST(test_device_config)
{
	start_mapped();
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_DEVICE_OFF, 4), 0xa3a2a1a0);
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_DEVICE_OFF, 8), 0xa7a6a5a4a3a2a1a0ULL);
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_DEVICE_OFF + 7, 1), 0xa7);
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_DEVICE_OFF + 6, 4), 0xa7a6); /* past the end: 0 */
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_DEVICE_OFF + 0xff8, 8), 0);
	bar_wr(VIRTIO_PCI_DEVICE_OFF + 4, 2, 0xbeef);
	ck_assert_uint_eq(fdv.cfg_writes, 1);
	ck_assert_uint_eq(fdv.w_off, 4);
	ck_assert_uint_eq(fdv.w_len, 2);
	ck_assert_uint_eq(fdv.w_val, 0xbeef);
	bar_wr(VIRTIO_PCI_DEVICE_OFF, 8, 0x1122334455667788ULL);
	ck_assert_uint_eq(fdv.cfg_writes, 3);
	ck_assert_uint_eq(fdv.w_off, 4);
	ck_assert_uint_eq(fdv.w_val, 0x11223344);
	/* Out of range or straddling the end: not passed on. */
	bar_wr(VIRTIO_PCI_DEVICE_OFF + 6, 4, 0);
	bar_wr(VIRTIO_PCI_DEVICE_OFF + CONFIG_SIZE, 1, 0);
	bar_wr(VIRTIO_PCI_DEVICE_OFF + 0xffc, 4, 0);
	ck_assert_uint_eq(fdv.cfg_writes, 3);
}
END_TEST

/* --- MSI-X ------------------------------------------------------------------------------- */

START_TEST(test_msix_bind)
{
	start_mapped();
	msix_entry(1, ITS_ADDR, 0x21);
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	ck_assert_uint_eq(ffp.nr_bind, 0); /* every vector starts masked */
	msix_mask(1, false);
	ck_assert_uint_eq(ffp.nr_bind, 1);
	ck_assert_int_eq(ffp.bind[0].fd, vp.vec_fd[1]);
	ck_assert_uint_eq(ffp.bind[0].msg.addr, ITS_ADDR);
	ck_assert_uint_eq(ffp.bind[0].msg.data, 0x21);
	ck_assert_uint_eq(ffp.bind[0].msg.devid, SLOT << 3);
	/* Mask: unbound. */
	msix_mask(1, true);
	ck_assert_uint_eq(ffp.nr_unbind, 1);
	ck_assert_int_eq(ffp.unbind[0], vp.vec_fd[1]);
	/* Unmasked again: bound again; MSI-X disabled: unbound. */
	msix_mask(1, false);
	ck_assert_uint_eq(ffp.nr_bind, 2);
	msix_ctrl(0);
	ck_assert_uint_eq(ffp.nr_unbind, 2);
}
END_TEST

START_TEST(test_msix_retarget)
{
	start_mapped();
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	msix_entry(0, ITS_ADDR, 0x20);
	msix_mask(0, false);
	ck_assert_uint_eq(ffp.nr_bind, 1);
	bar_wr(VIRTIO_PCI_MSIX_TABLE_OFF + PCI_MSIX_ENTRY_DATA, 4, 0x30);
	ck_assert_uint_eq(ffp.nr_bind, 2);
	ck_assert_int_eq(ffp.bind[1].fd, vp.vec_fd[0]);
	ck_assert_uint_eq(ffp.bind[1].msg.data, 0x30);
	/* The same value again changes nothing; a masked entry's change binds nothing. */
	bar_wr(VIRTIO_PCI_MSIX_TABLE_OFF + PCI_MSIX_ENTRY_DATA, 4, 0x30);
	ck_assert_uint_eq(ffp.nr_bind, 2);
	msix_mask(0, true);
	msix_entry(0, ITS_ADDR + 0x1000, 0x40);
	ck_assert_uint_eq(ffp.nr_bind, 2);
	msix_mask(0, false);
	ck_assert_uint_eq(ffp.nr_bind, 3);
	ck_assert_uint_eq(ffp.bind[2].msg.addr, ITS_ADDR + 0x1000);
}
END_TEST

START_TEST(test_msix_function_mask)
{
	start_mapped();
	msix_ctrl(PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL);
	for (unsigned v = 0; v <= NQ; v++) {
		msix_entry(v, ITS_ADDR, v);
		msix_mask(v, false);
	}
	ck_assert_uint_eq(ffp.nr_bind, 0);
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	ck_assert_uint_eq(ffp.nr_bind, NQ + 1);
	msix_ctrl(PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL);
	ck_assert_uint_eq(ffp.nr_unbind, NQ + 1);
}
END_TEST

START_TEST(test_msix_irqfd_delivery)
{
	start_mapped();
	bring_up();
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	for (unsigned v = 0; v <= NQ; v++) {
		msix_entry(v, ITS_ADDR, v);
		msix_mask(v, false);
	}
	fdv.dev.transport_ops->notify_queue(&fdv.dev, 1); /* vector 2 */
	ck_assert_uint_eq(efd_take(vp.vec_fd[2]), 1);
	ck_assert_uint_eq(efd_take(vp.vec_fd[1]), 0);
	virtio_dev_notify_config(&fdv.dev); /* vector 0 */
	ck_assert_uint_eq(efd_take(vp.vec_fd[0]), 1);
	ck_assert_uint_eq(STAT(irq_irqfd), 2);
	ck_assert_uint_eq(STAT(config_changes), 1);
	/* Out-of-range queue numbers from a buggy device: nothing. */
	fdv.dev.transport_ops->notify_queue(&fdv.dev, NQ);
	fdv.dev.transport_ops->notify_queue(&fdv.dev, 1000);
	ck_assert_uint_eq(STAT(irq_irqfd), 2);
	/* No INTx while MSI-X is on. */
	ck_assert_uint_eq(efd_take(vp.intx_fd), 0);
}
END_TEST

START_TEST(test_msix_no_vector)
{
	start_mapped();
	ck_assert(negotiate(F_V1));
	setup_queue(0, QMAX, VIRTIO_MSI_NO_VECTOR);
	add_status(VIRTIO_STATUS_DRIVER_OK);
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	for (unsigned v = 0; v <= NQ; v++)
		msix_mask(v, false);
	fdv.dev.transport_ops->notify_queue(&fdv.dev, 0);
	virtio_dev_notify_config(&fdv.dev);
	for (unsigned v = 0; v <= NQ; v++)
		ck_assert_uint_eq(efd_take(vp.vec_fd[v]), 0);
	ck_assert_uint_eq(STAT(irq_irqfd) + STAT(irq_slow) + STAT(irq_masked), 0);
}
END_TEST

START_TEST(test_msix_pending_irqfd)
{
	start_mapped();
	bring_up();
	msix_entry(1, ITS_ADDR, 1);
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	ck_assert(!pba_pending(1));
	fdv.dev.transport_ops->notify_queue(&fdv.dev, 0); /* vector 1, masked */
	ck_assert(pba_pending(1));
	ck_assert(!pba_pending(0));
	ck_assert_uint_eq(STAT(irq_masked), 1);
	ck_assert_uint_eq(efd_take(vp.vec_fd[1]), 0);
	/* Unmask: bound, and the pending interrupt goes out through the eventfd. */
	msix_mask(1, false);
	ck_assert_uint_eq(ffp.nr_bind, 1);
	ck_assert_uint_eq(efd_take(vp.vec_fd[1]), 1);
	ck_assert(!pba_pending(1));
	/* A count left in an unbound eventfd also reads as pending. */
	msix_mask(1, true);
	eventfd_write(vp.vec_fd[1], 1);
	ck_assert(pba_pending(1));
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_MSIX_PBA_OFF, 4), 2);
	/* The PBA is read-only. */
	bar_wr(VIRTIO_PCI_MSIX_PBA_OFF, 8, 0);
	ck_assert(pba_pending(1));
}
END_TEST

START_TEST(test_msix_slow)
{
	ffp.no_msi = true;
	start_mapped();
	bring_up();
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	msix_entry(2, ITS_ADDR, 0x42);
	msix_mask(2, false);
	ck_assert_uint_eq(ffp.nr_bind, 0);
	fdv.dev.transport_ops->notify_queue(&fdv.dev, 1);
	ck_assert_uint_eq(ffp.nr_sent, 1);
	ck_assert_uint_eq(ffp.sent[0].addr, ITS_ADDR);
	ck_assert_uint_eq(ffp.sent[0].data, 0x42);
	ck_assert_uint_eq(ffp.sent[0].devid, SLOT << 3);
	ck_assert_uint_eq(STAT(irq_slow), 1);
	/* Retargeted while live: the next send uses the new message. */
	bar_wr(VIRTIO_PCI_MSIX_TABLE_OFF + 2 * 16 + PCI_MSIX_ENTRY_DATA, 4, 0x43);
	fdv.dev.transport_ops->notify_queue(&fdv.dev, 1);
	ck_assert_uint_eq(ffp.nr_sent, 2);
	ck_assert_uint_eq(ffp.sent[1].data, 0x43);
}
END_TEST

START_TEST(test_msix_slow_pending)
{
	ffp.no_msi = true;
	start_mapped();
	bring_up();
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	msix_entry(0, ITS_ADDR, 7);
	virtio_dev_notify_config(&fdv.dev); /* vector 0, masked */
	ck_assert_uint_eq(ffp.nr_sent, 0);
	ck_assert(pba_pending(0));
	msix_mask(0, false);
	ck_assert_uint_eq(ffp.nr_sent, 1);
	ck_assert_uint_eq(ffp.sent[0].data, 7);
	ck_assert(!pba_pending(0));
	/* Function mask holds it back too. */
	msix_ctrl(PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL);
	virtio_dev_notify_config(&fdv.dev);
	ck_assert_uint_eq(ffp.nr_sent, 1);
	ck_assert(pba_pending(0));
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	ck_assert_uint_eq(ffp.nr_sent, 2);
}
END_TEST

/* vhost's call eventfd (virtio.h queue_irqfd): the vector's own eventfd, or -ENOSYS. */
START_TEST(test_queue_irqfd)
{
	start_mapped();
	bring_up();
	ck_assert_int_eq(virtio_queue_irqfd(&fdv.dev, 0), -ENOSYS); /* INTx: needs armlet */
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	ck_assert_int_eq(virtio_queue_irqfd(&fdv.dev, 0), vp.vec_fd[1]);
	ck_assert_int_eq(virtio_queue_irqfd(&fdv.dev, 1), vp.vec_fd[2]);
	ck_assert_int_eq(virtio_queue_irqfd(&fdv.dev, NQ), -EINVAL);
	/* A write while the vector is masked is pending; unmasking delivers it through the
	 * binding. */
	eventfd_write(virtio_queue_irqfd(&fdv.dev, 0), 1);
	ck_assert(pba_pending(1));
	msix_entry(1, ITS_ADDR, 1);
	msix_mask(1, false);
	ck_assert_uint_eq(ffp.nr_bind, 1);
	ck_assert_uint_eq(efd_take(vp.vec_fd[1]), 1);
}
END_TEST

START_TEST(test_queue_irqfd_slow)
{
	ffp.no_msi = true;
	start_mapped();
	ck_assert(negotiate(F_V1));
	setup_queue(0, QMAX, 1);
	setup_queue(1, QMAX, VIRTIO_MSI_NO_VECTOR);
	add_status(VIRTIO_STATUS_DRIVER_OK);
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	msix_mask(1, false);
	ck_assert_int_eq(virtio_queue_irqfd(&fdv.dev, 0), -ENOSYS); /* no irqfd on this host */
	ck_assert_int_eq(virtio_queue_irqfd(&fdv.dev, 1), -ENOSYS); /* no vector */
	/* The relay's way out: an unconditional notification, counted. */
	virtio_queue_notify(&fdv.dev, 0);
	ck_assert_uint_eq(ffp.nr_sent, 1);
	ck_assert_uint_eq(fdv.dev.queues[0].interrupts, 1);
}
END_TEST

START_TEST(test_msix_table_access)
{
	uint64_t e1 = VIRTIO_PCI_MSIX_TABLE_OFF + 16;

	start_mapped();
	ck_assert_uint_eq(bar_rd(e1 + PCI_MSIX_ENTRY_CTRL, 4), 1); /* masked at reset */
	bar_wr(e1, 8, 0x0000000412345678ULL);
	ck_assert_uint_eq(bar_rd(e1, 8), 0x0000000412345678ULL);
	ck_assert_uint_eq(bar_rd(e1 + 4, 4), 4);
	bar_wr(e1 + 8, 8, 0x0000000100000099ULL); /* data, then vector control */
	ck_assert_uint_eq(bar_rd(e1 + 8, 4), 0x99);
	ck_assert_uint_eq(bar_rd(e1 + 12, 4), 1);
	/* Reserved control bits and address bits 1:0 stay zero. */
	bar_wr(e1 + PCI_MSIX_ENTRY_CTRL, 4, 0xfffffffe);
	ck_assert_uint_eq(bar_rd(e1 + PCI_MSIX_ENTRY_CTRL, 4), 0);
	bar_wr(e1, 4, 0xffffffff);
	ck_assert_uint_eq(bar_rd(e1, 4), 0xfffffffc);
	/* Odd widths and misalignment: ignored, read 0. */
	bar_wr(e1 + 8, 2, 0);
	bar_wr(e1 + 8, 1, 0);
	bar_wr(e1 + 9, 4, 0);
	bar_wr(e1 + 4, 8, 0);
	ck_assert_uint_eq(bar_rd(e1 + 8, 4), 0x99);
	ck_assert_uint_eq(bar_rd(e1 + 8, 2), 0);
	ck_assert_uint_eq(bar_rd(e1 + 4, 8), 0);
	/* Entries past the table: nothing. */
	bar_wr(VIRTIO_PCI_MSIX_TABLE_OFF + 16 * (NQ + 1), 4, 0x1234);
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_MSIX_TABLE_OFF + 16 * (NQ + 1), 4), 0);
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_MSIX_PBA_OFF + 8, 8), 0);
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_MSIX_PBA_OFF + 1, 1), 0);
}
END_TEST

START_TEST(test_needs_reset_from_device)
{
	start_mapped();
	bring_up();
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	msix_entry(0, ITS_ADDR, 0);
	msix_mask(0, false);
	virtio_dev_needs_reset(&fdv.dev);
	ck_assert(status() & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	ck_assert(status() & VIRTIO_STATUS_DRIVER_OK);
	ck_assert_uint_eq(efd_take(vp.vec_fd[0]), 1);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_CFGGEN, 1), 1);
	/* The driver's read-modify-write of status keeps the device's bit. */
	add_status(VIRTIO_STATUS_FAILED);
	ck_assert(status() & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	reset_expect(1);
}
END_TEST

/* --- INTx ---------------------------------------------------------------------------------- */

START_TEST(test_intx_irqfd)
{
	start_mapped();
	bring_up();
	fdv.dev.transport_ops->notify_queue(&fdv.dev, 0);
	ck_assert_uint_eq(efd_take(ffp.intx_fd), 1);
	ck_assert(cfg_rd(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	ck_assert(cfg_rd(PCI_COMMAND, 4) & (PCI_STATUS_INTERRUPT << 16));
	virtio_dev_notify_config(&fdv.dev);
	ck_assert_uint_eq(efd_take(ffp.intx_fd), 1);
	/* ISR reads and clears; Status follows. */
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_ISR_OFF, 1), 3);
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_ISR_OFF, 1), 0);
	ck_assert(!(cfg_rd(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT));
	ck_assert_uint_eq(STAT(irq_irqfd), 2);
	ck_assert_uint_eq(ffp.nr_spi, 0);
	/* Only offset 0 is ISR; writes do nothing. */
	fdv.dev.transport_ops->notify_queue(&fdv.dev, 0);
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_ISR_OFF + 1, 1), 0);
	bar_wr(VIRTIO_PCI_ISR_OFF, 1, 0);
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_ISR_OFF, 4), 1);
}
END_TEST

START_TEST(test_intx_resample)
{
	start_mapped();
	bring_up();
	ck_assert_ptr_nonnull(ffp.resample);
	fdv.dev.transport_ops->notify_queue(&fdv.dev, 1);
	ck_assert_uint_eq(efd_take(ffp.intx_fd), 1);
	/* EOI with ISR still set: raised again. */
	ffp.resample(ffp.opaque);
	ck_assert_uint_eq(efd_take(ffp.intx_fd), 1);
	/* After the ISR read: not. */
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_ISR_OFF, 1), 1);
	ffp.resample(ffp.opaque);
	ck_assert_uint_eq(efd_take(ffp.intx_fd), 0);
}
END_TEST

START_TEST(test_intx_disable)
{
	start_mapped();
	bring_up();
	cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	fdv.dev.transport_ops->notify_queue(&fdv.dev, 0);
	ck_assert_uint_eq(efd_take(ffp.intx_fd), 0);
	ffp.resample(ffp.opaque);
	ck_assert_uint_eq(efd_take(ffp.intx_fd), 0);
	/* Re-enabled with ISR set: the line goes up. */
	cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	ck_assert_uint_eq(efd_take(ffp.intx_fd), 1);
}
END_TEST

START_TEST(test_intx_slow)
{
	unsigned spi = INTA_SPI_BASE + SLOT % PCI_NR_INTX;

	ffp.no_intx = true;
	start_mapped();
	bring_up();
	fdv.dev.transport_ops->notify_queue(&fdv.dev, 0);
	fdv.dev.transport_ops->notify_queue(&fdv.dev, 1); /* already high: no second call */
	ck_assert_uint_eq(ffp.nr_spi, 1);
	ck_assert_uint_eq(ffp.spi[0].spi, spi);
	ck_assert(ffp.spi[0].level);
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_ISR_OFF, 1), 1);
	ck_assert_uint_eq(ffp.nr_spi, 2);
	ck_assert_uint_eq(ffp.spi[1].spi, spi);
	ck_assert(!ffp.spi[1].level);
	ck_assert_uint_eq(STAT(irq_slow), 1);
	/* INTx Disable lowers it; re-enabling raises it again. */
	virtio_dev_notify_config(&fdv.dev);
	ck_assert_uint_eq(ffp.nr_spi, 3);
	cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	ck_assert_uint_eq(ffp.nr_spi, 4);
	ck_assert(!ffp.spi[3].level);
	cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	ck_assert_uint_eq(ffp.nr_spi, 5);
	ck_assert(ffp.spi[4].level);
	/* Reset lowers it. */
	common_wr(VIRTIO_PCI_COMMON_STATUS, 1, 0);
	ck_assert_uint_eq(ffp.nr_spi, 6);
	ck_assert(!ffp.spi[5].level);
}
END_TEST

START_TEST(test_intx_off_with_msix)
{
	ffp.no_intx = true;
	start_mapped();
	bring_up();
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	fdv.dev.transport_ops->notify_queue(&fdv.dev, 0);
	ck_assert_uint_eq(ffp.nr_spi, 0);
	/* The queue bit is INTx's alone; the config bit is always set (virtio 1.2 §4.1.4.5). */
	virtio_dev_notify_config(&fdv.dev);
	ck_assert_uint_eq(ffp.nr_spi, 0);
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_ISR_OFF, 1), VIRTIO_PCI_ISR_CONFIG);
	ck_assert(!(cfg_rd(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT));
}
END_TEST

START_TEST(test_config_generation)
{
	start_mapped();
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_CFGGEN, 1), 0);
	virtio_dev_notify_config(&fdv.dev);
	virtio_dev_notify_config(&fdv.dev);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_CFGGEN, 1), 2);
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_ISR_OFF, 1), VIRTIO_PCI_ISR_CONFIG);
	ck_assert_uint_eq(STAT(config_changes), 2);
}
END_TEST

/* --- device threads against vCPU threads ------------------------------------------ */

#define RACE_ROUNDS 20000

/* A device thread completing requests on queue q as fast as it can. */
static void *raiser(void *arg)
{
	unsigned q = (unsigned)(uintptr_t)arg;

	for (unsigned i = 0; i < RACE_ROUNDS; i++)
		fdv.dev.transport_ops->notify_queue(&fdv.dev, q);
	return NULL;
}

START_TEST(test_race_intx_slow)
{
	pthread_t t;

	ffp.no_intx = true;
	ffp.slow_spi_set = true;
	start_mapped();
	bring_up();
	ck_assert_int_eq(pthread_create(&t, NULL, raiser, (void *)(uintptr_t)0), 0);
	for (unsigned i = 0; i < RACE_ROUNDS; i++)
		(void)bar_rd(VIRTIO_PCI_ISR_OFF, 1);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert(!ffp.spi_set_overlap);
	/* The line ends where ISR says, and falls with the last read. */
	ck_assert_int_eq(ffp.level, __atomic_load_n(&vp.isr, __ATOMIC_SEQ_CST) != 0);
	(void)bar_rd(VIRTIO_PCI_ISR_OFF, 1);
	ck_assert(!ffp.level);
}
END_TEST

START_TEST(test_race_msix_mask)
{
	pthread_t t;
	unsigned sent;

	ffp.no_msi = true;
	start_mapped();
	bring_up();
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	msix_entry(1, ITS_ADDR, 1);
	ck_assert_int_eq(pthread_create(&t, NULL, raiser, (void *)(uintptr_t)0), 0);
	for (unsigned i = 0; i < RACE_ROUNDS; i++)
		msix_mask(1, i % 2 == 1);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	/* Masked at the end (RACE_ROUNDS is even): unmasking flushes whatever is pending. */
	msix_mask(1, false);
	ck_assert(!pba_pending(1));
	/* Then a raise while masked waits for the unmask, exactly once. */
	msix_mask(1, true);
	sent = __atomic_load_n(&ffp.nr_sent, __ATOMIC_SEQ_CST);
	fdv.dev.transport_ops->notify_queue(&fdv.dev, 0);
	ck_assert(pba_pending(1));
	msix_mask(1, false);
	ck_assert(!pba_pending(1));
	ck_assert_uint_eq(ffp.nr_sent, sent + 1);
}
END_TEST

/* --- the pci_cfg window (virtio 1.2 §4.1.4.9) ------------------------------------------- */

static unsigned cfgwin(uint8_t bar, uint32_t off, uint32_t len)
{
	int c = find_cap(PCI_CAP_ID_VNDR, VIRTIO_PCI_CAP_PCI_CFG);

	ck_assert_int_gt(c, 0);
	cfg_wr((unsigned)c + VIRTIO_PCI_CAP_BAR, 1, bar);
	cfg_wr((unsigned)c + VIRTIO_PCI_CAP_OFFSET, 4, off);
	cfg_wr((unsigned)c + VIRTIO_PCI_CAP_LENGTH, 4, len);
	return (unsigned)c + VIRTIO_PCI_CAP_PCI_CFG_DATA;
}

START_TEST(test_cfgwin_read)
{
	unsigned data;

	start(); /* works with memory decode off: that is its point */
	data = cfgwin(0, VIRTIO_PCI_COMMON_NUMQ, 2);
	ck_assert_uint_eq(cfg_rd(data, 2), NQ);
	data = cfgwin(0, VIRTIO_PCI_COMMON_MSIX, 4);
	ck_assert_uint_eq(cfg_rd(data, 4), VIRTIO_MSI_NO_VECTOR | (uint32_t)NQ << 16);
	data = cfgwin(0, VIRTIO_PCI_DEVICE_OFF + 1, 1);
	ck_assert_uint_eq(cfg_rd(data, 1), 0xa1);
	/* ISR through the window reads and clears too. */
	virtio_dev_notify_config(&fdv.dev);
	data = cfgwin(0, VIRTIO_PCI_ISR_OFF, 1);
	ck_assert_uint_eq(cfg_rd(data, 1), VIRTIO_PCI_ISR_CONFIG);
	ck_assert_uint_eq(cfg_rd(data, 1), 0);
}
END_TEST

START_TEST(test_cfgwin_write)
{
	unsigned data;

	ffp.no_doorbell = true;
	start();
	data = cfgwin(0, VIRTIO_PCI_COMMON_STATUS, 1);
	cfg_wr(data, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	ck_assert_uint_eq(cfg_rd(data, 1), VIRTIO_STATUS_ACKNOWLEDGE);
	data = cfgwin(0, VIRTIO_PCI_COMMON_Q_DESC + 4, 4);
	cfg_wr(data, 4, 0x12);
	data = cfgwin(0, VIRTIO_PCI_COMMON_Q_DESC + 4, 4);
	ck_assert_uint_eq(cfg_rd(data, 4), 0x12);
	/* A notification through the window is an MMIO kick. */
	data = cfgwin(0, VIRTIO_PCI_NOTIFY_OFF + 4, 2);
	cfg_wr(data, 2, 1);
	ck_assert(virtio_queue_kick_read(&fdv.dev, 1));
	ck_assert_uint_eq(STAT(kicks_mmio), 1);
}
END_TEST

START_TEST(test_cfgwin_bad)
{
	unsigned data;

	start();
	cfg_wr(PCI_COMMAND, 2, 0);
	/* Misaligned, bad lengths, another BAR, past the BAR: nothing happens. */
	data = cfgwin(0, VIRTIO_PCI_COMMON_NUMQ + 1, 2);
	cfg_wr(data, 4, 0x11111111);
	ck_assert_uint_eq(cfg_rd(data, 4), 0x11111111); /* just the stored bytes */
	data = cfgwin(0, VIRTIO_PCI_COMMON_STATUS, 3);
	cfg_wr(data, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	data = cfgwin(0, VIRTIO_PCI_COMMON_STATUS, 8);
	cfg_wr(data, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	data = cfgwin(1, VIRTIO_PCI_COMMON_STATUS, 1);
	cfg_wr(data, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	data = cfgwin(0xff, VIRTIO_PCI_COMMON_STATUS, 1);
	cfg_wr(data, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	data = cfgwin(0, VIRTIO_PCI_BAR_SIZE, 4);
	cfg_wr(data, 4, 1);
	data = cfgwin(0, UINT32_MAX - 3, 4);
	cfg_wr(data, 4, 1);
	ck_assert_uint_eq(cfg_rd(data, 4), 1);
	data = cfgwin(0, VIRTIO_PCI_COMMON_STATUS, 1);
	ck_assert_uint_eq(cfg_rd(data, 1), 0);
}
END_TEST

/* --- a hostile guest ------------------------------------------------------------------- */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

/* Every offset of BAR 0, every width, reads and writes of all-ones, zero and noise. */
static void sweep_bar(void)
{
	static const unsigned lens[] = { 1, 2, 4, 8 };

	for (uint64_t off = 0; off < VIRTIO_PCI_BAR_SIZE; off++) {
		for (unsigned i = 0; i < 4; i++) {
			uint64_t v;

			if (off + lens[i] > VIRTIO_PCI_BAR_SIZE)
				continue;
			v = bar_rd(off, lens[i]);
			ck_assert_msg(lens[i] == 8 || v >> (8 * lens[i]) == 0, "0x%llx: wide value",
				      (unsigned long long)off);
			bar_wr(off, lens[i], UINT64_MAX);
			bar_wr(off, lens[i], mix(off * 4 + i));
			bar_wr(off, lens[i], 0);
		}
	}
}

START_TEST(test_hostile_bar)
{
	start_mapped();
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	sweep_bar();
	/* Still a working device. */
	common_wr(VIRTIO_PCI_COMMON_STATUS, 1, 0);
	ck_assert_uint_eq(status(), 0);
	cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	msix_ctrl(0);
	bring_up();
	ck_assert_uint_eq(status() & VIRTIO_STATUS_DRIVER_OK, VIRTIO_STATUS_DRIVER_OK);
}
END_TEST

START_TEST(test_hostile_bar_active)
{
	ffp.no_msi = true;
	ffp.no_intx = true;
	ffp.no_doorbell = true;
	start_mapped();
	bring_up();
	ck_assert_uint_eq(fdv.activates, 1);
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	sweep_bar();
	/* The device saw at most one reset per activation. */
	ck_assert_uint_le(fdv.resets, fdv.activates);
	ck_assert_uint_ge(fdv.resets, 1); /* status was written 0 */
}
END_TEST

START_TEST(test_hostile_config_space)
{
	start_mapped();
	/* Every byte of config space written with noise, every width, then read. */
	for (unsigned off = 0; off < PCI_CFG_SIZE; off++) {
		static const unsigned lens[] = { 1, 2, 4 };

		for (unsigned i = 0; i < 3; i++) {
			if (off + lens[i] > PCI_CFG_SIZE)
				continue;
			cfg_wr(off, lens[i], (uint32_t)mix(off * 3 + i));
			(void)cfg_rd(off, lens[i]);
		}
	}
	ck_assert_uint_eq(cfg_rd(PCI_VENDOR_ID, 2), 0x1af4);
}
END_TEST

/* --- a host reset (a guest reset with --reboot) --------------------------------------- */

/*
 * Everything a driver and the device left behind goes: the device is reset
 * as by its driver, doorbells and vector bindings are dropped, the MSI-X
 * table, the PBA and the vector eventfds hold nothing, and the function can
 * be brought up again from scratch.
 */
START_TEST(test_host_reset)
{
	int c = -1;
	uint8_t gen;

	start_mapped();
	bring_up();
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	msix_entry(1, ITS_ADDR, 0x21);
	msix_mask(1, false);
	ck_assert_uint_eq(ffp.nr_bind, 1);
	fdv.dev.transport_ops->notify_queue(&fdv.dev, 1); /* vector 2, masked: pending */
	virtio_dev_notify_config(&fdv.dev);		  /* vector 0, masked: pending; ISR */
	eventfd_write(vp.vec_fd[2], 1);			  /* a count an unbound eventfd kept */
	ck_assert(pba_pending(0) && pba_pending(2));
	ck_assert_uint_eq(ffp.nr_db, NQ);
	gen = (uint8_t)common_rd(VIRTIO_PCI_COMMON_CFGGEN, 1);
	c = find_cap(PCI_CAP_ID_MSIX, -1);

	pci_host_reset(&host);
	ck_assert_uint_eq(fdv.resets, 1);
	ck_assert_uint_eq(STAT(resets), 1);
	ck_assert_uint_eq(ffp.nr_db, 0);
	ck_assert_uint_eq(ffp.nr_unbind, 1);
	ck_assert_int_eq(ffp.unbind[0], vp.vec_fd[1]);
	ck_assert_uint_eq(cfg_rd(PCI_COMMAND, 2), 0);
	ck_assert_uint_eq(cfg_rd(PCI_BAR0, 4), 0);
	ck_assert_uint_eq(cfg_rd((unsigned)c + PCI_MSIX_CTRL, 2), NQ); /* disabled, unmasked */
	for (unsigned v = 0; v <= NQ; v++)
		ck_assert_uint_eq(efd_take(vp.vec_fd[v]), 0);

	/* What a new driver finds once it maps the BAR again. */
	map_bar();
	ck_assert_uint_eq(ffp.nr_db, NQ);
	ck_assert_uint_eq(status(), 0);
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_ISR_OFF, 1), 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_CFGGEN, 1), gen);
	common_wr(VIRTIO_PCI_COMMON_GFSELECT, 4, 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_GF, 4), 0);
	ck_assert_uint_eq(fdv.dev.features, 0);
	for (unsigned q = 0; q < NQ; q++) {
		common_wr(VIRTIO_PCI_COMMON_Q_SELECT, 2, q);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SIZE, 2), QMAX);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DESC, 8), 0);
		ck_assert(!fdv.dev.queues[q].enabled);
	}
	for (unsigned v = 0; v <= NQ; v++) {
		uint64_t e = VIRTIO_PCI_MSIX_TABLE_OFF + (uint64_t)v * PCI_MSIX_ENTRY_SIZE;

		ck_assert_uint_eq(bar_rd(e, 8), 0);
		ck_assert_uint_eq(bar_rd(e + PCI_MSIX_ENTRY_DATA, 4), 0);
		ck_assert_uint_eq(bar_rd(e + PCI_MSIX_ENTRY_CTRL, 4), PCI_MSIX_ENTRY_CTRL_MASKBIT);
		ck_assert(!pba_pending(v));
	}

	/* And it comes up again, with interrupts where the new driver puts them. */
	bring_up();
	ck_assert_uint_eq(fdv.activates, 2);
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	msix_entry(2, ITS_ADDR, 0x42);
	msix_mask(2, false);
	ck_assert_uint_eq(ffp.nr_bind, 2);
	ck_assert_uint_eq(ffp.bind[1].msg.data, 0x42);
	ck_assert_uint_eq(efd_take(vp.vec_fd[2]), 0); /* nothing stale delivered */
	fdv.dev.transport_ops->notify_queue(&fdv.dev, 1);
	ck_assert_uint_eq(efd_take(vp.vec_fd[2]), 1);
}
END_TEST

/* INTx on the slow path: the line goes low, INTx Disable clears, a device never started stays so.
 */
START_TEST(test_host_reset_intx)
{
	ffp.no_intx = true;
	start_mapped();
	pci_host_reset(&host);
	ck_assert_uint_eq(fdv.resets, 0);
	ck_assert_uint_eq(STAT(resets), 0);
	map_bar();
	bring_up();
	fdv.dev.transport_ops->notify_queue(&fdv.dev, 0);
	ck_assert(ffp.level);
	cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	ck_assert(!ffp.level);
	cfg_wr(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	ck_assert(ffp.level);

	pci_host_reset(&host);
	ck_assert(!ffp.level);
	ck_assert(!vp.intx_disabled);
	ck_assert_uint_eq(fdv.resets, 1);
	ck_assert(!(cfg_rd(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT));
	map_bar();
	bring_up();
	fdv.dev.transport_ops->notify_queue(&fdv.dev, 1);
	ck_assert(ffp.level);
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_ISR_OFF, 1), VIRTIO_PCI_ISR_QUEUE);
	ck_assert(!ffp.level);
}
END_TEST

/* --- teardown ---------------------------------------------------------------------------- */

START_TEST(test_destroy)
{
	int kick0;

	start_mapped();
	bring_up();
	msix_ctrl(PCI_MSIX_CTRL_ENABLE);
	msix_mask(1, false);
	kick0 = fdv.dev.queues[0].kick_fd;
	virtio_pci_destroy(&vp);
	started = false;
	ck_assert_uint_eq(fdv.resets, 1);
	ck_assert_uint_eq(fdv.destroys, 1);
	ck_assert_uint_eq(ffp.nr_db, 0);
	ck_assert_uint_eq(ffp.nr_unbind, 1);
	ck_assert_uint_eq(ffp.nr_intx_unbind, 1);
	ck_assert_int_eq(fdv.dev.queues[0].kick_fd, -1);
	ck_assert(fd_closed(kick0));
}
END_TEST

Suite *virtio_pci_suite(void)
{
	Suite *s = suite_create("virtio-pci");
	TCase *tc = tcase_create("virtio-pci");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_identity);
	tcase_add_test(tc, test_class_codes);
	tcase_add_test(tc, test_caps);
	tcase_add_test(tc, test_no_device_cap);
	tcase_add_test(tc, test_init_errors);
	tcase_add_test(tc, test_eventfds);
	tcase_add_test(tc, test_bar_sizing);
	tcase_add_test(tc, test_doorbells_follow_bar);
	tcase_add_test(tc, test_notify_mmio);
	tcase_add_test(tc, test_notify_out_of_range);
	tcase_add_test(tc, test_kicks_by_path);
	tcase_add_test(tc, test_device_features);
	tcase_add_test(tc, test_features_need_version1);
	tcase_add_test(tc, test_features_subset);
	tcase_add_test(tc, test_features_refused_by_device);
	tcase_add_test(tc, test_features_frozen);
	tcase_add_test(tc, test_driver_ok_activates);
	tcase_add_test(tc, test_disabled_queue);
	tcase_add_test(tc, test_driver_ok_needs_features_ok);
	tcase_add_test(tc, test_invalid_rings);
	tcase_add_test(tc, test_misaligned_ring);
	tcase_add_test(tc, test_bad_queue_size);
	tcase_add_test(tc, test_queue_size_after_enable);
	tcase_add_test(tc, test_activate_fails);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_status_never_clears_bits);
	tcase_add_test(tc, test_queue_frozen_after_driver_ok);
	tcase_add_test(tc, test_queue_select_out_of_range);
	tcase_add_test(tc, test_vector_out_of_range);
	tcase_add_test(tc, test_common_widths);
	tcase_add_test(tc, test_device_config);
	tcase_add_test(tc, test_msix_bind);
	tcase_add_test(tc, test_msix_retarget);
	tcase_add_test(tc, test_msix_function_mask);
	tcase_add_test(tc, test_msix_irqfd_delivery);
	tcase_add_test(tc, test_msix_no_vector);
	tcase_add_test(tc, test_msix_pending_irqfd);
	tcase_add_test(tc, test_msix_slow);
	tcase_add_test(tc, test_msix_slow_pending);
	tcase_add_test(tc, test_queue_irqfd);
	tcase_add_test(tc, test_queue_irqfd_slow);
	tcase_add_test(tc, test_msix_table_access);
	tcase_add_test(tc, test_needs_reset_from_device);
	tcase_add_test(tc, test_intx_irqfd);
	tcase_add_test(tc, test_intx_resample);
	tcase_add_test(tc, test_intx_disable);
	tcase_add_test(tc, test_intx_slow);
	tcase_add_test(tc, test_intx_off_with_msix);
	tcase_add_test(tc, test_config_generation);
	tcase_add_test(tc, test_race_intx_slow);
	tcase_add_test(tc, test_race_msix_mask);
	tcase_add_test(tc, test_cfgwin_read);
	tcase_add_test(tc, test_cfgwin_write);
	tcase_add_test(tc, test_cfgwin_bad);
	tcase_add_test(tc, test_hostile_bar);
	tcase_add_test(tc, test_hostile_bar_active);
	tcase_add_test(tc, test_hostile_config_space);
	tcase_add_test(tc, test_host_reset);
	tcase_add_test(tc, test_host_reset_intx);
	tcase_add_test(tc, test_destroy);
	suite_add_tcase(s, tc);
	return s;
}
