/*
 * An SPI raised by a device, routed by GICD_ITARGETSR. The device is the
 * 16550 UART: with IER.THRI set and its (infinitely fast) transmitter
 * empty it holds SPI 0 (INTID 32, level) high until IIR is read. For each
 * CPU in turn as the only target, the interrupt reaches that CPU and no
 * other; a handler that ends the interrupt without quietening the UART
 * takes it again (level-sensitive: pending while the line is high); with
 * every CPU as a target exactly one takes each assertion (1-N). Where the
 * VM has a GICv2m frame (gicv2-user, gicv2m), an MSI written to it is an
 * edge on an edge-triggered SPI, and two edges while it is pending are one
 * interrupt. Nothing may print while THRI is set: a byte written to THR
 * raises the interrupt again.
 */
#include "gicv2.h"

#define WAIT_MS	  5000
#define SETTLE_MS 50
#define MAX_CPUS  8

/* 16550 registers (byte access, stride 1) and bits, as lib/uart.c uses them. */
#define UART_IER      0x1
#define UART_IIR      0x2
#define UART_IER_THRI 0x02
#define UART_IIR_MASK 0x0f
#define UART_IIR_THRI 0x02

/* GICv2m MSI frame (ARM's GICv2m: MSI_TYPER, MSI_SETSPI_NS). */
#define V2M_MSI_TYPER	    0x008
#define V2M_MSI_SETSPI_NS   0x040
#define V2M_TYPER_BASE(v)   (((v) >> 16) & 0x3ff)
#define V2M_TYPER_NUMBER(v) ((v)&0x3ff)

enum {
	ERR_NR_CPUS = 1,
	ERR_START,
	ERR_NOT_TAKEN,
	ERR_WRONG_CPU,
	ERR_IIR,
	ERR_LEVEL,
	ERR_ONE_OF_N,
	ERR_STILL_PENDING,
	ERR_MSI,
	ERR_MSI_EDGE,
};

/* How the UART handler ends an interrupt. */
enum uart_mode {
	MODE_QUIET,	 /* read IIR (acknowledging THRE) before the EOI */
	MODE_LEAVE_ONCE, /* the first time, EOI with the line still high */
};

static unsigned nr_cpus;
static volatile uint32_t uart_mode;
static volatile uint32_t left_high; /* MODE_LEAVE_ONCE has left the line high once */

/* Per CPU, written by that CPU only. */
static volatile uint32_t taken[MAX_CPUS];
static volatile uint32_t bad_iir[MAX_CPUS]; /* IIR | 0x100 of a read that was not THRE */
static volatile uint32_t msi_taken[MAX_CPUS];

static uint8_t all_cpus(void)
{
	return (uint8_t)((1u << nr_cpus) - 1);
}

static uint32_t total(volatile uint32_t *counts)
{
	uint32_t n = 0;

	for (unsigned c = 0; c < nr_cpus; c++)
		n += counts[c];
	return n;
}

static void uart_handler(uint32_t iar)
{
	unsigned cpu = this_cpu();
	uint8_t iir;

	(void)iar;
	taken[cpu] = taken[cpu] + 1;
	if (uart_mode == MODE_LEAVE_ONCE && !left_high) {
		left_high = 1;
		return;
	}
	iir = mmio_read8(UART_BASE + UART_IIR);
	if ((iir & UART_IIR_MASK) != UART_IIR_THRI && !bad_iir[cpu])
		bad_iir[cpu] = iir | 0x100;
}

static void msi_handler(uint32_t iar)
{
	unsigned cpu = this_cpu();

	(void)iar;
	msi_taken[cpu] = msi_taken[cpu] + 1;
}

static void wait_total(volatile uint32_t *counts, uint32_t n)
{
	uint64_t deadline = deadline_ms(WAIT_MS);

	while (total(counts) < n && !deadline_passed(deadline))
		cpu_relax();
	delay_us(SETTLE_MS * 1000);
}

/* THRI on: the UART asserts its line at once, the transmitter being empty. */
static void uart_raise(void)
{
	mmio_write8(UART_BASE + UART_IER, UART_IER_THRI);
}

static void uart_quiet(void)
{
	mmio_write8(UART_BASE + UART_IER, 0);
}

static void check_bad_iir(const char *what)
{
	for (unsigned c = 0; c < nr_cpus; c++) {
		TEST_ASSERT(!bad_iir[c], ERR_IIR,
			    "%s: cpu %u read IIR 0x%x in the handler, want THRE", what, c,
			    bad_iir[c] & 0xff);
	}
}

/* The UART's interrupt reaches the one CPU ITARGETSR names, and only that one. */
static void check_route(unsigned target)
{
	uint32_t before[MAX_CPUS];

	for (unsigned c = 0; c < nr_cpus; c++)
		before[c] = taken[c];
	uart_mode = MODE_QUIET;
	gic_irq_set_targets(GIC_SPI_UART, (uint8_t)(1u << target));
	uart_raise();
	wait_total(taken, total(before) + 1);
	uart_quiet();
	check_bad_iir("routing");
	for (unsigned c = 0; c < nr_cpus; c++) {
		uint32_t n = taken[c] - before[c];

		TEST_ASSERT(c != target || n > 0, ERR_NOT_TAKEN,
			    "SPI %u routed to cpu %u: not taken in %d ms", GIC_SPI_UART, target,
			    WAIT_MS);
		TEST_ASSERT(n == (c == target), ERR_WRONG_CPU,
			    "SPI %u routed to cpu %u: cpu %u took it %u times", GIC_SPI_UART,
			    target, c, n);
	}
	TEST_ASSERT(!gic_irq_pending(GIC_SPI_UART), ERR_STILL_PENDING,
		    "SPI %u still pending with the UART quiet", GIC_SPI_UART);
	printf("gic_spi: UART SPI routed to cpu %u: taken there once, nowhere else\n", target);
}

/* Ending the interrupt with the line still high: taken again (level-sensitive). */
static void check_level(unsigned target)
{
	uint32_t before = total(taken), before_target = taken[target];

	uart_mode = MODE_LEAVE_ONCE;
	left_high = 0;
	dsb_sy();
	gic_irq_set_targets(GIC_SPI_UART, (uint8_t)(1u << target));
	uart_raise();
	wait_total(taken, before + 2);
	uart_quiet();
	check_bad_iir("level");
	TEST_ASSERT(taken[target] - before_target == 2 && total(taken) - before == 2, ERR_LEVEL,
		    "line left high at the EOI: taken %u times in all, want 2 (on cpu %u)",
		    total(taken) - before, target);
	printf("gic_spi: level-sensitive: an EOI with the line high means another interrupt\n");
}

/* Every CPU a target: each assertion is taken by exactly one of them. */
static void check_one_of_n(void)
{
	uint32_t before = total(taken);

	uart_mode = MODE_QUIET;
	gic_irq_set_targets(GIC_SPI_UART, all_cpus());
	for (unsigned i = 0; i < 4; i++) {
		uart_raise();
		wait_total(taken, before + i + 1);
		uart_quiet();
		TEST_ASSERT(total(taken) - before == i + 1, ERR_ONE_OF_N,
			    "targets 0x%x: assertion %u taken %u times in all", all_cpus(), i + 1,
			    total(taken) - before - i);
	}
	check_bad_iir("1-N");
	printf("gic_spi: targets 0x%x: each assertion taken by one CPU\n", all_cpus());
}

/* The GICv2m frame, where there is one: two MSIs on a pending edge SPI are one interrupt. */
static void check_msi(void)
{
	uint32_t typer = mmio_read32(GICV2M_BASE + V2M_MSI_TYPER);
	unsigned spi = V2M_TYPER_BASE(typer);
	unsigned target = nr_cpus - 1;

	if (V2M_TYPER_NUMBER(typer) == 0 || spi < GIC_NR_PRIVATE || spi >= gic_nr_irqs()) {
		printf("gic_spi: no GICv2m frame (MSI_TYPER 0x%x): MSI check skipped\n", typer);
		return;
	}
	gic_handler_set(spi, msi_handler);
	gic_irq_set_edge(spi, true);
	gic_irq_set_targets(spi, (uint8_t)(1u << target));
	mmio_write32(GICV2M_BASE + V2M_MSI_SETSPI_NS, spi);
	mmio_write32(GICV2M_BASE + V2M_MSI_SETSPI_NS, spi);
	TEST_ASSERT(gic_irq_pending(spi), ERR_MSI, "MSI to INTID %u: not pending (disabled)", spi);
	gic_irq_enable(spi); /* SPIs are not banked: any CPU may enable it */
	wait_total(msi_taken, 1);
	TEST_ASSERT(msi_taken[target] == 1 && total(msi_taken) == 1, ERR_MSI_EDGE,
		    "two MSIs while INTID %u was pending: taken %u times (cpu %u %u), want once",
		    spi, total(msi_taken), target, msi_taken[target]);
	mmio_write32(GICV2M_BASE + V2M_MSI_SETSPI_NS, spi);
	wait_total(msi_taken, 2);
	TEST_ASSERT(total(msi_taken) == 2, ERR_MSI_EDGE, "a third MSI to INTID %u: taken %u in all",
		    spi, total(msi_taken));
	gic_irq_disable(spi);
	printf("gic_spi: GICv2m MSI to INTID %u on cpu %u: one interrupt per edge\n", spi, target);
}

int test_main(void)
{
	unsigned bad;

	nr_cpus = testdev_nr_cpus();
	printf("gic_spi: the UART's SPI %u routed by ITARGETSR, %u CPUs\n", GIC_SPI_UART, nr_cpus);
	TEST_ASSERT(nr_cpus >= 1 && nr_cpus <= MAX_CPUS, ERR_NR_CPUS, "%u CPUs: run with 1 to %u",
		    nr_cpus, MAX_CPUS);
	uart_quiet();
	gic_handler_set(GIC_SPI_UART, uart_handler);
	gic_dist_init();
	gic_cpu_init();
	bad = gic_start_cpus(nr_cpus, WAIT_MS);
	TEST_ASSERT(!bad, ERR_START, "cpu %u did not start", bad);
	gic_irq_set_edge(GIC_SPI_UART, false);
	gic_irq_enable(GIC_SPI_UART);
	local_irq_enable();

	for (unsigned cpu = 0; cpu < nr_cpus; cpu++)
		check_route(cpu);
	check_level(nr_cpus - 1);
	check_one_of_n();
	check_msi();
	return 0;
}
