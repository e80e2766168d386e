/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-vsock (virtio 1.2 §5.10) on the kernel's vhost-vsock: the rx and
 * tx queues go to /dev/vhost-vsock (virtio/vhost.h), which connects the
 * guest's AF_VSOCK sockets to the host's. armlet keeps the event queue: its
 * only event, VIRTIO_VSOCK_EVENT_TRANSPORT_RESET, follows a migration, which
 * armlet does not do, so the driver's event buffers simply stay posted.
 */
#ifndef ARMLET_VIRTIO_VSOCK_H
#define ARMLET_VIRTIO_VSOCK_H

#include <stddef.h>
#include <stdint.h>

#include "../vmm/mem.h"
#include "vhost.h"
#include "virtio.h"

#define VIRTIO_ID_VSOCK 19

/* Queues (virtio 1.2 §5.10.2). */
#define VSOCK_Q_RX    0
#define VSOCK_Q_TX    1
#define VSOCK_Q_EVENT 2
#define VSOCK_NR_Q    3

#define VSOCK_QUEUE_SIZE 256

/* Feature bits (virtio 1.2 §5.10.3). */
#define VIRTIO_VSOCK_F_STREAM	 0
#define VIRTIO_VSOCK_F_SEQPACKET 1

#define VSOCK_DEFAULT_DEV "/dev/vhost-vsock"

struct virtio_vsock {
	struct virtio_dev vdev; /* what the transport takes */
	struct vhost vhost;
	uint64_t cid;
	uint8_t config[8]; /* le64 guest_cid (virtio 1.2 §5.10.4) */
	bool running;	   /* VHOST_VSOCK_SET_RUNNING 1 took */
};

/*
 * Opens the vhost-vsock device at path (VSOCK_DEFAULT_DEV) and claims cid
 * for the guest (VHOST_VSOCK_SET_GUEST_CID), through ioctl_fn (NULL: the
 * real ioctl). cid must be 3..0xfffffffe. mem must outlive the device.
 * Returns 0, or -errno with a one-line reason in err: no module, no access,
 * or the CID already taken by another VM (-EADDRINUSE). Free with
 * vs->vdev.ops->destroy(), as the transport does at teardown.
 */
int virtio_vsock_init(struct virtio_vsock *vs, uint64_t cid, const struct guest_mem *mem,
		      const char *path, vhost_ioctl_fn ioctl_fn, char *err, size_t len);

#endif
