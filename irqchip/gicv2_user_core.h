/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The portable core of the gicv2-user model: the userspace GICv2
 * (gicv2_model.h) wired to a machine's vCPUs, with no KVM in it. The KVM
 * backend (gicv2_user.c) supplies two callbacks, set_pin (KVM_IRQ_LINE on
 * a vCPU's IRQ pin) and kick (make a vCPU thread leave KVM_RUN), so the
 * unit tests can drive the whole of it with recorders.
 *
 * Who does what:
 *  - Guest accesses to the GICD and GICC frames come through the MMIO bus
 *    with the index of the vCPU that made them (bus.h's read_cpu/write_cpu).
 *  - Device threads (and vCPU threads, for the UART or a virtio INTx line)
 *    drive SPIs with gicv2_user_set_line().
 *  - Each vCPU thread calls gicv2_user_vcpu_sync() before every KVM_RUN.
 *    It feeds the timer and PMU levels KVM reported (device_irq_level) to
 *    that CPU's PPIs, and drives its IRQ pin to the model's output when it
 *    differs from what that thread last drove.
 *
 * A vCPU's pin is only ever driven by its own thread, from the model's
 * latest output, so two threads can never leave a stale level behind (the
 * later ioctl winning with an older value); KVM_IRQ_LINE may be called from
 * any thread, but that would need a lock held across the ioctl to keep the
 * order. Whatever changes a CPU's output (the model returns the mask of
 * CPUs whose output changed) sets that CPU's resync flag, then kicks it
 * unless the caller is that very vCPU. The vCPU thread clears its flag
 * before it reads the output. So a change that lands after the read has
 * set the flag again and kicked: the kick, pending while the signal is
 * blocked outside KVM_RUN, makes the next KVM_RUN return at once, and the
 * thread syncs again. A vCPU blocked in WFI inside KVM_RUN is woken by the
 * kick alone, so nothing is lost and nothing polls.
 */
#ifndef ARMLET_GICV2_USER_CORE_H
#define ARMLET_GICV2_USER_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "../vmm/bus.h"
#include "gicv2_model.h"

/*
 * kvm_run's device_irq_level bits (KVM_ARM_DEV_EL1_VTIMER, _PTIMER,
 * KVM_ARM_DEV_PMU in include/uapi/linux/kvm.h), restated so this file
 * stays portable; gicv2_user.c checks them against KVM's.
 */
#define GICV2_USER_DEV_VTIMER (1u << 0)
#define GICV2_USER_DEV_PTIMER (1u << 1)
#define GICV2_USER_DEV_PMU    (1u << 2)

/* No pin level driven yet, or KVM may have changed it (a vCPU reset). */
#define GICV2_USER_PIN_UNKNOWN (-1)

struct gicv2_user_cpu {
	uint64_t dev_level; /* device_irq_level as last fed in: own thread only */
	int pin;	    /* level last driven, or GICV2_USER_PIN_UNKNOWN: own thread only */
	bool resync;	    /* atomic: the output may differ from pin */
};

struct gicv2_user {
	struct gicv2_model gic;
	unsigned nr_cpus;
	struct gicv2_user_cpu cpu[GICV2_MAX_CPUS];
	/* Drives CPU cpu's IRQ pin to level; from cpu's own thread only. Returns -errno. */
	int (*set_pin)(void *ctx, unsigned cpu, bool level);
	/*
	 * Makes CPU cpu's thread leave KVM_RUN (or not enter it) and sync;
	 * any thread; a no-op for a vCPU not running (it syncs before it does).
	 */
	void (*kick)(void *ctx, unsigned cpu);
	void *ctx;
};

/*
 * Sets u up for nr_cpus (1..8) CPUs and nr_spis SPIs (gicv2_model_init()),
 * every pin unknown and due a sync. Returns -EINVAL or -errno.
 */
int gicv2_user_init(struct gicv2_user *u, unsigned nr_cpus, unsigned nr_spis,
		    int (*set_pin)(void *ctx, unsigned cpu, bool level),
		    void (*kick)(void *ctx, unsigned cpu), void *ctx);

/* Releases the model. No call in progress or to come. */
void gicv2_user_destroy(struct gicv2_user *u);

/*
 * Puts the GIC back to power-on for a guest reset, with every pin unknown
 * (KVM_ARM_VCPU_INIT may or may not lower it) and due a sync. Only while
 * no vCPU thread runs.
 */
void gicv2_user_reset(struct gicv2_user *u);

/* Drives SPI spi (0-based, INTID 32 + spi) to level. Any thread. -EINVAL: no such SPI. */
int gicv2_user_set_line(struct gicv2_user *u, unsigned spi, bool level);

/*
 * From CPU cpu's own thread, before each KVM_RUN: feeds device_irq_level's
 * bits to the PPIs (virtual timer 27, physical timer 30, PMU 23), then,
 * if anything may have changed this CPU's output since the last sync,
 * drives its pin with set_pin() when the output differs from it. Returns
 * set_pin()'s error, or -EINVAL for a bad cpu.
 */
int gicv2_user_vcpu_sync(struct gicv2_user *u, unsigned cpu, uint64_t device_irq_level);

/*
 * The GICD (4 KiB) and GICC (8 KiB) frames on the MMIO bus (opaque: the
 * struct gicv2_user), through read_cpu/write_cpu: an access with no vCPU
 * (BUS_NO_CPU) reads as zero and changes nothing.
 */
extern const struct mmio_ops gicv2_user_dist_mmio_ops;
extern const struct mmio_ops gicv2_user_cpu_mmio_ops;

#endif
