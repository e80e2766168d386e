/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One virtual machine: all of armlet's state hangs off struct vm, so a unit
 * test can build two of them, and a device can be tested on plain memory.
 * This header is portable (no KVM types); the KVM side is in kvm.h/vcpu.h.
 */
#ifndef ARMLET_VM_H
#define ARMLET_VM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../irqchip/irqchip.h"
#include "bus.h"
#include "config.h"
#include "irq.h"
#include "layout.h"
#include "mem.h"

struct vcpu;
struct uart;
struct control;

/*
 * What each vCPU counts its exits by (struct vcpu's exits[]). Here, not in
 * vcpu.h, so that the run summary can be written without KVM.
 */
enum vcpu_exit_kind {
	VCPU_EXIT_MMIO,
	VCPU_EXIT_SYSTEM_EVENT,
	VCPU_EXIT_INTR,	     /* KVM_RUN returned EINTR: a kick or a signal */
	VCPU_EXIT_HYPERCALL, /* an SMCCC call forwarded to armlet (the userspace rVIC) */
	VCPU_EXIT_OTHER,
	VCPU_NR_EXIT_KINDS
};

/*
 * Interrupts armlet itself asserted into an in-kernel irqchip with an
 * ioctl (KVM_IRQ_LINE on an SPI, KVM_SIGNAL_MSI), for the run summary's
 * "interrupts" (next to those devices sent through irqfds, and those a
 * model in armlet delivered: irqchip_ops.delivered).
 */
static inline void vm_count_irq_ioctl(uint64_t *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

struct vm {
	const struct vm_config *cfg;
	int kvm_fd; /* /dev/kvm, -1 in unit tests */
	int vm_fd;  /* KVM_CREATE_VM, -1 in unit tests */
	int kvm_run_size;
	unsigned ipa_bits;
	unsigned host_ipa_limit; /* KVM_CAP_ARM_VM_IPA_SIZE, 40 without the cap */
	/* The 64-bit PCI window (layout.h), size 0 when the IPA has no room. */
	uint64_t pci_mmio64_base, pci_mmio64_size;

	struct guest_mem mem;
	struct mmio_bus bus;

	const struct irqchip_ops *irqchip;
	void *irqchip_priv; /* the backend's own state */
	int irqchip_fd;	    /* in-kernel device fd, or -1 */
	char irqchip_reason[512];

	unsigned nr_vcpus;
	struct vcpu *vcpus;		  /* nr_vcpus of them, vcpu.c owns the layout */
	uint64_t mpidr[LAYOUT_MAX_VCPUS]; /* read back from KVM after vCPU init */

	struct layout_boot boot;
	uint64_t entry; /* boot vCPU's first PC */

	struct uart *uart;
	/*
	 * Where console input goes (the UART's FIFO or hvc0's receive queue):
	 * takes what it can, returns how many bytes; the loop offers the rest
	 * again later.
	 */
	size_t (*console_input)(void *ctx, const uint8_t *buf, size_t n);
	void *console_ctx;
	int console_log_fd; /* --console-log, -1 for none; the console devices copy output here */
	/* The kernel command line the guest gets (-p, plus what the devices need). */
	const char *cmdline;

	/* Stopping: the first request wins; the main loop waits on stop_fd. */
	pthread_mutex_t stop_lock;
	bool stopping;
	int exit_code;
	char exit_reason[160];
	int stop_fd; /* eventfd signalled by vm_request_stop() */

	/*
	 * Pausing (vcpus_pause()): while paused is set, vCPU threads park on
	 * pause_cond outside KVM_RUN; parked counts them and the pauser waits
	 * on parked_cond until all are there. vm_request_stop() wakes both, so
	 * a paused VM can still be stopped.
	 */
	pthread_mutex_t pause_lock;
	pthread_cond_t pause_cond;
	pthread_cond_t parked_cond; /* CLOCK_MONOTONIC, for a bounded wait */
	bool paused;
	unsigned parked;

	struct control *control; /* --name's control socket (control.h), polled by the loop */
	unsigned reboots;	 /* guest resets --reboot restarted the VM from */
	uint64_t irq_ioctl;	 /* vm_count_irq_ioctl() */

	/* Timeline, in ns of CLOCK_MONOTONIC. */
	uint64_t t_start;
	uint64_t t_first_run;
	uint64_t t_first_output; /* the guest's first console byte (UART or hvc0) */
	uint64_t t_timeout;	 /* --timeout's deadline, from the first loop_run(); 0: none */
};

/* Sets up the portable parts (bus, stop state). Returns -errno. */
int vm_init(struct vm *vm, const struct vm_config *cfg);
void vm_destroy(struct vm *vm);

/*
 * Asks the VM to stop with exit status code. Safe from any thread, including
 * vCPU threads in the middle of an exit; only the first request counts.
 */
void vm_request_stop(struct vm *vm, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

bool vm_stopping(const struct vm *vm);

/*
 * Undoes a stop so the VM can run again (--reboot): not stopping, no exit
 * code or reason, stop_fd drained, not paused. Only from the main thread
 * while nothing else can request a stop (vCPUs joined, devices reset).
 */
void vm_stop_clear(struct vm *vm);

/* Whether the VM is paused (or being paused): vcpus_pause() set it. */
bool vm_paused(const struct vm *vm);

/* An interrupt handle on SPI spi of the VM's irqchip. */
struct irq_handle vm_spi_handle(struct vm *vm, unsigned spi);

uint64_t vm_now_ns(void);

#endif
