/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * armlet's exit-status contract. Scripts match these numbers; never renumber.
 * The table in README.md and `armlet run --help` are generated from
 * exitcode_table[] so the three cannot drift apart.
 */
#ifndef ARMLET_EXITCODE_H
#define ARMLET_EXITCODE_H

enum armlet_exit {
	EXIT_POWEROFF = 0, /* guest powered off (PSCI SYSTEM_OFF), or testdev pass */
	EXIT_SETUP =
	    1, /* armlet could not start the VM: bad option, missing file, host lacks a feature */
	EXIT_INTERNAL =
	    2, /* KVM internal error, failed entry, unhandled exit: VMM-side failure after start */
	EXIT_RESET = 3, /* guest asked for a reset (PSCI SYSTEM_RESET; Linux panic=-1 ends here) */
	EXIT_TIMEOUT = 4,   /* --timeout expired */
	EXIT_TEST_FAIL = 5, /* a test guest reported failure through the test device */
	EXIT_CRASH = 6,	    /* guest reported a crash (KVM_SYSTEM_EVENT_CRASH) */
	EXIT_STOPPED = 7,   /* `armlet stop NAME` through the control socket */
	EXIT_SIGINT = 130,  /* SIGINT (128 + 2), as a shell would report it */
	EXIT_SIGTERM = 143, /* SIGTERM (128 + 15) */
};

struct exitcode_row {
	int code;
	const char *meaning;
};

extern const struct exitcode_row exitcode_table[];
extern const unsigned exitcode_table_len;

#endif
