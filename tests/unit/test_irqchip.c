// SPDX-License-Identifier: GPL-2.0-only
/* Irqchip model names, and the interrupt handle a VM gives its devices. */
#include <errno.h>
#include <string.h>

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
		"", "gicv2", "GICV3", "gicv3 ", " auto", "gic", "autox"
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum irqchip_model m = IRQCHIP_GICV3;

		ck_assert_msg(irqchip_model_parse(bad[i], &m) == -EINVAL, "'%s' accepted", bad[i]);
		ck_assert_int_eq(m, IRQCHIP_GICV3); /* untouched */
	}
	ck_assert_str_eq(irqchip_model_name(IRQCHIP_NR_MODELS), "?");
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
	return s;
}
