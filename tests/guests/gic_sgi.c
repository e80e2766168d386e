/*
 * GICv2 SGIs between every pair of CPUs (run with 2 to 8): GICD_SGIR's
 * three target filters (a CPU list, "all but self", "self"), the source CPU
 * each receiver sees in GICC_IAR[12:10], one pending state per source
 * (GICD_SPENDSGIR, then one acknowledge per source), and SGIs to a CPU
 * interface that does not exist going nowhere (IHI 0048B §4.3.15).
 */
#include "gicv2.h"

#define WAIT_MS	  5000
#define SETTLE_MS 50 /* how long an extra interrupt gets to show up */
#define MAX_CPUS  8  /* a GICv2's CPU interfaces */

enum {
	ERR_NR_CPUS = 1,
	ERR_TYPER_CPUS,
	ERR_START,
	ERR_CALL,
	ERR_BAD_SOURCE,
	ERR_TIMEOUT,
	ERR_COUNT,
	ERR_SPENDSGIR,
	ERR_PENDING,
	ERR_SPURIOUS_PENDING,
};

/* One SGI per check, so the counts of different checks never mix. */
enum {
	SGI_NEIGHBOUR = 1, /* list filter: to the next CPU */
	SGI_LIST_ALL,	   /* list filter: to every CPU, the sender included */
	SGI_OTHERS,	   /* "all but self" */
	SGI_SELF,	   /* "self" */
	SGI_GATHER,	   /* everyone to CPU 0 while it has IRQs masked */
	SGI_NOBODY,	   /* to a CPU interface that does not exist */
};

static unsigned nr_cpus;

/* got[r][s][n]: SGI n from CPU s taken by CPU r; each row written by CPU r only. */
static volatile uint32_t got[MAX_CPUS][MAX_CPUS][GIC_NR_SGIS];
static volatile uint32_t got_total[MAX_CPUS];
static volatile uint32_t bad_iar[MAX_CPUS]; /* an IAR naming no CPU, | 1 << 31 */

/* What got[][][] must hold, kept by CPU 0. */
static uint32_t want[MAX_CPUS][MAX_CPUS][GIC_NR_SGIS];

static uint8_t all_cpus(void)
{
	return (uint8_t)((1u << nr_cpus) - 1);
}

static void sgi_handler(uint32_t iar)
{
	unsigned cpu = this_cpu();
	unsigned src = GICC_IAR_CPUID(iar);
	unsigned sgi = GICC_IAR_INTID(iar);

	if (src >= nr_cpus) {
		bad_iar[cpu] = iar | 1u << 31;
		return;
	}
	got[cpu][src][sgi] = got[cpu][src][sgi] + 1;
	got_total[cpu] = got_total[cpu] + 1;
}

/* ---- What each CPU sends, run on it by smp_call() ----------------------- */

static void send_list(unsigned long arg)
{
	unsigned cpu = this_cpu();

	(void)arg;
	gic_send_sgi(SGI_NEIGHBOUR,
		     GICD_SGIR_FILTER_LIST | GICD_SGIR_TARGETS(1u << ((cpu + 1) % nr_cpus)));
	gic_send_sgi(SGI_LIST_ALL, GICD_SGIR_FILTER_LIST | GICD_SGIR_TARGETS(all_cpus()));
}

/* The target list is ignored with the other filters: make it say something else. */
static void send_others(unsigned long arg)
{
	(void)arg;
	gic_send_sgi(SGI_OTHERS, GICD_SGIR_FILTER_OTHERS | GICD_SGIR_TARGETS(0xff));
}

static void send_self(unsigned long arg)
{
	(void)arg;
	gic_send_sgi(SGI_SELF, GICD_SGIR_FILTER_SELF | GICD_SGIR_TARGETS(0xff));
}

static void send_gather(unsigned long arg)
{
	(void)arg;
	gic_send_sgi(SGI_GATHER, GICD_SGIR_FILTER_LIST | GICD_SGIR_TARGETS(1));
}

/* GICD_ISENABLER0 is banked: each CPU enables its own SGIs. */
static void enable_sgis(unsigned long arg)
{
	(void)arg;
	gicd_write(GICD_ISENABLER, 0xffff);
}

/* Runs fn on every CPU at once (CPU 0 too when self), and waits for all. */
static void run_everywhere(smp_call_fn fn, bool self)
{
	for (unsigned cpu = 1; cpu < nr_cpus; cpu++)
		smp_call_async(cpu, fn, 0);
	if (self)
		fn(0);
	for (unsigned cpu = 1; cpu < nr_cpus; cpu++)
		TEST_ASSERT(smp_call_wait(cpu, WAIT_MS), ERR_CALL, "cpu %u did not finish its call",
			    cpu);
}

/* ---- Checking what arrived ------------------------------------------------ */

static uint32_t want_total(unsigned r)
{
	uint32_t n = 0;

	for (unsigned s = 0; s < nr_cpus; s++)
		for (unsigned i = 0; i < GIC_NR_SGIS; i++)
			n += want[r][s][i];
	return n;
}

/* Waits for every receiver's expected count, then a little longer for extras. */
static void check_counts(const char *what)
{
	uint64_t deadline = deadline_ms(WAIT_MS);

	for (unsigned r = 0; r < nr_cpus; r++) {
		while (got_total[r] < want_total(r) && !deadline_passed(deadline))
			cpu_relax();
	}
	delay_us(SETTLE_MS * 1000);
	for (unsigned r = 0; r < nr_cpus; r++) {
		TEST_ASSERT(!bad_iar[r], ERR_BAD_SOURCE,
			    "%s: cpu %u acknowledged IAR 0x%x: source CPU %u does not exist", what,
			    r, bad_iar[r] & ~(1u << 31), GICC_IAR_CPUID(bad_iar[r]));
		TEST_ASSERT(got_total[r] >= want_total(r), ERR_TIMEOUT,
			    "%s: cpu %u took %u SGIs in %d ms, want %u", what, r, got_total[r],
			    WAIT_MS, want_total(r));
		for (unsigned s = 0; s < nr_cpus; s++) {
			for (unsigned i = 0; i < GIC_NR_SGIS; i++) {
				TEST_ASSERT(got[r][s][i] == want[r][s][i], ERR_COUNT,
					    "%s: cpu %u took SGI %u from cpu %u %u times, want %u",
					    what, r, i, s, got[r][s][i], want[r][s][i]);
			}
		}
	}
	printf("gic_sgi: %s: every CPU got what was sent, from the right source\n", what);
}

static void check_filters(void)
{
	run_everywhere(send_list, true);
	for (unsigned s = 0; s < nr_cpus; s++) {
		want[(s + 1) % nr_cpus][s][SGI_NEIGHBOUR]++;
		for (unsigned r = 0; r < nr_cpus; r++)
			want[r][s][SGI_LIST_ALL]++;
	}
	check_counts("target list");

	run_everywhere(send_others, true);
	for (unsigned s = 0; s < nr_cpus; s++)
		for (unsigned r = 0; r < nr_cpus; r++)
			want[r][s][SGI_OTHERS] += r != s;
	check_counts("all but self");

	run_everywhere(send_self, true);
	for (unsigned s = 0; s < nr_cpus; s++)
		want[s][s][SGI_SELF]++;
	check_counts("self");
}

/*
 * With CPU 0's IRQs masked, every other CPU sends it the same SGI: the
 * distributor keeps one pending state per source (GICD_SPENDSGIR shows
 * them all), and CPU 0 then acknowledges each once, with its source.
 */
static void check_per_source_pending(void)
{
	uint8_t others = all_cpus() & ~1u;
	uint8_t sources = 0;
	uint64_t deadline;

	local_irq_disable();
	run_everywhere(send_gather, false);
	/* The distributor may take a moment to forward the last one. */
	deadline = deadline_ms(WAIT_MS);
	while (sources != others && !deadline_passed(deadline))
		sources = gicd_read8(GICD_SPENDSGIR + SGI_GATHER);
	TEST_ASSERT(sources == others, ERR_SPENDSGIR,
		    "GICD_SPENDSGIR for SGI %u shows sources 0x%x, want 0x%x", SGI_GATHER, sources,
		    others);
	TEST_ASSERT(gic_irq_pending(SGI_GATHER), ERR_PENDING,
		    "GICD_ISPENDR0 does not show SGI %u pending", SGI_GATHER);
	local_irq_enable();
	for (unsigned s = 1; s < nr_cpus; s++)
		want[0][s][SGI_GATHER]++;
	check_counts("one pending state per source");
	TEST_ASSERT(!gic_irq_pending(SGI_GATHER), ERR_PENDING,
		    "SGI %u still pending after every source was taken", SGI_GATHER);
}

/* Bits for CPU interfaces that do not exist, and an empty list, reach nobody. */
static void check_no_such_cpu(void)
{
	if (nr_cpus < MAX_CPUS)
		gic_send_sgi(SGI_NOBODY, GICD_SGIR_FILTER_LIST | GICD_SGIR_TARGETS(~all_cpus()));
	gic_send_sgi(SGI_NOBODY, GICD_SGIR_FILTER_LIST | GICD_SGIR_TARGETS(0));
	check_counts("targets that do not exist");
	TEST_ASSERT(!gic_irq_pending(SGI_NOBODY), ERR_SPURIOUS_PENDING,
		    "SGI %u is pending on cpu 0 though nobody could be its target", SGI_NOBODY);
}

int test_main(void)
{
	unsigned bad;

	nr_cpus = testdev_nr_cpus();
	printf("gic_sgi: SGIs between %u CPUs\n", nr_cpus);
	TEST_ASSERT(nr_cpus >= 2 && nr_cpus <= MAX_CPUS, ERR_NR_CPUS,
		    "%u CPUs: run with 2 to %u (-c)", nr_cpus, MAX_CPUS);
	TEST_ASSERT(gic_nr_cpus() == nr_cpus, ERR_TYPER_CPUS,
		    "GICD_TYPER.CPUNumber says %u CPU interfaces, the VM has %u", gic_nr_cpus(),
		    nr_cpus);

	for (unsigned i = 0; i < GIC_NR_SGIS; i++)
		gic_handler_set(i, sgi_handler);
	gic_dist_init();
	gic_cpu_init();
	bad = gic_start_cpus(nr_cpus, WAIT_MS);
	TEST_ASSERT(!bad, ERR_START, "cpu %u did not start", bad);
	run_everywhere(enable_sgis, true);
	local_irq_enable();

	check_filters();
	check_per_source_pending();
	check_no_such_cpu();
	return 0;
}
