/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device side of a split virtqueue (virtio 1.2 §2.7), on plain guest
 * memory: no KVM, no PCI, no threads. The transport (virtio/pci.c) calls
 * virtq_init() when the driver enables a queue; the device pops descriptor
 * chains, fills them through virtq_chain_read()/virtq_chain_write(), and
 * completes them with virtq_push().
 *
 * Everything in the rings is written by a hostile guest that runs on other
 * CPUs while we read: every index, address, length and flag is checked, every
 * guest field is read exactly once into a local, and every buffer is
 * translated through guest_ptr(), so a device never sees a guest physical
 * address.
 *
 * Ownership. The caller owns struct virtq and struct virtq_chain (no heap
 * here). The guest_mem must outlive the queue and must not be remapped while
 * it is in use: virtq_init() checks the three rings once and keeps host
 * pointers to them, and a popped chain holds host pointers into guest RAM
 * until it is pushed. Readable segments point at memory the device MUST NOT
 * write (virtio 1.2 §2.7.5.1); a segment's hva is only valid for its len.
 *
 * Threading. One thread at a time per queue: pop, push, the notification
 * calls and the chain helpers of one queue need no lock as long as the
 * device serialises them (a per-queue thread, or the device's lock). The
 * guest is the concurrent party; the acquire/release pairs and fences that
 * synchronise with it are inside these functions.
 *
 * Broken rings. When virtq_pop() finds a malformed ring it returns -errno and
 * sets vq->broken. From then on every call is a no-op (pop and push return
 * -EIO, the notification calls return false): the transport must set
 * DEVICE_NEEDS_RESET in device_status and send a configuration change
 * notification (virtio 1.2 §2.1.2), and the driver resets the device.
 */
#ifndef ARMLET_VIRTQUEUE_H
#define ARMLET_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../vmm/mem.h"

/* Feature bits that change the ring layout or walk (virtio 1.2 §6). */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX     29
#define VIRTIO_F_RING_PACKED   34

/* The largest queue size the split format allows (virtio 1.2 §2.7). */
#define VIRTQ_MAX_SIZE 32768

/*
 * The most segments one chain may carry, direct and indirect together, and
 * the most entries an indirect table may hold. virtio 1.2 §2.7.4.1 lets the
 * device set "a reasonable limit"; 1024 is Linux's IOV_MAX. Transports should
 * offer queue sizes of at most this, and devices that advertise a segment
 * count (virtio-blk seg_max) must leave room for their headers under it.
 */
#define VIRTQ_CHAIN_MAX 1024

/* --- the wire format (little-endian; virtio 1.2 §2.7.5, §2.7.6, §2.7.8) --- */

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

#define VIRTQ_DESC_F_NEXT     1
#define VIRTQ_DESC_F_WRITE    2
#define VIRTQ_DESC_F_INDIRECT 4

/* Followed by le16 used_event when VIRTIO_F_EVENT_IDX. */
struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};

#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

/* Followed by le16 avail_event when VIRTIO_F_EVENT_IDX. */
struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];
};

#define VIRTQ_USED_F_NO_NOTIFY 1

/* --- the device's view --------------------------------------------------- */

struct virtq {
	const struct guest_mem *mem;
	unsigned num; /* queue size: a power of 2, 1..VIRTQ_MAX_SIZE */
	uint64_t desc_gpa, avail_gpa, used_gpa;
	/* Host views of the rings, checked once by virtq_init(). */
	uint8_t *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint16_t *used_event;	 /* in the avail ring; NULL without EVENT_IDX */
	uint16_t *avail_event;	 /* in the used ring; NULL without EVENT_IDX */
	uint16_t last_avail_idx; /* the next avail entry the device will pop */
	uint16_t used_idx;	 /* shadow of used->idx, which only we write */
	bool event_idx;		 /* VIRTIO_F_EVENT_IDX negotiated */
	bool indirect;		 /* VIRTIO_F_INDIRECT_DESC negotiated */
	bool broken;		 /* the device must go to DEVICE_NEEDS_RESET */
	/* Bit h: head h was popped and not pushed yet (devices index their state by head). */
	uint64_t in_flight[VIRTQ_MAX_SIZE / 64];
};

/* One guest buffer, already translated: [hva, hva + len) lies in guest RAM. */
struct virtq_seg {
	void *hva;
	uint32_t len; /* never 0: empty descriptors are dropped */
	bool write;   /* device-writable */
};

/*
 * A popped descriptor chain. Readable segments come first
 * (seg[0 .. nr_read_segs)), then writable ones (seg[nr_read_segs .. nr_segs)),
 * as virtio 1.2 §2.7.4.2 requires of the driver and virtq_pop() enforces.
 * read_len + write_len <= UINT32_MAX. About 16 KiB: keep it in the device's
 * state rather than on a small stack.
 */
struct virtq_chain {
	uint16_t head; /* what virtq_push() takes back */
	unsigned nr_segs;
	unsigned nr_read_segs;
	uint32_t read_len;
	uint32_t write_len;
	struct virtq_seg seg[VIRTQ_CHAIN_MAX];
};

/*
 * Sets vq up for the rings the driver programmed: num entries, the descriptor
 * table at desc, the available ring at avail and the used ring at used (guest
 * physical), with the negotiated device features (only INDIRECT_DESC and
 * EVENT_IDX matter here; RING_PACKED is refused). Checks that num is a power
 * of 2 in 1..32768, that each ring has its alignment (16, 2, 4: virtio 1.2
 * §2.7.1) and lies entirely in RAM, event fields included when EVENT_IDX.
 * Writes nothing to guest memory; starts both indices at 0 (a freshly enabled
 * queue, §2.7.6 and §2.7.8). Call when the driver sets queue_enable, after
 * FEATURES_OK. Returns 0, or -EINVAL with vq zeroed and marked broken, so a
 * queue that failed to initialise is inert.
 */
int virtq_init(struct virtq *vq, const struct guest_mem *mem, unsigned num, uint64_t desc,
	       uint64_t avail, uint64_t used, uint64_t features);

/*
 * Takes the next available chain: returns 1 and fills *chain, 0 when the ring
 * is empty, or -errno when the ring is malformed, which also sets vq->broken
 * (-EIO when it already was). Errors: -EINVAL (head or next out of range,
 * avail->idx more than num ahead, writable before readable, INDIRECT not
 * negotiated, with NEXT, nested, or of a bad length), -ELOOP (a chain that
 * revisits a descriptor), -EFAULT (a buffer or indirect table not entirely in
 * RAM), -E2BIG (more than VIRTQ_CHAIN_MAX segments or indirect entries),
 * -EOVERFLOW (more than UINT32_MAX bytes in total), -EBUSY (a head that is
 * still in flight: popped and not pushed yet; the driver may not make a
 * buffer available again before it is used, virtio 1.2 §2.7.13, and devices
 * keep per-request state by head). On error *chain is
 * garbage. Zero-length descriptors are allowed and skipped: they carry no
 * bytes, so neither their address nor their direction is looked at.
 */
int virtq_pop(struct virtq *vq, struct virtq_chain *chain);

/*
 * Completes the chain whose head virtq_pop() returned, saying the device
 * wrote written bytes from the start of its writable part (the device must
 * have written at least that much, virtio 1.2 §2.7.8.2), and publishes it to
 * the driver. Does not notify: see virtq_should_notify(). Returns 0, -EINVAL
 * if head is not in flight (a device bug), -EIO when broken.
 */
int virtq_push(struct virtq *vq, uint16_t head, uint32_t written);

/*
 * virtq_push() for n chains at once: elems[i].id is a head virtq_pop()
 * returned, elems[i].len what the device wrote (host order). used->idx moves
 * once, after every element is in place, so the driver sees all n or none:
 * virtio-net's merged receive buffers need that (virtio 1.2 §5.1.6.4).
 * Returns 0, -EINVAL (an id >= num or not in flight, or one twice; nothing
 * written), -EIO when broken.
 */
int virtq_push_batch(struct virtq *vq, const struct virtq_used_elem *elems, unsigned n);

/*
 * Gives the last n popped (and not pushed) chains back to the ring: the
 * next virtq_pop() returns them again. For a device that took buffers and
 * then found they cannot hold what it has to write (virtio-net receive).
 * The chains must be the most recent pops, their heads in popped[i].id.
 * Returns 0, -EINVAL (more than are in flight, or a head not in flight;
 * nothing changed), -EIO when broken.
 */
int virtq_unpop(struct virtq *vq, const struct virtq_used_elem *popped, unsigned n);

/*
 * Whether the driver wants a used buffer notification now that used->idx went
 * from old_used_idx (vq->used_idx before a batch of virtq_push() calls) to
 * vq->used_idx: avail->flags' NO_INTERRUPT without EVENT_IDX, used_event with
 * it (virtio 1.2 §2.7.7). False when nothing was pushed or when broken.
 */
bool virtq_should_notify(struct virtq *vq, uint16_t old_used_idx);

/*
 * Available buffer notification suppression (virtio 1.2 §2.7.10): a device
 * thread tells the driver not to kick while it is draining the ring anyway.
 * Suppression is only advice to a driver that runs concurrently, so a device
 * that is about to sleep must re-check after re-enabling, or it can lose a
 * buffer the driver added just before it saw the re-enabled state:
 *
 *	do {
 *		virtq_notify_disable(vq);
 *		while ((ret = virtq_pop(vq, &chain)) > 0)
 *			... handle, virtq_push() ...;
 *		if (ret < 0)
 *			... DEVICE_NEEDS_RESET, stop ...;
 *	} while (virtq_notify_enable(vq));
 *	... sleep until the next kick ...
 *
 * With EVENT_IDX the device MUST call virtq_notify_enable() before it waits:
 * that is what moves avail_event, and the driver only kicks when it crosses
 * avail_event. Disabling only sets VIRTQ_USED_F_NO_NOTIFY without EVENT_IDX;
 * with it there is nothing to do (flags must stay 0, and an avail_event the
 * driver has already passed suppresses kicks by itself).
 */
void virtq_notify_disable(struct virtq *vq);

/*
 * Re-enables kicks (clears NO_NOTIFY, or sets avail_event to the next entry
 * the device expects) and then re-reads avail->idx. Returns true when buffers
 * are available, i.e. the caller must drain again instead of sleeping.
 */
bool virtq_notify_enable(struct virtq *vq);

/*
 * Copies up to len bytes of the chain's readable part, starting off bytes
 * into it, to dst; returns the number copied (less than len at the end of
 * the readable part, 0 when off is past it). Never reads past a segment.
 */
size_t virtq_chain_read(const struct virtq_chain *chain, size_t off, void *dst, size_t len);

/* The same into the chain's writable part, from src. */
size_t virtq_chain_write(const struct virtq_chain *chain, size_t off, const void *src, size_t len);

/*
 * vring_need_event() of virtio 1.2 §2.7.7: whether moving an index from old
 * to new (16-bit, wrapping) passed the entry event, i.e. event is in
 * [old, new) modulo 2^16.
 */
static inline bool virtq_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

#endif
