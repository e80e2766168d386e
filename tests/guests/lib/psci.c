/* SMCCC calls and PSCI 0.2 wrappers, through HVC #0 (the DT's method). */
#include "guest.h"

unsigned long smccc_hvc(unsigned long fid, unsigned long a1, unsigned long a2, unsigned long a3,
			struct smccc_res *res)
{
	register unsigned long x0 asm("x0") = fid;
	register unsigned long x1 asm("x1") = a1;
	register unsigned long x2 asm("x2") = a2;
	register unsigned long x3 asm("x3") = a3;

	/* SMCCC 1.0 lets the callee trash x4-x17; 1.1+ preserves them. */
	asm volatile("hvc #0"
		     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
		     :
		     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
		       "x16", "x17", "memory");
	if (res) {
		res->a0 = x0;
		res->a1 = x1;
		res->a2 = x2;
		res->a3 = x3;
	}
	return x0;
}

/* PSCI return codes are signed 32-bit, also for SMC64 calls (DEN0022). */
static int psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return (int32_t)(uint32_t)smccc_hvc(fid, a1, a2, a3, NULL);
}

uint32_t psci_version(void)
{
	return (uint32_t)smccc_hvc(PSCI_FN_VERSION, 0, 0, 0, NULL);
}

int psci_cpu_on(uint64_t target_mpidr, uint64_t entry_pa, uint64_t context_id)
{
	return psci_call(PSCI_FN64_CPU_ON, target_mpidr, entry_pa, context_id);
}

int psci_affinity_info(uint64_t target_mpidr, unsigned lowest_level)
{
	return psci_call(PSCI_FN64_AFFINITY_INFO, target_mpidr, lowest_level, 0);
}

int psci_cpu_off(void)
{
	return psci_call(PSCI_FN_CPU_OFF, 0, 0, 0);
}

int psci_system_off(void)
{
	return psci_call(PSCI_FN_SYSTEM_OFF, 0, 0, 0);
}

int psci_system_reset(void)
{
	return psci_call(PSCI_FN_SYSTEM_RESET, 0, 0, 0);
}

const char *psci_ret_name(int ret)
{
	static const char *const names[] = {
		"SUCCESS",    "NOT_SUPPORTED",	 "INVALID_PARAMETERS", "DENIED",
		"ALREADY_ON", "ON_PENDING",	 "INTERNAL_FAILURE",   "NOT_PRESENT",
		"DISABLED",   "INVALID_ADDRESS",
	};

	if (ret > 0 || -ret >= (int)ARRAY_SIZE(names))
		return "?";
	return names[-ret];
}
