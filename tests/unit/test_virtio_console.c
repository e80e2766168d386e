// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-console against a tiny driver on malloc'd "guest RAM" and a fake
 * transport that only records notifications: the device's thread runs for
 * real, output goes to memfds and pipes, kicks are written to eventfds.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../virtio/console.h"
#include "../../vmm/mem.h"
#include "guest_ring.h"
#include "suites.h"

#define RAM_BASE 0x40000000ULL
#define RAM_SIZE (4ULL << 20)
/* Queue q's rings: the descriptor table, then the available and used rings. */
#define RING_GPA(q) (RAM_BASE + 0x10000ULL * (q))
#define BUF_GPA	    (RAM_BASE + 0x100000) /* data buffers: 3 MiB */

#define RXQ	 VIRTIO_CONSOLE_RXQ
#define TXQ	 VIRTIO_CONSOLE_TXQ
#define F_EVENT	 (1ULL << VIRTIO_F_EVENT_IDX)
#define WAIT_MS	 2000
#define CFG_EMRG 8 /* offsetof(struct virtio_console_config, emerg_wr) */

/* --- a tiny driver --------------------------------------------------------- */

static struct guest_mem mem;
static struct virtio_console con;
static struct guest_ring drv[2];
static struct fake_transport ft;
static bool active;
static int out_fd = -1, log_fd = -1;

static void *hva(uint64_t gpa, uint64_t len)
{
	return guest_ram_ptr(&mem, gpa, len);
}

static struct virtq_used *used_ring(unsigned q)
{
	return hva(drv[q].used, 4 + 8ULL * drv[q].num);
}

static uint16_t used_idx(unsigned q)
{
	return guest_ring_used_idx(&drv[q]);
}

static uint32_t used_len(unsigned q, uint16_t i)
{
	return guest_ring_used(&drv[q], i).len;
}

static uint32_t used_id(unsigned q, uint16_t i)
{
	return guest_ring_used(&drv[q], i).id;
}

/* Writes a chain into the descriptor table and offers it; returns its head. */
static uint16_t post(unsigned q, const struct guest_buf *s, unsigned n)
{
	return guest_ring_post(&drv[q], s, n);
}

/* Offers a raw head, valid or not. */
static void post_head(unsigned q, uint16_t head)
{
	guest_ring_offer(&drv[q], head);
}

/* Copies s into guest RAM at gpa and returns the readable segment. */
static struct guest_buf rseg(uint64_t gpa, const char *s)
{
	memcpy(hva(gpa, strlen(s)), s, strlen(s));
	return (struct guest_buf){ gpa, (uint32_t)strlen(s), 0 };
}

static void kick(unsigned q)
{
	ck_assert_int_eq(eventfd_write(con.vdev.queues[q].kick_fd, 1), 0);
}

/*
 * Kicks queue q only if the device asks for it now that avail->idx moved on
 * from old (virtio 1.2 §2.7.10), as Linux does: a device that forgets to
 * re-enable notifications before it sleeps stalls the test.
 */
static void kick_if_wanted(unsigned q, uint16_t old)
{
	if (guest_ring_kick_wanted(&drv[q], old))
		kick(q);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Waits up to WAIT_MS for used->idx of queue q to reach idx. */
static bool wait_used(unsigned q, uint16_t idx)
{
	return guest_ring_wait_used(&drv[q], idx, WAIT_MS);
}

static bool wait_counter(unsigned *counter, unsigned want)
{
	return test_wait_counter(counter, want, WAIT_MS);
}

/* Sets queue q up as the transport would at DRIVER_OK: a fresh ring, zeroed. */
static void queue_setup(unsigned q, uint64_t features)
{
	struct guest_ring *d = &drv[q];

	guest_ring_init(d, &mem, VIRTIO_CONSOLE_QUEUE_SIZE, RING_GPA(q), RING_GPA(q) + 0x1000,
			RING_GPA(q) + 0x2000, features & F_EVENT);
	memset(hva(RING_GPA(q), 0x10000), 0, 0x10000);
	ck_assert_int_eq(
	    virtq_init(&con.vdev.queues[q].vq, &mem, d->num, d->desc, d->avail, d->used, features),
	    0);
	con.vdev.queues[q].enabled = true;
}

static void start(uint64_t features)
{
	con.vdev.features = features;
	queue_setup(RXQ, features);
	queue_setup(TXQ, features);
	ck_assert_int_eq(con.vdev.ops->activate(&con.vdev), 0);
	active = true;
}

static void stop(void)
{
	con.vdev.ops->reset(&con.vdev);
	active = false;
}

/* What fd (a memfd) holds, NUL-terminated in buf. */
static size_t slurp(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	ck_assert_int_ge(n, 0);
	buf[n] = 0;
	return (size_t)n;
}

static void output_is(int fd, const char *want)
{
	static char buf[4096];

	slurp(fd, buf, sizeof(buf));
	ck_assert_str_eq(buf, want);
}

static int new_memfd(void)
{
	int fd = memfd_create("console-out", MFD_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	return fd;
}

static void setup(void)
{
	char err[256];

	guest_ram_alloc(&mem, RAM_BASE, RAM_SIZE);
	active = false;
	out_fd = new_memfd();
	log_fd = new_memfd();
	ck_assert_int_eq(virtio_console_init(&con, out_fd, log_fd, &mem, err, sizeof(err)), 0);
	fake_transport_attach(&con.vdev, &ft);
	for (unsigned q = 0; q < 2; q++) {
		con.vdev.queues[q].kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		ck_assert_int_ge(con.vdev.queues[q].kick_fd, 0);
	}
}

static void teardown(void)
{
	if (active)
		stop();
	con.vdev.ops->destroy(&con.vdev);
	for (unsigned q = 0; q < 2; q++)
		close(con.vdev.queues[q].kick_fd);
	close(out_fd);
	if (log_fd >= 0)
		close(log_fd);
	guest_ram_free(&mem);
}

/* --- the device as the transport sees it ------------------------------------ */

START_TEST(test_init)
{
	struct virtio_dev *dev = &con.vdev;
	const struct virtio_console_config *cfg = dev->config;

	ck_assert_uint_eq(dev->device_id, VIRTIO_ID_CONSOLE);
	ck_assert_str_eq(dev->name, "virtio-console");
	ck_assert_uint_eq(dev->nr_queues, 2);
	ck_assert_uint_eq(dev->queues[RXQ].size_max, 128);
	ck_assert_uint_eq(dev->queues[TXQ].size_max, 128);
	/* EMERG_WRITE only: no SIZE (we do not track a window), no MULTIPORT. */
	ck_assert_uint_eq(dev->host_features, 1ULL << VIRTIO_CONSOLE_F_EMERG_WRITE);
	ck_assert_ptr_eq(dev->mem, &mem);
	ck_assert_ptr_eq(dev->priv, &con);
	ck_assert_uint_eq(dev->config_size, 12);
	ck_assert_uint_eq(le16toh(cfg->cols), 0);
	ck_assert_uint_eq(le16toh(cfg->rows), 0);
	ck_assert_uint_eq(le32toh(cfg->max_nr_ports), 1);
	ck_assert_uint_eq(cfg->emerg_wr, 0);
	ck_assert_ptr_nonnull(dev->ops->activate);
	ck_assert_ptr_nonnull(dev->ops->reset);
	ck_assert_ptr_nonnull(dev->ops->config_write);
}
END_TEST

/* --- output ----------------------------------------------------------------- */

/* _i: 0 plain rings, 1 EVENT_IDX. */
START_TEST(test_tx_in_order)
{
	struct guest_buf a[] = { rseg(BUF_GPA, "hello, ") };
	struct guest_buf b[] = { rseg(BUF_GPA + 0x100, "wor"), rseg(BUF_GPA + 0x200, "ld") };
	struct guest_buf c[] = { rseg(BUF_GPA + 0x300, "!\n") };
	struct guest_buf d[] = { rseg(BUF_GPA + 0x400, "bye\n") };
	uint16_t heads[3];

	start(_i ? F_EVENT : 0);
	heads[0] = post(TXQ, a, 1);
	heads[1] = post(TXQ, b, 2);
	heads[2] = post(TXQ, c, 1);
	kick(TXQ);
	ck_assert(wait_used(TXQ, 3));
	output_is(out_fd, "hello, world!\n");
	output_is(log_fd, "hello, world!\n");
	for (uint16_t i = 0; i < 3; i++) {
		ck_assert_uint_eq(used_id(TXQ, i), heads[i]);
		ck_assert_uint_eq(used_len(TXQ, i), 0);
	}
	ck_assert_uint_ge(__atomic_load_n(&ft.notified[TXQ], __ATOMIC_SEQ_CST), 1);

	/* The thread went back to sleep and wakes for the next kick. */
	post(TXQ, d, 1);
	kick(TXQ);
	ck_assert(wait_used(TXQ, 4));
	output_is(out_fd, "hello, world!\nbye\n");
	output_is(log_fd, "hello, world!\nbye\n");
	ck_assert_uint_eq(con.vdev.stats.bytes_read, 18);
	ck_assert_uint_eq(con.vdev.stats.requests, 4);
	ck_assert_uint_eq(ft.needs_reset, 0);
}
END_TEST

START_TEST(test_tx_many)
{
	static char want[4096];
	size_t len = 0;
	uint16_t total = 0;

	start(_i ? F_EVENT : 0);
	/*
	 * Rounds of 100 one-descriptor chains wrap a 128-entry ring several
	 * times; the driver kicks only when the device asks for it.
	 */
	for (unsigned round = 0; round < 8; round++) {
		for (unsigned k = 0; k < 100; k++) {
			char s[8];
			struct guest_buf seg;
			uint16_t old = drv[TXQ].avail_idx;

			snprintf(s, sizeof(s), "%u.%02u ", round, k);
			seg = rseg(BUF_GPA + 16ULL * (round * 100 + k), s);
			post(TXQ, &seg, 1);
			kick_if_wanted(TXQ, old);
			memcpy(want + len, s, strlen(s));
			len += strlen(s);
			total++;
		}
		ck_assert_msg(wait_used(TXQ, total), "round %u: used %u of %u", round,
			      used_idx(TXQ), total);
	}
	want[len] = 0;
	output_is(out_fd, want);
}
END_TEST

START_TEST(test_tx_before_kick)
{
	struct guest_buf a[] = { rseg(BUF_GPA, "early") };

	/* Posted before DRIVER_OK, never kicked: the thread drains before it waits. */
	con.vdev.features = 0;
	queue_setup(RXQ, 0);
	queue_setup(TXQ, 0);
	post(TXQ, a, 1);
	ck_assert_int_eq(con.vdev.ops->activate(&con.vdev), 0);
	active = true;
	ck_assert(wait_used(TXQ, 1));
	output_is(out_fd, "early");
}
END_TEST

START_TEST(test_tx_writable_ignored)
{
	struct guest_buf a[] = { rseg(BUF_GPA, "abc"),
				 { BUF_GPA + 0x100, 64, VIRTQ_DESC_F_WRITE } };
	uint8_t *w = hva(BUF_GPA + 0x100, 64);

	memset(w, 0x5a, 64);
	start(0);
	post(TXQ, a, 2);
	kick(TXQ);
	ck_assert(wait_used(TXQ, 1));
	ck_assert_uint_eq(used_len(TXQ, 0), 0);
	for (unsigned i = 0; i < 64; i++)
		ck_assert_uint_eq(w[i], 0x5a);
	output_is(out_fd, "abc");
}
END_TEST

START_TEST(test_tx_cap)
{
	/* Three descriptors aliasing one 512 KiB buffer: 1.5 MiB of output asked for. */
	const uint32_t len = 512 << 10;
	struct guest_buf a[] = { { BUF_GPA, len, 0 }, { BUF_GPA, len, 0 }, { BUF_GPA, len, 0 } };
	struct stat st;

	memset(hva(BUF_GPA, len), 'x', len);
	start(0);
	post(TXQ, a, 3);
	kick(TXQ);
	ck_assert(wait_used(TXQ, 1));
	ck_assert_int_eq(fstat(out_fd, &st), 0);
	ck_assert_int_eq(st.st_size, 1 << 20);
	ck_assert_int_eq(fstat(log_fd, &st), 0);
	ck_assert_int_eq(st.st_size, 1 << 20);
	ck_assert_uint_eq(con.vdev.stats.bytes_read, 1 << 20);
}
END_TEST

/* Console output goes into a new pipe from here on: p[1] is the device's end. */
static void out_to_pipe(int p[2])
{
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	close(out_fd);
	out_fd = p[1];
	con.out_fd = p[1];
}

START_TEST(test_tx_epipe)
{
	struct guest_buf a[] = { rseg(BUF_GPA, "lost ") };
	struct guest_buf b[] = { rseg(BUF_GPA + 0x100, "and logged") };
	int p[2];

	/* Nobody reads the console any more: output is dropped, the guest goes on. */
	out_to_pipe(p);
	close(p[0]);
	start(0);
	post(TXQ, a, 1);
	post(TXQ, b, 1);
	kick(TXQ);
	ck_assert(wait_used(TXQ, 2));
	output_is(log_fd, "lost and logged");
	ck_assert_uint_eq(ft.needs_reset, 0);
}
END_TEST

/* Fills the pipe behind fd w until a write would block; fd stays blocking. */
static void fill_pipe(int w)
{
	static char junk[4096];
	int flags = fcntl(w, F_GETFL);

	ck_assert_int_eq(fcntl(w, F_SETFL, flags | O_NONBLOCK), 0);
	while (write(w, junk, sizeof(junk)) > 0)
		;
	while (write(w, junk, 1) > 0)
		;
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(fcntl(w, F_SETFL, flags), 0);
}

/* Transmits s into a pipe p whose reader has not read yet, and which is full. */
static void tx_stalled(int p[2], const char *s)
{
	struct guest_buf a[] = { rseg(BUF_GPA, s) };

	out_to_pipe(p);
	fill_pipe(p[1]);
	start(0);
	post(TXQ, a, 1);
	kick(TXQ);
}

START_TEST(test_tx_flow_control)
{
	char buf[4096], last[6] = { 0 };
	int p[2];
	ssize_t n;

	tx_stalled(p, "tail!");
	/* Not completed while the reader lags: the output is not in the fd yet. */
	test_sleep_ms(100);
	ck_assert_uint_eq(used_idx(TXQ), 0);
	ck_assert_int_eq(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	for (unsigned ms = 0; ms < WAIT_MS && used_idx(TXQ) == 0; ms++) {
		while ((n = read(p[0], buf, sizeof(buf))) > 0)
			if (n >= 5)
				memcpy(last, buf + n - 5, 5);
		test_sleep_ms(1);
	}
	ck_assert_uint_eq(used_idx(TXQ), 1);
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		if (n >= 5)
			memcpy(last, buf + n - 5, 5);
	ck_assert_str_eq(last, "tail!");
	close(p[0]);
}
END_TEST

START_TEST(test_tx_stalled_reset)
{
	uint64_t t0;
	int p[2];

	/* A reader that never reads must not hang reset() (a vCPU, or teardown). */
	tx_stalled(p, "never read");
	test_sleep_ms(50);
	t0 = now_ms();
	stop();
	ck_assert_uint_lt(now_ms() - t0, WAIT_MS);
	/* Abandoned, not completed: nothing was written. */
	ck_assert_uint_eq(used_idx(TXQ), 0);
	close(p[0]);
}
END_TEST

START_TEST(test_tx_broken_ring)
{
	start(0);
	post_head(TXQ, 200); /* head >= num */
	kick(TXQ);
	ck_assert(wait_counter(&ft.needs_reset, 1));
	ck_assert_uint_eq(used_idx(TXQ), 0);
	/* The thread stopped using the queue; reset still joins it. */
	stop();
	ck_assert_uint_eq(ft.needs_reset, 1);
}
END_TEST

START_TEST(test_reset_reactivate)
{
	struct guest_buf a[] = { rseg(BUF_GPA, "one ") };
	struct guest_buf b[] = { rseg(BUF_GPA + 0x100, "two") };

	start(0);
	post(TXQ, a, 1);
	kick(TXQ);
	ck_assert(wait_used(TXQ, 1));
	stop();
	/*
	 * The driver resets and brings the device up again on fresh rings;
	 * the new thread must sleep and wake like the first one did.
	 */
	start(F_EVENT);
	test_sleep_ms(50);
	post(TXQ, b, 1);
	kick(TXQ);
	ck_assert(wait_used(TXQ, 1));
	output_is(out_fd, "one two");
}
END_TEST

/* --- emergency write ----------------------------------------------------------- */

START_TEST(test_emerg_write)
{
	const struct virtio_console_config before = con.config;

	/* Works before DRIVER_OK: that is the point of it. */
	con.vdev.ops->config_write(&con.vdev, CFG_EMRG, 4, 0x100 | 'O');
	con.vdev.ops->config_write(&con.vdev, CFG_EMRG, 1, 'K');
	/* Read-only fields stay as they are and print nothing. */
	con.vdev.ops->config_write(&con.vdev, 0, 2, 'X');
	con.vdev.ops->config_write(&con.vdev, 4, 4, 'Y');
	con.vdev.ops->config_write(&con.vdev, CFG_EMRG + 1, 1, 'Z');
	ck_assert_mem_eq(&con.config, &before, sizeof(before));
	output_is(out_fd, "OK");
	output_is(log_fd, "OK");
	ck_assert_uint_eq(con.config.emerg_wr, 0);
}
END_TEST

/* --- input ------------------------------------------------------------------ */

static struct guest_buf wseg(uint64_t gpa, uint32_t len)
{
	memset(hva(gpa, len), 0xee, len);
	return (struct guest_buf){ gpa, len, VIRTQ_DESC_F_WRITE };
}

START_TEST(test_rx_input)
{
	struct guest_buf a[] = { wseg(BUF_GPA, 4) };
	struct guest_buf b[] = { wseg(BUF_GPA + 0x100, 4) };
	struct guest_buf c[] = { wseg(BUF_GPA + 0x200, 16) };
	const uint8_t *in = (const uint8_t *)"abcdefghij";

	/* Before DRIVER_OK there is nowhere to put input. */
	ck_assert_uint_eq(virtio_console_input(&con, in, 10), 0);
	start(_i ? F_EVENT : 0);
	/* Nobody listens for receive kicks: the driver is told not to send them. */
	if (!_i)
		ck_assert_uint_eq(le16toh(used_ring(RXQ)->flags), VIRTQ_USED_F_NO_NOTIFY);
	/* No receive buffers yet. */
	ck_assert_uint_eq(virtio_console_input(&con, in, 10), 0);
	ck_assert_uint_eq(used_idx(RXQ), 0);
	post(RXQ, a, 1);
	post(RXQ, b, 1);
	ck_assert_uint_eq(virtio_console_input(&con, in, 10), 8);
	ck_assert_uint_eq(used_idx(RXQ), 2);
	ck_assert_uint_eq(used_len(RXQ, 0), 4);
	ck_assert_uint_eq(used_len(RXQ, 1), 4);
	ck_assert_mem_eq(hva(BUF_GPA, 4), "abcd", 4);
	ck_assert_mem_eq(hva(BUF_GPA + 0x100, 4), "efgh", 4);
	ck_assert_uint_eq(ft.notified[RXQ], 1);
	/* The rest waits for the driver. */
	ck_assert_uint_eq(virtio_console_input(&con, in + 8, 2), 0);
	post(RXQ, c, 1);
	ck_assert_uint_eq(virtio_console_input(&con, in + 8, 2), 2);
	ck_assert_uint_eq(used_len(RXQ, 2), 2);
	ck_assert_mem_eq(hva(BUF_GPA + 0x200, 3), "ij\xee", 3);
	ck_assert_uint_eq(con.vdev.stats.bytes_written, 10);
	/* Nothing to give takes no buffer. */
	post(RXQ, a, 1);
	ck_assert_uint_eq(virtio_console_input(&con, in, 0), 0);
	ck_assert_uint_eq(used_idx(RXQ), 3);
	ck_assert_uint_eq(ft.needs_reset, 0);
}
END_TEST

START_TEST(test_rx_odd_chains)
{
	struct guest_buf ro[] = { rseg(BUF_GPA, "keep") };
	struct guest_buf rw[] = { rseg(BUF_GPA + 0x100, "mine"), wseg(BUF_GPA + 0x200, 2),
				  wseg(BUF_GPA + 0x300, 8) };

	start(0);
	/* Read-only: returned empty, takes nothing. Mixed: only the writable part is ours. */
	post(RXQ, ro, 1);
	post(RXQ, rw, 3);
	ck_assert_uint_eq(virtio_console_input(&con, (const uint8_t *)"hello", 5), 5);
	ck_assert_uint_eq(used_idx(RXQ), 2);
	ck_assert_uint_eq(used_len(RXQ, 0), 0);
	ck_assert_uint_eq(used_len(RXQ, 1), 5);
	ck_assert_mem_eq(hva(BUF_GPA, 4), "keep", 4);
	ck_assert_mem_eq(hva(BUF_GPA + 0x100, 4), "mine", 4);
	ck_assert_mem_eq(hva(BUF_GPA + 0x200, 2), "he", 2);
	ck_assert_mem_eq(hva(BUF_GPA + 0x300, 4), "llo\xee", 4);
}
END_TEST

START_TEST(test_rx_after_reset)
{
	struct guest_buf a[] = { wseg(BUF_GPA, 4) };

	start(0);
	post(RXQ, a, 1);
	stop();
	ck_assert_uint_eq(virtio_console_input(&con, (const uint8_t *)"x", 1), 0);
	ck_assert_uint_eq(used_idx(RXQ), 0);
}
END_TEST

START_TEST(test_rx_broken_ring)
{
	struct guest_buf a[] = { wseg(BUF_GPA, 4) };

	start(0);
	post(RXQ, a, 1);
	post_head(RXQ, 128);
	/* The good chain is delivered, the bad head breaks the ring once. */
	ck_assert_uint_eq(virtio_console_input(&con, (const uint8_t *)"abcdef", 6), 4);
	ck_assert_uint_eq(ft.needs_reset, 1);
	ck_assert_uint_eq(virtio_console_input(&con, (const uint8_t *)"ef", 2), 0);
	ck_assert_uint_eq(ft.needs_reset, 1);
	ck_assert_uint_eq(used_idx(RXQ), 1);
}
END_TEST

static bool race_done;
static size_t race_taken;

static void *race_input(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&race_done, __ATOMIC_ACQUIRE))
		race_taken += virtio_console_input(&con, (const uint8_t *)"z", 1);
	return NULL;
}

START_TEST(test_rx_reset_race)
{
	pthread_t th;

	/* The main loop feeds input while a vCPU resets and restarts the device. */
	race_done = false;
	race_taken = 0;
	ck_assert_int_eq(pthread_create(&th, NULL, race_input, NULL), 0);
	for (unsigned k = 0; k < 50; k++) {
		struct guest_buf a[] = { wseg(BUF_GPA + 0x100 * (k % 16), 1) };

		start(0);
		post(RXQ, a, 1);
		test_sleep_ms(1);
		stop();
	}
	__atomic_store_n(&race_done, true, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	ck_assert_uint_le(race_taken, 50);
	ck_assert_uint_eq(con.vdev.stats.bytes_written, race_taken);
	ck_assert_uint_eq(ft.needs_reset, 0);
}
END_TEST

Suite *virtio_console_suite(void)
{
	Suite *s = suite_create("virtio_console");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_init);
	tcase_add_loop_test(tc, test_tx_in_order, 0, 2);
	tcase_add_loop_test(tc, test_tx_many, 0, 2);
	tcase_add_test(tc, test_tx_before_kick);
	tcase_add_test(tc, test_tx_writable_ignored);
	tcase_add_test(tc, test_tx_cap);
	tcase_add_test(tc, test_tx_epipe);
	tcase_add_test(tc, test_tx_flow_control);
	tcase_add_test(tc, test_tx_stalled_reset);
	tcase_add_test(tc, test_tx_broken_ring);
	tcase_add_test(tc, test_reset_reactivate);
	tcase_add_test(tc, test_emerg_write);
	tcase_add_loop_test(tc, test_rx_input, 0, 2);
	tcase_add_test(tc, test_rx_odd_chains);
	tcase_add_test(tc, test_rx_after_reset);
	tcase_add_test(tc, test_rx_broken_ring);
	tcase_add_test(tc, test_rx_reset_race);
	suite_add_tcase(s, tc);
	return s;
}
