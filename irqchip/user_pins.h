/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vCPU IRQ pins of an interrupt controller in armlet (gicv2-user, rvic),
 * with no KVM in it. With KVM_CAP_ARM_USER_IRQ, KVM reports the timer and
 * PMU output levels in kvm_run's device_irq_level on each return to
 * userspace, and userspace drives each vCPU's IRQ input (KVM_IRQ_LINE,
 * CPU type). The backend supplies set_pin (that ioctl) and kick (make a
 * vCPU thread leave KVM_RUN); the model supplies its per-CPU output.
 *
 * A vCPU's pin is only ever driven by its own thread, from the model's
 * latest output, so two threads can never leave a stale level behind (the
 * later ioctl winning with an older value); KVM_IRQ_LINE may be called from
 * any thread, but that would need a lock held across the ioctl to keep the
 * order. Whatever changes a CPU's output sets that CPU's resync flag, then
 * kicks it unless the caller is that very vCPU (user_pins_notify()). The
 * vCPU thread clears its flag before it reads the output
 * (user_pins_sync()). So a change that lands after the read has set the
 * flag again and kicked: the kick, pending while the signal is blocked
 * outside KVM_RUN, makes the next KVM_RUN return at once, and the thread
 * syncs again. A vCPU blocked in WFI inside KVM_RUN is woken by the kick
 * alone, so nothing is lost and nothing polls.
 */
#ifndef ARMLET_USER_PINS_H
#define ARMLET_USER_PINS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * kvm_run's device_irq_level bits (KVM_ARM_DEV_EL1_VTIMER, _PTIMER,
 * KVM_ARM_DEV_PMU in include/uapi/linux/kvm.h), restated so this file
 * stays portable; the KVM backends check them against KVM's.
 */
#define USER_PINS_DEV_VTIMER (1u << 0)
#define USER_PINS_DEV_PTIMER (1u << 1)
#define USER_PINS_DEV_PMU    (1u << 2)

/* No pin level driven yet, or KVM may have changed it (a vCPU reset). */
#define USER_PINS_UNKNOWN (-1)

#define USER_PINS_MAX_CPUS 64

struct user_pin {
	uint64_t dev_level; /* device_irq_level as last fed in: own thread only */
	int pin;	    /* level last driven, or USER_PINS_UNKNOWN: own thread only */
	bool resync;	    /* atomic: the output may differ from pin */
};

struct user_pins {
	unsigned nr_cpus;
	struct user_pin cpu[USER_PINS_MAX_CPUS];
	/* Drives CPU cpu's IRQ pin to level; from cpu's own thread only. Returns -errno. */
	int (*set_pin)(void *ctx, unsigned cpu, bool level);
	/*
	 * Makes CPU cpu's thread leave KVM_RUN (or not enter it) and sync;
	 * any thread; a no-op for a vCPU not running (it syncs before it does).
	 */
	void (*kick)(void *ctx, unsigned cpu);
	void *ctx;
};

/* Every pin unknown and due a sync. nr_cpus 1..USER_PINS_MAX_CPUS, else -EINVAL. */
int user_pins_init(struct user_pins *p, unsigned nr_cpus,
		   int (*set_pin)(void *ctx, unsigned cpu, bool level),
		   void (*kick)(void *ctx, unsigned cpu), void *ctx);

/*
 * For a guest reset, with no vCPU thread running: every pin unknown
 * (KVM_ARM_VCPU_INIT may or may not lower it) and due a sync. dev_level
 * stays: it is what the lines hold, and the models keep their input lines
 * across a reset.
 */
void user_pins_reset(struct user_pins *p);

/*
 * The CPUs in changed (bit c: CPU c) must look at their output again: flag
 * first, then kick. self is the caller's own vCPU (or any value out of
 * range), which syncs before it enters KVM_RUN anyway. Any thread.
 */
void user_pins_notify(struct user_pins *p, uint64_t changed, unsigned self);

/*
 * From CPU cpu's own thread: feeds the bits of device_irq_level that
 * changed since the last call to set_line(model, cpu, intid, level) with
 * the line's INTID (virtual timer 27, physical timer 30, PMU 23), which
 * returns the CPUs whose output changed; notifies them.
 */
void user_pins_feed(struct user_pins *p, unsigned cpu, uint64_t device_irq_level,
		    uint64_t (*set_line)(void *model, unsigned cpu, unsigned intid, bool level),
		    void *model);

/*
 * From CPU cpu's own thread, before each KVM_RUN: if anything may have
 * changed its output since the last sync, reads output(model, cpu) and
 * drives the pin with set_pin() when it differs. Returns set_pin()'s
 * error, or -EINVAL for a bad cpu.
 */
int user_pins_sync(struct user_pins *p, unsigned cpu, bool (*output)(void *model, unsigned cpu),
		   void *model);

#endif
