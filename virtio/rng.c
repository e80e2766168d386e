// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-rng (virtio 1.2 §5.4): one queue, one thread, getrandom(). The
 * thread may block in getrandom() only while the host's pool is not yet
 * initialised (early host boot); vCPU threads never wait for entropy.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <unistd.h>

#include "../vmm/log.h"
#include "../vmm/sandbox.h"
#include "rng.h"

#define RNG_Q 0

/* Fills len bytes of r->buf; returns 0 or -errno (never a short fill). */
static int rng_getrandom(struct virtio_rng *r, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = getrandom(r->buf + done, len - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

/* Fills the chain's writable part, up to VIRTIO_RNG_REQ_MAX; returns the bytes written. */
static uint32_t rng_fill(struct virtio_rng *r)
{
	size_t want =
	    r->chain.write_len < VIRTIO_RNG_REQ_MAX ? r->chain.write_len : VIRTIO_RNG_REQ_MAX;
	size_t done = 0;

	while (done < want) {
		size_t len = want - done < sizeof(r->buf) ? want - done : sizeof(r->buf);
		int ret = rng_getrandom(r, len);

		if (ret) {
			/* Whatever was filled is still good entropy. */
			log_error("%s: getrandom: %s", r->vdev.name, strerror(-ret));
			virtio_stat_add(&r->vdev.stats.errors, 1);
			break;
		}
		done += virtq_chain_write(&r->chain, done, r->buf, len);
	}
	virtio_stat_add(&r->vdev.stats.requests, 1);
	virtio_stat_add(&r->vdev.stats.bytes_written, done);
	return (uint32_t)done;
}

/*
 * Completes every available request (the loop of virtqueue.h). Returns
 * false when the thread must stop: reset() asked, or the ring broke.
 */
static bool rng_drain(struct virtio_rng *r)
{
	struct virtq *vq = &r->vdev.queues[RNG_Q].vq;
	int ret = 0;

	do {
		virtq_notify_disable(vq);
		while (!__atomic_load_n(&r->stopping, __ATOMIC_ACQUIRE) &&
		       (ret = virtq_pop(vq, &r->chain)) > 0) {
			uint16_t old_used = vq->used_idx;

			/* A chain with no writable part gets nothing: completed empty. */
			virtq_push(vq, r->chain.head, rng_fill(r));
			virtio_queue_interrupt(&r->vdev, RNG_Q, old_used);
		}
		if (__atomic_load_n(&r->stopping, __ATOMIC_ACQUIRE))
			return false;
		if (ret < 0) {
			log_warn("%s: broken request queue (%s), waiting for a reset", r->vdev.name,
				 strerror(-ret));
			virtio_dev_needs_reset(&r->vdev);
			return false;
		}
	} while (virtq_notify_enable(vq));
	return true;
}

static void *rng_thread(void *arg)
{
	struct virtio_rng *r = arg;
	struct pollfd p[2] = {
		{ .fd = r->vdev.queues[RNG_Q].kick_fd, .events = POLLIN },
		{ .fd = r->stop_fd, .events = POLLIN },
	};
	sigset_t all;

	/* Named from inside: see net_thread_main() (virtio/net.c). */
	pthread_setname_np(pthread_self(), "virtio-rng");
	/* Signals are for the main loop and the vCPUs. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	/* If this fails (logged), the vCPU filter it inherited still holds. */
	sandbox_thread_enter(SANDBOX_DEVICE);
	/* Buffers may have been posted before DRIVER_OK: drain before the first wait. */
	while (rng_drain(r)) {
		if (poll(p, 2, -1) < 0 && errno != EINTR) {
			log_error("%s: poll: %s", r->vdev.name, strerror(errno));
			break;
		}
		if (p[1].revents)
			break;
		virtio_queue_kick_read(&r->vdev, RNG_Q);
	}
	return NULL;
}

static int rng_activate(struct virtio_dev *dev)
{
	struct virtio_rng *r = dev->priv;
	int ret;

	if (r->running)
		return -EBUSY; /* activate() twice without a reset: a transport bug */
	if (!dev->queues[RNG_Q].enabled)
		return 0;
	__atomic_store_n(&r->stopping, false, __ATOMIC_RELEASE);
	ret = pthread_create(&r->thread, NULL, rng_thread, r);
	if (ret)
		return -ret;
	r->running = true;
	return 0;
}

static void rng_reset(struct virtio_dev *dev)
{
	struct virtio_rng *r = dev->priv;
	eventfd_t v;

	if (!r->running)
		return;
	__atomic_store_n(&r->stopping, true, __ATOMIC_RELEASE);
	eventfd_write(r->stop_fd, 1);
	pthread_join(r->thread, NULL);
	eventfd_read(r->stop_fd, &v); /* re-arm for the next activate() */
	r->running = false;
}

static void rng_destroy(struct virtio_dev *dev)
{
	struct virtio_rng *r = dev->priv;

	close(r->stop_fd);
	r->stop_fd = -1;
}

static const struct virtio_dev_ops rng_ops = {
	.activate = rng_activate,
	.reset = rng_reset,
	.destroy = rng_destroy,
};

int virtio_rng_init(struct virtio_rng *r, const struct guest_mem *mem, char *err, size_t len)
{
	struct virtio_dev *dev = &r->vdev;
	uint8_t probe;
	int ret;

	memset(r, 0, sizeof(*r));
	/* Fail here, with a reason, rather than hand the guest empty buffers later. */
	if (getrandom(&probe, 1, GRND_NONBLOCK) < 0 && errno != EAGAIN && errno != EINTR) {
		ret = -errno;
		return err_set(err, len, ret, "virtio-rng: the host's getrandom() fails: %s",
			       strerror(-ret));
	}
	r->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->stop_fd < 0) {
		ret = -errno;
		return err_set(err, len, ret, "virtio-rng: cannot create an eventfd: %s",
			       strerror(-ret));
	}
	dev->ops = &rng_ops;
	dev->priv = r;
	dev->name = "virtio-rng";
	dev->device_id = VIRTIO_ID_RNG;
	dev->mem = mem;
	dev->nr_queues = 1;
	dev->queues[RNG_Q].size_max = VIRTIO_RNG_QUEUE_SIZE;
	dev->queues[RNG_Q].kick_fd = -1;
	return 0;
}
