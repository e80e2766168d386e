/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The board: armlet's guest physical memory map and SPI assignments, as data.
 *
 * Compatible with kvmtool's arm64 layout, so guests built for lkvm run as is.
 *
 *   0        16M   16M+64K 16M+128K            ~1G-8M  1G-64K 1G       1.25G     2G
 *   +--------+------+-------+-------------------+------+------+--------+---------+--------...
 *   | PCI    | UART | (RTC) | test    |         | ITS  | GICR | GICD | PCI    | PCI     | RAM
 *   | I/O    | 16550|       | device  |         |      |      |      | ECAM   | MMIO    |
 *   +--------+------+-------+---------+---------+------+------+------+--------+---------+--------...
 *
 * RAM starts at 2 GiB and grows upwards; its end decides the IPA size.
 * GICv2's CPU interface and the GICv2m MSI frame just below it (where
 * kvmtool puts them) sit in the range the GICv3 redistributors use: a VM has
 * one GIC model, never both.
 */
#ifndef ARMLET_LAYOUT_H
#define ARMLET_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#define SZ_4K  0x1000ULL
#define SZ_64K 0x10000ULL
#define SZ_1M  0x100000ULL
#define SZ_2M  0x200000ULL
#define SZ_1G  0x40000000ULL

/* The most vCPUs the redistributor region below has room for. */
#define LAYOUT_MAX_VCPUS 64

enum layout_region {
	LAYOUT_PCI_IO,	   /* PCI I/O space window (kvmtool: ARM_IOPORT_AREA) */
	LAYOUT_UART,	   /* 16550 UART, byte registers */
	LAYOUT_TESTDEV,	   /* armlet test device (--testdev), for bare-metal test guests */
	LAYOUT_GIC_ITS,	   /* GICv3 ITS frames (2 x 64 KiB) */
	LAYOUT_GIC_REDIST, /* GICv3 redistributors, 128 KiB per vCPU */
	LAYOUT_GIC_V2M,	   /* GICv2m MSI frame (overlaps GICR: never both) */
	LAYOUT_GIC_CPU,	   /* GICv2 CPU interface (overlaps GICR: never both) */
	LAYOUT_GIC_DIST,   /* GIC distributor, v2 or v3 */
	LAYOUT_PCI_ECAM,   /* PCI configuration space, ECAM, 256 buses */
	LAYOUT_PCI_MMIO,   /* PCI 32-bit memory window */
	LAYOUT_RAM,	   /* guest RAM; size chosen per VM */
	LAYOUT_NR_REGIONS
};

struct layout_row {
	const char *name;
	uint64_t base;
	uint64_t size; /* for LAYOUT_RAM: the most RAM the map allows */
};

extern const struct layout_row layout_map[LAYOUT_NR_REGIONS];

/*
 * SPIs the GICv2m frame turns MSIs into (as many as kvmtool's). A guest that
 * runs out gives its devices fewer vectors, or INTx.
 */
#define LAYOUT_NR_MSI_SPIS 64

/* SPIs, numbered from 0 (INTID = 32 + spi). */
enum layout_spi {
	LAYOUT_SPI_UART,     /* 16550 UART */
	LAYOUT_SPI_PCI_INTA, /* PCI INTA..INTD of slot 0; other slots rotate (pci.c) */
	LAYOUT_SPI_PCI_INTB,
	LAYOUT_SPI_PCI_INTC,
	LAYOUT_SPI_PCI_INTD,
	/* MSIs through the GICv2m frame (gicv2m): a block of LAYOUT_NR_MSI_SPIS, edge. */
	LAYOUT_SPI_MSI_FIRST,
	LAYOUT_SPI_MSI_LAST = LAYOUT_SPI_MSI_FIRST + LAYOUT_NR_MSI_SPIS - 1,
	LAYOUT_NR_SPIS
};

extern const char *const layout_spi_names[LAYOUT_NR_SPIS];

/* Interrupt IDs the in-kernel timer and PMU use (KVM's fixed PPIs). */
#define LAYOUT_PPI_HYP_TIMER	  26
#define LAYOUT_PPI_VIRT_TIMER	  27
#define LAYOUT_PPI_SEC_PHYS_TIMER 29
#define LAYOUT_PPI_PHYS_TIMER	  30
#define LAYOUT_PPI_PMU		  23

static inline uint64_t layout_base(enum layout_region r)
{
	return layout_map[r].base;
}

static inline uint64_t layout_size(enum layout_region r)
{
	return layout_map[r].size;
}

/*
 * Smallest IPA size (in bits, at least KVM's minimum of 32) that holds the
 * whole map with ram_size bytes of RAM. Returns 0 if ram_size exceeds what
 * the map allows.
 */
unsigned layout_ipa_bits(uint64_t ram_size);

/*
 * The optional 64-bit PCI memory window: LAYOUT_PCI_MMIO64_SIZE bytes at
 * the first multiple of its size above both 4 GiB and the end of RAM, so it
 * never moves RAM and is naturally aligned for the largest BAR it can hold.
 * The VM gets it only when the host's IPA limit has room for it (the map
 * then needs layout_ipa_bits_mmio64() bits instead of layout_ipa_bits()).
 */
#define LAYOUT_PCI_MMIO64_SIZE (4 * SZ_1G)

uint64_t layout_pci_mmio64_base(uint64_t ram_size);
unsigned layout_ipa_bits_mmio64(uint64_t ram_size);

/* Where the loader puts things in RAM (all guest physical addresses). */
struct layout_boot {
	uint64_t kernel;     /* load address of the kernel image */
	uint64_t kernel_end; /* end of its in-memory footprint (incl. bss) */
	uint64_t initrd;     /* 0 when there is no initrd */
	uint64_t initrd_end;
	uint64_t fdt; /* device tree blob; LAYOUT_FDT_MAX bytes reserved */
};

#define LAYOUT_FDT_MAX SZ_64K

/*
 * Places the initrd and the device tree at the top of RAM, below each other,
 * above kernel_end. The DTB gets a 2 MiB-aligned block of its own, as
 * Documentation/arch/arm64/booting.rst asks. Returns -ENOSPC when they do not fit.
 */
int layout_place_boot(uint64_t ram_size, uint64_t kernel, uint64_t kernel_end, uint64_t initrd_size,
		      struct layout_boot *out);

#endif
