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

/* Through lib/gicv2.h and lib/gicv3.h, at the bases those use. */
extern const struct bench_gic bench_gic_v2, bench_gic_v3;

/* Spins until *flag is set; fails the test with code after timeout_ms. */
void bench_wait_flag(volatile uint32_t *flag, uint64_t timeout_ms, uint32_t code, const char *what);

/* Sorts n counter-tick samples and prints their median, min and max in ns. */
void bench_report(const char *name, uint64_t *ticks, unsigned n);

#endif /* GUEST_BENCH_H */
