/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A tiny virtio driver for the unit tests (STYLE.md §13): malloc'd "guest
 * RAM", the driver's side of split virtqueues on it (virtio 1.2 §2.7), and
 * a fake transport that only counts what the device tells it. The device
 * under test reaches all of it through the real guest_ptr() checks.
 *
 * Helpers that find a test bug (a gpa outside RAM) abort the test; the
 * counters and rings the device's threads update are read atomically.
 */
#ifndef ARMLET_TEST_GUEST_RING_H
#define ARMLET_TEST_GUEST_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "../../virtio/virtio.h"
#include "../../vmm/mem.h"

/* --- guest RAM ------------------------------------------------------------------ */

/* size bytes of zeroed, page-aligned RAM at guest address base. */
void guest_ram_alloc(struct guest_mem *mem, uint64_t base, uint64_t size);
void guest_ram_free(struct guest_mem *mem);

/* Host pointer to [gpa, gpa + len); aborts the test (a test bug) outside RAM. */
void *guest_ram_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

/* --- the driver's side of a split ring ------------------------------------------ */

/* One buffer of a chain: flags are VIRTQ_DESC_F_WRITE and/or _INDIRECT; NEXT is added. */
struct guest_buf {
	uint64_t gpa;
	uint32_t len;
	uint16_t flags;
};

struct guest_ring {
	const struct guest_mem *mem;
	unsigned num; /* queue size, a power of 2 */
	uint64_t desc, avail, used;
	uint16_t avail_idx; /* the driver's copy of avail->idx */
	uint16_t next_desc; /* the next free descriptor: chains are laid out in order */
	bool event_idx;	    /* VIRTIO_F_EVENT_IDX negotiated */
};

/* An empty ring at desc/avail/used (the caller zeroes that memory). */
void guest_ring_init(struct guest_ring *r, const struct guest_mem *mem, unsigned num, uint64_t desc,
		     uint64_t avail, uint64_t used, bool event_idx);

/* Writes entry i of the descriptor table at gpa table (a ring's or an indirect one). */
void guest_desc_put(const struct guest_mem *mem, uint64_t table, unsigned i, uint64_t addr,
		    uint32_t len, uint16_t flags, uint16_t next);

/* Writes a chain of n buffers into the next free descriptors; returns its head. */
uint16_t guest_ring_chain(struct guest_ring *r, const struct guest_buf *b, unsigned n);

/* Publishes head, valid or not: the ring entry, then idx with release (§2.7.13). */
void guest_ring_offer(struct guest_ring *r, uint16_t head);

/* guest_ring_chain() then guest_ring_offer(); returns the head. */
uint16_t guest_ring_post(struct guest_ring *r, const struct guest_buf *b, unsigned n);

/* used->idx (acquire), and used element i (mod num), in host byte order. */
uint16_t guest_ring_used_idx(const struct guest_ring *r);
struct virtq_used_elem guest_ring_used(const struct guest_ring *r, uint16_t i);

/*
 * Whether the device asks for a kick now that avail->idx moved on from old
 * (virtio 1.2 §2.7.10), as Linux decides: after a full fence, by
 * avail_event with EVENT_IDX, by VIRTQ_USED_F_NO_NOTIFY without.
 */
bool guest_ring_kick_wanted(const struct guest_ring *r, uint16_t old);

/* Waits up to ms milliseconds for used->idx to reach idx; whether it did. */
bool guest_ring_wait_used(const struct guest_ring *r, uint16_t idx, unsigned ms);

/* --- a fake transport ------------------------------------------------------------ */

/* What the device told the transport; its threads add with seq_cst atomics. */
struct fake_transport {
	unsigned notified[VIRTIO_MAX_QUEUES];
	unsigned config_changed;
	unsigned needs_reset;
};

/* Zeroes ft and makes it dev's transport. */
void fake_transport_attach(struct virtio_dev *dev, struct fake_transport *ft);

/* --- time ------------------------------------------------------------------------ */

void test_sleep_ms(unsigned ms);

/* Waits up to ms milliseconds for *counter (another thread's) to reach want; whether it did. */
bool test_wait_counter(const unsigned *counter, unsigned want, unsigned ms);

#endif
