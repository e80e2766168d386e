// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-net (virtio 1.2 §5.1): the device half. Features and config, the
 * transmit drain and the receive fill (merged buffers, §5.1.6.4) shared by
 * the backends, and the tap's serving loop. The backends own their thread:
 * the transport's activate()/reset() become the backend's start()/stop().
 */
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../vmm/log.h"
#include "net.h"

_Static_assert(sizeof(struct virtio_net_hdr) == 12, "virtio 1.2 §5.1.6");
_Static_assert(offsetof(struct virtio_net_config, status) == 6, "virtio 1.2 §5.1.4");
_Static_assert(sizeof(struct virtio_net_config) == 10, "virtio 1.2 §5.1.4");

#define NET_HDR_LEN sizeof(struct virtio_net_hdr)

void net_broken(struct virtio_net *n, int err)
{
	log_warn("%s: broken queue (%s), waiting for a reset", n->name, strerror(-err));
	virtio_dev_needs_reset(&n->vdev);
}

/* --- transmit ------------------------------------------------------------------ */

/* Sends one popped chain; false when it was malformed or the backend refused it. */
static bool net_tx_one(struct virtio_net *n, net_send_fn send)
{
	const struct virtq_chain *c = &n->tx_chain;
	struct iovec iov[VIRTQ_CHAIN_MAX];

	/* §5.1.6.2: the header, then the packet, all device-readable. */
	if (c->read_len < NET_HDR_LEN || c->read_len > NET_FRAME_MAX)
		return false;
	for (unsigned i = 0; i < c->nr_read_segs; i++) {
		iov[i].iov_base = c->seg[i].hva;
		iov[i].iov_len = c->seg[i].len;
	}
	if (send(n, iov, c->nr_read_segs))
		return false;
	virtio_stat_add(&n->vdev.stats.bytes_read, c->read_len - NET_HDR_LEN);
	virtio_stat_add(&n->stats.tx_frames, 1);
	return true;
}

bool net_tx_drain(struct virtio_net *n, net_send_fn send)
{
	struct virtq *vq = &n->vdev.queues[VIRTIO_NET_TXQ].vq;
	int ret = 0;

	if (!n->vdev.queues[VIRTIO_NET_TXQ].enabled)
		return true;
	do {
		uint16_t old_used = vq->used_idx;

		virtq_notify_disable(vq);
		while (!__atomic_load_n(&n->stopping, __ATOMIC_ACQUIRE) &&
		       (ret = virtq_pop(vq, &n->tx_chain)) > 0) {
			if (!net_tx_one(n, send)) {
				virtio_stat_add(&n->stats.tx_dropped, 1);
				virtio_stat_add(&n->vdev.stats.errors, 1);
			}
			virtio_stat_add(&n->vdev.stats.requests, 1);
			/* Transmit buffers are only read: nothing written (§5.1.6.2.1). */
			virtq_push(vq, n->tx_chain.head, 0);
			/*
			 * Each frame is a trip through the host's stack; a guest whose
			 * sockets wait for their completions (Linux's TCP small queues
			 * with napi_tx) should not wait for a whole ring of them.
			 */
			if ((uint16_t)(vq->used_idx - old_used) >= NET_TX_BATCH) {
				virtio_queue_interrupt(&n->vdev, VIRTIO_NET_TXQ, old_used);
				old_used = vq->used_idx;
			}
		}
		virtio_queue_interrupt(&n->vdev, VIRTIO_NET_TXQ, old_used);
		if (ret < 0) {
			net_broken(n, ret);
			return false;
		}
		if (__atomic_load_n(&n->stopping, __ATOMIC_ACQUIRE))
			return true;
	} while (virtq_notify_enable(vq));
	return true;
}

/* --- receive ------------------------------------------------------------------- */

/* Pops a receive chain into c: 1, 0 when the ring is empty (kicks re-enabled), -errno. */
static int net_rx_pop(struct virtio_net *n, struct virtq_chain *c)
{
	struct virtq *vq = &n->vdev.queues[VIRTIO_NET_RXQ].vq;
	int ret = virtq_pop(vq, c);

	if (ret)
		return ret;
	/* Empty: ask for a kick, then look once more for a buffer posted meanwhile. */
	if (!virtq_notify_enable(vq))
		return 0;
	virtq_notify_disable(vq);
	return virtq_pop(vq, c);
}

/*
 * Scatters frame over as many chains as it takes, the first in rx_chain[0]
 * (where the header goes last, once num_buffers is known), and pushes them
 * together. Without MRG_RXBUF one chain must hold it all (§5.1.6.3.1).
 */
static int net_rx_scatter(struct virtio_net *n, const uint8_t *frame, size_t len)
{
	struct virtq *vq = &n->vdev.queues[VIRTIO_NET_RXQ].vq;
	bool mrg = n->vdev.features & VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF);
	struct virtq_used_elem used[VIRTIO_NET_QUEUE_SIZE];
	struct virtio_net_hdr hdr;
	unsigned nr = 0;
	size_t done = 0;

	while (done < len) {
		struct virtq_chain *c = &n->rx_chain[nr ? 1 : 0];
		size_t off = nr ? 0 : NET_HDR_LEN, room;
		int ret;

		if (nr == VIRTIO_NET_QUEUE_SIZE || (nr && !mrg))
			goto no_fit;
		ret = net_rx_pop(n, c);
		if (ret <= 0) {
			/* Not enough buffers yet: give back what we took, keep the frame. */
			if (nr)
				virtq_unpop(vq, used, nr);
			return ret;
		}
		used[nr].id = c->head;
		room = c->write_len;
		/* The first buffer must hold the whole header (§5.1.6.3.1). */
		if (room < off) {
			nr++;
			goto no_fit;
		}
		if (!nr)
			done = NET_HDR_LEN;
		room = room - off < len - done ? room - off : len - done;
		virtq_chain_write(c, off, frame + done, room);
		used[nr++].len = (uint32_t)(off + room);
		done += room;
	}
	memcpy(&hdr, frame, NET_HDR_LEN);
	hdr.num_buffers = htole16(mrg ? (uint16_t)nr : 0);
	virtq_chain_write(&n->rx_chain[0], 0, &hdr, NET_HDR_LEN);
	return virtq_push_batch(vq, used, nr) ?: 1;

no_fit:
	/*
	 * The guest's buffers cannot take this frame: complete them empty, as
	 * a short packet the driver drops (it checks the length), and drop it.
	 */
	for (unsigned i = 0; i < nr; i++)
		used[i].len = 0;
	virtq_push_batch(vq, used, nr);
	return -EMSGSIZE;
}

int net_rx_put(struct virtio_net *n, const uint8_t *frame, size_t len)
{
	int ret;

	if (len < NET_HDR_LEN || len > NET_FRAME_MAX)
		return -EMSGSIZE;
	ret = net_rx_scatter(n, frame, len);
	if (ret == 1) {
		virtio_stat_add(&n->vdev.stats.bytes_written, len - NET_HDR_LEN);
		virtio_stat_add(&n->stats.rx_frames, 1);
	} else if (ret == -EMSGSIZE) {
		virtio_stat_add(&n->stats.rx_dropped, 1);
	}
	return ret;
}

bool net_rx_done(struct virtio_net *n, uint16_t old_used, int ret)
{
	virtio_queue_interrupt(&n->vdev, VIRTIO_NET_RXQ, old_used);
	if (ret < 0 && ret != -EMSGSIZE) {
		net_broken(n, ret);
		return false;
	}
	return true;
}

/* The backends' serving thread: signals are for the main loop and the vCPUs. */
static void *net_thread_main(void *arg)
{
	struct virtio_net *n = arg;
	sigset_t all;

	/*
	 * Named from inside: naming another thread opens /proc/self/task/TID/comm,
	 * which the sandbox refuses the vCPU that starts us (DRIVER_OK), and the
	 * thread would go on as "vcpuN" in top and perf. Our own name is a prctl.
	 */
	pthread_setname_np(pthread_self(), n->thread_name);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	n->loop(n);
	return NULL;
}

int net_thread_start(struct virtio_net *n, void (*loop)(struct virtio_net *n), const char *name)
{
	int ret;

	n->loop = loop;
	snprintf(n->thread_name, sizeof(n->thread_name), "%s", name);
	ret = pthread_create(&n->thread, NULL, net_thread_main, n);
	return -ret;
}

void net_thread_stop(struct virtio_net *n)
{
	pthread_join(n->thread, NULL);
}

/* --- the tap's loop -------------------------------------------------------------- */

static int net_fd_send(struct virtio_net *n, const struct iovec *iov, unsigned nr_iov)
{
	/* The tap takes the header as it is (IFF_VNET_HDR) and checks it itself. */
	ssize_t w = writev(n->fd, iov, (int)nr_iov);

	return w < 0 ? -errno : 0;
}

/*
 * Moves frames from the tap into receive buffers until the tap is empty,
 * the ring is full, or a batch is done (so transmit gets its turn). False
 * when the ring broke.
 */
static bool net_fd_rx(struct virtio_net *n)
{
	struct virtq *vq = &n->vdev.queues[VIRTIO_NET_RXQ].vq;
	uint16_t old_used = vq->used_idx;
	int ret = 0;

	for (unsigned budget = 64; n->rx_room && budget; budget--) {
		if (!n->rx_len) {
			ssize_t r = read(n->fd, n->rx_buf, sizeof(n->rx_buf));

			if (r <= 0)
				break;
			n->rx_len = (size_t)r;
		}
		ret = net_rx_put(n, n->rx_buf, n->rx_len);
		if (ret == 0)
			n->rx_room = false; /* keep the frame for the next kick */
		else
			n->rx_len = 0;
		if (ret < 0 && ret != -EMSGSIZE)
			break;
	}
	return net_rx_done(n, old_used, ret);
}

void net_fd_loop(struct virtio_net *n)
{
	struct virtio_dev *dev = &n->vdev;
	struct virtq *rxq = &dev->queues[VIRTIO_NET_RXQ].vq;
	bool rx_on = dev->queues[VIRTIO_NET_RXQ].enabled;
	bool ok = net_tx_drain(n, net_fd_send);

	/* Receive kicks only matter once the ring ran dry (net_rx_pop() re-enables them). */
	n->rx_room = rx_on;
	if (rx_on)
		virtq_notify_disable(rxq);
	while (ok && !__atomic_load_n(&n->stopping, __ATOMIC_ACQUIRE)) {
		struct pollfd p[4] = {
			{ .fd = n->stop_fd, .events = POLLIN },
			{ .fd = dev->queues[VIRTIO_NET_TXQ].kick_fd, .events = POLLIN },
			{ .fd = dev->queues[VIRTIO_NET_RXQ].kick_fd, .events = POLLIN },
			/* Frames queue in the tap (which drops beyond its limit) while the guest
			   has no buffer. */
			{ .fd = n->fd, .events = n->rx_room ? POLLIN : 0 },
		};

		if (n->rx_room && !net_fd_rx(n))
			break;
		if (poll(p, 4, -1) < 0 && errno != EINTR) {
			log_error("%s: poll: %s", n->name, strerror(errno));
			break;
		}
		if (p[0].revents)
			break;
		if (virtio_queue_kick_read(dev, VIRTIO_NET_RXQ) && rx_on && !n->rx_room) {
			n->rx_room = true;
			virtq_notify_disable(rxq);
		}
		if (virtio_queue_kick_read(dev, VIRTIO_NET_TXQ))
			ok = net_tx_drain(n, net_fd_send);
	}
}

/* --- virtio_dev_ops ---------------------------------------------------------------- */

/* virtio 1.2 §5.1.3.1: offloads come with the checksum feature they build on. */
static bool net_features_ok(struct virtio_dev *dev, uint64_t f)
{
	bool csum = f & VIRTIO_BIT(VIRTIO_NET_F_CSUM);
	bool gcsum = f & VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM);

	if (!csum &&
	    (f & (VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4) | VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO6))))
		return false;
	if (!gcsum &&
	    (f & (VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4) | VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6))))
		return false;
	(void)dev;
	return true;
}

static int net_activate(struct virtio_dev *dev)
{
	struct virtio_net *n = dev->priv;
	int ret;

	if (n->running)
		return -EBUSY;
	__atomic_store_n(&n->stopping, false, __ATOMIC_RELEASE);
	n->rx_len = 0;
	ret = n->be_ops->start(n);
	if (ret)
		return ret;
	n->running = true;
	return 0;
}

static void net_reset(struct virtio_dev *dev)
{
	struct virtio_net *n = dev->priv;
	eventfd_t v;

	if (!n->running)
		return;
	__atomic_store_n(&n->stopping, true, __ATOMIC_RELEASE);
	eventfd_write(n->stop_fd, 1);
	n->be_ops->stop(n);
	eventfd_read(n->stop_fd, &v); /* re-arm for the next activate() */
	n->running = false;
}

static void net_destroy(struct virtio_dev *dev)
{
	struct virtio_net *n = dev->priv;

	if (n->be_ops->destroy)
		n->be_ops->destroy(n);
	vhost_close(&n->vhost);
	if (n->fd >= 0)
		close(n->fd);
	close(n->stop_fd);
	n->fd = n->stop_fd = -1;
}

static const struct virtio_dev_ops net_dev_ops = {
	.features_ok = net_features_ok,
	.activate = net_activate,
	.reset = net_reset,
	.destroy = net_destroy,
};

int virtio_net_init(struct virtio_net *n, const struct net_spec *spec, unsigned index,
		    const char *vm_name, const struct net_backend_ops *ops,
		    const struct guest_mem *mem, char *err, size_t len)
{
	struct virtio_dev *dev = &n->vdev;
	int ret;

	memset(n, 0, sizeof(*n));
	n->fd = -1;
	n->vhost.fd = n->vhost.stop_fd = -1;
	n->spec = *spec;
	n->index = index;
	n->be_ops = ops;
	if (!n->spec.guest_mac_set)
		net_mac_default(vm_name, index, false, n->spec.guest_mac);
	if (!n->spec.host_mac_set)
		net_mac_default(vm_name, index, true, n->spec.host_mac);
	snprintf(n->name, sizeof(n->name), "virtio-net%u", index);
	n->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (n->stop_fd < 0) {
		ret = -errno;
		return err_set(err, len, ret, "%s: cannot create an eventfd: %s", n->name,
			       strerror(-ret));
	}
	memcpy(n->config.mac, n->spec.guest_mac, 6);
	n->config.status = htole16(VIRTIO_NET_S_LINK_UP);
	n->config.max_virtqueue_pairs = htole16(1);
	dev->ops = &net_dev_ops;
	dev->priv = n;
	dev->name = n->name;
	dev->device_id = VIRTIO_ID_NET;
	dev->host_features =
	    ops->features | VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS);
	dev->mem = mem;
	dev->config = &n->config;
	dev->config_size = sizeof(n->config);
	dev->nr_queues = 2;
	for (unsigned q = 0; q < 2; q++) {
		dev->queues[q].size_max = VIRTIO_NET_QUEUE_SIZE;
		dev->queues[q].kick_fd = -1;
	}
	return 0;
}
