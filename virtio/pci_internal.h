/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the virtio PCI transport's files share, and nobody else needs: the
 * public contract is pci.h. pci.c is the PCI function (config space, the
 * capabilities, BAR 0's dispatch, the doorbells, setup and teardown);
 * pci_common.c the common configuration and the status state machine;
 * pci_irq.c MSI-X, INTx and ISR, and the transport ops devices call.
 *
 * The locking rules are pci.h's: "locked" below means vp->lock held, from a
 * vCPU thread (or the main thread at setup and teardown). Fields marked
 * atomic in struct virtio_pci are only touched through the macros here.
 */
#ifndef ARMLET_VIRTIO_PCI_INTERNAL_H
#define ARMLET_VIRTIO_PCI_INTERNAL_H

#include <stdint.h>

#include "pci.h"

#define LOAD(p)	       __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define STORE(p, v)    __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)
#define XCHG(p, v)     __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define FETCH_OR(p, v) __atomic_fetch_or((p), (v), __ATOMIC_SEQ_CST)
#define STAT(vp, f, n) __atomic_fetch_add(&(vp)->stats.f, (n), __ATOMIC_RELAXED)

/* --- pci_common.c -------------------------------------------------------------- */

/* Queue i back to its reset state: size_max, no vector, disabled, no rings. Locked, or at init. */
void vp_queue_clear(struct virtio_pci *vp, unsigned i);

/*
 * The driver wrote 0 to device_status (or teardown): resets an activated
 * device (dev->ops->reset()), then the transport's own state. Locked.
 */
void vp_reset(struct virtio_pci *vp);

/* Common configuration accesses, off relative to its region, locked (virtio 1.2 §4.1.3.1). */
void vp_common_read(struct virtio_pci *vp, uint64_t off, unsigned len, uint64_t *val);
void vp_common_write(struct virtio_pci *vp, uint64_t off, unsigned len, uint64_t val);

/* --- pci_irq.c ----------------------------------------------------------------- */

/* Installed in dev->transport_ops by virtio_pci_init(). */
extern const struct virtio_transport_ops vp_transport_ops;

/* The transport op itself: DEVICE_NEEDS_RESET and a config change. Lock-free. */
void vp_needs_reset(struct virtio_dev *dev);

/* After ISR or a mask changed: brings the INTx line (or its irqfd) up to date. Lock-free. */
void vp_intx_update(struct virtio_pci *vp);

/*
 * BAR 0 accesses, rel relative to the region, locked. Reads leave *val
 * alone (0, as the dispatcher set it) for accesses that do not answer.
 */
void vp_isr_read(struct virtio_pci *vp, uint64_t rel, uint64_t *val);
void vp_msix_table_read(struct virtio_pci *vp, uint64_t rel, unsigned len, uint64_t *val);
void vp_msix_table_write(struct virtio_pci *vp, uint64_t rel, unsigned len, uint64_t val);
void vp_pba_read(struct virtio_pci *vp, uint64_t rel, unsigned len, uint64_t *val);

/*
 * Config space hooks (the host lock held, not vp->lock): Message Control
 * and the Command register's INTx Disable changed; mirror them.
 */
void vp_msix_ctrl_mirror(struct virtio_pci *vp);
void vp_command_mirror(struct virtio_pci *vp);

/*
 * Binds the INTx eventfd to vp->intx_spi, or leaves INTx on the slow path.
 * In virtio_pci_add(), once the SPI is known.
 */
void vp_intx_bind(struct virtio_pci *vp);

/*
 * Teardown, locked: lets a resample still under way raise nothing, then
 * unbinds every MSI-X vector and the INTx eventfd.
 */
void vp_irq_unbind(struct virtio_pci *vp);

/*
 * A PCI reset (the host's reset op), locked, once the device has stopped
 * raising: MSI-X table and PBA back to power-on, nothing left pending in
 * the vector eventfds, ISR clear, and the Message Control and Command
 * mirrors taken again from the restored config space.
 */
void vp_irq_reset(struct virtio_pci *vp);

#endif
