// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-vsock's device half (virtio/vsock.c) against a fake vhost-vsock:
 * the CID it claims, the features it offers and accepts, that
 * activate/reset start and stop the kernel's rings in the right order, and
 * that the event queue's buffers stay posted.
 */
#include <errno.h>
#include <linux/vhost.h>
#include <string.h>

#include "../../virtio/vsock.h"
#include "guest_ring.h"
#include "suites.h"

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE (1ULL << 20)
#define KERNEL_FEATURES                                                                            \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |                         \
	 VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_VSOCK_F_SEQPACKET))
#define MAX_REC 64

static struct {
	unsigned long req[MAX_REC];
	int64_t val[MAX_REC];
	unsigned n;
	int cid_errno; /* SET_GUEST_CID fails with it */
	uint64_t features;
} kern;

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
	unsigned i = kern.n < MAX_REC ? kern.n : MAX_REC - 1;

	(void)fd;
	kern.n++;
	kern.req[i] = req;
	switch (req) {
	case VHOST_GET_FEATURES: *(uint64_t *)arg = kern.features; break;
	case VHOST_VSOCK_SET_GUEST_CID:
		kern.val[i] = (int64_t) * (uint64_t *)arg;
		if (kern.cid_errno) {
			errno = kern.cid_errno;
			return -1;
		}
		break;
	case VHOST_VSOCK_SET_RUNNING: kern.val[i] = *(int *)arg; break;
	}
	return 0;
}

/* Position of the nth request req, or -1. */
static int rec_pos(unsigned long req, unsigned nth)
{
	for (unsigned i = 0; i < kern.n && i < MAX_REC; i++)
		if (kern.req[i] == req && nth-- == 0)
			return (int)i;
	return -1;
}

static struct guest_mem mem;
static struct virtio_vsock vs;
static struct fake_transport ft;

static void setup(void)
{
	guest_ram_alloc(&mem, RAM_BASE, RAM_SIZE);
	memset(&kern, 0, sizeof(kern));
	kern.features = KERNEL_FEATURES;
}

static void teardown(void)
{
	guest_ram_free(&mem);
}

static void init_ok(uint64_t cid)
{
	char err[128];

	ck_assert_int_eq(
	    virtio_vsock_init(&vs, cid, &mem, "/dev/null", fake_ioctl, err, sizeof(err)), 0);
	fake_transport_attach(&vs.vdev, &ft);
}

START_TEST(test_init)
{
	int p;

	init_ok(0x12345678);
	p = rec_pos(VHOST_VSOCK_SET_GUEST_CID, 0);
	ck_assert_int_ge(p, 0);
	ck_assert_int_eq(kern.val[p], 0x12345678);
	ck_assert_int_lt(rec_pos(VHOST_SET_OWNER, 0), p);
	ck_assert_uint_eq(vs.vdev.device_id, 19);
	ck_assert_uint_eq(vs.vdev.nr_queues, 3);
	ck_assert_uint_eq(vs.vdev.config_size, 8);
	/* le64 guest_cid */
	ck_assert_uint_eq(vs.config[0], 0x78);
	ck_assert_uint_eq(vs.config[3], 0x12);
	ck_assert_uint_eq(vs.config[4], 0);
	ck_assert_uint_eq(vs.vdev.host_features, VIRTIO_BIT(VIRTIO_VSOCK_F_SEQPACKET));
	vs.vdev.ops->destroy(&vs.vdev);
	ck_assert_int_eq(vs.vhost.fd, -1);
}
END_TEST

/* An older kernel without SEQPACKET: not offered. */
START_TEST(test_no_seqpacket)
{
	kern.features &= ~VIRTIO_BIT(VIRTIO_VSOCK_F_SEQPACKET);
	init_ok(3);
	ck_assert_uint_eq(vs.vdev.host_features, 0);
	ck_assert(!vs.vdev.ops->features_ok(&vs.vdev, VIRTIO_BIT(VIRTIO_VSOCK_F_SEQPACKET)));
	ck_assert(vs.vdev.ops->features_ok(&vs.vdev, VIRTIO_BIT(VIRTIO_F_VERSION_1)));
	vs.vdev.ops->destroy(&vs.vdev);
}
END_TEST

START_TEST(test_cid_errors)
{
	char err[128];

	ck_assert_int_eq(virtio_vsock_init(&vs, 2, &mem, "/dev/null", fake_ioctl, err, sizeof(err)),
			 -EINVAL);
	ck_assert_int_eq(
	    virtio_vsock_init(&vs, 1ULL << 32, &mem, "/dev/null", fake_ioctl, err, sizeof(err)),
	    -EINVAL);
	kern.cid_errno = EADDRINUSE;
	ck_assert_int_eq(virtio_vsock_init(&vs, 7, &mem, "/dev/null", fake_ioctl, err, sizeof(err)),
			 -EADDRINUSE);
	ck_assert_ptr_nonnull(strstr(err, "another VM"));
	ck_assert_int_eq(vs.vhost.fd, -1); /* closed again */
	ck_assert_int_eq(
	    virtio_vsock_init(&vs, 7, &mem, "/nonexistent", fake_ioctl, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "modprobe"));
}
END_TEST

/* The driver's part before DRIVER_OK: every queue enabled, 64 entries at RAM_BASE + q * 16 KiB. */
static void queues_enable(struct virtio_dev *dev)
{
	dev->features = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
	for (unsigned q = 0; q < VSOCK_NR_Q; q++) {
		uint64_t d = RAM_BASE + q * 0x4000ULL;

		dev->queues[q].enabled = true;
		ck_assert_int_eq(virtq_init(&dev->queues[q].vq, &mem, 64, d, d + 0x1000, d + 0x2000,
					    dev->features),
				 0);
	}
}

START_TEST(test_activate_reset)
{
	struct virtio_dev *dev;
	int run, stop, base;

	init_ok(5);
	dev = &vs.vdev;
	queues_enable(dev);
	kern.n = 0;
	ck_assert_int_eq(dev->ops->activate(dev), 0);
	/* Rings set up, then running. */
	run = rec_pos(VHOST_VSOCK_SET_RUNNING, 0);
	ck_assert_int_gt(run, rec_pos(VHOST_SET_VRING_CALL, 1));
	ck_assert_int_eq(kern.val[run], 1);
	ck_assert_int_eq(rec_pos(VHOST_SET_VRING_NUM, 2), -1); /* the event queue stays ours */
	ck_assert_int_eq(dev->ops->activate(dev), -EBUSY);
	dev->ops->reset(dev);
	/* Stopped before the rings are taken back. */
	stop = rec_pos(VHOST_VSOCK_SET_RUNNING, 1);
	base = rec_pos(VHOST_GET_VRING_BASE, 0);
	ck_assert_int_eq(kern.val[stop], 0);
	ck_assert_int_lt(stop, base);
	dev->ops->reset(dev); /* twice: harmless */
	ck_assert_int_eq(rec_pos(VHOST_VSOCK_SET_RUNNING, 2), -1);
	/* Again after the reset. */
	ck_assert_int_eq(dev->ops->activate(dev), 0);
	dev->ops->reset(dev);
	dev->ops->destroy(dev);
}
END_TEST

/*
 * The event queue (virtio 1.2 §5.10.6.6): the driver fills it with
 * buffers for VIRTIO_VSOCK_EVENT_TRANSPORT_RESET, the only event, which a
 * device sends after the VM moved (migration, restore). armlet does
 * neither, so the buffers stay posted, untouched, through kicks,
 * activation and reset: no used entry, no interrupt, not handed to vhost.
 */
START_TEST(test_event_queue_posts_nothing)
{
	const uint64_t ev = RAM_BASE + VSOCK_Q_EVENT * 0x4000ULL, bufs = RAM_BASE + 0x10000;
	struct virtio_dev *dev;
	struct guest_ring r;
	uint8_t *b;

	init_ok(5);
	dev = &vs.vdev;
	queues_enable(dev);
	guest_ring_init(&r, &mem, 64, ev, ev + 0x1000, ev + 0x2000, true);
	b = guest_ram_ptr(&mem, bufs, 8 * 4);
	memset(b, 0xa5, 8 * 4);
	for (unsigned i = 0; i < 8; i++) { /* as Linux's virtio_vsock_event_fill() */
		struct guest_buf gb = { bufs + 4 * i, 4, VIRTQ_DESC_F_WRITE };

		guest_ring_post(&r, &gb, 1);
	}
	kern.n = 0;
	ck_assert_int_eq(dev->ops->activate(dev), 0);
	ck_assert_int_eq(rec_pos(VHOST_SET_VRING_KICK, 2), -1); /* rx and tx only */
	test_sleep_ms(20);
	dev->ops->reset(dev);
	ck_assert_uint_eq(guest_ring_used_idx(&r), 0);
	ck_assert_uint_eq(ft.notified[VSOCK_Q_EVENT], 0);
	ck_assert_uint_eq(ft.needs_reset, 0);
	for (unsigned i = 0; i < 8 * 4; i++)
		ck_assert_uint_eq(b[i], 0xa5);
	dev->ops->destroy(dev);
}
END_TEST

START_TEST(test_activate_needs_rings)
{
	init_ok(5);
	vs.vdev.features = VIRTIO_BIT(VIRTIO_F_VERSION_1);
	ck_assert_int_eq(vs.vdev.ops->activate(&vs.vdev), -EINVAL); /* rx, tx not enabled */
	ck_assert_int_eq(rec_pos(VHOST_VSOCK_SET_RUNNING, 0), -1);
	vs.vdev.ops->destroy(&vs.vdev);
}
END_TEST

Suite *vsock_suite(void)
{
	Suite *s = suite_create("vsock");
	TCase *tc = tcase_create("vsock");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_init);
	tcase_add_test(tc, test_no_seqpacket);
	tcase_add_test(tc, test_cid_errors);
	tcase_add_test(tc, test_activate_reset);
	tcase_add_test(tc, test_activate_needs_rings);
	tcase_add_test(tc, test_event_queue_posts_nothing);
	suite_add_tcase(s, tc);
	return s;
}
