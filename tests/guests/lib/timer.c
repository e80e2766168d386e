/* The EL1 virtual and physical timers, by system register. */
#include "timer.h"

const char *timer_name(enum timer_id t)
{
	return t == TIMER_VIRT ? "virtual" : "physical";
}

unsigned timer_intid(enum timer_id t)
{
	return t == TIMER_VIRT ? 27 : 30;
}

uint64_t timer_now(enum timer_id t)
{
	isb();
	return t == TIMER_VIRT ? read_sysreg(cntvct_el0) : read_sysreg(cntpct_el0);
}

uint64_t timer_cval(enum timer_id t)
{
	return t == TIMER_VIRT ? read_sysreg(cntv_cval_el0) : read_sysreg(cntp_cval_el0);
}

void timer_set_cval(enum timer_id t, uint64_t cval)
{
	if (t == TIMER_VIRT)
		write_sysreg(cntv_cval_el0, cval);
	else
		write_sysreg(cntp_cval_el0, cval);
}

uint32_t timer_ctl(enum timer_id t)
{
	isb();
	return (uint32_t)(t == TIMER_VIRT ? read_sysreg(cntv_ctl_el0) : read_sysreg(cntp_ctl_el0));
}

void timer_set_ctl(enum timer_id t, uint32_t ctl)
{
	if (t == TIMER_VIRT)
		write_sysreg(cntv_ctl_el0, ctl);
	else
		write_sysreg(cntp_ctl_el0, ctl);
	isb();
}

void timer_arm(enum timer_id t, uint64_t cval)
{
	timer_set_cval(t, cval);
	isb(); /* the new CVAL is compared before ENABLE can make the old one fire */
	timer_set_ctl(t, TIMER_CTL_ENABLE);
}

void timer_stop(enum timer_id t)
{
	timer_set_ctl(t, 0);
}

uint64_t timer_ticks_us(uint64_t us)
{
	return counter_freq() * us / 1000000;
}

uint64_t timer_ticks_to_ns(uint64_t ticks)
{
	uint64_t freq = counter_freq();

	/* Split so a long interval cannot overflow the product. */
	return ticks / freq * 1000000000 + ticks % freq * 1000000000 / freq;
}
