// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtio PCI transport's interrupts: MSI-X (PCI 3.0 §6.8.2), INTx and
 * ISR (virtio 1.2 §4.1.4.5), and the transport ops devices call from their
 * own threads. See pci.h for the locking rules; everything a device thread
 * reaches here is lock-free, talking to the locked side through atomics.
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

#include "../vmm/log.h"
#include "pci_internal.h"

enum vec_state {
	VEC_OFF,
	VEC_IRQFD,
	VEC_SLOW,
};

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
void vp_intx_update(struct virtio_pci *vp)
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

void vp_needs_reset(struct virtio_dev *dev)
{
	struct virtio_pci *vp = dev->transport;

	FETCH_OR(&vp->status, VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	vp_notify_config(dev);
}

/*
 * The vector's eventfd itself: a write to it is what vp_msix_deliver()
 * does for a bound vector, and while the vector is off the count waits in
 * it (vp_msix_update() delivers it when bound again, the PBA shows it).
 * Not for the slow path: nothing reads the eventfd there.
 */
static int vp_queue_irqfd(struct virtio_dev *dev, unsigned q)
{
	struct virtio_pci *vp = dev->transport;
	unsigned v;

	if (q >= dev->nr_queues)
		return -EINVAL;
	if (!LOAD(&vp->msix_enabled) || LOAD(&vp->msi_slow))
		return -ENOSYS;
	v = LOAD(&vp->queues[q].msix_vector);
	if (v >= vp->nr_vectors || LOAD(&vp->vec_state[v]) == VEC_SLOW)
		return -ENOSYS;
	return vp->vec_fd[v];
}

const struct virtio_transport_ops vp_transport_ops = {
	.notify_queue = vp_notify_queue,
	.notify_config = vp_notify_config,
	.needs_reset = vp_needs_reset,
	.queue_irqfd = vp_queue_irqfd,
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

void vp_msix_table_read(struct virtio_pci *vp, uint64_t rel, unsigned len, uint64_t *val)
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

void vp_msix_table_write(struct virtio_pci *vp, uint64_t rel, unsigned len, uint64_t val)
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

void vp_pba_read(struct virtio_pci *vp, uint64_t rel, unsigned len, uint64_t *val)
{
	unsigned word = rel / 8;

	if (!vp_msix_access_ok(rel, len) || word >= (vp->nr_vectors + 63) / 64)
		return;
	*val = vp_pba_word(vp, word);
	if (len == 4)
		*val = (uint32_t)(*val >> (rel % 8 * 8));
}

/* --- ISR and config space mirrors ------------------------------------------------ */

/* virtio 1.2 §4.1.4.5: reading ISR clears it, and with it the INTx line. */
void vp_isr_read(struct virtio_pci *vp, uint64_t rel, uint64_t *val)
{
	if (rel != 0)
		return;
	*val = XCHG(&vp->isr, 0);
	if (*val)
		vp_intx_update(vp);
}

/* Message Control changed: every vector's liveness and the INTx line may follow. */
void vp_msix_ctrl_mirror(struct virtio_pci *vp)
{
	uint16_t ctrl = (uint16_t)pci_dev_cfg_get(&vp->pci, vp->msix_cap + PCI_MSIX_CTRL, 2);

	pthread_mutex_lock(&vp->lock);
	STORE(&vp->msix_enabled, (ctrl & PCI_MSIX_CTRL_ENABLE) != 0);
	STORE(&vp->msix_masked, (ctrl & PCI_MSIX_CTRL_MASKALL) != 0);
	vp_msix_update_all(vp);
	vp_intx_update(vp);
	pthread_mutex_unlock(&vp->lock);
}

void vp_command_mirror(struct virtio_pci *vp)
{
	uint16_t cmd = (uint16_t)pci_dev_cfg_get(&vp->pci, PCI_COMMAND, 2);

	STORE(&vp->intx_disabled, (cmd & PCI_COMMAND_INTX_DISABLE) != 0);
	vp_intx_update(vp);
}

/* --- binding and unbinding ------------------------------------------------------ */

void vp_intx_bind(struct virtio_pci *vp)
{
	int ret =
	    vp->fp.ops->intx_bind(vp->fp.ctx, vp->intx_spi, vp->intx_fd, vp_intx_resample, vp);

	if (!ret)
		STORE(&vp->intx_bound, true);
	else if (ret != -ENOSYS)
		log_warn("%s: cannot bind INTx irqfd (%s), using the slow path", vp->dev->name,
			 strerror(-ret));
}

/*
 * PCI 3.0 §6.8.2.9: at reset every vector is masked and MSI-X disabled;
 * the address and data are undefined, and zero is what init left them.
 * Binds go before the counts are drained, so no kernel route is left to
 * deliver a stale one.
 */
void vp_irq_reset(struct virtio_pci *vp)
{
	uint16_t ctrl = (uint16_t)pci_dev_cfg_get(&vp->pci, vp->msix_cap + PCI_MSIX_CTRL, 2);
	uint16_t cmd = (uint16_t)pci_dev_cfg_get(&vp->pci, PCI_COMMAND, 2);
	eventfd_t stale;

	STORE(&vp->msix_enabled, (ctrl & PCI_MSIX_CTRL_ENABLE) != 0);
	STORE(&vp->msix_masked, (ctrl & PCI_MSIX_CTRL_MASKALL) != 0);
	for (unsigned v = 0; v < vp->nr_vectors; v++) {
		for (unsigned w = 0; w < PCI_MSIX_ENTRY_SIZE / 4; w++)
			STORE(&vp->msix_table[v][w], w == 3 ? PCI_MSIX_ENTRY_CTRL_MASKBIT : 0);
		vp_msix_update(vp, v);
		eventfd_read(vp->vec_fd[v], &stale);
	}
	for (unsigned w = 0; w < (vp->nr_vectors + 63) / 64; w++)
		STORE(&vp->pba[w], 0);
	STORE(&vp->isr, 0);
	STORE(&vp->intx_disabled, (cmd & PCI_COMMAND_INTX_DISABLE) != 0);
	vp_intx_update(vp);
}

void vp_irq_unbind(struct virtio_pci *vp)
{
	/* A resample() already under way may still run after intx_unbind(): let it raise nothing.
	 */
	STORE(&vp->intx_disabled, true);
	STORE(&vp->isr, 0);
	for (unsigned v = 0; v < vp->nr_vectors; v++)
		vp_msix_off(vp, v);
	if (LOAD(&vp->intx_bound))
		vp->fp.ops->intx_unbind(vp->fp.ctx, vp->intx_fd);
	STORE(&vp->intx_bound, false);
}
