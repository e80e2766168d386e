/*
 * Interrupt micro-benchmarks for the figures of the closing note; nothing
 * here is a pass/fail check beyond "the interrupts arrived". Run with 3
 * CPUs under a GICv2 (gicv2-user, gicv2) or a GICv3 (gicv3): the GIC is
 * told apart by its ID registers.
 *
 *  - Timer interrupt round trip, CPU 0: program the virtual timer for
 *    "now" and measure, in counter ticks, to the IRQ exception's entry
 *    (before GICC_IAR) and to the return from the handler (after the EOI).
 *  - IPI latency, CPU 0 to CPU 1: from just before the SGI is sent to the
 *    IRQ exception's entry on CPU 1, with CPU 1 spinning (both vCPUs busy:
 *    in a nested harness on few host cores this includes waiting for the
 *    host to run the receiver), then asleep in WFI.
 *  - Timer ticks for exits per tick: CPU 2 does nothing but set up its
 *    GIC interface and take TICKS periodic virtual-timer interrupts, so
 *    armlet's --stats exits of vCPU 2 divided by TICKS are the exits per
 *    tick (plus a few of set-up, under 1 % here). The guest cannot count
 *    exits; the harness reads them.
 *
 * Under --irqchip=rvic (told apart by the rVIC answering VERSION) the same
 * figures come through hypercalls: ENABLE, CLEAR_MASKED, SIGNAL,
 * ACKNOWLEDGE, RESAMPLE; and one more, the round trip of an
 * ACKNOWLEDGE + CLEAR_MASKED pair, the rVIC's cost per interrupt.
 *
 * Each figure is printed as "bench: NAME = median M ns (min m, max x, n
 * samples)", for the harness to pick up.
 */
#include "bench.h"
#include "gicv2.h"
#include "gicv3.h"
#include "rvic.h"
#include "timer.h"

#define WAIT_MS BENCH_WAIT_MS
#define SAMPLES 200
#define TICKS	200
#define TICK_US 2000
/*
 * Before each SGI of the WFI variant: long enough for CPU 1 to be back in
 * WFI and past KVM's halt polling (halt_poll_ns, 500 us by default), so
 * every sample wakes a vCPU thread that really slept, whichever the GIC.
 */
#define WFI_SETTLE_US 2000
#define SGI_BENCH     1
#define CPU_IPI	      1
#define CPU_TICKS     2
#define NR_BENCH_CPUS 3

enum { ERR_NR_CPUS = 1, ERR_START, ERR_TIMEOUT };

static const struct bench_gic *gic;

/* Set by the handler on the CPU that took the interrupt, cleared by the waiter. */
static struct bench_irq timer_irq, sgi_irq;
static bool wfi_receiver;
static volatile uint32_t ticks_left, ticks_taken;
static volatile uint32_t spurious[NR_BENCH_CPUS]; /* each written by its own CPU */
static volatile uint32_t cpu_up[NR_BENCH_CPUS], wfi_stop, ticks_done;

static uint64_t samples[SAMPLES], samples_rt[SAMPLES];
static const struct bench_samples timer_samples = { SAMPLES, samples, samples_rt, NULL };

/* CPU 2's periodic tick; false when the interrupt is not one of those. */
static bool on_tick(unsigned cpu)
{
	if (cpu != CPU_TICKS)
		return false;
	ticks_taken = ticks_taken + 1;
	if (--ticks_left) {
		timer_set_cval(TIMER_VIRT, timer_cval(TIMER_VIRT) + timer_ticks_us(TICK_US));
		return true;
	}
	timer_stop(TIMER_VIRT);
	smp_flag_set(&ticks_done, 1);
	return true;
}

static void bench_irq(struct exc_frame *frame)
{
	uint64_t entry = counter_read();
	unsigned cpu = this_cpu();
	uint32_t iar = gic->ack();
	unsigned intid = iar & 0x3ff;

	(void)frame;
	if (intid >= GIC_MAX_INTID) {
		spurious[cpu] = spurious[cpu] + 1;
		return;
	}
	if (intid == GIC_PPI_VIRT_TIMER && !on_tick(cpu)) {
		timer_stop(TIMER_VIRT);
		bench_irq_done(gic, iar, &timer_irq, entry);
		return;
	}
	if (intid == SGI_BENCH && cpu == CPU_IPI) {
		bench_irq_done(gic, iar, &sgi_irq, entry);
		return;
	}
	gic->eoi(iar);
}

static void wait_flag(volatile uint32_t *flag, const char *what)
{
	bench_wait_flag(flag, WAIT_MS, ERR_TIMEOUT, what);
}

/* CPU 1's loop for the WFI variant: sleep until told to stop. */
static void idle_wfi(unsigned long arg)
{
	(void)arg;
	while (!wfi_stop)
		wfi();
}

/* CPU 0 to CPU 1; with CPU 1 in WFI, after it has had time to fall asleep. */
static uint64_t sgi_trigger(void)
{
	uint64_t t0;

	if (wfi_receiver)
		delay_us(WFI_SETTLE_US);
	t0 = counter_read();
	gic->send_sgi(SGI_BENCH, CPU_IPI);
	return t0;
}

static void bench_ipi(bool wfi)
{
	const struct bench_samples s = { SAMPLES, samples, NULL, NULL };

	wfi_receiver = wfi;
	if (wfi)
		smp_call_async(CPU_IPI, idle_wfi, 0);
	bench_irq_run(sgi_trigger, &sgi_irq, &s, "IPI", ERR_TIMEOUT);
	if (wfi) {
		wfi_stop = 1;
		gic->send_sgi(SGI_BENCH, CPU_IPI); /* out of WFI, to see the stop */
		TEST_ASSERT(smp_call_wait(CPU_IPI, WAIT_MS), ERR_TIMEOUT, "cpu %u stuck in WFI",
			    CPU_IPI);
	}
	bench_report(wfi ? "IPI send to handler entry (receiver in WFI)"
			 : "IPI send to handler entry (receiver spinning)",
		     samples, SAMPLES);
}

static void ipi_cpu(unsigned cpu)
{
	gic->cpu_init();
	gic->private_enable(SGI_BENCH);
	local_irq_enable();
	smp_flag_set(&cpu_up[cpu], 1);
	smp_serve(cpu);
}

/* CPU 2: set-up, TICKS ticks, nothing else; it parks (IRQs masked) when done. */
static void ticks_cpu(unsigned cpu)
{
	gic->cpu_init();
	gic->private_enable(GIC_PPI_VIRT_TIMER);
	smp_flag_set(&cpu_up[cpu], 1);
	ticks_left = TICKS;
	local_irq_enable();
	timer_arm(TIMER_VIRT, timer_now(TIMER_VIRT) + timer_ticks_us(TICK_US));
	while (!ticks_done)
		wfi();
	local_irq_disable();
}

static void start(unsigned cpu, cpu_entry_fn fn)
{
	int ret = cpu_on(cpu, fn);

	TEST_ASSERT(ret == PSCI_RET_SUCCESS, ERR_START, "CPU_ON(%u): %d %s", cpu, ret,
		    psci_ret_name(ret));
	TEST_ASSERT(smp_flag_wait(&cpu_up[cpu], 1, WAIT_MS), ERR_START, "cpu %u did not start",
		    cpu);
}

int test_main(void)
{
	unsigned nr = testdev_nr_cpus();
	uint64_t t0;

	TEST_ASSERT(nr == NR_BENCH_CPUS, ERR_NR_CPUS, "run with -c %u (have %u)", NR_BENCH_CPUS,
		    nr);
	gic = rvic_present() ? &bench_gic_rvic : gicv3_present() ? &bench_gic_v3 : &bench_gic_v2;
	printf("bench: gic = %s, CNTFRQ %lu Hz\n", gic->name, counter_freq());
	exception_handler_set(EXC_IRQ, bench_irq);
	gic->dist_init();
	gic->cpu_init();
	local_irq_enable();

	/* CPU 0: the virtual timer set to fire at once, SAMPLES times. */
	bench_timer(gic, &timer_irq, &timer_samples, ERR_TIMEOUT);
	if (gic == &bench_gic_rvic) {
		gic->private_enable(SGI_BENCH);
		bench_rvic_calls(SGI_BENCH, samples, SAMPLES);
	}
	start(CPU_IPI, ipi_cpu);
	bench_ipi(false);
	bench_ipi(true);

	t0 = counter_read();
	start(CPU_TICKS, ticks_cpu);
	wait_flag(&ticks_done, "ticks");
	printf("bench: ticks on cpu %u = %u (every %u us, %lu us in all)\n", CPU_TICKS, ticks_taken,
	       TICK_US, timer_ticks_to_ns(counter_read() - t0) / 1000);
	printf("bench: spurious acknowledges = %u\n", spurious[0] + spurious[1] + spurious[2]);
	return 0;
}
