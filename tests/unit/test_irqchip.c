// SPDX-License-Identifier: GPL-2.0-only
/*
 * Irqchip model names, the GIC device-tree nodes (GICv3 with its ITS, GICv2
 * with its v2m frame, and the PPI specifiers each model writes), the GICv2m
 * frame's registers, and the interrupt handle a VM gives its devices.
 */
#include <errno.h>
#include <libfdt.h>
#include <string.h>

#include "../../fdt/fdt.h"
#include "../../irqchip/gic.h"
#include "../../irqchip/gicv2m.h"
#include "../../irqchip/irqchip.h"
#include "../../vmm/irq.h"
#include "../../vmm/vm.h"
#include "suites.h"

START_TEST(test_model_parse)
{
	enum irqchip_model m = IRQCHIP_NR_MODELS;

	ck_assert_int_eq(irqchip_model_parse("auto", &m), 0);
	ck_assert_int_eq(m, IRQCHIP_AUTO);
	ck_assert_int_eq(irqchip_model_parse("gicv3", &m), 0);
	ck_assert_int_eq(m, IRQCHIP_GICV3);
	ck_assert_int_eq(irqchip_model_parse("gicv3-its", &m), 0);
	ck_assert_int_eq(m, IRQCHIP_GICV3_ITS);
	ck_assert_str_eq(irqchip_model_name(IRQCHIP_GICV3_ITS), "gicv3-its");
	ck_assert_int_eq(irqchip_model_parse("gicv2", &m), 0);
	ck_assert_int_eq(m, IRQCHIP_GICV2);
	ck_assert_int_eq(irqchip_model_parse("gicv2m", &m), 0);
	ck_assert_int_eq(m, IRQCHIP_GICV2M);
	ck_assert_str_eq(irqchip_model_name(IRQCHIP_GICV2), "gicv2");
	ck_assert_str_eq(irqchip_model_name(IRQCHIP_GICV2M), "gicv2m");
	ck_assert_int_eq(irqchip_model_parse("gicv2-user", &m), 0);
	ck_assert_int_eq(m, IRQCHIP_GICV2_USER);
	ck_assert_str_eq(irqchip_model_name(IRQCHIP_GICV2_USER), "gicv2-user");
}
END_TEST

START_TEST(test_model_round_trip)
{
	for (int i = 0; i < IRQCHIP_NR_MODELS; i++) {
		enum irqchip_model m = IRQCHIP_NR_MODELS;
		const char *name = irqchip_model_name((enum irqchip_model)i);

		ck_assert_ptr_nonnull(name);
		ck_assert_int_eq(irqchip_model_parse(name, &m), 0);
		ck_assert_int_eq(m, i);
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(name, irqchip_model_name((enum irqchip_model)j));
	}
}
END_TEST

START_TEST(test_model_unknown)
{
	static const char *const bad[] = {
		"",	      "GICV3",	   "gicv3 ",	 " auto",	"gic",
		"autox",      "gicv3-ITS", "gicv3_its",	 "its",		"gicv3-",
		"gicv2 ",     "GICv2",	   "gicv2-m",	 "gicv2m-its",	"v2m",
		"gicv2mm",    "gicv2_m",   "gicv1",	 "gicv2user",	"gicv2_user",
		"user",	      "gicv2-",	   "GICv2-user", "gicv2-user ", "gicv2m-user",
		"gicv3-user",
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum irqchip_model m = IRQCHIP_GICV3;

		ck_assert_msg(irqchip_model_parse(bad[i], &m) == -EINVAL, "'%s' accepted", bad[i]);
		ck_assert_int_eq(m, IRQCHIP_GICV3); /* untouched */
	}
	ck_assert_str_eq(irqchip_model_name(IRQCHIP_NR_MODELS), "?");
}
END_TEST

/* --- the ITS's device-tree node ------------------------------------------------------ */

#define ITS_BLOB_SIZE (4 << 10)

static uint32_t its_prop_u32(const void *fdt, int node, const char *name)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	ck_assert_msg(p, "no property %s", name);
	ck_assert_int_eq(len, 4);
	return fdt32_to_cpu(*p);
}

static void its_assert_empty_prop(const void *fdt, int node, const char *name)
{
	int len = -1;

	ck_assert_msg(fdt_getprop(fdt, node, name, &len), "no property %s", name);
	ck_assert_int_eq(len, 0);
}

/* Builds the irqchip node with builder for a VM of nr_cpus into blob. */
static int its_build(void *blob, int size, unsigned nr_cpus, int (*builder)(const struct fdt_ctx *))
{
	static const struct vm_config cfg = { .params = "" };
	struct vm vm;
	struct fdt_ctx ctx = { .fdt = blob, .vm = &vm, .intc_phandle = FDT_PHANDLE_INTC };
	int ret;

	ck_assert_int_eq(vm_init(&vm, &cfg), 0);
	vm.nr_vcpus = nr_cpus;
	ret = fdt_errno(fdt_create_empty_tree(blob, size));
	ret = ret ?: builder(&ctx);
	vm_destroy(&vm);
	return ret;
}

START_TEST(test_its_fdt_node)
{
	static const uint32_t reg[] = { 0, 0x3f7d0000, 0, 0x20000 };
	static uint8_t blob[ITS_BLOB_SIZE];
	const fdt32_t *cells;
	int gic, its, len;

	ck_assert_int_eq(its_build(blob, sizeof(blob), 2, gicv3_its_fdt_node), 0);
	gic = fdt_path_offset(blob, "/intc@3fff0000");
	ck_assert_int_ge(gic, 0);
	ck_assert_int_eq(fdt_node_check_compatible(blob, gic, "arm,gic-v3"), 0);
	ck_assert_uint_eq(fdt_get_phandle(blob, gic), FDT_PHANDLE_INTC);
	/* The child's reg is read in the GIC node's cells: <2 2>, ranges identity. */
	ck_assert_uint_eq(its_prop_u32(blob, gic, "#address-cells"), 2);
	ck_assert_uint_eq(its_prop_u32(blob, gic, "#size-cells"), 2);
	its_assert_empty_prop(blob, gic, "ranges");

	its = fdt_subnode_offset(blob, gic, "msi-controller@3f7d0000");
	ck_assert_int_ge(its, 0);
	ck_assert_int_eq(fdt_node_check_compatible(blob, its, "arm,gic-v3-its"), 0);
	its_assert_empty_prop(blob, its, "msi-controller");
	ck_assert_uint_eq(its_prop_u32(blob, its, "#msi-cells"), 1);
	ck_assert_uint_eq(fdt_get_phandle(blob, its), FDT_PHANDLE_ITS);
	ck_assert_int_eq(fdt_node_offset_by_phandle(blob, FDT_PHANDLE_ITS), its);
	ck_assert_ptr_null(fdt_getprop(blob, its, "interrupt-controller", &len));
	cells = fdt_getprop(blob, its, "reg", &len);
	ck_assert_ptr_nonnull(cells);
	ck_assert_int_eq(len, (int)sizeof(reg));
	for (unsigned i = 0; i < 4; i++)
		ck_assert_uint_eq(fdt32_to_cpu(cells[i]), reg[i]);
	/* One ITS, and the same GIC node as the plain model's. */
	ck_assert_int_eq(fdt_node_offset_by_compatible(blob, its, "arm,gic-v3-its"),
			 -FDT_ERR_NOTFOUND);
	cells = fdt_getprop(blob, gic, "reg", &len);
	ck_assert_ptr_nonnull(cells);
	ck_assert_int_eq(len, 8 * 4);
	ck_assert_uint_eq(fdt32_to_cpu(cells[7]), 2 * 0x20000);
}
END_TEST

START_TEST(test_its_fdt_plain_gicv3)
{
	static uint8_t blob[ITS_BLOB_SIZE];

	ck_assert_int_eq(its_build(blob, sizeof(blob), 1, gicv3_fdt_node), 0);
	ck_assert_int_ge(fdt_path_offset(blob, "/intc@3fff0000"), 0);
	ck_assert_int_eq(fdt_node_offset_by_compatible(blob, -1, "arm,gic-v3-its"),
			 -FDT_ERR_NOTFOUND);
	ck_assert_int_eq(fdt_node_offset_by_phandle(blob, FDT_PHANDLE_ITS), -FDT_ERR_NOTFOUND);
}
END_TEST

/* A blob too small fails with -ENOSPC, never with a half-built success; more room always fits. */
START_TEST(test_its_fdt_no_space)
{
	static uint8_t blob[ITS_BLOB_SIZE];
	int fits = 0;

	for (int size = (int)sizeof(struct fdt_header) + 16; size <= ITS_BLOB_SIZE; size += 4) {
		int ret = its_build(blob, size, 1, gicv3_its_fdt_node);

		ck_assert_msg(ret == 0 || (!fits && ret == -ENOSPC), "%d bytes: %d", size, ret);
		if (ret == 0 && !fits) {
			fits = size;
			ck_assert_int_ge(fdt_node_offset_by_phandle(blob, FDT_PHANDLE_ITS), 0);
		}
	}
	ck_assert_int_gt(fits, 0);
}
END_TEST

/* --- the GICv2 nodes ---------------------------------------------------------------- */

static void assert_cells(const void *fdt, int node, const char *name, const uint32_t *want,
			 unsigned n)
{
	int len;
	const fdt32_t *cells = fdt_getprop(fdt, node, name, &len);

	ck_assert_msg(cells, "no property %s", name);
	ck_assert_int_eq(len, (int)(n * 4));
	for (unsigned i = 0; i < n; i++)
		ck_assert_msg(fdt32_to_cpu(cells[i]) == want[i], "%s[%u] = 0x%x, want 0x%x", name,
			      i, fdt32_to_cpu(cells[i]), want[i]);
}

/* What both GICv2 models' node has, as QEMU and kvmtool write it for a vGICv2. */
static int assert_gicv2_node(const void *fdt)
{
	/* KVM's 4 KiB GICD and 8 KiB GICC, not the layout rows around them. */
	static const uint32_t reg[] = { 0, 0x3fff0000, 0, 0x1000, 0, 0x3ffd0000, 0, 0x2000 };
	int gic = fdt_path_offset(fdt, "/intc@3fff0000");

	ck_assert_int_ge(gic, 0);
	ck_assert_int_eq(fdt_node_check_compatible(fdt, gic, "arm,cortex-a15-gic"), 0);
	ck_assert_uint_eq(its_prop_u32(fdt, gic, "#interrupt-cells"), 3);
	its_assert_empty_prop(fdt, gic, "interrupt-controller");
	ck_assert_uint_eq(fdt_get_phandle(fdt, gic), FDT_PHANDLE_INTC);
	assert_cells(fdt, gic, "reg", reg, 8);
	ck_assert_int_eq(fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3"), -FDT_ERR_NOTFOUND);
	ck_assert_int_eq(fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3-its"),
			 -FDT_ERR_NOTFOUND);
	return gic;
}

START_TEST(test_gicv2_fdt_node)
{
	static uint8_t blob[ITS_BLOB_SIZE];

	ck_assert_int_eq(its_build(blob, sizeof(blob), 8, gicv2_fdt_node), 0);
	assert_gicv2_node(blob);
	/* No MSI controller: devices use INTx. */
	ck_assert_int_eq(fdt_node_offset_by_compatible(blob, -1, "arm,gic-v2m-frame"),
			 -FDT_ERR_NOTFOUND);
	ck_assert_int_eq(fdt_node_offset_by_phandle(blob, FDT_PHANDLE_V2M), -FDT_ERR_NOTFOUND);
}
END_TEST

START_TEST(test_gicv2m_fdt_node)
{
	static const uint32_t reg[] = { 0, 0x3ffcf000, 0, 0x1000 };
	static uint8_t blob[ITS_BLOB_SIZE];
	int gic, v2m, len;

	ck_assert_int_eq(its_build(blob, sizeof(blob), 2, gicv2m_fdt_node), 0);
	gic = assert_gicv2_node(blob);
	/* The child's reg is read in the GIC node's cells: <2 2>, ranges identity. */
	ck_assert_uint_eq(its_prop_u32(blob, gic, "#address-cells"), 2);
	ck_assert_uint_eq(its_prop_u32(blob, gic, "#size-cells"), 2);
	its_assert_empty_prop(blob, gic, "ranges");

	/* arm,gic.yaml: the frame's node is v2m@<unit>. */
	v2m = fdt_subnode_offset(blob, gic, "v2m@3ffcf000");
	ck_assert_int_ge(v2m, 0);
	ck_assert_int_eq(fdt_node_check_compatible(blob, v2m, "arm,gic-v2m-frame"), 0);
	its_assert_empty_prop(blob, v2m, "msi-controller");
	ck_assert_uint_eq(fdt_get_phandle(blob, v2m), FDT_PHANDLE_V2M);
	ck_assert_int_eq(fdt_node_offset_by_phandle(blob, FDT_PHANDLE_V2M), v2m);
	assert_cells(blob, v2m, "reg", reg, 4);
	/* MSI_TYPER tells the SPIs; no device-ID cell, no interrupt controller. */
	ck_assert_ptr_null(fdt_getprop(blob, v2m, "arm,msi-base-spi", &len));
	ck_assert_ptr_null(fdt_getprop(blob, v2m, "arm,msi-num-spis", &len));
	ck_assert_ptr_null(fdt_getprop(blob, v2m, "#msi-cells", &len));
	ck_assert_ptr_null(fdt_getprop(blob, v2m, "interrupt-controller", &len));
	ck_assert_int_eq(fdt_node_offset_by_compatible(blob, v2m, "arm,gic-v2m-frame"),
			 -FDT_ERR_NOTFOUND);
}
END_TEST

START_TEST(test_gicv2m_fdt_no_space)
{
	static uint8_t blob[ITS_BLOB_SIZE];
	int fits = 0;

	for (int size = (int)sizeof(struct fdt_header) + 16; size <= ITS_BLOB_SIZE; size += 4) {
		int ret = its_build(blob, size, 1, gicv2m_fdt_node);

		ck_assert_msg(ret == 0 || (!fits && ret == -ENOSPC), "%d bytes: %d", size, ret);
		if (ret == 0 && !fits) {
			fits = size;
			ck_assert_int_ge(fdt_node_offset_by_phandle(blob, FDT_PHANDLE_V2M), 0);
		}
	}
	ck_assert_int_gt(fits, 0);
}
END_TEST

/* GIC_CPU_MASK_SIMPLE(n) in the flags of a GICv2 PPI; GICv3's flags have no mask. */
START_TEST(test_ppi_cells_cpu_mask)
{
	static const struct {
		unsigned nr_cpus, mask;
	} cases[] = { { 1, 0x100 }, { 2, 0x300 }, { 3, 0x700 }, { 4, 0xf00 }, { 8, 0xff00 } };
	uint32_t c[4];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_uint_eq(gicv2_fdt_ppi_cells(27, true, cases[i].nr_cpus, c), 3);
		ck_assert_uint_eq(c[0], 1); /* PPI */
		ck_assert_uint_eq(c[1], 11);
		ck_assert_uint_eq(c[2], cases[i].mask | 4);
		ck_assert_uint_eq(gicv2_fdt_ppi_cells(23, false, cases[i].nr_cpus, c), 3);
		ck_assert_uint_eq(c[1], 7);
		ck_assert_uint_eq(c[2], cases[i].mask | 1);
		ck_assert_uint_eq(gic_fdt_ppi_cells(27, true, cases[i].nr_cpus, c), 3);
		ck_assert_uint_eq(c[2], 4);
	}
	/* A GICv2 has 8 CPU interfaces: never a bit beyond them. */
	ck_assert_uint_eq(gicv2_fdt_ppi_cells(30, true, 64, c), 3);
	ck_assert_uint_eq(c[2], 0xff04);
}
END_TEST

/* The portable halves of the GICv2 models: what fdt_build() needs. */
static const struct irqchip_ops fdt_gicv2m_ops = {
	.name = "gicv2m (fdt only)",
	.msi_phandle = FDT_PHANDLE_V2M,
	.fdt_node = gicv2m_fdt_node,
	.fdt_spi_cells = gic_fdt_spi_cells,
	.fdt_ppi_cells = gicv2_fdt_ppi_cells,
};

/* The whole tree for a gicv2m VM of nr_cpus: the timer's and the PMU's PPIs carry the mask. */
static void check_tree_ppis(unsigned nr_cpus, uint32_t mask)
{
	const uint32_t timer[] = { 1, 13, mask | 4, 1, 14, mask | 4,
				   1, 11, mask | 4, 1, 10, mask | 4 };
	const uint32_t pmu[] = { 1, 7, mask | 4 };
	const struct vm_config cfg = { .params = "", .nr_cpus = nr_cpus, .pmu = true };
	static uint8_t ram[4096], blob[16 << 10];
	struct vm vm;

	ck_assert_int_eq(vm_init(&vm, &cfg), 0);
	vm.mem = (struct guest_mem){ .gpa = 0x80000000, .size = 256 << 20, .hva = ram };
	vm.nr_vcpus = nr_cpus;
	for (unsigned i = 0; i < nr_cpus; i++)
		vm.mpidr[i] = 0x80000000ULL | i;
	vm.irqchip = &fdt_gicv2m_ops;
	ck_assert_int_gt(fdt_build(&vm, blob, sizeof(blob)), 0);
	assert_cells(blob, fdt_path_offset(blob, "/timer"), "interrupts", timer, 12);
	assert_cells(blob, fdt_path_offset(blob, "/pmu"), "interrupts", pmu, 3);
	ck_assert_uint_eq(its_prop_u32(blob, 0, "interrupt-parent"), FDT_PHANDLE_INTC);
	assert_gicv2_node(blob);
	vm_destroy(&vm);
}

START_TEST(test_gicv2m_tree_ppis)
{
	check_tree_ppis(1, 0x100);
	check_tree_ppis(2, 0x300);
	check_tree_ppis(8, 0xff00);
}
END_TEST

/* --- the GICv2m frame ------------------------------------------------------------------ */

#define V2M_BASE     0x3ffcf000ULL
#define V2M_SETSPI   (V2M_BASE + GICV2M_SETSPI_NS)
#define V2M_SPI	     5 /* the layout's block: SPIs 5..68, INTIDs 37..100 */
#define V2M_NR	     64
#define V2M_MAX_RECS 16

struct pulses {
	unsigned n;
	unsigned spi[V2M_MAX_RECS];
};

static int record_pulse(void *ctx, unsigned spi)
{
	struct pulses *p = ctx;

	ck_assert_uint_lt(p->n, V2M_MAX_RECS);
	p->spi[p->n++] = spi;
	return 0;
}

/* A frame at V2M_BASE on a fresh bus; pulses go to p. */
static void frame_setup(struct mmio_bus *bus, struct gicv2m *f, struct pulses *p)
{
	*p = (struct pulses){ 0 };
	bus_init(bus);
	ck_assert_int_eq(gicv2m_init(f, V2M_BASE, V2M_SPI, V2M_NR, record_pulse, p), 0);
	ck_assert_int_eq(bus_add(bus, V2M_BASE, GICV2M_FRAME_SIZE, &gicv2m_mmio_ops, f), 0);
}

static uint64_t frame_read(struct mmio_bus *bus, uint64_t off, unsigned len)
{
	uint64_t val = 0xdeadbeef;

	ck_assert(bus_read(bus, V2M_BASE + off, len, &val));
	return val;
}

START_TEST(test_v2m_init_checks)
{
	struct gicv2m f;

	/* Linux's is_msi_spi_valid(): a block of at least one SPI, below INTID 1020. */
	ck_assert_int_eq(gicv2m_init(&f, V2M_BASE, 0, 0, NULL, NULL), -EINVAL);
	ck_assert_int_eq(gicv2m_init(&f, V2M_BASE, 0, 988, NULL, NULL), 0);
	ck_assert_int_eq(gicv2m_init(&f, V2M_BASE, 0, 989, NULL, NULL), -EINVAL);
	ck_assert_int_eq(gicv2m_init(&f, V2M_BASE, 987, 1, NULL, NULL), 0);
	ck_assert_int_eq(gicv2m_init(&f, V2M_BASE, 987, 2, NULL, NULL), -EINVAL);
	ck_assert_int_eq(gicv2m_init(&f, V2M_BASE, 988, 1, NULL, NULL), -EINVAL);
	ck_assert_int_eq(gicv2m_init(&f, V2M_BASE, 5, UINT32_MAX, NULL, NULL), -EINVAL);
	ck_assert_int_eq(
	    gicv2m_init(&f, V2M_BASE, LAYOUT_SPI_MSI_FIRST, LAYOUT_NR_MSI_SPIS, NULL, NULL), 0);
	/* The layout's block exists in every GIC model armlet creates. */
	ck_assert_uint_le(LAYOUT_SPI_MSI_LAST, GIC_NR_SPIS - 1);
}
END_TEST

/* MSI_TYPER = first INTID << 16 | count (irq-gic-v2m.c's V2M_MSI_TYPER_*); IIDR no quirk. */
START_TEST(test_v2m_registers)
{
	struct mmio_bus bus;
	struct gicv2m f;
	struct pulses p;

	frame_setup(&bus, &f, &p);
	ck_assert_uint_eq(frame_read(&bus, GICV2M_MSI_TYPER, 4), (32 + V2M_SPI) << 16 | V2M_NR);
	ck_assert_uint_eq(frame_read(&bus, GICV2M_MSI_TYPER, 4) >> 16 & 0x3ff, 37);
	ck_assert_uint_eq(frame_read(&bus, GICV2M_MSI_IIDR, 4), GICV2M_IIDR);
	ck_assert_uint_ne(GICV2M_IIDR, 0x06000170); /* X-Gene: data would be an offset */
	ck_assert_uint_ne(GICV2M_IIDR, 0x0000013f); /* NS2: data would be INTID - 32 */
	/* Everything else, and other widths, read as zero. */
	ck_assert_uint_eq(frame_read(&bus, GICV2M_SETSPI_NS, 4), 0);
	ck_assert_uint_eq(frame_read(&bus, 0, 4), 0);
	ck_assert_uint_eq(frame_read(&bus, 0xffc, 4), 0);
	ck_assert_uint_eq(frame_read(&bus, GICV2M_MSI_TYPER, 2), 0);
	ck_assert_uint_eq(frame_read(&bus, GICV2M_MSI_TYPER, 1), 0);
	ck_assert_uint_eq(frame_read(&bus, GICV2M_MSI_TYPER, 8), 0);
	ck_assert_uint_eq(frame_read(&bus, GICV2M_MSI_TYPER + 1, 1), 0);
	ck_assert_uint_eq(p.n, 0);
	bus_destroy(&bus);
}
END_TEST

/* A SETSPI_NS write of an INTID in the block pulses that SPI once. */
START_TEST(test_v2m_setspi)
{
	struct mmio_bus bus;
	struct gicv2m f;
	struct pulses p;

	frame_setup(&bus, &f, &p);
	ck_assert(bus_write(&bus, V2M_SETSPI, 4, 37));
	ck_assert(bus_write(&bus, V2M_SETSPI, 4, 100)); /* the last of the block */
	ck_assert(bus_write(&bus, V2M_SETSPI, 2, 50));	/* 16 bits, as QEMU's frame takes */
	ck_assert(bus_write(&bus, V2M_SETSPI, 4, 0xfffffc00 | 40)); /* only [9:0] count */
	ck_assert_uint_eq(p.n, 4);
	ck_assert_uint_eq(p.spi[0], 5);
	ck_assert_uint_eq(p.spi[1], 68);
	ck_assert_uint_eq(p.spi[2], 18);
	ck_assert_uint_eq(p.spi[3], 8);
	bus_destroy(&bus);
}
END_TEST

/* Stray writes anywhere in the frame, any width, any value: ignored, never a pulse outside. */
START_TEST(test_v2m_stray_writes)
{
	static const uint64_t vals[] = {
		0, 31, 32, 36, 101, 1019, 1023, 0x400 | 36, UINT64_MAX,
	};
	static const unsigned lens[] = { 1, 2, 4, 8 };
	struct mmio_bus bus;
	struct gicv2m f;
	struct pulses p;

	frame_setup(&bus, &f, &p);
	/* Outside the block (INTx SPIs, SGIs/PPIs, past the end): nothing. */
	for (unsigned v = 0; v < sizeof(vals) / sizeof(vals[0]); v++)
		ck_assert(bus_write(&bus, V2M_SETSPI, 4, vals[v]));
	ck_assert_uint_eq(p.n, 0);
	/* Every other offset and width, even with a good INTID: nothing. */
	for (uint64_t off = 0; off < GICV2M_FRAME_SIZE; off++) {
		for (unsigned l = 0; l < 4; l++) {
			bool setspi = off == GICV2M_SETSPI_NS && (lens[l] == 2 || lens[l] == 4);

			if (off + lens[l] > GICV2M_FRAME_SIZE || setspi)
				continue;
			bus_write(&bus, V2M_BASE + off, lens[l], 37);
		}
	}
	ck_assert_uint_eq(p.n, 0);
	/* A frame with no pulse callback drops even good writes. */
	f.pulse = NULL;
	ck_assert(bus_write(&bus, V2M_SETSPI, 4, 37));
	ck_assert_uint_eq(p.n, 0);
	bus_destroy(&bus);
}
END_TEST

/* What the fast path asks before it binds an irqfd: the same decode as the frame's. */
START_TEST(test_v2m_msi_spi)
{
	struct mmio_bus bus;
	struct gicv2m f;
	struct pulses p;

	frame_setup(&bus, &f, &p);
	ck_assert_int_eq(gicv2m_msi_spi(&f, V2M_SETSPI, 37), 5);
	ck_assert_int_eq(gicv2m_msi_spi(&f, V2M_SETSPI, 100), 68);
	ck_assert_int_eq(gicv2m_msi_spi(&f, V2M_SETSPI, 0x400 | 37), 5);
	ck_assert_int_eq(gicv2m_msi_spi(&f, V2M_SETSPI, 36), -EINVAL);
	ck_assert_int_eq(gicv2m_msi_spi(&f, V2M_SETSPI, 101), -EINVAL);
	ck_assert_int_eq(gicv2m_msi_spi(&f, V2M_SETSPI, 0), -EINVAL);
	/* Only SETSPI_NS itself is the doorbell. */
	ck_assert_int_eq(gicv2m_msi_spi(&f, V2M_BASE, 37), -EINVAL);
	ck_assert_int_eq(gicv2m_msi_spi(&f, V2M_SETSPI + 4, 37), -EINVAL);
	ck_assert_int_eq(gicv2m_msi_spi(&f, V2M_SETSPI - 4, 37), -EINVAL);
	ck_assert_int_eq(gicv2m_msi_spi(&f, V2M_SETSPI | 1ULL << 32, 37), -EINVAL);
	ck_assert_int_eq(gicv2m_msi_spi(&f, 0, 37), -EINVAL);
	/* The ITS's doorbell (a gicv3-its message) is not the frame's. */
	ck_assert_int_eq(gicv2m_msi_spi(&f, 0x3f7e0040, 0), -EINVAL);
	/* The frame decodes alike: what msi_spi accepts, a write pulses. */
	for (uint32_t d = 0; d < 0x800; d++) {
		int spi = gicv2m_msi_spi(&f, V2M_SETSPI, d);
		unsigned before = p.n;

		ck_assert(bus_write(&bus, V2M_SETSPI, 4, d));
		ck_assert_uint_eq(p.n, before + (spi >= 0));
		if (spi >= 0)
			ck_assert_int_eq(p.spi[before], spi);
		p.n = 0;
	}
	bus_destroy(&bus);
}
END_TEST

/* An irqchip that only records set_line calls. */
static unsigned last_spi, set_calls;
static bool last_level;

static int record_set_line(struct vm *vm, unsigned spi, bool level)
{
	(void)vm;
	set_calls++;
	last_spi = spi;
	last_level = level;
	return spi == 99 ? -EINVAL : 0;
}

static const struct irqchip_ops recording_ops = { .name = "recorder", .set_line = record_set_line };

START_TEST(test_vm_spi_handle)
{
	struct vm_config cfg = { .params = "" };
	struct vm vm;
	struct irq_handle h;

	ck_assert_int_eq(vm_init(&vm, &cfg), 0);
	vm.irqchip = &recording_ops;
	h = vm_spi_handle(&vm, 3);
	ck_assert_int_eq(irq_set(&h, true), 0);
	ck_assert_uint_eq(set_calls, 1);
	ck_assert_uint_eq(last_spi, 3);
	ck_assert(last_level);
	ck_assert_int_eq(irq_set(&h, false), 0);
	ck_assert(!last_level);
	h = vm_spi_handle(&vm, 99);
	ck_assert_int_eq(irq_set(&h, true), -EINVAL); /* errors reach the device */
	vm_destroy(&vm);
}
END_TEST

START_TEST(test_unwired_handle)
{
	struct irq_handle none = { 0 };

	ck_assert_int_eq(irq_set(&none, true), 0);
}
END_TEST

Suite *irqchip_suite(void)
{
	Suite *s = suite_create("irqchip");
	TCase *tc = tcase_create("model");

	tcase_add_test(tc, test_model_parse);
	tcase_add_test(tc, test_model_round_trip);
	tcase_add_test(tc, test_model_unknown);
	tcase_add_test(tc, test_vm_spi_handle);
	tcase_add_test(tc, test_unwired_handle);
	suite_add_tcase(s, tc);
	tc = tcase_create("its-fdt");
	tcase_add_test(tc, test_its_fdt_node);
	tcase_add_test(tc, test_its_fdt_plain_gicv3);
	tcase_add_test(tc, test_its_fdt_no_space);
	suite_add_tcase(s, tc);
	tc = tcase_create("gicv2-fdt");
	tcase_add_test(tc, test_gicv2_fdt_node);
	tcase_add_test(tc, test_gicv2m_fdt_node);
	tcase_add_test(tc, test_gicv2m_fdt_no_space);
	tcase_add_test(tc, test_ppi_cells_cpu_mask);
	tcase_add_test(tc, test_gicv2m_tree_ppis);
	suite_add_tcase(s, tc);
	tc = tcase_create("gicv2m-frame");
	tcase_add_test(tc, test_v2m_init_checks);
	tcase_add_test(tc, test_v2m_registers);
	tcase_add_test(tc, test_v2m_setspi);
	tcase_add_test(tc, test_v2m_stray_writes);
	tcase_add_test(tc, test_v2m_msi_spi);
	suite_add_tcase(s, tc);
	return s;
}
