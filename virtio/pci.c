// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtio PCI transport (modern only, virtio 1.2 §4.1). See pci.h for
 * BAR 0's layout and the locking rules; in short, everything the guest
 * reaches runs under vp->lock on a vCPU thread, and everything a device
 * thread calls is lock-free, talking to the locked side through atomics.
 *
 * MSI-X vectors. Each vector is off (MSI-X disabled, function-masked or
 * its entry masked), bound to its eventfd through msi_bind() (the kernel
 * delivers), or slow (msi_bind() unavailable: the raising thread calls
 * msi_send()). Raising an off vector sets its PBA bit; turning a vector on
 * delivers a pending bit. Both sides use the same handshake (set one
 * thing, then look at the other, seq_cst), so a raise racing an unmask is
 * delivered exactly once. An eventfd written by a raise that saw the vector
 * bound just before it was unbound keeps its count: binding again delivers
 * it, and the PBA reads it as pending.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../vmm/log.h"
#include "pci.h"

/* Reserved feature bits virtio.h does not name (virtio 1.2 §6). */
#define VIRTIO_F_RING_RESET 40
#define VIRTIO_F_ADMIN_VQ   41

/* What every device gets, and what this transport never offers. */
#define VIRTIO_PCI_F_ALWAYS                                                                        \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |                     \
	 VIRTIO_BIT(VIRTIO_F_EVENT_IDX))
#define VIRTIO_PCI_F_NEVER                                                                         \
	(VIRTIO_BIT(VIRTIO_F_RING_PACKED) | VIRTIO_BIT(VIRTIO_F_NOTIFICATION_DATA) |               \
	 VIRTIO_BIT(VIRTIO_F_SR_IOV) | VIRTIO_BIT(VIRTIO_F_RING_RESET) |                           \
	 VIRTIO_BIT(VIRTIO_F_ADMIN_VQ))

/* The status bits the driver owns; DEVICE_NEEDS_RESET is the device's. */
#define VIRTIO_STATUS_DRIVER_BITS                                                                  \
	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK |              \
	 VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_FAILED)

_Static_assert(VIRTIO_PCI_MAX_VECTORS *PCI_MSIX_ENTRY_SIZE <=
		   VIRTIO_PCI_MSIX_PBA_OFF - VIRTIO_PCI_MSIX_TABLE_OFF,
	       "MSI-X table overlaps the PBA");
_Static_assert(VIRTIO_MAX_QUEUES *VIRTIO_PCI_NOTIFY_MULT <=
		   VIRTIO_PCI_MSIX_TABLE_OFF - VIRTIO_PCI_NOTIFY_OFF,
	       "notify region overlaps the MSI-X table");

enum vec_state {
	VEC_OFF,
	VEC_IRQFD,
	VEC_SLOW,
};

#define LOAD(p)	       __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define STORE(p, v)    __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)
#define XCHG(p, v)     __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define FETCH_OR(p, v) __atomic_fetch_or((p), (v), __ATOMIC_SEQ_CST)
#define STAT(vp, f, n) __atomic_fetch_add(&(vp)->stats.f, (n), __ATOMIC_RELAXED)

static uint64_t bytes_get(const uint8_t *p, unsigned len)
{
	uint64_t v = 0;

	for (unsigned i = len; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static void bytes_set(uint8_t *p, unsigned len, uint64_t v)
{
	for (unsigned i = 0; i < len; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* Whether [off, off + len) and [reg, reg + size) share a byte. */
static bool overlaps(unsigned off, unsigned len, unsigned reg, unsigned size)
{
	return off < reg + size && reg < off + len;
}

/* --- MSI-X: lock-free side ------------------------------------------------------ */

static struct msi_msg vp_msix_msg(struct virtio_pci *vp, unsigned v)
{
	const uint32_t *e = vp->msix_table[v];

	/* Requester ID on bus 0: device number << 3, function 0 (PCIe 3.0 §2.2.6.2). */
	return (struct msi_msg){
		.addr = LOAD(&e[0]) | (uint64_t)LOAD(&e[1]) << 32,
		.data = LOAD(&e[2]),
		.devid = vp->pci.slot << 3,
	};
}

static void vp_msix_deliver(struct virtio_pci *vp, unsigned v, uint8_t state)
{
	struct msi_msg msg;

	if (state == VEC_IRQFD) {
		eventfd_write(vp->vec_fd[v], 1);
		STAT(vp, irq_irqfd, 1);
		return;
	}
	msg = vp_msix_msg(vp, v);
	vp->fp.ops->msi_send(vp->fp.ctx, &msg);
	STAT(vp, irq_slow, 1);
}

static bool vp_pba_take(struct virtio_pci *vp, unsigned v)
{
	uint64_t bit = 1ULL << (v % 64);

	return __atomic_fetch_and(&vp->pba[v / 64], ~bit, __ATOMIC_SEQ_CST) & bit;
}

static void vp_msix_raise(struct virtio_pci *vp, unsigned v)
{
	uint8_t state;

	if (v >= vp->nr_vectors)
		return;
	state = LOAD(&vp->vec_state[v]);
	if (state != VEC_OFF) {
		vp_msix_deliver(vp, v, state);
		return;
	}
	/* Pending first, then look again: pairs with vp_msix_update() (see the top). */
	FETCH_OR(&vp->pba[v / 64], 1ULL << (v % 64));
	STAT(vp, irq_masked, 1);
	state = LOAD(&vp->vec_state[v]);
	if (state != VEC_OFF && vp_pba_take(vp, v))
		vp_msix_deliver(vp, v, state);
}

/* --- INTx: lock-free side ------------------------------------------------------- */

/* The line's level, virtio 1.2 §4.1.4.5: ISR != 0, unless MSI-X or INTx Disable. */
static bool vp_intx_level(struct virtio_pci *vp)
{
	return LOAD(&vp->isr) && !LOAD(&vp->msix_enabled) && !LOAD(&vp->intx_disabled);
}

/*
 * Drives the line through spi_set() to vp_intx_level(). Lock-free: whoever
 * wins intx_busy applies every change flagged in intx_dirty, including the
 * ones flagged by threads that lost, so spi_set() calls never reorder.
 */
static void vp_intx_slow_sync(struct virtio_pci *vp)
{
	STORE(&vp->intx_dirty, 1);
	while (!XCHG(&vp->intx_busy, 1)) {
		while (XCHG(&vp->intx_dirty, 0)) {
			bool level = vp_intx_level(vp);

			if (level == vp->intx_line)
				continue;
			vp->fp.ops->spi_set(vp->fp.ctx, vp->intx_spi, level);
			vp->intx_line = level;
			if (level)
				STAT(vp, irq_slow, 1);
		}
		STORE(&vp->intx_busy, 0);
		if (!LOAD(&vp->intx_dirty))
			break;
	}
}

/*
 * After ISR or a mask changed. A bound irqfd is raised by a write and
 * lowered by the guest's EOI, so only raising needs us there.
 */
static void vp_intx_update(struct virtio_pci *vp)
{
	if (!LOAD(&vp->intx_bound)) {
		vp_intx_slow_sync(vp);
	} else if (vp_intx_level(vp)) {
		eventfd_write(vp->intx_fd, 1);
		STAT(vp, irq_irqfd, 1);
	}
}

/* The fastpath lowered the line at the guest's EOI: raise it again if ISR still says so. */
static void vp_intx_resample(void *opaque)
{
	struct virtio_pci *vp = opaque;

	if (vp_intx_level(vp)) {
		eventfd_write(vp->intx_fd, 1);
		STAT(vp, irq_irqfd, 1);
	}
}

/* --- transport ops (device threads) --------------------------------------------- */

static void vp_notify_queue(struct virtio_dev *dev, unsigned q)
{
	struct virtio_pci *vp = dev->transport;

	if (q >= dev->nr_queues)
		return;
	if (LOAD(&vp->msix_enabled)) {
		vp_msix_raise(vp, LOAD(&vp->queues[q].msix_vector));
		return;
	}
	FETCH_OR(&vp->isr, VIRTIO_PCI_ISR_QUEUE);
	vp_intx_update(vp);
}

/* virtio 1.2 §4.1.4.5: the config bit is set before the notification, MSI-X or not. */
static void vp_notify_config(struct virtio_dev *dev)
{
	struct virtio_pci *vp = dev->transport;

	__atomic_fetch_add(&vp->config_generation, 1, __ATOMIC_SEQ_CST);
	STAT(vp, config_changes, 1);
	FETCH_OR(&vp->isr, VIRTIO_PCI_ISR_CONFIG);
	if (LOAD(&vp->msix_enabled))
		vp_msix_raise(vp, LOAD(&vp->config_vector));
	else
		vp_intx_update(vp);
}

static void vp_needs_reset(struct virtio_dev *dev)
{
	struct virtio_pci *vp = dev->transport;

	FETCH_OR(&vp->status, VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	vp_notify_config(dev);
}

static const struct virtio_transport_ops vp_transport_ops = {
	.notify_queue = vp_notify_queue,
	.notify_config = vp_notify_config,
	.needs_reset = vp_needs_reset,
};

/* --- MSI-X: locked side --------------------------------------------------------- */

/* Binds vector v's eventfd to its message; returns the state it can be live in. */
static uint8_t vp_msix_bind(struct virtio_pci *vp, unsigned v)
{
	struct msi_msg msg;
	int ret;

	if (vp->msi_slow)
		return VEC_SLOW;
	msg = vp_msix_msg(vp, v);
	ret = vp->fp.ops->msi_bind(vp->fp.ctx, vp->vec_fd[v], &msg);
	if (!ret)
		return VEC_IRQFD;
	if (ret == -ENOSYS)
		STORE(&vp->msi_slow, true);
	else
		log_warn("%s: MSI-X vector %u: cannot bind irqfd (%s), using the slow path",
			 vp->dev->name, v, strerror(-ret));
	return VEC_SLOW;
}

/* Moves what raises left in an eventfd while it was unbound into the PBA. */
static void vp_msix_drain(struct virtio_pci *vp, unsigned v)
{
	eventfd_t n;

	if (!eventfd_read(vp->vec_fd[v], &n) && n)
		FETCH_OR(&vp->pba[v / 64], 1ULL << (v % 64));
}

static void vp_msix_off(struct virtio_pci *vp, unsigned v)
{
	uint8_t old = XCHG(&vp->vec_state[v], VEC_OFF);

	if (old == VEC_IRQFD)
		vp->fp.ops->msi_unbind(vp->fp.ctx, vp->vec_fd[v]);
}

/* PCI 3.0 §6.8.2.9: a vector is live unless disabled, function-masked or masked. */
static void vp_msix_update(struct virtio_pci *vp, unsigned v)
{
	bool live = vp->msix_enabled && !vp->msix_masked &&
		    !(vp->msix_table[v][3] & PCI_MSIX_ENTRY_CTRL_MASKBIT);
	uint8_t state = LOAD(&vp->vec_state[v]);

	if (live == (state != VEC_OFF))
		return;
	if (!live) {
		vp_msix_off(vp, v);
		return;
	}
	state = vp_msix_bind(vp, v);
	if (state == VEC_SLOW)
		vp_msix_drain(vp, v);
	STORE(&vp->vec_state[v], state);
	if (vp_pba_take(vp, v))
		vp_msix_deliver(vp, v, state);
}

static void vp_msix_update_all(struct virtio_pci *vp)
{
	for (unsigned v = 0; v < vp->nr_vectors; v++)
		vp_msix_update(vp, v);
}

/* The guest changed a live vector's address or data: the kernel's route must follow. */
static void vp_msix_retarget(struct virtio_pci *vp, unsigned v)
{
	struct msi_msg msg;

	if (LOAD(&vp->vec_state[v]) != VEC_IRQFD)
		return;
	msg = vp_msix_msg(vp, v);
	if (!vp->fp.ops->msi_bind(vp->fp.ctx, vp->vec_fd[v], &msg))
		return;
	vp_msix_off(vp, v);
	vp_msix_update(vp, v);
}

/* 4-byte accesses to any DWORD, 8-byte ones to a QWORD (PCI 3.0 §6.8.2); others ignored. */
static bool vp_msix_access_ok(uint64_t rel, unsigned len)
{
	return (len == 4 && rel % 4 == 0) || (len == 8 && rel % 8 == 0);
}

static void vp_msix_table_read(struct virtio_pci *vp, uint64_t rel, unsigned len, uint64_t *val)
{
	unsigned v = rel / PCI_MSIX_ENTRY_SIZE, w = rel % PCI_MSIX_ENTRY_SIZE / 4;

	if (!vp_msix_access_ok(rel, len) || v >= vp->nr_vectors)
		return;
	*val = LOAD(&vp->msix_table[v][w]);
	if (len == 8)
		*val |= (uint64_t)LOAD(&vp->msix_table[v][w + 1]) << 32;
}

static void vp_msix_word_write(struct virtio_pci *vp, unsigned v, unsigned w, uint32_t val)
{
	/* Message Address is DWORD-aligned; Vector Control has only the mask bit. */
	if (w == 0)
		val &= ~3U;
	else if (w == 3)
		val &= PCI_MSIX_ENTRY_CTRL_MASKBIT;
	if (LOAD(&vp->msix_table[v][w]) == val)
		return;
	STORE(&vp->msix_table[v][w], val);
	if (w == 3)
		vp_msix_update(vp, v);
	else
		vp_msix_retarget(vp, v);
}

static void vp_msix_table_write(struct virtio_pci *vp, uint64_t rel, unsigned len, uint64_t val)
{
	unsigned v = rel / PCI_MSIX_ENTRY_SIZE, w = rel % PCI_MSIX_ENTRY_SIZE / 4;

	if (!vp_msix_access_ok(rel, len) || v >= vp->nr_vectors)
		return;
	vp_msix_word_write(vp, v, w, (uint32_t)val);
	if (len == 8)
		vp_msix_word_write(vp, v, w + 1, (uint32_t)(val >> 32));
}

static bool vp_eventfd_pending(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* Pending: a PBA bit, or a count an unbound eventfd still holds. */
static uint64_t vp_pba_word(struct virtio_pci *vp, unsigned word)
{
	uint64_t bits = LOAD(&vp->pba[word]);

	for (unsigned i = 0; i < 64 && 64 * word + i < vp->nr_vectors; i++) {
		unsigned v = 64 * word + i;

		if (LOAD(&vp->vec_state[v]) == VEC_OFF && vp_eventfd_pending(vp->vec_fd[v]))
			bits |= 1ULL << i;
	}
	return bits;
}

static void vp_pba_read(struct virtio_pci *vp, uint64_t rel, unsigned len, uint64_t *val)
{
	unsigned word = rel / 8;

	if (!vp_msix_access_ok(rel, len) || word >= (vp->nr_vectors + 63) / 64)
		return;
	*val = vp_pba_word(vp, word);
	if (len == 4)
		*val = (uint32_t)(*val >> (rel % 8 * 8));
}

/* --- reset and the status state machine ----------------------------------------- */

static void vp_queue_clear(struct virtio_pci *vp, unsigned i)
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
static void vp_reset(struct virtio_pci *vp)
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

/* Sets up every enabled queue's rings, then starts the device (virtio 1.2 §3.1.1 step 8). */
static int vp_activate(struct virtio_pci *vp)
{
	struct virtio_dev *dev = vp->dev;
	int ret;

	for (unsigned i = 0; i < dev->nr_queues; i++) {
		const struct virtio_pci_queue *q = &vp->queues[i];
		struct virtio_queue *dq = &dev->queues[i];

		if (q->failed)
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

	bytes_set(img + VIRTIO_PCI_COMMON_DFSELECT, 4, vp->dfselect);
	bytes_set(img + VIRTIO_PCI_COMMON_DF, 4, vp_features_half(vp->offered, vp->dfselect));
	bytes_set(img + VIRTIO_PCI_COMMON_GFSELECT, 4, vp->gfselect);
	bytes_set(img + VIRTIO_PCI_COMMON_GF, 4,
		  vp_features_half(vp->driver_features, vp->gfselect));
	bytes_set(img + VIRTIO_PCI_COMMON_MSIX, 2, LOAD(&vp->config_vector));
	bytes_set(img + VIRTIO_PCI_COMMON_NUMQ, 2, vp->dev->nr_queues);
	img[VIRTIO_PCI_COMMON_STATUS] = LOAD(&vp->status);
	img[VIRTIO_PCI_COMMON_CFGGEN] = LOAD(&vp->config_generation);
	bytes_set(img + VIRTIO_PCI_COMMON_Q_SELECT, 2, vp->queue_select);
	if (!q)
		return;
	bytes_set(img + VIRTIO_PCI_COMMON_Q_SIZE, 2, q->size);
	bytes_set(img + VIRTIO_PCI_COMMON_Q_MSIX, 2, LOAD(&q->msix_vector));
	bytes_set(img + VIRTIO_PCI_COMMON_Q_ENABLE, 2, q->enable);
	bytes_set(img + VIRTIO_PCI_COMMON_Q_NOFF, 2, vp->queue_select);
	bytes_set(img + VIRTIO_PCI_COMMON_Q_DESC, 8, q->desc);
	bytes_set(img + VIRTIO_PCI_COMMON_Q_DRIVER, 8, q->driver);
	bytes_set(img + VIRTIO_PCI_COMMON_Q_DEVICE, 8, q->device);
}

/* Reads have no side effects, so any width works: the bytes of the image, 0 past it. */
static void vp_common_read(struct virtio_pci *vp, uint64_t off, unsigned len, uint64_t *val)
{
	uint8_t img[VIRTIO_PCI_COMMON_SIZE + 8] = { 0 };

	if (off >= VIRTIO_PCI_COMMON_SIZE)
		return;
	vp_common_image(vp, img);
	*val = bytes_get(img + off, len);
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

/* virtio 1.2 §4.1.4.3.2: sizes are powers of 2 up to the maximum; a bad one fails the queue. */
static void vp_queue_enable(struct virtio_pci *vp, struct virtio_pci_queue *q, uint16_t val)
{
	unsigned max = vp->dev->queues[vp->queue_select].size_max;

	if (val != 1) /* writing 0 is not allowed without RING_RESET */
		return;
	if (!q->size || (q->size & (q->size - 1)) || q->size > max)
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
static void vp_common_write(struct virtio_pci *vp, uint64_t off, unsigned len, uint64_t val)
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

/* --- BAR 0 ---------------------------------------------------------------------- */

/* virtio 1.2 §4.1.4.5: reading ISR clears it, and with it the INTx line. */
static void vp_isr_read(struct virtio_pci *vp, uint64_t rel, uint64_t *val)
{
	if (rel != 0)
		return;
	*val = XCHG(&vp->isr, 0);
	if (*val)
		vp_intx_update(vp);
}

static void vp_device_cfg_read(struct virtio_pci *vp, uint64_t rel, unsigned len, uint64_t *val)
{
	const uint8_t *cfg = vp->dev->config;

	for (unsigned i = len; i-- > 0;)
		*val = *val << 8 | (rel + i < vp->dev->config_size ? cfg[rel + i] : 0);
}

static void vp_device_cfg_write(struct virtio_pci *vp, uint64_t rel, unsigned len, uint64_t val)
{
	struct virtio_dev *dev = vp->dev;

	if (!dev->ops->config_write || rel >= dev->config_size || len > dev->config_size - rel)
		return;
	/* 64-bit fields are two 32-bit accesses to the device (virtio 1.2 §4.1.3.1). */
	if (len == 8) {
		dev->ops->config_write(dev, (unsigned)rel, 4, (uint32_t)val);
		dev->ops->config_write(dev, (unsigned)rel + 4, 4, (uint32_t)(val >> 32));
	} else {
		dev->ops->config_write(dev, (unsigned)rel, len, (uint32_t)val);
	}
}

/* The address picks the queue (virtio 1.2 §4.1.4.4); the value is not looked at. */
static void vp_notify_write(struct virtio_pci *vp, uint64_t rel)
{
	uint64_t q = rel / VIRTIO_PCI_NOTIFY_MULT;

	if (q >= vp->dev->nr_queues)
		return;
	eventfd_write(vp->dev->queues[q].kick_fd, 1);
	STAT(vp, kicks_mmio, 1);
}

/* vp->lock held. *val is 0 for anything that does not answer. */
static void vp_bar_read_locked(struct virtio_pci *vp, uint64_t off, unsigned len, uint64_t *val)
{
	*val = 0;
	if (off < VIRTIO_PCI_ISR_OFF)
		vp_common_read(vp, off - VIRTIO_PCI_COMMON_OFF, len, val);
	else if (off < VIRTIO_PCI_DEVICE_OFF)
		vp_isr_read(vp, off - VIRTIO_PCI_ISR_OFF, val);
	else if (off < VIRTIO_PCI_NOTIFY_OFF)
		vp_device_cfg_read(vp, off - VIRTIO_PCI_DEVICE_OFF, len, val);
	else if (off < VIRTIO_PCI_MSIX_TABLE_OFF)
		return;
	else if (off < VIRTIO_PCI_MSIX_PBA_OFF)
		vp_msix_table_read(vp, off - VIRTIO_PCI_MSIX_TABLE_OFF, len, val);
	else if (off < VIRTIO_PCI_BAR_SIZE)
		vp_pba_read(vp, off - VIRTIO_PCI_MSIX_PBA_OFF, len, val);
}

static void vp_bar_write_locked(struct virtio_pci *vp, uint64_t off, unsigned len, uint64_t val)
{
	if (off < VIRTIO_PCI_ISR_OFF)
		vp_common_write(vp, off - VIRTIO_PCI_COMMON_OFF, len, val);
	else if (off < VIRTIO_PCI_DEVICE_OFF)
		return; /* ISR is read-only */
	else if (off < VIRTIO_PCI_NOTIFY_OFF)
		vp_device_cfg_write(vp, off - VIRTIO_PCI_DEVICE_OFF, len, val);
	else if (off < VIRTIO_PCI_MSIX_TABLE_OFF)
		vp_notify_write(vp, off - VIRTIO_PCI_NOTIFY_OFF);
	else if (off < VIRTIO_PCI_MSIX_PBA_OFF)
		vp_msix_table_write(vp, off - VIRTIO_PCI_MSIX_TABLE_OFF, len, val);
	/* The PBA is read-only. */
}

static void vp_bar_read(struct pci_dev *pdev, unsigned bar, uint64_t off, unsigned len,
			uint64_t *val)
{
	struct virtio_pci *vp = pdev->opaque;

	if (bar != VIRTIO_PCI_BAR || off >= VIRTIO_PCI_BAR_SIZE || len > 8)
		return;
	pthread_mutex_lock(&vp->lock);
	vp_bar_read_locked(vp, off, len, val);
	pthread_mutex_unlock(&vp->lock);
}

static void vp_bar_write(struct pci_dev *pdev, unsigned bar, uint64_t off, unsigned len,
			 uint64_t val)
{
	struct virtio_pci *vp = pdev->opaque;

	if (bar != VIRTIO_PCI_BAR || off >= VIRTIO_PCI_BAR_SIZE || len > 8)
		return;
	pthread_mutex_lock(&vp->lock);
	vp_bar_write_locked(vp, off, len, val);
	pthread_mutex_unlock(&vp->lock);
}

/* --- doorbells ------------------------------------------------------------------ */

static uint64_t vp_doorbell_gpa(uint64_t base, unsigned q)
{
	return base + VIRTIO_PCI_NOTIFY_OFF + (uint64_t)q * VIRTIO_PCI_NOTIFY_MULT;
}

static void vp_doorbells_del(struct virtio_pci *vp)
{
	for (unsigned i = 0; i < vp->dev->nr_queues; i++) {
		if (!vp->doorbell[i])
			continue;
		vp->fp.ops->doorbell_del(vp->fp.ctx, vp_doorbell_gpa(vp->doorbell_base, i),
					 vp->dev->queues[i].kick_fd);
		vp->doorbell[i] = false;
		STAT(vp, doorbells_registered, -1);
	}
	vp->doorbell_base = PCI_BAR_UNMAPPED;
}

/* A doorbell the kernel refuses (no ioeventfd, a clash) still works through vp_notify_write(). */
static void vp_doorbells_add(struct virtio_pci *vp, uint64_t base)
{
	vp->doorbell_base = base;
	for (unsigned i = 0; i < vp->dev->nr_queues; i++) {
		int ret = vp->fp.ops->doorbell_add(vp->fp.ctx, vp_doorbell_gpa(base, i),
						   vp->dev->queues[i].kick_fd);

		vp->doorbell[i] = !ret;
		if (!ret)
			STAT(vp, doorbells_registered, 1);
		else if (ret != -ENOSYS)
			log_debug("%s: queue %u: no doorbell at 0x%llx (%s)", vp->dev->name, i,
				  (unsigned long long)vp_doorbell_gpa(base, i), strerror(-ret));
	}
}

static void vp_bar_remap(struct pci_dev *pdev, unsigned bar, uint64_t old, uint64_t new)
{
	struct virtio_pci *vp = pdev->opaque;

	(void)old; /* doorbell_base is what we registered */
	if (bar != VIRTIO_PCI_BAR)
		return;
	pthread_mutex_lock(&vp->lock);
	vp_doorbells_del(vp);
	if (new != PCI_BAR_UNMAPPED)
		vp_doorbells_add(vp, new);
	pthread_mutex_unlock(&vp->lock);
}

/* --- config space hooks (host lock held) ----------------------------------------- */

/*
 * The pci_cfg window (virtio 1.2 §4.1.4.9): the BAR access that cap.bar,
 * cap.offset and cap.length describe, if it is one a driver may make.
 */
static bool vp_cfgwin_target(struct virtio_pci *vp, uint64_t *off, unsigned *len)
{
	const struct pci_dev *p = &vp->pci;
	unsigned c = vp->cfgwin_cap;
	uint32_t bar = pci_dev_cfg_get(p, c + VIRTIO_PCI_CAP_BAR, 1);
	uint32_t o = pci_dev_cfg_get(p, c + VIRTIO_PCI_CAP_OFFSET, 4);
	uint32_t l = pci_dev_cfg_get(p, c + VIRTIO_PCI_CAP_LENGTH, 4);

	if (bar != VIRTIO_PCI_BAR || (l != 1 && l != 2 && l != 4) || o % l ||
	    o >= VIRTIO_PCI_BAR_SIZE)
		return false;
	*off = o;
	*len = l;
	return true;
}

static void vp_cfgwin_write(struct virtio_pci *vp)
{
	unsigned data = vp->cfgwin_cap + VIRTIO_PCI_CAP_PCI_CFG_DATA, len;
	uint64_t off;

	if (!vp_cfgwin_target(vp, &off, &len))
		return;
	pthread_mutex_lock(&vp->lock);
	vp_bar_write_locked(vp, off, len, pci_dev_cfg_get(&vp->pci, data, len));
	pthread_mutex_unlock(&vp->lock);
}

static void vp_cfgwin_read(struct virtio_pci *vp)
{
	unsigned data = vp->cfgwin_cap + VIRTIO_PCI_CAP_PCI_CFG_DATA, len;
	uint64_t off, val;

	if (!vp_cfgwin_target(vp, &off, &len))
		return;
	pthread_mutex_lock(&vp->lock);
	vp_bar_read_locked(vp, off, len, &val);
	pthread_mutex_unlock(&vp->lock);
	pci_dev_cfg_set(&vp->pci, data, len, (uint32_t)val);
}

/* Message Control changed: every vector's liveness and the INTx line may follow. */
static void vp_msix_ctrl_mirror(struct virtio_pci *vp)
{
	uint16_t ctrl = (uint16_t)pci_dev_cfg_get(&vp->pci, vp->msix_cap + PCI_MSIX_CTRL, 2);

	pthread_mutex_lock(&vp->lock);
	STORE(&vp->msix_enabled, (ctrl & PCI_MSIX_CTRL_ENABLE) != 0);
	STORE(&vp->msix_masked, (ctrl & PCI_MSIX_CTRL_MASKALL) != 0);
	vp_msix_update_all(vp);
	vp_intx_update(vp);
	pthread_mutex_unlock(&vp->lock);
}

static void vp_command_mirror(struct virtio_pci *vp)
{
	uint16_t cmd = (uint16_t)pci_dev_cfg_get(&vp->pci, PCI_COMMAND, 2);

	STORE(&vp->intx_disabled, (cmd & PCI_COMMAND_INTX_DISABLE) != 0);
	vp_intx_update(vp);
}

static void vp_cfg_write(struct pci_dev *pdev, unsigned off, unsigned len, uint32_t val)
{
	struct virtio_pci *vp = pdev->opaque;

	(void)val; /* config space holds the masked result */
	if (overlaps(off, len, PCI_COMMAND, 2))
		vp_command_mirror(vp);
	if (overlaps(off, len, vp->msix_cap + PCI_MSIX_CTRL, 2))
		vp_msix_ctrl_mirror(vp);
	if (overlaps(off, len, vp->cfgwin_cap + VIRTIO_PCI_CAP_PCI_CFG_DATA, 4))
		vp_cfgwin_write(vp);
}

/* Status' Interrupt Status is ISR's OR while INTx is in use (virtio 1.2 §4.1.4.5). */
static void vp_cfg_read(struct pci_dev *pdev, unsigned off, unsigned len, uint32_t *val)
{
	struct virtio_pci *vp = pdev->opaque;

	if (overlaps(off, len, vp->cfgwin_cap + VIRTIO_PCI_CAP_PCI_CFG_DATA, 4)) {
		vp_cfgwin_read(vp);
		*val = pci_dev_cfg_get(pdev, off, len);
	}
	if (overlaps(off, len, PCI_STATUS, 1)) {
		uint32_t bit = PCI_STATUS_INTERRUPT << (8 * (PCI_STATUS - off));

		if (LOAD(&vp->isr) && !LOAD(&vp->msix_enabled))
			*val |= bit;
		else
			*val &= ~bit;
	}
}

static const struct pci_dev_ops vp_pci_ops = {
	.bar_remap = vp_bar_remap,
	.cfg_write = vp_cfg_write,
	.cfg_read = vp_cfg_read,
	.bar_read = vp_bar_read,
	.bar_write = vp_bar_write,
};

/* --- setup ---------------------------------------------------------------------- */

static uint32_t vp_class_code(uint16_t device_id)
{
	switch (device_id) {
	case VIRTIO_ID_BLOCK: return VIRTIO_PCI_CLASS_BLOCK;
	case VIRTIO_ID_CONSOLE: return VIRTIO_PCI_CLASS_CONSOLE;
	case VIRTIO_ID_RNG: return VIRTIO_PCI_CLASS_RNG;
	default: return VIRTIO_PCI_CLASS_OTHER;
	}
}

static int vp_add_virtio_cap(struct pci_dev *p, uint8_t type, unsigned caplen, uint32_t off,
			     uint32_t len)
{
	int c = pci_dev_add_cap(p, PCI_CAP_ID_VNDR, caplen);

	if (c < 0)
		return c;
	pci_dev_cfg_set(p, c + VIRTIO_PCI_CAP_CAPLEN, 1, caplen);
	pci_dev_cfg_set(p, c + VIRTIO_PCI_CAP_CFG_TYPE, 1, type);
	pci_dev_cfg_set(p, c + VIRTIO_PCI_CAP_BAR, 1, VIRTIO_PCI_BAR);
	pci_dev_cfg_set(p, c + VIRTIO_PCI_CAP_OFFSET, 4, off);
	pci_dev_cfg_set(p, c + VIRTIO_PCI_CAP_LENGTH, 4, len);
	return c;
}

static int vp_add_msix_cap(struct virtio_pci *vp)
{
	struct pci_dev *p = &vp->pci;
	int c = pci_dev_add_cap(p, PCI_CAP_ID_MSIX, PCI_MSIX_CAP_LEN);

	if (c < 0)
		return c;
	vp->msix_cap = (unsigned)c;
	pci_dev_cfg_set(p, c + PCI_MSIX_CTRL, 2, vp->nr_vectors - 1);
	pci_dev_set_wmask(p, c + PCI_MSIX_CTRL, 2, PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL);
	pci_dev_cfg_set(p, c + PCI_MSIX_TABLE, 4, VIRTIO_PCI_MSIX_TABLE_OFF | VIRTIO_PCI_BAR);
	pci_dev_cfg_set(p, c + PCI_MSIX_PBA, 4, VIRTIO_PCI_MSIX_PBA_OFF | VIRTIO_PCI_BAR);
	return 0;
}

/* virtio 1.2 §4.1.4: one capability per structure, plus pci_cfg; then MSI-X. */
static int vp_add_caps(struct virtio_pci *vp)
{
	struct pci_dev *p = &vp->pci;
	unsigned qs = vp->dev->nr_queues;
	int c;

	c = vp_add_virtio_cap(p, VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_CAP_LEN,
			      VIRTIO_PCI_COMMON_OFF, VIRTIO_PCI_COMMON_SIZE);
	c = c < 0 ? c
		  : vp_add_virtio_cap(p, VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_NOTIFY_CAP_LEN,
				      VIRTIO_PCI_NOTIFY_OFF, qs * VIRTIO_PCI_NOTIFY_MULT);
	if (c < 0)
		return c;
	pci_dev_cfg_set(p, c + VIRTIO_PCI_CAP_NOTIFY_MULT, 4, VIRTIO_PCI_NOTIFY_MULT);
	c = vp_add_virtio_cap(p, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_CAP_LEN, VIRTIO_PCI_ISR_OFF, 1);
	if (c >= 0 && vp->dev->config_size)
		c = vp_add_virtio_cap(p, VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_CAP_LEN,
				      VIRTIO_PCI_DEVICE_OFF, vp->dev->config_size);
	c = c < 0 ? c : vp_add_virtio_cap(p, VIRTIO_PCI_CAP_PCI_CFG, VIRTIO_PCI_CFG_CAP_LEN, 0, 0);
	if (c < 0)
		return c;
	/* The driver points the window: cap.bar, cap.offset, cap.length and the data. */
	vp->cfgwin_cap = (unsigned)c;
	pci_dev_set_wmask(p, c + VIRTIO_PCI_CAP_BAR, 1, 0xff);
	pci_dev_set_wmask(p, c + VIRTIO_PCI_CAP_OFFSET, 4, UINT32_MAX);
	pci_dev_set_wmask(p, c + VIRTIO_PCI_CAP_LENGTH, 4, UINT32_MAX);
	pci_dev_set_wmask(p, c + VIRTIO_PCI_CAP_PCI_CFG_DATA, 4, UINT32_MAX);
	return vp_add_msix_cap(vp);
}

static int vp_build_cfg(struct virtio_pci *vp)
{
	const struct pci_dev_id id = {
		.vendor = VIRTIO_PCI_VENDOR,
		.device = (uint16_t)(VIRTIO_PCI_DEVICE_BASE + vp->dev->device_id),
		.subsys_vendor = VIRTIO_PCI_VENDOR,
		.subsys = VIRTIO_PCI_SUBSYS,
		.class_code = vp_class_code(vp->dev->device_id),
		.revision = VIRTIO_PCI_REVISION,
	};
	int ret;

	pci_dev_init(&vp->pci, &id, &vp_pci_ops, vp);
	ret = pci_dev_set_bar(&vp->pci, VIRTIO_PCI_BAR, PCI_BAR_MEM32, VIRTIO_PCI_BAR_SIZE, false);
	ret = ret ?: pci_dev_set_intx_pin(&vp->pci, PCI_INTA);
	return ret ?: vp_add_caps(vp);
}

static void vp_close_fds(struct virtio_pci *vp)
{
	for (unsigned i = 0; i < vp->dev->nr_queues; i++) {
		if (vp->dev->queues[i].kick_fd >= 0)
			close(vp->dev->queues[i].kick_fd);
		vp->dev->queues[i].kick_fd = -1;
	}
	for (unsigned v = 0; v < vp->nr_vectors; v++) {
		if (vp->vec_fd[v] >= 0)
			close(vp->vec_fd[v]);
		vp->vec_fd[v] = -1;
	}
	if (vp->intx_fd >= 0)
		close(vp->intx_fd);
	vp->intx_fd = -1;
}

static int vp_open_fds(struct virtio_pci *vp)
{
	int *fds[VIRTIO_MAX_QUEUES + VIRTIO_PCI_MAX_VECTORS + 1];
	unsigned n = 0;

	for (unsigned i = 0; i < vp->dev->nr_queues; i++)
		fds[n++] = &vp->dev->queues[i].kick_fd;
	for (unsigned v = 0; v < vp->nr_vectors; v++)
		fds[n++] = &vp->vec_fd[v];
	fds[n++] = &vp->intx_fd;
	for (unsigned i = 0; i < n; i++) {
		*fds[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (*fds[i] < 0)
			return -errno;
	}
	return 0;
}

static int vp_check_dev(const struct virtio_dev *dev, const struct fastpath *fp, char *err,
			size_t errlen)
{
	const struct fastpath_ops *o = fp->ops;

	if (!dev->name)
		return err_set(err, errlen, -EINVAL, "virtio device without a name");
	if (!dev->ops || !dev->ops->activate || !dev->ops->reset)
		return err_set(err, errlen, -EINVAL, "%s: device without activate/reset",
			       dev->name);
	if (!dev->nr_queues || dev->nr_queues > VIRTIO_MAX_QUEUES)
		return err_set(err, errlen, -EINVAL, "%s: %u queues (1..%u)", dev->name,
			       dev->nr_queues, VIRTIO_MAX_QUEUES);
	if (dev->config_size > VIRTIO_PCI_DEVICE_MAX || (dev->config_size && !dev->config))
		return err_set(err, errlen, -EINVAL, "%s: bad device config (%u bytes, max %u)",
			       dev->name, dev->config_size, VIRTIO_PCI_DEVICE_MAX);
	for (unsigned i = 0; i < dev->nr_queues; i++) {
		unsigned s = dev->queues[i].size_max;

		if (!s || (s & (s - 1)) || s > VIRTQ_MAX_SIZE)
			return err_set(err, errlen, -EINVAL, "%s: queue %u: bad size_max %u",
				       dev->name, i, s);
	}
	if (!o || !o->doorbell_add || !o->doorbell_del || !o->msi_bind || !o->msi_unbind ||
	    !o->intx_bind || !o->intx_unbind || !o->msi_send || !o->spi_set)
		return err_set(err, errlen, -EINVAL, "%s: incomplete fastpath ops", dev->name);
	return 0;
}

int virtio_pci_init(struct virtio_pci *vp, struct virtio_dev *dev, const struct fastpath *fp,
		    char *err, size_t errlen)
{
	int ret = vp_check_dev(dev, fp, err, errlen);

	if (ret)
		return ret;
	memset(vp, 0, sizeof(*vp));
	vp->dev = dev;
	vp->fp = *fp;
	vp->nr_vectors = dev->nr_queues + 1 < VIRTIO_PCI_MAX_VECTORS ? dev->nr_queues + 1
								     : VIRTIO_PCI_MAX_VECTORS;
	vp->offered = (dev->host_features | VIRTIO_PCI_F_ALWAYS) & ~VIRTIO_PCI_F_NEVER;
	vp->doorbell_base = PCI_BAR_UNMAPPED;
	vp->intx_fd = -1;
	for (unsigned v = 0; v < VIRTIO_PCI_MAX_VECTORS; v++)
		vp->vec_fd[v] = -1;
	/* PCI 3.0 §6.8.2.9: every vector starts masked. */
	for (unsigned v = 0; v < vp->nr_vectors; v++)
		vp->msix_table[v][3] = PCI_MSIX_ENTRY_CTRL_MASKBIT;
	for (unsigned i = 0; i < dev->nr_queues; i++) {
		dev->queues[i].kick_fd = -1;
		vp_queue_clear(vp, i);
	}
	vp->config_vector = VIRTIO_MSI_NO_VECTOR;
	ret = vp_build_cfg(vp);
	if (ret)
		return err_set(err, errlen, ret, "%s: cannot build PCI config space: %s", dev->name,
			       strerror(-ret));
	ret = vp_open_fds(vp);
	if (ret) {
		vp_close_fds(vp);
		return err_set(err, errlen, ret, "%s: cannot create eventfds: %s", dev->name,
			       strerror(-ret));
	}
	pthread_mutex_init(&vp->lock, NULL);
	dev->transport = vp;
	dev->transport_ops = &vp_transport_ops;
	return 0;
}

int virtio_pci_add(struct virtio_pci *vp, struct pci_host *host)
{
	int ret = pci_host_add_dev(host, &vp->pci), spi;

	if (ret < 0)
		return ret;
	spi = pci_dev_intx_spi(&vp->pci);
	if (spi < 0)
		return spi;
	vp->intx_spi = (unsigned)spi;
	ret = vp->fp.ops->intx_bind(vp->fp.ctx, vp->intx_spi, vp->intx_fd, vp_intx_resample, vp);
	if (!ret)
		STORE(&vp->intx_bound, true);
	else if (ret != -ENOSYS)
		log_warn("%s: cannot bind INTx irqfd (%s), using the slow path", vp->dev->name,
			 strerror(-ret));
	return 0;
}

void virtio_pci_destroy(struct virtio_pci *vp)
{
	struct virtio_dev *dev = vp->dev;

	pthread_mutex_lock(&vp->lock);
	if (vp->activated)
		vp_reset(vp);
	/* A resample() already under way may still run after intx_unbind(): let it raise nothing.
	 */
	STORE(&vp->intx_disabled, true);
	STORE(&vp->isr, 0);
	vp_doorbells_del(vp);
	for (unsigned v = 0; v < vp->nr_vectors; v++)
		vp_msix_off(vp, v);
	if (LOAD(&vp->intx_bound))
		vp->fp.ops->intx_unbind(vp->fp.ctx, vp->intx_fd);
	STORE(&vp->intx_bound, false);
	pthread_mutex_unlock(&vp->lock);
	vp_close_fds(vp);
	pthread_mutex_destroy(&vp->lock);
	dev->transport = NULL;
	dev->transport_ops = NULL;
	if (dev->ops->destroy)
		dev->ops->destroy(dev);
}

_Static_assert(sizeof(struct virtio_pci_stats) % sizeof(uint64_t) == 0,
	       "virtio_pci_stats_get() copies 64-bit counters");

void virtio_pci_stats_get(const struct virtio_pci *vp, struct virtio_pci_stats *out)
{
	const uint64_t *in = (const uint64_t *)&vp->stats;
	uint64_t *o = (uint64_t *)out;

	for (size_t i = 0; i < sizeof(*out) / sizeof(uint64_t); i++)
		o[i] = __atomic_load_n(&in[i], __ATOMIC_RELAXED);
}

void virtio_pci_kicks(const struct virtio_pci *vp, uint64_t *ioeventfd, uint64_t *mmio)
{
	uint64_t total = 0, m = __atomic_load_n(&vp->stats.kicks_mmio, __ATOMIC_RELAXED);

	for (unsigned i = 0; i < vp->dev->nr_queues; i++)
		total += __atomic_load_n(&vp->dev->queues[i].kicks, __ATOMIC_RELAXED);
	*ioeventfd = total > m ? total - m : 0;
	*mmio = m;
}
