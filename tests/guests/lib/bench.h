/*
 * What the benchmark guests (bench_gic, bench_exits) share: the GIC behind
 * a small ops table, so one measurement serves a GICv2 and a GICv3, and
 * the figures in the one format scripts/bench and the integration tests
 * read: "bench: NAME = median M ns (min m, max x, n samples)".
 */
#ifndef GUEST_BENCH_H
#define GUEST_BENCH_H

#include "guest.h"

struct bench_gic {
	const char *name;
	void (*dist_init)(void); /* CPU 0, once */
	void (*cpu_init)(void);	 /* each CPU, for itself */
	void (*private_enable)(unsigned intid);
	uint32_t (*ack)(void);
	void (*eoi)(uint32_t iar);
	void (*send_sgi)(unsigned sgi, unsigned cpu);
};

/*
 * Through lib/gicv2.h and lib/gicv3.h, at the bases those use; the rVIC's
 * through its hypercalls (lib/rvic.h), "private" meaning an IPI or a PPI
 * of the calling CPU, the EOI a RESAMPLE (level PPIs) and CLEAR_MASKED.
 */
extern const struct bench_gic bench_gic_v2, bench_gic_v3, bench_gic_rvic;

/*
 * One interrupt being timed, as the IRQ handler that took it reports it:
 * its entry time (the counter at the handler's entry), how long the EOI
 * took, and a flag the waiter clears before triggering the next.
 */
struct bench_irq {
	volatile uint32_t fired;
	volatile uint64_t entry, eoi_ticks;
};

/* Per-sample buffers of n entries each; done and eoi may be NULL (not kept). */
struct bench_samples {
	unsigned n;
	uint64_t *entry, *done, *eoi;
};

/*
 * In the IRQ handler, for the interrupt being timed: records entry (the
 * counter read first thing in the handler), ends iar through gic (timed)
 * and sets irq->fired.
 */
void bench_irq_done(const struct bench_gic *gic, uint32_t iar, struct bench_irq *irq,
		    uint64_t entry);

/*
 * s->n times: t0 = trigger(), then waits for irq->fired (failing the test
 * with code after BENCH_WAIT_MS); keeps entry - t0, the time from t0 to
 * the handler's end, and the EOI's ticks. PSTATE.I clear, the interrupt
 * enabled, the handler calling bench_irq_done().
 */
void bench_irq_run(uint64_t (*trigger)(void), struct bench_irq *irq, const struct bench_samples *s,
		   const char *what, uint32_t code);

/*
 * The virtual timer interrupt of the calling CPU, programmed for "now",
 * s->n times (bench_irq_run()); enables its PPI through gic and prints
 * "timer: program to handler entry", "... done (after EOI)" and, when kept,
 * "EOI (in the timer handler)". The handler stops the timer first.
 */
void bench_timer(const struct bench_gic *gic, struct bench_irq *irq, const struct bench_samples *s,
		 uint32_t code);

/*
 * rVIC only: n times, ACKNOWLEDGE + CLEAR_MASKED of an IPI (sgi) the
 * calling CPU SIGNALs itself, IRQs masked meanwhile: the rVIC's own cost
 * per interrupt, two hypercalls. Prints it as "rVIC ACKNOWLEDGE +
 * CLEAR_MASKED round trip".
 */
void bench_rvic_calls(unsigned sgi, uint64_t *samples, unsigned n);

#define BENCH_WAIT_MS 5000

/* Spins until *flag is set; fails the test with code after timeout_ms. */
void bench_wait_flag(volatile uint32_t *flag, uint64_t timeout_ms, uint32_t code, const char *what);

/* Sorts n counter-tick samples and prints their median, min and max in ns. */
void bench_report(const char *name, uint64_t *ticks, unsigned n);

#endif /* GUEST_BENCH_H */
