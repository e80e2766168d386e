// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hostile guests' virtio-pci driver (lib/virtio.h). Capabilities are
 * walked as Linux's virtio_pci_modern does; everything else is the minimum
 * to move requests, with no check that would stop a test from lying.
 */
#include "virtio.h"

/* Offsets inside struct virtio_pci_cap (virtio 1.2 §4.1.4). */
#define VCAP_CFG_TYPE 3
#define VCAP_BAR      4
#define VCAP_OFFSET   8
#define VCAP_MULT     16

static uintptr_t vio_cap_addr(const struct pci_fn *f, unsigned cap)
{
	unsigned bar = pci_cfg_read(f, cap + VCAP_BAR, 1);

	if (bar > 5)
		return 0;
	return (uintptr_t)pci_bar_get(f, bar) + pci_cfg_read(f, cap + VCAP_OFFSET, 4);
}

static void vio_caps(struct vio_dev *d)
{
	for (unsigned cap = pci_cap_find(&d->fn, PCI_CAP_ID_VNDR, 0); cap;
	     cap = pci_cap_find(&d->fn, PCI_CAP_ID_VNDR, cap)) {
		uintptr_t a = vio_cap_addr(&d->fn, cap);

		switch (pci_cfg_read(&d->fn, cap + VCAP_CFG_TYPE, 1)) {
		case 1: d->common = a; break;
		case 2:
			d->notify = a;
			d->notify_mult = pci_cfg_read(&d->fn, cap + VCAP_MULT, 4);
			break;
		case 3: d->isr = a; break;
		case 4: d->device = a; break;
		default: break;
		}
	}
}

int vio_find(const struct pci_fn *fns, unsigned n, unsigned id, unsigned nth, struct vio_dev *d)
{
	for (unsigned i = 0; i < n; i++) {
		if (fns[i].vendor != VIRTIO_VENDOR || fns[i].device != VIRTIO_DEV_BASE + id)
			continue;
		if (nth--)
			continue;
		*d = (struct vio_dev){ .fn = fns[i] };
		vio_caps(d);
		return d->common && d->notify ? 0 : -1;
	}
	return -1;
}

uint8_t vio_status(const struct vio_dev *d)
{
	return mmio_read8(d->common + VCOM_STATUS);
}

void vio_status_set(const struct vio_dev *d, uint8_t s)
{
	mmio_write8(d->common + VCOM_STATUS, s);
}

bool vio_reset(const struct vio_dev *d)
{
	uint64_t end = deadline_ms(1000);

	vio_status_set(d, 0);
	while (vio_status(d) != 0)
		if (deadline_passed(end))
			return false;
	return true;
}

uint16_t vio_num_queues(const struct vio_dev *d)
{
	return mmio_read16(d->common + VCOM_NUMQ);
}

int vio_negotiate(const struct vio_dev *d, uint64_t want)
{
	uint64_t offered;

	if (!vio_reset(d))
		return -1;
	vio_status_set(d, VIRTIO_S_ACK);
	vio_status_set(d, VIRTIO_S_ACK | VIRTIO_S_DRIVER);
	mmio_write32(d->common + VCOM_DFSELECT, 0);
	offered = mmio_read32(d->common + VCOM_DF);
	mmio_write32(d->common + VCOM_DFSELECT, 1);
	offered |= (uint64_t)mmio_read32(d->common + VCOM_DF) << 32;
	want = (want | 1ULL << VIRTIO_F_VERSION_1) & offered;
	mmio_write32(d->common + VCOM_GFSELECT, 0);
	mmio_write32(d->common + VCOM_GF, (uint32_t)want);
	mmio_write32(d->common + VCOM_GFSELECT, 1);
	mmio_write32(d->common + VCOM_GF, (uint32_t)(want >> 32));
	vio_status_set(d, VIRTIO_S_ACK | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK);
	return vio_status(d) & VIRTIO_S_FEATURES_OK ? 0 : -1;
}

/* The rings' bytes; vblk_rw()'s slots follow, 16-aligned. */
static uintptr_t vq_ring_bytes(unsigned num)
{
	uintptr_t avail = 16 * (uintptr_t)num, used = (avail + 6 + 2 * num + 3) & ~3ul;

	return (used + 6 + 8 * (uintptr_t)num + 15) & ~15ul;
}

uintptr_t vq_bytes(unsigned num)
{
	return vq_ring_bytes(num) + 17 * (uintptr_t)num;
}

void vq_layout(struct vq *vq, unsigned num, uintptr_t base)
{
	uintptr_t avail = base + 16 * (uintptr_t)num;
	uintptr_t used = (avail + 6 + 2 * num + 3) & ~3ul;

	memset((void *)base, 0, vq_bytes(num));
	*vq = (struct vq){ .num = num,
			   .desc = (volatile struct vdesc *)base,
			   .avail = (volatile uint16_t *)avail,
			   .used = (volatile uint32_t *)used,
			   .reqs = (uint8_t *)(base + vq_ring_bytes(num)) };
}

static void common_write64(const struct vio_dev *d, unsigned off, uint64_t v)
{
	mmio_write32(d->common + off, (uint32_t)v);
	mmio_write32(d->common + off + 4, (uint32_t)(v >> 32));
}

uint16_t vq_program(const struct vio_dev *d, struct vq *vq, uint16_t q, uint16_t num, bool enable)
{
	uint16_t got;

	vq->index = q;
	mmio_write16(d->common + VCOM_Q_SELECT, q);
	mmio_write16(d->common + VCOM_Q_SIZE, num);
	got = mmio_read16(d->common + VCOM_Q_SIZE);
	common_write64(d, VCOM_Q_DESC, (uintptr_t)vq->desc);
	common_write64(d, VCOM_Q_DRIVER, (uintptr_t)vq->avail);
	common_write64(d, VCOM_Q_DEVICE, (uintptr_t)vq->used);
	mmio_write16(d->common + VCOM_Q_MSIX, VIRTIO_NO_VECTOR);
	vq->notify_off = mmio_read16(d->common + VCOM_Q_NOFF);
	if (enable)
		mmio_write16(d->common + VCOM_Q_ENABLE, 1);
	return got;
}

void vq_desc(struct vq *vq, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	volatile struct vdesc *v = &vq->desc[i % vq->num];

	v->addr = addr;
	v->len = len;
	v->flags = flags;
	v->next = next;
}

uint16_t vq_chain(struct vq *vq, const struct vbuf *b, unsigned n)
{
	uint16_t head = (uint16_t)(vq->next_desc % vq->num);

	for (unsigned i = 0; i < n; i++) {
		uint16_t me = (uint16_t)(vq->next_desc++ % vq->num);
		uint16_t next = (uint16_t)(vq->next_desc % vq->num);

		vq_desc(vq, me, b[i].addr, b[i].len,
			(uint16_t)(b[i].flags | (i + 1 < n ? VQ_F_NEXT : 0)), next);
	}
	return head;
}

void vq_offer(struct vq *vq, uint16_t head)
{
	vq->avail[2 + vq->avail_idx % vq->num] = head;
	dmb_sy();
	vq->avail[1] = ++vq->avail_idx;
	dmb_sy();
}

void vq_avail_idx_set(struct vq *vq, uint16_t idx)
{
	vq->avail_idx = idx;
	dmb_sy();
	vq->avail[1] = idx;
	dmb_sy();
}

uint16_t vq_used_idx(const struct vq *vq)
{
	dmb_sy();
	return (uint16_t)(vq->used[0] >> 16);
}

uint32_t vq_used_id(const struct vq *vq, uint16_t i)
{
	return vq->used[1 + 2 * (i % vq->num)];
}

void vq_kick(const struct vio_dev *d, const struct vq *vq)
{
	dsb_sy();
	mmio_write16(d->notify + (uintptr_t)vq->notify_off * d->notify_mult, vq->index);
}

int vq_wait(const struct vio_dev *d, const struct vq *vq, uint16_t idx, uint64_t ms)
{
	uint64_t end = deadline_ms(ms);

	for (;;) {
		if ((uint16_t)(vq_used_idx(vq) - idx) < 0x8000)
			return 1;
		if (vio_status(d) & (VIRTIO_S_NEEDS_RESET | VIRTIO_S_FAILED))
			return -1;
		if (deadline_passed(end))
			return 0;
		delay_us(20);
	}
}

int vblk_rw(const struct vio_dev *d, struct vq *vq, uint32_t type, uint64_t sector, void *buf,
	    uint32_t len, uint64_t ms)
{
	unsigned slot = vq->next_desc % vq->num;
	volatile uint32_t *hdr = (volatile uint32_t *)(vq->reqs + 16 * slot);
	volatile uint8_t *status = vq->reqs + 16 * vq->num + slot;
	struct vbuf b[3];
	unsigned n = 0;
	int ret;

	hdr[0] = type;
	hdr[1] = 0;
	hdr[2] = (uint32_t)sector;
	hdr[3] = (uint32_t)(sector >> 32);
	*status = 0xee;
	b[n++] = (struct vbuf){ (uintptr_t)hdr, 16, 0 };
	if (len)
		b[n++] = (struct vbuf){ (uintptr_t)buf, len, type == VBLK_T_IN ? VQ_F_WRITE : 0 };
	b[n++] = (struct vbuf){ (uintptr_t)status, 1, VQ_F_WRITE };
	vq_offer(vq, vq_chain(vq, b, n));
	vq_kick(d, vq);
	ret = vq_wait(d, vq, vq->avail_idx, ms);
	if (ret == 1)
		return *status;
	return ret < 0 ? -1 : -2;
}

int vio_up_one_vec(const struct vio_dev *d, struct vq *vq, unsigned num, uintptr_t base,
		   uint16_t vector)
{
	uint16_t got;

	if (vio_negotiate(d, 0))
		return -1;
	vq_layout(vq, num, base);
	vq_program(d, vq, 0, (uint16_t)num, false);
	/* Queue fields freeze at DRIVER_OK (virtio 1.2 §4.1.4.3.2): the vector goes first. */
	mmio_write16(d->common + VCOM_Q_MSIX, vector);
	got = mmio_read16(d->common + VCOM_Q_MSIX);
	mmio_write16(d->common + VCOM_Q_ENABLE, 1);
	vio_status_set(d,
		       VIRTIO_S_ACK | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK | VIRTIO_S_DRIVER_OK);
	return vio_status(d) & VIRTIO_S_NEEDS_RESET ? -1 : got;
}

int vio_up_one(const struct vio_dev *d, struct vq *vq, unsigned num, uintptr_t base)
{
	return vio_up_one_vec(d, vq, num, base, VIRTIO_NO_VECTOR) < 0 ? -1 : 0;
}

void vio_pattern_fill(uint8_t *buf, size_t len)
{
	static const char line[] = "armlet-pattern-0123456789abcdef\n";

	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)line[i % 32];
}
