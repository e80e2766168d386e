// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every vCPU hammering every device at once (4 CPUs; run with -d RW -d
 * RO,ro --rng --console virtio). For HAMMER_MS:
 *   CPU 1  valid writes of the pattern to RW, sectors [0, VALID_SECTORS),
 *          bringing the device back up whenever a request fails;
 *   CPU 2  resets RW under CPU 1, writes garbage over its common config
 *          (queue select, sizes, enables, vectors) and notifies every queue;
 *   CPU 3  moves virtio-rng's BAR and toggles its decoding, points RW's
 *          MSI-X vectors anywhere and toggles MSI-X, writes 0xEE to RO
 *          (refused), and pokes the GIC, the UART registers and holes;
 *   CPU 0  drives virtio-rng and the console's queues through resets and
 *          reads RO.
 * Then CPU 0 puts everything back, writes the pattern over [0,
 * VALID_SECTORS) once more and checks the sectors CPU 3 aimed at are zero.
 * t-53 checks RW holds the pattern there and zeroes elsewhere, RO is
 * bit-identical, and armlet's memory and threads stayed bounded.
 */
#include "virtio.h"

#define HAMMER_MS     4000
#define VALID_SECTORS 256 /* 128 KiB */
#define POISON_SECTOR 1024
#define NR_CPUS	      4

static uint8_t ring_mem[NR_CPUS][0x4000] __attribute__((aligned(4096)));
static uint8_t pattern[16384] __attribute__((aligned(4096)));
static uint8_t poison[4096] __attribute__((aligned(4096)));
static uint8_t scratch[NR_CPUS][4096] __attribute__((aligned(4096)));

static struct vio_dev rw, ro, rng, con;
static volatile uint32_t stop, done[NR_CPUS];
static volatile uint32_t count[NR_CPUS];

static bool stopping(void)
{
	return smp_load_acquire(&stop) != 0;
}

static void cpu1_writer(unsigned cpu)
{
	struct vq vq;
	bool up = false;

	for (unsigned s = 0; !stopping(); s = (s + 32) % VALID_SECTORS) {
		if (!up)
			up = vio_up_one(&rw, &vq, 64, (uintptr_t)ring_mem[cpu]) == 0;
		if (up && vblk_rw(&rw, &vq, VBLK_T_OUT, s, pattern, sizeof(pattern), 200) != 0)
			up = false;
		count[cpu]++;
	}
	smp_flag_set(&done[cpu], 1);
}

static void cpu2_resetter(unsigned cpu)
{
	for (unsigned i = 0; !stopping(); i++) {
		if (i % 16 == 0)
			vio_status_set(&rw, 0);
		mmio_write16(rw.common + VCOM_Q_SELECT, (uint16_t)(i % 6));
		mmio_write16(rw.common + VCOM_Q_SIZE, (uint16_t)(i * 37));
		mmio_write16(rw.common + VCOM_Q_MSIX, (uint16_t)i);
		if (i % 5 == 0)
			mmio_write16(rw.common + VCOM_Q_ENABLE, 1);
		mmio_write16(rw.notify + (uintptr_t)(i % 6) * rw.notify_mult, (uint16_t)(i % 6));
		(void)mmio_read8(rw.isr);
		delay_us(50);
		count[cpu]++;
	}
	smp_flag_set(&done[cpu], 1);
}

static void cpu3_chaos(unsigned cpu)
{
	uint64_t rng_bar = pci_bar_get(&rng.fn, 0);
	unsigned nr = 0;
	uintptr_t table = pci_msix_table(&rw.fn, &nr);
	static const uint64_t msi_addr[] = { 0x3f7e0040, 0x3ffcf040, 0x3fff0040, 0x0a000000,
					     0x80000000 + 0x1000000 };
	struct vq vq;
	bool up = false;

	for (unsigned i = 0; !stopping(); i++) {
		pci_bar_set(&rng.fn, 0, i % 2 ? rng_bar : rw.common + 0x8000 * (i % 3));
		pci_cfg_write(&rng.fn, PCI_COMMAND, 2, (uint16_t)(i % 4 ? PCI_COMMAND_MEM : 0));
		if (table) {
			pci_msix_control(&rw.fn, i % 3 != 0, i % 7 == 0);
			pci_msix_entry_set(table, i % nr, msi_addr[i % ARRAY_SIZE(msi_addr)], i,
					   i % 2);
		}
		if (!up)
			up = vio_up_one(&ro, &vq, 64, (uintptr_t)ring_mem[cpu]) == 0;
		if (up && vblk_rw(&ro, &vq, VBLK_T_OUT, POISON_SECTOR, poison, sizeof(poison),
				  200) != VBLK_S_IOERR)
			up = false;
		(void)mmio_read32(0x3fff0000 + 4 * (i % 64));
		mmio_write8(UART_BASE + 7, (uint8_t)i); /* the scratch register */
		mmio_write32(0x00800000 + 4 * (i % 16), i);
		count[cpu]++;
	}
	pci_bar_set(&rng.fn, 0, rng_bar);
	pci_cfg_write(&rng.fn, PCI_COMMAND, 2, PCI_COMMAND_MEM | PCI_COMMAND_MASTER);
	smp_flag_set(&done[cpu], 1);
}

/* One device-writable buffer on queue 0 of d, as virtio-rng and the console's receiveq take. */
static void cpu0_round(const struct vio_dev *d, unsigned i)
{
	struct vq vq;
	struct vbuf b = { (uintptr_t)scratch[0], sizeof(scratch[0]), VQ_F_WRITE };

	if (vio_up_one(d, &vq, 64, (uintptr_t)ring_mem[0]))
		return;
	vq_offer(&vq, vq_chain(&vq, &b, 1));
	vq_kick(d, &vq);
	(void)vq_wait(d, &vq, vq.avail_idx, i % 4 ? 20 : 0); /* sometimes reset at once */
	vio_reset(d);
}

int test_main(void)
{
	static const cpu_entry_fn fn[NR_CPUS] = { NULL, cpu1_writer, cpu2_resetter, cpu3_chaos };
	struct pci_fn fns[PCI_MAX_DEVS];
	uint64_t end;
	struct vq vq;
	unsigned n;
	int st;

	TEST_ASSERT(testdev_nr_cpus() >= NR_CPUS, 1, "needs %u CPUs", NR_CPUS);
	vio_pattern_fill(pattern, sizeof(pattern));
	memset(poison, 0xee, sizeof(poison));
	n = pci_enumerate(fns, ARRAY_SIZE(fns));
	pci_assign_all(fns, n);
	TEST_ASSERT(vio_find(fns, n, VIRTIO_ID_BLOCK, 0, &rw) == 0, 2, "no first virtio-blk");
	TEST_ASSERT(vio_find(fns, n, VIRTIO_ID_BLOCK, 1, &ro) == 0, 3, "no second virtio-blk");
	TEST_ASSERT(vio_find(fns, n, VIRTIO_ID_RNG, 0, &rng) == 0, 4, "no virtio-rng");
	TEST_ASSERT(vio_find(fns, n, VIRTIO_ID_CONSOLE, 0, &con) == 0, 5, "no virtio-console");
	for (unsigned c = 1; c < NR_CPUS; c++)
		TEST_ASSERT(cpu_on(c, fn[c]) == PSCI_RET_SUCCESS, 6, "CPU_ON %u failed", c);
	end = deadline_ms(HAMMER_MS);
	for (unsigned i = 0; !deadline_passed(end); i++) {
		cpu0_round(i % 2 ? &rng : &con, i);
		count[0]++;
	}
	smp_flag_set(&stop, 1);
	for (unsigned c = 1; c < NR_CPUS; c++)
		TEST_ASSERT(smp_flag_wait(&done[c], 1, 10000), 7, "CPU %u did not stop", c);
	printf("hostile: rounds per CPU: %u %u %u %u\n", count[0], count[1], count[2], count[3]);

	/* Everything back: the BARs as assigned, MSI-X off, then the valid writes once more. */
	pci_msix_control(&rw.fn, false, false);
	TEST_ASSERT(vio_up_one(&rw, &vq, 64, (uintptr_t)ring_mem[0]) == 0, 8, "RW not up");
	for (unsigned s = 0; s < VALID_SECTORS; s += sizeof(pattern) / 512) {
		st = vblk_rw(&rw, &vq, VBLK_T_OUT, s, pattern, sizeof(pattern), 2000);
		TEST_ASSERT(st == VBLK_S_OK, 9, "final write at %u: %d", s, st);
	}
	st = vblk_rw(&rw, &vq, VBLK_T_FLUSH, 0, NULL, 0, 2000);
	TEST_ASSERT(st == VBLK_S_OK, 10, "flush: %d", st);
	st = vblk_rw(&rw, &vq, VBLK_T_IN, POISON_SECTOR, scratch[0], 4096, 2000);
	TEST_ASSERT(st == VBLK_S_OK, 11, "read back: %d", st);
	for (unsigned i = 0; i < 4096; i++)
		TEST_ASSERT(scratch[0][i] == 0, 12, "RW byte %u at the poison sector is %x", i,
			    scratch[0][i]);
	printf("hostile: 4 CPUs hammered every device; all still work\n");
	return 0;
}
