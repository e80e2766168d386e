// SPDX-License-Identifier: GPL-2.0-only
/*
 * A guest that fails on purpose: the test device's failure report must end
 * the run with exit status 5 and armlet must name the code, so that a CI
 * job can tell a failing test guest from a crash or a timeout.
 */
#include "guest.h"

int test_main(void)
{
	test_fail(0x2a, "on purpose, to check the exit status");
}
