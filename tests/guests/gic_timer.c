/*
 * The EL1 virtual and physical timers through the GICv2, on each CPU in
 * turn: over NR_DEADLINES programmed deadlines the timer's PPI is taken
 * exactly once per deadline, never before it, and only on the CPU whose
 * timer it is; a timer with IMASK set, or with ENABLE clear, raises
 * nothing even though its deadline has passed (and is not pending at the
 * GIC), and fires as soon as it is unmasked or enabled.
 */
#include "gicv2.h"
#include "timer.h"

#define WAIT_MS	     5000
#define SETTLE_MS    50
#define MAX_CPUS     8
#define NR_DEADLINES 10
#define PERIOD_US    5000

enum {
	ERR_NR_CPUS = 1,
	ERR_START,
	ERR_CALL,
	ERR_WRONG_CPU,
	ERR_NOT_EXPIRED,
	ERR_EARLY,
	ERR_MISSED,
	ERR_EXTRA,
	ERR_MASKED_FIRED,
	ERR_MASKED_PENDING,
	ERR_ISTATUS,
	ERR_UNMASK,
	ERR_DISABLED_FIRED,
	ERR_ENABLE,
};

/* How the handler leaves the timer: re-armed for the next deadline, or stopped. */
enum handler_mode { MODE_REARM, MODE_STOP };

/* Per CPU, written by that CPU (in its handler) only, read by the checks on it. */
struct timer_log {
	volatile uint32_t count[2]; /* by enum timer_id */
	volatile uint32_t early;    /* taken before CVAL: count + 1 of the first */
	volatile uint64_t early_now, early_cval;
	volatile uint32_t not_expired; /* ISTATUS clear in the handler */
	volatile uint32_t wrong_cpu;   /* a handler on another CPU than the test runs on */
};

static unsigned nr_cpus;
static volatile unsigned running_cpu; /* whose timers are under test */
static volatile uint32_t handler_mode[2];
static volatile uint32_t deadlines_left[2];
static struct timer_log logs[MAX_CPUS];

static void timer_handler(enum timer_id t)
{
	unsigned cpu = this_cpu();
	struct timer_log *log = &logs[cpu];
	uint64_t now = timer_now(t);
	uint64_t cval = timer_cval(t);

	if (cpu != running_cpu)
		log->wrong_cpu = cpu + 1;
	if (!(timer_ctl(t) & TIMER_CTL_ISTATUS))
		log->not_expired = log->count[t] + 1;
	if ((int64_t)(now - cval) < 0 && !log->early) {
		log->early = log->count[t] + 1;
		log->early_now = now;
		log->early_cval = cval;
	}
	log->count[t] = log->count[t] + 1;
	/* The PPI is level: the timer must stop asserting it before the EOI. */
	if (handler_mode[t] == MODE_REARM && deadlines_left[t] > 1) {
		deadlines_left[t] = deadlines_left[t] - 1;
		timer_set_cval(t, cval + timer_ticks_us(PERIOD_US));
	} else {
		deadlines_left[t] = 0;
		timer_stop(t);
	}
}

static void vtimer_handler(uint32_t iar)
{
	(void)iar;
	timer_handler(TIMER_VIRT);
}

static void ptimer_handler(uint32_t iar)
{
	(void)iar;
	timer_handler(TIMER_PHYS);
}

/* Waits until count reaches n or WAIT_MS pass; then SETTLE_MS more for extras. */
static void wait_count(volatile uint32_t *count, uint32_t n, bool settle)
{
	uint64_t deadline = deadline_ms(WAIT_MS);

	while (*count < n && !deadline_passed(deadline))
		cpu_relax();
	if (settle)
		delay_us(SETTLE_MS * 1000);
}

/* NR_DEADLINES deadlines, PERIOD_US apart: one interrupt each, none early. */
static void check_deadlines(unsigned cpu, enum timer_id t)
{
	struct timer_log *log = &logs[cpu];
	uint32_t base = log->count[t];

	handler_mode[t] = MODE_REARM;
	deadlines_left[t] = NR_DEADLINES;
	dsb_sy();
	timer_arm(t, timer_now(t) + timer_ticks_us(PERIOD_US));
	wait_count(&log->count[t], base + NR_DEADLINES, false);
	/* Past the last deadline, with the timer stopped: anything more is extra. */
	delay_us(2 * PERIOD_US + SETTLE_MS * 1000);
	TEST_ASSERT(log->count[t] - base >= NR_DEADLINES, ERR_MISSED,
		    "cpu %u %s timer: %u interrupts for %u deadlines (%u ms each)", cpu,
		    timer_name(t), log->count[t] - base, NR_DEADLINES, PERIOD_US / 1000);
	TEST_ASSERT(log->count[t] - base == NR_DEADLINES, ERR_EXTRA,
		    "cpu %u %s timer: %u interrupts for %u deadlines", cpu, timer_name(t),
		    log->count[t] - base, NR_DEADLINES);
	TEST_ASSERT(!log->early, ERR_EARLY,
		    "cpu %u %s timer: interrupt %u taken at %lu, before its deadline %lu", cpu,
		    timer_name(t), log->early, log->early_now, log->early_cval);
	TEST_ASSERT(!log->not_expired, ERR_NOT_EXPIRED,
		    "cpu %u %s timer: ISTATUS clear in the handler of interrupt %u", cpu,
		    timer_name(t), log->not_expired);
}

/* Expired but masked (IMASK), or expired but disabled: silent until let go. */
static void check_quiet(unsigned cpu, enum timer_id t)
{
	struct timer_log *log = &logs[cpu];
	uint32_t base = log->count[t];

	handler_mode[t] = MODE_STOP;
	dsb_sy();
	timer_set_cval(t, timer_now(t));
	timer_set_ctl(t, TIMER_CTL_ENABLE | TIMER_CTL_IMASK);
	delay_us(SETTLE_MS * 1000);
	TEST_ASSERT(timer_ctl(t) & TIMER_CTL_ISTATUS, ERR_ISTATUS,
		    "cpu %u %s timer: expired and masked, but ISTATUS is clear", cpu,
		    timer_name(t));
	TEST_ASSERT(log->count[t] == base, ERR_MASKED_FIRED,
		    "cpu %u %s timer: an interrupt with IMASK set", cpu, timer_name(t));
	TEST_ASSERT(!gic_irq_pending(timer_intid(t)), ERR_MASKED_PENDING,
		    "cpu %u %s timer: PPI %u pending at the GIC with IMASK set", cpu, timer_name(t),
		    timer_intid(t));
	timer_set_ctl(t, TIMER_CTL_ENABLE);
	wait_count(&log->count[t], base + 1, true);
	TEST_ASSERT(log->count[t] == base + 1, ERR_UNMASK,
		    "cpu %u %s timer: %u interrupts once unmasked, want 1", cpu, timer_name(t),
		    log->count[t] - base);

	timer_set_ctl(t, 0);
	timer_set_cval(t, timer_now(t));
	delay_us(SETTLE_MS * 1000);
	TEST_ASSERT(log->count[t] == base + 1, ERR_DISABLED_FIRED,
		    "cpu %u %s timer: an interrupt with ENABLE clear", cpu, timer_name(t));
	TEST_ASSERT(!gic_irq_pending(timer_intid(t)), ERR_MASKED_PENDING,
		    "cpu %u %s timer: PPI %u pending at the GIC with ENABLE clear", cpu,
		    timer_name(t), timer_intid(t));
	timer_set_ctl(t, TIMER_CTL_ENABLE);
	wait_count(&log->count[t], base + 2, true);
	TEST_ASSERT(log->count[t] == base + 2, ERR_ENABLE,
		    "cpu %u %s timer: %u interrupts once enabled, want 1", cpu, timer_name(t),
		    log->count[t] - base - 1);
}

/* Runs on the CPU under test, IRQs unmasked; PPIs are banked, so it enables its own. */
static void check_cpu(unsigned long arg)
{
	unsigned cpu = this_cpu();

	(void)arg;
	for (enum timer_id t = TIMER_VIRT; t <= TIMER_PHYS; t++) {
		timer_stop(t);
		gic_irq_enable(timer_intid(t));
	}
	for (enum timer_id t = TIMER_VIRT; t <= TIMER_PHYS; t++) {
		check_deadlines(cpu, t);
		check_quiet(cpu, t);
	}
	for (enum timer_id t = TIMER_VIRT; t <= TIMER_PHYS; t++)
		gic_irq_disable(timer_intid(t));
}

static void check_others_quiet(unsigned cpu)
{
	for (unsigned c = 0; c < nr_cpus; c++) {
		TEST_ASSERT(!logs[c].wrong_cpu, ERR_WRONG_CPU,
			    "cpu %u took a timer interrupt while cpu %u's timers were tested", c,
			    cpu);
	}
}

int test_main(void)
{
	unsigned bad;

	nr_cpus = testdev_nr_cpus();
	printf("gic_timer: virtual and physical timers, %u CPUs, CNTFRQ %lu Hz\n", nr_cpus,
	       counter_freq());
	TEST_ASSERT(nr_cpus >= 1 && nr_cpus <= MAX_CPUS, ERR_NR_CPUS, "%u CPUs: run with 1 to %u",
		    nr_cpus, MAX_CPUS);
	gic_handler_set(timer_intid(TIMER_VIRT), vtimer_handler);
	gic_handler_set(timer_intid(TIMER_PHYS), ptimer_handler);
	gic_dist_init();
	gic_cpu_init();
	bad = gic_start_cpus(nr_cpus, WAIT_MS);
	TEST_ASSERT(!bad, ERR_START, "cpu %u did not start", bad);
	local_irq_enable();

	for (unsigned cpu = 0; cpu < nr_cpus; cpu++) {
		running_cpu = cpu;
		dsb_sy();
		if (cpu == 0)
			check_cpu(0);
		else
			TEST_ASSERT(smp_call(cpu, check_cpu, 0, 60000), ERR_CALL,
				    "cpu %u did not finish its timer checks", cpu);
		check_others_quiet(cpu);
		printf("gic_timer: cpu %u: %u deadlines each, one interrupt per deadline; "
		       "masked and disabled timers silent\n",
		       cpu, NR_DEADLINES);
	}
	return 0;
}
