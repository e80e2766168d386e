/*
 * The rVIC's and rVID's calls from a guest (run with 2 CPUs, CPU 1 never
 * started): VERSION and INFO, then every status a call can return, each
 * with the index of the argument it names: ERROR_PARAMETER, INVALID_CPU,
 * DISABLED (an ACKNOWLEDGE, a SIGNAL to a disabled rVIC), NO_INTERRUPTS,
 * and SMCCC NOT_SUPPORTED for the IDs next to both blocks.
 */
#include "rvic.h"

enum { ERR_VERSION = 1, ERR_INFO, ERR_STATUS };

static unsigned failures;

static void expect(const char *what, unsigned long got, unsigned long want)
{
	if (got == want) {
		printf("  %-44s %s, argument %lu\n", what, rvic_status_name(got),
		       got == SMCCC_NOT_SUPPORTED ? 0 : got >> 8);
		return;
	}
	printf("  %-44s got 0x%lx (%s), want 0x%lx (%s)\n", what, got, rvic_status_name(got), want,
	       rvic_status_name(want));
	failures++;
}

int test_main(void)
{
	unsigned long self = rvic_self(), other = cpu_mpidr(1) & MPIDR_AFF_MASK, v;

	TEST_ASSERT(rvic_call(RVIC_FN(RVIC_VERSION), 0, 0, 0, &v) == 0 && v == 3, ERR_VERSION,
		    "rVIC VERSION: 0x%lx (want 0.3)", v);
	TEST_ASSERT(rvic_call(RVID_FN(RVID_VERSION), 0, 0, 0, &v) == 0 && v == 3, ERR_VERSION,
		    "rVID VERSION: 0x%lx (want 0.3)", v);
	printf("rvic: version %lu.%lu\n", v >> 16, v & 0xffff);
	TEST_ASSERT(rvic_call(RVIC_FN(RVIC_INFO), 0, 0, 0, &v) == 0 && v == RVIC_NR_TRUSTED,
		    ERR_INFO, "INFO(trusted): %lu", v);
	TEST_ASSERT(rvic_call(RVIC_FN(RVIC_INFO), 1, 0, 0, &v) == 0 &&
			v == RVIC_NR_TOTAL - RVIC_NR_TRUSTED,
		    ERR_INFO, "INFO(untrusted): %lu", v);
	printf("rvic: %d trusted, %d untrusted interrupts\n", RVIC_NR_TRUSTED,
	       RVIC_NR_TOTAL - RVIC_NR_TRUSTED);

	printf("rvic: statuses\n");
	expect("INFO(2)", rvic_call(RVIC_FN(RVIC_INFO), 2, 0, 0, NULL),
	       RVIC_STATUS(RVIC_ERROR_PARAMETER, 0));
	expect("ACKNOWLEDGE, disabled", rvic_call(RVIC_FN(RVIC_ACKNOWLEDGE), 0, 0, 0, NULL),
	       RVIC_STATUS(RVIC_DISABLED, 0));
	expect("ENABLE", rvic_call(RVIC_FN(RVIC_ENABLE), 0, 0, 0, NULL), 0);
	expect("ACKNOWLEDGE, nothing pending", rvic_call(RVIC_FN(RVIC_ACKNOWLEDGE), 0, 0, 0, NULL),
	       RVIC_STATUS(RVIC_NO_INTERRUPTS, 0));
	expect("SET_MASKED(no such CPU)", rvic_call(RVIC_FN(RVIC_SET_MASKED), 0x0f0f, 1, 0, NULL),
	       RVIC_STATUS(RVIC_INVALID_CPU, 0));
	expect("CLEAR_MASKED(self, 128)",
	       rvic_call(RVIC_FN(RVIC_CLEAR_MASKED), self, RVIC_NR_TOTAL, 0, NULL),
	       RVIC_STATUS(RVIC_ERROR_PARAMETER, 1));
	expect("IS_PENDING(self, -1)", rvic_call(RVIC_FN(RVIC_IS_PENDING), self, ~0UL, 0, NULL),
	       RVIC_STATUS(RVIC_ERROR_PARAMETER, 1));
	expect("CLEAR_PENDING(no such CPU)",
	       rvic_call(RVIC_FN(RVIC_CLEAR_PENDING), 1UL << 40, 1, 0, NULL),
	       RVIC_STATUS(RVIC_INVALID_CPU, 0));
	expect("SIGNAL(CPU 1, disabled)", rvic_call(RVIC_FN(RVIC_SIGNAL), other, 1, 0, NULL),
	       RVIC_STATUS(RVIC_DISABLED, 0));
	expect("RESAMPLE(untrusted 40)", rvic_call(RVIC_FN(RVIC_RESAMPLE), 40, 0, 0, NULL),
	       RVIC_STATUS(RVIC_ERROR_PARAMETER, 0));
	expect("MAP(input 4096, ...)", rvic_call(RVID_FN(RVID_MAP), 4096, self, 40, NULL),
	       RVIC_STATUS(RVIC_ERROR_PARAMETER, 0));
	expect("MAP(0, no such CPU, 40)", rvic_call(RVID_FN(RVID_MAP), 0, 0x0f0f, 40, NULL),
	       RVIC_STATUS(RVIC_INVALID_CPU, 1));
	expect("MAP(0, self, trusted 5)", rvic_call(RVID_FN(RVID_MAP), 0, self, 5, NULL),
	       RVIC_STATUS(RVIC_ERROR_PARAMETER, 2));
	expect("UNMAP(4096)", rvic_call(RVID_FN(RVID_UNMAP), 4096, 0, 0, NULL),
	       RVIC_STATUS(RVIC_ERROR_PARAMETER, 0));
	expect("rVIC function 11", rvic_call(RVIC_FN(11), 0, 0, 0, NULL), SMCCC_NOT_SUPPORTED);
	expect("rVID function 3", rvic_call(RVID_FN(3), 0, 0, 0, NULL), SMCCC_NOT_SUPPORTED);
	expect("SIGNAL(self, 3)", rvic_call(RVIC_FN(RVIC_SIGNAL), self, 3, 0, NULL), 0);
	expect("IS_PENDING(self, 3)", rvic_call(RVIC_FN(RVIC_IS_PENDING), self, 3, 0, &v), 0);
	TEST_ASSERT(v == 1, ERR_STATUS, "SIGNALled, masked, yet IS_PENDING says %lu", v);
	expect("CLEAR_PENDING(self, 3)", rvic_call(RVIC_FN(RVIC_CLEAR_PENDING), self, 3, 0, NULL),
	       0);
	expect("DISABLE", rvic_call(RVIC_FN(RVIC_DISABLE), 0, 0, 0, NULL), 0);
	TEST_ASSERT(!failures, ERR_STATUS, "%u calls returned the wrong status", failures);
	return 0;
}
