// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vhost plumbing (virtio/vhost.c) against a fake kernel backend: an
 * ioctl function that records every request, so the tests check what the
 * kernel would be told (the memory table, ring addresses, kick and call
 * eventfds, the order) and that the call relay turns a backend's call into
 * a notification. The fake transport hands out an irqfd for some queues
 * and -ENOSYS for others, as virtio/pci_irq.c does.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../../virtio/vhost.h"
#include "guest_ring.h"
#include "suites.h"

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE (1ULL << 20)
#define NQ	 3
#define QSIZE	 64
#define DESC(q)	 (RAM_BASE + (q)*0x4000ULL)
#define AVAIL(q) (DESC(q) + 0x1000)
#define USED(q)	 (DESC(q) + 0x2000)
#define MAX_REC	 64
#define BACKEND_FEATURES                                                                           \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(0))

/* --- a fake backend --------------------------------------------------------------- */

struct rec {
	unsigned long req;
	unsigned index;
	int64_t val; /* num, fd, or features */
	struct vhost_vring_addr addr;
	struct vhost_memory_region region;
	uint32_t nregions;
};

static struct {
	struct rec r[MAX_REC];
	unsigned n;
	unsigned long fail_req; /* this request fails with fail_errno */
	int fail_errno;
	unsigned last_avail[VHOST_MAX_RINGS]; /* what GET_VRING_BASE answers */
} kern;

static int fake_ioctl(int fd, unsigned long req, void *arg)
{
	struct rec *r = &kern.r[kern.n < MAX_REC ? kern.n : MAX_REC - 1];

	(void)fd;
	kern.n++;
	memset(r, 0, sizeof(*r));
	r->req = req;
	if (req == kern.fail_req) {
		errno = kern.fail_errno;
		return -1;
	}
	switch (req) {
	case VHOST_GET_FEATURES: *(uint64_t *)arg = BACKEND_FEATURES; break;
	case VHOST_SET_FEATURES: r->val = (int64_t) * (uint64_t *)arg; break;
	case VHOST_SET_MEM_TABLE: {
		const struct vhost_memory *m = arg;

		r->nregions = m->nregions;
		r->region = m->regions[0];
		break;
	}
	case VHOST_SET_VRING_NUM:
	case VHOST_SET_VRING_BASE: {
		const struct vhost_vring_state *s = arg;

		r->index = s->index;
		r->val = s->num;
		break;
	}
	case VHOST_GET_VRING_BASE: {
		struct vhost_vring_state *s = arg;

		r->index = s->index;
		s->num = kern.last_avail[s->index % VHOST_MAX_RINGS];
		break;
	}
	case VHOST_SET_VRING_ADDR:
		r->addr = *(const struct vhost_vring_addr *)arg;
		r->index = r->addr.index;
		break;
	case VHOST_SET_VRING_KICK:
	case VHOST_SET_VRING_CALL: {
		const struct vhost_vring_file *f = arg;

		r->index = f->index;
		r->val = f->fd;
		break;
	}
	}
	return 0;
}

/* The i-th recorded request of kind req for ring index, or NULL. */
static const struct rec *rec_find(unsigned long req, unsigned index, unsigned nth)
{
	for (unsigned i = 0; i < kern.n && i < MAX_REC; i++)
		if (kern.r[i].req == req && kern.r[i].index == index && nth-- == 0)
			return &kern.r[i];
	return NULL;
}

static unsigned rec_pos(const struct rec *r)
{
	ck_assert_ptr_nonnull(r);
	return (unsigned)(r - kern.r);
}

/* --- a fake transport: irqfds for the queues that have one --------------------------- */

static struct {
	int irqfd[NQ]; /* -1: -ENOSYS */
	unsigned notified[NQ];
} tp;

static void tp_notify_queue(struct virtio_dev *dev, unsigned q)
{
	(void)dev;
	ck_assert_uint_lt(q, NQ);
	__atomic_fetch_add(&tp.notified[q], 1, __ATOMIC_SEQ_CST);
}

static void tp_nothing(struct virtio_dev *dev)
{
	(void)dev;
}

static int tp_queue_irqfd(struct virtio_dev *dev, unsigned q)
{
	(void)dev;
	return q < NQ && tp.irqfd[q] >= 0 ? tp.irqfd[q] : -ENOSYS;
}

static const struct virtio_transport_ops tp_ops = {
	.notify_queue = tp_notify_queue,
	.notify_config = tp_nothing,
	.needs_reset = tp_nothing,
	.queue_irqfd = tp_queue_irqfd,
};

/* --- the bench -------------------------------------------------------------------- */

static struct guest_mem mem;
static struct virtio_dev dev;
static struct vhost v;
static int irqfd0;

static void setup(void)
{
	char err[128];

	guest_ram_alloc(&mem, RAM_BASE, RAM_SIZE);
	memset(&kern, 0, sizeof(kern));
	memset(&dev, 0, sizeof(dev));
	dev.name = "virtio-test";
	dev.mem = &mem;
	dev.nr_queues = NQ;
	dev.transport_ops = &tp_ops;
	dev.features = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(0);
	for (unsigned q = 0; q < NQ; q++) {
		dev.queues[q].enabled = true;
		dev.queues[q].kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		ck_assert_int_eq(virtq_init(&dev.queues[q].vq, &mem, QSIZE, DESC(q), AVAIL(q),
					    USED(q), dev.features),
				 0);
		tp.irqfd[q] = -1;
		tp.notified[q] = 0;
	}
	irqfd0 = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ck_assert_int_eq(vhost_init_fd(&v, open("/dev/null", O_RDWR | O_CLOEXEC), "vhost-test",
				       fake_ioctl, err, sizeof(err)),
			 0);
}

static void teardown(void)
{
	vhost_close(&v);
	for (unsigned q = 0; q < NQ; q++)
		close(dev.queues[q].kick_fd);
	close(irqfd0);
	guest_ram_free(&mem);
}

START_TEST(test_init)
{
	ck_assert_uint_eq(kern.n, 2);
	ck_assert_uint_eq(kern.r[0].req, VHOST_SET_OWNER);
	ck_assert_uint_eq(kern.r[1].req, VHOST_GET_FEATURES);
	ck_assert_uint_eq(v.features, BACKEND_FEATURES);
	ck_assert_uint_eq(vhost_features(&v, VIRTIO_BIT(0) | VIRTIO_BIT(1)), VIRTIO_BIT(0));
}
END_TEST

START_TEST(test_init_fails)
{
	struct vhost w;
	char err[128];

	kern.fail_req = VHOST_SET_OWNER;
	kern.fail_errno = EBUSY;
	ck_assert_int_eq(vhost_init_fd(&w, open("/dev/null", O_RDONLY | O_CLOEXEC), "vhost-test",
				       fake_ioctl, err, sizeof(err)),
			 -EBUSY);
	ck_assert_ptr_nonnull(strstr(err, "VHOST_SET_OWNER"));
	ck_assert_int_eq(w.fd, -1);
	vhost_close(&w); /* harmless */
}
END_TEST

START_TEST(test_open_missing)
{
	struct vhost w;
	char err[160];

	ck_assert_int_eq(
	    vhost_open(&w, "/nonexistent/vhost-vsock", "virtio-vsock", NULL, err, sizeof(err)),
	    -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "cannot open /nonexistent/vhost-vsock"));
	ck_assert_ptr_nonnull(strstr(err, "modprobe vhost_vsock"));
	ck_assert_int_eq(w.fd, -1);
	vhost_close(&w);
}
END_TEST

/* Rings 0 and 1 serve queues 2 and 0 (a device may hand any subset, in any order). */
START_TEST(test_start_irqfd)
{
	static const unsigned queues[] = { 2, 0 };
	const struct rec *r;

	tp.irqfd[0] = tp.irqfd[2] = irqfd0;
	dev.queues[2].vq.last_avail_idx = 7;
	kern.n = 0;
	ck_assert_int_eq(vhost_start(&v, &dev, queues, 2), 0);
	ck_assert(!v.relay_running);
	/* Features and memory first, as drivers/vhost checks ring addresses against it. */
	ck_assert_uint_eq(kern.r[0].req, VHOST_SET_FEATURES);
	ck_assert_uint_eq((uint64_t)kern.r[0].val, dev.features);
	ck_assert_uint_eq(kern.r[1].req, VHOST_SET_MEM_TABLE);
	ck_assert_uint_eq(kern.r[1].nregions, 1);
	ck_assert_uint_eq(kern.r[1].region.guest_phys_addr, RAM_BASE);
	ck_assert_uint_eq(kern.r[1].region.memory_size, RAM_SIZE);
	ck_assert_uint_eq(kern.r[1].region.userspace_addr, (uintptr_t)mem.hva);
	for (unsigned i = 0; i < 2; i++) {
		const struct virtio_queue *q = &dev.queues[queues[i]];

		r = rec_find(VHOST_SET_VRING_NUM, i, 0);
		ck_assert_ptr_nonnull(r);
		ck_assert_int_eq(r->val, QSIZE);
		ck_assert_int_eq(rec_find(VHOST_SET_VRING_BASE, i, 0)->val, i == 0 ? 7 : 0);
		r = rec_find(VHOST_SET_VRING_ADDR, i, 0);
		ck_assert_ptr_nonnull(r);
		ck_assert_uint_eq(r->addr.desc_user_addr,
				  (uintptr_t)guest_ram_ptr(&mem, DESC(queues[i]), 1));
		ck_assert_uint_eq(r->addr.avail_user_addr, (uintptr_t)q->vq.avail);
		ck_assert_uint_eq(r->addr.used_user_addr, (uintptr_t)q->vq.used);
		ck_assert_uint_eq(r->addr.flags, 0);
		ck_assert_int_eq(rec_find(VHOST_SET_VRING_KICK, i, 0)->val, q->kick_fd);
		ck_assert_int_eq(rec_find(VHOST_SET_VRING_CALL, i, 0)->val, irqfd0);
		ck_assert_uint_lt(rec_pos(rec_find(VHOST_SET_VRING_NUM, i, 0)),
				  rec_pos(rec_find(VHOST_SET_VRING_KICK, i, 0)));
	}
	ck_assert_int_eq(vhost_start(&v, &dev, queues, 2), -EINVAL); /* twice */
}
END_TEST

START_TEST(test_relay)
{
	static const unsigned queues[] = { 0, 1 };
	const struct rec *r;
	int call;

	tp.irqfd[0] = irqfd0; /* queue 1 has no irqfd: relayed */
	kern.n = 0;
	ck_assert_int_eq(vhost_start(&v, &dev, queues, 2), 0);
	ck_assert(v.relay_running);
	ck_assert_int_eq(rec_find(VHOST_SET_VRING_CALL, 0, 0)->val, irqfd0);
	r = rec_find(VHOST_SET_VRING_CALL, 1, 0);
	ck_assert_ptr_nonnull(r);
	call = (int)r->val;
	ck_assert_int_ne(call, irqfd0);
	ck_assert_int_ge(call, 0);
	/* The backend calls twice: each call is one notification of queue 1, none of 0. */
	eventfd_write(call, 1);
	ck_assert(test_wait_counter(&tp.notified[1], 1, 2000));
	eventfd_write(call, 1);
	ck_assert(test_wait_counter(&tp.notified[1], 2, 2000));
	ck_assert_uint_eq(tp.notified[0], 0);
	ck_assert_uint_eq(dev.queues[1].interrupts, 2);
	/* Stop: rings stopped and unbound, the relay gone with its eventfd. */
	kern.n = 0;
	vhost_stop(&v);
	ck_assert(!v.relay_running);
	for (unsigned i = 0; i < 2; i++) {
		ck_assert_ptr_nonnull(rec_find(VHOST_GET_VRING_BASE, i, 0));
		ck_assert_int_eq(rec_find(VHOST_SET_VRING_KICK, i, 0)->val, -1);
		ck_assert_int_eq(rec_find(VHOST_SET_VRING_CALL, i, 0)->val, -1);
	}
	ck_assert(fcntl(call, F_GETFD) < 0 && errno == EBADF);
	/* Started again after a reset: a fresh relay. */
	ck_assert_int_eq(vhost_start(&v, &dev, queues, 2), 0);
	ck_assert(v.relay_running);
}
END_TEST

START_TEST(test_start_refused)
{
	static const unsigned queues[] = { 0, 1 };
	static const unsigned bad[] = { 0, NQ };

	kern.n = 0;
	dev.features |= VIRTIO_BIT(5); /* the backend lacks it */
	ck_assert_int_eq(vhost_start(&v, &dev, queues, 2), -EOPNOTSUPP);
	dev.features &= ~VIRTIO_BIT(5);
	dev.queues[1].enabled = false;
	ck_assert_int_eq(vhost_start(&v, &dev, queues, 2), -EINVAL);
	dev.queues[1].enabled = true;
	ck_assert_int_eq(vhost_start(&v, &dev, bad, 2), -EINVAL);
	ck_assert_int_eq(vhost_start(&v, &dev, queues, VHOST_MAX_RINGS + 1), -EINVAL);
	ck_assert_uint_eq(kern.n, 0);
	ck_assert(!v.started);
}
END_TEST

/* A ring the kernel refuses: nothing stays started, and the error comes back. */
START_TEST(test_start_fails)
{
	static const unsigned queues[] = { 0, 1 };

	kern.n = 0;
	kern.fail_req = VHOST_SET_VRING_ADDR;
	kern.fail_errno = EFAULT;
	ck_assert_int_eq(vhost_start(&v, &dev, queues, 2), -EFAULT);
	ck_assert(!v.started);
	ck_assert(!v.relay_running);
	ck_assert_ptr_nonnull(rec_find(VHOST_GET_VRING_BASE, 0, 0));
	ck_assert_int_eq(rec_find(VHOST_SET_VRING_KICK, 0, 0)->val, -1); /* only the unbind */
	kern.fail_req = 0;
	ck_assert_int_eq(vhost_start(&v, &dev, queues, 2), 0);
}
END_TEST

Suite *vhost_suite(void)
{
	Suite *s = suite_create("vhost");
	TCase *tc = tcase_create("vhost");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_init);
	tcase_add_test(tc, test_init_fails);
	tcase_add_test(tc, test_open_missing);
	tcase_add_test(tc, test_start_irqfd);
	tcase_add_test(tc, test_relay);
	tcase_add_test(tc, test_start_refused);
	tcase_add_test(tc, test_start_fails);
	suite_add_tcase(s, tc);
	return s;
}
