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
 * How a pin change reaches its vCPU, and why no wake-up is lost: user_pins.h.
 */
#ifndef ARMLET_GICV2_USER_CORE_H
#define ARMLET_GICV2_USER_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "../vmm/bus.h"
#include "gicv2_model.h"
#include "user_pins.h"

/* kvm_run's device_irq_level bits (user_pins.h). */
#define GICV2_USER_DEV_VTIMER USER_PINS_DEV_VTIMER
#define GICV2_USER_DEV_PTIMER USER_PINS_DEV_PTIMER
#define GICV2_USER_DEV_PMU    USER_PINS_DEV_PMU

struct gicv2_user {
	struct gicv2_model gic;
	unsigned nr_cpus;
	struct user_pins pins; /* set_pin and kick: see user_pins.h */
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
