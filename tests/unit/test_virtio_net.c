// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-net on plain memory: -n option and MAC parsing, the checksum and
 * TUNSETOFFLOAD helpers, and the device's rings against the tiny driver of
 * guest_ring.h: transmit chains handed to a recording send function,
 * receive frames scattered with and without MRG_RXBUF, hostile chains of
 * both kinds; then the tap's serving loop for real, on a socketpair in the
 * tap's place.
 */
#include <endian.h>
#include <errno.h>
#include <linux/if_tun.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../../virtio/net.h"
#include "../../vmm/mem.h"
#include "guest_ring.h"
#include "suites.h"

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE (2ULL << 20)
#define RX_DESC	 (RAM_BASE + 0x0000)
#define RX_AVAIL (RAM_BASE + 0x1000)
#define RX_USED	 (RAM_BASE + 0x2000)
#define TX_DESC	 (RAM_BASE + 0x4000)
#define TX_AVAIL (RAM_BASE + 0x5000)
#define TX_USED	 (RAM_BASE + 0x6000)
#define BUF_GPA	 (RAM_BASE + 0x10000)
#define NUM	 VIRTIO_NET_QUEUE_SIZE
#define HDR	 sizeof(struct virtio_net_hdr)
#define F_MRG	 VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF)
#define WAIT_MS	 2000

/* --- options and MACs ----------------------------------------------------------------- */

START_TEST(test_spec_good)
{
	struct net_spec s;
	char err[256];

	ck_assert_int_eq(net_spec_parse("mode=user", &s, err, sizeof(err)), 0);
	ck_assert_int_eq(s.mode, NET_MODE_USER);
	ck_assert(!s.guest_mac_set && !s.vhost && !s.tapif[0]);
	ck_assert_int_eq(net_spec_parse("mode=tap,tapif=tap7,vhost=1,guest_mac=02:aa:BB:cc:dd:ee,"
					"host_mac=02-01-01-01-01-09",
					&s, err, sizeof(err)),
			 0);
	ck_assert_int_eq(s.mode, NET_MODE_TAP);
	ck_assert_str_eq(s.tapif, "tap7");
	ck_assert(s.vhost && s.guest_mac_set && s.host_mac_set);
	ck_assert_mem_eq(s.guest_mac, "\x02\xaa\xbb\xcc\xdd\xee", 6);
	ck_assert_mem_eq(s.host_mac, "\x02\x01\x01\x01\x01\x09", 6);
	ck_assert_int_eq(
	    net_spec_parse("hostfwd=tcp:8080:80,hostfwd=udp:5353:53", &s, err, sizeof(err)), 0);
	ck_assert_int_eq(s.mode, NET_MODE_USER);
	ck_assert_uint_eq(s.nr_hostfwd, 2);
	ck_assert(!s.hostfwd[0].udp && s.hostfwd[0].host_port == 8080 &&
		  s.hostfwd[0].guest_port == 80);
	ck_assert(s.hostfwd[1].udp && s.hostfwd[1].host_port == 5353);
	ck_assert_int_eq(net_spec_parse("mode=none", &s, err, sizeof(err)), 0);
	ck_assert_int_eq(s.mode, NET_MODE_NONE);
	ck_assert_int_eq(net_spec_parse("mode=tap,vhost=0", &s, err, sizeof(err)), 0);
	ck_assert(!s.vhost);
}
END_TEST

static const char *const bad_specs[] = {
	"",
	"mode=",
	"mode=bridge",
	"mode=tap,",
	",mode=tap",
	"mode=tap,tapif=",
	"mode=tap,tapif=a,b",
	"mode=tap,tapif=a-name-far-too-long",
	"mode=tap,tapif=../x",
	"mode=tap,vhost=2",
	"mode=tap,vhost=yes",
	"mode=tap,vhost",
	"mode=user,tapif=tap0", /* tap options in user mode */
	"mode=user,vhost=1",
	"mode=tap,hostfwd=tcp:1:2", /* a user option with a tap */
	"mode=none,hostfwd=tcp:1:2",
	"guest_mac=01:00:5e:00:00:01", /* multicast */
	"guest_mac=02:00:00:00:00",
	"guest_mac=02:00:00:00:00:00:00",
	"guest_mac=02:00:00:00:00:0g",
	"guest_mac=0200:00:00:00:00",
	"host_mac=",
	"hostfwd=tcp:0:80",
	"hostfwd=tcp:80:65536",
	"hostfwd=sctp:80:80",
	"hostfwd=tcp:80",
	"hostfwd=tcp::80",
	"hostfwd=tcp:-1:80",
	"hostfwd=tcp:80:80x",
	"hostfwd=tcp:99999999999999999999:80",
	"mode=user,script=/bin/sh",
	"trans=mmio",
};

START_TEST(test_spec_bad)
{
	struct net_spec s;
	char err[256] = "";

	ck_assert_msg(net_spec_parse(bad_specs[_i], &s, err, sizeof(err)) == -EINVAL,
		      "'%s' was accepted", bad_specs[_i]);
	ck_assert_msg(strlen(err) > 10, "'%s': no message", bad_specs[_i]);
}
END_TEST

START_TEST(test_spec_hostfwd_max)
{
	char arg[512] = "mode=user";
	struct net_spec s;
	char err[256];

	for (int i = 0; i < NET_MAX_HOSTFWD; i++)
		snprintf(arg + strlen(arg), sizeof(arg) - strlen(arg), ",hostfwd=tcp:%d:%d",
			 1000 + i, 80);
	ck_assert_int_eq(net_spec_parse(arg, &s, err, sizeof(err)), 0);
	strcat(arg, ",hostfwd=tcp:2000:80");
	ck_assert_int_eq(net_spec_parse(arg, &s, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(test_mac_default)
{
	uint8_t a[6], b[6], c[6], h[6];

	net_mac_default(NULL, 0, false, a);
	ck_assert_mem_eq(a, "\x02\x15\x15\x15\x15\x15", 6);
	net_mac_default(NULL, 1, false, b);
	ck_assert_mem_eq(b, "\x02\x15\x15\x15\x15\x16", 6);
	net_mac_default(NULL, 0, true, h);
	ck_assert_mem_eq(h, "\x02\x01\x01\x01\x01\x01", 6);
	/* Per name: stable, different from another name's, unicast and local. */
	net_mac_default("web", 0, false, a);
	net_mac_default("web", 0, false, b);
	net_mac_default("db", 0, false, c);
	ck_assert_mem_eq(a, b, 6);
	ck_assert(memcmp(a, c, 6) != 0);
	ck_assert_uint_eq(a[0], 0x02);
	net_mac_default("web", 0, true, h);
	ck_assert(memcmp(a, h, 6) != 0);
	net_mac_default("web", 3, false, b);
	ck_assert_uint_eq(b[5], (uint8_t)(a[5] + 3));
}
END_TEST

/* --- offload helpers ---------------------------------------------------------------- */

/* The ones' complement sum of a range, as a receiver verifies it: 0xffff when good. */
static uint16_t csum_fold(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < len)
		sum += (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

START_TEST(test_csum_complete)
{
	uint8_t f[101];

	for (unsigned i = 0; i < sizeof(f); i++)
		f[i] = (uint8_t)(i * 7 + 3);
	/* A seed in the field (the pseudo-header sum the driver left there). */
	f[34 + 16] = 0x12;
	f[34 + 17] = 0x34;
	ck_assert_int_eq(net_csum_complete(f, sizeof(f), 34, 16), 0);
	/*
	 * A receiver sums the pseudo-header (the seed) and the range with the
	 * field in place: all ones when good, odd length included.
	 */
	uint32_t v = csum_fold(f + 34, sizeof(f) - 34) + 0x1234u;

	v = (v & 0xffff) + (v >> 16);
	ck_assert_uint_eq(v, 0xffff);
}
END_TEST

START_TEST(test_csum_bad_offsets)
{
	uint8_t f[64] = { 0 }, copy[64];

	memcpy(copy, f, sizeof(f));
	ck_assert_int_eq(net_csum_complete(f, sizeof(f), 64, 0), -EINVAL);
	ck_assert_int_eq(net_csum_complete(f, sizeof(f), 60, 3), -EINVAL);
	ck_assert_int_eq(net_csum_complete(f, sizeof(f), 0xffff, 0xffff), -EINVAL);
	ck_assert_int_eq(net_csum_complete(f, sizeof(f), 0, 63), -EINVAL);
	ck_assert_mem_eq(f, copy, sizeof(f));
	ck_assert_int_eq(net_csum_complete(f, sizeof(f), 0, 62), 0);
}
END_TEST

START_TEST(test_tun_offloads)
{
	uint64_t gc = VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM);
	uint64_t t4 = VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO4), t6 = VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6);
	uint64_t ecn = VIRTIO_BIT(VIRTIO_NET_F_GUEST_ECN);

	ck_assert_uint_eq(net_tun_offloads(0), 0);
	/* Host-side offloads say nothing about what the guest can take. */
	ck_assert_uint_eq(
	    net_tun_offloads(VIRTIO_BIT(VIRTIO_NET_F_CSUM) | VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4)),
	    0);
	ck_assert_uint_eq(net_tun_offloads(t4 | t6), 0); /* TSO without GUEST_CSUM: invalid */
	ck_assert_uint_eq(net_tun_offloads(gc), TUN_F_CSUM);
	ck_assert_uint_eq(net_tun_offloads(gc | t4), TUN_F_CSUM | TUN_F_TSO4);
	ck_assert_uint_eq(net_tun_offloads(gc | t4 | t6 | ecn),
			  TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN);
	ck_assert_uint_eq(net_tun_offloads(gc | ecn), TUN_F_CSUM);
}
END_TEST

/* --- the device on guest rings --------------------------------------------------------- */

static struct guest_mem mem;
static struct virtio_net *net;
static struct guest_ring rx, tx;
static struct fake_transport ft;
static int sp[2] = { -1, -1 }; /* sp[0] is the device's "tap", sp[1] the host side */

static void *hva(uint64_t gpa, uint64_t len)
{
	return guest_ram_ptr(&mem, gpa, len);
}

/* A test backend that runs the tap's loop on a socketpair (no TUNSETOFFLOAD there). */
static int fd_start(struct virtio_net *n)
{
	return net_thread_start(n, net_fd_loop, "test-net");
}

static const struct net_backend_ops fd_ops = {
	.name = "socketpair",
	.features = VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF) | VIRTIO_BIT(VIRTIO_NET_F_CSUM),
	.start = fd_start,
	.stop = net_thread_stop,
};

static void setup(void)
{
	struct net_spec spec;
	char err[256];

	guest_ram_alloc(&mem, RAM_BASE, RAM_SIZE);
	net = calloc(1, sizeof(*net));
	ck_assert_ptr_nonnull(net);
	ck_assert_int_eq(net_spec_parse("mode=tap", &spec, err, sizeof(err)), 0);
	ck_assert_int_eq(virtio_net_init(net, &spec, 0, NULL, &fd_ops, &mem, err, sizeof(err)), 0);
	fake_transport_attach(&net->vdev, &ft);
	for (int q = 0; q < 2; q++) {
		net->vdev.queues[q].kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		ck_assert_int_ge(net->vdev.queues[q].kick_fd, 0);
	}
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sp),
			 0);
	net->fd = sp[0]; /* non-blocking, as net_tap_open() opens the tap */
}

static void teardown(void)
{
	net->vdev.ops->reset(&net->vdev);
	for (int q = 0; q < 2; q++)
		close(net->vdev.queues[q].kick_fd);
	net->vdev.ops->destroy(&net->vdev); /* closes sp[0] */
	close(sp[1]);
	free(net);
	guest_ram_free(&mem);
}

static void queues_setup(uint64_t features)
{
	memset(hva(RAM_BASE, 0x10000), 0, 0x10000);
	guest_ring_init(&rx, &mem, NUM, RX_DESC, RX_AVAIL, RX_USED, false);
	guest_ring_init(&tx, &mem, NUM, TX_DESC, TX_AVAIL, TX_USED, false);
	net->vdev.features = features;
	ck_assert_int_eq(
	    virtq_init(&net->vdev.queues[0].vq, &mem, NUM, RX_DESC, RX_AVAIL, RX_USED, features),
	    0);
	ck_assert_int_eq(
	    virtq_init(&net->vdev.queues[1].vq, &mem, NUM, TX_DESC, TX_AVAIL, TX_USED, features),
	    0);
	net->vdev.queues[0].enabled = net->vdev.queues[1].enabled = true;
}

/* A frame with header: flags, then len payload bytes counting up from seed. */
static size_t make_frame(uint8_t *f, size_t len, uint8_t seed)
{
	struct virtio_net_hdr h = { .flags = VIRTIO_NET_HDR_F_DATA_VALID, .num_buffers = 0xbeef };

	memcpy(f, &h, HDR);
	for (size_t i = 0; i < len; i++)
		f[HDR + i] = (uint8_t)(seed + i);
	return HDR + len;
}

static struct guest_buf wbuf(uint64_t gpa, uint32_t len)
{
	memset(hva(gpa, len), 0xee, len);
	return (struct guest_buf){ gpa, len, VIRTQ_DESC_F_WRITE };
}

static void post_rx(uint64_t gpa, uint32_t len)
{
	struct guest_buf b = wbuf(gpa, len);

	guest_ring_post(&rx, &b, 1);
}

START_TEST(test_init)
{
	struct virtio_dev *d = &net->vdev;
	struct virtio_net_config *c = d->config;

	ck_assert_uint_eq(d->device_id, VIRTIO_ID_NET);
	ck_assert_str_eq(d->name, "virtio-net0");
	ck_assert_uint_eq(d->nr_queues, 2);
	ck_assert_uint_eq(d->config_size, 10);
	ck_assert_mem_eq(c->mac, "\x02\x15\x15\x15\x15\x15", 6);
	ck_assert_uint_eq(le16toh(c->status), VIRTIO_NET_S_LINK_UP);
	ck_assert(d->host_features & VIRTIO_BIT(VIRTIO_NET_F_MAC));
	ck_assert(d->host_features & VIRTIO_BIT(VIRTIO_NET_F_STATUS));
	ck_assert(d->host_features & F_MRG);
	/* Offloads without the checksum feature they need are refused (§5.1.3.1). */
	ck_assert(!d->ops->features_ok(d, VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4)));
	ck_assert(!d->ops->features_ok(d, VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6)));
	ck_assert(d->ops->features_ok(d, VIRTIO_BIT(VIRTIO_NET_F_GUEST_TSO6) |
					     VIRTIO_BIT(VIRTIO_NET_F_GUEST_CSUM)));
}
END_TEST

/* One frame per buffer without MRG_RXBUF; the header as the backend gave it, num_buffers 0. */
START_TEST(test_rx_plain)
{
	static uint8_t f[2000];
	size_t len = make_frame(f, 1500, 1);
	struct virtio_net_hdr h;

	queues_setup(0);
	post_rx(BUF_GPA, 2048);
	ck_assert_int_eq(net_rx_put(net, f, len), 1);
	ck_assert_uint_eq(guest_ring_used_idx(&rx), 1);
	ck_assert_uint_eq(guest_ring_used(&rx, 0).len, len);
	memcpy(&h, hva(BUF_GPA, HDR), HDR);
	ck_assert_uint_eq(h.flags, VIRTIO_NET_HDR_F_DATA_VALID);
	ck_assert_uint_eq(h.num_buffers, 0);
	ck_assert_mem_eq(hva(BUF_GPA + HDR, 1500), f + HDR, 1500);
	ck_assert_uint_eq(*(uint8_t *)hva(BUF_GPA + len, 1), 0xee); /* not a byte past it */
	/* The ring is empty now: nothing taken, kicks asked for. */
	ck_assert_int_eq(net_rx_put(net, f, len), 0);
	ck_assert_uint_eq(net->vdev.stats.bytes_written, 1500);
}
END_TEST

/* Without MRG_RXBUF a frame larger than one buffer is dropped, the buffer given back empty. */
START_TEST(test_rx_plain_too_big)
{
	static uint8_t f[4000];
	size_t len = make_frame(f, 3000, 1);

	queues_setup(0);
	post_rx(BUF_GPA, 1526);
	post_rx(BUF_GPA + 0x1000, 1526);
	ck_assert_int_eq(net_rx_put(net, f, len), -EMSGSIZE);
	ck_assert_uint_eq(guest_ring_used_idx(&rx), 1);
	ck_assert_uint_eq(guest_ring_used(&rx, 0).len, 0);
	ck_assert_uint_eq(net->stats.rx_dropped, 1);
	/* The next frame that fits uses the next buffer. */
	len = make_frame(f, 100, 9);
	ck_assert_int_eq(net_rx_put(net, f, len), 1);
	ck_assert_uint_eq(guest_ring_used(&rx, 1).len, len);
}
END_TEST

/* The frame f of len bytes merged into the 1536-byte buffers at BUF_GPA, + 4 KiB, + 8 KiB. */
static void check_merged3(const uint8_t *f, size_t len)
{
	struct virtio_net_hdr h;

	memcpy(&h, hva(BUF_GPA, HDR), HDR);
	ck_assert_uint_eq(le16toh(h.num_buffers), 3);
	ck_assert_mem_eq(hva(BUF_GPA + HDR, 1536 - HDR), f + HDR, 1536 - HDR);
	ck_assert_mem_eq(hva(BUF_GPA + 0x1000, 1536), f + 1536, 1536);
	ck_assert_mem_eq(hva(BUF_GPA + 0x2000, len - 3072), f + 3072, len - 3072);
}

/* MRG_RXBUF: a frame over three buffers, num_buffers 3, all published at once. */
START_TEST(test_rx_merged)
{
	static uint8_t f[5000];
	size_t len = make_frame(f, 4000, 5);

	queues_setup(F_MRG);
	for (int i = 0; i < 4; i++)
		post_rx(BUF_GPA + i * 0x1000, 1536);
	ck_assert_int_eq(net_rx_put(net, f, len), 1);
	ck_assert_uint_eq(guest_ring_used_idx(&rx), 3);
	ck_assert_uint_eq(guest_ring_used(&rx, 0).len, 1536);
	ck_assert_uint_eq(guest_ring_used(&rx, 1).len, 1536);
	ck_assert_uint_eq(guest_ring_used(&rx, 2).len, len - 2 * 1536);
	check_merged3(f, len);
}
END_TEST

/* Too few buffers for a merged frame: nothing published, the buffers come back later. */
START_TEST(test_rx_merged_wait)
{
	static uint8_t f[5000];
	size_t len = make_frame(f, 3500, 7);

	queues_setup(F_MRG);
	post_rx(BUF_GPA, 1536);
	ck_assert_int_eq(net_rx_put(net, f, len), 0);
	ck_assert_uint_eq(guest_ring_used_idx(&rx), 0);
	post_rx(BUF_GPA + 0x1000, 1536);
	ck_assert_int_eq(net_rx_put(net, f, len), 0);
	post_rx(BUF_GPA + 0x2000, 1536);
	ck_assert_int_eq(net_rx_put(net, f, len), 1);
	ck_assert_uint_eq(guest_ring_used_idx(&rx), 3);
	/* The first buffer offered is the frame's first. */
	ck_assert_uint_eq(guest_ring_used(&rx, 0).id, 0);
	check_merged3(f, len);
}
END_TEST

/* Hostile receive chains: read-only, a first buffer shorter than the header, a bad address. */
START_TEST(test_rx_hostile)
{
	static uint8_t f[200];
	size_t len = make_frame(f, 100, 3);
	struct guest_buf ro = { BUF_GPA, 512, 0 };
	struct guest_buf tiny = wbuf(BUF_GPA + 0x1000, 6);
	struct guest_buf out = { RAM_BASE + RAM_SIZE - 16, 64, VIRTQ_DESC_F_WRITE };

	queues_setup(F_MRG);
	memset(hva(BUF_GPA, 512), 0x55, 512);
	guest_ring_post(&rx, &ro, 1);
	ck_assert_int_eq(net_rx_put(net, f, len), -EMSGSIZE);
	ck_assert_uint_eq(*(uint8_t *)hva(BUF_GPA, 1), 0x55); /* never written */
	guest_ring_post(&rx, &tiny, 1);
	ck_assert_int_eq(net_rx_put(net, f, len), -EMSGSIZE);
	ck_assert_uint_eq(guest_ring_used_idx(&rx), 2);
	ck_assert_uint_eq(net->stats.rx_dropped, 2);
	/* Frames shorter than the header or past the maximum never reach the ring. */
	ck_assert_int_eq(net_rx_put(net, f, HDR - 1), -EMSGSIZE);
	ck_assert_int_eq(net_rx_put(net, f, NET_FRAME_MAX + 1), -EMSGSIZE);
	guest_ring_post(&rx, &out, 1);
	ck_assert_int_lt(net_rx_put(net, f, len), 0);
	ck_assert(net->vdev.queues[0].vq.broken);
}
END_TEST

/* What the recording send function saw. */
static uint8_t sent[4][NET_FRAME_MAX];
static size_t sent_len[4];
static unsigned nr_sent;
static int send_ret;

static int record_send(struct virtio_net *n, const struct iovec *iov, unsigned nr_iov)
{
	size_t len = 0;

	(void)n;
	for (unsigned i = 0; i < nr_iov; i++) {
		ck_assert_uint_le(len + iov[i].iov_len, NET_FRAME_MAX);
		memcpy(sent[nr_sent % 4] + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	sent_len[nr_sent++ % 4] = len;
	return send_ret;
}

START_TEST(test_tx)
{
	static uint8_t f[2000];
	size_t len = make_frame(f, 1000, 11);
	struct guest_buf b[] = { { BUF_GPA, HDR, 0 },
				 { BUF_GPA + 0x1000, 600, 0 },
				 { BUF_GPA + 0x2000, 400, 0 } };

	queues_setup(0);
	nr_sent = 0;
	send_ret = 0;
	memcpy(hva(BUF_GPA, HDR), f, HDR);
	memcpy(hva(BUF_GPA + 0x1000, 600), f + HDR, 600);
	memcpy(hva(BUF_GPA + 0x2000, 400), f + HDR + 600, 400);
	guest_ring_post(&tx, b, 3);
	ck_assert(net_tx_drain(net, record_send));
	ck_assert_uint_eq(nr_sent, 1);
	ck_assert_uint_eq(sent_len[0], len);
	ck_assert_mem_eq(sent[0], f, len);
	ck_assert_uint_eq(guest_ring_used_idx(&tx), 1);
	ck_assert_uint_eq(guest_ring_used(&tx, 0).len, 0);
	ck_assert_uint_eq(net->vdev.stats.bytes_read, 1000);
	ck_assert_uint_eq(net->stats.tx_frames, 1);
}
END_TEST

/* Hostile transmit chains are completed and dropped, never sent: the ring goes on. */
START_TEST(test_tx_hostile)
{
	struct guest_buf shorthdr = { BUF_GPA, HDR - 1, 0 };
	struct guest_buf wonly = { BUF_GPA, 1500, VIRTQ_DESC_F_WRITE };
	struct guest_buf huge[] = { { BUF_GPA, 65536, 0 }, { BUF_GPA, 65536, 0 } };
	struct guest_buf ok = { BUF_GPA, 64, 0 };

	queues_setup(0);
	nr_sent = 0;
	send_ret = 0;
	guest_ring_post(&tx, &shorthdr, 1);
	guest_ring_post(&tx, &wonly, 1);
	guest_ring_post(&tx, huge, 2); /* 128 KiB: more than any frame */
	ck_assert(net_tx_drain(net, record_send));
	ck_assert_uint_eq(nr_sent, 0);
	ck_assert_uint_eq(guest_ring_used_idx(&tx), 3);
	ck_assert_uint_eq(net->stats.tx_dropped, 3);
	/* A backend that refuses a frame: dropped, counted, completed. */
	send_ret = -EINVAL;
	guest_ring_post(&tx, &ok, 1);
	ck_assert(net_tx_drain(net, record_send));
	ck_assert_uint_eq(nr_sent, 1);
	ck_assert_uint_eq(net->stats.tx_dropped, 4);
	ck_assert_uint_eq(guest_ring_used_idx(&tx), 4);
	/* A descriptor outside RAM breaks the ring: DEVICE_NEEDS_RESET. */
	guest_desc_put(&mem, TX_DESC, 100, RAM_BASE + RAM_SIZE, 64, 0, 0);
	guest_ring_offer(&tx, 100);
	ck_assert(!net_tx_drain(net, record_send));
	ck_assert_uint_eq(ft.needs_reset, 1);
}
END_TEST

#define F_EVENT VIRTIO_BIT(VIRTIO_F_EVENT_IDX)

/* The driver's used_event (after avail's ring) and the device's avail_event (after used's). */
static uint16_t *tx_used_event(void)
{
	return hva(TX_AVAIL + 4 + 2 * NUM, 2);
}

static uint16_t tx_avail_event(void)
{
	return le16toh(*(uint16_t *)hva(TX_USED + 4 + 8ULL * NUM, 2));
}

static void post_tx(unsigned nr)
{
	struct guest_buf b = { BUF_GPA, 64, 0 };

	memset(hva(BUF_GPA, 64), 0, 64);
	for (unsigned i = 0; i < nr; i++)
		guest_ring_post(&tx, &b, 1);
}

/*
 * EVENT_IDX both ways (virtio 1.2 §2.7.10): after a drain avail_event names
 * the next entry, so the driver's next frame kicks; completions interrupt
 * only when they cross the driver's used_event.
 */
START_TEST(test_tx_event_idx)
{
	unsigned *irqs = &ft.notified[VIRTIO_NET_TXQ];

	queues_setup(F_EVENT);
	tx.event_idx = true;
	nr_sent = 0;
	send_ret = 0;
	*tx_used_event() = htole16(0);
	post_tx(3);
	ck_assert(net_tx_drain(net, record_send));
	ck_assert_uint_eq(nr_sent, 3);
	ck_assert_uint_eq(*irqs, 1);
	ck_assert_uint_eq(tx_avail_event(), 3);
	/* Suppression is EVENT_IDX's alone: the flags stay 0 (§2.7.10). */
	ck_assert_uint_eq(*(uint16_t *)hva(TX_USED, 2), 0);
	post_tx(1);
	ck_assert(guest_ring_kick_wanted(&tx, 3));
	/* The driver wants to hear of the 11th completion only. */
	*tx_used_event() = htole16(10);
	ck_assert(net_tx_drain(net, record_send));
	ck_assert_uint_eq(guest_ring_used_idx(&tx), 4);
	ck_assert_uint_eq(*irqs, 1);
	post_tx(7);
	ck_assert(net_tx_drain(net, record_send));
	ck_assert_uint_eq(guest_ring_used_idx(&tx), 11);
	ck_assert_uint_eq(*irqs, 2);
	ck_assert_uint_eq(tx_avail_event(), 11);
}
END_TEST

static unsigned irqs_at_70;

/* Sends nothing; notes how many interrupts the guest had when frame 70 goes out. */
static int batch_send(struct virtio_net *n, const struct iovec *iov, unsigned nr_iov)
{
	(void)n, (void)iov, (void)nr_iov;
	if (++nr_sent == 70)
		irqs_at_70 = __atomic_load_n(&ft.notified[VIRTIO_NET_TXQ], __ATOMIC_SEQ_CST);
	return 0;
}

/* A long drain signals completions every NET_TX_BATCH frames, not only at its end. */
START_TEST(test_tx_batch_interrupt)
{
	uint64_t features = _i ? F_EVENT : 0;

	_Static_assert(NET_TX_BATCH < 70, "frame 70 comes after the first batch");
	queues_setup(features);
	tx.event_idx = _i;
	nr_sent = irqs_at_70 = 0;
	*tx_used_event() = htole16(0); /* EVENT_IDX: at the first completion */
	post_tx(100);
	ck_assert(net_tx_drain(net, batch_send));
	ck_assert_uint_eq(nr_sent, 100);
	ck_assert_uint_eq(guest_ring_used_idx(&tx), 100);
	ck_assert_uint_eq(irqs_at_70, 1);
	/* Without EVENT_IDX the rest is signalled at the end; with it, used_event was passed. */
	ck_assert_uint_eq(ft.notified[VIRTIO_NET_TXQ], _i ? 1 : 2);
}
END_TEST

/* The tap's loop for real, on a socketpair: frames both ways, kicks, then a clean reset. */
START_TEST(test_fd_loop)
{
	static uint8_t f[3000], got[3000];
	size_t len = make_frame(f, 2500, 21);
	struct guest_buf b = { BUF_GPA + 0x8000, (uint32_t)len, 0 };
	struct virtio_net_hdr h;
	ssize_t r;

	queues_setup(F_MRG);
	for (int i = 0; i < 8; i++)
		post_rx(BUF_GPA + i * 0x1000, 1536);
	ck_assert_int_eq(net->vdev.ops->activate(&net->vdev), 0);
	/* Host to guest: one datagram, one frame, merged over two buffers. */
	ck_assert_int_eq(write(sp[1], f, len), (ssize_t)len);
	ck_assert(guest_ring_wait_used(&rx, 2, WAIT_MS));
	memcpy(&h, hva(BUF_GPA, HDR), HDR);
	ck_assert_uint_eq(le16toh(h.num_buffers), 2);
	ck_assert_mem_eq(hva(BUF_GPA + 0x1000, len - 1536), f + 1536, len - 1536);
	ck_assert(test_wait_counter(&ft.notified[VIRTIO_NET_RXQ], 1, WAIT_MS));
	/* Guest to host: the frame, header included, in one write. */
	memcpy(hva(b.gpa, len), f, len);
	guest_ring_post(&tx, &b, 1);
	ck_assert_int_eq(eventfd_write(net->vdev.queues[VIRTIO_NET_TXQ].kick_fd, 1), 0);
	ck_assert(guest_ring_wait_used(&tx, 1, WAIT_MS));
	r = recv(sp[1], got, sizeof(got), MSG_DONTWAIT);
	ck_assert_int_eq(r, (ssize_t)len);
	ck_assert_mem_eq(got, f, len);
	net->vdev.ops->reset(&net->vdev);
	ck_assert(!net->running);
}
END_TEST

Suite *virtio_net_suite(void)
{
	Suite *s = suite_create("virtio_net");
	TCase *tc = tcase_create("spec");

	tcase_add_test(tc, test_spec_good);
	tcase_add_loop_test(tc, test_spec_bad, 0, sizeof(bad_specs) / sizeof(bad_specs[0]));
	tcase_add_test(tc, test_spec_hostfwd_max);
	tcase_add_test(tc, test_mac_default);
	suite_add_tcase(s, tc);
	tc = tcase_create("offload");
	tcase_add_test(tc, test_csum_complete);
	tcase_add_test(tc, test_csum_bad_offsets);
	tcase_add_test(tc, test_tun_offloads);
	suite_add_tcase(s, tc);
	tc = tcase_create("device");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_init);
	tcase_add_test(tc, test_rx_plain);
	tcase_add_test(tc, test_rx_plain_too_big);
	tcase_add_test(tc, test_rx_merged);
	tcase_add_test(tc, test_rx_merged_wait);
	tcase_add_test(tc, test_rx_hostile);
	tcase_add_test(tc, test_tx);
	tcase_add_test(tc, test_tx_hostile);
	tcase_add_test(tc, test_tx_event_idx);
	tcase_add_loop_test(tc, test_tx_batch_interrupt, 0, 2);
	tcase_add_test(tc, test_fd_loop);
	suite_add_tcase(s, tc);
	return s;
}
