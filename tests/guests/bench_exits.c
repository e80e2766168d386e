/*
 * Exit-cost micro-benchmarks, one binary for armlet and for QEMU's virt
 * board (scripts/bench): figures, not checks. Everything that differs
 * between the two boards comes from the device tree: the console UART
 * (armlet's 16550 or QEMU's PL011) and the GIC (v2 or v3, and where).
 * Armlet passes the tree in x0; QEMU, given this ELF, loads it at its link
 * address (so run it with at least 1.1 GiB, RAM starting at 0x40000000)
 * and copies the tree to the base of RAM with x0 = 0.
 *
 * Run with 2 vCPUs. Each figure is printed as "bench: NAME = median M ns
 * (min m, max x, n samples)", one sample per operation, timed with the
 * virtual counter on CPU 0 (CPU 1 only receives IPIs):
 *  - HVC round trip: PSCI_VERSION, answered by KVM itself under both VMMs.
 *  - MMIO read handled by the VMM in userspace: the UART's status register.
 *  - MMIO read of the GIC distributor (GICD_TYPER): in-kernel with a vGIC,
 *    in userspace with armlet's gicv2-user or QEMU's kernel_irqchip=off.
 *  - IPI: an SGI from CPU 0 to a spinning CPU 1, send to handler entry.
 *  - Timer: the virtual timer programmed for "now", to handler entry and to
 *    after the EOI; and the EOI alone, inside that handler.
 *  - LPI through an ITS (a GICv3 whose tree has an "arm,gic-v3-its" node):
 *    an INT command queued and GITS_CWRITER written, to handler entry and
 *    after the EOI, and the EOI. An INT raises the LPI a write of the same
 *    event to GITS_TRANSLATER from the device would; KVM's ITS takes such
 *    writes only from the VMM (KVM_SIGNAL_MSI, irqfds) and ignores the
 *    guest's own (its GITS_TRANSLATER is not a register to a vCPU), which
 *    the guest checks first and reports; if one ever raises the LPI, that
 *    write is what is timed instead.
 * Under --irqchip=rvic (the rVIC answering VERSION; no GIC in the tree)
 * the interrupt figures come through its hypercalls, with two more: an
 * rVIC call's round trip (VERSION, answered by armlet in userspace) and
 * ACKNOWLEDGE + CLEAR_MASKED, the rVIC's cost per interrupt; there is no
 * distributor to read.
 * Ends with PSCI SYSTEM_OFF after "bench: done"; a failure stops through
 * the test device under armlet (run it with --testdev) and hangs under QEMU.
 */
#include "bench.h"
#include "gicv2.h"
#include "gicv3.h"
#include "gicv3_its.h"
#include "rvic.h"
#include "timer.h"

#define SAMPLES	  1000
#define WAIT_MS	  BENCH_WAIT_MS
#define SGI_BENCH 1
#define LPI_BENCH GICV3_LPI_BASE
#define ITS_DEVID 0
#define ITS_EVENT 0
/* How long a GITS_TRANSLATER write gets to raise its LPI before the INT command is used. */
#define TRANSLATER_WAIT_MS 50
#define CPU_IPI		   1
#define FDT_MAGIC	   0xd00dfeed
#define QEMU_DTB	   0x40000000 /* QEMU virt: the DTB at the base of RAM for an ELF */
#define FDT_DEPTH	   16
#define PRIO_DEFAULT	   0xa0

enum { ERR_NO_DTB = 1, ERR_NO_UART, ERR_NO_GIC, ERR_START, ERR_TIMEOUT, ERR_ITS };

/* ---- Device tree: just enough to find a node's reg by compatible ----------- */

enum { FDT_BEGIN_NODE = 1, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 9 };

/* With the MMU off the tree is Device memory: aligned loads only. */
static uint32_t fdt32(uintptr_t a)
{
	return __builtin_bswap32(mmio_read32(a));
}

static uintptr_t align4(uintptr_t a)
{
	return (a + 3) & ~(uintptr_t)3;
}

static bool streq(const char *a, const char *b)
{
	size_t n = strlen(b);

	return strlen(a) == n && !memcmp(a, b, n);
}

static bool str_list_has(const char *list, uint32_t len, const char *want)
{
	for (uint32_t off = 0; off < len;) {
		if (streq(list + off, want))
			return true;
		off += (uint32_t)strlen(list + off) + 1;
	}
	return false;
}

/*
 * The first node whose compatible lists want: its reg as nreg (address,
 * size) pairs of two cells each, as both boards use at the root. Returns
 * the pairs found, 0 when there is no such node.
 */
static unsigned fdt_find_reg(uintptr_t dtb, const char *want, uint64_t *reg, unsigned nreg)
{
	uintptr_t p = dtb + fdt32(dtb + 8), strings = dtb + fdt32(dtb + 12);
	bool match[FDT_DEPTH] = { false };
	uintptr_t reg_at[FDT_DEPTH] = { 0 };
	uint32_t reg_len[FDT_DEPTH] = { 0 };
	int d = -1;

	for (;;) {
		uint32_t tok = fdt32(p), len;
		const char *name;

		p += 4;
		switch (tok) {
		case FDT_BEGIN_NODE:
			if (++d >= FDT_DEPTH)
				return 0;
			match[d] = false;
			reg_len[d] = 0;
			p = align4(p + strlen((const char *)p) + 1);
			break;
		case FDT_PROP:
			len = fdt32(p);
			name = (const char *)(strings + fdt32(p + 4));
			p += 8;
			if (d >= 0 && streq(name, "compatible"))
				match[d] = match[d] || str_list_has((const char *)p, len, want);
			if (d >= 0 && streq(name, "reg")) {
				reg_at[d] = p;
				reg_len[d] = len;
			}
			p = align4(p + len);
			break;
		case FDT_END_NODE:
			if (d >= 0 && match[d] && reg_len[d] >= 16) {
				unsigned n = 0;

				for (; n < nreg && (n + 1) * 16 <= reg_len[d]; n++)
					reg[n] = (uint64_t)fdt32(reg_at[d] + n * 16) << 32 |
						 fdt32(reg_at[d] + n * 16 + 4);
				return n;
			}
			if (--d < -1)
				return 0;
			break;
		case FDT_NOP: break;
		default: /* FDT_END, or not a tree */ return 0;
		}
	}
}

/* ---- Platform --------------------------------------------------------------- */

static const struct bench_gic *gic;
static uintptr_t gicd_base, its_base, uart_status; /* 0: none */
static bool uart_status_32;			   /* PL011 FR is a word; the 16550's LSR a byte */

static uintptr_t find_dtb(void)
{
	if (guest_dtb && fdt32(guest_dtb) == FDT_MAGIC)
		return guest_dtb;
	if (!guest_dtb && fdt32(QEMU_DTB) == FDT_MAGIC)
		return QEMU_DTB;
	return 0;
}

/* Console first, so what follows can print; then the rVIC or the GIC and its ITS. */
static void platform_init(void)
{
	uintptr_t dtb = find_dtb();
	uint64_t reg[2];

	TEST_ASSERT(dtb, ERR_NO_DTB, "no device tree in x0 (%lx)", (unsigned long)guest_dtb);
	if (fdt_find_reg(dtb, "arm,pl011", reg, 1)) {
		uart_use_pl011(reg[0]);
		uart_status = reg[0] + 0x18; /* UARTFR */
		uart_status_32 = true;
	} else {
		TEST_ASSERT(fdt_find_reg(dtb, "ns16550a", reg, 1), ERR_NO_UART, "no UART");
		uart_status = reg[0] + UART_LSR;
	}
	if (rvic_present()) {
		gic = &bench_gic_rvic;
		return;
	}
	if (fdt_find_reg(dtb, "arm,gic-v3", reg, 2) == 2) {
		gicv3_dist_base = reg[0];
		gicv3_redist_base = reg[1];
		gic = &bench_gic_v3;
		if (fdt_find_reg(dtb, "arm,gic-v3-its", &its_base, 1) != 1)
			its_base = 0;
	} else {
		TEST_ASSERT(fdt_find_reg(dtb, "arm,cortex-a15-gic", reg, 2) == 2, ERR_NO_GIC,
			    "no GICv2 or GICv3 in the device tree");
		gicv2_dist_base = reg[0];
		gicv2_cpu_base = reg[1];
		gic = &bench_gic_v2;
	}
	gicd_base = reg[0];
}

/* ---- Measurements ----------------------------------------------------------- */

static uint64_t samples[SAMPLES], samples_rt[SAMPLES], samples_eoi[SAMPLES];
static const struct bench_samples all_samples = { SAMPLES, samples, samples_rt, samples_eoi };
static struct bench_irq timer_irq, sgi_irq, lpi_irq;
static volatile uint32_t cpu_up;

static void bench_irq(struct exc_frame *frame)
{
	uint64_t entry = counter_read();
	uint32_t iar = gic->ack();
	unsigned intid = iar & 0x3ff; /* a GICv2's IAR has the SGI's source above */

	(void)frame;
	if (iar == LPI_BENCH) {
		bench_irq_done(gic, iar, &lpi_irq, entry);
	} else if (intid >= GIC_MAX_INTID) {
		return;
	} else if (intid == GIC_PPI_VIRT_TIMER) {
		timer_stop(TIMER_VIRT);
		bench_irq_done(gic, iar, &timer_irq, entry);
	} else if (intid == SGI_BENCH) {
		bench_irq_done(gic, iar, &sgi_irq, entry);
	} else {
		gic->eoi(iar);
	}
}

static void bench_hvc(void)
{
	for (unsigned i = 0; i < SAMPLES; i++) {
		uint64_t t0 = counter_read();

		smccc_hvc(PSCI_FN_VERSION, 0, 0, 0, NULL);
		samples[i] = counter_read() - t0;
	}
	bench_report("HVC round trip (PSCI_VERSION)", samples, SAMPLES);
}

/* rVIC VERSION: an HVC KVM hands to armlet (KVM_EXIT_HYPERCALL) and back. */
static void bench_rvic_hvc(void)
{
	for (unsigned i = 0; i < SAMPLES; i++) {
		uint64_t t0 = counter_read();

		rvic_call(RVIC_FN(RVIC_VERSION), 0, 0, 0, NULL);
		samples[i] = counter_read() - t0;
	}
	bench_report("HVC round trip, rVIC call (VERSION)", samples, SAMPLES);
}

static void bench_mmio(const char *name, uintptr_t addr, bool word)
{
	for (unsigned i = 0; i < SAMPLES; i++) {
		uint64_t t0 = counter_read();

		if (word)
			(void)mmio_read32(addr);
		else
			(void)mmio_read8(addr);
		samples[i] = counter_read() - t0;
	}
	bench_report(name, samples, SAMPLES);
}

static void ipi_cpu(unsigned cpu)
{
	gic->cpu_init();
	gic->private_enable(SGI_BENCH);
	local_irq_enable();
	smp_flag_set(&cpu_up, 1);
	smp_serve(cpu);
}

static uint64_t sgi_trigger(void)
{
	uint64_t t0 = counter_read();

	gic->send_sgi(SGI_BENCH, CPU_IPI);
	return t0;
}

static void bench_ipi(void)
{
	const struct bench_samples s = { SAMPLES, samples, NULL, NULL };
	int ret = cpu_on(CPU_IPI, ipi_cpu);

	TEST_ASSERT(ret == PSCI_RET_SUCCESS, ERR_START, "CPU_ON(%u): %d %s (run with 2 vCPUs)",
		    CPU_IPI, ret, psci_ret_name(ret));
	TEST_ASSERT(smp_flag_wait(&cpu_up, 1, WAIT_MS), ERR_START, "cpu %u did not start", CPU_IPI);
	bench_irq_run(sgi_trigger, &sgi_irq, &s, "IPI", ERR_TIMEOUT);
	bench_report("IPI send to handler entry (receiver spinning)", samples, SAMPLES);
}

/* Queue empty first (outside the timing), so the INT never waits for room. */
static uint64_t lpi_trigger_int(void)
{
	uint64_t t0;

	TEST_ASSERT(gicv3_its_drain(WAIT_MS), ERR_ITS, "ITS: the command queue does not drain");
	t0 = counter_read();
	gicv3_its_int(ITS_DEVID, ITS_EVENT);
	return t0;
}

static uint64_t lpi_trigger_translate(void)
{
	uint64_t t0 = counter_read();

	gicv3_its_translate(ITS_EVENT);
	return t0;
}

/* Whether a guest write to GITS_TRANSLATER raises the mapped LPI. */
static bool its_translater_works(void)
{
	uint64_t deadline = deadline_ms(TRANSLATER_WAIT_MS);

	lpi_irq.fired = 0;
	gicv3_its_translate(ITS_EVENT);
	while (!lpi_irq.fired && !deadline_passed(deadline))
		cpu_relax();
	return lpi_irq.fired;
}

static void bench_lpi(void)
{
	const char *err = gicv3_its_init(its_base);
	bool translater;

	TEST_ASSERT(!err, ERR_ITS, "ITS at %lx: %s", (unsigned long)its_base, err);
	err = gicv3_its_map(ITS_DEVID, ITS_EVENT, LPI_BENCH, PRIO_DEFAULT);
	TEST_ASSERT(!err, ERR_ITS, "ITS: %s", err);
	/* The INT path works on every ITS: check it before timing anything. */
	lpi_irq.fired = 0;
	gicv3_its_int(ITS_DEVID, ITS_EVENT);
	bench_wait_flag(&lpi_irq.fired, WAIT_MS, ERR_ITS, "LPI from an INT command");
	translater = its_translater_works();
	if (!translater)
		printf("bench: note: a CPU write to GITS_TRANSLATER raised no LPI in %u ms; "
		       "timing the INT command instead\n",
		       TRANSLATER_WAIT_MS);
	bench_irq_run(translater ? lpi_trigger_translate : lpi_trigger_int, &lpi_irq, &all_samples,
		      "LPI", ERR_TIMEOUT);
	bench_report(translater ? "LPI via ITS: GITS_TRANSLATER write to handler entry"
				: "LPI via ITS: INT command to handler entry",
		     samples, SAMPLES);
	bench_report("LPI via ITS: to handler done (after EOI)", samples_rt, SAMPLES);
	bench_report("EOI (in the LPI handler)", samples_eoi, SAMPLES);
}

int test_main(void)
{
	platform_init();
	printf("bench: gic = %s, uart = %s, CNTFRQ %lu Hz\n", gic->name,
	       uart_status_32 ? "pl011" : "16550", counter_freq());
	exception_handler_set(EXC_IRQ, bench_irq);
	gic->dist_init();
	gic->cpu_init();
	local_irq_enable();

	bench_hvc();
	if (gic == &bench_gic_rvic)
		bench_rvic_hvc();
	bench_mmio("MMIO read, VMM userspace (UART status)", uart_status, uart_status_32);
	if (gicd_base)
		bench_mmio("MMIO read, GIC distributor (GICD_TYPER)", gicd_base + 4, true);
	bench_timer(gic, &timer_irq, &all_samples, ERR_TIMEOUT);
	if (gic == &bench_gic_rvic) {
		gic->private_enable(SGI_BENCH);
		bench_rvic_calls(SGI_BENCH, samples, SAMPLES);
	}
	if (its_base)
		bench_lpi();
	bench_ipi();
	printf("bench: done\n");
	psci_system_off();
	return ERR_TIMEOUT;
}
