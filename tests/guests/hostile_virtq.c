// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile virtqueues on virtio-blk: descriptor loops, indirect tables that
 * point at themselves, chains into MMIO and past RAM, huge lengths, queue
 * sizes of 0 and non-powers of two, avail idx jumps, a head offered twice,
 * rings moved while enabled, writes a read-only disk must refuse, a reset
 * with a ring of writes in flight, garbage in common and device config.
 *
 * Run with two disks: -d RW (at least 4 MiB, zeroes) -d RO,ro. Every valid
 * write carries lib's pattern ("armlet-pattern-0123456789abcdef\n" over
 * and over) to sectors [0, VALID_SECTORS); every request armlet must refuse
 * carries 0xEE bytes aimed elsewhere. The integration test (t-51) then
 * checks RW holds the pattern there and zeroes everywhere else, and RO is
 * bit-identical: only valid writes changed a backing file. After each
 * attack the device is reset and must serve a valid request again.
 */
#include "virtio.h"

#define VALID_SECTORS 2048 /* 1 MiB of pattern */
#define POISON_SECTOR 4096 /* where refused writes aim, 2 MiB in */
#define WAIT_MS	      2000
#define RAM_END	      (GUEST_RAM_BASE + testdev_ram_size())

static uint8_t ring_mem[2][0x4000] __attribute__((aligned(4096)));
static uint8_t pattern[65536] __attribute__((aligned(4096)));
static uint8_t poison[65536] __attribute__((aligned(4096)));
static uint8_t scratch[65536] __attribute__((aligned(4096)));
static struct vdesc ind_table[16] __attribute__((aligned(16)));
static struct {
	uint32_t type, reserved;
	uint64_t sector;
} hdr __attribute__((aligned(16)));
static volatile uint8_t status;

static struct vio_dev rw, ro;
static struct vq vq;
static unsigned attacks, broke;

static void pattern_fill(void)
{
	vio_pattern_fill(pattern, sizeof(pattern));
	memset(poison, 0xee, sizeof(poison));
}

static void up(const struct vio_dev *d, unsigned num)
{
	TEST_ASSERT(vio_up_one(d, &vq, num, (uintptr_t)ring_mem[0]) == 0, 1,
		    "virtio-blk did not come up with %u entries", num);
}

/* The device must serve a valid write after the attack (and a reset). */
static void still_works(const char *after)
{
	int st;

	up(&rw, 64);
	st = vblk_rw(&rw, &vq, VBLK_T_OUT, 0, pattern, 4096, WAIT_MS);
	TEST_ASSERT(st == VBLK_S_OK, 2, "after %s: a valid write gave %d", after, st);
}

/* What a refused request left: the device broke the ring, answered an error, or ignored it. */
static void outcome(const char *what, int r)
{
	const char *s = r < 0 ? "needs reset" : r == 0 ? "ignored" : "answered";

	attacks++;
	if (r < 0)
		broke++;
	printf("hostile: %s: %s (status %x)\n", what, s, vio_status(&rw));
	TEST_ASSERT(vio_reset(&rw), 3, "%s: the device did not reset", what);
	still_works(what);
}

/* A write header in hdr aimed at the poison area; status byte reset. */
static void hdr_poison(uint32_t type)
{
	hdr.type = type;
	hdr.reserved = 0;
	hdr.sector = POISON_SECTOR;
	status = 0xee;
}

/* Offers head, kicks, waits: 1 used, -1 needs reset, 0 nothing happened. */
static int post(uint16_t head, uint64_t ms)
{
	vq_offer(&vq, head);
	vq_kick(&rw, &vq);
	return vq_wait(&rw, &vq, vq.avail_idx, ms);
}

static void attack_loops(void)
{
	up(&rw, 64);
	hdr_poison(VBLK_T_OUT);
	vq_desc(&vq, 0, (uintptr_t)&hdr, 16, VQ_F_NEXT, 1);
	vq_desc(&vq, 1, (uintptr_t)poison, 512, VQ_F_NEXT, 0);
	outcome("descriptor loop 0->1->0", post(0, WAIT_MS));

	up(&rw, 64);
	vq_desc(&vq, 5, (uintptr_t)&hdr, 16, VQ_F_NEXT, 5);
	outcome("descriptor pointing at itself", post(5, WAIT_MS));

	/* An indirect table whose entry is an indirect descriptor for the table itself. */
	up(&rw, 64);
	ind_table[0] = (struct vdesc){ (uintptr_t)ind_table, sizeof(ind_table), VQ_F_INDIRECT, 0 };
	vq_desc(&vq, 0, (uintptr_t)ind_table, sizeof(ind_table), VQ_F_INDIRECT, 0);
	outcome("indirect table pointing at itself", post(0, WAIT_MS));

	/* An indirect table whose chain loops inside it. */
	up(&rw, 64);
	ind_table[0] = (struct vdesc){ (uintptr_t)&hdr, 16, VQ_F_NEXT, 1 };
	ind_table[1] = (struct vdesc){ (uintptr_t)poison, 512, VQ_F_NEXT, 0 };
	vq_desc(&vq, 0, (uintptr_t)ind_table, 2 * sizeof(struct vdesc), VQ_F_INDIRECT, 0);
	outcome("loop inside an indirect table", post(0, WAIT_MS));
}

/* A write whose data descriptor is (addr, len): header and status are fine. */
static int bad_data(uint64_t addr, uint32_t len, uint16_t flags)
{
	struct vbuf b[3] = {
		{ (uintptr_t)&hdr, 16, 0 },
		{ addr, len, flags },
		{ (uintptr_t)&status, 1, VQ_F_WRITE },
	};

	up(&rw, 64);
	hdr_poison(flags & VQ_F_WRITE ? VBLK_T_IN : VBLK_T_OUT);
	return post(vq_chain(&vq, b, 3), WAIT_MS);
}

static void attack_addresses(void)
{
	static const struct {
		const char *what;
		uint64_t addr;
		uint32_t len;
		uint16_t flags;
	} bad[] = {
		{ "write data in the UART", UART_BASE, 512, 0 },
		{ "read into the GIC distributor", 0x3fff0000, 512, VQ_F_WRITE },
		{ "read into the test device", TESTDEV_BASE, 512, VQ_F_WRITE },
		{ "write data in ECAM", PCI_ECAM_BASE, 4096, 0 },
		{ "read into the PCI window", PCI_MMIO_BASE, 4096, VQ_F_WRITE },
		{ "write data at address 0", 0, 512, 0 },
		{ "write data at 2^64 - 512", ~0ULL - 511, 512, 0 },
		{ "read of 4 GiB - 1 bytes", GUEST_RAM_BASE, 0xffffffff, VQ_F_WRITE },
		{ "write of 4 GiB - 1 bytes", GUEST_RAM_BASE, 0xffffffff, 0 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++)
		outcome(bad[i].what, bad_data(bad[i].addr, bad[i].len, bad[i].flags));
	outcome("data straddling the end of RAM", bad_data(RAM_END - 256, 4096, 0));
	outcome("data just past RAM", bad_data(RAM_END, 512, 0));
	outcome("read into the end of RAM + 1 GiB",
		bad_data(RAM_END + (1UL << 30), 512, VQ_F_WRITE));
}

/* Three 2 GiB - 1 descriptors over RAM: the chain's total overflows 32 bits. */
static void attack_lengths(void)
{
	up(&rw, 64);
	hdr_poison(VBLK_T_OUT);
	vq_desc(&vq, 0, (uintptr_t)&hdr, 16, VQ_F_NEXT, 1);
	vq_desc(&vq, 1, GUEST_RAM_BASE, 0x7fffffff, VQ_F_NEXT, 2);
	vq_desc(&vq, 2, GUEST_RAM_BASE, 0x7fffffff, VQ_F_NEXT, 3);
	vq_desc(&vq, 3, GUEST_RAM_BASE, 0x7fffffff, VQ_F_NEXT, 4);
	vq_desc(&vq, 4, (uintptr_t)&status, 1, VQ_F_WRITE, 0);
	outcome("chain of 3 x 2 GiB", post(0, WAIT_MS));

	/* Valid chains the device must refuse by content: not whole sectors, past the end. */
	outcome("write of 511 bytes", bad_data((uintptr_t)poison, 511, 0));
	{
		uint64_t cap =
		    (uint64_t)mmio_read32(rw.device) | (uint64_t)mmio_read32(rw.device + 4) << 32;
		struct vbuf b[3] = {
			{ (uintptr_t)&hdr, 16, 0 },
			{ (uintptr_t)poison, 1024, 0 },
			{ (uintptr_t)&status, 1, VQ_F_WRITE },
		};
		int r;

		up(&rw, 64);
		hdr_poison(VBLK_T_OUT);
		hdr.sector = cap - 1; /* the last sector and one past it */
		r = post(vq_chain(&vq, b, 3), WAIT_MS);
		TEST_ASSERT(r != 1 || status == VBLK_S_IOERR, 4, "write past the end: status %u",
			    status);
		outcome("write across the end of the disk", r);
		up(&rw, 64);
		hdr_poison(VBLK_T_OUT);
		hdr.sector = ~0ULL / 256; /* sector * 512 overflows */
		outcome("write at sector 2^56", post(vq_chain(&vq, b, 3), WAIT_MS));
	}
}

/* Queue sizes a driver must not set; the device refuses them or breaks. */
static void attack_sizes(void)
{
	static const uint16_t sizes[] = { 0, 3, 100, 255, 512, 1024, 0x8000, 0xffff };

	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint16_t got;
		int r;

		TEST_ASSERT(vio_negotiate(&rw, 0) == 0, 5, "negotiation failed");
		vq_layout(&vq, 64, (uintptr_t)ring_mem[0]);
		got = vq_program(&rw, &vq, 0, sizes[i], true);
		vio_status_set(&rw, VIRTIO_S_ACK | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK |
					VIRTIO_S_DRIVER_OK);
		hdr_poison(VBLK_T_OUT);
		{
			struct vbuf b[3] = {
				{ (uintptr_t)&hdr, 16, 0 },
				{ (uintptr_t)poison, 512, 0 },
				{ (uintptr_t)&status, 1, VQ_F_WRITE },
			};

			r = post(vq_chain(&vq, b, 3), 200);
		}
		printf("hostile: queue size %u (reads back %u):\n", sizes[i], got);
		outcome("that queue size", r);
	}
}

static void attack_indices(void)
{
	struct vbuf b[3] = {
		{ (uintptr_t)&hdr, 16, 0 },
		{ (uintptr_t)pattern, 512, 0 },
		{ (uintptr_t)&status, 1, VQ_F_WRITE },
	};
	uint16_t head;

	up(&rw, 64);
	hdr_poison(VBLK_T_OUT);
	vq_chain(&vq, b, 3);
	vq_avail_idx_set(&vq, 1000);
	vq_kick(&rw, &vq);
	outcome("avail idx jumps by 1000", vq_wait(&rw, &vq, 1000, WAIT_MS));

	/* The same (valid) write offered twice before the first is used. */
	up(&rw, 64);
	hdr.type = VBLK_T_OUT;
	hdr.sector = 0;
	head = vq_chain(&vq, b, 3);
	vq_offer(&vq, head);
	outcome("the same head offered twice", post(head, WAIT_MS));

	/* Notifications for queues that do not exist, and at odd offsets of the notify area. */
	up(&rw, 64);
	for (unsigned q = 0; q < 70; q++) {
		mmio_write16(rw.notify + (uintptr_t)q * rw.notify_mult, 0xffff);
		mmio_write32(rw.notify + (uintptr_t)q * rw.notify_mult, q * 0x10001);
		mmio_write8(rw.notify + (uintptr_t)q * rw.notify_mult + 1, (uint8_t)q);
	}
	outcome("notifications for queues 0..69 with garbage", 0);
}

/* Queue addresses rewritten after queue_enable (virtio 1.2 §4.1.4.3.2 forbids it). */
static void attack_moving_ring(void)
{
	struct vq moved;
	int st;

	up(&rw, 64);
	st = vblk_rw(&rw, &vq, VBLK_T_OUT, 8, pattern, 4096, WAIT_MS);
	TEST_ASSERT(st == VBLK_S_OK, 6, "write before the move: %d", st);
	vq_layout(&moved, 64, (uintptr_t)ring_mem[1]);
	vq_program(&rw, &moved, 0, 64, false); /* the addresses only, queue still enabled */
	moved.next_desc = vq.next_desc;
	/* Valid writes on both the old and the new rings: either may be served. */
	st = vblk_rw(&rw, &vq, VBLK_T_OUT, 16, pattern, 4096, 500);
	printf("hostile: write on the old ring after the move: %d\n", st);
	st = vblk_rw(&rw, &moved, VBLK_T_OUT, 24, pattern, 4096, 500);
	printf("hostile: write on the new ring after the move: %d\n", st);
	outcome("ring moved while enabled", 0);

	/* Queue select past the last queue, every field written, enabled. */
	TEST_ASSERT(vio_negotiate(&rw, 0) == 0, 7, "negotiation failed");
	for (unsigned q = vio_num_queues(&rw); q < vio_num_queues(&rw) + 3u; q++) {
		vq_layout(&moved, 64, (uintptr_t)ring_mem[1]);
		vq_program(&rw, &moved, (uint16_t)q, 64, true);
	}
	vq_program(&rw, &moved, 0xffff, 64, true);
	outcome("queues past num_queues programmed", 0);
}

/* Writes to the read-only disk are refused, whatever they look like. */
static void attack_read_only(void)
{
	int st;

	TEST_ASSERT(vio_up_one(&ro, &vq, 64, (uintptr_t)ring_mem[0]) == 0, 8, "ro disk not up");
	for (unsigned i = 0; i < 8; i++) {
		st = vblk_rw(&ro, &vq, VBLK_T_OUT, i * 8, poison, 4096, WAIT_MS);
		TEST_ASSERT(st == VBLK_S_IOERR, 9, "write %u to the ro disk: status %d", i, st);
	}
	st = vblk_rw(&ro, &vq, 13 /* WRITE_ZEROES */, 0, poison, 16, WAIT_MS);
	TEST_ASSERT(st != VBLK_S_OK, 10, "write zeroes on the ro disk: ok");
	st = vblk_rw(&ro, &vq, 11 /* DISCARD */, 0, poison, 16, WAIT_MS);
	TEST_ASSERT(st != VBLK_S_OK, 11, "discard on the ro disk: ok");
	st = vblk_rw(&ro, &vq, VBLK_T_IN, 0, scratch, 4096, WAIT_MS);
	TEST_ASSERT(st == VBLK_S_OK, 12, "read of the ro disk: status %d", st);
	printf("hostile: ro disk refused 10 writes, reads fine\n");
	vio_reset(&ro);
}

/* A ring full of valid 64 KiB writes, then a reset while they are in flight. */
static void attack_reset_in_flight(void)
{
	static uint8_t st[21];

	up(&rw, 64);
	for (unsigned i = 0; i < 21; i++) {
		struct vbuf b[3] = {
			{ (uintptr_t)&hdr, 16, 0 },
			{ (uintptr_t)pattern, sizeof(pattern), 0 },
			{ (uintptr_t)&st[i], 1, VQ_F_WRITE },
		};

		/* One header for all: every write goes to sector 0 with the same pattern. */
		hdr.type = VBLK_T_OUT;
		hdr.sector = 0;
		vq_offer(&vq, vq_chain(&vq, b, 3));
	}
	vq_kick(&rw, &vq);
	outcome("reset with 21 writes in flight", 0);
}

/* Garbage over the common and device configuration, every width and offset. */
static void attack_config(void)
{
	static const unsigned widths[] = { 1, 2, 4, 8 };

	up(&rw, 64);
	for (unsigned w = 0; w < ARRAY_SIZE(widths); w++) {
		for (unsigned off = 0; off < 0x100; off += widths[w]) {
			(void)mmio_read(rw.device + off, widths[w]);
			mmio_write(rw.device + off, widths[w], 0xa5a5a5a5a5a5a5a5ULL);
			(void)mmio_read(rw.common + off, widths[w]);
			(void)mmio_read(rw.isr + off, widths[w]);
		}
		/* The last bytes of the BAR (MSI-X PBA) and of the config window. */
		(void)mmio_read(rw.common + 0x8000 - widths[w], widths[w]);
		(void)mmio_read(rw.device + 0x1000 - widths[w], widths[w]);
		mmio_write(rw.device + 0x1000 - widths[w], widths[w], ~0ULL);
	}
	for (unsigned off = 0; off < VCOM_SIZE + 8; off += 2)
		mmio_write16(rw.common + off, 0xffff);
	outcome("garbage in common and device configuration", 0);
}

int test_main(void)
{
	struct pci_fn fns[PCI_MAX_DEVS];
	unsigned n;
	int st;

	pattern_fill();
	n = pci_enumerate(fns, ARRAY_SIZE(fns));
	pci_assign_all(fns, n);
	TEST_ASSERT(vio_find(fns, n, VIRTIO_ID_BLOCK, 0, &rw) == 0, 20, "no first virtio-blk");
	TEST_ASSERT(vio_find(fns, n, VIRTIO_ID_BLOCK, 1, &ro) == 0, 21, "no second virtio-blk");
	attack_loops();
	attack_addresses();
	attack_lengths();
	attack_sizes();
	attack_indices();
	attack_moving_ring();
	attack_read_only();
	attack_reset_in_flight();
	attack_config();

	/* The valid writes, all of them, last: what RW must hold afterwards. */
	up(&rw, 64);
	for (unsigned s = 0; s < VALID_SECTORS; s += sizeof(pattern) / 512) {
		st = vblk_rw(&rw, &vq, VBLK_T_OUT, s, pattern, sizeof(pattern), WAIT_MS);
		TEST_ASSERT(st == VBLK_S_OK, 22, "final write at %u: %d", s, st);
	}
	st = vblk_rw(&rw, &vq, VBLK_T_FLUSH, 0, NULL, 0, WAIT_MS);
	TEST_ASSERT(st == VBLK_S_OK, 23, "flush: %d", st);
	st = vblk_rw(&rw, &vq, VBLK_T_IN, POISON_SECTOR, scratch, sizeof(scratch), WAIT_MS);
	TEST_ASSERT(st == VBLK_S_OK, 24, "read back: %d", st);
	for (unsigned i = 0; i < sizeof(scratch); i++)
		TEST_ASSERT(scratch[i] == 0, 25, "a refused write landed: byte %u is %x", i,
			    scratch[i]);
	printf("hostile: %u attacks, %u broke the ring, device fine after each\n", attacks, broke);
	return 0;
}
