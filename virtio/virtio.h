/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The contract between a virtio device (virtio/blk.c, console.c, rng.c) and
 * its transport (virtio/pci.c). A device knows its queues, guest memory
 * through guest_ptr() (via struct virtq), and an interrupt handle; it knows
 * nothing of PCI, BARs, MSI-X, ioeventfds or irqfds.
 *
 * Lifecycle (virtio 1.2 §3.1):
 *   1. The device's own init fills struct virtio_dev: ops, device_id,
 *      host_features (device-specific bits only: the transport adds
 *      VERSION_1, INDIRECT_DESC and EVENT_IDX itself), nr_queues, queues[]
 *      with each queue's size_max, config/config_size, name, mem.
 *   2. The transport takes it (virtio_pci_init()), creates one kick eventfd
 *      per queue (queues[i].kick_fd) and installs itself in dev->transport.
 *   3. The driver negotiates; at FEATURES_OK the transport stores the result
 *      in dev->features after ops->features_ok() (if any) agreed.
 *   4. At DRIVER_OK the transport fills queues[i].vq for every enabled queue
 *      (virtq_init()) and calls ops->activate(). From then on the device
 *      serves the queues from its own thread(s): never from a vCPU thread.
 *   5. At reset (the driver writes 0 to device_status, or the VM goes away)
 *      the transport calls ops->reset(), which returns only once no device
 *      thread touches guest memory, the queues or the interrupt handle.
 *
 * Kicks. A queue's kick_fd is an eventfd that becomes readable when the
 * driver notifies the queue, written either by KVM (ioeventfd) or by the
 * transport on an MMIO exit (when the host lacks ioeventfd). The device
 * polls it and consumes it with virtio_queue_kick_read(). A kick may arrive
 * for a queue that is empty or not yet enabled: it means nothing then.
 *
 * Interrupts. After pushing used buffers the device calls
 * virtio_queue_interrupt(), which asks the ring whether the driver wants a
 * notification (EVENT_IDX / NO_INTERRUPT) and, if so, has the transport
 * raise it (MSI-X vector through irqfd, or INTx). The transport's interrupt
 * ops are lock-free and safe from any device thread, including while a vCPU
 * thread is inside ops->reset() waiting for that device thread to stop.
 */
#ifndef ARMLET_VIRTIO_H
#define ARMLET_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include "../vmm/mem.h"
#include "virtqueue.h"

/* Device IDs (virtio 1.2 §5). */
#define VIRTIO_ID_NET	  1
#define VIRTIO_ID_BLOCK	  2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG	  4

/* Reserved feature bits (virtio 1.2 §6). */
#define VIRTIO_F_INDIRECT_DESC	   28
#define VIRTIO_F_EVENT_IDX	   29
#define VIRTIO_F_VERSION_1	   32
#define VIRTIO_F_ACCESS_PLATFORM   33
#define VIRTIO_F_RING_PACKED	   34
#define VIRTIO_F_IN_ORDER	   35
#define VIRTIO_F_ORDER_PLATFORM	   36
#define VIRTIO_F_SR_IOV		   37
#define VIRTIO_F_NOTIFICATION_DATA 38

#define VIRTIO_BIT(f) (1ULL << (f))

/* device_status bits (virtio 1.2 §2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	 1
#define VIRTIO_STATUS_DRIVER		 2
#define VIRTIO_STATUS_DRIVER_OK		 4
#define VIRTIO_STATUS_FEATURES_OK	 8
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED		 128

#define VIRTIO_MAX_QUEUES 65 /* virtio-blk: one per vCPU (64) ; console: 2 (+ control later) */

struct virtio_dev;

struct virtio_dev_ops {
	/*
	 * Optional: the driver proposes features (already masked to what was
	 * offered); return false to refuse them (FEATURES_OK then stays
	 * clear, virtio 1.2 §3.1.1 step 6).
	 */
	bool (*features_ok)(struct virtio_dev *dev, uint64_t features);
	/*
	 * Optional: the driver wrote val, len (1, 2 or 4) bytes of device
	 * config at off (off + len <= config_size). Without it, device config
	 * is read-only to the driver; with it, the device updates dev->config
	 * itself as the field's rules say. Called from a vCPU thread with the
	 * transport's lock held: must not block.
	 */
	void (*config_write)(struct virtio_dev *dev, unsigned off, unsigned len, uint32_t val);
	/*
	 * DRIVER_OK: queues[i].vq is ready for every queues[i].enabled. Start
	 * serving them. Returns -errno: the transport then sets
	 * DEVICE_NEEDS_RESET. Called from a vCPU thread.
	 */
	int (*activate)(struct virtio_dev *dev);
	/*
	 * Stop: when it returns, no device thread uses the queues, guest memory
	 * or the interrupt handle any more, and requests in flight have
	 * completed (or been abandoned with nothing left to write into guest
	 * memory). Called from a vCPU thread, or at teardown; only after a
	 * successful activate(). Must not fail.
	 */
	void (*reset)(struct virtio_dev *dev);
	/* Optional: frees what the device's init allocated; at teardown, after reset. */
	void (*destroy)(struct virtio_dev *dev);
};

/*
 * What the transport offers the device (filled in by the transport, called
 * through the virtio_queue_interrupt() / virtio_dev_*() helpers below).
 * Every op is lock-free and safe from any thread.
 */
struct virtio_transport_ops {
	/* Used buffer notification for queue q (virtio 1.2 §2.3.2). */
	void (*notify_queue)(struct virtio_dev *dev, unsigned q);
	/* Configuration change notification (virtio 1.2 §2.3.1). */
	void (*notify_config)(struct virtio_dev *dev);
	/*
	 * The device hit an error it cannot recover from without a reset (a
	 * broken ring): sets DEVICE_NEEDS_RESET and notifies the config change
	 * (virtio 1.2 §2.1.2). The device stops using its queues itself.
	 */
	void (*needs_reset)(struct virtio_dev *dev);
	/*
	 * Optional, for backends that complete buffers outside armlet (vhost,
	 * virtio/vhost.h): an eventfd whose every write raises queue q's used
	 * buffer notification with no armlet thread in between (its MSI-X
	 * vector bound through an irqfd; a write while the vector is masked
	 * stays pending, as virtio.h's interrupts do). Owned by the transport:
	 * valid until the device's reset() returns; never close it. -ENOSYS
	 * when that queue's notification needs armlet (INTx, no vector, no
	 * irqfd on this host): call virtio_queue_notify() from a relay then.
	 * The answer holds from activate() to reset() (the driver cannot move
	 * a queue's vector while DRIVER_OK).
	 */
	int (*queue_irqfd)(struct virtio_dev *dev, unsigned q);
};

struct virtio_queue {
	unsigned size_max; /* set by the device: the largest size it accepts (power of 2) */
	bool enabled;	   /* set by the transport: the driver enabled it */
	struct virtq vq;   /* valid from activate() to reset() for enabled queues */
	int kick_fd;	   /* eventfd owned by the transport, -1 before virtio_pci_init() */
	/* Statistics, updated with relaxed atomics. */
	uint64_t kicks;	     /* eventfd counts consumed by virtio_queue_kick_read() */
	uint64_t interrupts; /* used buffer notifications sent */
};

/* Per-device statistics, updated by the device with relaxed atomics. */
struct virtio_dev_stats {
	uint64_t requests;
	uint64_t bytes_read;	/* from guest buffers (e.g. disk writes, console output) */
	uint64_t bytes_written; /* into guest buffers (e.g. disk reads, entropy) */
	uint64_t errors;	/* requests completed with an error status */
};

struct virtio_dev {
	const struct virtio_dev_ops *ops;
	void *priv;	  /* the device's own state */
	const char *name; /* "virtio-blk0", for messages and --stats */
	uint16_t device_id;
	uint64_t host_features; /* device-specific feature bits offered */
	uint64_t features;	/* negotiated, valid from FEATURES_OK */
	const struct guest_mem *mem;

	/* Device configuration space (virtio 1.2 §4.1.4.6), little-endian. */
	void *config;
	unsigned config_size;

	unsigned nr_queues; /* 1..VIRTIO_MAX_QUEUES */
	struct virtio_queue queues[VIRTIO_MAX_QUEUES];

	const struct virtio_transport_ops *transport_ops;
	void *transport;

	struct virtio_dev_stats stats;
};

/*
 * Reads and clears queue q's kick eventfd (non-blocking); returns true if
 * the driver kicked since the last call. Counts the kicks.
 */
bool virtio_queue_kick_read(struct virtio_dev *dev, unsigned q);

/*
 * After a batch of virtq_push() calls on queue q that started with used
 * index old_used: notifies the driver if the ring says it wants it.
 */
void virtio_queue_interrupt(struct virtio_dev *dev, unsigned q, uint16_t old_used);

/*
 * Sends queue q's used buffer notification unconditionally: for backends
 * that already applied the ring's suppression rules (vhost's call eventfd).
 */
void virtio_queue_notify(struct virtio_dev *dev, unsigned q);

/* The transport's queue_irqfd op, or -ENOSYS where it has none. */
int virtio_queue_irqfd(struct virtio_dev *dev, unsigned q);

/* Marks the device broken (see needs_reset above). */
void virtio_dev_needs_reset(struct virtio_dev *dev);

/* Configuration change notification. */
void virtio_dev_notify_config(struct virtio_dev *dev);

/* Relaxed atomic add for the statistics counters. */
static inline void virtio_stat_add(uint64_t *counter, uint64_t n)
{
	__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

#endif
