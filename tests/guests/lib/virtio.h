/*
 * A bare-metal virtio 1.2 PCI driver for the hostile test guests: finds a
 * device's structures through its vendor capabilities (virtio 1.2 §4.1.4),
 * negotiates, and drives split virtqueues (§2.7) whose every field the test
 * can also corrupt directly: descriptors, rings and indices are plain
 * memory the caller owns (struct vq points into it).
 *
 * Rings live in guest RAM, which with the MMU off is Device memory: every
 * ring field is accessed through a volatile pointer, naturally aligned, and
 * a dmb orders what the device must see before an index moves.
 */
#ifndef GUEST_VIRTIO_H
#define GUEST_VIRTIO_H

#include "pci.h"

#define VIRTIO_VENDOR	  0x1af4
#define VIRTIO_DEV_BASE	  0x1040 /* + virtio device ID: modern devices */
#define VIRTIO_ID_BLOCK	  2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG	  4

/* device_status (virtio 1.2 §2.1). */
#define VIRTIO_S_ACK	     1
#define VIRTIO_S_DRIVER	     2
#define VIRTIO_S_DRIVER_OK   4
#define VIRTIO_S_FEATURES_OK 8
#define VIRTIO_S_NEEDS_RESET 0x40
#define VIRTIO_S_FAILED	     0x80

#define VIRTIO_F_VERSION_1     32
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX     29

/* Common configuration offsets (virtio 1.2 §4.1.4.3). */
#define VCOM_DFSELECT 0x00
#define VCOM_DF	      0x04
#define VCOM_GFSELECT 0x08
#define VCOM_GF	      0x0c
#define VCOM_MSIX     0x10
#define VCOM_NUMQ     0x12
#define VCOM_STATUS   0x14
#define VCOM_Q_SELECT 0x16
#define VCOM_Q_SIZE   0x18
#define VCOM_Q_MSIX   0x1a
#define VCOM_Q_ENABLE 0x1c
#define VCOM_Q_NOFF   0x1e
#define VCOM_Q_DESC   0x20
#define VCOM_Q_DRIVER 0x28
#define VCOM_Q_DEVICE 0x30
#define VCOM_SIZE     0x3c

#define VIRTIO_NO_VECTOR 0xffff

/* Descriptor flags (virtio 1.2 §2.7.5). */
#define VQ_F_NEXT     1
#define VQ_F_WRITE    2
#define VQ_F_INDIRECT 4

/* virtio-blk request types and statuses (virtio 1.2 §5.2.6). */
#define VBLK_T_IN     0
#define VBLK_T_OUT    1
#define VBLK_T_FLUSH  4
#define VBLK_S_OK     0
#define VBLK_S_IOERR  1
#define VBLK_S_UNSUPP 2

struct vdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vio_dev {
	struct pci_fn fn;
	uintptr_t common, notify, isr, device; /* 0 where the capability is missing */
	uint32_t notify_mult;
};

/* A split virtqueue in memory the caller provides (vq_layout()). */
struct vq {
	unsigned num; /* anything: tests set sizes a driver never would */
	uint16_t index;
	uint16_t notify_off;
	volatile struct vdesc *desc;
	volatile uint16_t *avail; /* flags, idx, ring[num], used_event */
	volatile uint32_t *used;  /* flags | idx << 16, then { id, len } pairs */
	uint16_t avail_idx;	  /* the driver's copy of avail->idx */
	uint16_t next_desc;	  /* the next descriptor vq_chain() uses */
	uint8_t *reqs; /* vblk_rw()'s headers (16 bytes) and status bytes, per descriptor */
};

/*
 * Finds the nth (0-based) virtio device with device ID id among fns and its
 * virtio structures (their BAR must have been assigned). Returns 0 or -1.
 */
int vio_find(const struct pci_fn *fns, unsigned n, unsigned id, unsigned nth, struct vio_dev *d);

uint8_t vio_status(const struct vio_dev *d);
void vio_status_set(const struct vio_dev *d, uint8_t s);
/* Writes 0 to device_status and waits (up to 1 s) until it reads 0: whether it did. */
bool vio_reset(const struct vio_dev *d);
/*
 * Reset, ACKNOWLEDGE, DRIVER, the features asked for that the device offers
 * (VERSION_1 always), FEATURES_OK. Returns 0, or -1 if FEATURES_OK did not stick.
 */
int vio_negotiate(const struct vio_dev *d, uint64_t want);
uint16_t vio_num_queues(const struct vio_dev *d);

/*
 * Sets the pointers of vq for num entries in memory at base (zeroed here),
 * with room after the rings for vblk_rw()'s headers and status bytes, so
 * CPUs that each own a queue never share them.
 */
void vq_layout(struct vq *vq, unsigned num, uintptr_t base);
/* Bytes vq_layout() uses for num entries. */
uintptr_t vq_bytes(unsigned num);

/*
 * Selects queue q and programs size num (whatever it is), the rings, no
 * MSI-X vector and queue_enable as asked. vq->num stays what vq_layout()
 * said. Returns what queue_size reads back after the write.
 */
uint16_t vq_program(const struct vio_dev *d, struct vq *vq, uint16_t q, uint16_t num, bool enable);

/* Writes descriptor i (mod num) raw. */
void vq_desc(struct vq *vq, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next);

/* Lays a chain of n buffers into the next descriptors (NEXT added); returns its head. */
struct vbuf {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
};
uint16_t vq_chain(struct vq *vq, const struct vbuf *b, unsigned n);

/* Puts head in the next avail slot and moves avail->idx on (after a dmb). */
void vq_offer(struct vq *vq, uint16_t head);
/* Sets avail->idx to idx, whatever it is. */
void vq_avail_idx_set(struct vq *vq, uint16_t idx);
uint16_t vq_used_idx(const struct vq *vq);
uint32_t vq_used_id(const struct vq *vq, uint16_t i);
void vq_kick(const struct vio_dev *d, const struct vq *vq);

/*
 * Waits up to ms for used->idx to reach idx: 1 when it did, -1 as soon as
 * the device says DEVICE_NEEDS_RESET (or FAILED), 0 on timeout.
 */
int vq_wait(const struct vio_dev *d, const struct vq *vq, uint16_t idx, uint64_t ms);

/*
 * One virtio-blk request through vq: header, len bytes of data at buf (none
 * if len is 0), status byte; kicked and waited for (ms). Returns the status
 * byte, -1 on DEVICE_NEEDS_RESET, -2 on timeout.
 */
int vblk_rw(const struct vio_dev *d, struct vq *vq, uint32_t type, uint64_t sector, void *buf,
	    uint32_t len, uint64_t ms);

/*
 * Fills buf with the integration tests' disk pattern: the 32-byte line
 * "armlet-pattern-0123456789abcdef\n" over and over (lib.sh's pattern()).
 */
void vio_pattern_fill(uint8_t *buf, size_t len);

/* Brings a device up with queue 0 on vq (num entries at base); returns 0 or -1. */
int vio_up_one(const struct vio_dev *d, struct vq *vq, unsigned num, uintptr_t base);
/*
 * The same with queue 0's MSI-X vector set to vector before DRIVER_OK. Returns
 * -1, or the vector queue 0 reads back (NO_VECTOR where the device refused it).
 */
int vio_up_one_vec(const struct vio_dev *d, struct vq *vq, unsigned num, uintptr_t base,
		   uint16_t vector);

#endif /* GUEST_VIRTIO_H */
