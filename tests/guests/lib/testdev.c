/* PASS/FAIL reporting through armlet's test device. */
#include "guest.h"

void testdev_exit(uint32_t code)
{
	/* UART and test device are different devices: finish the output first. */
	dsb_sy();
	mmio_write32(TESTDEV_BASE + TESTDEV_EXIT, code);
	dsb_sy();
	/*
	 * Still here: no test device. Powering off could pass for success,
	 * so stay put and let the harness time out on a clear message.
	 */
	uart_puts("guest: the test device did not stop the VM "
		  "(run armlet with --testdev)\n");
	cpu_park();
}

uint32_t testdev_nr_cpus(void)
{
	return mmio_read32(TESTDEV_BASE + TESTDEV_NR_CPUS);
}

uint64_t testdev_ram_size(void)
{
	uint64_t lo = mmio_read32(TESTDEV_BASE + TESTDEV_RAM_SIZE_LO);
	uint64_t hi = mmio_read32(TESTDEV_BASE + TESTDEV_RAM_SIZE_HI);

	return hi << 32 | lo;
}

void test_pass(void)
{
	uart_puts("PASS\n");
	testdev_exit(0);
}

void test_fail(uint32_t code, const char *fmt, ...)
{
	va_list ap;

	if (code == 0) /* a failure must never read as PASS */
		code = 1;
	printf("FAIL (code 0x%x): ", code);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	uart_putc('\n');
	testdev_exit(code);
}
