/*
 * The rVIC and rVID from a guest (Arm DEN0103 alpha, as armlet's
 * --irqchip=rvic implements it): SMCCC 1.1 SMC64 calls over HVC, a status in
 * x0 (reason in bits [7:0], the offending argument's index in [15:8]) and a
 * value in x1.
 */
#ifndef GUEST_RVIC_H
#define GUEST_RVIC_H

#include "guest.h"

#define RVIC_FN(n) (0xC5000200UL + (n))
#define RVID_FN(n) (0xC5000100UL + (n))

enum {
	RVIC_VERSION,
	RVIC_INFO,
	RVIC_ENABLE,
	RVIC_DISABLE,
	RVIC_SET_MASKED,
	RVIC_CLEAR_MASKED,
	RVIC_IS_PENDING,
	RVIC_SIGNAL,
	RVIC_CLEAR_PENDING,
	RVIC_ACKNOWLEDGE,
	RVIC_RESAMPLE,
};

enum { RVID_VERSION, RVID_MAP, RVID_UNMAP };

enum {
	RVIC_SUCCESS,
	RVIC_ERROR_PARAMETER,
	RVIC_INVALID_CPU,
	RVIC_DISABLED,
	RVIC_NO_INTERRUPTS,
};
#define RVIC_STATUS(reason, arg) ((unsigned long)(reason) | (unsigned long)(arg) << 8)
#define SMCCC_NOT_SUPPORTED	 (~0UL)

/* armlet's sizes: 32 trusted (0-15 IPIs, 23 PMU, 27 vtimer, 30 ptimer), 96 untrusted. */
#define RVIC_NR_TRUSTED	  32
#define RVIC_NR_TOTAL	  128
#define RVIC_INTID_VTIMER 27

/* The rVID's MSI doorbell: a 32-bit write of an input number signals its mapping. */
#define RVID_DOORBELL 0xba5e0000UL

/* Calls rVIC function fn with x1..x3; returns x0, *val (if not NULL) gets x1. */
unsigned long rvic_call(unsigned long fn, unsigned long a1, unsigned long a2, unsigned long a3,
			unsigned long *val);

/* Whether the rVIC answers VERSION (it is there, and this is armlet's --irqchip=rvic). */
bool rvic_present(void);

/* This CPU's MPIDR as the rVIC wants it (affinity only). */
unsigned long rvic_self(void);

/* ACKNOWLEDGE: the INTID, or -1 when the call did not return SUCCESS. */
int rvic_ack(void);

/*
 * Whether status is one DEN0103 defines: a reason SUCCESS..NO_INTERRUPTS in
 * bits [7:0], the index of the offending argument (0..2, and 0 for
 * SUCCESS) in bits [15:8], nothing above.
 */
bool rvic_status_valid(unsigned long status);

/* "ERROR_PARAMETER" etc. for a status's reason. */
const char *rvic_status_name(unsigned long status);

#endif /* GUEST_RVIC_H */
