/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel fast paths a device transport uses, behind an ops table so the
 * transport stays portable: the KVM implementation (vmm/fastpath_kvm.c)
 * uses KVM_IOEVENTFD, KVM_SET_GSI_ROUTING and KVM_IRQFD; the unit tests use
 * a recorder.
 *
 *   doorbells   a guest write to a notify address signals an eventfd in the
 *               kernel; the vCPU never exits to armlet (ioeventfd).
 *   MSIs        writing an eventfd makes the kernel deliver an MSI message
 *               (irqfd on an MSI route; through the ITS with a device ID),
 *               or raise the SPI a GICv2m frame turns it into (an edge).
 *   INTx        writing an eventfd raises an SPI; the kernel lowers it at the
 *               guest's EOI and then tells armlet (irqfd with resample), so
 *               the transport can raise it again if its cause is still there.
 *
 * Every op may be called from any thread (vCPU threads reprogramming BARs
 * and MSI-X tables, the main thread at setup); the implementation
 * serialises itself. Ops return 0 or -errno; -ENOSYS means the host lacks
 * the mechanism, and the caller falls back (doorbells: the write exits to
 * the MMIO bus as usual; interrupts: see each op).
 *
 * Interrupt ops may only be used once the irqchip is finalised: KVM refuses
 * irqfds on a vGIC that is not initialised yet. The implementation queues
 * attachments made earlier and applies them in fastpath_kvm_finalize().
 */
#ifndef ARMLET_FASTPATH_H
#define ARMLET_FASTPATH_H

#include <stdbool.h>
#include <stdint.h>

/* An MSI message as the device writes it (PCI 3.0 §6.8.2). */
struct msi_msg {
	uint64_t addr;
	uint32_t data;
	uint32_t devid; /* PCI requester ID (bus << 8 | devfn): the ITS's device ID */
};

struct fastpath_ops {
	/*
	 * Guest writes of any width to gpa signal fd (no data match). gpa must
	 * not be covered by another ioeventfd. -ENOSYS: no ioeventfd here.
	 */
	int (*doorbell_add)(void *ctx, uint64_t gpa, int fd);
	int (*doorbell_del)(void *ctx, uint64_t gpa, int fd);
	/*
	 * Binds fd to msg: from now on each write to fd delivers msg, in the
	 * kernel. Calling it again for the same fd changes the message. An
	 * eventfd written while unbound keeps its count, and binding delivers
	 * it at once (so a masked vector's pending interrupt is not lost).
	 * -ENOSYS: the interrupt controller cannot take MSIs this way.
	 * -EINVAL: it would ignore msg (GICv2m: not its doorbell, or no SPI of
	 * its block); nothing changed, fd stays bound as it was.
	 */
	int (*msi_bind)(void *ctx, int fd, const struct msi_msg *msg);
	/* Unbinds fd (MSI-X vector masked or disabled). No-op when unbound. */
	void (*msi_unbind)(void *ctx, int fd);
	/*
	 * Binds fd to SPI spi (0-based) as a level interrupt: a write raises it,
	 * the guest's EOI lowers it and then calls resample(opaque) from the
	 * implementation's own thread, which re-raises it (writes fd) if the
	 * cause is still there. -ENOSYS: no resampling irqfd here.
	 */
	int (*intx_bind)(void *ctx, unsigned spi, int fd, void (*resample)(void *opaque),
			 void *opaque);
	void (*intx_unbind)(void *ctx, int fd);
	/*
	 * The slow paths, for when a bind op returned -ENOSYS: deliver msg now
	 * (KVM_SIGNAL_MSI, or a pulse on the SPI a GICv2m frame maps it to; a
	 * message the controller would ignore is dropped), and drive SPI spi
	 * to level (KVM_IRQ_LINE, or the userspace GIC). Each call is an ioctl
	 * or more: the transport only uses them when it has to.
	 */
	int (*msi_send)(void *ctx, const struct msi_msg *msg);
	int (*spi_set)(void *ctx, unsigned spi, bool level);
};

struct fastpath {
	const struct fastpath_ops *ops;
	void *ctx;
};

#endif
