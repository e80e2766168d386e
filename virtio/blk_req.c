// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk requests (virtio 1.2 §5.2.6), in the queue's I/O thread: the
 * header and the data segments of every chain are checked against what the
 * driver was told (seg_max, capacity, blk_size with O_DIRECT) before any
 * I/O; reads, writes and flushes go to the backend (blk_backend.h), GET_ID,
 * DISCARD and WRITE_ZEROES are done here, synchronously.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../vmm/log.h"
#include "blk_backend.h"
#include "blk_internal.h"

_Static_assert(sizeof(struct virtio_blk_outhdr) == 16, "virtio 1.2 §5.2.6");
_Static_assert(sizeof(struct virtio_blk_discard_write_zeroes) == 16, "virtio 1.2 §5.2.6");
_Static_assert(BLK_SEG_MAX + 2 <= VIRTQ_CHAIN_MAX, "seg_max must leave room for header, status");

#define BLK_PENDING -1 /* a request handed to the backend: no status yet */
#define BLK_HDR	    sizeof(struct virtio_blk_outhdr)

static bool blk_range_ok(const struct blk *blk, uint64_t sector, uint64_t nr_sectors)
{
	return sector <= blk->capacity && nr_sectors <= blk->capacity - sector;
}

/*
 * Points iov at len bytes of segments [from, to) of c, skip bytes in. Returns
 * how many iovecs that took, or -E2BIG beyond BLK_SEG_MAX (the seg_max the
 * driver was told, virtio 1.2 §5.2.4).
 */
static int blk_iov_fill(const struct virtq_chain *c, unsigned from, unsigned to, size_t skip,
			size_t len, struct iovec *iov)
{
	unsigned n = 0;

	for (unsigned i = from; i < to && len; i++) {
		size_t take;

		if (skip >= c->seg[i].len) {
			skip -= c->seg[i].len;
			continue;
		}
		if (n == BLK_SEG_MAX)
			return -E2BIG;
		take = c->seg[i].len - skip < len ? c->seg[i].len - skip : len;
		iov[n].iov_base = (uint8_t *)c->seg[i].hva + skip;
		iov[n].iov_len = take;
		n++;
		len -= take;
		skip = 0;
	}
	return (int)n;
}

/* Drops the first n bytes of *iov (a short transfer), in place. */
static void blk_iov_advance(struct iovec **iov, unsigned *cnt, size_t n)
{
	while (*cnt && n >= (*iov)->iov_len) {
		n -= (*iov)->iov_len;
		(*iov)++;
		(*cnt)--;
	}
	if (*cnt && n) {
		(*iov)->iov_base = (uint8_t *)(*iov)->iov_base + n;
		(*iov)->iov_len -= n;
	}
}

static bool blk_iov_aligned(const struct iovec *iov, unsigned cnt, uint32_t align)
{
	for (unsigned i = 0; i < cnt; i++)
		if (((uintptr_t)iov[i].iov_base | iov[i].iov_len) & (align - 1))
			return false;
	return true;
}

/*
 * O_DIRECT with guest buffers it cannot take: through the queue's aligned
 * bounce buffer, synchronously in the queue thread. Rare (Linux aligns its
 * buffers to blk_size), so simplicity beats speed here.
 */
static int blk_req_bounce(struct blk_queue *q, struct blk_req *req, bool write)
{
	const struct blk *blk = q->blk;
	int64_t res;

	if (!q->bounce)
		q->bounce =
		    aligned_alloc(blk->blk_size > 4096 ? blk->blk_size : 4096, BLK_BOUNCE_SIZE);
	if (!q->bounce)
		return VIRTIO_BLK_S_IOERR;
	res = blk_file_bounce(blk->fd, write, req->iov, req->iovcnt, req->off, req->left, q->bounce,
			      BLK_BOUNCE_SIZE);
	if (res > 0)
		req->done = (uint32_t)res;
	return res == req->left ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
}

static void blk_inflight_add(struct blk_queue *q)
{
	q->inflight++;
	if (q->inflight > q->inflight_peak)
		q->inflight_peak = q->inflight;
}

static int blk_req_submit(struct blk_queue *q, struct blk_req *req)
{
	bool write = req->type == VIRTIO_BLK_T_OUT;

	if (q->blk->backend->submit_rw(q->bq, write, req->iov, req->iovcnt, req->off, req))
		return VIRTIO_BLK_S_IOERR;
	blk_inflight_add(q);
	return BLK_PENDING;
}

bool blk_req_admit(const struct blk_queue *q)
{
	return q->inflight < BLK_INFLIGHT_MAX && q->inflight_bytes < BLK_INFLIGHT_BYTES_MAX;
}

static int blk_req_rw(struct blk_queue *q, struct blk_req *req, const struct virtq_chain *c,
		      uint64_t sector)
{
	const struct blk *blk = q->blk;
	bool write = req->type == VIRTIO_BLK_T_OUT;
	/* OUT: readable data after the header; IN: writable data before the status. */
	uint32_t len = write ? c->read_len - BLK_HDR : c->write_len - 1;
	int n;

	/* virtio 1.2 §5.2.6.2: IOERR, and not a byte written. The fd is O_RDONLY anyway. */
	if (write && blk->ro)
		return VIRTIO_BLK_S_IOERR;
	if (len % BLK_SECTOR_SIZE || !blk_range_ok(blk, sector, len / BLK_SECTOR_SIZE))
		return VIRTIO_BLK_S_IOERR;
	if (len == 0)
		return VIRTIO_BLK_S_OK;
	if (write)
		n = blk_iov_fill(c, 0, c->nr_read_segs, BLK_HDR, len, q->iov[req->head]);
	else
		n = blk_iov_fill(c, c->nr_read_segs, c->nr_segs, 0, len, q->iov[req->head]);
	if (n < 0)
		return VIRTIO_BLK_S_IOERR;
	req->iov = q->iov[req->head];
	req->iovcnt = (unsigned)n;
	req->off = sector * BLK_SECTOR_SIZE;
	req->left = len;
	if (blk->direct) {
		/* The guest was told blk_size (§5.2.5); a request ignoring it cannot be done. */
		if ((req->off | len) & (blk->blk_size - 1))
			return VIRTIO_BLK_S_IOERR;
		if (!blk_iov_aligned(req->iov, req->iovcnt, blk->blk_size))
			return blk_req_bounce(q, req, write);
	}
	req->charged = len;
	q->inflight_bytes += len;
	return blk_req_submit(q, req);
}

static int blk_flush_submit(struct blk_queue *q, struct blk_req *req)
{
	if (q->blk->backend->submit_flush(q->bq, req))
		return VIRTIO_BLK_S_IOERR;
	blk_inflight_add(q);
	return BLK_PENDING;
}

/*
 * A flush covers the writes completed before it (virtio 1.2 §5.2.6.2), so the
 * writes this queue still has in flight must complete first: park it until
 * they have (blk_queue_run() submits it then).
 */
static int blk_req_flush(struct blk_queue *q, struct blk_req *req)
{
	if (q->blk->ro)
		return VIRTIO_BLK_S_OK; /* nothing was ever written */
	if (q->inflight) {
		q->flush = req;
		return BLK_PENDING;
	}
	return blk_flush_submit(q, req);
}

static int blk_req_get_id(struct blk_queue *q, struct blk_req *req, const struct virtq_chain *c)
{
	uint32_t n =
	    c->write_len - 1 < VIRTIO_BLK_ID_BYTES ? c->write_len - 1 : VIRTIO_BLK_ID_BYTES;

	req->done = (uint32_t)virtq_chain_write(c, 0, q->blk->serial, n);
	return VIRTIO_BLK_S_OK;
}

/* DISCARD and WRITE_ZEROES: one segment (max_*_seg is 1), done synchronously. */
static int blk_req_dwz(struct blk_queue *q, struct blk_req *req, const struct virtq_chain *c)
{
	const struct blk *blk = q->blk;
	bool discard = req->type == VIRTIO_BLK_T_DISCARD;
	struct virtio_blk_discard_write_zeroes seg;
	uint64_t sector, nr;
	uint32_t flags;
	int ret;

	if (blk->ro)
		return VIRTIO_BLK_S_IOERR;
	if (c->read_len - BLK_HDR != sizeof(seg))
		return VIRTIO_BLK_S_IOERR;
	virtq_chain_read(c, BLK_HDR, &seg, sizeof(seg));
	sector = le64toh(seg.sector);
	nr = le32toh(seg.num_sectors);
	flags = le32toh(seg.flags);
	/* virtio 1.2 §5.2.6.2: unknown flags, or unmap on a discard, are UNSUPP. */
	if (flags & ~VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP ||
	    (discard && flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP))
		return VIRTIO_BLK_S_UNSUPP;
	if (nr > BLK_DISCARD_MAX || !blk_range_ok(blk, sector, nr))
		return VIRTIO_BLK_S_IOERR;
	if (nr == 0)
		return VIRTIO_BLK_S_OK;
	if (discard)
		ret = blk_file_discard(blk->fd, blk->bdev, sector * BLK_SECTOR_SIZE,
				       nr * BLK_SECTOR_SIZE);
	else
		ret = blk_file_write_zeroes(
		    blk->fd, blk->bdev, sector * BLK_SECTOR_SIZE, nr * BLK_SECTOR_SIZE,
		    flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP, blk->direct ? blk->blk_size : 1);
	if (ret)
		log_debug("%s: %s of %llu sectors at %llu: %s", blk->name,
			  discard ? "discard" : "write zeroes", (unsigned long long)nr,
			  (unsigned long long)sector, strerror(-ret));
	if (ret == -EOPNOTSUPP && discard)
		return VIRTIO_BLK_S_UNSUPP;
	return ret ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

/* Writes the status, gives the chain back, counts. */
static void blk_req_complete(struct blk_queue *q, struct blk_req *req, int status)
{
	struct virtio_dev *dev = &q->blk->vdev;
	bool to_guest = req->type == VIRTIO_BLK_T_IN || req->type == VIRTIO_BLK_T_GET_ID;

	q->inflight_bytes -= req->charged;
	req->charged = 0;
	*req->status = (uint8_t)status;
	/* used.len: the data the device wrote, then the status byte. */
	virtq_push(q->vq, req->head, to_guest ? req->done + 1 : 1);
	virtio_stat_add(&dev->stats.requests, 1);
	if (to_guest)
		virtio_stat_add(&dev->stats.bytes_written, req->done);
	else if (req->type == VIRTIO_BLK_T_OUT)
		virtio_stat_add(&dev->stats.bytes_read, req->done);
	if (status != VIRTIO_BLK_S_OK)
		virtio_stat_add(&dev->stats.errors, 1);
}

void blk_req_start(struct blk_queue *q, const struct virtq_chain *c)
{
	struct blk_req *req = &q->reqs[c->head];
	const struct virtq_seg *last;
	struct virtio_blk_outhdr hdr;
	uint64_t sector;
	int status;

	/* Without a header or a status byte there is nothing to say even an error with. */
	if (c->read_len < BLK_HDR || c->write_len < 1) {
		log_debug("%s: queue %u: request without header or status byte", q->blk->name,
			  q->index);
		virtq_push(q->vq, c->head, 0);
		virtio_stat_add(&q->blk->vdev.stats.requests, 1);
		virtio_stat_add(&q->blk->vdev.stats.errors, 1);
		return;
	}
	virtq_chain_read(c, 0, &hdr, sizeof(hdr));
	last = &c->seg[c->nr_segs - 1]; /* writable, as write_len > 0 */
	memset(req, 0, sizeof(*req));
	req->head = c->head;
	req->type = le32toh(hdr.type);
	req->status = (uint8_t *)last->hva + last->len - 1;
	sector = le64toh(hdr.sector);
	switch (req->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT: status = blk_req_rw(q, req, c, sector); break;
	case VIRTIO_BLK_T_FLUSH: status = blk_req_flush(q, req); break;
	case VIRTIO_BLK_T_GET_ID: status = blk_req_get_id(q, req, c); break;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES: status = blk_req_dwz(q, req, c); break;
	default: status = VIRTIO_BLK_S_UNSUPP; break;
	}
	if (status != BLK_PENDING)
		blk_req_complete(q, req, status);
}

/* blk_done_fn: a backend operation finished. */
void blk_req_done(void *opaque, void *token, int64_t res)
{
	struct blk_queue *q = opaque;
	struct blk_req *req = token;

	q->inflight--;
	if (q->stopping)
		return; /* reset() only waits for the I/O: nothing goes back to the driver */
	if (req->type == VIRTIO_BLK_T_FLUSH) {
		blk_req_complete(q, req, res < 0 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK);
		return;
	}
	/* 0 bytes: end of file, i.e. the image shrank under us. */
	if (res <= 0 || (uint64_t)res > req->left) {
		log_debug("%s: queue %u: %s at %llu: %s", q->blk->name, q->index,
			  req->type == VIRTIO_BLK_T_OUT ? "write" : "read",
			  (unsigned long long)req->off, res < 0 ? strerror((int)-res) : "short");
		blk_req_complete(q, req, VIRTIO_BLK_S_IOERR);
		return;
	}
	req->done += (uint32_t)res;
	req->left -= (uint32_t)res;
	req->off += (uint64_t)res;
	if (req->left == 0) {
		blk_req_complete(q, req, VIRTIO_BLK_S_OK);
		return;
	}
	/* A short transfer: the rest goes out at the next commit. */
	blk_iov_advance(&req->iov, &req->iovcnt, (size_t)res);
	if (blk_req_submit(q, req) != BLK_PENDING)
		blk_req_complete(q, req, VIRTIO_BLK_S_IOERR);
}

bool blk_req_flush_resume(struct blk_queue *q)
{
	struct blk_req *req = q->flush;
	int status;

	if (!req || q->inflight)
		return false;
	q->flush = NULL;
	status = blk_flush_submit(q, req);
	if (status != BLK_PENDING)
		blk_req_complete(q, req, status);
	return true;
}
