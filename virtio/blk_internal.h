/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What virtio-blk's two halves share, and nobody else needs (the public
 * contract is blk.h, the backends' blk_backend.h): blk.c owns the queues,
 * their I/O threads and the device's lifecycle; blk_req.c checks each
 * request a hostile guest can build and hands it to the backend.
 *
 * Everything in a struct blk_queue below "the thread's own" belongs to the
 * queue's I/O thread while it runs: the blk_req_*() functions are only
 * called from that thread.
 */
#ifndef ARMLET_VIRTIO_BLK_INTERNAL_H
#define ARMLET_VIRTIO_BLK_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "blk.h"
#include "virtqueue.h"

#define BLK_BOUNCE_SIZE (1u << 20) /* O_DIRECT bounce buffer per queue */

/*
 * What one queue may have in the backend at once. A guest can post a whole
 * ring of requests of up to 4 GiB each; past these the queue thread stops
 * taking requests off the ring until some complete, so the host's work for
 * one queue (io_uring's worker threads, pinned and dirtied pages) stays
 * bounded whatever the guest posts. One request is always admitted, however
 * big, so any valid request makes progress.
 */
#define BLK_INFLIGHT_MAX       32
#define BLK_INFLIGHT_BYTES_MAX (32u << 20)

/* One request in flight; indexed by its chain's head, unique while in flight. */
struct blk_req {
	uint32_t type;
	uint16_t head;
	uint8_t *status;  /* the last writable byte of the chain (virtio 1.2 §5.2.6) */
	uint64_t off;	  /* image offset of what is still to transfer */
	uint32_t left;	  /* bytes still to transfer */
	uint32_t done;	  /* bytes transferred so far */
	uint32_t charged; /* bytes counted in the queue's inflight_bytes */
	unsigned iovcnt;
	struct iovec *iov; /* the rest of the data, advanced over short transfers */
};

struct blk_queue {
	struct blk *blk;
	unsigned index;
	struct blk_bq *bq;
	int stop_fd;
	pthread_t thread;
	char thread_name[16]; /* "blk0-q3": 15 characters at most */
	bool running;	      /* a thread runs: set and cleared by activate()/reset() */
	/* The thread's own, reset before it starts. */
	struct virtq *vq;
	bool stopping;		 /* reset() is waiting: abandon completions */
	bool broken;		 /* the ring is malformed: serve nothing more */
	unsigned inflight;	 /* backend operations submitted, not reaped */
	uint64_t inflight_bytes; /* data of the requests behind them */
	unsigned inflight_peak;	 /* the most inflight ever was (for the unit tests) */
	struct blk_req *flush;	 /* a FLUSH waiting for inflight to drain */
	void *bounce;		 /* BLK_BOUNCE_SIZE, aligned for O_DIRECT; on first use */
	struct blk_req reqs[BLK_QUEUE_SIZE];
	struct iovec iov[BLK_QUEUE_SIZE][BLK_SEG_MAX];
	struct virtq_chain chain;
};

/*
 * Checks the request c (just popped from q's ring) and starts it: done at
 * once (an error, GET_ID, DISCARD, WRITE_ZEROES, a bounced O_DIRECT
 * transfer), submitted to the backend, or a FLUSH parked in q->flush.
 */
void blk_req_start(struct blk_queue *q, const struct virtq_chain *c);

/* Whether q may take another request off the ring (BLK_INFLIGHT_*). */
bool blk_req_admit(const struct blk_queue *q);

/* blk_done_fn for q's backend queue (opaque is q): a backend operation finished. */
void blk_req_done(void *opaque, void *token, int64_t res);

/*
 * Submits the FLUSH parked in q->flush once nothing is in flight any more.
 * Returns whether it did (progress for the queue thread's loop).
 */
bool blk_req_flush_resume(struct blk_queue *q);

#endif
