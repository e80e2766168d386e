// SPDX-License-Identifier: GPL-2.0-only
/*
 * Irqchip model names, the GICv3 ITS's device-tree node, and the interrupt
 * handle a VM gives its devices.
 */
#include <errno.h>
#include <libfdt.h>
#include <string.h>

#include "../../fdt/fdt.h"
#include "../../irqchip/gic.h"
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
	static const char *const bad[] = { "",		"gicv2", "GICV3",      "gicv3 ",
					   " auto",	"gic",	 "autox",      "gicv3-ITS",
					   "gicv3_its", "its",	 "gicv3-its ", "gicv3-" };

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
	return s;
}
