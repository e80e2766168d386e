// SPDX-License-Identifier: GPL-2.0-only
/*
 * The test device bare-metal guests report through, the VM's stop request
 * behind it, and the exit-status numbers scripts depend on.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../vmm/dev/testdev.h"
#include "../../vmm/exitcode.h"
#include "../../vmm/vm.h"
#include "suites.h"

#define TESTDEV_BASE 0x01020000ULL
#define RAM_SIZE     0x123400000ULL /* over 4 GiB, so RAM_HI is nonzero */

static struct vm_config cfg;
static struct vm vm;

static void vm_setup(void)
{
	int ret;

	cfg = (struct vm_config){ .kernel = "guest.bin",
				  .params = "",
				  .ram_size = RAM_SIZE,
				  .nr_cpus = 3,
				  .testdev = true };
	ck_assert_int_eq(vm_init(&vm, &cfg), 0);
	vm.nr_vcpus = 3;
	vm.mem = (struct guest_mem){ .gpa = 0x80000000ULL, .size = RAM_SIZE, .hva = NULL };
	ck_assert_uint_eq(layout_base(LAYOUT_TESTDEV), TESTDEV_BASE);
	ret = bus_add(&vm.bus, TESTDEV_BASE, layout_size(LAYOUT_TESTDEV), &testdev_mmio_ops, &vm);
	ck_assert_int_eq(ret, 0);
}

static void vm_teardown(void)
{
	vm_destroy(&vm);
}

static uint64_t td_read(uint64_t off)
{
	uint64_t val = 0xdead;

	ck_assert(bus_read(&vm.bus, TESTDEV_BASE + off, 4, &val));
	return val;
}

static void td_write(uint64_t off, uint64_t val)
{
	ck_assert(bus_write(&vm.bus, TESTDEV_BASE + off, 4, val));
}

/* How many times stop_fd was signalled (0 if never); resets it. */
static uint64_t stop_signals(void)
{
	uint64_t n = 0;

	if (read(vm.stop_fd, &n, sizeof(n)) < 0) {
		ck_assert_int_eq(errno, EAGAIN);
		return 0;
	}
	return n;
}

START_TEST(test_info_registers)
{
	ck_assert_uint_eq(td_read(TESTDEV_NR_CPUS), 3);
	ck_assert_uint_eq(td_read(TESTDEV_RAM_LO), 0x23400000);
	ck_assert_uint_eq(td_read(TESTDEV_RAM_HI), 0x1);
	ck_assert(!vm_stopping(&vm));
	ck_assert_uint_eq(stop_signals(), 0);
}
END_TEST

START_TEST(test_exit_pass)
{
	td_write(TESTDEV_EXIT, 0);
	ck_assert(vm_stopping(&vm));
	ck_assert_int_eq(vm.exit_code, EXIT_POWEROFF);
	ck_assert_int_eq(vm.exit_code, 0);
	ck_assert_msg(strstr(vm.exit_reason, "pass"), "reason '%s'", vm.exit_reason);
	ck_assert_uint_eq(stop_signals(), 1);
}
END_TEST

START_TEST(test_exit_fail)
{
	td_write(TESTDEV_EXIT, 7);
	ck_assert(vm_stopping(&vm));
	ck_assert_int_eq(vm.exit_code, EXIT_TEST_FAIL);
	ck_assert_int_eq(vm.exit_code, 5);
	ck_assert_msg(strstr(vm.exit_reason, "7"), "reason '%s' lacks the code", vm.exit_reason);
	ck_assert_uint_eq(stop_signals(), 1);
}
END_TEST

START_TEST(test_exit_fail_large_code)
{
	td_write(TESTDEV_EXIT, 0xffffffff);
	ck_assert_int_eq(vm.exit_code, EXIT_TEST_FAIL);
	ck_assert_msg(strstr(vm.exit_reason, "4294967295"), "reason '%s'", vm.exit_reason);
}
END_TEST

/* A 64-bit write whose low word is zero is a failure, not a truncated pass. */
START_TEST(test_exit_wide_write_not_pass)
{
	ck_assert(bus_write(&vm.bus, TESTDEV_BASE + TESTDEV_EXIT, 8, 0x100000000ULL));
	ck_assert(vm_stopping(&vm));
	ck_assert_int_eq(vm.exit_code, EXIT_TEST_FAIL);
	ck_assert_ptr_nonnull(strstr(vm.exit_reason, "4294967296"));
}
END_TEST

START_TEST(test_first_stop_wins)
{
	td_write(TESTDEV_EXIT, 7);
	td_write(TESTDEV_EXIT, 0);
	vm_request_stop(&vm, EXIT_SIGTERM, "late");
	ck_assert_int_eq(vm.exit_code, EXIT_TEST_FAIL);
	ck_assert_msg(strstr(vm.exit_reason, "7") && !strstr(vm.exit_reason, "late"), "reason '%s'",
		      vm.exit_reason);
	ck_assert_uint_eq(stop_signals(), 1);
}
END_TEST

START_TEST(test_first_stop_wins_pass)
{
	td_write(TESTDEV_EXIT, 0);
	td_write(TESTDEV_EXIT, 3);
	ck_assert_int_eq(vm.exit_code, EXIT_POWEROFF);
	ck_assert_msg(strstr(vm.exit_reason, "pass"), "reason '%s'", vm.exit_reason);
}
END_TEST

START_TEST(test_unknown_offsets)
{
	static const uint64_t offs[] = { TESTDEV_EXIT, 0x10, 0x14, 0x100, 0xffc };

	for (unsigned i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		ck_assert_uint_eq(td_read(offs[i]), 0);
	/* Writes anywhere but EXIT, including the read-only registers, do nothing. */
	td_write(TESTDEV_NR_CPUS, 0);
	td_write(TESTDEV_RAM_LO, 0);
	td_write(TESTDEV_RAM_HI, 9);
	td_write(0x10, 1);
	td_write(0xffc, 1);
	ck_assert(!vm_stopping(&vm));
	ck_assert_uint_eq(td_read(TESTDEV_NR_CPUS), 3);
	ck_assert_uint_eq(td_read(TESTDEV_RAM_HI), 1);
	ck_assert_uint_eq(stop_signals(), 0);
}
END_TEST

START_TEST(test_stop_reason_truncated)
{
	char long_reason[400];

	memset(long_reason, 'r', sizeof(long_reason) - 1);
	long_reason[sizeof(long_reason) - 1] = '\0';
	vm_request_stop(&vm, EXIT_INTERNAL, "%s", long_reason);
	ck_assert_int_eq(vm.exit_code, EXIT_INTERNAL);
	ck_assert_uint_eq(strlen(vm.exit_reason), sizeof(vm.exit_reason) - 1);
}
END_TEST

#define RACERS 8

static void *race_stop(void *arg)
{
	int code = (int)(intptr_t)arg;

	vm_request_stop(&vm, code, "racer %d", code);
	return NULL;
}

START_TEST(test_concurrent_stops)
{
	pthread_t th[RACERS];
	char want[32];

	for (intptr_t i = 0; i < RACERS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, race_stop, (void *)(10 + i)), 0);
	for (int i = 0; i < RACERS; i++)
		pthread_join(th[i], NULL);
	ck_assert(vm_stopping(&vm));
	ck_assert_int_ge(vm.exit_code, 10);
	ck_assert_int_lt(vm.exit_code, 10 + RACERS);
	snprintf(want, sizeof(want), "racer %d", vm.exit_code);
	ck_assert_str_eq(vm.exit_reason, want); /* code and reason from the same request */
	ck_assert_uint_eq(stop_signals(), 1);
}
END_TEST

START_TEST(test_two_vms_independent)
{
	struct vm other;

	ck_assert_int_eq(vm_init(&other, &cfg), 0);
	td_write(TESTDEV_EXIT, 7);
	ck_assert(vm_stopping(&vm));
	ck_assert(!vm_stopping(&other));
	vm_request_stop(&other, EXIT_RESET, "reset");
	ck_assert_int_eq(other.exit_code, EXIT_RESET);
	ck_assert_int_eq(vm.exit_code, EXIT_TEST_FAIL);
	vm_destroy(&other);
}
END_TEST

START_TEST(test_exitcode_contract)
{
	static const int want[] = { 0, 1, 2, 3, 4, 5, 6, 7, 130, 143 };

	ck_assert_int_eq(EXIT_POWEROFF, 0);
	ck_assert_int_eq(EXIT_SETUP, 1);
	ck_assert_int_eq(EXIT_INTERNAL, 2);
	ck_assert_int_eq(EXIT_RESET, 3);
	ck_assert_int_eq(EXIT_TIMEOUT, 4);
	ck_assert_int_eq(EXIT_TEST_FAIL, 5);
	ck_assert_int_eq(EXIT_CRASH, 6);
	ck_assert_int_eq(EXIT_STOPPED, 7);
	ck_assert_int_eq(EXIT_SIGINT, 130);
	ck_assert_int_eq(EXIT_SIGTERM, 143);
	ck_assert_uint_eq(exitcode_table_len, sizeof(want) / sizeof(want[0]));
	for (unsigned i = 0; i < exitcode_table_len; i++) {
		ck_assert_int_eq(exitcode_table[i].code, want[i]);
		ck_assert(exitcode_table[i].meaning && exitcode_table[i].meaning[0]);
	}
}
END_TEST

Suite *testdev_suite(void)
{
	Suite *s = suite_create("testdev");
	TCase *tc = tcase_create("testdev");
	TCase *codes = tcase_create("exitcode");

	tcase_add_checked_fixture(tc, vm_setup, vm_teardown);
	tcase_add_test(tc, test_info_registers);
	tcase_add_test(tc, test_exit_pass);
	tcase_add_test(tc, test_exit_fail);
	tcase_add_test(tc, test_exit_fail_large_code);
	tcase_add_test(tc, test_exit_wide_write_not_pass);
	tcase_add_test(tc, test_first_stop_wins);
	tcase_add_test(tc, test_first_stop_wins_pass);
	tcase_add_test(tc, test_unknown_offsets);
	tcase_add_test(tc, test_stop_reason_truncated);
	tcase_add_test(tc, test_concurrent_stops);
	tcase_add_test(tc, test_two_vms_independent);
	suite_add_tcase(s, tc);

	tcase_add_test(codes, test_exitcode_contract);
	suite_add_tcase(s, codes);
	return s;
}
