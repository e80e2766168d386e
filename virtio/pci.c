// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtio PCI transport (modern only, virtio 1.2 §4.1). See pci.h for
 * BAR 0's layout and the locking rules; in short, everything the guest
 * reaches runs under vp->lock on a vCPU thread, and everything a device
 * thread calls is lock-free, talking to the locked side through atomics.
 * This file is the PCI function: config space and the capabilities, BAR
 * 0's dispatch, the doorbells, setup and teardown. The common configuration
 * and the status state machine are pci_common.c's; MSI-X, INTx and ISR, and
 * the transport ops, pci_irq.c's.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../vmm/log.h"
#include "pci_internal.h"

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

_Static_assert(VIRTIO_PCI_MAX_VECTORS *PCI_MSIX_ENTRY_SIZE <=
		   VIRTIO_PCI_MSIX_PBA_OFF - VIRTIO_PCI_MSIX_TABLE_OFF,
	       "MSI-X table overlaps the PBA");
_Static_assert(VIRTIO_MAX_QUEUES *VIRTIO_PCI_NOTIFY_MULT <=
		   VIRTIO_PCI_MSIX_TABLE_OFF - VIRTIO_PCI_NOTIFY_OFF,
	       "notify region overlaps the MSI-X table");

/* Whether [off, off + len) and [reg, reg + size) share a byte. */
static bool overlaps(unsigned off, unsigned len, unsigned reg, unsigned size)
{
	return off < reg + size && reg < off + len;
}

/* --- BAR 0 ---------------------------------------------------------------------- */

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

/*
 * The host's reset (a guest reset with --reboot): the device as after the
 * driver's reset, then the PCI side. The BAR stopped decoding before this
 * (bar_remap took the doorbells down). config_generation keeps counting:
 * a driver only compares two reads of it (virtio 1.2 §2.5.1).
 */
static void vp_pci_reset(struct pci_dev *pdev)
{
	struct virtio_pci *vp = pdev->opaque;

	pthread_mutex_lock(&vp->lock);
	vp_reset(vp);
	vp_irq_reset(vp);
	pthread_mutex_unlock(&vp->lock);
}

static const struct pci_dev_ops vp_pci_ops = {
	.bar_remap = vp_bar_remap,
	.cfg_write = vp_cfg_write,
	.cfg_read = vp_cfg_read,
	.bar_read = vp_bar_read,
	.bar_write = vp_bar_write,
	.reset = vp_pci_reset,
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
	vp_intx_bind(vp);
	return 0;
}

void virtio_pci_destroy(struct virtio_pci *vp)
{
	struct virtio_dev *dev = vp->dev;

	pthread_mutex_lock(&vp->lock);
	if (vp->activated)
		vp_reset(vp);
	vp_doorbells_del(vp);
	vp_irq_unbind(vp);
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
