// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk (virtio 1.2 §5.2): the device half. Parses -d/--disk, opens the
 * image (blk_image_open() in blk_sync.c), picks the backend, fills the
 * configuration space, and serves each enabled queue from its own I/O
 * thread, which pops requests and hands them to blk_req.c: that checks
 * every request a hostile guest can build and hands reads, writes and
 * flushes to the backend (blk_backend.h).
 */
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../vmm/log.h"
#include "../vmm/sandbox.h"
#include "blk.h"
#include "blk_backend.h"
#include "blk_internal.h"

_Static_assert(offsetof(struct virtio_blk_config, geometry) == 16, "virtio 1.2 §5.2.4");
_Static_assert(offsetof(struct virtio_blk_config, blk_size) == 20, "virtio 1.2 §5.2.4");
_Static_assert(offsetof(struct virtio_blk_config, topology.opt_io_size) == 28, "§5.2.4");
_Static_assert(offsetof(struct virtio_blk_config, writeback) == 32, "virtio 1.2 §5.2.4");
_Static_assert(offsetof(struct virtio_blk_config, num_queues) == 34, "virtio 1.2 §5.2.4");
_Static_assert(offsetof(struct virtio_blk_config, max_discard_sectors) == 36, "§5.2.4");
_Static_assert(offsetof(struct virtio_blk_config, write_zeroes_may_unmap) == 56, "§5.2.4");
_Static_assert(offsetof(struct virtio_blk_config, max_secure_erase_sectors) == 60, "§5.2.4");
_Static_assert(offsetof(struct virtio_blk_config, zoned) == 72, "virtio 1.2 §5.2.4");
_Static_assert(sizeof(struct virtio_blk_config) == 96, "virtio 1.2 §5.2.4");

static const char *const blk_io_names[] = {
	[BLK_IO_AUTO] = "auto",
	[BLK_IO_URING] = "uring",
	[BLK_IO_AIO] = "aio",
	[BLK_IO_SYNC] = "sync",
};

static const struct blk_backend_ops *const blk_backends[] = {
	[BLK_IO_URING] = &blk_uring_ops,
	[BLK_IO_AIO] = &blk_aio_ops,
	[BLK_IO_SYNC] = &blk_sync_ops,
};

/* --- -d PATH[,ro][,direct][,io=...] ------------------------------------------- */

static int blk_spec_option(struct blk_spec *s, const char *opt, size_t n, bool *io_set,
			   const char *arg, char *err, size_t len)
{
	if (n == 2 && !memcmp(opt, "ro", 2)) {
		s->ro = true;
	} else if (n == 6 && !memcmp(opt, "direct", 6)) {
		s->direct = true;
	} else if (n >= 3 && !memcmp(opt, "io=", 3)) {
		if (*io_set)
			return err_set(err, len, -EINVAL, "disk '%s': io= given twice", arg);
		*io_set = true;
		for (enum blk_io io = BLK_IO_URING; io <= BLK_IO_SYNC; io++) {
			if (strlen(blk_io_names[io]) == n - 3 &&
			    !memcmp(opt + 3, blk_io_names[io], n - 3)) {
				s->io = io;
				return 0;
			}
		}
		return err_set(err, len, -EINVAL, "disk '%s': unknown io=%.*s (uring, aio or sync)",
			       arg, (int)(n - 3), opt + 3);
	} else {
		return err_set(err, len, -EINVAL,
			       "disk '%s': unknown option '%.*s' (ro, direct, io=uring|aio|sync; a "
			       "path cannot contain ',')",
			       arg, (int)n, opt);
	}
	return 0;
}

int blk_spec_parse(const char *arg, struct blk_spec *out, char *err, size_t len)
{
	const char *comma = strchr(arg, ',');
	size_t n = comma ? (size_t)(comma - arg) : strlen(arg);
	bool io_set = false;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return err_set(err, len, -EINVAL, "disk '%s': empty path", arg);
	if (n >= sizeof(out->path))
		return err_set(err, len, -EINVAL, "disk path too long (%zu bytes)", n);
	memcpy(out->path, arg, n);
	while (comma) {
		const char *opt = comma + 1;
		int ret;

		comma = strchr(opt, ',');
		n = comma ? (size_t)(comma - opt) : strlen(opt);
		ret = blk_spec_option(out, opt, n, &io_set, arg, err, len);
		if (ret)
			return ret;
	}
	return 0;
}

/* --- queues ---------------------------------------------------------------------- */

static void blk_queue_free(struct blk_queue *q)
{
	if (!q)
		return;
	if (q->bq)
		q->blk->backend->queue_destroy(q->bq);
	if (q->stop_fd >= 0)
		close(q->stop_fd);
	free(q->bounce);
	free(q);
}

static void blk_queues_free(struct blk *blk)
{
	for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		blk_queue_free(blk->queues[i]);
		blk->queues[i] = NULL;
	}
}

/* Allocates every queue on ops; the backend's queue_create() is its probe. */
static int blk_queues_alloc(struct blk *blk, const struct blk_backend_ops *ops, unsigned nr,
			    char *err, size_t len)
{
	blk->backend = ops;
	for (unsigned i = 0; i < nr; i++) {
		/* About 1 MiB, mostly iovecs: calloc maps it untouched. */
		struct blk_queue *q = calloc(1, sizeof(*q));
		int ret;

		if (!q)
			return err_set(err, len, -ENOMEM, "out of memory");
		blk->queues[i] = q;
		q->blk = blk;
		q->index = i;
		q->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (q->stop_fd < 0)
			return err_set(err, len, -errno, "eventfd: %s", strerror(errno));
		ret = ops->queue_create(blk->fd, BLK_QUEUE_SIZE, &q->bq, err, len);
		if (ret)
			return ret;
	}
	return 0;
}

/* io=auto tries each backend in turn and says why it fell back (the sync one cannot fail). */
static int blk_backend_pick(struct blk *blk, enum blk_io io, unsigned nr, char *err, size_t len)
{
	enum blk_io first = io == BLK_IO_AUTO ? BLK_IO_URING : io;
	enum blk_io last = io == BLK_IO_AUTO ? BLK_IO_SYNC : io;
	char why[256];
	int ret = 0;

	for (enum blk_io i = first; i <= last; i++) {
		ret = blk_queues_alloc(blk, blk_backends[i], nr, why, sizeof(why));
		if (ret == 0)
			return 0;
		blk_queues_free(blk);
		if (i < last)
			log_warn("%s: io=%s unavailable (%s); falling back to io=%s", blk->name,
				 blk_io_names[i], why, blk_io_names[i + 1]);
	}
	return err_set(err, len, ret, "disk %s: io=%s: %s%s", blk->path, blk_io_names[last], why,
		       io == BLK_IO_AUTO ? "" : " (leave io= out to fall back to another backend)");
}

/* --- the queue thread ---------------------------------------------------------- */

/* Pops and starts requests until the ring is empty (virtqueue.h's loop) or a flush parks. */
static bool blk_queue_pop_all(struct blk_queue *q)
{
	bool popped = false;
	int ret = 0;

	do {
		virtq_notify_disable(q->vq);
		while (blk_req_admit(q) && (ret = virtq_pop(q->vq, &q->chain)) > 0) {
			blk_req_start(q, &q->chain);
			popped = true;
			if (q->flush)
				return true; /* kicks stay off: we come back without one */
		}
		/* At the in-flight limit: a completion brings us back, kicks stay off. */
		if (!blk_req_admit(q))
			return popped;
		if (ret < 0) {
			log_warn("%s: queue %u: malformed ring (%s); the device needs a reset",
				 q->blk->name, q->index, strerror(-ret));
			q->broken = true;
			virtio_dev_needs_reset(&q->blk->vdev);
			return popped;
		}
	} while (virtq_notify_enable(q->vq));
	return popped;
}

/* Serves the queue until nothing can move without waiting; one interrupt for it all. */
static void blk_queue_run(struct blk_queue *q)
{
	const struct blk_backend_ops *ops = q->blk->backend;
	uint16_t old_used = q->vq->used_idx;
	bool progress;

	do {
		progress = blk_req_flush_resume(q);
		if (!q->flush && !q->broken)
			progress |= blk_queue_pop_all(q);
		ops->commit(q->bq);
		progress |= ops->reap(q->bq, false, blk_req_done, q) > 0;
	} while (progress);
	virtio_queue_interrupt(&q->blk->vdev, q->index, old_used);
}

/* Sleeps until a kick, a completion or a stop; true on stop. */
static bool blk_queue_wait(struct blk_queue *q)
{
	struct virtio_dev *dev = &q->blk->vdev;
	struct pollfd pfd[3] = {
		{ .fd = q->stop_fd, .events = POLLIN },
		{ .fd = dev->queues[q->index].kick_fd, .events = POLLIN },
		{ .fd = q->blk->backend->completion_fd(q->bq), .events = POLLIN },
	};

	/* Negative fds are ignored by poll(). */
	if (poll(pfd, 3, -1) < 0)
		return false;
	if (pfd[0].revents)
		return true;
	if (pfd[1].revents)
		virtio_queue_kick_read(dev, q->index);
	return false;
}

static void *blk_queue_thread(void *arg)
{
	struct blk_queue *q = arg;

	/* Named from inside: see net_thread_main() (virtio/net.c). */
	pthread_setname_np(pthread_self(), q->thread_name);
	/* If this fails (logged), the vCPU filter it inherited still holds. */
	sandbox_thread_enter(SANDBOX_DEVICE);
	do
		blk_queue_run(q);
	while (!blk_queue_wait(q));
	/* The kernel may still be writing into guest RAM: wait for all of it. */
	q->stopping = true;
	while (q->inflight)
		q->blk->backend->reap(q->bq, true, blk_req_done, q);
	return NULL;
}

/* --- virtio_dev_ops ------------------------------------------------------------ */

static int blk_queue_start(struct blk_queue *q)
{
	struct virtio_queue *vq = &q->blk->vdev.queues[q->index];
	int ret;

	if (vq->vq.num > BLK_QUEUE_SIZE)
		return -EINVAL; /* the transport checks size_max too; q->reqs needs this */
	q->vq = &vq->vq;
	q->stopping = q->broken = false;
	q->inflight = q->inflight_peak = 0;
	q->inflight_bytes = 0;
	q->flush = NULL;
	snprintf(q->thread_name, sizeof(q->thread_name), "%.8s-q%u",
		 q->blk->name + strlen("virtio-"), q->index);
	ret = pthread_create(&q->thread, NULL, blk_queue_thread, q);
	if (ret)
		return -ret;
	q->running = true;
	return 0;
}

static void blk_reset(struct virtio_dev *dev)
{
	struct blk *blk = dev->priv;

	/* Stop them all first, then wait: their in-flight I/O drains in parallel. */
	for (unsigned i = 0; i < dev->nr_queues; i++)
		if (blk->queues[i]->running)
			eventfd_write(blk->queues[i]->stop_fd, 1);
	for (unsigned i = 0; i < dev->nr_queues; i++) {
		struct blk_queue *q = blk->queues[i];
		eventfd_t v;

		if (!q->running)
			continue;
		pthread_join(q->thread, NULL);
		eventfd_read(q->stop_fd, &v);
		q->running = false;
	}
}

static int blk_activate(struct virtio_dev *dev)
{
	struct blk *blk = dev->priv;
	sigset_t all, old;
	int ret = 0;

	/* The I/O threads take no signals: those are for the VMM's own threads. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (unsigned i = 0; i < dev->nr_queues && !ret; i++)
		if (dev->queues[i].enabled)
			ret = blk_queue_start(blk->queues[i]);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret) {
		log_error("%s: cannot start the queue threads: %s", blk->name, strerror(-ret));
		blk_reset(dev);
	}
	return ret;
}

static void blk_destroy(struct virtio_dev *dev)
{
	struct blk *blk = dev->priv;

	blk_reset(dev); /* a no-op after the transport's own reset */
	blk_queues_free(blk);
	if (blk->fd >= 0)
		close(blk->fd);
	blk->fd = -1;
}

static const struct virtio_dev_ops blk_dev_ops = {
	.activate = blk_activate,
	.reset = blk_reset,
	.destroy = blk_destroy,
};

/* --- init ------------------------------------------------------------------------ */

static void blk_config_fill(struct blk *blk, unsigned nr_queues)
{
	struct virtio_blk_config *c = &blk->config;
	uint32_t align = blk->blk_size / BLK_SECTOR_SIZE;

	memset(c, 0, sizeof(*c));
	c->capacity = htole64(blk->capacity);
	c->size_max = htole32(BLK_SIZE_MAX);
	c->seg_max = htole32(BLK_SEG_MAX);
	c->blk_size = htole32(blk->blk_size);
	/* Without CONFIG_WCE only informative: FLUSH alone means writeback (§5.2.5). */
	c->writeback = 1;
	c->num_queues = htole16((uint16_t)nr_queues);
	c->max_discard_sectors = htole32(BLK_DISCARD_MAX);
	c->max_discard_seg = htole32(1);
	c->discard_sector_alignment = htole32(align);
	c->max_write_zeroes_sectors = htole32(BLK_DISCARD_MAX);
	c->max_write_zeroes_seg = htole32(1);
	/* Files punch holes for unmap; BLKZEROOUT never unmaps. */
	c->write_zeroes_may_unmap = !blk->bdev;
}

static void blk_vdev_fill(struct blk *blk, unsigned nr_queues, const struct guest_mem *mem)
{
	struct virtio_dev *dev = &blk->vdev;
	uint64_t f = VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |
		     VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) |
		     VIRTIO_BIT(VIRTIO_BLK_F_MQ);

	if (blk->ro)
		f |= VIRTIO_BIT(VIRTIO_BLK_F_RO);
	else
		f |= VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES);
	dev->ops = &blk_dev_ops;
	dev->priv = blk;
	dev->name = blk->name;
	dev->device_id = VIRTIO_ID_BLOCK;
	dev->host_features = f;
	dev->mem = mem;
	dev->config = &blk->config;
	dev->config_size = sizeof(blk->config);
	dev->nr_queues = nr_queues;
	for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		dev->queues[i].size_max = BLK_QUEUE_SIZE;
		dev->queues[i].kick_fd = -1;
	}
}

int blk_init(struct blk *blk, const struct blk_spec *spec, unsigned nr_queues,
	     const struct guest_mem *mem, unsigned index, char *err, size_t len)
{
	char serial[VIRTIO_BLK_ID_BYTES + 1];
	struct blk_image image;
	int ret;

	memset(blk, 0, sizeof(*blk));
	blk->fd = -1;
	snprintf(blk->name, sizeof(blk->name), "virtio-blk%u", index);
	if (nr_queues < 1 || nr_queues > VIRTIO_MAX_QUEUES)
		return err_set(err, len, -EINVAL, "%s: %u queues (1..%d)", blk->name, nr_queues,
			       VIRTIO_MAX_QUEUES);
	snprintf(blk->path, sizeof(blk->path), "%s", spec->path);
	/* NUL-padded, unterminated at 20 bytes (virtio 1.2 §5.2.6). */
	snprintf(serial, sizeof(serial), "armlet-blk%u", index);
	memcpy(blk->serial, serial, strlen(serial));
	blk->ro = spec->ro;
	blk->direct = spec->direct;
	ret = blk_image_open(&image, spec->path, spec->ro, spec->direct, blk->name, err, len);
	if (ret)
		return ret;
	blk->fd = image.fd;
	blk->bdev = image.bdev;
	blk->capacity = image.capacity;
	blk->blk_size = image.blk_size;
	ret = blk_backend_pick(blk, spec->io, nr_queues, err, len);
	if (ret) {
		close(blk->fd);
		blk->fd = -1;
		return ret;
	}
	blk_config_fill(blk, nr_queues);
	blk_vdev_fill(blk, nr_queues, mem);
	log_debug("%s: %s: %llu sectors, block size %u%s%s, io=%s, %u queues", blk->name, blk->path,
		  (unsigned long long)blk->capacity, blk->blk_size, blk->ro ? ", ro" : "",
		  blk->direct ? ", direct" : "", blk->backend->name, nr_queues);
	return 0;
}
