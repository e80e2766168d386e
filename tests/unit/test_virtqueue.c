// SPDX-License-Identifier: GPL-2.0-only
/*
 * The split virtqueue against a driver that is sometimes hostile: the tests
 * write rings into plain "guest RAM" the way a driver would, then pop, push,
 * notify, and feed the device every malformed ring we could think of.
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../virtio/virtqueue.h"
#include "../../vmm/mem.h"
#include "guest_ring.h"
#include "suites.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (4ULL << 20)
#define RAM_END	 (RAM_BASE + RAM_SIZE)

/* Where this test's driver puts things; room for a 32768-entry queue. */
#define DESC_GPA  (RAM_BASE + 0x000000) /* 16 * 32768 = 512 KiB */
#define AVAIL_GPA (RAM_BASE + 0x080000) /* 6 + 2 * 32768 */
#define USED_GPA  (RAM_BASE + 0x100000) /* 6 + 8 * 32768 */
#define TABLE_GPA (RAM_BASE + 0x180000) /* indirect tables */
#define BUF_GPA	  (RAM_BASE + 0x200000) /* data buffers */

#define NUM	   8
#define F_INDIRECT (1ULL << VIRTIO_F_INDIRECT_DESC)
#define F_EVENT	   (1ULL << VIRTIO_F_EVENT_IDX)

#define R    0
#define W    VIRTQ_DESC_F_WRITE
#define NEXT VIRTQ_DESC_F_NEXT
#define IND  VIRTQ_DESC_F_INDIRECT

static struct guest_mem mem;
static struct virtq vq;
static struct virtq_chain chain; /* 16 KiB: not on the stack */
static struct guest_ring drv;	 /* num: the queue size the driver set up */

static void setup(void)
{
	guest_ram_alloc(&mem, RAM_BASE, RAM_SIZE);
	memset(&vq, 0, sizeof(vq));
	guest_ring_init(&drv, &mem, 0, DESC_GPA, AVAIL_GPA, USED_GPA, false);
}

static void teardown(void)
{
	guest_ram_free(&mem);
}

/* --- a tiny driver ----------------------------------------------------------- */

static void *hva(uint64_t gpa, uint64_t len)
{
	return guest_ram_ptr(&mem, gpa, len);
}

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	guest_desc_put(&mem, DESC_GPA, i, addr, len, flags, next);
}

static void ind(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	guest_desc_put(&mem, TABLE_GPA, i, addr, len, flags, next);
}

static struct virtq_avail *avail(void)
{
	return hva(AVAIL_GPA, 4);
}

static struct virtq_used *used(void)
{
	return hva(USED_GPA, 4);
}

static void set_avail_idx(uint16_t idx)
{
	__atomic_store_n(&avail()->idx, htole16(idx), __ATOMIC_RELEASE);
}

/* Publishes a chain head: the ring entry first, then idx with release (§2.7.13). */
static void offer(uint16_t head)
{
	guest_ring_offer(&drv, head);
}

static void set_used_event(uint16_t v)
{
	*(uint16_t *)hva(AVAIL_GPA + 4 + 2ULL * drv.num, 2) = htole16(v);
}

static uint16_t avail_event(void)
{
	return le16toh(*(uint16_t *)hva(USED_GPA + 4 + 8ULL * drv.num, 2));
}

static void vq_setup(unsigned num, uint64_t features)
{
	drv.num = num;
	ck_assert_int_eq(virtq_init(&vq, &mem, num, DESC_GPA, AVAIL_GPA, USED_GPA, features), 0);
}

/* Offers, pops and pushes n one-descriptor chains: moves both indices by n. */
static void cycle(unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		uint16_t head = k & (drv.num - 1);

		desc(head, BUF_GPA + head, 1, R, 0);
		offer(head);
		if (virtq_pop(&vq, &chain) != 1 || chain.head != head)
			ck_abort_msg("pop %u failed", k);
		if (virtq_push(&vq, head, 0))
			ck_abort_msg("push %u failed", k);
	}
}

static void seg_is(unsigned i, uint64_t gpa, uint32_t len, bool write)
{
	ck_assert_uint_lt(i, chain.nr_segs);
	ck_assert_ptr_eq(chain.seg[i].hva, hva(gpa, len));
	ck_assert_uint_eq(chain.seg[i].len, len);
	ck_assert(chain.seg[i].write == write);
}

/* --- virtq_init --------------------------------------------------------------- */

START_TEST(test_init_valid)
{
	static const unsigned nums[] = { 1, 2, 4, 256, 1024, 32768 };

	for (unsigned i = 0; i < N(nums); i++) {
		vq_setup(nums[i], F_EVENT | F_INDIRECT);
		ck_assert_uint_eq(vq.num, nums[i]);
		ck_assert(!vq.broken);
		ck_assert(vq.event_idx && vq.indirect);
		ck_assert_ptr_eq(vq.mem, &mem);
		ck_assert_uint_eq(vq.desc_gpa, DESC_GPA);
		ck_assert_uint_eq(vq.avail_gpa, AVAIL_GPA);
		ck_assert_uint_eq(vq.used_gpa, USED_GPA);
		ck_assert_uint_eq(vq.last_avail_idx, 0);
		ck_assert_uint_eq(vq.used_idx, 0);
		ck_assert_ptr_eq(vq.used_event, hva(AVAIL_GPA + 4 + 2ULL * nums[i], 2));
		ck_assert_ptr_eq(vq.avail_event, hva(USED_GPA + 4 + 8ULL * nums[i], 2));
	}
	vq_setup(16, 0);
	ck_assert(!vq.event_idx && !vq.indirect);
	ck_assert_ptr_null(vq.used_event);
	ck_assert_ptr_null(vq.avail_event);
	/* Other feature bits are none of the ring's business. */
	vq_setup(16, 1ULL << 32 | 1ULL << 35 | 1);
	ck_assert(!vq.event_idx && !vq.indirect);
}
END_TEST

static void init_fails(const struct guest_mem *m, unsigned num, uint64_t d, uint64_t a, uint64_t u,
		       uint64_t features)
{
	memset(&vq, 0x5a, sizeof(vq));
	ck_assert_msg(virtq_init(&vq, m, num, d, a, u, features) == -EINVAL,
		      "num %u desc 0x%llx avail 0x%llx used 0x%llx accepted", num,
		      (unsigned long long)d, (unsigned long long)a, (unsigned long long)u);
	ck_assert(vq.broken);
	ck_assert_uint_eq(vq.num, 0);
	ck_assert_ptr_null(vq.desc);
	ck_assert_ptr_null(vq.mem);
}

START_TEST(test_init_bad_num)
{
	/* virtio 1.2 §2.7: a power of 2, at most 32768; 0 is "queue unavailable". */
	static const unsigned bad[] = { 0,     3,     6,     12,    100,      32767,
					32769, 49152, 65535, 65536, 1u << 20, UINT32_MAX };

	for (unsigned i = 0; i < N(bad); i++)
		init_fails(&mem, bad[i], DESC_GPA, AVAIL_GPA, USED_GPA, 0);
}
END_TEST

START_TEST(test_init_misaligned)
{
	init_fails(&mem, NUM, DESC_GPA + 8, AVAIL_GPA, USED_GPA, 0);
	init_fails(&mem, NUM, DESC_GPA + 1, AVAIL_GPA, USED_GPA, 0);
	init_fails(&mem, NUM, DESC_GPA, AVAIL_GPA + 1, USED_GPA, 0);
	init_fails(&mem, NUM, DESC_GPA, AVAIL_GPA, USED_GPA + 2, 0);
	init_fails(&mem, NUM, DESC_GPA, AVAIL_GPA, USED_GPA + 1, 0);
	/* The minimum alignments are enough. */
	ck_assert_int_eq(virtq_init(&vq, &mem, NUM, DESC_GPA + 16, AVAIL_GPA + 2, USED_GPA + 4, 0),
			 0);
}
END_TEST

START_TEST(test_init_outside_ram)
{
	const uint64_t dsz = 16 * NUM, asz = 4 + 2 * NUM, usz = 4 + 8 * NUM;

	init_fails(NULL, NUM, DESC_GPA, AVAIL_GPA, USED_GPA, 0);
	/* Entirely below, straddling the base, entirely above, straddling the end. */
	init_fails(&mem, NUM, RAM_BASE - 0x10000, AVAIL_GPA, USED_GPA, 0);
	init_fails(&mem, NUM, RAM_BASE - 16, AVAIL_GPA, USED_GPA, 0);
	init_fails(&mem, NUM, DESC_GPA, RAM_END, USED_GPA, 0);
	init_fails(&mem, NUM, DESC_GPA, AVAIL_GPA, RAM_END + 0x1000, 0);
	init_fails(&mem, NUM, RAM_END - 16, AVAIL_GPA, USED_GPA, 0);
	init_fails(&mem, NUM, DESC_GPA, RAM_END - 2, USED_GPA, 0);
	init_fails(&mem, NUM, DESC_GPA, AVAIL_GPA, RAM_END - 4, 0);
	/* Wrapping past 2^64, and in MMIO space below RAM. */
	init_fails(&mem, NUM, UINT64_MAX & ~15ULL, AVAIL_GPA, USED_GPA, 0);
	init_fails(&mem, NUM, DESC_GPA, UINT64_MAX - 1, USED_GPA, 0);
	init_fails(&mem, NUM, DESC_GPA, AVAIL_GPA, 0x50000000, 0);
	/* The large queue does not fit where the small one does. */
	init_fails(&mem, 32768, RAM_END - 0x10000, AVAIL_GPA, USED_GPA, 0);

	/* Rings ending exactly at the end of RAM fit, without the event fields... */
	ck_assert_int_eq(virtq_init(&vq, &mem, NUM, RAM_END - dsz, AVAIL_GPA, USED_GPA, 0), 0);
	ck_assert_int_eq(virtq_init(&vq, &mem, NUM, DESC_GPA, RAM_END - asz, USED_GPA, 0), 0);
	ck_assert_int_eq(virtq_init(&vq, &mem, NUM, DESC_GPA, AVAIL_GPA, RAM_END - usz, 0), 0);
	/* ...which EVENT_IDX adds after each ring (§2.7.6, §2.7.8). */
	init_fails(&mem, NUM, DESC_GPA, RAM_END - asz, USED_GPA, F_EVENT);
	init_fails(&mem, NUM, DESC_GPA, AVAIL_GPA, RAM_END - usz, F_EVENT);
	ck_assert_int_eq(virtq_init(&vq, &mem, NUM, DESC_GPA, RAM_END - asz - 2, USED_GPA, F_EVENT),
			 0);
	/* 4 + 8 * num + 2 cannot end on a 4-byte boundary: 2 bytes short is the closest. */
	ck_assert_int_eq(
	    virtq_init(&vq, &mem, NUM, DESC_GPA, AVAIL_GPA, RAM_END - usz - 4, F_EVENT), 0);
}
END_TEST

START_TEST(test_init_refuses_packed)
{
	init_fails(&mem, NUM, DESC_GPA, AVAIL_GPA, USED_GPA, 1ULL << VIRTIO_F_RING_PACKED);
}
END_TEST

START_TEST(test_init_failed_queue_is_inert)
{
	init_fails(&mem, 3, DESC_GPA, AVAIL_GPA, USED_GPA, 0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), -EIO);
	ck_assert_int_eq(virtq_push(&vq, 0, 0), -EIO);
	ck_assert(!virtq_should_notify(&vq, 1));
	virtq_notify_disable(&vq);
	ck_assert(!virtq_notify_enable(&vq));
}
END_TEST

START_TEST(test_init_writes_nothing)
{
	memset(mem.hva, 0xa5, RAM_SIZE);
	vq_setup(NUM, F_EVENT | F_INDIRECT);
	for (uint64_t i = 0; i < RAM_SIZE; i++)
		if (mem.hva[i] != 0xa5)
			ck_abort_msg("byte 0x%llx written", (unsigned long long)i);
}
END_TEST

/* --- popping well-formed chains --------------------------------------------- */

START_TEST(test_pop_empty)
{
	vq_setup(NUM, 0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 0);
	ck_assert(!vq.broken);
	/* A ring entry the driver has not published yet is not seen. */
	desc(0, BUF_GPA, 16, R, 0);
	avail()->ring[0] = 0;
	ck_assert_int_eq(virtq_pop(&vq, &chain), 0);
	ck_assert_uint_eq(vq.last_avail_idx, 0);
}
END_TEST

START_TEST(test_pop_single)
{
	vq_setup(NUM, 0);
	desc(3, BUF_GPA + 0x100, 100, R, 0);
	offer(3);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(chain.head, 3);
	ck_assert_uint_eq(chain.nr_segs, 1);
	ck_assert_uint_eq(chain.nr_read_segs, 1);
	ck_assert_uint_eq(chain.read_len, 100);
	ck_assert_uint_eq(chain.write_len, 0);
	seg_is(0, BUF_GPA + 0x100, 100, false);
	ck_assert_uint_eq(vq.last_avail_idx, 1);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 0);
}
END_TEST

START_TEST(test_pop_read_write_chain)
{
	/* A virtio-blk request: header, data, status, scattered over the table. */
	vq_setup(NUM, 0);
	desc(5, BUF_GPA, 16, R | NEXT, 2);
	desc(2, BUF_GPA + 0x1000, 512, R | NEXT, 7);
	desc(7, BUF_GPA + 0x2000, 1, W, 0xffff); /* next is ignored without NEXT */
	offer(5);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(chain.head, 5);
	ck_assert_uint_eq(chain.nr_segs, 3);
	ck_assert_uint_eq(chain.nr_read_segs, 2);
	ck_assert_uint_eq(chain.read_len, 528);
	ck_assert_uint_eq(chain.write_len, 1);
	seg_is(0, BUF_GPA, 16, false);
	seg_is(1, BUF_GPA + 0x1000, 512, false);
	seg_is(2, BUF_GPA + 0x2000, 1, true);
}
END_TEST

START_TEST(test_pop_writable_only)
{
	vq_setup(NUM, 0);
	desc(0, BUF_GPA, 4096, W | NEXT, 1);
	desc(1, RAM_END - 4096, 4096, W, 0); /* the last page of RAM */
	offer(0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(chain.nr_segs, 2);
	ck_assert_uint_eq(chain.nr_read_segs, 0);
	ck_assert_uint_eq(chain.read_len, 0);
	ck_assert_uint_eq(chain.write_len, 8192);
	seg_is(1, RAM_END - 4096, 4096, true);
}
END_TEST

START_TEST(test_pop_zero_length)
{
	/* Empty descriptors are skipped whatever their address and direction. */
	vq_setup(NUM, 0);
	desc(0, BUF_GPA, 16, R | NEXT, 1);
	desc(1, 0, 0, R | NEXT, 2);
	desc(2, UINT64_MAX, 0, W | NEXT, 3);
	desc(3, BUF_GPA + 16, 8, R | NEXT, 4);
	desc(4, BUF_GPA + 32, 4, W, 0);
	offer(0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(chain.nr_segs, 3);
	ck_assert_uint_eq(chain.nr_read_segs, 2);
	seg_is(0, BUF_GPA, 16, false);
	seg_is(1, BUF_GPA + 16, 8, false);
	seg_is(2, BUF_GPA + 32, 4, true);

	/* A chain of nothing but an empty descriptor is a valid empty chain. */
	desc(6, 0x1234, 0, R, 0);
	offer(6);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(chain.head, 6);
	ck_assert_uint_eq(chain.nr_segs, 0);
	ck_assert_uint_eq(chain.read_len + chain.write_len, 0);
}
END_TEST

START_TEST(test_pop_batch_and_full_ring)
{
	vq_setup(NUM, 0);
	/* num chains at once: avail->idx moves by exactly num, which is legal. */
	for (unsigned i = 0; i < NUM; i++) {
		desc(i, BUF_GPA + 0x100 * i, 8 + i, R, 0);
		offer((uint16_t)(NUM - 1 - i));
	}
	for (unsigned i = 0; i < NUM; i++) {
		unsigned head = NUM - 1 - i;

		ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
		ck_assert_uint_eq(chain.head, head);
		seg_is(0, BUF_GPA + 0x100 * head, 8 + head, false);
	}
	ck_assert_int_eq(virtq_pop(&vq, &chain), 0);
	ck_assert(!vq.broken);
}
END_TEST

START_TEST(test_pop_max_segments)
{
	/* VIRTQ_CHAIN_MAX segments exactly: accepted. */
	vq_setup(2 * VIRTQ_CHAIN_MAX, 0);
	for (unsigned i = 0; i < VIRTQ_CHAIN_MAX; i++)
		desc(i, BUF_GPA + i, 1, i + 1 < VIRTQ_CHAIN_MAX ? NEXT : 0, i + 1);
	offer(0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(chain.nr_segs, VIRTQ_CHAIN_MAX);
	ck_assert_uint_eq(chain.read_len, VIRTQ_CHAIN_MAX);
	seg_is(VIRTQ_CHAIN_MAX - 1, BUF_GPA + VIRTQ_CHAIN_MAX - 1, 1, false);
}
END_TEST

START_TEST(test_avail_idx_wrap)
{
	/* 2^16 + 3 chains through a 4-entry ring: both indices wrap 65535 -> 0. */
	vq_setup(4, 0);
	cycle(65534);
	ck_assert_uint_eq(vq.last_avail_idx, 65534);
	ck_assert_uint_eq(le16toh(used()->idx), 65534);
	/* Four chains outstanding across the wrap: avail->idx is now 2. */
	for (unsigned i = 0; i < 4; i++) {
		desc(i, BUF_GPA + i, 1 + i, R, 0);
		offer((uint16_t)i);
	}
	ck_assert_uint_eq(le16toh(avail()->idx), 2);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
		ck_assert_uint_eq(chain.head, i);
		ck_assert_uint_eq(chain.read_len, 1 + i);
		ck_assert_int_eq(virtq_push(&vq, (uint16_t)i, i), 0);
	}
	ck_assert_int_eq(virtq_pop(&vq, &chain), 0);
	ck_assert_uint_eq(vq.last_avail_idx, 2);
	ck_assert_uint_eq(vq.used_idx, 2);
	ck_assert_uint_eq(le16toh(used()->idx), 2);
	/* Entries 65534, 65535, 0, 1 went to ring slots 2, 3, 0, 1. */
	ck_assert_uint_eq(le32toh(used()->ring[2].id), 0);
	ck_assert_uint_eq(le32toh(used()->ring[3].id), 1);
	ck_assert_uint_eq(le32toh(used()->ring[0].id), 2);
	ck_assert_uint_eq(le32toh(used()->ring[1].id), 3);
	ck_assert_uint_eq(le32toh(used()->ring[1].len), 3);
	cycle(5);
	ck_assert(!vq.broken);
}
END_TEST

/* --- indirect descriptors ------------------------------------------------------ */

START_TEST(test_indirect_chain)
{
	vq_setup(NUM, F_INDIRECT);
	ind(0, BUF_GPA, 16, R | NEXT, 1);
	ind(1, BUF_GPA + 0x1000, 4096, R | NEXT, 2);
	ind(2, BUF_GPA + 0x3000, 1, W, 0);
	/* §2.7.5.3.2: the device ignores WRITE on the descriptor of the table. */
	desc(4, TABLE_GPA, 3 * 16, IND | W, 0);
	offer(4);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(chain.head, 4);
	ck_assert_uint_eq(chain.nr_segs, 3);
	ck_assert_uint_eq(chain.nr_read_segs, 2);
	ck_assert_uint_eq(chain.read_len, 16 + 4096);
	ck_assert_uint_eq(chain.write_len, 1);
	seg_is(0, BUF_GPA, 16, false);
	seg_is(1, BUF_GPA + 0x1000, 4096, false);
	seg_is(2, BUF_GPA + 0x3000, 1, true);
}
END_TEST

START_TEST(test_indirect_after_direct)
{
	/* §2.7.5.3.2: direct descriptors, then one indirect one, is valid. */
	vq_setup(NUM, F_INDIRECT);
	desc(1, BUF_GPA, 16, R | NEXT, 6);
	desc(6, TABLE_GPA, 2 * 16, IND, 0);
	ind(0, BUF_GPA + 0x100, 32, R | NEXT, 1);
	ind(1, BUF_GPA + 0x200, 64, W, 0);
	offer(1);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(chain.nr_segs, 3);
	ck_assert_uint_eq(chain.nr_read_segs, 2);
	seg_is(0, BUF_GPA, 16, false);
	seg_is(1, BUF_GPA + 0x100, 32, false);
	seg_is(2, BUF_GPA + 0x200, 64, true);
}
END_TEST

START_TEST(test_indirect_unaligned_scrambled)
{
	/* No alignment is required of a table; entries chain by next in any order. */
	const uint64_t table = TABLE_GPA + 3;

	vq_setup(NUM, F_INDIRECT);
	guest_desc_put(&mem, table, 0, BUF_GPA, 8, R | NEXT, 3);
	guest_desc_put(&mem, table, 3, BUF_GPA + 8, 8, R | NEXT, 1);
	guest_desc_put(&mem, table, 1, BUF_GPA + 16, 8, W, 0);
	desc(0, table, 4 * 16, IND, 0);
	offer(0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(chain.nr_segs, 3);
	seg_is(0, BUF_GPA, 8, false);
	seg_is(1, BUF_GPA + 8, 8, false);
	seg_is(2, BUF_GPA + 16, 8, true);
}
END_TEST

START_TEST(test_indirect_max_table)
{
	vq_setup(NUM, F_INDIRECT);
	for (unsigned i = 0; i < VIRTQ_CHAIN_MAX; i++)
		ind(i, BUF_GPA + i, 1, (i < 512 ? R : W) | (i + 1 < VIRTQ_CHAIN_MAX ? NEXT : 0),
		    i + 1);
	desc(2, TABLE_GPA, VIRTQ_CHAIN_MAX * 16, IND, 0);
	offer(2);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(chain.nr_segs, VIRTQ_CHAIN_MAX);
	ck_assert_uint_eq(chain.nr_read_segs, 512);
	ck_assert_uint_eq(chain.write_len, VIRTQ_CHAIN_MAX - 512);
}
END_TEST

/* --- malformed rings: every one breaks the queue ------------------------------ */

static void std_setup(void)
{
	vq_setup(NUM, F_INDIRECT);
}

static void bad_loop(void)
{
	std_setup();
	desc(0, BUF_GPA, 16, R | NEXT, 1);
	desc(1, BUF_GPA, 16, R | NEXT, 0);
	offer(0);
}

static void bad_self_loop(void)
{
	std_setup();
	desc(3, BUF_GPA, 16, R | NEXT, 3);
	offer(3);
}

static void bad_zero_length_loop(void)
{
	/* Empty descriptors make no segments but the walk is still bounded. */
	vq_setup(VIRTQ_MAX_SIZE, 0);
	desc(0, 0, 0, R | NEXT, 1);
	desc(1, 0, 0, W | NEXT, 0);
	offer(0);
}

static void bad_longer_than_num(void)
{
	/* Every descriptor once, then back to the first: num + 1 steps. */
	std_setup();
	for (unsigned i = 0; i < NUM; i++)
		desc(i, BUF_GPA + i, 1, R | NEXT, (i + 1) % NUM);
	offer(0);
}

static void bad_next_num(void)
{
	std_setup();
	desc(0, BUF_GPA, 16, R | NEXT, NUM);
	offer(0);
}

static void bad_next_ffff(void)
{
	std_setup();
	desc(0, BUF_GPA, 16, R | NEXT, 0xffff);
	offer(0);
}

static void bad_head(void)
{
	std_setup();
	offer(NUM);
}

static void bad_buf_past_end(void)
{
	std_setup();
	desc(0, RAM_END, 1, R, 0);
	offer(0);
}

static void bad_buf_straddles_end(void)
{
	std_setup();
	desc(0, BUF_GPA, 16, R | NEXT, 1);
	desc(1, RAM_END - 4, 8, W, 0);
	offer(0);
}

static void bad_buf_below_base(void)
{
	std_setup();
	desc(0, RAM_BASE - 0x1000, 16, R, 0);
	offer(0);
}

static void bad_buf_straddles_base(void)
{
	std_setup();
	desc(0, RAM_BASE - 1, 2, R, 0);
	offer(0);
}

static void bad_buf_in_mmio(void)
{
	std_setup();
	desc(0, 0x50000000, 4096, W, 0); /* the PCI MMIO window */
	offer(0);
}

static void bad_buf_wraps(void)
{
	/* addr + len wraps past 2^64, to land inside RAM. */
	std_setup();
	desc(0, UINT64_MAX - 0xf, (uint32_t)(RAM_BASE + 0x20), R, 0);
	offer(0);
}

/*
 * The same head made available again while the device still holds it
 * (virtio-blk kept its request state by head: the second pop overwrote the
 * first's while its I/O was in flight, and both completed).
 */
static void bad_head_in_flight(void)
{
	std_setup();
	desc(3, BUF_GPA, 16, R, 0);
	offer(3);
	offer(3);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
}

static void bad_write_before_read(void)
{
	std_setup();
	desc(0, BUF_GPA, 16, W | NEXT, 1);
	desc(1, BUF_GPA + 16, 16, R, 0);
	offer(0);
}

static void bad_idx_jump(void)
{
	std_setup();
	set_avail_idx(NUM + 1);
}

static void bad_idx_backwards(void)
{
	/* §2.7.6.1: the driver MUST NOT decrement idx; 0 - 1 looks like +65535. */
	std_setup();
	cycle(3);
	set_avail_idx(2);
}

static void bad_too_many_segments(void)
{
	vq_setup(2 * VIRTQ_CHAIN_MAX, 0);
	for (unsigned i = 0; i <= VIRTQ_CHAIN_MAX; i++)
		desc(i, BUF_GPA + i, 1, NEXT, i + 1);
	desc(VIRTQ_CHAIN_MAX, BUF_GPA, 1, R, 0);
	offer(0);
}

static void bad_ind_not_negotiated(void)
{
	vq_setup(NUM, F_EVENT);
	ind(0, BUF_GPA, 16, R, 0);
	desc(0, TABLE_GPA, 16, IND, 0);
	offer(0);
}

static void bad_ind_with_next(void)
{
	std_setup();
	ind(0, BUF_GPA, 16, R, 0);
	desc(0, TABLE_GPA, 16, IND | NEXT, 1);
	desc(1, BUF_GPA + 16, 16, W, 0);
	offer(0);
}

static void ind_len(uint32_t len)
{
	std_setup();
	ind(0, BUF_GPA, 16, R, 0);
	desc(0, TABLE_GPA, len, IND, 0);
	offer(0);
}

static void bad_ind_len_0(void)
{
	ind_len(0);
}

static void bad_ind_len_8(void)
{
	ind_len(8);
}

static void bad_ind_len_24(void)
{
	ind_len(24);
}

static void bad_ind_len_huge(void)
{
	ind_len((VIRTQ_CHAIN_MAX + 1) * 16);
}

static void bad_ind_len_max(void)
{
	ind_len(UINT32_MAX & ~15U);
}

static void bad_ind_table_outside(void)
{
	std_setup();
	desc(0, RAM_END, 16, IND, 0);
	offer(0);
}

static void bad_ind_table_straddles_end(void)
{
	std_setup();
	desc(0, RAM_END - 16, 32, IND, 0);
	offer(0);
}

static void bad_ind_nested(void)
{
	std_setup();
	ind(0, BUF_GPA, 16, R | NEXT, 1);
	ind(1, TABLE_GPA + 0x100, 16, IND, 0);
	guest_desc_put(&mem, TABLE_GPA + 0x100, 0, BUF_GPA, 16, W, 0);
	desc(0, TABLE_GPA, 2 * 16, IND, 0);
	offer(0);
}

static void bad_ind_loop(void)
{
	std_setup();
	ind(0, BUF_GPA, 16, R | NEXT, 1);
	ind(1, BUF_GPA, 16, R | NEXT, 0);
	desc(0, TABLE_GPA, 2 * 16, IND, 0);
	offer(0);
}

static void bad_ind_self_loop(void)
{
	std_setup();
	ind(0, BUF_GPA, 16, R | NEXT, 0);
	desc(0, TABLE_GPA, 4 * 16, IND, 0);
	offer(0);
}

static void bad_ind_next_out_of_table(void)
{
	/* next must stay inside the table, not the ring (here 2 < num). */
	std_setup();
	ind(0, BUF_GPA, 16, R | NEXT, 2);
	ind(2, BUF_GPA, 16, W, 0);
	desc(0, TABLE_GPA, 2 * 16, IND, 0);
	offer(0);
}

static void bad_ind_write_before_read(void)
{
	std_setup();
	ind(0, BUF_GPA, 16, W | NEXT, 1);
	ind(1, BUF_GPA + 16, 16, R, 0);
	desc(0, TABLE_GPA, 2 * 16, IND, 0);
	offer(0);
}

static void bad_direct_write_then_ind_read(void)
{
	std_setup();
	desc(0, BUF_GPA, 16, W | NEXT, 1);
	desc(1, TABLE_GPA, 16, IND, 0);
	ind(0, BUF_GPA + 16, 16, R, 0);
	offer(0);
}

static void bad_ind_buf_outside(void)
{
	std_setup();
	ind(0, BUF_GPA, 16, R | NEXT, 1);
	ind(1, RAM_END - 1, 2, W, 0);
	desc(0, TABLE_GPA, 2 * 16, IND, 0);
	offer(0);
}

static void bad_ind_too_many_segments(void)
{
	/* One direct segment plus a full table: one more than VIRTQ_CHAIN_MAX. */
	std_setup();
	for (unsigned i = 0; i < VIRTQ_CHAIN_MAX; i++)
		ind(i, BUF_GPA + i, 1, i + 1 < VIRTQ_CHAIN_MAX ? NEXT : 0, i + 1);
	desc(0, BUF_GPA, 16, R | NEXT, 1);
	desc(1, TABLE_GPA, VIRTQ_CHAIN_MAX * 16, IND, 0);
	offer(0);
}

static const struct {
	const char *name;
	void (*build)(void);
	int err;
} bad_rings[] = {
	{ "loop a->b->a", bad_loop, -ELOOP },
	{ "self-loop", bad_self_loop, -ELOOP },
	{ "loop of empty descriptors", bad_zero_length_loop, -ELOOP },
	{ "chain longer than num", bad_longer_than_num, -ELOOP },
	{ "next == num", bad_next_num, -EINVAL },
	{ "next == 0xffff", bad_next_ffff, -EINVAL },
	{ "head >= num", bad_head, -EINVAL },
	{ "buffer past RAM end", bad_buf_past_end, -EFAULT },
	{ "buffer straddling RAM end", bad_buf_straddles_end, -EFAULT },
	{ "buffer below RAM base", bad_buf_below_base, -EFAULT },
	{ "buffer straddling RAM base", bad_buf_straddles_base, -EFAULT },
	{ "buffer in MMIO", bad_buf_in_mmio, -EFAULT },
	{ "gpa + len wraps 2^64", bad_buf_wraps, -EFAULT },
	{ "head offered again while in flight", bad_head_in_flight, -EBUSY },
	{ "writable before readable", bad_write_before_read, -EINVAL },
	{ "avail idx jumps by num + 1", bad_idx_jump, -EINVAL },
	{ "avail idx goes backwards", bad_idx_backwards, -EINVAL },
	{ "VIRTQ_CHAIN_MAX + 1 segments", bad_too_many_segments, -E2BIG },
	{ "indirect not negotiated", bad_ind_not_negotiated, -EINVAL },
	{ "indirect with NEXT", bad_ind_with_next, -EINVAL },
	{ "indirect len 0", bad_ind_len_0, -EINVAL },
	{ "indirect len 8", bad_ind_len_8, -EINVAL },
	{ "indirect len 24", bad_ind_len_24, -EINVAL },
	{ "indirect table too long", bad_ind_len_huge, -E2BIG },
	{ "indirect len 4 GiB - 16", bad_ind_len_max, -E2BIG },
	{ "indirect table past RAM", bad_ind_table_outside, -EFAULT },
	{ "indirect table straddling RAM end", bad_ind_table_straddles_end, -EFAULT },
	{ "nested indirect", bad_ind_nested, -EINVAL },
	{ "indirect loop", bad_ind_loop, -ELOOP },
	{ "indirect self-loop", bad_ind_self_loop, -ELOOP },
	{ "indirect next past table", bad_ind_next_out_of_table, -EINVAL },
	{ "indirect writable before readable", bad_ind_write_before_read, -EINVAL },
	{ "direct writable, indirect readable", bad_direct_write_then_ind_read, -EINVAL },
	{ "indirect buffer past RAM", bad_ind_buf_outside, -EFAULT },
	{ "indirect: VIRTQ_CHAIN_MAX + 1 segments", bad_ind_too_many_segments, -E2BIG },
};

START_TEST(test_bad_ring)
{
	uint16_t used_idx;
	int ret;

	bad_rings[_i].build();
	used_idx = used()->idx;
	ret = virtq_pop(&vq, &chain);
	ck_assert_msg(ret == bad_rings[_i].err, "%s: %d, want %d", bad_rings[_i].name, ret,
		      bad_rings[_i].err);
	ck_assert_msg(vq.broken, "%s: not broken", bad_rings[_i].name);
	/* Broken for good: nothing more is read or written. */
	ck_assert_int_eq(virtq_pop(&vq, &chain), -EIO);
	ck_assert_int_eq(virtq_push(&vq, 0, 0), -EIO);
	ck_assert(!virtq_should_notify(&vq, (uint16_t)(vq.used_idx - 1)));
	ck_assert(!virtq_notify_enable(&vq));
	ck_assert_uint_eq(used()->idx, used_idx);
}
END_TEST

START_TEST(test_broken_is_sticky)
{
	vq_setup(NUM, 0);
	cycle(2);
	desc(0, BUF_GPA, 16, R | NEXT, 0);
	offer(0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), -ELOOP);
	ck_assert_uint_eq(vq.last_avail_idx, 2);
	/* The driver repairs the descriptor: too late, only a reset helps. */
	desc(0, BUF_GPA, 16, R, 0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), -EIO);
	ck_assert(vq.broken);
	ck_assert_uint_eq(le16toh(used()->idx), 2);
	/* A reset and re-init of the queue starts afresh. */
	memset(hva(AVAIL_GPA, 4 + 2 * NUM), 0, 4 + 2 * NUM);
	drv.avail_idx = 0;
	vq_setup(NUM, 0);
	cycle(1);
}
END_TEST

/* Chains over 4 GiB need that much guest RAM, mapped lazily: nothing is touched. */
START_TEST(test_chain_over_4g)
{
	const uint64_t half = 0x80000000ULL;

	free(mem.hva);
	mem.hva = NULL;
	ck_assert_int_eq(guest_mem_map(&mem, RAM_BASE, RAM_SIZE + half), 0);
	vq_setup(NUM, F_INDIRECT);
	/* Exactly UINT32_MAX bytes: accepted. */
	desc(0, RAM_END, (uint32_t)half, R | NEXT, 1);
	desc(1, RAM_END, (uint32_t)(half - 1), W, 0);
	offer(0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(chain.read_len, half);
	ck_assert_uint_eq(chain.write_len, half - 1);
	/* One byte more: refused, in a direct chain... */
	desc(1, RAM_END, (uint32_t)half, W, 0);
	offer(0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), -EOVERFLOW);
	ck_assert(vq.broken);
	/* ...and through an indirect table. */
	drv.avail_idx = 0;
	memset(hva(AVAIL_GPA, 4 + 2 * NUM), 0, 4 + 2 * NUM);
	vq_setup(NUM, F_INDIRECT);
	ind(0, RAM_END, (uint32_t)half, R | NEXT, 1);
	ind(1, RAM_END + 1, (uint32_t)half - 1, R | NEXT, 2);
	ind(2, RAM_BASE, 1, W, 0);
	desc(0, TABLE_GPA, 3 * 16, IND, 0);
	offer(0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), -EOVERFLOW);
	guest_mem_unmap(&mem);
}
END_TEST

/* --- pushing and notifying ---------------------------------------------------- */

START_TEST(test_push)
{
	vq_setup(NUM, 0);
	desc(5, BUF_GPA, 16, R | NEXT, 2);
	desc(2, BUF_GPA + 16, 1, W, 0);
	desc(1, BUF_GPA + 32, 64, W, 0);
	offer(5);
	offer(1);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	/* Out of order, as a device that finishes the second first. */
	ck_assert_int_eq(virtq_push(&vq, 1, 64), 0);
	ck_assert_uint_eq(le16toh(used()->idx), 1);
	ck_assert_uint_eq(le32toh(used()->ring[0].id), 1);
	ck_assert_uint_eq(le32toh(used()->ring[0].len), 64);
	/* Bad heads are a device bug: refused, the queue keeps working. */
	ck_assert_int_eq(virtq_push(&vq, NUM, 0), -EINVAL);
	ck_assert_int_eq(virtq_push(&vq, 0xffff, 0), -EINVAL);
	ck_assert_int_eq(virtq_push(&vq, 5, 1), 0);
	ck_assert_uint_eq(le16toh(used()->idx), 2);
	ck_assert_uint_eq(le32toh(used()->ring[1].id), 5);
	ck_assert_uint_eq(le32toh(used()->ring[1].len), 1);
	ck_assert_uint_eq(vq.used_idx, 2);
	/* Nothing in flight: one push too many would overrun the used ring. */
	ck_assert_int_eq(virtq_push(&vq, 5, 1), -EINVAL);
	ck_assert_uint_eq(le16toh(used()->idx), 2);
	/* A head that was never popped, while another one is in flight. */
	offer(5);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_int_eq(virtq_push(&vq, 1, 0), -EINVAL);
	ck_assert_int_eq(virtq_push(&vq, 5, 0), 0);
	ck_assert_uint_eq(le16toh(used()->idx), 3);
	ck_assert(!vq.broken);
	ck_assert_uint_eq(used()->flags, 0);
}
END_TEST

START_TEST(test_need_event)
{
	static const struct {
		uint16_t event, new_idx, old_idx;
		bool notify;
	} cases[] = {
		{ 0, 1, 0, true },	    { 0, 2, 1, false },		{ 5, 10, 0, true },
		{ 9, 10, 0, true },	    { 10, 10, 0, false },	{ 0, 10, 0, true },
		{ 3, 3, 3, false },	    { 65535, 1, 65535, true },	{ 0, 1, 65535, true },
		{ 1, 1, 65535, false },	    { 65534, 1, 65535, false }, { 65534, 0, 65534, true },
		{ 65535, 0, 65534, true },  { 0, 0, 65534, false },	{ 100, 99, 100, true },
		{ 32768, 32768, 0, false }, { 32767, 32768, 0, true },
	};

	for (unsigned i = 0; i < N(cases); i++)
		ck_assert_msg(virtq_need_event(cases[i].event, cases[i].new_idx,
					       cases[i].old_idx) == cases[i].notify,
			      "event %u new %u old %u", cases[i].event, cases[i].new_idx,
			      cases[i].old_idx);
}
END_TEST

START_TEST(test_notify_flags)
{
	uint16_t old;

	vq_setup(NUM, 0);
	/* Nothing pushed: nothing to say. */
	ck_assert(!virtq_should_notify(&vq, vq.used_idx));
	old = vq.used_idx;
	cycle(1);
	ck_assert(virtq_should_notify(&vq, old));
	avail()->flags = htole16(VIRTQ_AVAIL_F_NO_INTERRUPT);
	old = vq.used_idx;
	cycle(3);
	ck_assert(!virtq_should_notify(&vq, old));
	/* Only bit 0 means anything (§2.7.7.1: flags is 0 or 1). */
	avail()->flags = htole16(0xfffe);
	ck_assert(virtq_should_notify(&vq, old));
	/* used_event is not looked at without EVENT_IDX. */
	avail()->flags = 0;
	set_used_event(0x1234);
	ck_assert(virtq_should_notify(&vq, old));
}
END_TEST

START_TEST(test_notify_event_idx)
{
	uint16_t old;

	vq_setup(NUM, F_EVENT);
	/* used_event 0: notify when entry 0 is written, not for entry 1. */
	set_used_event(0);
	old = vq.used_idx;
	cycle(1);
	ck_assert(virtq_should_notify(&vq, old));
	old = vq.used_idx;
	cycle(1);
	ck_assert(!virtq_should_notify(&vq, old));
	/* A batch of 3 (entries 2..4) passing used_event 3. */
	set_used_event(3);
	old = vq.used_idx;
	cycle(3);
	ck_assert(virtq_should_notify(&vq, old));
	/* §2.7.7.2: NO_INTERRUPT is ignored with EVENT_IDX. */
	avail()->flags = htole16(VIRTQ_AVAIL_F_NO_INTERRUPT);
	set_used_event(5);
	old = vq.used_idx;
	cycle(1);
	ck_assert(virtq_should_notify(&vq, old));
	/* used_event behind us: silent until the indices wrap around to it. */
	old = vq.used_idx;
	cycle(2);
	ck_assert(!virtq_should_notify(&vq, old));
}
END_TEST

START_TEST(test_notify_event_idx_wrap)
{
	uint16_t old;

	vq_setup(4, F_EVENT);
	cycle(65534);
	/* Entries 65534 and 65535; used->idx goes 65534 -> 0. */
	set_used_event(65535);
	old = vq.used_idx;
	cycle(2);
	ck_assert_uint_eq(vq.used_idx, 0);
	ck_assert(virtq_should_notify(&vq, old));
	set_used_event(0);
	ck_assert(!virtq_should_notify(&vq, old));
	/* Entries 0 and 1: used->idx goes 0 -> 2. */
	old = vq.used_idx;
	cycle(2);
	ck_assert(virtq_should_notify(&vq, old));
	set_used_event(1);
	ck_assert(virtq_should_notify(&vq, old));
	set_used_event(65535);
	ck_assert(!virtq_should_notify(&vq, old));
	set_used_event(2);
	ck_assert(!virtq_should_notify(&vq, old));
	/* A batch across the wrap: 65535 -> 3 passes 65535, 0, 1 and 2. */
	cycle(65533);
	ck_assert_uint_eq(vq.used_idx, 65535);
	old = vq.used_idx;
	cycle(4);
	for (uint16_t ev = 65535; ev != 3; ev++) {
		set_used_event(ev);
		ck_assert(virtq_should_notify(&vq, old));
	}
	set_used_event(3);
	ck_assert(!virtq_should_notify(&vq, old));
}
END_TEST

START_TEST(test_notify_suppress_flags)
{
	vq_setup(NUM, 0);
	virtq_notify_disable(&vq);
	ck_assert_uint_eq(le16toh(used()->flags), VIRTQ_USED_F_NO_NOTIFY);
	ck_assert(!virtq_notify_enable(&vq));
	ck_assert_uint_eq(used()->flags, 0);
	/* The driver added a buffer while kicks were off: enable says drain again. */
	virtq_notify_disable(&vq);
	desc(0, BUF_GPA, 16, R, 0);
	offer(0);
	ck_assert(virtq_notify_enable(&vq));
	ck_assert_uint_eq(used()->flags, 0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert(!virtq_notify_enable(&vq));
	/* used->avail_event is never written without EVENT_IDX. */
	ck_assert_uint_eq(avail_event(), 0);
}
END_TEST

START_TEST(test_notify_suppress_event_idx)
{
	vq_setup(NUM, F_EVENT);
	cycle(3);
	/* §2.7.10: flags stay 0 with EVENT_IDX; disabling touches nothing. */
	virtq_notify_disable(&vq);
	ck_assert_uint_eq(used()->flags, 0);
	ck_assert_uint_eq(avail_event(), 0);
	ck_assert(!virtq_notify_enable(&vq));
	ck_assert_uint_eq(avail_event(), 3);
	ck_assert_uint_eq(used()->flags, 0);
	/* The driver's side of it: adding entry 3 crosses avail_event, so it kicks. */
	ck_assert(virtq_need_event(avail_event(), 4, 3));
	desc(1, BUF_GPA, 16, R, 0);
	offer(1);
	ck_assert(virtq_notify_enable(&vq));
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert(!virtq_notify_enable(&vq));
	ck_assert_uint_eq(avail_event(), 4);
	/* Not moved by a disable: the driver, already past it, stays quiet. */
	virtq_notify_disable(&vq);
	ck_assert_uint_eq(avail_event(), 4);
	ck_assert(!virtq_need_event(avail_event(), 6, 5));
}
END_TEST

/* --- copying through chains ------------------------------------------------------ */

/* Readable "abc" "defgh" "ijklmno", writable 4 + 6 bytes, apart in RAM. */
static void copy_setup(void)
{
	vq_setup(NUM, 0);
	memcpy(hva(BUF_GPA + 0x100, 3), "abc", 3);
	memcpy(hva(BUF_GPA + 0x200, 5), "defgh", 5);
	memcpy(hva(BUF_GPA + 0x300, 7), "ijklmno", 7);
	desc(0, BUF_GPA + 0x100, 3, R | NEXT, 1);
	desc(1, BUF_GPA + 0x200, 5, R | NEXT, 2);
	desc(2, BUF_GPA + 0x300, 7, R | NEXT, 3);
	desc(3, BUF_GPA + 0x400, 4, W | NEXT, 4);
	desc(4, BUF_GPA + 0x500, 6, W, 0);
	offer(0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(chain.read_len, 15);
	ck_assert_uint_eq(chain.write_len, 10);
}

START_TEST(test_chain_read)
{
	char buf[32];

	copy_setup();
	memset(buf, '#', sizeof(buf));
	ck_assert_uint_eq(virtq_chain_read(&chain, 0, buf, 15), 15);
	ck_assert(!memcmp(buf, "abcdefghijklmno#", 16));
	/* Across two boundaries, from the middle of a segment. */
	memset(buf, '#', sizeof(buf));
	ck_assert_uint_eq(virtq_chain_read(&chain, 2, buf, 8), 8);
	ck_assert(!memcmp(buf, "cdefghij#", 9));
	/* Starting exactly on a boundary. */
	ck_assert_uint_eq(virtq_chain_read(&chain, 8, buf, 2), 2);
	ck_assert(!memcmp(buf, "ij", 2));
	/* Past the end: what there is, then nothing; never the writable part. */
	memset(buf, '#', sizeof(buf));
	ck_assert_uint_eq(virtq_chain_read(&chain, 7, buf, sizeof(buf)), 8);
	ck_assert(!memcmp(buf, "hijklmno#", 9));
	ck_assert_uint_eq(virtq_chain_read(&chain, 15, buf, 1), 0);
	ck_assert_uint_eq(virtq_chain_read(&chain, 1000, buf, 1), 0);
	ck_assert_uint_eq(virtq_chain_read(&chain, SIZE_MAX, buf, SIZE_MAX), 0);
	ck_assert_uint_eq(virtq_chain_read(&chain, 3, buf, 0), 0);
}
END_TEST

START_TEST(test_chain_write)
{
	const uint8_t *ram = hva(BUF_GPA, 0x600);

	copy_setup();
	ck_assert_uint_eq(virtq_chain_write(&chain, 0, "0123456789", 10), 10);
	ck_assert(!memcmp(ram + 0x400, "0123", 4));
	ck_assert(!memcmp(ram + 0x500, "456789", 6));
	/* Nothing around the segments moved, nor the readable part. */
	ck_assert_uint_eq(ram[0x3ff], 0);
	ck_assert_uint_eq(ram[0x404], 0);
	ck_assert_uint_eq(ram[0x4ff], 0);
	ck_assert_uint_eq(ram[0x506], 0);
	ck_assert(!memcmp(ram + 0x100, "abc", 3));
	/* Across the boundary from the middle, and cut at the end. */
	ck_assert_uint_eq(virtq_chain_write(&chain, 3, "ABCDEFGHIJKLMNOP", 16), 7);
	ck_assert(!memcmp(ram + 0x400, "012A", 4));
	ck_assert(!memcmp(ram + 0x500, "BCDEFG", 6));
	ck_assert_uint_eq(ram[0x506], 0);
	ck_assert_uint_eq(virtq_chain_write(&chain, 10, "x", 1), 0);
	ck_assert_uint_eq(virtq_chain_write(&chain, SIZE_MAX, "x", SIZE_MAX), 0);
	ck_assert_uint_eq(virtq_chain_write(&chain, 0, "x", 0), 0);
	ck_assert_uint_eq(ram[0x400], '0');
}
END_TEST

START_TEST(test_chain_one_direction)
{
	char buf[8];

	vq_setup(NUM, 0);
	desc(0, BUF_GPA, 8, R, 0);
	desc(1, BUF_GPA + 8, 8, W, 0);
	offer(0);
	offer(1);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(virtq_chain_write(&chain, 0, "x", 1), 0);
	ck_assert_uint_eq(*(uint8_t *)hva(BUF_GPA, 1), 0);
	ck_assert_int_eq(virtq_pop(&vq, &chain), 1);
	ck_assert_uint_eq(virtq_chain_read(&chain, 0, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(virtq_chain_write(&chain, 0, "12345678", 8), 8);
}
END_TEST

Suite *virtqueue_suite(void)
{
	Suite *s = suite_create("virtqueue");
	TCase *init = tcase_create("init");
	TCase *pop = tcase_create("pop");
	TCase *bad = tcase_create("malformed");
	TCase *notify = tcase_create("push_notify");
	TCase *copy = tcase_create("chain_copy");
	TCase *all[] = { init, pop, bad, notify, copy };

	for (unsigned i = 0; i < N(all); i++)
		tcase_add_checked_fixture(all[i], setup, teardown);

	tcase_add_test(init, test_init_valid);
	tcase_add_test(init, test_init_bad_num);
	tcase_add_test(init, test_init_misaligned);
	tcase_add_test(init, test_init_outside_ram);
	tcase_add_test(init, test_init_refuses_packed);
	tcase_add_test(init, test_init_failed_queue_is_inert);
	tcase_add_test(init, test_init_writes_nothing);

	tcase_add_test(pop, test_pop_empty);
	tcase_add_test(pop, test_pop_single);
	tcase_add_test(pop, test_pop_read_write_chain);
	tcase_add_test(pop, test_pop_writable_only);
	tcase_add_test(pop, test_pop_zero_length);
	tcase_add_test(pop, test_pop_batch_and_full_ring);
	tcase_add_test(pop, test_pop_max_segments);
	tcase_add_test(pop, test_avail_idx_wrap);
	tcase_add_test(pop, test_indirect_chain);
	tcase_add_test(pop, test_indirect_after_direct);
	tcase_add_test(pop, test_indirect_unaligned_scrambled);
	tcase_add_test(pop, test_indirect_max_table);

	tcase_add_loop_test(bad, test_bad_ring, 0, N(bad_rings));
	tcase_add_test(bad, test_broken_is_sticky);
	tcase_add_test(bad, test_chain_over_4g);

	tcase_add_test(notify, test_push);
	tcase_add_test(notify, test_need_event);
	tcase_add_test(notify, test_notify_flags);
	tcase_add_test(notify, test_notify_event_idx);
	tcase_add_test(notify, test_notify_event_idx_wrap);
	tcase_add_test(notify, test_notify_suppress_flags);
	tcase_add_test(notify, test_notify_suppress_event_idx);

	tcase_add_test(copy, test_chain_read);
	tcase_add_test(copy, test_chain_write);
	tcase_add_test(copy, test_chain_one_direction);
	suite_add_tcase(s, init);
	suite_add_tcase(s, pop);
	suite_add_tcase(s, bad);
	suite_add_tcase(s, notify);
	suite_add_tcase(s, copy);
	return s;
}
