/* Time from the generic counter, for timeouts and delays. */
#include "guest.h"

uint64_t counter_read(void)
{
	/* Without the ISB the counter may be read before earlier code ran. */
	isb();
	return read_sysreg(cntvct_el0);
}

uint64_t counter_freq(void)
{
	uint64_t freq = read_sysreg(cntfrq_el0);

	/*
	 * Unset CNTFRQ: assume 1 GHz, the fastest architected rate, so a
	 * timeout can only come late, never early.
	 */
	return freq ? freq : 1000000000;
}

uint64_t deadline_ms(uint64_t ms)
{
	return counter_read() + counter_freq() * ms / 1000;
}

bool deadline_passed(uint64_t deadline)
{
	return (int64_t)(counter_read() - deadline) >= 0;
}

void delay_us(uint64_t us)
{
	uint64_t end = counter_read() + counter_freq() * us / 1000000;

	while (!deadline_passed(end))
		cpu_relax();
}
