/* The benchmark guests' shared half (lib/bench.h). */
#include "bench.h"
#include "gicv2.h"
#include "gicv3.h"
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
