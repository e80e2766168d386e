/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vCPUs: one thread each, running KVM_RUN and dispatching exits. arm64 only.
 *
 * Kicking: every vCPU thread keeps SIGUSR1 blocked except inside KVM_RUN
 * (KVM_SET_SIGNAL_MASK), so a kick that lands while the thread is in
 * userspace stays pending and makes the next KVM_RUN return at once: no
 * lost wake-ups, no global "current vCPU" for a signal handler to find.
 *
 * A userspace interrupt controller (gicv2-user) rides on the same kick:
 * before each KVM_RUN the thread calls the irqchip's vcpu_sync(), which
 * drives this vCPU's IRQ pin; whoever changes the controller's output for
 * another vCPU kicks it with vcpu_kick() so it syncs promptly.
 */
#ifndef ARMLET_VCPU_H
#define ARMLET_VCPU_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdint.h>

#include "vm.h"

#define VCPU_KICK_SIGNAL SIGUSR1

struct vcpu {
	struct vm *vm;
	unsigned id;
	int fd;
	struct kvm_vcpu_init init; /* what KVM_ARM_VCPU_INIT got: vcpus_reset() repeats it */
	struct kvm_run *run;
	pthread_t thread;
	/*
	 * The thread runs and can be signalled. Under kick_lock, so a kick from
	 * another thread never signals a thread being joined.
	 */
	bool started;
	pthread_mutex_t kick_lock;
	uint64_t exits[VCPU_NR_EXIT_KINDS]; /* by enum vcpu_exit_kind (vm.h) */
};

/*
 * Creates and initialises every vCPU (KVM_ARM_VCPU_INIT with PSCI 0.2;
 * secondaries powered off; PMUv3 with --pmu), calls the irqchip's vcpu_init
 * and records each MPIDR in vm->mpidr. After irqchip create, before finalize.
 */
int vcpus_create(struct vm *vm, char *err, size_t len);

/* Sets up each vCPU's PMU (after irqchip finalize). No-op without --pmu. */
int vcpus_init_pmu(struct vm *vm, char *err, size_t len);

/*
 * Puts every vCPU back to power-on for a guest reset: KVM_ARM_VCPU_INIT
 * again, with the same target and features as vcpus_create() (KVM requires
 * both; api.rst), which resets its registers and powers the secondaries
 * off again; the PMU is set up again only if KVM dropped it. After
 * vcpus_join(); vcpu_set_boot_regs() follows. Returns -errno, with err.
 */
int vcpus_reset(struct vm *vm, char *err, size_t len);

/* Points the boot vCPU at entry with x0 = the DTB, as booting.rst asks. */
int vcpu_set_boot_regs(struct vm *vm, uint64_t entry, uint64_t fdt);

/*
 * Starts a thread per vCPU. VCPU_KICK_SIGNAL must be blocked in the caller
 * (threads inherit the mask).
 */
int vcpus_start(struct vm *vm);

/* Makes every vCPU leave KVM_RUN and look at the VM's state. */
void vcpus_kick_all(struct vm *vm);

/*
 * Makes vCPU cpu leave KVM_RUN, or return from its next KVM_RUN at once,
 * and look at the VM's state (pause, stop, the irqchip's vcpu_sync()).
 * From any thread, at any time: a no-op for a vCPU whose thread is not
 * running, and from cpu's own thread, which is not in KVM_RUN and looks
 * before it enters it again.
 */
void vcpu_kick(struct vm *vm, unsigned cpu);

/*
 * For an interrupt controller in armlet (irqchip/user_pins.h's set_pin and
 * kick, with the struct vm as ctx): drives vCPU cpu's IRQ input with
 * KVM_IRQ_LINE (api.rst: on arm64, irq_type 0 is the CPU's own lines) and
 * returns -errno; kicks vCPU cpu as vcpu_kick() does.
 */
int vcpu_irq_pin_set(void *vm, unsigned cpu, bool level);
void vcpu_irq_pin_kick(void *vm, unsigned cpu);

/*
 * Pauses the VM: kicks every vCPU out of KVM_RUN and returns once all are
 * parked (they wait for vcpus_resume() or a stop request). Returns 0 (also
 * when already paused), -ETIMEDOUT when not all parked within a few
 * seconds, or -ECANCELED when the VM is stopping; the VM then runs on.
 * From the main loop's thread, after vcpus_start().
 */
int vcpus_pause(struct vm *vm);

/* Lets parked vCPUs run again; a no-op when not paused. */
void vcpus_resume(struct vm *vm);

void vcpus_join(struct vm *vm);
void vcpus_destroy(struct vm *vm);

#endif
