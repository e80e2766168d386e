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
 * Ends with PSCI SYSTEM_OFF after "bench: done"; a failure stops through
 * the test device under armlet (run it with --testdev) and hangs under QEMU.
 */
#include "bench.h"
#include "gicv2.h"
#include "gicv3.h"
#include "timer.h"

#define SAMPLES	     1000
#define WAIT_MS	     5000
#define SGI_BENCH    1
#define CPU_IPI	     1
#define FDT_MAGIC    0xd00dfeed
#define QEMU_DTB     0x40000000 /* QEMU virt: the DTB at the base of RAM for an ELF */
#define FDT_DEPTH    16
#define PRIO_DEFAULT 0xa0

enum { ERR_NO_DTB = 1, ERR_NO_UART, ERR_NO_GIC, ERR_START, ERR_TIMEOUT };

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
static uintptr_t gicd_base, uart_status;
static bool uart_status_32; /* PL011 FR is a word; the 16550's LSR a byte */

static uintptr_t find_dtb(void)
{
	if (guest_dtb && fdt32(guest_dtb) == FDT_MAGIC)
		return guest_dtb;
	if (!guest_dtb && fdt32(QEMU_DTB) == FDT_MAGIC)
		return QEMU_DTB;
	return 0;
}

/* Console first, so what follows can print; then the GIC. */
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
	if (fdt_find_reg(dtb, "arm,gic-v3", reg, 2) == 2) {
		gicv3_dist_base = reg[0];
		gicv3_redist_base = reg[1];
		gic = &bench_gic_v3;
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
static volatile uint32_t timer_fired, sgi_fired, cpu_up;
static volatile uint64_t timer_entry, sgi_entry, eoi_ticks;

static void bench_irq(struct exc_frame *frame)
{
	uint64_t entry = counter_read(), t;
	uint32_t iar = gic->ack();
	unsigned intid = iar & 0x3ff;

	(void)frame;
	if (intid >= GIC_MAX_INTID)
		return;
	if (intid == GIC_PPI_VIRT_TIMER) {
		timer_stop(TIMER_VIRT);
		timer_entry = entry;
	} else if (intid == SGI_BENCH) {
		sgi_entry = entry;
	}
	t = counter_read();
	gic->eoi(iar);
	if (intid == GIC_PPI_VIRT_TIMER) {
		eoi_ticks = counter_read() - t;
		timer_fired = 1;
	} else if (intid == SGI_BENCH) {
		sgi_fired = 1;
	}
}

static void wait_flag(volatile uint32_t *flag, const char *what)
{
	bench_wait_flag(flag, WAIT_MS, ERR_TIMEOUT, what);
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

static void bench_timer(void)
{
	gic->private_enable(GIC_PPI_VIRT_TIMER);
	for (unsigned i = 0; i < SAMPLES; i++) {
		uint64_t t0;

		timer_fired = 0;
		t0 = timer_now(TIMER_VIRT);
		timer_arm(TIMER_VIRT, t0);
		wait_flag(&timer_fired, "timer");
		samples_rt[i] = counter_read() - t0;
		samples[i] = timer_entry - t0;
		samples_eoi[i] = eoi_ticks;
	}
	bench_report("timer: program to handler entry", samples, SAMPLES);
	bench_report("timer: program to handler done (after EOI)", samples_rt, SAMPLES);
	bench_report("EOI (in the timer handler)", samples_eoi, SAMPLES);
}

static void ipi_cpu(unsigned cpu)
{
	gic->cpu_init();
	gic->private_enable(SGI_BENCH);
	local_irq_enable();
	smp_flag_set(&cpu_up, 1);
	smp_serve(cpu);
}

static void bench_ipi(void)
{
	int ret = cpu_on(CPU_IPI, ipi_cpu);

	TEST_ASSERT(ret == PSCI_RET_SUCCESS, ERR_START, "CPU_ON(%u): %d %s (run with 2 vCPUs)",
		    CPU_IPI, ret, psci_ret_name(ret));
	TEST_ASSERT(smp_flag_wait(&cpu_up, 1, WAIT_MS), ERR_START, "cpu %u did not start", CPU_IPI);
	for (unsigned i = 0; i < SAMPLES; i++) {
		uint64_t t0;

		sgi_fired = 0;
		t0 = counter_read();
		gic->send_sgi(SGI_BENCH, CPU_IPI);
		wait_flag(&sgi_fired, "IPI");
		samples[i] = sgi_entry - t0;
	}
	bench_report("IPI send to handler entry (receiver spinning)", samples, SAMPLES);
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
	bench_mmio("MMIO read, VMM userspace (UART status)", uart_status, uart_status_32);
	bench_mmio("MMIO read, GIC distributor (GICD_TYPER)", gicd_base + 4, true);
	bench_timer();
	bench_ipi();
	printf("bench: done\n");
	psci_system_off();
	return ERR_TIMEOUT;
}
