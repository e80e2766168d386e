// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO everywhere a guest can reach that is not RAM: holes, the UART, the
 * test device, every GIC frame, ECAM (present and absent functions, other
 * buses, its last bytes), the PCI I/O and memory windows, past the end of
 * RAM, the top of the 32- and 64-bit windows and past the IPA size; each
 * with every access width (1, 2, 4, 8) at every offset 0..7, so misaligned
 * ones too, reading and writing 0 and all-ones.
 *
 * With the MMU off all of it is Device memory, where a misaligned access
 * may be an alignment fault the guest takes itself (under nested TCG it is
 * not: it reaches armlet), and an address past the IPA size is an abort
 * KVM injects; both are counted and stepped over (the handler moves ELR
 * past the instruction). Everything else reaches armlet, which must answer
 * (unhandled reads are 0) and stay up. Pass: the guest gets to the end, the
 * address past the IPA size aborted, and the test device, the UART and RAM
 * still work.
 */
#include "pci.h"

#define ESR_EC(esr)    (((esr) >> 26) & 0x3f)
#define EC_DABT_CUR    0x25
#define DFSC(esr)      ((esr)&0x3f)
#define DFSC_ALIGNMENT 0x21

static volatile unsigned faults_align, faults_other;

static void skip_fault(struct exc_frame *f)
{
	if (ESR_EC(f->esr) != EC_DABT_CUR)
		exception_report(f, 4); /* not a data abort: a real failure */
	if (DFSC(f->esr) == DFSC_ALIGNMENT)
		faults_align++;
	else
		faults_other++;
	f->elr += 4;
}

struct target {
	const char *name;
	uintptr_t base;
	unsigned span;	/* bytes probed from base, 8 at a time */
	bool read_only; /* reads only: writing would end the test (EXIT) */
	bool past_ram;	/* base is the end of RAM, which the test device tells */
};

static const struct target targets[] = {
	{ "hole below the UART", 0x00800000, 16, false, false },
	{ "PCI I/O space", PCI_IO_BASE, 32, false, false },
	{ "PCI I/O space end", PCI_IO_BASE + 0x10000 - 16, 16, false, false },
	{ "UART", UART_BASE, 16, false, false },
	{ "UART region end", UART_BASE + 0x1000 - 16, 16, false, false },
	{ "test device", TESTDEV_BASE, 16, true, false },
	{ "test device past its registers", TESTDEV_BASE + 0x10, 32, false, false },
	{ "test device region end", TESTDEV_BASE + 0x1000 - 16, 16, false, false },
	{ "hole below the ITS", 0x3f000000, 16, false, false },
	{ "GICv3 ITS", 0x3f7d0000, 16, false, false },
	{ "GICv3 ITS translater", 0x3f7e0040, 8, false, false },
	{ "GIC redistributor 0", 0x3f7f0000, 32, false, false },
	{ "GIC redistributor 7 (no such vCPU)", 0x3f7f0000 + 7 * 0x20000, 16, false, false },
	{ "GICv2m frame", 0x3ffcf000, 16, false, false },
	{ "GICv2m MSI_SETSPI", 0x3ffcf040, 8, false, false },
	{ "GICv2 CPU interface", 0x3ffd0000, 16, false, false },
	{ "GIC distributor", 0x3fff0000, 16, false, false },
	{ "GIC distributor ISENABLER", 0x3fff0100, 16, false, false },
	{ "GIC distributor end", 0x3fff0000 + 0x10000 - 16, 16, false, false },
	{ "ECAM device 0", PCI_ECAM_BASE, 64, false, false },
	{ "ECAM device 0 BARs", PCI_ECAM_BASE + 0x10, 24, false, false },
	{ "ECAM device 0 last bytes", PCI_ECAM_BASE + 0x1000 - 16, 16, false, false },
	{ "ECAM device 0 function 7", PCI_ECAM_BASE + 0x7000, 16, false, false },
	{ "ECAM device 31", PCI_ECAM_BASE + (31 << 15), 16, false, false },
	{ "ECAM bus 1", PCI_ECAM_BASE + (1 << 20), 16, false, false },
	{ "ECAM end", PCI_ECAM_BASE + 0x10000000 - 16, 16, false, false },
	{ "PCI window start", PCI_MMIO_BASE, 32, false, false },
	{ "PCI window end", PCI_MMIO_BASE + PCI_MMIO_SIZE - 16, 16, false, false },
	{ "just past RAM", 0, 16, false, true },
	{ "top of 32-bit space", 0xfffffff0, 16, false, false },
	{ "64-bit PCI window", 0x100000000, 16, false, false },
	{ "past the IPA space", 0xfffffffff000, 16, false, false },
};

static unsigned accesses;

/* Every width at every offset of [base, base + span), read then (maybe) written. */
static void hammer(uintptr_t base, unsigned span, bool read_only, uint64_t val)
{
	static const unsigned widths[] = { 1, 2, 4, 8 };

	for (unsigned w = 0; w < ARRAY_SIZE(widths); w++) {
		for (unsigned off = 0; off + widths[w] <= span; off++) {
			(void)mmio_read(base + off, widths[w]);
			if (!read_only)
				mmio_write(base + off, widths[w], val);
			accesses++;
		}
	}
}

/* The UART back to 8N1 with DLAB clear, no loopback, so printf works again. */
static void uart_restore(void)
{
	mmio_write8(UART_BASE + 3, 0x03); /* LCR */
	mmio_write8(UART_BASE + 1, 0x00); /* IER */
	mmio_write8(UART_BASE + 4, 0x00); /* MCR */
	mmio_write8(UART_BASE + 2, 0x00); /* FCR */
}

int test_main(void)
{
	static volatile uint64_t canary = 0x0123456789abcdefULL;
	uint64_t ram_end = GUEST_RAM_BASE + testdev_ram_size();
	unsigned cpus = testdev_nr_cpus();

	exception_handler_set(EXC_SYNC, skip_fault);
	for (unsigned i = 0; i < ARRAY_SIZE(targets); i++) {
		const struct target *t = &targets[i];
		uintptr_t base = t->past_ram ? ram_end : t->base;

		hammer(base, t->span, t->read_only, 0);
		hammer(base, t->span, t->read_only, ~0ULL);
		uart_restore();
		printf("hostile: %s (%lx): done, %u faults so far (%u alignment)\n", t->name, base,
		       faults_align + faults_other, faults_align);
	}
	exception_handler_set(EXC_SYNC, NULL);
	TEST_ASSERT(testdev_nr_cpus() == cpus, 1, "the test device answers %u CPUs, was %u",
		    testdev_nr_cpus(), cpus);
	TEST_ASSERT(canary == 0x0123456789abcdefULL, 2, "RAM changed under us");
	TEST_ASSERT(faults_other > 0, 3, "no abort past the IPA size: the accesses did not run");
	printf("hostile: %u access patterns, %u alignment faults, %u other aborts\n", accesses,
	       faults_align, faults_other);
	return 0;
}
