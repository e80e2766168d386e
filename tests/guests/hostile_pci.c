// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCI BARs and MSI-X aimed where they must not go. BAR 0 of a virtio-blk
 * (and of a virtio-rng next to it) is moved onto guest RAM, the GIC
 * distributor, the UART, the test device, ECAM, the other device's BAR,
 * the bottom and the top of the 32-bit space, with memory decoding on, and
 * poked there; then MSI-X table entries point at RAM, the GIC, the ITS
 * translater with garbage event IDs, the GICv2m frame with SPIs it does not
 * own, unmapped space and past the IPA size, are unmasked, and queue 0,
 * given vector 1 before DRIVER_OK, completes requests through them (one
 * with the function masked, delivered from the PBA at the unmask); a
 * vector past the table reads back NO_VECTOR; the table and PBA take
 * writes of every width.
 *
 * armlet must stay up, RAM under a BAR must stay RAM (a BAR never shadows
 * it), the test device and the UART keep working, no MSI writes guest RAM,
 * and once the BARs are back the disk serves valid writes again. Run with
 * -d RW (zeroes, at least 1 MiB) --rng; t-52 checks RW holds the pattern in
 * its first 64 KiB and zeroes elsewhere, and --stats shows the MSIs raised.
 */
#include "virtio.h"

#define WAIT_MS 10000 /* per request: under ASan and a loaded host 2 s was too short */

static uint8_t ring_mem[0x4000] __attribute__((aligned(4096)));
static uint8_t pattern[65536] __attribute__((aligned(4096)));
/* Guest RAM a BAR and MSIs are aimed at: 32 KiB-aligned, as BAR 0 needs. */
static volatile uint32_t victim[0x8000 / 4] __attribute__((aligned(0x8000)));

static struct vio_dev blk, rng;
static struct vq vq;

static void victim_fill(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(victim); i++)
		victim[i] = 0x5a000000 | i;
}

static void victim_check(const char *after)
{
	for (unsigned i = 0; i < ARRAY_SIZE(victim); i++)
		TEST_ASSERT(victim[i] == (0x5a000000 | i), 1, "after %s: RAM word %u is %x", after,
			    i, victim[i]);
}

static void pattern_fill(void)
{
	vio_pattern_fill(pattern, sizeof(pattern));
}

/* Reads and writes where BAR 0's structures would be if it decoded at base. */
static void poke_bar(uintptr_t base, bool write)
{
	static const unsigned offs[] = {
		0x0, 0x14, 0x1000, 0x2000, 0x3000, 0x4000, 0x6000, 0x7ff8
	};

	for (unsigned i = 0; i < ARRAY_SIZE(offs); i++) {
		(void)mmio_read32(base + offs[i]);
		(void)mmio_read8(base + offs[i]);
		if (write && offs[i] >= 0x3000) /* notify, MSI-X table and PBA: not status */
			mmio_write32(base + offs[i], 0);
	}
}

/* A valid write through blk, with BAR 0 where vio_find() last found it. */
static int blk_write(uint64_t sector)
{
	if (vio_up_one(&blk, &vq, 64, (uintptr_t)ring_mem))
		return -3;
	return vblk_rw(&blk, &vq, VBLK_T_OUT, sector, pattern, 4096, WAIT_MS);
}

static void bars_move(uint64_t blk_old, uint64_t rng_old)
{
	struct {
		const char *what;
		uint64_t addr;
		bool ours; /* RAM of ours: check it stayed RAM */
	} targets[] = {
		{ "guest RAM", (uintptr_t)victim, true },
		{ "the GIC distributor", 0x3fff0000, false },
		{ "the GICv3 redistributors", 0x3f7f0000, false },
		{ "the UART", UART_BASE, false },
		{ "the test device", TESTDEV_BASE, false },
		{ "ECAM", PCI_ECAM_BASE, false },
		{ "virtio-rng's BAR 0", rng_old, false },
		{ "address 0", 0, false },
		{ "the top of the 32-bit space", 0xffff8000, false },
		{ "the top of the window", PCI_MMIO_BASE + PCI_MMIO_SIZE - 0x8000, false },
	};
	unsigned cpus = testdev_nr_cpus();

	for (unsigned i = 0; i < ARRAY_SIZE(targets); i++) {
		pci_bar_set(&blk.fn, 0, targets[i].addr);
		pci_cfg_write(&blk.fn, PCI_COMMAND, 2, PCI_COMMAND_MEM | PCI_COMMAND_MASTER);
		poke_bar(targets[i].addr, !targets[i].ours);
		if (targets[i].ours)
			victim_check("BAR 0 over guest RAM");
		TEST_ASSERT(testdev_nr_cpus() == cpus, 2, "BAR 0 over %s: the test device broke",
			    targets[i].what);
		printf("hostile: BAR 0 moved onto %s (%lx): armlet up\n", targets[i].what,
		       (unsigned long)targets[i].addr);
	}
	/* Both devices at one address, then each half-overlapping the other. */
	pci_bar_set(&blk.fn, 0, rng_old);
	poke_bar(rng_old, true);
	pci_bar_set(&rng.fn, 0, blk_old + 0x4000);
	pci_bar_set(&blk.fn, 0, blk_old);
	pci_cfg_write(&rng.fn, PCI_COMMAND, 2, PCI_COMMAND_MEM);
	poke_bar(blk_old, true);
	poke_bar(blk_old + 0x4000, true);
	printf("hostile: BARs of two devices overlapping: armlet up\n");
	/* Garbage in every BAR and Command bit, and the I/O enable on a memory-only device. */
	for (unsigned b = 0; b < 6; b++)
		pci_cfg_write(&blk.fn, PCI_BAR0 + 4 * b, 4, 0xffffffff);
	pci_cfg_write(&blk.fn, PCI_COMMAND, 2, 0xffff);
	poke_bar(0xffff8000, true);
	pci_cfg_write(&blk.fn, PCI_COMMAND, 2, 0);
	printf("hostile: all-ones BARs: armlet up\n");

	pci_bar_set(&rng.fn, 0, rng_old);
	pci_bar_set(&blk.fn, 0, blk_old);
	pci_cfg_write(&blk.fn, PCI_COMMAND, 2, PCI_COMMAND_MEM | PCI_COMMAND_MASTER);
	pci_cfg_write(&rng.fn, PCI_COMMAND, 2, PCI_COMMAND_MEM | PCI_COMMAND_MASTER);
}

/*
 * One write request, then the same with the whole function masked: it
 * completes and its interrupt waits in the PBA until the unmask fires it.
 */
static void msix_two_writes(const char *what)
{
	int st = vblk_rw(&blk, &vq, VBLK_T_OUT, 0, pattern, 4096, WAIT_MS);

	TEST_ASSERT(st == VBLK_S_OK, 5, "MSI-X to %s: write gave %d", what, st);
	pci_msix_control(&blk.fn, true, true);
	st = vblk_rw(&blk, &vq, VBLK_T_OUT, 8, pattern, 4096, WAIT_MS);
	pci_msix_control(&blk.fn, true, false);
	TEST_ASSERT(st == VBLK_S_OK, 6, "MSI-X masked: write gave %d", st);
}

/*
 * Each target gets every table entry, and queue 0 takes vector 1 before
 * DRIVER_OK (its fields freeze there, virtio 1.2 §4.1.4.3.2), so every
 * completed request fires an MSI at the target: t-52 counts them in
 * --stats (2 raised and 1 found masked per target).
 */
static void msix_anywhere(uintptr_t table, unsigned nr)
{
	static const struct {
		const char *what;
		uint64_t addr;
		uint32_t data;
	} targets[] = {
		{ "guest RAM", 0, 0xdeadbeef }, /* address from victim */
		{ "GICD_SETSPI_NSR", 0x3fff0040, 1019 },
		{ "the ITS translater, event 0xffffffff", 0x3f7e0040, 0xffffffff },
		{ "the ITS translater, event 12345", 0x3f7e0040, 12345 },
		{ "the GICv2m frame, SPI 1019", 0x3ffcf040, 1019 },
		{ "the GICv2m frame, SPI 0", 0x3ffcf040, 0 },
		{ "the UART", UART_BASE, 0x41 },
		{ "the test device EXIT + 4", TESTDEV_BASE + 4, 1 },
		{ "unmapped space", 0x0a000000, 0 },
		{ "past the IPA space", 0xfffffffff000, 0 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(targets); i++) {
		uint64_t addr = targets[i].addr ? targets[i].addr : (uintptr_t)&victim[16];
		int got;

		for (unsigned v = 0; v < nr; v++)
			pci_msix_entry_set(table, v, addr, targets[i].data, false);
		got = vio_up_one_vec(&blk, &vq, 64, (uintptr_t)ring_mem, 1);
		TEST_ASSERT(got == 1, 7, "MSI-X to %s: queue 0 took vector %d", targets[i].what,
			    got);
		mmio_write16(blk.common + VCOM_MSIX, 0);
		msix_two_writes(targets[i].what);
		victim_check("an MSI");
		printf("hostile: MSI-X vectors at %s fired: armlet up\n", targets[i].what);
	}
	printf("hostile: %u MSI-X targets, 2 queue interrupts each, 1 of them masked\n",
	       (unsigned)ARRAY_SIZE(targets));
}

/* Vector numbers past the table, and every width over the table and the PBA. */
static void msix_garbage(uintptr_t table, unsigned nr)
{
	int got = vio_up_one_vec(&blk, &vq, 64, (uintptr_t)ring_mem, 0x7fff);

	TEST_ASSERT(got == VIRTIO_NO_VECTOR, 8, "queue 0 took vector 0x7fff: %x", got);
	mmio_write16(blk.common + VCOM_MSIX, 0xfffe);
	for (unsigned off = 0; off < 16 * nr + 16; off += 2) {
		mmio_write8(table + off, 0xff);
		mmio_write16(table + off, 0xffff);
		(void)mmio_read16(table + off);
	}
	for (unsigned off = 0; off < 16 * nr; off += 8)
		mmio_write64(table + off, ~0ULL);
	for (unsigned off = 0; off < 64; off += 4)
		mmio_write32(table - 0x4000 + 0x6000 + off, ~0u); /* the PBA is read-only */
	msix_two_writes("no vector");
	printf("hostile: garbage over the MSI-X table and PBA: armlet up\n");
	pci_msix_control(&blk.fn, false, false);
	vio_reset(&blk);
}

int test_main(void)
{
	struct pci_fn fns[PCI_MAX_DEVS];
	uint64_t blk_old, rng_old;
	unsigned n, nr = 0;
	uintptr_t table;
	int st;

	pattern_fill();
	victim_fill();
	n = pci_enumerate(fns, ARRAY_SIZE(fns));
	pci_assign_all(fns, n);
	TEST_ASSERT(vio_find(fns, n, VIRTIO_ID_BLOCK, 0, &blk) == 0, 10, "no virtio-blk");
	TEST_ASSERT(vio_find(fns, n, VIRTIO_ID_RNG, 0, &rng) == 0, 11, "no virtio-rng");
	blk_old = pci_bar_get(&blk.fn, 0);
	rng_old = pci_bar_get(&rng.fn, 0);
	st = blk_write(0);
	TEST_ASSERT(st == VBLK_S_OK, 12, "first write: %d", st);

	bars_move(blk_old, rng_old);
	st = blk_write(0);
	TEST_ASSERT(st == VBLK_S_OK, 13, "write after the BARs came back: %d", st);
	table = pci_msix_table(&blk.fn, &nr);
	TEST_ASSERT(table && nr >= 2, 4, "no MSI-X table (%u vectors)", nr);
	pci_msix_control(&blk.fn, true, false);
	msix_anywhere(table, nr);
	msix_garbage(table, nr);
	victim_check("everything");
	for (unsigned s = 0; s < 128; s += 8) {
		st = blk_write(s);
		TEST_ASSERT(st == VBLK_S_OK, 14, "final write at %u: %d", s, st);
	}
	printf("hostile: BARs and MSI-X done, the disk still works\n");
	return 0;
}
