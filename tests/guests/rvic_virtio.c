// SPDX-License-Identifier: GPL-2.0-only
/*
 * A device's MSI through the rVID: a virtio-blk's MSI-X vector aimed at the
 * rVID doorbell with an rVID input as its data, the input MAPped to
 * (CPU 0, INTID 50). Each completed request is then one interrupt there;
 * with the vector masked none arrives until it is unmasked (the PBA holds
 * it); after UNMAP none at all, while requests still complete. Run with
 * --irqchip=rvic -d RW (zeroes, at least 64 KiB).
 */
#include "rvic.h"
#include "virtio.h"

#define WAIT_MS	  5000
#define SETTLE_MS 50
#define IN	  20 /* an rVID input of the MSI block (msi-range: 5..68) */
#define INTID	  50

enum { ERR_UP = 1, ERR_MSIX, ERR_MAP, ERR_IO, ERR_COUNT };

static uint8_t ring_mem[0x4000] __attribute__((aligned(4096)));
static uint8_t pattern[4096] __attribute__((aligned(4096)));
static volatile uint32_t got[RVIC_NR_TOTAL];
static struct vio_dev blk;
static struct vq vq;

static void irq(struct exc_frame *frame)
{
	int intid = rvic_ack();

	(void)frame;
	if (intid < 0)
		return;
	got[intid] = got[intid] + 1;
	rvic_call(RVIC_FN(RVIC_CLEAR_MASKED), rvic_self(), (unsigned long)intid, 0, NULL);
}

/* Up to WAIT_MS for INTID's count to reach want, then SETTLE_MS: exactly want. */
static void expect_count(const char *after, uint32_t want)
{
	uint64_t deadline = deadline_ms(WAIT_MS);

	while (got[INTID] < want && !deadline_passed(deadline))
		cpu_relax();
	delay_us(SETTLE_MS * 1000);
	TEST_ASSERT(got[INTID] == want, ERR_COUNT, "after %s: %u interrupts, want %u", after,
		    got[INTID], want);
}

static void write_expect(uint64_t sector, uint32_t want)
{
	int st = vblk_rw(&blk, &vq, VBLK_T_OUT, sector, pattern, sizeof(pattern), WAIT_MS);

	TEST_ASSERT(st == VBLK_S_OK, ERR_IO, "write of sector %lu gave %d", (unsigned long)sector,
		    st);
	expect_count("a write", want);
}

int test_main(void)
{
	struct pci_fn fns[8];
	unsigned n, nr = 0;
	uintptr_t table;
	unsigned long s;
	int got;

	exception_handler_set(EXC_IRQ, irq);
	rvic_call(RVIC_FN(RVIC_ENABLE), 0, 0, 0, NULL);
	rvic_call(RVIC_FN(RVIC_CLEAR_MASKED), rvic_self(), INTID, 0, NULL);
	local_irq_enable();
	s = rvic_call(RVID_FN(RVID_MAP), IN, rvic_self(), INTID, NULL);
	TEST_ASSERT(s == 0, ERR_MAP, "MAP(%d, self, %d): %s", IN, INTID, rvic_status_name(s));

	n = pci_enumerate(fns, ARRAY_SIZE(fns));
	pci_assign_all(fns, n);
	TEST_ASSERT(vio_find(fns, n, VIRTIO_ID_BLOCK, 0, &blk) == 0, ERR_UP, "no virtio-blk");
	table = pci_msix_table(&blk.fn, &nr);
	TEST_ASSERT(table && nr >= 2, ERR_MSIX, "no MSI-X table (%u vectors)", nr);
	pci_msix_entry_set(table, 1, RVID_DOORBELL, IN, false);
	pci_msix_control(&blk.fn, true, false);
	got = vio_up_one_vec(&blk, &vq, 64, (uintptr_t)ring_mem, 1);
	TEST_ASSERT(got >= 0, ERR_UP, "blk not up");
	TEST_ASSERT(got == 1, ERR_MSIX, "queue 0 took no vector (%d)", got);
	vio_pattern_fill(pattern, sizeof(pattern));

	write_expect(0, 1);
	write_expect(8, 2);
	printf("rvic_virtio: each request's MSI-X reached cpu 0 intid %d through rVID input %d\n",
	       INTID, IN);
	/* Masked: the request completes, the interrupt waits in the PBA until unmasked. */
	pci_msix_entry_set(table, 1, RVID_DOORBELL, IN, true);
	write_expect(16, 2);
	pci_msix_entry_set(table, 1, RVID_DOORBELL, IN, false);
	expect_count("the unmask", 3);
	write_expect(24, 4);
	printf("rvic_virtio: masked vector held its MSI until unmasked\n");
	/* Unmapped: requests still complete; the input is dropped (and counted by armlet). */
	TEST_ASSERT(rvic_call(RVID_FN(RVID_UNMAP), IN, 0, 0, NULL) == 0, ERR_MAP, "UNMAP");
	write_expect(32, 4);
	printf("rvic_virtio: unmapped input dropped, the disk still works\n");
	return 0;
}
