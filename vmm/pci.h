/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A generic PCI host bridge: one bus (bus 0), up to 32 single-function
 * devices, configuration space through ECAM (PCI Express Base 3.0 §7.2.2),
 * described to the guest as "pci-host-ecam-generic". Portable: no KVM; the
 * unit tests drive it through a struct mmio_bus on plain memory.
 *
 * A device (a transport such as virtio/pci.c) owns a struct pci_dev: it sets
 * its IDs, BARs, interrupt pin and capabilities, then hands it to
 * pci_host_add_dev() before the guest runs. From then on the guest owns the
 * writable parts of config space; the model keeps read-only fields read-only
 * through per-byte write masks, and tells the device through its ops when a
 * BAR starts, stops or moves decoding, so the transport can move its MMIO
 * regions and ioeventfds.
 *
 * Config space accesses (ECAM):
 *   - 1, 2 and 4 bytes at any offset inside a function's 4 KiB; unaligned
 *     accesses act byte by byte, as if the bytes were written one at a time
 *     but with the BAR decode decided once, after the whole access.
 *   - 8 bytes: split into two 4-byte halves (ops hooks see two accesses), but
 *     BAR decode is still decided once, so a 64-bit BAR moved by one 8-byte
 *     store never decodes at a half-written address. PCIe config requests
 *     are at most a DWORD; the split keeps a guest's ldr/str x harmless.
 *   - An access that runs past the function's 4 KiB reads all-ones and is
 *     dropped on write: no real config request can cross a function.
 *   - Absent buses (anything but bus 0), devices and functions (anything but
 *     function 0) read all-ones (vendor ID 0xffff, PCI 3.0 §6.1) and ignore
 *     writes.
 *
 * Threading: ECAM accesses come from vCPU threads and are serialised by the
 * host's lock; the device's ops run with that lock held (and, through the
 * MMIO bus, with the bus's read lock held: see struct pci_dev_ops).
 */
#ifndef ARMLET_PCI_H
#define ARMLET_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "bus.h"

struct fdt_ctx;

#define PCI_CFG_SIZE  4096 /* per function, ECAM */
#define PCI_MAX_SLOTS 32
#define PCI_NR_BARS   6

/* ECAM offset of (bus, device, function, register): PCIe 3.0 §7.2.2, Table 7-1. */
#define PCI_ECAM_OFFSET(bus, dev, fn, reg)                                                         \
	(((uint64_t)(bus) << 20) | ((uint64_t)(dev) << 15) | ((uint64_t)(fn) << 12) | (reg))
#define PCI_ECAM_BUS_SIZE 0x100000ULL /* 32 devices x 8 functions x 4 KiB */

/* Type 0 configuration header (PCI Local Bus 3.0 §6.1, Figure 6-1). */
#define PCI_VENDOR_ID	   0x00
#define PCI_DEVICE_ID	   0x02
#define PCI_COMMAND	   0x04
#define PCI_STATUS	   0x06
#define PCI_REVISION_ID	   0x08
#define PCI_CLASS_PROG	   0x09
#define PCI_CACHE_LINE	   0x0c
#define PCI_LATENCY_TIMER  0x0d
#define PCI_HEADER_TYPE	   0x0e
#define PCI_BAR0	   0x10
#define PCI_SUBSYS_VENDOR  0x2c
#define PCI_SUBSYS_ID	   0x2e
#define PCI_ROM_ADDRESS	   0x30
#define PCI_CAP_PTR	   0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN  0x3d
#define PCI_CAP_START	   0x40	 /* first byte after the header */
#define PCI_CAP_END	   0x100 /* capabilities live in the first 256 bytes */

/* Command register bits the guest may write (PCI 3.0 §6.2.2). */
#define PCI_COMMAND_IO		 0x0001
#define PCI_COMMAND_MEMORY	 0x0002
#define PCI_COMMAND_MASTER	 0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400

/* Status register bits (PCI 3.0 §6.2.3). */
#define PCI_STATUS_INTERRUPT 0x0008
#define PCI_STATUS_CAP_LIST  0x0010
#define PCI_STATUS_RW1C	     0xf900 /* the error bits: write one to clear */

/* Capability IDs (PCI 3.0 Appendix H). */
#define PCI_CAP_ID_VNDR 0x09 /* vendor-specific */
#define PCI_CAP_ID_MSIX 0x11

/* The MSI-X capability, table entries and PBA (PCI 3.0 §6.8.2). */
#define PCI_MSIX_CAP_LEN	    12
#define PCI_MSIX_CTRL		    2	   /* Message Control, le16 */
#define PCI_MSIX_CTRL_SIZE	    0x07ff /* table size - 1 */
#define PCI_MSIX_CTRL_MASKALL	    0x4000 /* Function Mask */
#define PCI_MSIX_CTRL_ENABLE	    0x8000
#define PCI_MSIX_TABLE		    4 /* Table Offset / Table BIR */
#define PCI_MSIX_PBA		    8 /* PBA Offset / PBA BIR */
#define PCI_MSIX_ENTRY_SIZE	    16
#define PCI_MSIX_ENTRY_ADDR_LO	    0
#define PCI_MSIX_ENTRY_ADDR_HI	    4
#define PCI_MSIX_ENTRY_DATA	    8
#define PCI_MSIX_ENTRY_CTRL	    12
#define PCI_MSIX_ENTRY_CTRL_MASKBIT 0x1

/* bar_remap's address for "not decoding": never a BAR address, whose low bits are type bits. */
#define PCI_BAR_UNMAPPED UINT64_MAX

enum pci_bar_type {
	PCI_BAR_NONE,
	PCI_BAR_MEM32,
	PCI_BAR_MEM64, /* takes this BAR slot and the next */
	PCI_BAR_IO,
};

/* The Interrupt Pin register's values (PCI 3.0 §6.2.4). */
enum pci_intx_pin {
	PCI_INTX_NONE,
	PCI_INTA,
	PCI_INTB,
	PCI_INTC,
	PCI_INTD,
};

#define PCI_NR_INTX 4

struct pci_dev;
struct pci_host;

/*
 * What the model tells the device. Every op is optional and runs with the
 * host lock held, from the vCPU thread whose ECAM access caused it; inside
 * them the device may use pci_dev_cfg_get()/pci_dev_cfg_set() on its own
 * config space, but must not access ECAM. Because the access arrived through
 * bus_write(), the MMIO bus's read lock is held too: an op must not call
 * bus_add() (or anything taking the bus's write lock) on that bus directly.
 */
struct pci_dev_ops {
	/*
	 * BAR bar now decodes at new instead of old; either may be
	 * PCI_BAR_UNMAPPED (decode turned on or off through the Command
	 * register). Addresses are PCI bus addresses: memory BARs are CPU
	 * physical addresses (identity-mapped windows), I/O BARs are port
	 * numbers inside LAYOUT_PCI_IO. The guest may program any value,
	 * including sizing patterns (all-ones) while decode is on, or
	 * addresses that overlap RAM or other devices; the device must cope.
	 */
	void (*bar_remap)(struct pci_dev *dev, unsigned bar, uint64_t old, uint64_t new);
	/*
	 * The guest wrote val (len 1, 2 or 4 bytes) at off; called after the
	 * write masks were applied, so pci_dev_cfg_get() shows the result.
	 */
	void (*cfg_write)(struct pci_dev *dev, unsigned off, unsigned len, uint32_t val);
	/*
	 * The guest reads len bytes at off; *val holds what config space says
	 * and the device may replace it (virtio 1.2 §4.1.4.9's pci_cfg window
	 * needs this).
	 */
	void (*cfg_read)(struct pci_dev *dev, unsigned off, unsigned len, uint32_t *val);
	/*
	 * The guest accesses len (1, 2, 4 or 8) bytes at off inside BAR bar,
	 * through one of the host's windows (pci_mem_window_mmio_ops,
	 * pci_io_window_mmio_ops); off + len <= the BAR's size. These run
	 * WITHOUT the host lock, so one device's slow register does not stall
	 * config space, but with the host's decode lock read-held, so the BAR
	 * cannot move during the access: they must not access ECAM or call
	 * pci_dev_cfg_*() (mirror what they need from config space in
	 * cfg_write), and bar_remap never runs concurrently with them for the
	 * same BAR.
	 */
	void (*bar_read)(struct pci_dev *dev, unsigned bar, uint64_t off, unsigned len,
			 uint64_t *val);
	void (*bar_write)(struct pci_dev *dev, unsigned bar, uint64_t off, unsigned len,
			  uint64_t val);
	/*
	 * pci_host_reset(): config space is back to what it held when the
	 * device was added, and every BAR that decoded has been through
	 * bar_remap to PCI_BAR_UNMAPPED; the device puts the rest of its
	 * state back to power-on. Host lock held, no vCPU running.
	 */
	void (*reset)(struct pci_dev *dev);
};

struct pci_bar {
	uint64_t size; /* 0: no BAR (or the upper half of a 64-bit one) */
	enum pci_bar_type type;
	bool prefetchable;
	uint64_t mapped; /* what the device was last told, or PCI_BAR_UNMAPPED */
};

/* IDs for pci_dev_init() (PCI 3.0 §6.2.1). */
struct pci_dev_id {
	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys;
	uint32_t class_code; /* base class << 16 | sub-class << 8 | prog-if */
	uint8_t revision;
};

struct pci_dev {
	/* Little-endian register contents, as the guest reads them. */
	uint8_t cfg[PCI_CFG_SIZE];
	uint8_t wmask[PCI_CFG_SIZE];	 /* bits the guest may write */
	uint8_t w1cmask[PCI_CFG_SIZE];	 /* bits the guest clears by writing one */
	uint8_t cfg_reset[PCI_CFG_SIZE]; /* cfg when added: pci_host_reset() restores it */
	struct pci_bar bars[PCI_NR_BARS];
	unsigned cap_next;     /* where the next capability goes */
	unsigned cap_last;     /* the last capability's offset, 0 for none */
	unsigned slot;	       /* device number on bus 0, once added */
	struct pci_host *host; /* NULL until added */
	const struct pci_dev_ops *ops;
	void *opaque; /* the device's state */
};

struct pci_host {
	pthread_mutex_t lock; /* config space of every device, and its ops */
	/*
	 * Where BARs decode (struct pci_bar.mapped): written under both locks,
	 * read-held by window accesses. Lock order: lock, then decode_lock.
	 */
	pthread_rwlock_t decode_lock;
	struct pci_dev *devs[PCI_MAX_SLOTS];
	/*
	 * The SPIs (0-based, as in layout.h) that INTA..INTD of slot 0 reach;
	 * other slots rotate through them (see pci_host_fdt_node()).
	 */
	unsigned intx_spi[PCI_NR_INTX];
	/* Optional 64-bit prefetchable window; size 0 for none. */
	uint64_t mmio64_base, mmio64_size;
	uint32_t msi_parent_phandle; /* MSI controller (GIC ITS, GICv2m), 0 for none */
	/*
	 * The MSI controller tells writers apart by a device ID cell (the ITS:
	 * #msi-cells = <1>): described with msi-map, requester ID = device ID.
	 */
	bool msi_devid;
	/* Statistics. */
	uint64_t cfg_reads, cfg_writes;
	uint64_t cfg_absent; /* of those, accesses to nothing (absent or crossing 4 KiB) */
	uint64_t bar_accesses, bar_absent; /* window accesses; of those, ones no BAR decodes */
};

/*
 * The ECAM handler; the region's opaque is the struct pci_host. Register it
 * at LAYOUT_PCI_ECAM; any size up to 256 MiB works (buses beyond it are
 * simply not reachable). Its fdt_node op calls pci_host_fdt_node().
 */
extern const struct mmio_ops pci_ecam_mmio_ops;

/*
 * The windows through which the guest reaches BARs; the region's opaque is
 * the struct pci_host. The memory window: register it at LAYOUT_PCI_MMIO
 * (and at mmio64_base when there is a 64-bit window); an access at CPU
 * address A reaches the memory BAR that decodes A (windows are
 * identity-mapped). The I/O window: register it at LAYOUT_PCI_IO; offset P
 * reaches the I/O BAR that decodes port P. An access that no BAR decodes
 * entirely reads all-ones and is dropped on write (a master abort). When
 * hostile BARs overlap, the lowest slot and BAR number wins.
 */
extern const struct mmio_ops pci_mem_window_mmio_ops;
extern const struct mmio_ops pci_io_window_mmio_ops;

/* Initialises an empty host; the caller then fills intx_spi, mmio64_*, msi_parent_phandle. */
void pci_host_init(struct pci_host *host);
/* After the host's ECAM region is gone from every bus. Does not touch the devices. */
void pci_host_destroy(struct pci_host *host);

/*
 * Puts dev in the lowest free slot. dev must have been set up
 * (pci_dev_init() and friends) and must outlive the host. Returns the slot
 * number, -ENOSPC when all 32 are taken, -EBUSY if dev was already added.
 * Call before the guest runs.
 */
int pci_host_add_dev(struct pci_host *host, struct pci_dev *dev);

/*
 * Resets every device as at power-on (a conventional reset, PCIe 3.0
 * §6.6.1), for a guest reset: config space back to what it held at
 * pci_host_add_dev(), BAR decode brought in line with it (bar_remap tells
 * each device its decoding BARs went to PCI_BAR_UNMAPPED, Command being 0
 * again), then each device's reset op. The statistics keep counting. Only
 * while no vCPU runs.
 */
void pci_host_reset(struct pci_host *host);

/*
 * Adds the host bridge's node to the device tree: reg covers bus 0's 1 MiB
 * of ECAM, ranges the I/O and 32-bit windows of layout.h plus the 64-bit
 * one if set, an interrupt-map for each populated slot and pin, and
 * msi-parent (msi-map with msi_devid) if set. The interrupt controller's node must already be in
 * the blob (its #address-cells shapes interrupt-map). Returns -errno.
 */
int pci_host_fdt_node(const struct pci_host *host, const struct fdt_ctx *ctx);

/*
 * Clears dev and fills a type 0 header with id: every field read-only but
 * Command (I/O, Memory, Bus Master, INTx Disable), the Status error bits
 * (RW1C), Cache Line Size, Latency Timer and Interrupt Line. No BARs, no
 * interrupt pin, no capabilities yet. ops (may be NULL) must outlive dev.
 */
void pci_dev_init(struct pci_dev *dev, const struct pci_dev_id *id, const struct pci_dev_ops *ops,
		  void *opaque);

/*
 * Declares BAR bar (0..5) of size bytes (a power of two, at least 16 for
 * memory and at most 2 GiB for 32-bit memory, 4..256 for I/O, PCI 3.0
 * §6.2.5.1). A MEM64 BAR also takes bar + 1. prefetchable is for memory
 * only. Returns -EINVAL for a bad bar, size, type or combination, -EBUSY if
 * the slot is taken. Call before pci_host_add_dev().
 */
int pci_dev_set_bar(struct pci_dev *dev, unsigned bar, enum pci_bar_type type, uint64_t size,
		    bool prefetchable);

/*
 * The SPI (0-based) that dev's interrupt pin reaches, as the device tree's
 * interrupt-map says; -ENODEV before pci_host_add_dev() or without a pin.
 */
int pci_dev_intx_spi(const struct pci_dev *dev);

/* Sets the read-only Interrupt Pin register. Returns -EINVAL above PCI_INTD. */
int pci_dev_set_intx_pin(struct pci_dev *dev, enum pci_intx_pin pin);

/*
 * Appends a capability of len bytes (including its 2-byte ID/next header)
 * to the list at PCI_CAP_PTR, DWORD-aligned (PCI 3.0 §6.7), and sets Status
 * bit 4. The body is zero and read-only; fill it with pci_dev_cfg_set() and
 * open writable bits with pci_dev_set_wmask(). Returns the capability's
 * offset, -EINVAL for len < 2, -ENOSPC when it does not fit below 0x100.
 */
int pci_dev_add_cap(struct pci_dev *dev, uint8_t cap_id, unsigned len);

/*
 * Sets the guest-writable bits of the len (1, 2 or 4) bytes at off to mask
 * (pci_dev_set_w1cmask: the write-one-to-clear bits). The header's own
 * masks are set by pci_dev_init(); these are for capabilities. Returns
 * -EINVAL for a bad range.
 */
int pci_dev_set_wmask(struct pci_dev *dev, unsigned off, unsigned len, uint32_t mask);
int pci_dev_set_w1cmask(struct pci_dev *dev, unsigned off, unsigned len, uint32_t mask);

/*
 * The device's own view of its config space: len (1, 2 or 4) bytes at off,
 * no masks applied. Call before pci_host_add_dev() or inside an op (the host
 * lock held). get returns 0 and set -EINVAL for a bad range.
 */
uint32_t pci_dev_cfg_get(const struct pci_dev *dev, unsigned off, unsigned len);
int pci_dev_cfg_set(struct pci_dev *dev, unsigned off, unsigned len, uint32_t val);

/*
 * Where BAR bar decodes now (what bar_remap last said), or PCI_BAR_UNMAPPED.
 * Same locking rule as pci_dev_cfg_get().
 */
uint64_t pci_dev_bar_addr(const struct pci_dev *dev, unsigned bar);

#endif
