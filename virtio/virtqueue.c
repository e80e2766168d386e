// SPDX-License-Identifier: GPL-2.0-only
/*
 * Split virtqueue, device side (virtio 1.2 §2.7). The guest writes the
 * descriptor table and the available ring while we read them, so each guest
 * value is loaded once into a local and checked there; the only guest memory
 * we write is the used ring.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "virtqueue.h"

_Static_assert(sizeof(struct virtq_desc) == 16, "virtq_desc is 16 bytes (virtio 1.2 §2.7.5)");
_Static_assert(sizeof(struct virtq_avail) == 4, "avail ring header");
_Static_assert(sizeof(struct virtq_used) == 4, "used ring header");
_Static_assert(sizeof(struct virtq_used_elem) == 8, "used element");
_Static_assert(VIRTQ_CHAIN_MAX <= VIRTQ_MAX_SIZE, "segment counts fit the ring's index width");

/* --- virtq_init ------------------------------------------------------------ */

/*
 * Host pointer to a ring of size bytes at gpa with the given alignment, or
 * NULL. The host alignment is checked too: the rings are accessed with
 * atomics, which must be naturally aligned on the host (guest RAM is
 * page-aligned in armlet, but a test or fuzzer may wrap any buffer).
 */
static void *ring_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t size, uint64_t align)
{
	void *p;

	if (gpa & (align - 1))
		return NULL;
	p = guest_ptr(mem, gpa, size);
	if (!p || ((uintptr_t)p & (align - 1)))
		return NULL;
	return p;
}

static bool num_valid(unsigned num)
{
	/* virtio 1.2 §2.7: "Queue Size value is always a power of 2", max 32768. */
	return num >= 1 && num <= VIRTQ_MAX_SIZE && !(num & (num - 1));
}

static int virtq_init_fail(struct virtq *vq)
{
	memset(vq, 0, sizeof(*vq));
	vq->broken = true;
	return -EINVAL;
}

int virtq_init(struct virtq *vq, const struct guest_mem *mem, unsigned num, uint64_t desc,
	       uint64_t avail, uint64_t used, uint64_t features)
{
	bool event_idx = features & (1ULL << VIRTIO_F_EVENT_IDX);
	/* The event fields trail the rings; without EVENT_IDX we never touch them. */
	uint64_t event_len = event_idx ? sizeof(uint16_t) : 0;

	if (!mem || !num_valid(num) || (features & (1ULL << VIRTIO_F_RING_PACKED)))
		return virtq_init_fail(vq);
	memset(vq, 0, sizeof(*vq));
	/* Sizes and alignments: the table in virtio 1.2 §2.7. */
	vq->desc = ring_ptr(mem, desc, 16ULL * num, 16);
	vq->avail = ring_ptr(mem, avail, 4 + 2ULL * num + event_len, 2);
	vq->used = ring_ptr(mem, used, 4 + 8ULL * num + event_len, 4);
	if (!vq->desc || !vq->avail || !vq->used)
		return virtq_init_fail(vq);
	vq->mem = mem;
	vq->num = num;
	vq->desc_gpa = desc;
	vq->avail_gpa = avail;
	vq->used_gpa = used;
	vq->event_idx = event_idx;
	vq->indirect = features & (1ULL << VIRTIO_F_INDIRECT_DESC);
	if (event_idx) {
		vq->used_event = &vq->avail->ring[num];
		vq->avail_event = (uint16_t *)&vq->used->ring[num];
	}
	return 0;
}

/* --- walking a chain --------------------------------------------------------- */

static int virtq_break(struct virtq *vq, int err)
{
	vq->broken = true;
	return err;
}

/*
 * One snapshot of a descriptor, which the guest may be rewriting as we read
 * it: the barriers stop the compiler from reloading a field from guest
 * memory after it was checked (the READ_ONCE idea, for 16 bytes). memcpy
 * because indirect tables have no alignment requirement in the spec.
 */
static void desc_read(struct virtq_desc *d, const uint8_t *src)
{
	__asm__ volatile("" ::: "memory");
	memcpy(d, src, sizeof(*d));
	__asm__ volatile("" ::: "memory");
	d->addr = le64toh(d->addr);
	d->len = le32toh(d->len);
	d->flags = le16toh(d->flags);
	d->next = le16toh(d->next);
}

/* Appends one buffer to the chain after checking it. */
static int chain_add(const struct virtq *vq, struct virtq_chain *c, const struct virtq_desc *d)
{
	bool write = d->flags & VIRTQ_DESC_F_WRITE;
	void *hva;

	/* An empty buffer carries nothing: no address to check, no direction. */
	if (d->len == 0)
		return 0;
	/* virtio 1.2 §2.7.4.2: writable after readable; §2.7.4.1 lets us insist. */
	if (!write && c->write_len)
		return -EINVAL;
	if (c->nr_segs == VIRTQ_CHAIN_MAX)
		return -E2BIG;
	/* §2.7.5.2: no chain over 2^32 bytes; we stop one byte short so used.len fits. */
	if ((uint64_t)c->read_len + c->write_len + d->len > UINT32_MAX)
		return -EOVERFLOW;
	hva = guest_ptr(vq->mem, d->addr, d->len);
	if (!hva)
		return -EFAULT; /* past RAM, in MMIO, or wrapping around 2^64 */
	c->seg[c->nr_segs++] = (struct virtq_seg){ .hva = hva, .len = d->len, .write = write };
	if (write) {
		c->write_len += d->len;
	} else {
		c->read_len += d->len;
		c->nr_read_segs++;
	}
	return 0;
}

/*
 * The descriptors of an indirect table (virtio 1.2 §2.7.5.3). Its entries
 * chain by next within the table; the walk is bounded by the table length,
 * so a loop ends in -ELOOP.
 */
static int walk_indirect(const struct virtq *vq, struct virtq_chain *c,
			 const struct virtq_desc *ind)
{
	const uint8_t *table;
	struct virtq_desc d;
	unsigned n, i = 0;

	/* §2.7.5.3.1: only if negotiated, and never together with NEXT. */
	if (!vq->indirect || (ind->flags & VIRTQ_DESC_F_NEXT))
		return -EINVAL;
	if (ind->len == 0 || ind->len % sizeof(d))
		return -EINVAL;
	n = ind->len / sizeof(d);
	if (n > VIRTQ_CHAIN_MAX)
		return -E2BIG;
	/* The WRITE flag of ind itself is ignored (§2.7.5.3.2). */
	table = guest_ptr(vq->mem, ind->addr, ind->len);
	if (!table)
		return -EFAULT;
	for (unsigned steps = 0;; steps++) {
		int ret;

		if (steps == n)
			return -ELOOP;
		desc_read(&d, table + (size_t)i * sizeof(d));
		/* §2.7.5.3.1: one table per chain, no INDIRECT inside it. */
		if (d.flags & VIRTQ_DESC_F_INDIRECT)
			return -EINVAL;
		ret = chain_add(vq, c, &d);
		if (ret)
			return ret;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		i = d.next;
		if (i >= n)
			return -EINVAL;
	}
}

/*
 * The chain starting at descriptor head: zero or more direct descriptors,
 * optionally ending in one indirect descriptor (§2.7.5.3.2). A chain cannot
 * be longer than num without revisiting a descriptor, so num steps bound it.
 */
static int walk_chain(const struct virtq *vq, uint16_t head, struct virtq_chain *c)
{
	struct virtq_desc d;
	unsigned i = head;

	memset(c, 0, offsetof(struct virtq_chain, seg));
	c->head = head;
	if (i >= vq->num)
		return -EINVAL;
	for (unsigned steps = 0;; steps++) {
		int ret;

		if (steps == vq->num)
			return -ELOOP;
		desc_read(&d, vq->desc + (size_t)i * sizeof(d));
		if (d.flags & VIRTQ_DESC_F_INDIRECT)
			return walk_indirect(vq, c, &d);
		ret = chain_add(vq, c, &d);
		if (ret)
			return ret;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		i = d.next;
		if (i >= vq->num)
			return -EINVAL;
	}
}

static bool head_in_flight(const struct virtq *vq, uint16_t head)
{
	return vq->in_flight[head / 64] & (1ULL << (head % 64));
}

int virtq_pop(struct virtq *vq, struct virtq_chain *chain)
{
	uint16_t avail_idx, head;
	int ret;

	if (vq->broken)
		return -EIO;
	/*
	 * Acquire pairs with the driver's barrier before it bumps idx
	 * (§2.7.13.3): the entries and descriptors it exposed are visible to the
	 * loads below.
	 */
	avail_idx = le16toh(__atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE));
	if (avail_idx == vq->last_avail_idx)
		return 0;
	/* The driver can have at most num chains outstanding (§2.7.13). */
	if ((uint16_t)(avail_idx - vq->last_avail_idx) > vq->num)
		return virtq_break(vq, -EINVAL);
	head = le16toh(__atomic_load_n(&vq->avail->ring[vq->last_avail_idx & (vq->num - 1)],
				       __ATOMIC_RELAXED));
	ret = walk_chain(vq, head, chain);
	if (ret)
		return virtq_break(vq, ret);
	if (head_in_flight(vq, head))
		return virtq_break(vq, -EBUSY);
	vq->in_flight[head / 64] |= 1ULL << (head % 64);
	vq->last_avail_idx++;
	return 1;
}

/* --- completing and notifying ----------------------------------------------- */

int virtq_push_batch(struct virtq *vq, const struct virtq_used_elem *elems, unsigned n)
{
	unsigned i;

	if (vq->broken)
		return -EIO;
	/*
	 * Every used entry answers one chain in flight, each once: the used
	 * ring cannot overrun. Checked for the whole batch before anything is
	 * written (bits cleared along the way go back on failure).
	 */
	for (i = 0; i < n; i++) {
		uint16_t head = (uint16_t)elems[i].id;

		if (elems[i].id >= vq->num || !head_in_flight(vq, head))
			break;
		vq->in_flight[head / 64] &= ~(1ULL << (head % 64));
	}
	if (i < n) {
		while (i--)
			vq->in_flight[elems[i].id / 64] |= 1ULL << (elems[i].id % 64);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		struct virtq_used_elem *e =
		    &vq->used->ring[(uint16_t)(vq->used_idx + i) & (vq->num - 1)];

		__atomic_store_n(&e->id, htole32(elems[i].id), __ATOMIC_RELAXED);
		__atomic_store_n(&e->len, htole32(elems[i].len), __ATOMIC_RELAXED);
	}
	vq->used_idx = (uint16_t)(vq->used_idx + n);
	/*
	 * Release: the elements and the data the device wrote into the buffers
	 * are visible before the index that hands them over (§2.7.8.2), all
	 * of them at once.
	 */
	__atomic_store_n(&vq->used->idx, htole16(vq->used_idx), __ATOMIC_RELEASE);
	return 0;
}

int virtq_push(struct virtq *vq, uint16_t head, uint32_t written)
{
	struct virtq_used_elem e = { .id = head, .len = written };

	return virtq_push_batch(vq, &e, 1);
}

int virtq_unpop(struct virtq *vq, const struct virtq_used_elem *popped, unsigned n)
{
	uint16_t in_flight = (uint16_t)(vq->last_avail_idx - vq->used_idx);

	if (vq->broken)
		return -EIO;
	if (n > in_flight)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++)
		if (popped[i].id >= vq->num || !head_in_flight(vq, (uint16_t)popped[i].id))
			return -EINVAL;
	/* Out of flight again: the next virtq_pop() takes them afresh. */
	for (unsigned i = 0; i < n; i++)
		vq->in_flight[popped[i].id / 64] &= ~(1ULL << (popped[i].id % 64));
	vq->last_avail_idx = (uint16_t)(vq->last_avail_idx - n);
	return 0;
}

bool virtq_should_notify(struct virtq *vq, uint16_t old_used_idx)
{
	uint16_t flags, event;

	if (vq->broken || vq->used_idx == old_used_idx)
		return false;
	/*
	 * Store-load: our used->idx store must be visible before we read the
	 * driver's suppression state, as the driver publishes that state before
	 * re-reading used->idx. Otherwise each side can miss the other's update
	 * and the driver sleeps on a used buffer (§2.7.14).
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->event_idx) {
		/* §2.7.7.2: with EVENT_IDX the flags are ignored. */
		event = le16toh(__atomic_load_n(vq->used_event, __ATOMIC_RELAXED));
		return virtq_need_event(event, vq->used_idx, old_used_idx);
	}
	flags = le16toh(__atomic_load_n(&vq->avail->flags, __ATOMIC_RELAXED));
	return !(flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

void virtq_notify_disable(struct virtq *vq)
{
	/* With EVENT_IDX the device MUST keep flags at 0 (§2.7.10). */
	if (vq->broken || vq->event_idx)
		return;
	__atomic_store_n(&vq->used->flags, htole16(VIRTQ_USED_F_NO_NOTIFY), __ATOMIC_RELAXED);
}

bool virtq_notify_enable(struct virtq *vq)
{
	uint16_t avail_idx;

	if (vq->broken)
		return false;
	if (vq->event_idx)
		/* Kick me when you fill the entry I will pop next (§2.7.10). */
		__atomic_store_n(vq->avail_event, htole16(vq->last_avail_idx), __ATOMIC_RELAXED);
	else
		__atomic_store_n(&vq->used->flags, 0, __ATOMIC_RELAXED);
	/*
	 * Store-load, the mirror of virtq_should_notify(): the driver bumps
	 * avail->idx and then reads our flags or avail_event (§2.7.13.4); we
	 * publish those and then read avail->idx. With a full fence on both
	 * sides at least one of us sees the other.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	avail_idx = le16toh(__atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE));
	return avail_idx != vq->last_avail_idx;
}

/* --- copying through a chain ------------------------------------------------- */

/*
 * Copies len bytes between buf and the segments, starting off bytes into
 * them; to_guest picks the direction. Returns the bytes copied.
 */
static size_t segs_copy(const struct virtq_seg *seg, unsigned n, size_t off, uint8_t *buf,
			size_t len, bool to_guest)
{
	size_t done = 0;

	for (unsigned i = 0; i < n && done < len; i++) {
		size_t chunk;

		if (off >= seg[i].len) {
			off -= seg[i].len;
			continue;
		}
		chunk = seg[i].len - off;
		if (chunk > len - done)
			chunk = len - done;
		if (to_guest)
			memcpy((uint8_t *)seg[i].hva + off, buf + done, chunk);
		else
			memcpy(buf + done, (const uint8_t *)seg[i].hva + off, chunk);
		done += chunk;
		off = 0;
	}
	return done;
}

size_t virtq_chain_read(const struct virtq_chain *chain, size_t off, void *dst, size_t len)
{
	return segs_copy(chain->seg, chain->nr_read_segs, off, dst, len, false);
}

size_t virtq_chain_write(const struct virtq_chain *chain, size_t off, const void *src, size_t len)
{
	/* segs_copy only reads buf when to_guest: dropping const is safe. */
	return segs_copy(chain->seg + chain->nr_read_segs, chain->nr_segs - chain->nr_read_segs,
			 off, (uint8_t *)src, len, true);
}
