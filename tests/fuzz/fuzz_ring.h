/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Driver-side moves the virtqueue and virtio-blk targets share: steps a
 * hostile driver takes on its own RAM in one go (a long descriptor chain,
 * an indirect table, a published head), so the fuzzer can reach long
 * chains from a short input instead of spelling out every descriptor.
 * Everything lands in the target's RAM only; addresses written into
 * descriptors may point anywhere.
 */
#ifndef ARMLET_FUZZ_RING_H
#define ARMLET_FUZZ_RING_H

#include <endian.h>
#include <string.h>

#include "../../virtio/virtqueue.h"
#include "fuzz_input.h"

/* A RAM image at guest address base: the target's guest_mem, as bytes. */
struct fuzz_ram {
	uint8_t *hva;
	size_t size;
	uint64_t base;
};

static inline void fuzz_desc_put(const struct fuzz_ram *r, uint64_t table, unsigned i,
				 uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	struct virtq_desc d = { htole64(addr), htole32(len), htole16(flags), htole16(next) };
	uint64_t off = table - r->base + 16ULL * i;

	if (table >= r->base && off <= r->size - sizeof(d))
		memcpy(r->hva + off, &d, sizeof(d));
}

/*
 * count descriptors from entry first of the table at gpa table (n entries,
 * wrapping), each len bytes at RAM + off + k * stride, linked by NEXT; the
 * last one links on too when flags has bit 3 (to join another run).
 * Reads u16 first, u16 count, u16 off, u32 len, u16 stride, u8 flags
 * (WRITE and INDIRECT as in a descriptor).
 */
static inline void fuzz_desc_run(struct fuzz_in *in, const struct fuzz_ram *r, uint64_t table,
				 unsigned n)
{
	unsigned first = fuzz_u16(in), count = fuzz_u16(in);
	uint64_t off = fuzz_u16(in);
	uint32_t len = fuzz_u32(in);
	unsigned stride = fuzz_u16(in);
	uint8_t flags = fuzz_u8(in);

	if (!n)
		return;
	count = count % n + 1;
	for (unsigned k = 0; k < count; k++) {
		unsigned i = (first + k) % n;
		uint16_t f = flags & (VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_INDIRECT);

		if (k + 1 < count || (flags & 8))
			f |= VIRTQ_DESC_F_NEXT;
		fuzz_desc_put(r, table, i, r->base + off + (uint64_t)k * stride, len, f,
			      (uint16_t)((i + 1) % n));
	}
}

/*
 * An indirect table at RAM + u16 offset (16-aligned) filled by
 * fuzz_desc_run(), and descriptor u16 slot of the ring's table (num
 * entries at desc) pointing at it.
 */
static inline void fuzz_indirect_run(struct fuzz_in *in, const struct fuzz_ram *r, uint64_t desc,
				     unsigned num)
{
	unsigned slot = fuzz_u16(in) % (num ? num : 1);
	uint64_t table = r->base + (fuzz_u16(in) & ~15u);
	unsigned entries = fuzz_u16(in) % VIRTQ_CHAIN_MAX + 1;

	fuzz_desc_put(r, desc, slot, table, 16 * entries, VIRTQ_DESC_F_INDIRECT, 0);
	fuzz_desc_run(in, r, table, entries);
}

/* Publishes head u16 in the available ring at gpa avail (num entries), as a driver does. */
static inline void fuzz_avail_offer(struct fuzz_in *in, const struct fuzz_ram *r, uint64_t avail,
				    unsigned num)
{
	uint16_t head = fuzz_u16(in), idx;
	uint64_t off = avail - r->base;

	if (avail < r->base || !num || off > r->size || 4 + 2ULL * num > r->size - off)
		return;
	memcpy(&idx, r->hva + off + 2, 2);
	idx = le16toh(idx);
	head = htole16(head);
	memcpy(r->hva + off + 4 + 2 * (idx % num), &head, 2);
	idx = htole16((uint16_t)(idx + 1));
	memcpy(r->hva + off + 2, &idx, 2);
}

#endif
