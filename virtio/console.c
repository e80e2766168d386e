// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-console, single port (virtio 1.2 §5.3). The transmit queue has a
 * thread of its own; the receive queue is driven by the main loop through
 * virtio_console_input() under rx_lock, which reset() also takes.
 */
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../vmm/log.h"
#include "../vmm/sandbox.h"
#include "../vmm/timeline.h"
#include "console.h"

_Static_assert(sizeof(struct virtio_console_config) == 12, "virtio 1.2 §5.3.4 layout");

/*
 * The most output one transmit chain may carry. Linux sends at most 32 KiB
 * per buffer; the cap bounds how long one hostile chain (1024 segments
 * aliasing the same RAM) keeps the thread, and so reset(), busy.
 */
#define CONSOLE_TX_MAX (1U << 20)

/*
 * How long a stopping device still waits for an output fd nobody drains
 * before it abandons the chain, so that reset() (a vCPU thread, or the VM's
 * teardown) cannot hang on a stalled reader.
 */
#define CONSOLE_DRAIN_MS 500

/* --- output --------------------------------------------------------------- */

/*
 * Waits until fd takes more output. Returns false when the device is
 * stopping and fd stayed full for CONSOLE_DRAIN_MS.
 */
static bool console_wait_writable(struct virtio_console *c, int fd)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = POLLOUT },
		{ .fd = c->stop_fd, .events = POLLIN },
	};

	while (poll(p, 2, -1) < 0)
		if (errno != EINTR)
			return true; /* let write() report the problem */
	/* POLLERR or POLLHUP count too: write() then fails at once. */
	if (p[0].revents)
		return true;
	return poll(p, 1, CONSOLE_DRAIN_MS) > 0;
}

/*
 * Writes all len bytes to fd. A broken fd (EPIPE, EIO, ...) drops them: the
 * guest must not stall on its console. Writes of at most PIPE_BUF after
 * POLLOUT do not block on a pipe, so a stop request is noticed between them.
 * Returns false when a stop request abandoned the output.
 */
static bool console_write_fd(struct virtio_console *c, int fd, const uint8_t *buf, size_t len)
{
	while (len && fd >= 0) {
		ssize_t n;

		if (!console_wait_writable(c, fd))
			return false;
		n = write(fd, buf, len < PIPE_BUF ? len : PIPE_BUF);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue; /* EAGAIN: a non-blocking fd; poll again */
		if (n <= 0)
			return true;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* Writes the chain's readable part, up to CONSOLE_TX_MAX; false when abandoned. */
static bool console_tx_chain(struct virtio_console *c)
{
	const struct virtq_chain *chain = &c->tx_chain;
	size_t left = CONSOLE_TX_MAX;

	/* Writable segments on the transmitq are the driver's mistake: never touched. */
	for (unsigned i = 0; i < chain->nr_read_segs && left; i++) {
		size_t len = chain->seg[i].len < left ? chain->seg[i].len : left;

		timeline_mark_once(c->first_output);
		if (!console_write_fd(c, c->out_fd, chain->seg[i].hva, len) ||
		    !console_write_fd(c, c->log_fd, chain->seg[i].hva, len))
			return false;
		left -= len;
		virtio_stat_add(&c->vdev.stats.bytes_read, len);
	}
	virtio_stat_add(&c->vdev.stats.requests, 1);
	return true;
}

/*
 * Completes every available transmit chain (the loop of virtqueue.h).
 * Returns false when the thread must stop: reset() asked, or the ring broke.
 */
static bool console_tx_drain(struct virtio_console *c)
{
	struct virtq *vq = &c->vdev.queues[VIRTIO_CONSOLE_TXQ].vq;
	int ret = 0;

	do {
		virtq_notify_disable(vq);
		while (!__atomic_load_n(&c->stopping, __ATOMIC_ACQUIRE) &&
		       (ret = virtq_pop(vq, &c->tx_chain)) > 0) {
			uint16_t old_used = vq->used_idx;

			/* Abandoned at a stop: never pushed, the driver resets the queue anyway. */
			if (!console_tx_chain(c))
				return false;
			/* The output is in the fd before the guest learns it was sent. */
			virtq_push(vq, c->tx_chain.head, 0);
			virtio_queue_interrupt(&c->vdev, VIRTIO_CONSOLE_TXQ, old_used);
		}
		if (__atomic_load_n(&c->stopping, __ATOMIC_ACQUIRE))
			return false;
		if (ret < 0) {
			log_warn("%s: broken transmit queue (%s), waiting for a reset",
				 c->vdev.name, strerror(-ret));
			virtio_dev_needs_reset(&c->vdev);
			return false;
		}
	} while (virtq_notify_enable(vq));
	return true;
}

static void *console_tx_thread(void *arg)
{
	struct virtio_console *c = arg;
	struct pollfd p[2] = {
		{ .fd = c->vdev.queues[VIRTIO_CONSOLE_TXQ].kick_fd, .events = POLLIN },
		{ .fd = c->stop_fd, .events = POLLIN },
	};
	sigset_t all;

	/* Named from inside: see net_thread_main() (virtio/net.c). */
	pthread_setname_np(pthread_self(), "virtio-console");
	/*
	 * Signals are for the main loop and the vCPUs. With SIGPIPE blocked
	 * too, a closed reader is an EPIPE here even where nobody ignored it.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	/* If this fails (logged), the vCPU filter it inherited still holds. */
	sandbox_thread_enter(SANDBOX_DEVICE);
	/* Buffers may have been posted before DRIVER_OK: drain before the first wait. */
	while (console_tx_drain(c)) {
		if (poll(p, 2, -1) < 0 && errno != EINTR) {
			log_error("%s: poll: %s", c->vdev.name, strerror(errno));
			break;
		}
		if (p[1].revents)
			break;
		virtio_queue_kick_read(&c->vdev, VIRTIO_CONSOLE_TXQ);
	}
	return NULL;
}

/*
 * emerg_wr (virtio 1.2 §5.3.4): a write starting at the field carries one
 * character in its low byte. The transport's lock is held here, so the
 * byte is dropped rather than wait for a full fd.
 */
static void console_emerg_write(struct virtio_console *c, uint8_t ch)
{
	int fds[2] = { c->out_fd, c->log_fd };

	for (unsigned i = 0; i < 2; i++) {
		struct pollfd p = { .fd = fds[i], .events = POLLOUT };

		if (fds[i] >= 0 && poll(&p, 1, 0) == 1 && (p.revents & POLLOUT))
			while (write(fds[i], &ch, 1) < 0 && errno == EINTR)
				;
	}
	virtio_stat_add(&c->vdev.stats.bytes_read, 1);
}

static void console_config_write(struct virtio_dev *dev, unsigned off, unsigned len, uint32_t val)
{
	(void)len;
	/* cols, rows and max_nr_ports are read-only; emerg_wr keeps reading 0. */
	if (off == offsetof(struct virtio_console_config, emerg_wr))
		console_emerg_write(dev->priv, (uint8_t)val);
}

/* --- input ---------------------------------------------------------------- */

/* rx_lock held: fills receive chains with buf; returns the bytes taken. */
static size_t console_rx_fill(struct virtio_console *c, const uint8_t *buf, size_t n)
{
	struct virtq *vq = &c->vdev.queues[VIRTIO_CONSOLE_RXQ].vq;
	uint16_t old_used = vq->used_idx;
	size_t done = 0;
	int ret = 0;

	while (done < n && (ret = virtq_pop(vq, &c->rx_chain)) > 0) {
		/* A chain without a writable part takes nothing and is returned empty. */
		size_t len = virtq_chain_write(&c->rx_chain, 0, buf + done, n - done);

		virtq_push(vq, c->rx_chain.head, (uint32_t)len);
		done += len;
		virtio_stat_add(&c->vdev.stats.requests, 1);
	}
	if (ret < 0) {
		log_warn("%s: broken receive queue (%s), waiting for a reset", c->vdev.name,
			 strerror(-ret));
		virtio_dev_needs_reset(&c->vdev);
	}
	virtio_queue_interrupt(&c->vdev, VIRTIO_CONSOLE_RXQ, old_used);
	virtio_stat_add(&c->vdev.stats.bytes_written, done);
	return done;
}

size_t virtio_console_input(struct virtio_console *c, const uint8_t *buf, size_t n)
{
	size_t done = 0;

	pthread_mutex_lock(&c->rx_lock);
	if (c->rx_active && !c->vdev.queues[VIRTIO_CONSOLE_RXQ].vq.broken) {
		/* Kicks are suppressed (see activate); consume any that came before. */
		virtio_queue_kick_read(&c->vdev, VIRTIO_CONSOLE_RXQ);
		done = console_rx_fill(c, buf, n);
	}
	pthread_mutex_unlock(&c->rx_lock);
	return done;
}

/* --- lifecycle ------------------------------------------------------------ */

static int console_activate(struct virtio_dev *dev)
{
	struct virtio_console *c = dev->priv;
	int ret;

	if (c->tx_running)
		return -EBUSY; /* activate() twice without a reset: a transport bug */
	if (dev->queues[VIRTIO_CONSOLE_TXQ].enabled) {
		__atomic_store_n(&c->stopping, false, __ATOMIC_RELEASE);
		ret = pthread_create(&c->tx_thread, NULL, console_tx_thread, c);
		if (ret)
			return -ret;
		c->tx_running = true;
	}
	pthread_mutex_lock(&c->rx_lock);
	c->rx_active = dev->queues[VIRTIO_CONSOLE_RXQ].enabled;
	/*
	 * Nobody waits for receive kicks: the main loop offers input again
	 * on its own schedule, so spare the driver the notifications.
	 */
	if (c->rx_active)
		virtq_notify_disable(&dev->queues[VIRTIO_CONSOLE_RXQ].vq);
	pthread_mutex_unlock(&c->rx_lock);
	return 0;
}

static void console_reset(struct virtio_dev *dev)
{
	struct virtio_console *c = dev->priv;
	eventfd_t v;

	/* Once we hold the lock, virtio_console_input() is out and stays out. */
	pthread_mutex_lock(&c->rx_lock);
	c->rx_active = false;
	pthread_mutex_unlock(&c->rx_lock);
	if (!c->tx_running)
		return;
	__atomic_store_n(&c->stopping, true, __ATOMIC_RELEASE);
	eventfd_write(c->stop_fd, 1);
	pthread_join(c->tx_thread, NULL);
	eventfd_read(c->stop_fd, &v); /* re-arm for the next activate() */
	c->tx_running = false;
}

static void console_destroy(struct virtio_dev *dev)
{
	struct virtio_console *c = dev->priv;

	close(c->stop_fd);
	c->stop_fd = -1;
	pthread_mutex_destroy(&c->rx_lock);
}

static const struct virtio_dev_ops console_ops = {
	.config_write = console_config_write,
	.activate = console_activate,
	.reset = console_reset,
	.destroy = console_destroy,
};

int virtio_console_init(struct virtio_console *c, int out_fd, int log_fd,
			const struct guest_mem *mem, char *err, size_t len)
{
	struct virtio_dev *dev = &c->vdev;

	memset(c, 0, sizeof(*c));
	c->out_fd = out_fd;
	c->log_fd = log_fd;
	c->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->stop_fd < 0) {
		int ret = -errno;

		return err_set(err, len, ret, "virtio-console: cannot create an eventfd: %s",
			       strerror(-ret));
	}
	pthread_mutex_init(&c->rx_lock, NULL);
	c->config.max_nr_ports = htole32(1);

	dev->ops = &console_ops;
	dev->priv = c;
	dev->name = "virtio-console";
	dev->device_id = VIRTIO_ID_CONSOLE;
	dev->host_features = VIRTIO_BIT(VIRTIO_CONSOLE_F_EMERG_WRITE);
	dev->mem = mem;
	dev->config = &c->config;
	dev->config_size = sizeof(c->config);
	dev->nr_queues = 2;
	for (unsigned i = 0; i < dev->nr_queues; i++) {
		dev->queues[i].size_max = VIRTIO_CONSOLE_QUEUE_SIZE;
		dev->queues[i].kick_fd = -1;
	}
	return 0;
}
