// SPDX-License-Identifier: GPL-2.0-only
#include "exitcode.h"

const struct exitcode_row exitcode_table[] = {
	{ EXIT_POWEROFF, "guest powered off (PSCI SYSTEM_OFF) or test device reported pass" },
	{ EXIT_SETUP, "setup error: bad option, missing file, host cannot provide what was asked" },
	{ EXIT_INTERNAL,
	  "VMM error after start: KVM internal error, failed entry, unhandled exit" },
	{ EXIT_RESET,
	  "guest reset (PSCI SYSTEM_RESET; a Linux panic with panic=-1), unless --reboot" },
	{ EXIT_TIMEOUT, "--timeout expired" },
	{ EXIT_TEST_FAIL, "test guest reported failure through the test device" },
	{ EXIT_CRASH, "guest reported a crash (KVM system event CRASH)" },
	{ EXIT_STOPPED, "stopped by armlet stop NAME" },
	{ EXIT_SIGINT, "stopped by SIGINT" },
	{ EXIT_SIGTERM, "stopped by SIGTERM" },
};

const unsigned exitcode_table_len = sizeof(exitcode_table) / sizeof(exitcode_table[0]);
