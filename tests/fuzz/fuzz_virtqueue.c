// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the split virtqueue (virtio/virtqueue.c) on guest RAM
 * built from the input, as a hostile driver would lay it out: descriptor
 * table, available ring, indirect tables and buffers all come from the
 * fuzzer, and so do the queue size, the ring addresses and the features.
 * A script then pops, pushes, copies through chains and toggles
 * notifications, interleaved with the guest rewriting its RAM; whatever the
 * input, the device must only ever see buffers inside RAM, and the chain it
 * is handed must add up.
 *
 * Input: a 10-byte header
 *   u8  cfg     bit 0 INDIRECT_DESC, bit 1 EVENT_IDX, bits 2+3 RING_PACKED,
 *               bit 4 raw queue size, bit 5 ring addresses from the top
 *               of the address space (wrapping), bit 6 avail ring below RAM
 *   u16 num     raw, or 1 << (num % 16)
 *   u16 desc, avail, used   offsets into RAM
 *   u8  script length
 * then the script (see run_op()), then the RAM image (the rest is zero).
 * The RAM is 64 KiB: with num 4096 the descriptor table alone fills it.
 */
#include <errno.h>
#include <string.h>

#include "../../virtio/virtqueue.h"
#include "fuzz_input.h"
#include "fuzz_ring.h"

#define RAM_BASE   0x80000000ULL
#define RAM_SIZE   0x10000ULL
#define MAX_STASH  16  /* popped chains not yet pushed */
#define MAX_DRAIN  256 /* pops after the script */
#define COPY_LIMIT 0x2000

static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));
static uint8_t copy_buf[COPY_LIMIT];
static struct virtq_chain chain;

struct state {
	struct guest_mem mem;
	struct virtq vq;
	struct {
		uint16_t head;
		uint32_t write_len;
	} stash[MAX_STASH];
	unsigned nr_stash;
	uint16_t notify_mark; /* used_idx when should_notify was last asked */
};

/* Everything virtqueue.h promises about a popped chain. */
static void chain_check(const struct state *s, const struct virtq_chain *c)
{
	uint64_t rd = 0, wr = 0;

	FUZZ_CHECK(c->head < s->vq.num);
	FUZZ_CHECK(c->nr_read_segs <= c->nr_segs && c->nr_segs <= VIRTQ_CHAIN_MAX);
	for (unsigned i = 0; i < c->nr_segs; i++) {
		const struct virtq_seg *g = &c->seg[i];
		uintptr_t lo = (uintptr_t)ram, hi = lo + RAM_SIZE, p = (uintptr_t)g->hva;

		FUZZ_CHECK(g->len != 0);
		FUZZ_CHECK(p >= lo && p < hi && g->len <= hi - p);
		FUZZ_CHECK(g->write == (i >= c->nr_read_segs));
		if (g->write)
			wr += g->len;
		else
			rd += g->len;
	}
	FUZZ_CHECK(rd == c->read_len && wr == c->write_len);
	FUZZ_CHECK(rd + wr <= UINT32_MAX);
}

/* A slice of the chain's readable and writable parts; the counts must match the lengths. */
static void chain_copy(const struct virtq_chain *c, struct fuzz_in *in)
{
	size_t off = fuzz_u16(in), len = fuzz_u16(in) % COPY_LIMIT, n;

	n = virtq_chain_read(c, off, copy_buf, len);
	FUZZ_CHECK(n ==
		   (off < c->read_len ? (c->read_len - off < len ? c->read_len - off : len) : 0));
	n = virtq_chain_write(c, off, copy_buf, len);
	FUZZ_CHECK(
	    n == (off < c->write_len ? (c->write_len - off < len ? c->write_len - off : len) : 0));
}

static int push_oldest(struct state *s)
{
	int ret;

	if (!s->nr_stash)
		return 0;
	ret = virtq_push(&s->vq, s->stash[0].head, s->stash[0].write_len);
	FUZZ_CHECK(ret == 0 || (ret == -EIO && s->vq.broken));
	s->nr_stash--;
	memmove(&s->stash[0], &s->stash[1], s->nr_stash * sizeof(s->stash[0]));
	return ret;
}

/* Returns virtq_pop()'s answer; a popped chain is checked and stashed for a push. */
static int pop_one(struct state *s, struct fuzz_in *in)
{
	bool was_broken = s->vq.broken;
	int ret = virtq_pop(&s->vq, &chain);

	FUZZ_CHECK(ret <= 1);
	if (ret < 0) {
		FUZZ_CHECK(s->vq.broken);
		FUZZ_CHECK(!was_broken || ret == -EIO);
		return ret;
	}
	if (ret == 0)
		return 0;
	chain_check(s, &chain);
	if (in)
		chain_copy(&chain, in);
	if (s->nr_stash == MAX_STASH)
		push_oldest(s);
	s->stash[s->nr_stash].head = chain.head;
	s->stash[s->nr_stash++].write_len = chain.write_len;
	return ret;
}

/*
 * One step of the script, picked by the op byte's low 4 bits: 0 pop (then
 * u16 offset, u16 length: a copy through the chain), 1 push the oldest
 * popped chain (bit 4: a bogus head instead, u16 + u32), 2 and 3 disable
 * and enable notifications, 4 ask whether to notify, 5 the guest pokes a
 * byte, 6 the guest moves avail->idx on by op >> 4, 7 drain, 8 a run of
 * descriptors in the ring's table, 9 an indirect table and the descriptor
 * pointing at it, 10 the guest publishes a head (fuzz_ring.h); others pop.
 */
static void run_op(struct state *s, struct fuzz_in *in)
{
	const struct fuzz_ram r = { ram, RAM_SIZE, RAM_BASE };
	uint8_t op = fuzz_u8(in);
	int ret;

	switch (op & 15) {
	case 1:
		if (op & 16) {
			/* A device bug the queue must refuse: a head past the ring. */
			uint16_t head = (uint16_t)(s->vq.num + fuzz_u16(in) % (65536 - s->vq.num));

			ret = virtq_push(&s->vq, head, fuzz_u32(in));
			FUZZ_CHECK(ret == -EINVAL || (ret == -EIO && s->vq.broken));
		} else {
			push_oldest(s);
		}
		break;
	case 2: virtq_notify_disable(&s->vq); break;
	case 3: virtq_notify_enable(&s->vq); break;
	case 4:
		virtq_should_notify(&s->vq, s->notify_mark);
		s->notify_mark = s->vq.used_idx;
		break;
	case 5: fuzz_poke(in, ram, RAM_SIZE); break;
	case 6: { /* the guest publishes more */
		uint16_t *idx = guest_ptr(&s->mem, s->vq.avail_gpa + 2, 2);

		if (idx && !s->vq.broken)
			*idx = (uint16_t)(*idx + (op >> 4));
		break;
	}
	case 7:
		while (pop_one(s, NULL) > 0)
			push_oldest(s);
		break;
	case 8: fuzz_desc_run(in, &r, s->vq.desc_gpa, s->vq.num); break;
	case 9: fuzz_indirect_run(in, &r, s->vq.desc_gpa, s->vq.num); break;
	case 10: fuzz_avail_offer(in, &r, s->vq.avail_gpa, s->vq.num); break;
	default: pop_one(s, in); break;
	}
}

static uint64_t ring_gpa(uint8_t cfg, uint16_t off, bool wrap)
{
	if (wrap && (cfg & 0x20))
		return UINT64_MAX - off; /* past the top: guest_ptr must not wrap */
	return RAM_BASE + off;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size }, script;
	static struct state s;
	uint64_t features = 0, desc, avail, used;
	uint8_t cfg = fuzz_u8(&in);
	uint16_t num_sel = fuzz_u16(&in);
	unsigned num = (cfg & 0x10) ? num_sel : 1u << (num_sel % 16);
	size_t got;
	const uint8_t *img;

	memset(&s, 0, sizeof(s));
	s.mem = (struct guest_mem){ .gpa = RAM_BASE, .size = RAM_SIZE, .hva = ram };
	desc = ring_gpa(cfg, fuzz_u16(&in), true);
	avail = ring_gpa(cfg, fuzz_u16(&in), false) - ((cfg & 0x40) ? 0x100 : 0);
	used = ring_gpa(cfg, fuzz_u16(&in), false);
	if (cfg & 1)
		features |= 1ULL << VIRTIO_F_INDIRECT_DESC;
	if (cfg & 2)
		features |= 1ULL << VIRTIO_F_EVENT_IDX;
	if ((cfg & 0xc) == 0xc)
		features |= 1ULL << VIRTIO_F_RING_PACKED;
	script.p = fuzz_bytes(&in, fuzz_u8(&in), &script.n);
	img = fuzz_bytes(&in, RAM_SIZE, &got);
	memcpy(ram, img, got);
	memset(ram + got, 0, RAM_SIZE - got);

	if (virtq_init(&s.vq, &s.mem, num, desc, avail, used, features)) {
		/* A queue that failed to initialise is inert. */
		FUZZ_CHECK(s.vq.broken);
		FUZZ_CHECK(virtq_pop(&s.vq, &chain) == -EIO);
		FUZZ_CHECK(!virtq_notify_enable(&s.vq));
		return 0;
	}
	while (fuzz_left(&script))
		run_op(&s, &script);
	for (unsigned i = 0; i < MAX_DRAIN && pop_one(&s, NULL) > 0; i++)
		push_oldest(&s);
	while (s.nr_stash)
		push_oldest(&s);
	return 0;
}
