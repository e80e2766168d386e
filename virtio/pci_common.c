// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtio PCI transport's common configuration (virtio 1.2 §4.1.4.3)
 * and the device status state machine behind it (§2.1, §3.1.1): feature
 * negotiation, queue setup, activation and reset. Everything here runs
 * locked (vp->lock held, see pci.h), reached through BAR 0 (pci.c).
 */
#include <errno.h>
#include <string.h>

#include "../vmm/le.h"
#include "../vmm/log.h"
#include "pci_internal.h"

/* The status bits the driver owns; DEVICE_NEEDS_RESET is the device's. */
#define VIRTIO_STATUS_DRIVER_BITS                                                                  \
	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK |              \
	 VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_FAILED)

/* --- reset and the status state machine ----------------------------------------- */

void vp_queue_clear(struct virtio_pci *vp, unsigned i)
{
	struct virtio_pci_queue *q = &vp->queues[i];
	struct virtio_queue *dq = &vp->dev->queues[i];

	q->size = (uint16_t)dq->size_max;
	STORE(&q->msix_vector, VIRTIO_MSI_NO_VECTOR);
	q->enable = q->failed = false;
	q->desc = q->driver = q->device = 0;
	dq->enabled = false;
	memset(&dq->vq, 0, sizeof(dq->vq));
}

/*
 * virtio 1.2 §2.4: the device is back in its initial state when the write
 * of 0 completes, so device_status reads 0 only after ops->reset() returned.
 * MSI-X table entries are PCI state and stay (§4.1.5.1.2 re-maps vectors).
 */
void vp_reset(struct virtio_pci *vp)
{
	struct virtio_dev *dev = vp->dev;

	if (vp->activated) {
		dev->ops->reset(dev);
		vp->activated = false;
		STAT(vp, resets, 1);
	}
	dev->features = 0;
	vp->driver_features = 0;
	vp->dfselect = vp->gfselect = 0;
	vp->queue_select = 0;
	for (unsigned i = 0; i < dev->nr_queues; i++)
		vp_queue_clear(vp, i);
	STORE(&vp->config_vector, VIRTIO_MSI_NO_VECTOR);
	for (unsigned w = 0; w < (vp->nr_vectors + 63) / 64; w++)
		STORE(&vp->pba[w], 0);
	STORE(&vp->isr, 0);
	vp_intx_update(vp);
	STORE(&vp->status, 0);
}

/* virtio 1.2 §3.1.1 step 6 and §6.1: VERSION_1, a subset of the offer, and the device agrees. */
static bool vp_features_ok(struct virtio_pci *vp)
{
	struct virtio_dev *dev = vp->dev;
	uint64_t f = vp->driver_features;

	if (!(f & VIRTIO_BIT(VIRTIO_F_VERSION_1)) || (f & ~vp->offered))
		return false;
	if (dev->ops->features_ok && !dev->ops->features_ok(dev, f))
		return false;
	dev->features = f;
	return true;
}

/* virtio 1.2 §4.1.4.3.2: queue sizes are powers of 2 up to the maximum the device offered. */
static bool vp_queue_size_ok(const struct virtio_pci *vp, unsigned i, uint16_t size)
{
	return size && !(size & (size - 1)) && size <= vp->dev->queues[i].size_max;
}

/* Sets up every enabled queue's rings, then starts the device (virtio 1.2 §3.1.1 step 8). */
static int vp_activate(struct virtio_pci *vp)
{
	struct virtio_dev *dev = vp->dev;
	int ret;

	for (unsigned i = 0; i < dev->nr_queues; i++) {
		const struct virtio_pci_queue *q = &vp->queues[i];
		struct virtio_queue *dq = &dev->queues[i];

		/*
		 * Checked again here: queue_size stays writable after queue_enable,
		 * and the device must never get more than its size_max (virtio.h).
		 */
		if (q->failed || (q->enable && !vp_queue_size_ok(vp, i, q->size)))
			return -EINVAL;
		dq->enabled = q->enable;
		if (!q->enable)
			continue;
		if (!dev->mem)
			return -EINVAL;
		ret = virtq_init(&dq->vq, dev->mem, q->size, q->desc, q->driver, q->device,
				 dev->features);
		if (ret)
			return ret;
	}
	ret = dev->ops->activate(dev);
	if (!ret)
		vp->activated = true;
	return ret;
}

static void vp_status_write(struct virtio_pci *vp, uint8_t val)
{
	uint8_t cur = LOAD(&vp->status) & VIRTIO_STATUS_DRIVER_BITS;
	uint8_t set = (val & VIRTIO_STATUS_DRIVER_BITS) & ~cur;
	int ret;

	if (!val) {
		vp_reset(vp);
		return;
	}
	/* The driver only ever adds bits (§2.1.1); a write that drops some is a bug: ignore it. */
	if (cur & ~val)
		return;
	if ((set & VIRTIO_STATUS_FEATURES_OK) && !vp_features_ok(vp))
		set &= ~VIRTIO_STATUS_FEATURES_OK;
	if ((set & VIRTIO_STATUS_DRIVER_OK) && !((cur | set) & VIRTIO_STATUS_FEATURES_OK))
		set &= ~VIRTIO_STATUS_DRIVER_OK;
	FETCH_OR(&vp->status, set);
	if (!(set & VIRTIO_STATUS_DRIVER_OK))
		return;
	ret = vp_activate(vp);
	if (ret) {
		log_warn("%s: cannot start the device (%s): it needs a reset", vp->dev->name,
			 strerror(-ret));
		vp_needs_reset(vp->dev);
	}
}

/* --- common configuration ------------------------------------------------------- */

static bool vp_driver_ok(struct virtio_pci *vp)
{
	return LOAD(&vp->status) & VIRTIO_STATUS_DRIVER_OK;
}

/* The selected queue, or NULL when queue_select is out of range. */
static struct virtio_pci_queue *vp_queue(struct virtio_pci *vp)
{
	return vp->queue_select < vp->dev->nr_queues ? &vp->queues[vp->queue_select] : NULL;
}

static uint32_t vp_features_half(uint64_t f, uint32_t select)
{
	return select < 2 ? (uint32_t)(f >> (32 * select)) : 0;
}

/* virtio 1.2 §4.1.5.1.2.1: a vector the table does not have reads back as NO_VECTOR. */
static uint16_t vp_vector_check(struct virtio_pci *vp, uint16_t v)
{
	return v < vp->nr_vectors ? v : VIRTIO_MSI_NO_VECTOR;
}

/* The common configuration as the driver would read it now. */
static void vp_common_image(struct virtio_pci *vp, uint8_t *img)
{
	const struct virtio_pci_queue *q = vp_queue(vp);

	le_bytes_set(img + VIRTIO_PCI_COMMON_DFSELECT, 4, vp->dfselect);
	le_bytes_set(img + VIRTIO_PCI_COMMON_DF, 4, vp_features_half(vp->offered, vp->dfselect));
	le_bytes_set(img + VIRTIO_PCI_COMMON_GFSELECT, 4, vp->gfselect);
	le_bytes_set(img + VIRTIO_PCI_COMMON_GF, 4,
		     vp_features_half(vp->driver_features, vp->gfselect));
	le_bytes_set(img + VIRTIO_PCI_COMMON_MSIX, 2, LOAD(&vp->config_vector));
	le_bytes_set(img + VIRTIO_PCI_COMMON_NUMQ, 2, vp->dev->nr_queues);
	img[VIRTIO_PCI_COMMON_STATUS] = LOAD(&vp->status);
	img[VIRTIO_PCI_COMMON_CFGGEN] = LOAD(&vp->config_generation);
	le_bytes_set(img + VIRTIO_PCI_COMMON_Q_SELECT, 2, vp->queue_select);
	if (!q)
		return;
	le_bytes_set(img + VIRTIO_PCI_COMMON_Q_SIZE, 2, q->size);
	le_bytes_set(img + VIRTIO_PCI_COMMON_Q_MSIX, 2, LOAD(&q->msix_vector));
	le_bytes_set(img + VIRTIO_PCI_COMMON_Q_ENABLE, 2, q->enable);
	le_bytes_set(img + VIRTIO_PCI_COMMON_Q_NOFF, 2, vp->queue_select);
	le_bytes_set(img + VIRTIO_PCI_COMMON_Q_DESC, 8, q->desc);
	le_bytes_set(img + VIRTIO_PCI_COMMON_Q_DRIVER, 8, q->driver);
	le_bytes_set(img + VIRTIO_PCI_COMMON_Q_DEVICE, 8, q->device);
}

/* Reads have no side effects, so any width works: the bytes of the image, 0 past it. */
void vp_common_read(struct virtio_pci *vp, uint64_t off, unsigned len, uint64_t *val)
{
	uint8_t img[VIRTIO_PCI_COMMON_SIZE + 8] = { 0 };

	if (off >= VIRTIO_PCI_COMMON_SIZE)
		return;
	vp_common_image(vp, img);
	*val = le_bytes_get(img + off, len);
}

/* queue_desc/driver/device: 8 bytes, or either 4-byte half (virtio 1.2 §4.1.3.1). */
static void vp_queue_addr_write(struct virtio_pci_queue *q, uint64_t off, unsigned len,
				uint64_t val)
{
	uint64_t *field = off < VIRTIO_PCI_COMMON_Q_DRIVER   ? &q->desc
			  : off < VIRTIO_PCI_COMMON_Q_DEVICE ? &q->driver
							     : &q->device;

	if (len == 8 && off % 8 == 0)
		*field = val;
	else if (len == 4 && off % 8 == 0)
		*field = (*field & ~0xffffffffULL) | (uint32_t)val;
	else if (len == 4 && off % 8 == 4)
		*field = (*field & 0xffffffffULL) | val << 32;
}

/* A bad size fails the queue (virtio 1.2 §4.1.4.3.2). */
static void vp_queue_enable(struct virtio_pci *vp, struct virtio_pci_queue *q, uint16_t val)
{
	if (val != 1) /* writing 0 is not allowed without RING_RESET */
		return;
	if (!vp_queue_size_ok(vp, vp->queue_select, q->size))
		q->failed = true;
	else
		q->enable = true;
}

/* Queue fields freeze at DRIVER_OK (virtio 1.2 §4.1.4.3.2); queue_select does not. */
static void vp_queue_write(struct virtio_pci *vp, uint64_t off, unsigned len, uint64_t val)
{
	struct virtio_pci_queue *q = vp_queue(vp);

	if (!q || vp_driver_ok(vp))
		return;
	if (off >= VIRTIO_PCI_COMMON_Q_DESC && off < VIRTIO_PCI_COMMON_Q_NDATA) {
		vp_queue_addr_write(q, off, len, val);
		return;
	}
	if (len != 2)
		return;
	switch (off) {
	case VIRTIO_PCI_COMMON_Q_SIZE: q->size = (uint16_t)val; break;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		STORE(&q->msix_vector, vp_vector_check(vp, (uint16_t)val));
		break;
	case VIRTIO_PCI_COMMON_Q_ENABLE: vp_queue_enable(vp, q, (uint16_t)val); break;
	default: break; /* read-only: queue_notify_off, queue_notify_data, queue_reset */
	}
}

/* Writes take the field's natural width only (virtio 1.2 §4.1.3.1); others are dropped. */
void vp_common_write(struct virtio_pci *vp, uint64_t off, unsigned len, uint64_t val)
{
	bool fok = LOAD(&vp->status) & VIRTIO_STATUS_FEATURES_OK;

	if (off >= VIRTIO_PCI_COMMON_Q_SIZE) {
		vp_queue_write(vp, off, len, val);
		return;
	}
	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		if (len == 4)
			vp->dfselect = (uint32_t)val;
		break;
	case VIRTIO_PCI_COMMON_GFSELECT:
		if (len == 4)
			vp->gfselect = (uint32_t)val;
		break;
	case VIRTIO_PCI_COMMON_GF:
		/* Fixed once FEATURES_OK is set (§3.1.1); selectors past 1 select nothing. */
		if (len == 4 && !fok && vp->gfselect < 2) {
			unsigned shift = 32 * vp->gfselect;

			vp->driver_features = (vp->driver_features & ~(0xffffffffULL << shift)) |
					      (uint64_t)(uint32_t)val << shift;
		}
		break;
	case VIRTIO_PCI_COMMON_MSIX:
		if (len == 2)
			STORE(&vp->config_vector, vp_vector_check(vp, (uint16_t)val));
		break;
	case VIRTIO_PCI_COMMON_STATUS:
		if (len == 1)
			vp_status_write(vp, (uint8_t)val);
		break;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		if (len == 2)
			vp->queue_select = (uint16_t)val;
		break;
	default: break; /* read-only: device_feature, num_queues, config_generation */
	}
}
