// SPDX-License-Identifier: GPL-2.0-only
/*
 * mode=user: user-mode networking through libslirp, as QEMU's -netdev user:
 * the guest sits on 10.0.2.0/24 behind a NAT that is just this process's
 * own sockets, so it needs no privilege. 10.0.2.2 is the host (its loopback
 * included), 10.0.2.3 the DNS forwarder to the host's resolver, DHCP hands
 * out 10.0.2.15 first. hostfwd= listens on the host's 127.0.0.1.
 *
 * libslirp is not thread-safe, so one thread does everything: its poll loop
 * watches slirp's sockets, slirp's timers, both kick eventfds and stop_fd;
 * guest frames go in with slirp_input() and slirp's come out through the
 * send_packet callback on the same thread.
 *
 * Offloads. slirp wants whole frames with real checksums: the device offers
 * CSUM and completes partial checksums itself (net_csum_complete()), offers
 * no TSO, and marks what it hands the guest DATA_VALID when GUEST_CSUM.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <slirp/libslirp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>

#include "../vmm/log.h"
#include "net.h"

#define NET_USER_FEATURES                                                                          \
	(VIRTIO_BIT(VIRTIO_NET_F_CSUM) | VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM) |                     \
	 VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF))

#define NET_USER_TIMERS	 16
#define NET_USER_POLLFDS 256
#define NET_USER_FIXED	 3    /* stop_fd and the two kicks come first in the poll set */
#define NET_USER_FRAME	 1536 /* slirp's if_mru (1500) plus the Ethernet header, rounded */

struct net_user_timer {
	bool used, armed;
	int64_t expire_ms;
	SlirpTimerCb cb;
	void *cb_opaque;
};

struct net_user {
	struct virtio_net *n;
	Slirp *slirp;
	struct net_user_timer timers[NET_USER_TIMERS];
	struct pollfd pfd[NET_USER_POLLFDS];
	unsigned nr_pfd;
	/* Frames slirp produced while the guest had no receive buffer. */
	uint8_t pending[NET_RX_PENDING_MAX][NET_USER_FRAME + sizeof(struct virtio_net_hdr)];
	size_t pending_len[NET_RX_PENDING_MAX];
	unsigned pending_head, nr_pending;
};

static int64_t net_user_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* --- slirp's callbacks ------------------------------------------------------------ */

/* Queues a frame for the guest; delivered at once when it has room. */
static void net_user_queue(struct net_user *u, const void *buf, size_t len)
{
	struct virtio_net *n = u->n;
	struct virtio_net_hdr hdr = { 0 };
	unsigned slot;
	uint8_t *f;

	if (len > NET_USER_FRAME || u->nr_pending == NET_RX_PENDING_MAX) {
		virtio_stat_add(&n->stats.rx_dropped, 1);
		return;
	}
	/* slirp's frames carry full, correct checksums. */
	if (n->vdev.features & VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM))
		hdr.flags = VIRTIO_NET_HDR_F_DATA_VALID;
	slot = (u->pending_head + u->nr_pending++) % NET_RX_PENDING_MAX;
	f = u->pending[slot];
	memcpy(f, &hdr, sizeof(hdr));
	memcpy(f + sizeof(hdr), buf, len);
	u->pending_len[slot] = sizeof(hdr) + len;
}

static ssize_t net_user_send_packet(const void *buf, size_t len, void *opaque)
{
	net_user_queue(opaque, buf, len);
	return (ssize_t)len;
}

static void net_user_guest_error(const char *msg, void *opaque)
{
	struct net_user *u = opaque;

	log_debug("%s: slirp: %s", u->n->name, msg);
}

static int64_t net_user_clock_get_ns(void *opaque)
{
	(void)opaque;
	return net_user_now_ns();
}

static void *net_user_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct net_user *u = opaque;

	for (unsigned i = 0; i < NET_USER_TIMERS; i++) {
		if (!u->timers[i].used) {
			u->timers[i] = (struct net_user_timer){ .used = true,
								.cb = cb,
								.cb_opaque = cb_opaque };
			return &u->timers[i];
		}
	}
	/* slirp uses one or two (IPv6 router advertisements); more is a bug here. */
	log_error("%s: slirp wants more than %d timers", u->n->name, NET_USER_TIMERS);
	abort();
}

static void net_user_timer_free(void *timer, void *opaque)
{
	(void)opaque;
	memset(timer, 0, sizeof(struct net_user_timer));
}

static void net_user_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct net_user_timer *t = timer;

	(void)opaque;
	t->expire_ms = expire_ms;
	t->armed = true;
}

static void net_user_poll_fd(int fd, void *opaque)
{
	(void)fd, (void)opaque; /* the poll set is rebuilt on every turn */
}

static void net_user_notify(void *opaque)
{
	(void)opaque; /* one thread: the loop goes round anyway */
}

static const SlirpCb net_user_cb = {
	.send_packet = net_user_send_packet,
	.guest_error = net_user_guest_error,
	.clock_get_ns = net_user_clock_get_ns,
	.timer_new = net_user_timer_new,
	.timer_free = net_user_timer_free,
	.timer_mod = net_user_timer_mod,
	.register_poll_fd = net_user_poll_fd,
	.unregister_poll_fd = net_user_poll_fd,
	.notify = net_user_notify,
};

static int net_user_add_poll(int fd, int events, void *opaque)
{
	struct net_user *u = opaque;
	struct pollfd *p;

	if (u->nr_pfd == NET_USER_POLLFDS)
		return -1; /* slirp then simply does not poll that socket this turn */
	p = &u->pfd[u->nr_pfd];
	p->fd = fd;
	p->events = (short)((events & SLIRP_POLL_IN ? POLLIN : 0) |
			    (events & SLIRP_POLL_OUT ? POLLOUT : 0) |
			    (events & SLIRP_POLL_PRI ? POLLPRI : 0));
	/* Back-pressure: while the guest has no buffer, leave slirp's sockets unread. */
	if (u->nr_pending)
		p->events &= (short)~POLLIN;
	p->revents = 0;
	return (int)u->nr_pfd++;
}

static int net_user_get_revents(int idx, void *opaque)
{
	struct net_user *u = opaque;
	short r;

	if (idx < NET_USER_FIXED || (unsigned)idx >= u->nr_pfd)
		return 0;
	r = u->pfd[idx].revents;
	return (r & POLLIN ? SLIRP_POLL_IN : 0) | (r & POLLOUT ? SLIRP_POLL_OUT : 0) |
	       (r & POLLPRI ? SLIRP_POLL_PRI : 0) | (r & POLLERR ? SLIRP_POLL_ERR : 0) |
	       (r & POLLHUP ? SLIRP_POLL_HUP : 0);
}

/* --- the loop ---------------------------------------------------------------------- */

/* One guest frame into slirp: whole, with its checksum done. */
static int net_user_send(struct virtio_net *n, const struct iovec *iov, unsigned nr_iov)
{
	struct net_user *u = n->be;
	struct virtio_net_hdr hdr;
	size_t len = 0;

	for (unsigned i = 0; i < nr_iov; i++) {
		memcpy(n->tx_buf + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	memcpy(&hdr, n->tx_buf, sizeof(hdr));
	/* No TSO was offered: a GSO frame is the guest breaking the rules. */
	if (hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE)
		return -EINVAL;
	if ((hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    net_csum_complete(n->tx_buf + sizeof(hdr), len - sizeof(hdr), le16toh(hdr.csum_start),
			      le16toh(hdr.csum_offset)))
		return -EINVAL;
	slirp_input(u->slirp, n->tx_buf + sizeof(hdr), (int)(len - sizeof(hdr)));
	return 0;
}

/* Hands pending frames to the guest; false when the ring broke. */
static bool net_user_flush(struct net_user *u)
{
	struct virtio_net *n = u->n;
	struct virtq *vq = &n->vdev.queues[VIRTIO_NET_RXQ].vq;
	uint16_t old_used = vq->used_idx;
	int ret = 1;

	if (!n->vdev.queues[VIRTIO_NET_RXQ].enabled) {
		u->nr_pending = 0;
		return true;
	}
	while (u->nr_pending) {
		ret = net_rx_put(n, u->pending[u->pending_head], u->pending_len[u->pending_head]);
		if (ret == 0)
			break;
		u->pending_head = (u->pending_head + 1) % NET_RX_PENDING_MAX;
		u->nr_pending--;
		if (ret < 0 && ret != -EMSGSIZE)
			break;
	}
	return net_rx_done(n, old_used, ret);
}

/* Fires expired timers; returns the ms until the next one, capped at cap. */
static uint32_t net_user_timers(struct net_user *u, uint32_t cap)
{
	int64_t now = net_user_now_ns() / 1000000;

	for (unsigned i = 0; i < NET_USER_TIMERS; i++) {
		struct net_user_timer *t = &u->timers[i];

		if (!t->used || !t->armed)
			continue;
		if (t->expire_ms <= now) {
			t->armed = false;
			t->cb(t->cb_opaque);
		} else if ((uint64_t)(t->expire_ms - now) < cap) {
			cap = (uint32_t)(t->expire_ms - now);
		}
	}
	return cap;
}

static void net_user_loop(struct virtio_net *n)
{
	struct net_user *u = n->be;
	struct virtio_dev *dev = &n->vdev;
	bool ok = net_tx_drain(n, net_user_send);

	while (ok && !__atomic_load_n(&n->stopping, __ATOMIC_ACQUIRE)) {
		uint32_t timeout = net_user_timers(u, 1000);
		int r;

		ok = net_user_flush(u);
		u->pfd[0] = (struct pollfd){ .fd = n->stop_fd, .events = POLLIN };
		u->pfd[1] =
		    (struct pollfd){ .fd = dev->queues[VIRTIO_NET_TXQ].kick_fd, .events = POLLIN };
		u->pfd[2] =
		    (struct pollfd){ .fd = dev->queues[VIRTIO_NET_RXQ].kick_fd, .events = POLLIN };
		u->nr_pfd = NET_USER_FIXED;
		slirp_pollfds_fill(u->slirp, &timeout, net_user_add_poll, u);
		r = poll(u->pfd, u->nr_pfd, (int)timeout);
		if (r < 0 && errno != EINTR) {
			log_error("%s: poll: %s", n->name, strerror(errno));
			break;
		}
		if (u->pfd[0].revents)
			break;
		slirp_pollfds_poll(u->slirp, r < 0, net_user_get_revents, u);
		virtio_queue_kick_read(dev, VIRTIO_NET_RXQ); /* the flush above looks anyway */
		if (ok && virtio_queue_kick_read(dev, VIRTIO_NET_TXQ))
			ok = net_tx_drain(n, net_user_send);
	}
}

static int net_user_start(struct virtio_net *n)
{
	struct net_user *u = n->be;

	u->nr_pending = 0;
	return net_thread_start(n, net_user_loop, "virtio-net-user");
}

static void net_user_destroy(struct virtio_net *n)
{
	struct net_user *u = n->be;

	if (!u)
		return;
	if (u->slirp)
		slirp_cleanup(u->slirp);
	free(u);
	n->be = NULL;
}

const struct net_backend_ops net_user_ops = {
	.name = "user",
	.features = NET_USER_FEATURES,
	.start = net_user_start,
	.stop = net_thread_stop,
	.destroy = net_user_destroy,
};

static int net_user_hostfwd(struct virtio_net *n, struct net_user *u, char *err, size_t len)
{
	struct in_addr host = { htonl(INADDR_LOOPBACK) }, guest;

	inet_pton(AF_INET, "10.0.2.15", &guest);
	for (unsigned i = 0; i < n->spec.nr_hostfwd; i++) {
		const struct net_hostfwd *f = &n->spec.hostfwd[i];

		if (slirp_add_hostfwd(u->slirp, f->udp, host, f->host_port, guest, f->guest_port))
			return err_set(
			    err, len, -EADDRINUSE,
			    "%s: hostfwd=%s:%u:%u: cannot listen on 127.0.0.1:%u (in use?)",
			    n->name, f->udp ? "udp" : "tcp", f->host_port, f->guest_port,
			    f->host_port);
	}
	return 0;
}

int net_user_open(struct virtio_net *n, char *err, size_t len)
{
	struct net_user *u = calloc(1, sizeof(*u));
	SlirpConfig cfg = {
		.version = 1,
		.in_enabled = true,
		.vhostname = "armlet",
	};

	if (!u)
		return err_set(err, len, -ENOMEM, "%s: out of memory for slirp", n->name);
	u->n = n;
	n->be = u;
	inet_pton(AF_INET, "10.0.2.0", &cfg.vnetwork);
	inet_pton(AF_INET, "255.255.255.0", &cfg.vnetmask);
	inet_pton(AF_INET, "10.0.2.2", &cfg.vhost);
	inet_pton(AF_INET, "10.0.2.15", &cfg.vdhcp_start);
	inet_pton(AF_INET, "10.0.2.3", &cfg.vnameserver);
	u->slirp = slirp_new(&cfg, &net_user_cb, u);
	if (!u->slirp)
		return err_set(err, len, -ENOMEM, "%s: slirp_new failed", n->name);
	return net_user_hostfwd(n, u, err, len);
}
