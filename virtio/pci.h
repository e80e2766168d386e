/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The virtio PCI transport, modern interface only (virtio 1.2 §4.1): a
 * non-transitional PCI function (device ID 0x1040 + virtio ID, revision 1)
 * with no legacy I/O BAR. It owns the PCI side of one struct virtio_dev:
 * config space and capabilities, the common configuration and its status
 * state machine, doorbells (ioeventfds), MSI-X and INTx (irqfds), falling
 * back to MMIO exits, msi_send() and spi_set() where struct fastpath says
 * the host lacks a mechanism.
 *
 * BAR 0: 32 KiB of 32-bit non-prefetchable memory, so it fits the 32-bit
 * window whatever the IPA size:
 *
 *   0x0000  common configuration  (virtio 1.2 §4.1.4.3)
 *   0x1000  ISR status, 1 byte    (§4.1.4.5; reading clears it)
 *   0x2000  device configuration  (§4.1.4.6; dev->config_size bytes, up to 4 KiB)
 *   0x3000  notifications         (§4.1.4.4; queue i at 0x3000 + 4 * i)
 *   0x4000  MSI-X table           (PCI 3.0 §6.8.2; 16 bytes per vector)
 *   0x6000  MSI-X PBA
 *
 * Threads and locks. Three kinds of callers:
 *   - vCPU threads, through the PCI host. cfg_read, cfg_write and bar_remap
 *     run with the host's lock held; bar_read and bar_write with the host's
 *     decode lock read-held. All of them take vp->lock, so the order is
 *     host lock -> decode lock -> vp->lock, and nothing under vp->lock
 *     calls back into the PCI host. dev->ops->activate(), reset() and
 *     config_write() are called with vp->lock held.
 *   - Device threads: the transport ops (notify_queue, notify_config,
 *     needs_reset) and the fastpath's INTx resample callback. They never
 *     take vp->lock: a vCPU thread may hold it inside dev->ops->reset(),
 *     waiting for that very device thread to stop. The state they need
 *     (MSI-X Enable and Function Mask, each vector's binding, the queue and
 *     config vectors, ISR, INTx Disable, device_status' NEEDS_RESET) is kept
 *     in atomics that the locked side publishes.
 *   - The main thread: virtio_pci_init() and virtio_pci_add() before the
 *     guest runs, the host's reset op (pci_host_reset(): the device as
 *     after a driver's reset, MSI-X and INTx as at power-on) between runs,
 *     virtio_pci_destroy() after every vCPU stopped.
 */
#ifndef ARMLET_VIRTIO_PCI_H
#define ARMLET_VIRTIO_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../vmm/fastpath.h"
#include "../vmm/pci.h"
#include "virtio.h"

/* PCI identity (virtio 1.2 §4.1.2). */
#define VIRTIO_PCI_VENDOR	 0x1af4
#define VIRTIO_PCI_DEVICE_BASE	 0x1040 /* + virtio device ID: non-transitional */
#define VIRTIO_PCI_REVISION	 1
#define VIRTIO_PCI_SUBSYS	 0x40	  /* "0x40 or higher" for non-transitional devices */
#define VIRTIO_PCI_CLASS_BLOCK	 0x018000 /* mass storage, other */
#define VIRTIO_PCI_CLASS_CONSOLE 0x078000 /* communication, other */
#define VIRTIO_PCI_CLASS_RNG	 0x00ff00 /* unclassified */
#define VIRTIO_PCI_CLASS_OTHER	 0xff0000

/* BAR 0's layout (see above). */
#define VIRTIO_PCI_BAR		  0
#define VIRTIO_PCI_BAR_SIZE	  0x8000
#define VIRTIO_PCI_COMMON_OFF	  0x0000
#define VIRTIO_PCI_ISR_OFF	  0x1000
#define VIRTIO_PCI_DEVICE_OFF	  0x2000
#define VIRTIO_PCI_DEVICE_MAX	  0x1000
#define VIRTIO_PCI_NOTIFY_OFF	  0x3000
#define VIRTIO_PCI_NOTIFY_MULT	  4
#define VIRTIO_PCI_MSIX_TABLE_OFF 0x4000
#define VIRTIO_PCI_MSIX_PBA_OFF	  0x6000

/* Virtio structure capabilities: struct virtio_pci_cap (virtio 1.2 §4.1.4). */
#define VIRTIO_PCI_CAP_COMMON_CFG   1
#define VIRTIO_PCI_CAP_NOTIFY_CFG   2
#define VIRTIO_PCI_CAP_ISR_CFG	    3
#define VIRTIO_PCI_CAP_DEVICE_CFG   4
#define VIRTIO_PCI_CAP_PCI_CFG	    5
#define VIRTIO_PCI_CAP_LEN	    16 /* the common struct virtio_pci_cap */
#define VIRTIO_PCI_NOTIFY_CAP_LEN   20 /* + le32 notify_off_multiplier */
#define VIRTIO_PCI_CFG_CAP_LEN	    20 /* + u8 pci_cfg_data[4] */
#define VIRTIO_PCI_CAP_VNDR	    0  /* offsets inside struct virtio_pci_cap */
#define VIRTIO_PCI_CAP_NEXT	    1
#define VIRTIO_PCI_CAP_CAPLEN	    2
#define VIRTIO_PCI_CAP_CFG_TYPE	    3
#define VIRTIO_PCI_CAP_BAR	    4
#define VIRTIO_PCI_CAP_OFFSET	    8
#define VIRTIO_PCI_CAP_LENGTH	    12
#define VIRTIO_PCI_CAP_NOTIFY_MULT  16
#define VIRTIO_PCI_CAP_PCI_CFG_DATA 16

/* struct virtio_pci_common_cfg (virtio 1.2 §4.1.4.3): offsets in the common region. */
#define VIRTIO_PCI_COMMON_DFSELECT 0x00 /* le32 device_feature_select */
#define VIRTIO_PCI_COMMON_DF	   0x04 /* le32 device_feature, read-only */
#define VIRTIO_PCI_COMMON_GFSELECT 0x08 /* le32 driver_feature_select */
#define VIRTIO_PCI_COMMON_GF	   0x0c /* le32 driver_feature */
#define VIRTIO_PCI_COMMON_MSIX	   0x10 /* le16 config_msix_vector */
#define VIRTIO_PCI_COMMON_NUMQ	   0x12 /* le16 num_queues, read-only */
#define VIRTIO_PCI_COMMON_STATUS   0x14 /* u8 device_status */
#define VIRTIO_PCI_COMMON_CFGGEN   0x15 /* u8 config_generation, read-only */
#define VIRTIO_PCI_COMMON_Q_SELECT 0x16 /* le16 queue_select */
#define VIRTIO_PCI_COMMON_Q_SIZE   0x18 /* le16 queue_size */
#define VIRTIO_PCI_COMMON_Q_MSIX   0x1a /* le16 queue_msix_vector */
#define VIRTIO_PCI_COMMON_Q_ENABLE 0x1c /* le16 queue_enable */
#define VIRTIO_PCI_COMMON_Q_NOFF   0x1e /* le16 queue_notify_off, read-only */
#define VIRTIO_PCI_COMMON_Q_DESC   0x20 /* le64 queue_desc */
#define VIRTIO_PCI_COMMON_Q_DRIVER 0x28 /* le64 queue_driver (available ring) */
#define VIRTIO_PCI_COMMON_Q_DEVICE 0x30 /* le64 queue_device (used ring) */
#define VIRTIO_PCI_COMMON_Q_NDATA  0x38 /* le16 queue_notify_data: not offered, reads 0 */
#define VIRTIO_PCI_COMMON_Q_RESET  0x3a /* le16 queue_reset: not offered, reads 0 */
#define VIRTIO_PCI_COMMON_SIZE	   0x3c

#define VIRTIO_MSI_NO_VECTOR 0xffff

/* ISR status bits (virtio 1.2 §4.1.4.5). */
#define VIRTIO_PCI_ISR_QUEUE  0x1
#define VIRTIO_PCI_ISR_CONFIG 0x2

/* One vector per queue plus the configuration vector, at most 256. */
#define VIRTIO_PCI_MAX_VECTORS (VIRTIO_MAX_QUEUES + 1 < 256 ? VIRTIO_MAX_QUEUES + 1 : 256)

/* A queue as the driver configured it through common config. */
struct virtio_pci_queue {
	uint16_t size;	      /* what queue_size holds: size_max until the driver writes it */
	uint16_t msix_vector; /* atomic: device threads read it */
	bool enable;	      /* queue_enable */
	bool failed;	      /* enabled with a bad size: DEVICE_NEEDS_RESET at DRIVER_OK */
	uint64_t desc, driver, device;
};

/* Counters, updated with relaxed atomics; read them with virtio_pci_stats_get(). */
struct virtio_pci_stats {
	uint64_t kicks_mmio;	       /* notifications that arrived as MMIO exits (or pci_cfg) */
	uint64_t irq_irqfd;	       /* interrupts raised through a bound eventfd */
	uint64_t irq_slow;	       /* interrupts raised through msi_send() or spi_set() */
	uint64_t irq_masked;	       /* MSI-X raises that found their vector masked (pending) */
	uint64_t config_changes;       /* configuration change notifications */
	uint64_t resets;	       /* device resets after an activation */
	uint64_t doorbells_registered; /* doorbells currently in the kernel (a gauge) */
};

struct virtio_pci {
	struct pci_dev pci;
	struct virtio_dev *dev;
	struct fastpath fp;
	pthread_mutex_t lock; /* everything below but what is marked atomic */

	/* Common configuration (virtio 1.2 §4.1.4.3). */
	uint64_t offered;	  /* device_feature: constant after init */
	uint64_t driver_features; /* driver_feature, both halves */
	uint32_t dfselect, gfselect;
	uint16_t config_vector;	   /* atomic */
	uint8_t status;		   /* atomic: device threads set DEVICE_NEEDS_RESET */
	uint8_t config_generation; /* atomic */
	uint16_t queue_select;
	bool activated; /* dev->ops->activate() succeeded: reset() owed */
	struct virtio_pci_queue queues[VIRTIO_MAX_QUEUES];

	/* Doorbells: where they are registered (the BAR address), and which ones took. */
	uint64_t doorbell_base;
	bool doorbell[VIRTIO_MAX_QUEUES];

	/* MSI-X. Table words and the following four are atomic. */
	unsigned nr_vectors;
	unsigned msix_cap; /* config space offsets of the MSI-X and pci_cfg capabilities */
	unsigned cfgwin_cap;
	uint32_t msix_table[VIRTIO_PCI_MAX_VECTORS][PCI_MSIX_ENTRY_SIZE / 4];
	uint64_t pba[(VIRTIO_PCI_MAX_VECTORS + 63) / 64];
	uint8_t vec_state[VIRTIO_PCI_MAX_VECTORS]; /* enum in pci_irq.c: off, irqfd, slow */
	bool msix_enabled, msix_masked;		   /* Message Control mirrors */
	bool msi_slow;				   /* msi_bind() said -ENOSYS: never again */
	int vec_fd[VIRTIO_PCI_MAX_VECTORS];

	/* INTx and ISR. isr, intx_disabled and intx_bound are atomic. */
	uint8_t isr;
	bool intx_disabled; /* the Command register's INTx Disable */
	bool intx_bound;    /* intx_bind() took intx_fd */
	int intx_fd;
	unsigned intx_spi;
	/* The slow path's line: whoever holds intx_busy drives it (see pci_irq.c). */
	uint8_t intx_busy, intx_dirty;
	bool intx_line;

	struct virtio_pci_stats stats;
};

/*
 * Sets vp up as the transport of dev, which its device's init filled in
 * (virtio.h, lifecycle step 1): builds config space (IDs by dev->device_id,
 * BAR 0, INTA, the virtio capabilities and MSI-X with nr_queues + 1
 * vectors), creates the eventfds (EFD_NONBLOCK | EFD_CLOEXEC: one kick fd
 * per queue, stored in dev->queues[i].kick_fd, one per MSI-X vector, one
 * for INTx) and installs the transport ops in dev. fp (copied) must have
 * every op set; fp->ctx must outlive vp. vp and dev must not move until
 * virtio_pci_destroy(). Returns 0, or -errno with a message in err:
 * -EINVAL for a device that breaks virtio.h's rules (no activate/reset op,
 * 0 or too many queues, a bad size_max, more than 4 KiB of config).
 */
int virtio_pci_init(struct virtio_pci *vp, struct virtio_dev *dev, const struct fastpath *fp,
		    char *err, size_t errlen);

/*
 * Puts vp on host (pci_host_add_dev()) and binds its INTx eventfd to the
 * SPI its pin reaches (fp intx_bind); if that fails (-ENOSYS: no resampling
 * irqfd here), INTx goes through spi_set(). After virtio_pci_init(), before
 * the guest runs. Returns 0 or -errno (from pci_host_add_dev()).
 */
int virtio_pci_add(struct virtio_pci *vp, struct pci_host *host);

/*
 * Resets the device if it is active (dev->ops->reset()), removes doorbells
 * and interrupt bindings, closes the eventfds and calls dev->ops->destroy().
 * After every vCPU stopped, while the fastpath still takes unbind calls; vp
 * stays in its host's slot (the host must not be accessed afterwards) and
 * its memory must stay valid until the fastpath can no longer call the INTx
 * resample callback (which, from here on, raises nothing). Only after a
 * successful virtio_pci_init().
 */
void virtio_pci_destroy(struct virtio_pci *vp);

/* A consistent-enough copy of vp's counters (relaxed loads). */
void virtio_pci_stats_get(const struct virtio_pci *vp, struct virtio_pci_stats *out);

/*
 * Kicks by path: those that arrived as MMIO exits (stats.kicks_mmio) and
 * those the kernel signalled through a doorbell (every kick the device
 * consumed, sum of dev->queues[i].kicks, minus the MMIO ones; 0 while the
 * device lags behind the MMIO count).
 */
void virtio_pci_kicks(const struct virtio_pci *vp, uint64_t *ioeventfd, uint64_t *mmio);

#endif
