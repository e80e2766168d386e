/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The KVM implementation of the fast paths (fastpath.h), one per VM, no
 * globals: ioeventfds for doorbells; irqfds on GSI routes for MSIs (through
 * the vGIC's ITS, or to the SPI of a GICv2m frame) and on SPIs for INTx; and
 * a thread that turns the kernel's resample notifications (the guest's EOI
 * of a level INTx) into the transport's resample() calls.
 *
 * Lifecycle, in this order (main.c):
 *   fastpath_kvm_init()      after the irqchip's create(), before any device
 *                            asks for a fast path (it probes what KVM and the
 *                            irqchip model offer; the ITS must exist by then)
 *   fastpath_kvm_get()       the struct fastpath handed to the transports
 *   fastpath_kvm_finalize()  after the irqchip's finalize(): applies the
 *                            interrupt bindings made so far, starts the
 *                            resample thread
 *   fastpath_kvm_destroy()   after the vCPU threads are joined, before the
 *                            devices are freed (the resample thread calls
 *                            into them until it is joined here)
 *
 * The transport owns the eventfds it passes in; it must unbind an fd (and
 * remove its doorbells) before closing it. A resample() call already under
 * way can still run after intx_unbind() returns: its opaque must stay valid
 * until fastpath_kvm_destroy().
 */
#ifndef ARMLET_FASTPATH_KVM_H
#define ARMLET_FASTPATH_KVM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "fastpath.h"

struct vm;
struct kvm_irq_routing;
struct fastpath_kvm_binding;

/* What the host offers; probed once by fastpath_kvm_init(). */
struct fastpath_kvm_caps {
	bool ioeventfd;		/* KVM_CAP_IOEVENTFD */
	bool ioeventfd_any_len; /* KVM_CAP_IOEVENTFD_ANY_LENGTH: len 0 matches every width */
	bool irqfd;		/* KVM_CAP_IRQFD */
	bool irqfd_resample;	/* KVM_CAP_IRQFD_RESAMPLE */
	bool irq_routing;	/* KVM_CAP_IRQ_ROUTING */
	bool signal_msi;	/* KVM_CAP_SIGNAL_MSI */
	bool msi_devid;		/* KVM_CAP_MSI_DEVID (on the VM): MSIs carry a device ID */
};

/* Event counts for --stats: relaxed atomics, read with fastpath_kvm_stats_read(). */
struct fastpath_kvm_stats {
	uint64_t irqfd_binds;	/* KVM_IRQFD assignments, MSI and INTx */
	uint64_t route_commits; /* KVM_SET_GSI_ROUTING calls */
	uint64_t msi_sends;	/* msi_send() calls (KVM_SIGNAL_MSI) */
	uint64_t spi_sets;	/* spi_set() calls */
	uint64_t resamples;	/* resample() callbacks run */
};

struct fastpath_kvm {
	struct vm *vm; /* NULL before init and after destroy */
	struct fastpath_kvm_caps caps;
	/* What the ops can do: the caps, and an in-kernel irqchip that takes MSIs or not. */
	bool can_msi_bind; /* irqfds and routing, in-kernel MSI controller */
	bool can_msi_send; /* KVM_SIGNAL_MSI to an in-kernel ITS, or MSIs as SPIs (GICv2m) */
	bool can_intx;	   /* resampling irqfds, in-kernel irqchip */

	pthread_mutex_t lock; /* serialises the ops; guards everything down to routes */
	bool finalized;
	struct fastpath_kvm_binding *bindings; /* one per bound (or once bound) eventfd */
	unsigned nr_bindings, max_bindings;
	uint32_t next_msi_gsi;
	uint64_t next_id;		/* resample handles, never reused; 0 is the stop event */
	struct kvm_irq_routing *routes; /* the table last given to KVM_SET_GSI_ROUTING */
	unsigned max_routes;
	bool routes_set; /* KVM's default table (GSI n -> SPI n) has been replaced */

	/* The resample thread waits on epoll_fd: every resamplefd, and stop_fd. */
	int epoll_fd;
	int stop_fd;
	pthread_t thread;
	bool thread_started;

	struct fastpath_kvm_stats stats;
};

/*
 * Probes the capabilities and sets up fk for vm (its VM fd and irqchip must
 * exist). Returns 0 or -errno; on failure fk needs no destroy.
 */
int fastpath_kvm_init(struct fastpath_kvm *fk, struct vm *vm);

/* The handle transports use; valid until fastpath_kvm_destroy(). */
void fastpath_kvm_get(struct fastpath_kvm *fk, struct fastpath *out);

/*
 * Applies the routes and irqfds bound before now and starts the resample
 * thread. Call once, from the main thread (the thread inherits its blocked
 * signals), after the irqchip's finalize(). Returns 0 or -errno.
 */
int fastpath_kvm_finalize(struct fastpath_kvm *fk);

/* A snapshot of the counters. */
void fastpath_kvm_stats_read(const struct fastpath_kvm *fk, struct fastpath_kvm_stats *out);

/*
 * Stops and joins the resample thread, detaches the irqfds and frees fk's
 * resources. A no-op on a zeroed fk or one already destroyed.
 */
void fastpath_kvm_destroy(struct fastpath_kvm *fk);

#endif
