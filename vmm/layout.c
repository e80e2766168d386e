// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>

#include "layout.h"

#define ALIGN_DOWN(x, a) ((x) & ~((a)-1))

const struct layout_row layout_map[LAYOUT_NR_REGIONS] = {
	[LAYOUT_PCI_IO] = { "pci-io", 0x00000000, SZ_64K },
	[LAYOUT_UART] = { "uart", 0x01000000, SZ_4K },
	[LAYOUT_TESTDEV] = { "testdev", 0x01020000, SZ_4K },
	[LAYOUT_GIC_ITS] = { "gic-its", 0x3f7d0000, 2 * SZ_64K },
	[LAYOUT_GIC_REDIST] = { "gic-redist", 0x3f7f0000, LAYOUT_MAX_VCPUS * 2 * SZ_64K },
	/* One 4 KiB frame right below the CPU interface, as kvmtool has it. */
	[LAYOUT_GIC_V2M] = { "gic-v2m", 0x3ffcf000, SZ_4K },
	/* As much as kvmtool reserves; the vGICv2's CPU interface is the first 8 KiB. */
	[LAYOUT_GIC_CPU] = { "gic-cpu", 0x3ffd0000, 2 * SZ_64K },
	[LAYOUT_GIC_DIST] = { "gic-dist", 0x3fff0000, SZ_64K },
	[LAYOUT_PCI_ECAM] = { "pci-ecam", 0x40000000, 256 * SZ_1M },
	[LAYOUT_PCI_MMIO] = { "pci-mmio", 0x50000000, 0x30000000 },
	/* Up to the 52-bit IPA limit of LPA hosts. */
	[LAYOUT_RAM] = { "ram", 0x80000000, (1ULL << 52) - 0x80000000 },
};

/* Each row must name its region; a new enum entry without a row fails here. */
_Static_assert(sizeof(layout_map) / sizeof(layout_map[0]) == LAYOUT_NR_REGIONS,
	       "layout_map must have a row per region");

const char *const layout_spi_names[LAYOUT_NR_SPIS] = {
	[LAYOUT_SPI_UART] = "uart",	    [LAYOUT_SPI_PCI_INTA] = "pci-inta",
	[LAYOUT_SPI_PCI_INTB] = "pci-intb", [LAYOUT_SPI_PCI_INTC] = "pci-intc",
	[LAYOUT_SPI_PCI_INTD] = "pci-intd", [LAYOUT_SPI_MSI_FIRST... LAYOUT_SPI_MSI_LAST] = "msi",
};

_Static_assert(sizeof(layout_spi_names) / sizeof(layout_spi_names[0]) == LAYOUT_NR_SPIS,
	       "layout_spi_names must have a row per SPI");

/* Smallest IPA size (at least KVM's minimum of 32 bits) that reaches top. */
static unsigned layout_bits_for(uint64_t top)
{
	unsigned bits = 32;

	while (bits < 64 && (1ULL << bits) < top)
		bits++;
	return bits;
}

unsigned layout_ipa_bits(uint64_t ram_size)
{
	if (ram_size > layout_size(LAYOUT_RAM))
		return 0;
	return layout_bits_for(layout_base(LAYOUT_RAM) + ram_size);
}

uint64_t layout_pci_mmio64_base(uint64_t ram_size)
{
	uint64_t from = layout_base(LAYOUT_RAM) + ram_size;

	if (from < 4 * SZ_1G)
		from = 4 * SZ_1G;
	return (from + LAYOUT_PCI_MMIO64_SIZE - 1) & ~(LAYOUT_PCI_MMIO64_SIZE - 1);
}

unsigned layout_ipa_bits_mmio64(uint64_t ram_size)
{
	/* The window must stay inside the 52-bit map, like RAM. */
	if (ram_size > layout_size(LAYOUT_RAM) - LAYOUT_PCI_MMIO64_SIZE)
		return 0;
	return layout_bits_for(layout_pci_mmio64_base(ram_size) + LAYOUT_PCI_MMIO64_SIZE);
}

int layout_place_boot(uint64_t ram_size, uint64_t kernel, uint64_t kernel_end, uint64_t initrd_size,
		      struct layout_boot *out)
{
	uint64_t ram = layout_base(LAYOUT_RAM);
	uint64_t ram_end = ram + ram_size;

	if (ram_size < SZ_2M || kernel < ram || kernel_end < kernel || kernel_end > ram_end)
		return -ENOSPC;
	out->kernel = kernel;
	out->kernel_end = kernel_end;
	/* The last 2 MiB block of RAM is the DTB's alone. */
	out->fdt = ALIGN_DOWN(ram_end - LAYOUT_FDT_MAX, SZ_2M);
	if (out->fdt < kernel_end)
		return -ENOSPC;
	out->initrd = out->initrd_end = 0;
	if (initrd_size) {
		if (initrd_size > out->fdt - kernel_end)
			return -ENOSPC;
		out->initrd = ALIGN_DOWN(out->fdt - initrd_size, SZ_64K);
		if (out->initrd < kernel_end)
			return -ENOSPC;
		out->initrd_end = out->initrd + initrd_size;
	}
	return 0;
}
