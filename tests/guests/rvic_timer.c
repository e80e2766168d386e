/*
 * The virtual timer through the rVIC's trusted INTID 27 (a level line):
 *  - over NR_DEADLINES deadlines, each taken exactly once and never early,
 *    the handler moving CVAL on, then RESAMPLE (line low: nothing) and
 *    CLEAR_MASKED;
 *  - a handler that leaves the line high: RESAMPLE re-pends it, so it is
 *    taken again, until the handler stops the timer (exactly REPEATS);
 *  - masked (SET_MASKED) when the deadline passes: not taken, but pending;
 *    taken once CLEAR_MASKED.
 */
#include "rvic.h"
#include "timer.h"

#define WAIT_MS	     5000
#define SETTLE_MS    50
#define NR_DEADLINES 10
#define PERIOD_US    5000
#define REPEATS	     3

enum { ERR_EARLY = 1, ERR_COUNT, ERR_BAD, ERR_MASKED, ERR_REPEAT };

enum mode { MODE_REARM, MODE_LEAVE, MODE_STOP };

static volatile uint32_t mode, count, early, bad, left;

static void timer_irq(struct exc_frame *frame)
{
	int intid = rvic_ack();

	(void)frame;
	if (intid != RVIC_INTID_VTIMER) {
		bad = bad + 1;
		return;
	}
	count = count + 1;
	if (timer_now(TIMER_VIRT) < timer_cval(TIMER_VIRT))
		early = early + 1;
	if (mode == MODE_REARM && --left)
		timer_set_cval(TIMER_VIRT, timer_cval(TIMER_VIRT) + timer_ticks_us(PERIOD_US));
	else if (mode == MODE_REARM || mode == MODE_STOP || count >= REPEATS)
		timer_stop(TIMER_VIRT);
	/* The EOI of a level interrupt: pend again if still high, then unmask. */
	rvic_call(RVIC_FN(RVIC_RESAMPLE), RVIC_INTID_VTIMER, 0, 0, NULL);
	rvic_call(RVIC_FN(RVIC_CLEAR_MASKED), rvic_self(), RVIC_INTID_VTIMER, 0, NULL);
}

static void wait_count(uint32_t want)
{
	uint64_t deadline = deadline_ms(WAIT_MS);

	while (count < want && !deadline_passed(deadline))
		wfi();
	delay_us(SETTLE_MS * 1000);
}

static void check_deadlines(void)
{
	mode = MODE_REARM;
	count = 0;
	left = NR_DEADLINES;
	timer_arm(TIMER_VIRT, timer_now(TIMER_VIRT) + timer_ticks_us(PERIOD_US));
	wait_count(NR_DEADLINES);
	TEST_ASSERT(!early, ERR_EARLY, "%u interrupts before the deadline", early);
	TEST_ASSERT(count == NR_DEADLINES, ERR_COUNT, "%u interrupts for %d deadlines", count,
		    NR_DEADLINES);
	printf("rvic_timer: %d deadlines, %u interrupts\n", NR_DEADLINES, count);
}

static void check_resample_high(void)
{
	mode = MODE_LEAVE;
	count = 0;
	timer_arm(TIMER_VIRT, timer_now(TIMER_VIRT));
	wait_count(REPEATS);
	TEST_ASSERT(count == REPEATS, ERR_REPEAT,
		    "line left high: %u interrupts (RESAMPLE should re-pend until stopped, %d)",
		    count, REPEATS);
	printf("rvic_timer: line left high, RESAMPLE re-pended it: %u interrupts\n", count);
}

static void check_masked(void)
{
	unsigned long pending;

	mode = MODE_STOP;
	count = 0;
	rvic_call(RVIC_FN(RVIC_SET_MASKED), rvic_self(), RVIC_INTID_VTIMER, 0, NULL);
	timer_arm(TIMER_VIRT, timer_now(TIMER_VIRT));
	delay_us(SETTLE_MS * 1000);
	TEST_ASSERT(count == 0, ERR_MASKED, "taken %u times while masked", count);
	rvic_call(RVIC_FN(RVIC_IS_PENDING), rvic_self(), RVIC_INTID_VTIMER, 0, &pending);
	TEST_ASSERT(pending == 1, ERR_MASKED, "masked and past its deadline, but not pending");
	rvic_call(RVIC_FN(RVIC_CLEAR_MASKED), rvic_self(), RVIC_INTID_VTIMER, 0, NULL);
	wait_count(1);
	TEST_ASSERT(count == 1, ERR_MASKED, "unmasked: %u interrupts (want 1)", count);
	printf("rvic_timer: masked, pending, then taken once unmasked\n");
}

int test_main(void)
{
	exception_handler_set(EXC_IRQ, timer_irq);
	rvic_call(RVIC_FN(RVIC_ENABLE), 0, 0, 0, NULL);
	rvic_call(RVIC_FN(RVIC_CLEAR_MASKED), rvic_self(), RVIC_INTID_VTIMER, 0, NULL);
	local_irq_enable();
	check_deadlines();
	check_resample_high();
	check_masked();
	TEST_ASSERT(!bad, ERR_BAD, "%u unexpected acknowledges", bad);
	return 0;
}
