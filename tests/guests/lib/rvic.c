/* The rVIC's calls from a guest: see rvic.h. */
#include "rvic.h"

unsigned long rvic_call(unsigned long fn, unsigned long a1, unsigned long a2, unsigned long a3,
			unsigned long *val)
{
	struct smccc_res res;
	unsigned long a0 = smccc_hvc(fn, a1, a2, a3, &res);

	if (val)
		*val = res.a1;
	return a0;
}

bool rvic_present(void)
{
	unsigned long v;

	return rvic_call(RVIC_FN(RVIC_VERSION), 0, 0, 0, &v) == RVIC_SUCCESS && v == 3;
}

unsigned long rvic_self(void)
{
	return read_mpidr() & MPIDR_AFF_MASK;
}

int rvic_ack(void)
{
	unsigned long intid;

	if (rvic_call(RVIC_FN(RVIC_ACKNOWLEDGE), 0, 0, 0, &intid) != RVIC_SUCCESS)
		return -1;
	return (int)intid;
}

bool rvic_status_valid(unsigned long status)
{
	unsigned long reason = status & 0xff, arg = status >> 8;

	return reason <= RVIC_NO_INTERRUPTS && arg <= 2 && (reason != RVIC_SUCCESS || !arg);
}

const char *rvic_status_name(unsigned long status)
{
	static const char *const names[] = { "SUCCESS", "ERROR_PARAMETER", "INVALID_CPU",
					     "DISABLED", "NO_INTERRUPTS" };

	if (status == SMCCC_NOT_SUPPORTED)
		return "NOT_SUPPORTED";
	return (status & 0xff) < ARRAY_SIZE(names) ? names[status & 0xff] : "?";
}
