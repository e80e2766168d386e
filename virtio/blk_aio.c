// SPDX-License-Identifier: GPL-2.0-only
/*
 * io=aio: Linux native AIO through libaio, one io_context per queue thread.
 * Every iocb signals the queue's eventfd (IOCB_FLAG_RESFD) so the thread can
 * poll() for completions. Truly asynchronous only with ,direct: without
 * O_DIRECT the kernel does buffered reads and writes inside io_submit().
 * IOCB_CMD_FDSYNC needs Linux 4.18.
 */
#include <errno.h>
#include <libaio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../vmm/log.h"
#include "blk_backend.h"

struct blk_aio_failed {
	void *token;
	int64_t res;
};

/*
 * cbs[] holds one iocb per operation in flight, from free[] until reaped.
 * queued[] waits for commit(); failed[] holds what io_submit() refused, for
 * reap() to report.
 */
struct blk_bq {
	io_context_t ctx;
	int fd;
	int efd;
	unsigned depth;
	struct iocb *cbs;
	unsigned *free, nr_free;
	struct iocb **queued;
	unsigned nr_queued;
	struct blk_aio_failed *failed;
	unsigned nr_failed;
	struct io_event *events;
};

static void aio_free(struct blk_bq *bq)
{
	if (bq->efd >= 0)
		close(bq->efd);
	if (bq->ctx)
		io_destroy(bq->ctx);
	free(bq->cbs);
	free(bq->free);
	free(bq->queued);
	free(bq->failed);
	free(bq->events);
	free(bq);
}

static int aio_queue_create(int fd, unsigned depth, struct blk_bq **out, char *err, size_t len)
{
	struct blk_bq *bq = calloc(1, sizeof(*bq));
	int ret;

	if (!bq)
		return err_set(err, len, -ENOMEM, "out of memory");
	bq->efd = -1;
	bq->cbs = calloc(depth, sizeof(*bq->cbs));
	bq->free = calloc(depth, sizeof(*bq->free));
	bq->queued = calloc(depth, sizeof(*bq->queued));
	bq->failed = calloc(depth, sizeof(*bq->failed));
	bq->events = calloc(depth, sizeof(*bq->events));
	if (!bq->cbs || !bq->free || !bq->queued || !bq->failed || !bq->events) {
		aio_free(bq);
		return err_set(err, len, -ENOMEM, "out of memory");
	}
	/* libaio returns -errno itself. */
	ret = io_setup((int)depth, &bq->ctx);
	if (ret < 0) {
		bq->ctx = 0;
		aio_free(bq);
		return err_set(err, len, ret, "io_setup: %s%s", strerror(-ret),
			       ret == -EAGAIN ? " (raise /proc/sys/fs/aio-max-nr)" : "");
	}
	bq->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (bq->efd < 0) {
		ret = err_set(err, len, -errno, "eventfd: %s", strerror(errno));
		aio_free(bq);
		return ret;
	}
	for (unsigned i = 0; i < depth; i++)
		bq->free[i] = depth - 1 - i;
	bq->nr_free = depth;
	bq->fd = fd;
	bq->depth = depth;
	*out = bq;
	return 0;
}

static struct iocb *aio_cb_get(struct blk_bq *bq)
{
	return bq->nr_free ? &bq->cbs[bq->free[--bq->nr_free]] : NULL;
}

static void aio_cb_put(struct blk_bq *bq, struct iocb *cb)
{
	bq->free[bq->nr_free++] = (unsigned)(cb - bq->cbs);
}

static void aio_queue(struct blk_bq *bq, struct iocb *cb, void *token)
{
	io_set_eventfd(cb, bq->efd);
	cb->data = token;
	bq->queued[bq->nr_queued++] = cb;
}

static int aio_submit_rw(struct blk_bq *bq, bool write, const struct iovec *iov, unsigned iovcnt,
			 uint64_t off, void *token)
{
	struct iocb *cb = aio_cb_get(bq);

	if (!cb)
		return -EBUSY;
	if (write)
		io_prep_pwritev(cb, bq->fd, iov, (int)iovcnt, (long long)off);
	else
		io_prep_preadv(cb, bq->fd, iov, (int)iovcnt, (long long)off);
	aio_queue(bq, cb, token);
	return 0;
}

static int aio_submit_flush(struct blk_bq *bq, void *token)
{
	struct iocb *cb = aio_cb_get(bq);

	if (!cb)
		return -EBUSY;
	io_prep_fdsync(cb, bq->fd);
	aio_queue(bq, cb, token);
	return 0;
}

/* io_submit() stops at the first iocb it refuses: that one fails, the rest go again. */
static void aio_commit(struct blk_bq *bq)
{
	unsigned i = 0;

	while (i < bq->nr_queued) {
		int ret = io_submit(bq->ctx, bq->nr_queued - i, &bq->queued[i]);

		if (ret == -EINTR)
			continue;
		if (ret <= 0) {
			struct iocb *cb = bq->queued[i++];

			log_debug("io_submit: %s", strerror(ret ? -ret : EAGAIN));
			bq->failed[bq->nr_failed].token = cb->data;
			bq->failed[bq->nr_failed++].res = ret ? ret : -EAGAIN;
			aio_cb_put(bq, cb);
			continue;
		}
		i += (unsigned)ret;
	}
	bq->nr_queued = 0;
	/* Refused iocbs complete at the next reap(); make sure the thread gets there. */
	if (bq->nr_failed)
		eventfd_write(bq->efd, 1);
}

static int aio_completion_fd(struct blk_bq *bq)
{
	return bq->efd;
}

static unsigned aio_reap_failed(struct blk_bq *bq, blk_done_fn *done, void *opaque)
{
	unsigned n = bq->nr_failed;

	/* done() may queue, never commit: failed[] does not grow under us. */
	for (unsigned i = 0; i < n; i++)
		done(opaque, bq->failed[i].token, bq->failed[i].res);
	bq->nr_failed = 0;
	return n;
}

static unsigned aio_reap(struct blk_bq *bq, bool wait, blk_done_fn *done, void *opaque)
{
	struct timespec zero = { 0 };
	unsigned n, in_kernel;
	eventfd_t v;
	int got;

	eventfd_read(bq->efd, &v); /* clear first: a later completion signals again */
	n = aio_reap_failed(bq, done, opaque);
	if (wait && n == 0 && bq->nr_queued) {
		aio_commit(bq);
		n = aio_reap_failed(bq, done, opaque);
	}
	in_kernel = bq->depth - bq->nr_free - bq->nr_queued;
	wait = wait && n == 0 && in_kernel;
	do
		got = io_getevents(bq->ctx, wait ? 1 : 0, (long)bq->depth, bq->events,
				   wait ? NULL : &zero);
	while (got == -EINTR);
	for (int i = 0; i < got; i++) {
		struct iocb *cb = bq->events[i].obj;

		aio_cb_put(bq, cb);
		/* res is the syscall's return, -errno on failure, in an unsigned long. */
		done(opaque, cb->data, (int64_t)(long)bq->events[i].res);
	}
	return n + (got > 0 ? (unsigned)got : 0);
}

static void aio_queue_destroy(struct blk_bq *bq)
{
	aio_free(bq);
}

const struct blk_backend_ops blk_aio_ops = {
	.name = "aio",
	.queue_create = aio_queue_create,
	.submit_rw = aio_submit_rw,
	.submit_flush = aio_submit_flush,
	.commit = aio_commit,
	.completion_fd = aio_completion_fd,
	.reap = aio_reap,
	.queue_destroy = aio_queue_destroy,
};
