/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vhost: hands some of a virtio device's queues to a Linux kernel backend
 * (/dev/vhost-net, /dev/vhost-vsock), which then walks the rings itself.
 * Generic plumbing only; the device does its backend-specific step
 * (VHOST_NET_SET_BACKEND, VHOST_VSOCK_SET_RUNNING) around vhost_start()
 * and vhost_stop().
 *
 * Per ring, as Documentation/virt/kvm and drivers/vhost expect:
 *   - memory: one region, guest RAM as struct guest_mem maps it;
 *   - kick: the transport's kick eventfd for the queue (virtio.h), which KVM
 *     signals through an ioeventfd, or the transport on an MMIO exit;
 *   - call: the transport's irqfd for the queue (virtio_queue_irqfd()), so a
 *     used buffer raises the MSI-X vector without armlet; where there is none
 *     (INTx, no irqfd), an eventfd of ours that a relay thread turns into
 *     virtio_queue_notify(). The kernel applies EVENT_IDX itself.
 *
 * Lifecycle: vhost_open() (or vhost_init_fd()) at device init, then any
 * number of vhost_start() / vhost_stop() pairs from the device's activate()
 * and reset(), then vhost_close() at destroy. A struct vhost is used by one
 * thread at a time (the transport serialises activate and reset).
 */
#ifndef ARMLET_VIRTIO_VHOST_H
#define ARMLET_VIRTIO_VHOST_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio.h"

/* Rings one vhost fd serves: vhost-net has 2 (rx, tx), vhost-vsock 2 (rx, tx). */
#define VHOST_MAX_RINGS 8

/* The ioctl(2) that reaches the backend; a unit test passes its own. */
typedef int (*vhost_ioctl_fn)(int fd, unsigned long req, void *arg);

struct vhost {
	int fd;		  /* the backend's file descriptor, owned */
	const char *name; /* for messages: "virtio-vsock" */
	vhost_ioctl_fn ioctl;
	uint64_t features; /* VHOST_GET_FEATURES: what the backend accepts */
	/*
	 * Negotiated bits the device serves itself and the kernel never sees,
	 * set by the device after vhost_open(): virtio-net's offloads and
	 * MAC/STATUS, which the tap behind vhost-net carries (0 for vsock).
	 */
	uint64_t device_features;

	/* Valid between vhost_start() and vhost_stop(). */
	struct virtio_dev *dev;
	unsigned nr_rings;
	unsigned queue[VHOST_MAX_RINGS]; /* ring i serves dev->queues[queue[i]] */
	int relay_fd[VHOST_MAX_RINGS];	 /* our call eventfd, or -1: the transport's irqfd */
	bool started;

	/* The relay thread, when any ring needs it. */
	int stop_fd;
	bool relay_running;
	pthread_t relay;
};

/*
 * Opens path (O_RDWR | O_CLOEXEC), becomes its owner (VHOST_SET_OWNER) and
 * reads its features, through ioctl_fn (NULL: ioctl(2)). Returns 0 or
 * -errno with a one-line reason in err ("virtio-vsock: cannot open
 * /dev/vhost-vsock: No such file or directory (load the module: modprobe
 * vhost_vsock)").
 */
int vhost_open(struct vhost *v, const char *path, const char *name, vhost_ioctl_fn ioctl_fn,
	       char *err, size_t errlen);

/*
 * The same on an fd already open, through ioctl_fn (NULL: ioctl(2)). The
 * fd is taken over: vhost_close() closes it, or this on failure. After a
 * failure of either, v->fd is -1 and vhost_close() is harmless.
 */
int vhost_init_fd(struct vhost *v, int fd, const char *name, vhost_ioctl_fn ioctl_fn, char *err,
		  size_t errlen);

/* Which of features the backend accepts (devices mask their offer with it at init). */
static inline uint64_t vhost_features(const struct vhost *v, uint64_t features)
{
	return v->features & features;
}

/*
 * Hands dev->queues[queues[i]] to the backend as its ring i, for i <
 * nr_rings, with dev->features less device_features (which must be a
 * subset of the backend's:
 * -EOPNOTSUPP otherwise). From the device's activate(): every listed queue
 * must be enabled (its vq valid). Starts the relay thread if a ring needs
 * it. Returns 0 or -errno (logged); on failure nothing is left started.
 */
int vhost_start(struct vhost *v, struct virtio_dev *dev, const unsigned *queues, unsigned nr_rings);

/*
 * Stops every ring (VHOST_GET_VRING_BASE, then kick and call unbound) and
 * the relay thread. The device must first stop its backend
 * (SET_RUNNING 0, SET_BACKEND -1): after that the kernel no longer touches
 * guest memory. A no-op when not started.
 */
void vhost_stop(struct vhost *v);

/* Stops, then closes the fd. Safe on a struct vhost whose open failed (fd -1). */
void vhost_close(struct vhost *v);

#endif
