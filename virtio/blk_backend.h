/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How virtio-blk (virtio/blk.c, blk_req.c) reaches its image: one backend
 * per file, chosen at run time through its static const ops table
 * (io=uring, aio or sync). The device parses requests and owns their
 * memory; a backend only moves bytes between the image and iovecs that
 * point straight into guest RAM, and says when that is done.
 *
 * Queues. Each virtqueue's I/O thread owns one backend queue (struct blk_bq)
 * and is the only thread that touches it, so backends take no locks. A
 * request has at most one operation in flight, so a queue created with depth
 * N never holds more than N operations (queued, in the kernel or finished but
 * not reaped).
 *
 * Completion. submit_*() only queue an operation; commit() hands everything
 * queued to the kernel (one syscall per batch where the backend can);
 * completion_fd() polls readable once reap() has something; reap() calls
 * done() once per finished operation with its token and the result: bytes
 * transferred (possibly fewer than asked: the device resubmits the rest) or
 * -errno. done() may queue new operations on the same queue: they go out at
 * the next commit().
 *
 * The helpers at the bottom live in blk_sync.c: opening the image, and the
 * synchronous I/O the device does whatever the backend, for the rare
 * requests no backend does asynchronously here (discard, write zeroes,
 * O_DIRECT bounce buffers).
 */
#ifndef ARMLET_VIRTIO_BLK_BACKEND_H
#define ARMLET_VIRTIO_BLK_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct blk_bq;

/* res: bytes transferred (flush: 0) or -errno. */
typedef void blk_done_fn(void *opaque, void *token, int64_t res);

struct blk_backend_ops {
	const char *name; /* as spelt in io=: "uring", "aio", "sync" */
	/*
	 * A queue on fd for up to depth operations at once. Returns 0 and
	 * *out, or -errno with a one-line reason in err (blk_init() creates
	 * one to learn whether the backend works on this host at all).
	 */
	int (*queue_create)(int fd, unsigned depth, struct blk_bq **out, char *err, size_t len);
	/*
	 * Queues a preadv (write false) or pwritev of iov[0..iovcnt) at byte
	 * offset off. iov must stay valid and unchanged until done() for it.
	 * Returns 0, or -EBUSY when depth operations are already queued (a
	 * device bug).
	 */
	int (*submit_rw)(struct blk_bq *bq, bool write, const struct iovec *iov, unsigned iovcnt,
			 uint64_t off, void *token);
	/*
	 * Queues an fdatasync() of the image. Ordering against other
	 * operations is the device's job: it only submits a flush once the
	 * writes it must cover have completed.
	 */
	int (*submit_flush)(struct blk_bq *bq, void *token);
	/* Starts what is queued. Operations the kernel refuses complete with -errno. */
	void (*commit)(struct blk_bq *bq);
	/* Readable when reap() has completions; -1: they are ready right after commit(). */
	int (*completion_fd)(struct blk_bq *bq);
	/*
	 * Calls done(opaque, token, res) for each finished operation and
	 * returns how many. Does not block unless wait, then it returns once
	 * at least one operation finished (0 at once if none is in flight).
	 */
	unsigned (*reap)(struct blk_bq *bq, bool wait, blk_done_fn *done, void *opaque);
	/* Frees the queue; nothing may be in flight (reap until it is). */
	void (*queue_destroy)(struct blk_bq *bq);
};

extern const struct blk_backend_ops blk_uring_ops; /* blk_uring.c: io_uring (liburing) */
extern const struct blk_backend_ops blk_aio_ops;   /* blk_aio.c: Linux AIO (libaio) */
extern const struct blk_backend_ops blk_sync_ops;  /* blk_sync.c: preadv/pwritev in the thread */

/* --- the image, and synchronous helpers (blk_sync.c) ------------------------- */

struct blk_image {
	int fd;
	bool bdev;	   /* a block device, not a regular file */
	uint64_t capacity; /* 512-byte sectors */
	uint32_t blk_size; /* logical block size: what O_DIRECT needs offsets aligned to */
};

/*
 * Opens path O_RDWR, or O_RDONLY when ro, O_DIRECT when direct, O_CLOEXEC;
 * takes a shared flock when ro and an exclusive one otherwise, so two
 * writers cannot share an image; sizes it (BLKGETSIZE64 and BLKSSZGET for a
 * block device; st_size for a file, whose logical block size is 512, or with
 * O_DIRECT the smallest alignment reads accept). Capacity counts whole
 * logical blocks only: a trailing partial one is not exposed (said at debug
 * level, prefixed with name). Returns 0, or -errno with a one-line reason in
 * err and nothing left open.
 */
int blk_image_open(struct blk_image *img, const char *path, bool ro, bool direct, const char *name,
		   char *err, size_t len);

/*
 * pread()/pwrite() of len bytes at off through buf, looping over short
 * transfers and EINTR. Returns the bytes moved (fewer only at end of file)
 * or -errno.
 */
int64_t blk_file_pread(int fd, void *buf, size_t len, uint64_t off);
int64_t blk_file_pwrite(int fd, const void *buf, size_t len, uint64_t off);

/*
 * O_DIRECT reads or writes len bytes at off for iovecs it cannot take as
 * they are (misaligned guest buffers), through buf (bufsize bytes, aligned
 * for O_DIRECT, a multiple of the block size) one chunk at a time. Returns
 * the bytes moved (fewer only at end of file) or -errno.
 */
int64_t blk_file_bounce(int fd, bool write, const struct iovec *iov, unsigned iovcnt, uint64_t off,
			size_t len, void *buf, size_t bufsize);

/*
 * Deallocates [off, off + len): fallocate(PUNCH_HOLE | KEEP_SIZE) on a file,
 * BLKDISCARD on a block device. Returns 0 or -errno (-EOPNOTSUPP: the
 * filesystem or device cannot).
 */
int blk_file_discard(int fd, bool bdev, uint64_t off, uint64_t len);

/*
 * Makes [off, off + len) read back as zeroes. A file tries
 * FALLOC_FL_PUNCH_HOLE first when unmap (virtio 1.2 §5.2.6.2 lets the device
 * deallocate then), FALLOC_FL_ZERO_RANGE next, and writes zeroes when the
 * filesystem supports neither; a block device uses BLKZEROOUT. align is the
 * alignment the image needs for the written fallback (O_DIRECT). Returns 0
 * or -errno.
 */
int blk_file_write_zeroes(int fd, bool bdev, uint64_t off, uint64_t len, bool unmap, size_t align);

#endif
