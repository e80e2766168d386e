/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-blk (virtio 1.2 §5.2) on a raw image file or a host block device.
 *
 * Usage: blk_spec_parse() each -d/--disk argument, then blk_init() a
 * caller-owned struct blk per disk and hand blk->vdev to the transport. The
 * transport calls vdev.ops->activate()/reset() (virtio/virtio.h); at
 * teardown, after the last reset, vdev.ops->destroy() closes the image and
 * frees what blk_init() allocated (struct blk itself stays the caller's).
 *
 * Each enabled queue is served by its own I/O thread from activate() to
 * reset(), which submits reads and writes through the backend (io_uring by
 * default, libaio, or synchronous preadv/pwritev) with iovecs that point
 * straight into guest RAM. Requests are independent (virtio 1.2 §5.2.6:
 * "serviced (probably out of order)"); a FLUSH waits for the writes its
 * queue has in flight, then fdatasync()s, and only then reports OK.
 */
#ifndef ARMLET_VIRTIO_BLK_H
#define ARMLET_VIRTIO_BLK_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../vmm/mem.h"
#include "virtio.h"

/* Feature bits (virtio 1.2 §5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX	  1
#define VIRTIO_BLK_F_SEG_MAX	  2
#define VIRTIO_BLK_F_GEOMETRY	  4
#define VIRTIO_BLK_F_RO		  5
#define VIRTIO_BLK_F_BLK_SIZE	  6
#define VIRTIO_BLK_F_FLUSH	  9
#define VIRTIO_BLK_F_TOPOLOGY	  10
#define VIRTIO_BLK_F_CONFIG_WCE	  11
#define VIRTIO_BLK_F_MQ		  12
#define VIRTIO_BLK_F_DISCARD	  13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

/* Request types and status values (virtio 1.2 §5.2.6). */
#define VIRTIO_BLK_T_IN		  0
#define VIRTIO_BLK_T_OUT	  1
#define VIRTIO_BLK_T_FLUSH	  4
#define VIRTIO_BLK_T_GET_ID	  8
#define VIRTIO_BLK_T_DISCARD	  11
#define VIRTIO_BLK_T_WRITE_ZEROES 13

#define VIRTIO_BLK_S_OK	    0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP 1
#define VIRTIO_BLK_ID_BYTES		   20

#define BLK_SECTOR_SIZE 512
#define BLK_QUEUE_SIZE	256		     /* size_max of every queue */
#define BLK_SEG_MAX	(BLK_QUEUE_SIZE - 2) /* data segments: room for header and status */
#define BLK_SIZE_MAX	(1u << 20)	     /* bytes in one data segment */
#define BLK_DISCARD_MAX (1u << 22)	     /* sectors in one discard/write zeroes: 2 GiB */

/* The request header (virtio 1.2 §5.2.6), little-endian. */
struct virtio_blk_outhdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

/* One DISCARD / WRITE_ZEROES segment (virtio 1.2 §5.2.6), little-endian. */
struct virtio_blk_discard_write_zeroes {
	uint64_t sector;
	uint32_t num_sectors;
	uint32_t flags; /* bit 0: unmap; the rest reserved */
};

/* Device configuration (virtio 1.2 §5.2.4), little-endian. */
struct virtio_blk_config {
	uint64_t capacity; /* 512-byte sectors */
	uint32_t size_max;
	uint32_t seg_max;
	struct {
		uint16_t cylinders;
		uint8_t heads;
		uint8_t sectors;
	} geometry;
	uint32_t blk_size;
	struct {
		uint8_t physical_block_exp;
		uint8_t alignment_offset;
		uint16_t min_io_size;
		uint32_t opt_io_size;
	} topology;
	uint8_t writeback;
	uint8_t unused0;
	uint16_t num_queues;
	uint32_t max_discard_sectors;
	uint32_t max_discard_seg;
	uint32_t discard_sector_alignment;
	uint32_t max_write_zeroes_sectors;
	uint32_t max_write_zeroes_seg;
	uint8_t write_zeroes_may_unmap;
	uint8_t unused1[3];
	uint32_t max_secure_erase_sectors;
	uint32_t max_secure_erase_seg;
	uint32_t secure_erase_sector_alignment;
	struct {
		uint32_t zone_sectors;
		uint32_t max_open_zones;
		uint32_t max_active_zones;
		uint32_t max_append_sectors;
		uint32_t write_granularity;
		uint8_t model;
		uint8_t unused2[3];
	} zoned;
};

enum blk_io {
	BLK_IO_AUTO,  /* not given: io_uring, else aio, else sync, with a warning */
	BLK_IO_URING, /* io=uring: io_uring or fail */
	BLK_IO_AIO,   /* io=aio */
	BLK_IO_SYNC,  /* io=sync */
};

/* One -d/--disk argument. */
struct blk_spec {
	char path[PATH_MAX];
	bool ro;     /* ,ro: opened O_RDONLY, VIRTIO_BLK_F_RO offered */
	bool direct; /* ,direct: O_DIRECT, bypassing the host page cache */
	enum blk_io io;
};

/*
 * Parses kvmtool's spelling PATH[,ro][,direct][,io=uring|aio|sync] into
 * *out. PATH itself cannot contain a comma. Returns 0, or -EINVAL with a
 * one-line reason in err (empty path, unknown or empty option, io= given
 * twice or with an unknown value, path too long).
 */
int blk_spec_parse(const char *arg, struct blk_spec *out, char *err, size_t len);

struct blk_backend_ops;
struct blk_queue;

struct blk {
	struct virtio_dev vdev; /* what the transport takes; vdev.priv is this struct blk */
	char name[24];		/* "virtio-blkN" */
	char path[PATH_MAX];
	int fd;
	bool ro, direct, bdev;
	uint64_t capacity;		  /* 512-byte sectors */
	uint32_t blk_size;		  /* logical block size: the alignment O_DIRECT needs */
	char serial[VIRTIO_BLK_ID_BYTES]; /* NUL-padded, no terminator when 20 long */
	const struct blk_backend_ops *backend;
	struct virtio_blk_config config;
	struct blk_queue *queues[VIRTIO_MAX_QUEUES];
};

/*
 * Opens spec->path (O_RDWR or O_RDONLY, O_DIRECT if asked, O_CLOEXEC; a
 * shared flock for ro, an exclusive one otherwise, so two writers cannot
 * share an image), sizes it (BLKGETSIZE64/BLKSSZGET for a block device,
 * st_size for a file: a trailing partial sector is not exposed), picks the
 * backend (see enum blk_io) and fills blk->vdev: device ID 2, features,
 * config, nr_queues (1..VIRTIO_MAX_QUEUES) queues of BLK_QUEUE_SIZE, name
 * "virtio-blk<index>", serial "armlet-blk<index>". The backend queues and
 * their memory are allocated here too, so activate() does not fail for want
 * of them. mem is guest RAM, kept for the queues. Returns 0, or -errno with
 * a one-line reason in err; on failure nothing is left to free.
 */
int blk_init(struct blk *blk, const struct blk_spec *spec, unsigned nr_queues,
	     const struct guest_mem *mem, unsigned index, char *err, size_t len);

#endif
