/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-rng, the entropy device (virtio 1.2 §5.4): the driver posts
 * device-writable buffers on its one request queue and a device thread
 * fills them from getrandom(). No feature bits, no device configuration.
 */
#ifndef ARMLET_VIRTIO_RNG_H
#define ARMLET_VIRTIO_RNG_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../vmm/mem.h"
#include "virtio.h"

#define VIRTIO_RNG_QUEUE_SIZE 64
/*
 * The most bytes one request gets, so that one guest cannot drain the host's
 * pool in a single chain; the driver simply asks again (virtio 1.2 §5.4.6:
 * the device may fill less than the whole buffer).
 */
#define VIRTIO_RNG_REQ_MAX (64U << 10)

struct virtio_rng {
	struct virtio_dev vdev; /* what the transport takes */
	int stop_fd;		/* eventfd: reset() wakes the thread to stop */
	bool stopping;		/* atomic: the thread must not start another request */
	bool running;
	pthread_t thread;
	struct virtq_chain chain;
	uint8_t buf[4096]; /* entropy on its way into the chain */
};

/*
 * Fills r for the transport (virtio_pci_init(&r->vdev, ...)). mem must
 * outlive the device. Returns 0, or -errno with a message in err (len
 * bytes), e.g. when the host has no getrandom(). Free with
 * r->vdev.ops->destroy(&r->vdev), which the transport calls at teardown
 * once it took the device.
 */
int virtio_rng_init(struct virtio_rng *r, const struct guest_mem *mem, char *err, size_t len);

#endif
