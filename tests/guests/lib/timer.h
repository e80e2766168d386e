/*
 * The EL1 virtual and physical timers (Arm ARM D11, "The Generic Timer").
 *
 * A guest at EL1 under KVM has both: CNTV_* and CNTP_* (KVM runs the
 * physical one for the guest, directly or trapped and emulated). Each is a
 * level-sensitive PPI per CPU: asserted while ENABLE is set, IMASK clear
 * and the counter has reached CVAL. So a handler must move CVAL on, set
 * IMASK or clear ENABLE before it ends the interrupt, or take it again.
 */
#ifndef GUEST_TIMER_H
#define GUEST_TIMER_H

#include "guest.h"

enum timer_id { TIMER_VIRT, TIMER_PHYS };

#define TIMER_CTL_ENABLE  (1u << 0)
#define TIMER_CTL_IMASK	  (1u << 1)
#define TIMER_CTL_ISTATUS (1u << 2) /* RO: the condition is met (UNKNOWN while disabled) */

/* "virtual" or "physical". */
const char *timer_name(enum timer_id t);
/* Its PPI: 27 (virtual) or 30 (physical), as armlet's device tree says. */
unsigned timer_intid(enum timer_id t);

/* The counter the timer compares with: CNTVCT_EL0 or CNTPCT_EL0, after earlier code. */
uint64_t timer_now(enum timer_id t);
uint64_t timer_cval(enum timer_id t);
void timer_set_cval(enum timer_id t, uint64_t cval);
uint32_t timer_ctl(enum timer_id t);
/* Writes CNTx_CTL_EL0, then an ISB so the new setting is in force on return. */
void timer_set_ctl(enum timer_id t, uint32_t ctl);

/* Fire at counter value cval: CVAL first, then ENABLE with IMASK clear. */
void timer_arm(enum timer_id t, uint64_t cval);
/* ENABLE and IMASK clear: the timer asserts nothing. */
void timer_stop(enum timer_id t);

/* Counter ticks in us microseconds (CNTFRQ_EL0). */
uint64_t timer_ticks_us(uint64_t us);
/* Nanoseconds in ticks counter ticks. */
uint64_t timer_ticks_to_ns(uint64_t ticks);

#endif /* GUEST_TIMER_H */
