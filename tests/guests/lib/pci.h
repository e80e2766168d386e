/*
 * A bare-metal PCI driver for the hostile test guests: ECAM config space,
 * enumeration of bus 0, BAR sizing and programming, capability lists and
 * MSI-X, and mmio_read()/mmio_write() of any width.
 *
 * Nothing here trusts or protects armlet: the point of these helpers is to
 * let a test write anything anywhere, so they check nothing beyond what they
 * need to find their way (a capability walk stops after 48 steps).
 */
#ifndef GUEST_PCI_H
#define GUEST_PCI_H

#include "guest.h"

/* ---- Where armlet puts PCI (vmm/layout.c) ------------------------------ */

#define PCI_ECAM_BASE 0x40000000UL /* 256 MiB: bus << 20 | dev << 15 | fn << 12 */
#define PCI_MMIO_BASE 0x50000000UL /* 32-bit window, 768 MiB */
#define PCI_MMIO_SIZE 0x30000000UL
#define PCI_IO_BASE   0x00000000UL /* I/O space, 64 KiB */
#define PCI_MAX_DEVS  32

/* Config space offsets and bits (PCI 3.0 §6.2). */
#define PCI_VENDOR_ID	     0x00
#define PCI_DEVICE_ID	     0x02
#define PCI_COMMAND	     0x04
#define PCI_COMMAND_IO	     0x1
#define PCI_COMMAND_MEM	     0x2
#define PCI_COMMAND_MASTER   0x4
#define PCI_COMMAND_INTX_OFF 0x400
#define PCI_STATUS	     0x06
#define PCI_STATUS_CAPS	     0x10
#define PCI_BAR0	     0x10
#define PCI_CAP_PTR	     0x34
#define PCI_CAP_ID_MSIX	     0x11
#define PCI_CAP_ID_VNDR	     0x09

/* MSI-X (PCI 3.0 §6.8.2). */
#define PCI_MSIX_CTRL	      2
#define PCI_MSIX_CTRL_ENABLE  0x8000
#define PCI_MSIX_CTRL_MASKALL 0x4000
#define PCI_MSIX_TABLE	      4
#define MSIX_ENTRY_SIZE	      16
#define MSIX_VECTOR_CTRL      12 /* bit 0: masked */

/* An access of width bytes (1, 2, 4 or 8; others do nothing and read 0). */
uint64_t mmio_read(uintptr_t addr, unsigned width);
void mmio_write(uintptr_t addr, unsigned width, uint64_t val);

/* ---- Config space ------------------------------------------------------- */

/* A function on bus 0: dev 0..31, function 0. */
struct pci_fn {
	unsigned dev;
	uint16_t vendor, device;
	uintptr_t cfg; /* its 4 KiB of ECAM */
};

static inline uintptr_t pci_cfg_addr(unsigned dev, unsigned off)
{
	return PCI_ECAM_BASE + ((uintptr_t)dev << 15) + off;
}

uint32_t pci_cfg_read(const struct pci_fn *f, unsigned off, unsigned width);
void pci_cfg_write(const struct pci_fn *f, unsigned off, unsigned width, uint32_t val);

/* Fills fns[0..max) with the functions present on bus 0; returns how many. */
unsigned pci_enumerate(struct pci_fn *fns, unsigned max);

/*
 * The size of BAR bar (0 if it is not implemented), by the all-ones probe
 * (PCI 3.0 §6.2.5.1), with decoding off while probing; the BAR holds what
 * it held before and Command is restored. *is64 says whether it is a 64-bit
 * memory BAR (which takes bar + 1 too).
 */
uint64_t pci_bar_size(const struct pci_fn *f, unsigned bar, bool *is64);

/* Writes addr into BAR bar (both halves for a 64-bit one); decoding untouched. */
void pci_bar_set(const struct pci_fn *f, unsigned bar, uint64_t addr);
uint64_t pci_bar_get(const struct pci_fn *f, unsigned bar);

/*
 * Gives every memory BAR of every function an address in the 32-bit window
 * from PCI_MMIO_BASE up, naturally aligned, and turns on memory decoding and
 * bus mastering. Returns the first free window address after them.
 */
uintptr_t pci_assign_all(struct pci_fn *fns, unsigned n);

/* Offset of the first capability of this ID at or after config offset from (0: the list's start),
 * or 0. */
unsigned pci_cap_find(const struct pci_fn *f, uint8_t id, unsigned from);

/* ---- MSI-X -------------------------------------------------------------- */

/* Where f's MSI-X table is (its BAR must be assigned), or 0 without MSI-X. */
uintptr_t pci_msix_table(const struct pci_fn *f, unsigned *nr_vectors);

/* Sets MSI-X Enable and Function Mask as asked (Message Control). */
void pci_msix_control(const struct pci_fn *f, bool enable, bool mask_all);

/* Programs table entry vec: address, data, and unmasked or not. */
void pci_msix_entry_set(uintptr_t table, unsigned vec, uint64_t addr, uint32_t data, bool masked);

#endif /* GUEST_PCI_H */
