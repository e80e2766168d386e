// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-rng against a tiny driver on malloc'd "guest RAM" and a fake
 * transport that only records notifications; the device's thread runs for
 * real and kicks are written to an eventfd.
 */
#include <endian.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "../../virtio/rng.h"
#include "../../vmm/mem.h"
#include "guest_ring.h"
#include "suites.h"

#define RAM_BASE  0x40000000ULL
#define RAM_SIZE  (1ULL << 20)
#define DESC_GPA  (RAM_BASE + 0x0000)
#define AVAIL_GPA (RAM_BASE + 0x1000)
#define USED_GPA  (RAM_BASE + 0x2000)
#define BUF_GPA	  (RAM_BASE + 0x10000) /* data buffers: 960 KiB */

#define NUM	VIRTIO_RNG_QUEUE_SIZE
#define F_EVENT (1ULL << VIRTIO_F_EVENT_IDX)
#define WAIT_MS 2000

/* --- a tiny driver --------------------------------------------------------- */

static struct guest_mem mem;
static struct virtio_rng rng;
static struct guest_ring drv;
static struct fake_transport ft;
static bool active;

static void *hva(uint64_t gpa, uint64_t len)
{
	return guest_ram_ptr(&mem, gpa, len);
}

static uint16_t used_idx(void)
{
	return guest_ring_used_idx(&drv);
}

static uint32_t used_len(uint16_t i)
{
	return guest_ring_used(&drv, i).len;
}

static void offer(uint16_t head)
{
	guest_ring_offer(&drv, head);
}

/* Writes a chain into the descriptor table and offers it. */
static void post(const struct guest_buf *s, unsigned n)
{
	guest_ring_post(&drv, s, n);
}

/* A zeroed device-writable buffer. */
static struct guest_buf wseg(uint64_t gpa, uint32_t len)
{
	memset(hva(gpa, len), 0, len);
	return (struct guest_buf){ gpa, len, VIRTQ_DESC_F_WRITE };
}

static bool all_zero(uint64_t gpa, uint32_t len)
{
	const uint8_t *p = hva(gpa, len);

	for (uint32_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static void kick(void)
{
	ck_assert_int_eq(eventfd_write(rng.vdev.queues[0].kick_fd, 1), 0);
}

/*
 * Kicks only if the device asks for it now that avail->idx moved on from old
 * (virtio 1.2 §2.7.10), as Linux does: a device that forgets to re-enable
 * notifications before it sleeps stalls the test.
 */
static void kick_if_wanted(uint16_t old)
{
	if (guest_ring_kick_wanted(&drv, old))
		kick();
}

static bool wait_used(uint16_t idx)
{
	return guest_ring_wait_used(&drv, idx, WAIT_MS);
}

/* The transport's part at DRIVER_OK: a fresh ring, then activate(). */
static void queue_setup(uint64_t features)
{
	guest_ring_init(&drv, &mem, NUM, DESC_GPA, AVAIL_GPA, USED_GPA, features & F_EVENT);
	memset(hva(RAM_BASE, 0x10000), 0, 0x10000);
	rng.vdev.features = features;
	ck_assert_int_eq(
	    virtq_init(&rng.vdev.queues[0].vq, &mem, NUM, DESC_GPA, AVAIL_GPA, USED_GPA, features),
	    0);
	rng.vdev.queues[0].enabled = true;
}

static void start(uint64_t features)
{
	queue_setup(features);
	ck_assert_int_eq(rng.vdev.ops->activate(&rng.vdev), 0);
	active = true;
}

static void stop(void)
{
	rng.vdev.ops->reset(&rng.vdev);
	active = false;
}

static void setup(void)
{
	char err[256];

	guest_ram_alloc(&mem, RAM_BASE, RAM_SIZE);
	active = false;
	ck_assert_int_eq(virtio_rng_init(&rng, &mem, err, sizeof(err)), 0);
	fake_transport_attach(&rng.vdev, &ft);
	rng.vdev.queues[0].kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ck_assert_int_ge(rng.vdev.queues[0].kick_fd, 0);
}

static void teardown(void)
{
	if (active)
		stop();
	rng.vdev.ops->destroy(&rng.vdev);
	close(rng.vdev.queues[0].kick_fd);
	guest_ram_free(&mem);
}

/* --- tests ------------------------------------------------------------------- */

START_TEST(test_init)
{
	struct virtio_dev *dev = &rng.vdev;

	ck_assert_uint_eq(dev->device_id, VIRTIO_ID_RNG);
	ck_assert_str_eq(dev->name, "virtio-rng");
	ck_assert_uint_eq(dev->nr_queues, 1);
	ck_assert_uint_eq(dev->queues[0].size_max, 64);
	ck_assert_uint_eq(dev->host_features, 0);
	ck_assert_uint_eq(dev->config_size, 0);
	ck_assert_ptr_eq(dev->mem, &mem);
	ck_assert_ptr_eq(dev->priv, &rng);
	ck_assert_ptr_nonnull(dev->ops->activate);
	ck_assert_ptr_nonnull(dev->ops->reset);
	ck_assert_ptr_null(dev->ops->config_write);
}
END_TEST

/* _i: 0 plain rings, 1 EVENT_IDX. */
START_TEST(test_fill)
{
	struct guest_buf a[] = { wseg(BUF_GPA, 64) };

	start(_i ? F_EVENT : 0);
	post(a, 1);
	kick();
	ck_assert(wait_used(1));
	ck_assert_uint_eq(used_len(0), 64);
	ck_assert(!all_zero(BUF_GPA, 64));
	ck_assert_uint_eq(rng.vdev.stats.requests, 1);
	ck_assert_uint_eq(rng.vdev.stats.bytes_written, 64);
	ck_assert_uint_ge(__atomic_load_n(&ft.notified[0], __ATOMIC_SEQ_CST), 1);
	ck_assert_uint_eq(ft.needs_reset, 0);
}
END_TEST

START_TEST(test_fill_segments)
{
	struct guest_buf a[] = { { BUF_GPA, 4, 0 },
				 wseg(BUF_GPA + 0x100, 16),
				 wseg(BUF_GPA + 0x200, 100),
				 wseg(BUF_GPA + 0x300, 7) };

	memcpy(hva(BUF_GPA, 4), "keep", 4);
	start(0);
	post(a, 4);
	kick();
	ck_assert(wait_used(1));
	/* Only the writable part, all of it, and not a byte past it. */
	ck_assert_uint_eq(used_len(0), 123);
	ck_assert_mem_eq(hva(BUF_GPA, 4), "keep", 4);
	ck_assert(!all_zero(BUF_GPA + 0x100, 16));
	ck_assert(!all_zero(BUF_GPA + 0x200, 100));
	ck_assert(!all_zero(BUF_GPA + 0x300, 7));
	ck_assert(all_zero(BUF_GPA + 0x100 + 16, 0x100 - 16));
	ck_assert(all_zero(BUF_GPA + 0x200 + 100, 0x100 - 100));
	ck_assert(all_zero(BUF_GPA + 0x300 + 7, 0x100 - 7));
}
END_TEST

START_TEST(test_fill_capped)
{
	const uint32_t len = 100 << 10;
	struct guest_buf a[] = { wseg(BUF_GPA, len) };

	start(0);
	post(a, 1);
	kick();
	ck_assert(wait_used(1));
	ck_assert_uint_eq(used_len(0), VIRTIO_RNG_REQ_MAX);
	ck_assert_uint_eq(VIRTIO_RNG_REQ_MAX, 64 << 10);
	ck_assert(!all_zero(BUF_GPA, 64));
	ck_assert(!all_zero(BUF_GPA + VIRTIO_RNG_REQ_MAX - 64, 64));
	ck_assert(all_zero(BUF_GPA + VIRTIO_RNG_REQ_MAX, len - VIRTIO_RNG_REQ_MAX));
	ck_assert_uint_eq(rng.vdev.stats.bytes_written, VIRTIO_RNG_REQ_MAX);
}
END_TEST

START_TEST(test_read_only_chain)
{
	struct guest_buf a[] = { { BUF_GPA, 64, 0 } };
	struct guest_buf b[] = { wseg(BUF_GPA + 0x100, 32) };

	memset(hva(BUF_GPA, 64), 0, 64);
	start(0);
	/* Nothing the device may write: completed with 0, and the next request is served. */
	post(a, 1);
	post(b, 1);
	kick();
	ck_assert(wait_used(2));
	ck_assert_uint_eq(used_len(0), 0);
	ck_assert_uint_eq(used_len(1), 32);
	ck_assert(all_zero(BUF_GPA, 64));
	ck_assert(!all_zero(BUF_GPA + 0x100, 32));
	ck_assert_uint_eq(ft.needs_reset, 0);
}
END_TEST

START_TEST(test_many)
{
	uint16_t total = 0;

	start(_i ? F_EVENT : 0);
	/*
	 * Full rings, five times over, kicking only when the device asks: the
	 * thread goes back to sleep and wakes each time.
	 */
	for (unsigned round = 0; round < 5; round++) {
		for (unsigned k = 0; k < NUM; k++) {
			struct guest_buf a[] = { wseg(BUF_GPA + 32ULL * k, 32) };
			uint16_t old = drv.avail_idx;

			post(a, 1);
			kick_if_wanted(old);
		}
		total += NUM;
		ck_assert_msg(wait_used(total), "round %u: used %u of %u", round, used_idx(),
			      total);
		for (unsigned k = 0; k < NUM; k++)
			ck_assert_uint_eq(used_len((uint16_t)(total - NUM + k)), 32);
	}
	ck_assert_uint_eq(rng.vdev.stats.bytes_written, 5 * NUM * 32);
}
END_TEST

START_TEST(test_before_kick)
{
	struct guest_buf a[] = { wseg(BUF_GPA, 16) };

	/* Posted before DRIVER_OK, never kicked: the thread drains before it waits. */
	queue_setup(0);
	post(a, 1);
	ck_assert_int_eq(rng.vdev.ops->activate(&rng.vdev), 0);
	active = true;
	ck_assert(wait_used(1));
	ck_assert_uint_eq(used_len(0), 16);
}
END_TEST

START_TEST(test_broken_ring)
{
	start(0);
	offer(NUM); /* head >= num */
	kick();
	test_wait_counter(&ft.needs_reset, 1, WAIT_MS);
	ck_assert_uint_eq(ft.needs_reset, 1);
	ck_assert_uint_eq(used_idx(), 0);
	stop();
}
END_TEST

START_TEST(test_reset_reactivate)
{
	struct guest_buf a[] = { wseg(BUF_GPA, 16) };

	start(0);
	post(a, 1);
	kick();
	ck_assert(wait_used(1));
	stop();
	/* Stopped: a request now waits for the next DRIVER_OK. */
	queue_setup(0);
	post(a, 1);
	kick();
	test_sleep_ms(50);
	ck_assert_uint_eq(used_idx(), 0);
	ck_assert_int_eq(rng.vdev.ops->activate(&rng.vdev), 0);
	active = true;
	ck_assert(wait_used(1));
	ck_assert_uint_eq(used_len(0), 16);
	/* The new thread sleeps and wakes like the first one did. */
	test_sleep_ms(50);
	post(a, 1);
	kick();
	ck_assert(wait_used(2));
	ck_assert_uint_eq(used_len(1), 16);
}
END_TEST

Suite *virtio_rng_suite(void)
{
	Suite *s = suite_create("virtio_rng");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_init);
	tcase_add_loop_test(tc, test_fill, 0, 2);
	tcase_add_test(tc, test_fill_segments);
	tcase_add_test(tc, test_fill_capped);
	tcase_add_test(tc, test_read_only_chain);
	tcase_add_loop_test(tc, test_many, 0, 2);
	tcase_add_test(tc, test_before_kick);
	tcase_add_test(tc, test_broken_ring);
	tcase_add_test(tc, test_reset_reactivate);
	suite_add_tcase(s, tc);
	return s;
}
