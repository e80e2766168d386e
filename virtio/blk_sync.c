// SPDX-License-Identifier: GPL-2.0-only
/*
 * The image, synchronously. Opening and sizing it; io=sync, which does
 * preadv/pwritev/fdatasync in the queue thread itself, one request after
 * another (slow under load, but it needs nothing from the host kernel beyond
 * plain syscalls, so it is io=auto's last resort); and the synchronous
 * helpers the device uses whatever the backend (blk_backend.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../vmm/log.h"
#include "blk_backend.h"

/* --- opening the image --------------------------------------------------------- */

/*
 * The smallest alignment (512..4096) O_DIRECT accepts on a file, for offsets
 * and memory alike: a read at 0 into a buffer aligned to it but not to twice
 * it. Filesystems only say through statx(STATX_DIOALIGN), which this libc
 * does not expose.
 */
static uint32_t blk_dio_probe(int fd)
{
	uint8_t *buf = aligned_alloc(8192, 8192);
	uint32_t a;

	if (!buf)
		return 4096;
	for (a = 512; a < 4096; a *= 2)
		if (pread(fd, buf + a, a, 0) >= 0)
			break;
	free(buf);
	return a;
}

static int blk_image_size(struct blk_image *img, const char *path, bool direct, uint64_t *bytes,
			  char *err, size_t len)
{
	struct stat st;
	int lbs;

	if (fstat(img->fd, &st) < 0)
		return err_set(err, len, -errno, "disk %s: %s", path, strerror(errno));
	if (S_ISREG(st.st_mode)) {
		*bytes = (uint64_t)st.st_size;
		img->blk_size = direct ? blk_dio_probe(img->fd) : 512;
		return 0;
	}
	if (!S_ISBLK(st.st_mode))
		return err_set(err, len, -EINVAL, "disk %s: not a regular file or block device",
			       path);
	img->bdev = true;
	if (ioctl(img->fd, BLKGETSIZE64, bytes) < 0 || ioctl(img->fd, BLKSSZGET, &lbs) < 0)
		return err_set(err, len, -errno, "disk %s: cannot size the block device: %s", path,
			       strerror(errno));
	/* Powers of 2 from 512 up: anything else would make a nonsense blk_size. */
	if (lbs < 512 || lbs > 65536 || (lbs & (lbs - 1)))
		return err_set(err, len, -EINVAL, "disk %s: logical block size %d unsupported",
			       path, lbs);
	img->blk_size = (uint32_t)lbs;
	return 0;
}

static const char *blk_open_hint(bool ro, bool direct, int e)
{
	if ((e == EACCES || e == EROFS || e == EPERM) && !ro)
		return " (add ,ro to use it read-only)";
	if (e == EINVAL && direct)
		return " (the filesystem does not support O_DIRECT: drop ,direct)";
	return "";
}

static int blk_image_setup(struct blk_image *img, const char *path, bool ro, bool direct,
			   const char *name, char *err, size_t len)
{
	uint64_t bytes;
	int ret;

	/* Two writers on one image corrupt it; readers may share. */
	if (flock(img->fd, (ro ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0)
		return err_set(err, len, errno == EWOULDBLOCK ? -EBUSY : -errno,
			       "disk %s is in use by another process (flock: %s)", path,
			       strerror(errno));
	ret = blk_image_size(img, path, direct, &bytes, err, len);
	if (ret)
		return ret;
	/* Whole logical blocks only: O_DIRECT could not read a partial one. */
	img->capacity = bytes / img->blk_size * (img->blk_size / 512);
	if (bytes % img->blk_size)
		log_debug("%s: %s: the last %llu bytes do not fill a %u-byte block: not exposed",
			  name, path, (unsigned long long)(bytes % img->blk_size), img->blk_size);
	return 0;
}

int blk_image_open(struct blk_image *img, const char *path, bool ro, bool direct, const char *name,
		   char *err, size_t len)
{
	int flags = (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC | (direct ? O_DIRECT : 0);
	int ret;

	memset(img, 0, sizeof(*img));
	img->fd = open(path, flags);
	if (img->fd < 0)
		return err_set(err, len, -errno, "cannot open disk %s: %s%s", path, strerror(errno),
			       blk_open_hint(ro, direct, errno));
	ret = blk_image_setup(img, path, ro, direct, name, err, len);
	if (ret) {
		close(img->fd);
		img->fd = -1;
	}
	return ret;
}

/* --- io=sync ------------------------------------------------------------------------ */

struct blk_sync_op {
	bool write, flush;
	const struct iovec *iov;
	unsigned iovcnt;
	uint64_t off;
	void *token;
	int64_t res;
};

/*
 * Operations wait in queued[] for commit(), which runs them into finished[]
 * for reap(). done() may queue more while reap() walks finished[]: they land
 * in queued[], which reap() does not touch.
 */
struct blk_bq {
	int fd;
	unsigned depth;
	unsigned inflight; /* queued + finished */
	unsigned nr_queued, nr_finished;
	struct blk_sync_op *queued, *finished;
};

static int sync_queue_create(int fd, unsigned depth, struct blk_bq **out, char *err, size_t len)
{
	struct blk_bq *bq = calloc(1, sizeof(*bq));

	if (bq) {
		bq->queued = calloc(depth, sizeof(*bq->queued));
		bq->finished = calloc(depth, sizeof(*bq->finished));
	}
	if (!bq || !bq->queued || !bq->finished) {
		if (bq) {
			free(bq->queued);
			free(bq->finished);
		}
		free(bq);
		return err_set(err, len, -ENOMEM, "out of memory");
	}
	bq->fd = fd;
	bq->depth = depth;
	*out = bq;
	return 0;
}

static int sync_queue(struct blk_bq *bq, const struct blk_sync_op *op)
{
	if (bq->inflight >= bq->depth)
		return -EBUSY;
	bq->queued[bq->nr_queued++] = *op;
	bq->inflight++;
	return 0;
}

static int sync_submit_rw(struct blk_bq *bq, bool write, const struct iovec *iov, unsigned iovcnt,
			  uint64_t off, void *token)
{
	struct blk_sync_op op = {
		.write = write, .iov = iov, .iovcnt = iovcnt, .off = off, .token = token
	};

	return sync_queue(bq, &op);
}

static int sync_submit_flush(struct blk_bq *bq, void *token)
{
	struct blk_sync_op op = { .flush = true, .token = token };

	return sync_queue(bq, &op);
}

/* One syscall: a short transfer is the device's to resubmit. */
static int64_t sync_run(int fd, const struct blk_sync_op *op)
{
	ssize_t r;

	do {
		if (op->flush)
			r = fdatasync(fd);
		else if (op->write)
			r = pwritev(fd, op->iov, (int)op->iovcnt, (off_t)op->off);
		else
			r = preadv(fd, op->iov, (int)op->iovcnt, (off_t)op->off);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

static void sync_commit(struct blk_bq *bq)
{
	for (unsigned i = 0; i < bq->nr_queued; i++) {
		struct blk_sync_op *op = &bq->finished[bq->nr_finished++];

		*op = bq->queued[i];
		op->res = sync_run(bq->fd, op);
	}
	bq->nr_queued = 0;
}

static int sync_completion_fd(struct blk_bq *bq)
{
	(void)bq;
	return -1;
}

static unsigned sync_reap(struct blk_bq *bq, bool wait, blk_done_fn *done, void *opaque)
{
	unsigned n = bq->nr_finished;

	/* Something queued but not run yet is what a waiting caller waits for. */
	if (wait && n == 0 && bq->nr_queued) {
		sync_commit(bq);
		n = bq->nr_finished;
	}
	for (unsigned i = 0; i < n; i++) {
		bq->inflight--;
		done(opaque, bq->finished[i].token, bq->finished[i].res);
	}
	bq->nr_finished = 0;
	return n;
}

static void sync_queue_destroy(struct blk_bq *bq)
{
	free(bq->queued);
	free(bq->finished);
	free(bq);
}

const struct blk_backend_ops blk_sync_ops = {
	.name = "sync",
	.queue_create = sync_queue_create,
	.submit_rw = sync_submit_rw,
	.submit_flush = sync_submit_flush,
	.commit = sync_commit,
	.completion_fd = sync_completion_fd,
	.reap = sync_reap,
	.queue_destroy = sync_queue_destroy,
};

/* --- helpers for every backend ------------------------------------------------- */

/*
 * pread() (write false) or pwrite() of len bytes at off, looping over short
 * transfers and EINTR. buf is only read from when write.
 */
static int64_t blk_file_rw(int fd, bool write, uint8_t *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = write ? pwrite(fd, buf + done, len - done, (off_t)(off + done))
				  : pread(fd, buf + done, len - done, (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (int64_t)done;
}

int64_t blk_file_pread(int fd, void *buf, size_t len, uint64_t off)
{
	return blk_file_rw(fd, false, buf, len, off);
}

int64_t blk_file_pwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	return blk_file_rw(fd, true, (uint8_t *)buf, len, off);
}

int blk_file_discard(int fd, bool bdev, uint64_t off, uint64_t len)
{
	uint64_t range[2] = { off, len };

	if (bdev)
		return ioctl(fd, BLKDISCARD, range) < 0 ? -errno : 0;
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) < 0)
		return -errno;
	return 0;
}

/* Copies len bytes between buf and iov, off bytes into iov. */
static void blk_iov_copy(const struct iovec *iov, unsigned cnt, size_t off, void *buf, size_t len,
			 bool to_iov)
{
	uint8_t *p = buf;

	for (unsigned i = 0; i < cnt && len; i++) {
		size_t take;

		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		take = iov[i].iov_len - off < len ? iov[i].iov_len - off : len;
		if (to_iov)
			memcpy((uint8_t *)iov[i].iov_base + off, p, take);
		else
			memcpy(p, (uint8_t *)iov[i].iov_base + off, take);
		p += take;
		len -= take;
		off = 0;
	}
}

int64_t blk_file_bounce(int fd, bool write, const struct iovec *iov, unsigned iovcnt, uint64_t off,
			size_t len, void *buf, size_t bufsize)
{
	size_t done = 0;

	while (done < len) {
		size_t n = len - done < bufsize ? len - done : bufsize;
		int64_t r;

		if (write) {
			blk_iov_copy(iov, iovcnt, done, buf, n, false);
			r = blk_file_pwrite(fd, buf, n, off + done);
		} else {
			r = blk_file_pread(fd, buf, n, off + done);
			if (r > 0)
				blk_iov_copy(iov, iovcnt, done, buf, (size_t)r, true);
		}
		if (r < 0)
			return r;
		done += (size_t)r;
		if ((size_t)r < n)
			break;
	}
	return (int64_t)done;
}

/* The last resort of write zeroes: actual zeroes, 64 KiB at a time. */
static int blk_file_write_zero_bytes(int fd, uint64_t off, uint64_t len, size_t align)
{
	const size_t chunk = 64 * 1024;
	void *zero = aligned_alloc(align > 4096 ? align : 4096, chunk);
	int ret = 0;

	if (!zero)
		return -ENOMEM;
	memset(zero, 0, chunk);
	while (len && !ret) {
		size_t n = len < chunk ? (size_t)len : chunk;
		int64_t r = blk_file_pwrite(fd, zero, n, off);

		ret = r < 0 ? (int)r : (size_t)r != n ? -EIO : 0;
		off += n;
		len -= n;
	}
	free(zero);
	return ret;
}

int blk_file_write_zeroes(int fd, bool bdev, uint64_t off, uint64_t len, bool unmap, size_t align)
{
	uint64_t range[2] = { off, len };

	if (bdev)
		return ioctl(fd, BLKZEROOUT, range) < 0 ? -errno : 0;
	if (unmap &&
	    fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
		return 0;
	if (fallocate(fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
		return 0;
	if (errno != EOPNOTSUPP)
		return -errno;
	return blk_file_write_zero_bytes(fd, off, len, align);
}
