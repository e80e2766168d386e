// SPDX-License-Identifier: GPL-2.0-only
/*
 * The unit tests' tiny virtio driver (guest_ring.h): what test_virtqueue.c,
 * test_virtio_blk.c, test_virtio_console.c, test_virtio_rng.c and
 * test_virtio_pci.c would otherwise each write again.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../virtio/virtqueue.h"
#include "guest_ring.h"
#include "suites.h"

/* --- guest RAM ------------------------------------------------------------------ */

void guest_ram_alloc(struct guest_mem *mem, uint64_t base, uint64_t size)
{
	mem->gpa = base;
	mem->size = size;
	mem->hva = aligned_alloc(4096, size);
	ck_assert_ptr_nonnull(mem->hva);
	memset(mem->hva, 0, size);
}

void guest_ram_free(struct guest_mem *mem)
{
	free(mem->hva);
}

void *guest_ram_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	void *p = guest_ptr(mem, gpa, len);

	/* Not ck_assert: that records a location per call, and some tests call us 2^16 times. */
	if (!p)
		ck_abort_msg("test bug: gpa 0x%llx not in RAM", (unsigned long long)gpa);
	return p;
}

/* --- the driver's side of a split ring ------------------------------------------ */

void guest_ring_init(struct guest_ring *r, const struct guest_mem *mem, unsigned num, uint64_t desc,
		     uint64_t avail, uint64_t used, bool event_idx)
{
	*r = (struct guest_ring){ .mem = mem,
				  .num = num,
				  .desc = desc,
				  .avail = avail,
				  .used = used,
				  .event_idx = event_idx };
}

void guest_desc_put(const struct guest_mem *mem, uint64_t table, unsigned i, uint64_t addr,
		    uint32_t len, uint16_t flags, uint16_t next)
{
	struct virtq_desc d = {
		.addr = htole64(addr),
		.len = htole32(len),
		.flags = htole16(flags),
		.next = htole16(next),
	};

	memcpy(guest_ram_ptr(mem, table + 16ULL * i, 16), &d, sizeof(d));
}

uint16_t guest_ring_chain(struct guest_ring *r, const struct guest_buf *b, unsigned n)
{
	uint16_t head = (uint16_t)(r->next_desc & (r->num - 1));

	for (unsigned i = 0; i < n; i++) {
		uint16_t id = (uint16_t)((head + i) & (r->num - 1));
		uint16_t flags = b[i].flags | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0);

		guest_desc_put(r->mem, r->desc, id, b[i].gpa, b[i].len, flags,
			       (uint16_t)((id + 1) & (r->num - 1)));
	}
	r->next_desc = (uint16_t)((head + n) & (r->num - 1));
	return head;
}

void guest_ring_offer(struct guest_ring *r, uint16_t head)
{
	struct virtq_avail *avail = guest_ram_ptr(r->mem, r->avail, 4 + 2ULL * r->num);

	avail->ring[r->avail_idx & (r->num - 1)] = htole16(head);
	__atomic_store_n(&avail->idx, htole16(++r->avail_idx), __ATOMIC_RELEASE);
}

uint16_t guest_ring_post(struct guest_ring *r, const struct guest_buf *b, unsigned n)
{
	uint16_t head = guest_ring_chain(r, b, n);

	guest_ring_offer(r, head);
	return head;
}

static struct virtq_used *guest_ring_used_ring(const struct guest_ring *r)
{
	return guest_ram_ptr(r->mem, r->used, 4 + 8ULL * r->num);
}

uint16_t guest_ring_used_idx(const struct guest_ring *r)
{
	return le16toh(__atomic_load_n(&guest_ring_used_ring(r)->idx, __ATOMIC_ACQUIRE));
}

struct virtq_used_elem guest_ring_used(const struct guest_ring *r, uint16_t i)
{
	const struct virtq_used_elem *e = &guest_ring_used_ring(r)->ring[i & (r->num - 1)];

	return (struct virtq_used_elem){ .id = le32toh(e->id), .len = le32toh(e->len) };
}

bool guest_ring_kick_wanted(const struct guest_ring *r, uint16_t old)
{
	uint16_t *flags = guest_ram_ptr(r->mem, r->used, 2);
	uint16_t *avail_event = guest_ram_ptr(r->mem, r->used + 4 + 8ULL * r->num, 2);

	/* The driver's half of the store-load pairing of §2.7.13.4. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (r->event_idx)
		return virtq_need_event(le16toh(__atomic_load_n(avail_event, __ATOMIC_RELAXED)),
					r->avail_idx, old);
	return !(le16toh(__atomic_load_n(flags, __ATOMIC_RELAXED)) & VIRTQ_USED_F_NO_NOTIFY);
}

bool guest_ring_wait_used(const struct guest_ring *r, uint16_t idx, unsigned ms)
{
	for (unsigned t = 0; t < ms; t++) {
		if (guest_ring_used_idx(r) == idx)
			return true;
		test_sleep_ms(1);
	}
	return guest_ring_used_idx(r) == idx;
}

/* --- a fake transport ------------------------------------------------------------ */

static void fake_notify_queue(struct virtio_dev *dev, unsigned q)
{
	struct fake_transport *ft = dev->transport;

	__atomic_fetch_add(&ft->notified[q], 1, __ATOMIC_SEQ_CST);
}

static void fake_notify_config(struct virtio_dev *dev)
{
	struct fake_transport *ft = dev->transport;

	__atomic_fetch_add(&ft->config_changed, 1, __ATOMIC_SEQ_CST);
}

static void fake_needs_reset(struct virtio_dev *dev)
{
	struct fake_transport *ft = dev->transport;

	__atomic_fetch_add(&ft->needs_reset, 1, __ATOMIC_SEQ_CST);
}

static const struct virtio_transport_ops fake_transport_ops = {
	.notify_queue = fake_notify_queue,
	.notify_config = fake_notify_config,
	.needs_reset = fake_needs_reset,
};

void fake_transport_attach(struct virtio_dev *dev, struct fake_transport *ft)
{
	memset(ft, 0, sizeof(*ft));
	dev->transport = ft;
	dev->transport_ops = &fake_transport_ops;
}

/* --- time ------------------------------------------------------------------------ */

void test_sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

bool test_wait_counter(const unsigned *counter, unsigned want, unsigned ms)
{
	for (unsigned t = 0; t < ms; t++) {
		if (__atomic_load_n(counter, __ATOMIC_SEQ_CST) >= want)
			return true;
		test_sleep_ms(1);
	}
	return false;
}
