// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: virtio-blk requests (virtio/blk_req.c) built by a
 * hostile driver in guest RAM, against small scratch images with the sync
 * backend. Three devices are set up once, on images created once in /tmp
 * (unlinked at once; $ARMLET_FUZZ_TMP picks another directory): read-write,
 * read-only, and read-write with O_DIRECT where the filesystem has it. Each
 * input picks one, lays out a ring of up to 256 entries and its requests,
 * and the queue is served synchronously through blk_internal.h's entry
 * points, the way blk.c's queue thread serves it (blk_queue_run()), with no
 * thread; at the end everything in flight is reaped, as reset() does.
 *
 * Invariants beyond the sanitizers: the device writes guest RAM only in
 * the writable buffers of the chains it popped and in the used ring, no
 * image ever changes size, the read-only image never changes a byte, and
 * nothing is left in flight.
 *
 * Input: u8 cfg (bits 0-1 device, bit 2 INDIRECT_DESC, bit 3 EVENT_IDX,
 * bits 4-7 log2 queue size, at most 8), u8 script length, the script (u8
 * op, low 3 bits: 1 the guest moves avail->idx on by op >> 3, 2 it pokes a
 * byte (u16 offset, u8 value), 3 a run of descriptors, 4 an indirect table,
 * 5 a published head (fuzz_ring.h); others serve the queue), then the RAM
 * image: the rings packed from 0 (descriptor table, available ring at
 * 16 * size, used ring after it on a 4-byte boundary, so a small ring takes
 * a small input), and whatever the descriptors point at.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../virtio/blk.h"
#include "../../virtio/blk_backend.h"
#include "../../virtio/blk_internal.h"
#include "../../vmm/log.h"
#include "fuzz_input.h"
#include "fuzz_ring.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE 0x10000ULL
#define IMG_SIZE 0x10000 /* 128 sectors */
#define NDEV	 3

enum { DEV_RW, DEV_RO, DEV_DIRECT };

static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));
static const struct guest_mem mem = { .gpa = RAM_BASE, .size = RAM_SIZE, .hva = ram };

struct fdisk {
	struct blk blk;
	bool up;
	int check_fd;		/* our own descriptor on the (unlinked) image */
	uint8_t orig[IMG_SIZE]; /* the read-only image's bytes */
};

static struct fdisk disks[NDEV];
static uint8_t now[IMG_SIZE];

/*
 * Guest RAM the device may write: the writable buffers of every chain
 * popped for this input, and the used ring. Everything else (headers, data
 * of writes, descriptors) is the driver's: virtio 1.2 §2.7.5.1.
 */
static uint8_t writable[RAM_SIZE];
static uint8_t before[RAM_SIZE];

static void writable_mark(const void *hva, size_t len)
{
	memset(writable + ((const uint8_t *)hva - ram), 1, len);
}

static void writable_mark_chain(const struct virtq_chain *c)
{
	for (unsigned i = c->nr_read_segs; i < c->nr_segs; i++)
		writable_mark(c->seg[i].hva, c->seg[i].len);
}

/*
 * Since the snapshot in before[], the device wrote nowhere it may not. A
 * word at a time: this is most of what an input costs, so only the first
 * few serving rounds of an input and the last one are checked.
 */
static void writes_check(void)
{
	for (size_t w = 0; w < RAM_SIZE; w += 8) {
		uint64_t a, b;

		memcpy(&a, ram + w, 8);
		memcpy(&b, before + w, 8);
		for (size_t i = w; a != b && i < w + 8; i++)
			FUZZ_CHECK(ram[i] == before[i] || writable[i]);
	}
}

#define WRITE_CHECKS 4
static unsigned write_checks; /* serving rounds of this input still checked */

/* --- a transport that only checks it is called sensibly ----------------------------- */

static void ft_notify_queue(struct virtio_dev *dev, unsigned q)
{
	FUZZ_CHECK(q < dev->nr_queues);
}

static void ft_notify_config(struct virtio_dev *dev)
{
	(void)dev;
}

static void ft_needs_reset(struct virtio_dev *dev)
{
	(void)dev;
}

static const struct virtio_transport_ops ft_ops = {
	.notify_queue = ft_notify_queue,
	.notify_config = ft_notify_config,
	.needs_reset = ft_needs_reset,
};

/* --- setup, once -------------------------------------------------------------------- */

static uint8_t pat(unsigned off)
{
	return (uint8_t)(off * 131 + (off >> 9) * 7 + 1);
}

static void disk_setup(struct fdisk *d, const char *dir, unsigned index, const char *opts)
{
	char path[4096], arg[4200], err[512];
	struct blk_spec spec;
	int fd, ret;

	snprintf(path, sizeof(path), "%s/armlet-fuzz-blk-XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0) {
		fprintf(stderr, "fuzz_virtio_blk: mkstemp %s: %s\n", path, strerror(errno));
		abort();
	}
	for (unsigned i = 0; i < IMG_SIZE; i++)
		d->orig[i] = pat(i);
	FUZZ_CHECK(pwrite(fd, d->orig, IMG_SIZE, 0) == IMG_SIZE);
	d->check_fd = fd;
	snprintf(arg, sizeof(arg), "%s%s", path, opts);
	FUZZ_CHECK(blk_spec_parse(arg, &spec, err, sizeof(err)) == 0);
	ret = blk_init(&d->blk, &spec, 1, &mem, index, err, sizeof(err));
	unlink(path); /* nothing left behind; the descriptors keep it */
	if (ret) {
		/* Only O_DIRECT may be missing (tmpfs); the others must work. */
		fprintf(stderr, "fuzz_virtio_blk: %s: %s%s\n", opts, err,
			index == DEV_DIRECT ? " (skipping that variant)" : "");
		FUZZ_CHECK(index == DEV_DIRECT);
		return;
	}
	d->blk.vdev.transport_ops = &ft_ops;
	d->blk.vdev.transport = d;
	d->blk.vdev.queues[0].enabled = true;
	d->up = true;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("ARMLET_FUZZ_TMP");

	(void)argc, (void)argv;
	if (!dir || !*dir)
		dir = "/tmp";
	log_set_level(LOG_ERROR); /* malformed rings are warnings, one per input */
	disk_setup(&disks[DEV_RW], dir, DEV_RW, ",io=sync");
	disk_setup(&disks[DEV_RO], dir, DEV_RO, ",ro,io=sync");
	disk_setup(&disks[DEV_DIRECT], dir, DEV_DIRECT, ",direct,io=sync");
	return 0;
}

/* --- serving the queue, as blk.c's thread does -------------------------------------- */

/* blk_queue_pop_all(): pops and starts until the ring is empty or a flush parks. */
static bool queue_pop_all(struct blk_queue *q)
{
	bool popped = false;
	int ret;

	do {
		virtq_notify_disable(q->vq);
		while ((ret = virtq_pop(q->vq, &q->chain)) > 0) {
			writable_mark_chain(&q->chain);
			blk_req_start(q, &q->chain);
			popped = true;
			if (q->flush)
				return true;
		}
		if (ret < 0) {
			q->broken = true;
			virtio_dev_needs_reset(&q->blk->vdev);
			return popped;
		}
	} while (virtq_notify_enable(q->vq));
	return popped;
}

/* blk_queue_run(): until nothing moves without waiting. */
static void queue_run(struct blk_queue *q)
{
	const struct blk_backend_ops *ops = q->blk->backend;
	uint16_t old_used = q->vq->used_idx;
	bool check = write_checks && write_checks--, progress;

	if (check)
		memcpy(before, ram, RAM_SIZE);
	do {
		progress = blk_req_flush_resume(q);
		if (!q->flush && !q->broken)
			progress |= queue_pop_all(q);
		ops->commit(q->bq);
		progress |= ops->reap(q->bq, false, blk_req_done, q) > 0;
	} while (progress);
	virtio_queue_interrupt(&q->blk->vdev, q->index, old_used);
	if (check)
		writes_check();
}

/* The end of blk_queue_thread(): reset() waits for whatever is still in flight. */
static void queue_stop(struct blk_queue *q)
{
	q->stopping = true;
	while (q->inflight)
		q->blk->backend->reap(q->bq, true, blk_req_done, q);
}

static void image_check(struct fdisk *d, unsigned index)
{
	struct stat st;

	FUZZ_CHECK(fstat(d->check_fd, &st) == 0 && st.st_size == IMG_SIZE);
	if (index != DEV_RO)
		return;
	FUZZ_CHECK(pread(d->check_fd, now, IMG_SIZE, 0) == IMG_SIZE);
	FUZZ_CHECK(memcmp(now, d->orig, IMG_SIZE) == 0);
}

static void run_op(struct blk_queue *q, struct fuzz_in *in)
{
	const struct fuzz_ram r = { ram, RAM_SIZE, RAM_BASE };
	uint8_t op = fuzz_u8(in);
	uint16_t *idx = (uint16_t *)(ram + (q->vq->avail_gpa - RAM_BASE) + 2);

	switch (op & 7) {
	case 1: *idx = htole16((uint16_t)(le16toh(*idx) + (op >> 3))); break;
	case 2: fuzz_poke(in, ram, RAM_SIZE); break;
	case 3: fuzz_desc_run(in, &r, q->vq->desc_gpa, q->vq->num); break;
	case 4: fuzz_indirect_run(in, &r, q->vq->desc_gpa, q->vq->num); break;
	case 5: fuzz_avail_offer(in, &r, q->vq->avail_gpa, q->vq->num); break;
	default: queue_run(q); break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size }, script;
	uint8_t cfg = fuzz_u8(&in);
	unsigned index = (cfg & 3) % NDEV, num = 1u << ((cfg >> 4) % 9);
	uint64_t avail = 16ULL * num, used = (avail + 6 + 2ULL * num + 3) & ~3ULL;
	struct virtio_dev *dev;
	struct blk_queue *q;
	struct fdisk *d;
	const uint8_t *img;
	size_t got;

	if (!disks[index].up)
		index = DEV_RW; /* no O_DIRECT here */
	d = &disks[index];
	dev = &d->blk.vdev;
	q = d->blk.queues[0];
	script.p = fuzz_bytes(&in, fuzz_u8(&in), &script.n);
	img = fuzz_bytes(&in, RAM_SIZE, &got);
	memcpy(ram, img, got);
	memset(ram + got, 0, RAM_SIZE - got);

	/* The transport's part: negotiated features, the ring, activate()'s queue setup. */
	dev->features = dev->host_features | VIRTIO_BIT(VIRTIO_F_VERSION_1) |
			((cfg & 4) ? VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) : 0) |
			((cfg & 8) ? VIRTIO_BIT(VIRTIO_F_EVENT_IDX) : 0);
	FUZZ_CHECK(virtq_init(&dev->queues[0].vq, &mem, num, RAM_BASE, RAM_BASE + avail,
			      RAM_BASE + used, dev->features) == 0);
	q->vq = &dev->queues[0].vq;
	memset(writable, 0, sizeof(writable));
	writable_mark(q->vq->used, 4 + 8ULL * num + 2); /* used ring and avail_event */
	q->stopping = q->broken = false;
	q->inflight = 0;
	q->flush = NULL;

	write_checks = WRITE_CHECKS;
	while (fuzz_left(&script))
		run_op(q, &script);
	write_checks = 0; /* the last round is checked here, with the reaping after it */
	memcpy(before, ram, RAM_SIZE);
	queue_run(q);
	queue_stop(q);
	writes_check();
	FUZZ_CHECK(q->inflight == 0);
	image_check(d, index);
	return 0;
}
