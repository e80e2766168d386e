/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rVIC and rVID (Arm DEN0103, "Reduced Virtual Interrupt Controller",
 * alpha, 2020), as a model with no KVM in it: the calls a guest makes with
 * HVC, the trusted lines (timer, PMU) and the rVID inputs (devices, MSIs).
 *
 * Each vCPU has an rVIC: an enable bit and, per interrupt, a pending and a
 * masked flag (interrupts reset masked). An interrupt that is pending and
 * unmasked is queued for delivery, first come first served (no
 * priorities); the vCPU's IRQ line is high while its rVIC is enabled and
 * its queue is not empty. ACKNOWLEDGE pops the head, masking and
 * un-pending it; the guest's end of interrupt is CLEAR_MASKED.
 *
 * Interrupts below nr_trusted are per-CPU ("trusted"): IPIs (SIGNAL) and the
 * level lines of the timers and the PMU, which pend on a rising edge and
 * again on RESAMPLE while still high. Untrusted interrupts (nr_trusted ..
 * nr_total - 1) are edges fed by rVID inputs that MAP bound to an
 * (mpidr, intid).
 *
 * Thread safety: every call takes the model's lock; any thread. The
 * calls that can change a vCPU's output return the set of vCPUs whose
 * output may have changed, for the caller to resync and kick.
 */
#ifndef ARMLET_RVIC_MODEL_H
#define ARMLET_RVIC_MODEL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* SMCCC 1.1 SMC64 fast calls, owner 5 (standard hypervisor services). */
#define RVIC_FID_BASE 0xC5000200u
#define RVID_FID_BASE 0xC5000100u

enum rvic_fn {
	RVIC_FN_VERSION,
	RVIC_FN_INFO,
	RVIC_FN_ENABLE,
	RVIC_FN_DISABLE,
	RVIC_FN_SET_MASKED,
	RVIC_FN_CLEAR_MASKED,
	RVIC_FN_IS_PENDING,
	RVIC_FN_SIGNAL,
	RVIC_FN_CLEAR_PENDING,
	RVIC_FN_ACKNOWLEDGE,
	RVIC_FN_RESAMPLE,
	RVIC_NR_FNS
};

enum rvid_fn { RVID_FN_VERSION, RVID_FN_MAP, RVID_FN_UNMAP, RVID_NR_FNS };

/* Status in a0: reason in bits [7:0], the offending argument's index in [15:8]. */
enum rvic_status {
	RVIC_SUCCESS,
	RVIC_ERROR_PARAMETER,
	RVIC_INVALID_CPU,
	RVIC_DISABLED,
	RVIC_NO_INTERRUPTS,
};
#define RVIC_STATUS(reason, arg) ((uint64_t)(reason) | (uint64_t)(arg) << 8)
/* SMCCC's NOT_SUPPORTED (-1), for a function ID neither block defines. */
#define RVIC_SMCCC_NOT_SUPPORTED ((uint64_t)-1)

/* VERSION's a1: major << 16 | minor. The 2020 series implements 0.3. */
#define RVIC_VERSION (0u << 16 | 3u)
/* INFO's keys. */
#define RVIC_INFO_TRUSTED   0
#define RVIC_INFO_UNTRUSTED 1

/* The bounds the 2020 KVM series put on NR_IRQS; armlet's own sizes keep to them. */
#define RVIC_MIN_TRUSTED 32
#define RVIC_MIN_TOTAL	 64
#define RVIC_MAX_TOTAL	 2048

/* What armlet gives each vCPU: 32 trusted, 96 untrusted. */
#define RVIC_NR_TRUSTED 32
#define RVIC_NR_TOTAL	128

/* The trusted level lines (the INTIDs KVM's vGIC uses for the same devices). */
#define RVIC_INTID_PMU	  23
#define RVIC_INTID_VTIMER 27
#define RVIC_INTID_PTIMER 30

/* MPIDR_EL1's affinity fields (Aff3, Aff2..Aff0): what names a vCPU. */
#define RVIC_MPIDR_AFF_MASK 0xff00ffffffull

struct rvic_cpu {
	uint64_t mpidr; /* affinity bits only */
	bool enabled;
	uint32_t *pending, *masked, *queued, *line; /* bitmaps of nr_total bits */
	uint16_t *queue;			    /* FIFO of queued INTIDs */
	unsigned head, count;
};

struct rvid_map {
	bool valid;
	uint16_t cpu;
	uint16_t intid;
};

struct rvic {
	pthread_mutex_t lock;
	unsigned nr_cpus, nr_trusted, nr_total, nr_inputs;
	struct rvic_cpu *cpu;
	struct rvid_map *map; /* nr_inputs entries */
	uint64_t delivered;   /* ACKNOWLEDGE that returned an interrupt: atomic */
	uint64_t dropped;     /* rVID inputs with no mapping: atomic */
};

/* What a call returns to the guest (x0, x1), and whom it concerns. */
struct rvic_result {
	uint64_t a0, a1;
	uint64_t changed; /* bit c: vCPU c's output may have changed */
};

/*
 * Sets r up for nr_cpus (1..64) vCPUs with nr_trusted and nr_total
 * interrupts each (the NR_IRQS bounds above) and nr_inputs rVID inputs
 * (1..RVIC_MAX_TOTAL). Every vCPU disabled, every interrupt masked, every
 * mpidr 0 until rvic_set_mpidr(). Returns -EINVAL or -ENOMEM.
 */
int rvic_init(struct rvic *r, unsigned nr_cpus, unsigned nr_trusted, unsigned nr_total,
	      unsigned nr_inputs);
/* Releases r. No call in progress or to come. */
void rvic_destroy(struct rvic *r);
/* The vCPU's MPIDR_EL1, by which guests name it. Before it runs. */
void rvic_set_mpidr(struct rvic *r, unsigned cpu, uint64_t mpidr);
/* Power-on state (every vCPU disabled, all masked, no mapping); lines and MPIDRs stay. */
void rvic_reset(struct rvic *r);

/* Whether fid is one of the rVIC's or the rVID's function IDs. */
bool rvic_fid_known(uint64_t fid);

/*
 * A call by vCPU cpu: fid in x0, arg[0..2] in x1..x3. Every argument is
 * checked; res gets the guest's x0/x1 (RVIC_SMCCC_NOT_SUPPORTED for an
 * unknown fid or a bad cpu) and the vCPUs to resync.
 */
void rvic_call(struct rvic *r, unsigned cpu, uint64_t fid, const uint64_t arg[3],
	       struct rvic_result *res);

/*
 * Trusted level line intid of vCPU cpu (the timers, the PMU) to level: a
 * rising edge pends it. Returns the vCPUs to resync, or 0 for a bad cpu or
 * intid (nothing changes).
 */
uint64_t rvic_set_line(struct rvic *r, unsigned cpu, unsigned intid, bool level);

/*
 * An edge on rVID input (a device's line, or an MSI's data): SIGNAL of the
 * mapped (mpidr, intid). *changed gets the vCPUs to resync. Returns 0,
 * -ENOENT when the input is not mapped (dropped and counted), -EINVAL when
 * there is no such input, -EAGAIN when the target rVIC is disabled (dropped).
 */
int rvid_input(struct rvic *r, unsigned input, uint64_t *changed);

/* vCPU cpu's IRQ output: enabled and something queued. */
bool rvic_output(struct rvic *r, unsigned cpu);

#endif
