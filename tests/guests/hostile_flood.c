// SPDX-License-Identifier: GPL-2.0-only
/*
 * Resource limits: 4 vCPUs each keep one virtio-blk queue full (256
 * entries: 85 reads of 1 MiB at once, one kick) for ROUNDS rounds, so the
 * device always has a whole ring per queue to take. armlet must take them
 * a bounded number at a time (virtio/blk_internal.h BLK_INFLIGHT_*) with
 * a bounded number of threads, and complete every one. Run with -c 4 -d
 * DISK,ro (at least 1 GiB, sparse is fine); t-54 samples armlet's threads
 * and memory meanwhile and prints the figures.
 */
#include "virtio.h"

#define NR_CPUS	 4
#define NUM	 256
#define PER_RING (NUM / 3) /* header, data, status */
#define SEG	 (1u << 20)
#define ROUNDS	 2

static uint8_t ring_mem[NR_CPUS][0x4000] __attribute__((aligned(4096)));
static uint8_t buf[NR_CPUS][SEG] __attribute__((aligned(4096)));
static struct vq vqs[NR_CPUS];
static struct vio_dev blk;
static volatile uint32_t done[NR_CPUS], failed[NR_CPUS];
static volatile uint32_t go;

/* One ring's worth of 1 MiB reads on queue cpu, kicked once; waits for all of them. */
static int flood_round(unsigned cpu, unsigned round)
{
	struct vq *vq = &vqs[cpu];
	uint16_t slots[PER_RING];

	for (unsigned i = 0; i < PER_RING; i++) {
		unsigned slot = slots[i] = (uint16_t)(vq->next_desc % NUM);
		volatile uint32_t *hdr = (volatile uint32_t *)(vq->reqs + 16 * slot);
		volatile uint8_t *st = vq->reqs + 16 * NUM + slot;
		uint64_t sector = ((uint64_t)(cpu * ROUNDS + round) * PER_RING + i) * (SEG / 512);
		struct vbuf b[3] = {
			{ (uintptr_t)hdr, 16, 0 },
			{ (uintptr_t)buf[cpu], SEG, VQ_F_WRITE },
			{ (uintptr_t)st, 1, VQ_F_WRITE },
		};

		hdr[0] = VBLK_T_IN;
		hdr[1] = 0;
		hdr[2] = (uint32_t)sector;
		hdr[3] = (uint32_t)(sector >> 32);
		*st = 0xee;
		vq_offer(vq, vq_chain(vq, b, 3));
	}
	vq_kick(&blk, vq);
	if (vq_wait(&blk, vq, vq->avail_idx, 120000) != 1)
		return -1;
	for (unsigned i = 0; i < PER_RING; i++)
		if (vq->reqs[16 * NUM + slots[i]] != VBLK_S_OK)
			return -2;
	return 0;
}

static void flooder(unsigned cpu)
{
	while (!smp_load_acquire(&go))
		cpu_relax();
	for (unsigned r = 0; r < ROUNDS; r++)
		if (flood_round(cpu, r))
			failed[cpu] = r + 1;
	smp_flag_set(&done[cpu], 1);
}

int test_main(void)
{
	struct pci_fn fns[PCI_MAX_DEVS];
	uint64_t t0, ticks;
	unsigned n;

	TEST_ASSERT(testdev_nr_cpus() >= NR_CPUS, 1, "needs %u CPUs", NR_CPUS);
	n = pci_enumerate(fns, ARRAY_SIZE(fns));
	pci_assign_all(fns, n);
	TEST_ASSERT(vio_find(fns, n, VIRTIO_ID_BLOCK, 0, &blk) == 0, 2, "no virtio-blk");
	TEST_ASSERT(vio_num_queues(&blk) >= NR_CPUS, 3, "%u queues", vio_num_queues(&blk));
	TEST_ASSERT(vio_negotiate(&blk, 0) == 0, 4, "negotiation failed");
	for (unsigned q = 0; q < NR_CPUS; q++) {
		vq_layout(&vqs[q], NUM, (uintptr_t)ring_mem[q]);
		TEST_ASSERT(vq_program(&blk, &vqs[q], (uint16_t)q, NUM, true) == NUM, 5,
			    "queue %u refused %u entries", q, NUM);
	}
	vio_status_set(&blk,
		       VIRTIO_S_ACK | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK | VIRTIO_S_DRIVER_OK);
	for (unsigned c = 1; c < NR_CPUS; c++)
		TEST_ASSERT(cpu_on(c, flooder) == PSCI_RET_SUCCESS, 6, "CPU_ON %u failed", c);
	t0 = counter_read();
	smp_flag_set(&go, 1);
	flooder(0);
	for (unsigned c = 0; c < NR_CPUS; c++) {
		TEST_ASSERT(smp_flag_wait(&done[c], 1, 300000), 7, "CPU %u never finished", c);
		TEST_ASSERT(!failed[c], 8, "CPU %u: round %u failed", c, failed[c] - 1);
	}
	ticks = counter_read() - t0;
	printf("hostile: %u MiB read through 4 full rings in %lu ms\n", NR_CPUS * ROUNDS * PER_RING,
	       (unsigned long)(ticks * 1000 / counter_freq()));
	return 0;
}
