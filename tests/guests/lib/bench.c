/* The benchmark guests' shared half (lib/bench.h). */
#include "bench.h"
#include "gicv2.h"
#include "gicv3.h"
#include "rvic.h"
#include "timer.h"

static void v2_private_enable(unsigned intid)
{
	gic_irq_enable(intid);
}

static void v2_send_sgi(unsigned sgi, unsigned cpu)
{
	gic_send_sgi(sgi, GICD_SGIR_FILTER_LIST | GICD_SGIR_TARGETS(1u << cpu));
}

static uint32_t v2_ack(void)
{
	return gic_ack();
}

static void v2_eoi(uint32_t iar)
{
	gic_eoi(iar);
}

const struct bench_gic bench_gic_v2 = {
	.name = "gicv2",
	.dist_init = gic_dist_init,
	.cpu_init = gic_cpu_init,
	.private_enable = v2_private_enable,
	.ack = v2_ack,
	.eoi = v2_eoi,
	.send_sgi = v2_send_sgi,
};

const struct bench_gic bench_gic_v3 = {
	.name = "gicv3",
	.dist_init = gicv3_dist_init,
	.cpu_init = gicv3_cpu_init,
	.private_enable = gicv3_private_enable,
	.ack = gicv3_ack,
	.eoi = gicv3_eoi,
	.send_sgi = gicv3_send_sgi,
};

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

const struct bench_gic bench_gic_rvic = {
	.name = "rvic",
	.dist_init = rv_dist_init,
	.cpu_init = rv_cpu_init,
	.private_enable = rv_private_enable,
	.ack = rv_ack,
	.eoi = rv_eoi,
	.send_sgi = rv_send_sgi,
};

void bench_wait_flag(volatile uint32_t *flag, uint64_t timeout_ms, uint32_t code, const char *what)
{
	uint64_t deadline = deadline_ms(timeout_ms);

	while (!*flag) {
		TEST_ASSERT(!deadline_passed(deadline), code, "%s: nothing in %lu ms", what,
			    (unsigned long)timeout_ms);
		cpu_relax();
	}
}

static void sort(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

void bench_report(const char *name, uint64_t *v, unsigned n)
{
	sort(v, n);
	printf("bench: %s = median %lu ns (min %lu, max %lu, %u samples)\n", name,
	       timer_ticks_to_ns(v[n / 2]), timer_ticks_to_ns(v[0]), timer_ticks_to_ns(v[n - 1]),
	       n);
}

void bench_irq_done(const struct bench_gic *gic, uint32_t iar, struct bench_irq *irq,
		    uint64_t entry)
{
	uint64_t t = counter_read();

	gic->eoi(iar);
	irq->eoi_ticks = counter_read() - t;
	irq->entry = entry;
	irq->fired = 1;
}

void bench_irq_run(uint64_t (*trigger)(void), struct bench_irq *irq, const struct bench_samples *s,
		   const char *what, uint32_t code)
{
	for (unsigned i = 0; i < s->n; i++) {
		uint64_t t0;

		irq->fired = 0;
		t0 = trigger();
		bench_wait_flag(&irq->fired, BENCH_WAIT_MS, code, what);
		if (s->done)
			s->done[i] = counter_read() - t0;
		s->entry[i] = irq->entry - t0;
		if (s->eoi)
			s->eoi[i] = irq->eoi_ticks;
	}
}

/* The virtual timer set to fire at once; t0 is the counter it compares with. */
static uint64_t timer_trigger(void)
{
	uint64_t t0 = timer_now(TIMER_VIRT);

	timer_arm(TIMER_VIRT, t0);
	return t0;
}

void bench_timer(const struct bench_gic *gic, struct bench_irq *irq, const struct bench_samples *s,
		 uint32_t code)
{
	gic->private_enable(GIC_PPI_VIRT_TIMER);
	bench_irq_run(timer_trigger, irq, s, "timer", code);
	bench_report("timer: program to handler entry", s->entry, s->n);
	if (s->done)
		bench_report("timer: program to handler done (after EOI)", s->done, s->n);
	if (s->eoi)
		bench_report("EOI (in the timer handler)", s->eoi, s->n);
}

void bench_rvic_calls(unsigned sgi, uint64_t *samples, unsigned n)
{
	local_irq_disable();
	for (unsigned i = 0; i < n; i++) {
		uint64_t t0;

		rv_send_sgi(sgi, this_cpu());
		t0 = counter_read();
		rv_eoi(rv_ack());
		samples[i] = counter_read() - t0;
	}
	local_irq_enable();
	bench_report("rVIC ACKNOWLEDGE + CLEAR_MASKED round trip", samples, n);
}
