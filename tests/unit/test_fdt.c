// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's device tree: built by fdt_build() from a hand-made struct vm
 * (no KVM) and read back with libfdt, node by node.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../fdt/fdt.h"
#include "../../irqchip/gic.h"
#include "../../irqchip/rvic.h"
#include "../../vmm/dev/testdev.h"
#include "../../vmm/dev/uart.h"
#include "../../vmm/vm.h"
#include "suites.h"

#define RAM_BASE  0x80000000ULL
#define RAM_SIZE  (256ULL << 20)
#define BLOB_SIZE (64 << 10)
#define PARAMS	  "console=ttyS0 earlycon root=/dev/vda"

/* The portable half of vgic_v3_ops: all fdt_build() needs of an irqchip. */
static const struct irqchip_ops fdt_gicv3_ops = {
	.name = "gicv3 (fdt only)",
	.fdt_node = gicv3_fdt_node,
	.fdt_spi_cells = gic_fdt_spi_cells,
	.fdt_ppi_cells = gic_fdt_ppi_cells,
};

/* A VM as main.c has it just before the FDT step, minus KVM. */
struct test_vm {
	struct vm vm;
	struct vm_config cfg;
	struct uart uart;
	uint8_t ram[4096]; /* fdt_build never touches RAM: the size is what counts */
	uint8_t *blob;
	int blob_size;
};

static struct test_vm *tvm_create(unsigned nr_cpus, bool pmu, bool initrd)
{
	struct test_vm *t = calloc(1, sizeof(*t));
	int ret;

	ck_assert_ptr_nonnull(t);
	t->cfg = (struct vm_config){ .kernel = "Image",
				     .params = PARAMS,
				     .ram_size = RAM_SIZE,
				     .nr_cpus = nr_cpus,
				     .pmu = pmu };
	ck_assert_int_eq(vm_init(&t->vm, &t->cfg), 0);
	t->vm.mem = (struct guest_mem){ .gpa = RAM_BASE, .size = RAM_SIZE, .hva = t->ram };
	t->vm.nr_vcpus = nr_cpus;
	for (unsigned i = 0; i < nr_cpus; i++)
		t->vm.mpidr[i] = 0x80000000ULL | i; /* bit 31 is RES1 in MPIDR_EL1 */
	t->vm.irqchip = &fdt_gicv3_ops;
	if (initrd) {
		t->vm.boot.initrd = RAM_BASE + RAM_SIZE - (18ULL << 20);
		t->vm.boot.initrd_end = t->vm.boot.initrd + 0x1234567;
	}
	uart_init(&t->uart, -1, (struct irq_handle){ 0 });
	ret = bus_add(&t->vm.bus, layout_base(LAYOUT_UART), layout_size(LAYOUT_UART),
		      &uart_mmio_ops, &t->uart);
	ck_assert_int_eq(ret, 0);
	t->vm.uart = &t->uart;
	return t;
}

static void tvm_build(struct test_vm *t)
{
	t->blob = malloc(BLOB_SIZE);
	ck_assert_ptr_nonnull(t->blob);
	t->blob_size = fdt_build(&t->vm, t->blob, BLOB_SIZE);
	ck_assert_msg(t->blob_size > 0, "fdt_build: %d", t->blob_size);
	ck_assert_int_eq(fdt_check_header(t->blob), 0);
	ck_assert_int_eq(fdt_totalsize(t->blob), t->blob_size);
}

static void tvm_free(struct test_vm *t)
{
	free(t->blob);
	uart_destroy(&t->uart);
	vm_destroy(&t->vm);
	free(t);
}

/* --- reading the blob back -------------------------------------------------- */

static int node(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	ck_assert_msg(off >= 0, "%s: %s", path, fdt_strerror(off));
	return off;
}

static const char *prop_str(const void *fdt, int off, const char *name)
{
	int len;
	const char *s = fdt_getprop(fdt, off, name, &len);

	ck_assert_msg(s, "no property %s", name);
	ck_assert_msg(len > 0 && s[len - 1] == '\0', "%s is not a string", name);
	return s;
}

static uint32_t prop_u32(const void *fdt, int off, const char *name)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, off, name, &len);

	ck_assert_msg(p, "no property %s", name);
	ck_assert_int_eq(len, 4);
	return fdt32_to_cpu(*p);
}

static uint64_t prop_u64(const void *fdt, int off, const char *name)
{
	int len;
	const void *p = fdt_getprop(fdt, off, name, &len);
	fdt64_t v;

	ck_assert_msg(p, "no property %s", name);
	ck_assert_int_eq(len, 8);
	memcpy(&v, p, sizeof(v)); /* properties are only 4-byte aligned */
	return fdt64_to_cpu(v);
}

static void assert_cells(const void *fdt, int off, const char *name, const uint32_t *want, int n)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, off, name, &len);

	ck_assert_msg(p, "no property %s", name);
	ck_assert_msg(len == n * 4, "%s: %d bytes, want %d", name, len, n * 4);
	for (int i = 0; i < n; i++)
		ck_assert_msg(fdt32_to_cpu(p[i]) == want[i], "%s[%d] = 0x%x, want 0x%x", name, i,
			      fdt32_to_cpu(p[i]), want[i]);
}

static void assert_compatible(const void *fdt, int off, const char *compat)
{
	ck_assert_msg(fdt_node_check_compatible(fdt, off, compat) == 0,
		      "%s is not compatible with %s", fdt_get_name(fdt, off, NULL), compat);
}

static void assert_absent(const void *fdt, const char *path)
{
	ck_assert_int_eq(fdt_path_offset(fdt, path), -FDT_ERR_NOTFOUND);
}

/* --- tests ------------------------------------------------------------------ */

START_TEST(test_root)
{
	struct test_vm *t = tvm_create(2, false, true);

	tvm_build(t);
	ck_assert_uint_eq(prop_u32(t->blob, 0, "#address-cells"), 2);
	ck_assert_uint_eq(prop_u32(t->blob, 0, "#size-cells"), 2);
	assert_compatible(t->blob, 0, "linux,dummy-virt");
	ck_assert_str_eq(prop_str(t->blob, 0, "model"), "armlet");
	tvm_free(t);
}
END_TEST

START_TEST(test_chosen)
{
	struct test_vm *t = tvm_create(2, false, true);
	const char *stdout_path;
	int chosen, len;

	tvm_build(t);
	chosen = node(t->blob, "/chosen");
	ck_assert_str_eq(prop_str(t->blob, chosen, "bootargs"), PARAMS);
	stdout_path = prop_str(t->blob, chosen, "stdout-path");
	ck_assert_str_eq(stdout_path, "/uart@1000000");
	assert_compatible(t->blob, node(t->blob, stdout_path), "ns16550a");
	ck_assert_uint_eq(prop_u64(t->blob, chosen, "linux,initrd-start"), t->vm.boot.initrd);
	ck_assert_uint_eq(prop_u64(t->blob, chosen, "linux,initrd-end"), t->vm.boot.initrd_end);
	ck_assert_ptr_nonnull(fdt_getprop(t->blob, chosen, "rng-seed", &len));
	ck_assert_int_ge(len, 32);
	tvm_free(t);
}
END_TEST

START_TEST(test_chosen_minimal)
{
	/* No initrd, no console, empty command line. */
	struct test_vm *t = tvm_create(1, false, false);
	int chosen;

	t->cfg.params = "";
	t->vm.uart = NULL;
	tvm_build(t);
	chosen = node(t->blob, "/chosen");
	ck_assert_str_eq(prop_str(t->blob, chosen, "bootargs"), "");
	ck_assert_ptr_null(fdt_getprop(t->blob, chosen, "stdout-path", NULL));
	ck_assert_ptr_null(fdt_getprop(t->blob, chosen, "linux,initrd-start", NULL));
	ck_assert_ptr_null(fdt_getprop(t->blob, chosen, "linux,initrd-end", NULL));
	tvm_free(t);
}
END_TEST

START_TEST(test_memory)
{
	static const uint32_t reg[] = { 0, 0x80000000, 0, 0x10000000 };
	struct test_vm *t = tvm_create(2, false, true);
	int mem;

	tvm_build(t);
	mem = node(t->blob, "/memory@80000000");
	ck_assert_str_eq(prop_str(t->blob, mem, "device_type"), "memory");
	assert_cells(t->blob, mem, "reg", reg, 4);
	tvm_free(t);
}
END_TEST

/* Checks /cpus holds exactly cpu@<want_reg[i]> in order, each a PSCI-booted v8 CPU. */
static void assert_cpus(const void *fdt, const uint32_t *want_reg, int n)
{
	int cpus = node(fdt, "/cpus"), cpu, i = 0;

	ck_assert_uint_eq(prop_u32(fdt, cpus, "#address-cells"), 1);
	ck_assert_uint_eq(prop_u32(fdt, cpus, "#size-cells"), 0);
	for (cpu = fdt_first_subnode(fdt, cpus); cpu >= 0; cpu = fdt_next_subnode(fdt, cpu)) {
		char name[32];

		ck_assert_int_lt(i, n);
		snprintf(name, sizeof(name), "cpu@%x", want_reg[i]);
		ck_assert_str_eq(fdt_get_name(fdt, cpu, NULL), name);
		ck_assert_uint_eq(prop_u32(fdt, cpu, "reg"), want_reg[i]);
		ck_assert_str_eq(prop_str(fdt, cpu, "device_type"), "cpu");
		ck_assert_str_eq(prop_str(fdt, cpu, "enable-method"), "psci");
		assert_compatible(fdt, cpu, "arm,arm-v8");
		i++;
	}
	ck_assert_int_eq(i, n);
}

START_TEST(test_cpus)
{
	static const uint32_t regs[] = { 0, 1 };
	struct test_vm *t = tvm_create(2, false, true);

	tvm_build(t);
	assert_cpus(t->blob, regs, 2);
	tvm_free(t);
}
END_TEST

START_TEST(test_cpus_affinity_levels)
{
	/* reg is MPIDR's affinity fields only: Aff1 kept, RES1 bit 31 and MT bit 24 dropped. */
	static const uint32_t regs[] = { 0, 0x100, 0x10203 };
	struct test_vm *t = tvm_create(3, false, false);

	t->vm.mpidr[1] = 0x80000100ULL;
	t->vm.mpidr[2] = 0x81010203ULL;
	tvm_build(t);
	assert_cpus(t->blob, regs, 3);
	tvm_free(t);
}
END_TEST

START_TEST(test_psci)
{
	struct test_vm *t = tvm_create(2, false, true);
	int psci;

	tvm_build(t);
	psci = node(t->blob, "/psci");
	assert_compatible(t->blob, psci, "arm,psci-0.2");
	ck_assert_str_eq(prop_str(t->blob, psci, "method"), "hvc");
	tvm_free(t);
}
END_TEST

static void assert_gicv3(const void *fdt, unsigned nr_cpus)
{
	const uint32_t reg[] = { 0, 0x3fff0000, 0, 0x10000, 0, 0x3f7f0000, 0, nr_cpus * 0x20000 };
	int gic = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3"), len;

	ck_assert_msg(gic >= 0, "no arm,gic-v3 node");
	ck_assert_int_eq(fdt_node_offset_by_compatible(fdt, gic, "arm,gic-v3"), -FDT_ERR_NOTFOUND);
	ck_assert_str_eq(fdt_get_name(fdt, gic, NULL), "intc@3fff0000");
	ck_assert_ptr_nonnull(fdt_getprop(fdt, gic, "interrupt-controller", &len));
	ck_assert_int_eq(len, 0);
	ck_assert_uint_eq(prop_u32(fdt, gic, "#interrupt-cells"), 3);
	ck_assert_uint_eq(fdt_get_phandle(fdt, gic), FDT_PHANDLE_INTC);
	ck_assert_uint_eq(prop_u32(fdt, 0, "interrupt-parent"), fdt_get_phandle(fdt, gic));
	ck_assert_int_eq(fdt_node_offset_by_phandle(fdt, FDT_PHANDLE_INTC), gic);
	assert_cells(fdt, gic, "reg", reg, 8);
}

START_TEST(test_gicv3)
{
	struct test_vm *t = tvm_create(2, false, true);

	tvm_build(t);
	assert_gicv3(t->blob, 2);
	tvm_free(t);
}
END_TEST

START_TEST(test_timer)
{
	static const uint32_t irqs[] = { 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4 };
	struct test_vm *t = tvm_create(2, false, true);
	int timer;

	tvm_build(t);
	timer = node(t->blob, "/timer");
	assert_compatible(t->blob, timer, "arm,armv8-timer");
	assert_cells(t->blob, timer, "interrupts", irqs, 12);
	tvm_free(t);
}
END_TEST

START_TEST(test_uart_node)
{
	static const uint32_t irq[] = { 0, 0, 4 };
	static const uint32_t reg[] = { 0, 0x1000000, 0, 8 };
	struct test_vm *t = tvm_create(2, false, true);
	int uart;

	tvm_build(t);
	uart = node(t->blob, "/uart@1000000");
	assert_compatible(t->blob, uart, "ns16550a");
	assert_cells(t->blob, uart, "interrupts", irq, 3);
	assert_cells(t->blob, uart, "reg", reg, 4);
	ck_assert_uint_eq(prop_u32(t->blob, uart, "clock-frequency"), 1843200);
	/* The root's interrupt-parent, the GIC, serves it. */
	ck_assert_ptr_null(fdt_getprop(t->blob, uart, "interrupt-parent", NULL));
	tvm_free(t);
}
END_TEST

/* The portable half of the rvic models' ops: what fdt_build() uses. */
static const struct irqchip_ops fdt_rvic_ops = {
	.name = "rvic (fdt only)",
	.msi_phandle = FDT_PHANDLE_RVID,
	.spi_phandle = FDT_PHANDLE_RVID,
	.fdt_node = rvic_fdt_node,
	.fdt_spi_cells = rvic_fdt_spi_cells,
	.fdt_ppi_cells = rvic_fdt_ppi_cells,
};

/*
 * Under the rVIC, the root's interrupt-parent is the rVIC (the timers'
 * trusted INTIDs), and a wired device names the rVID with its input as
 * the specifier: the guest MAPs that input where it wants it.
 */
START_TEST(test_rvic_nodes)
{
	static const uint32_t timer_irqs[] = { 29, 4, 30, 4, 27, 4, 26, 4 }; /* INTIDs */
	static const uint32_t msi_range[] = { LAYOUT_SPI_MSI_FIRST, LAYOUT_NR_MSI_SPIS };
	static const uint32_t uart_irq[] = { 0 };
	struct test_vm *t = tvm_create(2, false, true);
	int rvic, rvid, uart;

	t->vm.irqchip = &fdt_rvic_ops;
	tvm_build(t);
	rvic = node(t->blob, "/rvic");
	rvid = node(t->blob, "/rvid");
	assert_compatible(t->blob, rvic, "arm,rvic");
	assert_compatible(t->blob, rvid, "arm,rvid");
	ck_assert_uint_eq(prop_u32(t->blob, 0, "interrupt-parent"), FDT_PHANDLE_INTC);
	ck_assert_uint_eq(prop_u32(t->blob, rvic, "phandle"), FDT_PHANDLE_INTC);
	ck_assert_uint_eq(prop_u32(t->blob, rvic, "#interrupt-cells"), 2);
	ck_assert_uint_eq(prop_u32(t->blob, rvid, "phandle"), FDT_PHANDLE_RVID);
	ck_assert_uint_eq(prop_u32(t->blob, rvid, "#interrupt-cells"), 1);
	ck_assert_uint_eq(prop_u32(t->blob, rvid, "interrupt-parent"), FDT_PHANDLE_INTC);
	ck_assert_ptr_nonnull(fdt_getprop(t->blob, rvid, "msi-controller", NULL));
	assert_cells(t->blob, rvid, "msi-range", msi_range, 2);
	assert_cells(t->blob, node(t->blob, "/timer"), "interrupts", timer_irqs, 8);
	uart = node(t->blob, "/uart@1000000");
	ck_assert_uint_eq(prop_u32(t->blob, uart, "interrupt-parent"), FDT_PHANDLE_RVID);
	assert_cells(t->blob, uart, "interrupts", uart_irq, 1);
	tvm_free(t);
}
END_TEST

START_TEST(test_bus_device_without_node)
{
	/* The test device has no fdt_node op: on the bus, not in the tree. */
	struct test_vm *t = tvm_create(1, false, false);
	int ret, off;

	ret = bus_add(&t->vm.bus, layout_base(LAYOUT_TESTDEV), layout_size(LAYOUT_TESTDEV),
		      &testdev_mmio_ops, &t->vm);
	ck_assert_int_eq(ret, 0);
	tvm_build(t);
	for (off = fdt_first_subnode(t->blob, 0); off >= 0; off = fdt_next_subnode(t->blob, off))
		ck_assert_msg(strncmp(fdt_get_name(t->blob, off, NULL), "testdev", 7) != 0,
			      "%s has a node", fdt_get_name(t->blob, off, NULL));
	node(t->blob, "/uart@1000000");
	tvm_free(t);
}
END_TEST

START_TEST(test_pmu)
{
	static const uint32_t irq[] = { 1, 7, 4 };
	struct test_vm *with = tvm_create(2, true, true), *without = tvm_create(2, false, true);
	int pmu;

	tvm_build(with);
	tvm_build(without);
	pmu = node(with->blob, "/pmu");
	assert_compatible(with->blob, pmu, "arm,armv8-pmuv3");
	assert_cells(with->blob, pmu, "interrupts", irq, 3);
	assert_absent(without->blob, "/pmu");
	ck_assert_int_eq(fdt_node_offset_by_compatible(without->blob, -1, "arm,armv8-pmuv3"),
			 -FDT_ERR_NOTFOUND);
	tvm_free(with);
	tvm_free(without);
}
END_TEST

START_TEST(test_vcpu_count)
{
	static const uint32_t one[] = { 0 }, four[] = { 0, 1, 2, 3 };
	struct test_vm *a = tvm_create(1, false, true), *b = tvm_create(4, false, true);

	tvm_build(a);
	tvm_build(b);
	assert_cpus(a->blob, one, 1);
	assert_gicv3(a->blob, 1);
	assert_cpus(b->blob, four, 4);
	assert_gicv3(b->blob, 4);
	tvm_free(a);
	tvm_free(b);
}
END_TEST

START_TEST(test_too_small)
{
	struct test_vm *t = tvm_create(2, true, true);
	uint8_t small[512];

	ck_assert_int_eq(fdt_build(&t->vm, small, sizeof(small)), -ENOSPC);
	ck_assert_int_eq(fdt_build(&t->vm, small, 16), -ENOSPC);
	tvm_free(t);
}
END_TEST

START_TEST(test_every_short_size)
{
	/* Each size below what the tree needs fails cleanly, inside the buffer (ASan). */
	struct test_vm *t = tvm_create(4, true, true);
	int need;

	tvm_build(t);
	need = t->blob_size;
	for (int size = 0; size < need; size += 7) {
		uint8_t *buf = malloc(size ? size : 1);

		ck_assert_ptr_nonnull(buf);
		ck_assert_msg(fdt_build(&t->vm, buf, size) == -ENOSPC, "size %d of %d", size, need);
		free(buf);
	}
	tvm_free(t);
}
END_TEST

Suite *fdt_suite(void)
{
	Suite *s = suite_create("fdt");
	TCase *nodes = tcase_create("nodes");
	TCase *sizes = tcase_create("sizes");

	tcase_add_test(nodes, test_root);
	tcase_add_test(nodes, test_chosen);
	tcase_add_test(nodes, test_chosen_minimal);
	tcase_add_test(nodes, test_memory);
	tcase_add_test(nodes, test_cpus);
	tcase_add_test(nodes, test_cpus_affinity_levels);
	tcase_add_test(nodes, test_psci);
	tcase_add_test(nodes, test_gicv3);
	tcase_add_test(nodes, test_timer);
	tcase_add_test(nodes, test_uart_node);
	tcase_add_test(nodes, test_rvic_nodes);
	tcase_add_test(nodes, test_bus_device_without_node);
	tcase_add_test(nodes, test_pmu);
	tcase_add_test(nodes, test_vcpu_count);
	suite_add_tcase(s, nodes);

	tcase_add_test(sizes, test_too_small);
	tcase_add_test(sizes, test_every_short_size);
	tcase_set_timeout(sizes, 30);
	suite_add_tcase(s, sizes);
	return s;
}
