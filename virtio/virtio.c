// SPDX-License-Identifier: GPL-2.0-only
/* The device side's helpers of virtio.h: kicks in, notifications out. */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "virtio.h"

bool virtio_queue_kick_read(struct virtio_dev *dev, unsigned q)
{
	struct virtio_queue *vq = &dev->queues[q];
	uint64_t n = 0;

	/* Non-blocking eventfd: one read returns every kick since the last one and resets it. */
	if (vq->kick_fd < 0 || read(vq->kick_fd, &n, sizeof(n)) != sizeof(n))
		return false;
	virtio_stat_add(&vq->kicks, n);
	return n != 0;
}

void virtio_queue_interrupt(struct virtio_dev *dev, unsigned q, uint16_t old_used)
{
	struct virtio_queue *vq = &dev->queues[q];

	if (!virtq_should_notify(&vq->vq, old_used))
		return;
	virtio_stat_add(&vq->interrupts, 1);
	dev->transport_ops->notify_queue(dev, q);
}

void virtio_queue_notify(struct virtio_dev *dev, unsigned q)
{
	if (q >= dev->nr_queues)
		return;
	virtio_stat_add(&dev->queues[q].interrupts, 1);
	dev->transport_ops->notify_queue(dev, q);
}

int virtio_queue_irqfd(struct virtio_dev *dev, unsigned q)
{
	if (!dev->transport_ops->queue_irqfd)
		return -ENOSYS;
	return dev->transport_ops->queue_irqfd(dev, q);
}

void virtio_dev_needs_reset(struct virtio_dev *dev)
{
	dev->transport_ops->needs_reset(dev);
}

void virtio_dev_notify_config(struct virtio_dev *dev)
{
	dev->transport_ops->notify_config(dev);
}
