// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk on plain memory and real scratch images under $ARMLET_TEST_TMP:
 * the -d spec parser, what blk_init() offers, then requests built by a tiny
 * driver in malloc'd "guest RAM" and served by the device's real queue
 * threads, for each backend (loop index: uring, aio, sync). The transport is
 * a fake that records interrupts and needs-reset. Where io_uring does not
 * work on this host, the uring runs print SKIP with the reason.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/magic.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "../../virtio/blk.h"
#include "../../virtio/blk_backend.h"
#include "../../virtio/blk_internal.h"
#include "../../vmm/log.h"
#include "../../vmm/mem.h"
#include "guest_ring.h"
#include "suites.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (4ULL << 20)

/* Queue q's rings at RAM_BASE + q * 16 KiB; headers, statuses, data above. */
#define RING_GPA(q)  (RAM_BASE + (uint64_t)(q)*0x4000)
#define DESC_GPA(q)  (RING_GPA(q) + 0x0000) /* 16 * 64 */
#define AVAIL_GPA(q) (RING_GPA(q) + 0x1000)
#define USED_GPA(q)  (RING_GPA(q) + 0x2000)
#define HDR_GPA	     (RAM_BASE + 0x20000) /* 32 bytes per slot */
#define STATUS_GPA   (RAM_BASE + 0x30000) /* 16 bytes per slot */
#define DATA_GPA     (RAM_BASE + 0x100000)
#define DATA2_GPA    (RAM_BASE + 0x200000)

#define NUM	   64
#define MAX_Q	   4
#define IMG_SIZE   (1u << 20) /* 2048 sectors */
#define IMG_SECTS  (IMG_SIZE / 512)
#define STATUS_NIL 0xee /* what a status byte holds until the device writes it */

#define R 0
#define W VIRTQ_DESC_F_WRITE

static const char *const backend_opt[] = { ",io=uring", ",io=aio", ",io=sync" };
static const char *const backend_name[] = { "uring", "aio", "sync" };

static struct guest_mem mem;
static struct blk blk;
static bool up;
static char img[4096];
static char err[512];
static int kick[MAX_Q];
static unsigned nr_q;

/* What the fake transport saw (the device calls it from its threads). */
static struct fake_transport ft;

/* The driver's side of each queue. */
static struct guest_ring drv[MAX_Q];
static unsigned drv_slot;
static unsigned ring_num; /* queue size dev_up() gives every queue: NUM unless a test says */

/* --- fixture and scratch images ---------------------------------------------------- */

static uint8_t pat(uint64_t off)
{
	return (uint8_t)(off * 131 + (off >> 9) * 7 + 1);
}

static void *hva(uint64_t gpa, uint64_t len)
{
	return guest_ram_ptr(&mem, gpa, len);
}

/* A fresh image of size bytes holding pat(). */
static void make_image_in(const char *dir, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	int fd;

	snprintf(img, sizeof(img), "%s/blk-XXXXXX", dir);
	fd = mkstemp(img);
	ck_assert_msg(fd >= 0, "mkstemp %s: %s", img, strerror(errno));
	for (size_t i = 0; i < size; i++)
		buf[i] = pat(i);
	ck_assert_int_eq(write(fd, buf, size), (ssize_t)size);
	close(fd);
	free(buf);
}

static void make_image(size_t size)
{
	const char *dir = getenv("ARMLET_TEST_TMP");

	make_image_in(dir && *dir ? dir : "/tmp", size);
}

static void setup(void)
{
	guest_ram_alloc(&mem, RAM_BASE, RAM_SIZE);
	memset(&blk, 0, sizeof(blk));
	up = false;
	img[0] = 0;
	memset(&ft, 0, sizeof(ft));
	memset(drv, 0, sizeof(drv));
	drv_slot = 0;
	ring_num = NUM;
	for (unsigned i = 0; i < MAX_Q; i++)
		kick[i] = -1;
}

static void dev_down(void)
{
	if (!up)
		return;
	blk.vdev.ops->reset(&blk.vdev);
	blk.vdev.ops->destroy(&blk.vdev);
	for (unsigned i = 0; i < MAX_Q; i++) {
		if (kick[i] >= 0)
			close(kick[i]);
		kick[i] = -1;
	}
	up = false;
}

static void teardown(void)
{
	dev_down();
	if (img[0])
		unlink(img);
	guest_ram_free(&mem);
}

/* Whether io_uring works here at all, independently of the backend under test. */
static bool uring_works(char *why, size_t len)
{
	struct io_uring ring;
	int ret = io_uring_queue_init(4, &ring, 0);

	if (ret < 0) {
		snprintf(why, len, "io_uring_queue_init: %s", strerror(-ret));
		return false;
	}
	io_uring_queue_exit(&ring);
	return true;
}

/* Backend b cannot run here: say so loudly, never pass silently. */
static bool backend_skip(int b, const char *test)
{
	char why[128];

	if (b != 0 || uring_works(why, sizeof(why)))
		return false;
	/* START_TEST names the function test_x_fn. */
	fprintf(stderr, "SKIP: virtio_blk %.*s (io=uring): %s\n", (int)(strlen(test) - 3), test,
		why);
	return true;
}

#define BACKEND_OR_SKIP()                                                                          \
	do {                                                                                       \
		if (backend_skip(_i, __func__))                                                    \
			return;                                                                    \
	} while (0)

static void ring_init(unsigned q)
{
	memset(hva(RING_GPA(q), 0x4000), 0, 0x4000);
	guest_ring_init(&drv[q], &mem, ring_num, DESC_GPA(q), AVAIL_GPA(q), USED_GPA(q),
			blk.vdev.features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX));
	ck_assert_int_eq(virtq_init(&blk.vdev.queues[q].vq, &mem, ring_num, DESC_GPA(q),
				    AVAIL_GPA(q), USED_GPA(q), blk.vdev.features),
			 0);
}

static int dev_init(const char *opts, unsigned queues)
{
	char arg[4200];
	struct blk_spec spec;

	snprintf(arg, sizeof(arg), "%s%s", img, opts);
	ck_assert_msg(blk_spec_parse(arg, &spec, err, sizeof(err)) == 0, "%s", err);
	return blk_init(&blk, &spec, queues, &mem, 0, err, sizeof(err));
}

/* The transport's part: kick eventfds, negotiation of everything, rings, DRIVER_OK. */
static void dev_activate(void)
{
	for (unsigned i = 0; i < nr_q; i++) {
		blk.vdev.queues[i].kick_fd = kick[i];
		blk.vdev.queues[i].enabled = true;
		ring_init(i);
	}
	ck_assert_int_eq(blk.vdev.ops->activate(&blk.vdev), 0);
}

static void dev_up(const char *opts, unsigned queues)
{
	int ret = dev_init(opts, queues);

	ck_assert_msg(ret == 0, "blk_init(%s): %d: %s", opts, ret, err);
	up = true;
	nr_q = queues;
	fake_transport_attach(&blk.vdev, &ft);
	blk.vdev.features = blk.vdev.host_features | VIRTIO_BIT(VIRTIO_F_VERSION_1);
	for (unsigned i = 0; i < queues; i++) {
		kick[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		ck_assert_int_ge(kick[i], 0);
	}
	dev_activate();
}

/* --- a tiny driver -------------------------------------------------------------------- */

/* Writes a chain of n buffers into queue q's table; returns its head. */
static uint16_t chain(unsigned q, const struct guest_buf *b, unsigned n)
{
	return guest_ring_chain(&drv[q], b, n);
}

static void offer(unsigned q, uint16_t head)
{
	guest_ring_offer(&drv[q], head);
}

static void kick_queue(unsigned q)
{
	ck_assert_int_eq(eventfd_write(kick[q], 1), 0);
}

static uint16_t used_idx(unsigned q)
{
	return guest_ring_used_idx(&drv[q]);
}

/* Waits for the device to have used everything offered on queue q. */
static void wait_used(unsigned q)
{
	ck_assert_msg(guest_ring_wait_used(&drv[q], drv[q].avail_idx, 20000),
		      "queue %u: used %u of %u", q, used_idx(q), drv[q].avail_idx);
}

/* A header in its own slot; returns its gpa. */
static uint64_t header(uint32_t type, uint64_t sector)
{
	uint64_t gpa = HDR_GPA + 32ULL * (drv_slot % 256);
	struct virtio_blk_outhdr h = { .type = htole32(type), .sector = htole64(sector) };

	memcpy(hva(gpa, sizeof(h)), &h, sizeof(h));
	return gpa;
}

static uint64_t status_slot(void)
{
	uint64_t gpa = STATUS_GPA + 16ULL * (drv_slot++ % 256);

	*(uint8_t *)hva(gpa, 1) = STATUS_NIL;
	return gpa;
}

#define REQ_MAX_DATA 4

/* One request's buffers: header, data, status byte (at gpa st). */
struct req_chain {
	struct guest_buf b[REQ_MAX_DATA + 2];
	unsigned n;
	uint64_t st;
};

/* Lays a request out in fresh header and status slots, its data in n buffers (or none). */
static struct req_chain req_chain_make(uint32_t type, uint64_t sector, const struct guest_buf *data,
				       unsigned n)
{
	struct req_chain r = { .n = n + 2 };

	ck_assert_uint_le(n, REQ_MAX_DATA);
	r.b[0] = (struct guest_buf){ header(type, sector), 16, R };
	memcpy(&r.b[1], data, n * sizeof(*data));
	r.st = status_slot();
	r.b[n + 1] = (struct guest_buf){ r.st, 1, W };
	return r;
}

/* Offers header, data (if len), status as one chain on q without kicking; returns the status gpa.
 */
static uint64_t queue_req(unsigned q, uint32_t type, uint64_t sector, uint64_t data, uint32_t len,
			  bool to_guest)
{
	const struct guest_buf d = { data, len, to_guest ? W : R };
	struct req_chain r = req_chain_make(type, sector, &d, len ? 1 : 0);

	offer(q, chain(q, r.b, r.n));
	return r.st;
}

/* One request, start to finish: returns the status, *used_len the used length. */
static int run_chain(unsigned q, const struct guest_buf *b, unsigned n, uint64_t status_gpa,
		     uint32_t *used_len)
{
	uint16_t head = chain(q, b, n);
	struct virtq_used_elem e;

	offer(q, head);
	kick_queue(q);
	wait_used(q);
	e = guest_ring_used(&drv[q], (uint16_t)(drv[q].avail_idx - 1));
	ck_assert_uint_eq(e.id, head);
	if (used_len)
		*used_len = e.len;
	return *(uint8_t *)hva(status_gpa, 1);
}

/* One request on queue 0 with its data in n buffers: returns the status (see run_chain()). */
static int req_data(uint32_t type, uint64_t sector, const struct guest_buf *data, unsigned n,
		    uint32_t *used_len)
{
	struct req_chain r = req_chain_make(type, sector, data, n);

	return run_chain(0, r.b, r.n, r.st, used_len);
}

static int req(uint32_t type, uint64_t sector, uint64_t data, uint32_t len, bool to_guest,
	       uint32_t *used_len)
{
	const struct guest_buf d = { data, len, to_guest ? W : R };

	return req_data(type, sector, &d, len ? 1 : 0, used_len);
}

static int req_dwz(uint32_t type, uint64_t sector, uint32_t nr, uint32_t flags)
{
	struct virtio_blk_discard_write_zeroes s = { .sector = htole64(sector),
						     .num_sectors = htole32(nr),
						     .flags = htole32(flags) };

	memcpy(hva(DATA2_GPA, sizeof(s)), &s, sizeof(s));
	return req(type, 0, DATA2_GPA, sizeof(s), false, NULL);
}

/* --- checking the image ------------------------------------------------------------- */

static void file_read(void *buf, size_t len, uint64_t off)
{
	FILE *f = fopen(img, "rb");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, (long)off, SEEK_SET), 0);
	ck_assert_uint_eq(fread(buf, 1, len, f), len);
	fclose(f);
}

/* [off, off + len) of the image holds zeroes (zero) or pat(). */
static bool file_is(uint64_t off, size_t len, bool zero)
{
	uint8_t *buf = malloc(len);
	bool ok = true;

	file_read(buf, len, off);
	for (size_t i = 0; i < len && ok; i++)
		ok = buf[i] == (zero ? 0 : pat(off + i));
	free(buf);
	return ok;
}

static bool file_untouched(void)
{
	return file_is(0, IMG_SIZE, false);
}

static void fill(uint64_t gpa, size_t len, uint8_t seed)
{
	uint8_t *p = hva(gpa, len);

	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 29 + (i >> 8));
}

static uint64_t stat_of(const uint64_t *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

/* --- spec parsing ---------------------------------------------------------------------- */

START_TEST(test_spec_good)
{
	struct blk_spec s;

	ck_assert_int_eq(blk_spec_parse("disk.img", &s, err, sizeof(err)), 0);
	ck_assert_str_eq(s.path, "disk.img");
	ck_assert(!s.ro && !s.direct && s.io == BLK_IO_AUTO);

	ck_assert_int_eq(blk_spec_parse("/var/a b.raw,ro,direct,io=aio", &s, err, sizeof(err)), 0);
	ck_assert_str_eq(s.path, "/var/a b.raw");
	ck_assert(s.ro && s.direct && s.io == BLK_IO_AIO);

	ck_assert_int_eq(blk_spec_parse("/dev/vdb,io=sync", &s, err, sizeof(err)), 0);
	ck_assert_str_eq(s.path, "/dev/vdb");
	ck_assert(!s.ro && !s.direct && s.io == BLK_IO_SYNC);

	ck_assert_int_eq(blk_spec_parse("x,io=uring,ro,ro", &s, err, sizeof(err)), 0);
	ck_assert(s.ro && s.io == BLK_IO_URING);
	ck_assert_int_eq(blk_spec_parse("direct", &s, err, sizeof(err)), 0);
	ck_assert_str_eq(s.path, "direct");
	ck_assert(!s.direct);
}
END_TEST

static const char *const bad_specs[] = {
	"",
	",ro",
	"a.img,",
	"a.img,,ro",
	"a.img,rw",
	"a.img,RO",
	"a.img,ro=1",
	"a.img,io=",
	"a.img,io=posix",
	"a.img,io=uringx",
	"a.img,io=aio,io=sync",
	"a.img,io=sync,ro,io=sync",
	"a,b.img",
};

START_TEST(test_spec_bad)
{
	struct blk_spec s;

	memset(err, 0, sizeof(err));
	ck_assert_msg(blk_spec_parse(bad_specs[_i], &s, err, sizeof(err)) == -EINVAL,
		      "'%s' accepted", bad_specs[_i]);
	ck_assert_msg(err[0] && !strchr(err, '\n'), "'%s': message '%s'", bad_specs[_i], err);
}
END_TEST

START_TEST(test_spec_messages)
{
	struct blk_spec s;
	char *long_path = malloc(PATH_MAX + 10);

	blk_spec_parse("a.img,io=aio,io=sync", &s, err, sizeof(err));
	ck_assert_ptr_nonnull(strstr(err, "twice"));
	blk_spec_parse("a.img,rw", &s, err, sizeof(err));
	ck_assert_ptr_nonnull(strstr(err, "'rw'"));
	ck_assert_ptr_nonnull(strstr(err, "','"));
	blk_spec_parse(",ro", &s, err, sizeof(err));
	ck_assert_ptr_nonnull(strstr(err, "empty path"));
	memset(long_path, 'a', PATH_MAX + 9);
	long_path[PATH_MAX + 9] = 0;
	ck_assert_int_eq(blk_spec_parse(long_path, &s, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "too long"));
	free(long_path);
}
END_TEST

/* --- init, config, features -------------------------------------------------------------- */

START_TEST(test_init_missing)
{
	struct blk_spec s;
	const char *dir = getenv("ARMLET_TEST_TMP");
	char path[4096];

	snprintf(path, sizeof(path), "%s/blk-does-not-exist", dir && *dir ? dir : "/tmp");
	ck_assert_int_eq(blk_spec_parse(path, &s, err, sizeof(err)), 0);
	ck_assert_int_eq(blk_init(&blk, &s, 1, &mem, 0, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_int_eq(blk.fd, -1);
	/* A directory is neither a file nor a block device. */
	snprintf(path, sizeof(path), "%s", dir && *dir ? dir : "/tmp");
	ck_assert_int_eq(blk_spec_parse(path, &s, err, sizeof(err)), 0);
	s.ro = true;
	ck_assert_int_lt(blk_init(&blk, &s, 1, &mem, 0, err, sizeof(err)), 0);
	ck_assert(err[0]);
}
END_TEST

START_TEST(test_init_bad_queues)
{
	make_image(IMG_SIZE);
	ck_assert_int_eq(dev_init("", 0), -EINVAL);
	ck_assert_int_eq(dev_init("", VIRTIO_MAX_QUEUES + 1), -EINVAL);
	ck_assert_int_eq(dev_init("", VIRTIO_MAX_QUEUES), 0);
	blk.vdev.ops->destroy(&blk.vdev);
}
END_TEST

START_TEST(test_config_space)
{
	const struct virtio_blk_config *c = &blk.config;
	const uint8_t *raw = (const uint8_t *)&blk.config;

	make_image(IMG_SIZE);
	ck_assert_int_eq(dev_init(",io=sync", 4), 0);
	up = true;
	ck_assert_str_eq(blk.vdev.name, "virtio-blk0");
	ck_assert_uint_eq(blk.vdev.device_id, VIRTIO_ID_BLOCK);
	ck_assert_uint_eq(blk.vdev.nr_queues, 4);
	ck_assert_ptr_eq(blk.vdev.priv, &blk);
	ck_assert_ptr_eq(blk.vdev.config, &blk.config);
	ck_assert_uint_eq(blk.vdev.config_size, 96);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_uint_eq(blk.vdev.queues[i].size_max, 256);
		ck_assert_int_eq(blk.vdev.queues[i].kick_fd, -1);
	}
	/* Byte offsets straight from virtio 1.2 §5.2.4. */
	ck_assert_uint_eq(le64toh(*(const uint64_t *)raw), IMG_SECTS);
	ck_assert_uint_eq(le32toh(c->size_max), BLK_SIZE_MAX);
	ck_assert_uint_eq(le32toh(*(const uint32_t *)(raw + 12)), 254);
	ck_assert_uint_eq(le32toh(*(const uint32_t *)(raw + 20)), 512);
	ck_assert_uint_eq(le16toh(*(const uint16_t *)(raw + 34)), 4);
	ck_assert_uint_eq(le32toh(*(const uint32_t *)(raw + 36)), BLK_DISCARD_MAX);
	ck_assert_uint_eq(le32toh(*(const uint32_t *)(raw + 40)), 1);
	ck_assert_uint_eq(le32toh(*(const uint32_t *)(raw + 44)), 1);
	ck_assert_uint_eq(le32toh(*(const uint32_t *)(raw + 48)), BLK_DISCARD_MAX);
	ck_assert_uint_eq(le32toh(*(const uint32_t *)(raw + 52)), 1);
	ck_assert_uint_eq(raw[56], 1);
	/* Geometry, topology, padding, secure erase and zoned: all zero. */
	for (unsigned i = 16; i < 20; i++)
		ck_assert_uint_eq(raw[i], 0);
	for (unsigned i = 24; i < 32; i++)
		ck_assert_uint_eq(raw[i], 0);
	ck_assert_uint_eq(raw[33], 0);
	for (unsigned i = 57; i < 96; i++)
		ck_assert_uint_eq(raw[i], 0);
	ck_assert_str_eq(blk.backend->name, "sync");
}
END_TEST

START_TEST(test_features)
{
	const uint64_t always = VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) |
				VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |
				VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) |
				VIRTIO_BIT(VIRTIO_BLK_F_MQ);
	const uint64_t wr =
	    VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES);

	make_image(IMG_SIZE);
	ck_assert_int_eq(dev_init(",io=sync", 1), 0);
	ck_assert_uint_eq(blk.vdev.host_features, always | wr);
	blk.vdev.ops->destroy(&blk.vdev);
	ck_assert_int_eq(dev_init(",ro,io=sync", 1), 0);
	ck_assert_uint_eq(blk.vdev.host_features, always | VIRTIO_BIT(VIRTIO_BLK_F_RO));
	/* Nothing the transport adds itself, nothing the device does not do. */
	ck_assert_uint_eq(blk.vdev.host_features >> 24, 0);
	blk.vdev.ops->destroy(&blk.vdev);
}
END_TEST

START_TEST(test_partial_sector)
{
	make_image(5 * 512 + 100);
	ck_assert_int_eq(dev_init(",io=sync", 1), 0);
	ck_assert_uint_eq(blk.capacity, 5);
	ck_assert_uint_eq(le64toh(blk.config.capacity), 5);
	blk.vdev.ops->destroy(&blk.vdev);
}
END_TEST

START_TEST(test_image_lock)
{
	struct blk other;

	make_image(IMG_SIZE);
	ck_assert_int_eq(dev_init(",io=sync", 1), 0);
	up = true;
	/* A second writer is refused; the message says why. */
	{
		struct blk_spec s;

		ck_assert_int_eq(blk_spec_parse(img, &s, err, sizeof(err)), 0);
		ck_assert_int_eq(blk_init(&other, &s, 1, &mem, 1, err, sizeof(err)), -EBUSY);
		ck_assert_ptr_nonnull(strstr(err, "in use"));
		s.ro = true;
		ck_assert_int_eq(blk_init(&other, &s, 1, &mem, 1, err, sizeof(err)), -EBUSY);
	}
	blk.vdev.ops->destroy(&blk.vdev);
	up = false;
	/* Readers share. */
	ck_assert_int_eq(dev_init(",ro,io=sync", 1), 0);
	{
		struct blk_spec s;

		ck_assert_int_eq(blk_spec_parse(img, &s, err, sizeof(err)), 0);
		s.ro = true;
		ck_assert_int_eq(blk_init(&other, &s, 1, &mem, 1, err, sizeof(err)), 0);
		other.vdev.ops->destroy(&other.vdev);
	}
	blk.vdev.ops->destroy(&blk.vdev);
}
END_TEST

/* blk_init() with opts picks the backend called name. */
static void backend_is(const char *opts, const char *name)
{
	ck_assert_int_eq(dev_init(opts, 2), 0);
	ck_assert_str_eq(blk.backend->name, name);
	blk.vdev.ops->destroy(&blk.vdev);
}

START_TEST(test_backend_choice)
{
	char why[128];

	make_image(IMG_SIZE);
	if (uring_works(why, sizeof(why))) {
		backend_is("", "uring");
		backend_is(",io=uring", "uring");
	} else {
		/* Asked for explicitly, io_uring's absence is an error; otherwise a fallback. */
		fprintf(stderr, "virtio_blk: io_uring unavailable here (%s): checking fallback\n",
			why);
		ck_assert_int_lt(dev_init(",io=uring", 2), 0);
		ck_assert_ptr_nonnull(strstr(err, "io=uring"));
		ck_assert_int_eq(dev_init("", 2), 0);
		ck_assert_str_ne(blk.backend->name, "uring");
		blk.vdev.ops->destroy(&blk.vdev);
	}
	backend_is(",io=aio", "aio");
}
END_TEST

/* --- requests, once per backend ------------------------------------------------------------ */

START_TEST(test_write_read)
{
	uint32_t used;
	uint8_t back[4096];

	BACKEND_OR_SKIP();
	make_image(IMG_SIZE);
	dev_up(backend_opt[_i], 1);
	fill(DATA_GPA, 4096, 0x40);
	/* Header, data in two pieces, status: the layout Linux uses. */
	{
		const struct guest_buf d[] = { { DATA_GPA, 1024, R },
					       { DATA_GPA + 1024, 3072, R } };

		ck_assert_int_eq(req_data(VIRTIO_BLK_T_OUT, 8, d, N(d), &used), VIRTIO_BLK_S_OK);
		ck_assert_uint_eq(used, 1);
	}
	file_read(back, sizeof(back), 8 * 512);
	ck_assert(!memcmp(back, hva(DATA_GPA, 4096), 4096));
	ck_assert(file_is(0, 8 * 512, false));
	ck_assert(file_is(16 * 512, IMG_SIZE - 16 * 512, false));
	/* Read it back elsewhere, in three pieces. */
	{
		const struct guest_buf d[] = {
			{ DATA2_GPA, 512, W },
			{ DATA2_GPA + 8192, 2048, W },
			{ DATA2_GPA + 4096, 1536, W },
		};

		ck_assert_int_eq(req_data(VIRTIO_BLK_T_IN, 8, d, N(d), &used), VIRTIO_BLK_S_OK);
		ck_assert_uint_eq(used, 4096 + 1);
		ck_assert(!memcmp(hva(DATA2_GPA, 512), back, 512));
		ck_assert(!memcmp(hva(DATA2_GPA + 8192, 2048), back + 512, 2048));
		ck_assert(!memcmp(hva(DATA2_GPA + 4096, 1536), back + 2560, 1536));
	}
	/* What the file held before, from the last sectors. */
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, IMG_SECTS - 2, DATA2_GPA, 1024, true, &used),
			 VIRTIO_BLK_S_OK);
	for (unsigned i = 0; i < 1024; i++)
		ck_assert_uint_eq(*(uint8_t *)hva(DATA2_GPA + i, 1), pat(IMG_SIZE - 1024 + i));
	ck_assert_uint_eq(stat_of(&blk.vdev.stats.requests), 3);
	ck_assert_uint_eq(stat_of(&blk.vdev.stats.bytes_read), 4096);
	ck_assert_uint_eq(stat_of(&blk.vdev.stats.bytes_written), 4096 + 1024);
	ck_assert_uint_eq(stat_of(&blk.vdev.stats.errors), 0);
	ck_assert_uint_gt(__atomic_load_n(&ft.notified[0], __ATOMIC_SEQ_CST), 0);
	ck_assert_uint_eq(ft.needs_reset, 0);
}
END_TEST

START_TEST(test_any_layout)
{
	/* virtio 1.2 §2.7.4.2: framing is free; header and data may share a descriptor. */
	uint8_t *p = hva(DATA_GPA, 16 + 1024);
	struct virtio_blk_outhdr h = { .type = htole32(VIRTIO_BLK_T_OUT), .sector = htole64(3) };
	uint32_t used;

	BACKEND_OR_SKIP();
	make_image(IMG_SIZE);
	dev_up(backend_opt[_i], 1);
	memcpy(p, &h, sizeof(h));
	fill(DATA_GPA + 16, 1024, 0x11);
	{
		uint64_t st = status_slot();
		const struct guest_buf b[] = { { DATA_GPA, 16 + 1024, R }, { st, 1, W } };

		ck_assert_int_eq(run_chain(0, b, N(b), st, &used), VIRTIO_BLK_S_OK);
	}
	/* Header in two pieces; data and status in one writable buffer. */
	{
		uint64_t hdr = header(VIRTIO_BLK_T_IN, 3);
		const struct guest_buf b[] = { { hdr, 10, R },
					       { hdr + 10, 6, R },
					       { DATA2_GPA, 1025, W } };

		*(uint8_t *)hva(DATA2_GPA + 1024, 1) = STATUS_NIL;
		ck_assert_int_eq(run_chain(0, b, N(b), DATA2_GPA + 1024, &used), VIRTIO_BLK_S_OK);
		ck_assert_uint_eq(used, 1025);
		ck_assert(!memcmp(hva(DATA2_GPA, 1024), p + 16, 1024));
	}
}
END_TEST

START_TEST(test_batch_and_flush)
{
	/* 14 writes, a flush, 6 more writes: one kick (62 of the 64 descriptors). */
	uint64_t st[21];
	unsigned n = 0;

	BACKEND_OR_SKIP();
	make_image(IMG_SIZE);
	dev_up(backend_opt[_i], 1);
	for (unsigned i = 0; i < 20; i++) {
		fill(DATA_GPA + 4096ULL * i, 4096, (uint8_t)i);
		if (i == 14)
			st[n++] = queue_req(0, VIRTIO_BLK_T_FLUSH, 0, 0, 0, false);
		st[n++] = queue_req(0, VIRTIO_BLK_T_OUT, 16 + 8ULL * i, DATA_GPA + 4096ULL * i,
				    4096, false);
	}
	kick_queue(0);
	wait_used(0);
	for (unsigned i = 0; i < n; i++)
		ck_assert_uint_eq(*(uint8_t *)hva(st[i], 1), VIRTIO_BLK_S_OK);
	for (unsigned i = 0; i < 20; i++) {
		uint8_t back[4096];

		file_read(back, sizeof(back), (16 + 8ULL * i) * 512);
		ck_assert(!memcmp(back, hva(DATA_GPA + 4096ULL * i, 4096), 4096));
	}
	ck_assert_uint_eq(stat_of(&blk.vdev.stats.requests), 21);
	ck_assert_uint_eq(stat_of(&blk.vdev.stats.bytes_read), 20 * 4096);
	/* A flush on its own, and with data a flush does not carry (ignored). */
	ck_assert_int_eq(req(VIRTIO_BLK_T_FLUSH, 0, 0, 0, false, NULL), VIRTIO_BLK_S_OK);
	ck_assert_int_eq(req(VIRTIO_BLK_T_FLUSH, 123, DATA_GPA, 512, false, NULL), VIRTIO_BLK_S_OK);
}
END_TEST

START_TEST(test_get_id)
{
	uint32_t used;
	char want[20] = "armlet-blk0";

	BACKEND_OR_SKIP();
	make_image(IMG_SIZE);
	dev_up(backend_opt[_i], 1);
	memset(hva(DATA_GPA, 32), 0x77, 32);
	ck_assert_int_eq(req(VIRTIO_BLK_T_GET_ID, 0, DATA_GPA, 20, true, &used), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(used, 21);
	ck_assert(!memcmp(hva(DATA_GPA, 20), want, 20));
	ck_assert_uint_eq(*(uint8_t *)hva(DATA_GPA + 20, 1), 0x77);
	/* A short buffer gets what fits. */
	memset(hva(DATA_GPA, 32), 0x77, 32);
	ck_assert_int_eq(req(VIRTIO_BLK_T_GET_ID, 0, DATA_GPA, 4, true, &used), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(used, 5);
	ck_assert(!memcmp(hva(DATA_GPA, 4), "arml", 4));
	ck_assert_uint_eq(*(uint8_t *)hva(DATA_GPA + 4, 1), 0x77);
	/* No buffer at all: OK and nothing written. */
	ck_assert_int_eq(req(VIRTIO_BLK_T_GET_ID, 0, 0, 0, true, &used), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(used, 1);
}
END_TEST

START_TEST(test_serial_index)
{
	struct blk_spec s;

	make_image(IMG_SIZE);
	ck_assert_int_eq(blk_spec_parse(img, &s, err, sizeof(err)), 0);
	s.io = BLK_IO_SYNC;
	ck_assert_int_eq(blk_init(&blk, &s, 1, &mem, 12, err, sizeof(err)), 0);
	ck_assert_str_eq(blk.name, "virtio-blk12");
	ck_assert(!memcmp(blk.serial, "armlet-blk12\0\0\0\0\0\0\0\0", 20));
	blk.vdev.ops->destroy(&blk.vdev);
}
END_TEST

START_TEST(test_discard_write_zeroes)
{
	BACKEND_OR_SKIP();
	make_image(IMG_SIZE);
	dev_up(backend_opt[_i], 1);
	ck_assert_int_eq(req_dwz(VIRTIO_BLK_T_DISCARD, 8, 8, 0), VIRTIO_BLK_S_OK);
	ck_assert(file_is(0, 8 * 512, false));
	ck_assert(file_is(8 * 512, 8 * 512, true));
	ck_assert(file_is(16 * 512, IMG_SIZE - 16 * 512, false));

	ck_assert_int_eq(req_dwz(VIRTIO_BLK_T_WRITE_ZEROES, 100, 3, 0), VIRTIO_BLK_S_OK);
	ck_assert(file_is(99 * 512, 512, false));
	ck_assert(file_is(100 * 512, 3 * 512, true));
	ck_assert(file_is(103 * 512, 512, false));
	ck_assert_int_eq(req_dwz(VIRTIO_BLK_T_WRITE_ZEROES, IMG_SECTS - 9, 9,
				 VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP),
			 VIRTIO_BLK_S_OK);
	ck_assert(file_is(IMG_SIZE - 10 * 512, 512, false));
	ck_assert(file_is(IMG_SIZE - 9 * 512, 9 * 512, true));
	/* The image keeps its size. */
	ck_assert_uint_eq(blk.capacity, IMG_SECTS);
	ck_assert_int_eq(req_dwz(VIRTIO_BLK_T_DISCARD, 0, 0, 0), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(stat_of(&blk.vdev.stats.errors), 0);
}
END_TEST

START_TEST(test_discard_refused)
{
	BACKEND_OR_SKIP();
	make_image(IMG_SIZE);
	dev_up(backend_opt[_i], 1);
	/* virtio 1.2 §5.2.6.2: unmap on a discard, or unknown flags: UNSUPP. */
	ck_assert_int_eq(req_dwz(VIRTIO_BLK_T_DISCARD, 8, 8, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP),
			 VIRTIO_BLK_S_UNSUPP);
	ck_assert_int_eq(req_dwz(VIRTIO_BLK_T_DISCARD, 8, 8, 2), VIRTIO_BLK_S_UNSUPP);
	ck_assert_int_eq(req_dwz(VIRTIO_BLK_T_WRITE_ZEROES, 8, 8, 0x80000001), VIRTIO_BLK_S_UNSUPP);
	/* Out of range, overflowing, too large. */
	ck_assert_int_eq(req_dwz(VIRTIO_BLK_T_DISCARD, IMG_SECTS - 1, 2, 0), VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(req_dwz(VIRTIO_BLK_T_DISCARD, IMG_SECTS, 1, 0), VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(req_dwz(VIRTIO_BLK_T_WRITE_ZEROES, UINT64_MAX, UINT32_MAX, 0),
			 VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(req_dwz(VIRTIO_BLK_T_WRITE_ZEROES, UINT64_MAX - 1, 2, 0),
			 VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(req_dwz(VIRTIO_BLK_T_DISCARD, 0, BLK_DISCARD_MAX + 1, 0),
			 VIRTIO_BLK_S_IOERR);
	/* max_discard_seg is 1; a partial segment is no segment. */
	{
		struct virtio_blk_discard_write_zeroes s[2] = {
			{ .sector = htole64(0), .num_sectors = htole32(1) },
			{ .sector = htole64(8), .num_sectors = htole32(1) },
		};

		memcpy(hva(DATA2_GPA, sizeof(s)), s, sizeof(s));
		ck_assert_int_eq(req(VIRTIO_BLK_T_DISCARD, 0, DATA2_GPA, sizeof(s), false, NULL),
				 VIRTIO_BLK_S_IOERR);
		ck_assert_int_eq(req(VIRTIO_BLK_T_DISCARD, 0, DATA2_GPA, 8, false, NULL),
				 VIRTIO_BLK_S_IOERR);
		ck_assert_int_eq(req(VIRTIO_BLK_T_WRITE_ZEROES, 0, 0, 0, false, NULL),
				 VIRTIO_BLK_S_IOERR);
	}
	ck_assert(file_untouched());
	ck_assert_uint_eq(stat_of(&blk.vdev.stats.errors), 11);
}
END_TEST

START_TEST(test_out_of_range)
{
	static const struct {
		uint64_t sector;
		uint32_t len;
	} bad[] = {
		{ IMG_SECTS, 512 },	  { IMG_SECTS - 1, 1024 },	 { IMG_SECTS + 1, 0 },
		{ UINT64_MAX, 512 },	  { UINT64_MAX / 512 + 1, 512 }, /* sector * 512 wraps to 0
									  */
		{ UINT64_MAX - 1, 1024 }, { 1ULL << 63, 4096 },
	};
	uint32_t used;

	BACKEND_OR_SKIP();
	make_image(IMG_SIZE);
	dev_up(backend_opt[_i], 1);
	fill(DATA_GPA, 4096, 9);
	for (unsigned i = 0; i < N(bad); i++) {
		memset(hva(DATA2_GPA, 4096), 0x5a, 4096);
		ck_assert_int_eq(
		    req(VIRTIO_BLK_T_OUT, bad[i].sector, DATA_GPA, bad[i].len, false, &used),
		    VIRTIO_BLK_S_IOERR);
		ck_assert_uint_eq(used, 1);
		ck_assert_int_eq(
		    req(VIRTIO_BLK_T_IN, bad[i].sector, DATA2_GPA, bad[i].len, true, &used),
		    VIRTIO_BLK_S_IOERR);
		ck_assert_uint_eq(used, 1);
		ck_assert_uint_eq(*(uint8_t *)hva(DATA2_GPA, 1), 0x5a);
	}
	ck_assert(file_untouched());
	/* The very last sector, and nothing at the very end, are fine. */
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, IMG_SECTS - 1, DATA2_GPA, 512, true, &used),
			 VIRTIO_BLK_S_OK);
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, IMG_SECTS, DATA2_GPA, 0, true, &used),
			 VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(used, 1);
	ck_assert_uint_eq(stat_of(&blk.vdev.stats.errors), 2 * N(bad));
}
END_TEST

START_TEST(test_read_only)
{
	uint32_t used;

	BACKEND_OR_SKIP();
	make_image(IMG_SIZE);
	{
		char opts[64];

		snprintf(opts, sizeof(opts), ",ro%s", backend_opt[_i]);
		dev_up(opts, 1);
	}
	ck_assert(blk.vdev.host_features & VIRTIO_BIT(VIRTIO_BLK_F_RO));
	fill(DATA_GPA, 4096, 3);
	ck_assert_int_eq(req(VIRTIO_BLK_T_OUT, 0, DATA_GPA, 4096, false, &used),
			 VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(used, 1);
	ck_assert_int_eq(req_dwz(VIRTIO_BLK_T_DISCARD, 0, 8, 0), VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(req_dwz(VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 0), VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(req_dwz(VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 1), VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(req(VIRTIO_BLK_T_FLUSH, 0, 0, 0, false, NULL), VIRTIO_BLK_S_OK);
	ck_assert(file_untouched());
	/* Reads work. */
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 1, DATA2_GPA, 512, true, &used), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(used, 513);
	for (unsigned i = 0; i < 512; i++)
		ck_assert_uint_eq(*(uint8_t *)hva(DATA2_GPA + i, 1), pat(512 + i));
	ck_assert_uint_eq(stat_of(&blk.vdev.stats.bytes_read), 0);
	ck_assert_uint_eq(stat_of(&blk.vdev.stats.errors), 4);
}
END_TEST

START_TEST(test_unsupported_type)
{
	static const uint32_t types[] = { 2, 3, 5, 10, 12, 14, 15, 16, 0x80000000, UINT32_MAX };
	uint32_t used;

	BACKEND_OR_SKIP();
	make_image(IMG_SIZE);
	dev_up(backend_opt[_i], 1);
	for (unsigned i = 0; i < N(types); i++) {
		ck_assert_int_eq(req(types[i], 0, DATA_GPA, 512, true, &used), VIRTIO_BLK_S_UNSUPP);
		ck_assert_uint_eq(used, 1);
	}
	ck_assert(file_untouched());
	ck_assert_uint_eq(stat_of(&blk.vdev.stats.errors), N(types));
}
END_TEST

START_TEST(test_malformed)
{
	uint32_t used;
	uint64_t h, st;

	BACKEND_OR_SKIP();
	make_image(IMG_SIZE);
	dev_up(backend_opt[_i], 1);
	/* A header shorter than 16 bytes: no status can be trusted, nothing written. */
	h = header(VIRTIO_BLK_T_OUT, 0);
	st = status_slot();
	ck_assert_int_eq(
	    run_chain(0, (struct guest_buf[]){ { h, 8, R }, { st, 1, W } }, 2, st, &used),
	    STATUS_NIL);
	ck_assert_uint_eq(used, 0);
	/* No writable byte for the status. */
	h = header(VIRTIO_BLK_T_OUT, 0);
	ck_assert_int_eq(
	    run_chain(0, (struct guest_buf[]){ { h, 16, R }, { DATA_GPA, 512, R } }, 2, st, &used),
	    STATUS_NIL);
	ck_assert_uint_eq(used, 0);
	/* Nothing but a status byte. */
	st = status_slot();
	ck_assert_int_eq(run_chain(0, (struct guest_buf[]){ { st, 1, W } }, 1, st, &used),
			 STATUS_NIL);
	ck_assert_uint_eq(used, 0);
	/* Data not a multiple of 512. */
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 0, DATA_GPA, 1000, true, NULL), VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(req(VIRTIO_BLK_T_OUT, 0, DATA_GPA, 100, false, NULL), VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(req(VIRTIO_BLK_T_OUT, 0, DATA_GPA, 513, false, NULL), VIRTIO_BLK_S_IOERR);
	ck_assert(file_untouched());
	ck_assert_uint_eq(stat_of(&blk.vdev.stats.requests), 6);
	ck_assert_uint_eq(stat_of(&blk.vdev.stats.errors), 6);
	/* The queue still works. */
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 0, DATA_GPA, 512, true, &used), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(used, 513);
	ck_assert_uint_eq(ft.needs_reset, 0);
}
END_TEST

START_TEST(test_too_many_segments)
{
	/* seg_max is 254 data segments; 255 is IOERR, 254 is fine. */
	struct guest_buf b[257];
	uint64_t st = STATUS_GPA + 0x800;
	uint32_t used;

	BACKEND_OR_SKIP();
	make_image(IMG_SIZE);
	dev_up(backend_opt[_i], 1);
	/* Indirect tables would be the honest way to get there; a 64-entry ring cannot. */
	blk.vdev.ops->reset(&blk.vdev);
	blk.vdev.features |= VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC);
	dev_activate();
	for (unsigned n = 254; n <= 255; n++) {
		uint64_t table = DATA2_GPA + 0x10000;

		b[0] = (struct guest_buf){ header(VIRTIO_BLK_T_IN, 0), 16, R };
		for (unsigned i = 0; i < n; i++)
			b[1 + i] = (struct guest_buf){ DATA_GPA + 512ULL * i, 512, W };
		b[n + 1] = (struct guest_buf){ st, 1, W };
		*(uint8_t *)hva(st, 1) = STATUS_NIL;
		for (unsigned i = 0; i < n + 2; i++)
			guest_desc_put(&mem, table, i, b[i].gpa, b[i].len,
				       b[i].flags | (i + 1 < n + 2 ? VIRTQ_DESC_F_NEXT : 0),
				       (uint16_t)(i + 1));
		ck_assert_int_eq(
		    run_chain(
			0, (struct guest_buf[]){ { table, 16 * (n + 2), VIRTQ_DESC_F_INDIRECT } },
			1, st, &used),
		    n == 254 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR);
	}
}
END_TEST

/*
 * The same head offered twice while the first request is still the
 * device's: its state (reqs[head], iov[head]) must not be overwritten. The
 * ring breaks (-EBUSY); at most the first request is answered, once.
 */
START_TEST(test_head_twice)
{
	enum log_level level = log_get_level();
	uint16_t head;
	uint64_t st;

	BACKEND_OR_SKIP();
	make_image(IMG_SIZE);
	dev_up(backend_opt[_i], 1);
	fill(DATA_GPA, 4096, 0x42);
	st = status_slot();
	head =
	    chain(0,
		  (struct guest_buf[]){
		      { header(VIRTIO_BLK_T_OUT, 8), 16, R }, { DATA_GPA, 4096, R }, { st, 1, W } },
		  3);
	log_set_level(LOG_ERROR); /* the warning is expected */
	offer(0, head);
	offer(0, head);
	kick_queue(0);
	test_wait_counter(&ft.needs_reset, 1, 10000);
	test_sleep_ms(50);
	log_set_level(level);
	ck_assert(blk.vdev.queues[0].vq.broken);
	ck_assert_uint_le(used_idx(0), 1);
	ck_assert_uint_le(stat_of(&blk.vdev.stats.requests), 1);
	/* The driver resets; the queue serves again. */
	blk.vdev.ops->reset(&blk.vdev);
	dev_activate();
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 8, DATA2_GPA, 4096, true, NULL), VIRTIO_BLK_S_OK);
}
END_TEST

START_TEST(test_descriptor_loop)
{
	uint64_t h = header(VIRTIO_BLK_T_IN, 0), st = status_slot();
	enum log_level level = log_get_level();
	uint16_t head;

	BACKEND_OR_SKIP();
	make_image(IMG_SIZE);
	dev_up(backend_opt[_i], 1);
	/* header -> data -> status -> data: the ring is broken, the device asks for a reset. */
	head =
	    chain(0, (struct guest_buf[]){ { h, 16, R }, { DATA_GPA, 512, W }, { st, 1, W } }, 3);
	{
		struct virtq_desc *d = hva(DESC_GPA(0) + 16ULL * ((head + 2) % NUM), 16);

		d->flags = htole16(W | VIRTQ_DESC_F_NEXT);
		d->next = htole16((uint16_t)((head + 1) % NUM));
	}
	log_set_level(LOG_ERROR); /* the warning is expected */
	offer(0, head);
	kick_queue(0);
	test_wait_counter(&ft.needs_reset, 1, 10000);
	ck_assert_uint_eq(ft.needs_reset, 1);
	ck_assert(blk.vdev.queues[0].vq.broken);
	ck_assert_uint_eq(used_idx(0), 0);
	/* A good request afterwards is not served: the queue is stopped until reset. */
	queue_req(0, VIRTIO_BLK_T_IN, 0, DATA_GPA, 512, true);
	kick_queue(0);
	test_sleep_ms(50);
	ck_assert_uint_eq(used_idx(0), 0);
	ck_assert_uint_eq(ft.needs_reset, 1);
	log_set_level(level);
	/* The driver resets; the queue serves again. */
	blk.vdev.ops->reset(&blk.vdev);
	dev_activate();
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 0, DATA_GPA, 512, true, NULL), VIRTIO_BLK_S_OK);
}
END_TEST

START_TEST(test_direct)
{
	uint32_t used;
	uint8_t back[8192];
	uint32_t bs;

	BACKEND_OR_SKIP();
	make_image(IMG_SIZE);
	{
		char opts[64];

		snprintf(opts, sizeof(opts), ",direct%s", backend_opt[_i]);
		dev_up(opts, 1);
	}
	bs = blk.blk_size;
	ck_assert_uint_ge(bs, 512);
	ck_assert_uint_le(bs, 4096);
	ck_assert_uint_eq(le32toh(blk.config.blk_size), bs);
	/* Aligned: straight into guest RAM. */
	fill(DATA_GPA, 8192, 0x21);
	ck_assert_int_eq(req(VIRTIO_BLK_T_OUT, 64, DATA_GPA, 8192, false, &used), VIRTIO_BLK_S_OK);
	file_read(back, sizeof(back), 64 * 512);
	ck_assert(!memcmp(back, hva(DATA_GPA, 8192), 8192));
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 64, DATA2_GPA, 8192, true, &used), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(used, 8193);
	ck_assert(!memcmp(hva(DATA2_GPA, 8192), back, 8192));
	/* Misaligned buffers: through the bounce buffer, same result. */
	fill(DATA_GPA + 8, 8192, 0x42);
	ck_assert_int_eq(req(VIRTIO_BLK_T_OUT, 128, DATA_GPA + 8, 8192, false, &used),
			 VIRTIO_BLK_S_OK);
	file_read(back, sizeof(back), 128 * 512);
	ck_assert(!memcmp(back, hva(DATA_GPA + 8, 8192), 8192));
	memset(hva(DATA2_GPA, 8200), 0, 8200);
	{
		const struct guest_buf d[] = { { DATA2_GPA + 3, 1000, W },
					       { DATA2_GPA + 4096, 8192 - 1000, W } };

		ck_assert_int_eq(req_data(VIRTIO_BLK_T_IN, 128, d, N(d), &used), VIRTIO_BLK_S_OK);
		ck_assert_uint_eq(used, 8193);
		ck_assert(!memcmp(hva(DATA2_GPA + 3, 1000), back, 1000));
		ck_assert(!memcmp(hva(DATA2_GPA + 4096, 8192 - 1000), back + 1000, 8192 - 1000));
	}
	/* Discard and flush with O_DIRECT. */
	ck_assert_int_eq(req_dwz(VIRTIO_BLK_T_WRITE_ZEROES, 128, 16, 0), VIRTIO_BLK_S_OK);
	ck_assert(file_is(128 * 512, 8192, true));
	ck_assert_int_eq(req(VIRTIO_BLK_T_FLUSH, 0, 0, 0, false, NULL), VIRTIO_BLK_S_OK);
	/* With a block size above 512, requests off its grid cannot be done. */
	if (bs > 512)
		ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 1, DATA2_GPA, bs, true, NULL),
				 VIRTIO_BLK_S_IOERR);
}
END_TEST

START_TEST(test_multiqueue)
{
	uint64_t st0, st1;

	BACKEND_OR_SKIP();
	make_image(IMG_SIZE);
	dev_up(backend_opt[_i], 3);
	fill(DATA_GPA, 1024, 0x31);
	fill(DATA_GPA + 4096, 1024, 0x32);
	st0 = queue_req(0, VIRTIO_BLK_T_OUT, 0, DATA_GPA, 1024, false);
	st1 = queue_req(2, VIRTIO_BLK_T_OUT, 2, DATA_GPA + 4096, 1024, false);
	kick_queue(2);
	kick_queue(0);
	wait_used(0);
	wait_used(2);
	ck_assert_uint_eq(*(uint8_t *)hva(st0, 1), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(*(uint8_t *)hva(st1, 1), VIRTIO_BLK_S_OK);
	ck_assert_uint_gt(__atomic_load_n(&ft.notified[2], __ATOMIC_SEQ_CST), 0);
	ck_assert_uint_eq(__atomic_load_n(&ft.notified[1], __ATOMIC_SEQ_CST), 0);
	{
		uint8_t back[2048];

		file_read(back, sizeof(back), 0);
		ck_assert(!memcmp(back, hva(DATA_GPA, 1024), 1024));
		ck_assert(!memcmp(back + 1024, hva(DATA_GPA + 4096, 1024), 1024));
	}
}
END_TEST

/*
 * A whole ring of requests posted at once: the queue never has more than
 * BLK_INFLIGHT_MAX in the backend, nor (much) more than
 * BLK_INFLIGHT_BYTES_MAX of data, and every request still completes.
 */
START_TEST(test_inflight_limit)
{
	const uint32_t big = 4u << 20; /* 4 MiB reads into the same 1 MiB, four times */
	struct guest_buf d[4];
	unsigned n = 0;
	uint64_t st[80];

	BACKEND_OR_SKIP();
	ring_num = 256; /* rings at RING_GPA(0) have room for 256 entries */
	make_image(big);
	dev_up(backend_opt[_i], 1);
	for (; n < 80; n++) /* 240 of the 256 descriptors, one kick */
		st[n] = queue_req(0, VIRTIO_BLK_T_IN, 8ULL * n, DATA_GPA, 4096, true);
	kick_queue(0);
	wait_used(0);
	for (unsigned i = 0; i < n; i++)
		ck_assert_uint_eq(*(uint8_t *)hva(st[i], 1), VIRTIO_BLK_S_OK);
	ck_assert_uint_le(blk.queues[0]->inflight_peak, BLK_INFLIGHT_MAX);
	ck_assert_uint_gt(blk.queues[0]->inflight_peak, 0);

	/* By bytes: 40 reads of 4 MiB, 6 descriptors each; at most 32 MiB / 4 MiB at once. */
	dev_down();
	dev_up(backend_opt[_i], 1);
	for (unsigned i = 0; i < 4; i++)
		d[i] = (struct guest_buf){ DATA_GPA, 1u << 20, W };
	for (n = 0; n < 40; n++) {
		struct req_chain r = req_chain_make(VIRTIO_BLK_T_IN, 0, d, 4);

		offer(0, chain(0, r.b, r.n));
		st[n] = r.st;
	}
	kick_queue(0);
	wait_used(0);
	for (unsigned i = 0; i < n; i++)
		ck_assert_uint_eq(*(uint8_t *)hva(st[i], 1), VIRTIO_BLK_S_OK);
	ck_assert_uint_le(blk.queues[0]->inflight_peak, BLK_INFLIGHT_BYTES_MAX / big);
}
END_TEST

START_TEST(test_reset_reactivate)
{
	/* 16 reads of 64 KiB with O_DIRECT: likely still in flight when reset() comes. */
	const size_t span = 16 * 65536;
	uint8_t *snap = malloc(span);
	static uint8_t ring[0x4000];

	BACKEND_OR_SKIP();
	make_image(IMG_SIZE);
	{
		char opts[64];

		snprintf(opts, sizeof(opts), ",direct%s", backend_opt[_i]);
		dev_up(opts, 1);
	}
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 0, DATA_GPA, 512, true, NULL), VIRTIO_BLK_S_OK);
	for (unsigned i = 0; i < 16; i++)
		queue_req(0, VIRTIO_BLK_T_IN, 128ULL * i, DATA_GPA + 65536ULL * i, 65536, true);
	kick_queue(0);
	/* Once the first is back, the others are likely in the kernel still. */
	for (unsigned i = 0; i < 5000 && used_idx(0) < 2; i++)
		usleep(100);
	/* When reset() returns, nothing writes into guest RAM any more. */
	blk.vdev.ops->reset(&blk.vdev);
	memcpy(snap, hva(DATA_GPA, span), span);
	memcpy(ring, hva(RING_GPA(0), sizeof(ring)), sizeof(ring));
	test_sleep_ms(20);
	ck_assert(!memcmp(snap, hva(DATA_GPA, span), span));
	ck_assert(!memcmp(ring, hva(RING_GPA(0), sizeof(ring)), sizeof(ring)));
	free(snap);
	/* The driver sets the rings up again; the queue serves as before. */
	dev_activate();
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 1, DATA_GPA, 512, true, NULL), VIRTIO_BLK_S_OK);
	for (unsigned i = 0; i < 512; i++)
		ck_assert_uint_eq(*(uint8_t *)hva(DATA_GPA + i, 1), pat(512 + i));
}
END_TEST

START_TEST(test_write_zeroes_fallback)
{
	/* tmpfs punches holes but has no FALLOC_FL_ZERO_RANGE: zeroes get written. */
	struct statfs sfs;

	if (statfs("/dev/shm", &sfs) < 0 || sfs.f_type != TMPFS_MAGIC) {
		fprintf(stderr,
			"SKIP: virtio_blk test_write_zeroes_fallback: no tmpfs at /dev/shm\n");
		return;
	}
	make_image_in("/dev/shm", IMG_SIZE);
	dev_up(",io=sync", 1);
	ck_assert_int_eq(req_dwz(VIRTIO_BLK_T_WRITE_ZEROES, 1, 200, 0), VIRTIO_BLK_S_OK);
	ck_assert(file_is(0, 512, false));
	ck_assert(file_is(512, 200 * 512, true));
	ck_assert(file_is(201 * 512, IMG_SIZE - 201 * 512, false));
	ck_assert_int_eq(
	    req_dwz(VIRTIO_BLK_T_WRITE_ZEROES, 300, 8, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP),
	    VIRTIO_BLK_S_OK);
	ck_assert(file_is(300 * 512, 8 * 512, true));
	ck_assert(file_is(308 * 512, 512, false));
}
END_TEST

/* --- the backends on their own (blk_backend.h) ------------------------------------------ */

static const struct blk_backend_ops *const backends[] = { &blk_uring_ops, &blk_aio_ops,
							  &blk_sync_ops };

struct reaped {
	unsigned n;
	uintptr_t token[16];
	int64_t res[16];
};

static void reaped_done(void *opaque, void *token, int64_t res)
{
	struct reaped *r = opaque;

	ck_assert_uint_lt(r->n, 16);
	r->token[r->n] = (uintptr_t)token;
	r->res[r->n++] = res;
}

static int64_t reaped_res(const struct reaped *r, uintptr_t token)
{
	for (unsigned i = 0; i < r->n; i++)
		if (r->token[i] == token)
			return r->res[i];
	ck_abort_msg("token %lu never completed", (unsigned long)token);
	return 0;
}

/* Reaps until n operations are back, waiting in the backend. */
static void reap_all(const struct blk_backend_ops *ops, struct blk_bq *bq, struct reaped *r,
		     unsigned n)
{
	for (unsigned tries = 0; r->n < n && tries < 1000; tries++)
		ops->reap(bq, true, reaped_done, r);
	ck_assert_uint_eq(r->n, n);
}

START_TEST(test_backend_ops)
{
	const struct blk_backend_ops *ops = backends[_i];
	uint8_t a[1024], b[512], c[4096], d[2048];
	struct iovec wr[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct iovec rd[1] = { { c, sizeof(c) } };
	struct iovec eof[1] = { { d, sizeof(d) } };
	struct reaped r = { 0 };
	struct blk_bq *bq;
	int fd;

	BACKEND_OR_SKIP();
	make_image(IMG_SIZE);
	fd = open(img, O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_msg(ops->queue_create(fd, 4, &bq, err, sizeof(err)) == 0, "%s", err);
	memset(a, 0xa1, sizeof(a));
	memset(b, 0xb2, sizeof(b));
	/* Depth 4: the fifth is refused; nothing runs before commit() or a waiting reap(). */
	ck_assert_int_eq(ops->submit_rw(bq, true, wr, 2, 8192, (void *)1), 0);
	ck_assert_int_eq(ops->submit_rw(bq, false, rd, 1, 0, (void *)2), 0);
	ck_assert_int_eq(ops->submit_rw(bq, false, eof, 1, IMG_SIZE - 1024, (void *)3), 0);
	ck_assert_int_eq(ops->submit_flush(bq, (void *)4), 0);
	ck_assert_int_eq(ops->submit_rw(bq, false, rd, 1, 0, (void *)5), -EBUSY);
	ck_assert_int_eq(ops->submit_flush(bq, (void *)5), -EBUSY);
	ck_assert(file_untouched());
	reap_all(ops, bq, &r, 4);
	ck_assert_int_eq(reaped_res(&r, 1), 1536);
	ck_assert_int_eq(reaped_res(&r, 2), 4096);
	ck_assert_int_eq(reaped_res(&r, 3), 1024); /* short at the end of the file */
	ck_assert_int_eq(reaped_res(&r, 4), 0);
	for (unsigned i = 0; i < sizeof(c); i++)
		ck_assert_uint_eq(c[i], pat(i));
	ck_assert(file_is(0, 8192, false));
	ck_assert(file_is(8192 + 1536, IMG_SIZE - 8192 - 1536, false));
	file_read(c, 1536, 8192);
	ck_assert(!memcmp(c, a, 1024) && !memcmp(c + 1024, b, 512));
	/* Room again; the completion fd says when to reap. */
	ck_assert_int_eq(ops->submit_rw(bq, false, rd, 1, 512, (void *)6), 0);
	ops->commit(bq);
	if (ops->completion_fd(bq) >= 0) {
		struct pollfd pfd = { .fd = ops->completion_fd(bq), .events = POLLIN };

		ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
	}
	r.n = 0;
	reap_all(ops, bq, &r, 1);
	ck_assert_int_eq(reaped_res(&r, 6), 4096);
	ck_assert_uint_eq(ops->reap(bq, false, reaped_done, &r), 0);
	ck_assert_uint_eq(ops->reap(bq, true, reaped_done, &r), 0); /* nothing in flight */
	ops->queue_destroy(bq);
	close(fd);
}
END_TEST

START_TEST(test_backend_errors)
{
	/* A pipe's write end has no fsync and cannot be read: -errno back, no hang. */
	const struct blk_backend_ops *ops = backends[_i];
	struct reaped r = { 0 };
	struct blk_bq *bq;
	uint8_t buf[512];
	struct iovec iov = { buf, sizeof(buf) };
	int p[2];

	BACKEND_OR_SKIP();
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_msg(ops->queue_create(p[1], 4, &bq, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(ops->submit_flush(bq, (void *)1), 0);
	ck_assert_int_eq(ops->submit_rw(bq, false, &iov, 1, 0, (void *)2), 0);
	ops->commit(bq);
	reap_all(ops, bq, &r, 2);
	ck_assert_int_lt(reaped_res(&r, 1), 0);
	ck_assert_int_lt(reaped_res(&r, 2), 0);
	ops->queue_destroy(bq);
	close(p[0]);
	close(p[1]);
}
END_TEST

START_TEST(test_image_shrank)
{
	/* The file loses its tail under the device: the read fails, nothing hangs. */
	uint32_t used;

	BACKEND_OR_SKIP();
	make_image(IMG_SIZE);
	dev_up(backend_opt[_i], 1);
	ck_assert_int_eq(truncate(img, IMG_SIZE / 2), 0);
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, IMG_SECTS - 8, DATA_GPA, 4096, true, NULL),
			 VIRTIO_BLK_S_IOERR);
	/* Half a buffer in range: a short read, then end of file. */
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, IMG_SECTS / 2 - 4, DATA_GPA, 4096, true, &used),
			 VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(used, 2048 + 1);
	/* Two buffers, the first wholly before the new end: used.len says what arrived. */
	memset(hva(DATA2_GPA, 8192), 0, 8192);
	{
		const struct guest_buf d[] = { { DATA2_GPA, 1024, W },
					       { DATA2_GPA + 4096, 3072, W } };

		ck_assert_int_eq(req_data(VIRTIO_BLK_T_IN, IMG_SECTS / 2 - 2, d, N(d), &used),
				 VIRTIO_BLK_S_IOERR);
		ck_assert_uint_eq(used, 1024 + 1);
		for (unsigned i = 0; i < 1024; i++)
			ck_assert_uint_eq(*(uint8_t *)hva(DATA2_GPA + i, 1),
					  pat(IMG_SIZE / 2 - 1024 + i));
	}
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 0, DATA_GPA, 4096, true, NULL), VIRTIO_BLK_S_OK);
}
END_TEST

/* Adds each test once per backend: the loop index picks it (0 uring, 1 aio, 2 sync). */
static void add_backend_tests(TCase *tc, const TTest *const *tests, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		tcase_add_loop_test(tc, tests[i], 0, (int)N(backend_name));
}

Suite *virtio_blk_suite(void)
{
	Suite *s = suite_create("virtio_blk");
	TCase *spec = tcase_create("spec");
	TCase *init = tcase_create("init");
	TCase *io = tcase_create("requests");
	TCase *hostile = tcase_create("hostile");
	TCase *backend = tcase_create("backend");
	TCase *all[] = { spec, init, io, hostile, backend };
	const TTest *const io_tests[] = {
		test_write_read, test_any_layout,	    test_batch_and_flush,
		test_get_id,	 test_discard_write_zeroes, test_read_only,
		test_direct,	 test_multiqueue,	    test_reset_reactivate,
	};
	const TTest *const hostile_tests[] = {
		test_out_of_range, test_discard_refused,   test_unsupported_type,
		test_malformed,	   test_too_many_segments, test_descriptor_loop,
		test_image_shrank, test_inflight_limit,	   test_head_twice,
	};
	const TTest *const backend_tests[] = { test_backend_ops, test_backend_errors };

	for (unsigned i = 0; i < N(all); i++) {
		tcase_add_checked_fixture(all[i], setup, teardown);
		tcase_set_timeout(all[i], 60); /* threads and real files, under ASan */
	}
	tcase_add_test(spec, test_spec_good);
	tcase_add_loop_test(spec, test_spec_bad, 0, N(bad_specs));
	tcase_add_test(spec, test_spec_messages);

	tcase_add_test(init, test_init_missing);
	tcase_add_test(init, test_init_bad_queues);
	tcase_add_test(init, test_config_space);
	tcase_add_test(init, test_features);
	tcase_add_test(init, test_partial_sector);
	tcase_add_test(init, test_image_lock);
	tcase_add_test(init, test_backend_choice);
	tcase_add_test(init, test_serial_index);

	add_backend_tests(io, io_tests, N(io_tests));
	tcase_add_test(io, test_write_zeroes_fallback);
	add_backend_tests(hostile, hostile_tests, N(hostile_tests));
	add_backend_tests(backend, backend_tests, N(backend_tests));
	suite_add_tcase(s, spec);
	suite_add_tcase(s, init);
	suite_add_tcase(s, io);
	suite_add_tcase(s, hostile);
	suite_add_tcase(s, backend);
	return s;
}
