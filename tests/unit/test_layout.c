// SPDX-License-Identifier: GPL-2.0-only
/* The board's memory map, the IPA size it needs, and boot placement in RAM. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "../../vmm/layout.h"
#include "suites.h"

#define RAM_BASE 0x80000000ULL

static uint64_t region_end(enum layout_region r)
{
	return layout_base(r) + layout_size(r);
}

/* GICv2's rows: its CPU interface and the GICv2m frame. */
static bool gicv2_only(enum layout_region r)
{
	return r == LAYOUT_GIC_CPU || r == LAYOUT_GIC_V2M;
}

/* The one documented overlap: a VM has GICv2's rows or GICv3's GICR. */
static int overlap_allowed(enum layout_region a, enum layout_region b)
{
	return (a == LAYOUT_GIC_REDIST && gicv2_only(b)) ||
	       (gicv2_only(a) && b == LAYOUT_GIC_REDIST);
}

START_TEST(test_map_rows_named_and_sized)
{
	for (int r = 0; r < LAYOUT_NR_REGIONS; r++) {
		ck_assert_msg(layout_map[r].name && layout_map[r].name[0], "row %d has no name", r);
		ck_assert_msg(layout_size(r) > 0, "%s is empty", layout_map[r].name);
		ck_assert_msg(region_end(r) > layout_base(r), "%s wraps", layout_map[r].name);
		ck_assert_msg(layout_base(r) % SZ_4K == 0, "%s not page aligned",
			      layout_map[r].name);
	}
	for (int s = 0; s < LAYOUT_NR_SPIS; s++)
		ck_assert_msg(layout_spi_names[s] && layout_spi_names[s][0], "SPI %d has no name",
			      s);
}
END_TEST

START_TEST(test_map_sorted)
{
	for (int r = 1; r < LAYOUT_NR_REGIONS; r++)
		ck_assert_msg(layout_base(r - 1) < layout_base(r),
			      "%s (0x%llx) not above %s (0x%llx)", layout_map[r].name,
			      (unsigned long long)layout_base(r), layout_map[r - 1].name,
			      (unsigned long long)layout_base(r - 1));
}
END_TEST

START_TEST(test_map_no_overlap)
{
	for (int a = 0; a < LAYOUT_NR_REGIONS; a++) {
		for (int b = a + 1; b < LAYOUT_NR_REGIONS; b++) {
			bool overlap =
			    layout_base(a) < region_end(b) && layout_base(b) < region_end(a);

			if (!overlap_allowed(a, b))
				ck_assert_msg(!overlap, "%s overlaps %s", layout_map[a].name,
					      layout_map[b].name);
		}
	}
}
END_TEST

START_TEST(test_map_gicv2_cpu_inside_redist)
{
	/* The documented overlap must stay inside GICR, not spill onto GICD. */
	ck_assert_uint_ge(layout_base(LAYOUT_GIC_CPU), layout_base(LAYOUT_GIC_REDIST));
	ck_assert_uint_le(region_end(LAYOUT_GIC_CPU), region_end(LAYOUT_GIC_REDIST));
	ck_assert_uint_le(region_end(LAYOUT_GIC_CPU), layout_base(LAYOUT_GIC_DIST));
}
END_TEST

/* Where kvmtool puts it: one 4 KiB frame right below the CPU interface, inside GICR. */
START_TEST(test_map_gicv2m_frame)
{
	ck_assert_uint_eq(layout_size(LAYOUT_GIC_V2M), SZ_4K);
	ck_assert_uint_eq(region_end(LAYOUT_GIC_V2M), layout_base(LAYOUT_GIC_CPU));
	ck_assert_uint_eq(layout_base(LAYOUT_GIC_V2M), 0x3ffcf000);
	ck_assert_uint_ge(layout_base(LAYOUT_GIC_V2M), layout_base(LAYOUT_GIC_REDIST));
	ck_assert_uint_ge(layout_base(LAYOUT_GIC_V2M), region_end(LAYOUT_GIC_ITS));
}
END_TEST

/* The MSI block follows the INTx SPIs, every SPI of it named, nothing after it. */
START_TEST(test_spi_msi_block)
{
	ck_assert_int_eq(LAYOUT_SPI_MSI_FIRST, LAYOUT_SPI_PCI_INTD + 1);
	ck_assert_int_eq(LAYOUT_SPI_MSI_LAST - LAYOUT_SPI_MSI_FIRST + 1, LAYOUT_NR_MSI_SPIS);
	ck_assert_int_eq(LAYOUT_NR_SPIS, LAYOUT_SPI_MSI_LAST + 1);
	for (int s = LAYOUT_SPI_MSI_FIRST; s <= LAYOUT_SPI_MSI_LAST; s++)
		ck_assert_str_eq(layout_spi_names[s], "msi");
	ck_assert_str_eq(layout_spi_names[LAYOUT_SPI_PCI_INTD], "pci-intd");
}
END_TEST

START_TEST(test_map_devices_below_ram)
{
	for (int r = 0; r < LAYOUT_NR_REGIONS; r++) {
		if (r == LAYOUT_RAM)
			continue;
		ck_assert_msg(region_end(r) <= layout_base(LAYOUT_RAM), "%s reaches into RAM",
			      layout_map[r].name);
	}
}
END_TEST

START_TEST(test_map_kvmtool_addresses)
{
	ck_assert_uint_eq(layout_base(LAYOUT_UART), 0x1000000);
	ck_assert_uint_eq(layout_base(LAYOUT_GIC_DIST), 0x3fff0000);
	ck_assert_uint_eq(layout_size(LAYOUT_GIC_DIST), SZ_64K);
	ck_assert_uint_eq(layout_base(LAYOUT_GIC_REDIST), 0x3f7f0000);
	ck_assert_uint_eq(layout_base(LAYOUT_PCI_ECAM), 0x40000000);
	ck_assert_uint_eq(layout_base(LAYOUT_RAM), RAM_BASE);
}
END_TEST

START_TEST(test_map_redist_fits_max_vcpus)
{
	/* GICv3: two 64 KiB frames (RD_base, SGI_base) per vCPU. */
	ck_assert_uint_ge(layout_size(LAYOUT_GIC_REDIST), LAYOUT_MAX_VCPUS * 2 * SZ_64K);
	ck_assert_uint_le(region_end(LAYOUT_GIC_REDIST), layout_base(LAYOUT_GIC_DIST));
}
END_TEST

static const struct {
	uint64_t ram;
	unsigned bits;
} ipa_cases[] = {
	{ 16ULL << 20, 32 },
	{ 2ULL << 30, 32 }, /* top = 4 GiB exactly */
	{ (2ULL << 30) + SZ_2M, 33 },
	{ 6ULL << 30, 33 }, /* top = 8 GiB */
	{ (6ULL << 30) + SZ_2M, 34 },
	{ 14ULL << 30, 34 },		 /* top = 16 GiB */
	{ (1ULL << 52) - RAM_BASE, 52 }, /* the most the map allows */
	{ (1ULL << 52) - RAM_BASE + SZ_2M, 0 },
	{ UINT64_MAX, 0 },
	{ UINT64_MAX - RAM_BASE + 1, 0 }, /* top would wrap to 0 */
};

START_TEST(test_ipa_bits)
{
	uint64_t ram = ipa_cases[_i].ram;

	ck_assert_msg(layout_ipa_bits(ram) == ipa_cases[_i].bits,
		      "ram 0x%llx: got %u bits, want %u", (unsigned long long)ram,
		      layout_ipa_bits(ram), ipa_cases[_i].bits);
}
END_TEST

/* The 64-bit PCI window: above RAM and 4 GiB, naturally aligned, counted in the IPA. */
START_TEST(test_pci_mmio64)
{
	static const struct {
		uint64_t ram, base;
		unsigned bits;
	} cases[] = {
		{ 256ULL << 20, 4ULL << 30, 33 },	  /* RAM ends at 2.25 GiB */
		{ 2ULL << 30, 4ULL << 30, 33 },		  /* RAM ends at 4 GiB exactly */
		{ (2ULL << 30) + SZ_2M, 8ULL << 30, 34 }, /* RAM spills past 4 GiB */
		{ 14ULL << 30, 16ULL << 30, 35 },
		{ (1ULL << 52) - RAM_BASE, 0, 0 }, /* no room left in the 52-bit map */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t ram = cases[i].ram, base = layout_pci_mmio64_base(ram);

		ck_assert_uint_eq(layout_ipa_bits_mmio64(ram), cases[i].bits);
		if (!cases[i].bits)
			continue;
		ck_assert_uint_eq(base, cases[i].base);
		ck_assert_uint_ge(base, RAM_BASE + ram);
		ck_assert_uint_eq(base & (LAYOUT_PCI_MMIO64_SIZE - 1), 0);
		ck_assert_uint_ge(layout_ipa_bits_mmio64(ram), layout_ipa_bits(ram));
	}
}
END_TEST

START_TEST(test_ipa_bits_is_smallest)
{
	for (uint64_t ram = 16ULL << 20; ram <= (64ULL << 30); ram += 510ULL << 20) {
		unsigned bits = layout_ipa_bits(ram);
		uint64_t top = RAM_BASE + ram;

		ck_assert_uint_ge(bits, 32);
		ck_assert_uint_ge(1ULL << bits, top);
		if (bits > 32)
			ck_assert_uint_lt(1ULL << (bits - 1), top);
	}
}
END_TEST

/* Checks what booting.rst and the header promise about a successful placement. */
static void check_placement(uint64_t ram_size, uint64_t kernel_end, uint64_t initrd_size,
			    const struct layout_boot *b)
{
	uint64_t ram_end = RAM_BASE + ram_size;

	ck_assert_uint_eq(b->kernel_end, kernel_end);
	ck_assert_uint_eq(b->fdt % SZ_2M, 0);
	ck_assert_uint_ge(b->fdt, kernel_end);
	ck_assert_uint_le(b->fdt + LAYOUT_FDT_MAX, ram_end);
	/* The last 2 MiB block: nothing of RAM above it is wasted beyond one block. */
	ck_assert_uint_gt(b->fdt + SZ_2M, ram_end - LAYOUT_FDT_MAX);
	if (!initrd_size) {
		ck_assert_uint_eq(b->initrd, 0);
		ck_assert_uint_eq(b->initrd_end, 0);
		return;
	}
	ck_assert_uint_eq(b->initrd % SZ_64K, 0);
	ck_assert_uint_eq(b->initrd_end - b->initrd, initrd_size);
	ck_assert_uint_ge(b->initrd, kernel_end);
	ck_assert_uint_le(b->initrd_end, b->fdt);
}

START_TEST(test_boot_typical)
{
	uint64_t ram = 256ULL << 20, kend = RAM_BASE + (40ULL << 20), isz = 10ULL << 20;
	struct layout_boot b = { 0 };

	ck_assert_int_eq(layout_place_boot(ram, RAM_BASE, kend, isz, &b), 0);
	ck_assert_uint_eq(b.kernel, RAM_BASE);
	ck_assert_uint_eq(b.fdt, RAM_BASE + ram - SZ_2M);
	ck_assert_uint_eq(b.initrd, b.fdt - isz); /* isz is 64K aligned: right below */
	check_placement(ram, kend, isz, &b);
}
END_TEST

START_TEST(test_boot_no_initrd)
{
	uint64_t ram = 64ULL << 20, kend = RAM_BASE + SZ_2M;
	struct layout_boot b = { .initrd = 1, .initrd_end = 2 };

	ck_assert_int_eq(layout_place_boot(ram, RAM_BASE, kend, 0, &b), 0);
	check_placement(ram, kend, 0, &b);
}
END_TEST

START_TEST(test_boot_unaligned_initrd_size)
{
	uint64_t ram = 128ULL << 20, kend = RAM_BASE + 0x1234567, isz = SZ_1M + 1;
	struct layout_boot b;

	ck_assert_int_eq(layout_place_boot(ram, RAM_BASE, kend, isz, &b), 0);
	check_placement(ram, kend, isz, &b);
}
END_TEST

START_TEST(test_boot_ram_not_2m_multiple)
{
	uint64_t ram = (16ULL << 20) + SZ_1M, kend = RAM_BASE + SZ_1M;
	struct layout_boot b;

	ck_assert_int_eq(layout_place_boot(ram, RAM_BASE, kend, SZ_64K, &b), 0);
	ck_assert_uint_eq(b.fdt, RAM_BASE + (16ULL << 20));
	check_placement(ram, kend, SZ_64K, &b);
}
END_TEST

START_TEST(test_boot_initrd_exact_fit)
{
	uint64_t ram = 64ULL << 20, kend = RAM_BASE + (16ULL << 20);
	uint64_t fdt = RAM_BASE + ram - SZ_2M;
	struct layout_boot b;

	ck_assert_int_eq(layout_place_boot(ram, RAM_BASE, kend, fdt - kend, &b), 0);
	ck_assert_uint_eq(b.initrd, kend);
	check_placement(ram, kend, fdt - kend, &b);
	ck_assert_int_eq(layout_place_boot(ram, RAM_BASE, kend, fdt - kend + 1, &b), -ENOSPC);
}
END_TEST

START_TEST(test_boot_initrd_alignment_would_overlap_kernel)
{
	/* Fits byte-wise, but aligning the start down to 64K would hit the kernel. */
	uint64_t ram = 64ULL << 20, kend = RAM_BASE + (16ULL << 20) + 0x100;
	uint64_t fdt = RAM_BASE + ram - SZ_2M;
	struct layout_boot b;

	ck_assert_int_eq(layout_place_boot(ram, RAM_BASE, kend, fdt - kend, &b), -ENOSPC);
}
END_TEST

START_TEST(test_boot_does_not_fit)
{
	uint64_t ram = 64ULL << 20, ram_end = RAM_BASE + ram, kend;
	struct layout_boot b;

	/* Kernel beyond RAM, or into the DTB's block. */
	ck_assert_int_eq(layout_place_boot(ram, RAM_BASE, ram_end + 1, 0, &b), -ENOSPC);
	ck_assert_int_eq(layout_place_boot(ram, RAM_BASE, ram_end - SZ_1M, 0, &b), -ENOSPC);
	/* Kernel + initrd larger than RAM. */
	kend = RAM_BASE + (40ULL << 20);
	ck_assert_int_eq(layout_place_boot(ram, RAM_BASE, kend, 30ULL << 20, &b), -ENOSPC);
	ck_assert_int_eq(layout_place_boot(ram, RAM_BASE, RAM_BASE + SZ_2M, UINT64_MAX, &b),
			 -ENOSPC);
	/* Nonsense kernel ranges. */
	ck_assert_int_eq(layout_place_boot(ram, RAM_BASE - SZ_2M, RAM_BASE, 0, &b), -ENOSPC);
	ck_assert_int_eq(layout_place_boot(ram, RAM_BASE + SZ_2M, RAM_BASE + SZ_1M, 0, &b),
			 -ENOSPC);
	/* Too little RAM for a DTB block at all. */
	ck_assert_int_eq(layout_place_boot(SZ_1M, RAM_BASE, RAM_BASE, 0, &b), -ENOSPC);
}
END_TEST

Suite *layout_suite(void)
{
	Suite *s = suite_create("layout");
	TCase *map = tcase_create("map");
	TCase *ipa = tcase_create("ipa_bits");
	TCase *boot = tcase_create("place_boot");

	tcase_add_test(map, test_map_rows_named_and_sized);
	tcase_add_test(map, test_map_sorted);
	tcase_add_test(map, test_map_no_overlap);
	tcase_add_test(map, test_map_gicv2_cpu_inside_redist);
	tcase_add_test(map, test_map_gicv2m_frame);
	tcase_add_test(map, test_spi_msi_block);
	tcase_add_test(map, test_map_devices_below_ram);
	tcase_add_test(map, test_map_kvmtool_addresses);
	tcase_add_test(map, test_map_redist_fits_max_vcpus);
	suite_add_tcase(s, map);

	tcase_add_loop_test(ipa, test_ipa_bits, 0, sizeof(ipa_cases) / sizeof(ipa_cases[0]));
	tcase_add_test(ipa, test_ipa_bits_is_smallest);
	tcase_add_test(ipa, test_pci_mmio64);
	suite_add_tcase(s, ipa);

	tcase_add_test(boot, test_boot_typical);
	tcase_add_test(boot, test_boot_no_initrd);
	tcase_add_test(boot, test_boot_unaligned_initrd_size);
	tcase_add_test(boot, test_boot_ram_not_2m_multiple);
	tcase_add_test(boot, test_boot_initrd_exact_fit);
	tcase_add_test(boot, test_boot_initrd_alignment_would_overlap_kernel);
	tcase_add_test(boot, test_boot_does_not_fit);
	suite_add_tcase(s, boot);
	return s;
}
