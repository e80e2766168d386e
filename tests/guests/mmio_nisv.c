// SPDX-License-Identifier: GPL-2.0-only
/*
 * An MMIO access KVM cannot decode (a load pair: no valid instruction
 * syndrome) must stop the VM with armlet's VMM-error exit status (2) and a
 * register dump, never hang or crash armlet. Expected to "fail" from the
 * guest's point of view: the integration test checks armlet's status.
 */
#include "guest.h"

int test_main(void)
{
	uint64_t a, b;

	printf("mmio_nisv: load pair from the UART\n");
	asm volatile("ldp %0, %1, [%2]" : "=r"(a), "=r"(b) : "r"(0x01000000UL) : "memory");
	/* Not reached when armlet stops the VM, as it must. */
	test_fail(1, "ldp from MMIO returned %lx %lx", a, b);
}
