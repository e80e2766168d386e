// SPDX-License-Identifier: GPL-2.0-only
/*
 * io=uring (the default): one io_uring per queue thread, readv/writev/fsync
 * SQEs whose iovecs point into guest RAM, one io_uring_submit() per batch,
 * and an eventfd registered with the ring so the thread can poll() for
 * completions next to its kick and stop eventfds.
 */
#include <errno.h>
#include <liburing.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../vmm/log.h"
#include "blk_backend.h"

struct blk_bq {
	struct io_uring ring;
	int fd;
	int efd;
	unsigned depth;
	unsigned inflight; /* SQEs prepared and not reaped */
};

/*
 * io_uring hands buffered writes (and reads that would block) to kernel
 * worker threads of this process, by default up to 4 per CPU per queue
 * thread for file I/O and up to RLIMIT_NPROC for the rest: a guest that
 * keeps every queue full would make hundreds. Cap them (Linux 5.15+; older
 * kernels keep their defaults, the in-flight limit still bounds the work).
 */
#define BLK_URING_WORKERS 4 /* per queue thread, of each kind */

static void uring_workers_limit(struct blk_bq *bq)
{
	unsigned max[2] = { BLK_URING_WORKERS, BLK_URING_WORKERS }; /* bounded, unbounded */
	int ret = io_uring_register_iowq_max_workers(&bq->ring, max);

	if (ret < 0)
		log_debug("io_uring: cannot limit worker threads: %s", strerror(-ret));
}

static int uring_queue_create(int fd, unsigned depth, struct blk_bq **out, char *err, size_t len)
{
	struct blk_bq *bq = calloc(1, sizeof(*bq));
	int ret;

	if (!bq)
		return err_set(err, len, -ENOMEM, "out of memory");
	/* depth SQEs at most in flight: the CQ ring (twice the SQ ring) never overflows. */
	ret = io_uring_queue_init(depth, &bq->ring, 0);
	if (ret < 0) {
		free(bq);
		return err_set(err, len, ret, "io_uring_queue_init: %s", strerror(-ret));
	}
	bq->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (bq->efd < 0) {
		ret = err_set(err, len, -errno, "eventfd: %s", strerror(errno));
		goto fail;
	}
	ret = io_uring_register_eventfd(&bq->ring, bq->efd);
	if (ret < 0) {
		ret = err_set(err, len, ret, "io_uring_register_eventfd: %s", strerror(-ret));
		close(bq->efd);
		goto fail;
	}
	uring_workers_limit(bq);
	bq->fd = fd;
	bq->depth = depth;
	*out = bq;
	return 0;
fail:
	io_uring_queue_exit(&bq->ring);
	free(bq);
	return ret;
}

static struct io_uring_sqe *uring_sqe(struct blk_bq *bq)
{
	/* Never NULL within depth: unsubmitted SQEs are a subset of inflight. */
	if (bq->inflight >= bq->depth)
		return NULL;
	return io_uring_get_sqe(&bq->ring);
}

static int uring_submit_rw(struct blk_bq *bq, bool write, const struct iovec *iov, unsigned iovcnt,
			   uint64_t off, void *token)
{
	struct io_uring_sqe *sqe = uring_sqe(bq);

	if (!sqe)
		return -EBUSY;
	if (write)
		io_uring_prep_writev(sqe, bq->fd, iov, iovcnt, off);
	else
		io_uring_prep_readv(sqe, bq->fd, iov, iovcnt, off);
	io_uring_sqe_set_data(sqe, token);
	bq->inflight++;
	return 0;
}

static int uring_submit_flush(struct blk_bq *bq, void *token)
{
	struct io_uring_sqe *sqe = uring_sqe(bq);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_fsync(sqe, bq->fd, IORING_FSYNC_DATASYNC);
	io_uring_sqe_set_data(sqe, token);
	bq->inflight++;
	return 0;
}

static void uring_commit(struct blk_bq *bq)
{
	int ret = io_uring_submit(&bq->ring);

	/* What the kernel did not take stays in the SQ ring for the next submit. */
	if (ret < 0 && ret != -EINTR)
		log_debug("io_uring_submit: %s", strerror(-ret));
}

static int uring_completion_fd(struct blk_bq *bq)
{
	return bq->efd;
}

static unsigned uring_reap(struct blk_bq *bq, bool wait, blk_done_fn *done, void *opaque)
{
	struct io_uring_cqe *cqe;
	unsigned head, n = 0;
	uint64_t v;

	/* Clear the eventfd before looking, so a CQE posted after the look wakes poll(). */
	if (read(bq->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_debug("io_uring eventfd: %s", strerror(errno));
	if (wait && bq->inflight && !io_uring_cq_ready(&bq->ring)) {
		int ret;

		/* Also submits what an earlier commit could not. */
		do
			ret = io_uring_submit_and_wait(&bq->ring, 1);
		while (ret == -EINTR);
	}
	io_uring_for_each_cqe(&bq->ring, head, cqe)
	{
		/* Counted before done(): it may queue the rest of a short transfer. */
		bq->inflight--;
		n++;
		done(opaque, io_uring_cqe_get_data(cqe), cqe->res);
	}
	io_uring_cq_advance(&bq->ring, n);
	return n;
}

static void uring_queue_destroy(struct blk_bq *bq)
{
	io_uring_queue_exit(&bq->ring);
	close(bq->efd);
	free(bq);
}

const struct blk_backend_ops blk_uring_ops = {
	.name = "uring",
	.queue_create = uring_queue_create,
	.submit_rw = uring_submit_rw,
	.submit_flush = uring_submit_flush,
	.commit = uring_commit,
	.completion_fd = uring_completion_fd,
	.reap = uring_reap,
	.queue_destroy = uring_queue_destroy,
};
