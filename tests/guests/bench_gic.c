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

#define WAIT_MS 5000
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

/* The rVIC has no distributor to set up: each CPU enables itself. */
static void rv_dist_init(void)
{
}

static void rv_cpu_init(void)
{
	rvic_call(RVIC_FN(RVIC_ENABLE), 0, 0, 0, NULL);
}

static void rv_private_enable(unsigned intid)
{
	rvic_call(RVIC_FN(RVIC_CLEAR_MASKED), rvic_self(), intid, 0, NULL);
}

/* As an IAR: NO_INTERRUPTS and the like read as spurious. */
static uint32_t rv_ack(void)
{
	int intid = rvic_ack();

	return intid < 0 ? 1023 : (uint32_t)intid;
}

/* A level interrupt (the timer) is resampled before it is unmasked. */
static void rv_eoi(uint32_t intid)
{
	if (intid < RVIC_NR_TRUSTED && intid >= 16)
		rvic_call(RVIC_FN(RVIC_RESAMPLE), intid, 0, 0, NULL);
	rvic_call(RVIC_FN(RVIC_CLEAR_MASKED), rvic_self(), intid, 0, NULL);
}

static void rv_send_sgi(unsigned sgi, unsigned cpu)
{
	rvic_call(RVIC_FN(RVIC_SIGNAL), cpu_mpidr(cpu) & MPIDR_AFF_MASK, sgi, 0, NULL);
}

static const struct bench_gic gic_rvic = {
	.name = "rvic",
	.dist_init = rv_dist_init,
	.cpu_init = rv_cpu_init,
	.private_enable = rv_private_enable,
	.ack = rv_ack,
	.eoi = rv_eoi,
	.send_sgi = rv_send_sgi,
};

static const struct bench_gic *gic;

/* Set by the handler on the CPU that took the interrupt, cleared by the waiter. */
static volatile uint32_t timer_fired, sgi_fired;
static volatile uint64_t timer_entry, sgi_entry;
static volatile uint32_t ticks_left, ticks_taken;
static volatile uint32_t spurious[NR_BENCH_CPUS]; /* each written by its own CPU */
static volatile uint32_t cpu_up[NR_BENCH_CPUS], wfi_stop, ticks_done;

static uint64_t samples[SAMPLES], samples_rt[SAMPLES];

static void on_timer(unsigned cpu)
{
	if (cpu == CPU_TICKS) {
		ticks_taken = ticks_taken + 1;
		if (--ticks_left) {
			timer_set_cval(TIMER_VIRT,
				       timer_cval(TIMER_VIRT) + timer_ticks_us(TICK_US));
			return;
		}
		timer_stop(TIMER_VIRT);
		smp_flag_set(&ticks_done, 1);
		return;
	}
	timer_stop(TIMER_VIRT);
	timer_fired = 1;
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
	if (intid == GIC_PPI_VIRT_TIMER) {
		timer_entry = entry;
		on_timer(cpu);
	} else if (intid == SGI_BENCH) {
		sgi_entry = entry;
		sgi_fired = 1;
	}
	gic->eoi(iar);
}

static void wait_flag(volatile uint32_t *flag, const char *what)
{
	bench_wait_flag(flag, WAIT_MS, ERR_TIMEOUT, what);
}

/* CPU 0: the virtual timer set to fire at once, SAMPLES times. */
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
	}
	bench_report("timer program to handler entry", samples, SAMPLES);
	bench_report("timer program to handler done (after EOI)", samples_rt, SAMPLES);
}

/* rVIC only: ACKNOWLEDGE + CLEAR_MASKED of a self-SIGNALled IPI, IRQs masked. */
static void bench_rvic_calls(void)
{
	local_irq_disable();
	for (unsigned i = 0; i < SAMPLES; i++) {
		uint64_t t0;

		rv_send_sgi(SGI_BENCH, 0);
		t0 = counter_read();
		rv_eoi(rv_ack());
		samples[i] = counter_read() - t0;
	}
	local_irq_enable();
	bench_report("ACKNOWLEDGE + CLEAR_MASKED round trip", samples, SAMPLES);
}

/* CPU 1's loop for the WFI variant: sleep until told to stop. */
static void idle_wfi(unsigned long arg)
{
	(void)arg;
	while (!wfi_stop)
		wfi();
}

static void bench_ipi(bool wfi_receiver)
{
	if (wfi_receiver)
		smp_call_async(CPU_IPI, idle_wfi, 0);
	for (unsigned i = 0; i < SAMPLES; i++) {
		uint64_t t0;

		if (wfi_receiver)
			delay_us(WFI_SETTLE_US);
		sgi_fired = 0;
		t0 = counter_read();
		gic->send_sgi(SGI_BENCH, CPU_IPI);
		wait_flag(&sgi_fired, "IPI");
		samples[i] = sgi_entry - t0;
	}
	if (wfi_receiver) {
		wfi_stop = 1;
		gic->send_sgi(SGI_BENCH, CPU_IPI); /* out of WFI, to see the stop */
		TEST_ASSERT(smp_call_wait(CPU_IPI, WAIT_MS), ERR_TIMEOUT, "cpu %u stuck in WFI",
			    CPU_IPI);
	}
	bench_report(wfi_receiver ? "IPI send to handler entry (receiver in WFI)"
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
	gic = rvic_present() ? &gic_rvic : gicv3_present() ? &bench_gic_v3 : &bench_gic_v2;
	printf("bench: gic = %s, CNTFRQ %lu Hz\n", gic->name, counter_freq());
	exception_handler_set(EXC_IRQ, bench_irq);
	gic->dist_init();
	gic->cpu_init();
	local_irq_enable();

	bench_timer();
	if (gic == &gic_rvic) {
		gic->private_enable(SGI_BENCH);
		bench_rvic_calls();
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
