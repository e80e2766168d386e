// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-9p (9p.h): the queue thread that carries messages between the
 * ring and the 9P server. One request at a time, in ring order; the server
 * never blocks on the guest (FIFOs are opened non-blocking, locks never
 * wait), so a reset only waits for the request in hand.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../vmm/le.h"
#include "../vmm/log.h"
#include "../vmm/sandbox.h"
#include "9p.h"
#include "9p_wire.h"

#define P9_Q 0

int p9_spec_parse(const char *arg, struct p9_spec *spec, char *why, size_t len)
{
	const char *comma = strchr(arg, ','), *tag, *end;
	size_t dlen, tlen;

	memset(spec, 0, sizeof(*spec));
	if (!comma)
		return err_set(why, len, -EINVAL, "expected DIR,TAG[,ro]");
	dlen = (size_t)(comma - arg);
	tag = comma + 1;
	end = strchr(tag, ',');
	tlen = end ? (size_t)(end - tag) : strlen(tag);
	if (dlen == 0 || dlen >= sizeof(spec->dir))
		return err_set(why, len, -EINVAL, "the directory is empty or too long");
	if (tlen == 0 || tlen > VIRTIO_9P_TAG_MAX)
		return err_set(why, len, -EINVAL, "the tag must have 1 to %d characters",
			       VIRTIO_9P_TAG_MAX);
	if (end && strcmp(end, ",ro") != 0)
		return err_set(why, len, -EINVAL, "unknown option '%s' (only ro)", end + 1);
	memcpy(spec->dir, arg, dlen);
	memcpy(spec->tag, tag, tlen);
	spec->ro = end != NULL;
	return 0;
}

/* One request: the reply goes into the chain's writable part, as much as fits. */
static uint32_t p9_serve(struct virtio_9p *p)
{
	struct virtq_chain *c = &p->chain;
	uint32_t req_len = c->read_len < P9_MAX_MSIZE ? c->read_len : P9_MAX_MSIZE;
	uint32_t resp_max = c->write_len < P9_MAX_MSIZE ? c->write_len : P9_MAX_MSIZE;
	uint32_t n;

	req_len = (uint32_t)virtq_chain_read(c, 0, p->req, req_len);
	n = p9_server_handle(&p->srv, p->req, req_len, p->resp, resp_max);
	n = (uint32_t)virtq_chain_write(c, 0, p->resp, n);
	virtio_stat_add(&p->vdev.stats.requests, 1);
	virtio_stat_add(&p->vdev.stats.bytes_read, req_len);
	virtio_stat_add(&p->vdev.stats.bytes_written, n);
	if (n >= P9_HDR_SIZE && p->resp[4] == P9_RLERROR)
		virtio_stat_add(&p->vdev.stats.errors, 1);
	return n;
}

/* The loop of virtqueue.h; false when the thread must stop. */
static bool p9_drain(struct virtio_9p *p)
{
	struct virtq *vq = &p->vdev.queues[P9_Q].vq;
	int ret = 0;

	do {
		virtq_notify_disable(vq);
		while (!__atomic_load_n(&p->stopping, __ATOMIC_ACQUIRE) &&
		       (ret = virtq_pop(vq, &p->chain)) > 0) {
			uint16_t old_used = vq->used_idx;

			virtq_push(vq, p->chain.head, p9_serve(p));
			virtio_queue_interrupt(&p->vdev, P9_Q, old_used);
		}
		if (__atomic_load_n(&p->stopping, __ATOMIC_ACQUIRE))
			return false;
		if (ret < 0) {
			log_warn("%s: broken request queue (%s), waiting for a reset", p->name,
				 strerror(-ret));
			virtio_dev_needs_reset(&p->vdev);
			return false;
		}
	} while (virtq_notify_enable(vq));
	return true;
}

static void *p9_thread(void *arg)
{
	struct virtio_9p *p = arg;
	struct pollfd pfd[2] = {
		{ .fd = p->vdev.queues[P9_Q].kick_fd, .events = POLLIN },
		{ .fd = p->stop_fd, .events = POLLIN },
	};
	sigset_t all;

	/* Named from inside: see net_thread_main() (virtio/net.c). */
	pthread_setname_np(pthread_self(), "virtio-9p");
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	/* If this fails (logged), the filter it inherited still holds. */
	sandbox_thread_enter(SANDBOX_DEVICE);
	while (p9_drain(p)) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR) {
			log_error("%s: poll: %s", p->name, strerror(errno));
			break;
		}
		if (pfd[1].revents)
			break;
		virtio_queue_kick_read(&p->vdev, P9_Q);
	}
	return NULL;
}

static int p9_activate(struct virtio_dev *dev)
{
	struct virtio_9p *p = dev->priv;
	int ret;

	if (p->running)
		return -EBUSY;
	if (!dev->queues[P9_Q].enabled)
		return 0;
	__atomic_store_n(&p->stopping, false, __ATOMIC_RELEASE);
	ret = pthread_create(&p->thread, NULL, p9_thread, p);
	if (ret)
		return -ret;
	p->running = true;
	return 0;
}

/* The driver's session ends with the device: every fid goes. */
static void p9_reset(struct virtio_dev *dev)
{
	struct virtio_9p *p = dev->priv;
	eventfd_t v;

	if (p->running) {
		__atomic_store_n(&p->stopping, true, __ATOMIC_RELEASE);
		eventfd_write(p->stop_fd, 1);
		pthread_join(p->thread, NULL);
		eventfd_read(p->stop_fd, &v);
		p->running = false;
	}
	p9_server_reset(&p->srv);
}

static void p9_destroy(struct virtio_dev *dev)
{
	struct virtio_9p *p = dev->priv;

	p9_server_destroy(&p->srv);
	close(p->stop_fd);
	p->stop_fd = -1;
	free(p->req);
	free(p->resp);
	p->req = p->resp = NULL;
}

static const struct virtio_dev_ops p9_ops = {
	.activate = p9_activate,
	.reset = p9_reset,
	.destroy = p9_destroy,
};

/* Each fid holds up to two fds: let the pool, not the soft limit, bound them. */
static void p9_raise_nofile(void)
{
	struct rlimit r;

	if (!getrlimit(RLIMIT_NOFILE, &r) && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

int virtio_9p_init(struct virtio_9p *p, const struct p9_spec *spec, unsigned index,
		   const struct guest_mem *mem, char *err, size_t len)
{
	struct virtio_dev *dev = &p->vdev;
	size_t tlen = strlen(spec->tag);
	int ret;

	memset(p, 0, sizeof(*p));
	p->stop_fd = -1;
	ret = p9_server_init(&p->srv, spec->dir, spec->ro, err, len);
	if (ret)
		return ret;
	p->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	p->req = malloc(P9_MAX_MSIZE);
	p->resp = malloc(P9_MAX_MSIZE);
	if (p->stop_fd < 0 || !p->req || !p->resp) {
		p9_destroy(dev);
		return err_set(err, len, -ENOMEM, "--9p %s: out of memory", spec->dir);
	}
	p9_raise_nofile();
	snprintf(p->name, sizeof(p->name), "virtio-9p%u", index);
	le_bytes_set(p->config, 2, tlen);
	memcpy(p->config + 2, spec->tag, tlen);
	dev->ops = &p9_ops;
	dev->priv = p;
	dev->name = p->name;
	dev->device_id = VIRTIO_ID_9P;
	dev->mem = mem;
	dev->host_features = VIRTIO_BIT(VIRTIO_9P_MOUNT_TAG);
	dev->config = p->config;
	dev->config_size = (unsigned)(2 + tlen);
	dev->nr_queues = 1;
	dev->queues[P9_Q].size_max = VIRTIO_9P_QUEUE_SIZE;
	dev->queues[P9_Q].kick_fd = -1;
	return 0;
}
